"""Proof rounds (一校、二校、三校): numbered proofs kept in ``output/<id>/proofs/N/``.

A proof is the print PDF of a build, an image of each page (cut to the trim),
and ``pages.json``: for every page its label (封一, 1, 2 …, 封四) and its text
lines in reading order, each with its place on the page and the source line
it came from. The lines are read from the same layout the PDF was written
from (WeasyPrint's boxes, in document order), so two columns read as two
columns; :mod:`.proofdiff` compares two such maps.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Loc, QhgyError

if TYPE_CHECKING:
    from weasyprint.document import Document

    from ..model import Issue
    from ..pipeline import BuildResult

PX_TO_PT = 0.75  # WeasyPrint lays out in CSS px; PDF points are 3/4 of one
IMAGE_DPI = 100
PAGES_FILE = "pages.json"


@dataclass
class Line:
    text: str  # the line's text as laid out (spaces between Han and Latin are layout, left out)
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in pt from the trim's top-left corner
    source: str  # "articles/120-wuxuhui.md:14", "articles/…md (front matter)", "issue.yaml"


@dataclass
class PageRecord:
    index: int  # 0-based page of the PDF
    label: str  # 封一, 封二, 1, 2 …, 封三, 封四
    width: float  # trim size in pt
    height: float
    lines: list[Line] = field(default_factory=list)
    image: str = ""  # relative to the proof folder

    @property
    def text(self) -> str:
        return "".join(line.text for line in self.lines)


@dataclass
class Proof:
    """A kept proof (``number`` ≥ 1) or the current sources (``number`` 0)."""

    folder: Path
    number: int
    issue_id: str
    created: str
    content_hash: str
    pages: list[PageRecord]

    @property
    def name(self) -> str:
        return f"第{self.number}次校样" if self.number else "当前稿"

    @property
    def pdf(self) -> Path:
        return self.folder / f"qhgy-{self.issue_id}-print.pdf"


# ------------------------------------------------------------ page records


def page_labels(count: int, contents_index: int) -> list[str]:
    """封一, 封二, folios from the contents page on, 封三, 封四 (as the preview labels them)."""
    covers = {0: "封一", 1: "封二", count - 2: "封三", count - 1: "封四"}
    return [covers.get(i, str(i - contents_index + 1)) for i in range(count)]


def page_records(document: Document, issue: Issue) -> list[PageRecord]:
    """Every page's text lines with their boxes and sources, from a laid-out WeasyPrint document."""
    from weasyprint.formatting_structure import boxes

    pages = document.pages
    start = next((i for i, p in enumerate(pages) if "contents" in p.anchors), 0)
    labels = page_labels(len(pages), start)
    sources = _block_sources(issue)
    records = []
    for index, page in enumerate(pages):
        record = PageRecord(index, labels[index], page.width * PX_TO_PT, page.height * PX_TO_PT)
        # Depth-first in document order; margin boxes (running heads, folios) are not the page's text.
        stack: list[tuple[object, str]] = [(page._page_box, "")]
        while stack:
            box, source = stack.pop()
            if isinstance(box, boxes.MarginBox):
                continue
            element = getattr(box, "element", None)
            ident = (
                element.get("id") if element is not None and not isinstance(box, boxes.InlineBox) else None
            )
            if ident and ident in sources:
                source = sources[ident]
            if isinstance(box, boxes.LineBox):
                line = _line(box, source or "layouts")
                if line is not None:
                    record.lines.append(line)
                continue
            if isinstance(box, boxes.ParentBox):
                stack.extend((child, source) for child in reversed(box.children))
        records.append(record)
    return records


def _line(box, source: str) -> Line | None:  # type: ignore[no-untyped-def]
    from weasyprint.formatting_structure import boxes

    texts: list[str] = []
    x0 = y0 = float("inf")
    x1 = y1 = float("-inf")
    stack = [box]
    while stack:
        b = stack.pop()
        if isinstance(b, boxes.TextBox):
            texts.append(b.text)
            x0, y0 = min(x0, b.position_x), min(y0, b.position_y)
            x1, y1 = max(x1, b.position_x + b.width), max(y1, b.position_y + b.height)
        elif isinstance(b, boxes.ParentBox):
            stack.extend(reversed(b.children))
    # Spaces and the zero-width break opportunities the CJK markup adds are layout, not text.
    text = re.sub(r"[\s\u200b-\u200d\u2060\ufeff\u00ad]+", "", "".join(texts))
    if not text:
        return None
    return Line(text, (x0 * PX_TO_PT, y0 * PX_TO_PT, x1 * PX_TO_PT, y1 * PX_TO_PT), source)


