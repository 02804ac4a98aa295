"""Write stage: outputs land whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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


def remove_stale_parts(folder: Path, older_than: float = 60.0) -> int:
    """Delete temporary files a killed build left behind; return how many were removed.

    Only files older than ``older_than`` seconds go, so a build running at the same
    time keeps its own.
    """
    import time

    removed = 0
    if not folder.is_dir():
        return 0
    for part in folder.glob("*/.*.part"):
        if time.time() - part.stat().st_mtime > older_than:
            part.unlink(missing_ok=True)
            removed += 1
    return removed
