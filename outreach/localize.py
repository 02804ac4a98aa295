"""Localize stage: a validated campaign becomes an Edition for one locale and region."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from babel import Locale
from babel.dates import format_date, format_interval, format_time
from babel.numbers import format_compact_decimal, format_decimal, format_percent
from babel.units import format_unit
from pydantic import ValidationError

from . import i18n
from .content import CAMPAIGN_FILE, DECK_FILE, Content
from .errors import ContentError, Problem, UsageError
from .model import (
    Campaign,
    Deck,
    Organization,
    Quote,
    Region,
    Resource,
    Source,
    Statistic,
    fill,
    paper_of,
)

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

    @cached_property
    def _babel(self) -> Locale:
        return Locale.parse(self.locale, sep="-")

    @property
    def lang(self) -> str:
        """The BCP 47 language tag declared in every output."""
        return self.locale

    @property
    def direction(self) -> str:
        """``rtl`` or ``ltr``, from the locale's script."""
        return self._babel.text_direction

    def number(self, stat: Statistic) -> str:
        """Format a statistic's value for the locale, e.g. '4.8 million' or '1 in 5'."""
        # The locale's own digits (e.g. Arabic-Indic for ar-EG), not always Latin ones.
        loc, digits = self._babel, "default"
        if stat.unit == "count":
            return format_compact_decimal(stat.value, format_type="long", locale=loc,
                                          fraction_digits=1, numbering_system=digits)
        if stat.unit == "percent":
            return format_percent(stat.value / 100, locale=loc, numbering_system=digits)
        if stat.unit == "months":
            return format_unit(stat.value, "duration-month", length="long", locale=loc,
                               numbering_system=digits)
        n = format_decimal(stat.value, locale=loc, numbering_system=digits)
        return self.campaign.labels.one_in.replace("{n}", n)

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
        return fill(self.campaign.labels.cite, source=source.short or source.publisher,
                    year=str(stat.year))

    def attribution(self, quote: Quote) -> str:
        """Who said a quote: speaker and role, in the language's pattern."""
        return fill(self.campaign.labels.attribution, speaker=quote.speaker, role=quote.role)

    @property
    def reviewed(self) -> str:
        """The footer's review-date line."""
        return fill(self.campaign.labels.reviewed, date=self.date(self.campaign.meta.last_reviewed))

    def heading(self, content: str) -> str | None:
        """The deck's title for a kind of content ("prosecution"), so print products that
        show it too use the same, already translated, words; None if no slide shows it."""
        return next((s.title for s in self.deck.slides if s.content == content), None)

    @property
    def featured(self) -> list[Statistic]:
        """The three statistics the flyer shows as big numbers."""
        return [s for s in self.campaign.statistics if s.featured]

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
        """The resource the QR code points at."""
        return next(r for r in self.resources if r.primary)

    @property
    def cited_sources(self) -> list[Source]:
        """Sources in order of first citation, then any listed but not cited."""
        c = self.campaign
        return [self.source(i) for i in dict.fromkeys(c.cited() + [s.id for s in c.sources])]

    @property
    def build_date(self) -> dt.datetime:
        """The date stamped inside files: SOURCE_DATE_EPOCH if set, else the review date."""
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch and epoch.isdigit():
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        reviewed = self.campaign.meta.last_reviewed
        return dt.datetime(reviewed.year, reviewed.month, reviewed.day, tzinfo=dt.UTC)


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


def _region_for(content: Content, locale: str) -> str:
    """The region whose help resources a locale prints; never guessed from another region."""
    _, region = _split(locale)
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
        if text.id in tr.strings:
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
                ident = where.get((doc,) + tuple(error["loc"]), "")
                problems.append(Problem(tr.file, tr.lines.get(ident, 1), 1, ident,
                                        f"translation rejected: {error['msg'].lower()}"))
    if problems:
        raise ContentError(problems)
    return models[0], models[1]


def localize(content: Content, locale: str, *, strict: bool = False) -> Edition:
    """Return the campaign in ``locale``: translated text, the locale's region data.

    Untranslated and stale (fuzzy) texts fall back to the source language with a warning;
    with ``strict`` they are errors.
    """
    known = available_locales(content)
    if locale not in known:
        raise UsageError(f"no translation for locale {locale!r}; available: {', '.join(known)}")
    region = _region_for(content, locale)
    source = content.campaign.meta.source_language
    campaign, deck, warnings = content.campaign, content.deck, []
    catalog = _catalog_for(content, locale)
    if catalog is not None and _split(locale)[0] != source:
        tr = i18n.translation(content, catalog)
        campaign, deck = _apply(content, tr)
        stale = [(ident, "fuzzy: the source text changed") for ident in tr.fuzzy]
        stale += [(ident, "untranslated") for ident in tr.missing]
        if stale and strict:
            raise ContentError([Problem(tr.file, tr.lines.get(i, 1), 1, i,
                                        f"{why}; translate it or drop --strict")
                                for i, why in stale])
        for why in ("untranslated", "fuzzy: the source text changed"):
            ids = [ident for ident, reason in stale if reason == why]
            if len(ids) == 1:
                warnings.append(f"{locale}: {ids[0]} is {why}; printing the {source} text")
            elif ids:
                more = f" and {len(ids) - 5} more" if len(ids) > 5 else ""
                warnings.append(f"{locale}: {len(ids)} texts are {why.split(':')[0]}, printed in "
                                f"{source}: {', '.join(ids[:5])}{more} "
                                f"(see 'python build.py i18n status')")
    elif _split(locale)[0] != source:
        raise UsageError(f"locale {locale!r} has no catalog; run 'python build.py i18n init "
                         f"{_split(locale)[0]}'")
    return Edition(locale, campaign, deck, region, content.regions.get(region), content.folder,
                   tuple(warnings))
