"""The flyer: real PDFs opened and read back."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from pypdf import PdfReader

from outreach import BuildOptions, RenderError, build

from .conftest import edit, need_tool

SIZES_PT = {"letter": (612, 792), "a4": (595.28, 841.89)}


def text_of(pdf: Path) -> str:
    """Return the PDF's extracted text with whitespace folded."""
    return " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_flyer_is_one_page_of_the_right_size(built, paper):
    reader = PdfReader(built / "en" / f"flyer-{paper}.pdf")
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(SIZES_PT[paper], abs=0.5)


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_flyer_text_is_selectable_and_complete(built, paper):
    text = text_of(built / "en" / f"flyer-{paper}.pdf")
    for expected in (
        "Trafficking often starts with a friend online",
        "4.8 million", "1 in 5", "23.1 months", "Source: ILO & Walk Free, 2016",
        "Warning signs", "What you can do", "Where to get help",
        "1-888-373-7888", "233733", "1-800-843-5678", "911",
        "Facts last reviewed: November 29, 2026",
        "Global Estimates of Modern Slavery",
    ):
        assert expected in text, expected


def test_every_font_is_embedded_noto_sans(built):
    with pikepdf.open(built / "en" / "flyer-letter.pdf") as pdf:
        fonts = {}
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
                embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                fonts[str(font.BaseFont)] = embedded
    assert fonts and all(fonts.values()), fonts
    assert all("NotoSans" in name.replace("-", "") for name in fonts), fonts


def test_metadata_title_language_and_tags(built):
    with pikepdf.open(built / "en" / "flyer-a4.pdf") as pdf:
        assert str(pdf.docinfo["/Title"]) == "What child sex trafficking really looks like"
        assert str(pdf.Root.Lang) == "en"
        assert "/StructTreeRoot" in pdf.Root


def test_qr_code_is_vector_and_decodes_to_the_hotline(built, tmp_path):
    zbarimg = need_tool("zbarimg")
    pdf_path = built / "en" / "flyer-letter.pdf"
    with pikepdf.open(pdf_path) as pdf:
        images = [k for k, v in pdf.pages[0].Resources.get("/XObject", {}).items()
                  if v.get("/Subtype") == "/Image"]
    assert images == [], "the QR code must be vector, not a raster image"
    page = pypdfium2.PdfDocument(pdf_path)[0]
    png = tmp_path / "page.png"
    page.render(scale=150 / 72).to_pil().save(png)
    result = subprocess.run([zbarimg, "--quiet", "--raw", str(png)], capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "https://humantraffickinghotline.org"


def test_overflow_fails_naming_the_section(content_copy, tmp_path):
    long = "Gifts, money or a phone you cannot explain, " * 30
    edit(content_copy / "campaign.yaml", "text: Gifts, money or a phone you cannot explain",
         f"text: {long.strip()}")
    with pytest.raises(RenderError) as caught:
        build(BuildOptions(content_dir=content_copy, out_dir=tmp_path, products=("flyer",),
                           papers=("letter",), locales=("en",), no_chapters=True))
    message = str(caught.value)
    assert "en/flyer-letter.pdf: the flyer does not fit on one letter page" in message
    assert "help" in message.split("ran over:")[1]
    assert not (tmp_path / "en").exists()


def test_content_cannot_inject_markup(content_copy, tmp_path):
    edit(content_copy / "campaign.yaml", "headline: Trafficking often starts with a friend online",
         'headline: "<b>Bold</b> <img src=x> <style>body{display:none}</style>"')
    build(BuildOptions(content_dir=content_copy, out_dir=tmp_path, products=("flyer",),
                       papers=("a4",), locales=("en",)))
    text = text_of(tmp_path / "en" / "flyer-a4.pdf").replace(" ", "")
    assert "<b>Bold</b><imgsrc=x><style>body{display:none}</style>" in text
