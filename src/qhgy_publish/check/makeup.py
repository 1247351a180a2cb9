"""Page make-up measured on the PDF, as an art director reads a proof.

Reads the PDF (pdfplumber), never our HTML. Every glyph is placed in its
page's type area (``layouts/house.toml``), in a column and on a line; each
line knows the font role of its glyphs (body, title, heading, kai). On that
the measures are:

* **display breaks** — a wrapped title, heading, contents entry, byline,
  source, credit, caption or colophon name that breaks inside a word of two
  or more Han characters (words as jieba cuts them with the house
  dictionary and the issue's own words), or leaves one Han character alone
  on its last line;
* **page fill** — how far down its type area each inner page's content
  reaches (covers and the deliberate 学习笔记 pages aside);
* **stranded headings** — a heading or title followed in its column by
  fewer than three lines of its text before the column ends;
* **edges** — a justified line (not the last of its paragraph) that ends
  more than 0.3 pt short of or past its column's edge, any line past it, and
  lines whose characters are spaced more than 0.15 em apart;
* **text** — the page's Han text in reading order (bands between full-width
  elements, left column before right), to compare with the sources.

``python -m qhgy_publish.check.makeup <pdf> [issue-folder]`` prints a report.
"""

from __future__ import annotations

import itertools
import re
import statistics
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

from ..han import HAN_CHAR
from ..house import MM, House, house

HAN = HAN_CHAR
INVISIBLE = {"\u200b", "\u2060", " ", "\u00a0"}
MARKS = set("，。、：；！？“”‘’（）《》〈〉【】「」『』〔〕〖〗［］｛｝…—·")
EDGE_TOLERANCE = 0.3  # pt
LOOSE_EM = 0.15
MIN_LINES_AFTER = 3


@dataclass
class Glyph:
    char: str
    x0: float
    x1: float
    top: float
    bottom: float
    baseline: float
    size: float
    role: str  # body, title, heading, kai, other
    space_after: bool = False  # a space follows it in the text (words of Latin text)


@dataclass
class Line:
    page: int
    glyphs: list[Glyph]
    column: int | None  # 0 or 1 in a two-column band, None for a full-width line

    @property
    def text(self) -> str:
        return "".join(g.char for g in self.glyphs)

    @property
    def x0(self) -> float:
        return self.glyphs[0].x0

    @property
    def x1(self) -> float:
        return self.glyphs[-1].x1

    @property
    def top(self) -> float:
        return min(g.top for g in self.glyphs)

    @property
    def bottom(self) -> float:
        return max(g.bottom for g in self.glyphs)

    @property
    def baseline(self) -> float:
        return self.glyphs[0].baseline

    @property
    def size(self) -> float:
        return statistics.mode(round(g.size, 1) for g in self.glyphs)

    @property
    def role(self) -> str:
        return statistics.mode(g.role for g in self.glyphs)

    @property
    def is_body(self) -> bool:
        body = [g for g in self.glyphs if g.role in ("body", "kai") or (g.role == "heading" and g.size < 11)]
        return abs(self.size - house().body_pt) < 0.3 and len(body) >= len(self.glyphs) * 0.5

    def spacing(self) -> float:
        """Mean extra space between adjacent Han characters, in em (0: set solid)."""
        gaps = [
            b.x0 - a.x1
            for a, b in zip(self.glyphs, self.glyphs[1:], strict=False)
            if HAN.match(a.char) and HAN.match(b.char) and abs(a.size - b.size) < 0.1
        ]
        return statistics.mean(gaps) / self.size if gaps else 0.0


RUNAROUND_GAP_PT = 10.5  # between a half-width picture and the text beside it (magazine.css: 1 em)


