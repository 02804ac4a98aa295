"""Products for screens: e-flyer pictures, share cards with alt text, the slides PDF."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader

from outreach import BuildOptions, build
from outreach.content import load_content
from outreach.localize import localize
from outreach.render import PRODUCTS, Job
from outreach.render import share

from .conftest import CONTENT, ROOT
from .test_campaigns import _english_label_words

SHARES = ("share-square", "share-link", "share-story")
PICTURES = ("flyer-png", "flyer-jpg", "poster-png", "poster-jpg")
SCREENS = (*SHARES, *PICTURES, "slides", "deck")
TEAL, AMBER = (0x0B, 0x4F, 0x6C), (0xE8, 0xA3, 0x3D)
MB = 1_000_000


def screens_options(out: Path, locales=("en", "ar"), products=SCREENS) -> BuildOptions:
    return BuildOptions(out_dir=out, locales=locales, products=products, papers=("letter",),
                        no_chapters=True)


@pytest.fixture(scope="module")
def screens(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("screens")
    report = build(screens_options(out))
    assert not report.failures and not report.warnings, report.warnings
    return out


def _share_of(image: Image.Image, colour: tuple[int, int, int]) -> float:
    """The fraction of an image's pixels within a few levels of ``colour``."""
    data = image.convert("RGB").tobytes()
    pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
    near = sum(1 for p in pixels if all(abs(a - b) <= 6 for a, b in zip(p, colour)))
    return near / (image.width * image.height)


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_e_flyer_pictures_are_150_dpi_of_the_page_and_well_under_1_mb(screens, locale):
    sizes = {"flyer-letter": (1275, 1650), "poster-tabloid": (1650, 2550)}
    for stem, size in sizes.items():
        for ext, fmt in (("png", "PNG"), ("jpg", "JPEG")):
            path = screens / locale / f"{stem}.{ext}"
            assert path.stat().st_size < MB, path
            with Image.open(path) as image:
                assert (image.format, image.size) == (fmt, size), path
                assert "exif" not in image.info and not getattr(image, "text", {}), path
                if fmt == "JPEG":
                    assert image.info.get("progressive"), path
                # The headline band is the flyer's teal, the help box is there: not blank.
                assert 0.08 < _share_of(image, TEAL) < 0.6, path


