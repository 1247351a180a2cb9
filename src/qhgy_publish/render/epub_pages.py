"""Print page markers for the EPUB: each printed page's start (render/pagemap.py) as a place in the book.

A place is a key the EPUB templates ask for while they write the book:

* ``("contents", None)`` the top of the contents page, ``("contents", "column", r)``
  before the r-th 栏目 name there, ``("contents", "entry", k)`` before the k-th entry;
* ``("colophon",)`` the top of the colophon;
* ``("column", n)`` before the heading of the n-th 栏目 (1-based);
* ``("head", article_id, cls, rank)`` before an element of an article outside its
  blocks (kicker, title, subtitle, dateline, the rank-th byline, salutation, signature …);
* ``("block", article_id, i)`` before block i;
* ``("text", article_id, i, paragraph, offset)`` inside a paragraph of block i, before its
  ``offset``-th character (whitespace and zero-width characters not counted);
* ``("end", article_id)`` after an article: pages with nothing of the book on them
  (学习笔记 pages, blank pages) are marked where the text before them ends.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from ..model import Article, Figure, Issue, Note, Paragraph, Profile, Run
from .pagemap import PageStart, significant

BLOCK_ANCHOR = re.compile(r"^(?P<article>.+)-b(?P<block>\d+)(?P<photo>-photo)?$")


def picture_blocks(issue: Issue) -> dict[str, tuple[str, int]]:
    """Print id of each article picture → (article, block).

    layouts/print/blocks.html.j2 names a picture ``<article>-<name>`` (its name
    stays while blocks move), not ``<article>-b<index>`` as the other blocks.
    """
    return {
        f"{a.id}-{b.name}": (a.id, i)
        for a in issue.all_articles
        for i, b in enumerate(a.blocks)
        if isinstance(b, Figure)
    }


@dataclass
class Segment:
    """A piece of a paragraph as the EPUB writes it: a run, or the source/credit tail."""

    text: str
    strong: bool = False
    em: bool = False
    cls: str = ""  # tail pieces: "source", "credit"


@dataclass
class PagePlaces:
    """Folios by place, and what could not be placed exactly."""

    places: dict[tuple, list[int]] = field(default_factory=lambda: defaultdict(list))
    problems: list[str] = field(default_factory=list)

    def at(self, *key: object) -> list[int]:
        return self.places.get(tuple(key), [])

    def in_paragraph(self, article_id: str, block: int, paragraph: int) -> list[tuple[int, int]]:
        """(offset, folio) of the pages that begin inside this paragraph."""
        return sorted(
            (key[4], folio)
            for key, folios in self.places.items()
            if key[:4] == ("text", article_id, block, paragraph)
            for folio in folios
        )

    @property
    def folios(self) -> list[int]:
        return sorted(f for folios in self.places.values() for f in folios)


def tail_segments(article: Article) -> list[Segment]:
    """Source and credit set run-in after an article's last paragraph (as in print)."""
    m = article.meta
    out = []
    if m.source and not m.source_block:
        out.append(Segment(f"（来源：{m.source}）", cls="source"))
    if m.credit:
        out.append(Segment(f"（{m.credit}）", cls="credit"))
    return out


def last_paragraph(article: Article) -> int:
    """Index of the block that carries the run-in source and credit, or -1."""
    if article.meta.signature:
        return -1
    return max((i for i, b in enumerate(article.blocks) if isinstance(b, Paragraph)), default=-1)


def paragraph_segments(article: Article, block: int, paragraph: int) -> list[Segment]:
    b = article.blocks[block]
    para = b if isinstance(b, Paragraph) else b.paragraphs[paragraph]  # type: ignore[union-attr]
    segments = [Segment(r.text, strong=r.strong, em=r.em) for r in para.runs]
    if block == last_paragraph(article):
        segments += tail_segments(article)
    return segments


def _pagebreak(folio: int) -> str:
    return (
        f'<span epub:type="pagebreak" role="doc-pagebreak" id="page-{folio}" aria-label="第{folio}页"></span>'
    )


def pagebreaks(folios: Sequence[int]) -> Markup:
    return Markup("".join(_pagebreak(f) for f in folios))


