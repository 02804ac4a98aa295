"""Localize stage: a validated campaign becomes an Edition for one locale and region."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from babel import Locale
from babel.dates import format_date, format_interval, format_time
from babel.numbers import format_compact_decimal, format_decimal, format_percent
from babel.units import format_unit
from pydantic import ValidationError

from . import i18n, review
from .content import CAMPAIGN_FILE, DECK_FILE, Content
from .errors import ContentError, Problem, UsageError
from .labels import LABEL_NAMES, defaults
from .model import (
    Campaign,
    Deck,
    Organization,
    Quote,
    Region,
    Resource,
    Source,
    Statistic,
    SECTION_MODELS,
    cited_ids,
    fill,
    paper_of,
)
from .pseudo import PSEUDO_LOCALES, is_pseudo, pseudo, script_locale
from .references import Patch
from .slots import assign

if TYPE_CHECKING:
    from .chapters import Chapter, Event


@dataclass(frozen=True)
class Edition:
    """Everything a renderer needs for one locale: text, direction and formatting."""

    locale: str
    campaign: Campaign
    deck: Deck
    region: str
    overlay: Region | None = None
    """The region file in force, if the region is not the campaign's own."""
    content_dir: Path | None = None
    """The content folder, for images the content names."""
    warnings: tuple[str, ...] = ()
    """Texts that fell back to the source language."""
    local: Chapter | None = None
    """The chapter (a school, a PTA) this edition is personalized for, if any."""
    labels: dict[str, str] = field(default_factory=dict)
    """Every interface label in this locale, by name (see outreach/labels.py)."""
    sections: tuple = ()
    """The campaign's sections in this locale, with the region's changes applied."""
    deck_sections: tuple = ()
    """The deck outline's own sections in this locale."""
    draft: bool = False
    """True if a catalog translates this edition and nobody has marked it reviewed: every
    product then says so (the ``draft_translation`` label)."""

    @cached_property
    def _babel(self) -> Locale:
        if is_pseudo(self.locale):  # pseudo-locales format numbers and dates as the source
            return Locale.parse(self.campaign.meta.source_language, sep="-")
        return Locale.parse(self.locale, sep="-")

    @property
    def lang(self) -> str:
        """The BCP 47 language tag declared in every output."""
        return self.locale

    @property
    def font_lang(self) -> str:
        """The language whose script chooses the fonts (a pseudo-locale's is the source's)."""
        return script_locale(self.locale, self.campaign.meta.source_language)

    @property
    def direction(self) -> str:
        """``rtl`` or ``ltr``, from the locale's script."""
        return PSEUDO_LOCALES.get(self.locale) or self._babel.text_direction

    def label(self, name: str, /, **values: str) -> str:
        """An interface label in this locale, with any pattern values filled in."""
        return fill(self.labels[name], **values)

    def section(self, ident: str):
        """The section with this id, the campaign's or the deck's (None if there is none)."""
        return next((s for s in (*self.sections, *self.deck_sections) if s.id == ident), None)

    def slots(self, layout: str, product: str | None = None) -> dict[str, list]:
        """The sections in each slot of a print layout: the campaign's choice, else defaults."""
        chosen = self.campaign.slots.get(product or layout) or self.campaign.slots.get(layout)
        return assign(layout, list(self.sections), chosen)

    def of_kind(self, kind: str) -> list:
        """The campaign's sections of one kind, in order."""
        return [s for s in self.sections if s.kind == kind]

    @property
    def help_title(self) -> str:
        """The heading over the help lines: the resources section's title, else the label."""
        found = next((s.title for s in self.of_kind("resources") if s.title), None)
        return found or self.label("get_help")

    def featured(self, section) -> list[Statistic]:
        """The (at most three) big numbers of a statistics section."""
        marked = [s for s in section.items if s.featured]
        return (marked or list(section.items))[:3]

    def ways(self, resource: Resource) -> list[tuple[str, str, str]]:
        """Every way to reach a resource: (verb, what to show, link) for call, text, online."""
        found = []
        if resource.phone:
            found.append((self.label("call"), resource.phone, "tel:" + _dial(resource.phone)))
        if resource.sms:
            found.append((self.label("text"), resource.sms, "sms:" + _dial(resource.sms)))
        if resource.url:
            found.append((self.label("online"), bare_url(resource.url), resource.url))
        return found

    def contact_ways(self, contact) -> list[tuple[str, str, str]]:
        """Every way to reach a chapter's local contact: (verb, what to show, link) for
        call, e-mail and web, as the web page links them."""
        found = []
        if contact.phone:
            found.append((self.label("call"), contact.phone, "tel:" + _dial(contact.phone)))
        if contact.email:
            found.append((self.label("email"), contact.email, "mailto:" + contact.email))
        if contact.url:
            found.append((self.label("online"), bare_url(contact.url), contact.url))
        return found

    def number(self, stat: Statistic) -> str:
        """Format a statistic's value for the locale, e.g. '4.8 million' or '1 in 5'."""
        # The locale's own digits (e.g. Arabic-Indic for ar-EG), not always Latin ones.
        loc, digits = self._babel, "default"
        if stat.unit == "count" and stat.display == "compact":
            return format_compact_decimal(stat.value, format_type="long", locale=loc,
                                          fraction_digits=1, numbering_system=digits)
        if stat.unit == "count":
            exact = format_decimal(stat.value, locale=loc, numbering_system=digits)
            return self.label("at_least", n=exact) if stat.display == "at_least" else exact
        if stat.unit == "percent":
            return format_percent(stat.value / 100, locale=loc, numbering_system=digits)
        if stat.unit == "months":
            return format_unit(stat.value, "duration-month", length="long", locale=loc,
                               numbering_system=digits)
        n = format_decimal(stat.value, locale=loc, numbering_system=digits)
        return self.label("one_in", n=n)

    def date(self, value: dt.date) -> str:
        """Format a date the way the locale writes it in running text."""
        return format_date(value, format="long", locale=self._babel)

    def event_when(self, event: Event) -> str:
        """An event's day and time as the locale writes them: "Thursday, March 11, 2027 ·
        6:30 – 8:00 PM", "jeudi 11 mars 2027 · 18:30 – 20:00"."""
        day = format_date(event.date, format="full", locale=self._babel)
        if event.start is None:
            return day
        if event.end is None:
            return f"{day} · {format_time(event.start, format='short', locale=self._babel)}"
        clock = "Hm" if "H" in self._babel.time_formats["short"].pattern else "hm"
        return f"{day} · {format_interval(event.start, event.end, clock, locale=self._babel)}"

    def source(self, source_id: str) -> Source:
        """Return the source with this id (references were checked at load)."""
        return next(s for s in self.campaign.sources if s.id == source_id)

    def citation(self, stat: Statistic) -> str:
        """Short citation printed beside a number: publisher and the year it describes."""
        source = self.source(stat.source)
        return self.label("cite", source=source.short or source.publisher, year=str(stat.year))

    def attribution(self, quote: Quote) -> str:
        """Who said a quote: speaker and role, in the language's pattern."""
        return self.label("attribution", speaker=quote.speaker, role=quote.role)

    @property
    def reviewed(self) -> str:
        """The footer's review-date line."""
        return self.label("reviewed", date=self.date(self.campaign.meta.last_reviewed))

    @property
    def resources(self) -> list[Resource]:
        """This region's resources, the emergency number first, then the primary one."""
        pool = self.overlay.resources if self.overlay else self.campaign.resources
        mine = [r for r in pool if r.region == self.region]
        return sorted(mine, key=lambda r: (not r.emergency, not r.primary))

    @property
    def logo(self) -> Path | None:
        """The chapter's logo, else the organization's (both checked at load to lie inside
        the content folder)."""
        name = (self.local.logo if self.local else None) or self.organization.logo
        return (self.content_dir / name).resolve() if name and self.content_dir else None

    @property
    def organization(self) -> Organization:
        """Who publishes this edition: the region's organization if it names one."""
        if self.overlay and self.overlay.organization:
            return self.overlay.organization
        return self.campaign.meta.organization

    @property
    def primary(self) -> Resource:
        """The main help line: the one marked primary, else the first that is not the
        emergency number, else the first."""
        found = self.resources
        return next((r for r in found if r.primary), None) or \
            next((r for r in found if not r.emergency), found[0])

    @property
    def cited_sources(self) -> list[Source]:
        """Sources in order of first citation, then any listed but not cited."""
        ids = cited_ids(self.sections) + [s.id for s in self.campaign.sources]
        return [self.source(i) for i in dict.fromkeys(ids)]

    @property
    def build_date(self) -> dt.datetime:
        """The date stamped inside files: SOURCE_DATE_EPOCH if set, else the review date."""
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch and epoch.isdigit():
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        reviewed = self.campaign.meta.last_reviewed
        return dt.datetime(reviewed.year, reviewed.month, reviewed.day, tzinfo=dt.UTC)


