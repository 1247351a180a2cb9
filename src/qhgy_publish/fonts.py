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
    copies the tables without decompiling them: about half a second a face).
    """
    if role.file.suffix.lower() != ".ttc":
        return role.file
    while _copying:  # copy_faces_ahead's child may be writing this very file
        _copying.pop().join()
    if _copy_needed(role):
        _copy_face(role)
    return _face_target(role)


_copying: list = []  # the child process of copy_faces_ahead, until a face is asked for


def copy_faces_ahead() -> None:
    """Copy the faces the cache lacks in a child process, on the other core, while this one
    reads the sources: on a machine's first build (or preview) that is 1.5 s the layout would
    otherwise wait for. :func:`face_file` waits for the child."""
    missing = [role for role in font_roles().values() if _copy_needed(role)]
    if not missing or _copying:
        return
    import multiprocessing

    child = multiprocessing.get_context("fork").Process(target=_copy_faces, args=(missing,), daemon=True)
    child.start()
    _copying.append(child)


def _copy_faces(roles: list[FontRole]) -> None:
    import signal
    import sys

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # a daemon child ended with its parent: clean up
    for role in roles:
        _copy_face(role)


def _face_target(role: FontRole) -> Path:
    # "-v2": copies made before recalcTimestamp=False carry their copying time; never reuse them
    return FACE_CACHE / f"{role.file.stem}-{role.index}-v2.otf"


def _copy_needed(role: FontRole) -> bool:
    if role.file.suffix.lower() != ".ttc":
        return False
    target = _face_target(role)
    return not target.exists() or target.stat().st_mtime < role.file.stat().st_mtime


def _copy_face(role: FontRole) -> None:
    from fontTools.ttLib import TTFont

    target = _face_target(role)
    FACE_CACHE.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    try:
        # recalcTimestamp=False: the copy keeps the face's own head.modified, so every machine makes the
        # same file and the PDFs and the EPUB that embed it come out byte-identical.
        TTFont(role.file, fontNumber=role.index, lazy=True, recalcTimestamp=False).save(tmp)
        os.replace(tmp, target)
    except BaseException:  # Ctrl-C included: no half-written copy left behind
        tmp.unlink(missing_ok=True)
        raise


def font_face_css() -> str:
    """@font-face rules of the four roles, for the print, preview and EPUB stylesheets."""
    rules = []
    for role in font_roles().values():
        rules.append(
            f'@font-face {{ font-family: "{role.family}"; font-weight: {role.weight}; '
            f'src: url("{face_file(role).as_uri()}"); }}'
        )
    return "\n".join(rules)
