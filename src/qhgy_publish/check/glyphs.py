"""Every character must be drawn by the face of its role, or the build stops.

A character the role's face lacks would be drawn by whatever fallback font the
machine has (or as a .notdef box): a different look on press and a different
one on the next machine. The build lists each such character and where it is.
"""

from __future__ import annotations

import hashlib
import pickle
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..errors import Finding, Loc, source_error
from ..fonts import font_roles
from ..house import text_roles
from ..load.article import front_matter_lines
from ..load.issue import ISSUE_FILE
from ..load.yamlloc import load_yaml
from ..model import Article, Issue, block_texts, paragraphs
from ..output import atomic_path
from ..paths import CACHE_DIR, LAYOUTS_DIR

# Characters the layout adds or that never need a glyph.
IGNORED = set("\n\t \u200b\u2060\u00ad")


@cache
def _cmap(path: Path, index: int) -> frozenset[int]:
    """The code points face ``index`` of ``path`` draws (read from the installed file, not the
    copy :func:`.fonts.face_file` makes, which may still be being made). Reading a CJK face's
    cmap takes about 0.2 s, so every command that checks the glyphs would spend a second on
    it: kept in the cache folder by the file's path, size and time and the face's index, and read
    by fontconfig where it can (:func:`_read_cmap`)."""
    stat = path.stat()
    key = hashlib.sha256(f"{path.resolve()} {index} {stat.st_size} {stat.st_mtime_ns}".encode()).hexdigest()
    kept = CACHE_DIR / "cmaps" / f"{key}.pickle"
    try:
        with kept.open("rb") as stream:
            found = pickle.load(stream)
        if isinstance(found, frozenset):
            return found
    except (OSError, pickle.UnpicklingError, EOFError, ValueError):
        pass
    found = _read_cmap(path, index)
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(kept) as tmp, tmp.open("wb") as stream:
            pickle.dump(found, stream, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:
        pass  # a cache that cannot be written only costs the next command time
    return found


def _read_cmap(path: Path, index: int) -> frozenset[int]:
    """The code points face ``index`` of ``path`` maps to glyphs. fontconfig's ``fc-query`` reads
    them in a few milliseconds, where fontTools takes 0.1–0.4 s a CJK face (it builds every glyph's
    name on the way): a machine's first build or preview checks four faces before its first page.
    fontTools when fc-query is missing or says nothing."""
    try:
        listed = subprocess.run(
            ["fc-query", "--index", str(index), "--format", "%{charset}", str(path)],
            capture_output=True, text=True, timeout=60, check=True,
        ).stdout
        found = frozenset(_charset_points(listed))
    except (OSError, subprocess.SubprocessError, ValueError):
        found = frozenset()
    if found:
        return found
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(path, fontNumber=index, lazy=True).getBestCmap())


def _charset_points(listed: str) -> Iterator[int]:
    """The code points of fontconfig's charset as fc-query prints it: ``20-7e a0 a2-a5 …`` (hex)."""
    for item in listed.split():
        first, _, last = item.partition("-")
        yield from range(int(first, 16), int(last or first, 16) + 1)


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
    r = text_roles()
    yield r["byline"], "□", Loc(templates / "blocks.html.j2")
    yield r["source"], "（来源：）", Loc(templates / "blocks.html.j2")
    yield r["label"], "·：编委会主办编印单位发送对象地址邮箱电话邮编印刷日期印数册准印证号学习笔记", Loc(templates / "parts.html.j2")
    yield r["contents_heading"], "目录", Loc(templates / "parts.html.j2")
    yield r["leader"], "·", Loc(templates / "parts.html.j2")
    path = issue.root / ISSUE_FILE
    meta = issue.meta

    def key(*parts: str | int) -> _Key:
        return _Key(path, parts, front_matter=False)

    yield r["magazine_name"], meta.magazine.name, key("magazine", "name")
    yield r["magazine_name"], meta.magazine.back_cover_name, key("magazine", "back_cover_name")
    yield r["magazine_pinyin"], meta.magazine.pinyin, key("magazine", "pinyin")
    # the running heads, the imprint, 封一's foot and 封四's imprint set these in the label face
    yield r["label"], meta.magazine.name, key("magazine", "name")
    yield r["label"], meta.label, key("number")
    for field in ("host", "compiler", "distribution", "printer", "permit", "notice"):
        yield r["label"], str(getattr(meta.colophon, field)), key("colophon", field)
    yield r["issue_label"], meta.label, key("number")
    for i, name in enumerate(meta.columns):
        yield r["column_name"], name, key("columns", i)
    yield r["colophon_notice"], meta.colophon.notice, key("colophon", "notice")
    yield r["cover_caption"], meta.cover.caption, key("cover", "caption")
    yield r["cover_caption"], meta.cover.credit, key("cover", "credit")
    for field, value in meta.colophon.model_dump().items():
        yield r["colophon"], str(value), key("colophon", field)
    for i, role in enumerate(meta.board):
        yield r["board"], role.role, key("board", i, "role")
        for j, name in enumerate(role.names):
            yield r["board"], name, key("board", i, "names", j)
    for article in issue.all_articles:
        yield from _article_texts(article, r)
    for filler in issue.fillers:  # 补白: boxed items in the make-up's gaps
        m = filler.meta
        if m.title:
            yield r["filler_title"], m.title, _Key(filler.path, ("title",), front_matter=True)
        if m.source:
            yield r["filler_source"], "——" + m.source, _Key(filler.path, ("source",), front_matter=True)
        role = r.get(f"filler_{m.kind.value}", r["filler_text"])
        for paragraph in paragraphs(filler.blocks):
            yield role, paragraph.text, paragraph.loc


# front matter field → the key of its role in the house file
_FRONT_ROLES = {"title": "title", "kicker": "kicker", "subtitle": "subtitle", "dateline": "dateline"}
_FRONT_ROLES |= {"source": "source", "credit": "credit", "salutation": "salutation", "signature": "signature"}
_FRONT_ROLES |= {"date": "date", "toc_title": "contents_title", "toc_author": "contents_author"}


def _article_texts(article: Article, r: dict[str, str]) -> Iterator[tuple[str, str, Loc | _Key]]:
    m = article.meta

    def head(*parts: str | int) -> _Key:
        return _Key(article.path, parts, front_matter=True)

    for field, kind in _FRONT_ROLES.items():
        if value := getattr(m, field):
            yield r[kind], value, head(field)
    if not m.toc_title:  # the contents print the title itself
        yield r["contents_title"], m.title, head("title")
    for i, byline in enumerate(m.bylines):
        yield r["byline"], byline.position, head("bylines", i, "position")
        yield r["byline"], byline.name, head("bylines", i, "name")
    for piece in block_texts(article.blocks):
        if piece.part == "body" and piece.paragraph is not None:
            for run in piece.paragraph.runs:
                yield r["strong" if run.strong else "em" if run.em else "body"], run.text, piece.loc
        else:
            yield r[piece.part], piece.text, piece.loc


def uncovered_characters(issue: Issue) -> list[Finding]:
    """One error per character and role whose face lacks it, with its first place."""
    roles = font_roles()
    seen: dict[tuple[str, str], Finding] = {}
    for role, text, loc in _texts(issue):
        cmap = _cmap(roles[role].file, roles[role].index)
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
