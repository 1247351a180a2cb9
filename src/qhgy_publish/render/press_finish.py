"""The press PDF finished for the print shop (pikepdf, on the file WeasyPrint wrote): boxes,
slug, crop marks, annotations, picture streams.

WeasyPrint's own ``marks`` are RGB, sit *inside* the bleed and hide under
full-bleed pictures, so they are not used. :func:`finish_press_pdf` widens
each page into a slug, strokes the eight crop marks there in the /All
separation (every plate), clips the page content to its bleed so nothing
strays onto the marks, and removes link annotations, which PDF/X forbids
inside the bleed. TrimBox and BleedBox are left exactly as WeasyPrint wrote
them from ``@page { size; bleed }``. The ICC profile each CMYK JPEG carries
for its own sake is dropped from the picture streams (the output intent
governs them).
"""

from __future__ import annotations

from pathlib import Path

import pikepdf

from ..errors import BuildError
from ..house import house
from ..output import atomic_path
from .pdf_finish import make_reproducible, save_reproducible

MM = 72 / 25.4
BLEED_MM = house().bleed_mm  # layouts/house.toml, as page.css asks; the marks follow the actual BleedBox
SLUG_MM = 10.0  # MediaBox = TrimBox ± this
MARK_GAP_MM = 1.0  # from the bleed edge to where a crop mark starts: never touches the bleed
MARK_LENGTH_MM = 5.0
MARK_WIDTH_PT = 0.25
_REGISTRATION = pikepdf.Name("/QhgyRegistration")  # resource name of the /All separation


class PressError(BuildError):
    """The press PDF cannot be made as the print shop needs it."""


def _box(page: pikepdf.Dictionary, name: str) -> list[float] | None:
    box = page.get(name)
    if box is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in box)
    return [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]


def crop_mark_segments(trim: list[float], bleed: list[float]) -> list[tuple[float, float, float, float]]:
    """The eight crop-mark strokes (x0, y0, x1, y1) of a page, in its user space.

    Each continues a trim edge outwards, starting ``MARK_GAP_MM`` beyond the
    bleed edge on that side, so the cutter sees the trim line and no mark can
    print inside the bleed.
    """
    tx0, ty0, tx1, ty1 = trim
    bx0, by0, bx1, by1 = bleed
    gap, length = MARK_GAP_MM * MM, MARK_LENGTH_MM * MM
    left, right = bx0 - gap, bx1 + gap  # where horizontal marks start
    bottom, top = by0 - gap, by1 + gap  # where vertical marks start
    return [
        (left, ty0, left - length, ty0),
        (tx0, bottom, tx0, bottom - length),
        (right, ty0, right + length, ty0),
        (tx1, bottom, tx1, bottom - length),
        (left, ty1, left - length, ty1),
        (tx0, top, tx0, top + length),
        (right, ty1, right + length, ty1),
        (tx1, top, tx1, top + length),
    ]


def _registration_space(pdf: pikepdf.Pdf) -> pikepdf.Array:
    """/Separation /All: a stroke in it prints on every plate (cutting marks, registration)."""
    tint = pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1)
    return pikepdf.Array(
        [pikepdf.Name.Separation, pikepdf.Name.All, pikepdf.Name.DeviceCMYK, pdf.make_indirect(tint)]
    )


def _intersects(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _drop_annotations_in_bleed(page: pikepdf.Dictionary, bleed: list[float]) -> None:
    """PDF/X forbids annotations (links included) inside the bleed, except printer's marks."""
    annots = page.get("/Annots")
    if annots is None:
        return
    keep = []
    for annot in annots:
        rect = [float(v) for v in annot.get("/Rect", [0, 0, 0, 0])]
        rect = [min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3])]
        if annot.get("/Subtype") in ("/PrinterMark", "/TrapNet") or not _intersects(rect, bleed):
            keep.append(annot)
    if keep:
        page.Annots = pikepdf.Array(keep)
    else:
        del page["/Annots"]


def _jpeg_without_icc(data: bytes) -> bytes | None:
    """``data`` minus its APP2 ICC_PROFILE segments, or None when there are none.

    In a PDF the /ColorSpace of the image wins over a profile inside the JPEG
    (DeviceCMYK here means "the output intent"), so the 250 kB profile that
    to_print_image embeds for the file's own sake is dead weight per picture.
    """
    if data[:2] != b"\xff\xd8":
        return None
    out, i, changed = bytearray(data[:2]), 2, False
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None  # not a marker where one must be: leave the stream alone
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xDA, 0xD9):  # start of scan / end of image: the rest is entropy-coded data
            out += data[i:]
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out += data[i : i + 2]
            i += 2
            continue
        end = i + 2 + int.from_bytes(data[i + 2 : i + 4], "big")
        if marker == 0xE2 and data[i + 4 : i + 16] == b"ICC_PROFILE\x00":
            changed = True
        else:
            out += data[i:end]
        i = end
    return bytes(out) if changed else None


