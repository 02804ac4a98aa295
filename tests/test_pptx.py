"""The deck: a real .pptx opened with python-pptx and checked slide by slide."""

from __future__ import annotations

import functools
import shutil
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from pptx.util import Emu

from outreach import BuildOptions, TemplateError, build, load_content, localize
from outreach.contrast import theme_colours
from outreach.render.deckkinds import ROLES
from outreach.render.pptx import resolve

from .conftest import CONTENT, ROOT, edit

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
THEME = ROOT / "templates" / "deck" / "theme.pptx"
CONTINUES = {"list", "myths", "resources", "sources"}
"""Kinds whose items may continue on the following slides (the spec of the deck writer)."""
SHRUNK = "text made smaller to fit"


@pytest.fixture(scope="module")
def deck(built):
    return Presentation(str(built / "en" / "deck.pptx"))


@functools.cache
def edition(content_dir: Path = CONTENT, locale: str = "en"):
    """The edition a deck was built from: its outline, sections and labels."""
    return localize(load_content(content_dir), locale)


def entry(outline_id: str, ed=None):
    ed = ed or edition()
    return next(s for s in ed.deck.slides if s.id == outline_id)


def slides_of(deck, outline_id: str, ed=None) -> list:
    """The slides one outline entry became: its own, then any titled "… (continued)"."""
    ed = ed or edition()
    spec = entry(outline_id, ed)
    slides = list(deck.slides)
    titles = [s.shapes.title.text for s in slides]
    assert titles.count(spec.title) == 1, (spec.title, titles)
    first = titles.index(spec.title)
    group = [slides[first]]
    for slide, title in zip(slides[first + 1:], titles[first + 1:]):
        if title != ed.label("continued", title=spec.title):
            break
        group.append(slide)
    return group


def slide_by_id(deck, outline_id, ed=None):
    return slides_of(deck, outline_id, ed)[0]


def body(slide):
    """The first text placeholder that is not the title."""
    return next(ph for ph in slide.placeholders if ph.placeholder_format.idx != 0)


def theme_size_pt(placeholder, level: int = 0) -> float:
    """The size the theme gives a placeholder's text: its layout's list style, else the master's."""
    path = f"{qn(f'a:lvl{level + 1}pPr')}/{qn('a:defRPr')}"
    styles = []
    layout_ph = placeholder._base_placeholder
    if layout_ph is not None and layout_ph._element.txBody is not None:
        styles.append(layout_ph._element.txBody.find(qn("a:lstStyle")))
    master = placeholder.part.slide_layout.slide_master._element
    styles.append(master.find(f"{qn('p:txStyles')}/{qn('p:bodyStyle')}"))
    for style in styles:
        found = style.find(path) if style is not None else None
        if found is not None and found.get("sz"):
            return int(found.get("sz")) / 100
    raise AssertionError("the theme gives this placeholder no text size")


def build_deck(content_dir: Path, out: Path, locale: str = "en"):
    """Build one locale's deck alone and return the build report and the presentation."""
    report = build(BuildOptions(content_dir=content_dir, out_dir=out, locales=(locale,),
                                products=("deck",), no_chapters=True))
    assert not report.failures, report.failures
    return report, Presentation(str(out / locale / "deck.pptx"))


def steps_diagram(slide):
    """A steps slide's boxes and, for each connector, (from box, to box) by box position.

    Boxes are the drawn shapes with text: a right-to-left slide also carries the theme's
    decorations, mirrored, as shapes without text."""
    boxes = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE
             and s.text_frame.text.strip()]
    lines = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.LINE]
    box_ids = [b.shape_id for b in boxes]
    joins = []
    for line in lines:
        cxn = line._element.nvCxnSpPr.cNvCxnSpPr
        start = int(cxn.find(f"{A}stCxn").get("id"))
        end = int(cxn.find(f"{A}endCxn").get("id"))
        joins.append((box_ids.index(start), box_ids.index(end)))
    return boxes, lines, joins


