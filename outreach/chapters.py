"""Chapters: the schools and PTA chapters that each get their own personalized set of handouts.

A coordinator lists them in ``chapters.yaml`` or in a spreadsheet saved as CSV. Each chapter
names the locales and paper to build, an optional local contact (printed in a box on the
flyer, poster, cards and deck title slide; without one the box is left blank to stamp or
write in) and an optional event. Every value is plain text that the renderers escape.

There is deliberately no address field anywhere: a family's safety can depend on a shelter's
address staying secret, so the handouts name a person and how to reach them, never a place
where someone lives or stays.

``load_chapters`` reads either format and validates each chapter on its own: a bad chapter
gives located problems and is left out, the good ones are returned.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import yaml
from pydantic import (
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import yamlsafe
from .content import _display, _fields_at, asset_problems
from .content import _message as _content_message
from .errors import Problem
from .model import Id, Url, _Strict
from .yamlsafe import Located, dotted

CHAPTERS_FILE = "chapters.yaml"
MAX_BYTES = 1_000_000
MAX_CHAPTERS = 500
ID_LENGTH = 63

Phone = Annotated[str, Field(
    pattern=r"^\+?\(?[0-9A-Z][0-9A-Z ().-]{1,30}( ?(ext\.?|x) ?[0-9]{1,6})?$",
    description="A phone number as dialled, e.g. (555) 010-4477 or +44 20 7946 0000.")]
"""model.Phone, also allowing a leading "(", dots and an extension, as local numbers are written."""
Email = Annotated[str, Field(
    pattern=r"^[^@\s<>()\[\],;:\"']+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$",
    max_length=254, description="An email address, e.g. name@school.org.")]
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


class Event(_Plain):
    """A talk or parent night the chapter hosts, on its flyer, poster and title slide."""

    title: LongLine
    """What it is, e.g. "Keeping kids safe online: a parent night"."""
    date: dt.date
    """The day, as YYYY-MM-DD."""
    start: dt.time | None = None
    """When it starts, as HH:MM on a 24-hour clock, e.g. 18:30."""
    end: dt.time | None = None
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


class ChapterList(_Strict):
    """A chapters.yaml file, for editors' schema support (the loader checks each entry)."""

    chapters: list[Chapter] = Field(default_factory=list, max_length=MAX_CHAPTERS)


# --- messages -----------------------------------------------------------------------------

_SHELTER = ("there is no address field, on purpose: never print the address of a shelter or "
            "safe house, because a family's safety can depend on it staying secret. Give a "
            "phone, email or url instead, so families reach a person who can meet them "
            "somewhere safe")
_VENUE = ("there is no address field: write the venue's name and room in place, e.g. "
          "\"Riverside Elementary, library\" (and never a shelter's address)")
_REQUIRED = {
    "name": "required: the school or chapter's name",
    "id": "required: the name has no letters a-z or digits to make an id from; add an id "
          "(lowercase letters, digits and hyphens, e.g. school-1)",
    "contact.name": "required when a contact is given: a person or desk families can reach, "
                    "e.g. \"Ms. Dana Rivera, school counselor\"",
    "event.title": "required when an event is given: what it is, e.g. \"a parent night\"",
    "event.date": "required when an event is given: the day, as YYYY-MM-DD",
    "event.place": "required when an event is given: the venue's name and room",
}
_FORMS = {
    "id": f"write lowercase letters a-z, digits and hyphens, at most {ID_LENGTH}, e.g. "
          "riverside-pta",
    "phone": "write a phone number as dialled, e.g. (555) 010-4477 or +44 20 7946 0000",
    "email": "write an email address, e.g. counselor@school.example.org",
    "url": "write a full https:// address, e.g. https://www.school.example.org",
    "logo": "name a .png, .jpg or .svg file inside the content folder, e.g. images/logo.png",
    "locales": "write locale codes such as en, es or en-GB",
}
_ADDRESS_WORDS = {"street", "addr", "zip", "zip_code", "postcode", "postal_code"}


def _is_address(key: str) -> bool:
    return "address" in key.lower() or key.lower() in _ADDRESS_WORDS


