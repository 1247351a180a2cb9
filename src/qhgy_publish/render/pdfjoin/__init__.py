"""Pages of several PDFs written by WeasyPrint joined into one PDF, as if WeasyPrint had written
those pages as one document.

Why: a rebuild after an edit lays out and writes only the 栏目 that changed and takes the
finished pages of the others from the last build; :func:`join_pdfs` puts cached and new pages
together. Copying pages is not enough: what a single write shares between pages would come
apart. Here it is rebuilt as WeasyPrint 70 writes it, each part in a module of its own:

- :mod:`.pages`: the segments' pages (:class:`Segment`) copied in the output's order, and what
  the other parts share about them: where each output page came from, the named destinations
  on each source page.
- :mod:`.destinations`: one set of named destinations, each name pointing at its copied page.
  Links name their target, so they work across segments.
- :mod:`.outline`: one outline, the entries on the pages taken rebuilt into a tree by
  WeasyPrint's own level rule.
- :mod:`.structure`: one structure tree (screen PDFs), the pages' elements under one
  ``/Document``, with one ``/ParentTree``.
- :mod:`.drawn`: what the pages draw, read from their content streams and those they draw in
  turn; each source's resources cut to it.
- :mod:`.fonts`: one font per face, holding the glyphs the pages draw; its program subset once
  more from the face file (:mod:`.subset`, the face found by :mod:`.faces`), byte for byte the
  program a single write embeds. A source written to be joined may leave its programs to the
  join (:mod:`.left`: stand-ins naming the faces), so they are subset once, here.
- :mod:`.catalog`: catalog and document info from ``catalog_from``; pictures, masks and colour
  profiles copied from two sources kept once. The output's PDF version is the highest of the
  sources'.

Pin-sensitive (WeasyPrint is pinned at 70.0): the font rebuild calls
``weasyprint.pdf.fonts.Font.clean`` on a stand-in object and declares two more HarfBuzz
functions on WeasyPrint's cffi handle (as :mod:`..weasy_cjk_patch` does for Pango); the outline
calls ``weasyprint.anchors.make_page_bookmark_tree``; the ToUnicode and /W layouts, the structure
tree's shape and the Dests array follow ``pdf/fonts.py``, ``pdf/tags.py`` and ``pdf/__init__.py``.
The content streams are read by a regex fitted to what pydyf writes; a stream it cannot be sure
of (literal strings, comments, inline images) goes to qpdf's parser: slower, the same result.

Where the join can differ from a single write of the same pages (each told in its module):
split a document where a top-level bookmark stands, or the outline hangs a level too high
(:mod:`.outline`); a glyph's text and width are those of the source that draws it first, and a
font that cannot be rebuilt stays one per source (:mod:`.fonts`); font programs are compressed
at zlib's default level (:mod:`.subset`); each source keeps a resources dict of its own, under
the names it wrote (:mod:`.drawn`); table header cells and PDF 2.0 namespaces
(:mod:`.structure`).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pikepdf

from .catalog import _copy_catalog, _drop_duplicate_streams
from .destinations import _write_dests
from .drawn import _prune_resources, _read_drawn
from .faces import _face_finder, project_face
from .fonts import _finish_font_merges, _start_font_merges
from .outline import _write_outline
from .pages import Segment, _copy_pages, _Sources
from .structure import _write_structure

__all__ = ["Segment", "join_pdfs", "project_face"]


def join_pdfs(
    segments: list[Segment],
    catalog_from: pikepdf.Pdf,
    faces: Callable[[str], Path | None] | None = None,
) -> pikepdf.Pdf:
    """A new PDF of the segments' pages, in order, with one set of named destinations, one
    outline, one structure tree (when the sources are tagged), resources cut to what the pages
    draw and one font per face holding the glyphs they draw (see the module's docstring);
    catalog entries and document info from ``catalog_from``.

    ``faces`` gives the face file of a BaseFont (``KZECZT+QHGY-Title-Bold``, no slash), or None
    where a face cannot be found: that face's fonts are then kept as their sources subset them,
    one per source. Without it, the face is looked up among the project's fonts
    (:func:`project_face`).

    The sources are left as they were: the links cut for copying are put back (qpdf's one copy
    of a source's structure elements leaves an unreferenced object in it, never written). Keep
    them open until the result is saved: qpdf reads the copied streams from them then. The
    caller saves the result; its header already says the sources' highest version, it has no
    /ID yet (``deterministic_id`` makes one from the bytes). Save with
    ``object_stream_mode=pikepdf.ObjectStreamMode.generate``, as WeasyPrint packs its objects:
    otherwise the structure tree's thousands of small objects make the sample issue's screen PDF
    3.8 MB instead of 2.4.
    """
    if not segments:
        raise ValueError("nothing to join: no segment")
    sources = _Sources(segments)
    out = _blank(_highest_version([*sources.pdfs, catalog_from]))
    tagged = [pdf for pdf in sources.pdfs if "/StructTreeRoot" in pdf.Root]
    if tagged and len(tagged) != len(sources.pdfs):
        raise ValueError("some sources are tagged and some not: join screen pages with screen pages only")
    placed = _copy_pages(out, segments, sources)
    drawn = _read_drawn(out)
    _prune_resources(drawn)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        merges, fills = _start_font_merges(drawn, _face_finder(faces), pool)  # subsetting while the rest is done
        _write_dests(out, placed)
        _write_outline(out, placed, sources)
        if tagged:
            _write_structure(out, placed, sources, catalog_from)
        _finish_font_merges(out, merges, fills)
    _copy_catalog(out, catalog_from, tagged=bool(tagged))
    _drop_duplicate_streams(out)
    return out


def _highest_version(pdfs: list[pikepdf.Pdf]) -> str:
    return max((pdf.pdf_version for pdf in pdfs), key=lambda v: tuple(int(part) for part in v.split(".")))


def _blank(version: str) -> pikepdf.Pdf:
    """An empty PDF whose header says ``version``: qpdf starts a new one at 1.3 and has no setter,
    and a save takes the version of the file it read as its floor."""
    buffer = io.BytesIO()
    pikepdf.Pdf.new().save(buffer, force_version=version)
    buffer.seek(0)
    pdf = pikepdf.open(buffer)
    # The save above drew a random /ID; kept, it would be the first word of every later one, and
    # a save with deterministic_id would not give the same bytes for the same pages.
    del pdf.trailer["/ID"]
    return pdf
