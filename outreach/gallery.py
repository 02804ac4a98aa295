"""A static gallery of a build: ``<out>/index.html``, opened straight from disk.

It shows every output in every locale with a thumbnail of each page and links to the
files, so a coordinator can check a whole build at a glance. It needs no server, no
script and nothing from the network: only relative links to the outputs and to
``<out>/.thumbs/<relpath>/<n>.png``.

Outputs are found by folder, never by name: ``<out>/<locale>/<file>`` and, for the
chapters' personalized sets, ``<out>/chapters/<chapter>/<locale>/<file>``; ``.pdf`` and
``.pptx`` files only, skipping anything whose name starts with a dot (``.thumbs``,
``.manifest.json``, an ``atomic_write`` temporary) or ends with ``.part``, symbolic links,
and files at other depths (e.g. ``tools/previews.py``'s ``<out>/previews/``).

Thumbnails are remade only when an output's bytes change. ``thumbs.json`` beside each
output's thumbnails records the SHA-256 of the bytes they were made from, with the file's
size, mtime and inode: when those are unchanged the file is not even read; when they
differ but the hash is the same (``--force`` with SOURCE_DATE_EPOCH, a copy, a restored
CI artifact) only the record is refreshed. A preview that failed is tried again when its
output is written again. Thumbnails of outputs that are gone are removed.
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import json
import os
import re
import shutil
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from .output import atomic_write

THUMBS = ".thumbs"


def thumb_folder(rel) -> PurePosixPath:
    """Where an output's page thumbnails live under THUMBS: ``en/flyer-a4.pdf`` ->
    ``en/flyer-a4.pdf.pages`` (never a folder named like a PDF)."""
    rel = PurePosixPath(rel)
    return rel.with_name(rel.name + ".pages")
"""Folder under the output folder: ``<out>/.thumbs/<relpath>/<n>.png``, one PNG per page."""
INDEX = "index.html"
RECORD = "thumbs.json"
"""What a folder of thumbnails was made from, beside them."""
WIDTH = 220
"""Thumbnail width in pixels."""
FORMAT = 1
"""Bump when thumbnails are made differently, to remake them all."""
CHAPTERS = "chapters"
KINDS = (".pdf", ".pptx")
RTL = frozenset({"ar", "fa", "he", "ur"})
"""Languages written right to left even if Babel does not know the tag."""

DeckThumbnails = Callable[[bytes], list[bytes]]


# --- thumbnails ---------------------------------------------------------------------------

def _png(image, width_px: int) -> bytes:
    """Save a PIL image at ``width_px`` wide as PNG; no metadata, so the bytes are stable."""
    from PIL import Image

    image = image.convert("RGB")
    if image.width != width_px:
        height = max(1, round(image.height * width_px / image.width))
        image = image.resize((width_px, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
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


# --- finding outputs ----------------------------------------------------------------------

@dataclass
class Entry:
    """One output as the gallery shows it."""

    path: Path
    rel: PurePosixPath
    locale: str
    chapter: str | None
    size: int = 0
    pages: int | None = None
    thumbs: list[tuple[int, int]] = field(default_factory=list)
    """Width and height of each thumbnail, ``1.png`` first."""
    note: str = ""
    """Why there are no thumbnails, if there are none."""

    @property
    def is_deck(self) -> bool:
        return self.path.suffix.lower() == ".pptx"


def _visible(path: Path) -> bool:
    return not path.name.startswith(".") and not path.name.endswith(".part") and not path.is_symlink()


def _folders(folder: Path) -> list[Path]:
    try:
        return sorted((p for p in folder.iterdir() if _visible(p) and p.is_dir()), key=lambda p: p.name)
    except OSError:
        return []


def _files(folder: Path) -> list[Path]:
    try:
        return sorted((p for p in folder.iterdir() if _visible(p) and p.suffix.lower() in KINDS
                       and p.is_file()), key=lambda p: p.name)
    except OSError:
        return []


def find_outputs(out_dir: Path) -> list[Entry]:
    """Every output under ``out_dir``: the main set by locale, then each chapter's by locale."""
    entries = []

    def add(folder: Path, locale: str, chapter: str | None) -> None:
        for path in _files(folder):
            entries.append(Entry(path, PurePosixPath(path.relative_to(out_dir).as_posix()),
                                 locale, chapter))

    chapters = None
    for folder in _folders(out_dir):
        if folder.name == CHAPTERS:
            chapters = folder
        else:
            add(folder, folder.name, None)
    for chapter in _folders(chapters) if chapters else []:
        for locale in _folders(chapter):
            add(locale, locale.name, chapter.name)
    return entries


