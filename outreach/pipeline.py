"""The build in one place: load -> validate -> localize -> render -> write."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .content import Content, load_content
from .errors import (
    BuildFailed,
    ContentError,
    OutreachError,
    Problem,
    UsageError,
    explain_os_error,
)
from .localize import available_locales, known_locales, localize, paper_for
from .output import atomic_write, locked, remove_stale_parts
from .render import MODES, PAPERS, PRODUCTS, Job, renderer
from .shards import resolve

if TYPE_CHECKING:  # the gallery, manifest and worker pool are imported by a build, not by check
    from .chapters import Chapter
    from .manifest import Manifest
    from .workers import Result

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
    force: bool = False
    """Rebuild every output, even those whose inputs have not changed."""
    shard: tuple[int, int] | str = (1, 1)
    """Build only slice K of N (1-based) of the outputs, for splitting across machines;
    "auto" reads the slice from the scheduler's environment (outreach.shards)."""
    workers: int | None = None
    """Processes to render with; default one per core."""
    modes: tuple[str, ...] = ("standard",)
    """Finishes to build print products in: standard, print-shop, photocopier."""
    chapters: Path | None = None
    """A chapters file (CSV or YAML) to build personalized sets from; by default
    chapters.yaml in the content folder, if there is one."""
    no_chapters: bool = False
    """Build only the campaign's own set, no chapter sets."""
    lock_timeout: float = 600.0
    """Seconds to wait while another build writes into the same output folder."""
    gallery: bool = True
    """Refresh <out>/index.html and its thumbnails after writing (off for a shard whose
    outputs are merged elsewhere, or to time the build without it)."""
    max_chapters: int = 100_000
    """Read at most this many chapters from the chapters file (it is also read at most
    2,000 bytes a chapter long); the row after the last is reported as a problem."""

    def chapters_file(self) -> Path | None:
        """The chapters file this build uses, if any."""
        if self.no_chapters:
            return None
        if self.chapters is not None:
            return self.chapters
        default = self.content_dir / "chapters.yaml"
        return default if default.is_file() else None


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
    unchanged: list[Path] = field(default_factory=list)
    """Outputs already up to date, left as they were."""
    workers: int = 1
    seconds: float = 0.0


def _pick(asked: tuple[str, ...], known: list[str] | tuple[str, ...], what: str) -> list[str]:
    """Return the asked names in known order, or all known; reject unknown names."""
    unknown = [name for name in asked if name not in known]
    if unknown:
        raise UsageError(f"unknown {what} {', '.join(unknown)}; choose from {', '.join(known)}")
    return [name for name in known if not asked or name in asked]


def plan(content: Content, options: BuildOptions, chapters=()) -> list[Job]:
    """List the outputs to make, in a stable order: the campaign's set, then each
    chapter's personalized set (on the chapter's paper, in the chapter's locales)."""
    return [job for job, _ in plan_stream(content, options, chapters)]


def plan_stream(content: Content, options: BuildOptions, chapters=()
                ) -> Iterator[tuple[Job, Chapter | None]]:
    """``plan`` one job at a time, each with its chapter (None for the campaign's set).

    ``chapters`` may be a stream (``iter_chapters``): each chapter is planned as it comes
    and not kept, so a list of 100,000 is planned in flat memory."""
    # Pseudo-locales (en-XA, ar-XB) are built only when asked for by name.
    locales = _pick(options.locales, known_locales(content), "locale") if options.locales \
        else available_locales(content)
    products = _pick(options.products, list(PRODUCTS), "product")
    modes = _pick(options.modes, MODES, "mode")
    by_region = options.papers == ("region",)
    papers = [] if by_region else _pick(options.papers, PAPERS, "paper")

    def add(locale: str, wanted: list[str], names: list[str], chapter=None):
        for name in names:
            product = PRODUCTS[name]
            for paper in ([p for p in product.papers if p in wanted] if product.papers else [None]):
                for mode in (m for m in modes if m in product.modes):
                    yield Job(locale, product, paper, mode, chapter and chapter.id), chapter

    for locale in locales:
        yield from add(locale, [paper_for(content, locale)] if by_region else papers, products)
    personal = [name for name in products if PRODUCTS[name].personal]
    source = content.campaign.meta.source_language
    usual = {locale: paper_for(content, locale) for locale in locales}
    for chapter in chapters:
        for locale in chapter.build_locales(source):
            if locale not in usual:
                continue
            paper = chapter.paper or usual[locale]
            if by_region or paper in papers:
                yield from add(locale, [paper], personal, chapter)