def test_deck_is_16_by_9_and_follows_the_outline(deck):
    # The outline no longer maps one entry to one slide: a list, myths, resources or sources
    # entry too long for one slide continues on slides titled with the "continued" label.
    ed = edition()
    assert (deck.slide_width, deck.slide_height) == (Emu(12192000), Emu(6858000))
    assert 14 <= len(deck.slides) <= 22
    slides = list(deck.slides)
    at = 0
    for spec in ed.deck.slides:
        assert at < len(slides), f"the deck ends before outline entry {spec.id!r}"
        assert slides[at].shapes.title.text == spec.title, spec.id
        assert slides[at].slide_layout.name == spec.layout, spec.id
        at += 1
        continued = ed.label("continued", title=spec.title)
        kind, _, units = resolve(ed, spec.content)
        while at < len(slides) and slides[at].shapes.title.text == continued:
            assert kind in CONTINUES and len(units) > 1, f"{spec.id} ({kind}) cannot continue"
            assert slides[at].slide_layout.name == spec.layout, spec.id
            at += 1
    assert at == len(slides), [s.shapes.title.text for s in slides[at:]]


def test_every_slide_has_a_unique_title_and_spoken_notes(deck):
    titles = [s.shapes.title.text.strip() for s in deck.slides]
    assert all(titles) and len(set(titles)) == len(titles)
    ed = edition()
    seen = 0
    for spec in ed.deck.slides:
        first, *more = slides_of(deck, spec.id)
        notes = first.notes_slide.notes_text_frame.text
        assert len(notes.split()) >= 25, spec.title
        kind = resolve(ed, spec.content)[0]
        # A continued slide has no script of its own: its notes read out what it shows.
        for slide in more:
            notes = slide.notes_slide.notes_text_frame.text
            assert notes.strip(), slide.shapes.title.text
            if kind == "list":
                assert notes.split("\n") == [p.text for p in body(slide).text_frame.paragraphs]
        seen += 1 + len(more)
    assert seen == len(deck.slides)


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
    section = edition().section(entry("cycle").content)
    assert section.kind == "steps" and section.shape == "cycle"
    steps = section.items
    boxes, lines, joins = steps_diagram(slide_by_id(deck, "cycle"))
    assert [b.text_frame.text for b in boxes] == [f"{i}. {s.title}" for i, s in enumerate(steps, 1)]
    assert len(lines) == len(steps)
    assert joins == [(i, (i + 1) % len(boxes)) for i in range(len(boxes))]
    for line in lines:
        assert line.line._get_or_add_ln().find(f"{A}tailEnd") is not None
    assert all(b._element.nvSpPr.cNvPr.get("descr") for b in boxes)


def lit_boxes(boxes) -> list[int]:
    """Positions of the boxes filled unlike the others (the highlighted step)."""
    fills = [str(b.fill.fore_color.rgb) for b in boxes]
    usual = max(set(fills), key=fills.count)
    return [i for i, f in enumerate(fills) if f != usual]


def test_a_cycle_closes_back_to_step_one_and_lights_its_highlight(deck):
    ed = edition()
    section = ed.section(entry("cycle").content)
    assert section.shape == "cycle" and section.highlight
    n = len(section.items)
    boxes, lines, joins = steps_diagram(slide_by_id(deck, "cycle"))
    assert len(lines) == n
    assert joins[-1] == (n - 1, 0), "the last arrow closes the ring, from the last step to the first"
    assert [line._element.nvCxnSpPr.cNvPr.get("descr") for line in lines] == [
        ed.label("arrow", from_=str(a + 1), to=str(b + 1)) for a, b in joins]
    lit = [s.id for s in section.items].index(section.highlight)
    assert lit_boxes(boxes) == [lit]
    assert str(boxes[lit].fill.fore_color.rgb) == theme_colours(THEME)[ROLES["primary"]]


