"""Broken PO catalogs: each fault is located, only its locale is skipped, nothing garbled prints."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from outreach import BuildOptions, ContentError, build, i18n
from outreach.serve.watch import Watcher

from .conftest import CONTENT, edit, need_tool, run_cli

AR = CONTENT / "locales" / "ar.po"
TITLE = 'msgstr "كيف يبدو الاتجار الجنسي بالأطفال في الواقع"'
"""The Arabic headline's msgstr line (meta.title), the first entry after the header."""
TITLE_LINE = AR.read_text(encoding="utf-8").splitlines().index(TITLE) + 1
CHARSET = '"Content-Type: text/plain; charset=utf-8\\n"'
ONE_IN = 'msgstr "1 من كل {n}"'
"""The Arabic one-in-N pattern's msgstr line (labels.one_in), whose {n} must stay."""
ONE_IN_LINE = AR.read_text(encoding="utf-8").splitlines().index(ONE_IN) + 1
CHARSET_LINE = AR.read_text(encoding="utf-8").splitlines().index(CHARSET) + 1


def _broken(tmp_path: Path, old: bytes, new: bytes) -> Path:
    """A copy of the Arabic catalog with one change."""
    data = AR.read_bytes()
    assert old in data
    path = tmp_path / "ar.po"
    path.write_bytes(data.replace(old, new, 1))
    return path


def _only_problem(path: Path) -> str:
    with pytest.raises(ContentError) as caught:
        i18n.read_catalog(path, "ar")
    assert len(caught.value.problems) == 1, caught.value.problems
    return str(caught.value.problems[0]).removeprefix(str(path))


HOSTILE = {
    "closing quote": (TITLE.encode(), TITLE[:-1].encode(),
                      f":{TITLE_LINE}:{len(TITLE)}: meta.title: the string has no closing "
                      'quote; add " at the end of the line'),
    "latin-1": (b"charset=utf-8", b"charset=latin-1",
                f":{CHARSET_LINE}:1: the header says charset=latin-1; save the file as UTF-8 "
                "and set charset=UTF-8 in the header"),
    "unknown charset": (b"charset=utf-8", b"charset=klingon-8",
                        f":{CHARSET_LINE}:1: the header says charset=klingon-8; save the file "
                        "as UTF-8 and set charset=UTF-8 in the header"),
    "bad UTF-8": (TITLE.encode(), TITLE.encode()[:-3] + b"\xff\"",
                  f":{TITLE_LINE}:1: not UTF-8 text (byte "),
    "SOH": (TITLE.encode(), TITLE.encode()[:-1] + b"\x01\"",
            f":{TITLE_LINE}:{len(TITLE)}: meta.title: msgstr contains the control character "
            "U+0001; remove it (retype the text around it if you cannot see it)"),
    "BEL": (TITLE.encode(), TITLE.encode()[:-1] + b"\x07\"",
            f":{TITLE_LINE}:{len(TITLE)}: meta.title: msgstr contains the control character "
            "U+0007"),
    "ESC": (TITLE.encode(), b'msgstr "\x1b[31m' + TITLE.encode()[8:],
            f":{TITLE_LINE}:9: meta.title: msgstr contains the control character U+001B"),
    "escaped BEL": (TITLE.encode(), TITLE.encode()[:-1] + b"\\a\"",
                    f":{TITLE_LINE}:{len(TITLE)}: meta.title: unknown escape \\a; use \\n, \\t, "
                    "\\\" or \\\\ (write \\\\ for a backslash)"),
    "carriage return": (TITLE.encode(), TITLE.encode()[:-1] + b"\\r\"",
                        f":{TITLE_LINE}:1: meta.title: msgstr contains the control character "
                        "U+000D"),
    "msgstr first": (b'msgctxt "meta.title"\nmsgid', b'msgctxt "meta.title"\nmsgstr "x"\nmsgid',
                     f":{TITLE_LINE - 1}:1: msgstr cannot come here; expected msgid"),
    "no msgstr": (TITLE.encode() + b"\n", b"\n",
                  f":{TITLE_LINE - 1}:1: meta.title: msgid has no msgstr after it; add msgstr \"\""),
    "lost placeholder": (ONE_IN.encode(), 'msgstr "1 من كل"'.encode(),
                         f":{ONE_IN_LINE}:1: labels.one_in: msgstr: {{n}} is missing: keep it "
                         "exactly as the source text writes it, where the value goes"),
    "extra placeholder": (ONE_IN.encode(), 'msgstr "{n} 1 من كل {n}"'.encode(),
                          f":{ONE_IN_LINE}:1: labels.one_in: msgstr: {{n}} appears twice, the "
                          "source text has it once"),
    "translated placeholder": (ONE_IN.encode(), 'msgstr "1 من كل {ن}"'.encode(),
                               f":{ONE_IN_LINE}:1: labels.one_in: msgstr: {{n}} is missing"),
    "text after quote": (TITLE.encode(), TITLE.encode() + b' x"',
                         f":{TITLE_LINE}:{len(TITLE) + 1}: meta.title: text after the closing "
                         'quote; escape an inner quote as \\"'),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_broken_catalog_is_rejected_at_its_line(case, tmp_path):
    old, new, expected = HOSTILE[case]
    assert _only_problem(_broken(tmp_path, old, new)).startswith(expected)


def test_a_duplicate_entry_names_both_lines(tmp_path):
    entry = AR.read_text(encoding="utf-8").split("\n\n")[1]
    path = tmp_path / "ar.po"
    path.write_text(AR.read_text(encoding="utf-8") + "\n" + entry + "\n", encoding="utf-8")
    assert _only_problem(path).endswith(
        f"meta.title: duplicate entry; the same msgctxt and msgid are at line {TITLE_LINE - 2}: "
        "keep one")


def test_a_catalog_without_header_is_rejected(tmp_path):
    path = tmp_path / "ar.po"
    path.write_text('msgctxt "meta.title"\nmsgid "A"\nmsgstr "B"\n', encoding="utf-8")
    assert _only_problem(path) == (':1:1: the header is missing: start the file with msgid "" '
                                   'and msgstr "Content-Type: text/plain; charset=UTF-8\\n"')


@pytest.mark.parametrize("case", [c for c in HOSTILE if c not in ("latin-1", "unknown charset")]
                         + ["valid"])
def test_whatever_msgfmt_rejects_is_rejected(case, tmp_path):
    """gettext's own checker is the oracle: we are at least as strict."""
    msgfmt = need_tool("msgfmt")
    old, new, _ = HOSTILE.get(case, (b"", b"", ""))
    path = _broken(tmp_path, old, new) if old else AR
    result = subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(path)],
                            capture_output=True, check=False)
    if result.returncode != 0:
        with pytest.raises(ContentError):
            i18n.read_catalog(path, "ar")
    elif case == "valid":
        i18n.read_catalog(path, "ar")