def _dial(number: str) -> str:
    """A number as a phone dials it: digits and a leading +, nothing else."""
    return "".join(ch for ch in number if ch.isdigit() or ch == "+")


def bare_url(url: str) -> str:
    """A web address as people type it: no scheme, no www., no trailing slash."""
    return url.removeprefix("https://").removeprefix("www.").rstrip("/")


def is_web(link: str) -> bool:
    """Whether a link from Edition.ways is a web address (else tel: or sms:)."""
    return link.startswith(("https://", "http://"))


def _split(locale: str) -> tuple[str, str | None]:
    """Return (language, region) of a BCP 47 tag: en-GB -> (en, GB), zh-Hans -> (zh, None)."""
    parts = locale.split("-")
    region = next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    return parts[0], region.upper() if region else None


def available_locales(content: Content) -> list[str]:
    """The source language, every locale with a catalog, and every region overlay's locales."""
    extra = set(i18n.catalog_locales(content))
    for region in content.regions.values():
        extra.update(region.locales)
    source = content.campaign.meta.source_language
    return [source] + sorted(extra - {source})


def known_locales(content: Content) -> list[str]:
    """The available locales, plus the pseudo-locales any build may ask for."""
    return available_locales(content) + list(PSEUDO_LOCALES)


def _region_for(content: Content, locale: str) -> str:
    """The region whose help resources a locale prints; never guessed from another region."""
    _, region = _split(locale)
    if is_pseudo(locale):
        return content.campaign.meta.region
    for overlay in content.regions.values():
        if locale in overlay.locales:
            return overlay.region
    if region is None or region == content.campaign.meta.region:
        return content.campaign.meta.region
    if region not in content.regions:
        raise ContentError([Problem(
            str(content.folder / "regions" / f"{region}.yaml"), 1, 1, "",
            f"locale {locale} needs help resources for region {region}, and there is no "
            f"region file; create it (see content/regions/GB.yaml) so that {locale} never "
            f"prints another region's hotlines")])
    return region


