"""Print products: Jinja2 HTML + CSS rendered by WeasyPrint, locked to one page."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2 import TemplateError as JinjaError
from markupsafe import Markup, escape
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from .. import contrast, fonts
from ..errors import FetchRefused, RenderError, TemplateError
from ..i18n import walk
from ..localize import Edition, _dial, bare_url, is_web
from ..markup import to_html
from ..safefetch import ProjectFetcher, Refused
from . import BLEED, SHEETS, Job
from .pdflinks import describe_links
from .qr import qr_svg_uri

ROOMY_BELOW = 0.85
"""A flyer that fills less than 85% of its page is tried again at its roomy body size."""


@dataclass(frozen=True)
class Fit:
    """How a product's body size may step down, in pt, when its content runs long.

    Templates tighten spacing from step 2 on and may leave out optional parts at the last
    step (the flyer drops its quote), as each stylesheet describes.
    """

    steps: tuple[float, ...]
    roomy: float | None = None
    """A larger size tried first when the design leaves the page under-filled."""


FITS = {
    "flyer": Fit((11.0, 10.75, 10.5, 10.5, 10.5), roomy=12.0),
    "brochure": Fit((11.0, 10.75, 10.5, 10.5, 10.5)),
    "cards": Fit((11.0, 10.75, 10.5, 10.5, 10.5)),
    "poster": Fit((24.0, 23.0, 22.0, 22.0, 22.0)),
}
"""Body sizes for each density step; the last is the floor (10.5 pt on hand-held paper)."""
PRINT_DPI = 300
"""Raster images below this resolution get a warning in print-shop mode."""


@dataclass(frozen=True)
class Page:
    """The sheet and finish of one print output, as the templates need them."""

    sheet: str
    width: float
    height: float
    """The sheet's size in mm (the trimmed size, without bleed)."""
    mode: str
    bleed: str | None
    """The print shop's bleed, or None for office printing."""

    @property
    def size(self) -> str:
        """The CSS @page size."""
        return f"{self.width}mm {self.height}mm"


def page_for(job: Job) -> Page:
    """Describe the job's sheet: size, and bleed and crop marks in print-shop mode."""
    bleed = BLEED[job.paper] if job.mode == "print-shop" else None
    return Page(job.sheet, *SHEETS[job.sheet], job.mode, bleed)


def _site(url: str) -> str:
    """Print only a URL's site ("ilo.org"): short enough for small print; the title names
    the document."""
    return bare_url(url).split("/")[0]


def _breakable(address: str) -> Markup:
    """Escape an e-mail address or URL and let it break after "@", "." and "/" only."""
    text = str(escape(address))
    for mark in ("@", ".", "/"):
        text = text.replace(mark, mark + "<wbr>")
    return Markup(text)


