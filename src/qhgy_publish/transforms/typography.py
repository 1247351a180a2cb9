"""Text normalisation shared by every output: the typing slips of transforms/rules.py, fixed.

Runs before rendering, never on the sources themselves. Spacing between Han and
Latin is *removed* here and re-created by each renderer as it needs (¼ em in
print, the reading system's own in EPUB), so typed spaces never decide it.
Titles and the other front-matter lines get every rule but the one about
spaces (a space in a title is a deliberate phrase gap). Text the editor put
in backticks is printed as typed.
"""

from __future__ import annotations

from ..model import (
    TEXT_FIELDS,
    Article,
    Block,
    Byline,
    Figure,
    FrontMatter,
    Heading,
    Issue,
    Kind,
    Note,
    Paragraph,
    Profile,
    Run,
)
from .rules import CJK_PUNCT, HAN, normalise_text

__all__ = ["CJK_PUNCT", "HAN", "normalise", "normalise_runs", "normalise_text"]



def normalise_runs(runs: list[Run], *, regulation: bool = False) -> list[Run]:
    """Each run normalised with its neighbours' edge characters as context (a slip can sit
    where a bold lead ends); verbatim runs unchanged."""
    out = []
    for i, run in enumerate(runs):
        if run.verbatim or not run.text:
            out.append(run)
            continue
        before = "".join(r.text for r in out)  # normalised already: the rules leave it as it is
        after = runs[i + 1].text[:1] if i + 1 < len(runs) else ""
        text = _in_context(run.text, before, after, regulation)
        out.append(run.model_copy(update={"text": text}))
    return out


def _in_context(text: str, before: str, after: str, regulation: bool) -> str:
    padded = normalise_text(before + text + after, regulation=regulation)
    if padded.startswith(before) and padded.endswith(after):
        return padded[len(before) : len(padded) - len(after)]
    return normalise_text(text, regulation=regulation)  # a rule changed a neighbour's character


def _para(p: Paragraph, regulation: bool) -> Paragraph:
    return p.model_copy(update={"runs": normalise_runs(p.runs, regulation=regulation)})


def _figure(f: Figure) -> Figure:
    return f.model_copy(update={"caption": normalise_text(f.caption, spaces=False), "alt": f.alt})


def _block(block: Block, regulation: bool) -> Block:
    if isinstance(block, Paragraph):
        return _para(block, regulation)
    if isinstance(block, Heading):
        return block.model_copy(update={"text": normalise_text(block.text, regulation=regulation)})
    if isinstance(block, Note):
        return block.model_copy(update={"paragraphs": [_para(p, regulation) for p in block.paragraphs]})
    if isinstance(block, Profile):
        return block.model_copy(
            update={
                "paragraphs": [_para(p, regulation) for p in block.paragraphs],
                "figure": _figure(block.figure) if block.figure else None,
            }
        )
    if isinstance(block, Figure):
        return _figure(block)
    return block


def _front(meta: FrontMatter) -> FrontMatter:
    update: dict[str, object] = {
        name: normalise_text(value, spaces=False)
        for name in TEXT_FIELDS
        if (value := getattr(meta, name)) is not None
    }
    update["bylines"] = [
        Byline(name=normalise_text(b.name, spaces=False), position=normalise_text(b.position, spaces=False))
        for b in meta.bylines
    ]
    return meta.model_copy(update=update)


def _article(article: Article) -> Article:
    regulation = article.meta.kind is Kind.REGULATION
    return article.model_copy(
        update={"meta": _front(article.meta), "blocks": [_block(b, regulation) for b in article.blocks]}
    )


def normalise(issue: Issue) -> Issue:
    """Return the issue with every article's text normalised (transforms/rules.py)."""
    return issue.model_copy(
        update={
            "inside_front": [_article(a) for a in issue.inside_front],
            "columns": [
                c.model_copy(update={"articles": [_article(a) for a in c.articles]}) for c in issue.columns
            ],
            "inside_back": [_article(a) for a in issue.inside_back],
        }
    )
