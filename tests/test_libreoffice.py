"""A real client: LibreOffice opens every deck the way a presenter's app would."""

from __future__ import annotations

import subprocess

from pptx import Presentation
from pypdf import PdfReader

from .conftest import need_tool


def test_libreoffice_opens_every_deck_and_renders_every_slide(built, tmp_path):
    soffice = need_tool("soffice")
    decks = sorted(built.glob("*/deck.pptx"))
    assert len(decks) >= 6
    for deck in decks:
        out = tmp_path / deck.parent.name
        result = subprocess.run(
            [soffice, "--headless", "--norestore",
             f"-env:UserInstallation=file://{tmp_path}/profile",
             "--convert-to", "pdf", "--outdir", str(out), str(deck)],
            capture_output=True, text=True, timeout=300, check=False)
        assert result.returncode == 0, result.stderr
        pdf = out / "deck.pdf"
        assert pdf.is_file(), result.stdout + result.stderr
        assert len(PdfReader(pdf).pages) == len(Presentation(str(deck)).slides), deck
