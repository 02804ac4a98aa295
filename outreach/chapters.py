"""Chapters: the schools and PTA chapters that each get their own personalized set of handouts.

A coordinator lists them in ``chapters.yaml`` or in a spreadsheet saved as CSV. Each chapter
names the locales and paper to build, an optional local contact (printed in a box on the
flyer, poster, cards and deck title slide; without one the box is left blank to stamp or
write in) and an optional event. Every value is plain text that the renderers escape.

There is deliberately no address field anywhere: a family's safety can depend on a shelter's
address staying secret, so the handouts name a person and how to reach them, never a place
where someone lives or stays.

``iter_chapters`` reads either format as a stream and validates each chapter on its own: a
bad chapter gives located problems and is left out, the good ones are handed on as they
come (``load_chapters`` gathers them into a list). This module holds the
models and that entry point; ``chapter_rows`` reads the files' rows and words the problems.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, WithJsonSchema, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .content import _display, asset_problems
from .errors import Problem
from .fields import NO_BIDI, UNSEEN
from .model import Id, Url, _Strict
from .yamlsafe import Located

CHAPTERS_FILE = "chapters.yaml"
MAX_CHAPTERS = 100_000
"""The default of --max-chapters: far above the schools of any state (California has about
10,000 public schools)."""
BYTES_PER_CHAPTER = 2_000
"""A chapters file may hold this many bytes per chapter allowed (a full row is about 400)."""
MAX_PROBLEMS = 200
"""Problems listed for one chapters file; the rest are counted."""
ID_LENGTH = 63

Phone = Annotated[str, Field(
    pattern=r"^\+?\(?[0-9A-Z][0-9A-Z ().-]{1,30}( ?(ext\.?|x) ?[0-9]{1,6})?$",
    description="A phone number as dialled, e.g. (555) 010-4477 or +44 20 7946 0000.")]
"""model.Phone, also allowing a leading "(", dots and an extension, as local numbers are written."""
Email = Annotated[str, Field(
    # No backslash before the quote: JSON Schema patterns are ECMA regexes.
    pattern=r"^[^@\s<>()\[\],;:" + "\"'" + UNSEEN
            + r"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$",
    max_length=254, description="An email address, e.g. name@school.org."), NO_BIDI]
Line = Annotated[str, Field(min_length=1, max_length=120)]
LongLine = Annotated[str, Field(min_length=1, max_length=200)]
LocaleCode = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
Logo = Annotated[str, Field(pattern=r"^[A-Za-z0-9_./-]+\.(png|jpg|jpeg|svg)$", max_length=200)]

_SEPARATORS = re.compile(r"[\s,;]+")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME_24 = re.compile(r"^(\d{1,2})[:.h](\d{2})(?::(\d{2}))?$")
_TIME_12 = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s*m\.?$", re.IGNORECASE)
_LATIN = str.maketrans({"æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "ß": "ss", "œ": "oe",
                        "Œ": "OE", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th",
                        "Þ": "TH", "ð": "d", "Ð": "D", "ı": "i"})
"""Latin letters that Unicode does not decompose into a base letter plus accents."""
_BREAKS = {"\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"}


def slugify(name: str) -> str:
    """Make a folder-safe id from a name: ASCII, lowercase, words joined by hyphens.

    Accents are dropped ("École Saint-Léon" -> "ecole-saint-leon"); a name without any
    Latin letters or digits gives "", and then the chapter needs an explicit id.
    """
    folded = unicodedata.normalize("NFKD", name.translate(_LATIN))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:ID_LENGTH].rstrip("-")


def _locale_case(code: str) -> str:
    """en-gb -> en-GB, ZH-HANS -> zh-Hans: language lower, script title, region upper."""
    language, *rest = code.strip().split("-")
    parts = [language.lower()]
    for part in rest:
        parts.append(part.upper() if len(part) == 2 else part.title() if len(part) == 4 else part)
    return "-".join(parts)


def _short(value: Any) -> str:
    """Quote a value for a message, cut short if long."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _plain(value: str) -> str:
    """Refuse control characters and line breaks: every value is one line of plain text."""
    inner = value.strip()
    for char in inner:
        if char in _BREAKS:
            raise PydanticCustomError(
                "line_break", "contains a line break; write it on one line (separate parts "
                "with a comma or semicolon)")
        if unicodedata.category(char) == "Cc":
            raise PydanticCustomError(
                "control_character", "contains the control character U+{code}; remove it "
                "(values are plain text)", {"code": f"{ord(char):04X}"})
    return value


