"""The real issue's extracted text, read for tests that compare against it.

A copy of ../shared/seed/000_0ae9b1b1d7081230.txt lives in tests/fixtures/seed/, so the
tests run from a clone anywhere (CI's clean clone has no ../shared beside it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SEED = Path(__file__).resolve().parent / "fixtures" / "seed" / "000_0ae9b1b1d7081230.txt"
COLUMN_NAMES_LINE_RANGE = (52, 158)  # the contents, seed L52–158


@dataclass(frozen=True)
class ContentsEntry:
    column: str
    title: str
    author: str | None
    page: int


@cache
def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").split("\n")


@cache
def contents() -> list[ContentsEntry]:
    """The printed contents: a 栏目 line, then `title<TAB>[/ author ]page` lines."""
    lines = seed_lines()
    first, last = COLUMN_NAMES_LINE_RANGE
    entries: list[ContentsEntry] = []
    column = None
    for raw in lines[first - 1 : last]:
        line = raw.strip()
        match = re.match(r"^(.*?)\t(?:/ (\S+) )?(\d+)$", line)
        if match:
            assert column, f"contents entry before any 栏目: {line}"
            entries.append(ContentsEntry(column, match.group(1).strip(), match.group(2), int(match.group(3))))
        elif line and "\t" not in line and not line.startswith("-") and len(line) <= 16:
            column = line
    return entries
