"""The preview's rebuild worker: lays the issue out, renders the pages as PNGs, keeps the last good ones.

A failed build never clears the pages: the error is kept next to them and
shown over them, and the next good build clears it. Each page image carries
a hash, so the browser reloads only pages whose pixels changed.
"""

from __future__ import annotations

import hashlib
import io
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import QhgyError, SourceErrors
from ...load import load_issue
from ...model import Issue
from ...transforms import apply_transforms

SCALE = 1.0  # PDF points → pixels: 216 mm page ≈ 612 px wide


@dataclass
class PageImage:
    index: int  # 0-based PDF page
    label: str  # 封一, 1, 2 … 封四
    png: bytes
    digest: str
    text: str  # the page's text, for the accessible text layer and search


@dataclass
class PreviewState:
    version: int = 0
    building: bool = False
    error: str = ""
    pages: list[PageImage] = field(default_factory=list)
    toc: list[dict] = field(default_factory=list)  # 栏目 → articles with their PDF page index
    issue: Issue | None = None

    def as_json(self) -> dict:
        return {
            "version": self.version,
            "building": self.building,
            "error": self.error,
            "pages": [
                {"index": p.index, "label": p.label, "hash": p.digest, "text": p.text} for p in self.pages
            ],
            "toc": self.toc,
        }


class Builder:
    """Owns the preview state; ``rebuild()`` is safe to call from any thread (one build at a time)."""

    def __init__(self, issue_dir: Path) -> None:
        self.issue_dir = issue_dir
        self.state = PreviewState()
        self.changed = threading.Condition()
        self._lock = threading.Lock()

    def _publish(self, **changes: object) -> None:
        with self.changed:
            for key, value in changes.items():
                setattr(self.state, key, value)
            self.state.version += 1
            self.changed.notify_all()

    def rebuild(self) -> None:
        with self._lock:
            self._publish(building=True)
            try:
                issue, pages, toc = self._build()
            except SourceErrors as exc:
                self._publish(building=False, error=str(exc))
            except QhgyError as exc:
                self._publish(building=False, error=str(exc))
            except Exception as exc:  # the server must survive any failed build
                self._publish(building=False, error=f"{type(exc).__name__}: {exc}")
            else:
                self._publish(building=False, error="", pages=pages, toc=toc, issue=issue)

    def _build(self) -> tuple[Issue, list[PageImage], list[dict]]:
        import pypdfium2

        from ..print_pdf import layout

        issue = apply_transforms(load_issue(self.issue_dir))
        laid_out = layout(issue)
        pdf = pypdfium2.PdfDocument(laid_out.document.write_pdf())
        start = next(i for i, p in enumerate(laid_out.document.pages) if "contents" in p.anchors)
        total = len(pdf)
        covers = {0: "封一", 1: "封二", total - 2: "封三", total - 1: "封四"}
        old = {p.index: p for p in self.state.pages}
        pages = []
        for index in range(total):
            page = pdf[index]
            bitmap = page.render(scale=SCALE).to_pil()
            buffer = io.BytesIO()
            bitmap.save(buffer, format="PNG", compress_level=1)
            png = buffer.getvalue()
            digest = hashlib.sha1(png).hexdigest()[:12]
            if index in old and old[index].digest == digest:
                png = old[index].png
            # Line ends inside a Chinese sentence are layout, not text: join the lines.
            text = page.get_textpage().get_text_range().replace("\r\n", "").replace("\n", "")
            pages.append(PageImage(index, covers.get(index, str(index - start + 1)), png, digest, text))
        toc = [
            {
                "column": column.name,
                "articles": [
                    {"id": a.id, "title": a.contents_title, "page": laid_out.article_pages[a.id] + start - 1}
                    for a in column.articles
                ],
            }
            for column in issue.columns
        ]
        return issue, pages, toc