def paper_for(content: Content, locale: str) -> str:
    """The usual paper size where a locale is printed: its region's."""
    region = _region_for(content, locale)
    overlay = content.regions.get(region)
    return overlay.default_paper if overlay else paper_of(region)


def _catalog_for(content: Content, locale: str) -> str | None:
    """The catalog that translates a locale: its own, else its language's, else none."""
    have = set(i18n.catalog_locales(content))
    language, _ = _split(locale)
    return locale if locale in have else (language if language in have else None)


def _apply(content: Content, tr: i18n.Translation) -> tuple[Campaign, Deck]:
    """Replace source texts by their translations and validate the result again."""
    data = {CAMPAIGN_FILE: content.campaign.model_dump(), DECK_FILE: content.deck.model_dump()}
    where: dict[tuple, str] = {}
    for text in i18n.texts(content):
        if text.id in tr.strings and text.path is not None:
            node = data[text.path[0]]
            for key in text.path[1:-1]:
                node = node[key]
            node[text.path[-1]] = tr.strings[text.id]
            where[text.path] = text.id
    problems, models = [], []
    for doc, model in ((CAMPAIGN_FILE, Campaign), (DECK_FILE, Deck)):
        try:
            models.append(model.model_validate(data[doc]))
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                loc = tuple(p for p in error["loc"] if p not in SECTION_MODELS)
                ident = where.get((doc,) + loc, "")
                problems.append(Problem(tr.file, tr.lines.get(ident, 1), 1, ident,
                                        f"translation rejected: {error['msg'].lower()}"))
    if problems:
        raise ContentError(problems)
    return models[0], models[1]