@dataclass
class PageScan:
    index: int  # PDF page index
    folio: int | None  # printed page number; None on the covers
    kind: str  # cover, contents, inner, notes
    area: tuple[float, float, float, float]  # type area x0, top, x1, bottom (pt from the trim's top-left)
    columns: list[tuple[float, float]]
    lines: list[Line] = field(default_factory=list)
    images: list[tuple[float, float, float, float]] = field(default_factory=list)

    @property
    def content_bottom(self) -> float:
        bottoms = [line.bottom for line in self.lines] + [b for *_, b in self.images]
        return max(bottoms, default=self.area[1])

    @property
    def fill(self) -> float:
        _, top, _, bottom = self.area
        return max(0.0, min(1.0, (self.content_bottom - top) / (bottom - top)))

    def column_edge(self, line: Line) -> float:
        """The right edge ``line`` is set to: its column's, or a picture's left side less the gap
        when it runs beside one ({size=half}: the text runs round the picture)."""
        _x0, _, x1, _ = self.area
        edge = x1
        if line.column == 0 and line.x1 <= self.columns[0][1] + 2:
            edge = self.columns[0][1]
        start, end = self.columns[line.column] if line.column is not None else (line.x0, x1)
        for left, top, _right, bottom in self.images:
            within = start + 1 < left < end - 1  # a picture in the line's own column, right of its start
            if within and line.x1 <= left + 1 and top - 1 <= line.top <= bottom + 1:
                edge = left - RUNAROUND_GAP_PT
        return edge


def _role(fontname: str) -> str:
    name = fontname.split("+", 1)[-1].lower()
    for role in ("body", "title", "heading", "kai"):
        if f"qhgy-{role}" in name:
            return role
    return "other"


def scan(pdf_path: Path, geometry: House | None = None) -> list[PageScan]:
    """Every page of ``pdf_path`` read into lines and columns."""
    h = geometry or house()
    scans: list[PageScan] = []
    page_boxes = _boxes(pdf_path)
    with pdfplumber.open(pdf_path) as pdf:
        texts = [_page_text(page) for page in pdf.pages]
        contents = next((i for i, t in enumerate(texts) if "目录" in t.replace("　", "")), 2)
        last_inner = len(pdf.pages) - 3  # 封三, 封四 follow
        for index, page in enumerate(pdf.pages):
            folio = index - contents + 1 if contents <= index <= last_inner else None
            kind = "cover" if folio is None else "contents" if folio <= 2 and index < contents + 2 else "inner"
            if kind == "inner" and "学习笔记" in texts[index]:
                kind = "notes"
            dx, dy, trim_top, media_bottom = _trim(*page_boxes[index])
            left_page = folio is not None and folio % 2 == 0
            x0, top, x1, bottom = h.area(left_page)
            columns = h.column_edges(left_page)
            if kind == "cover":  # covers and 封二/封三 have margins of their own: read the whole trim
                x0, top, x1, bottom = 0.0, 0.0, h.width_mm * MM, h.height_mm * MM
                columns = [(x0, x1)]
            view = PageScan(index, folio, kind, (x0, top, x1, bottom), columns)
            glyphs: list[Glyph] = []
            for c in page.chars:
                if c["text"] in INVISIBLE:
                    if c["text"] in " \u00a0" and glyphs:
                        glyphs[-1].space_after = True
                    continue
                glyphs.append(
                    Glyph(
                        c["text"],
                        c["x0"] - dx,
                        c["x1"] - dx,
                        c["top"] - dy,
                        c["bottom"] - dy,
                        trim_top - (c["matrix"][5] + media_bottom),
                        c["size"],
                        _role(c.get("fontname", "")),
                    )
                )
            inside = [g for g in glyphs if top - 2 <= g.top and g.bottom <= bottom + 2 and x0 - 2 <= g.x0]
            if kind == "contents":
                view.columns = _free_gutter(inside, view) or view.columns
            view.lines = _lines(inside, index, view)
            view.images = [
                (im["x0"] - dx, im["top"] - dy, im["x1"] - dx, im["bottom"] - dy)
                for im in page.images
                if im["top"] - dy >= top - 2 and im["bottom"] - dy <= bottom + 2
            ]
            scans.append(view)
    return scans


def _free_gutter(glyphs: list[Glyph], view: PageScan) -> list[tuple[float, float]] | None:
    """Columns found from the text: the widest band in the middle of the type area no glyph
    crosses (the contents set their two columns on their own gutter, not the house grid)."""
    x0, _, x1, _ = view.area
    step = 1.0
    lo, hi = x0 + (x1 - x0) / 3, x0 + 2 * (x1 - x0) / 3
    free = [x for x in (lo + k * step for k in range(int((hi - lo) / step))) if not any(g.x0 < x < g.x1 for g in glyphs)]
    if not free:
        return None
    runs: list[list[float]] = [[free[0]]]
    for x in free[1:]:
        if x - runs[-1][-1] <= step * 1.5:
            runs[-1].append(x)
        else:
            runs.append([x])
    best = max(runs, key=len)
    if len(best) * step < 8:
        return None
    return [(x0, best[0]), (best[-1], x1)]


