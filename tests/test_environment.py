"""The machine's refusals are the user's to fix: clear messages, exit 1, outputs whole; one
build writes a folder at a time, and leftovers of killed builds are cleaned everywhere."""

from __future__ import annotations

import errno
import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest

from outreach import BuildOptions, build
from outreach.errors import EnvironmentProblem, OutputBusy
from outreach.output import LOCK, locked

from .conftest import ROOT, run_cli

FLYER = {"locales": ("en",), "products": ("flyer",), "papers": ("a4",), "no_chapters": True}


def test_an_output_path_that_is_a_file_is_explained_not_a_bug(tmp_path):
    target = tmp_path / "output"
    target.write_text("not a folder", encoding="utf-8")
    result = run_cli("--locale", "en", "--product", "flyer", "--paper", "a4", "--no-chapters",
                     "--out", str(target))
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr and "bug" not in result.stderr
    assert f"error: cannot write {target}" in result.stderr
    assert "a file stands where a folder is needed; move or delete that file, or choose " \
           "another folder with --out" in result.stderr
    assert target.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize(("code", "says"), [
    (errno.ENOSPC, "no space left on the disk; free some space, then build again"),
    (errno.EACCES, "permission denied; fix its permissions or choose another folder with --out"),
    (errno.EROFS, "the file system is read-only; choose another folder with --out"),
])
def test_a_refused_write_says_what_to_do_and_keeps_the_earlier_files(tmp_path, monkeypatch,
                                                                     code, says):
    build(BuildOptions(out_dir=tmp_path, **FLYER))
    pdf = tmp_path / "en" / "flyer-a4.pdf"
    before = pdf.read_bytes()

    def refuse(fd):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr("outreach.output.os.fsync", refuse)
    with pytest.raises(EnvironmentProblem) as caught:
        build(BuildOptions(out_dir=tmp_path, force=True, **FLYER))
    message = str(caught.value)
    assert f"cannot write {pdf}: {says}" in message
    assert "0 file(s) were written before this; the others were not" in message
    assert caught.value.exit_code == 1
    assert pdf.read_bytes() == before
    assert not list(tmp_path.rglob("*.part"))


def test_a_port_in_use_is_explained(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "watch", "--locale", "en", "--product",
             "flyer", "--no-chapters", "--out", str(tmp_path), "--port", str(port)],
            cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1, result.stderr
    assert f"error: cannot serve the desk on 127.0.0.1:{port}: the port is already in use" \
           in result.stderr
    assert "choose another port with --port" in result.stderr
    assert "internal error" not in result.stderr


def test_quiet_prints_no_warnings(content_copy, tmp_path):
    # An untranslated text falls back to English with a warning.
    po = content_copy / "locales" / "es.po"
    text = po.read_text(encoding="utf-8")
    start = text.index('msgctxt "meta.headline"')
    msgstr = text.index("msgstr ", start)
    end = text.index("\n\n", msgstr)
    po.write_text(text[:msgstr] + 'msgstr ""' + text[end:], encoding="utf-8")
    args = ("--content", str(content_copy), "--locale", "es", "--product", "flyer", "--paper",
            "a4", "--no-chapters", "--out", str(tmp_path))
    loud = run_cli(*args)
    assert loud.returncode == 0, loud.stderr
    assert "warning:" in loud.stderr and "meta.headline" in loud.stderr
    quiet = run_cli(*args, "--force", "-q")
    assert quiet.returncode == 0
    assert quiet.stderr == "" and quiet.stdout == ""


def test_a_failed_locale_does_not_claim_that_nothing_was_built(content_copy, tmp_path):
    po = content_copy / "locales" / "es.po"
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "broken\n', encoding="utf-8")
    result = run_cli("--content", str(content_copy), "--out", str(tmp_path), "--product",
                     "flyer", "--paper", "a4", "--locale", "en,es", "--no-chapters")
    assert result.returncode == 2
    assert "the es outputs were not built." in result.stderr
    assert "nothing was built" not in result.stderr
    assert (tmp_path / "en" / "flyer-a4.pdf").is_file()
    alone = run_cli("--content", str(content_copy), "--out", str(tmp_path / "alone"),
                    "--product", "flyer", "--paper", "a4", "--locale", "es", "--no-chapters")
    assert alone.returncode == 2 and "nothing was built." in alone.stderr


