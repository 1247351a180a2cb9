"""How hard the PDF writers deflate their streams.

pydyf, WeasyPrint's PDF writer, deflates every stream (page contents, font
programs, object streams) at zlib's level 9. On the issue's PDFs zlib's
default level (6) takes a quarter of the time for files about 1 % larger
(the sample's press PDF: 0.51 s → 0.23 s, 1.80 → 1.81 MB; its screen PDF:
0.68 s → 0.16 s, 2.01 → 2.03 MB), and every build writes two PDFs. The
print shop's RIP and a reader's viewer inflate either the same way.
"""

from __future__ import annotations

import zlib
from typing import Any

import pydyf

LEVEL = zlib.Z_DEFAULT_COMPRESSION


class _Deflate:
    """The ``zlib`` pydyf sees: zlib itself, whose compressors deflate at :data:`LEVEL` whatever
    level pydyf asks for."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = LEVEL, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(LEVEL, *args, **kwargs)


def deflate_at_default_level() -> None:
    """Make pydyf deflate at zlib's default level from now on, in this process (and those it forks)."""
    pydyf.zlib = _Deflate()  # type: ignore[attr-defined]
