"""Pages of several PDFs written by WeasyPrint joined into one PDF, as if WeasyPrint had written
those pages as one document.

Why: a rebuild after an edit lays out and writes only the 栏目 that changed and takes the
finished pages of the others from the last build; :func:`join_pdfs` puts cached and new pages
together. Copying pages is not enough: what a single write shares between pages would come
apart. Here it is rebuilt as WeasyPrint 70 writes it:

- Named destinations (``/Root/Names/Dests``): every name on a page taken, pointing at the
  copied page, one flat ``/Names`` array sorted by name; a name met twice keeps its first page
  in the output's order (WeasyPrint's rule). Links name their target (``/Dest (name)``), so they
  work across segments. A writer that wrote a segment alone adds stand-in anchors for the names
  its links point to on other pages (or WeasyPrint would drop those links); it passes them as
  :attr:`Segment.ignore_names`.
- The outline: each source's entries flattened (depth, title, place, open or closed), those on
  pages taken kept in the output's order, and the tree rebuilt by WeasyPrint's own level rule
  (``anchors.make_page_bookmark_tree``) with ``add_outlines``' Count.
- The structure tree (screen PDFs): one ``/Document`` whose ``/K`` lists each page's top
  elements page after page, a ``/ParentTree`` with the pages' MCID arrays under 0…n-1 and the
  link annotations' elements from n on. Elements are copied with their page's subtree; the link
  from a page's top elements up to their source's Document is cut while copying (and put back),
  or qpdf would follow it and copy the whole source tree and every page it names.
- Resources, cut to what the pages draw: the content streams of the pages taken are read, and
  those of the forms, tiling patterns, soft masks and annotation appearances they draw, each
  through its own resources. Each source's resources dict (its pages share one, as WeasyPrint's
  do) keeps only the fonts, XObjects, graphics states, patterns and shadings drawn, under the
  names the streams use: a picture, form or state only the pages left out drew goes with them.
  A soft mask's group stays listed among the XObjects, where WeasyPrint lists it. /ColorSpace
  is left whole: one write lists its Lab spaces and profiles whether drawn or not. A name not
  found where the stream looks it up leaves that dict whole.
- Fonts, one per face, holding the glyphs the pages draw: WeasyPrint writes one Type0 font per
  face, named alike in every document of a build (``/KZECZT+QHGY-Title-Bold``), holding a subset
  with the face's own glyph ids (Identity-H: the two-byte codes shown are those ids) of exactly
  the glyphs drawn. Each face's font is rebuilt from the glyphs the output's pages draw in any
  font of that face: ToUnicode lists them in the order first drawn, each glyph's text and width
  taken from the font that draws it first; the program is subset once more from the face file
  by WeasyPrint's own ``Font.clean`` (HarfBuzz, the same flags, tables and second pass), so it
  is byte for byte the program a single write embeds. So is a face only one source draws, where
  its subset holds glyphs the pages taken do not draw (pages from a bigger file). /W,
  /ToUnicode, FontBBox and Flags are written as ``build_fonts_dictionary`` writes them. A
  source's program that holds exactly the glyphs drawn is kept (nothing to subset); a font
  whose glyphs, in their order, are those drawn is kept whole.
- Catalog and document info from ``catalog_from``; the output's PDF version is the highest of
  the sources'. Pictures, masks and colour profiles copied from two sources are kept once.

Pin-sensitive (WeasyPrint is pinned at 70.0): the font rebuild calls
``weasyprint.pdf.fonts.Font.clean`` on a stand-in object and declares two more HarfBuzz
functions on WeasyPrint's cffi handle (as :mod:`.weasy_cjk_patch` does for Pango); the outline
calls ``weasyprint.anchors.make_page_bookmark_tree``; the ToUnicode and /W layouts, the structure
tree's shape and the Dests array follow ``pdf/fonts.py``, ``pdf/tags.py`` and ``pdf/__init__.py``.
The content streams are read by a regex fitted to what pydyf writes; a stream it cannot be sure
of (literal strings, comments, inline images) goes to qpdf's parser: slower, the same result.

Where the join can differ from a single write of the same pages:

- A segment written alone starts its outline at depth 1, so split where a top-level bookmark
  stands (a 栏目's first page, the contents): split elsewhere, that segment's first entries hang
  one level too high. Taking pages from a PDF written with the pages before them is fine.
- An outline entry without children is written with Count 0, open or closed alike; it is taken
  as open (WeasyPrint's default; the magazine sets no bookmark-state).
- A glyph's text and width come from the source that draws it first, as that source's write
  took them at its own first drawing of the glyph, maybe on a page not taken; one write takes
  them at the first drawing among its pages. They differ only for a glyph whose text depends on
  its context (one glyph for several characters) or whose width Pango rounds otherwise at
  another size.
- A font WeasyPrint wrote with .notdef stand-ins (its own CMap), or subset from a variable or
  colour face, is not rebuilt; nor is one whose face ``faces`` does not know. Those stay one
  font per source, each holding what its source's subset held, glyphs of pages left out
  included; so does every font where HarfBuzz-subset is missing.
- Font programs are compressed at zlib's default level, WeasyPrint's at 9: a little larger,
  the same bytes once inflated.
- A table's header cells are named after WeasyPrint's object numbers, which differ between
  writes (no table in the magazine). PDF 2.0 namespaces (``pdf/ua-2``) are not carried.
- Each source keeps a resources dict of its own, cut to what its pages draw; one write has one
  for all pages. The names are those each source wrote, and WeasyPrint numbers groups, patterns
  and some graphics states as it draws them (``x0``, ``p1``, ``s3``): pages taken from the middle
  of a file keep numbers a write of them alone would not give. A picture two sources drew is
  kept once where both wrote the same bytes.
"""

from __future__ import annotations

import functools
import io
import os
import re
import sys
import zlib
from array import array
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from hashlib import blake2b
from math import ceil
from pathlib import Path
from types import SimpleNamespace

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

__all__ = ["Segment", "join_pdfs", "project_face"]

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


