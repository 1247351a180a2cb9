"""`qhgy diff`: what changed between two proofs, page by page.

The two proofs' lines (reading order, see :mod:`.proofs`) are compared as a
whole issue, first line by line and then, inside the lines that differ,
character by character: so a sentence edited in one paragraph is one change,
however its paragraph's lines fell. Each page of the later proof then is:

- ``changed``: text was inserted or deleted on it;
- ``reflowed``: no edit of its own, but lines moved onto or off it from a changed neighbour;
- ``moved``: the same lines as a page of the earlier proof, under another folio;
- ``unchanged``: the same lines under the same folio;
- ``added``: a new page whose lines have no counterpart.
"""

from __future__ import annotations

import difflib
import html
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .proofs import Line, PageRecord, Proof

if TYPE_CHECKING:
    from weasyprint.document import Document

    from ..model import Issue

STATUS_ZH = {
    "changed": "文字有改动",
    "reflowed": "随前后页移行",
    "moved": "仅页码变动",
    "unchanged": "未变",
    "added": "新增页",
    "removed": "删去的页",
}


@dataclass
class Mark:
    """A stretch of one line that was inserted (on the later proof) or deleted (on the earlier)."""

    page: int  # PDF page index in its proof
    box: tuple[float, float, float, float]  # pt from the trim's top-left


@dataclass
class Change:
    deleted: str
    inserted: str
    source: str  # the source line of the later proof's text there (or the earlier's)
    before: str = ""  # a few characters of context on either side, from the later proof
    after: str = ""
    a_marks: list[Mark] = field(default_factory=list)
    b_marks: list[Mark] = field(default_factory=list)

    @property
    def in_context(self) -> str:
        """…研究部署〔全→明〕年工作…"""
        edit = (
            f"{self.deleted}→{self.inserted}"
            if self.deleted and self.inserted
            else (f"−{self.deleted}" if self.deleted else f"+{self.inserted}")
        )
        return f"…{self.before}〔{edit}〕{self.after}…"

    @property
    def summary(self) -> str:
        parts = []
        if self.deleted:
            parts.append(f"删“{self.deleted}”")
        if self.inserted:
            parts.append(f"增“{self.inserted}”")
        return "，".join(parts)


@dataclass
class PageDiff:
    status: str
    a: PageRecord | None  # the earlier proof's page it corresponds to
    b: PageRecord | None  # the later proof's page (None: a page that went)
    changes: list[Change] = field(default_factory=list)


@dataclass
class ProofDiff:
    a: Proof
    b: Proof
    pages: list[PageDiff]
    changes: list[Change]

    def with_status(self, *statuses: str) -> list[PageDiff]:
        return [p for p in self.pages if p.status in statuses]


@dataclass
class _Flat:
    """Every line of a proof in reading order, with where each starts in the joined text."""

    lines: list[tuple[int, Line]]  # (page index, line)

    @property
    def texts(self) -> list[str]:
        return [line.text for _, line in self.lines]


def _flat(proof: Proof) -> _Flat:
    return _Flat([(page.index, line) for page in proof.pages for line in page.lines])


def _marks(flat: _Flat, first: int, text_start: int, text_end: int) -> list[Mark]:
    """Boxes of the characters ``text_start:text_end`` of the lines joined from line ``first`` on."""
    marks = []
    offset = 0
    for k in range(first, len(flat.lines)):
        page, line = flat.lines[k]
        n = len(line.text)
        s, e = max(text_start - offset, 0), min(text_end - offset, n)
        if s < e:
            x0, y0, x1, y1 = line.box
            # Han text is set on a fixed grid, so a character's place is proportional along its line.
            marks.append(Mark(page, (x0 + (x1 - x0) * s / n, y0, x0 + (x1 - x0) * e / n, y1)))
        offset += n
        if offset >= text_end:
            break
    return marks


