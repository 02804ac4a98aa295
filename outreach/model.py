"""The typed content model: a campaign is a tree of typed sections that every product lays out.

Like Pandoc's blocks or docutils' nodes, a section says *what* is said (a kind: statistics,
steps, list, myths, quote, text, resources, call_to_action) and never *where* it goes: each
product's writer lays out each kind in its own slots (see ``outreach/render/slots.py``).
Only ``meta``, ``sources`` and ``resources`` are required; no section id means anything
to the code.

Fields typed ``Text`` are words a volunteer translates; their stable id is the path to
them, with sections and list items named by their ``id`` (``numbers.children.label``).
Plain ``str`` fields are data (phone numbers, URLs, codes) and are never translated.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .fielddocs import describe
from .fields import FLAT, TRANSLATABLE, Id, Phone, RegionCode, Text, Url
from .labels import PATTERNS, Labels, fill

__all__ = ["Campaign", "Deck", "Labels", "Region", "Section", "fill", "paper_of"]


RESERVED_IDS = frozenset({"meta", "sources", "resources", "labels", "slots", "deck", "sections"})
"""Names that content references use for the campaign's own parts; no section may take one."""


MAX_VALUE = 1e15
"""The largest statistic printed: a quadrillion is past any count of people or anything else."""


class _Strict(BaseModel):
    """Base for every content object: unknown keys are errors, values are immutable, numbers
    are finite (YAML reads 1e309 and .inf as infinity, .nan as not a number)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True,
                              allow_inf_nan=False, json_schema_extra=describe)


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
    keywords: Text | None = None
    """A few search words for the files' metadata, separated by semicolons."""
    source_language: str = Field("en", pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")
    """BCP 47 code of the language the content is written in."""
    region: RegionCode = "US"
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


class Resource(_Entry):
    """A help line, reporting site or emergency number: data that a region replaces."""

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
    hours: Text | None = None
    """When it is open, e.g. "24 hours a day, 7 days a week"."""
    region: RegionCode
    """ISO 3166 code of the region it serves."""
    primary: bool = False
    """The main help line: shown largest, and the QR code points at its url. Default: the
    first resource that is not the emergency number."""
    emergency: bool = False
    """The emergency number, shown first."""

    @model_validator(mode="after")
    def _reachable(self) -> Resource:
        """A resource nobody can reach is no help: it needs a phone, a text number or a url."""
        if not (self.phone or self.sms or self.url):
            raise ValueError("give at least one way to reach it: phone, sms or url")
        return self


# -- items of sections ---------------------------------------------------------------------

class Statistic(_Entry):
    value: float = Field(gt=0, le=MAX_VALUE)
    """The number itself, e.g. 4800000 or 21."""
    unit: Literal["count", "percent", "months", "one_in"]
    """How the value reads: a count (4.8 million), a percent (99%), months, or one in N."""
    display: Literal["compact", "exact", "at_least"] = "compact"
    """How a count is written: compact (4.8 million), exact (12,600) or at least (13,000+)."""
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
    """One of the (at most three) big numbers; default: the section's first three."""


class Step(_Entry):
    title: Text
    """Two to four words for the diagram's shape."""
    text: Text
    """One sentence explaining the step."""


class Item(_Entry):
    text: Text


class Myth(_Entry):
    myth: Text
    fact: Text
    source: Id | None = None
    """The id of the source that supports the fact, if any."""


class Quote(_Entry):
    text: Text
    """The words as spoken, short."""
    speaker: str = Field(min_length=1, max_length=100)
    """Who said it (a name: never translated)."""
    role: Text
    """The speaker's role, e.g. "Supervisory Special Agent, Homeland Security Investigations"."""
    source: Id
    """The id of the entry in ``sources`` where it was published."""


# -- sections --------------------------------------------------------------------------------

class _Section(_Strict):
    """What every section has: a stable id, a kind, an optional title."""

    id: Id
    """Stable id; the deck outline and the slot maps refer to the section by it."""
    title: Text | None = None
    """The heading products print over the section."""
    note: str | None = Field(None, max_length=1000)
    """A note for translators, for every text of this section."""
    do_not_translate: list[str] = Field(default_factory=list, max_length=20)
    optional: bool = False
    """A product that runs out of room may leave this section out (at its densest step)."""
    region_specific: bool = False
    """Its items differ by region: a region file must give them; never another region's."""


class StatisticsSection(_Section):
    """Numbers, each with its source and the year it describes."""

    kind: Literal["statistics"]
    items: Annotated[list[Statistic], FLAT] = Field(min_length=1, max_length=12)


class StepsSection(_Section):
    """Steps in order: a cycle that closes, a sequence that escalates, or a timeline."""

    kind: Literal["steps"]
    shape: Literal["cycle", "sequence", "timeline"] = "sequence"
    """How the steps connect: a cycle closes from the last step to the first."""
    highlight: Id | None = None
    """The id of one step to draw emphasized, if any."""
    items: Annotated[list[Step], FLAT] = Field(min_length=2, max_length=8)


class ListSection(_Section):
    """A short list: warning signs, things to do, questions to ask."""

    kind: Literal["list"]
    style: Literal["bullets", "checks", "questions"] = "bullets"
    """How items are marked; "checks" are actions (the tip cards pick them first)."""
    items: Annotated[list[Item], FLAT] = Field(min_length=1, max_length=12)


class MythsSection(_Section):
    """Myth and fact pairs."""

    kind: Literal["myths"]
    items: Annotated[list[Myth], FLAT] = Field(min_length=1, max_length=8)


class QuoteSection(_Section):
    """Short quotes, each with its speaker and source."""

    kind: Literal["quote"]
    items: Annotated[list[Quote], FLAT] = Field(min_length=1, max_length=10)


class TextSection(_Section):
    """A short paragraph, or a callout that stands out."""

    kind: Literal["text"]
    style: Literal["paragraph", "callout"] = "paragraph"
    text: Text


class ResourcesSection(_Section):
    """Where the region's help resources appear, with an optional line above them."""

    kind: Literal["resources"]
    text: Text | None = None


class CallToActionSection(_Section):
    """One sentence that tells the reader what to do next."""

    kind: Literal["call_to_action"]
    text: Text


Section = Annotated[Union[StatisticsSection, StepsSection, ListSection, MythsSection,
                          QuoteSection, TextSection, ResourcesSection, CallToActionSection],
                    Field(discriminator="kind")]
KINDS = ("statistics", "steps", "list", "myths", "quote", "text", "resources", "call_to_action")
SECTION_MODELS = {"statistics": StatisticsSection, "steps": StepsSection, "list": ListSection,
                  "myths": MythsSection, "quote": QuoteSection, "text": TextSection,
                  "resources": ResourcesSection, "call_to_action": CallToActionSection}
ITEM_MODELS = {"statistics": Statistic, "steps": Step, "list": Item, "myths": Myth,
               "quote": Quote}
"""The item type of each kind that has items."""


class Campaign(_Strict):
    """One awareness campaign: every product is drawn from this."""

    meta: Meta
    sources: list[Source] = Field(min_length=1, max_length=30)
    resources: list[Resource] = Field(min_length=1, max_length=12)
    """Hotlines, reporting sites and the emergency number of the campaign's region."""
    sections: Annotated[list[Section], FLAT] = Field(default_factory=list, max_length=40)
    """What the campaign says, in reading order."""
    labels: Labels = Field(default_factory=Labels)
    """Interface words to say differently in this campaign (the tool has a default for each)."""
    slots: dict[str, dict[str, list[Id]]] = Field(default_factory=dict)
    """Per product, which sections go in which slot, e.g. {brochure: {panel-3: [steps, hard]}};
    a slot not named here takes its default sections by kind."""

    def cited(self) -> list[str]:
        """Ids of the sources that statistics, quotes and myths cite, in order of first use."""
        return cited_ids(self.sections)


def cited_ids(sections) -> list[str]:
    """Ids of the sources that the items of these sections cite, in order of first use."""
    ids = [getattr(item, "source", None) for s in sections for item in items_of(s)]
    return list(dict.fromkeys(i for i in ids if i))


def items_of(section) -> list:
    """The items of a section ([] for kinds without items)."""
    return list(getattr(section, "items", ()))


class Slide(_Entry):
    layout: str = Field(min_length=1, max_length=100)
    """The name of a slide layout in the deck theme, e.g. "Title and Content"."""
    content: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)?$")
    """What the slide shows: a section id, section/item for one item (myths/kidnapping),
    meta (the title slide), sources or resources; none: the title and subtitle alone."""
    title: Text
    """The slide's title; every slide has one, and no two are the same."""
    subtitle: Text | None = None
    """A line under the title, where the layout has room for it."""
    notes: Text
    """Speaker notes: a script a volunteer can read aloud, with the source of every number."""


