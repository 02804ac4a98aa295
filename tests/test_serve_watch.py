"""Watch mode as a mode of the print desk: rebuild on save, show errors by file and line,
keep the last good output, reload the gallery, and stop without leaving a process behind."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from outreach import ContentError, Problem
from outreach.errors import BuildFailed, RenderError
from outreach.serve import ServeConfig, create_app
from outreach.serve.watch import problems, saves

from .conftest import ROOT, alive, edit, living_children, run_cli
from .test_web import _axe, browser  # noqa: F401 - browser is a fixture

HEADLINE = "Trafficking often starts with a friend online"


def _get(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode(errors="replace"), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace"), dict(exc.headers)


def _status(url: str) -> dict:
    return json.loads(_get(url + "watch/status")[1])


def _started(url: str) -> dict | None:
    """The status once the server answers (it prints its address a moment before)."""
    try:
        return _status(url)
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, ConnectionRefusedError):
            return None
        raise


def _until(what: str, ready, deadline: float, pause: float = 0.2):
    """Poll ``ready()`` until it returns something true, at most until ``deadline``."""
    while time.monotonic() < deadline:
        found = ready()
        if found:
            return found
        time.sleep(pause)
    raise AssertionError(f"{what} did not happen in time")


def _text(pdf) -> str:
    return PdfReader(pdf).pages[0].extract_text()


def test_watch_mode_rebuilds_on_save_shows_errors_and_stops_cleanly(content_copy, tmp_path,
                                                                    browser):  # noqa: F811
    out = tmp_path / "out"
    flyer = out / "en" / "flyer-a4.pdf"
    mine_before = set(living_children(os.getpid()))
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "watch", "--port", "0", "--content",
         str(content_copy), "--out", str(out), "--locale", "en", "--product", "flyer",
         "--paper", "a4,letter", "--jobs", "2", "--no-chapters"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen: set[int] = set()  # every process the server started while it ran
    try:
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        deadline = time.monotonic() + 120
        first = _until("the first build", lambda: (s := _started(url)) and s["build"] >= 1 and s,
                       deadline)
        assert first["ok"] and first["rebuilt"] == 2, first
        seen |= set(living_children(process.pid))
        code, gallery, headers = _get(url + "gallery/")
        assert code == 200 and "flyer-a4.pdf" in gallery
        assert ".thumbs/en/flyer-a4.pdf.pages/1.png" in gallery
        assert "Build 1 is up to date" in gallery and "/static/watch.js" in gallery
        assert "script-src 'self'" in headers["content-security-policy"]
        assert (out / "index.html").is_file(), "the gallery is the build's own page"
        code, _, headers = _get(url + "gallery/.thumbs/en/flyer-a4.pdf.pages/1.png")
        assert code == 200 and headers["content-type"] == "image/png"
        assert headers["cache-control"] == "no-cache", "names stay across builds: revalidate"
        assert _get(url + "healthz")[0] == 200, "it is the desk: its other pages are there"

        # A good save: the rebuilt output changes.
        edit(content_copy / "campaign.yaml", HEADLINE, "Trafficking often begins with a friend online")
        _until("the rebuilt flyer", lambda: "often begins with" in _text(flyer), deadline)
        good_status = _until("a good build", lambda: (s := _status(url))["build"] >= 2
                             and not s["building"] and s, deadline)
        assert good_status["ok"], good_status
        seen |= set(living_children(process.pid))
        good = flyer.read_bytes()

        # A bad save, watched from the open gallery: it reloads itself and shows the error.
        page = browser.new_page()
        try:
            page.goto(url + "gallery/")
            assert page.locator(".watch.ok").count() == 1
            text = (content_copy / "campaign.yaml").read_text(encoding="utf-8")
            bad_line = text.count("\n") + 1
            (content_copy / "campaign.yaml").write_text(text + "broken: [\n", encoding="utf-8")
            page.wait_for_selector(".watch.error[role=alert]", timeout=60_000)
            shown = page.locator(".watch.error").inner_text()
            assert "campaign.yaml:" in shown and "YAML syntax" in shown
            page.goto(url + "watch")
            assert page.locator("[role=alert] table td code").first.inner_text().endswith(
                "campaign.yaml")
            result = _axe().run(page)
            assert result.violations_count == 0, result.generate_report()
        finally:
            page.close()
        status = _status(url)
        assert not status["ok"]
        (where,) = status["problems"]
        assert where["file"].endswith("campaign.yaml") and where["line"] >= bad_line, where
        assert "YAML syntax" in where["message"]
        code, watch_page, _ = _get(url + "watch")
        assert code == 200 and f"{where['line']}:{where['column']}" in watch_page
        assert flyer.read_bytes() == good, "a broken save never touches the last good output"
        assert "often begins with" in _text(flyer)

        # Stop it while a build may be running: the build ends, then the server does.
        edit(content_copy / "campaign.yaml", "broken: [\n", "")
        seen |= set(living_children(process.pid))
    finally:
        process.terminate()
        said, _ = process.communicate(timeout=120)
    assert process.returncode == 0, said
    assert "[build 3] failed; the last good outputs stay in place" in said
    assert "Traceback" not in said and "internal error" not in said
    assert not [pid for pid in seen if alive(pid)], "a render process outlived the desk"
    assert set(living_children(os.getpid())) <= mine_before


def _desk(tmp_path, **settings):
    config = ServeConfig(out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", **settings)
    return create_app(config)


def test_a_desk_not_in_watch_mode_has_no_watch_pages(tmp_path):
    app = _desk(tmp_path)
    assert "watch" not in app.state.desk.services
    with TestClient(app) as client:
        assert client.get("/watch/status").status_code == 404
        assert client.get("/watch").status_code == 404


def test_the_status_pages_escape_what_a_save_put_in_the_error(tmp_path):
    app = _desk(tmp_path, watch=True)
    watcher = app.state.desk.services["watch"]
    watcher.build, watcher.error = 3, "campaign.yaml:7:3: bad <script>alert(1)</script>"
    watcher.problems = problems(RenderError(watcher.error))
    client = TestClient(app)  # no lifespan: the watcher is not started, nothing is built
    status = client.get("/watch/status").json()
    assert status["problems"] == [{"file": "campaign.yaml", "line": 7, "column": 3, "field": "",
                                   "message": "bad <script>alert(1)</script>"}]
    for path in ("/watch", "/gallery/"):
        page = client.get(path)
        assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
        assert "<script>alert" not in page.text and "&lt;script&gt;alert(1)" in page.text, path
        assert "campaign.yaml" in page.text and 'data-watch-build="3"' in page.text, path
    assert "No outputs yet" in client.get("/gallery/").text, "a page before any good build"


def test_problems_keep_each_file_line_and_field():
    located = Problem("content/campaign.yaml", 12, 5, "sections[0].title", "too long")
    failed = BuildFailed([ContentError([located]), RenderError("the flyer does not fit its page")])
    assert problems(failed) == [
        {"file": "content/campaign.yaml", "line": 12, "column": 5, "field": "sections[0].title",
         "message": "too long"},
        {"file": "", "line": 0, "column": 0, "field": "", "message": "the flyer does not fit its page"}]
    assert problems(RenderError("locales/es.po:40: a broken {n}"))[0]["line"] == 40


def test_the_watch_command_takes_the_serve_flags():
    from outreach.cli import parser

    args = parser().parse_args(["watch", "--host", "0.0.0.0", "--port", "0", "--locale", "es"])
    assert (args.command, args.host, args.port, args.locale) == ("watch", "0.0.0.0", 0, ("es",))


def test_watch_on_a_reachable_host_needs_the_password(tmp_path, monkeypatch):
    monkeypatch.delenv("OUTREACH_PASSWORD", raising=False)
    refused = run_cli("watch", "--host", "0.0.0.0", "--out", str(tmp_path))
    assert refused.returncode == 2 and "OUTREACH_PASSWORD" in refused.stderr, refused.stderr


@pytest.mark.parametrize("path", ["/gallery/en/%00", "/gallery/en/%01x.pdf", "/gallery/.manifest.json"])
def test_bad_gallery_paths_get_an_answer_not_a_traceback(tmp_path, path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / ".manifest.json").write_text("{}")
    client = TestClient(_desk(tmp_path, watch=True), raise_server_exceptions=False)
    assert client.get(path).status_code in (400, 404)


def test_writes_into_the_output_folder_are_not_saves(tmp_path):
    from watchfiles import Change

    wanted = saves(tmp_path / "content" / "out")
    assert wanted(Change.modified, str(tmp_path / "content" / "campaign.yaml"))
    assert not wanted(Change.added, str(tmp_path / "content" / "out" / "en" / "flyer-a4.pdf"))
    assert not wanted(Change.modified, str(tmp_path / "content" / ".campaign.yaml.swp"))
