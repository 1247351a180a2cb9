"""A Word manuscript as the importer sees it: numbered paragraphs, tables, pictures, footnotes.

mammoth reads the .docx (its document model, through the public
``transform_document`` hook); this module only flattens that model into what
the recognisers need. Two things mammoth would hide are refused before it
runs: tracked changes (it silently keeps insertions and drops deletions) and
comments (it drops them), so the editor decides them in Word, not this tool.
Legacy .doc/.wps files go through LibreOffice when it is installed.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from ..errors import QhgyError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCX_SUFFIXES = {".docx"}
LEGACY_SUFFIXES = {".doc", ".wps"}
MANUSCRIPT_SUFFIXES = DOCX_SUFFIXES | LEGACY_SUFFIXES

# Elements of a tracked change (OOXML §17.13.5): text, paragraph marks, moves, formatting.
_CHANGES = {
    "ins": "inserted text",
    "del": "deleted text",
    "moveFrom": "moved text",
    "moveTo": "moved text",
    "rPrChange": "changed formatting",
    "pPrChange": "changed paragraph formatting",
    "tblPrChange": "changed table formatting",
    "cellIns": "inserted table cell",
    "cellDel": "deleted table cell",
}
_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")


class ManuscriptError(QhgyError):
    """A manuscript the importer cannot take as it is; the message says what to do in Word."""


@dataclass
class Piece:
    """A stretch of paragraph text; ``note`` is a footnote's number where the reference stands."""

    text: str = ""
    bold: bool = False
    note: int | None = None


@dataclass
class WordImage:
    data: bytes
    content_type: str
    alt: str = ""


@dataclass
class WordParagraph:
    number: int  # ¶ number among the manuscript's non-empty paragraphs, as the report cites it
    pieces: list[Piece]
    style: str = ""  # Word style name, e.g. Title, Heading 2, 标题 1
    alignment: str = ""  # center, right, both, …
    size: float | None = None  # the largest directly formatted font size (pt)
    images: list[WordImage] = field(default_factory=list)
    list_item: bool = False  # Word's automatic numbering: the number is not in the text

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces if p.note is None)

    @property
    def all_bold(self) -> bool:
        visible = [p for p in self.pieces if p.note is None and p.text.strip()]
        return bool(visible) and all(p.bold for p in visible)


@dataclass
class WordTable:
    number: int  # the table's number in the manuscript (表1, 表2 …)
    after: int  # the ¶ number it follows (0: at the start)
    rows: list[list[str]]


@dataclass
class Manuscript:
    path: Path
    blocks: list[WordParagraph | WordTable]
    notes: dict[int, str]  # footnote number (1, 2 …, in order of reference) → its text
    messages: list[str]  # what mammoth could not read (text boxes, OLE objects …)

    @property
    def paragraphs(self) -> list[WordParagraph]:
        return [b for b in self.blocks if isinstance(b, WordParagraph)]