class _Plain(_Strict):
    """Base of the chapter models: every string is one line of text without control characters."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_controls(cls, value: Any) -> Any:
        for item in value if isinstance(value, (list, tuple)) else (value,):
            if isinstance(item, str):
                _plain(item)
        return value


def _parse_time(value: Any) -> Any:
    """Read 18:30, 18.30, 18h30, 6:30 pm or 6 PM; anything else is a clear error."""
    if isinstance(value, dt.time) or value is None:
        return value
    text = value.strip() if isinstance(value, str) else None
    match = _TIME_24.match(text or "")
    hour = minute = second = -1
    if match:
        hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    elif match := _TIME_12.match(text or ""):
        hour, minute, second = int(match[1]), int(match[2] or 0), 0
        if not 1 <= hour <= 12:
            hour = -1
        else:
            hour = hour % 12 + (12 if match[3].lower() == "p" else 0)
    if 0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59:
        return dt.time(hour, minute, second)
    raise PydanticCustomError("not_a_time", "{value} is not a time; write HH:MM on a 24-hour "
                              "clock, e.g. 18:30", {"value": _short(value)})


class Contact(_Plain):
    """Who a family can reach locally, printed in the contact box of every handout."""

    name: Line
    """A person or desk, e.g. "Ms. Dana Rivera, school counselor"."""
    organization: Line | None = None
    """Where they work, e.g. "Riverside Elementary"."""
    phone: Phone | None = None
    """A number to call, as dialled, e.g. (555) 010-4477."""
    email: Email | None = None
    """An email address, e.g. counselor@riverside.example.org."""
    url: Url | None = None
    """A website (https://)."""
    hours: Line | None = None
    """When they can be reached, e.g. "Mon-Fri 8:00-15:30"."""

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if self.phone is None and self.email is None and self.url is None:
            raise PydanticCustomError(
                "unreachable", "give at least one way to reach the contact: a phone, an email "
                "or a url")
        return self


# Editors see a time as the text people type ("18:30"); JSON Schema's format "time" would
# demand seconds and a time zone.
Clock = Annotated[dt.time, WithJsonSchema({
    "type": "string",
    "pattern": "^\\s*([0-9]{1,2}[:.h][0-9]{2}(:[0-9]{2})?|[0-9]{1,2}([:.][0-9]{2})?\\s*[AaPp]\\.?\\s*[Mm]\\.?)\\s*$",
    "description": "HH:MM on a 24-hour clock, e.g. 18:30 (6:30 pm is read too)"})]


class Event(_Plain):
    """A talk or parent night the chapter hosts, on its flyer, poster and title slide."""

    title: LongLine
    """What it is, e.g. "Keeping kids safe online: a parent night"."""
    date: dt.date
    """The day, as YYYY-MM-DD."""
    start: Clock | None = None
    """When it starts, as HH:MM on a 24-hour clock, e.g. 18:30."""
    end: Clock | None = None
    """When it ends; after start."""
    place: LongLine
    """The venue's name and room, e.g. "Riverside Elementary, library" (no street address)."""
    host: Line | None = None
    """Who runs it, e.g. "Riverside PTA"."""

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            raise PydanticCustomError("date_with_time", "write only the day here, as "
                                      "YYYY-MM-DD; put the time in start")
        if isinstance(value, dt.date):
            return value
        match = _DATE.match(value.strip()) if isinstance(value, str) else None
        try:
            if match:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
        raise PydanticCustomError("not_a_date", "{value} is not a date; write YYYY-MM-DD, "
                                  "e.g. 2027-03-11", {"value": _short(value)})

    @field_validator("start", "end", mode="before")
    @classmethod
    def _time(cls, value: Any) -> Any:
        return _parse_time(value)

    @field_validator("end")
    @classmethod
    def _after_start(cls, value: dt.time | None, info: ValidationInfo) -> dt.time | None:
        if value is None or "start" not in info.data:
            return value
        start = info.data["start"]
        if start is None:
            raise PydanticCustomError("end_without_start", "an end time needs a start time; "
                                      "give start too, or leave end out")
        if value <= start:
            raise PydanticCustomError("end_before_start", "ends at {end}, not after it starts "
                                      "({start}); check both times (24-hour clock)",
                                      {"end": value.strftime("%H:%M"),
                                       "start": start.strftime("%H:%M")})
        return value


class Chapter(_Plain):
    """One school or PTA chapter: one personalized set of handouts is built for each."""

    id: Id
    """The output folder's name; default: made from name (riverside-elementary-pta)."""
    name: Line
    """The school or chapter, e.g. "Riverside Elementary PTA"."""
    locales: tuple[LocaleCode, ...] = ()
    """Which locales to build, e.g. (en, es); empty: the campaign's source language."""
    paper: Literal["letter", "a4"] | None = None
    """letter or a4; None: the usual paper where each locale is printed."""
    contact: Contact | None = None
    """The local contact; None: the handouts show a blank box to stamp or write in."""
    event: Event | None = None
    """An event to announce, if any."""
    logo: Logo | None = None
    """An image inside the content folder (PNG, JPEG or SVG), e.g. images/riverside.png."""

    @model_validator(mode="before")
    @classmethod
    def _default_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("id") in (None, "") and isinstance(
                data.get("name"), str):
            slug = slugify(data["name"])
            data = {k: v for k, v in data.items() if k != "id"}
            if slug:
                data["id"] = slug
        return data

    @field_validator("locales", mode="before")
    @classmethod
    def _split_locales(cls, value: Any) -> Any:
        """Accept "en es", "en, es" or "en;es", and write each code's case the usual way."""
        if isinstance(value, str):
            value = [part for part in _SEPARATORS.split(value) if part]
        if isinstance(value, (list, tuple)):
            return tuple(_locale_case(code) if isinstance(code, str) else code for code in value)
        return value

    @field_validator("paper", mode="before")
    @classmethod
    def _lower_paper(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("locales")
    @classmethod
    def _known_locales(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        """Match locales to the known ones (ignoring case) when the loader passes them."""
        known = (info.context or {}).get("locales")
        if known is None:
            return tuple(dict.fromkeys(value))
        by_lower = {k.lower(): k for k in known}
        unknown = [code for code in value if code.lower() not in by_lower]
        if unknown:
            raise PydanticCustomError(
                "unknown_locale", "no locale {codes} in this campaign; known: {known} (add a "
                "translation first, or pick one of these)",
                {"codes": ", ".join(unknown), "known": ", ".join(known) or "none"})
        return tuple(dict.fromkeys(by_lower[code.lower()] for code in value))

    def build_locales(self, source_language: str) -> tuple[str, ...]:
        """The locales to build for this chapter: its own, else the campaign's source language."""
        return self.locales or (source_language,)


def max_bytes(max_chapters: int) -> int:
    """The largest chapters file read for a chapter limit (never below 64 KiB)."""
    return max(65_536, BYTES_PER_CHAPTER * max_chapters)


class ChapterList(_Strict):
    """A chapters.yaml file, for editors' schema support (the loader checks each entry)."""

    chapters: list[Chapter] = Field(default_factory=list, max_length=MAX_CHAPTERS)



COLUMNS = ("name", "id", "locales", "paper", "contact_name", "contact_organization",
           "contact_phone", "contact_email", "contact_url", "contact_hours", "event_title",
           "event_date", "event_start", "event_end", "event_place", "event_host", "logo")
"""The columns a chapters CSV may have, in any order; only name is required."""


def iter_chapters(path: Path, content_dir: Path, locales: Iterable[str],
                  max_chapters: int = MAX_CHAPTERS) -> Iterator[Chapter | Problem]:
    """Read the chapters in a .yaml/.yml or .csv file as a stream: yield each good chapter
    and each located problem in file order, one row at a time.

    Each chapter is checked on its own: one with a problem is reported and left out, and
    reading goes on. A file that cannot be read at all gives problems and no chapters; at
    most ``max_chapters`` are read (the next row is reported). ``locales`` are the ones the
    campaign can build (source language, catalogs and region overlays); logos must be files
    inside ``content_dir``. After MAX_PROBLEMS problems the rest are counted, not listed.
    """
    from .chapter_rows import iter_csv, iter_yaml  # not at the top: it imports the models

    display = _display(path)
    known = list(dict.fromkeys(locales))
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".csv"):
        yield Problem(display, 1, 1, "", "chapters come from a .yaml, .yml or .csv file "
                      f"(got {path.suffix or 'no extension'!r})")
        return
    limit = max_bytes(max_chapters)
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield Problem(display, 1, 1, "", f"cannot read the file ({exc.strerror})")
        return
    if size > limit:
        yield Problem(display, 1, 1, "", f"the file is {size} bytes; the limit is {limit} "
                      f"({BYTES_PER_CHAPTER:,} bytes for each of --max-chapters "
                      f"{max_chapters:,}); split it into several files")
        return
    rows = (iter_yaml if suffix != ".csv" else iter_csv)(path, display, known, max_chapters)
    first: dict[str, tuple[str, int]] = {}
    problems = more = 0
    for item in _checked(rows, display, content_dir, first):
        if isinstance(item, Problem):
            problems += 1
            if problems > MAX_PROBLEMS:
                more = more or item.line
                continue
        yield item
    if problems > MAX_PROBLEMS:
        yield Problem(display, more, 1, "", f"and {problems - MAX_PROBLEMS:,} more problem(s) "
                      f"from this line on, not listed; fix the {MAX_PROBLEMS} above and check "
                      "again")


def _checked(rows, display: str, content_dir: Path, first: dict[str, tuple[str, int]]):
    """The rows' chapters with the checks that look across rows (duplicate ids) or at the
    disk (logos); problems pass through."""
    for item in rows:
        if isinstance(item, Problem):
            yield item
            continue
        chapter, where = item
        if chapter.id in first:
            column, line, col = where("id", "name")
            other, other_line = first[chapter.id]
            yield Problem(display, line, col, column, f"duplicate id {chapter.id!r} "
                          f"(first used by {other!r} on line {other_line}); give "
                          "each chapter its own id, since it names the output folder")
            continue
        if chapter.logo is not None:
            column, line, col = where("logo")
            doc = Located(display, None, {(column,): (line, col)})
            found = asset_problems(doc, (column,), chapter.logo, content_dir)
            if found:
                yield from found
                continue
        first[chapter.id] = (chapter.name, where("id", "name")[1])
        yield chapter


def load_chapters(path: Path, content_dir: Path, locales: Iterable[str],
                  max_chapters: int = MAX_CHAPTERS) -> tuple[list[Chapter], list[Problem]]:
    """``iter_chapters`` gathered: the good chapters, and every problem by line and column."""
    chapters: list[Chapter] = []
    problems: list[Problem] = []
    for item in iter_chapters(path, content_dir, locales, max_chapters):
        (problems if isinstance(item, Problem) else chapters).append(item)
    problems.sort(key=lambda p: (p.line, p.column))
    return chapters, problems