def _page_text(page) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", "", page.extract_text() or "")


def _boxes(pdf_path: Path) -> list[tuple[list[float], list[float]]]:
    """Each page's MediaBox and TrimBox (the press PDF has a slug around the trim, the screen PDF none)."""
    import pikepdf

    with pikepdf.open(pdf_path) as pdf:
        out = []
        for page in pdf.pages:
            media = [float(v) for v in page.obj.MediaBox]
            trim = [float(v) for v in page.obj.get("/TrimBox", page.obj.MediaBox)]
            out.append((media, trim))
        return out


def _trim(media: list[float], trim: list[float]) -> tuple[float, float, float, float]:
    """How to bring pdfplumber's coordinates to the trim's top-left corner: (dx for x0/x1, dy for
    top/bottom, the trim's top in user space, the media box's bottom, which pdfplumber's char
    matrix is relative to). pdfplumber keeps x in user space and measures ``top`` down from the
    media box's height."""
    return trim[0], (media[3] - media[1]) - trim[3], trim[3], media[1]


def _lines(glyphs: list[Glyph], page: int, view: PageScan) -> list[Line]:
    rows: dict[int, list[Glyph]] = defaultdict(list)
    for g in glyphs:
        rows[round(g.baseline * 2)].append(g)
    gutter_left = view.columns[0][1]
    gutter_right = view.columns[1][0] if len(view.columns) > 1 else gutter_left
    lines: list[Line] = []
    for _, row in sorted(rows.items()):
        row.sort(key=lambda g: g.x0)
        segments: list[list[Glyph]] = [[row[0]]]
        middle = (gutter_left + gutter_right) / 2
        for g in row[1:]:
            last = segments[-1][-1]
            gap = g.x0 - last.x1
            # A line-end mark set half-width still declares a full-width box, which narrows the
            # gutter's apparent gap to 1.5 em: a gap across the gutter's middle always splits.
            # Text beside a floated picture and the picture's caption share baselines: a change of
            # size across a gap is a new segment too.
            resized = abs(g.size - last.size) > 0.5 and gap > 0.3 * g.size
            if gap > 1.5 * max(g.size, 6) or (gap > 0.9 * g.size and last.x1 < middle < g.x0) or resized:
                segments.append([g])
            else:
                segments[-1].append(g)
        for segment in segments:
            crosses = segment[0].x0 < gutter_left - 1 and segment[-1].x1 > gutter_right + 1
            column = None if crosses else (0 if segment[0].x0 < (gutter_left + gutter_right) / 2 else 1)
            lines.append(Line(page, segment, column))
    return _columnise(lines, view)


def _columnise(lines: list[Line], view: PageScan) -> list[Line]:
    """A line standing alone in the left half (a centred title, a short last line of one-column text)
    is a column line only if the right column has text beside it."""
    for line in lines:
        if line.column == 0:
            beside = any(
                other.column == 1 and abs(other.baseline - line.baseline) < 40 for other in lines if other is not line
            )
            if not beside and line.x1 > view.columns[0][1] + 2:
                line.column = None
    return lines


# ---------------------------------------------------------------- reading order


def bands(view: PageScan) -> list[list[Line]]:
    """The page's lines in reading order: full-width lines cut it into bands, and each band's
    left column is read before its right."""
    ordered: list[list[Line]] = []
    band: list[Line] = []
    for line in sorted(view.lines, key=lambda item: (item.baseline, item.x0)):
        if line.column is None:
            if band:
                ordered.append(_band_order(band))
                band = []
            ordered.append([line])
        else:
            band.append(line)
    if band:
        ordered.append(_band_order(band))
    return ordered


def _band_order(band: list[Line]) -> list[Line]:
    """A band's text, left column then right, and then the smaller print standing among it (a
    floated picture's caption shares the text's baselines, and the text may go on in the next
    column): each stays in one piece."""
    body = house().body_pt - 0.3
    return sorted(band, key=lambda item: (item.size < body, item.column or 0, item.baseline, item.x0))


def reading_lines(view: PageScan) -> list[Line]:
    return [line for band in bands(view) for line in band]


def reading_text(scans: Sequence[PageScan]) -> str:
    """Every character of every page's type area in reading order, lines joined without a break."""
    return "".join(line.text for view in scans for line in reading_lines(view))


