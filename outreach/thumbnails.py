"""Page thumbnails of a build's outputs: ``<out>/.thumbs/<relpath>.pages/<n>.png``.

The gallery (``outreach.gallery``) shows them. Thumbnails are remade only when an output's
bytes change. ``thumbs.json`` beside each output's thumbnails records the SHA-256 of the
bytes they were made from, with the file's size, mtime and inode: when those are unchanged
the file is not even read; when they differ but the hash is the same (``--force`` with
SOURCE_DATE_EPOCH, a copy, a restored CI artifact) only the record is refreshed. A preview
that failed is tried again when its output is written again. Thumbnails of outputs that are
gone are removed.

A deck's slides are drawn by WeasyPrint (``render.slideview``), which costs seconds, so a
build never does it: it copies the pages of the slides PDF it drew from the same deck
(``drawn``), and otherwise leaves a placeholder with the slide count that
``python build.py gallery`` (or ``watch``) fills in.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import time
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .output import atomic_write

if TYPE_CHECKING:  # only for annotations: the gallery imports this module
    from .gallery import Entry

THUMBS = ".thumbs"
"""Folder under the output folder: ``<out>/.thumbs/<relpath>/<n>.png``, one PNG per page."""


def thumb_folder(rel) -> PurePosixPath:
    """Where an output's page thumbnails live under THUMBS: ``en/flyer-a4.pdf`` ->
    ``en/flyer-a4.pdf.pages`` (never a folder named like a PDF)."""
    rel = PurePosixPath(rel)
    return rel.with_name(rel.name + ".pages")


RECORD = "thumbs.json"
"""What a folder of thumbnails was made from, beside them."""
WIDTH = 220
"""Thumbnail width in pixels."""
FORMAT = 1
"""Bump when thumbnails are made differently, to remake them all."""

DeckThumbnails = Callable[[bytes], list[bytes]]
IMAGES = (".png", ".jpg")
WEB = ".html"
"""Web pages get no drawn thumbnail: the gallery shows the page itself, shrunk."""
"""Outputs that are pictures (e-flyers, share cards): each is its own thumbnail, scaled."""


# --- thumbnails ---------------------------------------------------------------------------

def _png(image, width_px: int) -> bytes:
    """Save a PIL image at ``width_px`` wide as PNG; no metadata, so the bytes are stable."""
    from PIL import Image

    image = image.convert("RGB")
    if image.width != width_px:
        height = max(1, round(image.height * width_px / image.width))
        image = image.resize((width_px, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    # zlib's default level: optimize=True took twice as long for files 2% smaller, and the
    # gallery's thumbnails are most of what it costs a build.
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_thumbnails(data: bytes, width_px: int = WIDTH) -> list[bytes]:
    """Render every page of a PDF to PNG ``width_px`` wide; the same input gives the same bytes.

    Pages are rendered at twice the size and scaled down, which keeps small text legible.
    Raises ImportError without pypdfium2 and ``pypdfium2.PdfiumError`` for a broken PDF.
    """
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        pngs = []
        for index in range(len(document)):
            page = document[index]
            try:
                width_pt = page.get_width() if page.get_rotation() % 180 == 0 else page.get_height()
                image = page.render(scale=2 * width_px / max(width_pt, 1.0)).to_pil()
            finally:
                page.close()
            pngs.append(_png(image, width_px))
        return pngs
    finally:
        document.close()


def deck_thumbnails(data: bytes) -> list[bytes]:
    """One PNG per slide of a .pptx, drawn from the deck itself by render.slideview."""
    from . import fonts
    from .render.slideview import deck_pdf

    return pdf_thumbnails(deck_pdf(data, fonts.css_families()))


def _slide_count(data: bytes) -> int | None:
    """The number of slides in a .pptx, or None if it cannot be read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(1 for n in archive.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n))
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _checked(png: bytes) -> tuple[bytes, tuple[int, int]]:
    """A renderer's picture as a PNG ``WIDTH`` wide, with its size; ValueError if it is
    not an image. A PNG already that wide is kept as it is."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(png)) as image:
            if image.format == "PNG" and image.width == WIDTH:
                return png, image.size
            png = _png(image, WIDTH)
        with Image.open(io.BytesIO(png)) as image:
            return png, image.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValueError(f"not an image: {exc}") from exc


# --- keeping thumbnails up to date --------------------------------------------------------

def _read_record(folder: Path) -> dict:
    """Read a folder's thumbs.json; a missing or broken record reads as empty."""
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _usable(record: dict, folder: Path) -> bool:
    """True if the record is of this format and all its thumbnails are on disk."""
    thumbs = record.get("thumbs")
    return (record.get("format") == FORMAT and record.get("width") == WIDTH
            and isinstance(thumbs, list)
            and all((folder / f"{n}.png").is_file() for n in range(1, len(thumbs) + 1)))


