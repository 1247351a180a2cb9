"""The output's named destinations (``/Root/Names/Dests``), as WeasyPrint 70 writes them
(``pdf/__init__.py``): every name on a page taken, pointing at the copied page, one flat
``/Names`` array sorted by name; a name met twice keeps its first page in the output's order
(WeasyPrint's rule).

Links name their target (``/Dest (name)``), so they work across segments. A writer that wrote a
segment alone adds stand-in anchors for the names its links point to on other pages (or
WeasyPrint would drop those links); it passes them as :attr:`.Segment.ignore_names`, and they
are not carried.
"""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary

from .pages import _dest_to, _Placed


def _write_dests(out: pikepdf.Pdf, placed: list[_Placed]) -> None:
    chosen: dict[str, Array] = {}
    for item in placed:
        for name, dest in item.source.names.get(item.index, ()):
            if name not in chosen and name not in item.segment.ignore_names:
                chosen[name] = _dest_to(item.page, dest)
    if not chosen:
        return
    flat = Array()
    for name in sorted(chosen):  # WeasyPrint sorts the Python strings; so does a name tree
        flat.append(pikepdf.String(name))
        flat.append(chosen[name])
    if "/Names" not in out.Root:
        out.Root.Names = Dictionary()
    out.Root.Names.Dests = Dictionary(Names=flat)