def _card_text(locale: str, name: str) -> str:
    edition = localize(load_content(CONTENT), locale)
    data = share.card_pdf(edition, Job(locale, PRODUCTS[name], None), ROOT / "templates",
                          CONTENT)
    return " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_share_cards_are_exact_sizes_with_a_headline_band_and_a_help_band(screens, locale):
    for name, size in (("share-square", (1080, 1080)), ("share-link", (1200, 630)),
                       ("share-story", (1080, 1920))):
        path = screens / locale / f"{name}.png"
        assert path.stat().st_size < MB
        with Image.open(path) as image:
            assert (image.format, image.size) == ("PNG", size), path
            top = image.crop((0, 0, image.width, image.height // 12))
            assert _share_of(top, TEAL) > 0.8, f"{path}: the headline band starts the card"
            assert _share_of(image, AMBER) > 0.12, f"{path}: the help band stands out"


def test_share_cards_print_the_headline_one_number_with_its_source_and_the_help_line():
    text = _card_text("en", "share-square")
    for part in ("Trafficking often starts with a friend online", "4.8 million",
                 "Source: ILO & Walk Free, 2016", "1-888-373-7888", "233733",
                 "National Human Trafficking Hotline"):
        assert part in text, (part, text)
    assert "1 in 5" not in text, "one number, not three"
    arabic = _card_text("ar", "share-link")
    assert "مليون" in arabic and "1-888-373-7888" in arabic


def test_the_alt_text_beside_each_card_says_what_the_card_says(screens):
    for name in SHARES:
        text = (screens / "en" / f"{name}.txt").read_text(encoding="utf-8")
        assert text == ("Trafficking often starts with a friend online. 4.8 million people "
                        "in forced sexual exploitation worldwide on any given day (ILO & Walk "
                        "Free, 2016). Get help: National Human Trafficking Hotline, Call "
                        "1-888-373-7888 · Text 233733 · Online humantraffickinghotline.org.\n")
    arabic = (screens / "ar" / "share-square.txt").read_text(encoding="utf-8")
    edition = localize(load_content(CONTENT), "ar")
    stat = share.key_number(edition)
    for part in (edition.campaign.meta.headline, edition.number(stat), stat.label,
                 edition.source(stat.source).short, "للمساعدة", "اتصلوا 1-888-373-7888"):
        assert part in arabic, (part, arabic)
    assert "Get help" not in arabic and "Call" not in arabic


def test_pseudo_locale_share_cards_hold_no_words_from_the_code(tmp_path):
    build(screens_options(tmp_path, ("en-XA",), SHARES))
    english = _english_label_words()
    assert {"Source", "Call", "help"} <= english
    for text in [(tmp_path / "en-XA" / "share-square.txt").read_text(encoding="utf-8"),
                 _card_text("en-XA", "share-square")]:
        found = [w for w in re.findall(r"[A-Za-z]{4,}", text) if w in english]
        assert found == [], text


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_slides_pdf_is_the_deck_one_16_9_slide_a_page_tagged(screens, locale):
    deck = Presentation(screens / locale / "deck.pptx")
    titles = [slide.shapes.title.text for slide in deck.slides]
    reader = PdfReader(screens / locale / "slides.pdf")
    assert len(reader.pages) == len(titles)
    for page, title in zip(reader.pages, titles, strict=True):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (960, 540)
        if locale == "en":  # pypdf reorders right-to-left text; the tags are checked below
            assert "".join(title.split()) in "".join(page.extract_text().split()), title
    with pikepdf.open(screens / locale / "slides.pdf") as pdf:
        assert str(pdf.Root.Lang) == locale and "/StructTreeRoot" in pdf.Root
        headings = []

        def walk(node):
            if isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/H1":
                    headings.append(node)
                kids = node.get("/K")
                for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
                    walk(kid)

        walk(pdf.Root.StructTreeRoot)
        assert len(headings) == len(titles), "each slide's title is a heading"
        assert str(pdf.docinfo.Title) == localize(load_content(CONTENT), locale).campaign.meta.title


def test_rebuilds_are_byte_identical_incremental_and_restore_a_deleted_alt_text(
        tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    products = ("share-square", "flyer-png", "flyer-jpg", "slides")
    first, second = tmp_path / "first", tmp_path / "second"
    build(screens_options(first, ("en",), products))
    assert build(screens_options(first, ("en",), products)).outputs == []
    (first / "en" / "share-square.txt").unlink()
    again = build(screens_options(first, ("en",), products))
    assert [b.path.name for b in again.outputs] == ["share-square.png"]
    assert (first / "en" / "share-square.txt").is_file()
    build(screens_options(second, ("en",), products))
    names = sorted(p.name for p in (first / "en").iterdir())
    assert names == ["flyer-letter.jpg", "flyer-letter.png", "share-square.png",
                     "share-square.txt", "slides.pdf"]
    for name in names:
        assert (first / "en" / name).read_bytes() == (second / "en" / name).read_bytes(), name


def test_the_gallery_shows_pictures_and_the_cards_alt_text(screens):
    index = (screens / "index.html").read_text(encoding="utf-8")
    assert 'href="en/share-square.png"' in index and 'href="en/slides.pdf"' in index
    assert 'href="en/share-square.txt"' in index
    assert 'alt="Trafficking often starts with a friend online. 4.8 million' in index
    with Image.open(screens / ".thumbs" / "en" / "share-story.png.pages" / "1.png") as thumb:
        assert thumb.size == (220, 391)
