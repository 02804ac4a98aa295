"""The build's gallery, served as it is on disk (output/index.html and its files)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from ..thumbnails import THUMBS


class _Outputs(StaticFiles):
    """The output folder without its hidden files (the manifest, the lock, leftovers),
    except the thumbnails folder the gallery's pages show."""

    def lookup_path(self, path: str):
        parts = [part for part in path.replace("\\", "/").split("/") if part not in ("", ".")]
        if any(part.startswith(".") and part != THUMBS for part in parts) or \
                any(part.endswith(".part") for part in parts):
            raise HTTPException(404)
        return super().lookup_path(path)

    def file_response(self, *args, **kwargs):
        # Outputs and thumbnails keep their names across builds: ask before reusing them.
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "no-cache"
        return response


def routes(desk) -> list[BaseRoute]:
    """Serve the output folder under /gallery/ (its index.html at /gallery/)."""
    out = desk.config.out_dir
    out.mkdir(parents=True, exist_ok=True)
    return [Mount("/gallery", _Outputs(directory=out, html=True), name="gallery")]