LATER = "slide previews not drawn yet"
"""A deck's note when no renderer was given: ``python build.py gallery`` draws them."""


class _Thumbnailer:
    """Make thumbnails for one update; remembers a missing renderer so it is tried once."""

    def __init__(self, deck_thumbnails: DeckThumbnails | None,
                 drawn: dict[PurePosixPath, tuple[Path, Path]] | None = None):
        self.deck_thumbnails = deck_thumbnails
        self.drawn = drawn or {}
        """Decks (by path under the output folder) whose slides PDF this build drew: that
        PDF and its thumbnail folder."""
        self.missing: set[str] = set()
        """Kinds whose renderer raised ImportError in this update."""

    def can(self, kind: str, rel: PurePosixPath | None = None) -> bool:
        """Tell whether outputs of this kind (.pdf, .pptx) can be previewed in this update."""
        if kind in self.missing:
            return False
        return (kind in (".pdf", WEB, *IMAGES) or self.deck_thumbnails is not None
                or rel in self.drawn)

    def make(self, kind: str, data: bytes,
             rel: PurePosixPath | None = None) -> tuple[list[bytes], int | None, str, bool]:
        """Return (PNGs, page count, note, renderer missing) for one output's bytes."""
        slides = _slide_count(data) if kind == ".pptx" else None
        if not self.can(kind, rel):
            note = (LATER if self.deck_thumbnails is None else "no slide previews") \
                if kind == ".pptx" else "no page previews"
            return [], slides, note, True
        if kind == WEB:
            return [], None, "", False
        try:
            if kind in IMAGES:
                pngs = [data]  # _checked scales it down to WIDTH
            elif kind == ".pdf":
                pngs = pdf_thumbnails(data)
            elif rel in self.drawn:
                pngs = _from_slides(*self.drawn[rel], slides)
            else:
                pngs = list(self.deck_thumbnails(data))
        except ImportError:
            self.missing.add(kind)
            return [], slides, "no slide previews" if kind == ".pptx" else "no page previews", True
        except Exception as exc:  # noqa: BLE001 - a preview must never stop the build
            reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
            return [], slides, f"preview failed: {reason}", False
        return list(pngs), slides if kind == ".pptx" else len(pngs), "", False


def _from_slides(pdf: Path, folder: Path, slides: int | None) -> list[bytes]:
    """A deck's thumbnails from the slides PDF drawn from it: that PDF's own thumbnails if
    they are up to date (made first), else its pages rendered now."""
    record = _read_record(folder)
    if _up_to_date(record, folder, pdf.stat(), retry=False) and record.get("pages") == slides:
        return [(folder / f"{n}.png").read_bytes() for n in range(1, len(record["thumbs"]) + 1)]
    pngs = pdf_thumbnails(pdf.read_bytes())
    if len(pngs) != slides:
        raise ValueError(f"its slides PDF has {len(pngs)} pages for {slides} slides")
    return pngs


def _stat_key(stat) -> list[int]:
    """What identifies an output file on disk without reading it."""
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


def _up_to_date(record: dict, folder: Path, stat, retry: bool) -> bool:
    """True if the thumbnails on disk were made from this very file (by its stat)."""
    return _usable(record, folder) and not retry and record.get("stat") == _stat_key(stat)


def _refresh(entry: Entry, folder: Path, maker: _Thumbnailer) -> None:
    """Bring one output's thumbnails up to date and fill in its page count and sizes."""
    stat = entry.path.stat()
    entry.size = stat.st_size
    kind = entry.path.suffix.lower()
    record = _read_record(folder)
    retry = bool(record.get("missing_renderer") and maker.can(kind, entry.rel))
    seen = _stat_key(stat)
    if _up_to_date(record, folder, stat, retry):
        return _fill(entry, record)
    data = entry.path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    # Same bytes written again: keep the thumbnails, but give a failed preview another try.
    if (_usable(record, folder) and not retry and record.get("sha256") == digest
            and not record.get("failed")):
        record["stat"] = seen
    else:
        pngs, pages, note, missing = maker.make(kind, data, entry.rel)
        thumbs = []
        try:
            for number, png in enumerate(pngs, 1):
                pngs[number - 1], size = _checked(png)
                thumbs.append(list(size))
        except ValueError as exc:
            pngs, thumbs, note = [], [], f"preview failed: page {number}: {exc}"
        folder.mkdir(parents=True, exist_ok=True)
        for number, png in enumerate(pngs, 1):
            target = folder / f"{number}.png"
            if not target.is_file() or target.read_bytes() != png:
                atomic_write(target, png)
        _tidy(folder, len(pngs))
        record = {"format": FORMAT, "width": WIDTH, "sha256": digest, "stat": seen,
                  "pages": pages, "thumbs": thumbs, "note": note, "missing_renderer": missing,
                  "failed": note.startswith("preview failed")}
    atomic_write(folder / RECORD, json.dumps(record, indent=1, sort_keys=True).encode())
    _fill(entry, record)


