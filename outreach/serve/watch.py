"""Watch mode, a service of the desk: rebuild the output folder on every save.

With ``ServeConfig.watch`` set, the desk starts a :class:`Watcher` with the app: a thread
that builds once, then waits for saves in the content and templates folders (watchfiles)
and builds again through the library's ``pipeline.build``. The gallery at ``/gallery/``
shows the outputs with the last build's status on top and reloads itself after each
build; ``/watch`` is the status page (every error with its file and line) and
``/watch/status`` the same as JSON. A broken save shows its error; the last good outputs
stay in place until a build succeeds.
"""

from __future__ import annotations

import html
import re
import threading
import time
from dataclasses import replace
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .. import gallery
from ..errors import BuildFailed, ContentError, OutreachError, explain_os_error
from ..output import locked
from ..pipeline import BuildOptions, build
from .pages import SECURITY_HEADERS, page

NO_STORE = {"Cache-Control": "no-store"}
GALLERY_POLICY = {"Content-Security-Policy": SECURITY_HEADERS["Content-Security-Policy"].replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'")}
"""The desk's policy, but for the gallery's own inline style sheet (it has no script)."""
_LOCATED = re.compile(
    r"^(?P<file>[^\s:][^:\n]*?):(?P<line>\d+)(?::(?P<column>\d+))?:\s*(?P<message>.*)$")
"""A message line that starts with ``file:line:`` (or ``file:line:column:``)."""


def problems(error: BaseException) -> list[dict]:
    """Each located problem of an error, as file, line, column, field and message; a line of
    the message that names no file and line is a problem without them."""
    if isinstance(error, BuildFailed):
        return [found for failure in error.failures for found in problems(failure)]
    if isinstance(error, ContentError):
        return [{"file": p.file, "line": p.line, "column": p.column, "field": p.path,
                 "message": p.message} for p in error.problems]
    found = []
    for text in str(error).splitlines():
        match = _LOCATED.match(text.strip())
        if match:
            found.append({"file": match["file"], "line": int(match["line"]),
                          "column": int(match["column"] or 0), "field": "",
                          "message": match["message"]})
        elif text.strip():
            found.append({"file": "", "line": 0, "column": 0, "field": "", "message": text.strip()})
    return found


def _explained(exc: Exception) -> OutreachError:
    """Any exception as an OutreachError a user can read (a bug says it is one)."""
    if isinstance(exc, OutreachError):
        return exc
    explained = explain_os_error(exc) if isinstance(exc, OSError) else exc
    if isinstance(explained, OutreachError):
        return explained
    return OutreachError(f"internal error: {type(exc).__name__}: {exc} (a bug in outreach; run "
                         "the same build with --debug to see where)")


def saves(out_dir: Path):
    """watchfiles' filter for the saves that rebuild: its usual one (no editor swap files,
    no .git or __pycache__), and nothing in the output folder, whose own writes would
    otherwise start the next build when --out is inside the content or templates."""
    from watchfiles import DefaultFilter

    usual, out = DefaultFilter(), Path(out_dir).resolve()
    return lambda change, path: usual(change, path) and not Path(path).is_relative_to(out)


class Watcher:
    """Build on every save of the content or templates; keep the outcome for the pages.

    ``start()`` and ``stop()`` are called as the desk starts and stops; ``rebuild()`` builds
    once (the thread calls it; tests may too)."""

    def __init__(self, options: BuildOptions, say=None):
        self.options = options
        self.say = say or (lambda *a: print(*a, flush=True))
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.build = 0
        """How many builds have finished (failed ones too)."""
        self.building = False
        self.error = ""
        self.problems: list[dict] = []
        self.warnings: list[str] = []
        self.rebuilt = self.unchanged = 0
        self.seconds = 0.0

    # -- the service ------------------------------------------------------------------------

    def start(self) -> None:
        """Start watching in a thread; the first build runs there, so the desk answers at once."""
        self.options.out_dir.mkdir(parents=True, exist_ok=True)
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="outreach-watch", daemon=True)
        self._thread.start()
        self.say(f"watching {self.options.content_dir} and {self.options.templates_dir}: each "
                 f"save rebuilds {self.options.out_dir}; /gallery/ shows it, /watch its status")

    def stop(self) -> None:
        """Stop watching; a build under way finishes first, so no file is left half-written
        and no render process outlives the desk."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _loop(self) -> None:
        from watchfiles import watch as changes

        self.rebuild()
        try:
            for _ in changes(self.options.content_dir, self.options.templates_dir,
                             watch_filter=saves(self.options.out_dir), stop_event=self._stop,
                             debounce=300, rust_timeout=1000, raise_interrupt=False):
                if self._stop.is_set():
                    break
                self.rebuild()
        except Exception as exc:  # noqa: BLE001 - e.g. the content folder was deleted
            with self._lock:
                self.error = f"watching stopped: {exc}; restart watch mode"
                self.problems = problems(OutreachError(self.error))
            self.say(self.error)

    # -- one build --------------------------------------------------------------------------

    def rebuild(self) -> None:
        """Build once and record the outcome; no error, however odd, ends watching."""
        with self._lock:
            self.building = True
        began = time.perf_counter()
        try:
            report = build(self.options)
        except Exception as exc:  # noqa: BLE001 - no save, however broken, may end watching
            error = _explained(exc)
            self._update_gallery()  # so there is a page even if the first build fails
            with self._lock:
                self.build += 1
                self.building = False
                self.error, self.problems = str(error), problems(error)
                self.rebuilt = self.unchanged = 0
                self.seconds = time.perf_counter() - began
            self.say(f"[build {self.build}] failed; the last good outputs stay in place:\n{error}")
            return
        self._update_gallery()
        with self._lock:
            self.build += 1
            self.building = False
            self.error = "\n".join(str(f) for f in report.failures)
            self.problems = [found for f in report.failures for found in problems(f)]
            self.warnings = list(report.warnings)
            self.rebuilt, self.unchanged = len(report.outputs), len(report.unchanged)
            self.seconds = time.perf_counter() - began
        failed = f"; {len(report.failures)} failed" if report.failures else ""
        self.say(f"[build {self.build}] {self.rebuilt} rebuilt, {self.unchanged} unchanged in "
                 f"{self.seconds:.2f} s{failed}")

    def _update_gallery(self) -> None:
        """Refresh <out>/index.html with every preview, slides included (a build leaves
        those to ``python build.py gallery``); a preview problem never stops watching."""
        try:
            with locked(self.options.out_dir):
                gallery.update(self.options.out_dir, gallery.deck_thumbnails)
        except Exception as exc:  # noqa: BLE001 - the outputs themselves are fine
            self.say(f"the gallery could not be updated: {exc}")

    def status(self) -> dict:
        """What the pages show: the build count, whether it is good, its errors and warnings."""
        with self._lock:
            return {"build": self.build, "building": self.building, "ok": not self.error,
                    "error": self.error, "problems": list(self.problems),
                    "warnings": list(self.warnings), "rebuilt": self.rebuilt,
                    "unchanged": self.unchanged, "seconds": round(self.seconds, 3)}


# --- the pages -----------------------------------------------------------------------------

def _where(problem: dict) -> str:
    if not problem["file"]:
        return ""
    column = f":{problem['column']}" if problem["column"] else ""
    return f"{problem['file']}:{problem['line']}{column}"


def banner(status: dict) -> str:
    """The build's status as HTML for the top of the gallery (every text escaped)."""
    if status["error"]:
        rows = "".join(
            f"<li><code>{html.escape(_where(p))}</code> "
            f"{html.escape(p['field'] + ':') if p['field'] else ''} {html.escape(p['message'])}</li>"
            for p in status["problems"])
        return (f'<div class="watch error" role="alert" data-watch-build="{status["build"]}">'
                f'<p>Build {status["build"]} failed; the outputs below are from the last good '
                f'build. <a href="/watch">Details</a></p><ul>{rows}</ul><details>'
                f'<summary>The whole message</summary><pre>{html.escape(status["error"])}</pre>'
                "</details></div>")
    notes = "".join(f"<li>{html.escape(w)}</li>" for w in status["warnings"])
    details = (f'<details><summary>{len(status["warnings"])} warning(s)</summary>'
               f"<ul>{notes}</ul></details>" if notes else "")
    words = (f'Build {status["build"]} is up to date.' if status["build"]
             else "The first build is running…")
    return (f'<div class="watch ok" role="status" data-watch-build="{status["build"]}">'
            f"{words}{details}</div>")


