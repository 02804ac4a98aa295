"""Output is never lost, one bad locale does not sink the others, and real readers agree."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from pptx import Presentation

from outreach import BuildOptions, build, load_content
from outreach.output import LOCK

from .conftest import CONTENT, ROOT, alive, children, need_tool, run_cli


def _gone_within(pids: list[int], seconds: float) -> list[int]:
    """Wait (bounded) for processes to end; return those still running."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.1)
    return [p for p in pids if alive(p)]


def _interrupted_build(out, how: signal.Signals, group: bool = False,
                       said: list[str] | None = None) -> tuple[int, float, list[int]]:
    """Start a full build, stop its main process (or, as Ctrl-C does, its whole process
    group) with ``how`` mid-render; return its exit code, how long it took to stop, and
    the workers it had; append what it printed on stderr to ``said``."""
    process = subprocess.Popen([sys.executable, "-X", "faulthandler", str(ROOT / "build.py"),
                                "--out", str(out),
                                "--no-chapters", "--force", "--jobs", "2"],
                               cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE,
                               text=True, start_new_session=group)
    workers: list[int] = []
    deadline = time.monotonic() + 30
    while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        workers = children(process.pid)
    assert len(workers) >= 2, "the build never started its workers"
    time.sleep(1.5)  # well into rendering
    sent = time.monotonic()
    if group:
        os.killpg(process.pid, how)
    else:
        process.send_signal(how)
    try:
        try:
            code = process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # say where it hangs: faulthandler dumps every thread
            process.send_signal(signal.SIGABRT)
            process.wait(timeout=10)
            pytest.fail(f"the build did not stop within 10 s of {how.name}; its threads:\n"
                        f"{process.stderr.read()[-8000:]}")
        took = time.monotonic() - sent
        if said is not None:
            said.append(process.stderr.read())
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
    return code, took, workers


def test_a_killed_build_leaves_the_previous_outputs_whole_and_no_worker(tmp_path):
    out = tmp_path / "out"
    assert run_cli("--locale", "en", "--product", "flyer,deck", "--no-chapters", "--out",
                   str(out)).returncode == 0
    # Every file but the lock, which records the process id of the build holding it.
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != LOCK}
    code, _, workers = _interrupted_build(out, signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert _gone_within(workers, 5) == [], "workers outlived the killed build"
    for path, data in before.items():
        assert path.read_bytes() == data, path


def test_ctrl_c_stops_the_build_and_its_workers(tmp_path):
    said: list[str] = []
    code, took, workers = _interrupted_build(tmp_path / "out", signal.SIGINT, True, said)
    assert code == 130 and took < 3, (code, took)
    assert said[0].strip().endswith(
        "interrupted before writing any file. Every file already in place was left as it was; "
        "nothing half-written was kept."), said
    assert _gone_within(workers, 2) == []
    assert not list((tmp_path / "out").rglob("*.part"))


def test_sigterm_stops_the_build_and_its_workers_at_once(tmp_path):
    out = tmp_path / "out"
    assert run_cli("--locale", "en", "--product", "flyer", "--out", str(out)).returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*.pdf")}
    said: list[str] = []
    code, took, workers = _interrupted_build(out, signal.SIGTERM, said=said)
    assert code == 143 and took < 3, (code, took)
    assert "interrupted before writing any file." in said[0], said
    assert _gone_within(workers, 2) == [], "workers kept rendering after SIGTERM"
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
    assert "es.po:" in result.stderr and "msgid has no msgstr" in result.stderr
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
        if pdf.name.startswith(("handout-", "slides.")):
            slides = len(Presentation(str(pdf.parent / "deck.pptx")).slides)
            assert slides >= outline, (pdf, slides)
            most |= {"handout-notes": slides, "handout-audience": -(-slides // 3),
                     "slides": slides}
        limit = next((n for name, n in most.items()
                      if pdf.name.startswith((name + "-", name + "."))), 1)
        assert 1 <= pages <= limit, (pdf, pages)
        text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=False)
        assert text.returncode == 0 and text.stderr == "", (pdf, text.stderr)


def test_the_suite_fails_when_a_test_leaves_a_process_running(tmp_path):
    leaky = tmp_path / "test_leaky.py"
    leaky.write_text("import subprocess\n\n\n"
                     "def test_forgets_its_child():\n"
                     "    subprocess.Popen(['sleep', '60'], start_new_session=True)\n\n\n"
                     "def test_orphans_a_grandchild():\n"
                     "    subprocess.run(['sh', '-c', 'sleep 61 &'], check=True)\n",
                     encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-p", "tests.conftest", "--rootdir", str(tmp_path), str(leaky)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert "2 passed" in run.stdout
    assert run.returncode == 1, run.stdout + run.stderr
    assert "processes left running by the tests (now killed)" in run.stderr
    leftover = [line.split(":")[0].strip() for line in run.stderr.splitlines()
                if line.strip().endswith(("sleep 60", "sleep 61"))]
    assert len(leftover) == 2, run.stderr
    assert _gone_within([int(pid) for pid in leftover], 2) == []
