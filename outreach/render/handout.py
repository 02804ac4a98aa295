"""Presenter handouts: the deck printed from its own .pptx, so it never drifts from it.

The deck is rendered first (outreach.render.pptx), read back slide by slide
(outreach.render.slideview), and laid out by templates/print/handout.html.j2 in one of
two variants: ``handout-notes`` (one slide per page with its speaker notes, for
rehearsing) and ``handout-audience`` (three slides per page beside ruled lines).
The slides PDF (outreach.render.slides) prints the deck the same way, with these helpers.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..errors import RenderError
from ..localize import Edition
from . import PRODUCTS, Job, pdf, pptx, slideview

THUMB_PT = {"notes": 480.0, "audience": 280.0}
"""How wide each slide is drawn, in pt, per variant."""


def variant(job: Job) -> str:
    return job.product.name.removeprefix("handout-")


def deck_job(job: Job) -> Job:
    """The deck this handout prints."""
    return replace(job, product=PRODUCTS["deck"], paper=None, mode="standard")


def preflight(edition: Edition, job: Job, templates: Path, located=None) -> None:
    """Check both what the deck needs and what the print template needs."""
    pptx.preflight(edition, deck_job(job), templates, located)
    pdf.preflight(edition, job, templates, located)


_VIEWS: list[tuple[Edition, Path, Path, list]] = []
"""The last two editions' decks, read back. A locale's slides PDF and its four handouts draw
the same deck, and rendering and reading it again took a second or two each time. An entry
holds its edition, so it matches only that very object: every build localizes anew."""


def deck_views(edition: Edition, job: Job, templates: Path, content_dir: Path):
    """Render the deck for this job's locale and read it back, slide by slide."""
    for seen, folder, source, views in _VIEWS:
        if seen is edition and (folder, source) == (templates, content_dir):
            return views
    deck = pptx.render(edition, deck_job(job), templates, content_dir)  # its warnings are the deck's
    views = slideview.read_deck(deck)
    _VIEWS[:] = [(edition, templates, content_dir, views), *_VIEWS[:1]]
    return views


def print_deck(template: str, values: dict, job: Job, templates: Path, content_dir: Path,
               fix: str) -> bytes:
    """Lay a deck's print template out and write the tagged PDF; ``fix`` says what to do
    when it needs more pages than the product allows."""
    source = pdf.render_template(template, templates, values)
    roots = [templates, content_dir, *pdf.fonts.font_dirs()]
    document = pdf.lay_out(source, templates, roots, job)
    if len(document.pages) > job.product.pages:
        raise RenderError(f"{job.relpath}: the {job.product.name} needs {len(document.pages)} "
                          f"pages; the limit is {job.product.pages}. {fix}")
    return pdf.write_pdf(source, document, job)


def render(edition: Edition, job: Job, templates: Path, content_dir: Path,
           warn=lambda message: None) -> bytes:
    """Render the handout to PDF bytes."""
    views = deck_views(edition, job, templates, content_dir)
    kind = variant(job)
    values = {**pdf.context(edition, job, templates), "base_pt": 11.0, "density": 0,
              "variant": kind, "views": views,
              "thumbs": [slideview.slide_html(view, THUMB_PT[kind]) for view in views]}
    return print_deck("handout.html.j2", values, job, templates, content_dir,
                      "Shorten the speaker notes.")
