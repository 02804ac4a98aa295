"""The desk's render pool: every render in a child process of its own, a few at a time.

A render is a function and its arguments, run in a process forked for it (so it starts with
the renderers already imported) that exits as soon as it has answered: memory held by
WeasyPrint goes back to the system after every render, whatever the input. The pool keeps

- a global limit: at most ``slots`` renders at once; one more is refused at once
  (``Busy``, answered 503 with Retry-After), never queued;
- a time limit: a child still running after ``seconds`` is killed by its pid
  (``TimedOut``, answered 504);
- no orphans: a child dies with the server (Linux's parent-death signal), and ``stop()``
  kills every child still running, by pid.

``claim()`` takes a slot in the request's own task, so refusing costs nothing; the render
itself then runs in a thread (``Slot.run``) that waits for the child's answer.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import threading
import traceback

from ..errors import OutreachError
from ..workers import _bound_to

PRELOAD = ("outreach.content", "outreach.localize", "outreach.render.pdf",
           "outreach.render.pptx", "outreach.render.raster", "outreach.render.web",
           "outreach.render.slideview", "outreach.thumbnails", "outreach.pipeline")
"""Modules imported before the first fork, so no child imports them again."""
RETRY_AFTER = 5
"""Seconds a refused request is told to wait before trying again."""


class Busy(Exception):
    """Every render slot is taken."""


class TimedOut(Exception):
    """A render ran past the time limit; its process was killed."""

    def __init__(self, seconds: float, pid: int):
        super().__init__(f"the render took longer than {seconds:g} seconds (process {pid} "
                         "was stopped)")
        self.seconds, self.pid = seconds, pid


class Crashed(Exception):
    """A render's process failed in a way no user input should cause (a bug, or killed)."""


class RenderPool:
    """At most ``slots`` renders at once, each in a fresh child killed after ``seconds``."""

    def __init__(self, slots: int, seconds: float, context: str = "fork"):
        self.slots, self.seconds = max(1, slots), seconds
        self._context = multiprocessing.get_context(context)
        self._free = threading.BoundedSemaphore(self.slots)
        self._lock = threading.Lock()
        self._children: dict[int, multiprocessing.process.BaseProcess] = {}
        self.last_pid: int | None = None
        """The pid of the last child started (for tests and logs)."""

    # -- the service's life -----------------------------------------------------------------

    def start(self) -> None:
        """Import the renderers once, here, so every forked child starts with them."""
        for name in PRELOAD:
            importlib.import_module(name)

    def stop(self) -> None:
        """Kill every child still running, by its pid, and reap it."""
        with self._lock:
            children = list(self._children.values())
        for child in children:
            if child.is_alive():
                child.kill()
        for child in children:
            child.join(timeout=5)

    def running(self) -> list[int]:
        """The pids of the children rendering now."""
        with self._lock:
            return [pid for pid, child in self._children.items() if child.is_alive()]

    # -- renders ------------------------------------------------------------------------------

    def claim(self) -> Slot:
        """Take a render slot now, or raise Busy: a request never waits for one."""
        if not self._free.acquire(blocking=False):
            raise Busy
        return Slot(self)

    def _run(self, function, args: tuple, seconds: float | None = None):
        """Run ``function(*args)`` in a new child; return its value or raise what it raised
        (an OutreachError), TimedOut or Crashed."""
        receiver, sender = self._context.Pipe(duplex=False)
        child = self._context.Process(target=_child, args=(sender, os.getpid(), function, args))
        # Not a daemon: a whole set renders with workers of its own (they die with it).
        child.start()
        sender.close()
        with self._lock:
            self._children[child.pid] = child
            self.last_pid = child.pid
        try:
            limit = self.seconds if seconds is None else seconds
            if not receiver.poll(limit):
                child.kill()
                raise TimedOut(limit, child.pid)
            try:
                kind, value = receiver.recv()
            except (EOFError, OSError) as exc:
                raise Crashed(f"the render's process ended without an answer "
                              f"(exit code {_exit_code(child)})") from exc
        finally:
            receiver.close()
            child.join(timeout=5)
            if child.is_alive():  # answered but did not exit: never leave it running
                child.kill()
                child.join(timeout=5)
            with self._lock:
                self._children.pop(child.pid, None)
        if kind == "ok":
            return value
        if kind == "error":
            raise value
        raise Crashed(value)


class Slot:
    """One claimed render slot: ``run`` once (in a thread), and the slot is free again."""

    def __init__(self, pool: RenderPool):
        self._pool = pool
        self._open = True

    def run(self, function, *args, seconds: float | None = None):
        """Run ``function(*args)`` in a child, within ``seconds`` (default: the pool's)."""
        try:
            return self._pool._run(function, args, seconds)
        finally:
            self.release()

    def release(self) -> None:
        """Give the slot back (once); for a claimed slot that is not run after all."""
        if self._open:
            self._open = False
            self._pool._free.release()


def _child(sender, parent: int, function, args: tuple) -> None:
    """In the child: run the render, send back its value or the error a user can cause."""
    _bound_to(parent)  # dies with the server; ignores the terminal's Ctrl-C
    try:
        message = ("ok", function(*args))
    except OutreachError as exc:
        message = ("error", exc)
    except BaseException:  # noqa: BLE001 - reported to the parent as a crash, with its trace
        message = ("crash", traceback.format_exc(limit=8))
    try:
        sender.send(message)
    except Exception:  # noqa: BLE001 - e.g. an error that cannot be pickled
        sender.send(("crash", traceback.format_exc(limit=8)))
    sender.close()


def _exit_code(child) -> str:
    child.join(timeout=1)
    return str(child.exitcode)


def pool_for(desk) -> RenderPool:
    """The desk's render pool (``desk.services["renders"]``), made on first use with the
    configured limits; the app starts and stops it with the desk."""
    pool = desk.services.get("renders")
    if pool is None:
        pool = desk.services["renders"] = RenderPool(desk.config.renders,
                                                     desk.config.render_seconds)
    return pool
