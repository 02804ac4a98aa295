"""Shared fixtures: one real build per test session, and tiny broken copies of the content."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from outreach import BuildOptions, build

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need_tool(name: str) -> str:
    """Return the path of a command-line tool; skip locally, fail in CI, when it is absent."""
    path = shutil.which(name)
    if path is None:
        if IN_CI:
            pytest.fail(f"{name} is required in CI; .ci/run installs it")
        pytest.skip(f"{name} is not installed")
    return path


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """Build every product once into a temporary output folder and return that folder."""
    out = tmp_path_factory.mktemp("output")
    build(BuildOptions(out_dir=out))
    return out


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A private copy of the real content folder that a test may edit."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` with ``new`` in a file, insisting that ``old`` is there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {path.name}: {old!r}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run ``python build.py`` as a user would, capturing its output."""
    import sys

    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600, check=False)
