"""Which face file a font was subset from, for :mod:`.fonts` to subset it anew: the caller's
``faces`` tells, or the face is looked up among the project's fonts by the PostScript name
HarfBuzz keeps in the subsets it embeds (:func:`project_face`). A face found nowhere leaves its
fonts as their sources subset them.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from pathlib import Path

from .fonts import _Font
from .left import left_to_the_join


def _face_finder(faces: Callable[[str], Path | None] | None) -> Callable[[str, _Font], Path | None]:
    if faces is not None:
        return lambda base_font, _font: faces(base_font)

    def from_project(_base_font: str, font: _Font) -> Path | None:
        name = postscript_name(font.descriptor[font.program_key].read_bytes())
        return project_face(name) if name else None

    return from_project


def postscript_name(program: bytes) -> str | None:
    from fontTools.ttLib import TTFont

    if (left := left_to_the_join(program)) is not None:
        return left  # a stand-in names its face (.left)

    try:
        name = TTFont(io.BytesIO(program), lazy=True)["name"].getDebugName(6)
    except Exception:  # a program fontTools cannot read has no name to match
        return None
    return str(name) if name else None


def project_face(postscript_name: str) -> Path | None:
    """The project's face file (fonts/roles.toml) whose PostScript name (name ID 6) is
    ``postscript_name``, or None. HarfBuzz keeps that name in the subsets it embeds."""
    return _project_faces().get(postscript_name)


@functools.cache
def _project_faces() -> dict[str, Path]:
    from fontTools.ttLib import TTFont

    from ...fonts import face_file, font_roles

    found: dict[str, Path] = {}
    for role in font_roles().values():
        path = face_file(role)  # a Noto CJK face is copied out of its collection, as @font-face loads it
        name = TTFont(path, lazy=True)["name"].getDebugName(6)
        if name:
            found.setdefault(str(name), path)
    return found
