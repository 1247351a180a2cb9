"""Preflight of the press PDF: proves, from the file alone, what the print shop checks.

There is no open PDF/X validator (veraPDF covers PDF/A and UA; the npm
"press-ready" wrapper rasterises and still passes bad files), so the build
proves each point of the spec itself, reading the finished PDF with pikepdf,
never our HTML or CSS. A small content-stream interpreter follows the
graphics state of every page (CTM, colours, text matrix, fonts, Form
XObjects, tiling patterns) and sees what a RIP would draw:

- document: one GTS_PDFX output intent with a CMYK (N = 4) profile and a
  condition identifier, the PDF/X version key, Trapped, title, /ID;
- pages: TrimBox = trim, BleedBox = trim + bleed on each side (0.1 pt),
  TrimBox ⊆ BleedBox ⊆ MediaBox, a slug with crop marks, no annotation in the
  bleed, a page count divisible by 4 (saddle stitch), empty pages;
- fonts: embedded, subset, no /OpenType program below PDF 1.6, no .notdef
  drawn: WeasyPrint draws a character no face covers with a glyph id past the
  end of the font (or 0), so a drawn glyph id ≥ the embedded program's glyph
  count (or 0) is a missing character, named through the font's ToUnicode map;
- pictures: effective resolution at the placed size from the CTM at each
  ``Do``/inline image (error < 150 dpi, warning < 300 dpi) and colour space;
- colour: DeviceRGB anywhere is an error (PDF/X-4 allows device colour only in
  the output intent's space; WeasyPrint's own black is ``0 0 0 rg``); ICC-based
  RGB or Lab is a warning for X-4 (legal, but the RIP converts it) and an error
  for X-1a; near-black text with C, M or Y ink is a warning (K-only black);
- text within the safe area (3 mm inside the trim), from each glyph's box.

Findings carry stable codes (P-0xx, registered in qhgy_publish.codes) and
the 1-based PDF page, not the folio. A problem found on many pages
is reported once, listing its pages.
"""

from __future__ import annotations

import io
import math
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pikepdf

from ..codes import REGISTRY
from ..house import house
from .findings import Finding, Product, Severity

MM = 72 / 25.4
BOX_TOLERANCE_PT = 0.1
SAFE_MARGIN_MM = 3.0
DPI_ERROR = 150
DPI_WARNING = 300
_MAX_DEPTH = 12  # nested Form XObjects / patterns followed at most this deep

# The P- codes of the one registry (qhgy_publish.codes): code → what it means.
CODES: dict[str, str] = {c: entry.summary for c, entry in REGISTRY.items() if c.startswith("P-")}


def _finding(
    severity: Severity, code: str, message: str, page: int | None = None, hint: str = ""
) -> Finding:
    """A finding on page ``page`` (1-based) of the PDF; the file's name is added at the end."""
    return Finding(severity, code, message, Product(page=page or 0), hint)


