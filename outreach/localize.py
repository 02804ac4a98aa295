"""Localize stage: a validated campaign becomes an Edition for one locale and region."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import cached_property

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal, format_percent
from babel.units import format_unit

from .content import Content
from .errors import UsageError
from .model import Campaign, Deck, Resource, Source, Statistic


@dataclass(frozen=True)
class Edition:
    """Everything a renderer needs for one locale: text, direction and formatting."""

    locale: str
    campaign: Campaign
    deck: Deck
    region: str

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
        loc = self._babel
        if stat.unit == "count":
            return format_compact_decimal(stat.value, format_type="long", locale=loc,
                                          fraction_digits=1)
        if stat.unit == "percent":
            return format_percent(stat.value / 100, locale=loc)
        if stat.unit == "months":
            return format_unit(stat.value, "duration-month", length="long", locale=loc)
        return self.campaign.labels.one_in.replace("{n}", format_decimal(stat.value, locale=loc))

    def date(self, value: dt.date) -> str:
        """Format a date the way the locale writes it in running text."""
        return format_date(value, format="long", locale=self._babel)

    def source(self, source_id: str) -> Source:
        """Return the source with this id (references were checked at load)."""
        return next(s for s in self.campaign.sources if s.id == source_id)

    def citation(self, stat: Statistic) -> str:
        """Short citation printed beside a number: publisher and the year it describes."""
        source = self.source(stat.source)
        return f"{self.campaign.labels.source}: {source.short or source.publisher}, {stat.year}"

    @property
    def featured(self) -> list[Statistic]:
        """The three statistics the flyer shows as big numbers."""
        return [s for s in self.campaign.statistics if s.featured]

    @property
    def resources(self) -> list[Resource]:
        """This region's resources, the emergency number first, then the primary one."""
        mine = [r for r in self.campaign.resources if r.region == self.region]
        return sorted(mine, key=lambda r: (not r.emergency, not r.primary))

    @property
    def primary(self) -> Resource:
        """The resource the QR code points at."""
        return next(r for r in self.resources if r.primary)

    @property
    def cited_sources(self) -> list[Source]:
        """Sources in order of first citation, then any listed but not cited."""
        c = self.campaign
        order = [s.source for s in c.statistics] + [q.source for q in c.quotes]
        order += [m.source for m in c.myths if m.source]
        ids = list(dict.fromkeys(order + [s.id for s in c.sources]))
        return [self.source(i) for i in ids]

    @property
    def build_date(self) -> dt.datetime:
        """The date stamped inside files: SOURCE_DATE_EPOCH if set, else the review date."""
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch and epoch.isdigit():
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
        reviewed = self.campaign.meta.last_reviewed
        return dt.datetime(reviewed.year, reviewed.month, reviewed.day, tzinfo=dt.timezone.utc)


def available_locales(content: Content) -> list[str]:
    """Return the locales this content can be built in (the source language for now)."""
    return [content.campaign.meta.source_language]


def localize(content: Content, locale: str) -> Edition:
    """Return the campaign in ``locale``; raise UsageError if it has no translation."""
    known = available_locales(content)
    if locale not in known:
        raise UsageError(f"no translation for locale {locale!r}; available: {', '.join(known)}")
    return Edition(locale, content.campaign, content.deck, content.campaign.meta.region)
