"""Accessibility: tagged PDFs, accessible decks, contrast that is checked, and a content linter."""

from __future__ import annotations

import itertools
import shutil

import pdfplumber
import pikepdf
import pytest
from pptx import Presentation

from outreach import BuildOptions, TemplateError, build, load_content
from outreach.lint import lint

from .conftest import CONTENT, ROOT, edit, run_cli

DECORATIVE = "{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative"


def structure(node, found=None):
    """The structure tree's element types and alt texts, in reading order."""
    found = [] if found is None else found
    kind = node.get("/S")
    if kind is not None:
        found.append((str(kind), str(node.get("/Alt", ""))))
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary):
            structure(kid, found)
    return found


def test_every_pdf_is_tagged_for_pdf_ua(built):
    pdfs = sorted(p for p in built.rglob("*.pdf") if not p.relative_to(built).parts[0].startswith("."))
    assert len(pdfs) >= 60
    for path in pdfs:
        locale = path.parent.name
        with pikepdf.open(path) as pdf:
            root = pdf.Root
            assert root.MarkInfo.Marked is True, path
            assert str(root.Lang) == locale, path
            assert root.ViewerPreferences.DisplayDocTitle is True, path
            assert str(pdf.docinfo.Title).strip(), path
            with pdf.open_metadata() as xmp:
                assert xmp.get("pdfuaid:part") == "1", path
            tags = structure(root.StructTreeRoot)
        kinds = [kind for kind, _ in tags]
        headings = [int(k[2]) for k in kinds if k[:2] == "/H" and k[2:].isdigit()]
        assert headings[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(headings)), path
        figures = [alt for kind, alt in tags if kind == "/Figure"]
        assert all(figures), f"every figure needs alt text: {path}"
        if "handout" not in path.name and path.name != "slides.pdf":  # slides: no lists, QR
            assert "/L" in kinds and "/LI" in kinds, "lists are tagged as lists"
            assert figures, f"the QR code is a figure with alt text: {path}"


def test_screen_reader_order_matches_the_printed_story(built):
    with pikepdf.open(built / "en" / "flyer-letter.pdf") as pdf:
        tags = structure(pdf.Root.StructTreeRoot)
    kinds = [kind for kind, _ in tags if kind in ("/H1", "/H2", "/L", "/Figure")]
    assert kinds == ["/H1", "/H2", "/L", "/H2", "/L", "/H2", "/L", "/H2", "/L", "/Figure"], kinds
    qr = next(alt for kind, alt in tags if kind == "/Figure")
    # The alt text says where the code leads: the primary help line and its address
    # (the tool's qr_alt label, "QR code: {name}, {address}").
    assert qr == "QR code: National Human Trafficking Hotline, humantraffickinghotline.org"


