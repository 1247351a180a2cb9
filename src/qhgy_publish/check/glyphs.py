"""Every character must be drawn by the face of its role, or the build stops.

A character the role's face lacks would be drawn by whatever fallback font the
machine has (or as a .notdef box): a different look on press and a different
one on the next machine. The build lists each such character and where it is.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

from ..errors import Loc, SourceError
from ..fonts import face_file, font_roles
from ..load.issue import ISSUE_FILE
from ..model import Heading, Issue, Note, Paragraph, Profile
from ..paths import LAYOUTS_DIR

# Characters the layout adds or that never need a glyph.
IGNORED = set("\n\t \u200b\u2060\u00ad")


@cache
def _cmap(path: Path) -> frozenset[int]:
    font = TTFont(path, lazy=True)
    return frozenset(font.getBestCmap())


def _texts(issue: Issue) -> Iterator[tuple[str, str, Loc]]:
    """(role, text, place) for everything the print edition sets."""
    templates = LAYOUTS_DIR / "print"
    yield "kai", "□（来源：）", Loc(templates / "blocks.html.j2")
    yield (
        "heading",
        "·目录编委会主办编印单位发送对象地址邮箱电话邮编印刷日期印数册准印证号学习笔记",
        Loc(templates / "issue.html.j2"),
    )
    meta_loc = Loc(issue.root / ISSUE_FILE)
    meta = issue.meta
    yield "title", meta.magazine.name + meta.magazine.back_cover_name, meta_loc
    yield (
        "heading",
        meta.magazine.pinyin + meta.label + "".join(meta.columns) + meta.colophon.notice,
        meta_loc,
    )
    yield "kai", meta.cover.caption + meta.cover.credit, meta_loc
    yield "body", "".join(str(v) for v in meta.colophon.model_dump().values()), meta_loc
    yield "body", "".join(n for r in meta.board for n in [r.role, *r.names]), meta_loc
    for article in issue.all_articles:
        m = article.meta
        head = Loc(article.path, 2)
        yield "title", m.title, head
        yield "heading", (m.kicker or "") + (m.subtitle or ""), head
        yield "kai", "".join(f"{b.position}{b.name}" for b in m.bylines) + (m.dateline or ""), head
        yield "kai", (m.source or "") + (m.credit or ""), head
        yield (
            "body",
            (m.salutation or "") + (m.signature or "") + (m.date or "") + article.contents_title,
            head,
        )
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


def uncovered_characters(issue: Issue) -> list[SourceError]:
    """One error per character and role whose face lacks it, with its first place."""
    roles = font_roles()
    seen: dict[tuple[str, str], SourceError] = {}
    for role, text, loc in _texts(issue):
        cmap = _cmap(face_file(roles[role]))
        for ch in text:
            if ch in IGNORED or ord(ch) in cmap or (role, ch) in seen:
                continue
            name = unicodedata.name(ch, f"U+{ord(ch):04X}")
            seen[(role, ch)] = SourceError(
                loc,
                f"“{ch}” (U+{ord(ch):04X} {name}) is not in the {role} face ({roles[role].family})",
                "replace it with a common character, or describe it in words; no embedded face can draw it",
                "G-001",
            )
    return list(seen.values())
