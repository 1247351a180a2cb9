"""An issue folder: ``issue.yaml`` plus ``articles/*.md``, loaded into :class:`Issue`."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import Finding, Loc, SourceErrors, source_error
from ..limits import MAX_ARTICLES, MAX_ISSUE_CHARS, MAX_ISSUE_SOURCE_BYTES, MAX_PICTURES, MAX_SOURCE_BYTES
from ..model import Article, Column, Issue, IssueMeta, Placement
from .article import article_characters, load_article
from .fillers import load_fillers
from .images import inspect_image, resolve_image
from .text import read_source
from .validate import validate
from .yamlloc import LineMap, load_yaml

ISSUE_FILE = "issue.yaml"
ARTICLES_DIR = "articles"
# An issue folder's name: year and 期号, e.g. 2025-01 (ASCII digits only).
ISSUE_ID = re.compile(r"([0-9]{4})-([0-9]{2})\Z")  # \Z, not $: “2025-02\n” is no id


def load_meta(root: Path) -> tuple[IssueMeta | None, LineMap | None, list[Finding]]:
    """Load and validate ``issue.yaml``."""
    meta, lines, errors, _ = _read_meta(root)
    return meta, lines, errors


def planned_pages(root: Path) -> dict[str, int]:
    """The page budget of each 栏目 that has one in ``issue.yaml`` (``pages:``), by 栏目 name."""
    return _read_meta(root)[3]


def _read_meta(root: Path) -> tuple[IssueMeta | None, LineMap | None, list[Finding], dict[str, int]]:
    """``issue.yaml`` validated, with the page budget of each 栏目 that has one."""
    path = root / ISSUE_FILE
    if not path.is_file():
        return (
            None,
            None,
            [
                source_error(
                    Loc(path),
                    "no issue.yaml in the issue folder",
                    "create one with `qhgy new <issue-id>`",
                    "S-001",
                )
            ],
            {},
        )
    text, problem = read_source(path, root)
    if problem:
        return None, None, [problem], {}
    data, lines, errors = load_yaml(text or "", path)
    if errors:
        return None, lines, errors, {}
    if not isinstance(data, dict):
        return (
            None,
            lines,
            [
                source_error(
                    Loc(path, 1),
                    "issue.yaml is not a list of “key: value” lines",
                    "see docs/source-format.md",
                    "S-002",
                )
            ],
            {},
        )
    data, budgets, budget_errors, nameless = column_budgets(data, lines)
    meta, errors = validate(IssueMeta, data, lines, "S-010")
    # A 栏目 entry without name: is said once, by column_budgets, not again as a missing string.
    errors = [e for e in errors if not any(e.message.startswith(f"“columns.{i}”") for i in nameless)]
    errors = budget_errors + errors
    if meta is None:
        return None, lines, errors, {}
    errors += _check_meta(meta, lines, root)
    return meta, lines, errors, budgets


def column_budgets(data: dict, lines: LineMap) -> tuple[dict, dict[str, int], list[Finding], list[int]]:
    """The 栏目 of ``columns:`` written as ``name:`` with ``pages:`` (the pages planned for it)
    read apart: the data with every entry as its bare name, each budget by 栏目, the
    problems, and the indexes of entries without a name."""
    columns = data.get("columns")
    if not isinstance(columns, list):
        return data, {}, [], []
    names: list[object] = []
    budgets: dict[str, int] = {}
    errors: list[Finding] = []
    nameless: list[int] = []
    for i, entry in enumerate(columns):
        if not isinstance(entry, dict):
            names.append(entry)
            continue
        for key in entry:
            if key not in ("name", "pages"):
                errors.append(
                    source_error(
                        lines.loc(("columns", i, key)),
                        f"unknown key “columns.{i}.{key}”",
                        "a 栏目 written as a mapping holds name: and pages: only, e.g. "
                        "“- name: 工会要闻” with “pages: 6” under it (docs/source-format.md)",
                        "S-010",
                    )
                )
        name = entry.get("name")
        names.append(name)
        if name is None:
            nameless.append(i)
            errors.append(
                source_error(
                    lines.loc(("columns", i)),
                    "a 栏目 without its name",
                    "write “- name: 工会要闻” with “pages: 6” under it, or just “- 工会要闻”",
                    "S-010",
                )
            )
        if "pages" not in entry:
            continue
        pages = entry["pages"]
        if isinstance(pages, bool) or not isinstance(pages, int) or pages < 1:
            errors.append(
                source_error(
                    lines.loc(("columns", i, "pages")),
                    f"the page budget of 栏目 “{name}” is {pages!r}, not a number of pages",
                    "write the pages planned for this 栏目 as a whole number above 0 without quotes, "
                    "e.g. pages: 6, or leave pages: out",
                    "S-016",
                )
            )
        elif isinstance(name, str):
            budgets[name.strip()] = pages
    return {**data, "columns": names}, budgets, errors, nameless


def _check_meta(meta: IssueMeta, lines: LineMap, root: Path) -> list[Finding]:
    errors: list[Finding] = []
    seen: set[str] = set()
    for i, name in enumerate(meta.columns):
        if name in seen:
            errors.append(
                source_error(lines.loc(("columns", i)), f"栏目 “{name}” is listed twice", "keep one", "S-011")
            )
        seen.add(name)
    for i, key in enumerate(meta.placeholders):
        node: object = meta
        for part in key.split("."):
            node = getattr(node, part, None)
        if node is None:
            errors.append(
                source_error(
                    lines.loc(("placeholders", i)),
                    f"placeholder “{key}” names no key of issue.yaml",
                    "write a dotted key such as colophon.permit",
                    "S-012",
                )
            )
    path, problem = resolve_image(str(meta.cover.image), root)
    if problem or (problem := inspect_image(path)):
        errors.append(source_error(lines.loc(("cover", "image")), *problem, "S-013"))
    errors += _check_folder_name(meta, lines, root)
    return errors


def _check_folder_name(meta: IssueMeta, lines: LineMap, root: Path) -> list[Finding]:
    """A folder named year-期号 must hold that issue: its outputs are named after the folder."""
    match = ISSUE_ID.fullmatch(root.name)
    if not match:
        return []
    year, number = int(match.group(1)), int(match.group(2))
    errors = []
    for key, folder, written in (("year", year, meta.year), ("number", number, meta.number)):
        if folder != written:
            errors.append(
                source_error(
                    lines.loc((key,)),
                    f"{key}: {written} in issue.yaml, but the folder “{root.name}” says {folder}: "
                    f"the outputs would be named qhgy-{root.name}-… and print {meta.label}",
                    f"rename the folder to {meta.year}-{meta.number:02d}, or correct {key}: in issue.yaml",
                    "S-015",
                )
            )
    return errors


def load_issue(root: Path) -> Issue:
    """Load the issue folder ``root``; raise :class:`SourceErrors` listing every problem."""
    root = root.resolve()
    if not root.is_dir():
        raise SourceErrors(
            [source_error(Loc(root), "no such issue folder", "give a folder such as content/2025-01", "S-000")]
        )
    meta, _, errors, budgets = _read_meta(root)
    if meta is None:
        raise SourceErrors(errors)
    if outside := _layout_links_outside(root):
        raise SourceErrors([*errors, *outside])
    folder = root / ARTICLES_DIR
    if not folder.resolve().is_relative_to(root):
        outside = source_error(
            Loc(folder),
            f"the articles folder leads to {folder.resolve()}, outside the issue folder (through a link): "
            "nothing in it was read",
            "copy the articles into the issue folder instead of linking to them",
            "S-004",
        )
        raise SourceErrors([*errors, outside])
    files = sorted(folder.glob("*.md"))
    if len(files) > MAX_ARTICLES:
        raise SourceErrors(
            [
                source_error(
                    Loc(root / ARTICLES_DIR),
                    f"{len(files)} article files; an issue may hold at most {MAX_ARTICLES} (2025-01 has 49)",
                    "check that this is the issue's articles folder, or split the issue",
                    "S-163",
                )
            ]
        )
    # A file over the limit of one file is named by itself (read_source): it is left out of the sum.
    sizes = [_size(f) for f in files]
    if (size := sum(n for n in sizes if n <= MAX_SOURCE_BYTES)) > MAX_ISSUE_SOURCE_BYTES:
        raise SourceErrors(
            [
                source_error(
                    Loc(root / ARTICLES_DIR),
                    f"the article files hold {size / 1e6:.1f} MB together; an issue may hold at most "
                    f"{MAX_ISSUE_SOURCE_BYTES / 1e6:.0f} MB (2025-01: 0.3 MB)",
                    "check that this is the issue's articles folder, or split the issue",
                    "S-166",
                )
            ]
        )
    if not files:
        errors.append(
            source_error(
                Loc(root / ARTICLES_DIR),
                "the issue has no articles",
                "add Markdown files to articles/",
                "S-003",
            )
        )
    articles: list[Article] = []
    pictures = 1  # the cover
    for path in files:
        article, problems = load_article(path, root, meta.columns)
        errors += problems
        if article:
            articles.append(article)
            pictures += len(article.figures)
        if pictures > MAX_PICTURES:  # stop before opening yet more pictures
            break
    errors += _duplicates(articles)
    errors += _totals(articles, root)
    fillers, filler_errors = load_fillers(root, meta.columns)
    errors += filler_errors
    if errors:
        raise SourceErrors(errors)
    by_column = {
        name: [a for a in articles if a.meta.placement is Placement.BODY and a.meta.column == name]
        for name in meta.columns
    }
    # A 栏目 without articles this issue is left out: no contents heading, no band, no blank
    # page; `qhgy check` and `qhgy build` say so (S-014, check/sources.py).
    by_column = {name: arts for name, arts in by_column.items() if arts}
    if articles and not by_column:
        raise SourceErrors(
            [
                source_error(
                    Loc(root / ARTICLES_DIR),
                    "no article stands in a 栏目: the issue would print no pages",
                    "give at least one article a column: from issue.yaml's columns",
                    "S-003",
                )
            ]
        )
    return Issue(
        id=root.name,
        root=root,
        meta=meta,
        inside_front=[a for a in articles if a.meta.placement is Placement.INSIDE_FRONT_COVER],
        columns=[Column(name=n, articles=arts, pages=budgets.get(n)) for n, arts in by_column.items()],
        inside_back=[a for a in articles if a.meta.placement is Placement.INSIDE_BACK_COVER],
        fillers=fillers,
    )


def _layout_links_outside(root: Path) -> list[Finding]:
    """The issue's own layouts/ (templates and stylesheets that override the house's) must lie
    inside the issue folder too: a link out of it is refused before any template is read."""
    own = root / "layouts"
    if not own.exists():
        return []
    found = []
    inside = [Path(d) / n for d, dirs, files in os.walk(own) for n in [*dirs, *files]]  # links not followed
    for path in [own, *inside]:
        real = path.resolve()
        if not real.is_relative_to(root):
            found.append(
                source_error(
                    Loc(path),
                    f"“{path.relative_to(root)}” leads to {real}, outside the issue folder (through a link): "
                    "it was not read",
                    "copy the layout file into the issue's layouts/ folder instead of linking to it",
                    "S-004",
                )
            )
            if path == own:
                break
    return found


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # a dangling link: load_article names it
        return 0


def _totals(articles: list[Article], root: Path) -> list[Finding]:
    """The issue-wide limits: characters and pictures (see load/limits.py)."""
    errors = []
    chars = sum(article_characters(a) for a in articles)
    if chars > MAX_ISSUE_CHARS:
        errors.append(
            source_error(
                Loc(root / ARTICLES_DIR),
                f"the articles hold {chars:,} characters; an issue may hold at most {MAX_ISSUE_CHARS:,} "
                "(2025-01 holds 98,366)",
                "split the issue, or check for an article pasted in twice",
                "S-166",
            )
        )
    pictures = 1 + sum(len(a.figures) for a in articles)
    if pictures > MAX_PICTURES:
        errors.append(
            source_error(
                Loc(root / ARTICLES_DIR),
                f"{pictures:,} pictures with the cover; an issue may hold at most {MAX_PICTURES:,} (2025-01 has 44)",
                "remove pictures, or split the issue",
                "S-164",
            )
        )
    return errors


def slug(article: Article) -> str:
    """The file name without its order number: 010-xinnian-heci → xinnian-heci."""
    return article.id.split("-", 1)[1] if article.id[:1].isdigit() and "-" in article.id else article.id


def _duplicates(articles: list[Article]) -> list[Finding]:
    errors = []
    slugs: dict[str, Article] = {}
    for art in articles:
        other = slugs.get(slug(art))
        if other:
            errors.append(
                source_error(
                    Loc(art.path, 1),
                    f"the name “{slug(art)}” is also used by {other.path.name}",
                    "rename one of the files: the part after the number names the article in the EPUB and the preview",
                    "S-126",
                )
            )
        slugs[slug(art)] = art
    titles: dict[str, Article] = {}
    for art in articles:
        other = titles.get(art.title_text)
        if other:
            errors.append(
                source_error(
                    Loc(art.path, 2),
                    f"the title “{art.title_text}” is also the title of {other.path.name}",
                    "give each article its own title",
                    "S-125",
                )
            )
        titles[art.title_text] = art
    return errors
