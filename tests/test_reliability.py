"""Output is never lost, one bad locale does not sink the others, and real readers agree."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from pptx import Presentation

from outreach import BuildOptions, build, load_content

from .conftest import CONTENT, ROOT, need_tool, run_cli


def test_a_killed_build_leaves_the_previous_outputs_whole(tmp_path):
    out = tmp_path / "out"
    assert run_cli("--locale", "en", "--out", str(out)).returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--out", str(out)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2.5)  # well into rendering the six locales
    process.send_signal(signal.SIGKILL)
    process.wait()
    for path, data in before.items():
        assert path.read_bytes() == data, path
    assert not list(out.rglob("*.part")), "no partial files are left behind"


def test_stale_partial_files_from_a_killed_build_are_cleaned_up(tmp_path):
    stale = tmp_path / "en" / ".deck.pptx.abc.part"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"half")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    build(BuildOptions(out_dir=tmp_path, locales=("en",), products=("flyer",), papers=("a4",)))
    assert not stale.exists()


def test_a_broken_catalog_fails_its_locale_and_the_others_build(content_copy, tmp_path):
    po = content_copy / "locales" / "es.po"
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "broken\n', encoding="utf-8")
    result = run_cli("--content", str(content_copy), "--out", str(tmp_path), "--product", "flyer",
                     "--paper", "a4")
    assert result.returncode == 2
    assert "es.po:" in result.stderr and "PO syntax" in result.stderr
    assert "1 part(s) of the build failed" in result.stderr
    built = sorted(p.parent.name for p in tmp_path.glob("*/flyer-a4.pdf"))
    assert built == ["ar", "en", "en-GB", "fr", "zh-Hans"]


def test_poppler_reads_every_pdf_without_complaint(built):
    pdfinfo = need_tool("pdfinfo")
    pdftotext = need_tool("pdftotext")
    pdfs = sorted(built.rglob("*.pdf"))
    assert len(pdfs) >= 60
    outline = len(load_content(CONTENT).deck.slides)
    for pdf in pdfs:
        info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=False)
        assert info.returncode == 0 and info.stderr == "", (pdf, info.stderr)
        pages = int(info.stdout.split("Pages:")[1].split()[0])
        # A handout prints its locale's deck, whose long sections may continue onto extra
        # slides: one slide a page for the notes, three a page for the audience.
        most = {"flyer-large": 4, "brochure": 2, "cards": 2}
        if pdf.name.startswith("handout-"):
            slides = len(Presentation(str(pdf.parent / "deck.pptx")).slides)
            assert slides >= outline, (pdf, slides)
            most |= {"handout-notes": slides, "handout-audience": -(-slides // 3)}
        limit = next((n for name, n in most.items() if pdf.name.startswith(name + "-")), 1)
        assert 1 <= pages <= limit, (pdf, pages)
        text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=False)
        assert text.returncode == 0 and text.stderr == "", (pdf, text.stderr)
