"""The screen PDF: the laid-out issue written again for reading — cut to the trim, tagged
(toward PDF/UA-1, identifier written), with bookmarks, page labels and metadata.

One layout serves both PDFs, so page numbers never differ. Written as
``pdf/ua-1`` (no PDF/X claim: a reading copy must not pass for a press
file), then finished with pikepdf:

- :func:`cut_to_trim`: MediaBox = CropBox = TrimBox (bleed hidden), no
  BleedBox, no output intent.
- Accessibility: WeasyPrint tags the content but leaves the running heads and
  folios as marked content of elements that hang in no tree (it can only
  write artifacts there in PDF 2.0), writes no /PageLabels, and gives each
  contents link the anchor name as its description.
  :func:`finish_screen_pdf` marks running heads and folios as pagination
  artifacts, labels the pages as the magazine numbers them (封一, 封二, then
  the printed folios from the contents page, 封三, 封四), and describes each
  contents link by its title and page. Heading levels come from the print
  templates: 栏目 ``h1``, titles ``h2``, 一、 ``h3``, （一） ``h4``.
- The same bytes for the same sources (:mod:`.pdf_finish`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pikepdf

from ..output import atomic_path
from .pagefacts import anchor_index
from .pdf_deflate import deflate_at_default_level
from .pdf_finish import make_reproducible, save_reproducible, stamp_dates
from .rejoin import rejoin

if TYPE_CHECKING:
    from weasyprint import Document

    from .pressed import Pressed
    from .print_pdf import PrintLayout

_TAGGED = re.compile(rb"/(?P<tag>[A-Za-z]+)\s*<<\s*/MCID\s+(?P<mcid>\d+)\s*>>\s*BDC")
_PAGINATION = b"/Artifact <</Type /Pagination>> BDC"
SCREEN_WRITE_OPTIONS = {"pdf_variant": "pdf/ua-1", "custom_metadata": True}


def write_screen_pdf(layout: PrintLayout, target: Path, pressed: Pressed | None = None) -> Path:
    """The reading PDF of the laid-out issue at ``target`` (atomically); returns ``target``.
    Where pages of an earlier build stand in for parts of ``layout``, they come from ``pressed``."""
    with atomic_path(target) as tmp:
        if layout.pressed:
            assert pressed is not None, "a layout with kept pages is written with the pages kept"
            with rejoin(layout, pressed, "screen", tmp, _write_pages) as pdf:
                _finish(pdf, layout, tmp, joined=True)
        else:
            assert layout.document is not None
            _write_weasy(layout.document, tmp)
            with pikepdf.open(tmp, allow_overwriting_input=True) as pdf:
                _finish_pages(pdf)
                _finish(pdf, layout, tmp)
    return target


def _write_pages(document: Document, target: Path) -> None:
    """WeasyPrint's tagged file of ``document`` at ``target``, finished page by page."""
    _write_weasy(document, target)
    with pikepdf.open(target, allow_overwriting_input=True) as pdf:
        _finish_pages(pdf)
        pdf.save(target)


def _write_weasy(document: Document, target: Path) -> None:
    deflate_at_default_level()
    stamp_dates(document)
    document.write_pdf(target, **SCREEN_WRITE_OPTIONS)


def _finish_pages(pdf: pikepdf.Pdf) -> None:
    """What each page needs alone: cut to the trim, running heads and folios made artifacts."""
    cut_to_trim(pdf)
    mark_pagination_artifacts(pdf)


def _finish(pdf: pikepdf.Pdf, layout: PrintLayout, target: Path, *, joined: bool = False) -> None:
    """What the reading copy needs of the whole issue, then saved reproducibly at ``target``."""
    pdf.Root.Lang = pikepdf.String("zh-CN")
    pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    pdf.Root.PageLayout = pikepdf.Name.TwoPageRight  # spreads as the magazine is read
    finish_screen_pdf(pdf, layout)
    make_reproducible(pdf, "screen")
    save_reproducible(pdf, target, joined=joined)


def cut_to_trim(pdf: pikepdf.Pdf) -> None:
    """Each page cut to its trim (MediaBox = CropBox = TrimBox, no BleedBox), and no output intent:
    a reading copy, not a press file."""
    for page in pdf.pages:
        trim = page.obj.get("/TrimBox")
        if trim is not None:
            page.obj.MediaBox = trim
            page.obj.CropBox = trim
            del page.obj["/BleedBox"]
    if "/OutputIntents" in pdf.Root:
        del pdf.Root["/OutputIntents"]


# ---------------------------------------------------------------------------
# Accessibility: artifacts, page labels, link descriptions


def _reachable(root: pikepdf.Dictionary) -> set[tuple[int, int]]:
    """Object ids of the structure elements reachable from the structure tree root."""
    seen: set[tuple[int, int]] = set()
    stack = list(root.K) if isinstance(root.get("/K"), pikepdf.Array) else [root.get("/K")]
    while stack:
        elem = stack.pop()
        if not isinstance(elem, pikepdf.Dictionary) or "/S" not in elem:
            continue
        if elem.objgen in seen:
            continue
        seen.add(elem.objgen)
        kids = elem.get("/K")
        if isinstance(kids, pikepdf.Array):
            stack.extend(kids)
        elif kids is not None:
            stack.append(kids)
    return seen


