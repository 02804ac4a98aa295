"""The deck: a real .pptx opened with python-pptx and checked slide by slide."""

from __future__ import annotations

import shutil
import zipfile

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu

from outreach import BuildOptions, TemplateError, build, load_content

from .conftest import CONTENT, ROOT, edit

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@pytest.fixture(scope="module")
def deck(built):
    return Presentation(str(built / "en" / "deck.pptx"))


def slide_by_id(deck, outline_id):
    ids = [s.id for s in load_content(CONTENT).deck.slides]
    return deck.slides[ids.index(outline_id)]


def test_deck_is_16_by_9_and_follows_the_outline(deck):
    outline = load_content(CONTENT).deck.slides
    assert (deck.slide_width, deck.slide_height) == (Emu(12192000), Emu(6858000))
    assert 14 <= len(deck.slides) <= 22
    assert [s.shapes.title.text for s in deck.slides] == [s.title for s in outline]
    assert [s.slide_layout.name for s in deck.slides] == [s.layout for s in outline]


def test_every_slide_has_a_unique_title_and_spoken_notes(deck):
    titles = [s.shapes.title.text.strip() for s in deck.slides]
    assert all(titles) and len(set(titles)) == len(titles)
    for slide in deck.slides:
        notes = slide.notes_slide.notes_text_frame.text
        assert len(notes.split()) >= 25, slide.shapes.title.text


def test_numbers_slide_has_three_native_cards_with_sources(deck):
    slide = slide_by_id(deck, "numbers")
    cards = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE]
    assert len(cards) == 3
    texts = [c.text_frame.text for c in cards]
    assert any("4.8 million" in t for t in texts)
    assert all("Source: ILO & Walk Free, 2016" in t for t in texts)
    notes = slide.notes_slide.notes_text_frame.text
    assert "International Labour Organization" in notes and "2016" in notes


def test_cycle_is_shapes_joined_by_connectors(deck):
    slide = slide_by_id(deck, "cycle")
    steps = load_content(CONTENT).campaign.cycle
    boxes = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE]
    lines = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.LINE]
    assert [b.text_frame.text for b in boxes] == [f"{i}. {s.title}" for i, s in enumerate(steps, 1)]
    assert len(lines) == len(steps)
    box_ids = [b.shape_id for b in boxes]
    for i, line in enumerate(lines):
        cxn = line._element.nvCxnSpPr.cNvCxnSpPr
        start = int(cxn.find(f"{A}stCxn").get("id"))
        end = int(cxn.find(f"{A}endCxn").get("id"))
        assert (start, end) == (box_ids[i], box_ids[(i + 1) % len(box_ids)])
        assert line.line._get_or_add_ln().find(f"{A}tailEnd") is not None
    assert all(b._element.nvSpPr.cNvPr.get("descr") for b in boxes)


def test_resources_slide_links_every_service(deck):
    slide = slide_by_id(deck, "resources")
    links = {run.hyperlink.address for shape in slide.shapes if shape.has_text_frame
             for p in shape.text_frame.paragraphs for run in p.runs if run.hyperlink.address}
    assert {"https://humantraffickinghotline.org", "https://report.cybertip.org"} <= links
    text = slide.placeholders[1].text_frame.text
    assert "1-888-373-7888" in text and "911" in text


def test_myth_slides_fill_both_columns(deck):
    slide = slide_by_id(deck, "myth-kidnapping")
    texts = [ph.text_frame.text for ph in slide.placeholders if ph.placeholder_format.idx in (1, 2, 3, 4)]
    assert texts[0] == "Myth" and texts[2] == "Fact"
    assert "online relationship" in texts[3]


def test_runs_declare_language_and_core_properties_are_ours(deck, built):
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                for p in shape.text_frame.paragraphs:
                    for run in p.runs:
                        assert run._r.get_or_add_rPr().get("lang") == "en"
    props = deck.core_properties
    assert props.title == "What child sex trafficking really looks like"
    assert props.author == props.last_modified_by == "Outreach Parent Safety Project"
    assert props.language == "en"
    with zipfile.ZipFile(built / "en" / "deck.pptx") as z:
        core = z.read("docProps/core.xml").decode()
        app = z.read("docProps/app.xml").decode()
    assert "python-pptx" not in core and "Steve Canny" not in core + app


def test_text_is_never_smaller_than_18pt(deck):
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                for p in shape.text_frame.paragraphs:
                    for run in p.runs:
                        if run.font.size is not None:
                            assert run.font.size.pt >= 18, (slide.shapes.title.text, run.text)


def test_a_layout_missing_from_the_theme_is_a_clear_error(content_copy, tmp_path):
    edit(content_copy / "deck.yaml", "layout: Comparison", "layout: Three Columns")
    with pytest.raises(TemplateError) as caught:
        build(BuildOptions(content_dir=content_copy, out_dir=tmp_path, products=("deck",)))
    line = (content_copy / "deck.yaml").read_text().splitlines().index(
        "    layout: Three Columns") + 1
    assert (f"deck.yaml:{line}:13: slides[4].layout (myth-kidnapping): the theme has no layout "
            "'Three Columns'") in str(caught.value)
    assert not (tmp_path / "en").exists()


def test_a_theme_missing_a_placeholder_is_a_clear_error(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    prs = Presentation(str(templates / "deck" / "theme.pptx"))
    layout = next(l for l in prs.slide_layouts if l.name == "Comparison")
    for ph in list(layout.placeholders):
        if ph.placeholder_format.idx == 4:
            ph._element.getparent().remove(ph._element)
    prs.save(str(templates / "deck" / "theme.pptx"))
    with pytest.raises(TemplateError) as caught:
        build(BuildOptions(templates_dir=templates, out_dir=tmp_path / "out", products=("deck",)))
    assert "content 'myth' needs 4 text placeholder(s) besides the title, layout 'Comparison' has 3" \
        in str(caught.value)


def test_text_shrunk_to_fit_is_reported_once_per_deck(tmp_path):
    report = build(BuildOptions(out_dir=tmp_path, locales=("en",), products=("deck",)))
    shrunk = [w for w in report.warnings if w.startswith("en deck: text made smaller to fit")]
    assert len(shrunk) == 1 and "prosecution (-" in shrunk[0]
    prs = Presentation(str(tmp_path / "en" / "deck.pptx"))
    slide = slide_by_id(prs, "prosecution")
    sizes = {r.font.size.pt for p in slide.placeholders[1].text_frame.paragraphs for r in p.runs}
    assert sizes and max(sizes) < 28 and min(sizes) >= 18
