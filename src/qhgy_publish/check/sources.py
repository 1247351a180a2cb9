"""Preflight of the sources: placeholders, the internal-periodical rules, punctuation slips.

Runs on the *loaded* issue (before transforms, so it sees what the editor typed)
and is fast: `qhgy build` runs it first and stops on errors.

Rules of 《内部资料性出版物管理办法》 (2015): Art. 14 requires 准印证号 and
“内部资料，免费交流” on the cover and 编印单位, 发送对象, 印刷单位, 印刷日期, 印数,
期号 on the cover, back cover or colophon (the model requires each; the print
templates place them). The words Art. 14/15 forbid, and where, are the table
of check/wording.py. Typing slips the build itself fixes (transforms/rules.py)
are reported as info: the source keeps what was typed, the pages do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..errors import Loc
from ..load.issue import ISSUE_FILE
from ..load.yamlloc import LineMap, load_yaml
from ..model import TEXT_FIELDS, Article, Figure, Issue, Kind, Paragraph, Profile, block_texts, walk_blocks
from ..transforms.rules import HAN, normalise_text, stray_spaces
from .findings import Finding, Severity
from .pictures import check_pictures
from .wording import check_wording, magazine_name

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

HALF_PUNCT = re.compile(rf"(?<=[{HAN}])[,:;?!()]|[,:;?!()](?=[{HAN}])")
MIXED_ZERO = re.compile(r"[〇○]")
PAIRS = {"“": "”", "‘": "’", "（": "）", "《": "》", "【": "】", "「": "」"}
PAIR_MARKS = re.compile("[" + re.escape("".join(PAIRS) + "".join(PAIRS.values())) + "]")


def _front_lines(article: Article) -> dict[str, int]:
    """Line of each front-matter key (bylines: of each name), so findings point at it."""
    lines: dict[str, int] = {}
    names = 0
    for number, line in enumerate(article.path.read_text(encoding="utf-8-sig").splitlines()[1:], start=2):
        if line.strip() == "---":
            break
        key = line.strip().lstrip("- ").split(":", 1)[0].strip()
        if key == "name":
            lines[f"byline{names}"] = number
            names += 1
        elif key and key not in lines:
            lines[key] = number
    return lines


def _unquoted(paragraph: Paragraph) -> str:
    """The paragraph's text with quoted passages ([…]{.quote}) blanked out for the wording rules."""
    return "".join("\x00" * len(r.text) if r.quote else r.text for r in paragraph.runs)


def _article_texts(article: Article) -> Iterator[tuple[Loc, str, str, str]]:
    """(place, text, text for the wording rules, field) for everything the editor typed into an article."""
    m = article.meta
    lines = _front_lines(article)
    for part in TEXT_FIELDS:
        value = getattr(m, part)
        if value:
            yield Loc(article.path, lines.get(part, 2)), value, value, part
    for i, byline in enumerate(m.bylines):
        text = f"{byline.position}{byline.name}"
        yield Loc(article.path, lines.get(f"byline{i}", 2)), text, text, "byline"
    for piece in block_texts(article.blocks):
        wording = _unquoted(piece.paragraph) if piece.paragraph else piece.text
        yield piece.loc, piece.text, wording, piece.part


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
        for figure, card in walk_blocks(article.blocks):
            if not isinstance(figure, Figure) or figure.placeholder:
                continue  # a stand-in's alt is written by the EPUB (占位图…)
            beside = {figure.caption, card.name if isinstance(card, Profile) else ""} - {""}
            bare = re.sub(r"(的)?(照片|图片|相片|合影)$", "", figure.alt.strip())
            if bare in beside or not bare:
                yield Finding(
                    W,
                    "S-230",
                    f"the alt text “{figure.alt}” only repeats the name beside the photo",
                    figure.loc,
                    "describe what the photo shows (who, doing what, where) in the [] of the image",
                )