def _strip_image_profiles(pdf: pikepdf.Pdf) -> None:
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream) or obj.get("/Subtype") != "/Image":
            continue
        filters = obj.get("/Filter")
        if isinstance(filters, pikepdf.Array):
            filters = filters[0] if len(filters) == 1 else None
        if filters != "/DCTDecode":
            continue
        stripped = _jpeg_without_icc(obj.read_raw_bytes())
        if stripped is not None:
            obj.write(stripped, filter=pikepdf.Name.DCTDecode)


def finish_press_pdf(path: Path, *, slug_mm: float = SLUG_MM) -> None:
    """The pikepdf post-step on WeasyPrint's PDF/X-4 file at ``path`` (rewritten atomically).

    Per page: MediaBox = TrimBox ± ``slug_mm``; content clipped to the
    BleedBox and wrapped in q/Q (WeasyPrint leaves its flip matrix in force);
    eight crop marks stroked after it in /Separation /All, 0.25 pt; link
    annotations inside the bleed removed. TrimBox and BleedBox are untouched.
    A page whose MediaBox already has the slug is left alone, so running the
    step twice changes nothing.
    """
    if slug_mm < BLEED_MM + MARK_GAP_MM + MARK_LENGTH_MM + 0.5:
        raise ValueError(f"a {slug_mm} mm slug has no room for the crop marks")
    slug = slug_mm * MM
    with pikepdf.open(path) as pdf:
        registration = None
        for page in pdf.pages:
            obj = page.obj
            trim = _box(obj, "/TrimBox")
            if trim is None:
                raise PressError(f"page {page.index + 1} has no TrimBox: was @page size set?")
            bleed = _box(obj, "/BleedBox") or trim
            widest = max(trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3])
            if widest + (MARK_GAP_MM + MARK_LENGTH_MM) * MM > slug:
                raise PressError(f"page {page.index + 1}: a {slug_mm} mm slug has no room for crop marks")
            _drop_annotations_in_bleed(obj, bleed)
            media = [trim[0] - slug, trim[1] - slug, trim[2] + slug, trim[3] + slug]
            current = _box(obj, "/MediaBox")
            if current is not None and all(abs(a - b) < 0.01 for a, b in zip(current, media, strict=True)):
                continue
            obj.MediaBox = pikepdf.Array([round(v, 4) for v in media])
            if "/CropBox" in obj:
                del obj["/CropBox"]  # would hide the slug; MediaBox is what the RIP images
            if "/Resources" not in obj:
                obj.Resources = pikepdf.Dictionary()
            resources = obj.Resources
            if "/ColorSpace" not in resources:
                resources.ColorSpace = pikepdf.Dictionary()
            if _REGISTRATION not in resources.ColorSpace:  # WeasyPrint shares one /Resources
                registration = registration or pdf.make_indirect(_registration_space(pdf))
                resources.ColorSpace[_REGISTRATION] = registration
            x0, y0, x1, y1 = bleed
            clip = f"q {x0:.4f} {y0:.4f} {x1 - x0:.4f} {y1 - y0:.4f} re W n\n"
            strokes = "\n".join(
                f"{a:.4f} {b:.4f} m {c:.4f} {d:.4f} l" for a, b, c, d in crop_mark_segments(trim, bleed)
            )
            marks = f"Q\nq {_REGISTRATION} CS 1 SCN {MARK_WIDTH_PT} w 0 J 0 j [] 0 d\n{strokes}\nS Q\n"
            page.contents_add(pikepdf.Stream(pdf, clip.encode()), prepend=True)
            page.contents_add(pikepdf.Stream(pdf, marks.encode()))
        _strip_image_profiles(pdf)
        make_reproducible(pdf, "press")
        _save_atomic(pdf, path)


def _save_atomic(pdf: pikepdf.Pdf, path: Path) -> None:
    # The source stays open (and is read lazily) until save() returns; os.replace comes after.
    with atomic_path(path) as tmp:
        save_reproducible(pdf, tmp)

