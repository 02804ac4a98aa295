"""Watch mode: rebuild what changed on every save and serve a live preview on 127.0.0.1.

The preview page lists every output with a thumbnail of each PDF's first page, reloads
itself after each build, and shows the error of a broken save; the last good outputs
stay in place until a build succeeds.
"""

from __future__ import annotations

import html
import json
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .errors import OutreachError
from .pipeline import BuildOptions, build

PREVIEWS = ".previews"


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


def _thumbnails(out_dir: Path, paths: list[Path]) -> None:
    """Render page one of each new PDF to a small PNG beside the outputs."""
    try:
        import pypdfium2
    except ImportError:  # thumbnails are a nicety; links still work
        return
    for path in paths:
        if path.suffix != ".pdf":
            continue
        target = out_dir / PREVIEWS / path.relative_to(out_dir).with_suffix(".png")
        target.parent.mkdir(parents=True, exist_ok=True)
        document = pypdfium2.PdfDocument(str(path))
        try:
            document[0].render(scale=0.5).to_pil().save(target)
        finally:
            document.close()


def page(out_dir: Path, state: State) -> bytes:
    """The gallery: every output by locale, thumbnails, and the build's status."""
    rows = []
    for folder in sorted(p for p in out_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        cells = []
        for output in sorted(folder.iterdir()):
            if output.name.startswith("."):
                continue
            rel = output.relative_to(out_dir).as_posix()
            thumb = out_dir / PREVIEWS / Path(rel).with_suffix(".png")
            image = (f'<img src="/{PREVIEWS}/{html.escape(Path(rel).with_suffix(".png").as_posix())}" '
                     f'alt="first page of {html.escape(output.name)}">' if thumb.is_file() else "")
            cells.append(f'<a class="card" href="/{html.escape(rel)}">{image}'
                         f'<span>{html.escape(output.name)}</span></a>')
        rows.append(f"<section><h2>{html.escape(folder.name)}</h2>{''.join(cells)}</section>")
    status = json.loads(state.as_json())
    banner = (f'<pre class="error">{html.escape(status["error"])}</pre>' if status["error"]
              else f'<p class="ok">Build {status["build"]} is up to date.</p>')
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>outreach preview</title><style>
body {{ font-family: sans-serif; margin: 2rem; color: #1D2B36; }}
.card {{ display: inline-block; margin: 0 1rem 1rem 0; text-align: center; color: #0B4F6C; }}
.card img {{ display: block; max-height: 220px; border: 1px solid #B9C2C8; }}
.error {{ background: #FBEAEA; color: #7A1C12; padding: 1rem; white-space: pre-wrap; }}
.ok {{ color: #2E6B3A; }}
</style></head><body><h1>outreach preview</h1>{banner}{''.join(rows)}
<script>
let seen = {status["build"]};
setInterval(async () => {{
  const s = await (await fetch("/__status")).json();
  if (s.build !== seen) location.reload();
}}, 1000);
</script></body></html>""".encode()


def _handler(out_dir: Path, state: State):
    class Handler(SimpleHTTPRequestHandler):
        """Serve the output folder, the gallery at / and the status at /__status."""

        def do_GET(self):  # noqa: N802 - the http.server API
            if self.path in ("/", "/index.html"):
                return self._send(page(out_dir, state), "text/html; charset=utf-8")
            if self.path == "/__status":
                return self._send(state.as_json(), "application/json")
            return super().do_GET()

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:  # keep the terminal for build news
            pass

    return partial(Handler, directory=str(out_dir))


def _rebuild(options: BuildOptions, state: State, say) -> None:
    began = time.perf_counter()
    try:
        report = build(options)
    except OutreachError as exc:
        with state.lock:
            state.build += 1
            state.error = str(exc)
        say(f"[build {state.build}] failed; the last good outputs stay in place:\n{exc}")
        return
    _thumbnails(options.out_dir, [b.path for b in report.outputs])
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
    state = State()
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(options.out_dir.resolve(), state))
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
