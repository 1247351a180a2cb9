"""Stand-in photos: deterministic PNGs of the right size that say 图片待补 and what belongs there.

The seed issue has no photos. A stand-in has the slot's aspect ratio and its
300-dpi pixel size, a neutral tone, and its caption, so the layout is final
before the real photo arrives; sources mark it as a placeholder and
`qhgy check` lists it. The same arguments always give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .fonts import font_roles

MM_PER_INCH = 25.4


def make_placeholder(path: Path, *, width_mm: float, height_mm: float, caption: str, dpi: int = 300) -> None:
    """Write a grey PNG of ``width_mm`` × ``height_mm`` at ``dpi`` saying 图片待补 and ``caption``."""
    width = round(width_mm / MM_PER_INCH * dpi)
    height = round(height_mm / MM_PER_INCH * dpi)
    image = Image.new("L", (width, height), 214)
    draw = ImageDraw.Draw(image)
    inset = max(4, width // 60)
    draw.rectangle(
        [inset, inset, width - inset - 1, height - inset - 1], outline=160, width=max(2, width // 300)
    )
    role = font_roles()["heading"]
    big = ImageFont.truetype(str(role.file), size=max(12, width // 8), index=role.index)
    small = ImageFont.truetype(str(role.file), size=max(10, width // 22), index=role.index)
    _centred(draw, "图片待补", big, width, height * 0.38, 110)
    for i, line in enumerate(_wrap(caption, small, width * 0.85, draw)[:4]):
        _centred(draw, line, small, width, height * 0.62 + i * small.size * 1.5, 120)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A flat 16-grey palette keeps a 300-dpi stand-in at a few kilobytes.
    image.quantize(16, dither=Image.Dither.NONE).save(path, format="PNG", optimize=True, dpi=(dpi, dpi))


def _centred(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int, y: float, fill: int
) -> None:
    draw.text((width / 2, y), text, font=font, fill=fill, anchor="mm")


def _wrap(text: str, font: ImageFont.FreeTypeFont, max_width: float, draw: ImageDraw.ImageDraw) -> list[str]:
    lines, line = [], ""
    for ch in text:
        if draw.textlength(line + ch, font=font) > max_width:
            lines.append(line)
            line = ch
        else:
            line += ch
    return [*lines, line] if line else lines
