"""Watch mode: rebuild what changed on every save and serve a live preview on 127.0.0.1.

The preview is the build's own gallery (``outreach.gallery``, ``<out>/index.html``: every
output by locale with a thumbnail of each page), served with the build's status on top
and a script that reloads the page after each build. A broken save shows its error; the
last good outputs stay in place until a build succeeds.
"""

from __future__ import annotations

import html
import json
import shutil
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from . import gallery
from .errors import OutreachError, explain_os_error
from .output import locked
from .pipeline import BuildOptions, build


class State:
    """What the preview page shows: the build count, and the last error if any."""

    def __init__(self):
        self.lock = threading.Lock()
        self.build = 0
        self.error = ""
        self.warnings: list[str] = []

    def as_json(self) -> bytes:
        with self.lock:
            return json.dumps({"build": self.build, "ok": not self.error, "error": self.error,
                               "warnings": self.warnings}).encode()


def _update_gallery(out_dir: Path, say) -> None:
    """Refresh <out>/index.html and its thumbnails; a preview problem never stops watching."""
    try:
        with locked(out_dir):
            gallery.update(out_dir, gallery.deck_thumbnails)
    except Exception as exc:  # noqa: BLE001 - keep watching; the outputs themselves are fine
        say(f"the gallery could not be updated: {exc}")


STYLE = """<style>
.watch { margin: 0 0 1rem; padding: .6rem .9rem; border-radius: 6px; font-size: .95rem; }
.watch.ok { background: #e8f3ea; color: #2e6b3a; }
.watch.error { background: #fbeaea; color: #7a1c12; white-space: pre-wrap; overflow-x: auto;
  font: .85rem/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.watch details { margin-top: .3rem; color: #6b4e00; }
</style>
"""


def page(out_dir: Path, state: State) -> bytes:
    """The gallery with the build's status at the top and a reload-after-build script."""
    try:
        text = (out_dir / gallery.INDEX).read_text(encoding="utf-8")
    except OSError:  # no build has finished yet
        text = gallery.render([])
    status = json.loads(state.as_json())
    if status["error"]:
        banner = f'<pre class="watch error" role="alert">{html.escape(status["error"])}</pre>'
    else:
        notes = "".join(f"<li>{html.escape(w)}</li>" for w in status["warnings"])
        details = (f'<details><summary>{len(status["warnings"])} warning(s)</summary>'
                   f"<ul>{notes}</ul></details>" if notes else "")
        banner = (f'<div class="watch ok" role="status">Build {status["build"]} is up to date.'
                  f"{details}</div>")
    script = f"""<script>
let seen = {status["build"]};
setInterval(async () => {{
  try {{
    const s = await (await fetch("/__status", {{cache: "no-store"}})).json();
    if (s.build !== seen) location.reload();
  }} catch (e) {{}}
}}, 1000);
</script>
"""
    text = text.replace("</head>", STYLE + "</head>", 1)
    text = text.replace("<body>", "<body>\n" + banner, 1)
    head, tag, tail = text.rpartition("</body>")
    text = head + script + tag + tail if tag else text + script
    return text.encode()


def _handler(out_dir: Path, state: State):
    class Handler(SimpleHTTPRequestHandler):
        """Serve the output folder, the gallery at / and the status at /__status."""

        def do_GET(self):  # the http.server API names it so
            if any(ord(ch) < 32 for ch in unquote(self.path)):  # %00 would raise in os.stat
                return self.send_error(400, "Bad request: control characters in the path")
            if self.path.split("?")[0] in ("/", "/index.html"):
                return self._send(page(out_dir, state), "text/html; charset=utf-8")
            if self.path == "/__status":
                return self._send(state.as_json(), "application/json")
            return super().do_GET()

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            super().end_headers()
            self.wfile.write(body)

        def end_headers(self) -> None:
            # Outputs and thumbnails keep their names across builds: ask before reusing them.
            self.send_header("Cache-Control", "no-cache")
            super().end_headers()

        def log_message(self, *args) -> None:  # keep the terminal for build news
            pass

    return partial(Handler, directory=str(out_dir))


def _rebuild(options: BuildOptions, state: State, say) -> None:
    """Build once and record the outcome for the page; no error ends watching."""
    began = time.perf_counter()
    try:
        report = build(options)
    except Exception as exc:  # noqa: BLE001 - no save, however broken, may end watching
        if not isinstance(exc, OutreachError):
            explained = explain_os_error(exc) if isinstance(exc, OSError) else exc
            exc = explained if isinstance(explained, OutreachError) else OutreachError(
                f"internal error: {type(exc).__name__}: {exc} (a bug in outreach; run the "
                "same build with --debug to see where)")
        _update_gallery(options.out_dir, say)  # so there is a page even if the first build fails
        with state.lock:
            state.build += 1
            state.error = str(exc)
        say(f"[build {state.build}] failed; the last good outputs stay in place:\n{exc}")
        return
    _update_gallery(options.out_dir, say)
    with state.lock:
        state.build += 1
        state.error = "\n".join(str(f) for f in report.failures)
        state.warnings = report.warnings
    say(f"[build {state.build}] {len(report.outputs)} rebuilt, {len(report.unchanged)} unchanged "
        f"in {time.perf_counter() - began:.2f} s" + (f"; {len(report.failures)} failed" if report.failures else ""))


def watch(options: BuildOptions, port: int, say=print, stop: threading.Event | None = None) -> int:
    """Build, serve the preview on 127.0.0.1:port, and rebuild on every change until stopped."""
    from watchfiles import watch as changes

    options.out_dir.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(options.out_dir / ".previews", ignore_errors=True)  # older versions' thumbnails
    state = State()
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), _handler(options.out_dir.resolve(), state))
    except OSError as exc:
        error = explain_os_error(exc, f"127.0.0.1:{port}", "serve the preview on")
        raise error from exc
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"preview: http://127.0.0.1:{server.server_port}/  (Ctrl+C to stop)", flush=True)
    _rebuild(options, state, say)
    try:
        for _ in changes(options.content_dir, options.templates_dir, stop_event=stop,
                         debounce=300, rust_timeout=1000):
            _rebuild(options, state, say)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0
