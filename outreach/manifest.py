"""Incremental builds: a manifest of what each output was made from.

Every output records a fingerprint of its inputs (content, the locale's catalog, region
data, templates, fonts, the tool's code, SOURCE_DATE_EPOCH). An output whose fingerprint
is unchanged and whose file is still there, as written, is not built again.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from . import fonts
from .content import Content
from .output import atomic_write
from .pseudo import script_locale
from .render import Job

MANIFEST = ".manifest.json"
PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def code_hash() -> str:
    """Hash of the tool's own code, so a new version rebuilds everything."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _tree_hash(folder: Path) -> str:
    """Hash every file under a folder: names and bytes."""
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "-"


class Fingerprints:
    """Compute each job's input fingerprint, hashing shared inputs once."""

    def __init__(self, content: Content, templates: Path, extra: str = ""):
        self.content = content
        self.source = content.campaign.meta.source_language
        self.templates = templates
        folder = content.folder
        self.common = hashlib.sha256("\n".join([
            code_hash(), os.environ.get("SOURCE_DATE_EPOCH", ""), extra,
            _file_hash(folder / "campaign.yaml"), _file_hash(folder / "deck.yaml"),
            _tree_hash(folder / "regions"), _tree_hash(folder / "images"),
            _tree_hash(PACKAGE / "interface"),  # the tool's own labels and their catalogs
        ]).encode()).hexdigest()
        self._templates: dict[str, str] = {}
        self._fonts: dict[str, list[str]] = {}
        self._catalogs: dict[Path, str] = {}

    def _template_hash(self, kind: str) -> str:
        if kind not in self._templates:
            self._templates[kind] = _tree_hash(self.templates / kind)
        return self._templates[kind]

    def _font_stats(self, lang: str) -> list[str]:
        """The font files a language is set in, with their sizes and times: looked up once
        per language and build, not once per output (a no-op build has hundreds)."""
        if lang not in self._fonts:
            self._fonts[lang] = [f"{p}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
                                 for face in fonts.faces_for(lang)
                                 for p in sorted(set(fonts.locate(face).values()))]
        return self._fonts[lang]

    def _catalog(self, path: Path) -> str:
        """A locale's catalog hashed once per build, not once for each of its outputs."""
        if path not in self._catalogs:
            self._catalogs[path] = _file_hash(path)
        return self._catalogs[path]

    def of(self, job: Job, chapter=None) -> str:
        """The fingerprint of everything one output is made from, including the chapter
        it is personalized for (its data and its logo)."""
        locales = self.content.folder / "locales"
        language = job.locale.split("-")[0]
        font_stats = self._font_stats(script_locale(job.locale, self.source))
        personal = []
        if chapter is not None:
            personal.append(chapter.model_dump_json())
            if chapter.logo:
                personal.append(_file_hash(self.content.folder / chapter.logo))
        parts = [self.common, *map(self._template_hash, job.product.uses), str(job.relpath),
                 *personal,
                 self._catalog(locales / f"{job.locale}.po"),
                 self._catalog(locales / f"{language}.po"), *font_stats]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class Manifest:
    """The record in ``<out>/.manifest.json`` of what each output was made from."""

    def __init__(self, out_dir: Path, shard: tuple[int, int] = (1, 1)):
        self.path = out_dir / MANIFEST
        self.shard = shard
        """The slice of the build that writes here; recorded with each output if not 1/1."""
        try:
            self.entries: dict[str, dict] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}

    def is_fresh(self, job: Job, fingerprint: str, out_dir: Path) -> bool:
        """True if the output exists as written from these very inputs."""
        entry = self.entries.get(job.relpath.as_posix())
        target = out_dir / job.relpath
        if not entry or entry.get("inputs") != fingerprint or not target.is_file():
            return False
        if job.sidecar_relpath is not None and not (out_dir / job.sidecar_relpath).is_file():
            return False  # its alt text was deleted: write both again
        stat = target.stat()
        return entry.get("size") == stat.st_size and entry.get("mtime_ns") == stat.st_mtime_ns

    def record(self, job: Job, fingerprint: str, out_dir: Path) -> None:
        """Remember what an output just written was made from."""
        stat = (out_dir / job.relpath).stat()
        entry = {"inputs": fingerprint, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        if self.shard[1] > 1:  # so a merged folder still tells which machine made what
            entry["shard"] = f"{self.shard[0]}/{self.shard[1]}"
        self.entries[job.relpath.as_posix()] = entry

    def save(self) -> None:
        """Write the manifest atomically."""
        data = json.dumps(self.entries, indent=1, sort_keys=True).encode()
        atomic_write(self.path, data)
