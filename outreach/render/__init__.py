"""Render stage: a registry of products, each turned into bytes by its own module.

Renderer modules are imported only when a product is built, so validating content
never loads the PDF engine.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType


@dataclass(frozen=True)
class Product:
    """A kind of output: its file extension, paper sizes and the module that renders it."""

    name: str
    ext: str
    papers: tuple[str, ...]
    module: str
    template: str = ""
    """The print template's name in templates/print/; defaults to the product's name."""
    pages: int = 1
    """The most pages the product may have; more is an overflow error."""
    body_pt: float | None = None
    """A fixed body text size (the large-print variant), instead of fitting to the page."""


@dataclass(frozen=True)
class Job:
    """One output file to make: a product in a locale, on a paper size if it has one."""

    locale: str
    product: Product
    paper: str | None

    @property
    def relpath(self) -> Path:
        """Where the output goes under the output folder: ``<locale>/<product>[-<paper>].<ext>``."""
        suffix = f"-{self.paper}" if self.paper else ""
        return Path(self.locale) / f"{self.product.name}{suffix}.{self.product.ext}"


PAPERS = ("letter", "a4")
PRODUCTS = {
    "flyer": Product("flyer", "pdf", PAPERS, "outreach.render.pdf"),
    "flyer-large": Product("flyer-large", "pdf", PAPERS, "outreach.render.pdf",
                           template="flyer", pages=4, body_pt=18.0),
    "deck": Product("deck", "pptx", (), "outreach.render.pptx"),
}


def renderer(product: Product) -> ModuleType:
    """Import and return the module that renders ``product``."""
    return importlib.import_module(product.module)