def _message(error: dict) -> str:
    """Rewrite a pydantic error on a chapter as one message that says what to do."""
    kind, loc = error["type"], tuple(p for p in error["loc"] if isinstance(p, str))
    field = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        if _is_address(field):
            return _VENUE if loc[:1] == ("event",) else _SHELTER
        allowed = _fields_at(Chapter, loc[:-1])
        return "unknown key" + (f"; allowed here: {', '.join(allowed)}" if allowed else "")
    if kind == "missing":
        return _REQUIRED.get(".".join(loc), "field required")
    if kind == "string_pattern_mismatch" and field == "id" and slugify(error["input"]):
        return (f"write lowercase letters a-z, digits and hyphens, at most {ID_LENGTH}, e.g. "
                f"{slugify(error['input'])} (got {_short(error['input'])})")
    if kind == "string_pattern_mismatch" and field in _FORMS:
        return f"{_FORMS[field]} (got {_short(error['input'])})"
    if kind == "string_too_long":
        return (f"is {len(error['input'])} characters; the limit is "
                f"{error['ctx']['max_length']}, so shorten it")
    if kind == "string_too_short":
        return "is empty; write a value or leave the field out"
    if kind == "literal_error":
        return ("write letter or a4, or leave it out for the usual paper "
                f"(got {_short(error['input'])})")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "expected a mapping of keys, e.g. name: ... on its own line"
    if kind in ("string_type", "tuple_type"):
        what = "a list of locale codes, e.g. [en, es]" if field == "locales" else "text"
        return f"expected {what} (got {_short(error['input'])})"
    return _content_message(error, Chapter)


def _errors(exc: ValidationError) -> list[dict]:
    """The errors worth reporting: no "id required" when the name it comes from is wrong."""
    errors = exc.errors(include_url=False)
    if any(e["loc"][:1] == ("name",) for e in errors):
        errors = [e for e in errors if not (e["type"] == "missing" and e["loc"] == ("id",))]
    return errors


_Where = Callable[..., tuple[str, int, int]]
"""Given field names, the (path, line, column) of the first one a chapter wrote, else of name."""


# --- YAML ---------------------------------------------------------------------------------

class _Loader(yamlsafe._Loader):
    """Reads every plain scalar as text, except null, true/false and real dates.

    YAML 1.1 would read 18:30 as the number 1110 and a mistyped date such as 2026-13-40
    crashes PyYAML's constructor; here the first stays "18:30" and the second is a string
    the model reports as "not a date". Phone numbers such as 0123 stay text too.
    """

    yaml_implicit_resolvers: ClassVar[dict] = {}


for _first, _pairs in yaml.SafeLoader.yaml_implicit_resolvers.items():
    for _tag, _regexp in _pairs:
        if _tag in ("tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
                    "tag:yaml.org,2002:merge"):
            _Loader.add_implicit_resolver(_tag, _regexp, [_first])
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool",
                              re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return node.value


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def _read_yaml(path: Path, display: str) -> tuple[Located, list[Problem]]:
    """yamlsafe.read_yaml with the chapter loader: same safety, limits and positions."""
    doc, problems = yamlsafe.read_yaml(path, display, _Loader)
    if [str(p.message) for p in problems] == ["the file is empty"]:
        problems = [Problem(display, 1, 1, "", "the file is empty; list chapters under chapters:")]
    return doc, problems


