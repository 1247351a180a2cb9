"""Real .docx manuscripts for the import tests, made with python-docx as contributors' files look.

python-docx has no API for footnotes or tracked changes; those are written
into the package as Word itself writes them (a footnotes part, w:ins/w:del).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Mm, Pt
from PIL import Image

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@dataclass
class Para:
    text: str
    bold: int | bool = False  # True: the whole paragraph; n: the first n characters (a run-in lead)
    size: float | None = None
    align: str | None = None  # "center", "right"
    style: str | None = None  # a built-in style name: Title, Heading 2, Caption …
    footnote: str | None = None  # a footnote referenced at the paragraph's end
    indent: bool = True  # the two full-width spaces contributors type at a paragraph's start


@dataclass
class Picture:
    size: tuple[int, int] = (1800, 1200)  # pixels: the file embedded at full resolution
    width_mm: float = 80  # the size it is shown at in Word (smaller than the file)
    alt: str = ""
    format: str = "JPEG"  # as the contributor's camera or screenshot tool saved it


@dataclass
class Table:
    rows: list[list[str]] = field(default_factory=list)


def photo(size: tuple[int, int], format: str = "JPEG") -> bytes:
    """A JPEG with detail in it (a gradient crossing a pattern), so a downscale would show."""
    w, h = size
    gradient = Image.linear_gradient("L").resize((w, h))
    stripes = Image.effect_mandelbrot((w, h), (-2, -1.2, 1, 1.2), 40)
    out = io.BytesIO()
    picture = Image.merge("RGB", (gradient, stripes, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    picture.save(out, format=format, **({"quality": 92} if format == "JPEG" else {}))
    return out.getvalue()


def make_docx(path: Path, items: list[Para | Picture | Table]) -> Path:
    doc = Document()
    notes: list[str] = []
    for item in items:
        if isinstance(item, Picture):
            doc.add_picture(io.BytesIO(photo(item.size, item.format)), width=Mm(item.width_mm))
            if item.alt:
                doc.paragraphs[-1]._p.xpath(".//wp:docPr")[0].set("descr", item.alt)
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif isinstance(item, Table):
            table = doc.add_table(rows=len(item.rows), cols=len(item.rows[0]))
            for r, row in enumerate(item.rows):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
        else:
            p = doc.add_paragraph(style=item.style) if item.style else doc.add_paragraph()
            indent = "\u3000\u3000" if item.indent and not item.style and not item.align else ""
            lead = len(item.text) if item.bold is True else int(item.bold or 0)
            chunks = [(indent, False), (item.text[:lead], True), (item.text[lead:], False)]
            for chunk, bold in chunks:
                if chunk:
                    run = p.add_run(chunk)
                    run.bold = bold or None
                    if item.size:
                        run.font.size = Pt(item.size)
            if item.align:
                p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}[
                    item.align
                ]
            if item.footnote:
                notes.append(item.footnote)
                p._p.append(
                    parse_xml(
                        f'<w:r {W_NS}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                        f'<w:footnoteReference w:id="{len(notes)}"/></w:r>'
                    )
                )
    if notes:
        _add_footnotes(doc, notes)
    doc.save(str(path))
    return path


def _add_footnotes(doc, notes: list[str]) -> None:  # type: ignore[no-untyped-def]
    body = "".join(
        f'<w:footnote w:id="{i}"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:footnote>'
        for i, text in enumerate(notes, start=1)
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {W_NS}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
        f"{body}</w:footnotes>"
    )
    part = Part(
        PackURI("/word/footnotes.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        xml.encode("utf-8"),
        doc.part.package,
    )
    doc.part.relate_to(part, RT.FOOTNOTES)


def add_tracked_changes(path: Path, paragraph_index: int, inserted: str, deleted: str) -> Path:
    """Add an insertion and a deletion by 审稿人 to one paragraph, as Word's 修订 mode records them."""
    doc = Document(str(path))
    p = doc.paragraphs[paragraph_index]._p
    stamp = 'w:author="审稿人" w:date="2025-01-20T09:00:00Z"'
    p.append(parse_xml(f'<w:ins {W_NS} w:id="901" {stamp}><w:r><w:t>{inserted}</w:t></w:r></w:ins>'))
    p.append(
        parse_xml(f'<w:del {W_NS} w:id="902" {stamp}><w:r><w:delText>{deleted}</w:delText></w:r></w:del>')
    )
    doc.save(str(path))
    return path


def add_comment(path: Path, paragraph_index: int, text: str) -> Path:
    doc = Document(str(path))
    runs = doc.paragraphs[paragraph_index].runs
    doc.add_comment(runs, text=text, author="审稿人", initials="审")
    doc.save(str(path))
    return path


def han(text: str) -> str:
    return "".join(re.findall(r"[\u3400-\u9fff]", text))


def docx_text(path: Path) -> list[str]:
    """The manuscript's paragraphs as python-docx reads them (tables' cells left out)."""
    return [p.text for p in Document(str(path)).paragraphs]


__all__ = [
    "Para",
    "Picture",
    "Table",
    "add_comment",
    "add_tracked_changes",
    "docx_text",
    "from_sample",
    "han",
    "make_docx",
]


def from_sample(article_path: Path, issue_root: Path) -> list[Para | Picture | Table]:
    """A sample article as its author would have sent it: a Word file with the usual conventions.

    Title centred, bold, 18 pt (引题 and 副题 14 pt); bylines “□ position name”;
    headings bold lines of their own; run-in leads bold; the source （来源：…）
    and the unit （…） closing the last paragraph, or on a line of their own.
    """
    from qhgy_publish.load.article import load_article
    from qhgy_publish.model import Heading, Paragraph

    article, errors = load_article(article_path, issue_root, [article_path and _column(article_path)])
    assert article is not None, errors
    m = article.meta
    items: list[Para | Picture | Table] = []
    if m.kicker:
        items.append(Para(m.kicker, size=14, align="center"))
    items.append(Para(m.title, bold=True, size=18, align="center"))
    if m.subtitle:
        items.append(Para(m.subtitle, size=14, align="center"))
    if m.dateline:
        items.append(Para(m.dateline, align="center"))
    for b in m.bylines:
        items.append(Para(f"□ {b.position} {b.name}" if b.position else f"□ {b.name}", align="center"))
    if m.salutation:
        items.append(Para(m.salutation, indent=False))
    paragraphs = [b for b in article.blocks if isinstance(b, Paragraph | Heading)]
    for i, block in enumerate(paragraphs):
        if isinstance(block, Heading):
            items.append(Para(block.text, bold=True))
            continue
        text = block.text
        lead = len(block.runs[0].text) if block.runs and block.runs[0].strong else 0
        if i == len(paragraphs) - 1:
            if m.source and not m.source_block:
                text += f"（来源：{m.source}）"
            if m.credit:
                text += f"（{m.credit}）"
        items.append(Para(text, bold=lead))
    if m.signature:
        items += [Para(m.signature, align="right"), Para(m.date or "", align="right")]
    if m.source and m.source_block:
        items.append(Para(f"（来源：{m.source}）", align="right"))
    return items


def _column(path: Path) -> str:
    import yaml

    from qhgy_publish.load.article import split_front_matter

    parts = split_front_matter(path.read_text(encoding="utf-8"))
    assert parts
    return yaml.safe_load(parts[0]).get("column") or ""
