"""The slides PDF: the deck drawn from its own .pptx, one 16:9 slide a page.

For projecting from any laptop and for sharing after the talk. Like the handouts
(outreach.render.handout, whose helpers this uses), it never drifts from the deck. Each
slide's title is a heading (H1) in the tagged PDF, so a screen reader can move slide by slide.
"""

from __future__ import annotations

from pathlib import Path

from ..localize import Edition
from . import Job, handout, pdf, slideview

PAGE_PT = (960.0, 540.0)
"""The page: 13.333 x 7.5 in, the deck's own 16:9 size, in points."""


def page() -> pdf.Page:
    """The slide-sized page, in mm as pdf.Page measures sheets."""
    width, height = (value * 25.4 / 72 for value in PAGE_PT)
    return pdf.Page("slide", width, height, "standard", None)


def preflight(edition: Edition, job: Job, templates: Path, located=None) -> None:
    """Check what the deck and the print template need."""
    handout.preflight(edition, job, templates, located)


def render(edition: Edition, job: Job, templates: Path, content_dir: Path,
           warn=lambda message: None) -> bytes:
    """Render the slides PDF to bytes."""
    views = handout.deck_views(edition, job, templates, content_dir)
    values = {**pdf.context(edition, job, templates, page()), "base_pt": 11.0, "density": 0,
              "views": views,
              "slides": [slideview.slide_html(view, PAGE_PT[0], "h1") for view in views]}
    return handout.print_deck("slides.html.j2", values, job, templates, content_dir,
                              "Split the deck.")
