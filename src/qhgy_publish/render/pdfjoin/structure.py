"""The output's structure tree (screen PDFs), in the shape WeasyPrint 70 writes it
(``pdf/tags.py``): one ``/Document`` whose ``/K`` lists each page's top elements page after page,
a ``/ParentTree`` with the pages' MCID arrays under 0…n-1 and the link annotations' elements from
n on.

Elements are copied with their page's subtree; the link from a page's top elements up to their
source's Document is cut while copying (and put back), or qpdf would follow it and copy the
whole source tree and every page it names.

Where it can differ from a single write of the same pages: a table's header cells are named
after WeasyPrint's object numbers, which differ between writes (no table in the magazine). PDF
2.0 namespaces (``pdf/ua-2``) are not carried.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name

from .catalog import _copied
from .pages import ObjGen, _Placed, _Source, _Sources


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
