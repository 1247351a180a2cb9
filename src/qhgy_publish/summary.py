"""The build summary an editor reads after `qhgy build`: 栏目, articles, characters, images."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import Loc
from .han import HAN_CHAR
from .model import Article, Issue, block_texts

_HAN = HAN_CHAR


def article_text(article: Article) -> str:
    """All text an article prints, in reading order (titles, front matter, body)."""
    m = article.meta
    parts = [m.kicker or "", article.title_text, m.subtitle or ""]
    parts += [f"{b.position}{b.name}" for b in m.bylines]
    parts += [m.dateline or "", m.salutation or ""]
    parts += [piece.text for piece in block_texts(article.blocks)]
    parts += [m.signature or "", m.date or "", m.source or "", m.credit or ""]
    return "".join(parts)


@dataclass(frozen=True)
class ColumnSummary:
    name: str
    articles: int
    characters: int


@dataclass(frozen=True)
class IssueSummary:
    title: str
    columns: list[ColumnSummary]
    articles: int
    characters: int
    images: int
    placeholders: list[str]


def summarise(issue: Issue) -> IssueSummary:
    """Count what the issue holds; placeholders are listed by where they are."""
    cols = [
        ColumnSummary(c.name, len(c.articles), sum(len(_HAN.findall(article_text(a))) for a in c.articles))
        for c in issue.columns
    ]
    figures = [f for a in issue.all_articles for f in a.figures]
    placeholders = [f"issue.yaml: {key}" for key in issue.meta.placeholders]
    if issue.meta.cover.placeholder:
        placeholders.append(f"issue.yaml: cover image {issue.meta.cover.image}")
    for article in issue.all_articles:
        if article.meta.placeholder:
            placeholders.append(f"{Loc(article.path, 1)}: stand-in article “{article.title_text}”")
        stand_ins = [f for f in article.figures if f.placeholder]
        if len(stand_ins) == 1:
            placeholders.append(f"{stand_ins[0].loc}: photo {stand_ins[0].src.name}")
        elif stand_ins:
            first, last = stand_ins[0].loc, stand_ins[-1].loc
            placeholders.append(
                f"{Loc(first.path)}: {len(stand_ins)} photos (lines {first.line}–{last.line})"
            )
    return IssueSummary(
        title=issue.title,
        columns=cols,
        articles=len(issue.all_articles),
        characters=sum(len(_HAN.findall(article_text(a))) for a in issue.all_articles),
        images=len(figures) + 1,
        placeholders=placeholders,
    )
