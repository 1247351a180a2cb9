"""The print edition: the issue laid out and made up once, then written twice.

The stages, in order:

1. Layout (:func:`layout`, here): every part laid out through
   :func:`.weasy.render_html` (stylesheets, fonts, the WeasyPrint patch of
   :mod:`.weasy_cjk_patch`) and made up (:mod:`.makeup`); the pictures are read
   as their CMYK press versions (:mod:`.press_images`, through the fetcher).
   The result, :class:`PrintLayout`, carries what the other outputs need
   from the pages: the folios of the articles, the page map of the EPUB.
2. The press PDF (:mod:`.press_pdf`: PDF/X-4, FOGRA39 intent), finished by
   :mod:`.press_finish` (slug, crop marks, clipping, annotations).
3. The screen PDF (:mod:`.screen_pdf`: cut to the trim, tagged, labelled).
4. Both written side by side (:mod:`.pdf_pair`), each made reproducible by
   :mod:`.pdf_finish`.

Layout is the expensive step, so one laid-out :class:`weasyprint.Document`
serves both PDFs and the EPUB's page map. The page total must be a multiple
of 4 (saddle stitch): the make-up adds deliberate 学习笔记 pages before 封三
when it is not, and the build says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from weasyprint import Document

from ..errors import BuildError
from ..model import Issue
from .makeup import MakeupReport, make_up
from .makeup.parts import Part, whole_issue_html
from .makeup.plan import Plan
from .pagemap import PageStart, page_tops
from .pdf_pair import write_both_pdfs
from .press_pdf import write_print_pdf
from .screen_pdf import write_screen_pdf

__all__ = ["PrintLayout", "article_pages", "layout", "page_map", "write_both_pdfs", "write_print_pdf", "write_screen_pdf"]


@dataclass
class PrintLayout:
    """A laid-out issue and what the other outputs need to know about its pages."""

    issue: Issue
    document: Document
    page_map: list[PageStart]
    article_pages: dict[str, int]  # article id → folio of the page where its head stands
    notes_pages: int
    makeup: MakeupReport | None = None
    plans: list[Plan] = field(default_factory=list)  # per 栏目, in order
    warnings: list[str] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return len(self.document.pages)

    @property
    def contents_index(self) -> int:
        """PDF page index of folio 1 (the contents)."""
        return next(i for i, p in enumerate(self.document.pages) if "contents" in p.anchors)

    def column_ranges(self) -> list[range]:
        """PDF page indexes of each 栏目."""
        assert self.makeup is not None
        start = self.contents_index - 1
        return [range(start + c.first_folio, start + c.first_folio + len(c.part.pages)) for c in self.makeup.columns]

    @cached_property
    def html(self) -> str:
        """The laid-out issue as one HTML document (rendered only when asked: the build never needs it)."""
        return whole_issue_html(self.issue, self.article_pages, self.plans, self.notes_pages)


def layout(
    issue: Issue,
    shown: Callable[[Part], None] | None = None,
    making: Callable[[int, int], None] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> PrintLayout:
    """Lay the issue out part by part and make it up (:func:`.makeup.make_up`; ``shown``: the
    front as soon as it is laid out, ``making``: each 栏目 about to be made up afresh,
    ``progress``: each 栏目's turn)."""
    made = make_up(issue, shown, making=making, progress=progress)
    doc = made.document
    return PrintLayout(
        issue=issue,
        document=doc,
        page_map=page_map(issue, doc),
        article_pages=article_pages(issue, doc),
        notes_pages=made.notes_pages,
        makeup=made.report,
        plans=[c.plan for c in made.report.columns],
        warnings=made.warnings,
    )


def page_map(issue: Issue, doc: Document) -> list[PageStart]:
    """Folio → where that printed page begins (render/pagemap.py reads it from the page boxes).

    Folio 1 is the contents page; 封三 and 封四 are not counted.
    """
    pages = doc.pages
    start = next((i for i, p in enumerate(pages) if "contents" in p.anchors), None)
    if start is None:
        raise BuildError("the contents page is missing from the layout (layouts/print/parts.html.j2)")
    end = next(i for i, p in enumerate(pages) if "inside-back" in p.anchors)  # 封三, 封四: uncounted
    return [PageStart(page=n + 1, top=top) for n, top in enumerate(page_tops(pages[start:end]))]


def article_pages(issue: Issue, doc: Document) -> dict[str, int]:
    """Folio of each body article's first page (what the contents must print)."""
    start = next(i for i, p in enumerate(doc.pages) if "contents" in p.anchors)
    ids = {a.id for a in issue.body_articles}
    found: dict[str, int] = {}
    for index, page in enumerate(doc.pages):
        for name in page.anchors:
            if name in ids and name not in found:
                found[name] = index - start + 1
    return found
