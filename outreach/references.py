"""Validate stage, second half: every reference between parts points at something that exists.

Ids are unique where they must be, statistics and quotes cite known sources, the deck shows
known sections, slot maps name known products, slots and sections of kinds the slot lays
out, and a region file changes only sections and items the campaign has.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError

from .errors import Problem
from .model import ITEM_MODELS, RESERVED_IDS, Campaign, Deck, Region, items_of
from .slots import SLOT_MAPS, accepts, slot_names
from .yamlsafe import Located, control_character, dotted

DECK_PARTS = ("meta", "sources", "resources")
"""What a slide may show besides a section: the title slide, the sources, the help lines."""
SLOT_PRODUCTS = {"flyer": "flyer", "flyer-large": "flyer", "brochure": "brochure",
                 "cards": "cards", "poster": "poster"}
"""Products whose slots a campaign may fill, and the layout each uses."""


@dataclass(frozen=True)
class Patch:
    """A region's checked changes to one section."""

    title: str | None = None
    text: str | None = None
    items: tuple | None = None
    add: tuple = ()
    replace: dict = field(default_factory=dict)
    remove: frozenset[str] = frozenset()


class _Found:
    """Collects located problems for one document."""

    def __init__(self, doc: Located):
        self.doc = doc
        self.problems: list[Problem] = []

    def add(self, path: tuple, message: str) -> None:
        line, col = self.doc.mark(path)
        self.problems.append(Problem(self.doc.file, line, col, dotted(path), message))


def _unique(found: _Found, items, path: tuple, what: str = "a list") -> None:
    """Flag items whose id repeats within their list."""
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.id in seen:
            found.add(path + (index, "id"), f"duplicate id {item.id!r}; ids must be unique in {what}")
        seen.add(item.id)


def _sections(found: _Found, sections, path: tuple, sources: set[str]) -> None:
    """Check one document's sections: reserved ids, item ids, cited sources, highlights."""
    for i, section in enumerate(sections):
        here = path + (i,)
        if section.id in RESERVED_IDS:
            found.add(here + ("id",), f"{section.id!r} names a part of the campaign; give the "
                      "section another id")
        items = items_of(section)
        _unique(found, items, here + ("items",), "a section")
        for j, item in enumerate(items):
            cited = getattr(item, "source", None)
            if cited is not None and cited not in sources:
                found.add(here + ("items", j, "source"), f"no entry in sources has the id "
                          f"{cited!r}; known: {', '.join(sorted(sources))}")
        featured = [x.id for x in items if getattr(x, "featured", False)]
        if len(featured) > 3:
            found.add(here + ("items",), f"{len(featured)} statistics are featured "
                      f"({', '.join(featured)}); products show 3 big numbers at most: mark "
                      "3 or fewer")
        highlight = getattr(section, "highlight", None)
        if highlight is not None and highlight not in {x.id for x in items}:
            found.add(here + ("highlight",), f"no step of {section.id!r} has the id "
                      f"{highlight!r}; known: {', '.join(x.id for x in items)}")


def _resources(found: _Found, campaign: Campaign) -> None:
    """The campaign's region has help resources, and at most one is the primary line."""
    region = campaign.meta.region
    regional = [r for r in campaign.resources if r.region == region]
    if not regional:
        found.add(("resources",), f"no resource serves the region {region!r}; add one")
    elif sum(r.primary for r in regional) > 1:
        found.add(("resources",), f"mark at most one {region} resource as primary: true "
                  "(the flyer's QR code points at it)")


def _slots(found: _Found, campaign: Campaign) -> None:
    """Slot maps name known products, slots, and sections of kinds those slots lay out."""
    kinds = {s.id: s.kind for s in campaign.sections}
    for product, chosen in campaign.slots.items():
        layout = SLOT_PRODUCTS.get(product)
        if layout is None:
            found.add(("slots", product), f"no product {product!r} has slots; products with "
                      f"slots: {', '.join(SLOT_PRODUCTS)}")
            continue
        for slot, ids in chosen.items():
            if slot not in slot_names(layout):
                found.add(("slots", product, slot), f"the {product} has no slot {slot!r}; its "
                          f"slots: {', '.join(slot_names(layout))}")
                continue
            allowed = accepts(layout, slot)
            for k, ident in enumerate(ids):
                where = ("slots", product, slot, k)
                if ident not in kinds:
                    found.add(where, f"no section has the id {ident!r}; known: "
                              f"{', '.join(kinds)}")
                elif kinds[ident] not in allowed:
                    found.add(where, f"the {product}'s {slot} cannot lay out a {kinds[ident]} "
                              f"section ({ident}); it takes: {', '.join(allowed)}")
                elif ident in ids[:k]:
                    found.add(where, f"{ident!r} is named twice in the {product}'s {slot}; "
                              "name each section once")