class Deck(_Strict):
    """The deck's outline: slides in order. Reorder, drop or add slides here."""

    sections: Annotated[list[Section], FLAT] = Field(default_factory=list, max_length=10)
    """Sections only the deck shows (an agenda, say); their ids may not repeat the campaign's."""
    slides: list[Slide] = Field(min_length=1, max_length=60)


LETTER_REGIONS = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "PA", "DO",
                            "PR", "SV", "NI", "BZ"})
"""Regions that print on US Letter; everyone else uses A4."""


def paper_of(region: str) -> str:
    """The usual paper size in a region (ISO 3166 code)."""
    return "letter" if region in LETTER_REGIONS else "a4"


class RegionSection(_Strict):
    """What a region changes in one section: items added, replaced by id, or removed."""

    title: Text | None = None
    """A different heading for this region."""
    text: Text | None = None
    """A different text (text and call_to_action sections)."""
    items: list[dict] | None = None
    """All of the section's items for this region, instead of the campaign's."""
    add: list[dict] = Field(default_factory=list, max_length=12)
    """Items added at the end of the section."""
    replace: list[dict] = Field(default_factory=list, max_length=12)
    """Items that take the place of the campaign's item with the same id."""
    remove: list[Id] = Field(default_factory=list, max_length=12)
    """Ids of the campaign's items that do not apply in this region."""


class Region(_Strict):
    """Data that differs by region: who to call, who publishes, which paper is in the printer,
    and any advice that is local.

    A region file replaces the campaign's resources for every locale built for that region;
    it never falls back to another region's numbers. Its texts are written in the language
    of its locales and are not translated.
    """

    region: RegionCode
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
    sections: dict[str, RegionSection] = Field(default_factory=dict)
    """Changes to the campaign's sections here, by section id."""

    @property
    def default_paper(self) -> str:
        """The region's paper size."""
        return self.paper or paper_of(self.region)


__all__ += ["PATTERNS", "KINDS", "ITEM_MODELS", "SECTION_MODELS", "RESERVED_IDS", "items_of"]
