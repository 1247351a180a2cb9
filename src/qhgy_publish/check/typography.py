"""Measure Chinese typography on a PDF: justification, kinsoku, punctuation compression.

The instrument behind the print tests and `qhgy check`. It reads the PDF
(pdfplumber), never our HTML: body-size characters are grouped into lines per
column; a line is *ragged* when it ends more than 0.5 pt short of its column's
right edge and is not the last line of its paragraph (the next line of the
column starts with the 2-em indent, or is not body text). Lines at a column's
foot are not judged (the paragraph may go on in the next column or page).
"""

from __future__ import annotations

import statistics
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

NO_START = set("。．，、：；！？”’」』）］｝】〗〕》〉～·・")
NO_END = set("“‘「『（［｛【〖〔《〈")
MARKS = set("，。、：；！？“”‘’（）《》〈〉【】「」『』〔〕〖〗［］｛｝")
INVISIBLE = {"\u200b", "\u2060"}


@dataclass
class Line:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    size: float
    chars: list[dict] = field(repr=False, default_factory=list)


@dataclass
class TypographyReport:
    lines: int = 0
    judged: int = 0
    ragged: list[tuple[int, float, str]] = field(default_factory=list)  # page, shortfall pt, text
    bad_starts: list[tuple[int, str]] = field(default_factory=list)
    bad_ends: list[tuple[int, str]] = field(default_factory=list)
    pairs: int = 0
    compressed: int = 0

    @property
    def compressed_ratio(self) -> float:
        return self.compressed / self.pairs if self.pairs else 1.0

    def summary(self) -> str:
        return (
            f"{self.lines} body lines, {self.judged} judged non-final: {len(self.ragged)} ragged "
            f"(> 0.5 pt short); {len(self.bad_starts)} start / {len(self.bad_ends)} end with a forbidden mark; "
            f"{self.compressed}/{self.pairs} punctuation pairs compressed ({self.compressed_ratio:.1%})"
        )


def _lines_of_page(page, number: int, body_size: float) -> list[list[Line]]:
    """Body lines of a page, as columns of lines top to bottom."""
    chars = [c for c in page.chars if abs(c["size"] - body_size) < 0.3 and c["text"] not in INVISIBLE]
    rows: dict[int, list[dict]] = defaultdict(list)
    for c in chars:
        rows[round(c["matrix"][5] * 2)].append(c)  # the baseline: faces differ in ascent
    segments: list[Line] = []
    for _, row in sorted(rows.items()):
        row.sort(key=lambda c: c["x0"])
        current = [row[0]]
        for c in row[1:]:
            if c["x0"] - current[-1]["x1"] > 1.5 * body_size:  # the gutter: a new column
                segments.append(_line(current, number))
                current = [c]
            else:
                current.append(c)
        segments.append(_line(current, number))
    columns: dict[int, list[Line]] = defaultdict(list)
    # The middle of the body text, not of the page: pdfplumber's x origin differs
    # between PDFs with and without a slug around the trim.
    middle = (min(s.x0 for s in segments) + max(s.x1 for s in segments)) / 2 if segments else 0
    for s in segments:
        columns[0 if s.x0 < middle - body_size else 1].append(s)
    return [sorted(col, key=lambda line: line.top) for _, col in sorted(columns.items())]


def _line(chars: list[dict], page: int) -> Line:
    return Line(
        page,
        "".join(c["text"] for c in chars),
        chars[0]["x0"],
        chars[-1]["x1"],
        chars[0]["top"],
        chars[0]["size"],
        chars,
    )


def measure(pdf_path: Path, body_size: float = 10.5) -> TypographyReport:
    report = TypographyReport()
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for column in _lines_of_page(page, number, body_size):
                _judge(column, report, body_size)
    return report


def _judge(column: list[Line], report: TypographyReport, size: float) -> None:
    if not column:
        return
    edge = (
        statistics.mode(round(line.x1, 0) for line in column)
        if len(column) > 2
        else max(line.x1 for line in column)
    )
    left = min(line.x0 for line in column)
    for i, line in enumerate(column):
        report.lines += 1
        text = line.text
        if text[:1] in NO_START:
            report.bad_starts.append((line.page, text[:12]))
        if text[-1:] in NO_END:
            report.bad_ends.append((line.page, text[-12:]))
        for a, b in zip(line.chars, line.chars[1:], strict=False):
            if a["text"] in MARKS and b["text"] in MARKS:
                report.pairs += 1
                if b["x0"] - a["x0"] < 0.9 * a["size"] or (b["x1"] - b["x0"]) < 0.6 * b["size"]:
                    report.compressed += 1
        nxt = column[i + 1] if i + 1 < len(column) else None
        if nxt is None or nxt.top - line.top > 2.5 * size:
            continue  # column foot or a gap (heading, figure): the paragraph may go on elsewhere
        if nxt.x0 - left > 1.5 * size:
            continue  # next line indented: this one ends its paragraph
        if line.x0 - left > 2.5 * size:
            continue  # centred or right-aligned text, not body
        report.judged += 1
        short = edge - line.x1
        if short > 0.5:
            report.ragged.append((line.page, round(short, 1), text[-10:]))


def main(argv: list[str]) -> int:
    report = measure(Path(argv[0]))
    print(report.summary())
    for page, short, text in report.ragged[:20]:
        print(f"  ragged p{page}: {short} pt short …{text}")
    for page, text in report.bad_starts[:10]:
        print(f"  starts with a forbidden mark p{page}: {text}")
    for page, text in report.bad_ends[:10]:
        print(f"  ends with a forbidden mark p{page}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
