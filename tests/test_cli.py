"""The command line as a user runs it: messages, exit codes, and what lands in output/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, edit, need_tool, run_cli


def test_help_reads_well():
    result = run_cli("--help")
    assert result.returncode == 0
    for words in ("check", "--product", "--paper", "--locale", "--out", "exit codes: 0 built"):
        assert words in result.stdout


def test_build_writes_the_named_outputs_and_says_where(tmp_path):
    result = run_cli("--locale", "en", "--product", "flyer,deck", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    for name in ("flyer-letter.pdf", "flyer-a4.pdf", "deck.pptx"):
        assert (tmp_path / "en" / name).stat().st_size > 10_000
        assert f"en/{name}" in result.stdout
    # The shipped chapters.yaml adds Riverside's English set, on its own paper (Letter).
    chapter = tmp_path / "chapters" / "riverside-elementary-pta" / "en"
    assert sorted(p.name for p in chapter.iterdir()) == ["deck.pptx", "flyer-letter.pdf"]
    assert "built 5 files into" in result.stdout and " s" in result.stdout.splitlines()[-1]
    assert sorted(p.name for p in (tmp_path / "en").iterdir()) == [
        "deck.pptx", "flyer-a4.pdf", "flyer-letter.pdf"]
    assert (tmp_path / "index.html").is_file()


def test_product_and_paper_options_narrow_the_build(tmp_path):
    result = run_cli("--product", "flyer", "--paper", "a4", "--locale", "en,en-GB", "--out",
                     str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (tmp_path / "en").iterdir()] == ["flyer-a4.pdf"]
    # Chapters keep their own paper, so a Letter-only chapter has nothing to build on A4.
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.pdf")
                  if p.is_file()) == [
        "chapters/cedar-grove-family-centre/en-GB/flyer-a4.pdf", "en-GB/flyer-a4.pdf",
        "en/flyer-a4.pdf"]


def test_check_is_fast_path_without_the_pdf_engine():
    code = ("import sys; from outreach.cli import main; rc = main(['check']); "
            "print(rc, 'weasyprint' in sys.modules, 'pptx' in sys.modules, "
            "any(m in sys.modules for m in ('outreach.gallery', 'outreach.workers', "
            "'outreach.manifest', 'multiprocessing')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.stdout.split()[-4:] == ["0", "False", "False", "False"], \
        result.stdout + result.stderr


def test_a_deck_only_build_needs_no_process_pool_and_exits_after_its_exit_handlers(tmp_path):
    """A one-output build imports no pool; exit_now() skips freeing the interpreter's
    objects, but still runs the exit handlers, flushes what was printed and keeps the code."""
    code = ("import atexit, sys; from outreach.cli import exit_now, main; "
            "atexit.register(lambda: print('handlers ran', flush=True)); "
            f"rc = main(['-q', '--product', 'deck', '--locale', 'en', '--no-chapters', "
            f"'--out', {str(tmp_path)!r}]); "
            "print(rc, 'multiprocessing' in sys.modules, 'concurrent.futures' in sys.modules, "
            "end=' '); exit_now(3)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 3, result.stderr
    assert result.stdout == "0 False False handlers ran\n", result.stdout + result.stderr
    assert (tmp_path / "en" / "deck.pptx").stat().st_size > 10_000


def test_bad_content_exits_2_with_located_message_and_no_traceback(content_copy, tmp_path):
    edit(content_copy / "campaign.yaml", "unit: percent", "unit: percentage")
    result = run_cli("check", "--content", str(content_copy))
    assert result.returncode == 2
    assert "campaign.yaml:" in result.stderr and "sections[0].items[3].unit" in result.stderr
    assert "Traceback" not in result.stderr
    result = run_cli("--content", str(content_copy), "--out", str(tmp_path))
    assert result.returncode == 2 and not (tmp_path / "en").exists()


def test_unknown_product_is_a_usage_error():
    result = run_cli("--product", "billboard")
    assert result.returncode == 2
    assert ("unknown product billboard; choose from flyer, flyer-large, brochure, cards, poster, "
            "handout-notes, handout-audience, deck") in result.stderr


def test_a_failed_render_exits_1_and_keeps_the_previous_good_build(content_copy, tmp_path):
    narrow = ("--product", "flyer,deck", "--no-chapters")
    assert run_cli("--locale", "en", *narrow, "--out", str(tmp_path)).returncode == 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "en").iterdir()}
    edit(content_copy / "campaign.yaml", "text: Gifts, money or a phone you cannot explain",
         "text: " + "Gifts, money or a phone you cannot explain. " * 15)
    result = run_cli("--locale", "en", *narrow, "--content", str(content_copy), "--out",
                     str(tmp_path))
    assert result.returncode == 1
    assert "does not fit on one" in result.stderr and "Traceback" not in result.stderr
    after = {p.name: p.read_bytes() for p in (tmp_path / "en").iterdir()}
    assert after == before


def test_debug_shows_the_traceback(content_copy):
    edit(content_copy / "campaign.yaml", "unit: percent", "unit: percentage")
    result = run_cli("check", "--debug", "--content", str(content_copy))
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_console_script_runs_the_same_cli():
    script = Path(sys.executable).parent / "outreach"
    if not script.exists():
        need_tool("outreach")  # skipped outside an installed environment, fails in CI
        script = Path(need_tool("outreach"))
    result = subprocess.run([str(script), "check"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("content OK:")