# ---------------------------------------------------------------------------
# Small geometry


Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """m × n: apply m, then n (PDF's row-vector convention)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])


Box = tuple[float, float, float, float]


def _bbox(points: Iterable[tuple[float, float]]) -> Box:
    xs, ys = zip(*points, strict=True)
    return (min(xs), min(ys), max(xs), max(ys))


def _rect_box(m: Matrix, x0: float, y0: float, x1: float, y1: float) -> Box:
    return _bbox([_apply(m, x0, y0), _apply(m, x1, y0), _apply(m, x0, y1), _apply(m, x1, y1)])


def _intersects(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(inner: Box, outer: Box, tol: float = BOX_TOLERANCE_PT) -> bool:
    return (
        inner[0] >= outer[0] - tol
        and inner[1] >= outer[1] - tol
        and inner[2] <= outer[2] + tol
        and inner[3] <= outer[3] + tol
    )


def _page_box(page: pikepdf.Page, name: str) -> Box | None:
    """A page box, inherited from the page tree as the spec allows (MediaBox, CropBox)."""
    node: Any = page.obj
    while node is not None:
        if name in node:
            x0, y0, x1, y1 = (float(v) for v in node[name])
            return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        if name not in ("/MediaBox", "/CropBox"):
            return None
        node = node.get("/Parent")
    return None


def _mm(pt: float) -> str:
    return f"{pt / MM:.2f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------------------
# Colour spaces


def _family(cs: Any, resources: Any, depth: int = 0) -> str:
    """gray, cmyk, rgb (device), rgb-icc (ICC/Cal/DefaultRGB), lab, spot, registration, pattern, other."""
    if depth > 4 or cs is None:
        return "other"
    if isinstance(cs, pikepdf.Name):
        name = str(cs)
        if name in ("/DeviceGray", "/G"):
            return "gray"
        if name in ("/DeviceCMYK", "/CMYK"):
            return "cmyk"
        if name in ("/DeviceRGB", "/RGB"):
            spaces = resources.get("/ColorSpace") if resources is not None else None
            return "rgb-icc" if spaces is not None and "/DefaultRGB" in spaces else "rgb"
        if name == "/Pattern":
            return "pattern"
        spaces = resources.get("/ColorSpace") if resources is not None else None
        if spaces is not None and name in spaces:
            return _family(spaces[name], resources, depth + 1)
        return "other"
    if isinstance(cs, pikepdf.Array) and len(cs):
        kind = str(cs[0])
        if kind == "/ICCBased":
            n = int(cs[1].get("/N", 0))
            return {1: "gray", 3: "rgb-icc", 4: "cmyk"}.get(n, "other")
        if kind == "/CalRGB":
            return "rgb-icc"
        if kind == "/CalGray":
            return "gray"
        if kind == "/Lab":
            return "lab"
        if kind in ("/Indexed", "/I"):
            return _family(cs[1], resources, depth + 1)
        if kind == "/Separation":
            return "registration" if str(cs[1]) == "/All" else "spot"
        if kind == "/DeviceN":
            return "spot"
        if kind == "/Pattern":
            return "pattern"
    return "other"


def _components(family: str) -> int:
    return {"gray": 1, "cmyk": 4, "rgb": 3, "rgb-icc": 3, "lab": 3}.get(family, 1)


# ---------------------------------------------------------------------------
# Fonts


_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")
_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")


def _to_unicode_map(stream: Any) -> dict[int, str]:
    """code → text from a ToUnicode CMap (bfchar and bfrange sections)."""
    if not isinstance(stream, pikepdf.Stream):
        return {}
    try:
        data = stream.read_bytes()
    except pikepdf.PdfError:
        return {}

    def text(hexa: bytes) -> str:
        raw = bytes.fromhex(re.sub(rb"\s", b"", hexa).decode())
        return raw.decode("utf-16-be", errors="replace")

    result: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        values = _HEX.findall(block)
        for src, dst in zip(values[::2], values[1::2], strict=False):
            result[int(src or b"0", 16)] = text(dst)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, rest in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f\s]+>)", block
        ):
            start, end = int(lo, 16), int(hi, 16)
            if end - start > 65535:
                continue
            if rest.startswith(b"["):
                for offset, dst in enumerate(_HEX.findall(rest)):
                    result[start + offset] = text(dst)
            else:
                base = text(rest[1:-1])
                for offset in range(end - start + 1):
                    result[start + offset] = base[:-1] + chr(ord(base[-1]) + offset) if base else ""
    return result


def _cid_map(stream: Any) -> dict[int, int]:
    """code → CID from an embedded CMap (cidchar and cidrange sections)."""
    try:
        data = stream.read_bytes()
    except pikepdf.PdfError:
        return {}
    result: dict[int, int] = {}
    for block in re.findall(rb"begincidchar(.*?)endcidchar", data, re.S):
        for code, cid in re.findall(rb"<([0-9A-Fa-f]+)>\s*(\d+)", block):
            result[int(code, 16)] = int(cid)
    for block in re.findall(rb"begincidrange(.*?)endcidrange", data, re.S):
        for lo, hi, cid in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\d+)", block):
            start = int(lo, 16)
            for offset in range(min(int(hi, 16) - start + 1, 65536)):
                result[start + offset] = int(cid) + offset
    return result


@dataclass
class _Font:
    """What the preflight needs to know about one font dictionary."""

    name: str
    subtype: str
    embedded: bool
    program: str  # FontFile, FontFile2, FontFile3/<Subtype>, or "" (Type3: glyph procedures)
    two_byte: bool
    glyph_count: int | None  # glyphs in the embedded program; None when unknown
    code_to_cid: dict[int, int] | None  # None: Identity-H/V (code = CID)
    cmap_known: bool  # False for a predefined CMap (UniGB-…): codes are not judged
    cid_to_gid: bytes | None
    widths: dict[int, float]
    default_width: float
    ascent: float
    descent: float
    unicode: dict[int, str]
    notdef_codes: set[int] = field(default_factory=set)  # simple fonts: codes that map to .notdef
    scale: float = 0.001  # glyph space → text space (Type3: its FontMatrix)

    def decode(self, data: bytes) -> list[int]:
        if self.two_byte:
            return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data) - 1, 2)]
        return list(data)

    def width(self, code: int) -> float:
        return self.widths.get(code, self.default_width) * self.scale

    def is_notdef(self, code: int) -> bool:
        if not self.two_byte:
            return code in self.notdef_codes
        if not self.cmap_known:
            return False  # a predefined CMap: code → CID needs its table; not judged
        # An embedded CMap maps what it lists; any other code selects CID 0 (.notdef).
        # WeasyPrint writes one when a character is missing: its code → CID 0.
        cid = code if self.code_to_cid is None else self.code_to_cid.get(code, 0)
        gid = cid
        if self.cid_to_gid is not None:
            if 2 * cid + 1 >= len(self.cid_to_gid):
                return True
            gid = int.from_bytes(self.cid_to_gid[2 * cid : 2 * cid + 2], "big")
        return gid == 0 or (self.glyph_count is not None and gid >= self.glyph_count)


def _glyph_count(program: Any, kind: str) -> int | None:
    """Glyphs in an embedded font program (TrueType/OpenType via maxp, bare CFF via CharStrings)."""
    try:
        data = program.read_bytes()
        if kind in ("/FontFile2", "/FontFile3/OpenType"):
            from fontTools.ttLib import TTFont

            return int(TTFont(io.BytesIO(data), lazy=True)["maxp"].numGlyphs)
        if kind in ("/FontFile3/CIDFontType0C", "/FontFile3/Type1C"):
            from fontTools.cffLib import CFFFontSet

            cff = CFFFontSet()
            cff.decompile(io.BytesIO(data), None)
            return len(cff[cff.fontNames[0]].CharStrings)
    except Exception:  # a damaged or exotic program: the glyph check is skipped, not the preflight
        return None
    return None


def _embedding(descriptor: Any) -> tuple[str, Any]:
    if descriptor is None:
        return "", None
    for key in ("/FontFile", "/FontFile2", "/FontFile3"):
        program = descriptor.get(key)
        if program is not None:
            sub = program.get("/Subtype")
            return (f"{key}{sub}" if key == "/FontFile3" and sub is not None else key), program
    return "", None


def _vertical(descriptor: Any, scale: float) -> tuple[float, float]:
    # Descriptors often carry hhea metrics with the line gap (Noto CJK: 1.16 / -0.288 em);
    # glyph ink stays within about [-0.2, 0.9] em, so the box is clamped to that.
    if descriptor is None:
        return 0.9, -0.2
    ascent = float(descriptor.get("/Ascent", 0)) * scale or 0.9
    descent = float(descriptor.get("/Descent", 0)) * scale or -0.2
    return min(ascent, 0.9), max(descent, -0.2)


def _load_font(font: Any) -> _Font:
    subtype = str(font.get("/Subtype", ""))
    name = str(font.get("/BaseFont", font.get("/Name", "?"))).lstrip("/")
    unicode = _to_unicode_map(font.get("/ToUnicode"))
    if subtype == "/Type0":
        descendant = font.DescendantFonts[0]
        descriptor = descendant.get("/FontDescriptor")
        kind, program = _embedding(descriptor)
        widths: dict[int, float] = {}
        w = descendant.get("/W")
        i = 0
        while w is not None and i < len(w):
            first = int(w[i])
            if isinstance(w[i + 1], pikepdf.Array):
                for offset, value in enumerate(w[i + 1]):
                    widths[first + offset] = float(value)
                i += 2
            else:
                last, value = int(w[i + 1]), float(w[i + 2])
                if last - first < 70000:
                    widths.update(dict.fromkeys(range(first, last + 1), value))
                i += 3
        encoding = font.get("/Encoding")
        map_ = descendant.get("/CIDToGIDMap")
        cid_to_gid = map_.read_bytes() if isinstance(map_, pikepdf.Stream) else None
        ascent, descent = _vertical(descriptor, 0.001)
        return _Font(
            name=name,
            subtype=f"Type0/{str(descendant.get('/Subtype', '')).lstrip('/')}",
            embedded=bool(kind),
            program=kind,
            two_byte=True,
            glyph_count=_glyph_count(program, kind) if program is not None else None,
            code_to_cid=_cid_map(encoding) if isinstance(encoding, pikepdf.Stream) else None,
            cmap_known=isinstance(encoding, pikepdf.Stream)
            or str(encoding) in ("/Identity-H", "/Identity-V"),
            cid_to_gid=cid_to_gid,
            widths=widths,
            default_width=float(descendant.get("/DW", 1000)),
            ascent=ascent,
            descent=descent,
            unicode=unicode,
        )
    descriptor = font.get("/FontDescriptor")
    kind, program = _embedding(descriptor)
    first = int(font.get("/FirstChar", 0))
    widths = {first + i: float(v) for i, v in enumerate(font.get("/Widths", []))}
    notdef: set[int] = set()
    encoding = font.get("/Encoding")
    if isinstance(encoding, pikepdf.Dictionary) and "/Differences" in encoding:
        code = 0
        for item in encoding.Differences:
            if isinstance(item, pikepdf.Name):
                if str(item) == "/.notdef":
                    notdef.add(code)
                code += 1
            else:
                code = int(item)
    scale = 0.001
    if subtype == "/Type3":
        scale = float(font.FontMatrix[0])
        procs = font.get("/CharProcs", {})
        names: dict[int, str] = {}
        if isinstance(encoding, pikepdf.Dictionary):
            code = 0
            for item in encoding.get("/Differences", []):
                if isinstance(item, pikepdf.Name):
                    names[code] = str(item)
                    code += 1
                else:
                    code = int(item)
        notdef |= {c for c, n in names.items() if n not in procs}
        bbox = [float(v) for v in font.get("/FontBBox", [0, 0, 0, 0])]
        ascent, descent = (bbox[3] * scale or 0.9), (bbox[1] * scale or -0.2)
    else:
        ascent, descent = _vertical(descriptor, 0.001)
    missing = float(descriptor.get("/MissingWidth", 0)) if descriptor is not None else 0.0
    return _Font(
        name=name,
        subtype=subtype.lstrip("/"),
        embedded=bool(kind) or subtype == "/Type3",
        program=kind,
        two_byte=False,
        glyph_count=None,
        code_to_cid=None,
        cmap_known=True,
        cid_to_gid=None,
        widths=widths,
        default_width=missing or (500.0 if not widths else 0.0),
        ascent=ascent,
        descent=descent,
        unicode=unicode,
        notdef_codes=notdef,
        scale=scale,
    )


# ---------------------------------------------------------------------------
# The content-stream walk


@dataclass
class _State:
    ctm: Matrix = IDENTITY
    fill: str = "gray"
    fill_values: tuple[float, ...] = (0.0,)
    stroke: str = "gray"
    font: _Font | None = None
    size: float = 0.0
    char_spacing: float = 0.0
    word_spacing: float = 0.0
    scale: float = 1.0
    leading: float = 0.0
    rise: float = 0.0
    render: int = 0

    def copy(self) -> _State:
        return _State(**self.__dict__)


@dataclass
class _Image:
    width: int
    height: int
    placed: Box
    size_pt: tuple[float, float]
    family: str
    smask: bool
    mask: bool


@dataclass
class _PageScan:
    """What one page draws, as the preflight judges it."""

    text_inside: bool = False
    painted: bool = False
    marks_outside_bleed: bool = False
    images: list[_Image] = field(default_factory=list)
    rgb_text: int = 0
    rgb_graphics: int = 0
    icc_rgb: int = 0
    rich_black_text: int = 0
    notdef: dict[tuple[str, str], int] = field(default_factory=dict)
    near_edge: list[tuple[float, str, str]] = field(default_factory=list)  # (distance pt, edge, text)
    crossing: list[tuple[str, str]] = field(default_factory=list)  # (edge, text)
    transparency: set[str] = field(default_factory=set)
    fonts_used: set[tuple[int, int]] = field(default_factory=set)


class _Walker:
    """Interprets one page's content (and the Form XObjects and patterns it uses)."""

    def __init__(self, fonts: dict[tuple[int, int], _Font], trim: Box, bleed: Box, safe: Box) -> None:
        self.fonts = fonts
        self.trim, self.bleed, self.safe = trim, bleed, safe
        self.scan = _PageScan()

    # -- helpers
    def _font(self, resources: Any, name: Any) -> _Font | None:
        fonts = resources.get("/Font") if resources is not None else None
        font = fonts.get(name) if fonts is not None else None
        if font is None:
            return None
        key = font.objgen if font.is_indirect else (id(font), 0)
        if key not in self.fonts:
            self.fonts[key] = _load_font(font)
        self.scan.fonts_used.add(key)
        return self.fonts[key]

    def _gs(self, resources: Any, name: Any) -> None:
        states = resources.get("/ExtGState") if resources is not None else None
        gs = states.get(name) if states is not None else None
        if gs is None:
            return
        smask = gs.get("/SMask")
        if smask is not None and not (isinstance(smask, pikepdf.Name) and str(smask) == "/None"):
            self.scan.transparency.add("soft mask")
        for key in ("/CA", "/ca"):
            if key in gs and float(gs[key]) < 1:
                self.scan.transparency.add("constant alpha below 1")
        bm = gs.get("/BM")
        if bm is not None and str(bm if not isinstance(bm, pikepdf.Array) else bm[0]) not in (
            "/Normal",
            "/Compatible",
        ):
            self.scan.transparency.add("blend mode")

    # -- images
    def _image(self, width: int, height: int, family: str, smask: bool, mask: bool, ctm: Matrix) -> None:
        placed = _rect_box(ctm, 0, 0, 1, 1)
        if not _intersects(placed, self.bleed):
            return  # in the slug: never printed
        size = (math.hypot(ctm[0], ctm[1]), math.hypot(ctm[2], ctm[3]))
        self.scan.images.append(_Image(width, height, placed, size, family, smask, mask))
        if smask:
            self.scan.transparency.add("picture with an alpha channel (SMask)")

    # -- text
    def _show(self, st: _State, data: bytes, base: Matrix) -> float:
        """Draw one string with the glyph-space-to-page matrix ``base`` (Tm at the string start);
        return the advance in text space, for the next Tm."""
        font = st.font
        assert font is not None
        fs = st.size
        visible = st.render not in (3, 7)  # 3/7: invisible text (OCR layers) prints nothing
        advance = 0.0  # in glyph-space units of ``base`` (text space / font size)
        for code in font.decode(data):
            w0 = font.width(code)
            start = advance
            spacing = st.char_spacing + (st.word_spacing if not font.two_byte and code == 32 else 0)
            advance += w0 + spacing / fs
            if not visible:
                continue
            char = font.unicode.get(code, "")
            if font.is_notdef(code):
                key = (font.name, char)
                self.scan.notdef[key] = self.scan.notdef.get(key, 0) + 1
            if char and not char.isspace():
                self._judge_glyph(_rect_box(base, start, font.descent, start + w0, font.ascent), char)
        return advance * fs * st.scale

    def _judge_glyph(self, box: Box, char: str) -> None:
        if not _intersects(box, self.bleed):
            return  # slug text (job notes) is never on the product
        self.scan.text_inside = True
        if _inside(box, self.safe):
            return
        trim = self.trim
        if not _inside(box, trim):
            edge = _nearest_edge(box, trim)
            self.scan.crossing.append((edge, char))
            return
        distance = min(box[0] - trim[0], box[1] - trim[1], trim[2] - box[2], trim[3] - box[3])
        self.scan.near_edge.append((distance, _nearest_edge(box, trim), char))

    # -- the interpreter
    def run(self, ops: Iterable[Any], resources: Any, st: _State, depth: int = 0) -> None:
        stack: list[_State] = []
        tm: Matrix = IDENTITY
        tlm: Matrix = IDENTITY
        path: list[list[tuple[float, float]]] = []
        fill_pattern: Any = None
        for item in ops:
            op = str(item.operator)
            args = item.operands
            if op == "q":
                stack.append(st.copy())
            elif op == "Q":
                if stack:
                    st = stack.pop()
            elif op == "cm":
                st.ctm = _mul(tuple(float(v) for v in args), st.ctm)  # type: ignore[arg-type]
            elif op == "gs":
                self._gs(resources, args[0])
            # colour
            elif op in ("g", "G", "k", "K", "rg", "RG"):
                # Counted when something is painted with it, not when it is set.
                family = {"g": "gray", "k": "cmyk"}.get(op[0].lower()) or _family(
                    pikepdf.Name.DeviceRGB, resources
                )
                if op.islower():
                    st.fill, st.fill_values = family, tuple(float(v) for v in args)
                else:
                    st.stroke = family
            elif op in ("cs", "CS"):
                family = _family(args[0], resources)
                if op == "cs":
                    st.fill, st.fill_values = family, (0.0,) * _components(family)
                    if family == "cmyk":
                        st.fill_values = (0.0, 0.0, 0.0, 1.0)
                else:
                    st.stroke = family
            elif op in ("sc", "scn"):
                numbers = tuple(float(v) for v in args if not isinstance(v, pikepdf.Name))
                st.fill_values = numbers
                names = [v for v in args if isinstance(v, pikepdf.Name)]
                fill_pattern = names[0] if names and st.fill == "pattern" else None
            # paths, kept per subpath: one stroke may draw all eight crop marks
            elif op == "m":
                path.append([_apply(st.ctm, float(args[0]), float(args[1]))])
            elif op in ("l", "c", "v", "y"):
                if not path:
                    path.append([])
                path[-1] += [
                    _apply(st.ctm, float(args[i]), float(args[i + 1])) for i in range(0, len(args), 2)
                ]
            elif op == "re":
                x, y, w, h = (float(v) for v in args)
                path.append(
                    [
                        _apply(st.ctm, x, y),
                        _apply(st.ctm, x + w, y + h),
                        _apply(st.ctm, x + w, y),
                        _apply(st.ctm, x, y + h),
                    ]
                )
            elif op in ("f", "F", "f*", "B", "B*", "b", "b*", "S", "s"):
                self._paint(op, [_bbox(sub) for sub in path if sub], st, resources, fill_pattern, depth)
                path = []
            elif op == "n":
                path = []
            elif op == "sh":
                self.scan.painted = True
                shadings = resources.get("/Shading") if resources is not None else None
                shading = shadings.get(args[0]) if shadings is not None else None
                if shading is not None:
                    self._paint_colour(_family(shading.get("/ColorSpace"), resources))
            # text
            elif op == "BT":
                tm = tlm = IDENTITY
            elif op == "Tf":
                st.font = self._font(resources, args[0])
                st.size = float(args[1])
            elif op == "Tc":
                st.char_spacing = float(args[0])
            elif op == "Tw":
                st.word_spacing = float(args[0])
            elif op == "Tz":
                st.scale = float(args[0]) / 100
            elif op == "TL":
                st.leading = float(args[0])
            elif op == "Ts":
                st.rise = float(args[0])
            elif op == "Tr":
                st.render = int(args[0])
            elif op in ("Td", "TD"):
                tx, ty = float(args[0]), float(args[1])
                if op == "TD":
                    st.leading = -ty
                tm = tlm = _mul((1, 0, 0, 1, tx, ty), tlm)
            elif op == "Tm":
                tm = tlm = tuple(float(v) for v in args)  # type: ignore[assignment]
            elif op in ("T*", "'", '"'):
                if op == '"':
                    st.word_spacing, st.char_spacing = float(args[0]), float(args[1])
                tm = tlm = _mul((1, 0, 0, 1, 0, -st.leading), tlm)
                if op != "T*":
                    tm = self._text(st, tm, [args[-1]])
            elif op in ("Tj", "TJ"):
                tm = self._text(st, tm, list(args[0]) if op == "TJ" else [args[0]])
            # XObjects and inline images
            elif op == "Do":
                self._do(resources, args[0], st, depth)
            elif op == "INLINE IMAGE":
                image = args[0]
                try:
                    family = (
                        _family(pikepdf.Name(str(image.colorspace)), resources)
                        if image.colorspace
                        else "gray"
                    )
                    self._image(
                        int(image.width), int(image.height), family, False, bool(image.image_mask), st.ctm
                    )
                except Exception:  # an inline image pikepdf cannot describe: nothing to judge
                    pass

    def _paint(self, op: str, boxes: list[Box], st: _State, resources: Any, pattern: Any, depth: int) -> None:
        if not boxes:
            return
        fills, strokes = op not in ("S", "s"), op in ("S", "s", "B", "B*", "b", "b*")
        if strokes and st.stroke == "registration":
            # Printer's marks: they count as crop marks when they stay clear of the bleed.
            if any(not _intersects(box, self.bleed) for box in boxes):
                self.scan.marks_outside_bleed = True
            strokes = False
        if any(_intersects(box, self.trim) for box in boxes):
            self.scan.painted = True
        if fills:
            self._paint_colour(st.fill)
            if st.fill == "pattern" and pattern is not None:
                self._pattern(resources, pattern, depth)
        if strokes:
            self._paint_colour(st.stroke)

    def _paint_colour(self, family: str) -> None:
        if family == "rgb":
            self.scan.rgb_graphics += 1
        elif family in ("rgb-icc", "lab"):
            self.scan.icc_rgb += 1

    def _text(self, st: _State, tm: Matrix, items: list[Any]) -> Matrix:
        if st.font is None or st.size == 0:
            return tm
        visible = st.render not in (3, 7)
        if visible:
            if st.fill == "rgb":
                self.scan.rgb_text += 1
            elif st.fill in ("rgb-icc", "lab"):
                self.scan.icc_rgb += 1
            elif st.fill == "cmyk" and len(st.fill_values) == 4:
                c, m, y, k = st.fill_values
                if k >= 0.9 and max(c, m, y) > 0:
                    self.scan.rich_black_text += 1
        fs, th = st.size, st.scale
        for item in items:
            if isinstance(item, pikepdf.String):
                base = _mul(_mul((fs * th, 0, 0, fs, 0, st.rise), tm), st.ctm)
                tm = _mul((1, 0, 0, 1, self._show(st, bytes(item), base), 0), tm)
            else:
                tm = _mul((1, 0, 0, 1, -float(item) / 1000 * fs * th, 0), tm)
        return tm

    def _do(self, resources: Any, name: Any, st: _State, depth: int) -> None:
        xobjects = resources.get("/XObject") if resources is not None else None
        xobject = xobjects.get(name) if xobjects is not None else None
        if xobject is None:
            return
        subtype = str(xobject.get("/Subtype", ""))
        if subtype == "/Image":
            mask = bool(xobject.get("/ImageMask", False))
            family = "gray" if mask else _family(xobject.get("/ColorSpace"), resources)
            if not mask and xobject.get("/ColorSpace") is None:
                family = "other"  # JPX: colour space inside the codestream
            smask = "/SMask" in xobject or int(xobject.get("/SMaskInData", 0)) > 0
            self._image(int(xobject.Width), int(xobject.Height), family, smask, mask, st.ctm)
        elif subtype == "/Form" and depth < _MAX_DEPTH:
            inner = st.copy()
            if "/Matrix" in xobject:
                inner.ctm = _mul(tuple(float(v) for v in xobject.Matrix), st.ctm)  # type: ignore[arg-type]
            group = xobject.get("/Group")
            if group is not None and str(group.get("/S", "")) == "/Transparency":
                self.scan.transparency.add("transparency group")
            self.run(
                pikepdf.parse_content_stream(xobject), xobject.get("/Resources", resources), inner, depth + 1
            )

    def _pattern(self, resources: Any, name: Any, depth: int) -> None:
        patterns = resources.get("/Pattern") if resources is not None else None
        pattern = patterns.get(name) if patterns is not None else None
        if pattern is None or depth >= _MAX_DEPTH:
            return
        matrix: Matrix = tuple(float(v) for v in pattern.get("/Matrix", IDENTITY))  # type: ignore[assignment]
        # Pattern space is the page's default space (the form's, inside a form): not the current CTM.
        if int(pattern.get("/PatternType", 1)) == 1:
            self.run(
                pikepdf.parse_content_stream(pattern),
                pattern.get("/Resources", resources),
                _State(ctm=matrix),
                depth + 1,
            )
        else:
            shading = pattern.get("/Shading")
            if shading is not None:
                self._paint_colour(_family(shading.get("/ColorSpace"), resources))


