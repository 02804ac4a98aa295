"""Shared fixtures: one real build per test session, and tiny broken copies of the content."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from outreach import BuildOptions, build

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


PR_SET_CHILD_SUBREAPER = 36
"""Linux prctl(2) option: orphans of this process's descendants become its children."""


def pytest_configure(config) -> None:
    """Adopt every orphaned descendant, so the end-of-session check sees them all."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the check sees direct children only
        pass


def children(pid: int) -> list[int]:
    """The process ids a process has started or adopted (Linux /proc); none once it is gone."""
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return []
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(n) for n in handle.read().split()]
        except FileNotFoundError:
            continue
    return found


def alive(pid: int) -> bool:
    """True while a process runs (a zombie waiting to be reaped does not count)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def living_children(pid: int) -> list[int]:
    """The processes ``pid`` started (or adopted) that still run."""
    return [child for child in children(pid) if alive(child)]


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except FileNotFoundError:
        return "?"


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus) -> None:
    """Fail the run if any process a test started outlives the tests; then end it."""
    import signal
    import time

    deadline = time.monotonic() + 5  # a child just told to stop gets a moment
    left = living_children(os.getpid())
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        for child in left:  # reap what has ended, so it stops counting
            try:
                os.waitpid(child, os.WNOHANG)
            except ChildProcessError:
                pass
        left = living_children(os.getpid())
    if not left:
        return
    lines = "\n".join(f"  {pid}: {_command(pid)}" for pid in left)
    print(f"\nprocesses left running by the tests (now killed):\n{lines}", file=sys.stderr)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


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
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600, check=False)