def chapter_stream(content: Content, options: BuildOptions, problems: list[Problem]
                   ) -> Iterator[Chapter]:
    """The chapters file's good chapters as they are read; its problems go to ``problems``."""
    path = options.chapters_file()
    if path is None:
        return
    from .chapters import iter_chapters

    for item in iter_chapters(path, content.folder, available_locales(content),
                              options.max_chapters):
        if isinstance(item, Problem):
            problems.append(item)
        else:
            yield item


def load_chapter_list(content: Content, options: BuildOptions):
    """The chapters to personalize for, and located problems with the rows left out."""
    problems: list[Problem] = []
    chapters = list(chapter_stream(content, options, problems))
    return chapters, sorted(problems, key=lambda p: (p.line, p.column))


def check(options: BuildOptions) -> Content:
    """Load and validate the content without rendering; raise ContentError on problems."""
    return load_content(options.content_dir)


_COST = {"handout-notes": 4, "flyer-large": 3, "brochure": 3, "handout-audience": 3,
         "flyer": 2, "poster": 2, "cards": 2, "deck": 1,
         "web": 1,
         "slides": 4, "flyer-png": 3, "flyer-jpg": 3, "poster-png": 3, "poster-jpg": 3,
         "share-square": 1, "share-link": 1, "share-story": 1}
"""Rough relative render cost of each product, for scheduling."""


def shard(jobs: Iterable[Job], which: tuple[int, int] | str) -> list[Job]:
    """Slice K of N of the jobs (round robin, so slices take similar time); N slices = all."""
    k, n = resolve(which)
    return list(itertools.islice(jobs, k - 1, None, n))


def _write(done: list[tuple[Job, Result]], out_dir: Path, manifest: Manifest,
           stamps: dict[Job, str], report: BuildReport) -> None:
    """Write stage: each locale whose outputs all rendered, atomically; record them."""
    by_locale: dict[tuple, list[tuple[Job, Result]]] = {}
    for job, result in done:
        by_locale.setdefault((job.chapter, job.locale), []).append((job, result))
    for pairs in by_locale.values():
        for warning in dict.fromkeys(w for _, r in pairs for w in r.warnings):
            if warning not in report.warnings:
                report.warnings.append(warning)
        failed = [r.error for _, r in pairs if r.error is not None]
        if failed:
            report.failures.append(_scoped(failed[0], pairs[0][0]))
            continue
        for job, result in pairs:
            path = out_dir / job.relpath
            try:
                if job.sidecar_relpath is not None:  # first, so a fresh output has its sidecar
                    atomic_write(out_dir / job.sidecar_relpath, result.sidecar or b"")
                atomic_write(path, result.data)
            except OSError as exc:
                if report.outputs:
                    manifest.save()  # what was written is whole; remember it
                raise _unwritable(exc, path, report) from exc
            manifest.record(job, stamps[job], out_dir)
            report.outputs.append(Built(path, job, len(result.data), result.seconds))
    if report.outputs:
        manifest.save()


def _scoped(error: OutreachError, job: Job) -> OutreachError:
    """A locale's or chapter's content error, saying that only that part was left out."""
    if not isinstance(error, ContentError):
        return error
    part = f"the {job.locale} outputs" + (f" of chapter {job.chapter}" if job.chapter else "")
    return error.scoped(f"{part} were not built.")


def _unwritable(exc: OSError, path: Path, report: BuildReport) -> OutreachError | OSError:
    """Explain a write the machine refused, saying how far the build got."""
    error = explain_os_error(exc, path)
    if isinstance(error, OutreachError):
        done = len(report.outputs)
        error.args = (f"{error}\n{done} file(s) were written before this; the others were "
                      "not, and every file already in place is whole.",)
    return error


def build(options: BuildOptions, progress=None) -> BuildReport:
    """Build the requested outputs that are out of date; a locale is written only whole.

    Content, usage and theme errors stop everything before anything is written. A locale
    whose catalog is broken or whose text does not fit is listed in ``report.failures``
    and the other locales are still written; if no locale succeeds, its error is raised.
    ``progress``, if given, has ``start(total)`` and ``advance(description)``, called as
    rendering starts and as each output is rendered.
    """
    from .manifest import Fingerprints

    start = time.perf_counter()
    options = replace(options, shard=resolve(options.shard))  # before anything is read
    content = check(options)
    bad_rows: list[Problem] = []
    # Read, check and plan as one stream; keep only this slice's jobs and their chapters.
    k, n = options.shard
    jobs, by_id = [], {}
    for job, chapter in itertools.islice(
            plan_stream(content, options, chapter_stream(content, options, bad_rows)),
            k - 1, None, n):
        jobs.append(job)
        if chapter is not None:
            by_id[chapter.id] = chapter
    prints = Fingerprints(content, options.templates_dir, extra=f"strict={options.strict}")
    stamps = {job: prints.of(job, by_id.get(job.chapter)) for job in jobs}
    report = BuildReport()
    if bad_rows:  # the good chapters and the campaign's own set are still built
        report.failures.append(ContentError(bad_rows, "those rows were not built."))
    waiting = getattr(progress, "waiting", None)
    with locked(options.out_dir, options.lock_timeout,
                waiting and (lambda pid: waiting(pid, options.out_dir))):
        try:
            _render_and_write(content, options, jobs, by_id, stamps, report, progress)
        except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM: the CLI says how far it got
            exc.written = [built.path for built in report.outputs]
            raise
        except OSError as exc:
            error = explain_os_error(exc)
            if error is exc:
                raise
            raise error from exc
    report.seconds = time.perf_counter() - start
    return _finish(report)


