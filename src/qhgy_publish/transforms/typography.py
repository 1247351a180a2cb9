"""Text normalisation shared by every output: the typing slips clreq says to fix.

Runs before rendering, never on the sources themselves. Spacing between Han and
Latin is *removed* here and re-created by each renderer as it needs (¼ em in
print, the reading system's own in EPUB), so typed spaces never decide it.
"""

from __future__ import annotations

import re

from ..model import Article, Block, Issue, Note, Paragraph, Profile, Run

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
CJK_PUNCT = "，。、：；！？“”‘’（）《》〈〉【】「」『』—…·～"
_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}

_HAN_OR_PUNCT = f"[{HAN}{CJK_PUNCT}]"
# A space with Han (or CJK punctuation) on at least one side, Latin/digit or Han on the other.
_SPACE_AFTER = re.compile(rf"(?<={_HAN_OR_PUNCT})[ \u3000\u00a0]+(?=[{HAN}A-Za-z0-9{CJK_PUNCT}])")
_SPACE_BEFORE = re.compile(rf"(?<=[{HAN}A-Za-z0-9{CJK_PUNCT}])[ \u3000\u00a0]+(?={_HAN_OR_PUNCT})")
# Half-width punctuation touching Han text on either side.
_HALF = re.compile(rf"(?<=[{HAN}）”])([,:;?!])|([,:;?!])(?=[{HAN}（“])")
_PAREN = re.compile(rf"\(([^()]*[{HAN}][^()]*)\)")


def normalise_punctuation(text: str) -> str:
    """Full-width punctuation in Chinese context; spaces stay (a title's space is a deliberate gap)."""
    text = _PAREN.sub(lambda m: f"（{m.group(1)}）", text)
    return _HALF.sub(lambda m: _FULL[m.group(1) or m.group(2)], text)


def normalise_text(text: str) -> str:
    """Full-width punctuation in Chinese context, no typed spaces next to Han."""
    text = normalise_punctuation(text)
    text = _SPACE_AFTER.sub("", text)
    text = _SPACE_BEFORE.sub("", text)
    return text


def _runs(runs: list[Run]) -> list[Run]:
    return [r.model_copy(update={"text": normalise_text(r.text)}) for r in runs]


def _para(p: Paragraph) -> Paragraph:
    return p.model_copy(update={"runs": _runs(p.runs)})


def _block(block: Block) -> Block:
    if isinstance(block, Paragraph):
        return _para(block)
    if isinstance(block, Note | Profile):
        return block.model_copy(update={"paragraphs": [_para(p) for p in block.paragraphs]})
    if hasattr(block, "text"):
        return block.model_copy(update={"text": normalise_text(block.text)})
    return block


def _article(article: Article) -> Article:
    return article.model_copy(update={"blocks": [_block(b) for b in article.blocks]})


def normalise(issue: Issue) -> Issue:
    """Return the issue with every body text normalised (front matter is left as typed)."""
    return issue.model_copy(
        update={
            "inside_front": [_article(a) for a in issue.inside_front],
            "columns": [
                c.model_copy(update={"articles": [_article(a) for a in c.articles]}) for c in issue.columns
            ],
            "inside_back": [_article(a) for a in issue.inside_back],
        }
    )
