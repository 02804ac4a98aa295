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


_WORKERS_LEFT: list[str] = []
"""With pytest-xdist: what each worker found left running (the controller fails on it)."""


def pytest_testnodedown(node, error) -> None:
    """On the xdist controller: note a worker's leftover processes (it killed them)."""
    left = getattr(node, "workeroutput", {}).get("left_running")
    if left:
        _WORKERS_LEFT.append(left)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus) -> None:
    """Fail the run if any process a test started outlives the tests; then end it.

    Under pytest-xdist each worker checks its own descendants (it is their subreaper) and
    reports them; the controller, whose children are the workers, fails on any report."""
    import signal
    import time

    config = session.config
    if getattr(config, "workerinput", None) is None and config.pluginmanager.hasplugin("dsession"):
        if _WORKERS_LEFT:
            print("\nprocesses left running by the tests (now killed):\n"
                  + "\n".join(_WORKERS_LEFT), file=sys.stderr)
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return

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
    if getattr(config, "workeroutput", None) is not None:
        config.workeroutput["left_running"] = lines


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
    """Build every product once into a temporary output folder and return that folder
    (read only: copy it to change it). Under pytest-xdist the workers share one build:
    the first to need it builds it, holding a lock the others wait on. Its date is fixed
    (SOURCE_DATE_EPOCH), so another build can be compared with it byte for byte."""
    import fcntl

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by the workers of this run
    out, done = root / "built-output", root / "built-output.done"
    with open(root / "built-output.lock", "w") as lock, pytest.MonkeyPatch.context() as env:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            env.setenv("SOURCE_DATE_EPOCH", BUILT_EPOCH)
            build(BuildOptions(out_dir=out))
            done.touch()
    return out


BUILT_EPOCH = "1767225600"
"""The ``built`` fixture's SOURCE_DATE_EPOCH (2026-01-01)."""


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
