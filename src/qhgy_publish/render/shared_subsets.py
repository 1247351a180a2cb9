"""The font subsets of one build's two PDF writers, made once: the second writer to come to a face
takes the subset the first one made of it.

Why: the press and the screen PDF draw the same pages, so WeasyPrint subsets each face to
the same glyphs in both writers: 0.3–0.4 s of HarfBuzz in each (a cold build of the sample;
py-spy and a timeline of the writers). The press writer, drawing no tags, comes to the fonts
first: the screen writer, the one a build waits for, can take its subsets.

A subset is a function of the face, the glyph ids, whether .notdef keeps its outline and the
hinting option (``Font._harfbuzz_subset``); both writers are forked from one build, so a
font's name stands for its face. Each subset is written whole and renamed into a folder of
the build's (:func:`subsets_shared`), which the build removes (a build killed with kill -9
leaves it: the next one removes it, :func:`..output.process_folder`). Only HarfBuzz's subsets are
shared: the fontTools fallback warns once per writer, as it did.

Pin-sensitive: wraps ``weasyprint.pdf.fonts.Font.subset`` (WeasyPrint 70.0).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SUBSETS_FOLDER = "qhgy-subsets-"  # + the build's process id + "-" (output.process_folder)


@contextmanager
def subsets_shared(folder: Path) -> Iterator[None]:
    """Font subsets taken from ``folder`` when another writer made them, else made and put there,
    in this process until the ``with`` ends."""
    from weasyprint.pdf.fonts import Font

    from .harfbuzz import weasyprint_subsets

    original = Font.subset
    if not weasyprint_subsets():
        yield
        return

    def subset(self, to_unicode, hinting):  # type: ignore[no-untyped-def]
        if not to_unicode or not hasattr(self, "name"):  # (the join's stand-in Font has no name)
            return original(self, to_unicode, hinting)
        path = folder / _key(self, to_unicode, hinting)
        try:
            self.file_content = path.read_bytes()
            return None
        except OSError:
            pass
        original(self, to_unicode, hinting)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(self.file_content)
            os.replace(tmp, path)
        except OSError:
            tmp.unlink(missing_ok=True)  # the other writer makes its own
        return None

    Font.subset = subset
    try:
        yield
    finally:
        Font.subset = original


def _key(font, to_unicode: dict, hinting: bool) -> str:  # type: ignore[no-untyped-def]
    digest = hashlib.sha256(font.name)
    digest.update(f" {font.index} {len(font.file_content)} {bool(font.missing)} {bool(hinting)} ".encode())
    digest.update(",".join(map(str, sorted(to_unicode))).encode())
    return digest.hexdigest()
