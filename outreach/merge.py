"""Join the output folders of a sharded build into one, with one manifest and one gallery.

Each machine of a scheduler builds its slice (``--shard auto``) into its own folder; this
copies every output of every slice into one folder, atomically and under that folder's
lock, merges their manifests, reuses the thumbnails they drew, and writes one gallery.
Two slices holding the same file with different bytes is an error: nothing is copied.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import gallery
from .errors import UsageError
from .manifest import MANIFEST, Manifest
from .output import atomic_write, locked, remove_stale_parts
from .thumbnails import RECORD, THUMBS, thumb_folder
from .workers import workers_for

_NOT_OUTPUTS = {gallery.INDEX, gallery.GALLERY, gallery.CAMPAIGNS}
"""Top-level names in a build folder that are not its outputs: the gallery's pages (remade)
and other campaigns' builds (each merged on its own)."""


@dataclass
class MergeReport:
    """What a merge did."""

    copied: list[PurePosixPath] = field(default_factory=list)
    unchanged: list[PurePosixPath] = field(default_factory=list)
    """Files already in the output folder with the same bytes, left as they were."""
    shards: int = 0


@dataclass
class _Shard:
    folder: Path
    entries: dict[str, dict]
    files: list[PurePosixPath]


def _read_shard(folder: Path) -> _Shard:
    """Read one slice's folder and manifest; a folder that is not a build is a UsageError."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise UsageError(f"{folder} is not a build output folder (it has no {MANIFEST}); "
                         "give the folders that 'build.py --shard' wrote")
    try:
        entries = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{manifest} cannot be read ({exc}); rebuild that shard") from None
    if not isinstance(entries, dict):
        raise UsageError(f"{manifest} is not a build manifest; rebuild that shard")
    return _Shard(folder, entries, _outputs(folder))


def _outputs(folder: Path) -> list[PurePosixPath]:
    """Every file a build wrote under ``folder``, as relative paths, in a stable order."""
    found = []
    for current, dirs, files in os.walk(folder):
        here = Path(current)
        top = here == folder
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not (top and d in _NOT_OUTPUTS) and not (here / d).is_symlink())
        for name in sorted(files):
            path = here / name
            if name.startswith(".") or name.endswith(".part") or path.is_symlink() \
                    or (top and name in _NOT_OUTPUTS):
                continue  # the manifest, the lock, temporaries: not outputs (as in the gallery)
            found.append(PurePosixPath(path.relative_to(folder).as_posix()))
    return found


def _same(a: Path, b: Path) -> bool:
    """True if two files hold the same bytes."""
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


def _plan(shards: list[_Shard]) -> dict[PurePosixPath, _Shard]:
    """Which slice each file comes from; raise UsageError naming every conflict."""
    chosen: dict[PurePosixPath, _Shard] = {}
    conflicts = []
    for shard in shards:
        for rel in shard.files:
            first = chosen.setdefault(rel, shard)
            if first is not shard and not _same(first.folder / rel, shard.folder / rel):
                conflicts.append(f"  {rel}: {first.folder / rel} and {shard.folder / rel}")
    if conflicts:
        raise UsageError(f"{len(conflicts)} file(s) differ between shards, so they were not "
                         "built from the same content; nothing was merged:\n"
                         + "\n".join(conflicts) + "\nrebuild every shard from one commit")
    return chosen


def _entry(rel: PurePosixPath, shards: list[_Shard]) -> dict | None:
    """The first manifest entry for ``rel`` among ``shards`` (the same bytes, if several)."""
    for shard in shards:
        entry = shard.entries.get(rel.as_posix())
        if isinstance(entry, dict):
            return entry
    return None


def _copy_thumbnails(source: Path, target: Path) -> None:
    """Copy the thumbnails a slice drew for one output, so the gallery need not redraw them.

    Their record names the output's old inode, so the gallery checks the copy's SHA-256 and
    keeps them when the bytes match (outreach.thumbnails)."""
    if not (source / RECORD).is_file():
        return
    for path in sorted(source.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            atomic_write(target / path.name, path.read_bytes())


def merge(shard_dirs: list[Path], out_dir: Path, workers: int | None = None,
          lock_timeout: float = 600.0) -> MergeReport:
    """Copy every slice's outputs into ``out_dir``, merge the manifests, write one gallery."""
    if not shard_dirs:
        raise UsageError("say which folders to merge: merge SHARD_DIR... --out DIR")
    out_dir = Path(out_dir)
    for folder in shard_dirs:
        if Path(folder).resolve() == out_dir.resolve():
            raise UsageError(f"{folder} is both a shard and the output folder; merge into "
                             "another folder with --out")
    shards = [_read_shard(Path(folder)) for folder in shard_dirs]
    chosen = _plan(shards)  # every conflict is found before anything is written
    report = MergeReport(shards=len(shards))
    with locked(out_dir, lock_timeout):
        remove_stale_parts(out_dir)
        manifest = Manifest(out_dir)  # a merge into an earlier merge keeps its entries
        for rel, shard in chosen.items():
            source, target = shard.folder / rel, out_dir / rel
            if target.is_file() and _same(source, target):
                report.unchanged.append(rel)
            else:
                atomic_write(target, source.read_bytes())
                _copy_thumbnails(shard.folder / THUMBS / thumb_folder(rel),
                                 out_dir / THUMBS / thumb_folder(rel))
                report.copied.append(rel)
            entry = _entry(rel, [shard, *shards])
            if entry is not None:  # sidecars have none, as in a build
                stat = target.stat()  # the copy's, so the next build finds it up to date
                manifest.entries[rel.as_posix()] = {**entry, "size": stat.st_size,
                                                    "mtime_ns": stat.st_mtime_ns}
        manifest.save()
        # As a build does: a deck's previews come from its slides PDF beside it, if any.
        decks = [PurePosixPath(rel) for rel in manifest.entries if rel.endswith("/deck.pptx")]
        drawn = {rel.as_posix(): (rel.parent / "slides.pdf").as_posix() for rel in decks
                 if (out_dir / rel.parent / "slides.pdf").is_file()}
        gallery.update(out_dir, None, workers_for(10**6, workers), drawn)
    return report
