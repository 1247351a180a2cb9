"""Draw the photos of the second sample issue, tests/fixtures/2025-06/images/.

    .venv/bin/python tools/make_fixture_photos.py [tests/fixtures/2025-06]

The fixture issue must exercise real photos (ratios 3:4, 16:9, 1:3 and 1:1,
JPEG, at least 300 dpi at their placed size) without shipping anyone's
pictures. Each one is a small painted scene — sky and ground gradients,
mountains, buildings, people as silhouettes — softened and given film grain
and a vignette, so that it compresses and prints like a photo rather than a
flat placeholder. Everything is drawn from a fixed seed: the same Pillow
gives the same pixels. The JPEGs are committed; run this only to change them.
"""

from __future__ import annotations

import io
import random
import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

RGB = tuple[int, int, int]
MAX_BYTES = 250_000  # keep every file well under 300 KB


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _vgradient(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], top: RGB, bottom: RGB) -> None:
    x0, y0, x1, y1 = box
    span = max(1, y1 - y0)
    for y in range(y0, y1):
        draw.line([(x0, y), (x1, y)], fill=_mix(top, bottom, (y - y0) / span))


def _glow(
    image: Image.Image, centre: tuple[float, float], radius: float, colour: RGB, strength: float
) -> None:
    """A soft radial light (sun, lamp): a blurred disc screened onto the image."""
    w, h = image.size
    layer = Image.new("L", (w, h), 0)
    ImageDraw.Draw(layer).ellipse(
        [centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius], fill=255
    )
    layer = layer.filter(ImageFilter.GaussianBlur(radius * 0.6)).point(lambda v: round(v * strength))
    image.paste(Image.new("RGB", (w, h), colour), mask=layer)


def _ridge(rng: random.Random, w: int, base: float, height: float, steps: int) -> list[tuple[float, float]]:
    points, y = [], base - height * rng.uniform(0.3, 0.7)
    for i in range(steps + 1):
        y = min(base, max(base - height, y + rng.uniform(-height, height) * 0.35))
        points.append((w * i / steps, y))
    return points


def _mountains(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, base: float, layers: list[RGB]) -> None:
    for k, colour in enumerate(layers):
        ridge = _ridge(rng, w, base, base * (0.22 - 0.05 * k), 14 + 6 * k)
        draw.polygon([*ridge, (w, base + 2), (0, base + 2)], fill=colour)


def _person(draw: ImageDraw.ImageDraw, x: float, foot: float, height: float, body: RGB, head: RGB) -> None:
    """A standing figure: head, shoulders and body, about 7½ heads tall."""
    unit = height / 7.5
    draw.ellipse([x - unit * 0.5, foot - height, x + unit * 0.5, foot - height + unit * 1.1], fill=head)
    draw.rounded_rectangle(
        [x - unit * 1.1, foot - height + unit * 1.2, x + unit * 1.1, foot - unit * 3.2],
        radius=unit * 0.5,
        fill=body,
    )
    draw.rectangle(
        [x - unit * 0.8, foot - unit * 3.4, x + unit * 0.8, foot], fill=_mix(body, (20, 20, 30), 0.4)
    )


def _seated(draw: ImageDraw.ImageDraw, x: float, table: float, size: float, body: RGB, head: RGB) -> None:
    draw.ellipse([x - size * 0.5, table - size * 2.6, x + size * 0.5, table - size * 1.5], fill=head)
    draw.rounded_rectangle(
        [x - size * 1.0, table - size * 1.45, x + size * 1.0, table + size * 0.2],
        radius=size * 0.4,
        fill=body,
    )


