"""Render stage: a registry of products, each turned into bytes by its own module.

Renderer modules are imported only when a product is built, so validating content
never loads the PDF engine.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

PAPERS = ("letter", "a4")
"""Paper families: North American sizes, or ISO sizes. Each product picks its sheet in each."""
MODES = ("standard", "print-shop", "photocopier")
"""How a print product is finished: for an office printer, for a print shop (bleed, crop
marks, fold guides), or for a photocopier (grayscale, no ink-heavy fills)."""
SHEETS = {"letter": (215.9, 279.4), "a4": (210.0, 297.0),
          "letter-landscape": (279.4, 215.9), "a4-landscape": (297.0, 210.0),
          "tabloid": (279.4, 431.8), "a3": (297.0, 420.0)}
"""Sheets a product may use: width and height in mm."""
BLEED = {"letter": "0.125in", "a4": "3mm"}
"""The print shop's bleed in each paper family."""


@dataclass(frozen=True)
class Product:
    """A kind of output: its file extension, sheets and the module that renders it."""

    name: str
    ext: str
    module: str
    sheets: tuple[tuple[str, str], ...] = ()
    """(paper family, sheet) pairs, e.g. (("letter", "tabloid"), ("a4", "a3")); empty for
    outputs without paper (the deck)."""
    template: str = ""
    """The print template's name in templates/print/; defaults to the product's name."""
    pages: int = 1
    """The most pages the product may have; more is an overflow error."""
    body_pt: float | None = None
    """A fixed body text size (the large-print variant), instead of fitting to the page."""
    personal: bool = False
    """Part of a chapter's personalized set (it carries the local contact and event)."""
    uses: tuple[str, ...] = ("print",)
    """Template folders the output is made from (for incremental builds)."""
    finishes: tuple[str, ...] = ()
    """The modes it is made in, if not all of them (handouts print the deck's colours)."""
    stem: str = ""
    """The file's base name when it differs from the product's name (``flyer-png`` writes
    ``flyer-letter.png``); defaults to the name."""
    sidecar: str = ""
    """The extension of a second file written beside the output (the share cards' alt
    text, ``.txt``), made by the module's ``sidecar(edition, job) -> bytes``; none if empty."""

    @property
    def papers(self) -> tuple[str, ...]:
        return tuple(family for family, _ in self.sheets)

    def sheet(self, paper: str | None) -> str | None:
        """The sheet this product is printed on in a paper family."""
        return dict(self.sheets).get(paper) if paper else None

    @property
    def modes(self) -> tuple[str, ...]:
        return self.finishes or (MODES if self.sheets else ("standard",))


@dataclass(frozen=True)
class Job:
    """One output file to make: a product in a locale, on a paper, finished one way,
    for the whole campaign or one chapter's personalized set."""

    locale: str
    product: Product
    paper: str | None
    mode: str = "standard"
    chapter: str | None = None

    @property
    def sheet(self) -> str | None:
        return self.product.sheet(self.paper)

    @property
    def relpath(self) -> Path:
        """Where the output goes under the output folder:
        ``[chapters/<id>/]<locale>/<stem or product>[-<sheet>][-<mode>].<ext>``."""
        name = "-".join(part for part in (
            self.product.stem or self.product.name, self.sheet and self.sheet.removesuffix("-landscape"),
            None if self.mode == "standard" else self.mode)
            if part)
        folder = Path("chapters", self.chapter) if self.chapter else Path()
        return folder / self.locale / f"{name}.{self.product.ext}"

    @property
    def sidecar_relpath(self) -> Path | None:
        """Where the product's sidecar goes (beside the output), if it has one."""
        return self.relpath.with_suffix(self.product.sidecar) if self.product.sidecar else None


_PAGE = (("letter", "letter"), ("a4", "a4"))
_PDF = "outreach.render.pdf"
_POSTER = (("letter", "tabloid"), ("a4", "a3"))
PRODUCTS = {
    "flyer": Product("flyer", "pdf", _PDF, _PAGE, personal=True),
    "flyer-large": Product("flyer-large", "pdf", _PDF, _PAGE, template="flyer", pages=4,
                           body_pt=18.0),
    "brochure": Product("brochure", "pdf", _PDF, (("letter", "letter-landscape"),
                                                  ("a4", "a4-landscape")), pages=2, personal=True),
    "cards": Product("cards", "pdf", _PDF, _PAGE, pages=2, personal=True),
    "poster": Product("poster", "pdf", _PDF, _POSTER, personal=True),
    "handout-notes": Product("handout-notes", "pdf", "outreach.render.handout", _PAGE,
                             template="handout", pages=40, uses=("print", "deck"),
                             finishes=("standard",)),
    "handout-audience": Product("handout-audience", "pdf", "outreach.render.handout", _PAGE,
                                template="handout", pages=20, uses=("print", "deck"),
                                finishes=("standard",)),
    "deck": Product("deck", "pptx", "outreach.render.pptx", uses=("deck",), personal=True),
    # The accessible web page: one self-contained flyer.html per locale. It lays out the
    # print flyer's slots with the print partials, so the print folder is an input too.
    "web": Product("web", "html", "outreach.render.web", personal=True, uses=("web", "print"),
                   stem="flyer"),
    # -- on screens (#15): pictures of the flyer and poster, share cards, the slides PDF --
    **{f"{name}-{ext}": Product(f"{name}-{ext}", ext, "outreach.render.raster", sheets,
                                template=name, stem=name, personal=True, finishes=("standard",))
       for name, sheets in (("flyer", _PAGE), ("poster", _POSTER)) for ext in ("png", "jpg")},
    **{f"share-{shape}": Product(f"share-{shape}", "png", "outreach.render.share",
                                 template="share", sidecar=".txt")
       for shape in ("square", "link", "story")},
    "slides": Product("slides", "pdf", "outreach.render.slides", template="slides", pages=200,
                      uses=("print", "deck")),
}


def renderer(product: Product) -> ModuleType:
    """Import and return the module that renders ``product``."""
    return importlib.import_module(product.module)