def test_large_print_flyer_has_18pt_body_text(built):
    path = built / "en" / "flyer-large-letter.pdf"
    with pdfplumber.open(path) as pdf:
        assert 1 < len(pdf.pages) <= 4
        words = [w for page in pdf.pages for w in page.extract_words(extra_attrs=["size"])]
    sign = next(w for w in words if w["text"] == "secret")
    assert sign["size"] >= 18
    sizes = sorted(w["size"] for w in words)
    assert sizes[len(sizes) // 2] >= 18, "most of the text is at least 18 pt"


@pytest.mark.parametrize("locale", ["en", "en-GB", "es", "fr", "ar", "zh-Hans"])
def test_decks_pass_the_accessibility_rules(built, locale):
    prs = Presentation(str(built / locale / "deck.pptx"))
    titles = [s.shapes.title.text for s in prs.slides]
    assert all(t.strip() for t in titles) and len(set(titles)) == len(titles)
    for slide in prs.slides:
        shapes = list(slide.shapes)
        assert shapes[0].is_placeholder and shapes[0] == slide.shapes.title, "the title is read first"
        for shape in shapes:
            if shape.is_placeholder:
                continue
            c_nv_pr = shape._element.find(".//{*}cNvPr")
            alt = c_nv_pr.get("descr")
            decorative = c_nv_pr.find(f".//{DECORATIVE}") is not None
            assert alt or decorative, (locale, titles[prs.slides.index(slide)], shape.name)
        for shape in shapes:
            if not shape.has_text_frame:
                continue
            for p in shape.text_frame.paragraphs:
                for run in p.runs:
                    if run.font.size is not None:
                        assert run.font.size.pt >= 18
                    if run.hyperlink.address:
                        assert not run.text.startswith(("http", "www.")), "links need meaningful text"


def test_theme_text_styles_never_go_below_18pt():
    prs = Presentation(str(ROOT / "templates" / "deck" / "theme.pptx"))
    master = prs.slide_master._element
    sizes = [int(e.get("sz")) / 100 for e in master.iter("{*}defRPr") if e.get("sz")]
    for layout in prs.slide_layouts:
        for ph in layout.placeholders:
            if ph.placeholder_format.idx == 12:  # the slide number may be small
                continue
            sizes += [int(e.get("sz")) / 100 for e in ph._element.iter("{*}defRPr") if e.get("sz")]
    body = [s for s in sizes if s != 12]
    assert body and min(body) >= 18


def test_a_low_contrast_print_theme_fails_with_the_pair_and_ratio(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    edit(templates / "print" / "base.css", "--muted: #46525C;", "--muted: #AAAAAA;")
    with pytest.raises(TemplateError) as caught:
        build(BuildOptions(templates_dir=templates, out_dir=tmp_path / "out", locales=("en",),
                           products=("flyer",)))
    assert "muted #AAAAAA on paper #FFFFFF (small print and labels) has contrast 2.32:1; " \
           "WCAG AA needs 4.5:1" in str(caught.value)


def test_a_low_contrast_deck_theme_fails_too(tmp_path):
    import zipfile

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    theme = templates / "deck" / "theme.pptx"
    with zipfile.ZipFile(ROOT / "templates" / "deck" / "theme.pptx") as src, \
            zipfile.ZipFile(theme, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "ppt/theme/theme1.xml":
                data = data.replace(b'<a:srgbClr val="0B4F6C"/></a:dk2>', b'<a:srgbClr val="9FB8C4"/></a:dk2>')
            dst.writestr(item, data)
    with pytest.raises(TemplateError) as caught:
        build(BuildOptions(templates_dir=templates, out_dir=tmp_path / "out", locales=("en",),
                           products=("deck",)))
    assert "dk2 #9FB8C4 on lt1 #FFFFFF (titles and numbers) has contrast" in str(caught.value)


def test_linter_flags_old_figures_unused_sources_and_long_headlines(content_copy):
    edit(content_copy / "campaign.yaml", "  stale_after_years: 10", "  stale_after_years: 5")
    edit(content_copy / "campaign.yaml", "sources:\n  - id: ilo-2017",
         "sources:\n  - id: unused\n    publisher: Nobody\n    title: Nothing\n  - id: ilo-2017")
    edit(content_copy / "campaign.yaml", "headline: Trafficking often starts with a friend online",
         "headline: Trafficking very often starts quietly with a new and friendly contact online")
    found = [str(p) for p in lint(load_content(content_copy))]
    assert sum("this figure describes 2016, 10 years before the last review" in f for f in found) == 4
    assert any(f.startswith(str(content_copy / "campaign.yaml") + ":") and
               ": sections[0].items[0].year: " in f for f in found), "warnings are located"
    assert any("sources[0]: source 'unused' is not cited" in f for f in found)
    assert any("meta.headline: the headline has 12 words" in f for f in found)
    result = run_cli("check", "--strict", "--content", str(content_copy))
    assert result.returncode == 2 and "6 problem(s) with --strict" in result.stderr
    result = run_cli("check", "--content", str(content_copy))
    assert result.returncode == 0 and "6 warning(s)" in result.stdout
    assert "warning: " + str(content_copy / "campaign.yaml") in result.stderr


def test_shipped_content_is_lint_clean():
    assert lint(load_content(CONTENT)) == []
