"""The preview's rebuild worker: lays the issue out, renders the pages as PNGs, keeps the last good ones.

A failed build never clears the pages: the error is kept next to them and
shown over them, and the next good build clears it. Each page image carries
a hash, so the browser reloads only pages whose pixels changed; a re-laid-out
page whose boxes are all where they were is not even drawn again.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Loc, QhgyError, SourceErrors, source_error
from ..model import Issue
from ..pipeline import IssueLayout, lay_out, prepare, text_only
from .signature import page_signatures
from .sources import page_regions, source_map, stylesheet_errors

if TYPE_CHECKING:
    from ..render.makeup.parts import Part

DRAFT_NOTE = "已显示改动，正在校正版面…"  # the edited 栏目 drawn before its make-up (Builder._show_draft)
SCALE = 1.0  # PDF points → pixels: 216 mm page ≈ 612 px wide
# Scales a page may be drawn at on request (the browser asks for its zoom × pixel ratio).
SCALES = (1.0, 1.5, 2.0, 3.0, 4.0)


@dataclass
class PageImage:
    index: int  # 0-based PDF page
    label: str  # 封一, 1, 2 … 封四
    png: bytes
    digest: str
    text: str  # the page's text, for the accessible text layer and search
    pdf: bytes = b""  # the PDF the page stands in (shared by the pages of one build) …
    pdf_index: int = 0  # … and its place there: drawn again at other scales on request
    regions: list[dict] = field(default_factory=list)  # source blocks on the page (see sources.py)


@dataclass
class PreviewState:
    version: int = 0
    building: bool = False
    error: str = ""
    note: str = ""  # what the pages shown are, when not this layout's (the last build's, at start)
    progress: str = ""  # how far the whole issue's make-up is (第 3/9 栏 · 新视点), while it runs
    errors: list[dict] = field(default_factory=list)  # the error's parts, each with its file and line
    pages: list[PageImage] = field(default_factory=list)
    toc: list[dict] = field(default_factory=list)  # 栏目 → articles with their PDF page index
    findings: list[dict] = field(default_factory=list)  # qhgy check's source findings, make-up report
    since_proof: dict[int, str] = field(default_factory=dict)  # page index → how it differs from the last proof
    issue: Issue | None = None

    def as_json(self) -> dict:
        return {
            "version": self.version,
            "building": self.building,
            "error": self.error,
            "note": self.note,
            "progress": self.progress,
            "errors": self.errors,
            "pages": [
                {"index": p.index, "label": p.label, "hash": p.digest, "text": p.text, "regions": p.regions}
                for p in self.pages
            ],
            "toc": self.toc,
            "findings": self.findings,
            "since_proof": {str(k): v for k, v in self.since_proof.items()},
        }


class Builder:
    """Owns the preview state; ``rebuild()`` is safe to call from any thread (one build at a time)."""

    def __init__(self, issue_dir: Path, output_dir: Path | None = None) -> None:
        self.issue_dir = issue_dir
        self.output_dir = output_dir  # where `qhgy build` leaves its products (downloads, make-up report)
        self.state = PreviewState()
        self.changed = threading.Condition()
        self._lock = threading.Lock()
        self._draw_lock = threading.Lock()  # PDFium is not thread-safe
        self._drawn: dict[tuple[int, str, float], bytes] = {}
        # The last good layout (where each 栏目's pages are, each article's folio, the make-up),
        # which the pipeline's dirty mode starts from after a save.
        self.layout: IssueLayout | None = None
        self._signatures: list[str] = []  # per page: what its boxes are and where (see signature.py)
        self.last_build = ""  # "full" or "partial": which way the last good build went
        self._since_proof: dict[int, str] = {}
        self.last_redrawn: list[int] = []  # page indexes the last good build drew again
        self._drafted: list[int] = []  # those its draft drew (see _show_draft)
        self._source_findings: list = []  # the source checks' findings of the last build's prepare()

    def _publish(self, **changes: object) -> None:
        with self.changed:
            for key, value in changes.items():
                setattr(self.state, key, value)
            if not self.state.building:
                self.state.progress = ""
            self.state.version += 1
            self.changed.notify_all()

    def preload(self) -> bool:
        """Show the pages of the last ``qhgy build`` while the first layout runs (a cold layout of
        the sample takes half a minute; its print PDF draws in a second or two). Its crop marks
        are cut off: the pages stand as the preview draws them, bleed included. The first spread
        is shown as soon as it is drawn."""
        if self.output_dir is None or self.state.pages:
            return False
        stem = self.output_dir / f"qhgy-{self.issue_dir.name}"
        print_pdf, screen_pdf = Path(f"{stem}-print.pdf"), Path(f"{stem}-screen.pdf")
        if not print_pdf.is_file():  # no earlier build: the first layout runs alone (no imports beside it)
            return False
        import pikepdf
        import pypdfium2

        note = "显示上一次 qhgy build 的页面，正在重新排版…"
        spread: list[PageImage] = []  # the first spread, once shown
        try:
            data = print_pdf.read_bytes()
            labels: list[str] = []
            if screen_pdf.is_file():
                with pikepdf.open(screen_pdf) as screen:
                    labels = [str(page.label) for page in screen.pages]
            images = []
            with self._draw_lock:
                pdf = pypdfium2.PdfDocument(data)
                total = len(pdf)
                if len(labels) != total:
                    covers = {0: "封一", 1: "封二", total - 2: "封三", total - 1: "封四"}
                    labels = [covers.get(i, str(i - 1)) for i in range(total)]
                for index in range(total):
                    page = pdf[index]
                    media, bleed = page.get_mediabox(), page.get_bleedbox()
                    crop = (bleed[0] - media[0], bleed[1] - media[1], media[2] - bleed[2], media[3] - bleed[3])
                    png = _png(page.render(scale=SCALE, crop=crop).to_pil())
                    text = page.get_textpage().get_text_range().replace("\r\n", "").replace("\n", "")
                    digest = hashlib.sha1(png).hexdigest()[:12]
                    images.append(PageImage(index, labels[index], png, digest, text, b"", index, []))
                    if index == 1:
                        with self.changed:  # re-entrant: the check and the publishing are one step
                            if not self.state.pages:
                                spread = images[:2]
                                self._publish(pages=spread, note=note)
        except (OSError, pikepdf.PdfError, pypdfium2.PdfiumError):
            return False  # a build being written: wait for the layout
        with self.changed:
            if self.state.pages and self.state.pages is not spread:  # the layout was quicker
                return False
            self._publish(pages=images, note=note)
        return True

    def rebuild(self, changed: set[Path] | None = None) -> None:
        """Rebuild after ``changed`` files were saved (None: everything may have changed)."""
        with self._lock:
            self._publish(building=True)
            try:
                issue, pages, toc = self._build(changed)
            except SourceErrors as exc:
                errors = [
                    {
                        "message": f"{e.code} {e.message}",
                        "hint": e.hint,
                        "where": e.place,
                        "path": str(Path(e.where.path).resolve()),
                        "line": e.where.line,
                        "column": e.where.column,
                    }
                    for e in exc.errors
                ]
                self._publish(building=False, error=str(exc), errors=errors, note=self._kept_note())
            except QhgyError as exc:
                self._publish(building=False, error=str(exc), errors=[{"message": str(exc)}], note=self._kept_note())
            except Exception as exc:  # the server must survive any failed build
                message = f"{type(exc).__name__}: {exc}"
                self._publish(building=False, error=message, errors=[{"message": message}], note=self._kept_note())
            else:
                self._drawn = {}
                findings = self._findings(issue)
                self._publish(
                    building=False,
                    error="",
                    errors=[],
                    note="",
                    pages=pages,
                    toc=toc,
                    issue=issue,
                    findings=findings,
                    since_proof=self._since_proof,
                )

    def _kept_note(self) -> str:
        """The note to keep over the pages when a build fails: what they are (the last build's),
        but not a draft's promise of a make-up that will not come."""
        return "" if self.state.note == DRAFT_NOTE else self.state.note

    def _build(self, changed: set[Path] | None) -> tuple[Issue, list[PageImage], list[dict]]:
        # The same gates as `qhgy build`: the preview shows no issue the build would refuse.
        self._drafted = []
        prepared = prepare(self.issue_dir)
        issue, self._source_findings = prepared.issue, prepared.findings
        problems = stylesheet_errors(self.issue_dir)
        if problems:
            raise SourceErrors(
                [
                    source_error(Loc(path, line, column), f"样式表语法错误：{message}", "改正这一处后保存", "CSS")
                    for path, line, column, message in problems
                ]
            )
        # The pipeline decides what to lay out again (its dirty mode); the preview only draws.
        # Nothing drawn yet (no earlier build to show): the covers as soon as they are laid out.
        shown = self._show_covers if not self.state.pages else None
        pixels_follow_boxes = self._pixels_follow_boxes(changed)
        drafted = partial(self._show_draft, reuse=pixels_follow_boxes)
        try:
            laid = lay_out(
                issue, previous=self.layout, dirty=changed, shown=shown, drafted=drafted, progress=self._progress
            )
        except BaseException:
            if self._drafted:  # the pages shown are a draft's, not the last layout's: start afresh
                self.layout = None
            raise
        if laid.partial:
            built = (issue, self._partial(laid), self.state.toc)
        else:
            built = self._full(laid, reuse=pixels_follow_boxes)
        self.layout, self.last_build = laid, "partial" if laid.partial else "full"
        return built

    def _progress(self, index: int, count: int, name: str) -> None:
        """Say which 栏目 the whole issue's make-up has come to: after a stylesheet edit or an edit
        that adds pages it runs for half a minute, and the page shows how far it is."""
        self._publish(progress=f"第 {index}/{count} 栏 · {name}")

    def _show_covers(self, front: Part) -> None:
        """Draw 封一 and 封二 from the front's first layout while the rest is laid out (a cold
        layout of the sample takes half a minute; the covers are ready in a few seconds)."""
        contents = next((i for i, p in enumerate(front.pages) if "contents" in p.anchors), 0)
        covers = front.pages[:contents]
        if not covers:
            return
        pdf = front.document.copy(covers).write_pdf(uncompressed_pdf=True)
        labels = ["封一", "封二"][: len(covers)]
        images = self._images(pdf, labels, list(range(len(covers))), [[] for _ in covers])
        with self.changed:
            if not self.state.pages:  # an earlier build's pages came meanwhile: they show more
                self._publish(pages=images, note="正在排版其余页面…")

    def _show_draft(self, draft: IssueLayout, *, reuse: bool) -> None:
        """Draw a 栏目 an edit changed as laid out with its old make-up while it is made up again:
        the edit shows in one layout's time, and the make-up's pages follow (only those that
        differ are drawn again). ``reuse``: the pixels follow the boxes (see _pixels_follow_boxes)."""
        pages = self._partial(draft, reuse=reuse)
        self._drafted = self.last_redrawn
        self._publish(pages=pages, issue=draft.issue, note=DRAFT_NOTE)  # the text as saved, everywhere

    def _pixels_follow_boxes(self, changed: set[Path] | None) -> bool:
        """Whether a page whose boxes and styles are as they were draws the same pixels: when only
        articles, 补白, issue.yaml (text, folios, file names) and stylesheets changed, all of which
        :func:`.signature.page_signature` reads. A picture or a font replaced under its name
        changes pixels alone; a template may too (an inline drawing): every page is drawn again."""
        if not changed:
            return False
        sheets = {path for path in changed if Path(path).suffix == ".css"}
        return text_only(self.issue_dir, set(changed) - sheets)

    def _partial(self, laid: IssueLayout, *, reuse: bool = True) -> list[PageImage]:
        """The pages after the pipeline's dirty mode made one 栏目 up again (or nothing): only
        its pages whose boxes moved are drawn again, the others are the last build's."""
        first, count = laid.first_page, len(laid.document.pages)
        replaced = count if laid.replaces is None else laid.replaces
        moved = count - replaced  # a draft's pages added (removed) before the later pages
        total = len(self.state.pages) + moved
        labels = [page_label(first + o, total, laid.contents_index) for o in range(count)]
        images = self._redraw(laid.document, first, labels, laid.issue, reuse=reuse, whole=False, replaced=replaced)
        later = self.state.pages[first + replaced :]
        if moved:  # drawn as they were, on their new places (their folios follow with the make-up)
            later = [replace(p, index=p.index + moved, label=page_label(p.index + moved, total, laid.contents_index)) for p in later]
        pages = [*self.state.pages[:first], *images, *later]
        # Without the whole layout the proof comparison cannot run again: a page drawn anew
        # differs from what was compared, so it counts as changed until the next full layout.
        since = {i + moved if i >= first + replaced else i: status for i, status in self._since_proof.items()}
        self._since_proof = {**since, **dict.fromkeys(self.last_redrawn, "changed")}
        return pages

    def _redraw(
        self,
        doc: object,
        first: int,
        labels: list[str],
        issue: Issue,
        *,
        reuse: bool,
        whole: bool,
        replaced: int | None = None,
    ) -> list[PageImage]:
        """The pages of ``doc`` (standing from index ``first``; ``whole``: the whole issue) as images. With ``reuse``, a page
        whose boxes stand as the last build's did at its place keeps its image, with the source
        lines it stands for read afresh (an edit above it moves the lines, not the page); the
        others are drawn again (their indexes: :attr:`last_redrawn`). A page this rebuild's
        draft drew is kept so whatever changed. ``replaced``: how many of the last build's pages
        from ``first`` these stand in for (a draft that changed its 栏目's page count)."""
        laid = doc.pages  # type: ignore[attr-defined]
        where = source_map(issue)
        regions = [page_regions(page, where) for page in laid]
        signatures = page_signatures(laid)
        old, before, drafted = self.state.pages, self._signatures, set(self._drafted)
        images: list[PageImage | None] = []
        for offset, signature in enumerate(signatures):
            i = first + offset
            comparable = (reuse or i in drafted) and i < len(old) and i < len(before)
            same = comparable and before[i] == signature and old[i].label == labels[offset]
            images.append(replace(old[i], regions=regions[offset]) if same else None)
        redraw = [o for o, image in enumerate(images) if image is None]
        if redraw:
            pdf = doc.copy([laid[o] for o in redraw]).write_pdf(uncompressed_pdf=True)  # type: ignore[attr-defined]
            indexes = [first + o for o in redraw]
            for image in self._images(pdf, [labels[o] for o in redraw], indexes, [regions[o] for o in redraw]):
                images[image.index - first] = image
        if whole:
            self._signatures = signatures
        else:  # one 栏目's pages, in their place among the others
            end = first + (len(signatures) if replaced is None else replaced)
            self._signatures = [*self._signatures[:first], *signatures, *self._signatures[end:]]
        self.last_redrawn = sorted({*(first + o for o in redraw), *self._drafted})  # the draft's pages were drawn too
        return images  # type: ignore[return-value]

    def _images(
        self, pdf_bytes: bytes, labels: list[str], indexes: list[int], regions: list[list[dict]]
    ) -> list[PageImage]:
        """PNG, hash and text of each page of a PDF (standing at ``indexes`` in the issue),
        reusing unchanged PNG bytes."""
        import pypdfium2

        with self._draw_lock:  # PDFium is not thread-safe: one caller at a time
            return self._draw_images(pypdfium2.PdfDocument(pdf_bytes), pdf_bytes, labels, indexes, regions)

    def _draw_images(
        self, pdf: object, pdf_bytes: bytes, labels: list[str], indexes: list[int], regions: list[list[dict]]
    ) -> list[PageImage]:
        from concurrent.futures import ThreadPoolExecutor

        old = {p.index: p for p in self.state.pages}
        drawn = []
        # A page's PNG is 40 % of its drawing: Pillow compresses one (letting go of the GIL) while
        # PDFium draws the next, here.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="qhgy-png") as compressing:
            for offset in range(len(indexes)):
                page = pdf[offset]  # type: ignore[index]
                png = compressing.submit(_png, page.render(scale=SCALE).to_pil())  # a copy: RGB from BGR
                # Line ends inside a Chinese sentence are layout, not text: join the lines.
                text = page.get_textpage().get_text_range().replace("\r\n", "").replace("\n", "")
                drawn.append((png, text))
        images = []
        for offset, (index, (future, text)) in enumerate(zip(indexes, drawn, strict=True)):
            png = future.result()
            digest = hashlib.sha1(png).hexdigest()[:12]
            if index in old and old[index].digest == digest:
                png = old[index].png
            images.append(PageImage(index, labels[offset], png, digest, text, pdf_bytes, offset, regions[offset]))
        return images

    def draw(self, index: int, scale: float) -> bytes | None:
        """Page ``index`` as a PNG at ``scale`` (one of SCALES), drawn once per build and scale."""
        import pypdfium2

        pages = self.state.pages
        if not 0 <= index < len(pages) or scale not in SCALES:
            return None
        page = pages[index]
        if scale == SCALE or not page.pdf:  # the last build's pages, shown at start: 1× only
            return page.png
        key = (index, page.digest, scale)
        with self._draw_lock:
            if key not in self._drawn:
                pdf = pypdfium2.PdfDocument(page.pdf)
                self._drawn[key] = _png(pdf[page.pdf_index].render(scale=scale).to_pil())
            return self._drawn[key]

    def search(self, query: str, limit: int = 200) -> list[dict]:
        """Where ``query`` stands on the pages: page index, label, a snippet and the hit's
        boxes as fractions of the page. Spaces and line ends are ignored on both sides:
        a sentence found across a line break is still found."""
        import pypdfium2

        wanted = re.sub(r"\s+", "", query)
        hits: list[dict] = []
        if not wanted:
            return hits
        with self._draw_lock:
            for page in self.state.pages:
                if not page.pdf or wanted not in re.sub(r"\s+", "", page.text):
                    continue
                pdf_page = pypdfium2.PdfDocument(page.pdf)[page.pdf_index]
                # Character boxes are in user space, whose origin is the trim box's corner;
                # the drawn page is the media box (bleed included).
                x0, y0, x1, y1 = pdf_page.get_mediabox()
                width, height = x1 - x0, y1 - y0
                textpage = pdf_page.get_textpage()
                raw = textpage.get_text_range()
                kept = [i for i, ch in enumerate(raw) if not ch.isspace()]
                flat = "".join(raw[i] for i in kept)
                start = flat.find(wanted)
                while start >= 0 and len(hits) < limit:
                    boxes: list[list[float]] = []
                    for i in kept[start : start + len(wanted)]:
                        left, bottom, right, top = textpage.get_charbox(i)
                        box = [(left - x0) / width, (y1 - top) / height, (right - x0) / width, (y1 - bottom) / height]
                        if boxes and abs(boxes[-1][1] - box[1]) < 0.004 and box[0] >= boxes[-1][0]:
                            boxes[-1][2] = max(boxes[-1][2], box[2])
                            boxes[-1][3] = max(boxes[-1][3], box[3])
                        else:
                            boxes.append(box)
                    snippet = flat[max(0, start - 12) : start + len(wanted) + 12]
                    hits.append({"index": page.index, "label": page.label, "snippet": snippet, "boxes": boxes})
                    start = flat.find(wanted, start + len(wanted))
        return hits

    def _proof_changes(self, document: object, issue: Issue) -> dict[int, str]:
        """Pages that differ from the last proof kept by ``qhgy proof`` (none kept: none marked)."""
        from ..workflow.proofdiff import changes_since_last_proof

        if self.output_dir is None:
            return {}
        try:
            return changes_since_last_proof(document, issue, self.output_dir) or {}  # type: ignore[arg-type]
        except (OSError, ValueError, KeyError):  # an unreadable proof folder marks nothing
            return {}

    def _findings(self, issue: Issue) -> list[dict]:
        """qhgy check's findings on the sources, and the make-up report of the last `qhgy build`."""
        from ..check import makeup_findings

        found = list(self._source_findings)  # the source checks ran in prepare(), the build's gate
        try:
            if self.output_dir is not None:
                found += makeup_findings(self.output_dir / f"qhgy-{issue.id}-makeup.json")
        except Exception as exc:  # a finding list that cannot be made must not stop the preview
            return [{"severity": "error", "code": "", "message": f"检查未能运行：{exc}", "where": ""}]
        from ..errors import Loc

        return [
            f.as_dict()
            | ({"path": str(Path(f.where.path).resolve()), "line": f.where.line} if isinstance(f.where, Loc) else {})
            for f in found
        ]

    def _full(self, laid: IssueLayout, reuse: bool = False) -> tuple[Issue, list[PageImage], list[dict]]:
        issue, doc, start = laid.issue, laid.document, laid.contents_index
        total = len(doc.pages)
        labels = [page_label(i, total, start) for i in range(total)]
        pages = self._redraw(doc, 0, labels, issue, reuse=reuse, whole=True)
        self._since_proof = self._proof_changes(doc, issue)
        columns = laid.columns
        toc = [
            {
                "column": column.name,
                "articles": [
                    {
                        "id": a.id,
                        "title": a.contents_title,
                        "page": laid.article_pages[a.id] + start - 1,
                        "folio": laid.article_pages[a.id],
                    }
                    for a in column.articles
                ],
                "pages": [span.start, span.stop - 1] if span else None,
            }
            for column, span in zip(issue.columns, columns + [None] * len(issue.columns), strict=False)
        ]
        return issue, pages, toc


def page_label(index: int, total: int, contents_index: int) -> str:
    """The label of PDF page ``index`` of ``total``: 封一 … 封四, else its folio (1: the contents)."""
    covers = {0: "封一", 1: "封二", total - 2: "封三", total - 1: "封四"}
    return covers.get(index, str(index - contents_index + 1))


def _png(image: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)  # type: ignore[attr-defined]
    return buffer.getvalue()
