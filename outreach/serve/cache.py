"""The desk's only state: finished files, kept under a hash of everything they were made from.

An entry is a folder ``<cache_dir>/<key>/`` holding the rendered files and ``entry.json``
(which files there are, and what the preview page shows). The key is the SHA-256 of every
input (``key_of``): the campaign's files, the templates, the tool's code, the locale,
product, paper and finish, the form's fields and the logo's bytes; so the same order is
answered from the cache, and any change makes a new entry. An entry is written in a
temporary folder and renamed into place, so a reader never sees half of one. Past
``max_bytes`` the entries used least recently go first (reading an entry marks it used).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path

from ..manifest import _tree_hash, code_hash

KEY = re.compile(r"^[0-9a-f]{64}$")
"""What a key looks like; anything else names no entry (and no path)."""
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")
"""A file name an entry may hold: no folders, no hidden files."""
ENTRY = "entry.json"
SCRATCH = ".render-"
"""Prefix of a render's temporary folder in the cache folder."""
LEFTOVER_SECONDS = 3600
"""A temporary folder older than this was left by a process that died; it is removed."""


def key_of(*parts: object, folders: tuple[Path, ...] = ()) -> str:
    """The SHA-256 of the tool's code, every file under ``folders`` (names and bytes) and
    ``parts`` (text as UTF-8, bytes as they are, anything else as JSON)."""
    digest = hashlib.sha256(code_hash().encode())
    for folder in folders:
        digest.update(b"\0folder\0" + _tree_hash(folder).encode())
    for part in parts:
        if isinstance(part, bytes):
            data = part
        elif isinstance(part, str):
            data = part.encode()
        else:
            data = json.dumps(part, sort_keys=True, default=str).encode()
        digest.update(b"\0%d\0" % len(data) + data)
    return digest.hexdigest()


class Cache:
    """Entries of finished files by key, at most ``max_bytes`` in all."""

    def __init__(self, folder: Path, max_bytes: int):
        self.folder, self.max_bytes = Path(folder), max_bytes
        self._lock = threading.Lock()

    def _path(self, key: str) -> Path | None:
        return self.folder / key if isinstance(key, str) and KEY.match(key) else None

    def get(self, key: str) -> dict | None:
        """The entry's record (``files``: name -> size, plus what ``put`` stored), or None;
        marks the entry used."""
        path = self._path(key)
        if path is None:
            return None
        try:
            record = json.loads((path / ENTRY).read_text(encoding="utf-8"))
            os.utime(path)
        except (OSError, ValueError):
            return None
        return record

    def file(self, key: str, name: str) -> Path | None:
        """The path of one file of an entry, if the entry holds a file of that name."""
        record = self.get(key)
        if record is None or not isinstance(name, str) or not NAME.match(name) \
                or name not in record.get("files", {}):
            return None
        path = self.folder / key / name
        return path if path.is_file() else None

    def put(self, key: str, files: dict[str, bytes], record: dict | None = None) -> dict:
        """Store ``files`` under ``key`` (whole, or not at all) and return the entry's record."""
        path = self._path(key)
        if path is None:
            raise ValueError(f"not a cache key: {key!r}")
        bad = [name for name in files if not NAME.match(name) or name == ENTRY]
        if bad:
            raise ValueError(f"not a file name a cache entry may hold: {bad[0]!r}")
        record = {**(record or {}), "files": {name: len(data) for name, data in files.items()}}
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=".part-", dir=self.folder))
        try:
            for name, data in files.items():
                (temporary / name).write_bytes(data)
            (temporary / ENTRY).write_text(json.dumps(record), encoding="utf-8")
            try:
                os.rename(temporary, path)
            except OSError:  # the same order finished first elsewhere: keep that one
                if not (path / ENTRY).is_file():
                    raise
        finally:
            shutil.rmtree(temporary, ignore_errors=True)
        self.evict(keep=key)
        return record

    def scratch(self) -> Path:
        """A new empty folder for one render's temporary files, beside the entries (the
        caller removes it; one left by a crash is removed an hour later by ``evict``)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=SCRATCH, dir=self.folder))

    def size(self) -> int:
        """The bytes every entry holds."""
        return sum(size for _, _, size in self._entries())

    def _tidy(self) -> None:
        """Remove temporary folders left by processes that died mid-write or mid-render."""
        try:
            leftovers = [p for p in self.folder.iterdir() if p.name.startswith((".part-", SCRATCH))]
        except FileNotFoundError:
            return
        now = time.time()
        for folder in leftovers:
            try:
                if now - folder.stat().st_mtime > LEFTOVER_SECONDS:
                    shutil.rmtree(folder, ignore_errors=True)
            except OSError:
                continue

    def _entries(self) -> list[tuple[float, Path, int]]:
        found = []
        try:
            folders = [p for p in self.folder.iterdir() if KEY.match(p.name)]
        except FileNotFoundError:
            return []
        for folder in folders:
            try:
                used = folder.stat().st_mtime
                size = sum(f.stat().st_size for f in folder.iterdir())
            except OSError:  # evicted meanwhile
                continue
            found.append((used, folder, size))
        return found

    def evict(self, keep: str | None = None) -> list[str]:
        """Remove the entries used least recently until the rest fit in ``max_bytes``;
        never ``keep`` (the entry just written). Return the keys removed."""
        removed = []
        self._tidy()
        with self._lock:
            entries = sorted(self._entries())
            total = sum(size for _, _, size in entries)
            for _, folder, size in entries:
                if total <= self.max_bytes:
                    break
                if folder.name == keep:
                    continue
                shutil.rmtree(folder, ignore_errors=True)
                total -= size
                removed.append(folder.name)
        return removed
