"""Chapter rows: reading chapters.yaml or a chapters CSV into chapters, with located problems.

Each row (a YAML entry or a CSV line) is validated on its own against ``chapters.Chapter``;
every pydantic error becomes one message at the line and column that caused it, saying what
to write instead. ``chapters.iter_chapters`` is the entry point that uses these readers.

Both readers stream: a CSV is read row by row with the csv module and a YAML file event by
event with libyaml, each row checked and handed on as it comes, so memory stays flat however
long the list is. A bad row is reported at its line and column and the reading goes on.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import yaml
from pydantic import ValidationError

from . import yamlsafe
from .chapters import COLUMNS, ID_LENGTH, Chapter, _short, slugify
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
    It is libyaml's parser (as yamlsafe's loader is), read one event at a time, so a list
    of 100,000 chapters is read entry by entry and never held whole.
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


_PLAIN_TAGS = yamlsafe._PLAIN_TAGS


def _compose(loader: _Loader, anchors: dict, event: yaml.Event) -> yaml.Node:
    """One node from the events that make it (the C parser composes only whole documents)."""
    if isinstance(event, yaml.AliasEvent):
        if event.anchor not in anchors:
            raise yaml.composer.ComposerError(None, None, f"found undefined alias "
                                              f"{event.anchor!r}", event.start_mark)
        return anchors[event.anchor]
    if isinstance(event, yaml.ScalarEvent):
        tag = event.tag
        if tag is None or tag == "!":
            tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        node: yaml.Node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                                          style=event.style)
    elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
        kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) \
            else yaml.MappingNode
        tag = event.tag
        if tag is None or tag == "!":
            tag = loader.resolve(kind, None, event.implicit)
        node = kind(tag, [], event.start_mark, None, flow_style=event.flow_style)
    else:  # the parser never gives another event here
        raise yaml.composer.ComposerError(None, None, "unexpected YAML event",
                                          event.start_mark)
    if event.anchor is not None:
        anchors[event.anchor] = node
    if isinstance(node, yaml.SequenceNode):
        while not isinstance(item := loader.get_event(), yaml.SequenceEndEvent):
            node.value.append(_compose(loader, anchors, item))
        node.end_mark = item.end_mark
    elif isinstance(node, yaml.MappingNode):
        while not isinstance(key := loader.get_event(), yaml.MappingEndEvent):
            node.value.append((_compose(loader, anchors, key),
                               _compose(loader, anchors, loader.get_event())))
        node.end_mark = key.end_mark
    return node


def _mark(event) -> tuple[int, int]:
    return yamlsafe._pos(event.start_mark)


def iter_yaml(path: Path, display: str, known: list[str], limit: int):
    """Read a chapters.yaml entry by entry: yield ``(chapter, where)`` for each valid one and
    a ``Problem`` for each mistake, in file order. At most ``limit`` chapters are read."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Problem(display, 1, 1, "", f"cannot read the file ({exc.strerror})")
        return
    loader = _Loader(handle)
    anchors: dict = {}
    try:
        with handle:
            yield from _yaml_entries(loader, anchors, display, known, limit)
    except yamlsafe._Abort as abort:
        yield abort.problem
    except yaml.MarkedYAMLError as exc:
        line, col = yamlsafe._pos(exc.problem_mark or exc.context_mark)
        yield Problem(display, line, col, "", f"YAML syntax: {exc.problem}")
    except yaml.reader.ReaderError as exc:
        if isinstance(exc.character, int) and "control" in str(exc.reason):
            message = f"the control character U+{exc.character:04X} is not allowed; remove it"
        else:
            message = f"not UTF-8 text (byte {exc.position}); save the file as UTF-8"
        yield Problem(display, _line_at(path, exc.position), 1, "", message)
    except yaml.YAMLError as exc:
        yield Problem(display, 1, 1, "", f"YAML error: {exc}")
    finally:
        loader.dispose()


def _line_at(path: Path, position: int) -> int:
    """The line of a character position (libyaml reports where, not on which line)."""
    try:
        with path.open("rb") as handle:
            return handle.read(max(position, 0)).count(b"\n") + 1
    except OSError:
        return 1


