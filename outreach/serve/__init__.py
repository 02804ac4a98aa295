"""The print desk: a web app over the same library, for people who never open a terminal.

``create_app(config)`` returns the ASGI app (Starlette); ``run(config)`` serves it under
uvicorn. Each feature is a module with ``routes(desk) -> list[BaseRoute]``: ``make`` (fill a
school's contact and event, preview, download), ``translate`` (status, strings on the page,
PO download and upload) and ``gallery`` (the build's gallery). The app keeps no state but
its render cache, so several instances can run behind one reverse proxy.
"""

from .app import Desk, create_app, run
from .config import LOCAL_HOSTS, PASSWORD_VARIABLE, ServeConfig

__all__ = ["LOCAL_HOSTS", "PASSWORD_VARIABLE", "Desk", "ServeConfig", "create_app", "run"]