def _load_yaml(path: Path, display: str, known: list[str]
               ) -> tuple[list[tuple[Chapter, _Where]], list[Problem]]:
    doc, problems = _read_yaml(path, display)
    if doc.data is None:
        return [], problems
    if not isinstance(doc.data, dict) or "chapters" not in doc.data:
        return [], problems + [Problem(display, 1, 1, "", "expected chapters: at the top, then "
                                       "a list of chapters (see content/chapters.yaml)")]
    for key in doc.data:
        if key != "chapters":
            line, col = doc.mark((key,), key=True)
            problems.append(Problem(display, line, col, key, "unknown key; the file holds only "
                                    "chapters: (is a chapter indented wrongly?)"))
    entries = doc.data["chapters"]
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        line, col = doc.mark(("chapters",))
        return [], problems + [Problem(display, line, col, "chapters", "expected a list of "
                                       "chapters, each starting with - name: ...")]
    if len(entries) > MAX_CHAPTERS:
        line, col = doc.mark(("chapters", MAX_CHAPTERS))
        return [], problems + [Problem(display, line, col, f"chapters[{MAX_CHAPTERS}]",
                                       f"more than {MAX_CHAPTERS} chapters; split them into "
                                       "several files")]
    spoiled = {int(m[1]) for p in problems if (m := re.match(r"chapters\[(\d+)\]", p.path))}
    loaded = []
    for index, entry in enumerate(entries):
        base = ("chapters", index)
        if not isinstance(entry, dict):
            line, col = doc.mark(base)
            problems.append(Problem(display, line, col, dotted(base), "each chapter is a "
                                    "mapping of keys, starting with - name: ..."))
            continue
        try:
            chapter = Chapter.model_validate(entry, context={"locales": known})
        except ValidationError as exc:
            for error in _errors(exc):
                loc = base + tuple(p for p in error["loc"] if isinstance(p, (str, int)))
                line, col = doc.mark(loc, key=error["type"] == "extra_forbidden")
                problems.append(Problem(display, line, col, dotted(loc), _message(error)))
            continue
        if index in spoiled:
            continue

        def where(*fields: str, base=base, entry=entry) -> tuple[str, int, int]:
            names = [f for f in fields if f in entry] or ["name"]
            line, col = doc.mark(base + (names[0],))
            return dotted(base + (names[0],)), line, col

        loaded.append((chapter, where))
    return loaded, problems


# --- CSV ----------------------------------------------------------------------------------

COLUMNS = ("name", "id", "locales", "paper", "contact_name", "contact_organization",
           "contact_phone", "contact_email", "contact_url", "contact_hours", "event_title",
           "event_date", "event_start", "event_end", "event_place", "event_host", "logo")
"""The columns a chapters CSV may have, in any order; only name is required."""


def _header_name(cell: str) -> str:
    return re.sub(r"[\s-]+", "_", cell.strip().lower())


def _delimiter(text: str) -> str:
    """Excel writes ; instead of , where the decimal mark is a comma."""
    first = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=first.count) if first else ","


def _load_csv(path: Path, display: str, known: list[str]
              ) -> tuple[list[tuple[Chapter, _Where]], list[Problem]]:
    text, problems = yamlsafe.read_text(
        path, display, MAX_BYTES, too_big="; split it into several files",
        not_utf8="in Excel use Save As > CSV UTF-8 (Comma delimited)")
    if text is None:
        return [], problems
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        rows = []
        start = 1
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        return [], [Problem(display, start, 1, "", f"CSV syntax: {exc}; check the quotes on "
                            "this row")]
    if not rows:
        return [], [Problem(display, 1, 1, "", "the file is empty; the first row names the "
                            f"columns: {', '.join(COLUMNS)}")]
    _, header_cells = rows[0]
    header = [_header_name(cell) for cell in header_cells]
    for col, name in enumerate(header, 1):
        if not name:
            continue
        if _is_address(name):
            message = _VENUE if name.startswith("event") else _SHELTER
            problems.append(Problem(display, 1, col, name, f"the column {name!r} is refused: "
                                    f"{message}; remove the column"))
        elif name not in COLUMNS:
            problems.append(Problem(display, 1, col, name, f"unknown column {name!r}; known "
                                    f"columns: {', '.join(COLUMNS)} (nothing was loaded, so no "
                                    "data is lost silently; rename or remove the column)"))
        elif name in header[:col - 1]:
            problems.append(Problem(display, 1, col, name, f"the column {name!r} appears twice "
                                    f"(first as column {header.index(name) + 1}); keep one"))
    if "name" not in header:
        problems.append(Problem(display, 1, 1, "", "no name column; the first row names the "
                                f"columns, and name is required: {', '.join(COLUMNS)}"))
    if problems:
        return [], problems
    data_rows = [(line, cells) for line, cells in rows[1:] if any(c.strip() for c in cells)]
    if len(data_rows) > MAX_CHAPTERS:
        line = data_rows[MAX_CHAPTERS][0]
        return [], [Problem(display, line, 1, "", f"more than {MAX_CHAPTERS} chapters; split "
                            "them into several files")]
    loaded = []
    for line, cells in data_rows:
        found, data = [], {}
        for col, cell in enumerate(cells, 1):
            value = cell.strip()
            if not value:
                continue
            name = header[col - 1] if col <= len(header) else ""
            if not name:
                found.append(Problem(display, line, col, "", f"a value in column {col}, which "
                                     "has no header; name the column or clear the cell"))
            elif name.startswith(("contact_", "event_")):
                group, _, key = name.partition("_")
                data.setdefault(group, {})[key] = value
            else:
                data[name] = value
        problems += found
        try:
            chapter = Chapter.model_validate(data, context={"locales": known})
        except ValidationError as exc:
            for error in _errors(exc):
                column, col = _csv_column(error["loc"], header)
                message = _message(error)
                if error["type"] == "line_break":
                    message += " (or is a quote left open?)"
                problems.append(Problem(display, line, col, column, message))
            continue
        if found:
            continue

        def where(*fields: str, line=line, data=data) -> tuple[str, int, int]:
            names = [f for f in fields if f in data] or ["name"]
            return names[0], line, header.index(names[0]) + 1

        loaded.append((chapter, where))
    return loaded, problems


