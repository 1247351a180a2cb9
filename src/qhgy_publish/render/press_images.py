"""The pictures stage of the print edition: each picture the layout reads, as the press needs it.

A press file with a CMYK output intent (PDF/X-4, FOGRA39) may not hold RGB
pictures, and WeasyPrint 70 converts none, so every picture is converted
*before* WeasyPrint reads it: :func:`weasy.fetcher_for` hands
:func:`press_version` to the URL fetcher, which serves the converted file in
place of the source picture (docs/press-notes.md). RGB and palette files are
converted from their embedded RGB profile, else sRGB, relative colorimetric
with black-point compensation; grey stays grey (K plate only); an untagged
CMYK file is taken as FOGRA39 already. The converted files are cached by
content, so an unchanged picture is converted once.

The screen PDF and the EPUB's cover are drawn from the same layout, so they
show these CMYK pictures too.
"""

from __future__ import annotations

import hashlib
import io
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..output import atomic_path
from ..paths import LAYOUTS_DIR

if TYPE_CHECKING:
    from PIL import Image

PROFILE_PATH = LAYOUTS_DIR / "print" / "FOGRA39L.icc"
PICTURES = {".jpg", ".jpeg", ".png"}  # converted; any other file is served as it is

# Part of the image cache key: bump it when the conversion below changes.
_IMAGE_RECIPE = "cmyk-jpeg-v1:relcol+bpc:q92:444"
JPEG_QUALITY = 92


def press_version(path: Path, cache_dir: Path) -> Path:
    """The file WeasyPrint reads for ``path``: a picture's press version (:func:`to_print_image`,
    kept in ``cache_dir``), any other file itself."""
    if path.suffix.lower() not in PICTURES:
        return path
    return to_print_image(path, cache_dir)


@cache
def _profile_bytes(profile: Path) -> bytes:
    return profile.read_bytes()


@cache
def _transform(source_icc: bytes | None, mode: str, profile: Path) -> Any:
    from PIL import ImageCms

    source = (
        ImageCms.ImageCmsProfile(io.BytesIO(source_icc)) if source_icc else ImageCms.createProfile("sRGB")
    )
    target = ImageCms.ImageCmsProfile(io.BytesIO(_profile_bytes(profile)))
    return ImageCms.buildTransform(
        source,
        target,
        mode,
        "CMYK",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
    )


def _icc_colour_space(icc: bytes | None) -> str:
    return icc[16:20].decode("latin-1").strip() if icc and len(icc) >= 20 else ""


def _flatten(im: Image.Image, mode: str) -> Image.Image:
    """Composite transparency onto white paper (the press has no alpha), as ``mode``."""
    from PIL import Image

    if "A" in im.getbands() or "transparency" in im.info:
        rgba = im.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba).convert(mode)
    return im.convert(mode)


def _to_press_pixels(data: bytes, profile: Path) -> tuple[Image.Image, bool]:
    """Decode ``data`` into CMYK (FOGRA39) or L pixels; second item: embed the profile."""
    from PIL import Image, ImageCms, ImageOps

    im = Image.open(io.BytesIO(data))
    im.load()
    icc = im.info.get("icc_profile")
    space = _icc_colour_space(icc)
    im = ImageOps.exif_transpose(im)  # WeasyPrint would honour EXIF; the JPEG we write carries none
    if im.mode == "CMYK":
        if space == "CMYK" and icc != _profile_bytes(profile):
            return _transform(icc, "CMYK", profile).apply(im), True  # another CMYK condition
        return im, True  # untagged CMYK is taken as already FOGRA39
    grey_modes = {"1", "L", "LA", "I", "I;16", "F"}
    if im.mode in grey_modes or (im.mode in ("P", "PA") and _palette_is_grey(im)):
        # Grey stays grey: DeviceGray prints on the K plate only, as a black-and-white photo should.
        return _flatten(im, "L"), False
    rgb = _flatten(im, "RGB")
    source = icc if space == "RGB" else None  # a grey/CMYK profile on RGB pixels is wrong: use sRGB
    return ImageCms.applyTransform(rgb, _transform(source, "RGB", profile)), True


def _palette_is_grey(im: Image.Image) -> bool:
    palette = im.getpalette() or []
    return all(palette[i] == palette[i + 1] == palette[i + 2] for i in range(0, len(palette) - 2, 3))


def to_print_image(src: Path, dst_dir: Path, *, profile: Path = PROFILE_PATH) -> Path:
    """The press version of the picture ``src``: a CMYK JPEG in ``profile`` (FOGRA39), profile embedded.

    RGB and palette files are converted from their embedded RGB profile, else
    sRGB, relative colorimetric with black-point compensation; transparency is
    composited onto white; EXIF rotation is applied. Grey files stay grey
    (K only). The result lands in ``dst_dir`` under a name carrying a hash of
    the file, the profile and this recipe, so an unchanged picture is
    converted once and an edited one never reuses a stale file. Pixel size
    and dpi are kept, so the layout does not move.
    """
    data = src.read_bytes()
    key = hashlib.sha256()
    for part in (_IMAGE_RECIPE.encode(), _profile_bytes(profile), data):
        key.update(hashlib.sha256(part).digest())
    target = dst_dir / f"{src.stem}-{key.hexdigest()[:16]}.jpg"
    if target.exists():
        return target
    pixels, embed = _to_press_pixels(data, profile)
    from PIL import Image

    with Image.open(io.BytesIO(data)) as original:
        dpi = original.info.get("dpi")
    options: dict[str, Any] = {"quality": JPEG_QUALITY, "subsampling": 0, "optimize": True}
    if embed:
        options["icc_profile"] = _profile_bytes(profile)
    if dpi:
        options["dpi"] = tuple(round(float(v)) for v in dpi)
    with atomic_path(target) as tmp:  # a concurrent build never reads half a JPEG
        pixels.save(tmp, "JPEG", **options)
    return target
