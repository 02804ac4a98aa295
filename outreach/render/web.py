"""The accessible web page: ``flyer.html``, one self-contained file per locale.

It says what the flyer says, laid out by templates/web/flyer.html.j2 with the print
partials and the flyer's slots, and carries its own styles, fonts (subset to the page's
characters) and QR code, so opening it makes no request at all.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

from jinja2 import TemplateError as JinjaError
from markupsafe import Markup

from .. import contrast, fonts
from ..errors import RenderError, TemplateError
from ..localize import Edition, bare_url
from . import Job, pdf, webfonts
from .qr import qr_svg

TEMPLATE = "flyer.html.j2"
STYLE = "flyer.css"
LAYOUT = "flyer"
"""The print layout whose slots the page fills, so it shows what the flyer shows."""
IMAGE_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
               ".jpeg": "image/jpeg", ".webp": "image/webp"}


def _folders(templates: Path) -> tuple[Path, Path]:
    root = templates.resolve()
    return root / "web", root / "print"


def preflight(edition: Edition, job: Job, templates: Path, located=None) -> None:
    """Check that the templates and fonts exist and the palette passes AA before rendering."""
    web, printed = _folders(templates)
    for path in (web / TEMPLATE, web / STYLE, printed / "_parts.html.j2"):
        if not path.is_file():
            raise TemplateError(f"{path}: missing template for {job.product.name}")
    for face in fonts.faces_for(edition.font_lang):
        fonts.locate(face)
    contrast.check_web(web / STYLE)


def render(edition: Edition, job: Job, templates: Path, content_dir: Path,
           warn=lambda message: None) -> bytes:
    """Render the web page to UTF-8 bytes."""
    values = _context(edition, templates)
    draft = _render(templates, {**values, "font_css": Markup("")})
    # Every character of the page, markup included: a few extra ASCII glyphs cost bytes,
    # a missing one would show in the system's font.
    css = webfonts.font_face_css(edition.font_lang, html.unescape(draft))
    return _render(templates, {**values, "font_css": Markup(css)}).encode("utf-8")


def _context(edition: Edition, templates: Path) -> dict:
    web, _ = _folders(templates)
    primary = edition.primary
    label = edition.label("qr_alt", name=primary.name, address=bare_url(primary.url)) \
        if primary.url else ""
    return {
        "ed": edition, "c": edition.campaign, "template": LAYOUT, "product": LAYOUT,
        "qr": Markup(qr_svg(primary.url, label)) if primary.url else None,
        "logo": _data_uri(edition.logo),
        # Our own stylesheet and font families, not content: marked safe for <style>.
        "css": Markup((web / STYLE).read_text(encoding="utf-8")),
        "families": Markup(fonts.css_families(fonts.faces_for(edition.font_lang))),
    }


def _render(templates: Path, values: dict) -> str:
    try:
        return pdf.environment(*_folders(templates)).get_template(TEMPLATE).render(**values)
    except JinjaError as exc:
        raise TemplateError(f"web template {TEMPLATE}: {exc}") from exc


def _data_uri(path: Path | None) -> str | None:
    """An image file as a data: URI, so the page needs no request to show it."""
    if path is None:
        return None
    kind = IMAGE_TYPES.get(path.suffix.lower())
    if kind is None:
        raise RenderError(f"{path}: the web page cannot show a {path.suffix} logo; "
                          f"use one of {', '.join(IMAGE_TYPES)}")
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
