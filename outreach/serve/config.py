"""What the print desk serves and the limits it keeps; every field has the default
``python build.py serve`` uses."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from ..pipeline import ROOT, BuildOptions

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
"""Binds that only this machine can reach: the only ones allowed without a password."""
PASSWORD_VARIABLE = "OUTREACH_PASSWORD"
"""The environment variable holding the desk's password (never a command-line argument,
which any user of the machine can read in the process list)."""


@dataclass(frozen=True)
class ServeConfig:
    """Where the desk reads campaigns and writes, and how much it accepts at once."""

    campaigns: tuple[Path, ...] = (ROOT / "content",)
    """Campaign folders a user can choose from (each with campaign.yaml and locales/)."""
    templates_dir: Path = ROOT / "templates"
    out_dir: Path = Path("output")
    """The build's output folder, whose gallery the desk shows."""
    watch_build: BuildOptions | None = None
    """What watch mode builds (products, locales, papers...); its folders are always the
    desk's: the first campaign, templates_dir and out_dir."""
    cache_dir: Path = field(default_factory=lambda: _cache_home() / "outreach" / "desk")
    """Rendered files keyed by a hash of their inputs: the only thing the desk keeps. Never
    inside out_dir, which the gallery serves."""
    cache_bytes: int = 512 * 2**20
    """The cache's size; the least recently used files go first beyond it."""
    host: str = "127.0.0.1"
    port: int = 8000
    password: str | None = field(default=None, repr=False)
    """Asked on every page but /healthz when set; required for a non-local host."""
    renders: int = 2
    """Renders at once; one more is answered 503 with Retry-After."""
    render_seconds: float = 60.0
    """A render still running after this is stopped (its process killed) and answered 504."""
    max_request_bytes: int = 4 * 2**20
    """A request body larger than this (an upload included) is refused with 413."""
    watch: bool = False
    """Also rebuild the output folder on every save of content or templates (watch mode)."""

    def check(self) -> None:
        """Refuse a bind that others could reach unless a password protects it."""
        if self.host not in LOCAL_HOSTS and not self.password:
            raise UsageError(
                f"refusing to serve on {self.host}: anyone who can reach it could use the "
                f"desk. Set a password in the {PASSWORD_VARIABLE} environment variable, or "
                "leave --host at 127.0.0.1")


def _cache_home() -> Path:
    """$XDG_CACHE_HOME, else ~/.cache."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def password_from_environment() -> str | None:
    """The desk's password from the environment, if one is set (an empty one is none)."""
    return os.environ.get(PASSWORD_VARIABLE) or None
