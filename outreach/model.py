"""The typed content model: one campaign and one deck outline feed every renderer.

Fields typed ``Text`` are words a volunteer translates; their stable id is the path
to them, with list items named by their ``id`` (e.g. ``statistics.children.label``).
Plain ``str`` fields are data (phone numbers, URLs, codes) and are never translated.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Translatable:
    """Marker placed in a field's metadata: the value is text for translators."""

    def __repr__(self) -> str:
        return "Translatable()"


TRANSLATABLE = Translatable()
Text = Annotated[str, Field(min_length=1, max_length=2000), TRANSLATABLE]
Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$",
                          description="Stable lowercase id (a-z, 0-9, -); translations refer to it.")]
Url = Annotated[str, Field(pattern=r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/[^\s<>\"']*)?$",
                           max_length=500, description="An https:// address.")]
Phone = Annotated[str, Field(pattern=r"^\+?[0-9A-Z][0-9A-Z ()-]{1,30}$",
                             description="A phone number or short code as dialled, e.g. 1-888-373-7888.")]


class _Strict(BaseModel):
    """Base for every content object: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True,
                              use_attribute_docstrings=True)


class _Entry(_Strict):
    """A list entry: a stable id, plus optional guidance for translators."""

    id: Id
    note: str | None = Field(None, max_length=1000)
    """A note for translators; it travels with every text of this item into the PO files."""
    do_not_translate: list[str] = Field(default_factory=list, max_length=20)
    """Names of this item's text fields to keep as written in every language (e.g. a brand name)."""


class Organization(_Strict):
    name: Text
    """Who publishes this campaign."""
    url: Url | None = None
    """The organization's website."""
    logo: str | None = Field(None, pattern=r"^[A-Za-z0-9_./-]+\.(png|jpg|jpeg|svg)$", max_length=200)
    """A logo file inside the content folder (PNG, JPEG or SVG), e.g. images/logo.png."""


class Meta(_Strict):
    title: Text
    """The campaign's title (deck title slide, PDF metadata)."""
    subtitle: Text
    """One line under the title."""
    headline: Text
    """The flyer's headline: ten words at most."""
    organization: Organization
    audience: Text
    """Who the material is for, e.g. parents and caregivers."""
    source_language: str = Field("en", pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")
    """BCP 47 code of the language the content is written in."""
    region: str = Field("US", pattern=r"^[A-Z]{2}$")
    """ISO 3166 code of the region whose help resources are used by default."""
    last_reviewed: dt.date
    """When a person last checked every fact and number (YYYY-MM-DD)."""
    license: str = Field(min_length=1, max_length=200)
    """The license of the text, e.g. CC BY-SA 4.0."""
    stale_after_years: int = Field(8, ge=1, le=50)
    """`check` flags a statistic whose year is more than this many years before last_reviewed."""


class Source(_Entry):
    publisher: Text
    """Who published it."""
    short: Text | None = None
    """A short name for the small print beside a number, e.g. "ILO & Walk Free"."""
    title: Text
    """The publication's title."""
    year: int | None = Field(None, ge=1900, le=2100)
    """The year it was published."""
    url: Url | None = None
    """Where to read it."""


class Statistic(_Entry):
    value: float = Field(gt=0)
    """The number itself, e.g. 4800000 or 21."""
    unit: Literal["count", "percent", "months", "one_in"]
    """How the value reads: a count (4.8 million), a percent (99%), months, or one in N."""
    qualifier: Text | None = None
    """Words before the number, e.g. "more than"."""
    label: Text
    """What the number counts, as a short phrase after it."""
    source: Id
    """The id of an entry in ``sources``."""
    year: int = Field(ge=1900, le=2100)
    """The year the figure describes."""
    url: Url
    """Where the figure can be checked."""
    featured: bool = False
    """Shown as one of the flyer's three big numbers."""


class Quote(_Entry):
    text: Text
    """The words as spoken, short."""
    speaker: str = Field(min_length=1, max_length=100)
    """Who said it."""
    role: Text
    """The speaker's role, e.g. "Supervisory Special Agent, Homeland Security Investigations"."""
    source: Id
    """The id of the entry in ``sources`` where it was published."""


class Step(_Entry):
    title: Text
    """Two to four words for the diagram's shape."""
    text: Text
    """One sentence explaining the step."""


class Myth(_Entry):
    myth: Text
    fact: Text
    source: Id | None = None
    """The id of the source that supports the fact, if any."""


class Item(_Entry):
    text: Text


class Resource(_Entry):
    name: Text
    """The service's name."""
    purpose: Text
    """What to use it for, in a few words."""
    phone: Phone | None = None
    """A number to call."""
    sms: Phone | None = None
    """A number to text."""
    url: Url | None = None
    """A website or reporting form."""
    hours: Text
    """When it is open, e.g. "24 hours a day, 7 days a week"."""
    region: str = Field(pattern=r"^[A-Z]{2}$")
    """ISO 3166 code of the region it serves."""
    primary: bool = False
    """The flyer's QR code points at the primary resource's url."""
    emergency: bool = False
    """The emergency number, shown first and largest."""


PATTERNS = {"one_in": ("{n}",), "quoted": ("{text}",), "cite": ("{source}", "{year}"),
            "attribution": ("{speaker}", "{role}"), "reviewed": ("{date}",),
            "hosted_by": ("{host}",), "slide": ("{n}",)}
"""Labels that are patterns, and the placeholders each must keep."""


def fill(pattern: str, **values: str) -> str:
    """Put values into a label pattern such as "Source: {source}, {year}"."""
    for key, value in values.items():
        pattern = pattern.replace("{" + key + "}", value)
    return pattern


class Labels(_Strict):
    """Short interface words the products print around the content."""

    cite: Text
    """Pattern for the small print beside a number; keep {source} and {year}."""
    attribution: Text
    """Pattern naming who said a quote; keep {speaker} and {role}."""
    sources: Text
    key_numbers: Text
    how_it_starts: Text
    warning_signs: Text
    what_you_can_do: Text
    get_help: Text
    call: Text
    text: Text
    online: Text
    scan_qr: Text
    reviewed: Text
    """Pattern for the review date in the footer; keep {date}."""
    one_in: Text
    """Pattern for a one-in-N figure; keep {n} where the number goes."""
    quoted: Text
    """How this language marks a quotation; keep {text} where the quote goes, e.g. “{text}”."""
    myth: Text
    fact: Text
    emergency_now: Text
    myths_and_facts: Text
    start_conversation: Text
    """Heading over the conversation starters."""
    local_contact: Text
    """Heading of the box with a local contact (a school counselor, a local service)."""
    stamp_here: Text
    """Hint in the blank contact box, when no local contact is given."""
    email: Text
    join_us: Text
    """Small heading over an event (a parent night) on the flyer, poster and title slide."""
    hosted_by: Text
    """Pattern naming an event's host; keep {host}."""
    speaker_notes: Text
    notes: Text
    """Heading over the ruled lines of the audience handout."""
    slide: Text
    """Pattern numbering a slide in the handouts; keep {n}."""

    @field_validator(*PATTERNS)
    @classmethod
    def _keeps_placeholders(cls, value: str, info) -> str:
        """Patterns must keep each of their placeholders exactly once."""
        for name in PATTERNS[info.field_name]:
            if value.count(name) != 1:
                raise ValueError(f"must contain {name} exactly once, where the value goes")
        return value


class Campaign(_Strict):
    """One awareness campaign: every product is drawn from this."""

    meta: Meta
    statistics: list[Statistic] = Field(min_length=4, max_length=12)
    quotes: list[Quote] = Field(default_factory=list, max_length=10)
    cycle: list[Step] = Field(min_length=3, max_length=8)
    """The grooming-to-trafficking cycle, in order."""
    myths: list[Myth] = Field(min_length=1, max_length=8)
    warning_signs: list[Item] = Field(min_length=1, max_length=10)
    tips: list[Item] = Field(min_length=1, max_length=10)
    """What parents can do."""
    conversation_starters: list[Item] = Field(min_length=1, max_length=10)
    prosecution: list[Item] = Field(min_length=1, max_length=8)
    """Why these cases are hard to prosecute."""
    way_forward: list[Item] = Field(min_length=1, max_length=8)
    resources: list[Resource] = Field(min_length=1, max_length=12)
    call_to_action: Text
    sources: list[Source] = Field(min_length=1, max_length=30)
    labels: Labels

    def cited(self) -> list[str]:
        """Ids of the sources that statistics, quotes and myths cite, in order of first use."""
        ids = [s.source for s in self.statistics] + [q.source for q in self.quotes]
        return list(dict.fromkeys(ids + [m.source for m in self.myths if m.source]))


SLIDE_CONTENT = (
    "cover", "agenda", "statistics", "quote", "myth", "cycle", "warning_signs", "tips",
    "conversation_starters", "prosecution", "way_forward", "resources", "questions", "sources",
)
ContentRef = Annotated[str, Field(
    pattern=r"^(" + "|".join(SLIDE_CONTENT) + r")(/[a-z0-9][a-z0-9-]*)?$",
    description="What the slide draws from: a section name, or section/id for one item "
                "(e.g. quote/online-relationships, myth/kidnapping).")]


class Slide(_Entry):
    layout: str = Field(min_length=1, max_length=100)
    """The name of a slide layout in the deck theme, e.g. "Title and Content"."""
    content: ContentRef
    title: Text
    """The slide's title; every slide has one, and no two are the same."""
    subtitle: Text | None = None
    """A line under the title, where the layout has room for it."""
    notes: Text
    """Speaker notes: a script a volunteer can read aloud, with the source of every number."""


class Deck(_Strict):
    """The deck's outline: slides in order. Reorder, drop or add slides here."""

    agenda: list[Item] = Field(default_factory=list, max_length=8)
    """Items for the agenda slide."""
    slides: list[Slide] = Field(min_length=1, max_length=60)


LETTER_REGIONS = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "PA", "DO",
                            "PR", "SV", "NI", "BZ"})
"""Regions that print on US Letter; everyone else uses A4."""


def paper_of(region: str) -> str:
    """The usual paper size in a region (ISO 3166 code)."""
    return "letter" if region in LETTER_REGIONS else "a4"


class Region(_Strict):
    """Data that differs by region: who to call, who publishes, which paper is in the printer.

    A region file replaces the campaign's resources for every locale built for that region;
    it never falls back to another region's numbers.
    """

    region: str = Field(pattern=r"^[A-Z]{2}$")
    """ISO 3166 code of the region, e.g. GB."""
    paper: Literal["letter", "a4"] | None = None
    """The usual paper size there; default: letter for the Americas that use it, else a4."""
    locales: list[Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]] = \
        Field(default_factory=list, max_length=20)
    """Extra locales to build with this region's data, e.g. en-GB."""
    organization: Organization | None = None
    """The local publisher and contact, replacing the campaign's."""
    resources: list[Resource] = Field(min_length=1, max_length=12)
    """Hotlines, reporting sites and the emergency number, all for this region."""

    @property
    def default_paper(self) -> str:
        """The region's paper size."""
        return self.paper or paper_of(self.region)