def join_pdfs(
    segments: list[Segment],
    catalog_from: pikepdf.Pdf,
    faces: Callable[[str], Path | None] | None = None,
) -> pikepdf.Pdf:
    """A new PDF of the segments' pages, in order, with one set of named destinations, one
    outline, one structure tree (when the sources are tagged), resources cut to what the pages
    draw and one font per face holding the glyphs they draw (see the module's docstring);
    catalog entries and document info from ``catalog_from``.

    ``faces`` gives the face file of a BaseFont (``KZECZT+QHGY-Title-Bold``, no slash), or None
    where a face cannot be found: that face's fonts are then kept as their sources subset them,
    one per source. Without it, the face is looked up among the project's fonts
    (:func:`project_face`).

    The sources are left as they were: the links cut for copying are put back (qpdf's one copy
    of a source's structure elements leaves an unreferenced object in it, never written). Keep
    them open until the result is saved: qpdf reads the copied streams from them then. The
    caller saves the result; its header already says the sources' highest version, it has no
    /ID yet (``deterministic_id`` makes one from the bytes). Save with
    ``object_stream_mode=pikepdf.ObjectStreamMode.generate``, as WeasyPrint packs its objects:
    otherwise the structure tree's thousands of small objects make the sample issue's screen PDF
    3.8 MB instead of 2.4.
    """
    if not segments:
        raise ValueError("nothing to join: no segment")
    sources = _Sources(segments)
    out = _blank(_highest_version([*sources.pdfs, catalog_from]))
    tagged = [pdf for pdf in sources.pdfs if "/StructTreeRoot" in pdf.Root]
    if tagged and len(tagged) != len(sources.pdfs):
        raise ValueError("some sources are tagged and some not: join screen pages with screen pages only")
    placed = _copy_pages(out, segments, sources)
    drawn = _read_drawn(out)
    _prune_resources(drawn)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        merges = _start_font_merges(drawn, _face_finder(faces), pool)  # subsetting while the rest is done
        _write_dests(out, placed)
        _write_outline(out, placed, sources)
        if tagged:
            _write_structure(out, placed, sources, catalog_from)
        _finish_font_merges(out, merges)
    _copy_catalog(out, catalog_from, tagged=bool(tagged))
    _drop_duplicate_streams(out)
    return out


# ---------------------------------------------------------------------------------------------
# Pages


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


def _highest_version(pdfs: list[pikepdf.Pdf]) -> str:
    return max((pdf.pdf_version for pdf in pdfs), key=lambda v: tuple(int(part) for part in v.split(".")))


def _blank(version: str) -> pikepdf.Pdf:
    """An empty PDF whose header says ``version``: qpdf starts a new one at 1.3 and has no setter,
    and a save takes the version of the file it read as its floor."""
    buffer = io.BytesIO()
    pikepdf.Pdf.new().save(buffer, force_version=version)
    buffer.seek(0)
    pdf = pikepdf.open(buffer)
    # The save above drew a random /ID; kept, it would be the first word of every later one, and
    # a save with deterministic_id would not give the same bytes for the same pages.
    del pdf.trailer["/ID"]
    return pdf


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


# ---------------------------------------------------------------------------------------------
# Named destinations


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


def _write_dests(out: pikepdf.Pdf, placed: list[_Placed]) -> None:
    chosen: dict[str, Array] = {}
    for item in placed:
        for name, dest in item.source.names.get(item.index, ()):
            if name not in chosen and name not in item.segment.ignore_names:
                chosen[name] = _dest_to(item.page, dest)
    if not chosen:
        return
    flat = Array()
    for name in sorted(chosen):  # WeasyPrint sorts the Python strings; so does a name tree
        flat.append(pikepdf.String(name))
        flat.append(chosen[name])
    if "/Names" not in out.Root:
        out.Root.Names = Dictionary()
    out.Root.Names.Dests = Dictionary(Names=flat)


# ---------------------------------------------------------------------------------------------
# Outline


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


# ---------------------------------------------------------------------------------------------
# Structure tree


@dataclass
class _TreeCopy:
    """What one tagged source gives the joined tree (its objects, then their copies)."""

    tops: dict[int, list[Dictionary]] = field(default_factory=dict)  # page index → top elements
    marks: dict[int, object] = field(default_factory=dict)  # page index → its ParentTree array
    annots: dict[int, object] = field(default_factory=dict)  # annotation key → its element
    cut: list[Dictionary] = field(default_factory=list)  # elements whose /P is the source's Document


def _source_tree(source: _Source, indexes: list[int]) -> _TreeCopy:
    pdf = source.pdf
    root = pdf.Root.StructTreeRoot
    kids = root.get("/K")
    kids = list(kids) if isinstance(kids, Array) else [kids]
    document = next((k for k in kids if isinstance(k, Dictionary) and k.get("/S") == "/Document"), None)
    tops = (
        list(document.K)
        if document is not None and isinstance(document.get("/K"), Array)
        else [k for k in kids if k is not document]
    )
    stops = {root.objgen} | ({document.objgen} if document is not None else set())
    nums = pikepdf.NumberTree(root.ParentTree) if "/ParentTree" in root else {}
    wanted = set(indexes)
    tree = _TreeCopy()

    top_page: dict[ObjGen, int] = {}
    for top in tops:
        if not isinstance(top, Dictionary):
            continue
        pg = top.get("/Pg")
        index = source.page_index.get(pg.objgen) if isinstance(pg, Dictionary) else None
        if index is not None:
            top_page[top.objgen] = index

    climbed: dict[ObjGen, ObjGen | None] = {}  # element → the top it hangs from

    def top_of(element: Dictionary) -> ObjGen | None:
        """The element under the Document that ``element`` hangs from (cut while copying)."""
        path = []
        found: ObjGen | None = None
        while isinstance(element, Dictionary):
            key = element.objgen
            if key in climbed:
                found = climbed[key]
                break
            path.append(key)
            parent = element.get("/P")
            if not isinstance(parent, Dictionary) or parent.objgen in stops:
                found = key
                if isinstance(parent, Dictionary):
                    tree.cut.append(element)
                break
            element = parent
        for key in path:
            climbed[key] = found
        return found

    pages = pdf.pages
    for index in indexes:
        page = pages[index].obj
        key = page.get("/StructParents")
        marks = nums.get(int(key)) if key is not None else None
        if marks is not None:
            tree.marks[index] = marks
            elements = list(marks) if isinstance(marks, Array) else [marks]
            for element in elements:
                if isinstance(element, Dictionary):
                    _claim(top_of(element), index, top_page)
        for annot in page.get("/Annots", ()):
            key = annot.get("/StructParent") if isinstance(annot, Dictionary) else None
            element = nums.get(int(key)) if key is not None else None
            if isinstance(element, Dictionary):
                tree.annots[int(key)] = element
                _claim(top_of(element), index, top_page)
    for top in tops:
        if isinstance(top, Dictionary) and top_page.get(top.objgen) in wanted:
            tree.tops.setdefault(top_page[top.objgen], []).append(top)
            if top.objgen not in climbed:
                top_of(top)
    return tree


