"""Load on a real desk (uvicorn on 127.0.0.1): 50 renders asked at once.

Each must get its PDF or a 503 with Retry-After, never a 500 or a hang; the server's
memory, its render processes included, stays bounded; no render process is left behind.
"""

from __future__ import annotations

import http.client
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

from .conftest import children, living_children
from .desk_server import desk_server
from .test_serve_make import SCHOOL

REQUESTS = 50
TIMEOUT = 180
"""Seconds any one request may take (a render, under load, with a second one beside it)."""
MAX_MB = 1500
"""The most the server and its render processes may hold at any moment."""
GROWTH_MB = 200
"""The most the server itself may grow over the whole run."""


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and every process under it, in MB (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/status") as handle:
                total += next((int(line.split()[1]) for line in handle
                               if line.startswith("VmRSS:")), 0)
        except FileNotFoundError:
            continue
        todo += children(current)
    return total / 1024


def _ask(address: tuple[str, int], number: int) -> tuple[int, str, bytes]:
    """Order a flyer for school number ``number`` (each a new render); follow to its PDF."""
    form = urllib.parse.urlencode({**SCHOOL, "name": f"Escuela {number}"})
    connection = http.client.HTTPConnection(*address, timeout=TIMEOUT)
    try:
        connection.request("POST", "/make", form,
                           {"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        body = response.read()
        if response.status != 303:
            return response.status, response.getheader("Retry-After") or "", body
        connection.request("GET", response.getheader("Location") + "/flyer-letter.pdf")
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


def test_fifty_renders_at_once_get_a_pdf_or_503(tmp_path):
    with desk_server(tmp_path, renders=2, render_seconds=120) as desk:
        host, port = urllib.parse.urlsplit(desk.url).netloc.split(":")
        address = (host, int(port))
        before = _rss_mb(desk.pid)  # started: the renderers are imported, nothing rendered
        peak = [before]
        done = threading.Event()

        def watch():
            while not done.wait(0.2):
                peak[0] = max(peak[0], _rss_mb(desk.pid))

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            with ThreadPoolExecutor(REQUESTS) as pool:
                answers = list(pool.map(lambda n: _ask(address, n), range(1, REQUESTS + 1)))
        finally:
            done.set()
            watcher.join()
        after = _rss_mb(desk.pid)
        left = living_children(desk.pid)
        statuses = sorted({status for status, _, _ in answers})
        assert set(statuses) <= {200, 503}, (statuses, desk.output)
        made = [a for a in answers if a[0] == 200]
        busy = [a for a in answers if a[0] == 503]
        assert made and busy  # two slots: some rendered, the rest were told to come back
        assert all(kind == "application/pdf" and body.startswith(b"%PDF") for _, kind, body in made)
        assert all(retry.isdigit() for _, retry, _ in busy)
        assert left == [], "render processes outlived their renders"
        assert peak[0] < MAX_MB, f"peak {peak[0]:.0f} MB"
        assert after - before < GROWTH_MB, f"{before:.0f} MB -> {after:.0f} MB"
        print(f"\n{len(made)} rendered, {len(busy)} told to retry; memory {before:.0f} MB "
              f"before, {peak[0]:.0f} MB at most, {after:.0f} MB after")
