"""A static gallery of a build: ``<out>/index.html``, opened straight from disk.

It shows every output in every locale with a thumbnail of each page and links to the
files, so a coordinator can check a whole build at a glance. It needs no server, no
script and nothing from the network: only relative links to the outputs and to
``<out>/.thumbs/<relpath>/<n>.png``.

Outputs are found by folder, never by name: ``<out>/<locale>/<file>`` and, for the
chapters' personalized sets, ``<out>/chapters/<chapter>/<locale>/<file>``; ``.pdf`` and
``.pptx`` files and ``.png`` and ``.jpg`` pictures (whose alt text, if a ``.txt`` sidecar
sits beside one, is shown with it), skipping anything whose name starts with a dot (``.thumbs``,
``.manifest.json``, an ``atomic_write`` temporary) or ends with ``.part``, symbolic links,
and files at other depths (e.g. ``tools/previews.py``'s ``<out>/previews/``).

So that a whole state's chapters never make one enormous page, the top page shows the
campaign's own set by locale and lists the chapters; each chapter has its own page,
``<out>/gallery/chapters/<chapter>.html``, with its outputs' cards. Pages are rewritten only
when their bytes change, and a chapter's page carries no build time, so a build that leaves
a chapter alone leaves its page alone too.

Thumbnails are kept by ``outreach.thumbnails``, remade only when an output's bytes change.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from .gallery_css import CSS
from .output import atomic_write
from .thumbnails import (
    FORMAT,
    IMAGES,
    LATER,
    RECORD,
    THUMBS,
    WEB,
    WIDTH,
    DeckThumbnails,
    _slide_count,
    deck_thumbnails,
    pdf_thumbnails,
    thumb_folder,
    update_thumbnails,
)

__all__ = ["CHAPTERS", "CSS", "FORMAT", "GALLERY", "INDEX", "KINDS", "RECORD", "RTL", "THUMBS", "WIDTH",
           "DeckThumbnails", "Entry", "chapter_page", "deck_thumbnails", "find_outputs",
           "pages", "pdf_thumbnails", "render", "render_chapter", "stamp", "thumb_folder", "update"]
# _slide_count is imported too: tests call gallery._slide_count.

INDEX = "index.html"
CHAPTERS = "chapters"
GALLERY = "gallery"
"""The gallery's own pages besides the top one: ``<out>/gallery/chapters/<chapter>.html``."""
CAMPAIGNS = "campaigns"
"""Under a build's folder, other campaigns' builds (output/campaigns/<name>/), each with its
own gallery; this gallery links to them, and theirs link back."""
KINDS = (".pdf", ".pptx", *IMAGES, WEB)
RTL = frozenset({"ar", "fa", "he", "ur"})
"""Languages written right to left even if Babel does not know the tag."""


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

    @property
    def is_web(self) -> bool:
        return self.path.suffix.lower() == WEB

    @property
    def is_image(self) -> bool:
        return self.path.suffix.lower() in IMAGES

    @property
    def alt_text(self) -> str | None:
        """A picture's alt text: its .txt sidecar (share cards), if there is one."""
        sidecar = self.path.with_suffix(".txt")
        try:
            return sidecar.read_text(encoding="utf-8").strip() if self.is_image else None
        except (OSError, UnicodeDecodeError):
            return None


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
        elif folder.name not in (CAMPAIGNS, GALLERY):
            add(folder, folder.name, None)
    for chapter in _folders(chapters) if chapters else []:
        for locale in _folders(chapter):
            add(locale, locale.name, chapter.name)
    return entries


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


def _card(entry: Entry, heading: str, up: str = "") -> str:
    """One output's card; ``up`` leads from the page's folder to the output folder."""
    name, href = entry.path.name, up + _url(entry.rel)
    unit = "slide" if entry.is_deck else "picture" if entry.is_image else "page"
    pages = "web page" if entry.is_web else (
        _plural(entry.pages, unit) if entry.pages is not None else f"? {unit}s")
    kind = "deck" if entry.is_deck else "image" if entry.is_image else \
        "web" if entry.is_web else "pdf"
    alt = entry.alt_text
    tiles = []
    for number, (width, height) in enumerate(entry.thumbs, 1):
        src = up + _url(PurePosixPath(THUMBS) / thumb_folder(entry.rel) / f"{number}.png")
        target = f"{href}#page={number}" if kind == "pdf" else href
        tiles.append(f'<a href="{target}"><img src="{src}" width="{width}" height="{height}" '
                     f'loading="lazy" decoding="async" alt="{_e(alt or f"{unit} {number} of {name}")}"></a>')
    if entry.is_web:  # the page itself, shrunk: it is self-contained and fetches nothing
        tiles.append(f'<a class="web-preview" href="{href}"><iframe src="{href}" loading="lazy" '
                     f'tabindex="-1" aria-hidden="true" title="{_e(name)}"></iframe></a>')
    elif not tiles:
        what = "No slide previews" if entry.is_deck else "No page previews"
        note = entry.note if entry.note.startswith("preview failed") else "open the file to view it"
        if entry.note == LATER:  # a build leaves WeasyPrint's seconds to the gallery command
            what, note = "Slides not drawn yet", "python build.py gallery draws them"
        ratio = "16 / 9" if entry.is_deck else "17 / 22"
        tiles.append(f'<a class="placeholder" href="{href}" style="aspect-ratio: {ratio}" '
                     f'role="img" aria-label="{_e(f"{what} of {name}")}"><span lang="en" dir="ltr">'
                     f'<strong>{what}</strong><br>{_e(note)}</span></a>')
    sidecar = "" if alt is None else (
        f'<p class="alt"><a href="{up}{_url(entry.rel.with_suffix(".txt"))}"><span lang="en" dir="ltr">'
        f'alt text</span></a>: {_e(alt)}</p>')
    return (f'<article class="card {kind}"><{heading} class="name"><a href="{href}"><bdi>{_e(name)}</bdi>'
            f'</a></{heading}><p class="meta"><span lang="en" dir="ltr">{pages} · {_kb(entry.size)}'
            f'</span></p><div class="pages">{"".join(tiles)}</div>{sidecar}</article>')