def _claim(top: ObjGen | None, index: int, top_page: dict[ObjGen, int]) -> None:
    """A top element reached from page ``index``'s marked content belongs to that page; reached from
    another page's, copying it would bring that page along as an orphan."""
    if top is None:
        return
    owner = top_page.setdefault(top, index)
    if owner != index:
        raise ValueError(
            f"a structure element of page {index} hangs from page {owner}'s: not a tree as WeasyPrint 70 writes it"
        )


def _write_structure(
    out: pikepdf.Pdf, placed: list[_Placed], sources: _Sources, catalog_from: pikepdf.Pdf
) -> None:
    root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array(), P=root))
    parent_tree = out.make_indirect(Dictionary())
    root.ParentTree = parent_tree
    root.K = Array([document])
    model = catalog_from.Root.get("/StructTreeRoot")
    if isinstance(model, Dictionary):
        for key in ("/RoleMap", "/ClassMap"):
            if key in model:
                root[key] = _copied(out, model[key])

    copies: dict[int, _TreeCopy] = {}
    for source in sources.by_id.values():
        indexes = [item.index for item in placed if item.source is source]
        tree = _source_tree(source, indexes)
        copies[id(source.pdf)] = _copy_tree(out, source.pdf, tree)

    nums = Array()
    annotations: list[tuple[Dictionary, object]] = []
    for number, item in enumerate(placed):
        copied = copies[id(item.source.pdf)]
        for top in copied.tops.get(item.index, ()):
            document.K.append(top)
        if item.index in copied.marks:
            item.page.StructParents = number
            nums.append(number)
            nums.append(copied.marks[item.index])
        elif "/StructParents" in item.page:
            del item.page["/StructParents"]
        keyed = [
            a for a in item.page.get("/Annots", ()) if isinstance(a, Dictionary) and "/StructParent" in a
        ]
        for annot in sorted(keyed, key=lambda a: int(a.StructParent)):  # the source's order: tree order
            element = copied.annots.get(int(annot.StructParent))
            if element is None:
                del annot["/StructParent"]
                continue
            annotations.append((annot, element))
    for key, (annot, element) in enumerate(annotations, start=len(placed)):
        annot.StructParent = key
        nums.append(key)
        nums.append(element)
    for copied in copies.values():
        for element in copied.cut:
            element.P = document
    parent_tree.Nums = nums
    out.Root.StructTreeRoot = root


def _copy_tree(out: pikepdf.Pdf, pdf: pikepdf.Pdf, tree: _TreeCopy) -> _TreeCopy:
    """The tree's objects copied in one go, with the links up to the source's Document cut for the
    copy and put back."""
    page_order = sorted(set(tree.tops) | set(tree.marks))
    annot_keys = sorted(tree.annots)
    holder = Array(
        [
            Array([Array(tree.tops.get(i, [])) for i in page_order]),
            Array([tree.marks.get(i) for i in page_order]),
            Array([tree.annots[k] for k in annot_keys]),
            Array(tree.cut),
        ]
    )
    parents = [(element, element.P) for element in tree.cut]
    for element, _ in parents:
        del element["/P"]
    try:
        # One copy for all: qpdf walks the graph once (a copy per element costs 5 µs each).
        copied = out.copy_foreign(pdf.make_indirect(holder))
    finally:
        for element, parent in parents:
            element.P = parent
    return _TreeCopy(
        tops={i: list(copied[0][n]) for n, i in enumerate(page_order)},
        marks={i: copied[1][n] for n, i in enumerate(page_order) if i in tree.marks},
        annots={k: copied[2][n] for n, k in enumerate(annot_keys)},
        cut=list(copied[3]),
    )


# ---------------------------------------------------------------------------------------------
# What the pages draw


#: The resource kinds cut to what the pages draw. /ColorSpace is left whole: WeasyPrint lists its
#: Lab spaces and colour profiles in every write, drawn or not (and our press finish adds one).
_PRUNED = ("/Font", "/XObject", "/ExtGState", "/Pattern", "/Shading")

_REGULAR = rb"[^\s/\[\]()<>{}%]"  # a character of a name or an operator
_END = rb"(?!" + _REGULAR + rb")"
#: The operators that name a resource or show text, as pydyf writes them. Exact for a stream
#: without literal strings, comments and inline images (``_fast_rows`` checks): there every "/"
#: starts a name, "[" an array and "<" a hex string or a dict, so a match cannot start inside
#: another token. The look-ahead lets the engine skip to the few bytes that can start a match;
#: possessive quantifiers keep it from backtracking through names. Reading the sample issue's 84
#: pages (1.9 MB of streams) takes 60 ms this way, 400 through pikepdf.parse_content_stream.
_OPERATORS = re.compile(
    rb"(?=[/\[<qQB])(?:"
    + b"|".join(
        alternative + _END
        for alternative in (
            rb"/(?P<name>" + _REGULAR + rb"++)\s++"
            rb"(?:[-+]?+(?:\d++\.?+\d*+|\.\d++)\s++(?P<Tf>Tf)|(?P<op>Do|gs|sh|scn|SCN))",
            rb"\[(?P<TJ>[^\]]*+)\]\s*+TJ",
            rb"(?P<Tj><[0-9A-Fa-f\s]*+>)\s*+(?:Tj|'|\")",
            rb"(?<![^\s\]>)}])(?P<q>[qQ]|BI)",
        )
    )
    + rb")"
)
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_CODES = re.compile(rb"<((?:[0-9A-Fa-f]{4})*+)>")  # a hex string of whole two-byte codes
_HEX_STRING = re.compile(rb"<([^>]*)>")

#: An operator that matters here, as ``_OPERATORS.findall`` gives it: (name, b"Tf", b"Do" | b"gs"
#: | b"sh" | b"scn" | b"SCN", a TJ array's inside, a Tj string, b"q" | b"Q" | b"BI"), empty
#: where the operator has none. Names are as written (#-escapes and all).
_Row = tuple[bytes, bytes, bytes, bytes, bytes, bytes]


