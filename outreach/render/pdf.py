"""Print products: Jinja2 HTML + CSS rendered by WeasyPrint, locked to one page."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2 import TemplateError as JinjaError
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from .. import contrast, fonts
from ..errors import FetchRefused, RenderError, TemplateError
from ..i18n import walk
from ..localize import Edition
from ..markup import to_html
from ..safefetch import ProjectFetcher, Refused
from . import Job
from .qr import qr_svg_uri

ROOMY_PT, ROOMY_BELOW = 12.0, 0.85
"""A layout that fills less than 85% of the page is tried again at this body size."""
DENSITIES = (11.0, 10.75, 10.5, 10.5, 10.5)
"""Body size for each density step tried in turn when content runs long; 10.5 pt is the floor.
From step 2 the template also tightens spacing and line height, and at the last step it
leaves out the optional quote, as templates/print/flyer.css describes."""


@dataclass(frozen=True)
class Paper:
    """A paper size as CSS names it."""

    name: str
    css: str


PAPER = {"letter": Paper("letter", "letter portrait"), "a4": Paper("a4", "A4 portrait")}


def _bare_url(url: str) -> str:
    """Print a URL without its scheme or trailing slash, as people type it."""
    return url.removeprefix("https://").removeprefix("www.").rstrip("/")


@lru_cache(maxsize=4)
def _environment(folder: Path) -> Environment:
    env = Environment(loader=FileSystemLoader(folder), autoescape=True,
                      undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters["bare_url"] = _bare_url
    env.filters["inline"] = to_html
    return env


@lru_cache(maxsize=1)
def _font_config() -> FontConfiguration:
    return FontConfiguration()


def _template(job: Job) -> str:
    return job.product.template or job.product.name


def _print_folder(templates: Path) -> Path:
    return templates.resolve() / "print"


def preflight(edition: Edition, job: Job, templates: Path, located=None) -> None:
    """Check that the template and fonts exist before anything is rendered."""
    folder = _print_folder(templates)
    for name in (f"{_template(job)}.html.j2", f"{_template(job)}.css"):
        if not (folder / name).is_file():
            raise TemplateError(f"{folder / name}: missing print template for {job.product.name}")
    for face in fonts.faces_for(edition.lang):
        fonts.locate(face)
    contrast.check_flyer(folder / f"{_template(job)}.css")


def html(edition: Edition, job: Job, templates: Path, density: int = 0,
         base_pt: float | None = None) -> str:
    """Return the final HTML of a print product (also used for golden-file tests)."""
    faces = fonts.faces_for(edition.lang)
    located = [fonts.locate(face) for face in faces]
    campaign = edition.campaign
    try:
        template = _environment(_print_folder(templates)).get_template(
            f"{_template(job)}.html.j2")
        return template.render(
            ed=edition, c=campaign, paper=PAPER[job.paper], base_pt=base_pt or DENSITIES[density],
            density=density, large=job.product.body_pt is not None,
            quote=campaign.quotes[0] if campaign.quotes else None,
            qr=qr_svg_uri(edition.primary.url or ""),
            stamp=edition.build_date.strftime("%Y-%m-%dT%H:%M:%SZ"),
            fonts=[{"family": Markup(f.family), **{k: v.as_uri() for k, v in p.items()}}
                   for f, p in zip(faces, located)],
            # Our own CSS values, not content: marked safe so quotes survive in <style>.
            families=Markup(", ".join(f'"{f.family}"' for f in faces) + ", sans-serif"),
        )
    except JinjaError as exc:
        raise TemplateError(f"print template {job.product.name}: {exc}") from exc


def _sections_after_first_page(document) -> list[str]:
    """Name the data-section blocks that were laid out past page one."""
    names: list[str] = []
    for page in document.pages[1:]:
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            name = element.get("data-section") if element is not None else None
            if name and name not in names:
                names.append(name)
    return names


def _used_fraction(document) -> float:
    """How much of page one's height the sections fill (1.0 = down to the bottom margin)."""
    page = document.pages[0]._page_box
    bottoms = [box.position_y + box.margin_height() for box in page.descendants()
               if getattr(box, "element", None) is not None
               and box.element.get("data-section") and hasattr(box, "margin_height")]
    return (max(bottoms, default=0) - page.content_box_y()) / page.height


def render(edition: Edition, job: Job, templates: Path, content_dir: Path,
           warn=lambda message: None) -> bytes:
    """Render a one-page print product to PDF bytes; raise RenderError if it overflows.

    Short texts (Chinese, say) get the roomier size, long ones step down through the
    denser steps; the first layout that fits one page wins.
    """
    roots = [templates, content_dir, *fonts.font_dirs()]

    def layout(density: int, base_pt: float | None = None):
        source = html(edition, job, templates, density, base_pt)
        try:
            return source, HTML(string=source, base_url=_print_folder(templates).as_uri() + "/",
                                url_fetcher=ProjectFetcher(roots)).render(font_config=_font_config())
        except Refused as exc:
            raise FetchRefused(f"{job.relpath}: {exc}") from exc

    def pdf(source: str, document) -> bytes:
        identifier = hashlib.sha256(source.encode()).hexdigest()[:32].encode()
        try:  # attachments are fetched only now, while the PDF is written
            return document.write_pdf(pdf_identifier=identifier, pdf_variant="pdf/ua-1")
        except Refused as exc:
            raise FetchRefused(f"{job.relpath}: {exc}") from exc

    if job.product.body_pt is not None:  # large print: the size is the point, pages may grow
        source, document = layout(0, job.product.body_pt)
        if len(document.pages) > job.product.pages:
            raise RenderError(f"{job.relpath}: the large-print {_template(job)} needs "
                              f"{len(document.pages)} pages; the limit is {job.product.pages}. "
                              "Shorten the content.")
        return pdf(source, document)
    source, document = layout(0)
    if len(document.pages) == 1 and _used_fraction(document) < ROOMY_BELOW:
        roomy = layout(0, ROOMY_PT)
        if len(roomy[1].pages) == 1:
            source, document = roomy
    for density in range(1, len(DENSITIES)):
        if len(document.pages) == 1:
            break
        overflow = _sections_after_first_page(document)
        source, document = layout(density)
    if len(document.pages) == 1:
        return pdf(source, document)
    overflow = _sections_after_first_page(document)
    raise RenderError(
        f"{job.relpath}: the {job.product.name} does not fit on one {job.paper} page even at "
        f"{DENSITIES[-1]} pt with tight spacing; these sections ran onto page 2: {', '.join(overflow) or '?'}. "
        f"Shorten the text or drop list items; the longest texts on it: "
        f"{_longest_texts(edition, list(SECTION_TEXTS))}")


# Which texts each data-section of a print template shows (regular expressions over ids).
SECTION_TEXTS = {
    "headline": r"meta\.(headline|audience)", "statistics": r"statistics\..*\.(label|qualifier)",
    "cycle": r"cycle\..*\.title|quotes\..*\.(text|role)", "warning_signs": r"warning_signs\.",
    "tips": r"tips\.", "footer": r"sources\.", "help": r"resources\.|call_to_action",
}


def _longest_texts(edition: Edition, sections: list[str], count: int = 3) -> str:
    """Name the longest texts (by id, as translators see them) in the given sections."""
    shown = re.compile("|".join(f"(?:{SECTION_TEXTS[name]})" for name in sections))
    found = [(len(value), ident) for ident, _, value, _, _ in walk(edition.campaign)
             if shown.match(ident)]
    return ", ".join(f"{ident} ({length} characters)"
                     for length, ident in sorted(found, reverse=True)[:count]) or "?"