def _counts(entries: list[Entry]) -> str:
    pages = sum(e.pages or 0 for e in entries if not e.is_deck and not e.is_image)
    slides = sum(e.pages or 0 for e in entries if e.is_deck)
    pictures = sum(1 for e in entries if e.is_image)
    parts = [_plural(len(entries), "file"), _plural(pages, "page")]
    if slides:
        parts.append(_plural(slides, "slide"))
    if pictures:
        parts.append(_plural(pictures, "picture"))
    return " · ".join(parts)


def campaign_links(out_dir: Path) -> list[tuple[str, str]]:
    """The other campaigns' galleries, as (name, relative link): the ones built under
    ``<out_dir>/campaigns/``, and, for a build that is one of those, the main one and its
    siblings."""
    out_dir = Path(out_dir)
    links = [(p.name, f"{CAMPAIGNS}/{p.name}/{INDEX}") for p in _folders(out_dir / CAMPAIGNS)
             if (p / INDEX).is_file()]
    parent = out_dir.parent
    if parent.name == CAMPAIGNS and (parent.parent / INDEX).is_file():
        links.append((parent.parent.name, f"../../{INDEX}"))
        links += [(p.name, f"../{p.name}/{INDEX}") for p in _folders(parent)
                  if p != out_dir and (p / INDEX).is_file()]
    return links


def _groups(entries: list[Entry]):
    """The main set's (locale, entries) in order, and each chapter's, in order."""
    groups: dict[tuple[str | None, str], list[Entry]] = {}
    for entry in entries:
        groups.setdefault((entry.chapter, entry.locale), []).append(entry)
    main = [(locale, items) for (chapter, locale), items in groups.items() if chapter is None]
    chapters: dict[str, list[tuple[str, list[Entry]]]] = {}
    for (chapter, locale), items in groups.items():
        if chapter is not None:
            chapters.setdefault(chapter, []).append((locale, items))
    return main, chapters


def chapter_page(chapter: str) -> PurePosixPath:
    """Where a chapter's gallery page goes under the output folder."""
    return PurePosixPath(GALLERY, CHAPTERS, f"{chapter}.html")


def _sections(locales: list[tuple[str, list[Entry]]], level: int, up: str
              ) -> tuple[list[str], list[str]]:
    """A section of cards per locale, and the nav links to them."""
    body, nav = [], []
    for number, (locale, items) in enumerate(locales, 1):
        anchor = f"s{number}"
        lang, direction = _lang_dir(locale)
        attrs = f' lang="{_e(lang)}"' if lang else ""
        cards = "".join(_card(e, f"h{level + 1}", up) for e in items)
        nav.append(f'<a href="#{anchor}"><bdi>{_e(locale)}</bdi></a>')
        body.append(f'<section class="locale" id="{anchor}"{attrs} dir="{direction}">'
                     f'<h{level}><bdi>{_e(locale)}</bdi> <span class="count" lang="en" dir="ltr">'
                     f'{_counts(items)}</span></h{level}><div class="grid">{cards}</div></section>')
    return body, nav