def _fast_rows(data: bytes) -> list[_Row] | None:
    """The stream's rows by :data:`_OPERATORS`, or None where it cannot be sure."""
    if b"(" in data or b"%" in data:
        return None  # a literal string or a comment may hold anything: the parser's way
    rows = _OPERATORS.findall(data)
    if b"BI" in data and any(row[5] == b"BI" for row in rows):
        return None  # an inline image's bytes are binary: the parser knows where they end
    return rows


def _parsed_rows(owner: pikepdf.Object) -> list[_Row]:
    """The rows by qpdf's tokenizer: any stream, several times slower than the regex. ``owner`` is a
    form, or a page (its contents, one stream or several)."""
    rows: list[_Row] = []
    parsed = owner if isinstance(owner, Stream) else pikepdf.Page(owner)
    for instruction in pikepdf.parse_content_stream(parsed):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            continue
        op, operands = str(instruction.operator), list(instruction.operands)
        last = operands[-1] if operands else None
        if op == "Tf" and operands and isinstance(operands[0], Name):
            rows.append((_written_name(operands[0]), b"Tf", b"", b"", b"", b""))
        elif op == "TJ" and isinstance(last, Array):
            shown = b"".join(_hex(item) for item in last if isinstance(item, pikepdf.String))
            rows.append((b"", b"", b"", shown, b"", b""))
        elif op in ("Tj", "'", '"') and isinstance(last, pikepdf.String):
            rows.append((b"", b"", b"", b"", _hex(last), b""))
        elif op in ("Do", "gs", "sh", "scn", "SCN") and isinstance(last, Name):
            rows.append((_written_name(last), b"", op.encode(), b"", b"", b""))
        elif op in ("q", "Q"):
            rows.append((b"", b"", b"", b"", b"", op.encode()))
    return rows


def _hex(string: pikepdf.String) -> bytes:
    return b"<" + bytes(string).hex().encode() + b">"


def _written_name(name: Name) -> bytes:
    """A name as a stream may write it, for :func:`_name` to read back."""
    return str(name)[1:].encode("utf-8", "surrogateescape").replace(b"#", b"#23")


def _name(written: bytes) -> str:
    if b"#" in written:
        written = _ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), written)
    return "/" + written.decode("utf-8", "surrogateescape")


def _shown_codes(strings: list[bytes]) -> bytes:
    """The two-byte codes of the hex strings shown (TJ arrays' insides, Tj strings), joined; a
    string's odd last byte dropped."""
    body = b"".join(strings)
    found = _CODES.findall(body)
    if len(found) == body.count(b"<"):  # every string whole codes: as WeasyPrint writes them
        return bytes.fromhex(b"".join(found).decode())
    codes = []
    for text in _HEX_STRING.findall(body):
        digits = re.sub(rb"\s", b"", text)
        raw = bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())
        codes.append(raw[: len(raw) & ~1])
    return b"".join(codes)