@pytest.mark.parametrize("shape, highlight", [("sequence", "grooming"), ("timeline", None)])
def test_a_sequence_or_timeline_never_closes(content_copy, tmp_path, shape, highlight):
    campaign = content_copy / "campaign.yaml"
    edit(campaign, "    shape: cycle\n    highlight: exploitation\n",
         f"    shape: {shape}\n" + (f"    highlight: {highlight}\n" if highlight else ""))
    report, prs = build_deck(content_copy, tmp_path)
    ed = edition(content_copy)
    section = ed.section(entry("cycle", ed).content)
    assert section.shape == shape and section.highlight == highlight
    n = len(section.items)
    boxes, lines, joins = steps_diagram(slide_by_id(prs, "cycle", ed))
    assert [b.text_frame.text for b in boxes] == [f"{i}. {s.title}" for i, s in enumerate(section.items, 1)]
    assert len(lines) == n - 1
    assert joins == [(i, i + 1) for i in range(n - 1)]
    assert not [j for j in joins if j[1] == 0], "nothing leads back to the first step"
    assert [line._element.nvCxnSpPr.cNvPr.get("descr") for line in lines] == [
        ed.label("arrow", from_=str(a + 1), to=str(b + 1)) for a, b in joins]
    expected = [[s.id for s in section.items].index(highlight)] if highlight else []
    assert lit_boxes(boxes) == expected


