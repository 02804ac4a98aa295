"""Translation workflow and localized output: catalogs, fallbacks, regions and scripts."""

from __future__ import annotations

import re
import subprocess
import zipfile
from functools import lru_cache
from pathlib import Path

import pdfplumber
import pytest
from babel.messages.pofile import read_po, write_po
from fontTools.ttLib import TTCollection, TTFont
from pptx import Presentation
from pypdf import PdfReader

from outreach import BuildOptions, ContentError, build, fonts, i18n, load_content, review
from outreach.localize import paper_for

from .conftest import CONTENT, edit, need_tool, run_cli

SHIPPED = ["ar", "es", "fr", "zh-Hans"]
US_ONLY = ["911", "1-888-373-7888", "233733", "1-800-843-5678", "humantraffickinghotline",
           "cybertip"]


def translate_all(po: Path, mark: str) -> None:
    """Fill every entry of a catalog with a recognisable fake translation."""
    with po.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id:
            message.string = mark + message.id
    with po.open("wb") as handle:
        write_po(handle, catalog)


def pdf_text(path: Path) -> str:
    """The PDF's text in content order (which follows the document, column by column)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def deck_text(path: Path) -> str:
    prs = Presentation(str(path))
    parts = []
    for slide in prs.slides:
        parts += [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        parts.append(slide.notes_slide.notes_text_frame.text)
    return " ".join(parts)


def test_round_trip_extract_init_translate_update_build(content_copy, tmp_path):
    content = load_content(content_copy)
    pot = i18n.extract(content)
    text = pot.read_text()
    assert 'msgctxt "numbers.children.label"' in text
    for ident in ("how-it-starts.title", "deck.slides.cover.notes", "deck.agenda.why.text"):
        assert f'msgctxt "{ident}"' in text, ident  # sections, slides and deck sections by id
    assert "#: content/campaign.yaml:" in text
    assert "1-888-373-7888" not in text, "phone numbers are data, never extracted"
    po = i18n.init(content, "de")
    translate_all(po, "DE ")
    report = build(BuildOptions(content_dir=content_copy, out_dir=tmp_path, locales=("de",)))
    assert [w for w in report.warnings if "translated" in w or "fuzzy" in w] == []
    flyer = pdf_text(tmp_path / "de" / "flyer-a4.pdf")
    assert "DE Trafficking often starts with a friend online" in flyer
    assert "4,8 Millionen" in flyer, "numbers are formatted for the locale"

    # The source changes: that entry turns fuzzy, keeps the old translation and its old msgid.
    edit(content_copy / "campaign.yaml", "text: Gifts, money or a phone you cannot explain",
         "text: Gifts, money or a new phone you cannot explain")
    edit(content_copy / "campaign.yaml",
         "    - id: withdrawal\n      text: Pulling away from family, friends or school\n", "")
    content = load_content(content_copy)
    i18n.update(content)
    with po.open("rb") as handle:
        catalog = read_po(handle)
    changed = next(m for m in catalog if m.context == "warning-signs.unexplained-gifts.text")
    assert changed.fuzzy and changed.string.startswith("DE ")
    assert ('#, fuzzy\n#| msgid "Gifts, money or a phone you cannot explain"\n'
            'msgctxt "warning-signs.unexplained-gifts.text"') in po.read_text()
    assert any(ctx == "warning-signs.withdrawal.text" for _, ctx in catalog.obsolete)
    (status,) = [s for s in i18n.status(content) if s.locale == "de"]
    assert (status.fuzzy, status.untranslated) == (1, 0)

    # Building falls back to English for the stale entry and says so; --strict refuses.
    report = build(BuildOptions(content_dir=content_copy, out_dir=tmp_path, locales=("de",),
                                products=("flyer",), papers=("a4",)))
    assert [w for w in report.warnings if w.startswith("de:")] == [
        ("de: warning-signs.unexplained-gifts.text is fuzzy: the source text changed; "
        "printing the en text")]
    assert "Gifts, money or a new phone you cannot explain" in pdf_text(tmp_path / "de" / "flyer-a4.pdf")
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(content_dir=content_copy, out_dir=tmp_path, locales=("de",), strict=True))
    draft, problem = caught.value.problems  # sorted by line: the draft is reported at line 1
    assert draft.message.startswith("de is a draft translation")
    assert problem.file.endswith("de.po") and problem.line > 1
    assert problem.path == "warning-signs.unexplained-gifts.text"


def test_status_table_and_threshold_exit_code(content_copy):
    content = load_content(content_copy)
    i18n.init(content, "de")
    result = run_cli("i18n", "status", "--content", str(content_copy))
    assert result.returncode == 0
    assert re.search(r"^de\s+0\s+0\s+\d+\s+0\.0%  draft$", result.stdout, re.MULTILINE), result.stdout
    result = run_cli("i18n", "status", "--min-percent", "50", "--content", str(content_copy))
    assert result.returncode == 2 and "de" in result.stderr.split("incomplete:")[1].strip().split(", ")


def test_fields_marked_do_not_translate_are_not_extracted(content_copy):
    edit(content_copy / "campaign.yaml", "  - id: cybertipline\n",
         "  - id: cybertipline\n    do_not_translate: [name]\n    note: NCMEC is a US charity\n")
    ids = {t.id: t for t in i18n.texts(load_content(content_copy))}
    assert "resources.cybertipline.name" not in ids
    assert "Note: NCMEC is a US charity" in ids["resources.cybertipline.purpose"].comments


def test_field_docstrings_are_the_translators_comments():
    """The docstring under a model field (read from the source when first needed, not by
    pydantic as each class is made) is the comment of every text of that field."""
    from outreach.fielddocs import field_doc
    from outreach.labels import Labels
    from outreach.model import Meta, Source

    ids = {t.id: t for t in i18n.texts(load_content(CONTENT))}
    assert ids["meta.title"].comments[0] == field_doc(Meta, "title")
    assert field_doc(Meta, "title").startswith("The campaign's title")
    assert ids["labels.cite"].comments[0] == field_doc(Labels, "cite")
    assert "keep {source} and {year}" in field_doc(Labels, "cite")
    # A base class's field keeps its docstring; a field without one has none.
    assert field_doc(Source, "note").startswith("A note for translators")
    assert field_doc(Meta, "no_such_field") is None


def test_a_broken_po_file_is_located(content_copy):
    po = i18n.init(load_content(content_copy), "de")
    po.write_text(po.read_text() + '\nmsgctxt "x"\nmsgid "unterminated\n', encoding="utf-8")
    result = run_cli("--locale", "de", "--content", str(content_copy))
    assert result.returncode == 2
    assert re.search(r"de\.po:\d+:\d+: x: the string has no closing quote", result.stderr), \
        result.stderr


@pytest.mark.parametrize("locale", SHIPPED)
def test_shipped_catalogs_are_complete_valid_and_marked_for_review(locale):
    msgfmt = need_tool("msgfmt")
    po = CONTENT / "locales" / f"{locale}.po"
    result = subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(po)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    text = po.read_text(encoding="utf-8")
    assert f"'python build.py i18n review {locale} --by NAME'" in text
    assert review.state(load_content(CONTENT), locale).describe() == "draft", \
        "the shipped catalogs await a native speaker's review"
    assert "Plural-Forms: nplurals=" in text
    (status,) = [s for s in i18n.status(load_content(CONTENT)) if s.locale == locale]
    assert status.percent == 100.0 and status.fuzzy == 0


@lru_cache(maxsize=1)
def _font_chars() -> frozenset[int]:
    """Every code point the project's fonts can draw."""
    covered: set[int] = set()
    for face in fonts.ALL_FACES:
        for path in set(fonts.locate(face).values()):
            tables = TTCollection(str(path)).fonts if path.suffix == ".ttc" else [TTFont(str(path))]
            for table in tables:
                covered.update(table.getBestCmap())
    return frozenset(covered)


