"""The EPUB's cover image: the print cover (封一) itself — masthead, issue number, photo — as a portrait JPEG.

A library shelf shows only the cover thumbnail, so it has to say which magazine
and which issue this is; the landscape photo alone said neither. The cover page
of the laid-out print issue is written as a one-page PDF and drawn by PDFium,
cut to the trim (no bleed), 2,560 pixels high (the size e-book stores ask for).
The same layout always gives the same pixels, so builds stay byte-reproducible.
Drawing it takes some 80 MB for a moment (the cover photo decoded, the bitmap,
its RGB copy): a forked copy of the build draws it, so the build's own process
stays at the size of its layout (issue 19: the parent ≤ 400 MB).
A cold build begins it (:func:`start_cover`) as soon as the make-up has laid 封一
out alone, before the 栏目, so it is not drawn on the build's last stretch.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .forked import Forked

COVER_HEIGHT = 2560


def cover_jpeg(document: Any, height: int = COVER_HEIGHT) -> bytes:
    """JPEG of the page of ``document`` (a laid-out ``weasyprint.Document``) that holds ``#cover``."""
    return start_cover(document, height).result()


def start_cover(document: Any, height: int = COVER_HEIGHT) -> Forked[bytes]:
    """:func:`cover_jpeg` begun in a forked copy; the build goes on meanwhile."""
    from .forked import start_fork

    return start_fork("drawing the EPUB cover", _draw, document, height)


def _draw(document: Any, height: int) -> bytes:
    import pypdfium2 as pdfium

    page = next((p for p in document.pages if "cover" in p.anchors), document.pages[0])
    pdf = pdfium.PdfDocument(document.copy([page]).write_pdf())
    try:
        drawn = pdf[0]
        left, bottom, right, top = drawn.get_mediabox()
        t_left, t_bottom, t_right, t_top = drawn.get_trimbox()
        image = drawn.render(
            scale=height / (t_top - t_bottom),
            crop=(t_left - left, t_bottom - bottom, right - t_right, top - t_top),
        ).to_pil()
    finally:
        pdf.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=88, optimize=True)
    return out.getvalue()
