"""Slot maps: where each product lays out each kind of section.

A product is a writer with named slots (the flyer's key numbers, main band, two columns
and help box; the brochure's panels; a card's front and back). Which section fills which
slot is data: each slot takes, by default, the first unused sections of the kinds it
accepts, in content order; a campaign names other sections for any slot under ``slots``
in its campaign.yaml. A slot left with nothing closes up.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Slot:
    """A place in a product: the kinds it lays out, and how many of each it takes by default."""

    name: str
    kinds: dict[str, int]
    prefer: dict[str, str] = field(default_factory=dict)
    """For a kind, a style whose sections are taken first (cards: lists of "checks")."""


SLOT_MAPS: dict[str, tuple[Slot, ...]] = {
    "flyer": (
        Slot("numbers", {"statistics": 1}),
        Slot("band", {"steps": 1}),
        Slot("quote", {"quote": 1}),
        Slot("callout", {"text": 1}),
        Slot("columns", {"list": 2}),
        Slot("help", {"resources": 1}),
        Slot("action", {"call_to_action": 1}),
    ),
    "brochure": (
        Slot("panel-2", {"statistics": 1, "quote": 1}),
        Slot("panel-3", {"steps": 1, "text": 1, "list": 1}),
        Slot("panel-4", {"list": 3}),
        Slot("flap", {"myths": 1, "list": 1, "text": 1}),
        Slot("help", {"resources": 1}),
        Slot("action", {"call_to_action": 1}),
    ),
    "cards": (
        Slot("front", {"list": 1}, prefer={"list": "checks"}),
        Slot("help", {"resources": 1}),
    ),
    "poster": (
        Slot("help", {"resources": 1}),
        Slot("action", {"call_to_action": 1}),
    ),
}
"""Every print layout's slots, in the order they are filled by default. The large-print
flyer uses the flyer's map."""


def slot_names(layout: str) -> list[str]:
    """The slot names of a print layout."""
    return [slot.name for slot in SLOT_MAPS.get(layout, ())]


def accepts(layout: str, slot_name: str) -> dict[str, int]:
    """The kinds a slot lays out."""
    return next(s.kinds for s in SLOT_MAPS[layout] if s.name == slot_name)


def assign(layout: str, sections: list, chosen: dict[str, list[str]] | None = None) -> dict[str, list]:
    """Fill a layout's slots: the campaign's choices first, then defaults by kind."""
    chosen = chosen or {}
    by_id = {s.id: s for s in sections}
    order = {s.id: i for i, s in enumerate(sections)}
    used = {ident for ids in chosen.values() for ident in ids}
    filled: dict[str, list] = {}
    for slot in SLOT_MAPS[layout]:
        if slot.name in chosen:
            filled[slot.name] = [by_id[i] for i in chosen[slot.name] if i in by_id]
            continue
        taken = []
        for kind, count in slot.kinds.items():
            pool = [s for s in sections if s.kind == kind and s.id not in used]
            style = slot.prefer.get(kind)
            if style:
                pool.sort(key=lambda s: getattr(s, "style", None) != style)
            taken += pool[:count]
            used.update(s.id for s in pool[:count])
        filled[slot.name] = sorted(taken, key=lambda s: order[s.id])
    return filled