@pytest.fixture
def broken_ar(content_copy) -> Path:
    """The content with an Arabic catalog whose charset Python does not know."""
    edit(content_copy / "locales" / "ar.po", "charset=utf-8", "charset=klingon-8")
    return content_copy


def test_only_the_broken_locale_is_skipped(broken_ar, tmp_path):
    out = tmp_path / "out"
    report = build(BuildOptions(content_dir=broken_ar, out_dir=out, products=("flyer",),
                                papers=("letter",), locales=("en", "ar", "es"), no_chapters=True))
    assert sorted(p.path.relative_to(out).as_posix() for p in report.outputs) == [
        "en/flyer-letter.pdf", "es/flyer-letter.pdf"]
    (failure,) = report.failures
    assert isinstance(failure, ContentError)
    assert f"ar.po:{CHARSET_LINE}:1: the header says charset=klingon-8" in str(failure)


def test_watch_reports_a_broken_catalog_and_keeps_going(broken_ar, tmp_path):
    said = []
    options = BuildOptions(content_dir=broken_ar, out_dir=tmp_path / "out", products=("flyer",),
                           papers=("letter",), locales=("en", "ar"), no_chapters=True)
    watcher = Watcher(options, said.append)
    watcher.rebuild()
    status = watcher.status()
    assert f"ar.po:{CHARSET_LINE}:1: the header says charset=klingon-8" in status["error"]
    (where,) = status["problems"]
    assert where["file"].endswith("ar.po") and where["line"] == CHARSET_LINE, where
    assert (tmp_path / "out" / "en" / "flyer-letter.pdf").is_file()
    assert "1 rebuilt" in said[-1] and "1 failed" in said[-1]


def test_cli_exits_2_and_names_the_line_of_a_truncated_headline(content_copy, tmp_path):
    po = content_copy / "locales" / "ar.po"
    edit(po, TITLE, TITLE[:-1])
    result = run_cli("--locale", "ar", "--product", "flyer", "--paper", "letter",
                     "--no-chapters", "--content", str(content_copy), "--out", str(tmp_path))
    assert result.returncode == 2, result.stderr
    assert (f"ar.po:{TITLE_LINE}:{len(TITLE)}: meta.title: the string has no closing quote"
            in result.stderr), result.stderr
    assert not (tmp_path / "ar" / "flyer-letter.pdf").exists()
