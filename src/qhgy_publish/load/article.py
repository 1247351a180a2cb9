"""One article file: YAML front matter between ``---`` lines, then a Markdown body."""

from __future__ import annotations

from pathlib import Path

from ..errors import Loc, SourceError
from ..model import Article, FrontMatter, Kind, Paragraph, Placement
from .images import inspect_image
from .markdown import parse_body
from .regulation import regulation_blocks
from .text import read_source
from .validate import validate
from .yamlloc import load_yaml


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Return (front matter, body, body's first line index) or None without front matter."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 1
    return None


def load_article(
    path: Path, issue_root: Path, columns: list[str]
) -> tuple[Article | None, list[SourceError]]:
    """Load and validate one article; return it (or None) with every problem found."""
    text, problem = read_source(path)
    if problem:
        return None, [problem]
    assert text is not None
    parts = split_front_matter(text)
    if parts is None:
        return None, [
            SourceError(
                Loc(path, 1),
                "no front matter",
                "start the file with a line “---”, the title and 栏目 as “key: value” lines, and another “---”",
                "S-120",
            )
        ]
    head, body, body_start = parts
    data, lines, errors = load_yaml(head, path, line_offset=1)
    if errors:
        return None, errors
    if not isinstance(data, dict):
        return None, [
            SourceError(
                Loc(path, 2),
                "the front matter is not a list of “key: value” lines",
                "write title: …, column: … between the --- lines",
                "S-121",
            )
        ]
    meta, errors = validate(FrontMatter, data, lines, "S-122")
    if meta is None:
        return None, errors
    if meta.placement is Placement.BODY:
        if meta.column is None:
            errors.append(
                SourceError(
                    lines.loc(()),
                    "no “column” (栏目) is given",
                    f"add column: with one of {'、'.join(columns)}",
                    "S-123",
                )
            )
        elif meta.column not in columns:
            errors.append(
                SourceError(
                    lines.loc(("column",)),
                    f"unknown 栏目 “{meta.column}”",
                    f"use one of {'、'.join(columns)}, or add it to columns: in issue.yaml",
                    "S-124",
                )
            )
    blocks, body_errors = parse_body(body, path, body_start, issue_root)
    errors += body_errors
    if meta.kind is Kind.REGULATION:
        blocks = regulation_blocks(blocks)
    if not any(isinstance(b, Paragraph) or getattr(b, "paragraphs", None) for b in blocks):
        errors.append(
            SourceError(
                Loc(path, body_start + 1),
                "the article has no text",
                "write the article below the closing --- line, or delete the file",
                "S-130",
            )
        )
    for block in blocks:
        figures = [block] if getattr(block, "type", "") == "figure" else [getattr(block, "figure", None)]
        for fig in figures:
            if fig is not None and (bad := inspect_image(fig.src)):
                errors.append(SourceError(fig.loc, *bad, "S-152"))
    if errors:
        return None, errors
    return Article(id=path.stem, path=path, meta=meta, blocks=blocks), []