def check_translation(content: Content, tr: i18n.Translation) -> list[Problem]:
    """What the content model refuses in a translation (an empty or overlong text, a
    pattern without its placeholder), each at its catalog line; empty if it applies."""
    try:
        _apply(content, tr)
    except ContentError as exc:
        return list(exc.problems)
    return []


def _labels(campaign: Campaign, tr: i18n.Translation | None) -> dict[str, str]:
    """Every interface label: translated, else the campaign's own, else the tool's default."""
    merged = campaign.labels.merged(defaults())
    strings = tr.strings if tr else {}
    return {name: strings.get(f"labels.{name}", merged[name]) for name in LABEL_NAMES}


def _patched(section, patch: Patch | None):
    """A section with a region's changes: items replaced, removed, added; title and text."""
    if patch is None:
        return section
    update: dict = {}
    if patch.title:
        update["title"] = patch.title
    if patch.text and hasattr(section, "text"):
        update["text"] = patch.text
    if hasattr(section, "items"):
        items = list(patch.items) if patch.items is not None else [
            patch.replace.get(item.id, item) for item in section.items
            if item.id not in patch.remove]
        update["items"] = items + list(patch.add)
    return section.model_copy(update=update)


def _regional(content: Content, campaign: Campaign, region: str) -> tuple:
    """The campaign's sections for a region; a region-specific one must come from its file."""
    patches = content.patches.get(region, {})
    problems = []
    for section in campaign.sections:
        if section.region_specific and region != campaign.meta.region and section.id not in patches:
            problems.append(Problem(str(content.folder / "regions" / f"{region}.yaml"), 1, 1,
                                    f"sections.{section.id}", f"section {section.id!r} is "
                                    f"region-specific: give its items for {region} here "
                                    f"(sections: {section.id}: items: ...)"))
    if problems:
        raise ContentError(problems)
    return tuple(_patched(s, patches.get(s.id)) for s in campaign.sections)


def _pseudo_translation(content: Content, locale: str) -> i18n.Translation:
    """A pseudo-locale's strings, made from the source text of every translatable text."""
    found = i18n.texts(content)
    return i18n.Translation({t.id: pseudo(t.value) for t in found}, [], [],
                            {}, f"pseudo-locale {locale}")


def localize(content: Content, locale: str, *, strict: bool = False) -> Edition:
    """Return the campaign in ``locale``: translated text, the locale's region data.

    Untranslated and stale (fuzzy) texts fall back to the source language with a warning;
    with ``strict`` they are errors. Pseudo-locales (en-XA, ar-XB) are made on the fly.
    """
    known = known_locales(content)
    if locale not in known:
        raise UsageError(f"no translation for locale {locale!r}; available: {', '.join(known)}")
    region = _region_for(content, locale)
    source = content.campaign.meta.source_language
    campaign, deck, warnings, tr, draft = content.campaign, content.deck, [], None, False
    catalog = _catalog_for(content, locale)
    if is_pseudo(locale):
        tr = _pseudo_translation(content, locale)
        campaign, deck = _apply(content, tr)
    elif _split(locale)[0] != source:
        tr = i18n.translation(content, catalog or _split(locale)[0])
        if catalog is None and not tr.strings:
            raise UsageError(f"locale {locale!r} has no catalog; run 'python build.py i18n init "
                             f"{_split(locale)[0]}'")
        campaign, deck = _apply(content, tr)
        draft = catalog is not None and review.of(content, catalog, tr).draft
        warnings = i18n.fallbacks(tr, locale, source, strict, draft and catalog)
    return Edition(locale, campaign, deck, region, content.regions.get(region), content.folder,
                   tuple(warnings), labels=_labels(campaign, tr),
                   sections=_regional(content, campaign, region), deck_sections=tuple(deck.sections),
                   draft=draft)