def segments_html(segments: Sequence[Segment], marks: Sequence[tuple[int, int]] = ()) -> Markup:
    """A paragraph's pieces as XHTML, with page markers before the marked characters."""
    pending = sorted(marks)
    seen = 0
    out: list[str] = []
    for seg in segments:
        pieces: list[str] = []
        for ch in seg.text:
            if significant(ch):
                while pending and pending[0][0] <= seen:
                    pieces.append(_pagebreak(pending.pop(0)[1]))
                seen += 1
            pieces.append(str(escape(ch)))
        html = "".join(pieces)
        if seg.strong:
            html = f'<strong class="lead">{html}</strong>'
        if seg.em:
            html = f"<em>{html}</em>"
        if seg.cls:
            html = f'<span class="{seg.cls}">{html}</span>'
        out.append(html)
    out += [_pagebreak(folio) for _, folio in pending]  # past the end: the page begins after it
    return Markup("".join(out))


def runs_segments(runs: Sequence[Run]) -> list[Segment]:
    return [Segment(r.text, strong=r.strong, em=r.em) for r in runs]


def place_pages(issue: Issue, page_map: Sequence[PageStart] | None) -> PagePlaces:
    """Where each printed page's marker goes in the book."""
    result = PagePlaces()
    articles = {a.id: a for a in issue.all_articles}
    pictures = picture_blocks(issue)
    last_article: str | None = None
    waiting: list[int] = []  # blank pages before anything is placed: they go with the next page

    def put(key: tuple, folio: int) -> None:
        for f in waiting:
            result.places[key].append(f)
        waiting.clear()
        result.places[key].append(folio)

    for start in page_map or []:
        top, folio = start.top, start.page
        anchor = top.anchor or ""
        cls = top.element.split(".")[1] if "." in top.element else ""
        block = BLOCK_ANCHOR.match(anchor)
        if anchor.startswith("notes-") and issue.body_articles:
            # 学习笔记 pages follow the whole body (layouts/print/parts.html.j2), not the article
            # that began the page before them: short news items may follow it on that page.
            put(("end", issue.body_articles[-1].id), folio)
        elif top.kind == "blank" or anchor.startswith("notes-"):
            if last_article is None:
                waiting.append(folio)
            else:
                put(("end", last_article), folio)
        elif anchor == "contents":
            if cls == "toc-entry":
                put(("contents", "entry", top.part), folio)
            elif cls == "toc-column-name":
                put(("contents", "column", top.part), folio)
            else:
                put(("contents", None), folio)
        elif anchor == "colophon":
            put(("colophon",), folio)
        elif anchor.startswith("column-") and anchor[7:].isdigit():
            put(("column", int(anchor[7:])), folio)
        elif anchor in articles:
            last_article = anchor
            put(("head", anchor, cls, top.part), folio)
        elif anchor in pictures:  # the picture, or its caption: the marker goes before the figure
            last_article, index = pictures[anchor]
            put(("block", last_article, index), folio)
        elif block and block["article"] in articles:
            article = articles[block["article"]]
            last_article = article.id
            index = int(block["block"])
            if block["photo"] or top.kind == "picture" or (top.part == 0 and top.offset == 0):
                put(("block", article.id, index), folio)
                continue
            put(("text", article.id, index, top.part, top.offset), folio)
            target = article.blocks[index]
            if not isinstance(target, Paragraph | Note | Profile):
                result.problems.append(f"page {folio}: begins inside {anchor}, which is no paragraph")
                continue
            text = significant("".join(s.text for s in paragraph_segments(article, index, top.part)))
            if not text[top.offset :].startswith(top.text):
                result.problems.append(
                    f"page {folio}: the layout begins it with “{top.text}”, "
                    f"the source has “{text[top.offset : top.offset + len(top.text)]}” there"
                )
        else:
            result.problems.append(f"page {folio}: begins with {top.element}#{anchor}, which the EPUB lacks")
            if last_article is None:
                waiting.append(folio)
            else:
                put(("end", last_article), folio)
    for f in waiting:
        result.places[("contents", None)].append(f)
    return result