def gallery_page(out_dir: Path, status: dict) -> str:
    """The build's gallery with the status on top and the script that reloads it after the
    next build (both the desk's own files, so no inline code is needed)."""
    try:
        text = (Path(out_dir) / gallery.INDEX).read_text(encoding="utf-8")
    except OSError:  # no build has finished yet
        text = gallery.render([])
    head = '<link rel="stylesheet" href="/static/watch.css">\n'
    text = text.replace("</head>", head + "</head>", 1)
    text = text.replace("<body>", "<body>\n" + banner(status), 1)
    script = '<script src="/static/watch.js" defer></script>\n'
    before, tag, after = text.rpartition("</body>")
    return before + script + tag + after if tag else text + script


def routes(desk) -> list[BaseRoute]:
    """In watch mode: the watcher as a service, its status page and JSON, and the gallery's
    front page with the status on top (listed before the gallery's own routes)."""
    config = desk.config
    if not config.watch:
        return []
    options = replace(config.watch_build or BuildOptions(), content_dir=config.campaigns[0],
                      templates_dir=config.templates_dir, out_dir=config.out_dir)
    watcher = Watcher(options)
    desk.services["watch"] = watcher

    def status(request: Request) -> Response:
        return JSONResponse(watcher.status(), headers=NO_STORE)

    def status_page(request: Request) -> Response:
        response = page(request, "watch.html.j2", state=watcher.status(),
                        where=_where, options=options)
        response.headers.update(NO_STORE)
        return response

    def front(request: Request) -> Response:
        body = gallery_page(options.out_dir, watcher.status())
        return HTMLResponse(body, headers={**SECURITY_HEADERS, **GALLERY_POLICY, **NO_STORE})

    return [Route("/watch/status", status), Route("/watch", status_page),
            Route("/gallery/", front), Route("/gallery/index.html", front)]