def _caret(flat: _Flat, first: int, count: int, at: int) -> list[Mark]:
    """A thin mark where text was deleted: at character ``at`` of the lines ``first:first+count``."""
    if not flat.lines:
        return []
    if count == 0:
        k = min(first, len(flat.lines) - 1)
        page, line = flat.lines[k]
        x0, y0, _, y1 = line.box
        return [Mark(page, (x0 - 1.5, y0, x0 + 1.5, y1))]
    offset = 0
    for k in range(first, first + count):
        page, line = flat.lines[k]
        n = len(line.text)
        if at <= offset + n:
            x0, y0, x1, y1 = line.box
            x = x0 + (x1 - x0) * (at - offset) / max(n, 1)
            return [Mark(page, (x - 1.5, y0, x + 1.5, y1))]
        offset += n
    page, line = flat.lines[first + count - 1]
    return [Mark(page, (line.box[2] - 1.5, line.box[1], line.box[2] + 1.5, line.box[3]))]


def diff_proofs(a: Proof, b: Proof) -> ProofDiff:
    """Compare proof ``a`` (earlier) with ``b`` (later)."""
    fa, fb = _flat(a), _flat(b)
    changes: list[Change] = []
    lines = difflib.SequenceMatcher(None, fa.texts, fb.texts, autojunk=False)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        if tag == "equal":
            continue
        ta, tb = "".join(fa.texts[i1:i2]), "".join(fb.texts[j1:j2])
        chars = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
        for op, c1, c2, d1, d2 in _merged(chars.get_opcodes(), ta, tb):
            if op == "equal":
                continue
            # Text inserted (or cut) across several pages is one change per page.
            if c1 == c2:
                pieces = [(c1, c2, s, e) for s, e in _page_ranges(fb, j1, d1, d2)]
            elif d1 == d2:
                pieces = [(s, e, d1, d2) for s, e in _page_ranges(fa, i1, c1, c2)]
            else:
                pieces = [(c1, c2, d1, d2)]
            for p1, p2, q1, q2 in pieces:
                changes.append(_change(fa, fb, ta, tb, (i1, i2, j1, j2), (p1, p2, q1, q2)))
    return ProofDiff(a, b, _classify(a, b, changes), changes)


def _change(
    fa: _Flat, fb: _Flat, ta: str, tb: str, lines: tuple[int, int, int, int], chars: tuple[int, int, int, int]
) -> Change:
    i1, i2, j1, j2 = lines
    c1, c2, d1, d2 = chars
    a_marks = _marks(fa, i1, c1, c2) if c2 > c1 else _caret(fa, i1, i2 - i1, c1)
    b_marks = _marks(fb, j1, d1, d2) if d2 > d1 else _caret(fb, j1, j2 - j1, d1)
    source = _source_at(fb, j1, j2, d1) or _source_at(fa, i1, i2, c1)
    context = "".join(fb.texts[max(j1 - 1, 0) : j2 + 1])
    left = len("".join(fb.texts[max(j1 - 1, 0) : j1])) + d1
    right = left + d2 - d1
    return Change(
        ta[c1:c2],
        tb[d1:d2],
        source,
        context[max(left - 10, 0) : left],
        context[right : right + 10],
        a_marks,
        b_marks,
    )


def _page_ranges(flat: _Flat, first: int, start: int, end: int) -> list[tuple[int, int]]:
    """``start:end`` of the lines joined from ``first`` on, cut where the page changes."""
    ranges: list[tuple[int, int, int]] = []  # (page, s, e)
    offset = 0
    for k in range(first, len(flat.lines)):
        page, line = flat.lines[k]
        s, e = max(start, offset), min(end, offset + len(line.text))
        if s < e:
            if ranges and ranges[-1][0] == page:
                ranges[-1] = (page, ranges[-1][1], e)
            else:
                ranges.append((page, s, e))
        offset += len(line.text)
        if offset >= end:
            break
    return [(s, e) for _, s, e in ranges] or [(start, end)]


def _merged(opcodes, ta: str, tb: str):  # type: ignore[no-untyped-def]
    """Character opcodes with short equal stretches between edits folded in (one edit reads as one)."""
    out: list[list] = []
    for op in opcodes:
        tag, c1, c2, d1, d2 = op
        after_edit = bool(out) and out[-1][0] != "equal"
        short_gap = tag == "equal" and c2 - c1 <= 2 and op is not opcodes[-1]
        if after_edit and (tag != "equal" or short_gap):
            out[-1] = ["replace", out[-1][1], c2, out[-1][3], d2]
        else:
            out.append([tag, c1, c2, d1, d2])
    return [tuple(o) for o in out]


