"""Image references: inside the issue folder, a real file, a format the renderers take."""

from __future__ import annotations

import re
from pathlib import Path

from ..limits import MAX_PIXELS

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


_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"


def _cut_short(path: Path, fmt: str | None) -> str | None:
    """Why the picture's data stops before its end, or None when it is whole.

    A truncated file keeps a valid header, so Pillow opens it and WeasyPrint
    prints its missing part grey without a word. A JPEG is decoded at 1/8
    scale (libjpeg reads every byte but skips most of the work: 0.05 s for 24
    megapixels); a PNG must end with its IEND chunk.
    """
    from PIL import Image, ImageFile

    if fmt == "PNG":
        with path.open("rb") as f:
            f.seek(max(0, path.stat().st_size - len(_PNG_END)))
            return None if f.read() == _PNG_END else "its data ends before the PNG's end marker"
    if fmt == "JPEG":
        # WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES on import (so it prints the missing part
        # grey); the preview has it imported, so the check sets it aside while it decodes.
        previous, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            with Image.open(path) as im:
                im.draft(im.mode, (max(1, im.size[0] // 8), max(1, im.size[1] // 8)))
                im.load()
        except OSError as exc:
            return str(exc)
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous
    return None


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
            f"image “{path.name}” is {width} × {height} px, too large to lay out "
            f"(at most {MAX_PIXELS // 1_000_000} megapixels)",
            "downscale it to at most 6000 px on the long side (300 dpi at 50 cm)",
        )
    if reason := _cut_short(path, fmt):
        return (
            f"image “{path.name}” is cut short: {reason}",
            "the file was not copied or saved completely: export or copy it again from the original",
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
