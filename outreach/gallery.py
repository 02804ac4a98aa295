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

Thumbnails are kept by ``outreach.thumbnails``, remade only when an output's bytes change.
"""

from __future__ import annotations

import html
import itertools
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import quote

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

__all__ = ["CHAPTERS", "CSS", "FORMAT", "INDEX", "KINDS", "RECORD", "RTL", "THUMBS", "WIDTH",
           "DeckThumbnails", "Entry", "deck_thumbnails", "find_outputs", "pdf_thumbnails",
           "render", "stamp", "thumb_folder", "update"]
# _slide_count is imported too: tests call gallery._slide_count.

INDEX = "index.html"
CHAPTERS = "chapters"
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
        elif folder.name != CAMPAIGNS:
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


def _card(entry: Entry, heading: str) -> str:
    name, href = entry.path.name, _url(entry.rel)
    unit = "slide" if entry.is_deck else "picture" if entry.is_image else "page"
    pages = "web page" if entry.is_web else (
        _plural(entry.pages, unit) if entry.pages is not None else f"? {unit}s")
    kind = "deck" if entry.is_deck else "image" if entry.is_image else \
        "web" if entry.is_web else "pdf"
    alt = entry.alt_text
    tiles = []
    for number, (width, height) in enumerate(entry.thumbs, 1):
        src = _url(PurePosixPath(THUMBS) / thumb_folder(entry.rel) / f"{number}.png")
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
        f'<p class="alt"><a href="{_url(entry.rel.with_suffix(".txt"))}"><span lang="en" dir="ltr">'
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


def render(entries: list[Entry], when: datetime | None = None,
           campaigns: list[tuple[str, str]] = ()) -> str:
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
        f'<p><span class="label">Chapters</span> {" ".join(chapter_nav)}</p>' if chapter_nav else "",
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
.web-preview {{ position: relative; width: {WIDTH}px; height: {WIDTH * 22 // 17}px;
  overflow: hidden; border: 1px solid #c9d0d6; background: #fff; direction: ltr; }}
.web-preview iframe {{ width: 1280px; height: {1280 * 22 // 17}px; border: 0;
  transform: scale({WIDTH / 1280:.4f}); transform-origin: 0 0; pointer-events: none; }}
.web-preview::after {{ content: ""; position: absolute; inset: 0; }}
.empty {{ color: var(--muted); }}
.alt {{ margin: .5rem 0 0; max-width: {WIDTH}px; font-size: .8rem; color: var(--muted); }}
"""


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
    index = out_dir / INDEX
    page = render(present, campaigns=campaign_links(out_dir)).encode()
    try:
        unchanged = index.read_bytes() == page
    except OSError:
        unchanged = False
    if not unchanged:
        atomic_write(index, page)
    return index