def han_text(scans: Sequence[PageScan], small: bool | None = None) -> str:
    """The Han characters of every page's type area, in reading order.

    ``small``: None for every line; False for text of body size and larger (a
    paragraph that runs on over a page stays in one piece even where a caption
    stands on the page); True for the smaller print (captions, the contents)."""
    body = house().body_pt - 0.3
    return "".join(
        "".join(g.char for g in line.glyphs if HAN.match(g.char))
        for view in scans
        for line in reading_lines(view)
        if small is None or (line.size < body) == small
    )


# ---------------------------------------------------------------- display text


@dataclass(frozen=True)
class Break:
    page: int
    before: str
    after: str
    word: str

    def __str__(self) -> str:
        return f"PDF page {self.page + 1}: “{self.before} / {self.after}” splits “{self.word}”"


def _style(g: Glyph) -> tuple[str, float]:
    return g.role, round(g.size, 1)


def display_blocks(view: PageScan) -> list[list[Line]]:
    """Runs of consecutive lines of display text on a page: same style, one above the other.

    Display text is any text not set as body prose: titles, headings,
    kickers, bylines, captions, every line of the contents and colophon, and
    the 楷体 credits and sources that end a paragraph.
    """
    blocks: list[list[Line]] = []
    for column in (None, 0, 1):
        lines = sorted((line for line in view.lines if line.column == column), key=lambda item: item.baseline)
        current: list[Line] = []
        for line in lines:
            if current and _continues(current[-1], line):
                current.append(line)
            else:
                if len(current) > 1:
                    blocks.append(current)
                current = [line]
        if len(current) > 1:
            blocks.append(current)
    return blocks


def _continues(a: Line, b: Line) -> bool:
    pitch = b.baseline - a.baseline
    return 0 < pitch <= max(a.size, b.size) * 2.2 and _style(a.glyphs[-1]) == _style(b.glyphs[0])


def _is_display(style: tuple[str, float], view: PageScan, a: Line, b: Line) -> bool:
    """Whether a break between lines ``a`` and ``b`` inside text of ``style`` is in display text.

    A run-in lead (黑体 at body size inside a paragraph) and 编者按 prose (楷体
    paragraphs) are body text: Chinese body text may break between any two
    characters. A credit, a source, a byline or a caption in 楷体 is display
    text, and so is a heading at body size standing on lines of its own.
    """
    role, size = style
    if view.kind == "contents":
        return True
    pure = {g.role for g in a.glyphs} == {role} and {g.role for g in b.glyphs} == {role}
    if role == "kai":
        return not (pure and abs(size - house().body_pt) < 0.3 and len(a.glyphs) >= 12)
    if role == "heading" and size < 10.6:
        return pure
    return role == "title" or role == "heading" or (role == "body" and abs(size - house().body_pt) > 0.3 and size > 8)


def display_breaks(scans: Sequence[PageScan], cut: callable) -> tuple[list[Break], list[Break]]:  # type: ignore[valid-type]
    """Breaks inside a word, and one-character last lines, in every wrapped display text."""
    inside: list[Break] = []
    alone: list[Break] = []
    for view in scans:
        if view.kind in ("cover", "notes"):
            continue
        for block in display_blocks(view):
            for a, b in itertools.pairwise(block):
                style = _style(a.glyphs[-1])
                if not _is_display(style, view, a, b):
                    continue
                left = _run(a.glyphs, style, from_end=True)
                right = _run(b.glyphs, style, from_end=False)
                text = left + right
                if not (HAN.match(left[-1:]) and HAN.match(right[:1])):
                    continue
                position = 0
                for word in cut(text):
                    end = position + len(word)
                    if position < len(left) < end and len(HAN.findall(word)) >= 2:
                        inside.append(Break(view.index, left[-8:], right[:8], word))
                    position = end
            last = block[-1]
            words = _CONTENTS_END.sub("", last.text) if view.kind == "contents" else last.text
            if (
                _is_display(_style(last.glyphs[0]), view, block[-2], last)
                and len(HAN.findall(words)) == 1
                and len(words) <= 2
            ):
                alone.append(Break(view.index, block[-2].text[-8:], last.text, ""))
    return inside, alone


# A contents entry's last line ends in dot leaders and the page number: the words are before them.
_CONTENTS_END = re.compile(r"[\s·.…]*\d*\s*$")


