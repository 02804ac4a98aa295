"""The build in one place: load -> validate -> localize -> render -> write."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .content import Content, load_content
from .errors import BuildFailed, OutreachError, TemplateError, UsageError
from .localize import Edition, available_locales, localize, paper_for
from .output import atomic_write, remove_stale_parts
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
    failures: list[OutreachError] = field(default_factory=list)
    """Locales that could not be built, each with its error; the others were written."""
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


def _locale_outputs(content: Content, locale: str, jobs: list[Job], options: BuildOptions,
                    report: BuildReport) -> list[tuple[Job, bytes, float]]:
    """Localize and render one locale's jobs in memory; raise if any of them fails."""
    edition = localize(content, locale, strict=options.strict)
    report.warnings.extend(edition.warnings)
    rendered = []
    for job in jobs:
        began = time.perf_counter()
        data = renderer(job.product).render(edition, job, options.templates_dir,
                                            options.content_dir, report.warnings.append)
        rendered.append((job, data, time.perf_counter() - began))
    return rendered


def build(options: BuildOptions) -> BuildReport:
    """Build every requested output; a locale is written only if all its outputs rendered.

    Content, usage and theme errors stop everything before anything is written. A locale
    whose catalog is broken or whose text does not fit is listed in ``report.failures``
    and the other locales are still written; if no locale succeeds, its error is raised.
    """
    start = time.perf_counter()
    content = check(options)
    jobs = plan(content, options)
    source = localize(content, content.campaign.meta.source_language)
    for product in dict.fromkeys(job.product for job in jobs):
        renderer(product).preflight(source, next(j for j in jobs if j.product == product),
                                    options.templates_dir)
    remove_stale_parts(options.out_dir)
    report = BuildReport()
    by_locale: dict[str, list[Job]] = {}
    for job in jobs:
        by_locale.setdefault(job.locale, []).append(job)
    for locale, locale_jobs in by_locale.items():
        try:
            rendered = _locale_outputs(content, locale, locale_jobs, options, report)
        except TemplateError:
            raise
        except OutreachError as exc:
            report.failures.append(exc)
            continue
        for job, data, seconds in rendered:
            path = options.out_dir / job.relpath
            atomic_write(path, data)
            report.outputs.append(Built(path, job, len(data), seconds))
    report.seconds = time.perf_counter() - start
    if report.failures and not report.outputs:
        if len(report.failures) == 1:
            raise report.failures[0]
        raise BuildFailed(report.failures)
    return report