def _nearest_edge(box: Box, trim: Box) -> str:
    distances = {
        "left": box[0] - trim[0],
        "bottom": box[1] - trim[1],
        "right": trim[2] - box[2],
        "top": trim[3] - box[3],
    }
    return min(distances, key=distances.__getitem__)


# ---------------------------------------------------------------------------
# Document-level checks


def _variant(pdf: pikepdf.Pdf, info: Any, xmp: Any) -> str:
    """ "x-1a", "x-3", "x-4", "x-5", or "" from the XMP (X-4 on) or Info (X-1a, X-3) version key."""
    value = ""
    if xmp is not None:
        value = str(xmp.get("pdfxid:GTS_PDFXVersion", "") or "")
    if not value and info is not None:
        value = str(info.get("/GTS_PDFXVersion", "") or "")
    match = re.match(r"PDF/X-(1a|1|3|4|5)", value)
    return f"x-{match.group(1)}" if match else ""


def _document_checks(pdf: pikepdf.Pdf) -> tuple[str, list[Finding]]:
    out: list[Finding] = []
    info = pdf.trailer.get("/Info")
    try:
        xmp = pdf.open_metadata() if "/Metadata" in pdf.Root else None
    except Exception:  # unparsable XMP counts as none
        xmp = None
    variant = _variant(pdf, info, xmp)

    intents = [oi for oi in pdf.Root.get("/OutputIntents", []) if str(oi.get("/S", "")) == "/GTS_PDFX"]
    if not intents:
        out.append(
            _finding(
                Severity.ERROR,
                "P-001",
                "no PDF/X output intent (/OutputIntents with /S /GTS_PDFX)",
                hint="render with layouts/print/press.css loaded through render.weasy.print_stylesheet()",
            )
        )
    elif len(intents) > 1:
        out.append(_finding(Severity.ERROR, "P-002", f"{len(intents)} PDF/X output intents; PDF/X allows one"))
    for intent in intents[:1]:
        profile = intent.get("/DestOutputProfile")
        header = b""
        if isinstance(profile, pikepdf.Stream):
            try:
                header = profile.read_bytes()[:20]
            except pikepdf.PdfError:
                header = b""
        n = int(profile.get("/N", 0)) if isinstance(profile, pikepdf.Stream) else 0
        if n != 4 or header[16:20] != b"CMYK":
            what = (
                "missing"
                if not isinstance(profile, pikepdf.Stream)
                else f"N = {n}, colour space {header[16:20]!r}"
            )
            out.append(
                _finding(
                    Severity.ERROR,
                    "P-003",
                    f"the output intent's profile is not a CMYK profile ({what})",
                    hint="the @color-profile device-cmyk rule of press.css must load FOGRA39L.icc",
                )
            )
        if not str(intent.get("/OutputConditionIdentifier", "")).strip():
            out.append(
                _finding(
                    Severity.ERROR,
                    "P-004",
                    "the output intent has no OutputConditionIdentifier",
                    hint="write_pdf(..., finisher=render.press_pdf.finish_output_intent)",
                )
            )
        if not str(intent.get("/RegistryName", "")).strip():
            out.append(
                _finding(
                    Severity.INFO,
                    "P-005",
                    "the output intent has no RegistryName",
                    hint="FOGRA39 is registered at http://www.color.org",
                )
            )

    if not variant:
        out.append(
            _finding(
                Severity.ERROR,
                "P-006",
                "no PDF/X version key (XMP pdfxid:GTS_PDFXVersion or Info GTS_PDFXVersion)",
                hint='write_pdf(..., pdf_variant="pdf/x-4")',
            )
        )
    version = tuple(int(p) for p in str(pdf.pdf_version).split(".")[:2])
    limit = {"x-1a": (1, 4), "x-1": (1, 4), "x-3": (1, 4), "x-4": (1, 6)}.get(variant)
    if limit and version > limit:
        out.append(
            _finding(
                Severity.WARNING,
                "P-007",
                f"PDF {pdf.pdf_version} is newer than PDF/X-{variant[2:]} allows ({limit[0]}.{limit[1]})",
            )
        )

    trapped = str(info.get("/Trapped", "")) if info is not None else ""
    if trapped not in ("/True", "/False"):
        out.append(
            _finding(
                Severity.ERROR,
                "P-008",
                f"Trapped is {trapped.lstrip('/') or 'missing'}; PDF/X needs True or False",
                hint="WeasyPrint's PDF/X variants write /Trapped /False",
            )
        )
    elif (
        variant in ("x-4", "x-5")
        and xmp is not None
        and str(xmp.get("pdf:Trapped", "")) != trapped.lstrip("/")
    ):
        out.append(
            _finding(Severity.ERROR, "P-008", "Trapped in the XMP metadata differs from the document info")
        )

    title = str(info.get("/Title", "")).strip() if info is not None else ""
    xmp_title = str(xmp.get("dc:title", "") or "").strip() if xmp is not None else ""
    if not title or (variant in ("x-4", "x-5") and not xmp_title):
        out.append(
            _finding(
                Severity.ERROR,
                "P-009",
                "the document has no title" + ("" if not title else " in its XMP metadata"),
                hint="set <title> in the print HTML",
            )
        )

    ids = pdf.trailer.get("/ID")
    if not isinstance(ids, pikepdf.Array) or len(ids) != 2:
        out.append(
            _finding(Severity.ERROR, "P-010", "the trailer has no /ID", hint="PDF/X variants write one")
        )
    return variant, out


