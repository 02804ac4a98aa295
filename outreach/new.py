"""`python build.py new DIR`: start a campaign from a small, complete starter.

The starter (outreach/starter/) has content, a deck outline and help lines for one
region; it builds at once, and its TODO placeholders are listed by `check` until they are
replaced. Nothing is overwritten: the folder must not exist yet, or be empty.
"""

from __future__ import annotations

from pathlib import Path

from .errors import UsageError
from .output import atomic_write
from .schema import write_schemas

STARTER = Path(__file__).resolve().parent / "starter"
FILES = ("campaign.yaml", "deck.yaml")


def create(folder: Path) -> list[Path]:
    """Write a new campaign into ``folder``; return the files written."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder}: already exists and is not empty; choose a new folder "
                         "(nothing was written)")
    written = []
    for name in FILES:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, (STARTER / name).read_bytes())
        written.append(target)
    for sub in ("regions", "locales", "images"):
        (folder / sub).mkdir(exist_ok=True)
    written += write_schemas(folder / "schema")
    return written
