"""A closed URL fetcher: WeasyPrint may read the issue folder, the layouts and the fonts, nothing else.

No network, no file elsewhere on the machine: anything else stops the render,
so a crafted source can never pull ``/etc/passwd`` or a remote URL into a PDF.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher

PICTURES = {".jpg", ".jpeg", ".png"}


class ClosedFetcher(URLFetcher):
    """Serves ``file:`` URLs below ``roots`` (after resolving links) and ``data:`` URLs."""

    def __init__(self, roots: list[Path], press_images: Path | None = None) -> None:
        super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)
        self.roots = [r.resolve() for r in roots]
        # Where press versions of pictures (CMYK JPEG, FOGRA39) are cached; None: serve as is.
        self.press_images = press_images

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
        if self.press_images is not None and path.suffix.lower() in PICTURES:
            from .press import to_print_image

            path = to_print_image(path, self.press_images)
        return super().fetch(path.as_uri(), headers)
