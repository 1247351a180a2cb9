"""Where each printed page begins, read from the laid-out pages: the bridge to the EPUB page-list.

An anchor's position is no guide: WeasyPrint reports an element's anchor on
every page the element spans, so an article's own anchor stands at the top of
each of its pages. Instead each page's box tree (``page._page_box``) is walked
in reading order — the first column before the second — to the first text or
picture on it, and that is traced back to the source: the nearest element with
an id (``{article-id}-b{index}`` for a body block, ``{article-id}-{name}`` for
an article picture, whose name stays while blocks move — render/epub_pages.py
maps it back to its block —, the article's id for its head, ``column-N``,
``contents``, ``notes-N`` …), the block inside it that
holds the text (a profile's second paragraph, a byline, a title), and how many
characters of that block stood on earlier pages.

Characters are counted without whitespace and without the zero-width
characters the print markup inserts (U+200B break chances, U+2060 joiners),
so an offset means the same in the source text and in the PDF. The function
takes any pages — one layout of the whole issue, or pages of several layouts
joined with ``Document.copy`` — and assumes nothing about their order beyond
being the printed order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from weasyprint.formatting_structure import boxes

# Whitespace and the zero-width characters markup adds: not counted, not compared.
INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\u00ad\ufeff]+")
SNIPPET = 16


def significant(text: str) -> str:
    """``text`` without whitespace and zero-width characters: what offsets count."""
    return INVISIBLE.sub("", text)


@dataclass(frozen=True)
class PageTop:
    """The first thing on a page, located in the source markup.

    ``anchor`` is the id of the nearest element with an id around it;
    ``element`` the tag and classes of the block that holds it (``p``,
    ``p.byline``, ``h2.title``, ``figure.photo.placeholder``); ``part`` that
    block's rank among the anchor's descendants of the same tag and classes
    (the anchor itself counts, as rank 0); ``offset`` how many significant
    characters of that block stood on earlier pages (0: the page begins with
    the block); ``text`` the first significant characters at the top of the
    page. ``kind`` is ``picture`` when an image comes before any text, and
    ``blank`` when the page shows neither (then ``anchor`` is None).
    """

    index: int
    kind: Literal["text", "picture", "blank"]
    anchor: str | None
    element: str
    part: int
    offset: int
    text: str


@dataclass(frozen=True)
class PageStart:
    """A printed page (its folio) and where it begins."""

    page: int
    top: PageTop


def _label(element: Any) -> str:
    classes = (element.get("class") or "").split()
    return ".".join([element.tag, *classes])


def _rank(anchor: Any, element: Any) -> int:
    """Rank of ``element`` among ``anchor`` and its descendants with the same tag and classes."""
    label = _label(element)
    for rank, candidate in enumerate(e for e in anchor.iter() if _label(e) == label):
        if candidate is element:
            return rank
    return 0


def _walk(box: boxes.Box, chain: tuple[Any, ...]) -> Iterator[tuple[boxes.Box, tuple[Any, ...]]]:
    """Content boxes (text, images) in reading order, with the elements around each (innermost last).

    Margin boxes (running heads, folios) and generated content (leaders,
    ``::before``/``::after``) are no part of the text and are skipped.
    """
    if isinstance(box, boxes.MarginBox) or "::" in (box.element_tag or ""):
        return
    element = getattr(box, "element", None)
    if element is not None and (not chain or chain[-1] is not element):
        chain = (*chain, element)
    if isinstance(box, boxes.TextBox | boxes.ReplacedBox):
        yield box, chain
        return
    for child in getattr(box, "children", ()):
        yield from _walk(child, chain)


def _block_of(chain: tuple[Any, ...], inline_tags: frozenset[str]) -> Any:
    """The innermost element around a text that is not an inline element: its paragraph or heading."""
    for element in reversed(chain):
        if element.tag not in inline_tags:
            return element
    return chain[-1]


INLINE_TAGS = frozenset({"span", "strong", "em", "b", "i", "a", "br", "img", "small", "sup", "sub"})


def _anchor_of(chain: tuple[Any, ...]) -> Any | None:
    for element in reversed(chain):
        if element.get("id"):
            return element
    return None


def page_tops(pages: Sequence[Any]) -> list[PageTop]:
    """Where each of ``pages`` (``weasyprint.Document.pages``) begins, in reading order."""
    seen: dict[int, int] = {}  # id(block element) → significant characters on earlier pages
    tops: list[PageTop] = []
    for index, page in enumerate(pages):
        first: PageTop | None = None
        first_block: Any = None
        snippet: list[str] = []
        on_page: dict[int, int] = {}
        for box, chain in _walk(page._page_box, ()):
            if isinstance(box, boxes.ReplacedBox):
                if first is None:
                    figure = next((e for e in reversed(chain) if e.tag == "figure"), chain[-1])
                    anchor = _anchor_of(chain)
                    first = PageTop(
                        index,
                        "picture",
                        anchor.get("id") if anchor is not None else None,
                        _label(figure),
                        _rank(anchor, figure) if anchor is not None else 0,
                        0,
                        "",
                    )
                continue
            text = significant(box.text)
            if not text:
                continue
            block = _block_of(chain, INLINE_TAGS)
            if first is None:
                anchor = _anchor_of(chain)
                first = PageTop(
                    index,
                    "text",
                    anchor.get("id") if anchor is not None else None,
                    _label(block),
                    _rank(anchor, block) if anchor is not None else 0,
                    seen.get(id(block), 0),
                    "",
                )
                first_block = block
            if first.kind == "text" and block is first_block and len("".join(snippet)) < SNIPPET:
                snippet.append(text)
            on_page[id(block)] = on_page.get(id(block), 0) + len(text)
        for key, count in on_page.items():
            seen[key] = seen.get(key, 0) + count
        if first is None:
            first = PageTop(index, "blank", None, "", 0, 0, "")
        elif first.kind == "text":
            first = PageTop(**{**first.__dict__, "text": "".join(snippet)[:SNIPPET]})
        tops.append(first)
    return tops
