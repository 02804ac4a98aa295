"""Slide thumbnails: real decks read back with outreach.render.slideview and drawn by WeasyPrint."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from PIL import Image
from pptx import Presentation
from pptx.util import Inches
from pypdf import PdfReader

from outreach import BuildOptions, build, fonts, load_content
from outreach.render.slideview import (
    Box,
    Paragraph,
    Run,
    SlideView,
    deck_pdf,
    read_deck,
    slide_html,
)

from .conftest import CONTENT

ACCENT_BAR = "E8A33D"  # the theme's accent2, the bar under every title


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> dict[str, bytes]:
    """The English and Arabic decks as .pptx bytes."""
    out = tmp_path_factory.mktemp("slideview")
    build(BuildOptions(out_dir=out, products=("deck",), locales=("en", "ar")))
    return {locale: (out / locale / "deck.pptx").read_bytes() for locale in ("en", "ar")}


def _texts(view: SlideView) -> str:
    return "".join(run.text for box in view.boxes for p in box.paragraphs for run in p.runs)


def _families(lang: str) -> str:
    return fonts.css_families(fonts.faces_for(lang))


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_one_view_per_slide_with_its_title_and_every_text(decks, locale):
    prs = Presentation(io.BytesIO(decks[locale]))
    views = read_deck(decks[locale])
    assert len(views) == len(prs.slides)
    for slide, view in zip(prs.slides, views):
        assert view.title == slide.shapes.title.text_frame.text
        assert (view.width, view.height) == (prs.slide_width, prs.slide_height)
        drawn = _texts(view)
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    if run.text.strip():
                        assert run.text in drawn, f"{view.title}: {run.text!r} is missing"
        assert view.notes == slide.notes_slide.notes_text_frame.text


def test_cycle_slide_has_six_steps_joined_by_arrows(decks):
    outline = load_content(CONTENT).deck.slides
    title = next(s.title for s in outline if s.id == "cycle")
    view = next(v for v in read_deck(decks["en"]) if v.title == title)
    steps = [b for b in view.boxes if b.kind == "roundrect"]
    lines = [b for b in view.boxes if b.kind == "line"]
    assert len(steps) == 6 and all(b.paragraphs and b.anchor == "middle" for b in steps)
    assert len(lines) == 6 and all(b.arrow and b.line and b.line_pt == 2.25 for b in lines)
    # every arrow ends on the edge of a step box
    for line in lines:
        x, y = line.ends[2:]
        assert any(b.x - 2 <= x <= b.x + b.w + 2 and b.y - 2 <= y <= b.y + b.h + 2 for b in steps)


def test_placeholders_inherit_position_size_and_colour(decks):
    views = read_deck(decks["en"])
    cover, agenda = views[0], views[1]
    title = next(b for b in agenda.boxes
                 if b.paragraphs and b.paragraphs[0].runs[0].text == agenda.title)
    assert (title.x, title.y, title.w, title.h) == (685800, 411480, 10820095, 1005840)  # layout's
    assert title.anchor == "bottom"  # from the master
    run = title.paragraphs[0].runs[0]
    assert (run.size_pt, run.bold, run.colour) == (36, True, "0B4F6C")  # titleStyle, tx2 = dk2
    body = next(b for b in agenda.boxes if b is not title and b.paragraphs)
    assert all(p.bullet and p.runs[0].size_pt == 28 for p in body.paragraphs)  # bodyStyle
    assert cover.background == "0B4F6C"  # the Title Slide layout's tx2 background
    big = next(b.paragraphs[0].runs[0] for b in cover.boxes
               if b.paragraphs and b.paragraphs[0].runs[0].text == cover.title)
    assert (big.size_pt, big.colour) == (40, "FFFFFF")  # the layout's lstStyle, bg1
    assert not any(p.bullet for b in cover.boxes for p in b.paragraphs)


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_every_slide_has_the_accent_bar_once(decks, locale):
    for view in read_deck(decks[locale]):
        bars = [b for b in view.boxes if b.kind == "rect" and b.fill == ACCENT_BAR]
        assert len(bars) == 1, view.title


def test_arabic_slides_read_right_to_left(decks):
    en, ar = read_deck(decks["en"]), read_deck(decks["ar"])
    for view, english in zip(ar, en):
        paragraphs = [p for b in view.boxes for p in b.paragraphs]
        assert paragraphs and all(p.rtl for p in paragraphs), view.title
        assert 'dir="rtl"' in slide_html(view, 240)
        # the mirrored accent bar sits at the right, where the English one is at the left
        bar = next(b for b in view.boxes if b.fill == ACCENT_BAR)
        english_bar = next(b for b in english.boxes if b.fill == ACCENT_BAR)
        assert bar.x + bar.w // 2 > view.width // 2 > english_bar.x + english_bar.w // 2
    assert not any(p.rtl for v in en for b in v.boxes for p in b.paragraphs)


def test_html_escapes_text_and_loads_nothing(decks):
    hostile = '<script>alert("x")</script><img src="https://example.com/t.png">'
    view = SlideView(12192000, 6858000, "FFFFFF", (
        Box("text", 0, 0, 6096000, 3429000, None, None, 0.0,
            (Paragraph((Run(hostile, 24, False, False, "000000"),), "left", False, False, 0, 0),),
            "top", (91440, 45720, 91440, 45720), None, None, False),
        Box("picture", 0, 0, 100, 100, None, None, 0.0, (), "top", (0, 0, 0, 0),
            "https://example.com/logo.png", None, False),
    ), "Hostile", "")
    html = str(slide_html(view, 240))
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "example.com/logo" not in html and "<img" not in html
    sneaky = replace(view.boxes[0], paragraphs=(Paragraph((Run(
        "tap", 24, False, False, "000000", link="javascript:alert(1)"),), "left", False,
        False, 0, 0),))
    assert "javascript" not in str(slide_html(replace(view, boxes=(sneaky,)), 240))
    for view in read_deck(decks["en"]) + read_deck(decks["ar"]):
        html = str(slide_html(view, 240))
        assert html.startswith('<div class="slide"') and "240.00pt" in html
        # a hyperlink's target is where a reader may go, never something drawing loads
        hrefs = re.findall(r'<a href="([^"]*)"', html)
        assert all(h.startswith(("https://", "tel:", "sms:", "mailto:")) for h in hrefs)
        rest = re.sub(r'<a href="[^"]*"', "<a", html)
        assert not re.search(r"https?:|url\(|file:|<script", rest, re.IGNORECASE)


def test_pictures_are_embedded_as_data_uris():
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    for fmt in ("PNG", "GIF"):
        image = io.BytesIO()
        Image.new("RGB", (8, 8), "red").save(image, fmt)
        image.seek(0)
        slide.shapes.add_picture(image, Inches(1), Inches(1), Inches(2))
    buffer = io.BytesIO()
    prs.save(buffer)
    [view] = read_deck(buffer.getvalue())
    pictures = [b for b in view.boxes if b.kind == "picture"]
    assert len(pictures) == 1  # the GIF is left out
    assert pictures[0].image.startswith("data:image/png;base64,")
    assert (pictures[0].x, pictures[0].w) == (Inches(1), Inches(2))
    assert '<img alt="image.png" src="data:image/png;base64,' in slide_html(view, 240)


def test_deck_pdf_has_a_page_per_slide_with_its_title(decks):
    pdf = deck_pdf(decks["en"], _families("en"))
    reader = PdfReader(io.BytesIO(pdf))
    views = read_deck(decks["en"])
    assert len(reader.pages) == len(views)
    for page, view in zip(reader.pages, views):
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx((960, 540), abs=0.1)
        text = re.sub(r"\s+", "", page.extract_text())
        assert re.sub(r"\s+", "", view.title) in text


def test_a_bullet_shares_the_first_line_of_its_item(decks):
    """WeasyPrint broke the line after a bullet when its item was too long to end on the
    first line ("Ways to start the conversation", item 3): the bullet stood alone."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(deck_pdf(decks["en"], _families("en")))) as pdf:
        bullets = 0
        for page in pdf.pages:
            chars = page.chars
            for i, char in enumerate(chars[:-1]):
                if char["text"] == "\u2022":
                    bullets += 1
                    after = next(c for c in chars[i + 1:] if c["text"].strip())
                    assert abs(after["top"] - char["top"]) < char["size"] / 2, \
                        f"page {page.page_number}: a bullet alone on its line above {after['text']!r}"
    assert bullets >= 20  # the lists of the agenda, the signs, the steps for parents, ...


def test_deck_pdf_refuses_css_in_the_font_list(decks):
    with pytest.raises(ValueError):
        deck_pdf(decks["en"], '"Noto Sans"; } body { background: url(https://example.com/)')


def test_deck_pdf_draws_arabic(decks):
    reader = PdfReader(io.BytesIO(deck_pdf(decks["ar"], _families("ar"))))
    assert len(reader.pages) == len(read_deck(decks["ar"]))
