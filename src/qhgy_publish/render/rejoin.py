"""A PDF written from the parts this build laid out, joined with the pages an earlier build drew
for the others (:mod:`.pressed`).

The parts laid out now are written as one WeasyPrint document, as the whole
issue would be, and finished per page as the whole file would be; then
:func:`.pdfjoin.join_pdfs` puts their pages and the kept ones in the issue's
order. WeasyPrint keeps a link only when its anchor is among the pages it
writes: a link to a page kept from the earlier build (the contents, laid out
again after an edit to a title, pointing to unchanged 栏目) would be lost, so
the first page written carries a stand-in for each such anchor, and the join
leaves the stand-ins out (the kept page's own destination serves the link).
The fonts of the parts written now carry no programs of their own: the join
makes one program per face for the whole file (:mod:`.pdfjoin.left`).
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pikepdf

from .pdfjoin import Segment, join_pdfs
from .pdfjoin.left import programs_left_to_the_join

if TYPE_CHECKING:
    from weasyprint import Document

    from .pressed import Pressed
    from .print_pdf import PrintLayout


def drawn_document(layout: PrintLayout) -> tuple[Document | None, frozenset[str]]:
    """The parts of ``layout`` laid out by this build as one document (None: none were), and the
    names of the stand-in anchors its first page carries."""
    laid = [part for part in layout.parts if part.pressed is None]
    if not laid:
        return None, frozenset()
    pages = [page for part in laid for page in part.pages]
    here = {name for page in pages for name in page.anchors}
    kept = {name for part in layout.parts if part.pressed is not None for fact in part.facts for name in fact.anchors}
    wanted = {target for page in pages for kind, target, _, _ in page.links if kind == "internal"}
    stand_ins = frozenset((wanted - here) & kept)
    if stand_ins:
        first = copy.copy(pages[0])  # the layout's own page keeps its anchors
        first.anchors = {**pages[0].anchors, **{name: (0, 0, 0, 0) for name in sorted(stand_ins)}}
        pages = [first, *pages[1:]]
    document = laid[0].document
    assert document is not None
    return document.copy(pages), stand_ins


def every_page_kept(layout: PrintLayout, pressed: Pressed) -> bool:
    """Whether ``layout`` is the kept files' pages, every one, in their order (a build with
    nothing changed): then those files, as the last build wrote them, are this build's PDFs
    (the same parts from the same inputs), and nothing need be joined."""
    at = 0
    for part in layout.parts:
        if part.pressed is None or part.pressed.start != at:
            return False
        at += part.page_count
    return all(_page_count(pressed.pdf(kind)) == at for kind in ("press", "screen"))


def _page_count(data: bytes) -> int:
    """The pages of a kept file; -1 where it cannot be read (the join then says why)."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return len(pdf.pages)
    except pikepdf.PdfError:
        return -1


@contextmanager
def rejoin(
    layout: PrintLayout,
    pressed: Pressed,
    kind: str,
    target: Path,
    write: Callable[[Document, Path], None],
) -> Iterator[pikepdf.Pdf]:
    """The issue's ``kind`` ("press", "screen") PDF: the parts laid out now written by ``write``
    (WeasyPrint, then the per-page finish of that kind) to ``target``, joined with the kept
    pages of the others. The caller finishes the document and saves it (over ``target``) inside
    the ``with``: the joined file reads its streams from the two files until then."""
    document, stand_ins = drawn_document(layout)
    with ExitStack() as files:
        kept = files.enter_context(pikepdf.open(io.BytesIO(pressed.pdf(kind))))
        drawn = None
        if document is not None:
            with programs_left_to_the_join():  # the join subsets the faces, or takes the kept programs
                write(document, target)
            drawn = files.enter_context(pikepdf.open(io.BytesIO(target.read_bytes())))
        with _joined(layout, kept, drawn, stand_ins) as joined:
            yield joined


def _joined(layout: PrintLayout, kept: pikepdf.Pdf, drawn: pikepdf.Pdf | None, stand_ins: frozenset[str]) -> pikepdf.Pdf:
    segments: list[Segment] = []
    at = 0  # the next page of the drawn file
    for part in layout.parts:
        if part.pressed is not None:
            segments.append(Segment(kept, range(part.pressed.start, part.pressed.start + part.page_count)))
        else:
            assert drawn is not None
            segments.append(Segment(drawn, range(at, at + part.page_count), stand_ins))
            at += part.page_count
    return join_pdfs(_merged(segments), catalog_from=drawn if drawn is not None else kept)


def _merged(segments: list[Segment]) -> list[Segment]:
    """Neighbouring segments of one file whose pages follow on, as one."""
    out: list[Segment] = []
    for segment in segments:
        last = out[-1] if out else None
        if last is not None and last.source is segment.source and last.pages.stop == segment.pages.start:
            out[-1] = Segment(last.source, range(last.pages.start, segment.pages.stop), last.ignore_names)
        else:
            out.append(segment)
    return out
