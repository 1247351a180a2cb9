"""The print shop's PDF: PDF/X-4, FOGRA39 output intent, K-only black, crop marks in a slug.

WeasyPrint 70 gets us most of the way but converts and checks nothing
(docs/press-notes.md):

- ``pdf_variant="pdf/x-4"`` writes the version keys, Trapped and /ID, but the
  /OutputIntents entry appears only when press.css's ``@color-profile`` rule
  loaded *through the same* ``color_profiles`` dict that reaches the render.
  A prebuilt ``CSS()`` without it loses the profile silently, so the finisher
  here refuses to write a press file without a CMYK intent. It also names the
  condition as PDF/X readers look it up (OutputConditionIdentifier FOGRA39,
  RegistryName color.org); WeasyPrint only copies the profile's model tag.
- Its own ``marks`` are RGB, sit *inside* the bleed and hide under full-bleed
  pictures, so they are not used. :func:`finish_press_pdf` (pikepdf) widens
  each page into a slug, strokes the eight crop marks there in the /All
  separation (every plate), clips the page content to its bleed so nothing
  strays onto the marks, and removes link annotations, which PDF/X forbids
  inside the bleed. TrimBox and BleedBox are left exactly as WeasyPrint wrote
  them from ``@page { size; bleed }``.
- RGB pictures stay DeviceRGB, which a CMYK-intent PDF/X-4 may not contain, so
  :func:`to_print_image` converts them beforehand (relative colorimetric with
  black-point compensation, sRGB or the file's own profile as source).

The screen PDF is the same layout written again and cut to the trim
(:func:`trim_for_screen`): one layout, so page numbers never differ.
"""

from __future__ import annotations

import hashlib
import io
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pikepdf

from ..errors import BuildError
from ..house import house
from ..output import atomic_path
from ..paths import LAYOUTS_DIR
from .pdf_finish import make_reproducible, save_reproducible, stamp_dates

if TYPE_CHECKING:
    import pydyf
    from PIL import Image
    from weasyprint import CSS, Document

MM = 72 / 25.4
PRINT_DIR = LAYOUTS_DIR / "print"
PROFILE_PATH = PRINT_DIR / "FOGRA39L.icc"
PRESS_CSS_PATH = PRINT_DIR / "press.css"

PDF_VARIANT = "pdf/x-4"
OUTPUT_CONDITION_IDENTIFIER = "FOGRA39"
OUTPUT_CONDITION = "Offset printing on coated paper, ISO 12647-2:2004 (FOGRA39L)"
REGISTRY_NAME = "http://www.color.org"

BLEED_MM = house().bleed_mm  # layouts/house.toml, as page.css asks; the marks follow the actual BleedBox
SLUG_MM = 10.0  # MediaBox = TrimBox ± this
MARK_GAP_MM = 1.0  # from the bleed edge to where a crop mark starts: never touches the bleed
MARK_LENGTH_MM = 5.0
MARK_WIDTH_PT = 0.25
_REGISTRATION = pikepdf.Name("/QhgyRegistration")  # resource name of the /All separation

# Part of the image cache key: bump it when the conversion below changes.
_IMAGE_RECIPE = "cmyk-jpeg-v1:relcol+bpc:q92:444"
JPEG_QUALITY = 92


class PressError(BuildError):
    """The press PDF cannot be made as the print shop needs it."""


# ---------------------------------------------------------------------------
# WeasyPrint side: stylesheet, write_pdf options, finisher


def press_stylesheet(color_profiles: dict, **css_options: Any) -> CSS:
    """press.css as a ``CSS`` object that keeps its ``@color-profile``.

    Pass the same ``color_profiles`` dict to ``HTML.render()`` (or
    ``write_pdf``); ``css_options`` go to ``CSS()`` (``url_fetcher``,
    ``font_config``).
    """
    from weasyprint import CSS

    return CSS(filename=str(PRESS_CSS_PATH), color_profiles=color_profiles, **css_options)


