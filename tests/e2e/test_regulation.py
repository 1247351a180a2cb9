"""Regulation text on the printed page (kind: regulation in the second sample issue), read from the PDF."""

from __future__ import annotations

import re

import pdfplumber
import pytest

from qhgy_publish.check.sources import check_sources
from qhgy_publish.load import load_issue
from qhgy_publish.model import Kind

MM = 72 / 25.4


@pytest.fixture(scope="module")
def lines(second) -> list[list[dict]]:
    """Text lines (chars sorted left to right, each column apart) of the pages the regulations print on."""
    first = min(second.result.layout.article_pages[a.id] for a in _regulations(second))
    out = []
    with pdfplumber.open(second.screen_pdf) as pdf:
        for page in pdf.pages[second.pdf_index(first) : second.pdf_index(first) + 5]:
            rows: dict[tuple[int, bool], list[dict]] = {}
            for c in page.chars:  # a line of each column on its own, by baseline (faces differ in ascent)
                rows.setdefault((round(c["matrix"][5] * 2), c["x0"] > page.width / 2), []).append(c)
            out += [sorted(row, key=lambda c: c["x0"]) for _, row in sorted(rows.items(), key=lambda kv: (-kv[0][0], kv[0][1]))]
    return out


def _regulations(second) -> list:  # type: ignore[type-arg]
    return [a for a in second.issue.body_articles if a.meta.kind is Kind.REGULATION]


def _gap_after(row: list[dict], text: str) -> float | None:
    joined = "".join(c["text"] for c in row)
    at = joined.find(text)
    if at < 0 or at + len(text) >= len(row):
        return None
    last = row[at + len(text) - 1]
    following = next((c for c in row[at + len(text) :] if c["text"].strip()), None)  # past the space itself
    return None if following is None else (following["x0"] - last["x1"]) / last["size"]


def test_the_full_width_space_after_a_clause_number_prints(lines) -> None:
    gaps = {}
    for row in lines:
        joined = "".join(c["text"] for c in row)
        for number in re.findall(r"^(第[一二三四五六七八九十]+[条章])", joined):
            gaps[number] = _gap_after(row, number)
    assert "第一条" in gaps and "第二十条" in gaps and "第一章" in gaps, sorted(gaps)
    assert all(g is not None and 0.85 <= g <= 1.3 for g in gaps.values()), sorted(gaps.items(), key=lambda kv: -(kv[1] or 9))  # one em, not deleted


def test_clause_numbers_are_set_in_the_heading_face(lines) -> None:
    for row in lines:
        joined = "".join(c["text"] for c in row)
        if joined.startswith("第一条"):
            assert all("Sans" in c["fontname"] or "Heading" in c["fontname"] for c in row[:3]), row[0][
                "fontname"
            ]
            assert not any("Sans" in c["fontname"] for c in row[4:8])  # the text after it is the body face
            return
    pytest.fail("第一条 not found")


def test_signature_and_date_stand_right(second, lines) -> None:
    for article in _regulations(second):
        date_rows = [r for r in lines if "".join(c["text"] for c in r) == article.meta.date]
        sign_rows = [
            r
            for r in lines
            if "".join(c["text"] for c in r).replace("\u3000", "")
            == article.meta.signature.replace("\u3000", "")
        ]
        assert date_rows and sign_rows, article.meta.date
        date, sign = date_rows[-1], sign_rows[-1]
        assert date[0]["x0"] > date[0]["size"] * 4  # right of the column's start
        centre = lambda row: (row[0]["x0"] + row[-1]["x1"]) / 2  # noqa: E731
        assert abs(centre(date) - centre(sign)) < 1.5  # 落款 centred over the date


def test_typed_full_width_spaces_draw_no_warning() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "fixtures" / "2025-06"
    found = [f for f in check_sources(load_issue(root)) if f.code in ("T-301", "T-302")]
    assert found == []
