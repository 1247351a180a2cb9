"""The segments' pages copied into the output in order, and what the other modules share about
them: each source read once (its pages' indexes, the named destinations on each page), where each
output page came from, and explicit destinations read and moved to the copied page.

A page of a source is taken at most once: qpdf keeps one map of copied objects per source, so
what is copied from that source later (outline places, structure elements' /Pg and /Obj) points
at the page copied here, and a second copy would be the same page.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary

ObjGen = tuple[int, int]


@dataclass(frozen=True)
class Segment:
    """Pages of one source PDF, in the order they go into the joined PDF."""

    #: Written by WeasyPrint ("pdf/x-4" or "pdf/ua-1"), maybe finished by our pikepdf steps.
    source: pikepdf.Pdf
    #: Indexes of the source's pages to take, in order.
    pages: range
    #: Named destinations not to carry: the stand-in anchors a writer added so links were kept.
    ignore_names: frozenset[str] = frozenset()


class _Source:
    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.page_index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}  # page object → index

    @functools.cached_property
    def names(self) -> dict[int, list[tuple[str, Array]]]:
        """The named destinations on each page."""
        return _names_by_page(self)


@dataclass
class _Placed:
    """An output page: where it came from."""

    source: _Source
    index: int  # in the source
    segment: Segment
    page: Dictionary  # the copy in the output


class _Sources:
    def __init__(self, segments: list[Segment]) -> None:
        self.by_id: dict[int, _Source] = {}
        taken: dict[int, set[int]] = {}
        for segment in segments:
            pdf = segment.source
            if id(pdf) not in self.by_id:
                self.by_id[id(pdf)] = _Source(pdf)
            count = len(self.by_id[id(pdf)].page_index)
            seen = taken.setdefault(id(pdf), set())
            for i in segment.pages:
                if not 0 <= i < count:
                    raise ValueError(f"page index {i} is outside a source of {count} pages")
                if i in seen:  # qpdf copies an object once per source: a second copy would be the same page
                    raise ValueError(f"page {i} of a source is taken twice")
                seen.add(i)

    @property
    def pdfs(self) -> list[pikepdf.Pdf]:
        return [source.pdf for source in self.by_id.values()]

    def of(self, pdf: pikepdf.Pdf) -> _Source:
        return self.by_id[id(pdf)]


def _copy_pages(out: pikepdf.Pdf, segments: list[Segment], sources: _Sources) -> list[_Placed]:
    placed = []
    for segment in segments:
        source = sources.of(segment.source)
        for i in segment.pages:
            # qpdf keeps one map of copied objects per source: what is copied from that source later
            # (outline places, structure elements' /Pg and /Obj) points at these copies.
            out.pages.append(segment.source.pages[i])
            placed.append(_Placed(source, i, segment, out.pages[-1].obj))
    return placed


def _page_of(dest: object, source: _Source) -> int | None:
    """The source page index an explicit destination ``[page /XYZ x y z]`` points at."""
    if isinstance(dest, Dictionary) and "/D" in dest:
        dest = dest.D
    if not isinstance(dest, Array) or len(dest) == 0 or not isinstance(dest[0], Dictionary):
        return None
    return source.page_index.get(dest[0].objgen)


def _dest_to(page: Dictionary, dest: Array) -> Array:
    """``dest`` pointing at ``page`` (the coordinates kept as written: ``73.748``, not a float's
    ``73.74800000000000466``)."""
    return Array([page, *list(dest)[1:]])


def _names_by_page(source: _Source) -> dict[int, list[tuple[str, Array]]]:
    names = source.pdf.Root.get("/Names")
    dests = names.get("/Dests") if isinstance(names, Dictionary) else None
    found: dict[int, list[tuple[str, Array]]] = {}
    if not isinstance(dests, Dictionary):
        return found
    for name, dest in pikepdf.NameTree(dests).items():
        if isinstance(dest, Dictionary) and "/D" in dest:
            dest = dest.D
        index = _page_of(dest, source)
        if index is not None:
            found.setdefault(index, []).append((str(name), dest))
    return found