def test_resources_slide_links_every_service(deck):
    slides = slides_of(deck, "resources")
    links = {run.hyperlink.address for slide in slides for shape in slide.shapes
             if shape.has_text_frame
             for p in shape.text_frame.paragraphs for run in p.runs if run.hyperlink.address}
    assert {"https://humantraffickinghotline.org", "https://report.cybertip.org"} <= links
    text = "\n".join(body(slide).text_frame.text for slide in slides)
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
        assert z.testzip() is None  # every entry's checksum holds after its date was set
        stamp = props.created  # the build date, the same in every entry: no time of saving
        assert {i.date_time for i in z.infolist()} == {
            (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second // 2 * 2)}
        assert {i.external_attr >> 16 for i in z.infolist()} == {0o644}
    assert "python-pptx" not in core and "Steve Canny" not in core + app


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_deck_keywords_and_comments_come_from_meta(built, locale):
    meta = edition(CONTENT, locale).campaign.meta
    assert meta.keywords, "the shipped campaign has keywords to carry"
    props = Presentation(str(built / locale / "deck.pptx")).core_properties
    assert props.keywords == meta.keywords
    assert props.comments == meta.license


def test_arabic_alt_text_is_arabic(built):
    ed = edition(CONTENT, "ar")
    prs = Presentation(str(built / "ar" / "deck.pptx"))
    descrs = [el.get("descr") for slide in prs.slides for el in slide._element.iter(qn("p:cNvPr"))
              if el.get("descr")]
    english = [d for d in descrs if "arrow" in d.lower() or "step" in d.lower()]
    assert not english, english
    # The diagram's alt text is there, in the Arabic labels: one per step and per arrow.
    section = ed.section(entry("cycle", ed).content)
    boxes, lines, joins = steps_diagram(slide_by_id(prs, "cycle", ed))
    assert [b._element.nvSpPr.cNvPr.get("descr") for b in boxes] == [
        ed.label("step", n=str(i), title=s.title) for i, s in enumerate(section.items, 1)]
    assert [line._element.nvCxnSpPr.cNvPr.get("descr") for line in lines] == [
        ed.label("arrow", from_=str(a + 1), to=str(b + 1)) for a, b in joins]
    assert len(lines) == len(section.items)


def test_text_is_never_smaller_than_18pt(deck):
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                for p in shape.text_frame.paragraphs:
                    for run in p.runs:
                        if run.font.size is not None:
                            assert run.font.size.pt >= 18, (slide.shapes.title.text, run.text)


def assert_theme_size(slide):
    """No run in the slide's body is set smaller than the theme's size for its level."""
    placeholder = body(slide)
    for p in placeholder.text_frame.paragraphs:
        for run in p.runs:
            if run.font.size is not None:
                assert run.font.size.pt >= theme_size_pt(placeholder, p.level), (
                    slide.shapes.title.text, run.text)


def test_a_long_list_continues_on_a_slide_titled_continued(content_copy, tmp_path):
    old = "      text: Staying out late, or talk of running away\n"
    extra = "".join(f"    - id: extra-{i}\n      text: Another sign worth a calm talk at home, "
                    f"number {i}\n" for i in range(1, 8))
    edit(content_copy / "campaign.yaml", old, old + extra)
    report, prs = build_deck(content_copy, tmp_path)
    assert not [w for w in report.warnings if SHRUNK in w or "overflows" in w], report.warnings
    ed = edition(content_copy)
    spec = entry("warning-signs", ed)
    section = ed.section(spec.content)
    assert section.kind == "list" and len(section.items) == 12
    slides = slides_of(prs, "warning-signs", ed)
    assert len(slides) >= 2, "twelve items do not fit on one slide at the theme's size"
    assert [s.shapes.title.text for s in slides[1:]] == \
        [ed.label("continued", title=spec.title)] * (len(slides) - 1)
    shown = [[p.text for p in body(s).text_frame.paragraphs] for s in slides]
    assert [t for part in shown for t in part] == [item.text for item in section.items]
    counts = [len(part) for part in shown]
    assert counts == sorted(counts, reverse=True) and counts[0] - counts[-1] <= 1, counts
    assert theme_size_pt(body(slides[0])) == 28
    for slide in slides:
        assert_theme_size(slide)


def test_the_shipped_english_deck_continues_rather_than_shrinks(deck, tmp_path):
    report, _ = build_deck(CONTENT, tmp_path)
    assert not [w for w in report.warnings if SHRUNK in w or "overflows" in w], report.warnings
    ed = edition()
    for spec in ed.deck.slides:
        slides = slides_of(deck, spec.id)
        if resolve(ed, spec.content)[0] == "list":
            for slide in slides:
                assert_theme_size(slide)


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
    # The kind is now the section's ("myths"); every slide on that layout is named.
    comparison = [(i, s.id) for i, s in enumerate(edition().deck.slides) if s.layout == "Comparison"]
    assert comparison
    for i, ident in comparison:
        assert (f"slides[{i}].layout ({ident}): content 'myths' needs 4 text placeholder(s) "
                "besides the title, layout 'Comparison' has 3") in str(caught.value)
    assert not (tmp_path / "out" / "en").exists()


def test_text_shrunk_to_fit_is_reported_once_per_deck(content_copy, tmp_path):
    # The shipped English deck no longer shrinks (long sections continue instead), so give
    # two single items, which cannot continue, more words than fit at the theme's size.
    campaign = content_copy / "campaign.yaml"
    more = (" It often begins with a friendly message on a game or an app, grows into daily "
            "chats, and only much later turns into pressure, threats and demands.")
    edit(campaign, "believes cares for them.", "believes cares for them." + more)
    edit(campaign, "not for a type of family.", "not for a type of family." + more)
    report, prs = build_deck(content_copy, tmp_path)
    shrunk = [w for w in report.warnings if SHRUNK in w]
    assert len(shrunk) == 1, report.warnings
    assert shrunk[0].startswith(f"en deck: {SHRUNK} on 2 slide(s)")
    assert "myth-kidnapping (-" in shrunk[0] and "myth-family (-" in shrunk[0]
    assert not [w for w in report.warnings if "overflows" in w], report.warnings
    ed = edition(content_copy)
    fact = next(ph for ph in slide_by_id(prs, "myth-kidnapping", ed).placeholders
                if ph.placeholder_format.idx == 4)
    assert more.strip() in fact.text_frame.text
    sizes = {r.font.size.pt for p in fact.text_frame.paragraphs for r in p.runs}
    assert sizes and max(sizes) < theme_size_pt(fact) and min(sizes) >= 18
