"""One font per face in the output, holding the glyphs its pages draw, as WeasyPrint 70 writes it.

WeasyPrint writes one Type0 font per face, named alike in every document of a build
(``/KZECZT+QHGY-Title-Bold``), holding a subset with the face's own glyph ids (Identity-H: the
two-byte codes shown are those ids) of exactly the glyphs drawn. Each face's font is rebuilt
from the glyphs the output's pages draw in any font of that face (read by :mod:`.drawn`):
ToUnicode lists them in the order first drawn, each glyph's text and width taken from the font
that draws it first; the program is subset once more from the face file (:mod:`.subset`, the
face found by :mod:`.faces`), so it is byte for byte the program a single write embeds. So is a
face only one source draws, where its subset holds glyphs the pages taken do not draw (pages
from a bigger file). /W, /ToUnicode, FontBBox and Flags are written as
``build_fonts_dictionary`` writes them (pin-sensitive: ``pdf/fonts.py``). A source's program that
holds exactly the glyphs drawn is kept (nothing to subset); a font whose glyphs, in their order,
are those drawn is kept whole. A program left to the join (:mod:`.left`: a stand-in naming the
face) is never kept: where no merge replaces its font, the face is subset to the font's own
glyphs, as WeasyPrint would have subset it, or the join is refused.

Where it can differ from a single write of the same pages:

- A glyph's text and width come from the source that draws it first, as that source's write
  took them at its own first drawing of the glyph, maybe on a page not taken; one write takes
  them at the first drawing among its pages. They differ only for a glyph whose text depends on
  its context (one glyph for several characters) or whose width Pango rounds otherwise at
  another size.
- A font WeasyPrint wrote with .notdef stand-ins (its own CMap), or subset from a variable or
  colour face, is not rebuilt; nor is one whose face ``faces`` does not know. Those stay one
  font per source, each holding what its source's subset held, glyphs of pages left out
  included; so does every font where HarfBuzz-subset is missing.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from math import ceil
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

from ..harfbuzz import face as hb_face
from .drawn import _Drawn
from .left import left_to_the_join
from .pages import ObjGen
from .subset import _subset

_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")
_TO_UNICODE_HEAD = [
    b"/CIDInit /ProcSet findresource begin",
    b"12 dict begin",
    b"begincmap",
    b"/CIDSystemInfo",
    b"<< /Registry (Adobe)",
    b"/Ordering (UCS)",
    b"/Supplement 0",
    b">> def",
    b"/CMapName /Adobe-Identity-UCS def",
    b"/CMapType 2 def",
    b"1 begincodespacerange",
    b"<0000> <ffff>",
    b"endcodespacerange",
]
_TO_UNICODE_TAIL = [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]


@dataclass
class _Font:
    """A Type0 font as WeasyPrint writes it, read back."""

    font: Dictionary
    descriptor: Dictionary
    program_key: str  # /FontFile2 or /FontFile3
    to_unicode: dict[int, str]  # glyph → text, in the ToUnicode's order
    widths: dict[int, object]
    left: str | None = None  # the face's PostScript name, where the program was left to the join


def _read_font(font: Dictionary) -> _Font | None:
    """The font's glyphs, or None where it is not one WeasyPrint's merge can rebuild."""
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
        return None  # a font with .notdef stand-ins carries its own CMap (font.missing): left alone
    descendants = font.get("/DescendantFonts")
    if not isinstance(descendants, Array) or len(descendants) != 1:
        return None
    cid_font = descendants[0]
    descriptor = cid_font.get("/FontDescriptor")
    if cid_font.get("/CIDToGIDMap") != "/Identity" or not isinstance(descriptor, Dictionary):
        return None
    key = next((k for k in ("/FontFile3", "/FontFile2") if k in descriptor), None)
    to_unicode = font.get("/ToUnicode")
    if key is None or not isinstance(to_unicode, Stream):
        return None
    mapping: dict[int, str] = {}
    for block in _BFCHAR.findall(to_unicode.read_bytes()):
        for glyph, text in _PAIR.findall(block):
            mapping.setdefault(int(glyph, 16), bytes.fromhex(text.decode()).decode("utf-16-be"))
    program = descriptor[key]
    left = None
    if isinstance(program, Stream) and int(program.get("/Length", 0)) < 256:  # a program is kilobytes
        left = left_to_the_join(program.read_bytes())
    return _Font(font, descriptor, key, mapping, _read_widths(cid_font.get("/W", Array())), left)


_W_TOKEN = re.compile(rb"[\[\]]|[-+]?[0-9.]+")


def _read_widths(w: Array) -> dict[int, object]:
    """/W read from its text (a tenth of the time of walking its objects)."""
    tokens = _W_TOKEN.findall(w.unparse())
    widths: dict[int, object] = {}
    i = 1 if tokens[:1] == [b"["] else 0
    while i < len(tokens) and tokens[i] != b"]":
        first = int(tokens[i])
        if tokens[i + 1] == b"[":
            i += 2
            glyph = first
            while tokens[i] != b"]":
                widths.setdefault(glyph, _width(tokens[i]))
                glyph += 1
                i += 1
            i += 1
        else:  # c_first c_last w: not WeasyPrint's way, but a valid /W
            for glyph in range(first, int(tokens[i + 1]) + 1):
                widths.setdefault(glyph, _width(tokens[i + 2]))
            i += 3
    return widths


def _width(token: bytes) -> object:
    return Decimal(token.decode()) if b"." in token else int(token)


@dataclass
class _Merge:
    """One BaseFont's fonts and what replaces them."""

    users: list[tuple[Dictionary, Name]]  # the /Font dicts and keys that name them
    members: list[_Font]  # in page order
    to_unicode: dict[int, str]  # in the order first drawn
    widths: dict[int, object]
    program: Stream | Future | None  # a member's program that holds every glyph, or the subsetting