def read_manuscript(path: Path) -> Manuscript:
    """Read ``path`` (.docx, or .doc/.wps through LibreOffice); refuse tracked changes and comments."""
    if not path.is_file():
        raise ManuscriptError(f"{path}: no such file")
    data = path.read_bytes()
    if not _is_docx(data):
        if path.suffix.lower() in LEGACY_SUFFIXES or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            data = convert_legacy(path)
        else:
            raise ManuscriptError(
                f"{path}: not a Word .docx file\n"
                "      → open it in Word or WPS and save it as “Word 文档 (*.docx)”, then import that file"
            )
    refuse_revisions(path, data)
    return _read_docx(path, data)


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_legacy(path: Path) -> bytes:
    """A .doc/.wps manuscript as .docx bytes, converted by LibreOffice (headless)."""
    office = libreoffice()
    if office is None:
        raise ManuscriptError(
            f"{path}: an old Word/WPS file ({path.suffix}), and LibreOffice is not installed to convert it\n"
            "      → open it in Word or WPS, choose 文件 → 另存为 → “Word 文档 (*.docx)”, and import the .docx; "
            "or install LibreOffice (apt-get install libreoffice-writer) and run the import again"
        )
    with tempfile.TemporaryDirectory(prefix="qhgy-import-") as tmp:
        # Kingsoft .wps files are Word binaries; LibreOffice picks its filter by content under a .doc name.
        source = Path(tmp) / f"manuscript{'.doc' if path.suffix.lower() == '.wps' else path.suffix.lower()}"
        shutil.copyfile(path, source)
        profile = Path(tmp) / "profile"  # a private profile: an editor's open LibreOffice does not block us
        run = subprocess.run(
            [
                office,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                "docx",
                "--outdir",
                tmp,
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )
        converted = source.with_suffix(".docx")
        if run.returncode != 0 or not converted.is_file():
            raise ManuscriptError(
                f"{path}: LibreOffice could not convert it ({(run.stderr or run.stdout).strip()[:200]})\n"
                "      → open it in Word or WPS and save it as “Word 文档 (*.docx)”"
            )
        return converted.read_bytes()


def refuse_revisions(path: Path, data: bytes) -> None:
    """Raise when the manuscript holds tracked changes or comments, naming where they are."""
    found: list[str] = []
    changes = comments = False
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        for part in _PARTS:
            if part not in names:
                continue
            root = ElementTree.fromstring(z.read(part))
            for p in root.iter(f"{W}p"):
                tags = {e.tag[len(W) :] for e in p.iter() if e.tag.startswith(W)}
                kinds = sorted({_CHANGES[t] for t in tags if t in _CHANGES})
                if tags & {"commentRangeStart", "commentReference"}:
                    kinds.append("a comment")
                if kinds:
                    changes |= len(kinds) > ("a comment" in kinds)
                    comments |= "a comment" in kinds
                    text = "".join(t.text or "" for t in p.iter() if t.tag in (f"{W}t", f"{W}delText"))
                    found.append(f"“{_snippet(text)}”: {', '.join(kinds)}")
        if "word/comments.xml" in names:
            comments |= any(
                True for _ in ElementTree.fromstring(z.read("word/comments.xml")).iter(f"{W}comment")
            )
    if not changes and not comments:
        return
    what = [
        w for w, present in (("tracked changes (修订)", changes), ("comments (批注)", comments)) if present
    ]
    lines = found[:8] + ([f"… and {len(found) - 8} more paragraphs"] if len(found) > 8 else [])
    raise ManuscriptError(
        f"{path}: the manuscript holds {' and '.join(what)}; the importer neither keeps nor drops them silently"
        + "".join(f"\n        {line}" for line in lines)
        + "\n      → in Word: 审阅 → 接受 or 拒绝 every change, 删除 every comment, save, and import again"
    )


def _snippet(text: str, width: int = 24) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _read_docx(path: Path, data: bytes) -> Manuscript:
    import mammoth
    from mammoth import documents as d

    reader = _Flattener(d)

    def capture(document):  # type: ignore[no-untyped-def]
        # Runs while mammoth still holds the .docx open, so pictures are read here.
        reader.document(document)
        return document

    try:
        result = mammoth.convert_to_html(io.BytesIO(data), transform_document=capture)
    except Exception as exc:  # mammoth raises plain exceptions on broken packages
        raise ManuscriptError(
            f"{path}: Word file could not be read ({type(exc).__name__}: {exc})\n"
            "      → open it in Word or WPS, save it again as .docx, and import that file"
        ) from exc
    messages = [m.message for m in result.messages if m.type != "info" and "style" not in m.message]
    return Manuscript(path, reader.blocks, reader.notes, messages)


class _Flattener:
    """mammoth's document tree → numbered paragraphs and tables, in reading order."""

    def __init__(self, d) -> None:  # type: ignore[no-untyped-def]
        self.d = d
        self.blocks: list[WordParagraph | WordTable] = []
        self.notes: dict[int, str] = {}
        self._note_numbers: dict[tuple[str, str], int] = {}
        self._notes_source = None
        self._paragraphs = 0
        self._tables = 0

    def document(self, document) -> None:  # type: ignore[no-untyped-def]
        self._notes_source = document.notes
        for child in document.children:
            self.block(child)

    def block(self, element) -> None:  # type: ignore[no-untyped-def]
        d = self.d
        if isinstance(element, d.Paragraph):
            self.paragraph(element)
        elif isinstance(element, d.Table):
            self._tables += 1
            rows = [
                [self._plain(cell) for cell in row.children if isinstance(cell, d.TableCell)]
                for row in element.children
                if isinstance(row, d.TableRow)
            ]
            self.blocks.append(WordTable(self._tables, self._paragraphs, rows))
        elif hasattr(element, "children"):
            for child in element.children:
                self.block(child)

    def paragraph(self, p) -> None:  # type: ignore[no-untyped-def]
        pieces: list[Piece] = []
        images: list[WordImage] = []
        sizes: list[float] = []
        self._inline(p.children, False, pieces, images, sizes)
        text = "".join(x.text for x in pieces)
        if not text.strip() and not images:
            return
        self._paragraphs += 1
        self.blocks.append(
            WordParagraph(
                number=self._paragraphs,
                pieces=pieces,
                style=p.style_name or p.style_id or "",
                alignment=p.alignment or "",
                size=max(sizes) if sizes else None,
                images=images,
                list_item=p.numbering is not None,
            )
        )

    def _inline(self, children, bold: bool, pieces, images, sizes) -> None:  # type: ignore[no-untyped-def]
        d = self.d
        for child in children:
            if isinstance(child, d.Run):
                if child.font_size and any(isinstance(c, d.Text) and c.value.strip() for c in child.children):
                    sizes.append(float(child.font_size))
                self._inline(child.children, bool(child.is_bold), pieces, images, sizes)
            elif isinstance(child, d.Text):
                pieces.append(Piece(child.value, bold))
            elif isinstance(child, d.Tab):
                pieces.append(Piece(" ", bold))
            elif isinstance(child, d.Break):
                # A manual line break inside a Chinese paragraph joins without a space.
                pieces.append(Piece("\n" if child.break_type == "line" else "", bold))
            elif isinstance(child, d.Image):
                with child.open() as stream:
                    images.append(WordImage(stream.read(), child.content_type or "", child.alt_text or ""))
            elif isinstance(child, d.NoteReference):
                pieces.append(Piece("", bold, self._note(child)))
            elif hasattr(child, "children"):  # hyperlinks, smart tags, fields: their text
                self._inline(child.children, bold, pieces, images, sizes)

    def _note(self, reference) -> int:  # type: ignore[no-untyped-def]
        key = (reference.note_type, reference.note_id)
        if key not in self._note_numbers:
            number = len(self._note_numbers) + 1
            self._note_numbers[key] = number
            try:
                note = self._notes_source.find_note(*key)  # type: ignore[union-attr]
                self.notes[number] = "".join(self._plain(b) for b in note.body).strip()
            except KeyError:
                self.notes[number] = ""
        return self._note_numbers[key]

    def _plain(self, element) -> str:  # type: ignore[no-untyped-def]
        d = self.d
        if isinstance(element, d.Text):
            return element.value
        if isinstance(element, d.Paragraph):
            return "".join(self._plain(c) for c in element.children) + "\n"
        return "".join(self._plain(c) for c in getattr(element, "children", []) or [])
