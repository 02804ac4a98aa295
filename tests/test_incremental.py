"""Speed and workflow: incremental and parallel builds, shards, JSON summary (watch mode:
test_serve_watch.py)."""

from __future__ import annotations

import json
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