def assert_every_glyph_drawn(pdf: Path) -> set[str]:
    """Fail if a character has no glyph in the project's fonts; return the font names used."""
    with pdfplumber.open(pdf) as doc:
        chars = {c["text"] for page in doc.pages for c in page.chars}
        fontnames = {c["fontname"] for page in doc.pages for c in page.chars}
    assert not any("(cid:" in c or "\ufffd" in c for c in chars), pdf
    covered = _font_chars()
    missing = {c for c in chars if c.strip() and any(ord(ch) not in covered for ch in c)}
    assert not missing, (pdf, missing)
    assert all("Noto" in name for name in fontnames), (pdf, fontnames)
    return fontnames


FAMILIES = {"letter": {"letter", "tabloid"}, "a4": {"a4", "a3"}}
"""The sheets printed in each paper family, as output file names end."""
DROPS_PARTS = ("flyer", "cards")
"""Products whose last density step leaves a part out (the flyer's quote, the cards' purpose
lines), so their two papers may show different text."""


def test_every_pdf_has_a_glyph_for_every_character(built):
    """Every product in every locale, on the locale's own paper, and on the other paper too
    where the fitting may drop a part; otherwise the other paper prints the same text in
    the same faces, and reading every page of both would double this test's time."""
    content = load_content(CONTENT)
    pdfs = []
    for pdf in sorted(built.glob("*/*.pdf")):
        product, _, sheet = pdf.stem.rpartition("-")
        on_paper = any(sheet in sheets for sheets in FAMILIES.values())
        if not on_paper or product in DROPS_PARTS \
                or sheet in FAMILIES[paper_for(content, pdf.parent.name)]:
            pdfs.append(pdf)
    assert {p.parent.name for p in pdfs} >= {"en", "en-GB", *SHIPPED}
    assert {p.stem.rpartition("-")[0] or p.stem for p in pdfs} >= {
        "flyer", "flyer-large", "brochure", "cards", "poster", "handout-notes",
        "handout-audience", "slides"}
    for pdf in pdfs:
        assert_every_glyph_drawn(pdf)