@dataclass
class _Fill:
    """A font kept apart whose program was left to the join: its face subset to its glyphs."""

    member: _Font
    program: Future | tuple[bytes, bytes] | None


def _start_font_merges(
    drawn: _Drawn, find_face: Callable[[str, _Font], Path | None], pool: ThreadPoolExecutor
) -> tuple[list[_Merge], list[_Fill]]:
    """The fonts to rebuild from the glyphs drawn, their programs being subset in ``pool``
    meanwhile (see the module's docstring), and those kept apart whose programs were left to the
    join. A face found nowhere leaves its fonts as they are."""
    groups: dict[str, list[tuple[Dictionary, Name]]] = {}  # face → the /Font entries naming it
    face_fonts: dict[str, list[_Font]] = {}  # face → its fonts, in page order
    fonts: dict[ObjGen, _Font | None] = {}
    numbered: dict[int, tuple[str, _Font]] = {}  # font number (drawn.fonts) → its face and font
    unsure: set[str] = set()  # faces in a /Font dict where a stream looked up a name not there
    for font_dict, sure in drawn.font_dicts():
        for name, font in font_dict.items():
            if not isinstance(font, Dictionary) or not font.is_indirect:
                continue
            base_font = str(font.get("/BaseFont"))
            if not sure:
                unsure.add(base_font)
            if font.objgen not in fonts:
                fonts[font.objgen] = member = _read_font(font)
                if member is not None:
                    face_fonts.setdefault(base_font, []).append(member)
                    number = drawn.numbers.get(font.objgen)
                    if number is not None:
                        numbered[number] = (base_font, member)
            if fonts[font.objgen] is not None:
                groups.setdefault(base_font, []).append((font_dict, Name(name)))

    # Each face's glyphs in the order first drawn, with the font that draws each first.
    first_drawer: dict[str, dict[int, _Font]] = {base_font: {} for base_font in groups}
    for key in drawn.glyphs:
        found = numbered.get(key >> 16)
        if found is not None:
            first_drawer[found[0]].setdefault(key & 0xFFFF, found[1])

    merges: list[_Merge] = []
    jobs: list[tuple[_Merge, Path]] = []
    for base_font, users in groups.items():
        members = face_fonts[base_font]
        if len({m.program_key for m in members}) != 1 or base_font in unsure:
            continue
        if not first_drawer[base_font]:
            continue  # set, but no text shown: as it was
        glyphs = _first_drawn(first_drawer[base_font])
        if glyphs is None:
            continue
        to_unicode, widths = glyphs
        only = members[0]
        if (
            len(members) == 1
            and list(only.to_unicode) == list(to_unicode)
            and only.widths.keys() == widths.keys()
        ):
            continue  # its pages draw every glyph it holds, first in its order: as written
        merge = _Merge(users, members, to_unicode, widths, None)
        # WeasyPrint subsets to its ToUnicode's glyphs: a member that has them all has the program.
        holder = next((m for m in members if not m.left and m.to_unicode.keys() == to_unicode.keys()), None)
        if holder is not None:
            merge.program = holder.descriptor[holder.program_key]
        elif (face := find_face(base_font.lstrip("/"), members[0])) is not None:
            jobs.append((merge, face))
        else:
            continue
        merges.append(merge)
    merged = {id(member) for merge in merges for member in merge.members}
    fills = [
        _Fill(member, None)
        for members in face_fonts.values()
        for member in members
        if member.left and id(member) not in merged
    ]
    # Biggest first, so two cores finish together; HarfBuzz and zlib let go of the GIL. The faces
    # are opened here, on this thread.
    for merge, face in sorted(jobs, key=lambda job: -len(job[0].to_unicode)):
        merge.program = pool.submit(_subset, hb_face(face), face, merge.to_unicode)
    for fill in fills:
        if (face := find_face(str(fill.member.font.get("/BaseFont")).lstrip("/"), fill.member)) is not None:
            fill.program = pool.submit(_subset, hb_face(face), face, fill.member.to_unicode)
    return merges, fills


