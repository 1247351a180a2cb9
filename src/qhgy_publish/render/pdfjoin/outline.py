"""The output's outline: each source's entries flattened (depth, title, place, open or closed),
those on pages taken kept in the output's order, and the tree rebuilt by WeasyPrint's own level
rule (``weasyprint.anchors.make_page_bookmark_tree``, pin-sensitive) with ``add_outlines``'
Count.

Where it can differ from a single write of the same pages:

- A segment written alone starts its outline at depth 1, so split where a top-level bookmark
  stands (a 栏目's first page, the contents): split elsewhere, that segment's first entries hang
  one level too high. Taking pages from a PDF written with the pages before them is fine.
- An outline entry without children is written with Count 0, open or closed alike; it is taken
  as open (WeasyPrint's default; the magazine sets no bookmark-state).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pikepdf
from pikepdf import Array, Dictionary, Name

from .pages import ObjGen, _dest_to, _page_of, _Placed, _Source, _Sources


@dataclass
class _Entry:
    depth: int
    title: pikepdf.String
    dest: Array
    closed: bool


def _outline_by_page(source: _Source) -> dict[int, list[_Entry]]:
    """The source's outline entries on each page, in the outline's order."""
    root = source.pdf.Root.get("/Outlines")
    found: dict[int, list[_Entry]] = {}
    if not isinstance(root, Dictionary):
        return found
    named = {name: dest for entries in source.names.values() for name, dest in entries}
    seen: set[ObjGen] = set()
    stack: list[tuple[object, int]] = [(root.get("/First"), 1)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, Dictionary) or item.objgen in seen:
            continue
        seen.add(item.objgen)
        stack.append((item.get("/Next"), depth))  # popped after the children: document order
        stack.append((item.get("/First"), depth + 1))
        dest = item.get("/Dest")
        if isinstance(dest, pikepdf.String | Name):
            dest = named.get(str(dest).lstrip("/"))
        index = _page_of(dest, source)
        if index is None or not isinstance(dest, Array):
            continue
        closed = int(item.get("/Count", 0)) < 0  # Count 0 (no children): open or closed cannot be told
        found.setdefault(index, []).append(
            _Entry(depth, item.get("/Title", pikepdf.String("")), dest, closed)
        )
    return found


class _AsWritten:
    """The bookmark's place is taken from a written PDF: already in PDF space."""

    @staticmethod
    def transform_point(x: object, y: object) -> tuple[object, object]:
        return x, y


def _write_outline(out: pikepdf.Pdf, placed: list[_Placed], sources: _Sources) -> None:
    from weasyprint.anchors import make_page_bookmark_tree

    by_page = {id(source.pdf): _outline_by_page(source) for source in sources.by_id.values()}
    # WeasyPrint's own level rule on the depths read back: a segment's depth-2 entries go under
    # the last depth-1 entry of the segment before, as in a single write.
    tree: list = []
    skipped: list[int] = []
    last_by_depth: list[list] = [tree]
    previous = 0
    for number, item in enumerate(placed):
        entries = by_page[id(item.source.pdf)].get(item.index, [])
        if not entries:
            continue
        page = SimpleNamespace(
            bookmarks=[(e.depth, e.title, (e, None), "closed" if e.closed else "open") for e in entries]
        )
        previous = make_page_bookmark_tree(page, skipped, last_by_depth, previous, number, _AsWritten)
    if tree:
        pages = [item.page for item in placed]
        items, count = _outline_items(out, tree, pages, None)
        root = out.make_indirect(Dictionary(Count=count, First=items[0], Last=items[-1]))
        for outline in items:
            outline.Parent = root
        out.Root.Outlines = root


def _outline_items(
    out: pikepdf.Pdf, bookmarks: list, pages: list[Dictionary], parent: Dictionary | None
) -> tuple[list[Dictionary], int]:
    """``weasyprint.pdf.anchors.add_outlines`` in pikepdf: the same keys, links and Count."""
    count = len(bookmarks)
    outlines: list[Dictionary] = []
    for title, (number, entry, _), children, state in bookmarks:
        outline = out.make_indirect(Dictionary(Title=title, Dest=_dest_to(pages[number], entry.dest)))
        children_outlines, children_count = _outline_items(out, children, pages, outline)
        outline.Count = -children_count if state == "closed" else children_count
        if state != "closed":
            count += children_count
        if outlines:
            outline.Prev = outlines[-1]
            outlines[-1].Next = outline
        if children_outlines:
            outline.First = children_outlines[0]
            outline.Last = children_outlines[-1]
        if parent is not None:
            outline.Parent = parent
        outlines.append(outline)
    return outlines, count
