"""The print edition: the issue laid out and made up (:mod:`.makeup`), written twice — the
press PDF (PDF/X-4, bleed, CMYK intent) and the screen PDF (trimmed, tagged, bookmarked).

Layout is the expensive step, so one laid-out :class:`weasyprint.Document`
serves both PDFs and the EPUB's page map. The page total must be a multiple
of 4 (saddle stitch): the make-up adds deliberate 学习笔记 pages before 封三
when it is not, and the build says so.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from weasyprint import Document

from ..errors import BuildError
from ..model import Issue
from ..output import atomic_path, describe_write_error, stop_with_parent
from .makeup import MakeupReport, make_up
from .makeup.parts import whole_issue_html
from .makeup.plan import Plan
from .pagemap import PageStart, page_tops
from .pdf_finish import finish_screen_pdf, make_reproducible, save_reproducible, stamp_dates
from .weasy import PRINT_CSS, css_syntax_errors  # noqa: F401  (re-exported for tests and benchmarks)


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


def layout(issue: Issue) -> PrintLayout:
    """Lay the issue out part by part and make it up (:func:`.makeup.make_up`)."""
    made = make_up(issue)
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


def write_screen_pdf(layout: PrintLayout, target: Path) -> Path:
    """The reading PDF: same pages, cut to the trim, tagged (PDF/UA-1 identifier; see pdf_finish.py),
    with bookmarks, page labels and metadata."""
    import pikepdf

    stamp_dates(layout.document)
    with atomic_path(target) as tmp:
        layout.document.write_pdf(tmp, pdf_variant="pdf/ua-1", custom_metadata=True)
        with pikepdf.open(tmp, allow_overwriting_input=True) as pdf:
            for page in pdf.pages:
                trim = page.obj.get("/TrimBox")
                if trim is not None:
                    page.obj.MediaBox = trim
                    page.obj.CropBox = trim
                    del page.obj["/BleedBox"]
            if "/OutputIntents" in pdf.Root:
                del pdf.Root["/OutputIntents"]  # a reading copy, not a press file
            pdf.Root.Lang = pikepdf.String("zh-CN")
            pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
            pdf.Root.PageLayout = pikepdf.Name.TwoPageRight  # spreads as the magazine is read
            finish_screen_pdf(pdf, layout)
            make_reproducible(pdf, "screen")
            save_reproducible(pdf, tmp)
    return target


def write_print_pdf(layout: PrintLayout, target: Path) -> Path:
    """The print shop's PDF: PDF/X-4, TrimBox/BleedBox on every page, fonts embedded."""
    from .press import write_press_pdf

    with atomic_path(target) as tmp:
        write_press_pdf(layout.document, tmp)
    return target


_forked_layout: PrintLayout | None = None


def _screen_writer(target: Path, errors, parent: int) -> None:  # type: ignore[no-untyped-def]
    """The forked child's work: write the screen PDF of the inherited layout to ``target``."""
    # Terminated by the parent (its build failed or was interrupted): unwind, so
    # atomic_path removes the half-written file.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    stop_with_parent(parent)
    try:
        assert _forked_layout is not None
        write_screen_pdf(_forked_layout, target)
    except OSError as exc:
        errors.send(describe_write_error(exc))
        sys.exit(1)
    except BaseException as exc:
        errors.send(f"{type(exc).__name__}: {exc}")
        sys.exit(1)


def _start_holding_interrupts(child) -> None:  # type: ignore[no-untyped-def]
    """Start ``child``; a Ctrl-C during the start is raised only once the child is known.

    An interrupt raised inside ``start()`` after the fork would leave a child
    nobody stops, renaming its file back after our clean-up; one landing in
    Python's at-fork handlers would be dropped. The child inherits the holding
    handler and so leaves Ctrl-C to this process, which stops it.
    """
    if threading.current_thread() is not threading.main_thread():
        child.start()  # signals reach only the main thread
        return
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, _: held.append(number))
    try:
        child.start()
    finally:
        signal.signal(signal.SIGINT, previous)
    if held:
        raise KeyboardInterrupt


def write_both_pdfs(layout: PrintLayout, print_target: Path, screen_target: Path) -> list[Path]:
    """Write the press and screen PDFs at the same time, one per core.

    Each write takes about 2 s of one core (drawing, font subsetting,
    compression). The laid-out document cannot be pickled, so the screen copy
    is written by a forked copy of this process, which inherits it; where
    fork is missing the two are written one after the other. Both files are
    renamed into place only when both are complete: a failed or interrupted
    build stops the child and leaves the earlier pair as it was.
    """
    global _forked_layout
    from multiprocessing import get_all_start_methods, get_context

    if "fork" not in get_all_start_methods():
        return [write_print_pdf(layout, print_target), write_screen_pdf(layout, screen_target)]
    context = get_context("fork")
    receive, send = context.Pipe(duplex=False)
    _forked_layout = layout
    try:
        with atomic_path(print_target) as print_tmp, atomic_path(screen_target) as screen_tmp:
            child = context.Process(target=_screen_writer, args=(screen_tmp, send, os.getpid()), daemon=True)
            try:
                _start_holding_interrupts(child)
                write_print_pdf(layout, print_tmp)
                child.join()
            except BaseException:
                if child.pid is not None:  # stop it before its file is removed, or it renames one back
                    child.terminate()
                    child.join()
                raise
            if child.exitcode != 0:
                reason = receive.recv() if receive.poll() else f"exit code {child.exitcode}"
                raise BuildError(f"writing the screen PDF failed: {reason}")
    finally:
        _forked_layout = None
    return [print_target, screen_target]