def _yaml_entries(loader: _Loader, anchors: dict, display: str, known: list[str],
                  limit: int):
    """The events of a chapters.yaml, turned into chapters and problems as they come."""
    loader.get_event()  # the stream's start
    if loader.check_event(yaml.StreamEndEvent):
        yield Problem(display, 1, 1, "", "the file is empty; list chapters under chapters:")
        return
    loader.get_event()  # the document's start
    event = loader.get_event()
    if isinstance(event, yaml.ScalarEvent) and loader.resolve(
            yaml.ScalarNode, event.value, event.implicit) == "tag:yaml.org,2002:null" \
            and event.tag is None:
        return  # "---" and nothing else: no chapters
    if not isinstance(event, yaml.MappingStartEvent):
        _compose(loader, anchors, event)  # read on, so a syntax error is the one reported
        yield Problem(display, 1, 1, "", "expected chapters: at the top, then a list of "
                      "chapters (see content/chapters.yaml)")
        return
    seen: dict[str, tuple[int, int]] = {}
    budget = [yamlsafe.MAX_VALUES + 100 * limit]
    while not isinstance(event := loader.get_event(), yaml.MappingEndEvent):
        key = _compose(loader, anchors, event)
        line, col = yamlsafe._pos(key.start_mark)
        if not isinstance(key, yaml.ScalarNode) or key.tag != "tag:yaml.org,2002:str":
            yield Problem(display, line, col, "", "keys must be plain words")
            return
        name = key.value
        value = loader.get_event()
        if name in seen:
            yield Problem(display, line, col, name, f"duplicate key {name!r} (first defined on "
                          f"line {seen[name][0]}); keep one of them")
            _compose(loader, anchors, value)
            continue
        seen[name] = (line, col)
        if name != "chapters":
            yield Problem(display, line, col, name, "unknown key; the file holds only "
                          "chapters: (is a chapter indented wrongly?)")
            _compose(loader, anchors, value)
            continue
        yield from _yaml_list(loader, anchors, value, display, known, limit, budget)
    loader.get_event()  # the document's end
    if isinstance(event := loader.get_event(), yaml.DocumentStartEvent):
        line, col = _mark(event)
        yield Problem(display, line, col, "", "YAML syntax: expected a single document in the "
                      "stream, but found another document; remove the --- line and what "
                      "follows, or merge it into the first")


def _yaml_list(loader, anchors, event, display, known, limit, budget):
    """The entries under chapters:, each composed, checked and given on its own."""
    line, col = _mark(event)
    tag = getattr(event, "tag", None)
    if tag not in (None, "!") and tag not in _PLAIN_TAGS:
        raise yamlsafe._Abort(Problem(display, line, col, "chapters", f"the tag {tag!r} is not "
                                      "allowed; content holds plain text, numbers, dates, "
                                      "lists and mappings only"))
    if isinstance(event, yaml.ScalarEvent) and event.tag is None and loader.resolve(
            yaml.ScalarNode, event.value, event.implicit) == "tag:yaml.org,2002:null":
        return  # chapters: with nothing under it
    if not isinstance(event, yaml.SequenceStartEvent):
        _compose(loader, anchors, event)
        yield Problem(display, line, col, "chapters", "expected a list of chapters, each "
                      "starting with - name: ...")
        return
    index = 0
    while not isinstance(item := loader.get_event(), yaml.SequenceEndEvent):
        base = ("chapters", index)
        if index >= limit:
            line, col = _mark(item)
            raise yamlsafe._Abort(Problem(
                display, line, col, dotted(base), f"more than {limit:,} chapters (the limit, "
                "--max-chapters); this entry and the ones after it were not read: raise "
                "--max-chapters or split the file"))
        node = _compose(loader, anchors, item)
        located = Located(display, None)
        walker = yamlsafe._Walker(loader, located)
        # Each entry may expand to MAX_VALUES values, and the file as a whole to its budget.
        allowed = min(yamlsafe.MAX_VALUES, budget[0])
        walker.count = yamlsafe.MAX_VALUES - allowed
        located.data = walker.build(node, base, 2)
        budget[0] -= walker.count - (yamlsafe.MAX_VALUES - allowed)
        index += 1
        yield from _yaml_entry(located, base, walker.problems, display, known)


def _yaml_entry(doc: Located, base: tuple, spoiled: list[Problem], display: str,
                known: list[str]):
    """Check one entry: its chapter and where it was written, or its problems."""
    entry = doc.data
    yield from spoiled
    if not isinstance(entry, dict):
        line, col = doc.mark(base)
        yield Problem(display, line, col, dotted(base), "each chapter is a mapping of keys, "
                      "starting with - name: ...")
        return
    try:
        chapter = Chapter.model_validate(entry, context={"locales": known})
    except ValidationError as exc:
        for error in _errors(exc):
            loc = base + tuple(p for p in error["loc"] if isinstance(p, (str, int)))
            line, col = doc.mark(loc, key=error["type"] == "extra_forbidden")
            yield Problem(display, line, col, dotted(loc), _message(error))
        return
    if spoiled:
        return

    def where(*fields: str) -> tuple[str, int, int]:
        names = [f for f in fields if f in entry] or ["name"]
        line, col = doc.mark(base + (names[0],))
        return dotted(base + (names[0],)), line, col

    yield chapter, where