def _deck(found: _Found, campaign: Campaign, deck: Deck) -> None:
    """Every slide shows a known section, item or part; the deck ends with where to get help."""
    sections = {s.id: s for s in [*campaign.sections, *deck.sections]}
    titles: dict[str, int] = {}
    helps = False
    for i, slide in enumerate(deck.slides):
        where = ("slides", i, "content")
        ident, _, item = (slide.content or "").partition("/")
        if slide.content is None:
            pass
        elif ident in DECK_PARTS:
            helps |= ident == "resources"
            if item:
                found.add(where, f"{ident!r} takes no item id; write just {ident!r}")
        elif ident not in sections:
            found.add(where, f"no section has the id {ident!r}; known: "
                      f"{', '.join([*sections, *DECK_PARTS])}")
        else:
            helps |= sections[ident].kind == "resources"
            known = [x.id for x in items_of(sections[ident])]
            if item and item not in known:
                found.add(where, f"section {ident!r} has no item {item!r}" + (
                    f"; its items: {', '.join(known)}" if known else
                    f"; a {sections[ident].kind} section has no items, write just {ident!r}"))
        if slide.title in titles:
            found.add(("slides", i, "title"), f"the same title as slides[{titles[slide.title]}]; "
                      "every slide needs its own title")
        titles.setdefault(slide.title, i)
    if not helps:
        found.add(("slides",), "the deck must end with where to get help: add a slide whose "
                  "content is a resources section (or resources)")


def cross_check(campaign: Campaign, deck: Deck, cdoc: Located, ddoc: Located) -> list[Problem]:
    """Check every reference between the campaign and the deck outline; return the problems."""
    c, d = _Found(cdoc), _Found(ddoc)
    sources = {s.id for s in campaign.sources}
    _unique(c, campaign.sources, ("sources",))
    _unique(c, campaign.resources, ("resources",))
    _unique(c, campaign.sections, ("sections",), "the campaign's sections")
    _sections(c, campaign.sections, ("sections",), sources)
    _sections(d, deck.sections, ("sections",), sources)
    ours = {s.id for s in campaign.sections}
    for i, section in enumerate(deck.sections):
        if section.id in ours:
            d.add(("sections", i, "id"), f"campaign.yaml already has a section {section.id!r}; "
                  "give the deck's own section another id")
    _unique(d, deck.slides, ("slides",))
    _resources(c, campaign)
    _slots(c, campaign)
    _deck(d, campaign, deck)
    return c.problems + d.problems


def _items(found: _Found, kind: str, raw: list[dict], path: tuple) -> list:
    """Validate a region's items against the item type of the section's kind."""
    from .content import _message  # not at the top: content imports this module

    model, out = ITEM_MODELS[kind], []
    for j, data in enumerate(raw):
        try:
            out.append(model.model_validate(data))
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                if isinstance(error["input"], str) and control_character(error["input"]):
                    continue  # read_yaml reported it already
                where = path + (j, *error["loc"])
                found.add(where, "unknown key" if error["type"] == "extra_forbidden" else
                          _message(error, model))
    return out


def region_problems(campaign: Campaign, region: Region, doc: Located) -> tuple[dict[str, Patch], list[Problem]]:
    """Check a region file's section changes against the campaign; return them as patches."""
    found, patches = _Found(doc), {}
    sections = {s.id: s for s in campaign.sections}
    for ident, change in region.sections.items():
        here = ("sections", ident)
        section = sections.get(ident)
        if section is None:
            found.add(here, f"the campaign has no section {ident!r}; known: {', '.join(sections)}")
            continue
        has_items = section.kind in ITEM_MODELS
        lists = {"items": change.items or [], "add": change.add, "replace": change.replace}
        if not has_items and any(lists.values()):
            found.add(here, f"a {section.kind} section has no items; change its text instead")
            continue
        if change.text is not None and not hasattr(section, "text"):
            found.add(here + ("text",), f"a {section.kind} section has no text")
        parsed = {name: _items(found, section.kind, raw, here + (name,)) if has_items else []
                  for name, raw in lists.items()}
        known = {x.id for x in items_of(section)}
        sources = {x.id for x in campaign.sources}
        for name, items in parsed.items():
            for j, item in enumerate(items):
                cited = getattr(item, "source", None)
                if cited is not None and cited not in sources:
                    found.add(here + (name, j, "source"), f"no entry in the campaign's "
                              f"sources has the id {cited!r}; known: {', '.join(sorted(sources))}")
        for j, item in enumerate(parsed["add"]):
            if item.id in known:
                found.add(here + ("add", j, "id"), f"section {ident!r} already has an item "
                          f"{item.id!r}; use replace to change it, or another id to add one")
        for name in ("replace", "remove"):
            for j, ident_ in enumerate(x.id for x in parsed["replace"]) if name == "replace" \
                    else enumerate(change.remove):
                if ident_ not in known:
                    found.add(here + (name, j), f"section {ident!r} has no item {ident_!r}; "
                              f"its items: {', '.join(sorted(known))}")
        patches[ident] = Patch(change.title, change.text,
                               tuple(parsed["items"]) if change.items is not None else None,
                               tuple(parsed["add"]), {x.id: x for x in parsed["replace"]},
                               frozenset(change.remove))
    return patches, found.problems


__all__ = ["DECK_PARTS", "SLOT_MAPS", "SLOT_PRODUCTS", "Patch", "cross_check", "region_problems"]