def _run(glyphs: list[Glyph], style: tuple[str, float], *, from_end: bool) -> str:
    chars: list[str] = []
    sequence = reversed(glyphs) if from_end else iter(glyphs)
    for g in sequence:
        if _style(g) != style:
            break
        chars.append(g.char)
    return "".join(reversed(chars)) if from_end else "".join(chars)


# ---------------------------------------------------------------- page fill and headings


def near_empty(scans: Sequence[PageScan], threshold: float = 0.5) -> list[PageScan]:
    """Inner pages whose content reaches less than ``threshold`` of the way down the type area."""
    return [v for v in scans if v.kind == "inner" and v.fill < threshold]


@dataclass(frozen=True)
class Stranded:
    page: int
    heading: str
    lines_after: int

    def __str__(self) -> str:
        return f"PDF page {self.page + 1}: “{self.heading}” has {self.lines_after} line(s) of its text after it"


def _is_heading(line: Line) -> bool:
    roles = {g.role for g in line.glyphs}
    return roles <= {"title", "heading"} and line.size >= 10.4 and len(HAN.findall(line.text)) >= 2


def stranded_headings(scans: Sequence[PageScan]) -> list[Stranded]:
    """Headings and titles with fewer than three body lines after them in their column, where the
    text goes on in the next column or page."""
    found: list[Stranded] = []
    for p, view in enumerate(scans):
        if view.kind != "inner":
            continue
        for line in view.lines:
            if not _is_heading(line):
                continue
            column = line.column if line.column is not None else 0
            below = sorted(
                (other for other in view.lines if other.column in (column, None) and other.baseline > line.baseline),
                key=lambda item: item.baseline,
            )
            body: list[Line] = []
            ended = False
            for other in below:
                if other.is_body and not _is_heading(other):
                    if other.column is None and line.column is not None:
                        break
                    body.append(other)
                elif body or _is_heading(other) is False:
                    ended = True
                    break
                else:
                    continue
            if len(body) >= MIN_LINES_AFTER or ended:
                continue
            if body and not _continues_after(scans, p, body[-1], view):
                continue
            if not body and not _continues_after(scans, p, line, view):
                continue
            found.append(Stranded(view.index, line.text[:20], len(body)))
    return _dedupe(found)


def _continues_after(scans: Sequence[PageScan], p: int, last: Line, view: PageScan) -> bool:
    """Whether the text flows on past ``last``: it ends within a line of its column's foot."""
    _, _, _, bottom = view.area
    return bottom - last.bottom < house().line_pt * 1.5


def _dedupe(found: list[Stranded]) -> list[Stranded]:
    seen: set[tuple[int, str]] = set()
    out = []
    for item in found:
        if (item.page, item.heading) not in seen:
            seen.add((item.page, item.heading))
            out.append(item)
    return out


# ---------------------------------------------------------------- edges and spacing


@dataclass(frozen=True)
class EdgeFault:
    page: int
    text: str
    off: float  # pt: + past the column edge, − short of it
    spacing: float  # em

    def __str__(self) -> str:
        side = "past" if self.off > 0 else "short of"
        return f"PDF page {self.page + 1}: {abs(self.off):.2f} pt {side} the column edge, spacing {self.spacing:.2f} em: …{self.text[-16:]}"


CLOSING_MARKS = set("，。、；：！？）》〉】」』〕〗”’")


def _line_end(line: Line, edge: float) -> float:
    """Where a line's text ends. A closing mark set half-width (halt) still declares a full-width
    glyph in the PDF, so its box would reach half an em past where its ink and advance end."""
    last = line.glyphs[-1]
    half = last.x0 + last.size / 2
    if last.char in CLOSING_MARKS and abs(half - edge) < abs(last.x1 - edge):
        return half
    return last.x1


def paragraph_blocks(view: PageScan) -> Iterable[list[Line]]:
    """Runs of body lines one line pitch apart in each column: paragraphs and boxed items."""
    pitch = house().line_pt
    for column in (None, 0, 1):
        lines = sorted((line for line in view.lines if line.column == column and line.is_body), key=lambda item: item.baseline)
        block: list[Line] = []
        for line in lines:
            if block and line.baseline - block[-1].baseline > pitch * 1.3:
                yield block
                block = []
            block.append(line)
        if block:
            yield block