# ---------------------------------------------------------------------------
# Entry point


def preflight_pdf(
    path: Path, *, trim_mm: tuple[float, float] | None = None, bleed_mm: float | None = None
) -> list[Finding]:
    """Check the press PDF at ``path``; findings sorted errors first, then by code and page.

    The trim and the bleed are the house file's (layouts/house.toml) unless given.
    """
    trim_mm = trim_mm or (house().width_mm, house().height_mm)
    bleed_mm = house().bleed_mm if bleed_mm is None else bleed_mm
    try:
        pdf = pikepdf.open(path)
    except (pikepdf.PdfError, OSError) as exc:
        findings = [_finding(Severity.ERROR, "P-000", f"cannot read {path}: {exc}")]
    else:
        with pdf:
            findings = _preflight(pdf, trim_mm, bleed_mm)
    rank = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    named = [replace(f, where=Product(path.name, f.page or 0)) for f in _merge(findings)]
    return sorted(named, key=lambda f: (rank[f.severity], f.code, f.page or 0))


def _preflight(pdf: pikepdf.Pdf, trim_mm: tuple[float, float], bleed_mm: float) -> list[Finding]:
    variant, out = _document_checks(pdf)
    strict_colour = variant in ("x-1a", "x-1")
    count = len(pdf.pages)
    if count % 4:
        out.append(
            _finding(
                Severity.ERROR,
                "P-040",
                f"{count} pages: not a multiple of 4, as saddle stitching needs",
                hint=f"add {(-count) % 4} deliberate blank or filler page(s)",
            )
        )
    fonts: dict[tuple[int, int], _Font] = {}
    font_pages: dict[tuple[int, int], int] = {}
    want_w, want_h = trim_mm[0] * MM, trim_mm[1] * MM
    bleed_pt = bleed_mm * MM
    for index, page in enumerate(pdf.pages):
        number = index + 1
        media = _page_box(page, "/MediaBox") or (0.0, 0.0, want_w, want_h)
        trim = _page_box(page, "/TrimBox")
        bleed = _page_box(page, "/BleedBox")
        if trim is None:
            out.append(
                _finding(
                    Severity.ERROR,
                    "P-011",
                    "page has no TrimBox",
                    number,
                    "WeasyPrint writes it from @page { size }; was the page edited?",
                )
            )
            trim = media
        elif "/ArtBox" in page.obj:
            out.append(
                _finding(Severity.ERROR, "P-011", "page has both TrimBox and ArtBox; PDF/X allows one", number)
            )
        width, height = trim[2] - trim[0], trim[3] - trim[1]
        if abs(width - want_w) > BOX_TOLERANCE_PT or abs(height - want_h) > BOX_TOLERANCE_PT:
            out.append(
                _finding(
                    Severity.ERROR,
                    "P-012",
                    f"TrimBox is {_mm(width)} × {_mm(height)} mm, the trim is {_mm(want_w)} × {_mm(want_h)} mm",
                    number,
                    "check @page { size } in layouts/print/page.css",
                )
            )
        if bleed is None:
            out.append(
                _finding(Severity.ERROR, "P-013", "page has no BleedBox", number, "set @page { bleed: 3mm }")
            )
            bleed = trim
        else:
            sides = (trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3])
            if any(abs(s - bleed_pt) > BOX_TOLERANCE_PT for s in sides):
                shown = " / ".join(_mm(s) for s in (sides[0], sides[1], sides[2], sides[3]))
                out.append(
                    _finding(
                        Severity.ERROR,
                        "P-013",
                        f"bleed is {shown} mm (left / bottom / right / top), not {_mm(bleed_pt)} mm",
                        number,
                        "set @page { bleed: 3mm }",
                    )
                )
        crop = _page_box(page, "/CropBox")
        if (
            not _inside(trim, bleed)
            or not _inside(bleed, media)
            or (crop is not None and not _inside(trim, crop))
        ):
            out.append(
                _finding(
                    Severity.ERROR,
                    "P-014",
                    "page boxes are not nested: TrimBox ⊆ BleedBox ⊆ MediaBox (and CropBox ⊇ TrimBox)",
                    number,
                )
            )
        for annot in page.obj.get("/Annots", []):
            if str(annot.get("/Subtype", "")) in ("/PrinterMark", "/TrapNet"):
                continue
            rect = [float(v) for v in annot.get("/Rect", [0, 0, 0, 0])]
            if _intersects(
                (min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3])),
                bleed,
            ):
                out.append(
                    _finding(
                        Severity.ERROR,
                        "P-046",
                        f"{str(annot.get('/Subtype', 'an')).lstrip('/')} annotation inside the bleed; PDF/X forbids it",
                        number,
                        "render.press_finish.finish_press_pdf removes link annotations from the press file",
                    )
                )
                break

        safe_inset = SAFE_MARGIN_MM * MM
        safe = (trim[0] + safe_inset, trim[1] + safe_inset, trim[2] - safe_inset, trim[3] - safe_inset)
        walker = _Walker(fonts, trim, bleed, safe)
        try:
            walker.run(pikepdf.parse_content_stream(page), page.obj.get("/Resources"), _State())
        except pikepdf.PdfError as exc:
            out.append(_finding(Severity.ERROR, "P-000", f"page content cannot be parsed: {exc}", number))
            continue
        scan = walker.scan
        for key in scan.fonts_used:
            font_pages.setdefault(key, number)
        out += _page_findings(scan, number, media, bleed, strict_colour, variant)

    version = tuple(int(p) for p in str(pdf.pdf_version).split(".")[:2])
    for key, font in fonts.items():
        first = font_pages.get(key)
        if not font.embedded:
            out.append(
                _finding(
                    Severity.ERROR,
                    "P-020",
                    f"font {font.name} ({font.subtype}) is not embedded",
                    first,
                    "fonts come from fonts/roles.toml through @font-face; a system font fallback may not embed",
                )
            )
        elif font.subtype != "Type3" and not _SUBSET_TAG.match(font.name):
            out.append(
                _finding(
                    Severity.WARNING, "P-021", f"font {font.name} is embedded in full, not as a subset", first
                )
            )
        if font.program == "/FontFile3/OpenType" and version < (1, 6):
            out.append(
                _finding(
                    Severity.ERROR,
                    "P-022",
                    f"font {font.name} is an OpenType program, which needs PDF 1.6; the file is PDF {pdf.pdf_version}",
                    first,
                    "use pdf/x-4 (PDF 1.6), not pdf/x-1a or pdf/x-3",
                )
            )
    return out


