"""Brochure, tip cards, poster and presenter handouts: real PDFs opened and measured."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import pdfplumber
import pikepdf
import pypdfium2
import pytest
from pptx import Presentation
from pypdf import PdfReader

from outreach import BuildOptions, build
from outreach.render.qr import qr_svg_uri

from .conftest import need_tool

MM = 72 / 25.4
SHEETS_PT = {"letter": (612, 792), "a4": (595.28, 841.89), "tabloid": (792, 1224),
             "a3": (841.89, 1190.55)}
LANDSCAPE = {"letter": (792, 612), "a4": (841.89, 595.28)}


def words(pdf: Path, page: int = 0) -> list[dict]:
    with pdfplumber.open(pdf) as doc:
        return doc.pages[page].extract_words(extra_attrs=["size"])


def text_of(pdf: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())


def first(found: list[dict], text: str) -> dict:
    return next(w for w in found if w["text"] == text)


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_brochure_is_two_landscape_pages_with_cover_on_the_outside_right(built, paper):
    pdf = built / "en" / f"brochure-{paper}.pdf"
    reader = PdfReader(pdf)
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            LANDSCAPE[paper], abs=0.5)
    width = LANDSCAPE[paper][0]
    outside = words(pdf, 0)
    cover, back, flap = first(outside, "Trafficking"), first(outside, "Where"), first(outside, "Myths")
    # Folded, the right-hand panel is the front: cover right, back middle, flap left.
    assert cover["x0"] > 2 * width / 3 - 10 and width / 3 < back["x0"] < 2 * width / 3
    assert flap["x0"] < width / 3
    inside = words(pdf, 1)
    order = [first(inside, w)["x0"] for w in ("numbers", "How", "Warning")]
    assert order == sorted(order), "inside panels read left to right once opened"


def test_arabic_brochure_opens_the_other_way(built):
    width = LANDSCAPE["a4"][0]
    for locale, cover_left in (("en", False), ("ar", True)):
        # The organization's name (it keeps the Latin word "Outreach") closes the cover.
        found = [w["x0"] for w in words(built / locale / "brochure-a4.pdf")
                 if w["text"] == "Outreach"]
        assert any(x < width / 3 for x in found) is cover_left, (locale, found)


def test_brochure_fold_guides_only_in_print_shop_mode(tmp_path):
    build(BuildOptions(out_dir=tmp_path, products=("brochure",), locales=("en",),
                       papers=("letter",), modes=("standard", "print-shop"), no_chapters=True))
    plain, press = (tmp_path / "en" / f"brochure-letter{s}.pdf" for s in ("", "-print-shop"))
    with pikepdf.open(press) as pdf:
        trim = [float(v) for v in pdf.pages[0].TrimBox]
        bleed = [float(v) for v in pdf.pages[0].BleedBox]
    assert trim == pytest.approx([0, 0, 792, 612])
    assert bleed == pytest.approx([-9, -9, 801, 621])  # 0.125 in of bleed on Letter

    def guides(path: Path) -> list[float]:
        with pdfplumber.open(path) as doc:
            page = doc.pages[0]
            # Fold ticks stand in the bleed above the trim: short vertical dashes.
            return sorted({round(c["x0"] - float(page.bbox[0]), 1)
                           for c in page.curves + page.lines + page.rects
                           if c["top"] - float(page.bbox[1]) < 9 and c["width"] < 1
                           and c["x0"] > 20})
    assert guides(plain) == []
    panel = (279.4 - (279.4 / 3 - 2)) / 2  # the fold-in flap is 2 mm narrower
    flap = 279.4 / 3 - 2
    found = guides(press)
    for fold in (flap, flap + panel):
        assert any(abs(x - 9 - fold * MM) < 1.5 for x in found), (fold * MM, found)


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_tip_cards_four_up_with_crop_marks_and_duplex_alignment(built, paper):
    pdf = built / "en" / f"cards-{paper}.pdf"
    width, _height = SHEETS_PT[paper]
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) == 2
        fronts = [w for w in doc.pages[0].extract_words() if w["text"] == "What"]
        backs = [w for w in doc.pages[1].extract_words() if w["text"] == "Where"]
        marks = [doc.pages[i].rects for i in (0, 1)]
    assert len(fronts) == 4 and len(backs) == 4
    # Hairline crop marks outside the cards: 8 vertical and 8 horizontal ticks per sheet.
    for rects in marks:
        ticks = [r for r in rects if min(r["width"], r["height"]) < 0.5
                 and max(r["width"], r["height"]) == pytest.approx(5 * MM, abs=0.5)]
        assert len(ticks) == 16, len(ticks)
    # Flipped on the long edge, the back of a card is its front mirrored across the centre.
    # Fronts are outlined by their top bar; backs by their heading band, 5.5 mm inside.
    card_w, card_h = ({"letter": 88.9, "a4": 90.0}[paper] * MM,
                      {"letter": 127.0, "a4": 130.0}[paper] * MM)
    with pdfplumber.open(pdf) as doc:
        front = sorted((round(r["x0"], 1), round(r["top"])) for r in doc.pages[0].rects
                       if r["width"] == pytest.approx(card_w, abs=0.5)
                       and r["height"] == pytest.approx(card_h, abs=0.5))
        band = sorted((round(r["x0"] - 5.5 * MM, 1), round(r["top"])) for r in doc.pages[1].rects
                      if r["width"] == pytest.approx(card_w - 11 * MM, abs=0.5))
    assert len({x for x, _ in front}) == 2 and len({y for _, y in front}) == 2
    mirrored = sorted(round(width - x - card_w, 1) for x, _ in front)
    assert sorted(x for x, _ in band) == pytest.approx(mirrored, abs=0.3)
    assert len(band) == 4


@pytest.mark.parametrize(("paper", "sheet"), [("letter", "tabloid"), ("a4", "a3")])
def test_poster_is_one_big_sheet_with_a_huge_hotline(built, paper, sheet):
    pdf = built / "en" / f"poster-{sheet}.pdf"
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(SHEETS_PT[sheet], abs=0.5)
    found = words(pdf)
    assert first(found, "1-888-373-7888")["size"] >= 60
    assert max(w["size"] for w in found if w["text"] == "Trafficking") >= 60
    small = [w for w in found if w["size"] < 10]
    assert not small, small[:3]  # nothing on a poster is smaller than 10 pt


def test_presenter_handouts_follow_the_deck(built):
    deck = Presentation(built / "en" / "deck.pptx")
    titles = [s.shapes.title.text_frame.text for s in deck.slides]
    notes = PdfReader(built / "en" / "handout-notes-letter.pdf")
    assert len(notes.pages) == len(titles)
    for page, slide, title in zip(notes.pages, deck.slides, titles):
        text = " ".join(page.extract_text().split())
        assert " ".join(title.split()) in text
        script = " ".join(slide.notes_slide.notes_text_frame.text.split())
        assert script[:60] in text
    audience = PdfReader(built / "en" / "handout-audience-a4.pdf")
    assert len(audience.pages) == math.ceil(len(titles) / 3)
    per_page = [" ".join(p.extract_text().split()) for p in audience.pages]
    for i, title in enumerate(titles):
        assert " ".join(title.split()) in per_page[i // 3], title


def test_handout_thumbnails_change_with_the_deck(content_copy, tmp_path):
    deck = content_copy / "deck.yaml"
    deck.write_text(deck.read_text().replace("title: What we will cover",
                                             "title: Tonight's plan"), encoding="utf-8")
    build(BuildOptions(content_dir=content_copy, out_dir=tmp_path, locales=("en",),
                       products=("deck", "handout-notes"), papers=("a4",), no_chapters=True))
    assert "Tonight's plan" in text_of(tmp_path / "en" / "handout-notes-a4.pdf")


def _decode(pdf: Path, tmp_path: Path, page: int = 0) -> str:
    zbarimg = need_tool("zbarimg")
    png = tmp_path / f"{pdf.stem}-{page}.png"
    pypdfium2.PdfDocument(pdf)[page].render(scale=150 / 72).to_pil().save(png)
    result = subprocess.run([zbarimg, "--quiet", "--raw", str(png)], capture_output=True,
                            text=True, check=False)
    return result.stdout


@pytest.mark.parametrize("name", ["poster-tabloid", "brochure-letter", "cards-letter",
                                  "flyer-large-letter"])
def test_qr_codes_are_vector_and_decode(built, tmp_path, name):
    for locale in ("en", "ar"):
        pdf = built / locale / f"{name}.pdf"
        with pikepdf.open(pdf) as doc:
            pages = len(doc.pages)
            images = [k for page in doc.pages
                      for k, v in page.Resources.get("/XObject", {}).items()
                      if v.get("/Subtype") == "/Image"]
        assert images == [], "QR codes are drawn as vectors"
        decoded = set()
        for page in range(pages):
            decoded |= set(_decode(pdf, tmp_path, page).split())
        assert decoded == {"https://humantraffickinghotline.org"}, (locale, decoded)


def test_qr_code_keeps_the_four_module_quiet_zone():
    import base64
    import re
    from urllib.parse import unquote

    import segno

    uri = qr_svg_uri("https://humantraffickinghotline.org")
    svg = unquote(uri.split(",", 1)[1]) if ";base64" not in uri else base64.b64decode(
        uri.split(",", 1)[1]).decode()
    side = segno.make("https://humantraffickinghotline.org", error="m", micro=False).symbol_size(
        border=0)[0]
    view = re.search(r"viewBox=[\"']0 0 (\d+) (\d+)[\"']", svg)
    assert view and int(view.group(1)) == side + 8  # 4 light modules on each side


def test_print_shop_mode_has_bleed_marks_and_embedded_fonts(tmp_path):
    build(BuildOptions(out_dir=tmp_path, products=("flyer", "poster", "cards"), locales=("ar",),
                       papers=("a4",), modes=("print-shop",), no_chapters=True))
    outputs = sorted((tmp_path / "ar").glob("*-print-shop.pdf"))
    assert [p.name for p in outputs] == ["cards-a4-print-shop.pdf", "flyer-a4-print-shop.pdf",
                                         "poster-a3-print-shop.pdf"]
    for path in outputs:
        with pikepdf.open(path) as pdf:
            for page in pdf.pages:
                trim, bleed = ([float(v) for v in page[k]] for k in ("/TrimBox", "/BleedBox"))
                assert [t - b for t, b in zip(trim, bleed)] == pytest.approx(
                    [3 * MM, 3 * MM, -3 * MM, -3 * MM], abs=0.05)
                for font in page.Resources.Font.values():
                    descriptor = (font.get("/FontDescriptor")
                                  or font.DescendantFonts[0].FontDescriptor)
                    assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        with pdfplumber.open(path) as doc:  # crop marks in the bleed's outer half
            page = doc.pages[0]
            x0, top = float(page.bbox[0]), float(page.bbox[1])
            corner = [c for c in page.curves + page.lines
                      if c["x1"] - x0 <= 3 * MM + 0.5 and c["bottom"] - top <= 3 * MM + 0.5]
            assert corner, f"no crop mark at the top-left corner of {path.name}"


def test_print_shop_warns_about_a_low_resolution_logo(content_copy, tmp_path):
    from PIL import Image

    (content_copy / "images").mkdir(exist_ok=True)
    Image.new("RGB", (60, 30), "#0B4F6C").save(content_copy / "images" / "tiny.png")
    campaign = content_copy / "campaign.yaml"
    campaign.write_text(campaign.read_text().replace(
        "    name: Outreach Parent Safety Project\n",
        "    name: Outreach Parent Safety Project\n    logo: images/tiny.png\n"), encoding="utf-8")
    report = build(BuildOptions(content_dir=content_copy, out_dir=tmp_path, products=("flyer",),
                                locales=("en",), papers=("letter",),
                                modes=("standard", "print-shop"), no_chapters=True))
    low = [w for w in report.warnings if "tiny.png" in w]
    assert len(low) == 1 and "flyer-letter-print-shop.pdf" in low[0] and "dpi" in low[0], low


def _is_gray(pdf: Path, page: int = 0) -> bool:
    image = pypdfium2.PdfDocument(pdf)[page].render(scale=50 / 72).to_pil().convert("RGB")
    pixels = getattr(image, "get_flattened_data", image.getdata)()
    return all(max(abs(r - g), abs(g - b), abs(r - b)) <= 12 for r, g, b in pixels)


def test_photocopier_mode_is_gray_and_never_white_on_dark(tmp_path):
    build(BuildOptions(out_dir=tmp_path, products=("flyer", "brochure", "cards", "poster"),
                       locales=("en", "ar"), papers=("letter",), modes=("photocopier",),
                       no_chapters=True))
    outputs = sorted(tmp_path.glob("*/*-photocopier.pdf"))
    assert len(outputs) == 8
    for path in outputs:
        with pdfplumber.open(path) as doc:
            for number, page in enumerate(doc.pages):
                assert _is_gray(path, number), f"{path} page {number + 1} has colour"
                light = {c["text"] for c in page.chars
                         if c["non_stroking_color"] and min(c["non_stroking_color"]) > 0.5
                         and c["text"].strip()}
                assert not light, f"{path.name}: light text {sorted(light)[:10]}"


def test_modes_apply_to_print_products_only():
    from outreach import load_content
    from outreach.pipeline import plan

    from .conftest import CONTENT

    jobs = plan(load_content(CONTENT), BuildOptions(modes=("photocopier",), locales=("en",)))
    # Handouts and the deck carry the deck theme's colours, so they come in standard only.
    assert {j.product.name for j in jobs} == {"flyer", "flyer-large", "brochure", "cards",
                                              "poster"}
    assert all(j.relpath.stem.endswith("-photocopier") for j in jobs)


def test_standard_mode_is_in_colour(built):
    assert not _is_gray(built / "en" / "flyer-letter.pdf")


def test_every_shipped_translation_fills_the_new_products(built):
    for locale in ("es", "fr", "ar", "zh-Hans"):
        for name in ("brochure-a4", "cards-a4", "poster-a3", "handout-audience-a4"):
            assert (built / locale / f"{name}.pdf").is_file(), (locale, name)
    text = text_of(built / "ar" / "brochure-a4.pdf")
    assert "خرافات وحقائق" in text

