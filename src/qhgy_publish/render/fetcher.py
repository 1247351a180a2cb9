"""A closed URL fetcher: WeasyPrint may read the issue folder, the layouts and the fonts, nothing else.

No network, no file elsewhere on the machine: anything else stops the render,
so a crafted source can never pull ``/etc/passwd`` or a remote URL into a PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher


class ClosedFetcher(URLFetcher):
    """Serves ``file:`` URLs below ``roots`` (after resolving links) and ``data:`` URLs.

    ``serve``, when given, names the file served for an allowed path: the
    print edition passes the pictures stage (:func:`.press_images.press_version`),
    so WeasyPrint reads each picture's CMYK version.
    """

    def __init__(self, roots: list[Path], serve: Callable[[Path], Path] | None = None) -> None:
        super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)
        self.roots = [r.resolve() for r in roots]
        self.serve = serve

    def fetch(self, url: str, headers: dict | None = None):  # type: ignore[override]
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme != "file":
            raise FatalURLFetchingError(f"refused to fetch {url}: only files of the issue are read")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise FatalURLFetchingError(
                f"refused to read {path}: it lies outside the issue, layouts and fonts"
            )
        if self.serve is not None:
            path = self.serve(path)
        return super().fetch(path.as_uri(), headers)
