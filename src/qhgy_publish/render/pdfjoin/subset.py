"""A face's program subset anew to the glyphs a merged font holds, as WeasyPrint 70 subsets it:
by WeasyPrint's own ``Font.clean`` (HarfBuzz, the same flags, tables and second pass), so the
bytes are those a single write embeds.

Pin-sensitive: ``weasyprint.pdf.fonts.Font.clean`` is called on a stand-in object with the
attributes its subsetting reads, as ``Font.__init__`` sets them; the face comes from
:mod:`..harfbuzz`. A variable
or colour face is not subset, nor any face where HarfBuzz-subset is missing: :mod:`.fonts` then
leaves its fonts as their sources wrote them.

Compressed at zlib's default level, as the build's WeasyPrint compresses them
(:mod:`..pdf_deflate`): the same bytes as a single write.
"""

from __future__ import annotations

import zlib
from pathlib import Path


def _face_tables(face: object) -> list[str]:
    from weasyprint.text.ffi import ffi, harfbuzz

    count = ffi.new("unsigned int *", 100)
    tags = ffi.new("hb_tag_t[100]")
    name = ffi.new("char[4]")
    harfbuzz.hb_face_get_table_tags(face, 0, count, tags)
    tables = []
    for i in range(count[0]):
        harfbuzz.hb_tag_to_string(tags[i], name)
        tables.append(ffi.string(name, 4).decode("latin-1"))
    return tables


def _subset(face: object | None, face_file: Path, to_unicode: dict[int, str]) -> tuple[bytes, bytes] | None:
    """The face's program subset to the glyphs as WeasyPrint subsets it, and its Flate bytes; None
    where it cannot be made as WeasyPrint makes it (a variable or colour face, no HarfBuzz)."""
    from weasyprint import DEFAULT_OPTIONS
    from weasyprint.pdf.fonts import Font
    from weasyprint.text.ffi import harfbuzz

    from ..harfbuzz import weasyprint_subsets

    if face is None or not weasyprint_subsets():
        return None
    tables = _face_tables(face)
    colour = harfbuzz.hb_ot_color_has_png(face) or harfbuzz.hb_ot_color_has_svg(face)
    if harfbuzz.hb_version_atleast(7, 0, 0):  # as Font.__init__ asks: older HarfBuzz lacks the call
        colour = colour or harfbuzz.hb_ot_color_has_paint(face) or harfbuzz.hb_ot_color_has_layers(face)
    if "fvar" in tables or colour:
        return None  # clean() would instantiate or repaint it from what only the layout knew
    # Font.clean on a stand-in: the attributes its subsetting reads, as Font.__init__ sets them.
    stand_in = Font.__new__(Font)
    stand_in.hb_face = face
    stand_in.file_content = b""  # HarfBuzz replaces it; left empty, HarfBuzz failed
    stand_in.index = 0
    stand_in.family = face_file.stem
    stand_in.tables = tables
    stand_in.missing = {}
    stand_in.variations = {}
    stand_in.png = stand_in.svg = stand_in.colr = False
    stand_in.clean(to_unicode, DEFAULT_OPTIONS["hinting"])
    data = stand_in.file_content
    if not data:
        return None
    return data, zlib.compress(data)