def _render_and_write(content: Content, options: BuildOptions, jobs: list[Job], by_id: dict,
                      stamps: dict[Job, str], report: BuildReport, progress) -> None:
    """Render the stale jobs and write them, then the gallery; hold the folder's lock."""
    from .gallery import INDEX
    from .manifest import Manifest
    from .workers import Task, run_all, workers_for

    remove_stale_parts(options.out_dir)  # under the lock, every .part is a leftover
    # Read under the lock: another build's entries too. Each entry records its shard.
    manifest = Manifest(options.out_dir, options.shard)
    stale = []
    for job in jobs:
        if not options.force and manifest.is_fresh(job, stamps[job], options.out_dir):
            report.unchanged.append(options.out_dir / job.relpath)
        else:
            stale.append(job)
    if stale:
        source = localize(content, content.campaign.meta.source_language)
        for product in dict.fromkeys(job.product for job in stale):
            renderer(product).preflight(source, next(j for j in stale if j.product == product),
                                        options.templates_dir, content.located.get("deck.yaml"))
        # Longest first, so the last jobs to finish are short ones and no core idles at the end.
        stale.sort(key=lambda j: -_COST.get(j.product.name, 1))
        tasks = [Task(options.content_dir, options.templates_dir, j.locale, j.product.name,
                      j.paper, options.strict, j.mode, by_id.get(j.chapter)) for j in stale]
        report.workers = workers_for(len(tasks), options.workers)
        if progress:
            progress.start(len(tasks))
        results = run_all(tasks, report.workers, progress and (
            lambda r: progress.advance(str(r.job.relpath))), content)
        _write(list(zip(stale, results, strict=True)), options.out_dir, manifest, stamps, report)
    if not options.gallery:
        return
    if report.outputs or report.unchanged or (options.out_dir / INDEX).is_file():
        _gallery(options.out_dir, report, options.workers,  # not for a first build that failed
                 _drawn(jobs, report, options.out_dir))


def _drawn(jobs: list[Job], report: BuildReport, out_dir: Path) -> dict[str, str]:
    """Each deck on disk after this build, with the slides PDF of the same locale and
    chapter if this build wrote or kept that too (so it was drawn from that very deck)."""
    kept = set(report.unchanged)
    whole = {built.job for built in report.outputs} | {
        job for job in jobs if out_dir / job.relpath in kept}
    slides = {(job.chapter, job.locale): job for job in whole if job.product.name == "slides"}
    return {job.relpath.as_posix(): slides[(job.chapter, job.locale)].relpath.as_posix()
            for job in whole if job.product.name == "deck" and (job.chapter, job.locale) in slides}


def _gallery(out_dir: Path, report: BuildReport, workers: int | None, drawn: dict) -> None:
    """Refresh <out>/index.html; a preview problem is a warning, never a failed build.

    Decks' thumbnails are copied from the slides PDFs drawn in this build; the others are
    left for ``python build.py gallery``: drawing them takes WeasyPrint several seconds."""
    from . import gallery
    from .workers import workers_for

    if not out_dir.is_dir():
        return
    try:
        gallery.update(out_dir, None, workers_for(10**6, workers), drawn)
        main = out_dir.parent.parent
        if out_dir.parent.name == gallery.CAMPAIGNS and (main / gallery.INDEX).is_file():
            gallery.update(main, None, workers_for(10**6, workers))  # list it
    except Exception as exc:  # noqa: BLE001 - the outputs themselves are written and fine
        report.warnings.append(f"the gallery {out_dir / gallery.INDEX} could not be updated: {exc}")


def _finish(report: BuildReport) -> BuildReport:
    """Raise if nothing could be built; otherwise return the report (failures included)."""
    if report.failures and not report.outputs:
        if len(report.failures) == 1:
            failure = report.failures[0]
            if isinstance(failure, ContentError) and not report.unchanged:
                raise failure.scoped("nothing was built.")
            raise failure
        raise BuildFailed(report.failures)
    return report
