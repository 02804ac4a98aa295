"""The desk's ASGI app: middleware (password, request size), the home page, health, and
each feature module's routes."""

from __future__ import annotations

import base64
import binascii
import hmac
import importlib
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .config import ServeConfig
from .pages import SECURITY_HEADERS, page

FEATURES = ("make", "translate", "watch", "gallery")
"""Modules of this package that add routes, each with ``routes(desk)``."""


class Desk:
    """What every request handler shares: the configuration and the feature services."""

    def __init__(self, config: ServeConfig):
        self.config = config
        self.services: dict[str, object] = {}
        """Long-lived helpers a feature starts (a render pool, a watcher), by name; each
        may have ``start()`` and ``stop()``, called as the app starts and stops."""


def _home(request: Request) -> Response:
    return page(request, "home.html.j2")


def _healthz(request: Request) -> Response:
    return PlainTextResponse("ok\n", headers={"Cache-Control": "no-store"})


class _Guard:
    """ASGI middleware: the password on every path but /healthz, and a cap on body size."""

    def __init__(self, app, config: ServeConfig):
        self.app = app
        self.password = config.password
        self.limit = config.max_request_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        public = scope["path"] == "/healthz" and scope["method"] in ("GET", "HEAD")
        if self.password and not public and not self._authorized(headers):
            return await _refuse(send, 401, "Password required.\n",
                                 [(b"www-authenticate", b'Basic realm="outreach", charset="UTF-8"')])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            return await _refuse(send, 413, "The request is too large.\n")
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _refuse(send, 413, "The request is too large.\n")

    def _authorized(self, headers: dict) -> bool:
        """True if the request carries the password (HTTP Basic; any user name)."""
        kind, _, token = headers.get(b"authorization", b"").partition(b" ")
        if kind.lower() != b"basic":
            return False
        try:
            _, _, given = base64.b64decode(token, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return hmac.compare_digest(given.encode(), self.password.encode())


class _TooLarge(Exception):
    """Raised when a body streams past the limit its Content-Length did not declare."""


async def _refuse(send, status: int, text: str, extra: list | None = None) -> None:
    """Answer a request the guard stops, with a short plain-text reason."""
    body = text.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"),
               (b"content-length", str(len(body)).encode()), *(extra or [])]
    headers += [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def create_app(config: ServeConfig | None = None) -> Starlette:
    """Return the desk as an ASGI app; refuse a reachable bind without a password."""
    config = config or ServeConfig()
    config.check()
    desk = Desk(config)
    routes = [Route("/", _home), Route("/healthz", _healthz, methods=["GET", "HEAD"]),
              Mount("/static", StaticFiles(directory=Path(config.templates_dir) / "serve" / "static"),
                    name="static")]
    for name in FEATURES:
        routes += importlib.import_module(f"{__package__}.{name}").routes(desk)

    @asynccontextmanager
    async def lifespan(app):
        for service in desk.services.values():
            getattr(service, "start", lambda: None)()
        try:
            yield
        finally:
            for service in reversed(list(desk.services.values())):
                getattr(service, "stop", lambda: None)()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.desk = desk
    app.add_middleware(_Guard, config=config)
    return app


def run(config: ServeConfig, say=print) -> int:
    """Serve the desk under uvicorn until Ctrl-C or SIGTERM; return the exit code."""
    import socket

    import uvicorn

    from ..errors import explain_os_error

    app = create_app(config)
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((config.host, config.port))
    except OSError as exc:
        sock.close()
        raise explain_os_error(exc, f"{config.host}:{config.port}", "serve the desk on") from exc
    host = f"[{config.host}]" if ":" in config.host else config.host
    say(f"print desk: http://{host}:{sock.getsockname()[1]}/  (Ctrl+C to stop)")
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           timeout_graceful_shutdown=5))
    server.run(sockets=[sock])
    return 0