def _punctuation(where: Loc, text: str, part: str, spaces: bool, regulation: bool) -> Iterator[Finding]:
    """Half-width marks and stray spaces (the build fixes both: info, unless a mark stays), pairs.

    Spaces are not looked for in titles, where a space is a deliberate phrase gap.
    """
    halves = list(HALF_PUNCT.finditer(text))
    # normalised only where a mark is half-width: on every text it was half the checks' time
    fixed = bool(halves) and not HALF_PUNCT.search(normalise_text(text, spaces=spaces, regulation=regulation))
    for match in halves:
        ctx = text[max(0, match.start() - 6) : match.end() + 6]
        yield Finding(
            INFO if fixed else W,
            "T-301",
            f"half-width “{match.group(0)}” in Chinese text: …{ctx}…"
            + (" (the build prints it full-width)" if fixed else ""),
            where,
            "type the full-width mark (，：；？！（）)",
        )
    for start, end in stray_spaces(text, regulation=regulation) if spaces else ():
        ctx = text[max(0, start - 6) : end + 6]
        yield Finding(
            INFO,
            "T-302",
            f"stray space in Chinese text: …{ctx}… (the build leaves it out)",
            where,
            "delete the space; the layout spaces Han and Latin itself",
        )
    stack: list[str] = []
    for ch in PAIR_MARKS.findall(text):
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
                Loc(article.path, _front_lines(article).get("toc_title", 2)),
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
        for where, text, _, _ in _article_texts(article):
            for ch in MIXED_ZERO.findall(text):
                kinds.setdefault(ch, where)
    if len(kinds) > 1:
        first, *others = kinds.values()
        yield Finding(
            W,
            "T-304",
            f"dates mix 〇 (U+3007) and ○ (U+25CB): the other at {', '.join(str(w) for w in others)}",
            first,
            "use 〇 throughout",
        )


def empty_columns(issue: Issue, lines: LineMap) -> Iterator[Finding]:
    """栏目 of issue.yaml that no article names: the issue leaves them out."""
    printed = {c.name for c in issue.columns}
    for i, name in enumerate(issue.meta.columns):
        if name not in printed:
            yield Finding(
                W,
                "S-014",
                f"栏目 “{name}” has no articles: it is left out of this issue (contents, pages, EPUB)",
                lines.loc(("columns", i)),
                "add an article with column: "
                + name
                + ", or leave it: the 栏目 list carries over to the next issue",
            )


def _stand_ins(issue: Issue) -> Iterator[Finding]:
    """Stand-in articles, and any “待补” left in what prints (a value nobody confirmed)."""
    listed = set(issue.meta.placeholders)
    for where, text, key in _yaml_texts(issue):
        if "待补" in text and key not in listed:
            yield Finding(
                W,
                "S-203",
                f"“待补” in issue.yaml {key}: {text}",
                where,
                f"write the final value, or list {key} under placeholders:",
            )
    for article in issue.all_articles:
        if article.meta.placeholder:
            yield Finding(
                W,
                "S-203",
                f"article “{article.title_text}” is a stand-in",
                Loc(article.path, 1),
                "write the article (and remove placeholder: true), or delete the file",
            )
            continue
        for where, text, _, part in _article_texts(article):
            if "待补" in text:
                yield Finding(
                    W, "S-203", f"“待补” in the {part}: {text[:40]}", where, "write the final text"
                )


def check_sources(issue: Issue) -> list[Finding]:
    """Every source finding of the issue, in file order."""
    path = issue.root / ISSUE_FILE
    _, lines, _ = load_yaml(path.read_text(encoding="utf-8-sig"), path)
    findings = list(_placeholders(issue, lines))
    findings += _stand_ins(issue)
    findings += empty_columns(issue, lines)
    findings += magazine_name(lines.loc(("magazine", "name")), issue.meta.magazine.name)
    for where, text, part in _yaml_texts(issue):
        if part in ("colophon.email",):
            continue
        field = {"cover.caption": "cover caption", "cover.credit": "cover credit"}.get(part, "issue.yaml")
        findings += check_wording(where, text, field)
    for article in issue.all_articles:
        regulation = article.meta.kind is Kind.REGULATION
        for where, text, wording_text, part in _article_texts(article):
            findings += check_wording(where, wording_text, part)
            findings += _punctuation(
                where, text, part, spaces=part in ("body", "heading", "note"), regulation=regulation
            )
    for filler in issue.fillers:  # 补白 print in the magazine's own voice, like its articles
        for block in filler.blocks:
            if text := getattr(block, "text", ""):
                findings += check_wording(block.loc, text, "body")
                findings += _punctuation(block.loc, text, "body", spaces=True, regulation=False)
    findings += _alt_texts(issue)
    findings += _contents(issue)
    findings += _dates(issue)
    findings += check_pictures(issue)
    return findings
