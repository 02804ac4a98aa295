"""A real print desk for tests: uvicorn in a process of its own on 127.0.0.1, port 0.

    with desk_server(tmp_path, renders=2) as desk:
        urllib.request.urlopen(desk.url + "healthz")

The server runs ``outreach.serve.run`` as ``python build.py serve`` does, with a
ServeConfig made from the keyword arguments (paths as strings are fine); ``desk.pid`` is
its process id. The block starts once /healthz answers. The server is stopped by that pid when the block ends (SIGTERM, then SIGKILL),
and the block fails if the server does not say where it listens within ``start_seconds``.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .conftest import ROOT

_SCRIPT = """
import json, sys
from pathlib import Path
from outreach.serve import ServeConfig, run
settings = json.loads(sys.argv[1])
paths = {"campaigns", "templates_dir", "out_dir", "cache_dir"}
for name in paths & settings.keys():
    value = settings[name]
    settings[name] = tuple(map(Path, value)) if name == "campaigns" else Path(value)
sys.exit(run(ServeConfig(**settings), say=lambda line: print(line, flush=True)))
"""


@dataclass(frozen=True)
class DeskServer:
    url: str
    """The desk's address, ending in /, e.g. http://127.0.0.1:41234/."""
    pid: int
    output: list[str]
    """What the server printed (read on all along, so its pipe never fills)."""


@contextmanager
def desk_server(tmp_path: Path, start_seconds: float = 60, **settings) -> Iterator[DeskServer]:
    """Start a desk on 127.0.0.1 (port 0: any free one); stop it by pid afterwards."""
    settings = {"out_dir": tmp_path / "out", "cache_dir": tmp_path / "cache", **settings,
                "host": "127.0.0.1", "port": 0}
    encoded = json.dumps({k: [str(p) for p in v] if k == "campaigns" else
                          str(v) if isinstance(v, Path) else v for k, v in settings.items()})
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("OUTREACH_PASSWORD", None)
    process = subprocess.Popen([sys.executable, "-c", _SCRIPT, encoded], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        said: list[str] = []
        url = _address(process, start_seconds, said)
        reader = threading.Thread(target=lambda: said.extend(process.stdout), daemon=True)
        reader.start()
        _healthy(url, process, start_seconds)
        yield DeskServer(url, process.pid, said)
    finally:
        _stop(process)


def _address(process: subprocess.Popen, seconds: float, said: list[str]) -> str:
    """Read the server's output until it says its address; fail if it ends or is slow."""
    deadline = time.monotonic() + seconds
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                break
            line = process.stdout.readline()
            if not line:
                break
            said.append(line)
            if "http://" in line:
                return line.split("http://", 1)[1].split()[0].join(("http://", ""))
    raise AssertionError("the desk did not start:\n" + "".join(said))


def _healthy(url: str, process: subprocess.Popen, seconds: float) -> None:
    """Wait until GET /healthz answers (the port listens once the app has started)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url + "healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"the desk at {url} did not answer /healthz")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM the server by pid (uvicorn stops gracefully), SIGKILL if it lingers."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


def shoot(page, name: str, height: int | None = None) -> None:
    """With OUTREACH_SCREENSHOTS=<folder> set, save the page there as ``name`` (the README's
    screenshots come from the real desk this way), whole or its top ``height`` pixels;
    otherwise do nothing."""
    folder = os.environ.get("OUTREACH_SCREENSHOTS")
    if folder:
        page.evaluate("document.activeElement && document.activeElement.blur()")
        Path(folder).mkdir(parents=True, exist_ok=True)
        clip = {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height}
        page.screenshot(path=str(Path(folder) / name), full_page=True,
                        clip=clip if height else None)
