"""The last touches of both PDFs, after WeasyPrint wrote them: the same bytes for the same
sources, and a screen PDF that a screen reader can navigate (toward PDF/UA-1).

Reproducible (press and screen): WeasyPrint 70 stamps the write time (ModDate,
xmp:MetadataDate) and, for PDF/X-4, a random xmpMM:DocumentID, and pikepdf
adds a random second /ID word on every save. Here the dates come from
``SOURCE_DATE_EPOCH`` when it is set, else from the issue's print date (the
``dcterms.created`` of the print HTML); the DocumentID is derived from the
issue and the kind of file (it names the document, the same across versions,
as XMP means it); the /ID pair is qpdf's hash of the file's own bytes
(``deterministic_id``). Font subset names are already hashes of their glyphs,
and object order follows the layout.

Accessible (screen): WeasyPrint tags the content but leaves the running heads
and folios as marked content of elements that hang in no tree (it can only
write artifacts there in PDF 2.0), writes no /PageLabels, and gives each
contents link the anchor name as its description. :func:`finish_screen_pdf`
marks running heads and folios as pagination artifacts, labels the pages as
the magazine numbers them (封一, 封二, then the printed folios from the
contents page, 封三, 封四), and describes each contents link by its title and
page. Heading levels come from the print templates: 栏目 ``h1``, titles
``h2``, 一、 ``h3``, （一） ``h4``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import pikepdf

from ..errors import BuildError

if TYPE_CHECKING:
    from weasyprint import Document

    from .print_pdf import PrintLayout

_IMAGE_NAME = re.compile(rb"/i[0-9a-f]{32}[01]")
_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-fA-F-]{36}")
_TAGGED = re.compile(rb"/(?P<tag>[A-Za-z]+)\s*<<\s*/MCID\s+(?P<mcid>\d+)\s*>>\s*BDC")
_PAGINATION = b"/Artifact <</Type /Pagination>> BDC"


# ---------------------------------------------------------------------------
# Reproducible bytes


def build_date(document: Document) -> str:
    """The date a PDF is stamped with (W3C format): SOURCE_DATE_EPOCH, else the issue's print date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise BuildError(
                f"SOURCE_DATE_EPOCH is “{epoch}”\n      → set it to a whole number of seconds since 1970, or unset it"
            )
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return document.metadata.created or "1970-01-01"


def stamp_dates(document: Document) -> None:
    """Give WeasyPrint a modification date, so it does not take the clock's."""
    document.metadata.modified = build_date(document)


def document_id(pdf: pikepdf.Pdf, kind: str) -> str:
    """An xmpMM:DocumentID that names this issue's ``kind`` of file (press, screen) whenever it is built."""
    title = str(pdf.docinfo.get("/Title", ""))
    return f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, f'qhgy-publish:{title}:{kind}')}"


def _content_streams(pdf: pikepdf.Pdf) -> list[pikepdf.Stream]:
    """Every stream that draws: page contents, form XObjects, tiling patterns."""
    streams: list[pikepdf.Stream] = []
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        streams += list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and (
            obj.get("/Subtype") == "/Form" or obj.get("/Type") == "/Pattern"
        ):
            streams.append(obj)
    return [s for s in streams if isinstance(s, pikepdf.Stream)]


def name_images_by_content(pdf: pikepdf.Pdf) -> int:
    """Rename WeasyPrint's image resources after their bytes instead of their file's URL.

    WeasyPrint names an image /i<md5 of its URL>, so the same issue built from
    another folder names (and orders) its pictures differently. Returns how
    many names changed.
    """
    renames: dict[str, str] = {}
    holders: list[pikepdf.Dictionary] = []
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            continue
        xobjects = obj.get("/XObject") if "/XObject" in obj else None
        if not isinstance(xobjects, pikepdf.Dictionary):
            continue
        holders.append(xobjects)
        for name in list(xobjects.keys()):
            if _IMAGE_NAME.fullmatch(name.encode()) and name not in renames:
                image = xobjects[name]
                digest = hashlib.sha256(image.read_raw_bytes()).hexdigest()[:32]
                renames[name] = f"/Im{digest}{name[-1]}"  # the last digit: interpolation on or off
    if not renames:
        return 0
    for xobjects in holders:
        for old, new in renames.items():
            if old in xobjects:
                xobjects[new] = xobjects[old]
                del xobjects[old]
    table = {old.encode(): new.encode() for old, new in renames.items()}
    for stream in _content_streams(pdf):
        data = stream.read_bytes()
        fixed = _IMAGE_NAME.sub(lambda m: table.get(m.group(0), m.group(0)), data)
        if fixed != data:
            stream.write(fixed)
    return len(renames)


def make_reproducible(pdf: pikepdf.Pdf, kind: str) -> None:
    """Replace what WeasyPrint drew at random or from paths; call before :func:`save_reproducible`."""
    name_images_by_content(pdf)
    if "/Metadata" in pdf.Root:
        stream = pdf.Root.Metadata
        data = stream.read_bytes()
        fixed = _DOCUMENT_ID.sub(document_id(pdf, kind).encode(), data)
        if fixed != data:
            stream.write(fixed)
    if "/ID" in pdf.trailer:
        # qpdf keeps an existing first word; without one, both words are its content hash.
        del pdf.trailer["/ID"]


def save_reproducible(pdf: pikepdf.Pdf, path: Path) -> None:
    """Save with /ID computed from the file's contents (no clock, no random)."""
    pdf.save(path, deterministic_id=True)


# ---------------------------------------------------------------------------
# Screen PDF: artifacts, page labels, link descriptions


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
    pages = layout.document.pages

    def first(anchor: str) -> int:
        return next(i for i, p in enumerate(pages) if anchor in p.anchors)

    contents, back = first("contents"), first("inside-back")
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
    """Artifacts, page labels and link descriptions of the screen PDF (see the module's docstring)."""
    mark_pagination_artifacts(pdf)
    pdf.Root.PageLabels = pikepdf.Dictionary(
        Nums=pikepdf.Array(
            [item for index, style in page_labels(layout) for item in (index, _label_dict(style))]
        )
    )
    describe_links(pdf, layout)
    for page in pdf.pages:
        page.obj.Tabs = pikepdf.Name.S  # annotations in structure order (PDF/UA 7.18.3)
