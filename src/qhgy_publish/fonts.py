"""Font roles, read once from ``fonts/roles.toml`` and shared by every renderer."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .paths import CACHE_DIR, FONTS_DIR


@dataclass(frozen=True)
class FontRole:
    """One typographic role (body, title, heading, kai) and the face that draws it."""

    name: str
    family: str
    file: Path
    index: int
    weight: int
    package: str


@cache
def font_roles(path: Path = FONTS_DIR / "roles.toml") -> dict[str, FontRole]:
    """Return the roles declared in ``fonts/roles.toml``, keyed by role name."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {
        name: FontRole(
            name=name,
            family=spec["family"],
            file=Path(spec["file"]),
            index=int(spec.get("index", 0)),
            weight=int(spec.get("weight", 400)),
            package=spec.get("package", ""),
        )
        for name, spec in data.items()
    }


FACE_CACHE = CACHE_DIR / "fonts"


def face_file(role: FontRole) -> Path:
    """A file holding exactly the role's face.

    Noto CJK ships as .ttc collections whose first face is the Japanese one;
    WeasyPrint's @font-face loads a collection's first face, and EPUB readers
    want a plain OpenType file, so the SC face is copied out once (fontTools
    copies the tables without decompiling them: well under a second).
    """
    if role.file.suffix.lower() != ".ttc":
        return role.file
    # "-v2": copies made before recalcTimestamp=False carry their copying time; never reuse them
    target = FACE_CACHE / f"{role.file.stem}-{role.index}-v2.otf"
    if not target.exists() or target.stat().st_mtime < role.file.stat().st_mtime:
        from fontTools.ttLib import TTFont

        FACE_CACHE.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        # recalcTimestamp=False: the copy keeps the face's own head.modified, so every machine makes the
        # same file and the PDFs and the EPUB that embed it come out byte-identical.
        TTFont(role.file, fontNumber=role.index, lazy=True, recalcTimestamp=False).save(tmp)
        os.replace(tmp, target)
    return target


def font_face_css() -> str:
    """@font-face rules of the four roles, for the print, preview and EPUB stylesheets."""
    rules = []
    for role in font_roles().values():
        rules.append(
            f'@font-face {{ font-family: "{role.family}"; font-weight: {role.weight}; '
            f'src: url("{face_file(role).as_uri()}"); }}'
        )
    return "\n".join(rules)