def press_write_options() -> dict[str, Any]:
    """Keyword arguments of ``Document.write_pdf`` for the press file.

    ``pdf_variant`` brings PDF 1.6 (needed for the Noto CJK /OpenType font
    programs), /ID, Trapped and the PDF/X-4 XMP; the finisher completes the
    output intent.
    """
    return {"pdf_variant": PDF_VARIANT, "custom_metadata": True, "finisher": finish_output_intent}


def finish_output_intent(document: Document, pdf: pydyf.PDF) -> None:
    """WeasyPrint finisher: insist on one CMYK output intent and name its condition."""
    import pydyf

    profile = document.color_profiles.get("device-cmyk")
    intents = pdf.catalog.get("OutputIntents") or []
    if profile is None or not intents:
        raise PressError(
            "the press PDF has no CMYK output intent: press.css's @color-profile did not load "
            "(a CSS object built without the render's color_profiles dict drops it silently; "
            "use render.press.press_stylesheet(color_profiles) and pass the same dict to render())"
        )
    if len(profile.components) != 4:
        raise PressError(f"the device-cmyk colour profile has {len(profile.components)} components, not 4")
    if len(intents) != 1:
        raise PressError(f"{len(intents)} output intents written; PDF/X allows exactly one")
    intent = intents[0]
    intent["S"] = "/GTS_PDFX"
    intent["DestOutputProfile"] = profile.pdf_reference  # the device-cmyk one, whatever the order
    intent["OutputConditionIdentifier"] = pydyf.String(OUTPUT_CONDITION_IDENTIFIER)
    intent["OutputCondition"] = pydyf.String(OUTPUT_CONDITION)
    intent["RegistryName"] = pydyf.String(REGISTRY_NAME)
    intent["Info"] = pydyf.String(OUTPUT_CONDITION)


def write_press_pdf(document: Document, target: Path) -> Path:
    """Write ``document`` as the press PDF at ``target`` (atomically) and return ``target``.

    The document must have been rendered with press.css's profile
    (:func:`press_stylesheet` and the same ``color_profiles`` dict), and with
    ``@page { bleed: 3mm }`` and no ``marks``.
    """
    stamp_dates(document)  # the date, not the clock's: the same sources give the same bytes
    with atomic_path(target) as tmp:
        document.write_pdf(tmp, **press_write_options())
        finish_press_pdf(tmp)
    return target


# ---------------------------------------------------------------------------
# pikepdf side: slug, crop marks, annotations, image streams


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


def trim_for_screen(path: Path) -> None:
    """Cut a PDF written from the press layout to its trim, for reading on screen.

    MediaBox = CropBox = TrimBox (bleed and slug hidden), BleedBox dropped, no
    output intent and no PDF/X claim: a reading copy must not pass for a
    press file. Rewrites ``path`` atomically.
    """
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            trim = page.obj.get("/TrimBox")
            if trim is None:
                continue
            page.obj.MediaBox = pikepdf.Array(list(trim))
            page.obj.CropBox = pikepdf.Array(list(trim))
            for key in ("/BleedBox", "/ArtBox"):
                if key in page.obj:
                    del page.obj[key]
        if "/OutputIntents" in pdf.Root:
            del pdf.Root["/OutputIntents"]
        for key in ("/GTS_PDFXVersion", "/GTS_PDFXConformance"):
            if key in pdf.docinfo:
                del pdf.docinfo[key]
        if "/Metadata" in pdf.Root:
            with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
                for key in ("pdfxid:GTS_PDFXVersion", "pdfx:GTS_PDFXVersion", "pdfx:GTS_PDFXConformance"):
                    if key in meta:
                        del meta[key]
        _save_atomic(pdf, path)


# ---------------------------------------------------------------------------
# Pictures: RGB/RGBA/grey files → CMYK (or grey) JPEG for the press


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
