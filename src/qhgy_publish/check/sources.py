"""Preflight of the sources: placeholders, the internal-periodical rules, punctuation slips.

Runs on the *loaded* issue (before transforms, so it sees what the editor typed)
and is fast: `qhgy build` runs it first and stops on errors.

Rules of 《内部资料性出版物管理办法》 (2015): Art. 14 requires 准印证号 and
“内部资料，免费交流” on the cover and 编印单位, 发送对象, 印刷单位, 印刷日期, 印数,
期号 on the cover, back cover or colophon (the model requires each; the print
templates place them). Art. 14/15 forbid calling the publication 杂志, 期刊社,
刊号 or 本刊, a price, and advertising.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..errors import Loc
from ..load.issue import ISSUE_FILE
from ..load.yamlloc import LineMap, load_yaml
from ..model import Article, Figure, Heading, Issue, Note, Paragraph, Profile
from ..transforms.typography import HAN
from .findings import Finding, Severity

E, W = Severity.ERROR, Severity.WARNING

# Self-descriptions Art. 15 forbids; 杂志/期刊 only where the magazine speaks of itself.
SELF_WORDS = re.compile(r"本刊|刊号|期刊社|杂志社|杂志|期刊|CN\s*\d{2}-\d{4}")
ANYWHERE_WORDS = re.compile(r"本刊|刊号|期刊社|定价|售价|零售价|订价|订阅价|广告经营|广告")
PRICE = re.compile(r"(定价|售价|零售价|订价)[:：]?\s*\d|￥\s*\d|\d+(\.\d+)?\s*元\s*/\s*(册|期|本)")

HALF_PUNCT = re.compile(rf"(?<=[{HAN}])[,:;?!()]|[,:;?!()](?=[{HAN}])")
HAN_SPACE = re.compile(rf"[{HAN}][ \u3000]+[{HAN}]|[{HAN}] +[0-9A-Za-z]|[0-9A-Za-z] +[{HAN}]")
MIXED_ZERO = re.compile(r"[〇○]")
PAIRS = {"“": "”", "‘": "’", "（": "）", "《": "》", "【": "】", "「": "」"}


def _article_texts(article: Article) -> Iterator[tuple[Loc, str, str]]:
    """(place, text, part) for everything the editor typed into an article."""
    m = article.meta
    head = Loc(article.path, 2)
    for part in (
        "title",
        "toc_title",
        "kicker",
        "subtitle",
        "dateline",
        "salutation",
        "signature",
        "source",
        "credit",
    ):
        value = getattr(m, part)
        if value:
            yield head, value, part
    for block in article.blocks:
        if isinstance(block, Paragraph):
            yield block.loc, block.text, "body"
        elif isinstance(block, Heading):
            yield block.loc, block.text, "heading"
        elif isinstance(block, Note):
            for p in block.paragraphs:
                yield p.loc, p.text, "note"
        elif isinstance(block, Profile):
            for p in block.paragraphs:
                yield p.loc, p.text, "body"


def _yaml_texts(issue: Issue) -> Iterator[tuple[Loc, str, str]]:
    path = issue.root / ISSUE_FILE
    data, lines, _ = load_yaml(path.read_text(encoding="utf-8-sig"), path)

    def walk(node: object, key: tuple) -> Iterator[tuple[Loc, str, str]]:
        if isinstance(node, dict):
            for k, v in node.items():
                yield from walk(v, (*key, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(v, (*key, i))
        elif isinstance(node, str):
            yield lines.loc(key), node, ".".join(map(str, key))

    yield from walk(data, ())


def _placeholders(issue: Issue, lines: LineMap) -> Iterator[Finding]:
    for key in issue.meta.placeholders:
        value: object = issue.meta
        for part in key.split("."):
            value = getattr(value, part, None)
        yield Finding(
            W,
            "S-201",
            f"“{key}” is a placeholder: {value}",
            lines.loc(tuple(key.split("."))),
            "write the real value and remove the key from placeholders:",
        )
    if issue.meta.cover.placeholder:
        yield Finding(
            W,
            "S-202",
            f"the cover photo {issue.meta.cover.image} is a placeholder",
            lines.loc(("cover", "placeholder")),
            "put the real photo in images/ and remove placeholder: true",
        )
    for article in issue.all_articles:
        for fig in article.figures:
            if fig.placeholder:
                yield Finding(
                    W,
                    "S-202",
                    f"photo {fig.src.name} is a placeholder",
                    fig.loc,
                    "put the real photo in images/ and remove {.placeholder}",
                )


def _alt_texts(issue: Issue) -> Iterator[Finding]:
    """Alt text that only names what stands beside the photo tells a listener nothing new."""
    for article in issue.all_articles:
        for block in article.blocks:
            figure = block.figure if isinstance(block, Profile) else block
            if not isinstance(figure, Figure) or figure.placeholder:
                continue  # a stand-in's alt is written by the EPUB (占位图…)
            beside = {figure.caption, block.name if isinstance(block, Profile) else ""} - {""}
            bare = re.sub(r"(的)?(照片|图片|相片|合影)$", "", figure.alt.strip())
            if bare in beside or not bare:
                yield Finding(
                    W,
                    "S-230",
                    f"the alt text “{figure.alt}” only repeats the name beside the photo",
                    str(figure.loc),
                    "describe what the photo shows (who, doing what, where) in the [] of the image",
                )


def _wording(where: Loc, text: str, part: str, self_description: bool) -> Iterator[Finding]:
    pattern = SELF_WORDS if self_description else ANYWHERE_WORDS
    for match in pattern.finditer(text):
        word = match.group(0)
        yield Finding(
            E if word not in ("广告",) else W,
            "S-210",
            f"“{word}” in {part}: an internal periodical may not call itself a magazine (杂志/期刊/刊号/本刊) or carry prices or advertising",
            where,
            "reword it (e.g. 本资料, 本期); 《内部资料性出版物管理办法》 Art. 14/15",
        )
    if PRICE.search(text):
        yield Finding(
            E, "S-211", f"a price in {part}: internal periodicals are free", where, "remove the price"
        )


def _punctuation(where: Loc, text: str, part: str, spaces: bool) -> Iterator[Finding]:
    """Half-width marks, stray spaces (not in titles, where a space is a deliberate phrase gap), pairs."""
    for match in HALF_PUNCT.finditer(text):
        ctx = text[max(0, match.start() - 6) : match.end() + 6]
        yield Finding(
            W,
            "T-301",
            f"half-width “{match.group(0)}” in Chinese text: …{ctx}…",
            where,
            "type the full-width mark (，：；？！（）)",
        )
    for match in HAN_SPACE.finditer(text) if spaces else ():
        ctx = text[max(0, match.start() - 6) : match.end() + 6]
        yield Finding(
            W,
            "T-302",
            f"stray space in Chinese text: …{ctx}…",
            where,
            "delete the space; the layout spaces Han and Latin itself",
        )
    stack: list[str] = []
    for ch in text:
        if ch in PAIRS:
            stack.append(ch)
        elif ch in PAIRS.values():
            if stack and PAIRS[stack[-1]] == ch:
                stack.pop()
            else:
                yield Finding(
                    W,
                    "T-303",
                    f"“{ch}” closes nothing in {part}",
                    where,
                    "check the quotes and brackets of this paragraph",
                )
                return
    if stack:
        yield Finding(
            W,
            "T-303",
            f"“{stack[-1]}” is never closed in {part}",
            where,
            "check the quotes and brackets of this paragraph",
        )


def _contents(issue: Issue) -> Iterator[Finding]:
    seen: dict[str, Article] = {}
    for article in issue.all_articles:
        toc = article.meta.toc_title
        m = article.meta
        # The printed contents may join the kicker or the subtitle to the title.
        heads = f"{m.kicker or ''}{article.title_text}{m.subtitle or ''}"
        if toc and not _similar(toc, heads):
            yield Finding(
                W,
                "S-220",
                f"contents title “{toc}” has drifted from the title “{article.title_text}”",
                Loc(article.path, 2),
                "make the contents title a shortening of the title",
            )
        other = seen.get(article.contents_title)
        if other:
            yield Finding(
                E,
                "S-221",
                f"“{article.contents_title}” stands twice in the contents (also {other.path.name})",
                Loc(article.path, 2),
                "give each article its own title",
            )
        seen[article.contents_title] = article


def _similar(short: str, full: str) -> bool:
    """A contents title is a fair shortening when most of its characters occur in the title, in order."""
    short, full = re.sub(r"\W", "", short), re.sub(r"\W", "", full)
    i = hits = 0
    for ch in short:
        j = full.find(ch, i)
        if j >= 0:
            hits, i = hits + 1, j + 1
    return hits >= 0.8 * len(short)


def _dates(issue: Issue) -> Iterator[Finding]:
    kinds: dict[str, Loc] = {}
    for article in issue.all_articles:
        for where, text, _ in _article_texts(article):
            for ch in MIXED_ZERO.findall(text):
                kinds.setdefault(ch, where)
    if len(kinds) > 1:
        yield Finding(
            W,
            "T-304",
            "dates mix 〇 (U+3007) and ○ (U+25CB)",
            " and ".join(str(w) for w in kinds.values()),
            "use 〇 throughout",
        )


def check_sources(issue: Issue) -> list[Finding]:
    """Every source finding of the issue, in file order."""
    path = issue.root / ISSUE_FILE
    _, lines, _ = load_yaml(path.read_text(encoding="utf-8-sig"), path)
    findings = list(_placeholders(issue, lines))
    for where, text, part in _yaml_texts(issue):
        if part not in ("colophon.email",):
            findings += _wording(where, text, f"issue.yaml {part}", self_description=True)
    for article in issue.all_articles:
        for where, text, part in _article_texts(article):
            findings += _wording(where, text, part, self_description=part in ("note",))
            findings += _punctuation(where, text, part, spaces=part in ("body", "heading", "note"))
    findings += _alt_texts(issue)
    findings += _contents(issue)
    findings += _dates(issue)
    return findings