def justified_lines(view: PageScan) -> Iterable[tuple[Line, bool, float]]:
    """Body lines of a page set to a column's measure, each with whether it is justified (not
    the last line of its paragraph) and the edge it must reach.

    Lines standing in from both sides of their column — centred head lines,
    a one-line paragraph, the text of a 补白 box — are not set to the measure
    and are left out.
    """
    x0, _, _, _ = view.area
    for block in paragraph_blocks(view):
        column_left = view.columns[block[0].column][0] if block[0].column is not None else x0
        for line, nxt in zip(block, [*block[1:], None], strict=False):
            edge = view.column_edge(line)
            em = line.size
            if line.x0 - column_left > em and edge - _line_end(line, edge) > em:
                continue
            if nxt is None or edge - _line_end(line, edge) > 1.5 * em:
                yield line, False, edge  # a paragraph's last line, or it goes on in another column
                continue
            yield line, nxt.x0 - line.x0 <= em * 1.5, edge


def edges(scans: Sequence[PageScan]) -> tuple[list[EdgeFault], list[EdgeFault], list[EdgeFault]]:
    """(justified lines off their edge, lines past it, loose lines) on the inner pages."""
    off: list[EdgeFault] = []
    past: list[EdgeFault] = []
    loose: list[EdgeFault] = []
    for view in scans:
        if view.kind != "inner":
            continue
        for line, justified, edge in justified_lines(view):
            delta = _line_end(line, edge) - edge
            spacing = line.spacing()
            fault = EdgeFault(view.index, line.text, round(delta, 2), round(spacing, 3))
            if delta > EDGE_TOLERANCE:
                past.append(fault)
            if justified and abs(delta) > EDGE_TOLERANCE:
                off.append(fault)
            if justified and spacing > LOOSE_EM:
                loose.append(fault)
    return off, past, loose


# ---------------------------------------------------------------- report


def main(argv: list[str]) -> int:
    pdf = Path(argv[0])
    scans = scan(pdf)
    from .. import words as wordbreaks

    if len(argv) > 1:
        from ..load import load_issue

        wordbreaks.use_issue_words(wordbreaks.issue_words(load_issue(Path(argv[1]))))
    inside, alone = display_breaks(scans, wordbreaks.words_of)
    empty = near_empty(scans)
    stranded = stranded_headings(scans)
    off, past, loose = edges(scans)
    print(f"{len(scans)} pages")
    print(f"display text: {len(inside)} breaks inside a word, {len(alone)} one-character last lines")
    for item in [*inside, *alone][:20]:
        print("  ", item)
    print(f"near-empty inner pages: {len(empty)}")
    for view in empty:
        print(f"   PDF page {view.index + 1} (p.{view.folio}): content reaches {view.fill:.0%} of the type area")
    print(f"headings with fewer than {MIN_LINES_AFTER} lines after them: {len(stranded)}")
    for item in stranded:
        print("  ", item)
    print(f"justified lines off the column edge: {len(off)}; lines past it: {len(past)}; loose lines: {len(loose)}")
    for item in [*off, *past, *loose][:30]:
        print("  ", item)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


GRID_TOLERANCE_PT = 0.1


def inner_bands(scans: Sequence[PageScan]) -> Iterator[tuple[PageScan, list[Line]]]:
    """Each band of each inner page (the pages of articles: no covers, contents or notes)."""
    for view in scans:
        if view.kind == "inner":
            for band in bands(view):
                yield view, band


def off_grid(scans: Sequence[PageScan]) -> list[str]:
    """Lines of text that left their column's baseline grid.

    In each column of a band, every line of body text stands a whole number of line pitches
    below the column's first one, and each line of a 楷体 block (编者按, a byline) a whole number
    below the one before it. A line made taller by a run in another face (a 黑体 lead, a 楷体
    credit) or a line set lower by a second face in its text pushes every later line off."""
    pitch = house().line_pt
    body_size = house().body_pt
    found = []
    for view, band in inner_bands(scans):
        for column in {line.column for line in band}:
            lines = sorted(
                (line for line in band if line.column == column and abs(line.size - body_size) < 0.3),
                key=lambda line: line.baseline,
            )
            body = [line for line in lines if line.role == "body"]
            pairs = [(body[0], line) for line in body[1:]]
            pairs += [(a, b) for a, b in itertools.pairwise(lines) if a.role == b.role == "kai"]
            for a, b in pairs:
                off = (b.baseline - a.baseline) % pitch
                if min(off, pitch - off) > GRID_TOLERANCE_PT:
                    found.append(f"p.{view.folio}: “{b.text[:12]}” {off:.2f} pt off the grid of “{a.text[:12]}”")
    return found