def _block_sources(issue: Issue) -> dict[str, str]:
    """Element id in the print HTML → the source line it comes from."""
    root = issue.root

    def rel(loc: Loc) -> str:
        path = loc.path.relative_to(root) if loc.path.is_relative_to(root) else loc.path
        return f"{path}:{loc.line}" if loc.line else str(path)

    found = {name: "issue.yaml" for name in ("cover", "contents", "colophon", "back-cover")}
    for article in issue.all_articles:
        found[article.id] = f"{article.path.relative_to(root)} (front matter)"
        for i, block in enumerate(article.blocks):
            found[f"{article.id}-b{i}"] = rel(block.loc)
            found[f"{article.id}-b{i}-photo"] = rel(block.loc)
    return found


# ------------------------------------------------------------- page images


def render_page_images(pdf: Path, folder: Path, dpi: int = IMAGE_DPI) -> list[str]:
    """JPEG of every page cut to its TrimBox; returns the names relative to ``folder``'s parent."""
    import pikepdf
    import pypdfium2

    folder.mkdir(parents=True, exist_ok=True)
    with pikepdf.open(pdf) as doc:
        boxes = []
        for page in doc.pages:
            media = [float(v) for v in page.MediaBox]
            trim = [float(v) for v in page.obj.get("/TrimBox", page.MediaBox)]
            boxes.append((trim[0] - media[0], trim[1] - media[1], media[2] - trim[2], media[3] - trim[3]))
    document = pypdfium2.PdfDocument(str(pdf))
    names = []
    try:
        for index in range(len(document)):
            image = document[index].render(scale=dpi / 72, crop=boxes[index]).to_pil()
            name = f"p{index + 1:03d}.jpg"
            image.convert("RGB").save(folder / name, format="JPEG", quality=80)
            names.append(f"{folder.name}/{name}")
    finally:
        document.close()
    return names


# ------------------------------------------------------------------ proofs


def proofs_dir(out_dir: Path) -> Path:
    return out_dir / "proofs"


def proof_numbers(out_dir: Path) -> list[int]:
    folder = proofs_dir(out_dir)
    if not folder.is_dir():
        return []
    return sorted(int(p.name) for p in folder.iterdir() if p.name.isdigit() and (p / PAGES_FILE).is_file())


def content_hash(issue_dir: Path) -> str:
    """SHA-256 of every source file of the issue (names and bytes), in name order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in issue_dir.rglob("*") if p.is_file() and not p.name.startswith(".")):
        digest.update(str(path.relative_to(issue_dir)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _write_proof(result: BuildResult, folder: Path, number: int, issue_dir: Path) -> Proof:
    from ..pipeline import output_path

    assert result.layout is not None
    records = page_records(result.layout.document, result.issue)
    images = render_page_images(output_path(folder, result.issue, "print"), folder / "pages")
    for record, image in zip(records, images, strict=True):
        record.image = image
    proof = Proof(
        folder,
        number,
        result.issue.id,
        dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        content_hash(issue_dir),
        records,
    )
    data = {k: v for k, v in asdict(proof).items() if k != "folder"}
    (folder / PAGES_FILE).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return proof


def build_proof(issue_dir: Path, out_dir: Path, *, keep: bool = True) -> Proof:
    """Build the issue's print PDF and keep it as the next numbered proof (``keep``) or as ``current``."""
    from ..pipeline import build_issue

    base = proofs_dir(out_dir)
    base.mkdir(parents=True, exist_ok=True)
    number = (proof_numbers(out_dir) or [0])[-1] + 1 if keep else 0
    name = str(number) if keep else "current"
    tmp = base / f".{name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        result = build_issue(issue_dir, tmp, targets=["print"])
        proof = _write_proof(result, tmp, number, issue_dir)
        target = base / name
        if target.exists():
            if keep:  # another proof took the number meanwhile: never overwrite a kept proof
                raise QhgyError(f"{target} appeared while this proof was made; run `qhgy proof` again")
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    proof.folder = target
    return proof


def load_proof(out_dir: Path, which: str | int) -> Proof:
    """A kept proof by number (or ``current``, the last `qhgy diff` build of the sources)."""
    folder = proofs_dir(out_dir) / str(which)
    path = folder / PAGES_FILE
    if not path.is_file():
        kept = ", ".join(map(str, proof_numbers(out_dir))) or "none yet"
        raise QhgyError(
            f"no proof {which} in {proofs_dir(out_dir)} (kept: {kept})\n      → make one with `qhgy proof`"
        )
    data = json.loads(path.read_text(encoding="utf-8"))
    pages = [
        PageRecord(
            p["index"],
            p["label"],
            p["width"],
            p["height"],
            [Line(line["text"], tuple(line["box"]), line["source"]) for line in p["lines"]],  # type: ignore[arg-type]
            p["image"],
        )
        for p in data["pages"]
    ]
    return Proof(folder, data["number"], data["issue_id"], data["created"], data["content_hash"], pages)
