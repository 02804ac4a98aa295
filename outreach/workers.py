"""Render jobs in a process pool: one worker per core, each loading the content once.

Workers keep their own WeasyPrint font configuration (cached in render/pdf.py), so fonts
are configured once per worker, not once per output.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass, replace
from pathlib import Path

from .content import load_content
from .errors import OutreachError
from .localize import localize
from .render import PRODUCTS, Job, renderer


@dataclass(frozen=True)
class Task:
    """What a worker needs to render one output (plain data, cheap to send)."""

    content_dir: Path
    templates_dir: Path
    locale: str
    product: str
    paper: str | None
    strict: bool
    mode: str = "standard"
    chapter: object = None
    """The Chapter to personalize for (a small pydantic model), or None."""

    @property
    def job(self) -> Job:
        return Job(self.locale, PRODUCTS[self.product], self.paper, self.mode,
                   self.chapter.id if self.chapter else None)


@dataclass(frozen=True)
class Result:
    """A rendered output, or the error that stopped it."""

    task: Task
    data: bytes = b""
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()
    error: OutreachError | None = None
    sidecar: bytes | None = None
    """The file written beside the output (Product.sidecar), if the product has one."""

    @property
    def job(self) -> Job:
        return self.task.job


_CACHE: dict[tuple, object] = {}


def _edition(task: Task):
    key = (task.content_dir, task.locale, task.strict)
    if key not in _CACHE:
        content = _CACHE.get(task.content_dir) or load_content(task.content_dir)
        _CACHE[task.content_dir] = content
        _CACHE[key] = localize(content, task.locale, strict=task.strict)
    return _CACHE[key]


def run(task: Task) -> Result:
    """Render one task; never raises for errors a user can cause."""
    began = time.perf_counter()
    warnings: list[str] = []
    try:
        edition = _edition(task)
        if task.chapter is not None:
            edition = replace(edition, local=task.chapter)
        job = task.job
        module = renderer(job.product)
        data = module.render(edition, job, task.templates_dir, task.content_dir, warnings.append)
        sidecar = module.sidecar(edition, job) if job.product.sidecar else None
    except OutreachError as exc:
        return Result(task, error=exc)
    return Result(task, data, time.perf_counter() - began,
                  tuple(edition.warnings) + tuple(warnings), sidecar=sidecar)


PR_SET_PDEATHSIG = 1
"""Linux prctl(2) option: the signal a process gets when its parent dies."""


def _bound_to(parent: int) -> None:
    """Pool initializer: a worker dies with the build that started it.

    Linux delivers SIGKILL to the worker when its parent exits, however it exits (SIGKILL
    included); if the parent was already gone before that was set, exit at once.
    """
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the main process still stops its workers
        pass
    # Ctrl-C reaches the whole process group: the main process alone answers it (and ends
    # the workers by pid), so a worker never prints a traceback of its own halfway.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if os.getppid() != parent:
        os._exit(1)


def _stop(pool) -> None:
    """Cancel what is queued and end every worker now, by its process id."""
    # Take the workers' handles first: shutdown() forgets them.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(timeout=2)


def workers_for(jobs: int, wanted: int | None = None) -> int:
    """How many processes to use: one per core, never more than there are jobs."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(jobs, wanted or cores or 1))


def run_all(tasks: list[Task], workers: int, on_result=None, content=None) -> list[Result]:
    """Render every task, in parallel when more than one worker is asked for.

    ``on_result`` is called with each result as it arrives (for a progress bar);
    ``content``, if given, is the tasks' content already loaded, so it is not read again.
    """
    _CACHE.clear()  # content may have changed since the last build in this process
    for task in tasks[:1] if content is not None else ():
        _CACHE[task.content_dir] = content
    results = []
    if workers <= 1 or len(tasks) <= 1:
        stream = (run(task) for task in tasks)
        for result in stream:
            results.append(result)
            if on_result:
                on_result(result)
        return results
    # Load content, localize every edition and import the renderers once, here: the
    # forked workers inherit all of it instead of each doing it again.
    for task in {(t.locale, t.strict): t for t in tasks}.values():
        try:
            _edition(task)
        except OutreachError:
            pass  # the worker meets the same error and reports it
    for name in {t.product for t in tasks}:
        renderer(PRODUCTS[name])
    for result in map_all(run, tasks, workers):
        results.append(result)
        if on_result:
            on_result(result)
    return results


def map_all(function, items: list, workers: int):
    """Yield ``function(item)`` for each item, in order, from ``workers`` forked processes
    that die with this one and ignore Ctrl-C; an interrupt ends them all by pid at once."""
    import multiprocessing  # here: a build of one output (the usual deck) needs no pool
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_bound_to, initargs=(os.getpid(),))
    try:
        yield from pool.map(function, items, chunksize=1)
    except BaseException:  # Ctrl-C, SIGTERM (see cli.py): stop now, run nothing queued
        _stop(pool)
        raise
    pool.shutdown(wait=True)
