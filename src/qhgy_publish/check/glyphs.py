"""Every character must be drawn by the face of its role, or the build stops.

A character the role's face lacks would be drawn by whatever fallback font the
machine has (or as a .notdef box): a different look on press and a different
one on the next machine. The build lists each such character and where it is.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

from ..errors import Finding, Loc, source_error
from ..fonts import face_file, font_roles
from ..load.article import front_matter_lines
from ..load.issue import ISSUE_FILE
from ..load.yamlloc import load_yaml
from ..model import Heading, Issue, Note, Paragraph, Profile
from ..paths import LAYOUTS_DIR

# Characters the layout adds or that never need a glyph.
IGNORED = set("\n\t \u200b\u2060\u00ad")


@cache
def _cmap(path: Path) -> frozenset[int]:
    font = TTFont(path, lazy=True)
    return frozenset(font.getBestCmap())


@dataclass(frozen=True)
class _Key:
    """A value of issue.yaml or of an article's front matter, by its key; its line is looked up
    only when one of its characters is missing (reading the YAML again costs milliseconds)."""

    path: Path
    key: tuple[str | int, ...]
    front_matter: bool

    def loc(self) -> Loc:
        if self.front_matter:
            return front_matter_lines(self.path).loc(self.key)
        _, lines, _ = load_yaml(self.path.read_text(encoding="utf-8-sig"), self.path)
        return lines.loc(self.key)


def _texts(issue: Issue) -> Iterator[tuple[str, str, Loc | _Key]]:
    """(role, text, place) for everything the print edition sets."""
    templates = LAYOUTS_DIR / "print"
    yield "kai", "□（来源：）", Loc(templates / "blocks.html.j2")
    yield (
        "heading",
        "·目录编委会主办编印单位发送对象地址邮箱电话邮编印刷日期印数册准印证号学习笔记",
        Loc(templates / "issue.html.j2"),
    )
    path = issue.root / ISSUE_FILE
    meta = issue.meta

    def key(*parts: str | int) -> _Key:
        return _Key(path, parts, front_matter=False)

    yield "title", meta.magazine.name, key("magazine", "name")
    yield "title", meta.magazine.back_cover_name, key("magazine", "back_cover_name")
    yield "heading", meta.magazine.pinyin, key("magazine", "pinyin")
    yield "heading", meta.label, key("number")
    for i, name in enumerate(meta.columns):
        yield "heading", name, key("columns", i)
    yield "heading", meta.colophon.notice, key("colophon", "notice")
    yield "kai", meta.cover.caption, key("cover", "caption")
    yield "kai", meta.cover.credit, key("cover", "credit")
    for field, value in meta.colophon.model_dump().items():
        yield "body", str(value), key("colophon", field)
    for i, role in enumerate(meta.board):
        yield "body", role.role, key("board", i, "role")
        for j, name in enumerate(role.names):
            yield "body", name, key("board", i, "names", j)
    for article in issue.all_articles:
        m = article.meta

        def head(*parts: str | int, article=article) -> _Key:  # type: ignore[no-untyped-def]
            return _Key(article.path, parts, front_matter=True)

        roles = {"title": "title", "kicker": "heading", "subtitle": "heading", "dateline": "kai"}
        roles |= {"source": "kai", "credit": "kai", "salutation": "body", "signature": "body"}
        roles |= {"date": "body", "toc_title": "body", "toc_author": "kai"}
        for field, role in roles.items():
            if value := getattr(m, field):
                yield role, value, head(field)
        if not m.toc_title:  # the contents set the title in the body face
            yield "body", m.title, head("title")
        for i, byline in enumerate(m.bylines):
            yield "kai", byline.position, head("bylines", i, "position")
            yield "kai", byline.name, head("bylines", i, "name")
        for block in article.blocks:
            if isinstance(block, Heading):
                yield "heading", block.text, block.loc
            elif isinstance(block, Note):
                for p in block.paragraphs:
                    yield "kai", p.text, p.loc
            elif isinstance(block, Paragraph | Profile):
                for p in [block] if isinstance(block, Paragraph) else block.paragraphs:
                    for run in p.runs:
                        yield ("heading" if run.strong else "kai" if run.em else "body"), run.text, p.loc
                if isinstance(block, Profile) and block.figure:
                    yield "kai", block.figure.caption, block.figure.loc
            elif getattr(block, "caption", ""):
                yield "kai", block.caption, block.loc
    for filler in issue.fillers:  # 补白: boxed items in the make-up's gaps
        m = filler.meta
        if m.title:
            yield "heading", m.title, _Key(filler.path, ("title",), front_matter=True)
        if m.source:
            yield "kai", "——" + m.source, _Key(filler.path, ("source",), front_matter=True)
        role = {"quote": "kai", "slogan": "title"}.get(m.kind.value, "body")
        for block in filler.blocks:
            if isinstance(block, Paragraph):
                yield role, block.text, block.loc


def uncovered_characters(issue: Issue) -> list[Finding]:
    """One error per character and role whose face lacks it, with its first place."""
    roles = font_roles()
    seen: dict[tuple[str, str], Finding] = {}
    for role, text, loc in _texts(issue):
        cmap = _cmap(face_file(roles[role]))
        for ch in text:
            if ch in IGNORED or ord(ch) in cmap or (role, ch) in seen:
                continue
            name = unicodedata.name(ch, f"U+{ord(ch):04X}")
            seen[(role, ch)] = source_error(
                loc.loc() if isinstance(loc, _Key) else loc,
                f"“{ch}” (U+{ord(ch):04X} {name}) is not in the {role} face ({roles[role].family})",
                "replace it with a common character, or describe it in words; no embedded face can draw it",
                "G-001",
            )
    return list(seen.values())
