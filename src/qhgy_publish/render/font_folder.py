"""WeasyPrint's font folder, where each @font-face's file is linked to the face rather than copied.

Why: WeasyPrint reads the file of every @font-face rule and writes a copy of it into its
font folder (``FontConfiguration.add_font_face``), which fontconfig then scans. For the
house's four faces (Noto CJK and LXGW WenKai, 80 MB) the first stylesheet took 0.15–0.29 s in
each process that lays out (the build, the make-up's helper, the preview), 0.12–0.13 s with
links, and the copies stood on the disk until the process ended. The folder is a :class:`LinkingFolder`:
a file written into it whose bytes are those of one of the house's faces is made a hard link
to that face (a symbolic one where the two stand on different file systems) — the same bytes
under the name WeasyPrint chose. Anything else (a face an issue brings, a woff WeasyPrint
decoded) is written as WeasyPrint writes it.

WeasyPrint names the file ``folder / digest`` and writes it with ``write_bytes``: a Path of
this class, as the folder, makes every path under it one too. Should WeasyPrint write its
fonts otherwise, they are copies again: slower, never wrong.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..fonts import face_files

_EDGE = 64 * 1024  # bytes compared at each end of a face, besides its size
_ConcretePath = type(Path())  # PosixPath here: a subclass of Path itself cannot be made


class LinkingFolder(_ConcretePath):  # type: ignore[misc,valid-type]
    """A path under which :meth:`write_bytes` links a house face instead of writing its bytes."""

    def write_bytes(self, data: bytes) -> int:  # type: ignore[override]
        face = _face_holding(data)
        if face is not None:
            for link in (os.link, os.symlink):
                try:
                    link(face.absolute(), self)  # (a relative cache folder: a symbolic link resolves from here)
                except OSError:
                    continue
                return len(data)
        return super().write_bytes(data)


def _face_holding(data: bytes) -> Path | None:
    """The house face whose file holds ``data`` (the same size, the same bytes at both ends:
    WeasyPrint read them from that file), if any."""
    for face in face_files():
        try:
            if face.stat().st_size != len(data):
                continue
            with face.open("rb") as stream:
                head = stream.read(_EDGE)
                stream.seek(max(0, len(data) - _EDGE))
                tail = stream.read()
        except OSError:
            continue
        if data[:_EDGE] == head and data[-len(tail) :] == tail:
            return face
    return None