def unbalanced_endings(scans: Sequence[PageScan], limit: int = 2) -> list[str]:
    """Two-column bands that end short of the type area's foot (an article's last lines, balanced)
    where one column ends more than ``limit`` lines below the other, pictures aside (a picture
    moves in whole blocks; the make-up's hole rule answers for those)."""
    pitch = house().line_pt
    found = []
    for view, band in inner_bands(scans):
        ends = {}
        for column in (0, 1):
            baselines = [line.baseline for line in band if line.column == column]
            if baselines:
                ends[column] = max(baselines)
        if len(ends) < 2 or view.area[3] - max(ends.values()) < 2 * pitch:
            continue  # one column, or a set that fills the page (a widow rule may leave a line free)
        top = min(line.top for line in band)
        if any(top - pitch <= image_top <= max(ends.values()) for _, image_top, _, _ in view.images):
            continue
        lines = (ends[0] - ends[1]) / pitch
        if abs(lines) > limit + 0.1:
            found.append(f"p.{view.folio}: the left column ends {lines:+.1f} lines from the right")
    return found


def picture_holes(scans: Sequence[PageScan], limit: int = 3) -> list[str]:
    """Two-column bands with a picture that end short of the type area's foot where one column
    ends more than ``limit`` lines above the other (its picture included): the hole a picture
    leaves when it finds no room at the foot of the column before it. A column that holds only
    a picture is left aside (its height is the picture's)."""
    pitch = house().line_pt
    found = []
    for view, band in inner_bands(scans):
        if not view.images or not any(line.column is not None for line in band):
            continue
        top = min(line.top for line in band)
        bottom = max(line.bottom for line in band)
        pictures = [im for im in view.images if top - pitch <= im[1] <= bottom]
        if not pictures:
            continue
        ends: dict[int, float] = {}
        for line in band:
            if line.column is not None:
                ends[line.column] = max(ends.get(line.column, 0.0), line.bottom)
        text = set(ends)  # the columns holding text
        for left, _, right, im_bottom in pictures:
            middle = (left + right) / 2
            column = next((c for c, (x0, x1) in enumerate(view.columns) if x0 <= middle <= x1), None)
            if column is not None:
                ends[column] = max(ends.get(column, 0.0), im_bottom)
        if len(ends) < 2 or len(text) < 2 or view.area[3] - max(ends.values()) < 2 * pitch:
            continue
        lines = (max(ends.values()) - min(ends.values())) / pitch
        if lines > limit + 0.1:
            found.append(f"p.{view.folio}: the columns beside a picture end {lines:.1f} lines apart")
    return found


def pictures_beside_text(scans: Sequence[PageScan], limit: int = 3) -> list[str]:
    """Pictures standing at the head of their column, with no body text under them, whose column
    (the caption included) ends more than ``limit`` lines below the text of the other column of
    their band: a tall photo beside an article's last lines, the hole :func:`picture_holes` leaves
    aside (its column holds only the picture)."""
    pitch = house().line_pt
    found = []
    for view, band in inner_bands(scans):
        if not view.images or len(view.columns) < 2:
            continue
        top = min(line.top for line in band)
        bottom = max(line.bottom for line in band)
        for left, im_top, right, im_bottom in view.images:
            if not top - pitch <= im_top <= bottom:
                continue
            middle = (left + right) / 2
            column = next((c for c, (x0, x1) in enumerate(view.columns) if x0 <= middle <= x1), None)
            if column is None:
                continue
            own = [line for line in band if line.column == column]
            if any(line.bottom <= im_top + 1 for line in own) or any(
                line.top >= im_bottom and line.role == "body" for line in own
            ):
                continue  # text above the picture, or body text under it: its column ends with text
            others = [line.bottom for line in band if line.column is not None and line.column != column]
            if not others:
                continue
            lines = (max([im_bottom, *(line.bottom for line in own)]) - max(others)) / pitch
            if lines > limit + 0.1:
                found.append(f"p.{view.folio}: a picture ends {lines:.1f} lines below the text beside it")
    return found
