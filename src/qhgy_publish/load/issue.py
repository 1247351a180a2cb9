"""An issue folder: ``issue.yaml`` plus ``articles/*.md``, loaded into :class:`Issue`."""

from __future__ import annotations

from pathlib import Path

from ..errors import Loc, SourceError, SourceErrors
from ..model import Article, Column, Issue, IssueMeta, Placement
from .article import load_article
from .images import inspect_image, resolve_image
from .text import read_source
from .validate import validate
from .yamlloc import LineMap, load_yaml

ISSUE_FILE = "issue.yaml"
ARTICLES_DIR = "articles"


def load_meta(root: Path) -> tuple[IssueMeta | None, LineMap | None, list[SourceError]]:
    """Load and validate ``issue.yaml``."""
    path = root / ISSUE_FILE
    if not path.is_file():
        return (
            None,
            None,
            [
                SourceError(
                    Loc(path),
                    "no issue.yaml in the issue folder",
                    "create one with `qhgy new <issue-id>`",
                    "S-001",
                )
            ],
        )
    text, problem = read_source(path)
    if problem:
        return None, None, [problem]
    data, lines, errors = load_yaml(text or "", path)
    if errors:
        return None, lines, errors
    if not isinstance(data, dict):
        return (
            None,
            lines,
            [
                SourceError(
                    Loc(path, 1),
                    "issue.yaml is not a list of “key: value” lines",
                    "see docs/source-format.md",
                    "S-002",
                )
            ],
        )
    meta, errors = validate(IssueMeta, data, lines, "S-010")
    if meta is None:
        return None, lines, errors
    errors += _check_meta(meta, lines, root)
    return meta, lines, errors


def _check_meta(meta: IssueMeta, lines: LineMap, root: Path) -> list[SourceError]:
    errors: list[SourceError] = []
    seen: set[str] = set()
    for i, name in enumerate(meta.columns):
        if name in seen:
            errors.append(
                SourceError(lines.loc(("columns", i)), f"栏目 “{name}” is listed twice", "keep one", "S-011")
            )
        seen.add(name)
    for i, key in enumerate(meta.placeholders):
        node: object = meta
        for part in key.split("."):
            node = getattr(node, part, None)
        if node is None:
            errors.append(
                SourceError(
                    lines.loc(("placeholders", i)),
                    f"placeholder “{key}” names no key of issue.yaml",
                    "write a dotted key such as colophon.permit",
                    "S-012",
                )
            )
    path, problem = resolve_image(str(meta.cover.image), root)
    if problem or (problem := inspect_image(path)):
        errors.append(SourceError(lines.loc(("cover", "image")), *problem, "S-013"))
    return errors


def load_issue(root: Path) -> Issue:
    """Load the issue folder ``root``; raise :class:`SourceErrors` listing every problem."""
    root = root.resolve()
    if not root.is_dir():
        raise SourceErrors(
            [SourceError(Loc(root), "no such issue folder", "give a folder such as content/2025-01", "S-000")]
        )
    meta, _, errors = load_meta(root)
    if meta is None:
        raise SourceErrors(errors)
    files = sorted((root / ARTICLES_DIR).glob("*.md"))
    if not files:
        errors.append(
            SourceError(
                Loc(root / ARTICLES_DIR),
                "the issue has no articles",
                "add Markdown files to articles/",
                "S-003",
            )
        )
    articles: list[Article] = []
    for path in files:
        article, problems = load_article(path, root, meta.columns)
        errors += problems
        if article:
            articles.append(article)
    errors += _duplicates(articles)
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
                SourceError(
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
        columns=[Column(name=n, articles=arts) for n, arts in by_column.items()],
        inside_back=[a for a in articles if a.meta.placement is Placement.INSIDE_BACK_COVER],
    )


def slug(article: Article) -> str:
    """The file name without its order number: 010-xinnian-heci → xinnian-heci."""
    return article.id.split("-", 1)[1] if article.id[:1].isdigit() and "-" in article.id else article.id


def _duplicates(articles: list[Article]) -> list[SourceError]:
    errors = []
    slugs: dict[str, Article] = {}
    for art in articles:
        other = slugs.get(slug(art))
        if other:
            errors.append(
                SourceError(
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
                SourceError(
                    Loc(art.path, 2),
                    f"the title “{art.title_text}” is also the title of {other.path.name}",
                    "give each article its own title",
                    "S-125",
                )
            )
        titles[art.title_text] = art
    return errors
