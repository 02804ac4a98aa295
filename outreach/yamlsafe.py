"""Read YAML as untrusted input: plain data only, every value's line and column kept."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

MAX_BYTES = 2_000_000
MAX_DEPTH = 50
MAX_VALUES = 100_000
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters a value may not hold: all C0 and C1 ones and DEL, but a tab and the
line breaks of a block scalar."""
_PLAIN_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}

Path_ = tuple[str | int, ...]


@dataclass
class Located:
    """A YAML document as plain Python data plus the position of every node."""

    file: str
    data: Any
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def mark(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Return the (line, column) of the deepest known node on ``path``."""
        table = self.key_marks if key else self.marks
        for end in range(len(path), -1, -1):
            prefix = tuple(path[:end])
            if prefix in table:
                return table[prefix]
            if prefix in self.marks:
                return self.marks[prefix]
        return (1, 1)


class _Abort(Exception):
    """Raised inside the walk when the document cannot be read any further."""

    def __init__(self, problem: Problem):
        self.problem = problem


class _Loader(yaml.CSafeLoader):
    """libyaml's safe loader used only to parse and compose (in C: about nine times quicker than
    PyYAML's own parser on the campaign's files); construction is done by ``_Walker``."""

    check_controls = True
    """Report control characters in values ("\\x07" escapes); a loader whose model
    checks them itself, with its own wording, turns this off."""


def _pos(mark: yaml.Mark | None) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def control_character(text: str) -> str | None:
    """Name the first C0 or C1 control character (or DEL) in text, tab and newline aside."""
    found = _CONTROL.search(text)  # one C scan: every scalar of every file passes here
    return f"U+{ord(found.group()):04X}" if found else None


def dotted(path: Path_) -> str:
    """Format a data path the way messages show it: ``statistics[2].source``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Walker:
    """Turn a composed node graph into dicts, lists and scalars, with limits."""

    def __init__(self, loader: _Loader, located: Located):
        self.loader = loader
        self.located = located
        self.count = 0
        self.problems: list[Problem] = []

    def fail(self, node: yaml.Node, path: Path_, message: str) -> _Abort:
        line, col = _pos(node.start_mark)
        return _Abort(Problem(self.located.file, line, col, dotted(path), message))

    def _controls(self, node: yaml.ScalarNode, path: Path_) -> None:
        """Report a control character that an escape such as "\\x07" put in a scalar;
        raw ones never get here (the reader refuses them)."""
        code = control_character(node.value) if self.loader.check_controls else None
        if code:
            self.problems.append(self.fail(node, path, f"contains the control character "
                                           f"{code}; remove it").problem)

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise self.fail(node, path, f"the document expands to more than {MAX_VALUES} values "
                            "(anchors and aliases used as a bomb?); simplify it")
        if depth > MAX_DEPTH:
            raise self.fail(node, path, f"nesting is deeper than {MAX_DEPTH} levels; flatten it")
        self.located.marks[path] = _pos(node.start_mark)
        if node.tag not in _PLAIN_TAGS:
            raise self.fail(node, path, f"the tag {node.tag!r} is not allowed; content holds "
                            "plain text, numbers, dates, lists and mappings only")
        if isinstance(node, yaml.ScalarNode):
            if node.tag.endswith((":int", ":float")) and ":" in node.value:
                return node.value  # YAML 1.1 would read 18:30 as 1110 (base 60); keep the text
            self._controls(node, path)
            try:
                return self.loader.construct_object(node)
            except ValueError as exc:  # e.g. 2026-13-40 looks like a date but is none
                raise self.fail(node, path, f"{node.value!r} is not a valid date ({exc}); "
                                "write YYYY-MM-DD, e.g. 2027-03-11") from None
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        self.loader.flatten_mapping(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                raise self.fail(key_node, path, "keys must be plain words")
            key = key_node.value
            if key in result:
                first = self.located.key_marks[path + (key,)]
                self.problems.append(self.fail(key_node, path + (key,),
                    f"duplicate key {key!r} (first defined on line {first[0]}); "
                    "keep one of them").problem)
                continue
            self.located.key_marks[path + (key,)] = _pos(key_node.start_mark)
            self._controls(key_node, path + (key,))
            result[key] = self.build(value_node, path + (key,), depth + 1)
        return result


def read_text(path: Path, display: str, max_bytes: int = MAX_BYTES, *, too_big: str = "",
              not_utf8: str = "save the file as UTF-8") -> tuple[str | None, list[Problem]]:
    """Read an untrusted text file within a size limit, as UTF-8 (a byte-order mark from a
    Windows editor or Excel is fine); on failure return None and the located problem.
    ``too_big`` and ``not_utf8`` add advice to those two messages."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(display, 1, 1, "", f"cannot read the file ({exc.strerror})")]
    if len(raw) > max_bytes:
        return None, [Problem(display, 1, 1, "",
                              f"the file is {len(raw)} bytes; the limit is {max_bytes}{too_big}")]
    return decode_text(raw, display, not_utf8)


def decode_text(raw: bytes, display: str,
                not_utf8: str = "save the file as UTF-8") -> tuple[str | None, list[Problem]]:
    """Untrusted bytes (a file, an upload) as UTF-8 text, a byte-order mark allowed; on
    failure None and the problem at the line of the first bad byte."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        return None, [Problem(display, line, 1, "", f"not UTF-8 text (byte {exc.start}); "
                              f"{not_utf8}")]


def read_yaml(path: Path, display: str, loader_class: type[_Loader] = _Loader
              ) -> tuple[Located, list[Problem]]:
    """Load one YAML file safely; return its data with positions and any problems.

    ``loader_class`` may narrow how plain scalars are typed (chapters.py keeps most as text).
    """
    located = Located(display, None)
    text, problems = read_text(path, display)
    if text is None:
        return located, problems
    loader = None
    try:
        loader = loader_class(text)  # reading starts here: control characters fail at once
        node = loader.get_single_node()
        if node is None:
            return located, [Problem(display, 1, 1, "", "the file is empty")]
        walker = _Walker(loader, located)
        located.data = walker.build(node, (), 0)
        return located, walker.problems
    except _Abort as abort:
        return located, [abort.problem]
    except yaml.MarkedYAMLError as exc:
        line, col = _pos(exc.problem_mark or exc.context_mark)
        return located, [Problem(display, line, col, "", f"YAML syntax: {exc.problem}")]
    except yaml.reader.ReaderError as exc:  # libyaml reports a byte offset, not a line
        line = text.encode("utf-8")[:exc.position].count(b"\n") + 1
        return located, [Problem(display, line, 1, "", f"the control character "
                                 f"U+{exc.character:04X} is not allowed; remove it")]
    except yaml.YAMLError as exc:
        return located, [Problem(display, 1, 1, "", f"YAML error: {exc}")]
    finally:
        if loader is not None:
            loader.dispose()
