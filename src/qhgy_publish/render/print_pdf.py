"""The print edition: the issue as HTML (layouts/print/), laid out once by WeasyPrint,
written twice — the press PDF (PDF/X-4, bleed, CMYK intent) and the screen PDF
(trimmed, tagged, bookmarked).

Layout is the expensive step, so one :class:`weasyprint.Document` serves both
PDFs and the EPUB's page map. The page total must be a multiple of 4 (saddle
stitch): when it is not, the issue is laid out again with deliberate 学习笔记
filler pages before 封三, and the build says so.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from ..errors import BuildError
from ..fonts import face_file, font_face_css, font_roles
from ..model import Issue
from ..output import atomic_path, describe_write_error, stop_with_parent
from ..paths import CACHE_DIR, FONTS_DIR, layout_dirs, layout_file
from .fetcher import ClosedFetcher
from .pagemap import PageStart, page_tops
from .pdf_finish import finish_screen_pdf, make_reproducible, save_reproducible, stamp_dates
from .templates import environment, render_template

PRINT_CSS = ("page.css", "magazine.css", "cjk.css", "press.css")


@dataclass
class PrintLayout:
    """A laid-out issue and what the other outputs need to know about its pages."""

    issue: Issue
    document: Document
    page_map: list[PageStart]
    article_pages: dict[str, int]  # article id → folio of the page where its head stands
    filler_pages: int
    warnings: list[str] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return len(self.document.pages)

    @cached_property
    def html(self) -> str:
        """The HTML of the pages kept (rendered again only when asked: the build never needs it)."""
        return print_html(self.issue, filler_pages=self.filler_pages)


def _runs_filter() -> object:
    try:
        from .cjk_markup import markup_runs
    except ImportError:  # pragma: no cover - until the CJK module lands
        from .templates import plain_runs_html

        return plain_runs_html
    return markup_runs


def print_html(issue: Issue, *, filler_pages: int = 0) -> str:
    """The print issue as one HTML document (also served by the preview)."""
    env = environment("print", _runs_filter(), layout_dirs(issue.root))
    return render_template(env, "issue.html.j2", issue=issue, filler_pages=filler_pages)


def css_syntax_errors(path: Path) -> list[str]:
    """Syntax errors of a stylesheet as “file:line:col: message” (WeasyPrint would skip them silently)."""
    import tinycss2

    errors = []

    def walk(nodes) -> None:  # type: ignore[no-untyped-def]
        for node in nodes:
            if node.type == "error":
                errors.append(f"{path}:{node.source_line}:{node.source_column}: {node.message}")
            content = getattr(node, "content", None)
            if node.type in ("qualified-rule", "at-rule") and content:
                walk(tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True))

    walk(
        tinycss2.parse_stylesheet(path.read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True)
    )
    return errors


def stylesheets(
    fetcher: ClosedFetcher,
    font_config: FontConfiguration,
    color_profiles: dict,
    issue_dir: Path | None = None,
) -> list[CSS]:
    """The print stylesheets (an issue's or the editors' overrides first); @font-face and @color-profile
    rules load only through the shared ``font_config`` and ``color_profiles`` (WeasyPrint drops them otherwise)."""
    sheets = [
        CSS(
            string=font_face_css(),
            base_url=str(FONTS_DIR) + "/",
            url_fetcher=fetcher,
            font_config=font_config,
        )
    ]
    for name in PRINT_CSS:
        path = layout_file(f"print/{name}", issue_dir)
        if errors := css_syntax_errors(path):
            raise BuildError(
                "broken stylesheet:\n"
                + "\n".join(errors)
                + "\n      → fix the stylesheet (layouts/ is for developers)"
            )
        sheets.append(
            CSS(
                filename=str(path),
                url_fetcher=fetcher,
                font_config=font_config,
                color_profiles=color_profiles,
            )
        )
    return sheets


@dataclass
class _Styles:
    key: tuple
    sheets: list[CSS]
    font_config: FontConfiguration
    color_profiles: dict


_styles: _Styles | None = None


def _styles_for(issue: Issue, fetcher: ClosedFetcher) -> _Styles:
    """The parsed stylesheets with their fonts loaded, kept while none of their files changes.

    Why: the preview lays out one 栏目 again on every save, and parsing the
    stylesheets and loading the fonts again took 0.28 s of each refresh.
    """
    global _styles
    files = [layout_file(f"print/{name}", issue.root) for name in PRINT_CSS] + [FONTS_DIR / "roles.toml"]
    key = (
        str(issue.root),
        font_face_css(),
        *((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files),
    )
    if _styles is None or _styles.key != key:
        font_config, color_profiles = FontConfiguration(), {}
        sheets = stylesheets(fetcher, font_config, color_profiles, issue.root)
        _styles = _Styles(key, sheets, font_config, color_profiles)
    return _styles


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def fetcher_for(issue: Issue) -> ClosedFetcher:
    font_dirs = {face_file(role).parent for role in font_roles().values()}
    return ClosedFetcher(
        [issue.root, *layout_dirs(issue.root), FONTS_DIR, *font_dirs], press_images=CACHE_DIR / "press-images"
    )


def _render(issue: Issue, filler_pages: int, html: str | None = None) -> tuple[Document, str, list[str]]:
    from .weasy_cjk_patch import install

    install()
    html = html if html is not None else print_html(issue, filler_pages=filler_pages)
    fetcher = fetcher_for(issue)
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        styles = _styles_for(issue, fetcher)
        doc = HTML(string=html, base_url=str(issue.root) + "/", url_fetcher=fetcher).render(
            stylesheets=styles.sheets,
            font_config=styles.font_config,
            color_profiles=styles.color_profiles,
        )
    except FatalURLFetchingError as exc:
        raise BuildError(f"layout stopped: {exc.__cause__ or exc}") from exc
    finally:
        logger.removeHandler(handler)
    return doc, html, handler.messages


def page_map(issue: Issue, doc: Document) -> list[PageStart]:
    """Folio → where that printed page begins (render/pagemap.py reads it from the page boxes).

    Folio 1 is the contents page; 封三 and 封四 are not counted.
    """
    pages = doc.pages
    start = next((i for i, p in enumerate(pages) if "contents" in p.anchors), None)
    if start is None:
        raise BuildError("the contents page is missing from the layout (layouts/print/issue.html.j2)")
    end = next(i for i, p in enumerate(pages) if "inside-back" in p.anchors)  # 封三, 封四: uncounted
    return [PageStart(page=n + 1, top=top) for n, top in enumerate(page_tops(pages[start:end]))]


MAX_FILLER = 3


def column_pages(doc: Document, columns: int) -> list[range]:
    """PDF page indexes of each 栏目 in a laid-out issue (from the section anchors)."""
    starts = [
        next(i for i, p in enumerate(doc.pages) if f"column-{k + 1}" in p.anchors) for k in range(columns)
    ]
    end = next(
        i for i, p in enumerate(doc.pages) if any(a.startswith(("filler-", "inside-back")) for a in p.anchors)
    )
    return [range(a, b) for a, b in zip(starts, [*starts[1:], end], strict=True)]


def layout_column(issue: Issue, index: int, first_folio: int) -> tuple[list, dict[str, int]]:
    """Lay out one 栏目 alone as it stands in the issue: same folios, same page sides.

    Returns its pages and the folio of each of its articles. The first page of
    a document is a right-hand page, so a 栏目 that starts on a left-hand
    (even) page is preceded by one blank page, dropped afterwards.
    """
    pad = first_folio % 2 == 0
    html = render_template(
        environment("print", _runs_filter(), layout_dirs(issue.root)),
        "column.html.j2",
        issue=issue,
        column=issue.columns[index],
        index=index + 1,
        pad=pad,
        first_counter=first_folio - 1 if pad else first_folio,
    )
    doc, _, _ = _render(issue, 0, html)
    pages = doc.pages[1:] if pad else doc.pages
    ids = {a.id for a in issue.columns[index].articles}
    folios: dict[str, int] = {}
    for offset, page in enumerate(pages):
        for name in page.anchors:
            if name in ids and name not in folios:
                folios[name] = first_folio + offset
    return doc.copy(pages), folios


def layout(issue: Issue) -> PrintLayout:
    """Lay out the issue once; pad it to a multiple of 4 pages with deliberate filler pages.

    The issue is laid out with three filler pages before 封三 and the ones not
    needed are dropped afterwards: they follow every numbered page, so dropping
    them changes no folio, and one layout costs half of laying out twice.
    """
    doc, _, warnings = _render(issue, MAX_FILLER)
    filler_index = [
        i for i, page in enumerate(doc.pages) if any(a.startswith("filler-") for a in page.anchors)
    ]
    if len(filler_index) != MAX_FILLER:
        raise BuildError("filler pages are missing from the layout (layouts/print/issue.html.j2)")
    natural = len(doc.pages) - MAX_FILLER
    filler = (-natural) % 4
    drop = set(filler_index[filler:])
    doc = doc.copy([page for i, page in enumerate(doc.pages) if i not in drop])
    return PrintLayout(
        issue=issue,
        document=doc,
        page_map=page_map(issue, doc),
        article_pages=article_pages(issue, doc),
        filler_pages=filler,
        warnings=warnings,
    )


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
