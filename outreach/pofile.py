"""Strict PO syntax: check a catalog line by line, as ``msgfmt --check`` would, before Babel.

Babel's reader forgives a missing quote (it prints half a headline), trusts any charset (a
latin-1 header garbles UTF-8 text, an unknown one crashes) and lets control characters
through to the PDF and the deck. Every such fault here is a located Problem instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from yaml.reader import Reader

from .errors import Problem

KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr\[\d+\]|msgstr)[ \t]*(?=\")")
ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r"}
"""The escapes Babel decodes; msgfmt's others (\\a, \\x01, octal) would smuggle control codes."""
REVIEW_FIELDS = ("X-Outreach-Reviewed-By", "X-Outreach-Reviewed-Date", "X-Outreach-Reviewed-Hash")
UTF8_ADVICE = "save the file as UTF-8 and set charset=UTF-8 in the header"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
"""A value a label pattern fills in, such as ``{n}`` or ``{source}``: kept as written."""


def placeholder_problems(source: str, translation: str) -> list[str]:
    """What is wrong with a translation's placeholders: each one of the source text must
    appear exactly as often, and no other (empty when they match).

    The one rule for every check: a catalog entry (msgid against msgstr), a campaign's own
    label pattern, a PO file uploaded to the print desk.
    """
    want, have = _counted(source), _counted(translation)
    problems = []
    for name, count in want.items():
        if have.get(name, 0) == 0:
            problems.append(f"{name} is missing: keep it exactly as the source text writes it, "
                            "where the value goes")
        elif have[name] != count:
            problems.append(f"{name} appears {_times(have[name])}, the source text has it "
                            f"{_times(count)}")
    for name in have:
        if name not in want:
            problems.append(f"{name} is not in the source text: remove it (a placeholder is "
                            "never translated)")
    return problems