@dataclass
class _Drawn:
    """What the output's pages draw, read from their content streams and from those of the forms,
    tiling patterns, soft masks and annotation appearances they draw, each resolved through its
    own resources."""

    resources: dict[object, Dictionary] = field(default_factory=dict)  # key → a resources dict reached
    names: dict[object, dict[str, set[str]]] = field(default_factory=dict)  # key → kind → names used
    unsure: set[tuple[object, str]] = field(default_factory=set)  # (key, kind): a name not found there
    fonts: list[Dictionary] = field(default_factory=list)  # font number → font
    numbers: dict[object, int] = field(default_factory=dict)  # font's key → font number
    #: Font number << 16 | CID, in the order first drawn (Identity-H fonts only: their CIDs are
    #: the two-byte codes shown).
    glyphs: dict[int, None] = field(default_factory=dict)
    two_byte: list[bool] = field(default_factory=list)
    done: set[tuple[ObjGen, int | None, object]] = field(default_factory=set)  # form, font, resources
    #: (resources key, kind, name as written) → the entry, or None; (resources key, name as
    #: written) → font number. One lookup per name: pikepdf's are slow, and a source's pages share
    #: their resources.
    entries: dict[tuple[object, str, bytes], object] = field(default_factory=dict)
    font_numbers: dict[tuple[object, bytes], int | None] = field(default_factory=dict)

    def font_dicts(self) -> list[tuple[Dictionary, bool]]:
        """The /Font dicts of the resources reached, each once, in the order reached, and whether
        every font name a stream looked up there was found (else glyphs may be unaccounted for)."""
        found: dict[object, tuple[Dictionary, bool]] = {}
        for key, resources in self.resources.items():
            fonts = resources.get("/Font")
            if isinstance(fonts, Dictionary):
                fonts_key = fonts.objgen if fonts.is_indirect else (key, "/Font")
                sure = found.get(fonts_key, (fonts, True))[1] and (key, "/Font") not in self.unsure
                found[fonts_key] = (fonts, sure)
        return list(found.values())

    def read_page(self, page: Dictionary) -> None:
        resources, key = self._resources_of(page, None, None)
        self._read(page, _contents(page.get("/Contents")), resources, key, None)
        for annot in page.get("/Annots", ()):
            appearances = annot.get("/AP") if isinstance(annot, Dictionary) else None
            if not isinstance(appearances, Dictionary):
                continue
            for state in appearances.values():  # /N, /R, /D: a form, or forms by appearance state
                forms = state.values() if isinstance(state, Dictionary) else [state]
                for form in forms:
                    if isinstance(form, Stream):
                        self._read_form(form, None, resources, key)

    def _resources_of(
        self, owner: pikepdf.Object, outer: Dictionary | None, outer_key: object
    ) -> tuple[Dictionary | None, object]:
        """The resources ``owner``'s stream names things in, and their key: the object's number,
        or the owner's for a direct dict; a form without any takes its caller's (PDF 1.1)."""
        resources = owner.get("/Resources")
        if not isinstance(resources, Dictionary):
            return outer, outer_key if outer is not None else ("none", owner.objgen)
        key = resources.objgen if resources.is_indirect else ("in", owner.objgen)
        self.resources.setdefault(key, resources)
        return resources, key

    def _read_form(self, form: Stream, font: int | None, outer: Dictionary | None, outer_key: object) -> None:
        resources, key = self._resources_of(form, outer, outer_key)
        if (form.objgen, font, key) in self.done:
            return
        self.done.add((form.objgen, font, key))
        self._read(form, form.read_bytes(), resources, key, font)

    def _read(
        self, owner: pikepdf.Object, data: bytes, resources: Dictionary | None, key: object, font: int | None
    ) -> None:
        """One content stream's operators; ``font`` the font its caller left set."""
        rows = _fast_rows(data)
        if rows is None:
            rows = _parsed_rows(owner)
        if resources is None:
            resources = Dictionary()  # names nothing: whatever the stream names is not there
        used = self.names.setdefault(key, {kind: set() for kind in _PRUNED})
        shown: dict[int, list[bytes]] = {}  # font number → strings, in the order first shown
        saved: list[int | None] = []
        for name, tf, op, array_inside, string, q in rows:
            if array_inside or string:
                if font is not None and self.two_byte[font]:
                    shown.setdefault(font, []).append(array_inside or string)
            elif tf:
                font = self._font(resources, key, used, name)
            elif q == b"q":
                saved.append(font)
            elif q == b"Q":
                if saved:  # the font is graphics state: Q brings back the one q saved
                    font = saved.pop()
            elif op == b"Do":
                form = self._entry(resources, key, used, "/XObject", name)
                if isinstance(form, Stream) and form.get("/Subtype") == "/Form":
                    self._flush(shown)  # the form's glyphs are drawn here, before what follows
                    self._read_form(form, font, resources, key)
            elif op == b"gs":
                state = self._entry(resources, key, used, "/ExtGState", name)
                mask = state.get("/SMask") if isinstance(state, Dictionary) else None
                group = mask.get("/G") if isinstance(mask, Dictionary) else None
                if isinstance(group, Stream):
                    # WeasyPrint lists a mask's group among the XObjects too (add_group), though
                    # only the state draws it; one write keeps it there.
                    xobjects = resources.get("/XObject")
                    if isinstance(xobjects, Dictionary):
                        used["/XObject"].update(n for n, x in xobjects.items() if x.objgen == group.objgen)
                    self._flush(shown)
                    self._read_form(group, None, resources, key)
            elif op == b"sh":
                self._entry(resources, key, used, "/Shading", name)
            elif op:  # scn, SCN: a name there is a pattern (or a Separation's colorant: no resource)
                patterns = resources.get("/Pattern")
                if isinstance(patterns, Dictionary) and _name(name) in patterns:
                    pattern = self._entry(resources, key, used, "/Pattern", name)
                    if isinstance(pattern, Stream):  # tiling: it draws; shading patterns do not
                        self._flush(shown)
                        self._read_form(pattern, None, resources, key)
        self._flush(shown)

    def _entry(
        self, resources: Dictionary, key: object, used: dict[str, set[str]], kind: str, written: bytes
    ) -> object:
        cache_key = (key, kind, written)
        if cache_key in self.entries:
            return self.entries[cache_key]
        name = _name(written)
        used[kind].add(name)
        named = resources.get(kind)
        if not isinstance(named, Dictionary) or name not in named:
            # Named otherwise than we spell it, or missing: cut nothing from that dict.
            self.unsure.add((key, kind))
            entry = None
        else:
            entry = named[name]
        self.entries[cache_key] = entry
        return entry

    def _font(
        self, resources: Dictionary, key: object, used: dict[str, set[str]], written: bytes
    ) -> int | None:
        if (key, written) in self.font_numbers:
            return self.font_numbers[key, written]
        font = self._entry(resources, key, used, "/Font", written)
        number = None
        if isinstance(font, Dictionary):
            font_key = font.objgen if font.is_indirect else (key, written)
            number = self.numbers.get(font_key)
            if number is None:
                number = self.numbers[font_key] = len(self.fonts)
                self.fonts.append(font)
                self.two_byte.append(
                    font.get("/Subtype") == "/Type0" and font.get("/Encoding") == "/Identity-H"
                )
        self.font_numbers[key, written] = number
        return number

    def _flush(self, shown: dict[int, list[bytes]]) -> None:
        for number, parts in shown.items():
            codes = array("H", _shown_codes(parts))
            if sys.byteorder == "little":
                codes.byteswap()
            # dict.update leaves a key met before where it was: the order stays first drawn.
            self.glyphs.update(dict.fromkeys(map((number << 16).__or__, dict.fromkeys(codes))))
        shown.clear()


def _contents(contents: object) -> bytes:
    if isinstance(contents, Array):  # as our finish steps leave it: streams drawn one after another
        return b"\n".join(part.read_bytes() for part in contents if isinstance(part, Stream))
    return contents.read_bytes() if isinstance(contents, Stream) else b""


def _read_drawn(out: pikepdf.Pdf) -> _Drawn:
    drawn = _Drawn()
    for page in out.pages:
        drawn.read_page(page.obj)
    return drawn


def _prune_resources(drawn: _Drawn) -> None:
    """Each resources dict cut to the entries its pages draw; names kept (the streams use them).

    The dicts are the output's copies (one per source, shared by its pages as WeasyPrint shares
    them), and a dict several resources share (WeasyPrint's /Font) keeps what any of them draws.
    """
    kept: dict[object, tuple[Dictionary, set[str]]] = {}
    whole: set[object] = set()
    for key, resources in drawn.resources.items():
        used = drawn.names.get(key, {})
        for kind in _PRUNED:
            named = resources.get(kind)
            if not isinstance(named, Dictionary):
                continue
            named_key = named.objgen if named.is_indirect else (key, kind)
            kept.setdefault(named_key, (named, set()))[1].update(used.get(kind, ()))
            if (key, kind) in drawn.unsure:
                whole.add(named_key)
    for named_key, (named, names) in kept.items():
        if named_key in whole:
            continue
        for name in list(named.keys()):
            if name not in names:
                del named[name]


# ---------------------------------------------------------------------------------------------
# Fonts


_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")
_TO_UNICODE_HEAD = [
    b"/CIDInit /ProcSet findresource begin",
    b"12 dict begin",
    b"begincmap",
    b"/CIDSystemInfo",
    b"<< /Registry (Adobe)",
    b"/Ordering (UCS)",
    b"/Supplement 0",
    b">> def",
    b"/CMapName /Adobe-Identity-UCS def",
    b"/CMapType 2 def",
    b"1 begincodespacerange",
    b"<0000> <ffff>",
    b"endcodespacerange",
]
_TO_UNICODE_TAIL = [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]


