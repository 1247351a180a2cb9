"""Which printed page shows what: the bridge from the print layout to the EPUB page-list."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageStart:
    """A printed page: its folio, and the article/block at its top.

    ``block`` is the index into ``article.blocks`` of the first block shown on
    the page (a block that continues from the previous page counts), or None
    when the page starts with the article's head or belongs to no article.
    """

    page: int
    article_id: str | None
    block: int | None