def _page_findings(
    scan: _PageScan, number: int, media: Box, bleed: Box, strict_colour: bool, variant: str
) -> list[Finding]:
    out: list[Finding] = []
    slug = min(bleed[0] - media[0], bleed[1] - media[1], media[2] - bleed[2], media[3] - bleed[3])
    if slug < 5 * MM or not scan.marks_outside_bleed:
        what = (
            f"the slug outside the bleed is {_mm(max(slug, 0))} mm"
            if slug < 5 * MM
            else "no crop marks are drawn outside the bleed"
        )
        out.append(
            _finding(
                Severity.WARNING,
                "P-015",
                f"{what}: the print shop gets no crop marks",
                number,
                "finish the file with render.press_finish.finish_press_pdf (10 mm slug, marks in /All)",
            )
        )
    for font, char in sorted(scan.notdef):
        shown = f"“{char}” (U+{ord(char[0]):04X})" if char else "an unknown character"
        out.append(
            _finding(
                Severity.ERROR,
                "P-023",
                f"{shown} has no glyph in font {font}: drawn as .notdef (an empty box)",
                number,
                "no embedded face covers it: change the character in the source or add a face that has it",
            )
        )
    for image in scan.images:
        w_in, h_in = image.size_pt[0] / 72, image.size_pt[1] / 72
        if w_in <= 0 or h_in <= 0:
            continue
        dpi = min(image.width / w_in, image.height / h_in)
        size = f"{image.width} × {image.height} px placed at {_mm(image.size_pt[0])} × {_mm(image.size_pt[1])} mm"
        if dpi < DPI_ERROR:
            out.append(
                _finding(
                    Severity.ERROR,
                    "P-030",
                    f"picture of {size}: {dpi:.0f} dpi, below {DPI_ERROR}",
                    number,
                    f"supply at least {math.ceil(image.width * DPI_WARNING / dpi)} px wide, or place it smaller",
                )
            )
        elif dpi < DPI_WARNING - 0.5:
            out.append(
                _finding(
                    Severity.WARNING,
                    "P-031",
                    f"picture of {size}: {dpi:.0f} dpi, below {DPI_WARNING}",
                    number,
                    f"supply at least {math.ceil(image.width * DPI_WARNING / dpi)} px wide, or place it smaller",
                )
            )
        if image.family == "rgb":
            out.append(
                _finding(
                    Severity.ERROR,
                    "P-032",
                    f"picture of {size} is DeviceRGB; PDF/X with a CMYK intent forbids it",
                    number,
                    "convert it with render.press_images.to_print_image (CMYK JPEG in FOGRA39)",
                )
            )
        elif image.family in ("rgb-icc", "lab"):
            severity = Severity.ERROR if strict_colour else Severity.WARNING
            out.append(
                _finding(
                    severity,
                    "P-033",
                    f"picture of {size} is ICC-based RGB/Lab: the RIP converts it",
                    number,
                    "convert it with render.press_images.to_print_image to control the separation",
                )
            )
    if variant in ("x-1a", "x-1", "x-3") and scan.transparency:
        out.append(
            _finding(
                Severity.ERROR,
                "P-034",
                f"transparency ({', '.join(sorted(scan.transparency))}) in a PDF/X-{variant[2:]} file",
                number,
                "use pdf/x-4, which allows live transparency",
            )
        )
    if scan.crossing:
        edge, _ = scan.crossing[0]
        sample = "".join(c for _, c in scan.crossing[:12])
        out.append(
            _finding(
                Severity.ERROR,
                "P-042",
                f"{len(scan.crossing)} character(s) cross the trim ({edge} edge): “{sample}”",
                number,
                "they will be cut off; keep text 3 mm inside the trim",
            )
        )
    if scan.near_edge:
        distance, edge, _ = min(scan.near_edge)
        sample = "".join(c for _, _, c in scan.near_edge[:12])
        out.append(
            _finding(
                Severity.WARNING,
                "P-041",
                f"{len(scan.near_edge)} character(s) within {SAFE_MARGIN_MM:g} mm of the trim, nearest {_mm(distance)} mm from the {edge} edge: “{sample}”",
                number,
                "the cut wanders by about a millimetre; keep text 3 mm inside the trim",
            )
        )
    if not (scan.text_inside or scan.images or scan.painted):
        out.append(
            _finding(
                Severity.INFO,
                "P-043",
                "empty page (no text, picture or drawing)",
                number,
                "make sure the blank is deliberate",
            )
        )
    if scan.rgb_text:
        out.append(
            _finding(
                Severity.ERROR,
                "P-044",
                "text drawn in DeviceRGB colour (not K-only black)",
                number,
                "load layouts/print/press.css (html { color: device-cmyk(0 0 0 1) }) and use device-cmyk() colours",
            )
        )
    if scan.rgb_graphics:
        out.append(
            _finding(
                Severity.ERROR,
                "P-044",
                "graphics drawn in DeviceRGB colour",
                number,
                "give rules, borders and backgrounds device-cmyk() colours",
            )
        )
    if scan.rich_black_text:
        out.append(
            _finding(
                Severity.WARNING,
                "P-045",
                "near-black text uses C, M or Y ink besides K",
                number,
                "black text must be device-cmyk(0 0 0 1): four-colour black misregisters on small type",
            )
        )
    if scan.icc_rgb:
        severity = Severity.ERROR if strict_colour else Severity.WARNING
        out.append(
            _finding(
                severity,
                "P-047",
                "ICC-based RGB or Lab colour in page content: the RIP converts it",
                number,
                "use device-cmyk() colours",
            )
        )
    return out


