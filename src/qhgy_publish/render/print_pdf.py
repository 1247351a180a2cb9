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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from weasyprint import Document

from ..model import Issue
from .makeup import MakeupReport, make_up
from .makeup.parts import Part, use_pressed, whole_issue_html
from .makeup.plan import Plan
from .pagefacts import PageFacts, anchor_index
from .pagemap import PageStart
from .pdf_pair import write_both_pdfs, writing_both_pdfs
from .press_pdf import write_print_pdf
from .pressed import PressedPart
from .screen_pdf import write_screen_pdf

__all__ = ["PrintLayout", "article_pages", "layout", "page_map", "write_both_pdfs", "write_print_pdf", "write_screen_pdf", "writing_both_pdfs"]


@dataclass
class PrintLayout:
    """A laid-out issue and what the other outputs need to know about its pages."""

    issue: Issue
    document: Document | None  # every page laid out; None where pages of an earlier build stand in
    page_map: list[PageStart]
    article_pages: dict[str, int]  # article id → folio of the page where its head stands
    notes_pages: int
    makeup: MakeupReport | None = None
    plans: list[Plan] = field(default_factory=list)  # per 栏目, in order
    warnings: list[str] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)  # front, each 栏目, back: the pages in order
    facts: list[PageFacts] = field(default_factory=list)  # of every page, in order
    cover: bytes | None = None  # the EPUB's cover, once drawn or taken from an earlier build
    cover_key: str = ""  # what the cover is drawn from (.makeup.cover_key; "": no cache)

    @property
    def page_count(self) -> int:
        return len(self.facts)

    @property
    def contents_index(self) -> int:
        """PDF page index of folio 1 (the contents)."""
        return anchor_index(self.facts, "contents")

    @property
    def pressed(self) -> bool:
        """Whether pages an earlier build drew stand in for some parts (see :mod:`.pressed`)."""
        return self.document is None

    @property
    def pages_to_draw(self) -> int:
        """The pages the PDF writers draw: every page, less those an earlier build drew."""
        if not self.pressed:
            return self.page_count
        return sum(part.page_count for part in self.parts if part.pressed is None)

    def column_ranges(self) -> list[range]:
        """PDF page indexes of each 栏目."""
        assert self.makeup is not None
        start = self.contents_index - 1
        return [range(start + c.first_folio, start + c.first_folio + c.page_count) for c in self.makeup.columns]

    @cached_property
    def html(self) -> str:
        """The laid-out issue as one HTML document (rendered only when asked: the build never needs it)."""
        return whole_issue_html(self.issue, self.article_pages, self.plans, self.notes_pages)


def layout(
    issue: Issue,
    shown: Callable[[Part], None] | None = None,
    making: Callable[[int, int], None] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    pressed: Mapping[str, PressedPart] | None = None,
    covers: Callable[[Part], None] | None = None,
) -> PrintLayout:
    """Lay the issue out part by part and make it up (:func:`.makeup.make_up`; ``shown``: the
    front as soon as it is laid out, ``making``: each 栏目 about to be made up afresh,
    ``progress``: each 栏目's turn; ``pressed``: pages an earlier build drew, by part key, to
    stand in for the final parts laid out from the same input; ``covers``: 封一 and 封二, when the
    make-up lays them out alone)."""
    use_pressed(pressed or {})
    try:
        made = make_up(issue, shown, making=making, progress=progress, covers=covers)
    finally:
        use_pressed({})
    facts = [fact for part in made.parts for fact in part.facts]
    return PrintLayout(
        issue=issue,
        document=made.document,
        page_map=page_map(facts),
        article_pages=article_pages(issue, facts),
        notes_pages=made.notes_pages,
        makeup=made.report,
        plans=[c.plan for c in made.report.columns],
        warnings=made.warnings,
        parts=made.parts,
        facts=facts,
        cover_key=made.cover_key,
    )


def page_map(facts: Sequence[PageFacts]) -> list[PageStart]:
    """Folio → where that printed page begins (render/pagemap.py reads it from the page boxes).

    Folio 1 is the contents page; 封三 and 封四 are not counted.
    """
    start, end = anchor_index(facts, "contents"), anchor_index(facts, "inside-back")  # 封三, 封四: uncounted
    return [PageStart(page=n + 1, top=replace(page.top, index=n)) for n, page in enumerate(facts[start:end])]


def article_pages(issue: Issue, facts: Sequence[PageFacts]) -> dict[str, int]:
    """Folio of each body article's first page (what the contents must print)."""
    start = anchor_index(facts, "contents")
    ids = {a.id for a in issue.body_articles}
    found: dict[str, int] = {}
    for index, page in enumerate(facts):
        for name in page.anchors:
            if name in ids and name not in found:
                found[name] = index - start + 1
    return found