def _source_at(flat: _Flat, first: int, last: int, at: int) -> str:
    offset = 0
    for k in range(first, max(last, first + 1)):
        if k >= len(flat.lines):
            break
        n = len(flat.lines[k][1].text)
        if at < offset + n or k == last - 1:
            return flat.lines[k][1].source
        offset += n
    return ""


def _classify(a: Proof, b: Proof, changes: list[Change]) -> list[PageDiff]:
    on_b: dict[int, list[Change]] = {}
    for change in changes:
        for page in sorted({m.page for m in change.b_marks}):
            on_b.setdefault(page, []).append(change)
    a_by_lines: dict[tuple[str, ...], list[PageRecord]] = {}
    for page in a.pages:
        a_by_lines.setdefault(tuple(line.text for line in page.lines), []).append(page)
    a_by_label = {page.label: page for page in a.pages}
    result = []
    for page in b.pages:
        same_label = a_by_label.get(page.label)
        if page.index in on_b:
            earlier = {m.page for c in on_b[page.index] for m in c.a_marks}
            counterpart = a.pages[min(earlier)] if earlier else same_label
            result.append(PageDiff("changed", counterpart, page, on_b[page.index]))
            continue
        twins = a_by_lines.get(tuple(line.text for line in page.lines), [])
        if same_label is not None and same_label in twins:
            result.append(PageDiff("unchanged", same_label, page))
        elif twins:
            nearest = min(twins, key=lambda p: abs(p.index - page.index))
            result.append(PageDiff("moved", nearest, page))
        elif same_label is not None:
            result.append(PageDiff("reflowed", same_label, page))
        else:
            result.append(PageDiff("added", None, page))
    b_labels = {page.label for page in b.pages}
    for page in a.pages:
        if page.label not in b_labels:
            result.append(PageDiff("removed", page, None))
    return result


# ------------------------------------------------------------------ reports


def report_folder(diff: ProofDiff) -> Path:
    b_name = str(diff.b.number) if diff.b.number else "current"
    return diff.a.folder.parent / f"diff-{diff.a.number}-{b_name}"


def write_reports(diff: ProofDiff, folder: Path | None = None) -> tuple[Path, Path]:
    """The HTML report (side-by-side pages, changes marked) and the annotated PDF of the later proof."""
    folder = folder or report_folder(diff)
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "pages").mkdir(parents=True)
    shown = diff.with_status("changed", "reflowed", "added", "removed")
    for entry in shown:
        for proof, page, side in ((diff.a, entry.a, "a"), (diff.b, entry.b, "b")):
            if page is not None and page.image:
                shutil.copyfile(
                    proof.folder / page.image, folder / "pages" / f"{side}-{page.index + 1:03d}.jpg"
                )
    report = folder / "report.html"
    report.write_text(_html(diff, shown), encoding="utf-8")
    pdf = folder / f"qhgy-{diff.b.issue_id}-diff-{diff.a.number}-{diff.b.number or 'current'}.pdf"
    annotate_pdf(diff, pdf)
    return report, pdf


def _box_style(box: tuple[float, float, float, float], page: PageRecord) -> str:
    x0, y0, x1, y1 = box
    return (
        f"left:{x0 / page.width * 100:.3f}%;top:{y0 / page.height * 100:.3f}%;"
        f"width:{max(x1 - x0, 1) / page.width * 100:.3f}%;height:{(y1 - y0) / page.height * 100:.3f}%"
    )


def _html(diff: ProofDiff, shown: list[PageDiff]) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from ..paths import LAYOUTS_DIR

    env = Environment(
        loader=FileSystemLoader(LAYOUTS_DIR / "workflow"), autoescape=select_autoescape(["html", "j2"])
    )

    def marks(entry: PageDiff, side: str) -> list[dict]:
        page = entry.a if side == "a" else entry.b
        if page is None:
            return []
        found = []
        for number, change in enumerate(diff.changes, start=1):
            first = True
            for m in change.a_marks if side == "a" else change.b_marks:
                if m.page == page.index:
                    kind = "del" if side == "a" else ("ins" if change.inserted else "caret")
                    # The change's number once, in the page's margin beside its first line.
                    label = f"left:0.8%;top:{m.box[1] / page.height * 100:.3f}%" if first else ""
                    found.append(
                        {
                            "style": _box_style(m.box, page),
                            "kind": kind,
                            "n": number,
                            "label": label,
                            "title": change.summary,
                        }
                    )
                    first = False
        return found

    counts = {status: len(diff.with_status(status)) for status in STATUS_ZH}
    return env.get_template("diff.html.j2").render(
        diff=diff,
        shown=shown,
        marks=marks,
        counts=counts,
        status_zh=STATUS_ZH,
        number=lambda change: next(n for n, c in enumerate(diff.changes, start=1) if c is change),
        moved=diff.with_status("moved"),
        escape=html.escape,
    )


