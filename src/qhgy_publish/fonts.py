"""Font roles, read once from ``fonts/roles.toml`` and shared by every renderer."""

from __future__ import annotations

import os
import struct
import sys
import tomllib
from array import array
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
    want a plain OpenType file, so the SC face is copied out once
    (:func:`extract_face`).
    """
    if role.file.suffix.lower() != ".ttc":
        return role.file
    while _copying:  # copy_faces_ahead's child may be writing this very file
        _copying.pop().join()
    if _copy_needed(role):
        _copy_face(role)
    return _face_target(role)


def face_files() -> list[Path]:
    """The files of the house's faces, each once, in order (:func:`face_file` of every role)."""
    return sorted({face_file(role) for role in font_roles().values()})


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
    target = _face_target(role)
    FACE_CACHE.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    try:
        tmp.write_bytes(extract_face(role.file, role.index))
        os.replace(tmp, target)
    except BaseException:  # Ctrl-C included: no half-written copy left behind
        tmp.unlink(missing_ok=True)
        raise


def extract_face(collection: Path, index: int) -> bytes:
    """Face ``index`` of a font collection as a plain OpenType file: its tables copied as they are.

    The same bytes as fontTools' ``TTFont(collection, fontNumber=index, lazy=True,
    recalcTimestamp=False).save()`` (tables in the OpenType order, the directory by tag, each
    table's checksum and head's checkSumAdjustment computed), which parses and writes each
    table twice: 0.5–0.9 s a Noto CJK face against a third of that here, on a machine's first
    build or preview. The face's own head.modified is kept, so every machine makes the same
    file and the PDFs and the EPUB that embed it come out byte-identical.
    """
    from fontTools.ttLib.sfnt import SFNTReader
    from fontTools.ttLib.ttFont import getSearchRange, sortedTagList

    with collection.open("rb") as stream:
        reader = SFNTReader(stream, fontNumber=index)
        tables = {tag: reader[tag] for tag in sortedTagList(list(reader.keys()))}
        version = reader.sfntVersion
    offset = 12 + 16 * len(tables)
    entries: dict[str, tuple[int, int, int]] = {}
    body = []
    for tag, data in tables.items():
        # head's checksum leaves out its checkSumAdjustment (bytes 8–11), set last
        entries[tag] = (_checksum(data[:8] + bytes(4) + data[12:] if tag == "head" else data), offset, len(data))
        body.append(data + bytes(-len(data) % 4))
        offset += len(body[-1])
    tag_bytes = version.encode("latin-1") if isinstance(version, str) else version
    directory = struct.pack(">4sHHHH", tag_bytes, len(tables), *getSearchRange(len(tables), 16))
    for tag in sorted(entries):
        directory += struct.pack(">4sLLL", tag.encode("latin-1"), *entries[tag])
    font = bytearray(directory + b"".join(body))
    if "head" in entries:
        total = sum(checksum for checksum, _, _ in entries.values()) + _checksum(directory)
        at = entries["head"][1] + 8
        font[at : at + 4] = struct.pack(">L", (0xB1B0AFBA - total) & 0xFFFFFFFF)
    return bytes(font)


_WORD = next(code for code in "IL" if array(code).itemsize == 4)  # an unsigned 32-bit word


def _checksum(data: bytes) -> int:
    """The OpenType checksum: the sum of the big-endian 32-bit words, zero-padded, modulo 2³²."""
    words = array(_WORD, data + bytes(-len(data) % 4))
    if sys.byteorder == "little":
        words.byteswap()
    return sum(words) & 0xFFFFFFFF


def font_face_css() -> str:
    """@font-face rules of the four roles, for the print, preview and EPUB stylesheets."""
    rules = []
    for role in font_roles().values():
        rules.append(
            f'@font-face {{ font-family: "{role.family}"; font-weight: {role.weight}; '
            f'src: url("{face_file(role).as_uri()}"); }}'
        )
    return "\n".join(rules)
