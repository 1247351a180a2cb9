"""Article pictures on the printed pages of the second sample issue, read from the PDF.

Each picture lies inside the type area on one page at the size figures.py
gives it, with its caption on the same page directly under it.
"""

from __future__ import annotations

import re

import pdfplumber
import pytest

from qhgy_publish.check.epub import check_epub
from qhgy_publish.check.layout_pictures import picture_warnings
from qhgy_publish.figures import PT
from qhgy_publish.model import Figure
from qhgy_publish.render.templates import figure_placement

MM = 72 / 25.4  # pt per mm


def type_area(index: int, pages: int) -> tuple[float, float, float, float]:
    """x0, top, x1, bottom (pt, trimmed page) of the type area of PDF page ``index``
    (layouts/house.toml; 封二 and 封三 have page.css's inside-cover margins)."""
    from qhgy_publish.house import house

    if index in (1, pages - 2):  # 封二, 封三: @page inside-cover, margins 20 20 18 20
        return 20 * MM, 20 * MM, 190 * MM, 267 * MM
    left_page = index % 2 == 1  # the cover is a right-hand page
    return house().area(left_page)


@pytest.fixture(scope="module")
def placed(second) -> list[tuple[int, dict, list[dict]]]:
    """(page index, image, chars of the page) for every picture of the screen PDF but the cover's."""
    out = []
    with pdfplumber.open(second.screen_pdf) as pdf:
        for index, page in enumerate(pdf.pages[1:], start=1):
            out += [(index, image, page.chars) for image in page.images]
    return out


def _figures(second) -> list[tuple[Figure, object]]:
    """Each article picture and its printed size: the source's, or the height the make-up gave it
    (a tall picture set lower to end with the text beside it, render/makeup/rules.py)."""
    plans = {a.id: plan for column, plan in zip(second.issue.columns, second.result.layout.plans, strict=True) for a in column.articles}
    return [
        (block, figure_placement(block, article, plans[article.id].height_of(f"{article.id}-b{i}") if article.id in plans else None))
        for article in second.issue.all_articles
        for i, block in enumerate(article.blocks)
        if isinstance(block, Figure)
    ]


def test_every_picture_lies_inside_the_type_area(second, placed) -> None:
    pages = len(second.page_texts)
    assert len(placed) >= len(_figures(second)) + 5  # article pictures and profile photos
    for index, image, _ in placed:
        x0, top, x1, bottom = type_area(index, pages)
        box = (image["x0"], image["top"], image["x1"], image["bottom"])
        assert x0 - 0.75 <= box[0] and box[2] <= x1 + 0.75, (index + 1, box)
        assert top - 0.75 <= box[1] and box[3] <= bottom + 0.75, (index + 1, box)


def test_pictures_print_at_their_size_with_the_caption_directly_under(second, placed) -> None:
    figures = _figures(second)
    assert {f.size.value for f, _ in figures} == {"column", "wide", "half"}
    for figure, size in figures:
        matches = [
            (index, image, chars)
            for index, image, chars in placed
            if abs(image["width"] - size.width_mm * MM) < 1 and abs(image["height"] - size.height_mm * MM) < 1
        ]
        assert len(matches) == 1, (figure.src.name, size)
        _, image, chars = matches[0]
        band = [
            c
            for c in chars
            if image["bottom"] <= c["top"] <= image["bottom"] + (4 + 14 * size.caption_lines) + 2
            and image["x0"] - 1 <= c["x0"] <= image["x1"] + 1
        ]
        text = "".join(c["text"] for c in sorted(band, key=lambda c: (round(c["top"]), c["x0"])))
        assert re.sub(r"\s", "", text) == re.sub(r"\s", "", figure.caption), figure.src.name
        han = [c for c in band if re.match(r"[\u4e00-\u9fff]", c["text"])]
        assert han and all(c["fontname"].endswith("QHGY-Kai") for c in han), figure.src.name  # 楷体 captions


def test_a_tall_picture_is_scaled_and_said_so(second) -> None:
    tall = next(f for f, _ in _figures(second) if f.pixels[1] >= 3 * f.pixels[0])
    article = next(a for a in second.issue.all_articles if tall in a.blocks)
    size = figure_placement(tall, article)
    assert size.scaled_because and size.height_mm < 243 - 2 * 8.4 * PT
    from qhgy_publish.check.pictures import check_pictures

    found = [f for f in check_pictures(second.issue) if f.code == "S-155"]
    assert [f.where for f in found] == [tall.loc]


def test_layout_check_finds_every_picture_in_place(second) -> None:
    assert picture_warnings(second.result.layout.facts, second.issue) == []
    assert not [w for w in second.result.warnings if "S-158" in w]


def test_second_issue_passes_epubcheck(second) -> None:
    findings = check_epub(second.epub)
    assert [f for f in findings if f.severity in ("error", "warning")] == [], "\n".join(map(str, findings))
