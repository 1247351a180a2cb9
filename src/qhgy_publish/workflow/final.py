"""`qhgy build --final`: the build that goes to the print shop and to readers.

It refuses — before anything is written, each item with its file and line —
every placeholder, every “待补” in the sources, every error, and every warning
the editors have not accepted in issue.yaml (``accept:``, see
docs/final-build.md). The outputs are built in a staging folder and checked
there (the press PDF's preflight, EPUBCheck); only a clean set replaces the
earlier outputs. The PDFs and the EPUB carry the sources' content hash in
their metadata, and a press note for the print shop is written beside the PDF.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from ..check.findings import Finding, Product, Severity
from ..errors import Loc, QhgyError
from ..load import load_issue
from ..load.article import split_front_matter
from ..load.issue import ARTICLES_DIR, ISSUE_FILE
from ..load.yamlloc import load_yaml
from ..model import Acceptance, Issue
from ..pipeline import BuildResult, build_issue, output_path
from .proofs import content_hash

STAND_IN = "待补"
PLACEHOLDER_CODES = ("S-201", "S-202", "S-203")  # never acceptable: a stand-in must be replaced
HASH_KEY = "/QhgyContentHash"
EPUB_PREFIX = "qhgy: https://qhgy-publish.invalid/vocab#"


@dataclass
class Refusal(QhgyError):
    """Why the final build stops: every item, each with where it is."""

    items: list[Finding] = field(default_factory=list)
    stage: str = "sources"  # or "outputs": found by the preflight of the built files

    def __str__(self) -> str:
        return "\n".join(str(f) for f in self.items)


@dataclass
class FinalResult:
    result: BuildResult
    content_hash: str
    press_note: Path
    accepted: list[tuple[Finding, Acceptance]]
    unused: list[Acceptance]


# ------------------------------------------------------------------ checks


def stand_ins(root: Path) -> Iterator[Finding]:
    """Every “待补” in what is printed: issue.yaml's values, front matter values, article bodies.

    YAML comments are the editors' notes to themselves and never printed, so they do not count.
    """
    path = root / ISSUE_FILE
    data, lines, _ = load_yaml(path.read_text(encoding="utf-8-sig"), path)
    yield from _yaml_stand_ins(data, lines, ())
    for article in sorted((root / ARTICLES_DIR).glob("*.md")):
        text = article.read_text(encoding="utf-8-sig")
        parts = split_front_matter(text)
        body, start = (parts[1], parts[2]) if parts else (text, 0)
        if parts:
            meta, meta_lines, _ = load_yaml(parts[0], article, line_offset=1)
            yield from _yaml_stand_ins(meta, meta_lines, ())
        for number, line in enumerate(body.split("\n"), start=start + 1):
            if STAND_IN in line:
                yield _stand_in(Loc(article, number), line)


def _yaml_stand_ins(node: object, lines, key: tuple) -> Iterator[Finding]:  # type: ignore[no-untyped-def]
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _yaml_stand_ins(v, lines, (*key, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _yaml_stand_ins(v, lines, (*key, i))
    elif isinstance(node, str) and STAND_IN in node:
        yield _stand_in(lines.loc(key), node)


def _stand_in(where: Loc, text: str) -> Finding:
    at = text.find(STAND_IN)
    context = text[max(0, at - 12) : at + 14].strip()
    return Finding(
        Severity.ERROR,
        "F-001",
        f"“{STAND_IN}” in the text: …{context}…",
        where,
        "write the real text; the final build prints nothing that waits to be supplied",
    )


def _relative(where: Loc | Product | None, root: Path) -> str:
    """A finding's place relative to the issue folder (what an acceptance's ``where`` names)."""
    if isinstance(where, Loc):
        try:
            place = str(where.path.resolve().relative_to(root.resolve()))
        except ValueError:
            return str(where)
        return place + (f":{where.line}" if where.line else "")
    return "" if where is None else str(where)  # a built file's page, or the issue as a whole


def matching(finding: Finding, accept: list[Acceptance], root: Path) -> Acceptance | None:
    if finding.code in PLACEHOLDER_CODES:
        return None
    place = _relative(finding.where, root)
    for entry in accept:
        if entry.code != finding.code:
            continue
        if not entry.where:
            return entry
        # “articles/x.md:9” names the line (any column); “page 7” a PDF page.
        if place == entry.where or place.startswith(entry.where + ":") or place.endswith(entry.where):
            return entry
        if re.search(rf"(^|\W){re.escape(entry.where)}(\W|$)", finding.place):
            return entry
    return None


def sort_findings(
    findings: list[Finding], issue: Issue
) -> tuple[list[Finding], list[tuple[Finding, Acceptance]]]:
    """(what stops the final build, what passes because issue.yaml accepts it)."""
    stop: list[Finding] = []
    accepted: list[tuple[Finding, Acceptance]] = []
    for f in findings:
        if f.severity is Severity.INFO:
            continue
        entry = matching(f, issue.meta.accept, issue.root) if f.severity is Severity.WARNING else None
        if entry is None:
            stop.append(f)
        else:
            accepted.append((f, entry))
    return stop, accepted


def source_refusals(root: Path) -> tuple[Issue, list[Finding], list[tuple[Finding, Acceptance]]]:
    from ..check.sources import check_sources

    issue = load_issue(root)
    stop, accepted = sort_findings(check_sources(issue), issue)
    stop = [f for f in stop if f.code not in PLACEHOLDER_CODES] + [
        f for f in stop if f.code in PLACEHOLDER_CODES
    ]
    stop += list(stand_ins(root))
    return issue, stop, accepted


# ------------------------------------------------------------------- build


def final_build(root: Path, out_dir: Path, console: Console | None = None) -> FinalResult:
    """Refuse or build, check, stamp and put in place every output of the issue."""
    from ..check.epub import check_epub
    from ..check.pdf import preflight_pdf

    root = root.resolve()
    issue, stop, accepted = source_refusals(root)
    if stop:
        raise Refusal(stop, "sources")
    stage = out_dir / f".final-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    try:
        result = build_issue(root, stage, console=console)
        paths = {t: output_path(stage, result.issue, t) for t in ("print", "screen", "epub")}
        digest = content_hash(root)
        stamp_pdf(paths["print"], digest)
        stamp_pdf(paths["screen"], digest)
        stamp_epub(paths["epub"], digest)
        output_findings = preflight_pdf(paths["print"]) + check_epub(paths["epub"])
        stop, more = sort_findings(output_findings, issue)
        if stop:
            raise Refusal(stop, "outputs")
        accepted += more
        note = write_press_note(paths["print"], result, digest, stage)
        out_dir.mkdir(parents=True, exist_ok=True)
        moved = [note, *paths.values()]
        for path in moved:
            os.replace(path, out_dir / path.name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    result.outputs = [out_dir / p.name for p in paths.values()]
    used = {id(a) for _, a in accepted}
    unused = [a for a in issue.meta.accept if id(a) not in used]
    return FinalResult(result, digest, out_dir / note.name, accepted, unused)


# ---------------------------------------------------------------- stamping


def stamp_pdf(path: Path, digest: str) -> None:
    """The content hash in the PDF's document information (a key of its own: PDF/X leaves those free)."""
    import pikepdf

    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.docinfo[pikepdf.Name(HASH_KEY)] = pikepdf.String(f"sha256:{digest}")
        pdf.save(path)