def _merge(findings: list[Finding]) -> list[Finding]:
    """One finding per (severity, code, message, hint), listing the pages it was seen on."""
    groups: dict[tuple[str, str, str, str], list[int | None]] = {}
    for f in findings:
        groups.setdefault((f.severity, f.code, f.message, f.hint), []).append(f.page)
    merged = []
    for (severity, code, message, hint), pages in groups.items():
        numbers = sorted({p for p in pages if p is not None})
        if len(numbers) > 1:
            message = f"{message} (pages {_ranges(numbers)})"
        merged.append(_finding(Severity(severity), code, message, numbers[0] if numbers else None, hint))
    return merged


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] → "1–3, 7"."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    """``python -m qhgy_publish.check.pdf file.pdf [--trim 210x285] [--bleed 3]``: 0 clean, 1 errors."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m qhgy_publish.check.pdf", description="Preflight a press PDF."
    )
    parser.add_argument("pdf", type=Path)
    h = house()
    trim = f"{h.width_mm:g}x{h.height_mm:g}"
    parser.add_argument("--trim", default=trim, help=f"trim width x height in mm (default {trim}, the house's)")
    parser.add_argument("--bleed", type=float, default=h.bleed_mm, help=f"bleed in mm (default {h.bleed_mm:g})")
    args = parser.parse_args(argv)
    width, _, height = args.trim.lower().partition("x")
    findings = preflight_pdf(args.pdf, trim_mm=(float(width), float(height)), bleed_mm=args.bleed)
    for finding in findings:
        print(finding)
    errors = sum(f.severity == Severity.ERROR for f in findings)
    warnings = sum(f.severity == Severity.WARNING for f in findings)
    print(
        f"{args.pdf}: {errors} error(s), {warnings} warning(s), {len(findings) - errors - warnings} note(s)"
    )
    if any(f.code == "P-000" for f in findings):
        return 2
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
