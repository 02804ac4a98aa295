"""Chapter rows: reading chapters.yaml or a chapters CSV into chapters, with located problems.

Each row (a YAML entry or a CSV line) is validated on its own against ``chapters.Chapter``;
every pydantic error becomes one message at the line and column that caused it, saying what
to write instead. ``chapters.load_chapters`` is the entry point that uses these readers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import yaml
from pydantic import ValidationError

from . import yamlsafe
from .chapters import COLUMNS, ID_LENGTH, MAX_BYTES, MAX_CHAPTERS, Chapter, _short, slugify
from .content import _fields_at
from .content import _message as _content_message
from .errors import Problem
from .yamlsafe import Located, dotted


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
    """Tell whether a key or column names an address, which is refused on purpose."""
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
    check_controls = False  # the Chapter model refuses them, line breaks and tabs too


for _first, _pairs in yaml.SafeLoader.yaml_implicit_resolvers.items():
    for _tag, _regexp in _pairs:
        if _tag in ("tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
                    "tag:yaml.org,2002:merge"):
            _Loader.add_implicit_resolver(_tag, _regexp, [_first])
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool",
                              re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    """Construct a real date, or keep an impossible one as text for the model to report."""
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


def load_yaml(path: Path, display: str, known: list[str]
               ) -> tuple[list[tuple[Chapter, _Where]], list[Problem]]:
    """Read a chapters.yaml: each valid chapter with where it was written, and every problem."""
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


def _header_name(cell: str) -> str:
    """Normalize a header cell: "Contact Phone" and "contact-phone" -> contact_phone."""
    return re.sub(r"[\s-]+", "_", cell.strip().lower())


def _delimiter(text: str) -> str:
    """Excel writes ; instead of , where the decimal mark is a comma."""
    first = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=first.count) if first else ","


def load_csv(path: Path, display: str, known: list[str]
              ) -> tuple[list[tuple[Chapter, _Where]], list[Problem]]:
    """Read a chapters CSV: each valid row's chapter with where it was written, and problems."""
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