def stamp_epub(path: Path, digest: str) -> None:
    """The content hash as a metadata property of the EPUB's package document."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.endswith(".opf"):
                text = data.decode("utf-8")
                text = re.sub(
                    r'prefix="([^"]*)"', lambda m: f'prefix="{m.group(1)} {EPUB_PREFIX}"', text, count=1
                )
                if 'prefix="' not in text:
                    text = text.replace("<package ", f'<package prefix="{EPUB_PREFIX}" ', 1)
                text = text.replace(
                    "</metadata>",
                    f'  <meta property="qhgy:contentHash">sha256:{digest}</meta>\n  </metadata>',
                    1,
                )
                data = text.encode("utf-8")
            target.writestr(info, data)
    path.write_bytes(out.getvalue())


def epub_content_hash(path: Path) -> str | None:
    with zipfile.ZipFile(path) as z:
        opf = next(n for n in z.namelist() if n.endswith(".opf"))
        m = re.search(r'property="qhgy:contentHash">sha256:([0-9a-f]{64})<', z.read(opf).decode("utf-8"))
    return m.group(1) if m else None


def pdf_content_hash(path: Path) -> str | None:
    import pikepdf

    with pikepdf.open(path) as pdf:
        value = pdf.docinfo.get(HASH_KEY)
    return str(value).removeprefix("sha256:") if value is not None else None


# -------------------------------------------------------------- press note


def pdf_facts(path: Path) -> dict:
    """What the print shop needs to know, read from the press PDF itself."""
    import pikepdf

    mm = 25.4 / 72
    with pikepdf.open(path) as pdf:
        pages = len(pdf.pages)
        first = pdf.pages[0].obj
        trim = [float(v) for v in first.TrimBox]
        bleed = [float(v) for v in first.BleedBox]
        intents = list(pdf.Root.get("/OutputIntents", []))
        condition = str(intents[0].get("/OutputConditionIdentifier", "")) if intents else ""
        info = str(intents[0].get("/Info", "")) if intents else ""
        try:
            with pdf.open_metadata() as xmp:
                version = str(xmp.get("pdfxid:GTS_PDFXVersion", "") or "")
        except Exception:
            version = ""
        fonts: set[str] = set()
        embedded = True
        for page in pdf.pages:
            for font in (page.obj.get("/Resources", {}).get("/Font", {}) or {}).values():
                descendants = font.get("/DescendantFonts")
                for f in [*(descendants or []), font] if descendants else [font]:
                    name = str(f.get("/BaseFont", ""))
                    if name and f.get("/FontDescriptor") is not None:
                        fonts.add(re.sub(r"^/([A-Z]{6}\+)?", "", name))
                        descriptor = f.FontDescriptor
                        embedded &= any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return {
        "pages": pages,
        "trim": (round((trim[2] - trim[0]) * mm, 1), round((trim[3] - trim[1]) * mm, 1)),
        "bleed": round((trim[0] - bleed[0]) * mm, 1),
        "condition": condition,
        "condition_info": info,
        "version": version,
        "fonts": sorted(fonts),
        "embedded": embedded,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }


def _face_names(fonts: list[str]) -> list[str]:
    """PDF font names (the roles' @font-face families) with the real face each one embeds."""
    from fontTools.ttLib import TTFont

    from ..fonts import face_file, font_roles

    real: dict[str, str] = {}
    for role in font_roles().values():
        try:
            with TTFont(face_file(role), fontNumber=role.index, lazy=True) as font:
                real[role.family.replace(" ", "-")] = font["name"].getDebugName(4) or ""
        except (OSError, KeyError):
            continue
    named = []
    for name in fonts:
        base = max((k for k in real if name.startswith(k)), key=len, default="")
        named.append(f"{name}（{real[base]}）" if base and real[base] else name)
    return named


def write_press_note(pdf: Path, result: BuildResult, digest: str, folder: Path) -> Path:
    facts = pdf_facts(pdf)
    c = result.issue.meta.colophon
    label = f"《{result.issue.meta.magazine.name}》{result.issue.meta.label}"
    w, h = facts["trim"]
    lines = [
        f"{label} 付印说明 / press note",
        "",
        f"文件 file:            {pdf.name}（{facts['version'] or 'PDF/X'}）",
        f"文件校验 SHA-256:      {facts['sha256']}",
        f"内容校验 content hash: sha256:{digest}",
        f"页数 pages:           {facts['pages']} 页（{'4 的倍数，可骑马订' if facts['pages'] % 4 == 0 else '不是 4 的倍数'}）",
        f"成品尺寸 trim:         {w:g} × {h:g} mm",
        f"出血 bleed:           各边 {facts['bleed']:g} mm，裁切线在出血之外",
        f"颜色 colours:         CMYK，输出意图 {facts['condition']}（{facts['condition_info']}）；正文黑色为单色 K",
        f"字体 fonts:           {'全部嵌入（子集）' if facts['embedded'] else '有未嵌入的字体！'}：{'、'.join(_face_names(facts['fonts']))}",
        f"印数 print run:        {c.print_run} 册",
        f"印刷日期 print date:   {c.print_date.isoformat()}",
        f"印刷单位 printer:      {c.printer}",
        f"准印证号 permit:       {c.permit}",
        "",
    ]
    target = folder / f"qhgy-{result.issue.id}-press-note.txt"
    target.write_text("\n".join(lines), encoding="utf-8")
    return target