def test_hindi_is_drawn_with_a_devanagari_font(content_copy, tmp_path):
    po = i18n.init(load_content(content_copy), "hi")
    with po.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id:
            keep = " ".join(re.findall(r"\{[a-z]+\}", message.id))
            message.string = "माता-पिता के लिए जानकारी " + keep
    with po.open("wb") as handle:
        write_po(handle, catalog)
    build(BuildOptions(content_dir=content_copy, out_dir=tmp_path, locales=("hi",),
                       products=("flyer",), papers=("a4",)))
    fontnames = assert_every_glyph_drawn(tmp_path / "hi" / "flyer-a4.pdf")
    assert any("Devanagari" in name for name in fontnames), fontnames


def test_arabic_flyer_is_mirrored_and_reads_in_logical_order(built):
    pdf = built / "ar" / "flyer-letter.pdf"
    text = " ".join(pdf_text(pdf).split())
    headline = load_po_string("ar", "meta.headline")
    assert " ".join(headline.split()) in text, "extracted text must be in logical order"
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        biggest = max(c["size"] for c in page.chars)
        heading = [c for c in page.chars if c["size"] == biggest]
        first_number = next(c for c in page.chars if c["text"] == "4" and c["size"] > 15)
    assert max(c["x1"] for c in heading) > page.width * 0.85, "the headline starts at the right"
    assert min(c["x0"] for c in heading) > page.width * 0.1
    assert first_number["x0"] > page.width * 0.6, "the first big number sits in the right column"
    with zipfile.ZipFile(built / "ar" / "deck.pptx") as deck:
        slide = deck.read("ppt/slides/slide10.xml").decode()
    assert 'rtl="1"' in slide and 'typeface="Noto Sans Arabic"' in slide and 'lang="ar"' in slide


def load_po_string(locale: str, ident: str) -> str:
    with (CONTENT / "locales" / f"{locale}.po").open("rb") as handle:
        return next(m.string for m in read_po(handle) if m.context == ident)


@pytest.mark.parametrize("locale,office", [("ar", "ar"), ("zh-Hans", "zh-CN"), ("es", "es"), ("fr", "fr")])
def test_deck_runs_declare_language_and_direction(built, locale, office):
    prs = Presentation(str(built / locale / "deck.pptx"))
    assert prs.core_properties.language == office
    for slide in prs.slides:
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            for p in shape.text_frame.paragraphs:
                if locale == "ar" and p.runs:
                    assert p._p.pPr is not None and p._p.pPr.get("rtl") == "1"
                for run in p.runs:
                    assert run._r.rPr.get("lang") == office


def test_uk_build_prints_uk_help_and_no_us_numbers(built):
    texts = pdf_text(built / "en-GB" / "flyer-a4.pdf") + deck_text(built / "en-GB" / "deck.pptx")
    assert "08000 121 700" in texts and "999" in texts
    for us in US_ONLY:
        assert us not in texts, us
    assert "29 November 2026" in texts, "dates are written the British way"


def test_a_locale_without_region_data_is_an_error(content_copy, tmp_path):
    i18n.init(load_content(content_copy), "es-MX")
    result = run_cli("--locale", "es-MX", "--content", str(content_copy), "--out", str(tmp_path))
    assert result.returncode == 2
    assert "regions/MX.yaml" in result.stderr and "another region's hotlines" in result.stderr


def test_overflowing_translation_names_the_longest_strings(content_copy, tmp_path):
    edit(content_copy / "campaign.yaml", "text: Pulling away from family, friends or school",
         "text: " + "Pulling away from family, friends or school, " * 25)
    with pytest.raises(Exception) as caught:
        build(BuildOptions(content_dir=content_copy, out_dir=tmp_path, locales=("en",),
                           products=("flyer",), papers=("letter",)))
    assert "the longest texts there: warning-signs.withdrawal.text (" in str(caught.value)


def test_deck_text_that_cannot_fit_warns_and_stays_readable(content_copy, tmp_path):
    edit(content_copy / "campaign.yaml", "text: Who do you enjoy talking to online these days?",
         "text: " + "Who do you enjoy talking to online these days? " * 30)
    report = build(BuildOptions(content_dir=content_copy, out_dir=tmp_path, locales=("en",),
                                products=("deck",)))
    assert any("deck slide 'conversation-starters': text overflows" in w for w in report.warnings)
    prs = Presentation(str(tmp_path / "en" / "deck.pptx"))
    sizes = [r.font.size.pt for s in prs.slides for sh in s.shapes if sh.has_text_frame
             for p in sh.text_frame.paragraphs for r in p.runs if r.font.size]
    assert min(sizes) >= 18


def test_a_label_pattern_keeps_its_placeholders_by_the_catalogs_rule(content_copy):
    """The campaign's own pattern and a catalog's msgstr answer to one placeholder rule."""
    edit(content_copy / "campaign.yaml", "meta:\n", "labels:\n  one_in: \"1 in {n} ({x})\"\nmeta:\n")
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    assert "{x} is not in the source text" in str(caught.value)