@dataclass
class _Font:
    """A Type0 font as WeasyPrint writes it, read back."""

    font: Dictionary
    descriptor: Dictionary
    program_key: str  # /FontFile2 or /FontFile3
    to_unicode: dict[int, str]  # glyph → text, in the ToUnicode's order
    widths: dict[int, object]


def _read_font(font: Dictionary) -> _Font | None:
    """The font's glyphs, or None where it is not one WeasyPrint's merge can rebuild."""
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
        return None  # a font with .notdef stand-ins carries its own CMap (font.missing): left alone
    descendants = font.get("/DescendantFonts")
    if not isinstance(descendants, Array) or len(descendants) != 1:
        return None
    cid_font = descendants[0]
    descriptor = cid_font.get("/FontDescriptor")
    if cid_font.get("/CIDToGIDMap") != "/Identity" or not isinstance(descriptor, Dictionary):
        return None
    key = next((k for k in ("/FontFile3", "/FontFile2") if k in descriptor), None)
    to_unicode = font.get("/ToUnicode")
    if key is None or not isinstance(to_unicode, Stream):
        return None
    mapping: dict[int, str] = {}
    for block in _BFCHAR.findall(to_unicode.read_bytes()):
        for glyph, text in _PAIR.findall(block):
            mapping.setdefault(int(glyph, 16), bytes.fromhex(text.decode()).decode("utf-16-be"))
    return _Font(font, descriptor, key, mapping, _read_widths(cid_font.get("/W", Array())))


_W_TOKEN = re.compile(rb"[\[\]]|[-+]?[0-9.]+")


def _read_widths(w: Array) -> dict[int, object]:
    """/W read from its text (a tenth of the time of walking its objects)."""
    tokens = _W_TOKEN.findall(w.unparse())
    widths: dict[int, object] = {}
    i = 1 if tokens[:1] == [b"["] else 0
    while i < len(tokens) and tokens[i] != b"]":
        first = int(tokens[i])
        if tokens[i + 1] == b"[":
            i += 2
            glyph = first
            while tokens[i] != b"]":
                widths.setdefault(glyph, _width(tokens[i]))
                glyph += 1
                i += 1
            i += 1
        else:  # c_first c_last w: not WeasyPrint's way, but a valid /W
            for glyph in range(first, int(tokens[i + 1]) + 1):
                widths.setdefault(glyph, _width(tokens[i + 2]))
            i += 3
    return widths


def _width(token: bytes) -> object:
    return Decimal(token.decode()) if b"." in token else int(token)


@dataclass
class _Merge:
    """One BaseFont's fonts and what replaces them."""

    users: list[tuple[Dictionary, Name]]  # the /Font dicts and keys that name them
    members: list[_Font]  # in page order
    to_unicode: dict[int, str]  # in the order first drawn
    widths: dict[int, object]
    program: Stream | Future | None  # a member's program that holds every glyph, or the subsetting


def _start_font_merges(
    drawn: _Drawn, find_face: Callable[[str, _Font], Path | None], pool: ThreadPoolExecutor
) -> list[_Merge]:
    """The fonts to rebuild from the glyphs drawn, their programs being subset in ``pool``
    meanwhile (see the module's docstring). A face found nowhere leaves its fonts as they are."""
    groups: dict[str, list[tuple[Dictionary, Name]]] = {}  # face → the /Font entries naming it
    face_fonts: dict[str, list[_Font]] = {}  # face → its fonts, in page order
    fonts: dict[ObjGen, _Font | None] = {}
    numbered: dict[int, tuple[str, _Font]] = {}  # font number (drawn.fonts) → its face and font
    unsure: set[str] = set()  # faces in a /Font dict where a stream looked up a name not there
    for font_dict, sure in drawn.font_dicts():
        for name, font in font_dict.items():
            if not isinstance(font, Dictionary) or not font.is_indirect:
                continue
            base_font = str(font.get("/BaseFont"))
            if not sure:
                unsure.add(base_font)
            if font.objgen not in fonts:
                fonts[font.objgen] = member = _read_font(font)
                if member is not None:
                    face_fonts.setdefault(base_font, []).append(member)
                    number = drawn.numbers.get(font.objgen)
                    if number is not None:
                        numbered[number] = (base_font, member)
            if fonts[font.objgen] is not None:
                groups.setdefault(base_font, []).append((font_dict, Name(name)))

    # Each face's glyphs in the order first drawn, with the font that draws each first.
    first_drawer: dict[str, dict[int, _Font]] = {base_font: {} for base_font in groups}
    for key in drawn.glyphs:
        found = numbered.get(key >> 16)
        if found is not None:
            first_drawer[found[0]].setdefault(key & 0xFFFF, found[1])

    merges: list[_Merge] = []
    jobs: list[tuple[_Merge, Path]] = []
    for base_font, users in groups.items():
        members = face_fonts[base_font]
        if len({m.program_key for m in members}) != 1 or base_font in unsure:
            continue
        if not first_drawer[base_font]:
            continue  # set, but no text shown: as it was
        glyphs = _first_drawn(first_drawer[base_font])
        if glyphs is None:
            continue
        to_unicode, widths = glyphs
        only = members[0]
        if (
            len(members) == 1
            and list(only.to_unicode) == list(to_unicode)
            and only.widths.keys() == widths.keys()
        ):
            continue  # its pages draw every glyph it holds, first in its order: as written
        merge = _Merge(users, members, to_unicode, widths, None)
        # WeasyPrint subsets to its ToUnicode's glyphs: a member that has them all has the program.
        holder = next((m for m in members if m.to_unicode.keys() == to_unicode.keys()), None)
        if holder is not None:
            merge.program = holder.descriptor[holder.program_key]
        elif (face := find_face(base_font.lstrip("/"), members[0])) is not None:
            jobs.append((merge, face))
        else:
            continue
        merges.append(merge)
    # Biggest first, so two cores finish together; HarfBuzz and zlib let go of the GIL. The faces
    # are opened here, on this thread.
    for merge, face in sorted(jobs, key=lambda job: -len(job[0].to_unicode)):
        merge.program = pool.submit(_subset, _face(face), face, merge.to_unicode)
    return merges


