"""Share cards: one message and the help line, as pictures for social posts and chats.

``share-square`` (1080 x 1080), ``share-link`` (1200 x 630, link previews) and
``share-story`` (1080 x 1920) each show the headline, one key number (the first featured
statistic) with its source and year, and the main help line. templates/print/share.html.j2
lays the card out on a page exactly the card's size in CSS px; WeasyPrint draws it and
pypdfium2 rasterizes it at 1 px per CSS px. The alt text, made of the same content and
labels, goes beside it in a .txt sidecar, ready to paste where a platform asks for one.
"""

from __future__ import annotations

from pathlib import Path

from .. import contrast
from ..errors import RenderError
from ..localize import Edition
from . import Job, pdf, raster

SIZES = {"square": (1080, 1080), "link": (1200, 630), "story": (1080, 1920)}
"""Each card's size in pixels (= CSS px)."""
STEPS = (1.0, 0.92, 0.85, 0.78, 0.72)
"""Type scales tried in turn until a long translation fits the card."""
PX_PER_PT = 96 / 72


def shape(job: Job) -> str:
    return job.product.name.removeprefix("share-")


def page(job: Job) -> pdf.Page:
    """The card's page, in mm as pdf.Page measures sheets (1 px = 25.4 / 96 mm)."""
    width, height = (px * 25.4 / 96 for px in SIZES[shape(job)])
    return pdf.Page(job.product.name, width, height, "standard", None)


def key_number(edition: Edition):
    """The one number a card shows: the first featured statistic, or None."""
    sections = edition.of_kind("statistics")
    return edition.featured(sections[0])[0] if sections else None


def number_text(edition: Edition, stat) -> str:
    """The number as the card prints it, with its qualifier ("More than 1 in 5")."""
    return " ".join(part for part in (stat.qualifier, edition.number(stat)) if part)


def preflight(edition: Edition, job: Job, templates: Path, located=None) -> None:
    """Check the print templates and fonts, and the cards' colour pairs."""
    pdf.preflight(edition, job, templates, located)
    contrast.check_share(templates.resolve() / "print")


def _fits(document, height_px: int) -> bool:
    """True if the card is one page and nothing is laid out below its bottom edge."""
    if len(document.pages) != 1:
        return False
    root = document.pages[0]._page_box  # WeasyPrint lays out in CSS px, like the card
    return all(box.position_y + box.margin_height() <= height_px + 0.5
               for box in root.descendants() if hasattr(box, "margin_height"))


def card_pdf(edition: Edition, job: Job, templates: Path, content_dir: Path) -> bytes:
    """Lay the card out at the largest type scale that fits and return its PDF."""
    width, height = SIZES[shape(job)]
    stat = key_number(edition)
    base = {**pdf.context(edition, job, templates, page(job)), "density": 0,
            "shape": shape(job), "stat": stat, "number": stat and number_text(edition, stat),
            "help": edition.primary, "ways": edition.ways(edition.primary)}
    roots = [templates, content_dir, *pdf.fonts.font_dirs()]
    for scale in STEPS:
        source = pdf.render_template("share.html.j2", templates, {**base, "base_pt": 12 * scale})
        document = pdf.lay_out(source, templates, roots, job)
        if _fits(document, height):
            return pdf.write_pdf(source, document, job)
    raise RenderError(f"{job.relpath}: the share card's text does not fit {width} x {height} "
                      f"px even at {STEPS[-1]:.0%} of its type size. Shorten the headline "
                      "(meta.headline) or the first featured statistic's label.")


def render(edition: Edition, job: Job, templates: Path, content_dir: Path,
           warn=lambda message: None) -> bytes:
    """Render the share card to PNG bytes, exactly its size in pixels."""
    image = raster.rasterize(card_pdf(edition, job, templates, content_dir), PX_PER_PT)
    if image.size != SIZES[shape(job)]:
        raise RenderError(f"{job.relpath}: drawn {image.size[0]} x {image.size[1]} px, "
                          f"not {SIZES[shape(job)]}")
    return raster.encode(image, "png")


def alt_text(edition: Edition) -> str:
    """The card's alternative text, from content and labels only."""
    resource = edition.primary
    ways = " · ".join(f"{verb} {shown}" for verb, shown, _ in edition.ways(resource))
    help_line = edition.label("share_help", name=resource.name, ways=ways)
    stat = key_number(edition)
    if stat is None:
        return f"{edition.campaign.meta.headline} {help_line}"
    source = edition.source(stat.source)
    return edition.label("share_alt", headline=edition.campaign.meta.headline,
                         number=number_text(edition, stat), label=stat.label,
                         source=source.short or source.publisher, year=str(stat.year),
                         help=help_line)


def sidecar(edition: Edition, job: Job) -> bytes:
    """The .txt beside the card: its alt text, one line, UTF-8."""
    return (alt_text(edition) + "\n").encode("utf-8")