def _first_drawn(first_drawer: dict[int, _Font]) -> tuple[dict[int, str], dict[int, object]] | None:
    """Each glyph's text and width from the font that draws it first (as one write takes them at
    its first drawing), in the order drawn; None where a font draws a glyph it does not hold: not
    as WeasyPrint writes, so left as it is."""
    to_unicode: dict[int, str] = {}
    widths: dict[int, object] = {}
    for glyph, member in first_drawer.items():
        if glyph not in member.to_unicode or glyph not in member.widths:
            return None
        to_unicode[glyph] = member.to_unicode[glyph]
        widths[glyph] = member.widths[glyph]
    return to_unicode, widths


def _finish_font_merges(out: pikepdf.Pdf, merges: list[_Merge], fills: list[_Fill]) -> None:
    for merge in merges:
        program = merge.program.result() if isinstance(merge.program, Future) else merge.program
        if program is None:
            # HarfBuzz could not subset as WeasyPrint does: the fonts stay apart
            fills += [_Fill(member, None) for member in merge.members if member.left]
            continue
        merged = _merged_font(out, merge.members[0], merge.to_unicode, merge.widths, program)
        for font_dict, name in merge.users:
            font_dict[name] = merged
    for fill in fills:
        made = fill.program.result() if isinstance(fill.program, Future) else fill.program
        if made is None:
            raise ValueError(
                f"the program of {fill.member.font.get('/BaseFont')} was left to the join, which cannot subset its face"
            )
        data, compressed = made
        program = fill.member.descriptor[fill.member.program_key]
        program.write(compressed, filter=Name.FlateDecode)  # as WeasyPrint writes it: its own subset
        if fill.member.program_key == "/FontFile2":
            program.Length1 = len(data)


def _merged_font(
    out: pikepdf.Pdf,
    first: _Font,
    to_unicode: dict[int, str],
    widths: dict[int, object],
    program: Stream | tuple[bytes, bytes],
) -> Dictionary:
    """``build_fonts_dictionary`` and ``_build_vector_font_dictionary`` for the merged glyphs; the
    metrics WeasyPrint took from the face at its first use come from the first source."""
    if isinstance(program, Stream):
        font_file = program
        key = first.program_key
    else:
        data, compressed = program
        font_file = out.make_stream(b"")
        font_file.write(compressed, filter=Name.FlateDecode)
        if data[:4] == b"OTTO":
            key = "/FontFile3"
            font_file.Subtype = Name.OpenType
        else:
            key = "/FontFile2"
            font_file.Length1 = len(data)

    old = first.descriptor
    descriptor = Dictionary(
        {k: v for k, v in old.items() if k not in ("/FontFile2", "/FontFile3", "/CIDSet")}
    )
    max_x = max((float(w) for w in widths.values()), default=0)
    bbox = Array([0, old.Descent, _number(max_x), old.Ascent])
    descriptor.FontBBox = bbox
    descriptor.CapHeight = old.Ascent
    flags = int(old.Flags) & ~1
    if len(widths) > 1 and len({float(w) for w in widths.values()}) == 1:
        flags |= 1  # FixedPitch
    descriptor.Flags = flags
    descriptor[key] = font_file
    if "/CIDSet" in old:  # PDF ≤ 1.4 only
        cids = sorted(widths)
        bits = bytearray(ceil((cids[-1] + 1) / 8))
        for cid in cids:
            bits[cid // 8] |= 0x80 >> (cid % 8)
        cid_set = out.make_stream(b"")
        cid_set.write(zlib.compress(bytes(bits)), filter=Name.FlateDecode)
        descriptor.CIDSet = cid_set

    runs: list[tuple[int, list[object]]] = []  # /W as WeasyPrint writes it: first [w w …] per run
    for glyph in sorted(widths):
        if glyph - 1 not in widths or not runs:
            runs.append((glyph, []))
        runs[-1][1].append(widths[glyph])
    w = Array([item for first, run in runs for item in (first, Array(run))])

    old_cid = first.font.DescendantFonts[0]
    cid_font = out.make_indirect(
        Dictionary({k: v for k, v in old_cid.items() if k not in ("/W", "/FontDescriptor")})
    )
    cid_font.W = w
    cid_font.FontDescriptor = out.make_indirect(descriptor)

    lines = list(_TO_UNICODE_HEAD)
    items = list(to_unicode.items())
    for start in range(0, len(items), 100):
        batch = items[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [f"<{glyph:04x}> <{text.encode('utf-16-be').hex()}>".encode() for glyph, text in batch]
        lines.append(b"endbfchar")
    lines += _TO_UNICODE_TAIL
    cmap = out.make_stream(b"")
    cmap.write(zlib.compress(b"\n".join(lines)), filter=Name.FlateDecode)

    font = Dictionary({k: v for k, v in first.font.items() if k not in ("/ToUnicode", "/DescendantFonts")})
    font.ToUnicode = cmap
    font.DescendantFonts = Array([cid_font])
    return out.make_indirect(font)


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value