def _first_drawn(first_drawer: dict[int, _Font]) -> tuple[dict[int, str], dict[int, object]] | None:
    """Each glyph's text and width from the font that draws it first (as one write takes them at
    its first drawing), in the order drawn; None where a font draws a glyph it does not hold: not
    as WeasyPrint writes, so left as it is."""
    to_unicode: dict[int, str] = {}
    widths: dict[int, object] = {}
    for glyph, member in first_drawer.items():
        if glyph not in member.to_unicode or glyph not in member.widths:
            return None
        to_unicode[glyph] = member.to_unicode[glyph]
        widths[glyph] = member.widths[glyph]
    return to_unicode, widths


def _finish_font_merges(out: pikepdf.Pdf, merges: list[_Merge]) -> None:
    for merge in merges:
        program = merge.program.result() if isinstance(merge.program, Future) else merge.program
        if program is None:
            continue  # HarfBuzz could not subset as WeasyPrint does: the fonts stay apart
        merged = _merged_font(out, merge.members[0], merge.to_unicode, merge.widths, program)
        for font_dict, name in merge.users:
            font_dict[name] = merged


def _merged_font(
    out: pikepdf.Pdf,
    first: _Font,
    to_unicode: dict[int, str],
    widths: dict[int, object],
    program: Stream | tuple[bytes, bytes],
) -> Dictionary:
    """``build_fonts_dictionary`` and ``_build_vector_font_dictionary`` for the merged glyphs; the
    metrics WeasyPrint took from the face at its first use come from the first source."""
    if isinstance(program, Stream):
        font_file = program
        key = first.program_key
    else:
        data, compressed = program
        font_file = out.make_stream(b"")
        font_file.write(compressed, filter=Name.FlateDecode)
        if data[:4] == b"OTTO":
            key = "/FontFile3"
            font_file.Subtype = Name.OpenType
        else:
            key = "/FontFile2"
            font_file.Length1 = len(data)

    old = first.descriptor
    descriptor = Dictionary(
        {k: v for k, v in old.items() if k not in ("/FontFile2", "/FontFile3", "/CIDSet")}
    )
    max_x = max((float(w) for w in widths.values()), default=0)
    bbox = Array([0, old.Descent, _number(max_x), old.Ascent])
    descriptor.FontBBox = bbox
    descriptor.CapHeight = old.Ascent
    flags = int(old.Flags) & ~1
    if len(widths) > 1 and len({float(w) for w in widths.values()}) == 1:
        flags |= 1  # FixedPitch
    descriptor.Flags = flags
    descriptor[key] = font_file
    if "/CIDSet" in old:  # PDF ≤ 1.4 only
        cids = sorted(widths)
        bits = bytearray(ceil((cids[-1] + 1) / 8))
        for cid in cids:
            bits[cid // 8] |= 0x80 >> (cid % 8)
        cid_set = out.make_stream(b"")
        cid_set.write(zlib.compress(bytes(bits)), filter=Name.FlateDecode)
        descriptor.CIDSet = cid_set

    runs: list[tuple[int, list[object]]] = []  # /W as WeasyPrint writes it: first [w w …] per run
    for glyph in sorted(widths):
        if glyph - 1 not in widths or not runs:
            runs.append((glyph, []))
        runs[-1][1].append(widths[glyph])
    w = Array([item for first, run in runs for item in (first, Array(run))])

    old_cid = first.font.DescendantFonts[0]
    cid_font = out.make_indirect(
        Dictionary({k: v for k, v in old_cid.items() if k not in ("/W", "/FontDescriptor")})
    )
    cid_font.W = w
    cid_font.FontDescriptor = out.make_indirect(descriptor)

    lines = list(_TO_UNICODE_HEAD)
    items = list(to_unicode.items())
    for start in range(0, len(items), 100):
        batch = items[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [f"<{glyph:04x}> <{text.encode('utf-16-be').hex()}>".encode() for glyph, text in batch]
        lines.append(b"endbfchar")
    lines += _TO_UNICODE_TAIL
    cmap = out.make_stream(b"")
    cmap.write(zlib.compress(b"\n".join(lines)), filter=Name.FlateDecode)

    font = Dictionary({k: v for k, v in first.font.items() if k not in ("/ToUnicode", "/DescendantFonts")})
    font.ToUnicode = cmap
    font.DescendantFonts = Array([cid_font])
    return out.make_indirect(font)


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def _declare_harfbuzz() -> bool:
    """HarfBuzz's face-from-file functions on WeasyPrint's cffi handle (it declares only what it calls)."""
    from weasyprint.text.ffi import ffi, harfbuzz

    try:
        harfbuzz.hb_face_create  # noqa: B018
    except AttributeError:
        ffi.cdef(
            "hb_blob_t * hb_blob_create_from_file_or_fail (const char *file_name);"
            "hb_face_t * hb_face_create (hb_blob_t *blob, unsigned int index);"
        )
    return bool(harfbuzz.hb_version_atleast(2, 8, 2))


@functools.lru_cache(maxsize=16)
def _hb_face(path: str, mtime: int, size: int) -> object | None:
    """A HarfBuzz face of the face file (the file's data mapped, not read); kept for the process."""
    from weasyprint.text.ffi import ffi, harfbuzz

    if not _declare_harfbuzz():
        return None
    blob = harfbuzz.hb_blob_create_from_file_or_fail(path.encode())
    if blob == ffi.NULL:
        return None
    face = harfbuzz.hb_face_create(blob, 0)
    harfbuzz.hb_blob_destroy(blob)
    return ffi.gc(face, harfbuzz.hb_face_destroy)


def _face_tables(face: object) -> list[str]:
    from weasyprint.text.ffi import ffi, harfbuzz

    count = ffi.new("unsigned int *", 100)
    tags = ffi.new("hb_tag_t[100]")
    name = ffi.new("char[4]")
    harfbuzz.hb_face_get_table_tags(face, 0, count, tags)
    tables = []
    for i in range(count[0]):
        harfbuzz.hb_tag_to_string(tags[i], name)
        tables.append(ffi.string(name, 4).decode("latin-1"))
    return tables


def _face(face_file: Path) -> object | None:
    stat = face_file.stat()
    return _hb_face(str(face_file), stat.st_mtime_ns, stat.st_size)


def _subset(face: object | None, face_file: Path, to_unicode: dict[int, str]) -> tuple[bytes, bytes] | None:
    """The face's program subset to the glyphs as WeasyPrint subsets it, and its Flate bytes; None
    where it cannot be made as WeasyPrint makes it (a variable or colour face, no HarfBuzz)."""
    from weasyprint import DEFAULT_OPTIONS
    from weasyprint.pdf.fonts import Font
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if face is None or not harfbuzz_subset or not harfbuzz.hb_version_atleast(4, 1, 0):
        return None
    tables = _face_tables(face)
    colour = harfbuzz.hb_ot_color_has_png(face) or harfbuzz.hb_ot_color_has_svg(face)
    if harfbuzz.hb_version_atleast(7, 0, 0):  # as Font.__init__ asks: older HarfBuzz lacks the call
        colour = colour or harfbuzz.hb_ot_color_has_paint(face) or harfbuzz.hb_ot_color_has_layers(face)
    if "fvar" in tables or colour:
        return None  # clean() would instantiate or repaint it from what only the layout knew
    # Font.clean on a stand-in: the attributes its subsetting reads, as Font.__init__ sets them.
    stand_in = Font.__new__(Font)
    stand_in.hb_face = face
    stand_in.file_content = b""  # HarfBuzz replaces it; left empty, HarfBuzz failed
    stand_in.index = 0
    stand_in.family = face_file.stem
    stand_in.tables = tables
    stand_in.missing = {}
    stand_in.variations = {}
    stand_in.png = stand_in.svg = stand_in.colr = False
    stand_in.clean(to_unicode, DEFAULT_OPTIONS["hinting"])
    data = stand_in.file_content
    if not data:
        return None
    return data, zlib.compress(data)


# ---------------------------------------------------------------------------------------------
# Which face file a font was subset from


def _face_finder(faces: Callable[[str], Path | None] | None) -> Callable[[str, _Font], Path | None]:
    if faces is not None:
        return lambda base_font, _font: faces(base_font)

    def from_project(_base_font: str, font: _Font) -> Path | None:
        name = _postscript_name(font.descriptor[font.program_key].read_bytes())
        return project_face(name) if name else None

    return from_project


def _postscript_name(program: bytes) -> str | None:
    from fontTools.ttLib import TTFont

    try:
        name = TTFont(io.BytesIO(program), lazy=True)["name"].getDebugName(6)
    except Exception:  # a program fontTools cannot read has no name to match
        return None
    return str(name) if name else None


def project_face(postscript_name: str) -> Path | None:
    """The project's face file (fonts/roles.toml) whose PostScript name (name ID 6) is
    ``postscript_name``, or None. HarfBuzz keeps that name in the subsets it embeds."""
    return _project_faces().get(postscript_name)


@functools.cache
def _project_faces() -> dict[str, Path]:
    from fontTools.ttLib import TTFont

    from ..fonts import face_file, font_roles

    found: dict[str, Path] = {}
    for role in font_roles().values():
        path = face_file(role)  # a Noto CJK face is copied out of its collection, as @font-face loads it
        name = TTFont(path, lazy=True)["name"].getDebugName(6)
        if name:
            found.setdefault(str(name), path)
    return found


# ---------------------------------------------------------------------------------------------
# Catalog, document info, duplicates


def _copied(out: pikepdf.Pdf, obj: object) -> object:
    """``obj`` in ``out``: indirect objects through qpdf's copy (once per source), direct ones rebuilt."""
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return out.copy_foreign(obj)
    if isinstance(obj, Dictionary):
        return Dictionary({key: _copied(out, value) for key, value in obj.items()})
    if isinstance(obj, Array):
        return Array([_copied(out, value) for value in obj])
    return obj


_CATALOG_KEYS = (
    "/Lang",
    "/Metadata",
    "/OutputIntents",
    "/MarkInfo",
    "/ViewerPreferences",
    "/PageLayout",
    "/PageMode",
    "/PageLabels",
)


def _copy_catalog(out: pikepdf.Pdf, catalog_from: pikepdf.Pdf, *, tagged: bool) -> None:
    for key in _CATALOG_KEYS:
        if key in catalog_from.Root:
            out.Root[key] = _copied(out, catalog_from.Root[key])
    if tagged and "/MarkInfo" not in out.Root:
        out.Root.MarkInfo = Dictionary(Marked=True)
    info = catalog_from.trailer.get("/Info")
    if isinstance(info, Dictionary):
        out.trailer.Info = out.make_indirect(
            Dictionary({key: _copied(out, value) for key, value in info.items()})
        )


def _drop_duplicate_streams(out: pikepdf.Pdf) -> None:
    """Keep once a picture, mask, colour profile or form copied from two sources: the same raw bytes
    under the same dictionary (its own references already made one)."""
    canonical: dict[tuple[bytes, bytes], Stream] = {}
    done: dict[ObjGen, pikepdf.Object] = {}

    def visit(obj: object) -> object:
        if not isinstance(obj, Dictionary | Array | Stream):
            return obj  # numbers, names, strings
        if obj.is_indirect:
            if obj.objgen in done:
                return done[obj.objgen]
            done[obj.objgen] = obj  # a cycle comes back to the object itself
        if isinstance(obj, Dictionary | Stream):
            for key in list(obj.keys()):
                if key in ("/Font", "/Parent", "/Length"):
                    continue  # fonts are merged by face; the length follows the bytes
                _replace(obj, key, visit(obj[key]))
        elif isinstance(obj, Array):
            for i in range(len(obj)):
                _replace(obj, i, visit(obj[i]))
        if isinstance(obj, Stream) and obj.is_indirect:
            fingerprint = (blake2b(obj.read_raw_bytes(), digest_size=20).digest(), obj.stream_dict.unparse())
            first = canonical.setdefault(fingerprint, obj)
            done[obj.objgen] = first
            return first
        return obj

    for page in out.pages:
        if "/Resources" in page.obj:
            visit(page.obj.Resources)
    if isinstance(out.Root.get("/OutputIntents"), Array):
        visit(out.Root.OutputIntents)


def _replace(container: pikepdf.Object, key: str | int, value: object) -> None:
    current = container[key]
    if (
        isinstance(value, pikepdf.Object)
        and value.is_indirect
        and isinstance(current, pikepdf.Object)
        and current.is_indirect
        and value.objgen != current.objgen
    ):
        container[key] = value