def test_leftovers_of_killed_builds_are_cleaned_everywhere_even_when_nothing_is_stale(tmp_path):
    build(BuildOptions(out_dir=tmp_path, **FLYER))
    leftovers = [tmp_path / "en" / ".flyer-a4.pdf.x1.part",
                 tmp_path / "..manifest.json.x2.part",
                 tmp_path / "chapters" / "riverside" / "es" / ".deck.pptx.x3.part",
                 tmp_path / ".thumbs" / "en" / ".1.png.x4.part"]
    for part in leftovers:
        part.parent.mkdir(parents=True, exist_ok=True)
        part.write_bytes(b"half")  # just written: no age rule can tell it from a live one
    other = tmp_path / "campaigns" / "second"  # another campaign's own output folder
    (other / "en").mkdir(parents=True)
    (other / LOCK).write_text("", encoding="ascii")
    theirs = other / "en" / ".flyer-a4.pdf.x5.part"
    theirs.write_bytes(b"theirs")
    report = build(BuildOptions(out_dir=tmp_path, **FLYER))
    assert report.outputs == [] and len(report.unchanged) == 1
    assert [p for p in leftovers if p.exists()] == []
    assert theirs.exists(), "another build's folder is that build's to clean"


def test_a_second_build_waits_for_the_first_and_both_are_recorded(tmp_path):
    release = threading.Event()
    held = threading.Event()

    def hold():
        with locked(tmp_path):
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(10)
    common = ("--product", "flyer", "--paper", "a4", "--no-chapters", "--out", str(tmp_path))
    builds = [subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--locale", locale,
                                *common], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for locale in ("en", "fr")]
    try:
        time.sleep(3)  # both are ready to write and must be waiting
        assert [b.poll() for b in builds] == [None, None]
        assert not (tmp_path / "en").exists() and not (tmp_path / "fr").exists()
        release.set()
        outs = [b.communicate(timeout=120) for b in builds]
    finally:
        release.set()
        holder.join()
        for b in builds:
            if b.poll() is None:
                b.kill()
                b.wait()
    assert [b.returncode for b in builds] == [0, 0], outs
    assert all(f"waiting: another build (process {os.getpid()}) is writing into {tmp_path}"
               in err for _, err in outs)
    manifest = json.loads((tmp_path / ".manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest) == ["en/flyer-a4.pdf", "fr/flyer-a4.pdf"]


def test_a_build_that_cannot_get_the_folder_gives_up_with_a_clear_message(tmp_path):
    with locked(tmp_path):
        with pytest.raises(OutputBusy) as caught:
            build(BuildOptions(out_dir=tmp_path, lock_timeout=0.5, **FLYER))
    assert str(caught.value) == (
        f"another build (process {os.getpid()}) has been writing into {tmp_path} for over 0.5 s; "
        "wait for it to finish or build into another folder with --out")
    assert not (tmp_path / "en").exists()


def test_watch_keeps_watching_whatever_a_build_raises(tmp_path, monkeypatch):
    from outreach.serve import watch

    def broken(options):
        raise LookupError("unknown encoding: klingon")

    monkeypatch.setattr(watch, "build", broken)
    said = []
    watcher = watch.Watcher(BuildOptions(out_dir=tmp_path, **FLYER), said.append)
    watcher.rebuild()
    status = watcher.status()
    assert status["build"] == 1 and not status["ok"] and not status["building"]
    assert status["error"].startswith("internal error: LookupError: unknown encoding: klingon")
    assert "the last good outputs stay in place" in said[0]
