"""Font subsets for the EPUB: each role's face cut down to the characters that role sets.

HarfBuzz subsets the faces named in fonts/roles.toml (:mod:`.harfbuzz`; the
sample's four in 0.2 s, fontTools took 11 s of CPU), fontTools where
HarfBuzz-subset is missing; OpenType (not WOFF2, not obfuscated) so every
EPUB 3 reader takes them. Both keep every layout feature (halt, vert, locl…),
every name and the .notdef outline; HarfBuzz 6 drops the BASE table (baseline
positions for mixed scripts and vertical text, which this horizontal book's
readers do not use). Which text a role draws
is the house file's ``[roles]`` table (layouts/house.toml), which the print
glyph check reads too; the body face is also the fallback for every other
element, so it gets all the book's characters.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import fontTools
from fontTools import subset
from fontTools.ttLib import TTFont

from ..house import text_roles
from ..model import Issue, block_texts
from ..paths import CACHE_DIR
from .harfbuzz import subset_to_characters, subsetter

BASICS = set(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.,:;-–—/()%+@ 　，。、：；！？“”‘’（）《》…·□"
)
LABELS = "目录编委会主办编印单位发送对象地址邮箱电话邮编印刷日期印数册准印证号导航纸本页码正文封面与版权信息年月日第期总"
PROOF_NOTICE = "校样：本书尚有处占位内容（标有“待补”），付印前替换。"  # layouts/epub/title.xhtml.j2


def role_texts(issue: Issue) -> dict[str, set[str]]:
    """Characters each font role must draw in the EPUB."""
    meta = issue.meta
    r = text_roles()
    sets: dict[str, set[str]] = {role: set() for role in ("title", "heading", "kai", "body")}

    def add(kind: str, text: str) -> None:
        sets[r[kind]].update(text)

    # What the EPUB's own pages add (layouts/epub/*.j2): the labels, the masthead, the colophon's tables.
    add("magazine_name", meta.magazine.name)
    add("contents_heading", "目录")
    add("label", LABELS + PROOF_NOTICE + meta.magazine.name)  # the nav and the colophon name the magazine
    add("label", meta.colophon.host + "".join(b.role for b in meta.board))  # colophon tables' labels
    add("cover_caption", "封面照片")
    add("issue_label", meta.label)
    add("colophon_notice", meta.colophon.notice)
    add("column_name", "".join(meta.columns))
    add("cover_caption", meta.cover.caption + meta.cover.credit)
    for article in issue.all_articles:
        m = article.meta
        add("title", m.title)
        add("kicker", m.kicker or "")
        add("subtitle", m.subtitle or "")
        add("contents_title", article.contents_title)
        add("contents_author", article.contents_author)
        add("byline", "".join(f"{b.position}{b.name}" for b in m.bylines))
        add("dateline", m.dateline or "")
        add("source", f"（来源：{m.source}）" if m.source else "")
        add("credit", f"（{m.credit}）" if m.credit else "")
        for field in ("salutation", "signature", "date"):  # a letter's: they were left out of every subset
            add(field, getattr(m, field) or "")
        for piece in block_texts(article.blocks):
            if piece.part == "body" and piece.paragraph is not None:
                for run in piece.paragraph.runs:
                    add("strong" if run.strong else "em" if run.em else "body", run.text)
            else:
                add(piece.part, piece.text)
    title, heading, kai, body = (sets[role] for role in ("title", "heading", "kai", "body"))
    everything = title | heading | kai | body
    colophon = meta.colophon.model_dump()
    everything |= set("".join(str(v) for v in colophon.values()) + meta.magazine.pinyin)
    everything |= set("".join(n for r in meta.board for n in [r.role, *r.names]))
    return {
        "title": (title | BASICS) - {"\n"},
        "heading": (heading | BASICS) - {"\n"},
        "kai": (kai | BASICS) - {"\n"},
        "body": (everything | BASICS) - {"\n"},
    }


CACHE = CACHE_DIR / "epub-fonts"


def subset_fonts(issue: Issue, faces: dict[str, Path]) -> dict[str, bytes]:
    """Role name → subset font bytes (OpenType, same outlines as the print edition).

    Results are cached by face, subsetter and character set, so a rebuild with
    unchanged text reuses them; the build fills the cache while the print
    edition is laid out (:func:`subset_texts`, see ``pipeline._start_epub_fonts``).
    """
    texts = role_texts(issue)
    return subset_texts({role: "".join(sorted(texts[role])) for role in faces}, faces)


def _subset_file(role: str, path: Path, chars: str) -> Path:
    made_by = subsetter() or f"fontTools {fontTools.version}"
    key = hashlib.sha256(f"{path}|{path.stat().st_mtime_ns}|{made_by}|{chars}".encode()).hexdigest()[:24]
    return CACHE / f"{role}-{key}.otf"


def subsets_cached(texts: dict[str, str], faces: dict[str, Path]) -> bool:
    """Whether :func:`subset_texts` would only read the cache (no second process needed)."""
    return all(_subset_file(role, path, texts[role]).exists() for role, path in faces.items())


def subset_texts(texts: dict[str, str], faces: dict[str, Path]) -> dict[str, bytes]:
    """Role → subset of ``faces[role]`` holding ``texts[role]`` (cached; picklable arguments)."""
    out: dict[str, bytes] = {}
    for role, path in faces.items():
        chars = texts[role]
        cached = _subset_file(role, path, chars)
        if cached.exists():
            out[role] = cached.read_bytes()
            continue
        out[role] = subset_to_characters(path, chars) or _fonttools_subset(path, chars)
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(out[role])
        os.replace(tmp, cached)
    return out


def _fonttools_subset(path: Path, chars: str) -> bytes:
    # Bounding boxes are not recomputed: it halves the time, and the full
    # face's boxes still enclose every kept glyph. Tables are read lazily:
    # decompiling every glyph of the kai face up front took 8.6 s, lazily 0.5 s.
    font = TTFont(path, lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = ["*"]  # keep halt/vert/locl: readers may use them
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["DSIG"]
    cutter = subset.Subsetter(options)
    cutter.populate(text=chars)
    cutter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()