def _page_contents(page: pikepdf.Page) -> bytes:
    contents = page.obj.Contents
    if isinstance(contents, pikepdf.Array):
        return b"\n".join(part.read_bytes() for part in contents)
    return contents.read_bytes()


def _artifact_marks(pdf: pikepdf.Pdf, page: pikepdf.Page, mcids: set[int]) -> None:
    """Turn the marked content ``mcids`` of ``page`` into pagination artifacts."""
    data = _page_contents(page)
    found: set[int] = set()

    def swap(match: re.Match[bytes]) -> bytes:
        mcid = int(match["mcid"])
        if mcid not in mcids:
            return match.group(0)
        found.add(mcid)
        return _PAGINATION

    data = _TAGGED.sub(swap, data)
    if found != mcids:  # not written as WeasyPrint 70 writes it: take the parser's slower way
        instructions = pikepdf.parse_content_stream(page)
        for instruction in instructions:
            if str(instruction.operator) != "BDC" or len(instruction.operands) != 2:
                continue
            props = instruction.operands[1]
            if isinstance(props, pikepdf.Dictionary) and int(props.get("/MCID", -1)) in mcids:
                instruction.operands[0] = pikepdf.Name.Artifact
                instruction.operands[1] = pikepdf.Dictionary(Type=pikepdf.Name.Pagination)
        data = pikepdf.unparse_content_stream(instructions)
    page.obj.Contents = pdf.make_stream(data)


def mark_pagination_artifacts(pdf: pikepdf.Pdf) -> int:
    """Running heads and folios become artifacts; returns how many marked contents changed.

    They are the marked contents whose structure element hangs in no tree
    (WeasyPrint builds elements for margin boxes without linking them). Their
    /ParentTree entries become null: an artifact belongs to no element.
    """
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return 0
    reachable = _reachable(tree)
    parents = tree.ParentTree.Nums
    by_key = {int(parents[i]): parents[i + 1] for i in range(0, len(parents), 2)}
    changed = 0
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        refs = by_key.get(int(key)) if key is not None else None
        if not isinstance(refs, pikepdf.Array):
            continue
        orphans = {
            mcid
            for mcid, elem in enumerate(refs)
            if isinstance(elem, pikepdf.Dictionary) and elem.objgen not in reachable
        }
        if not orphans:
            continue
        _artifact_marks(pdf, page, orphans)
        for mcid in orphans:
            refs[mcid] = None
        changed += len(orphans)
    return changed


def page_labels(layout: PrintLayout) -> list[tuple[int, dict[str, object]]]:
    """(first page index, label style) of each range, as the magazine numbers its pages.

    封一 and 封二 come first and carry no folio; the contents page is folio 1
    and the count runs on through the filler pages; 封三 and 封四 close the issue.
    """
    pages = layout.facts
    contents, back = anchor_index(pages, "contents"), anchor_index(pages, "inside-back")
    ranges: list[tuple[int, dict[str, object]]] = [(0, {"P": "封一"})]
    if contents > 1:
        ranges.append((1, {"P": "封二"}))
    ranges.append((contents, {"S": "D", "St": 1}))
    ranges.append((back, {"P": "封三"}))
    if len(pages) - 1 > back:
        ranges.append((len(pages) - 1, {"P": "封四"}))
    return ranges


def _label_dict(style: dict[str, object]) -> pikepdf.Dictionary:
    out = pikepdf.Dictionary()
    if "P" in style:
        out.P = pikepdf.String(str(style["P"]))
    if "S" in style:
        out.S = pikepdf.Name("/" + str(style["S"]))
        out.St = int(style.get("St", 1))  # type: ignore[call-overload]
    return out


def describe_links(pdf: pikepdf.Pdf, layout: PrintLayout) -> None:
    """A contents link reads as its article's title and folio, not as the anchor name."""
    articles = {a.id: a for a in layout.issue.all_articles}
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") != "/Link":
                continue
            target = str(annot.get("/Dest", ""))
            article = articles.get(target)
            if article is None:
                continue
            folio = layout.article_pages.get(target)
            text = article.contents_title + (f"，第{folio}页" if folio else "")
            annot.Contents = pikepdf.String(text)


def finish_screen_pdf(pdf: pikepdf.Pdf, layout: PrintLayout) -> None:
    """Page labels and link descriptions of the screen PDF, every page's annotations in structure
    order (see the module's docstring; the artifacts are marked page by page before)."""
    pdf.Root.PageLabels = pikepdf.Dictionary(
        Nums=pikepdf.Array(
            [item for index, style in page_labels(layout) for item in (index, _label_dict(style))]
        )
    )
    describe_links(pdf, layout)
    for page in pdf.pages:
        page.obj.Tabs = pikepdf.Name.S  # annotations in structure order (PDF/UA 7.18.3)