def annotate_pdf(diff: ProofDiff, target: Path) -> Path:
    """The later proof's print PDF with a printable annotation on every change (green: new, red: cut)."""
    import pikepdf

    source = diff.b.pdf
    with pikepdf.open(source) as pdf:
        for number, change in enumerate(diff.changes, start=1):
            for mark in change.b_marks:
                page = pdf.pages[mark.page]
                colour = [0, 0.6, 0] if change.inserted else [0.85, 0, 0]
                _annotate(pdf, page, mark.box, colour, f"[{number}] {change.summary}（{change.source}）")
        reflowed = {e.b.index for e in diff.with_status("reflowed") if e.b is not None}
        for index in sorted(reflowed):
            page = pdf.pages[index]
            trim = [float(v) for v in page.obj.get("/TrimBox", page.MediaBox)]
            _annotate(pdf, page, (4, 4, 40, 16), [0.2, 0.3, 0.9], "本页无改动，文字随前后页移行", trim=trim)
        pdf.docinfo["/Subject"] = pikepdf.String(
            f"{diff.a.name} → {diff.b.name}: {len(diff.changes)} 处改动, "
            f"{len(diff.with_status('changed'))} 页有改动"
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        pdf.save(target)
    return target


def _annotate(pdf, page, box, colour, text: str, trim: list[float] | None = None) -> None:  # type: ignore[no-untyped-def]
    """A Square annotation with its own appearance stream and the Print flag, so it prints."""
    import pikepdf

    trim = trim or [float(v) for v in page.obj.get("/TrimBox", page.MediaBox)]
    x0, y0, x1, y1 = box
    pad = 1.5
    rect = [trim[0] + x0 - pad, trim[3] - y1 - pad, trim[0] + x1 + pad, trim[3] - y0 + pad]
    w, h = rect[2] - rect[0], rect[3] - rect[1]
    r, g, b = colour
    appearance = pikepdf.Stream(pdf, f"{r} {g} {b} RG 1 w 0.5 0.5 {w - 1:.2f} {h - 1:.2f} re S".encode())
    appearance.Type = pikepdf.Name.XObject
    appearance.Subtype = pikepdf.Name.Form
    appearance.BBox = [0, 0, w, h]
    annotation = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Square,
        Rect=rect,
        C=colour,
        F=4,  # Print
        T=pikepdf.String("qhgy diff"),
        Contents=pikepdf.String(text),
        Border=[0, 0, 1],
        AP=pikepdf.Dictionary(N=appearance),
    )
    annots = page.obj.get("/Annots")
    if annots is None:
        page.obj.Annots = pdf.make_indirect(pikepdf.Array())
        annots = page.obj.Annots
    annots.append(pdf.make_indirect(annotation))


# ------------------------------------------------------ for the preview


def changed_pages(diff: ProofDiff) -> dict[int, str]:
    """PDF page index of the later proof → its status, for pages other than ``unchanged``."""
    return {p.b.index: p.status for p in diff.pages if p.b is not None and p.status != "unchanged"}


def changes_since_last_proof(document: Document, issue: Issue, out_dir: Path) -> dict[int, str] | None:
    """For the preview: the pages of a fresh layout that differ from the last kept proof.

    ``document`` is the laid-out WeasyPrint document the preview already has;
    nothing is built or written. None when no proof has been kept yet.
    """
    from .proofs import load_proof, page_records, proof_numbers

    numbers = proof_numbers(out_dir)
    if not numbers:
        return None
    last = load_proof(out_dir, numbers[-1])
    records = page_records(document, issue)
    current = Proof(out_dir, 0, issue.id, "", "", records)
    return changed_pages(diff_proofs(last, current))