def _csv_column(loc: tuple, header: list[str]) -> tuple[str, int]:
    """The column header and 1-based index that a pydantic error location points at."""
    parts = [p for p in loc if isinstance(p, str)]
    if len(parts) >= 2 and parts[0] in ("contact", "event"):
        name = f"{parts[0]}_{parts[1]}"
    elif parts == ["contact"]:
        name = next((c for c in ("contact_phone", "contact_email", "contact_url")
                     if c in header), "contact_name")
    elif parts == ["event"]:
        name = "event_date"
    else:
        name = parts[0] if parts else "name"
    if name in header:
        return name, header.index(name) + 1
    group = name.split("_", 1)[0] + "_"
    near = next((i for i, c in enumerate(header, 1) if c.startswith(group)), 1)
    return name, near


# --- both ---------------------------------------------------------------------------------

def load_chapters(path: Path, content_dir: Path, locales: Iterable[str]
                  ) -> tuple[list[Chapter], list[Problem]]:
    """Read the chapters in a .yaml/.yml or .csv file; return the good ones and every problem.

    Each chapter is checked on its own: one with a problem is left out and the rest are
    returned. A file that cannot be read as a whole gives problems and no chapters. ``locales``
    are the ones the campaign can build (source language, catalogs and region overlays);
    logos must be files inside ``content_dir``.
    """
    display = _display(path)
    known = list(dict.fromkeys(locales))
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        loaded, problems = _load_yaml(path, display, known)
    elif suffix == ".csv":
        loaded, problems = _load_csv(path, display, known)
    else:
        return [], [Problem(display, 1, 1, "", "chapters come from a .yaml, .yml or .csv file "
                            f"(got {path.suffix or 'no extension'!r})")]
    chapters: list[Chapter] = []
    first: dict[str, tuple[Chapter, int]] = {}
    for chapter, where in loaded:
        if chapter.id in first:
            column, line, col = where("id", "name")
            other, other_line = first[chapter.id]
            problems.append(Problem(display, line, col, column, f"duplicate id {chapter.id!r} "
                                    f"(first used by {other.name!r} on line {other_line}); give "
                                    "each chapter its own id, since it names the output folder"))
            continue
        if chapter.logo is not None:
            column, line, col = where("logo")
            doc = Located(display, None, {(column,): (line, col)})
            found = asset_problems(doc, (column,), chapter.logo, content_dir)
            if found:
                problems += found
                continue
        first[chapter.id] = (chapter, where("id", "name")[1])
        chapters.append(chapter)
    problems.sort(key=lambda p: (p.line, p.column))
    return chapters, problems
