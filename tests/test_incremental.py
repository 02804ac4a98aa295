"""Speed and workflow: incremental and parallel builds, shards, JSON summary, watch mode."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from pypdf import PdfReader

from outreach import BuildOptions, build, load_content
from outreach.pipeline import plan, shard

from .conftest import ROOT, edit, run_cli

EN_ES = {"locales": ("en", "es"), "products": ("flyer", "flyer-large", "deck"), "no_chapters": True}


def names(paths) -> list[str]:
    return sorted(Path(p).relative_to(Path(p).parents[1]).as_posix() for p in paths)


def test_only_stale_outputs_are_rebuilt(content_copy, tmp_path):
    options = BuildOptions(content_dir=content_copy, out_dir=tmp_path, **EN_ES)
    first = build(options)
    assert len(first.outputs) == 10 and not first.unchanged
    again = build(options)
    assert again.outputs == [] and len(again.unchanged) == 10, "a no-op build writes nothing"

    po = content_copy / "locales" / "es.po"
    po.write_text(po.read_text(encoding="utf-8").replace(
        'msgstr "Señales de alerta"', 'msgstr "Señales de advertencia"'), encoding="utf-8")
    changed = build(options)
    assert names(b.path for b in changed.outputs) == [
        "es/deck.pptx", "es/flyer-a4.pdf", "es/flyer-large-a4.pdf", "es/flyer-large-letter.pdf",
        "es/flyer-letter.pdf"], "one locale's catalog changed: only that locale is rebuilt"
    assert "Señales de advertencia" in PdfReader(tmp_path / "es" / "flyer-a4.pdf").pages[0].extract_text()

    (tmp_path / "en" / "deck.pptx").unlink()
    assert names(b.path for b in build(options).outputs) == ["en/deck.pptx"]

    forced = build(BuildOptions(content_dir=content_copy, out_dir=tmp_path, force=True, **EN_ES))
    assert len(forced.outputs) == 10


def test_a_template_change_rebuilds_only_what_uses_it(tmp_path):
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    options = BuildOptions(templates_dir=templates, out_dir=tmp_path / "out", locales=("en",),
                           products=("flyer", "flyer-large", "deck"), no_chapters=True)
    build(options)
    edit(templates / "print" / "flyer.css", "h1 { font-size: 2.7rem;", "h1 { font-size: 2.65rem;")
    rebuilt = names(b.path for b in build(options).outputs)
    assert rebuilt == ["en/flyer-a4.pdf", "en/flyer-large-a4.pdf", "en/flyer-large-letter.pdf",
                       "en/flyer-letter.pdf"]


def test_shards_split_the_build_exactly():
    content = load_content(ROOT / "content")
    jobs = plan(content, BuildOptions())
    slices = [shard(jobs, (k, 3)) for k in (1, 2, 3)]
    flat = [j for s in slices for j in s]
    assert len(flat) == len(jobs) and set(flat) == set(jobs)
    assert all(abs(len(a) - len(b)) <= 1 for a in slices for b in slices)


def test_parallel_and_serial_builds_give_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    common = {"locales": ("en", "ar"), "products": ("flyer", "deck"), "papers": ("a4",)}
    serial = build(BuildOptions(out_dir=tmp_path / "serial", workers=1, **common))
    parallel = build(BuildOptions(out_dir=tmp_path / "parallel", workers=2, **common))
    assert serial.workers == 1 and parallel.workers == 2
    for built in serial.outputs:
        rel = built.path.relative_to(tmp_path / "serial")
        assert built.path.read_bytes() == (tmp_path / "parallel" / rel).read_bytes(), rel


def test_cli_shard_json_and_plain_progress(tmp_path):
    summary = tmp_path / "summary.json"
    result = run_cli("--shard", "2/3", "--locale", "en", "--product", "flyer,flyer-large,deck",
                     "--no-chapters", "--out", str(tmp_path / "out"), "--json", str(summary))
    assert result.returncode == 0, result.stderr
    data = json.loads(summary.read_text())
    assert len(data["outputs"]) == 2 and data["failures"] == [] and data["seconds"] > 0
    assert {o["product"] for o in data["outputs"]} <= {"flyer", "flyer-large", "deck"}
    assert result.stdout.count("wrote ") == 2, "one plain line per output when not on a terminal"
    result = run_cli("--shard", "4/3")
    assert result.returncode == 2 and "K must be between 1 and N" in result.stderr


def _status(url: str) -> dict:
    with urllib.request.urlopen(url + "__status", timeout=5) as response:
        return json.loads(response.read())


def _wait(url: str, build_number: int, deadline: float) -> dict:
    while time.monotonic() < deadline:
        status = _status(url)
        if status["build"] >= build_number:
            return status
        time.sleep(0.2)
    raise AssertionError(f"build {build_number} did not happen in time")


def test_watch_rebuilds_on_save_and_keeps_the_last_good_output(content_copy, tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "watch", "--port", "0", "--content",
         str(content_copy), "--out", str(out), "--locale", "en", "--product", "flyer",
         "--paper", "a4"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        deadline = time.monotonic() + 90
        assert _wait(url, 1, deadline)["ok"]
        with urllib.request.urlopen(url, timeout=5) as response:
            gallery = response.read().decode()
        assert "flyer-a4.pdf" in gallery and ".thumbs/en/flyer-a4.pdf.pages/1.png" in gallery
        assert "Build 1 is up to date" in gallery and "/__status" in gallery
        assert (out / "index.html").is_file(), "watch mode serves the build's own gallery"
        with urllib.request.urlopen(url + ".thumbs/en/flyer-a4.pdf.pages/1.png", timeout=5) as response:
            assert response.read().startswith(b"\x89PNG")
        for bad in ("en/%00", "en/%01x.pdf"):  # a bad request gets an answer, not a traceback
            try:
                urllib.request.urlopen(url + bad, timeout=5)
            except urllib.error.HTTPError as exc:
                assert exc.code == 400, bad
            else:
                raise AssertionError(f"{bad} was served")
        assert _status(url)["ok"], "the server keeps serving after a bad request"

        edit(content_copy / "campaign.yaml", "Trafficking often starts with a friend online",
             "Trafficking often begins with a friend online")
        assert _wait(url, 2, deadline)["ok"]
        flyer = out / "en" / "flyer-a4.pdf"
        assert "often begins with" in PdfReader(flyer).pages[0].extract_text()
        good = flyer.read_bytes()

        with (content_copy / "campaign.yaml").open("a") as handle:
            handle.write("broken: [\n")
        status = _wait(url, 3, deadline)
        assert not status["ok"] and "campaign.yaml:" in status["error"]
        assert flyer.read_bytes() == good, "a broken save never touches the last good output"
        with urllib.request.urlopen(url, timeout=5) as response:
            assert "YAML syntax" in response.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=10)