def _finish(image: Image.Image, rng: random.Random, grain: float = 7.0, blur: float = 1.2) -> Image.Image:
    """Soften, add film grain and a vignette: what makes a drawing read as a photo."""
    w, h = image.size
    image = image.filter(ImageFilter.GaussianBlur(blur))
    tile = Image.frombytes("L", (256, 256), rng.randbytes(256 * 256)).filter(ImageFilter.GaussianBlur(0.6))
    noise = Image.new("L", (w, h))
    for y in range(0, h, 256):
        for x in range(0, w, 256):
            noise.paste(tile, (x, y))
    noise = noise.point(lambda v: round(128 + (v - 128) * grain / 40))
    image = ImageChops.add(image, Image.merge("RGB", (noise, noise, noise)), scale=1.0, offset=-128)
    vignette = Image.new("L", (w, h), 0)
    ImageDraw.Draw(vignette).ellipse([-w * 0.25, -h * 0.25, w * 1.25, h * 1.25], fill=255)
    vignette = vignette.filter(ImageFilter.GaussianBlur(min(w, h) * 0.15))
    return Image.composite(
        image, Image.new("RGB", (w, h), (12, 12, 16)), vignette.point(lambda v: 150 + v * 105 // 255)
    )


# ------------------------------------------------------------------ scenes


def cover(w: int, h: int, rng: random.Random) -> Image.Image:
    """Rows of solar panels under a high-plateau sky, two workers inspecting them."""
    image = Image.new("RGB", (w, h))
    draw = ImageDraw.Draw(image)
    horizon = int(h * 0.42)
    _vgradient(draw, (0, 0, w, horizon), (38, 92, 168), (170, 205, 232))
    _glow(image, (w * 0.82, h * 0.12), h * 0.12, (255, 247, 220), 0.9)
    _mountains(draw, rng, w, horizon, [(150, 160, 180), (112, 118, 130)])
    _vgradient(draw, (0, horizon, w, h), (176, 160, 128), (120, 100, 74))
    for row in range(9):
        y = horizon + (h - horizon) * (row / 9) ** 1.4 + 8
        depth = (h - horizon) * ((row + 1) / 9) ** 1.4 - (h - horizon) * (row / 9) ** 1.4
        for col in range(-2, 26):
            x = col * w / 22 + (row % 2) * w / 44
            pw = w / 24 * (0.6 + row * 0.12)
            draw.polygon(
                [(x, y), (x + pw, y), (x + pw * 1.08, y + depth * 0.7), (x + pw * 0.08, y + depth * 0.7)],
                fill=_mix((28, 44, 88), (62, 90, 150), rng.random() * 0.5),
                outline=(190, 200, 215),
            )
    _person(draw, w * 0.34, h * 0.93, h * 0.34, (230, 110, 30), (120, 82, 60))
    _person(draw, w * 0.47, h * 0.95, h * 0.36, (32, 72, 150), (110, 76, 56))
    return _finish(image, rng, grain=3, blur=1.6)


def meeting(w: int, h: int, rng: random.Random) -> Image.Image:
    """A meeting room: panelled wall, a banner, a long table with people along it."""
    image = Image.new("RGB", (w, h))
    draw = ImageDraw.Draw(image)
    _vgradient(draw, (0, 0, w, int(h * 0.62)), (196, 170, 130), (150, 120, 86))
    draw.rectangle([w * 0.12, h * 0.08, w * 0.88, h * 0.2], fill=(170, 28, 36))
    for i in range(16):
        x = w * (0.16 + i * 0.045)
        draw.rectangle([x, h * 0.12, x + w * 0.03, h * 0.16], fill=(245, 230, 200))
    for i in range(7):
        draw.line([(w * i / 6, h * 0.22), (w * i / 6, h * 0.62)], fill=(130, 100, 70), width=max(2, w // 400))
    _vgradient(draw, (0, int(h * 0.62), w, h), (120, 100, 90), (70, 56, 50))
    table = h * 0.7
    draw.polygon(
        [(w * 0.05, table), (w * 0.95, table), (w * 1.05, h * 0.86), (-w * 0.05, h * 0.86)], fill=(92, 54, 34)
    )
    for i in range(9):
        x = w * (0.1 + i * 0.1)
        _seated(draw, x, table, h * 0.06, _mix((30, 34, 48), (60, 64, 80), rng.random()), (150, 110, 86))
        draw.rectangle(
            [x - h * 0.03, table + h * 0.02, x + h * 0.03, table + h * 0.035], fill=(235, 235, 230)
        )
    for k in range(3):
        _glow(image, (w * (0.2 + 0.3 * k), h * 0.02), h * 0.08, (255, 244, 210), 0.5)
    return _finish(image, rng)


def tower(w: int, h: int, rng: random.Random) -> Image.Image:
    """A solar-thermal tower, glowing at its top, above a field of mirrors."""
    image = Image.new("RGB", (w, h))
    draw = ImageDraw.Draw(image)
    _vgradient(draw, (0, 0, w, int(h * 0.8)), (30, 70, 150), (176, 206, 230))
    _mountains(draw, rng, w, h * 0.8, [(146, 150, 164)])
    _vgradient(draw, (0, int(h * 0.8), w, h), (190, 170, 130), (140, 118, 86))
    cx, top = w * 0.5, h * 0.07
    draw.polygon(
        [
            (cx - w * 0.06, top + h * 0.06),
            (cx + w * 0.06, top + h * 0.06),
            (cx + w * 0.11, h * 0.82),
            (cx - w * 0.11, h * 0.82),
        ],
        fill=(208, 208, 204),
    )
    draw.polygon(
        [(cx, top + h * 0.06), (cx + w * 0.06, top + h * 0.06), (cx + w * 0.11, h * 0.82), (cx, h * 0.82)],
        fill=(168, 168, 166),
    )
    draw.rectangle([cx - w * 0.1, top, cx + w * 0.1, top + h * 0.07], fill=(250, 230, 160))
    _glow(image, (cx, top + h * 0.035), w * 0.3, (255, 250, 225), 0.8)
    for row in range(14):
        y = h * 0.83 + row * h * 0.012
        for col in range(12):
            x = col * w / 11 + (row % 2) * w / 22 - w * 0.03
            draw.rectangle([x, y, x + w * 0.06 * (0.6 + row * 0.05), y + h * 0.005], fill=(120, 150, 200))
    return _finish(image, rng, grain=6, blur=1.0)


def counselling(w: int, h: int, rng: random.Random) -> Image.Image:
    """Two people seated face to face by a window, a plant between them (portrait, 3:4)."""
    image = Image.new("RGB", (w, h))
    draw = ImageDraw.Draw(image)
    _vgradient(draw, (0, 0, w, int(h * 0.7)), (222, 214, 196), (200, 188, 168))
    draw.rectangle([w * 0.1, h * 0.08, w * 0.9, h * 0.42], fill=(200, 222, 236))
    _glow(image, (w * 0.5, h * 0.25), w * 0.35, (250, 252, 255), 0.6)
    draw.line([(w * 0.5, h * 0.08), (w * 0.5, h * 0.42)], fill=(240, 240, 236), width=max(3, w // 120))
    _vgradient(draw, (0, int(h * 0.7), w, h), (150, 118, 90), (110, 84, 62))
    _seated(draw, w * 0.26, h * 0.72, w * 0.12, (80, 110, 150), (160, 120, 96))
    _seated(draw, w * 0.74, h * 0.72, w * 0.12, (180, 70, 70), (150, 110, 90))
    draw.ellipse([w * 0.42, h * 0.55, w * 0.58, h * 0.72], fill=(60, 120, 60))
    draw.rectangle([w * 0.46, h * 0.7, w * 0.54, h * 0.8], fill=(140, 90, 60))
    return _finish(image, rng)


def library(w: int, h: int, rng: random.Random) -> Image.Image:
    """Bookshelves, a reading table, readers (square)."""
    image = Image.new("RGB", (w, h))
    draw = ImageDraw.Draw(image)
    _vgradient(draw, (0, 0, w, h), (120, 84, 56), (70, 48, 34))
    for shelf in range(5):
        y = h * (0.06 + shelf * 0.11)
        x = w * 0.04
        while x < w * 0.96:
            bw = w * rng.uniform(0.012, 0.03)
            colour = rng.choice(
                [(150, 40, 40), (40, 70, 120), (200, 170, 90), (60, 110, 80), (210, 200, 180)]
            )
            draw.rectangle([x, y + h * rng.uniform(0.0, 0.02), x + bw, y + h * 0.1], fill=colour)
            x += bw + 1
        draw.rectangle([0, y + h * 0.1, w, y + h * 0.11], fill=(90, 60, 40))
    _glow(image, (w * 0.5, h * 0.1), w * 0.2, (255, 240, 200), 0.35)
    draw.rectangle([0, h * 0.66, w, h], fill=(150, 120, 90))
    draw.rectangle([w * 0.1, h * 0.7, w * 0.9, h * 0.76], fill=(110, 70, 44))
    for i, x in enumerate((0.25, 0.5, 0.75)):
        _seated(
            draw, w * x, h * 0.72, w * 0.06, [(40, 60, 100), (120, 50, 60), (60, 90, 70)][i], (160, 120, 96)
        )
    return _finish(image, rng)


def playroom(w: int, h: int, rng: random.Random) -> Image.Image:
    """Children at low tables doing handicrafts with a teacher standing (16:9)."""
    image = Image.new("RGB", (w, h))
    draw = ImageDraw.Draw(image)
    _vgradient(draw, (0, 0, w, int(h * 0.6)), (240, 226, 190), (226, 204, 160))
    for i in range(6):
        x = w * (0.05 + i * 0.16)
        draw.rectangle(
            [x, h * 0.1, x + w * 0.1, h * 0.3],
            fill=rng.choice([(230, 120, 80), (90, 160, 200), (120, 190, 110), (250, 210, 90)]),
        )
    _vgradient(draw, (0, int(h * 0.6), w, h), (170, 190, 120), (120, 150, 90))
    for t in range(3):
        tx = w * (0.12 + t * 0.3)
        draw.rectangle([tx, h * 0.7, tx + w * 0.22, h * 0.76], fill=(250, 250, 245))
        for c in range(3):
            _seated(
                draw,
                tx + w * (0.04 + c * 0.07),
                h * 0.72,
                h * 0.05,
                rng.choice([(220, 60, 60), (60, 120, 220), (240, 180, 40)]),
                (170, 128, 100),
            )
    _person(draw, w * 0.9, h * 0.95, h * 0.6, (60, 70, 120), (150, 110, 90))
    return _finish(image, rng)


def oilfield(w: int, h: int, rng: random.Random) -> Image.Image:
    """A pump jack on the desert with a worker beside it (4:3)."""
    image = Image.new("RGB", (w, h))
    draw = ImageDraw.Draw(image)
    horizon = int(h * 0.58)
    _vgradient(draw, (0, 0, w, horizon), (60, 110, 180), (214, 222, 226))
    _glow(image, (w * 0.15, h * 0.15), h * 0.1, (255, 250, 230), 0.8)
    _mountains(draw, rng, w, horizon, [(170, 150, 130)])
    _vgradient(draw, (0, horizon, w, h), (214, 186, 140), (170, 138, 96))
    base = h * 0.8
    draw.polygon([(w * 0.5, base), (w * 0.56, h * 0.36), (w * 0.62, base)], fill=(60, 60, 64))
    draw.line([(w * 0.3, h * 0.42), (w * 0.8, h * 0.3)], fill=(200, 60, 40), width=max(6, w // 60))
    draw.polygon(
        [(w * 0.22, h * 0.36), (w * 0.3, h * 0.36), (w * 0.3, h * 0.58), (w * 0.24, h * 0.6)],
        fill=(200, 60, 40),
    )
    draw.line([(w * 0.26, h * 0.58), (w * 0.26, base)], fill=(50, 50, 50), width=max(3, w // 200))
    draw.rectangle([w * 0.62, h * 0.7, w * 0.78, base], fill=(90, 90, 96))
    _person(draw, w * 0.86, h * 0.9, h * 0.42, (220, 110, 30), (130, 90, 66))
    return _finish(image, rng)


def portrait(background: RGB, clothes: RGB) -> Callable[[int, int, random.Random], Image.Image]:
    """A head-and-shoulders portrait against a soft background (3:4)."""

    def draw_portrait(w: int, h: int, rng: random.Random) -> Image.Image:
        image = Image.new("RGB", (w, h))
        draw = ImageDraw.Draw(image)
        _vgradient(draw, (0, 0, w, h), _mix(background, (255, 255, 255), 0.35), background)
        _glow(image, (w * rng.uniform(0.2, 0.8), h * 0.25), w * 0.4, (255, 255, 250), 0.4)
        draw.ellipse([w * 0.05, h * 0.62, w * 0.95, h * 1.25], fill=clothes)
        draw.rectangle([w * 0.4, h * 0.5, w * 0.6, h * 0.68], fill=(176, 128, 98))
        face = rng.uniform(0.2, 0.26)
        draw.ellipse([w * (0.5 - face), h * 0.18, w * (0.5 + face), h * 0.6], fill=(190, 142, 110))
        hair = rng.uniform(0.32, 0.46)
        draw.chord([w * (0.48 - face), h * 0.12, w * (0.52 + face), h * hair], 180, 360, fill=(34, 26, 22))
        if hair > 0.4:  # longer hair falls to the shoulders
            draw.rectangle([w * (0.48 - face), h * 0.27, w * (0.55 - face), h * 0.62], fill=(34, 26, 22))
            draw.rectangle([w * (0.45 + face), h * 0.27, w * (0.52 + face), h * 0.62], fill=(34, 26, 22))
        return _finish(image, rng, grain=5, blur=0.8)

    return draw_portrait


# name → (scene, width px, height px): ≥ 300 dpi at the largest size the sources place them
PHOTOS: dict[str, tuple[Callable[[int, int, random.Random], Image.Image], int, int]] = {
    "cover.jpg": (cover, 2552, 1890),  # 216 × 160 mm, the cover slot
    "haixi-zuotan.jpg": (meeting, 2010, 1131),  # 16:9, across both columns (170 mm)
    "delingha-ta.jpg": (tower, 960, 2880),  # 1:3, a column wide (81 mm)
    "xinli-zixun.jpg": (counselling, 960, 1280),  # 3:4
    "shuwu.jpg": (library, 960, 960),  # 1:1
    "xining-tuoguan.jpg": (playroom, 1000, 563),  # 16:9, a column wide
    "huatugou.jpg": (oilfield, 1000, 750),  # 4:3, 50 mm high
    "profile-hanguoqiang.jpg": (portrait((70, 100, 140), (40, 60, 110)), 360, 480),
    "profile-zhuomacaicuo.jpg": (portrait((150, 120, 90), (170, 40, 50)), 360, 480),
    "profile-liwenbin.jpg": (portrait((90, 110, 100), (50, 70, 120)), 360, 480),
    "profile-wangliping.jpg": (portrait((200, 190, 90), (230, 230, 220)), 360, 480),
    "profile-mafuyuan.jpg": (portrait((110, 130, 160), (40, 40, 48)), 360, 480),
    "profile-suonandajie.jpg": (portrait((120, 150, 180), (200, 90, 30)), 360, 480),
    "profile-chenxiulan.jpg": (portrait((170, 150, 140), (90, 60, 110)), 360, 480),
}


def save_jpeg(image: Image.Image, path: Path) -> int:
    """Save at the highest quality that stays under MAX_BYTES; return the size."""
    for quality in (90, 85, 80, 75, 70, 65, 60):
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=quality, optimize=True, dpi=(300, 300))
        if buffer.tell() <= MAX_BYTES:
            break
    else:
        raise SystemExit(f"{path.name}: {buffer.tell()} bytes even at quality 60; draw it with less grain")
    path.write_bytes(buffer.getvalue())
    return buffer.tell()


def main(issue_dir: Path) -> int:
    images = issue_dir / "images"
    images.mkdir(parents=True, exist_ok=True)
    for index, (name, (scene, width, height)) in enumerate(sorted(PHOTOS.items())):
        size = save_jpeg(scene(width, height, random.Random(2025_06_00 + index)), images / name)
        print(f"{name:28} {width:5} × {height:<5} {size / 1000:6.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/2025-06")))
