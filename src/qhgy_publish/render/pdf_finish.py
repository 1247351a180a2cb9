"""The same bytes for the same sources: the last touch of both PDFs (press and screen), after
WeasyPrint wrote them.

WeasyPrint 70 stamps the write time (ModDate, xmp:MetadataDate) and, for
PDF/X-4, a random xmpMM:DocumentID, and pikepdf adds a random second /ID word
on every save. Here the dates come from ``SOURCE_DATE_EPOCH`` when it is set,
else from the issue's print date (the ``dcterms.created`` of the print HTML);
the DocumentID is derived from the issue and the kind of file (it names the
document, the same across versions, as XMP means it); the /ID pair is qpdf's
hash of the file's own bytes (``deterministic_id``); pictures are named by
their bytes, not their file's URL. Font subset names are already hashes of
their glyphs, and object order follows the layout.
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

_IMAGE_NAME = re.compile(rb"/i[0-9a-f]{32}[01]")
_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-fA-F-]{36}")


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


def save_reproducible(pdf: pikepdf.Pdf, path: Path, *, joined: bool = False) -> None:
    """Save with /ID computed from the file's contents (no clock, no random). A ``joined`` file
    (:mod:`.rejoin`: new objects throughout) packs its objects into object streams, as WeasyPrint
    writes them; kept as they were, the others' objects stay as WeasyPrint packed them."""
    if joined:
        pdf.save(path, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    else:
        pdf.save(path, deterministic_id=True)
