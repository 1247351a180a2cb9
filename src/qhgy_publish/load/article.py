"""One article file: YAML front matter between ``---`` lines, then a Markdown body."""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Finding, Loc, source_error
from ..limits import (
    MAX_ARTICLE_BLOCKS,
    MAX_ARTICLE_CHARS,
    MAX_FIELD_CHARS,
    MAX_PARAGRAPH_CHARS,
    MAX_PICTURES,
)
from ..model import (
    Article,
    Block,
    Figure,
    FrontMatter,
    Heading,
    Kind,
    Placement,
    figures,
    iter_blocks,
    map_figures,
    paragraphs,
)
from .images import inspect_image, pixel_size
from .markdown import parse_body
from .regulation import regulation_blocks
from .text import read_source
from .validate import validate
from .yamlloc import LineMap, load_yaml


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Return (front matter, body, body's first line index) or None without front matter."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 1
    return None


@dataclass(frozen=True)
class SourceHead:
    data: Any  # the YAML as loaded (checked by the caller's model)
    lines: LineMap  # the line of each key
    body: str
    body_start: int  # index of the body's first line in the file


def read_front_matter(text: str, path: Path, hint: str, code: str) -> tuple[SourceHead | None, list[Finding]]:
    """The front matter of an article or 补白 file and its body, or the problems: none at all
    (``code``, with ``hint`` saying how to start the file), or YAML that does not load."""
    parts = split_front_matter(text)
    if parts is None:
        return None, [source_error(Loc(path, 1), "no front matter", hint, code)]
    head, body, body_start = parts
    data, lines, errors = load_yaml(head, path, line_offset=1)
    if errors:
        return None, errors
    return SourceHead(data, lines, body, body_start), []


def front_matter_lines(path: Path) -> LineMap:
    """The line of each front-matter key of an article that loaded (read again: only errors need it)."""
    text, _ = read_source(path)
    parts = split_front_matter(text or "")
    _, lines, _ = load_yaml(parts[0] if parts else "", path, line_offset=1)
    return lines


# The preview loads the issue again after every save: an article whose text, 栏目 list and
# pictures are as they were is the article loaded before (parsing them all took ~0.5 s a save).
_LOADED: OrderedDict[tuple[str, str, str, tuple[str, ...]], tuple[Article, tuple]] = OrderedDict()
LOADED_KEPT = 512


def load_article(
    path: Path, issue_root: Path, columns: list[str]
) -> tuple[Article | None, list[Finding]]:
    """Load and validate one article; return it (or None) with every problem found."""
    text, problem = read_source(path, issue_root)
    if problem:
        return None, [problem]
    assert text is not None
    key = (str(path.resolve()), text, str(issue_root.resolve()), tuple(columns))
    if (kept := _LOADED.get(key)) is not None and _pictures_state(kept[0], issue_root) == kept[1]:
        _LOADED.move_to_end(key)
        return kept[0], []
    article, errors = _parse_article(text, path, issue_root, columns)
    if article is not None and (state := _pictures_state(article, issue_root)) is not None:
        _LOADED[key] = (article, state)
        while len(_LOADED) > LOADED_KEPT:
            _LOADED.popitem(last=False)
    return article, errors


def _pictures_state(article: Article, issue_root: Path) -> tuple | None:
    """What the article's pictures were read from: each picture file, and every entry of the
    issue's images/ folder (a link retargeted there changes its own entry); None if unreadable."""

    def stamp(st: os.stat_result) -> tuple[int, int, int]:
        return st.st_mtime_ns, st.st_size, st.st_ino

    try:
        own = tuple((str(f.src), stamp(f.src.stat())) for f in figures(article.blocks))
        folder = issue_root / "images"
        listed = (
            tuple(sorted((e.name, stamp(e.stat(follow_symlinks=False))) for e in os.scandir(folder)))
            if folder.is_dir()
            else ()
        )
    except OSError:
        return None
    return own, listed


def _parse_article(text: str, path: Path, issue_root: Path, columns: list[str]) -> tuple[Article | None, list[Finding]]:
    """:func:`load_article` once the file is read."""
    front, errors = read_front_matter(
        text, path, "start the file with a line “---”, the title and 栏目 as “key: value” lines, and another “---”", "S-120"
    )
    if front is None:
        return None, errors
    data, lines, body, body_start = front.data, front.lines, front.body, front.body_start
    if not isinstance(data, dict):
        return None, [
            source_error(
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
                source_error(
                    lines.loc(()),
                    "no “column” (栏目) is given",
                    f"add column: with one of {'、'.join(columns)}",
                    "S-123",
                )
            )
        elif meta.column not in columns:
            errors.append(
                source_error(
                    lines.loc(("column",)),
                    f"unknown 栏目 “{meta.column}”",
                    f"use one of {'、'.join(columns)}, or add it to columns: in issue.yaml",
                    "S-124",
                )
            )
    blocks, body_errors = parse_body(body, path, body_start, issue_root)
    errors += body_errors
    limit_errors = [e for e in body_errors if e.code.startswith("S-16")] + _size_errors(
        blocks, path, body_start
    )
    if limit_errors:
        return None, [
            *errors,
            *(e for e in limit_errors if e not in errors),
        ]  # nothing more is worth checking
    if meta.kind is Kind.REGULATION:
        blocks = regulation_blocks(blocks)
    if next(paragraphs(blocks), None) is None:
        errors.append(
            source_error(
                Loc(path, body_start + 1),
                "the article has no text",
                "write the article below the closing --- line, or delete the file",
                "S-130",
            )
        )
    pictures = list(figures(blocks))
    if len(pictures) > MAX_PICTURES:  # not one more picture is opened
        return None, [
            *errors,
            source_error(
                pictures[0].loc,
                f"{len(pictures):,} pictures in one article; an issue may hold at most {MAX_PICTURES:,} "
                "(2025-01 has 44)",
                "remove pictures, or split the issue",
                "S-164",
            ),
        ]
    for fig in pictures:
        if bad := inspect_image(fig.src):
            errors.append(source_error(fig.loc, *bad, "S-152"))
    if errors:
        return None, errors
    return Article(id=path.stem, path=path, meta=meta, blocks=_with_pixel_sizes(blocks)), []


def _with_pixel_sizes(blocks: list[Block]) -> list[Block]:
    """Each picture with its size in pixels (figures.py sizes it by its proportions): read only
    here, after the picture limit and inspect_image, so no header of a refused file is opened."""

    def sized(fig: Figure) -> Figure:
        return fig.model_copy(update={"pixels": pixel_size(fig.src)})

    return map_figures(blocks, sized)


def article_characters(article: Article) -> int:
    """The characters of an article's text (its paragraphs, notes and profile cards)."""
    return sum(len(p.text) for p in paragraphs(article.blocks))


def _size_errors(blocks: list[Block], path: Path, body_start: int) -> list[Finding]:
    """The article-size limits of load/limits.py: paragraph, article, number of blocks."""
    errors = []
    for p in paragraphs(blocks):
        if len(p.text) > MAX_PARAGRAPH_CHARS:
            errors.append(
                source_error(
                    p.loc,
                    f"a paragraph of {len(p.text):,} characters; one paragraph may hold at most "
                    f"{MAX_PARAGRAPH_CHARS:,} (the longest of 2025-01 holds 1,122)",
                    "break it into paragraphs with blank lines; a missing blank line or a pasted file "
                    "is the usual cause",
                    "S-161",
                )
            )
    for block in iter_blocks(blocks):
        texts = []
        if isinstance(block, Heading):
            texts = [("heading", block.text)]
        elif isinstance(block, Figure):
            texts = [("alt text", block.alt), ("caption", block.caption)]
        for what, text in texts:
            if len(text) > MAX_FIELD_CHARS:
                errors.append(
                    source_error(
                        block.loc,
                        f"a {what} of {len(text):,} characters; at most {MAX_FIELD_CHARS:,}",
                        "shorten it; a missing blank line after it is the usual cause",
                        "S-161",
                    )
                )
    chars = sum(len(p.text) for p in paragraphs(blocks))
    if chars > MAX_ARTICLE_CHARS:
        errors.append(
            source_error(
                Loc(path, body_start + 1),
                f"the article holds {chars:,} characters; one article may hold at most {MAX_ARTICLE_CHARS:,} "
                "(the longest of 2025-01 holds 14,317)",
                "split it into several articles, or check for text pasted in twice",
                "S-162",
            )
        )
    if len(blocks) > MAX_ARTICLE_BLOCKS:
        errors.append(
            source_error(
                Loc(path, body_start + 1),
                f"the article has {len(blocks):,} paragraphs, headings and pictures; one article may have "
                f"at most {MAX_ARTICLE_BLOCKS:,} (2025-01: at most 74)",
                "split it into several articles",
                "S-162",
            )
        )
    return errors
