"""The print desk's server: password, size limits, health, home page and gallery."""

from __future__ import annotations

import base64

import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from outreach.errors import UsageError
from outreach.serve import ServeConfig, create_app


def _client(tmp_path, **settings) -> TestClient:
    config = ServeConfig(out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", **settings)
    return TestClient(create_app(config))


def _basic(password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"desk:{password}".encode()).decode()}


def test_a_reachable_bind_without_a_password_is_refused(tmp_path):
    with pytest.raises(UsageError, match="OUTREACH_PASSWORD"):
        create_app(ServeConfig(host="0.0.0.0", out_dir=tmp_path))


def test_the_password_guards_every_page_but_health(tmp_path):
    with _client(tmp_path, host="0.0.0.0", password="s3cret") as client:
        assert client.get("/healthz").status_code == 200
        for path in ("/", "/gallery/", "/static/desk.css"):
            refused = client.get(path)
            assert refused.status_code == 401, path
            assert refused.headers["www-authenticate"].startswith("Basic")
        assert client.get("/", headers=_basic("wrong")).status_code == 401
        assert client.get("/", headers=_basic("s3cret")).status_code == 200


def test_a_local_desk_asks_no_password(tmp_path):
    with _client(tmp_path) as client:
        home = client.get("/")
        assert home.status_code == 200
        assert 'href="/make"' in home.text and "Skip to the main content" in home.text
        assert "default-src 'self'" in home.headers["content-security-policy"]


async def _echo(request: Request) -> Response:
    return Response(str(len(await request.body())))


def test_a_body_over_the_limit_is_refused(tmp_path):
    with _client(tmp_path, max_request_bytes=1000) as client:
        client.app.router.routes.append(Route("/echo", _echo, methods=["POST"]))
        assert client.post("/echo", content=b"x" * 1000).text == "1000"
        declared = client.post("/echo", content=b"x" * 1001)
        assert declared.status_code == 413

        def chunks():  # no Content-Length: counted as it streams
            for _ in range(5):
                yield b"y" * 400

        assert client.post("/echo", content=chunks()).status_code == 413


def test_the_gallery_serves_outputs_but_not_hidden_files(tmp_path):
    out = tmp_path / "out"
    (out / "en").mkdir(parents=True)
    (out / "index.html").write_text("<!doctype html><title>gallery</title>")
    (out / "en" / "flyer-letter.pdf").write_bytes(b"%PDF-1.7 test")
    (out / ".manifest.json").write_text("{}")
    (out / ".thumbs").mkdir()
    (out / ".thumbs" / "1.png").write_bytes(b"png")
    with _client(tmp_path) as client:
        assert client.get("/gallery/").text.startswith("<!doctype html>")
        assert client.get("/gallery/en/flyer-letter.pdf").content == b"%PDF-1.7 test"
        assert client.get("/gallery/.thumbs/1.png").status_code == 200
        assert client.get("/gallery/.manifest.json").status_code == 404
        assert client.get("/gallery/%2e%2e/cache").status_code == 404