# --- keeping thumbnails up to date --------------------------------------------------------

def _read_record(folder: Path) -> dict:
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


class _Thumbnailer:
    """Make thumbnails for one update; remembers a missing renderer so it is tried once."""

    def __init__(self, deck_thumbnails: DeckThumbnails | None):
        self.deck_thumbnails = deck_thumbnails
        self.missing: set[str] = set()
        """Kinds whose renderer raised ImportError in this update."""

    def can(self, kind: str) -> bool:
        if kind in self.missing:
            return False
        return kind == ".pdf" or self.deck_thumbnails is not None

    def make(self, kind: str, data: bytes) -> tuple[list[bytes], int | None, str, bool]:
        """Return (PNGs, page count, note, renderer missing) for one output's bytes."""
        slides = _slide_count(data) if kind == ".pptx" else None
        if not self.can(kind):
            return [], slides, "no slide previews" if kind == ".pptx" else "no page previews", True
        try:
            if kind == ".pdf":
                pngs = pdf_thumbnails(data)
            else:
                pngs = list(self.deck_thumbnails(data))
        except ImportError:
            self.missing.add(kind)
            return [], slides, "no slide previews" if kind == ".pptx" else "no page previews", True
        except Exception as exc:  # noqa: BLE001 - a preview must never stop the build
            reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
            return [], slides, f"preview failed: {reason}", False
        return list(pngs), slides if kind == ".pptx" else len(pngs), "", False


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
    retry = bool(record.get("missing_renderer") and maker.can(kind))
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
        pngs, pages, note, missing = maker.make(kind, data)
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


# --- the page -----------------------------------------------------------------------------