def _counted(text: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for name in PLACEHOLDER.findall(text):
        found[name] = found.get(name, 0) + 1
    return found


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def control_character(text: str) -> str | None:
    """The first character that may not appear in content (as YAML rules it), or None.

    Tab and newline are text; a carriage return or NEL never survives YAML, so not here either.
    """
    found = Reader.NON_PRINTABLE.search(text) or re.search("[\r\x85]", text)
    return found.group() if found else None


def _string(line: str, start: int) -> tuple[str | None, int, str]:
    """Decode the quoted string at ``start``: (value, column of a fault, what is wrong)."""
    if start >= len(line) or line[start] != '"':
        return None, start + 1, 'expected a string in double quotes ("...")'
    value, i = [], start + 1
    while i < len(line):
        ch = line[i]
        if ch == '"':
            if line[i + 1:].strip():
                return None, i + 2, "text after the closing quote; escape an inner quote as \\\""
            return "".join(value), 0, ""
        if ch == "\\":
            nxt = line[i + 1:i + 2]
            if nxt not in ESCAPES:
                return None, i + 1, (f"unknown escape \\{nxt}; use \\n, \\t, \\\" or \\\\ "
                                     "(write \\\\ for a backslash)")
            value.append(ESCAPES[nxt])
            i += 2
            continue
        value.append(ch)
        i += 1
    return None, len(line) + 1, "the string has no closing quote; add \" at the end of the line"


@dataclass
class _Entry:
    line: int
    parts: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    """Keyword -> its string pieces (line number, text), in order."""
    last: str = ""
    fuzzy: bool = False

    def text(self, keyword: str) -> str | None:
        return "".join(v for _, v in self.parts[keyword]) if keyword in self.parts else None


_NEXT = {"": ("msgctxt", "msgid"), "msgctxt": ("msgid",), "msgid": ("msgid_plural", "msgstr"),
         "msgid_plural": ("msgstr[0]",), "msgstr": ()}
"""Which keyword may follow which inside one entry."""


def _allowed(last: str) -> tuple[str, ...]:
    """The keywords that may follow ``last`` in the same entry."""
    if last.startswith("msgstr["):
        return (f"msgstr[{int(last[7:-1]) + 1}]",)
    return _NEXT[last]


class _Checker:
    """Walk the lines once; collect problems, entries and the header fields."""

    def __init__(self, display: str):
        self.display = display
        self.problems: list[Problem] = []
        self.entries: list[_Entry] = []
        self.entry: _Entry | None = None
        self.fuzzy_next = False
        self.skipping = False
        """After a misplaced keyword, its strings are not reported again."""

    def fail(self, line: int, column: int, message: str, path: str = "") -> None:
        self.problems.append(Problem(self.display, line, column, path, message))

    def close(self) -> None:
        """End the current entry; it must have reached its msgstr."""
        entry, self.entry = self.entry, None
        if entry is None:
            return
        if not any(k.startswith("msgstr") for k in entry.parts):
            self.fail(entry.parts[entry.last][-1][0], 1,
                      f"{entry.last} has no msgstr after it; add msgstr \"\"",
                      entry.text("msgctxt") or "")
            return
        self.entries.append(entry)

    def keyword(self, number: int, keyword: str, value: str) -> None:
        """A keyword line: it starts an entry or continues the current one in order."""
        last = self.entry.last if self.entry else ""
        if keyword in _NEXT[""] and (not last or last.startswith("msgstr")):
            self.close()
            self.entry = _Entry(number, fuzzy=self.fuzzy_next)
            self.fuzzy_next = False
        elif keyword not in _allowed(last):
            want = " or ".join(_allowed(last)) or "a new entry (msgctxt or msgid)"
            self.fail(number, 1, f"{keyword} cannot come here; expected {want}")
            self.entry, self.skipping = None, True
            return
        self.entry.parts[keyword] = [(number, value)]
        self.entry.last = keyword
        self.skipping = False

    def line(self, number: int, raw: str) -> None:
        stripped = raw.strip()
        bad = control_character(raw)
        if bad is not None and not KEYWORD.match(stripped) and not stripped.startswith('"'):
            self.fail(number, raw.index(bad) + 1, f"the control character U+{ord(bad):04X} is "
                      "not allowed; remove it")
            return
        if not stripped:
            return
        if stripped.startswith("#"):
            if self.entry is not None and not self.entry.last.startswith("msgstr"):
                self.close()
            if stripped.startswith("#,") and "fuzzy" in stripped:
                self.fuzzy_next = True
            if stripped.startswith("#~") and not stripped.startswith("#~|"):
                self.obsolete(number, stripped[2:].strip(), raw.index("#~") + 2)
            return
        indent = len(raw) - len(raw.lstrip())
        match = KEYWORD.match(stripped)
        start = match.end() if match else 0
        value, column, why = _string(stripped, start)
        if value is None:
            self.fail(number, indent + column, why if match or stripped.startswith('"') else
                      "expected msgctxt, msgid, msgstr or a \"string\" continuing the line above",
                      (self.entry.text("msgctxt") or "") if self.entry else "")
            if not match:
                return
            value = ""  # the fault is reported; keep the entry's shape to avoid echoes of it
        if match:
            self.keyword(number, match.group(1), value)
        elif self.skipping:
            return
        elif self.entry is None or not self.entry.last:
            self.fail(number, indent + 1, "a string continues nothing; put it after msgid or "
                      "msgstr")
        else:
            self.entry.parts[self.entry.last].append((number, value))

    def obsolete(self, number: int, rest: str, offset: int) -> None:
        """An obsolete entry is not used, but Babel still parses it: its quotes must close."""
        if not rest:
            return
        match = KEYWORD.match(rest)
        value, column, why = _string(rest, match.end() if match else 0)
        if value is None:
            self.fail(number, offset + column, why)


def check(text: str, display: str) -> tuple[list[Problem], dict[str, str]]:
    """Check a catalog's text; return its problems and its header fields."""
    checker = _Checker(display)
    lines = text.split("\n")
    for number, raw in enumerate(lines, 1):
        checker.line(number, raw.removesuffix("\r"))
    checker.close()
    header = _header(checker)
    _entries(checker, lines)
    return checker.problems, header


def _header(checker: _Checker) -> dict[str, str]:
    """The header's fields; its charset must be UTF-8."""
    first = checker.entries[0] if checker.entries else None
    if first is None or first.text("msgid") != "" or "msgctxt" in first.parts:
        if not checker.problems:
            checker.fail(1, 1, 'the header is missing: start the file with msgid "" and '
                         'msgstr "Content-Type: text/plain; charset=UTF-8\\n"')
        return {}
    fields = {}
    for piece in (first.text("msgstr") or "").split("\n"):
        name, sep, value = piece.partition(":")
        if sep:
            fields[name.strip()] = value.strip()
    charset = re.search(r"charset=([^\s;]+)", fields.get("Content-Type", ""))
    name = charset.group(1) if charset else None
    if name is None or name.lower() not in ("utf-8", "utf8"):
        said = f"the header says charset={name}" if name else "the header names no charset"
        line = next((n for n, piece in first.parts["msgstr"] if "Content-Type" in piece),
                    first.line)
        checker.fail(line, 1, f"{said}; {UTF8_ADVICE}")
    return fields


def _entries(checker: _Checker, lines: list[str]) -> None:
    """Check each entry: no duplicates, no control characters, newlines at the same ends."""
    seen: dict[tuple, int] = {}
    for entry in checker.entries:
        context, msgid = entry.text("msgctxt"), entry.text("msgid")
        where = context or ""
        if (context, msgid) in seen:
            checker.fail(entry.line, 1, f"duplicate entry; the same msgctxt and msgid are at "
                         f"line {seen[context, msgid]}: keep one", where)
        seen.setdefault((context, msgid), entry.line)
        for keyword, pieces in entry.parts.items():
            for number, piece in pieces:
                bad = control_character(piece)
                if bad is not None:
                    checker.fail(number, lines[number - 1].find(bad) + 1 or 1,
                                 f"{keyword} contains the control character U+{ord(bad):04X}; "
                                 "remove it (retype the text around it if you cannot see it)",
                                 where)
        _newlines(checker, entry, msgid, where)
        _placeholders(checker, entry, msgid, where)


def _placeholders(checker: _Checker, entry: _Entry, msgid: str | None, where: str) -> None:
    """A used translation keeps the placeholders of its msgid (a fuzzy one is not used)."""
    if not msgid or entry.fuzzy:
        return
    for keyword in (k for k in entry.parts if k.startswith("msgstr")):
        value = entry.text(keyword)
        if value:
            for why in placeholder_problems(msgid, value):
                checker.fail(entry.parts[keyword][0][0], 1, f"{keyword}: {why}", where)


def _newlines(checker: _Checker, entry: _Entry, msgid: str | None, where: str) -> None:
    """msgfmt's rule: a translation begins and ends with a newline exactly where msgid does."""
    for keyword in (k for k in entry.parts if k.startswith("msgstr")):
        value = entry.text(keyword)
        if not msgid or not value or entry.fuzzy:
            continue
        for end, test in (("begin", str.startswith), ("end", str.endswith)):
            if test(msgid, "\n") != test(value, "\n"):
                checker.fail(entry.parts[keyword][0][0], 1, f"msgid and {keyword} must both "
                             f"{end} with a newline (\\n) or both not", where)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def set_fields(text: str, fields: dict[str, str]) -> str:
    """Return a checked catalog's text with these header fields set, the rest untouched."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("msgstr"))
    end = start + 1
    while end < len(lines) and lines[end].startswith('"'):
        end += 1
    pieces = [_string(line, line.index('"'))[0] for line in lines[start:end]]
    kept = [row for row in "".join(pieces).split("\n")
            if row and row.partition(":")[0].strip() not in fields]
    rows = kept + [f"{name}: {value}" for name, value in fields.items()]
    return "\n".join(lines[:start] + ['msgstr ""'] + [_quote(row + "\n") for row in rows]
                     + lines[end:])


def fields_of(header: dict[str, str], names: tuple[str, ...]) -> dict[str, str]:
    """The header fields among ``names`` that are present, to carry over a rewrite."""
    return {name: header[name] for name in names if name in header}
