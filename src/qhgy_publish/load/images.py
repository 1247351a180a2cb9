"""Image references: inside the issue folder, a real file, a format the renderers take."""

from __future__ import annotations

import re
from pathlib import Path

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def resolve_image(src: str, issue_root: Path) -> tuple[Path, tuple[str, str] | None]:
    """Resolve ``src`` (relative to the issue folder); return (path, (problem, hint) or None)."""
    root = issue_root.resolve()
    if not src:
        return root, ("an image has no file name", "write ![alt](images/name.jpg)")
    if _URL.match(src):
        return root, (
            f"image “{src}” is a URL",
            "copy the image into the issue's images/ folder and write images/name.jpg",
        )
    if src.startswith(("/", "\\")):
        return root, (
            f"image “{src}” is an absolute path",
            "write a path inside the issue folder, e.g. images/name.jpg",
        )
    path = (root / src).resolve()  # follows symlinks: a link out of the folder is caught too
    if not path.is_relative_to(root):
        return root, (
            f"image “{src}” lies outside the issue folder",
            "copy the image into the issue's images/ folder",
        )
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return path, (f"image “{src}” is not a JPEG or PNG file", "convert it to .jpg (photos) or .png")
    if not path.is_file():
        return path, (
            f"image “{src}” does not exist",
            "check the file name (case matters) or add the file to images/",
        )
    return path, None


# A 300-dpi full-bleed spread is about 5100 × 3500 px; far beyond that is a mistake
# that would only exhaust memory during layout.
MAX_PIXELS = 60_000_000


def inspect_image(path: Path) -> tuple[str, str] | None:
    """Open the image header only; return (problem, hint) when it cannot be printed."""
    from PIL import Image

    try:
        try:
            with Image.open(path) as im:
                width, height = im.size
                fmt = im.format
        except Image.DecompressionBombError:
            # Only the header is read here; lift Pillow's guard to learn the size and say it.
            guard, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
            try:
                with Image.open(path) as im:
                    width, height = im.size
                    fmt = im.format
            finally:
                Image.MAX_IMAGE_PIXELS = guard
    except Exception as exc:  # Pillow raises many types for broken files
        return (f"image “{path.name}” cannot be read ({type(exc).__name__})", "re-export it as JPEG or PNG")
    if fmt not in ("JPEG", "PNG"):
        return (f"image “{path.name}” is {fmt}, not JPEG or PNG", "convert it to .jpg or .png")
    if width * height > MAX_PIXELS:
        return (
            f"image “{path.name}” is {width} × {height} px, too large to lay out",
            "downscale it to at most 6000 px on the long side (300 dpi at 50 cm)",
        )
    return None


def pixel_size(path: Path) -> tuple[int, int]:
    """Width and height in pixels from the file's header; (0, 0) when it cannot be read
    (inspect_image reports why)."""
    from PIL import Image

    guard, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None  # the header only: no bomb to fear
    try:
        with Image.open(path) as im:
            return im.size
    except Exception:  # Pillow raises many types for broken files
        return (0, 0)
    finally:
        Image.MAX_IMAGE_PIXELS = guard
