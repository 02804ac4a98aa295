"""A URL fetcher for WeasyPrint that serves only the project's own files.

Content is untrusted. Whatever a document asks for, the PDF engine may read only
files under the allowed folders (templates, fonts, content) and small data: URIs.
No network connection is ever opened.
"""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .images import MAX_DATA_URI  # one limit for load-time checks and the fetcher


class Refused(FatalURLFetchingError):
    """Raised when a document asks for anything outside the allowed folders."""


class ProjectFetcher(URLFetcher):
    """Serve ``file:`` URLs inside ``roots`` and small ``data:`` URIs; refuse the rest."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False,
                         fail_on_errors=True)
        self.roots = [root.resolve() for root in roots]
        self.refused: list[str] = []

    def _refuse(self, url: str, why: str) -> Refused:
        shown = url if len(url) < 120 else url[:117] + "..."
        self.refused.append(f"{shown} ({why})")
        return Refused(f"refused to load {shown}: {why}")

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        """Return the file or data the URL names, or raise Refused."""
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return self._data(url)
        if scheme != "file":
            raise self._refuse(url, "only the project's own files can be used; "
                                    "no network access")
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise self._refuse(url, "remote file shares are not allowed")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise self._refuse(url, "outside the project's templates, fonts and content")
        if not path.is_file():
            raise self._refuse(url, "no such file")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})

    def _data(self, url: str) -> URLFetcherResponse:
        """Decode a data: URI that is small enough."""
        if len(url) > MAX_DATA_URI:
            raise self._refuse(url, f"data: URI larger than {MAX_DATA_URI} bytes")
        header, _, payload = url[5:].partition(",")
        mime = header.split(";")[0] or "text/plain"
        body = base64.b64decode(payload) if header.endswith(";base64") else unquote(payload).encode()
        return URLFetcherResponse(url, body, {"Content-Type": mime})
