"""Picture sizes (figures.py): what each {size=…}/{height=…} prints as, and why a picture is scaled."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from qhgy_publish.check.layout_pictures import PlacedPicture
from qhgy_publish.errors import Loc
from qhgy_publish.figures import GUTTER_MM, LINE_PT, PT, TYPE_AREA_MM, caption_lines, parse_height, place
from qhgy_publish.model import Figure, FigureSize

MEASURE = TYPE_AREA_MM[0]  # the house grid's type area width (layouts/house.toml)
COLUMN = (MEASURE - GUTTER_MM) / 2  # two columns with a 2-em gutter


def fig(
    pixels: tuple[int, int], size: str = "column", height: float | None = None, caption: str = "图注"
) -> Figure:
    return Figure(
        src=Path("/x.jpg"),
        alt="图",
        caption=caption,
        loc=Loc(Path("/a.md"), 3),
        size=FigureSize(size),
        height_mm=height,
        pixels=pixels,
    )


# (pixels, size, height, columns) → (width mm, height mm, scaled?)
CASES = {
    "16:9 a column wide": ((1600, 900), "column", None, 2, (COLUMN, COLUMN * 9 / 16, False)),
    "16:9 across both columns": ((3200, 1800), "wide", None, 2, (MEASURE, MEASURE * 9 / 16, False)),
    "3:4 half a column": (
        (900, 1200),
        "half",
        None,
        2,
        ((COLUMN - 10.5 * PT) / 2, (COLUMN - 10.5 * PT) / 2 * 4 / 3, False),
    ),
    "16:9 in a one-column speech": ((2400, 1350), "column", None, 1, (MEASURE, MEASURE * 9 / 16, False)),
    "4:3 at 50 mm high": ((1000, 750), "column", 50.0, 2, (50 * 4 / 3, 50, False)),
}


@pytest.mark.parametrize("case", CASES)
def test_sizes(case: str) -> None:
    pixels, size, height, columns, (w, h, scaled) = CASES[case]
    placed = place(fig(pixels, size, height), columns)
    assert placed.width_mm == pytest.approx(w, abs=0.01)
    assert placed.height_mm == pytest.approx(h, abs=0.01)
    assert bool(placed.scaled_because) is scaled


def test_a_tall_picture_is_scaled_to_fit_the_type_area_with_its_caption() -> None:
    placed = place(
        fig((960, 2880), caption="中广核德令哈光热电站的吸热塔高约200米，周围环布2万余面定日镜。"), 2
    )
    line = LINE_PT * PT
    assert placed.block_mm <= TYPE_AREA_MM[1] - line + 0.01  # picture, caption, margins: a line to spare
    assert placed.width_mm == pytest.approx(placed.height_mm / 3, abs=0.01)  # proportions kept
    assert f"{COLUMN * 3:.0f} mm high" in placed.scaled_because  # a column wide it would be 3 × that high


def test_a_given_height_that_would_be_too_wide_keeps_the_column_width() -> None:
    placed = place(fig((1600, 900), height=120.0), 2)
    assert placed.width_mm == pytest.approx(COLUMN, abs=0.01)
    assert placed.scaled_because.startswith("height=120mm would make it 213 mm wide")


def test_block_is_whole_lines_and_dpi_is_at_printed_size() -> None:
    placed = place(fig((1000, 563)), 2)
    lines = placed.block_mm / (LINE_PT * PT)
    assert abs(lines - round(lines)) < 1e-6 and placed.pad_mm >= 0
    assert placed.dpi == pytest.approx(1000 / (COLUMN / 25.4))


def test_caption_lines_count_han_as_full_width() -> None:
    assert caption_lines("", 80) == 0
    width = 9 * PT * 10.5  # ten and a half Han characters: ten a line
    assert caption_lines("一" * 10, width) == 1 and caption_lines("一" * 11, width) == 2
    assert caption_lines("ABCDEFGHIJKLMNOPQR", width) == math.ceil(18 * 0.55 / 10)


def test_parse_height() -> None:
    assert parse_height("60mm") == 60 and parse_height("6 cm") == 60 and parse_height("6.5cm") == 65
    assert parse_height("60") is None and parse_height("60px") is None


def test_layout_problems_are_named() -> None:
    area = (0.0, 0.0, 600.0, 900.0)
    ok = PlacedPicture("a-fig", Loc(Path("/a.md"), 3), (5,), (0, 100, 300, 400), (0, 405, 300, 430), area)
    assert ok.problems() == []
    past = PlacedPicture("a-fig", Loc(Path("/a.md"), 3), (5,), (0, 700, 300, 950), (0, 955, 300, 980), area)
    assert past.problems() == ["runs past the type area", "its caption runs past the type area"]
    split = PlacedPicture("a-fig", Loc(Path("/a.md"), 3), (5, 6), (0, 100, 300, 400), None, area)
    assert split.problems() == ["split over PDF pages 6, 7"]
    apart = PlacedPicture("a-fig", Loc(Path("/a.md"), 3), (5,), (0, 100, 300, 400), (0, 500, 300, 530), area)
    assert apart.problems() == ["its caption is not directly under it"]
