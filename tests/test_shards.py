"""Building across machines: --shard auto from a scheduler's variables, and merge."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from outreach.errors import UsageError
from outreach.merge import merge
from outreach.shards import from_environment

from .conftest import ROOT, run_cli

SHARD_VARS = ("JOB_COMPLETION_INDEX", "JOB_COMPLETIONS", "CI_NODE_INDEX", "CI_NODE_TOTAL",
              "OUTREACH_SHARD_INDEX", "OUTREACH_SHARD_TOTAL")
SMALL = ("--locale", "en,ar", "--product", "flyer,deck,poster", "--paper", "letter",
         "--no-chapters", "--jobs", "1", "-q")


# --- which slice: from_environment ----------------------------------------------------------

@pytest.mark.parametrize("env, expected", [
    ({"JOB_COMPLETION_INDEX": "0", "JOB_COMPLETIONS": "3"}, (1, 3)),  # Kubernetes, 0-based
    ({"JOB_COMPLETION_INDEX": "2", "JOB_COMPLETIONS": "3"}, (3, 3)),
    ({"OUTREACH_SHARD_INDEX": "0", "OUTREACH_SHARD_TOTAL": "4"}, (1, 4)),  # GitHub, 0-based
    ({"OUTREACH_SHARD_INDEX": "3", "OUTREACH_SHARD_TOTAL": "4"}, (4, 4)),
    ({"CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "2"}, (1, 2)),  # GitLab, 1-based
    ({"CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "2"}, (2, 2)),
    ({"JOB_COMPLETION_INDEX": "0", "JOB_COMPLETIONS": "1"}, (1, 1)),
    # The explicit variables win over a scheduler's, e.g. a GitLab job on Kubernetes.
    ({"OUTREACH_SHARD_INDEX": "1", "OUTREACH_SHARD_TOTAL": "2",
      "CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "5"}, (2, 2)),
])
def test_each_scheduler_names_its_slice(env, expected):
    assert from_environment({"PATH": "/bin", **env}) == expected


def test_no_scheduler_names_every_variable():
    with pytest.raises(UsageError) as caught:
        from_environment({"PATH": "/bin"})
    message = str(caught.value)
    assert message.startswith("--shard auto: no scheduler says which slice to build; set ")
    for name in SHARD_VARS:
        assert name in message
    assert "or give the slice as --shard K/N" in message


@pytest.mark.parametrize("env, message", [
    ({"JOB_COMPLETION_INDEX": "1"},
     "--shard auto: JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not; "
     "a Kubernetes Indexed Job needs both"),
    ({"CI_NODE_TOTAL": "3"},
     "--shard auto: CI_NODE_TOTAL is set but CI_NODE_INDEX is not; a GitLab parallel job "
     "needs both"),
    ({"JOB_COMPLETION_INDEX": "3", "JOB_COMPLETIONS": "3"},
     "--shard auto: JOB_COMPLETION_INDEX=3 is outside 0..2 for JOB_COMPLETIONS=3 "
     "(Kubernetes Indexed Job, 0-based)"),
    ({"CI_NODE_INDEX": "0", "CI_NODE_TOTAL": "3"},
     "--shard auto: CI_NODE_INDEX=0 is outside 1..3 for CI_NODE_TOTAL=3 "
     "(GitLab parallel job, 1-based)"),
    ({"OUTREACH_SHARD_INDEX": "0", "OUTREACH_SHARD_TOTAL": "0"},
     "--shard auto: OUTREACH_SHARD_TOTAL=0 must be at least 1"),
    ({"OUTREACH_SHARD_INDEX": "first", "OUTREACH_SHARD_TOTAL": "2"},
     "--shard auto: OUTREACH_SHARD_INDEX='first' is not a whole number"),
])
def test_inconsistent_variables_are_named(env, message):
    with pytest.raises(UsageError) as caught:
        from_environment(env)
    assert str(caught.value) == message


def _env(**shard: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SHARD_VARS}
    return {**env, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONPATH": str(ROOT), **shard}


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600, check=False)


def test_shard_auto_without_a_scheduler_is_a_usage_error(tmp_path):
    result = _cli("--shard", "auto", *SMALL, "--out", str(tmp_path / "out"), env=_env())
    assert result.returncode == 2
    assert "error: --shard auto: no scheduler says which slice to build" in result.stderr
    assert not (tmp_path / "out").exists()  # refused before anything was written


# --- shards as separate processes, merged, equal one build ---------------------------------

def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in (".manifest.json", ".outreach.lock", "thumbs.json")}


def test_three_shards_merged_equal_one_build(tmp_path):
    shards = [tmp_path / f"shard-{index}" for index in range(3)]
    running = [subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--shard", "auto",
                                 *SMALL, "--out", str(folder)], cwd=ROOT,
                                env=_env(JOB_COMPLETION_INDEX=str(index), JOB_COMPLETIONS="3"),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for index, folder in enumerate(shards)]
    for process in running:
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
    single = tmp_path / "single"
    done = _cli(*SMALL, "--out", str(single), env=_env())
    assert done.returncode == 0, done.stderr
    # Each slice built a third of the outputs and recorded which slice it is.
    made = {}
    for number, folder in enumerate(shards, 1):
        entries = json.loads((folder / ".manifest.json").read_text())
        assert len(entries) == 2 and {e["shard"] for e in entries.values()} == {f"{number}/3"}
        made.update(entries)
    # A thumbnail a slice drew is reused, not drawn again: mark one to tell.
    flyer_shard = next(f for f in shards if (f / "en/flyer-letter.pdf").exists())
    flyer_page = flyer_shard / ".thumbs/en/flyer-letter.pdf.pages/1.png"
    marker = next(p for p in (single / ".thumbs/ar").rglob("1.png")).read_bytes()
    flyer_page.write_bytes(marker)
    merged = tmp_path / "merged"
    result = _cli("merge", *map(str, shards), "--out", str(merged), env=_env())
    assert result.returncode == 0, result.stderr
    assert f"merged 3 shard(s) into {merged}: 6 file(s) copied, 0 already there" in result.stdout
    assert (merged / ".thumbs/en/flyer-letter.pdf.pages/1.png").read_bytes() == marker
    (merged / ".thumbs/en/flyer-letter.pdf.pages/1.png").write_bytes(
        (single / ".thumbs/en/flyer-letter.pdf.pages/1.png").read_bytes())
    ours, theirs = _files(merged), _files(single)
    assert sorted(ours) == sorted(theirs)
    assert len([name for name in ours if not name.startswith(".thumbs/")]) == 7  # + index.html
    assert [name for name in ours if ours[name] != theirs[name]] == []  # index.html too
    gallery = (merged / "index.html").read_text(encoding="utf-8")
    for name in made:
        assert f'href="{name}"' in gallery
    entries = json.loads((merged / ".manifest.json").read_text())
    alone = json.loads((single / ".manifest.json").read_text())
    assert sorted(entries) == sorted(alone) == sorted(made)
    assert all(entries[name]["inputs"] == alone[name]["inputs"] for name in alone)
    # The merged manifest describes the copies: a build into the folder finds nothing to do.
    again = _cli(*SMALL[:-1], "--out", str(merged), env=_env())
    assert "built 0 files into" in again.stdout and "6 already up to date" in again.stdout


# --- merge refuses ------------------------------------------------------------------------

def _fake_shard(folder: Path, pdf: bytes) -> Path:
    (folder / "en").mkdir(parents=True)
    (folder / "en" / "flyer-letter.pdf").write_bytes(pdf)
    (folder / ".manifest.json").write_text("{}")
    return folder


def test_merge_refuses_the_same_file_with_different_bytes(tmp_path):
    one = _fake_shard(tmp_path / "one", b"%PDF-1.7 one")
    two = _fake_shard(tmp_path / "two", b"%PDF-1.7 two")
    with pytest.raises(UsageError) as caught:
        merge([one, two], tmp_path / "merged")
    assert (f"  en/flyer-letter.pdf: {one / 'en/flyer-letter.pdf'} and "
            f"{two / 'en/flyer-letter.pdf'}\n") in str(caught.value)
    assert str(caught.value).startswith("1 file(s) differ between shards")
    assert not (tmp_path / "merged").exists()  # nothing was written


def test_merge_again_copies_only_what_changed_and_no_hidden_files(tmp_path):
    one = _fake_shard(tmp_path / "one", b"%PDF-1.7 one")
    (one / "en" / "share-square.png.part").write_bytes(b"half")  # never an output
    (one / "en" / "share-square.txt").write_text("alt text")  # a sidecar is copied
    two = _fake_shard(tmp_path / "two", b"%PDF-1.7 one")  # the same file: no conflict
    (two / "index.html").write_text("a slice's own gallery")
    (two / ".manifest.json").write_text('{"en/flyer-letter.pdf": {"inputs": "x", "shard": "2/2"}}')
    merged = tmp_path / "merged"
    first = merge([one, two], merged)
    assert ([str(p) for p in first.copied], first.unchanged) == (
        ["en/flyer-letter.pdf", "en/share-square.txt"], [])
    (one / "en" / "share-square.txt").write_text("better alt text")
    again = merge([one, two], merged)
    assert [str(p) for p in again.copied] == ["en/share-square.txt"]
    assert [str(p) for p in again.unchanged] == ["en/flyer-letter.pdf"]
    assert (merged / "en" / "share-square.txt").read_text() == "better alt text"
    assert not (merged / "en" / "share-square.png.part").exists()
    assert "a slice's own gallery" not in (merged / "index.html").read_text()
    entries = json.loads((merged / ".manifest.json").read_text())
    assert entries == {"en/flyer-letter.pdf": {
        "inputs": "x", "shard": "2/2", "size": 12,
        "mtime_ns": (merged / "en" / "flyer-letter.pdf").stat().st_mtime_ns}}


def test_merge_refuses_a_folder_that_is_not_a_build(tmp_path):
    one = _fake_shard(tmp_path / "one", b"%PDF-1.7 one")
    stray = tmp_path / "stray"
    stray.mkdir()
    result = run_cli("merge", str(one), str(stray), "--out", str(tmp_path / "merged"))
    assert result.returncode == 2
    assert result.stderr == (f"error: {stray} is not a build output folder (it has no "
                             ".manifest.json); give the folders that 'build.py --shard' wrote\n")
    assert not (tmp_path / "merged").exists()


def test_merge_needs_an_output_folder(tmp_path):
    result = run_cli("merge", str(tmp_path))
    assert result.returncode == 2
    assert "error: merge needs the folder to merge into: merge SHARD_DIR... --out DIR" \
        in result.stderr


# --- the recipes ------------------------------------------------------------------------------

def _commands(node) -> list[str]:
    """Every shell command string in a parsed YAML document."""
    if isinstance(node, dict):
        return [c for value in node.values() for c in _commands(value)]
    if isinstance(node, list):
        return [c for value in node for c in _commands(value)]
    return [node] if isinstance(node, str) and "build.py" in node else []


@pytest.mark.parametrize("recipe", [".github/workflows/build-chapters.yml",
                                    "deploy/k8s/indexed-job.yaml"])
def test_recipes_parse_and_use_real_options(recipe):
    document = yaml.safe_load((ROOT / recipe).read_text(encoding="utf-8"))
    commands = _commands(document)
    assert any("--shard auto" in c for c in commands)
    helptext = run_cli("--help").stdout
    for command in commands:
        for option in re.findall(r"(?<!\S)(--[a-z-]+)", command):
            assert option in helptext, f"{recipe}: {option} is not an option of build.py"
        words = shlex.split(command.replace("$", ""))
        assert words[0] == ".venv/bin/python" and words[1] == "build.py"
        assert (ROOT / "content/chapters.yaml").is_file()


def test_workflow_shards_and_merges():
    workflow = yaml.safe_load((ROOT / ".github/workflows/build-chapters.yml").read_text())
    shard, joined = workflow["jobs"]["shard"], workflow["jobs"]["merge"]
    assert shard["env"] == {"OUTREACH_SHARD_INDEX": "${{ strategy.job-index }}",
                            "OUTREACH_SHARD_TOTAL": "${{ strategy.job-total }}"}
    assert joined["needs"] == "shard"
    runs = [step.get("run", "") for step in joined["steps"]]
    assert ".venv/bin/python build.py merge shards/shard-* --out merged" in runs
    uploads = [s for s in joined["steps"] if s.get("uses", "").startswith("actions/upload")]
    assert [s["with"]["name"] for s in uploads] == ["outreach-output"]


def test_indexed_job_matches_its_completions():
    job = yaml.safe_load((ROOT / "deploy/k8s/indexed-job.yaml").read_text())
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed"
    assert spec["completions"] == spec["parallelism"]
    env = {e["name"]: e["value"] for e in spec["template"]["spec"]["containers"][0]["env"]}
    assert env["JOB_COMPLETIONS"] == str(spec["completions"])