def _fill(entry: Entry, record: dict) -> None:
    """Copy the page count, thumbnail sizes and note from a record onto its entry."""
    pages = record.get("pages")
    entry.pages = pages if isinstance(pages, int) else None
    entry.thumbs = [(int(w), int(h)) for w, h in record.get("thumbs", [])]
    entry.note = str(record.get("note", ""))


def _tidy(folder: Path, count: int) -> None:
    """Remove page PNGs past ``count`` and temporaries a killed update left behind."""
    keep = {f"{n}.png" for n in range(1, count + 1)} | {RECORD}
    for path in folder.iterdir():
        if path.name in keep or path.is_dir():
            continue
        if path.name.endswith(".part") and time.time() - path.stat().st_mtime < 60:
            continue  # another update's write in progress
        path.unlink(missing_ok=True)


def _prune(root: Path, wanted: set[Path]) -> None:
    """Delete everything under ``root`` that is not the thumbnail folder of a current output."""
    if not root.is_dir():
        return
    keep = set(wanted)
    for folder in wanted:
        keep.update(p for p in folder.parents if p != root and root in p.parents)
    for current, dirs, files in os.walk(root):
        here = Path(current)
        for name in files:
            (here / name).unlink(missing_ok=True)
        for name in list(dirs):
            path = here / name
            if path in wanted:
                dirs.remove(name)  # its own files are kept up to date by _refresh
            elif path not in keep:
                dirs.remove(name)
                if path.is_symlink():
                    path.unlink(missing_ok=True)
                else:
                    shutil.rmtree(path, ignore_errors=True)


# --- all of them at once ------------------------------------------------------------------

def _refresh_apart(job: tuple[Entry, Path, DeckThumbnails | None]) -> None:
    """Run in a worker process: make one output's thumbnails and record them on disk."""
    entry, folder, deck_thumbnails = job
    try:
        _refresh(entry, folder, _Thumbnailer(deck_thumbnails))
    except FileNotFoundError:
        pass


def _refresh_in_parallel(jobs: list, workers: int) -> None:
    """Render thumbnails in ``workers`` forked processes; the records they leave let the
    serial pass that follows take its fast path."""
    from .workers import map_all  # the build's pool: bound to this process, Ctrl-C safe

    list(map_all(_refresh_apart, jobs, workers))


def update_thumbnails(root: Path, entries: list[Entry], deck_thumbnails: DeckThumbnails | None,
                      workers: int = 1,
                      drawn: dict[PurePosixPath, PurePosixPath] | None = None) -> list[Entry]:
    """Bring the entries' thumbnails under ``root`` up to date; delete those of other outputs.

    ``drawn`` maps a deck to the slides PDF drawn from it (both paths under the output
    folder): its thumbnails are that PDF's pages. Return the entries still on disk, with
    their sizes, page counts and thumbnails filled in.
    """
    by_rel = {entry.rel: entry for entry in entries}
    partners = {PurePosixPath(deck): (by_rel[PurePosixPath(pdf)].path,
                                      root / thumb_folder(PurePosixPath(pdf)))
                for deck, pdf in (drawn or {}).items() if PurePosixPath(pdf) in by_rel}
    if workers > 1:
        _refresh_stale(root, entries, deck_thumbnails, partners, workers)
    maker = _Thumbnailer(deck_thumbnails, partners)
    present = set()
    # Slides PDFs before the decks that copy their thumbnails.
    for entry in sorted(entries, key=lambda e: e.rel in partners):
        try:
            _refresh(entry, root / thumb_folder(entry.rel), maker)
        except FileNotFoundError:
            continue  # removed while we looked
        present.add(entry.rel)
    kept = [entry for entry in entries if entry.rel in present]
    _prune(root, {root / thumb_folder(e.rel) for e in kept})
    return kept


def _refresh_stale(root: Path, entries: list[Entry], deck_thumbnails: DeckThumbnails | None,
                   partners: dict, workers: int) -> None:
    """Render the stale thumbnails that cost something in ``workers`` processes first."""
    stale = []
    for entry in entries:
        folder = root / thumb_folder(entry.rel)
        record = _read_record(folder)
        try:
            stat = entry.path.stat()
        except FileNotFoundError:
            continue
        deck = entry.path.suffix.lower() == ".pptx"
        # A deck copied from its slides PDF, or left for later, is quick: the serial pass.
        if deck and (entry.rel in partners or deck_thumbnails is None):
            continue
        if not _up_to_date(record, folder, stat, retry=False):
            stale.append((entry, folder, deck_thumbnails))
    # Decks first: they take longest, so no process idles at the end.
    stale.sort(key=lambda job: job[0].path.suffix != ".pptx")
    if len(stale) > 1:
        _refresh_in_parallel(stale, workers)
