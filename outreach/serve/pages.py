"""Server-rendered pages: Jinja templates in templates/serve/, autoescaped and strict."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

NAV = (("make", "/make"), ("translate", "/translate"), ("gallery", "/gallery/"))
"""The desk's sections in the order the navigation lists them (their words are in the
templates)."""


@lru_cache(maxsize=4)
def environment(templates_dir: Path) -> jinja2.Environment:
    """The desk's Jinja environment: autoescape always, a typo fails loudly."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir / "serve"),
        autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True)


def page(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    """Render templates/serve/<name> with the request's section and the navigation."""
    desk = request.app.state.desk
    template = environment(desk.config.templates_dir).get_template(name)
    here = request.url.path
    current = next((key for key, href in NAV if here.startswith(href.rstrip("/"))), "")
    body = template.render(request=request, nav=NAV, current=current, **context)
    return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)


SECURITY_HEADERS = {
    # Pages load only the desk's own styles, scripts and images: content a user typed or
    # uploaded is never markup, and nothing is fetched from elsewhere.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; frame-src 'self'; frame-ancestors 'self'; "
                               "form-action 'self'; base-uri 'none'; object-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
