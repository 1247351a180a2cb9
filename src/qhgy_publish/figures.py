"""How big an article picture prints, and why: the size rules of docs/source-format.md.

Every size is worked out here, once, from what the editor wrote (``{size=…}``,
``{height=…}``) and the image's own proportions, so the print layout, the
EPUB, ``qhgy check`` and the tests agree on it:

* ``column`` (default): the column's width — in a one-column article, the whole measure;
* ``wide``: across both columns of a two-column article (the measure);
* ``half``: half a column, floated to the right with the text running round it;
* ``height=60mm``: that height, the width following the picture's proportions,
  at most the width of its size.

A picture never runs past the type area: one whose height, with its caption,
would not fit in a column on an empty page is scaled down until it does (the
check says so, with the file and line). Picture, caption and the space around
them take a whole number of body lines, so the text below stays on the grid.

The geometry mirrors layouts/print/page.css and magazine.css; the e2e tests
measure the placed pictures on the PDF against it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .han import CJK
from .house import house
from .model import Figure, FigureSize

PT = 25.4 / 72  # mm per point
LINE_PT = house().line_pt  # body line pitch (layouts/house.toml)
TYPE_AREA_MM = (house().area_width * PT, house().area_height * PT)  # the house grid's type area
COVER_TYPE_AREA_MM = (170.0, 247.0)  # @page inside-cover: margins 20 20 18 20
GUTTER_MM = house().gutter * PT  # between the two columns
FIGURE_MARGIN_PT = 8.4  # above and below a figure
CAPTION_SIZE_PT = 9.0
CAPTION_LINE_PT = 14.0
CAPTION_GAP_PT = 4.0  # between picture and caption
HALF_GAP_MM = 10.5 * PT  # between a half-width picture and the text beside it
MIN_DPI, GOOD_DPI = 150, 300

_HEIGHT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mm|cm)\s*$")
_WIDE_CHAR = re.compile(f"[{CJK}“”‘’—…·]")


def parse_height(text: str) -> float | None:
    """``60mm`` or ``6cm`` → 60.0; None when it is not a length in mm or cm."""
    match = _HEIGHT.match(text)
    if not match:
        return None
    value = float(match.group(1))
    return value * 10 if match.group(2) == "cm" else value


@dataclass(frozen=True)
class PrintedSize:
    """The printed box of one picture and how it came about."""

    width_mm: float  # the picture itself
    height_mm: float
    slot_mm: float  # the width it was sized for (column, measure or half a column)
    caption_lines: int
    block_mm: float  # picture + caption + space around them: a whole number of lines
    dpi: float  # at the printed size; 0 when the file's size is unknown
    scaled_because: str = ""  # why it prints smaller than its size asked, or ""

    @property
    def pad_mm(self) -> float:
        """Space under the figure that brings it to a whole number of lines."""
        return self.block_mm - self.height_mm - self._caption_mm - 2 * FIGURE_MARGIN_PT * PT

    @property
    def _caption_mm(self) -> float:
        return (CAPTION_GAP_PT + self.caption_lines * CAPTION_LINE_PT) * PT if self.caption_lines else 0.0


def caption_lines(caption: str, width_mm: float) -> int:
    """Lines the caption takes at ``width_mm`` (Han a full em of 9 pt, Latin about half).

    A caption is display text: the print edition breaks it between words only
    (:mod:`.words`), so its lines are filled word by word, as the layout does.
    """
    if not caption:
        return 0
    from . import words

    per_line = max(1.0, math.floor(width_mm / (CAPTION_SIZE_PT * PT) + 1e-6))  # whole characters
    lines, used = 1, 0.0
    for word in words.words_of(caption):
        ems = sum(1.0 if _WIDE_CHAR.match(ch) else 0.55 for ch in word)
        if used and used + ems > per_line + 1e-6:
            lines, used = lines + 1, 0.0
        while ems > per_line:  # a word longer than a line breaks where it must
            lines, ems = lines + 1, ems - per_line
        used += ems
    return lines


def slot_width(size: FigureSize, columns: int) -> float:
    measure = TYPE_AREA_MM[0]
    column = (measure - GUTTER_MM) / 2 if columns == 2 else measure
    if size is FigureSize.WIDE:
        return measure
    if size is FigureSize.HALF:
        return (column - HALF_GAP_MM) / 2
    return column


def place(figure: Figure, columns: int, *, cover_page: bool = False) -> PrintedSize:
    """The printed size of ``figure`` in an article of ``columns`` columns."""
    slot = slot_width(figure.size, columns)
    px_w, px_h = figure.pixels
    ratio = px_w / px_h if px_w and px_h else 4 / 3  # unknown: the loader has reported the file
    why = ""
    if figure.height_mm is not None:
        height, width = figure.height_mm, figure.height_mm * ratio
        if width > slot + 0.05:
            why = (
                f"height={figure.height_mm:g}mm would make it {width:.0f} mm wide, "
                f"wider than its {slot:.0f} mm {figure.size.value} slot"
            )
            width, height = slot, slot / ratio
    else:
        width, height = slot, slot / ratio
    area_height = (COVER_TYPE_AREA_MM if cover_page else TYPE_AREA_MM)[1]
    for _ in range(3):  # a narrower picture may wrap its caption into more lines
        lines = caption_lines(figure.caption, width)
        caption_mm = (CAPTION_GAP_PT + lines * CAPTION_LINE_PT) * PT if lines else 0.0
        # whole lines, one to spare: the column's last line may hold a few points less
        lines_room = math.floor(area_height / (LINE_PT * PT) + 1e-6) - 1
        room = lines_room * LINE_PT * PT - 2 * FIGURE_MARGIN_PT * PT - caption_mm
        if height <= room + 0.05:
            break
        if not why:
            why = (
                f"at {width:.0f} mm wide it would be {height:.0f} mm high; with its caption "
                f"a page holds {room:.0f} mm"
            )
        height, width = room, room * ratio
    lines = caption_lines(figure.caption, width)
    caption_mm = (CAPTION_GAP_PT + lines * CAPTION_LINE_PT) * PT if lines else 0.0
    natural = height + caption_mm + 2 * FIGURE_MARGIN_PT * PT
    line_mm = LINE_PT * PT
    block = math.ceil(natural / line_mm - 1e-6) * line_mm
    dpi = px_w / (width / 25.4) if px_w else 0.0
    return PrintedSize(
        width_mm=round(width, 2),
        height_mm=round(height, 2),
        slot_mm=round(slot, 2),
        caption_lines=lines,
        block_mm=block,
        dpi=dpi,
        scaled_because=why,
    )