# --- CSV ----------------------------------------------------------------------------------


def _header_name(cell: str) -> str:
    """Normalize a header cell: "Contact Phone" and "contact-phone" -> contact_phone."""
    return re.sub(r"[\s-]+", "_", cell.strip().lower())


def _delimiter(first: str) -> str:
    """Excel writes ; instead of , where the decimal mark is a comma."""
    first = first.split("\n", 1)[0]
    return max((",", ";", "\t"), key=first.count) if first else ","


_NOT_UTF8 = "not UTF-8 text; in Excel use Save As > CSV UTF-8 (Comma delimited)"


def _decoded(handle):
    """The file's lines as text; bytes that are not UTF-8 become lone surrogates, which the
    row that holds them reports (so one bad row does not stop the others)."""
    first = True
    for raw in handle:
        text = raw.decode("utf-8", "surrogateescape")
        if first:
            text, first = text.removeprefix("\ufeff"), False
        yield text


def _has_bad_bytes(text: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in text)


def iter_csv(path: Path, display: str, known: list[str], limit: int):
    """Read a chapters CSV row by row: yield ``(chapter, where)`` for each valid row and a
    ``Problem`` for each mistake, in file order. At most ``limit`` chapters are read."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Problem(display, 1, 1, "", f"cannot read the file ({exc.strerror})")
        return
    with handle:
        lines = _decoded(handle)
        first = next(lines, None)
        if first is None or not first.strip("\r\n"):
            yield Problem(display, 1, 1, "", "the file is empty; the first row names the "
                          f"columns: {', '.join(COLUMNS)}")
            return
        reader = csv.reader(itertools.chain([first], lines), delimiter=_delimiter(first))
        start, count = 1, 0
        try:
            header_cells = next(reader)
            start = reader.line_num + 1
            header, problems = _header(header_cells, display)
            if problems:
                yield from problems
                return
            for cells in reader:
                line, start = start, reader.line_num + 1
                if not any(c.strip() for c in cells):
                    continue
                if count >= limit:
                    yield Problem(display, line, 1, "", f"more than {limit:,} chapters (the "
                                  "limit, --max-chapters); this row and the ones after it were "
                                  "not read: raise --max-chapters or split the file")
                    return
                count += 1
                yield from _csv_row(line, cells, header, display, known)
        except csv.Error as exc:
            yield Problem(display, start, 1, "", f"CSV syntax: {exc}; check the quotes on this "
                          "row (the rows after it were not read)")


def _header(cells: list[str], display: str) -> tuple[list[str], list[Problem]]:
    """The header row's column names, and its problems (any of them refuses the file)."""
    header = [_header_name(cell) for cell in cells]
    problems = []
    for col, name in enumerate(header, 1):
        if not name:
            continue
        if _has_bad_bytes(name):
            problems.append(Problem(display, 1, col, "", _NOT_UTF8))
        elif _is_address(name):
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
    if "name" not in header and not problems:
        problems.append(Problem(display, 1, 1, "", "no name column; the first row names the "
                                f"columns, and name is required: {', '.join(COLUMNS)}"))
    return header, problems


def _csv_row(line: int, cells: list[str], header: list[str], display: str, known: list[str]):
    """Check one row: its chapter and where it was written, or its problems."""
    found, data = [], {}
    for col, cell in enumerate(cells, 1):
        value = cell.strip()
        if not value:
            continue
        name = header[col - 1] if col <= len(header) else ""
        if _has_bad_bytes(value):
            found.append(Problem(display, line, col, name, _NOT_UTF8))
        elif not name:
            found.append(Problem(display, line, col, "", f"a value in column {col}, which "
                                 "has no header; name the column or clear the cell"))
        elif name.startswith(("contact_", "event_")):
            group, _, key = name.partition("_")
            data.setdefault(group, {})[key] = value
        else:
            data[name] = value
    if any(p.message == _NOT_UTF8 for p in found):
        yield from found
        return
    try:
        chapter = Chapter.model_validate(data, context={"locales": known})
    except ValidationError as exc:
        for error in _errors(exc):
            column, col = _csv_column(error["loc"], header)
            message = _message(error)
            if error["type"] == "line_break":
                message += " (or is a quote left open?)"
            found.append(Problem(display, line, col, column, message))
        yield from sorted(found, key=lambda p: p.column)
        return
    if found:
        yield from found
        return

    def where(*fields: str) -> tuple[str, int, int]:
        names = [f for f in fields if f in data] or ["name"]
        return names[0], line, header.index(names[0]) + 1

    yield chapter, where


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

