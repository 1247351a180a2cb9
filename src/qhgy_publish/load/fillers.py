"""补白 (fillers): ``fillers/*.md``, short items the print make-up places where pages need them.

Same shape as an article file — YAML front matter, then a Markdown body —
with its own keys (docs/source-format.md, “补白”).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import Finding, Loc, source_error
from ..limits import MAX_ARTICLES
from ..model import Filler, FillerMeta, Paragraph
from .article import read_front_matter
from .markdown import parse_body
from .text import read_source
from .validate import validate

FILLERS_DIR = "fillers"


def load_fillers(root: Path, columns: list[str]) -> tuple[list[Filler], list[Finding]]:
    """Every filler of the issue folder ``root`` (none when it has no fillers/ folder).

    The folder and its files are held to the same rules as articles/: nothing
    outside the issue folder is read, through a link or otherwise.
    """
    fillers: list[Filler] = []
    errors: list[Finding] = []
    folder = root / FILLERS_DIR
    if not folder.exists():
        return [], []
    if not folder.resolve().is_relative_to(root.resolve()):
        return [], [
            source_error(
                Loc(folder),
                f"the fillers folder leads to {folder.resolve()}, outside the issue folder (through a link): "
                "nothing in it was read",
                "copy the 补白 into the issue folder instead of linking to them",
                "S-184",
            )
        ]
    files = sorted(folder.glob("*.md"))
    if len(files) > MAX_ARTICLES:
        return [], [
            source_error(
                Loc(folder),
                f"{len(files)} 补白 files; an issue may hold at most {MAX_ARTICLES}",
                "keep the 补白 this issue may use",
                "S-185",
            )
        ]
    for path in files:
        filler, problems = _load_filler(path, root, columns)
        errors += problems
        if filler is not None:
            fillers.append(filler)
    return fillers, errors


def _load_filler(path: Path, root: Path, columns: list[str]) -> tuple[Filler | None, list[Finding]]:
    text, problem = read_source(path, root)
    if problem:
        return None, [problem]
    front, errors = read_front_matter(
        text or "",
        path,
        "start the file with a line “---”, “kind: notice” (or quote, slogan, knowledge) and another “---”",
        "S-180",
    )
    if front is None:
        return None, errors
    data, lines, body, body_start = front.data, front.lines, front.body, front.body_start
    meta, errors = validate(FillerMeta, data if isinstance(data, dict) else {}, lines, "S-181")
    if meta is None:
        return None, errors
    for i, name in enumerate(meta.columns):
        if name not in columns:
            errors.append(
                source_error(
                    lines.loc(("columns", i)),
                    f"unknown 栏目 “{name}”",
                    f"use one of {'、'.join(columns)}, or leave columns: out to let any 栏目 carry it",
                    "S-182",
                )
            )
    blocks, body_errors = parse_body(body, path, body_start, root)
    errors += body_errors
    if not any(isinstance(b, Paragraph) for b in blocks):
        errors.append(
            source_error(Loc(path, body_start + 1), "the filler has no text", "write its text below the --- line", "S-183")
        )
    if errors:
        return None, errors
    return Filler(id=path.stem, path=path, meta=meta, blocks=blocks), []
