"""Write stage: outputs land whole or not at all, and one build writes a folder at a time."""

from __future__ import annotations

import errno
import fcntl
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputBusy, explain_os_error

LOCK = ".outreach.lock"
"""The file a build holds locked (flock) while it writes an output folder."""


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place.

    A reader (or a killed build) sees either the previous file or the new one, never
    a partial file; a failure leaves no temporary file behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale_parts(folder: Path) -> int:
    """Delete the temporary files killed builds left anywhere under ``folder``; count them.

    Call it only while holding ``locked(folder)``: then no build is writing here, so
    every ``.part`` file is a leftover. Folders that are other builds' output roots
    (they hold their own lock file, e.g. ``campaigns/<name>/``) are left to those builds.
    """
    removed = 0
    if not folder.is_dir():
        return 0
    for current, dirs, files in os.walk(folder):
        here = Path(current)
        dirs[:] = [d for d in dirs if not (here / d / LOCK).exists()]
        for name in files:
            if name.startswith(".") and name.endswith(".part"):
                (here / name).unlink(missing_ok=True)
                removed += 1
    return removed


def _holder(path: Path) -> str:
    """The process id recorded in a lock file, as text for a message."""
    try:
        return path.read_text(encoding="ascii").strip() or "unknown"
    except (OSError, UnicodeDecodeError):
        return "unknown"


@contextmanager
def locked(folder: Path, timeout: float = 600.0,
           on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold ``folder``'s build lock; wait (up to ``timeout`` s) while another build holds it.

    The lock is an flock(2) on ``folder/.outreach.lock``: the system drops it when its
    holder ends however it ends, so a killed build never leaves the folder locked.
    ``on_wait`` is told the other build's process id once, if there is a wait.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / LOCK
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise explain_os_error(exc, folder) from exc
    try:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EACCES):
                    raise explain_os_error(exc, path) from exc
            if time.monotonic() > deadline:
                raise OutputBusy(f"another build (process {_holder(path)}) has been writing "
                                 f"into {folder} for over {timeout:g} s; wait for it to "
                                 "finish or build into another folder with --out")
            if not told and on_wait:
                on_wait(_holder(path))
                told = True
            time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # closing the last descriptor releases the lock