def stamp() -> datetime:
    """The build time: SOURCE_DATE_EPOCH if set (reproducible builds), else now; UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    try:
        return datetime.fromtimestamp(int(epoch), UTC)
    except (ValueError, OverflowError, OSError):
        return datetime.now(UTC).replace(microsecond=0)


_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


@lru_cache(maxsize=256)
def _lang_dir(locale: str) -> tuple[str | None, str]:
    """The ``lang`` (None unless it looks like a BCP 47 tag) and ``dir`` of a locale folder."""
    if not _TAG.fullmatch(locale):
        return None, "ltr"
    try:
        from babel import Locale

        return locale, Locale.parse(locale, sep="-").text_direction
    except Exception:  # noqa: BLE001 - an unknown tag or no Babel: the known RTL languages
        return locale, "rtl" if locale.split("-")[0].lower() in RTL else "ltr"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _url(rel: PurePosixPath | str) -> str:
    """A relative URL for a path under the output folder, escaped for an attribute."""
    return _e(quote(str(rel), safe="/"))


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _kb(size: int) -> str:
    return f"{max(1, round(size / 1024)):,} KB"


def _card(entry: Entry, heading: str) -> str:
    name, href = entry.path.name, _url(entry.rel)
    unit = "slide" if entry.is_deck else "page"
    pages = _plural(entry.pages, unit) if entry.pages is not None else f"? {unit}s"
    kind = "deck" if entry.is_deck else "pdf"
    tiles = []
    for number, (width, height) in enumerate(entry.thumbs, 1):
        src = _url(PurePosixPath(THUMBS) / thumb_folder(entry.rel) / f"{number}.png")
        target = f"{href}#page={number}" if not entry.is_deck else href
        tiles.append(f'<a href="{target}"><img src="{src}" width="{width}" height="{height}" '
                     f'loading="lazy" decoding="async" alt="{_e(f"{unit} {number} of {name}")}"></a>')
    if not tiles:
        what = "No slide previews" if entry.is_deck else "No page previews"
        note = entry.note if entry.note.startswith("preview failed") else "open the file to view it"
        ratio = "16 / 9" if entry.is_deck else "17 / 22"
        tiles.append(f'<a class="placeholder" href="{href}" style="aspect-ratio: {ratio}" '
                     f'role="img" aria-label="{_e(f"{what} of {name}")}"><span lang="en" dir="ltr">'
                     f'<strong>{what}</strong><br>{_e(note)}</span></a>')
    return (f'<article class="card {kind}"><{heading} class="name"><a href="{href}"><bdi>{_e(name)}</bdi>'
            f'</a></{heading}><p class="meta"><span lang="en" dir="ltr">{pages} · {_kb(entry.size)}'
            f'</span></p><div class="pages">{"".join(tiles)}</div></article>')


def _counts(entries: list[Entry]) -> str:
    pages = sum(e.pages or 0 for e in entries if not e.is_deck)
    slides = sum(e.pages or 0 for e in entries if e.is_deck)
    parts = [_plural(len(entries), "file"), _plural(pages, "page")]
    if slides:
        parts.append(_plural(slides, "slide"))
    return " · ".join(parts)


def render(entries: list[Entry], when: datetime | None = None) -> str:
    """The gallery page for these entries (with thumbnails already made)."""
    when = when or stamp()
    groups: dict[tuple[str | None, str], list[Entry]] = {}
    for entry in entries:
        groups.setdefault((entry.chapter, entry.locale), []).append(entry)
    main = [(locale, items) for (chapter, locale), items in groups.items() if chapter is None]
    chapters: dict[str, list[tuple[str, list[Entry]]]] = {}
    for (chapter, locale), items in groups.items():
        if chapter is not None:
            chapters.setdefault(chapter, []).append((locale, items))
    ids = itertools.count(1)
    body: list[str] = []
    main_nav: list[str] = []
    chapter_nav: list[str] = []

    def section(locale: str, items: list[Entry], level: int, nav: list[str] | None) -> str:
        anchor = f"s{next(ids)}"
        lang, direction = _lang_dir(locale)
        attrs = f' lang="{_e(lang)}"' if lang else ""
        cards = "".join(_card(e, f"h{level + 1}") for e in items)
        if nav is not None:
            nav.append(f'<a href="#{anchor}"><bdi>{_e(locale)}</bdi></a>')
        return (f'<section class="locale" id="{anchor}"{attrs} dir="{direction}">'
                f'<h{level}><bdi>{_e(locale)}</bdi> <span class="count" lang="en" dir="ltr">'
                f'{_counts(items)}</span></h{level}><div class="grid">{cards}</div></section>')

    for locale, items in main:
        body.append(section(locale, items, 2, main_nav))
    for chapter, locales in chapters.items():
        anchor = f"s{next(ids)}"
        chapter_nav.append(f'<a href="#{anchor}"><bdi>{_e(chapter)}</bdi></a>')
        items = [e for _, group in locales for e in group]
        inner = "".join(section(locale, group, 3, None) for locale, group in locales)
        body.append(f'<section class="chapter" id="{anchor}"><h2><span class="label">Chapter</span> '
                    f'<bdi>{_e(chapter)}</bdi> <span class="count">{_counts(items)}</span></h2>'
                    f'{inner}</section>')
    nav = "".join((
        f'<p><span class="label">Locales</span> {" ".join(main_nav)}</p>' if main_nav else "",
        f'<p><span class="label">Chapters</span> {" ".join(chapter_nav)}</p>' if chapter_nav else ""))
    built = f"{when:%Y-%m-%d %H:%M} UTC"
    summary = _counts(entries)
    if chapters:
        summary += f" · {_plural(len(main), 'locale')} · {_plural(len(chapters), 'chapter')}"
    elif main:
        summary += f" · {_plural(len(main), 'locale')}"
    empty = "" if entries else '<p class="empty">No outputs yet.</p>'
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>Outreach build {built}</title>
<style>{CSS}</style>
</head>
<body>
<header class="top"><h1>Outreach build</h1>
<p class="summary">Built <time datetime="{when:%Y-%m-%dT%H:%M:%SZ}">{built}</time> · {summary}</p>
<nav>{nav}</nav></header>
<main>{empty}{"".join(body)}</main>
</body>
</html>
"""


