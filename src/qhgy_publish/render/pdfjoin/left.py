"""Font programs left to the join: a PDF written to be joined carries, for each font of a
project face, a stand-in naming the face instead of WeasyPrint's subset of it.

Why: a build after an edit writes the 栏目 it laid out again, and WeasyPrint subsets each
face to the glyphs those pages draw (0.2–0.27 s of each PDF writer, py-spy); the join then
makes one font per face for the whole file, taking the kept file's program where it holds
every glyph drawn, else subsetting the face once more (:mod:`.fonts`). The writer's subsets
were thrown away. Inside :func:`programs_left_to_the_join`, WeasyPrint's ``Font.clean`` writes
the stand-in where the join can subset the face exactly as WeasyPrint does (a face of the
project's, found by its PostScript name; static, no colour glyphs, no .notdef stand-ins; HarfBuzz
-subset present): the face's first four bytes (so the font is written as the face's kind,
CFF or TrueType) and :data:`MARK` with the face's PostScript name. The join never keeps a
stand-in: it subsets the face, to the glyphs the font's own pages draw where no merge takes
it, and refuses the join where it cannot (the build then lays the issue out whole).

Pin-sensitive: wraps ``weasyprint.pdf.fonts.Font.clean`` (WeasyPrint 70.0) and reads the
attributes ``Font.__init__`` sets.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

MARK = b"%qhgy: program left to the join; face "


@contextmanager
def programs_left_to_the_join() -> Iterator[None]:
    """WeasyPrint writes stand-ins for the programs the join will subset (see the module's
    docstring), in this process, until the ``with`` ends."""
    from weasyprint.pdf.fonts import Font

    original = Font.clean

    def clean(self, to_unicode, hinting):  # type: ignore[no-untyped-def]
        name = _joinable_face(self, to_unicode)
        if name is None:
            return original(self, to_unicode, hinting)
        self.file_content = self.file_content[:4] + MARK + name.encode()
        return None

    Font.clean = clean
    try:
        yield
    finally:
        Font.clean = original


def left_to_the_join(program: bytes) -> str | None:
    """The PostScript name of the face whose program ``program`` stands in for, or None when it
    is a program."""
    if program[4 : 4 + len(MARK)] != MARK:
        return None
    return program[4 + len(MARK) :].decode()


def _joinable_face(font, to_unicode: dict) -> str | None:  # type: ignore[no-untyped-def]
    """The PostScript name of ``font``'s face when the join can subset it as ``clean`` would."""
    from ..harfbuzz import weasyprint_subsets
    from .faces import postscript_name, project_face

    if not to_unicode or font.missing or font.png or font.svg or font.colr or "fvar" in font.tables:
        return None  # a full font (in a form), own CMap, colour or variable: clean does more
    if font.index != 0 or not weasyprint_subsets():
        return None  # a face in a collection is none of the project's (they are copied out)
    name = postscript_name(font.file_content)
    return name if name and project_face(name) is not None else None
