"""A real client: LibreOffice opens the deck the way a presenter's app would."""

from __future__ import annotations

import subprocess

from pptx import Presentation
from pypdf import PdfReader

from .conftest import need_tool


def test_libreoffice_opens_the_deck_and_renders_every_slide(built, tmp_path):
    soffice = need_tool("soffice")
    deck = built / "en" / "deck.pptx"
    result = subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck)],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "deck.pdf"
    assert pdf.is_file(), result.stdout + result.stderr
    slides = len(Presentation(str(deck)).slides)
    assert len(PdfReader(pdf).pages) == slides
