"""What a laid-out page draws, as a digest: equal digests, equal pixels.

The preview draws again only the pages whose digest changed since the last build
(drawing is most of an edit's time after its layout). A page's digest covers every
box's kind, element, place, size and text, and the style the stylesheets gave it:
each element's cascaded declarations (what the rules said, before computing) with
its parent's, so a rule that changes only how a box paints (a colour, a border, a
font) changes the digest of every page where that box stands, and no other. What
the digest does not read are the files a box draws from (a picture replaced under
its name, a font file): the preview draws every page again when one of those changed.
"""

from __future__ import annotations

import hashlib

from ..render.style_digest import style_digest


def page_signatures(pages: list[object]) -> list[str]:
    """The digest of each laid-out page (WeasyPrint's ``Page``), sharing the style digests. A page
    keeps its digest: the preview reuses the pages of the parts an edit did not touch (0.5 s for
    the sample's 84 pages, most of them the same page objects build after build)."""
    styles: dict[int, str] = {}
    signatures = []
    for page in pages:
        signature = getattr(page, "_qhgy_signature", None)
        if signature is None:
            signature = page_signature(page, styles)
            page._qhgy_signature = signature  # type: ignore[attr-defined]  # a laid-out page never changes
        signatures.append(signature)
    return signatures


def page_signature(page: object, styles: dict[int, str] | None = None) -> str:
    """A digest of a laid-out page: every box's kind, element, class, place, size and style,
    every text and image source. ``styles``: the style digests of the pages before (one style
    stands on many pages), by the style's ``id`` while the layout lives."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.absolute import AbsolutePlaceholder

    styles = {} if styles is None else styles
    digest = hashlib.sha1()
    stack = [page._page_box]  # type: ignore[attr-defined]
    while stack:
        box = stack.pop()
        if isinstance(box, AbsolutePlaceholder):  # an absolutely placed box (the covers' texts) stands in it
            box = box._box
        element = box.element
        digest.update(
            repr(
                (
                    type(box).__name__,
                    element.tag if element is not None else None,
                    element.get("class") if element is not None else None,
                    element.get("src") if element is not None else None,
                    element.get("style") if element is not None else None,
                    round(box.position_x, 3),
                    round(box.position_y, 3),
                    round(box.width, 3) if isinstance(box.width, float | int) else box.width,
                    round(box.height, 3) if isinstance(box.height, float | int) else box.height,
                    box.text if isinstance(box, boxes.TextBox) else None,
                    style_digest(box.style, styles),
                )
            ).encode()
        )
        if isinstance(box, boxes.ParentBox):
            stack.extend(box.children)
    return digest.hexdigest()
