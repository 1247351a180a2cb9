"""Article pictures that do not print as their source asks, and why (file and line).

The sizes come from :mod:`qhgy_publish.figures`, the same rules the print
layout applies, so what this reports is what the pages show: a picture scaled
down to fit the type area (S-155), one too coarse for its printed size (S-156),
size attributes a profile card ignores (S-157).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..figures import GOOD_DPI, MIN_DPI, place
from ..model import Figure, FigureSize, Issue, Placement, Profile, walk_blocks
from .findings import Finding, Severity


def check_pictures(issue: Issue) -> Iterator[Finding]:
    for article in issue.all_articles:
        cover_page = article.meta.placement is not Placement.BODY
        for block, card in walk_blocks(article.blocks):
            if not isinstance(block, Figure):
                continue
            if isinstance(card, Profile):  # a card's photo has its own fixed size
                yield from _profile_photo(block)
                continue
            size = place(block, article.columns, cover_page=cover_page)
            shown = f"{block.src.name} ({size.width_mm:.0f} × {size.height_mm:.0f} mm)"
            if size.scaled_because:
                yield Finding(
                    Severity.WARNING,
                    "S-155",
                    f"picture {block.src.name} is printed smaller than asked: {size.scaled_because}; "
                    f"printed {size.width_mm:.0f} × {size.height_mm:.0f} mm",
                    block.loc,
                    "give a smaller {height=…}, or {size=wide} in a two-column article"
                    if size.scaled_because.startswith("height=")
                    else "crop the photo, or choose its size with {height=…} (it may not exceed the one printed)",
                )
            if size.dpi and size.dpi < GOOD_DPI - 0.5:
                need = round(block.pixels[0] * GOOD_DPI / size.dpi)
                yield Finding(
                    Severity.WARNING,
                    "S-156",
                    f"picture {shown} has {size.dpi:.0f} dpi at its printed size "
                    f"({'too coarse to print' if size.dpi < MIN_DPI else 'below'} {GOOD_DPI} dpi)",
                    block.loc,
                    f"supply it at least {need} px wide, or print it smaller ({{size=half}} or {{height=…}})",
                )


def _profile_photo(figure: Figure) -> Iterator[Finding]:
    if figure.size is not FigureSize.COLUMN or figure.height_mm is not None:
        yield Finding(
            Severity.WARNING,
            "S-157",
            f"picture {figure.src.name}: a profile card's photo is always 24 mm wide; size and height are ignored",
            figure.loc,
            "remove {size=…}/{height=…} from the photo of this ::: profile card",
        )