def _html(title: str, header: str, main: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>{title}</title>
<style>{CSS}</style>
</head>
<body>
<header class="top">{header}</header>
<main>{main}</main>
</body>
</html>
"""


def render(entries: list[Entry], when: datetime | None = None,
           campaigns: list[tuple[str, str]] = ()) -> str:
    """The gallery's top page for these entries (with thumbnails already made): the main
    set's cards by locale, then a list of the chapters, each linking to its own page."""
    when = when or stamp()
    main, chapters = _groups(entries)
    body, main_nav = _sections(main, 2, "")
    if chapters:
        items = []
        for chapter, locales in chapters.items():
            files = [e for _, group in locales for e in group]
            codes = ", ".join(f"<bdi>{_e(locale)}</bdi>" for locale, _ in locales)
            items.append(f'<li><a href="{_url(chapter_page(chapter))}"><bdi>{_e(chapter)}</bdi>'
                         f'</a> <span class="count">{_counts(files)}</span> '
                         f'<span class="locales">{codes}</span></li>')
        body.append(f'<section class="chapters" id="chapters"><h2><span class="label">'
                    f'Chapters</span> <span class="count">{_plural(len(chapters), "chapter")}'
                    f'</span></h2><ul class="chapter-list">{"".join(items)}</ul></section>')
    nav = "".join((
        f'<p><span class="label">Locales</span> {" ".join(main_nav)}</p>' if main_nav else "",
        f'<p><span class="label">Chapters</span> <a href="#chapters">'
        f'{_plural(len(chapters), "chapter")}</a></p>' if chapters else "",
        '<p><span class="label">Campaigns</span> ' + " ".join(
            f'<a href="{_e(link)}"><bdi>{_e(name)}</bdi></a>' for name, link in campaigns)
        + "</p>" if campaigns else ""))
    built = f"{when:%Y-%m-%d %H:%M} UTC"
    summary = _counts(entries)
    if chapters:
        summary += f" · {_plural(len(main), 'locale')} · {_plural(len(chapters), 'chapter')}"
    elif main:
        summary += f" · {_plural(len(main), 'locale')}"
    empty = "" if entries else '<p class="empty">No outputs yet.</p>'
    header = (f'<h1>Outreach build</h1>\n<p class="summary">Built <time datetime="'
              f'{when:%Y-%m-%dT%H:%M:%SZ}">{built}</time> · {summary}</p>\n<nav>{nav}</nav>')
    return _html(f"Outreach build {built}", header, empty + "".join(body))


def render_chapter(chapter: str, locales: list[tuple[str, list[Entry]]]) -> str:
    """One chapter's page: its cards by locale, linking back to the top page. It carries no
    build time, so a chapter whose outputs did not change keeps the same bytes."""
    up = "../../"
    body, nav = _sections(locales, 2, up)
    files = [e for _, group in locales for e in group]
    header = (f'<p class="back"><a href="{up}{INDEX}">All outputs</a></p>\n<h1>'
              f'<span class="label">Chapter</span> <bdi>{_e(chapter)}</bdi></h1>\n'
              f'<p class="summary">{_counts(files)} · {_plural(len(locales), "locale")}</p>\n'
              f'<nav><p><span class="label">Locales</span> {" ".join(nav)}</p></nav>')
    return _html(f"Chapter {_e(chapter)} · Outreach build", header, "".join(body))


def pages(entries: list[Entry], when: datetime | None = None,
          campaigns: list[tuple[str, str]] = ()) -> dict[PurePosixPath, str]:
    """Every page of the gallery, by its path under the output folder: the top page and
    one page per chapter."""
    _, chapters = _groups(entries)
    found = {PurePosixPath(INDEX): render(entries, when, campaigns)}
    for chapter, locales in chapters.items():
        found[chapter_page(chapter)] = render_chapter(chapter, locales)
    return found


# --- the one entry point ------------------------------------------------------------------

def update(out_dir: Path, deck_thumbnails: DeckThumbnails | None = None,
           workers: int = 1, drawn: dict | None = None) -> Path:
    """Bring the thumbnails up to date and write ``<out_dir>/index.html``; return its path.

    ``deck_thumbnails`` turns a .pptx's bytes into one PNG per slide; ``drawn`` maps a deck
    to the slides PDF drawn from it (paths under ``out_dir``), whose pages are then its
    thumbnails. A deck with neither, or whose renderer raises ImportError, gets a labelled
    placeholder with its slide count. A thumbnail that fails to render is shown as such;
    it never stops the build.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    present = update_thumbnails(out_dir / THUMBS, find_outputs(out_dir), deck_thumbnails, workers,
                                drawn)
    made = pages(present, campaigns=campaign_links(out_dir))
    for rel, text in made.items():
        _write_if_changed(out_dir / rel, text.encode())
    _remove_stale_pages(out_dir / GALLERY / CHAPTERS, set(made))
    return out_dir / INDEX


def _write_if_changed(path: Path, data: bytes) -> None:
    """Write a page atomically, unless it already holds these bytes."""
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    atomic_write(path, data)


def _remove_stale_pages(folder: Path, kept: set[PurePosixPath]) -> None:
    """Remove the pages of chapters that have no outputs any more."""
    try:
        names = list(folder.iterdir())
    except OSError:
        return
    for path in names:
        rel = PurePosixPath(GALLERY, CHAPTERS, path.name)
        if path.suffix == ".html" and rel not in kept and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
