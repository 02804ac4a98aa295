"""The build in one place: load -> validate -> localize -> render -> write."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .content import Content, load_content
from .errors import UsageError
from .localize import Edition, available_locales, localize, paper_for
from .output import atomic_write
from .render import PAPERS, PRODUCTS, Job, renderer

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class BuildOptions:
    """What to build and where; every field has the default ``python build.py`` uses."""

    content_dir: Path = ROOT / "content"
    templates_dir: Path = ROOT / "templates"
    out_dir: Path = Path("output")
    products: tuple[str, ...] = ()
    """Product names to build; empty means all."""
    papers: tuple[str, ...] = ()
    """Paper sizes to build; empty means all; ("region",) means each locale's usual one."""
    locales: tuple[str, ...] = ()
    """Locales to build; empty means every available one."""
    strict: bool = False
    """Fail instead of warning when a text falls back to the source language."""


@dataclass(frozen=True)
class Built:
    """One output written: where it went, its size, and how long rendering took."""

    path: Path
    job: Job
    size: int
    seconds: float


@dataclass
class BuildReport:
    """What a build did."""

    outputs: list[Built] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _pick(asked: tuple[str, ...], known: list[str] | tuple[str, ...], what: str) -> list[str]:
    """Return the asked names in known order, or all known; reject unknown names."""
    unknown = [name for name in asked if name not in known]
    if unknown:
        raise UsageError(f"unknown {what} {', '.join(unknown)}; choose from {', '.join(known)}")
    return [name for name in known if not asked or name in asked]


def plan(content: Content, options: BuildOptions) -> list[Job]:
    """List the outputs to make, in a stable order."""
    locales = _pick(options.locales, available_locales(content), "locale")
    products = _pick(options.products, list(PRODUCTS), "product")
    by_region = options.papers == ("region",)
    papers = [] if by_region else _pick(options.papers, PAPERS, "paper")
    jobs = []
    for locale in locales:
        wanted = [paper_for(content, locale)] if by_region else papers
        for name in products:
            product = PRODUCTS[name]
            for paper in ([p for p in product.papers if p in wanted] if product.papers else [None]):
                jobs.append(Job(locale, product, paper))
    return jobs


def check(options: BuildOptions) -> Content:
    """Load and validate the content without rendering; raise ContentError on problems."""
    return load_content(options.content_dir)


def build(options: BuildOptions) -> BuildReport:
    """Build every requested output; write nothing unless every render succeeded."""
    start = time.perf_counter()
    content = check(options)
    jobs = plan(content, options)
    editions: dict[str, Edition] = {job.locale: localize(content, job.locale, strict=options.strict)
                                    for job in jobs}
    for job in jobs:
        renderer(job.product).preflight(editions[job.locale], job, options.templates_dir)
    report = BuildReport()
    for edition in editions.values():
        report.warnings.extend(edition.warnings)
    rendered: list[tuple[Job, bytes, float]] = []
    for job in jobs:
        began = time.perf_counter()
        data = renderer(job.product).render(editions[job.locale], job, options.templates_dir,
                                            options.content_dir, report.warnings.append)
        rendered.append((job, data, time.perf_counter() - began))
    for job, data, seconds in rendered:
        path = options.out_dir / job.relpath
        atomic_write(path, data)
        report.outputs.append(Built(path, job, len(data), seconds))
    report.seconds = time.perf_counter() - start
    return report
