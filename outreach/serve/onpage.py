"""A product's pages beside the strings printed on them, so a translator sees where each
string lands.

The product is rendered for the locale as a build would (its catalog as it is on disk),
each page drawn to a PNG, and every translatable text looked for in the page's text as
pdfplumber reads it: whitespace, hyphens and case are ignored (lines wrap, headings are
upper-cased by the stylesheet), a label pattern is found by its longest fixed part, and a
text inside a longer one that was already found there is not counted again. The result is
cached under the desk's cache folder, keyed by the files it was made from.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import i18n
from ..content import Content
from ..localize import localize, paper_for
from ..markup import plain
from ..output import atomic_write
from ..pofile import PLACEHOLDER
from ..render import PRODUCTS, Job, renderer
from ..thumbnails import pdf_thumbnails

VIEWS = ("flyer", "poster", "brochure", "cards", "flyer-large")
"""Products a translator can see page by page (print PDFs of a few pages)."""
WIDTH = 1000
"""Page images' width in pixels."""
FORMAT = 1
"""Bump when pages or their strings are made differently, to remake the cached ones."""
MOST = 6
"""Places marked on a page for one string, at most (a word may recur)."""
_DROP = str.maketrans("", "", "-\u00ad\u2010\u2011\u200b")


@dataclass(frozen=True)
class Box:
    """Where a piece of a string is on the page, in PDF points from the top left."""

    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class Placed:
    """A string found on a page, numbered in reading order."""

    number: int
    id: str
    source: str
    printed: str
    """The text as printed: the translation, or the source text it falls back to."""
    state: str
    """``translated``, ``fuzzy`` or ``untranslated``."""
    line: int | None
    """Its entry's line in the PO file, if the catalog has one."""
    boxes: tuple[Box, ...]


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    strings: tuple[Placed, ...]


@dataclass(frozen=True)
class View:
    """A product rendered for a locale: its pages (their images are files in ``folder``)."""

    product: str
    paper: str | None
    pages: tuple[Page, ...]
    folder: Path

    def image(self, number: int) -> Path:
        return self.folder / f"page-{number}.png"


def _normal(text: str) -> str:
    return "".join(text.split()).translate(_DROP).casefold()


def _needle(printed: str) -> str:
    """What to look for: the text's words without marks; a pattern's longest fixed part."""
    pieces = [_normal(piece) for piece in PLACEHOLDER.split(plain(printed))]
    best = max(pieces, key=len, default="")
    return best if len(best) >= 3 or (best and len(pieces) == 1) else ""


def _line_boxes(chars: list[dict]) -> tuple[Box, ...]:
    """One box per line of the matched characters."""
    boxes: list[list[float]] = []
    for c in chars:
        last = boxes[-1] if boxes else None
        if last and c["top"] < last[3] and c["bottom"] > last[1]:
            last[0], last[2] = min(last[0], c["x0"]), max(last[2], c["x1"])
            last[1], last[3] = min(last[1], c["top"]), max(last[3], c["bottom"])
        else:
            boxes.append([c["x0"], c["top"], c["x1"], c["bottom"]])
    return tuple(Box(*(round(v, 1) for v in b)) for b in boxes)


def locate(pdf: bytes, texts: list[tuple[str, str]]) -> list[tuple[float, float, dict]]:
    """For each page of a PDF: (width, height, {id: boxes}) of the texts ``(id, printed)``
    found on it, longest first, never inside a longer text already found there."""
    import pdfplumber

    order = sorted(((ident, _needle(printed)) for ident, printed in texts),
                   key=lambda pair: (-len(pair[1]), pair[0].startswith("deck.")))
    pages = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            hay, owners = [], []
            for c in page.chars:
                for ch in _normal(c["text"]):
                    hay.append(ch)
                    owners.append(c)
            text, taken, found = "".join(hay), [False] * len(hay), {}
            for ident, needle in order:
                if not needle:
                    continue
                start, boxes = text.find(needle), []
                while start >= 0 and len(boxes) < MOST:
                    span = range(start, start + len(needle))
                    if not any(taken[i] for i in span):
                        for i in span:
                            taken[i] = True
                        boxes += _line_boxes([owners[i] for i in span if i == start
                                              or owners[i] is not owners[i - 1]])
                    start = text.find(needle, start + len(needle))
                if boxes:
                    found[ident] = boxes
            pages.append((float(page.width), float(page.height), found))
    return pages


def _stamp(folders: list[Path]) -> str:
    """A hash of every file's path, size and modification time under these folders."""
    hashed = hashlib.sha256()
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                path = Path(root, name)
                try:
                    stat = path.stat()
                except OSError:
                    continue
                hashed.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return hashed.hexdigest()


_RENDERING = threading.Lock()
"""One page view renders at a time (WeasyPrint in the server's threads); the others wait."""


def view(content: Content, locale: str, product: str, templates_dir: Path,
         cache_dir: Path) -> View:
    """Render ``product`` for ``locale`` (or take it from the cache) and place its strings."""
    paper = paper_for(content, locale)
    paper = paper if PRODUCTS[product].papers else None
    key = hashlib.sha256(json.dumps([FORMAT, str(content.folder), locale, product, paper,
                                     _stamp([content.folder, templates_dir / "print"])])
                         .encode()).hexdigest()[:32]
    root = cache_dir / "translate"
    folder = root / key
    record = folder / "strings.json"
    with _RENDERING:
        if not record.is_file():
            pages = _make(content, locale, product, paper, templates_dir, folder)
            atomic_write(record, json.dumps([asdict(p) for p in pages]).encode())
            _forget_others(root, key, f"{content.folder}\0{locale}\0{product}")
    pages = tuple(Page(p["number"], p["width"], p["height"],
                       tuple(Placed(**{**s, "boxes": tuple(Box(**b) for b in s["boxes"])})
                             for s in p["strings"]))
                  for p in json.loads(record.read_text(encoding="utf-8")))
    return View(product, paper, pages, folder)


def _make(content: Content, locale: str, product: str, paper: str | None,
          templates_dir: Path, folder: Path) -> list[Page]:
    edition = localize(content, locale)
    job = Job(locale, PRODUCTS[product], paper)
    pdf = renderer(job.product).render(edition, job, templates_dir, content.folder,
                                       lambda warning: None)
    tr = i18n.translation(content, locale)
    texts = i18n.texts(content)
    printed = {t.id: tr.strings.get(t.id, t.value) for t in texts}
    by_id = {t.id: t for t in texts}
    for number, png in enumerate(pdf_thumbnails(pdf, WIDTH), 1):
        atomic_write(folder / f"page-{number}.png", png)
    pages = []
    for number, (width, height, found) in enumerate(locate(pdf, list(printed.items())), 1):
        ranked = sorted(found.items(), key=lambda item: (item[1][0].top, item[1][0].x0))
        strings = tuple(
            Placed(rank, ident, by_id[ident].value, printed[ident],
                   "fuzzy" if ident in tr.fuzzy else
                   "untranslated" if ident in tr.missing else "translated",
                   tr.lines.get(ident), tuple(boxes))
            for rank, (ident, boxes) in enumerate(ranked, 1))
        pages.append(Page(number, width, height, strings))
    return pages


def _forget_others(root: Path, key: str, owner: str) -> None:
    """Remove older renders of the same campaign, locale and product (a catalog changed)."""
    (root / key / "owner").write_text(owner, encoding="utf-8")
    for folder in root.iterdir():
        if folder.name != key and (folder / "owner").is_file() and \
                (folder / "owner").read_text(encoding="utf-8") == owner:
            shutil.rmtree(folder, ignore_errors=True)
