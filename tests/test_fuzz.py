"""Hypothesis throws odd content at the whole build: valid output or a clear error, never a crash.

Broken PO catalogs are fuzzed too, with gettext's msgfmt --check as the oracle. The suite runs a
handful of examples; for a longer run:
    OUTREACH_FUZZ_EXAMPLES=300 python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from outreach import BuildOptions, OutreachError, build
from outreach.pofile import control_character

from .conftest import CONTENT

EXAMPLES = int(os.environ.get("OUTREACH_FUZZ_EXAMPLES", "12"))

tricky = st.sampled_from([
    "\u202eevil\u202c", "\u200f\u200eright to left marks", "e\u0301\u0301\u0301",
    "👩‍👩‍👧‍👦 🧑🏽‍🏫", "a\u200db", "y" * 1500, "<script>alert(1)</script>", "{{ 7*7 }}", "{n}",
    "**", "[a](b)", "مرحبا بالعالم", "你好，世界", "नमस्ते", "\ufeffBOM", "\U0010ffff", "Ⅻ ﷽",
])
rare = st.sampled_from(["", " ", "x" * 5000, "\x00"])  # invalid: must fail clearly
controls = st.text(st.characters(whitelist_categories=("Cc",)), min_size=1, max_size=3).map(
    lambda c: f"a{c}b")  # tab and newline pass; any other C0, C1 or DEL must fail clearly
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""What may never be printed: C0 controls but tab and newline, DEL, C1 controls."""
# Mostly good values, so that most examples still reach the renderers.
numbers = st.integers(1, 10**9) | st.floats(min_value=0.01, max_value=1e12) | st.sampled_from(
    [float("inf"), float("-inf"), float("nan"), "1e309", 1e15, 1e16, 5e-324])
urls = st.sampled_from(["https://example.org/ok"] * 5 + [
    "https://example.org/a\x07b", "https://example.org/\u202egro.exe", "https://example.org/a b"])
text = st.one_of(tricky, st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1,
                                 max_size=120))
items = st.lists(text, min_size=1, max_size=6) | st.lists(text, max_size=30)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("OUTREACH_FUZZ_EXAMPLES"),
          suppress_health_check=[HealthCheck.too_slow])
@given(headline=text | rare | controls, signs=items, title=text, notes=text | controls,
       label=text, step=text, value=numbers, url=urls)
def test_any_content_builds_or_fails_clearly(headline, signs, title, notes, label, step, value,
                                             url):
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("locales", "regions"))
        campaign = yaml.safe_load((content / "campaign.yaml").read_text(encoding="utf-8"))
        deck = yaml.safe_load((content / "deck.yaml").read_text(encoding="utf-8"))
        campaign["meta"]["headline"] = headline
        sections = {section["id"]: section for section in campaign["sections"]}
        first = {}  # the first section of each kind, as the products lay them out
        for section in campaign["sections"]:
            first.setdefault(section["kind"], section)
        sections["warning-signs"]["items"] = [{"id": f"s{i}", "text": s} for i, s in enumerate(signs)]
        first["statistics"]["items"][0]["label"] = label
        first["statistics"]["items"][0]["value"] = value
        campaign["resources"][-1]["url"] = url
        first["steps"]["items"][0]["title"] = step
        deck["slides"][2]["title"] = title
        deck["slides"][2]["notes"] = notes
        for name, data in (("campaign.yaml", campaign), ("deck.yaml", deck)):
            (content / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        out = Path(tmp) / "out"
        try:
            report = build(BuildOptions(content_dir=content, out_dir=out, papers=("letter",),
                                        products=("flyer", "deck"), no_chapters=True))
        except OutreachError as exc:
            event(f"clear error: {type(exc).__name__}")
            assert str(exc).strip(), "errors always say something"
            assert not out.exists() or not list(out.rglob("*.pdf")), "a failed build writes nothing"
            return
        assert {p.name for p in out.rglob("*") if p.suffix in (".pdf", ".pptx")} == {
            "flyer-letter.pdf", "deck.pptx"}
        assert not report.failures
        values = (headline, title, notes, label, step, url, *signs)
        assert not any(CONTROL.search(v) for v in values), "a control character was printed"
        assert math.isfinite(float(value)), f"{value!r} was printed"
        event("built")


AR_PO = CONTENT / "locales" / "ar.po"
HEADER_END = AR_PO.read_bytes().index(b"\n\n") + 2
hostile = st.sampled_from([b'"', b"\\", b"\\a", b"\x01", b"\x07", b"\x1b", b"\x7f", b"\xc2\x85",
                           b"\xff", b"\xe2\x82", b"\n", b"\r", b"\t", b"msgstr ", b"msgid \"\"\n",
                           b"#, fuzzy\n", b"{", b"}", b"{n}", b"\\n"])


@st.composite
def broken_catalogs(draw) -> bytes:
    """The Arabic catalog with a few hostile edits after its header, maybe a foreign charset."""
    body = bytearray(AR_PO.read_bytes()[HEADER_END:])
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(body)))
        action = draw(st.sampled_from(["insert", "delete", "truncate line"]))
        if action == "insert":
            body[at:at] = draw(hostile)
        elif action == "delete":
            del body[at:at + draw(st.integers(1, 3))]
        else:
            end = body.find(b"\n", at)
            del body[at:end if end >= 0 else len(body)]
    head = AR_PO.read_bytes()[:HEADER_END]
    charset = draw(st.sampled_from([b"utf-8", b"utf-8", b"UTF-8", b"latin-1", b"klingon"]))
    return head.replace(b"charset=utf-8", b"charset=" + charset) + bytes(body)


@settings(max_examples=EXAMPLES * 5, deadline=None,
          derandomize=not os.environ.get("OUTREACH_FUZZ_EXAMPLES"),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=broken_catalogs())
def test_any_broken_catalog_is_rejected_at_a_line_or_prints_clean_text(data, tmp_path):
    from outreach import ContentError, load_content, localize

    from .conftest import need_tool

    content = tmp_path / "content"
    if not content.exists():
        shutil.copytree(CONTENT, content)
    (content / "locales" / "ar.po").write_bytes(data)
    msgfmt = subprocess.run([need_tool("msgfmt"), "--check", "-o", "/dev/null",
                             str(content / "locales" / "ar.po")], capture_output=True, check=False)
    try:
        edition = localize(load_content(content), "ar")
    except ContentError as exc:
        lines = data.count(b"\n") + 1
        assert all(p.file.endswith("ar.po") and 1 <= p.line <= lines
                   for p in exc.problems), exc.problems
        event("rejected")
        return
    assert msgfmt.returncode == 0, f"msgfmt rejects what we printed:\n{msgfmt.stderr.decode()}"
    texts = [edition.campaign.meta.headline, *edition.labels.values(),
             *_strings([s.model_dump() for s in (*edition.sections, *edition.deck.slides)])]
    assert not any(control_character(text) for text in texts)
    event("accepted")


def _strings(value) -> list[str]:
    """Every string inside nested lists and dicts."""
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [text for item in items for text in _strings(item)]
