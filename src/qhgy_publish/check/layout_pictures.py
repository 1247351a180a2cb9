"""Where the article pictures landed in the laid-out issue: one page, inside the type area,
the caption directly under the picture.

figures.py sizes every picture so that this holds; this reads where the layout put
them (WeasyPrint's page boxes, read into render/pagefacts.py's PageFacts) to prove it, or to
name the picture, its file and line, when a layout change breaks it. ``qhgy build`` prints
what it finds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ..errors import Finding, Loc, Severity
from ..model import Figure, Issue

TOLERANCE_PX = 1.0  # 0.75 pt
CAPTION_GAP_PX = 12.0  # picture bottom → caption top: 4 pt of margin, a little leading


class SeenFigure(Protocol):
    id: str
    picture: tuple[float, float, float, float] | None
    caption: tuple[float, float, float, float] | None


class SeenPage(Protocol):
    """A laid-out page as the build read it (render/pagefacts.py: PageFacts)."""

    area: tuple[float, float, float, float]
    figures: Sequence[SeenFigure]


@dataclass(frozen=True)
class PlacedPicture:
    id: str  # print id, <article>-<name>
    loc: Loc
    pages: tuple[int, ...]  # PDF page indexes holding a part of it
    picture: tuple[float, float, float, float] | None  # x0, y0, x1, y1 in CSS px, on its first page
    caption: tuple[float, float, float, float] | None
    area: tuple[float, float, float, float]  # the page's type area

    def problems(self) -> list[str]:
        found = []
        if len(self.pages) > 1:
            found.append(f"split over PDF pages {', '.join(str(p + 1) for p in self.pages)}")
        if self.picture and not _inside(self.picture, self.area):
            found.append("runs past the type area")
        if self.caption:
            if not _inside(self.caption, self.area):
                found.append("its caption runs past the type area")
            if self.picture and not (
                -TOLERANCE_PX <= self.caption[1] - self.picture[3] <= CAPTION_GAP_PX
                and self.caption[0] < self.picture[2]
                and self.caption[2] > self.picture[0]
            ):
                found.append("its caption is not directly under it")
        elif self.picture is None:
            found.append("is missing from the pages")
        return found

    def findings(self) -> list[Finding]:
        """The problems as S-158 warnings at the picture's line in its article."""
        return [
            Finding(Severity.WARNING, "S-158", f"picture {self.id} {problem}", self.loc) for problem in self.problems()
        ]


def _inside(box: tuple[float, float, float, float], area: tuple[float, float, float, float]) -> bool:
    return (
        box[0] >= area[0] - TOLERANCE_PX
        and box[1] >= area[1] - TOLERANCE_PX
        and box[2] <= area[2] + TOLERANCE_PX
        and box[3] <= area[3] + TOLERANCE_PX
    )


def placed_pictures(pages: Sequence[SeenPage], issue: Issue) -> list[PlacedPicture]:
    """Every article picture of ``issue`` as the laid-out pages have it (``pages``: what the
    build read from each page, ``render/pagefacts.py``'s PageFacts, in PDF order)."""
    wanted = {f"{a.id}-{b.name}": b for a in issue.all_articles for b in a.blocks if isinstance(b, Figure)}
    on: dict[str, list[int]] = {}
    pictures: dict[str, tuple] = {}
    captions: dict[str, tuple] = {}
    areas: dict[str, tuple] = {}
    for index, page in enumerate(pages):
        for seen in page.figures:
            if seen.id not in wanted:
                continue
            on.setdefault(seen.id, []).append(index)
            areas.setdefault(seen.id, page.area)
            if seen.picture is not None:
                pictures.setdefault(seen.id, seen.picture)
            if seen.caption is not None:
                captions.setdefault(seen.id, seen.caption)
    return [
        PlacedPicture(
            id=fig_id,
            loc=figure.loc,
            pages=tuple(on.get(fig_id, ())),
            picture=pictures.get(fig_id),
            caption=captions.get(fig_id),
            area=areas.get(fig_id, (0.0, 0.0, 0.0, 0.0)),
        )
        for fig_id, figure in wanted.items()
    ]


def picture_warnings(pages: Sequence[SeenPage], issue: Issue) -> list[Finding]:
    """One finding per misplaced picture: file:line, which picture, what is wrong."""
    return [f for placed in placed_pictures(pages, issue) for f in placed.findings()]