@lru_cache(maxsize=4)
def environment(*folders: Path) -> Environment:
    """The Jinja environment over template folders (searched in order), with the filters
    the print partials use; the web page searches its own folder, then the print one."""
    env = Environment(loader=FileSystemLoader(list(folders)), autoescape=True,
                      undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters["bare_url"] = bare_url
    env.filters["site"] = _site
    env.filters["breakable"] = _breakable
    env.filters["inline"] = to_html
    env.filters["dial"] = _dial
    env.tests["web"] = is_web
    return env


@lru_cache(maxsize=1)
def _font_config() -> FontConfiguration:
    return FontConfiguration()


def _template(job: Job) -> str:
    return job.product.template or job.product.name


def _print_folder(templates: Path) -> Path:
    return templates.resolve() / "print"


SHARED = ("_layout.html.j2", "_parts.html.j2", "base.css", "modes.css")
"""Template files every print product uses."""


def preflight(edition: Edition, job: Job, templates: Path, located=None) -> None:
    """Check that the templates and fonts exist and the palettes pass AA before rendering."""
    folder = _print_folder(templates)
    for name in (*SHARED, f"{_template(job)}.html.j2", f"{_template(job)}.css"):
        if not (folder / name).is_file():
            raise TemplateError(f"{folder / name}: missing print template for {job.product.name}")
    for face in fonts.faces_for(edition.font_lang):
        fonts.locate(face)
    contrast.check_print(folder)


def context(edition: Edition, job: Job, templates: Path, page: Page | None = None) -> dict:
    """What every print template is given: the edition, the page (the job's sheet unless
    one is given: slides and share cards have no paper), fonts and the QR code."""
    faces = fonts.faces_for(edition.font_lang)
    located = [fonts.locate(face) for face in faces]
    url = edition.primary.url
    return {
        "ed": edition, "c": edition.campaign, "page": page or page_for(job),
        "template": _template(job), "product": job.product.name,
        "large": job.product.body_pt is not None,
        "qr": qr_svg_uri(url, "#000000" if job.mode == "photocopier" else "#1D2B36")
        if url else None,
        "stamp": edition.build_date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "fonts": [{"family": Markup(f.family), **{k: v.as_uri() for k, v in p.items()}}
                  for f, p in zip(faces, located)],
        # Our own CSS values, not content: marked safe so quotes survive in <style>.
        "families": Markup(fonts.css_families(faces)),
    }


def render_template(name: str, templates: Path, values: dict) -> str:
    """Render one print template, turning template bugs into TemplateError."""
    try:
        return environment(_print_folder(templates)).get_template(name).render(**values)
    except JinjaError as exc:
        raise TemplateError(f"print template {name}: {exc}") from exc


def html(edition: Edition, job: Job, templates: Path, density: int = 0,
         base_pt: float | None = None) -> str:
    """Return the final HTML of a print product (also used for golden-file tests)."""
    steps = FITS[_template(job)].steps
    return render_template(f"{_template(job)}.html.j2", templates, {
        **context(edition, job, templates),
        "base_pt": base_pt or steps[min(density, len(steps) - 1)], "density": density})


def _boxes(document, first: int = 0):
    for page in document.pages[first:]:
        yield from page._page_box.descendants()


def _section(box) -> str | None:
    element = getattr(box, "element", None)
    return element.get("data-section") if element is not None else None


def _sections_after(document, pages: int) -> list[str]:
    """Name the data-section blocks that were laid out past the allowed pages."""
    return list(dict.fromkeys(name for box in _boxes(document, pages)
                              if (name := _section(box))))


def _overfull(document) -> list[str]:
    """Name what runs out of its space: a fixed-size box (data-fit: card faces, brochure
    panels) whose content is taller than it, or text that sticks out past the side of its
    fixed-size box or of the page's margins (an unbreakable e-mail address, say)."""
    return list(_overflows(document))


def _overflows(document) -> dict[str, list[str]]:
    """What runs out of its space (see _overfull), with the data-sections inside it."""
    found: dict[str, list[str]] = {}
    for page in document.pages:
        root = page._page_box
        left, right = root.content_box_x() - 0.5, root.content_box_x() + root.width + 0.5
        for box in root.descendants():
            element = getattr(box, "element", None)
            if type(box).__name__ == "TextBox" and (box.position_x < left
                                                    or box.position_x + box.width > right):
                found.setdefault(f"text past the margin: {box.text[:40]!r}", [])
            name = element.get("data-fit") if element is not None else None
            if not name or not hasattr(box, "content_box_y"):
                continue
            bottom = box.content_box_y() + box.height + 0.5
            x0, x1 = box.content_box_x() - 0.5, box.content_box_x() + box.width + 0.5
            inner = [b for b in box.descendants() if getattr(b, "element", None) is not element
                     and hasattr(b, "margin_height")]
            sections = list(dict.fromkeys(s for b in inner if (s := _section(b))))
            if any(b.position_y + b.margin_height() > bottom for b in inner):
                found[name] = sections
            if any(type(b).__name__ == "TextBox" and (b.position_x < x0 or b.position_x + b.width > x1)
                   for b in inner):
                found[f"{name} (text too wide)"] = sections
    return found


def _used_fraction(document) -> float:
    """How much of page one's height the sections fill (1.0 = down to the bottom margin)."""
    page = document.pages[0]._page_box
    bottoms = [box.position_y + box.margin_height() for box in page.descendants()
               if _section(box) and hasattr(box, "margin_height")]
    return (max(bottoms, default=0) - page.content_box_y()) / page.height


def _low_resolution(document, job: Job) -> list[str]:
    """Describe raster images printed below PRINT_DPI (vector images are never flagged)."""
    found = []
    for box in _boxes(document):
        image = getattr(box, "replacement", None)
        if type(image).__name__ != "RasterImage" or not getattr(box, "width", 0):
            continue
        dpi = image.width / (box.width / 96)
        name = Path(box.element.get("src", "image")).name if box.element is not None else "image"
        if dpi < PRINT_DPI:
            found.append(f"{job.relpath}: {name} prints at {dpi:.0f} dpi; a print shop "
                         f"needs {PRINT_DPI} dpi or more (supply a larger image, or an SVG)")
    return list(dict.fromkeys(found))


def render(edition: Edition, job: Job, templates: Path, content_dir: Path,
           warn=lambda message: None) -> bytes:
    """Render a print product to PDF bytes; raise RenderError if it does not fit.

    Short texts (Chinese, say) get the roomier size where the product has one, long ones
    step down through the denser steps; the first layout that fits wins.
    """
    roots = [templates, content_dir, *fonts.font_dirs()]
    allowed = job.product.pages

    def layout(density: int, base_pt: float | None = None):
        """Lay the product out at one density; judge once whether it fits."""
        source = html(edition, job, templates, density, base_pt)
        document = lay_out(source, templates, roots, job)
        return source, document, len(document.pages) <= allowed and not _overfull(document)

    def pdf(source: str, document) -> bytes:
        if job.mode == "print-shop":
            for message in _low_resolution(document, job):
                warn(message)
        return write_pdf(source, document, job)

    if job.product.body_pt is not None:  # large print: the size is the point, pages may grow
        source = html(edition, job, templates, 0, job.product.body_pt)
        document = lay_out(source, templates, roots, job)
        if len(document.pages) > allowed:
            raise RenderError(f"{job.relpath}: the large-print {_template(job)} needs "
                              f"{len(document.pages)} pages; the limit is {allowed}. "
                              "Shorten the content.")
        return pdf(source, document)
    fit = FITS[_template(job)]
    source, document, fits = layout(0)
    if fit.roomy and fits and _used_fraction(document) < ROOMY_BELOW:
        roomy = layout(0, fit.roomy)
        if roomy[2]:
            source, document, fits = roomy
    for density in range(1, len(fit.steps)):
        if fits:
            break
        source, document, fits = layout(density)
    if fits:
        return pdf(source, document)
    overflows = _overflows(document)
    where = list(overflows) or _sections_after(document, allowed)
    # A box that overflows names its own texts; text pushed off a page may be pushed by
    # anything above it, so then every section's texts are candidates.
    sections = [s for names in overflows.values() for s in names] \
        or list(dict.fromkeys(name for box in _boxes(document) if (name := _section(box))))
    pages = f"one {job.sheet} page" if allowed == 1 else f"{allowed} {job.sheet} pages"
    raise RenderError(
        f"{job.relpath}: the {job.product.name} does not fit on {pages} even "
        f"at {fit.steps[-1]} pt with tight spacing; these parts ran over: "
        f"{', '.join(where) or '?'}. Shorten the text or drop list items; the longest "
        f"texts there: {_longest_texts(edition, sections)}")


def lay_out(source: str, templates: Path, roots: list[Path], job: Job):
    """Lay out HTML with the project-only fetcher."""
    fetcher = ProjectFetcher(roots)
    try:
        document = HTML(string=source, base_url=_print_folder(templates).as_uri() + "/",
                        url_fetcher=fetcher).render(font_config=_font_config())
    except Refused as exc:
        raise FetchRefused(f"{job.relpath}: {exc}") from exc
    _no_refusals(fetcher, job)
    return document


def write_pdf(source: str, document, job: Job) -> bytes:
    """Write the tagged PDF (PDF/UA-1), with an identifier derived from its HTML."""
    identifier = hashlib.sha256(source.encode()).hexdigest()[:32].encode()
    try:  # attachments and an SVG's own images are fetched only now, while the PDF is written
        data = document.write_pdf(pdf_identifier=identifier, pdf_variant="pdf/ua-1",
                                  finisher=describe_links)
    except Refused as exc:
        raise FetchRefused(f"{job.relpath}: {exc}") from exc
    _no_refusals(document.url_fetcher, job)
    return data


def _no_refusals(fetcher: ProjectFetcher, job: Job) -> None:
    """Fail the output if anything was refused, even where WeasyPrint only logged it (an
    image inside an SVG): a quietly missing logo is a wrong handout."""
    if fetcher.refused:
        raise FetchRefused(f"{job.relpath}: refused to load {'; '.join(fetcher.refused)}. An "
                           "image or template asks for something outside the project's "
                           "templates, fonts and content, or on the network; remove that "
                           "reference (an SVG logo must be self-contained)")


# Which texts the data-sections that are not content sections show (regular expressions
# over ids); a content section's data-section is its id, and its texts' ids start with it.
FIXED_TEXTS = {
    "headline": r"meta\.(headline|audience)", "footer": r"sources\.",
    "help": r"resources\.", "contact": r"^$", "event": r"^$",
}


def _texts_of(name: str) -> str:
    return FIXED_TEXTS.get(name) or re.escape(name) + r"\."


def _longest_texts(edition: Edition, sections: list[str], count: int = 3) -> str:
    """Name the longest texts (by id, as translators see them) in the given sections."""
    shown = re.compile("|".join(f"(?:{_texts_of(name)})" for name in sections))
    found = [(len(value), ident) for ident, _, value, _, _ in walk(edition.campaign)
             if shown.match(ident)]
    return ", ".join(f"{ident} ({length} characters)"
                     for length, ident in sorted(found, reverse=True)[:count]) or "?"