CSS = f"""
:root {{ color-scheme: light; --ink: #1d2b36; --muted: #5b6b78; --line: #dde2e7;
  --link: #0b4f6c; --paper: #fff; --ground: #f3f5f7; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; padding: 1.5rem 2rem 3rem; background: var(--ground); color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }}
a {{ color: var(--link); text-decoration: none; }}
a:hover {{ text-decoration: underline; }}
h1 {{ margin: 0 0 .25rem; font-size: 1.6rem; }}
h2, h3 {{ margin: 2rem 0 .75rem; font-size: 1.25rem; }}
h3 {{ font-size: 1.1rem; margin-top: 1.25rem; }}
.top p {{ margin: .25rem 0; }}
.summary {{ color: var(--muted); }}
nav a {{ display: inline-block; margin: 0 .15rem .25rem 0; padding: .05rem .5rem;
  border: 1px solid var(--line); border-radius: 1rem; background: var(--paper); font-size: .9rem; }}
.label {{ color: var(--muted); font-size: .85rem; text-transform: uppercase; letter-spacing: .04em;
  margin-inline-end: .35rem; }}
.count {{ color: var(--muted); font-size: .85rem; font-weight: normal; margin-inline-start: .5rem; }}
.chapter {{ margin-top: 2.5rem; padding-top: .5rem; border-top: 2px solid var(--line); }}
.grid {{ display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }}
.card {{ background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
  padding: .7rem .8rem .8rem; min-width: 0; max-width: 100%;
  box-shadow: 0 1px 2px rgba(16, 32, 48, .05); }}
.card .name {{ margin: 0; font-size: .95rem; font-weight: 600; overflow-wrap: anywhere; }}
.meta {{ margin: .1rem 0 .6rem; color: var(--muted); font-size: .82rem; }}
.pages {{ display: flex; gap: .6rem; overflow-x: auto; padding: 2px 2px 6px; }}
.pages a {{ flex: none; display: block; }}
.pages img {{ display: block; max-width: none; background: #fff; border: 1px solid #c9d0d6;
  box-shadow: 0 1px 3px rgba(16, 32, 48, .18); }}
.placeholder {{ display: flex; align-items: center; justify-content: center; width: {WIDTH}px;
  padding: 1rem; text-align: center; font-size: .82rem; color: var(--muted); background: #f7f8fa;
  border: 1px dashed #b7c0c8; overflow-wrap: anywhere; }}
.placeholder strong {{ color: var(--ink); font-weight: 600; }}
.empty {{ color: var(--muted); }}
"""


# --- the one entry point ------------------------------------------------------------------

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
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        list(pool.map(_refresh_apart, jobs, chunksize=1))


def update(out_dir: Path, deck_thumbnails: DeckThumbnails | None = None,
           workers: int = 1) -> Path:
    """Bring the thumbnails up to date and write ``<out_dir>/index.html``; return its path.

    ``deck_thumbnails`` turns a .pptx's bytes into one PNG per slide; without it, or if it
    raises ImportError, decks get a labelled placeholder. A thumbnail that fails to render
    is shown as such; it never stops the build.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    root = out_dir / THUMBS
    entries = find_outputs(out_dir)
    if workers > 1:
        stale = []
        for entry in entries:
            folder = root / thumb_folder(entry.rel)
            record = _read_record(folder)
            try:
                stat = entry.path.stat()
            except FileNotFoundError:
                continue
            if not _up_to_date(record, folder, stat, retry=False):
                stale.append((entry, folder, deck_thumbnails))
        # Decks first: they take longest, so no process idles at the end.
        stale.sort(key=lambda job: job[0].path.suffix != ".pptx")
        if len(stale) > 1:
            _refresh_in_parallel(stale, workers)
    maker = _Thumbnailer(deck_thumbnails)
    present = []
    for entry in entries:
        try:
            _refresh(entry, root / thumb_folder(entry.rel), maker)
        except FileNotFoundError:
            continue  # removed while we looked
        present.append(entry)
    _prune(root, {root / thumb_folder(e.rel) for e in present})
    index = out_dir / INDEX
    page = render(present).encode()
    try:
        unchanged = index.read_bytes() == page
    except OSError:
        unchanged = False
    if not unchanged:
        atomic_write(index, page)
    return index
