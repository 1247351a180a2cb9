"""The sample issue's outputs can be trusted: the same bytes from another folder at another time,
and a screen PDF whose structure tree a screen reader can follow (read back with pikepdf and
pdfplumber, not taken from the code that wrote it)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pikepdf

from qhgy_publish.model import Figure, Heading, Note, Paragraph, Profile

MM = 72 / 25.4
INVISIBLE = re.compile(r"[\s\u200b\u2060\u00ad]")


def test_a_second_build_elsewhere_gives_the_same_bytes(second, tmp_path: Path) -> None:
    """Another folder, another process (another hash seed), an empty cache (font faces copied, pictures
    converted and EPUB fonts subset anew, as on another machine), later: byte-identical outputs.
    The test issue (photos of several shapes, Latin text, URLs) rather than the sample: every
    kind of input a build converts, in half the pages."""
    copy = tmp_path / "elsewhere" / second.issue.id
    shutil.copytree(second.issue.root, copy)
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["QHGY_CACHE_DIR"] = str(tmp_path / "cache")
    proc = subprocess.run(
        [sys.executable, "-m", "qhgy_publish.cli", "build", str(copy), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    for first in (second.print_pdf, second.screen_pdf, second.epub):
        again = out / first.name
        assert again.read_bytes() == first.read_bytes(), f"{first.name} differs between the two builds"
    with pikepdf.open(second.print_pdf) as pdf:
        ids = [bytes(word) for word in pdf.trailer.ID]
        assert ids[0] == ids[1]  # both words are the content hash, none drawn at random
        assert str(pdf.docinfo.ModDate).startswith("D:20250626")  # the issue's print date, not today


# ------------------------------------------------------------------ the structure tree, read back


@dataclass
class Element:
    kind: str
    marks: list[tuple[int, int]] = field(default_factory=list)  # (page index, MCID) in tree order
    alt: str | None = None


@dataclass
class Tree:
    elements: list[Element]  # depth first, in tree order
    order: list[tuple[int, int]]  # every (page index, MCID) in tree order


def read_tree(pdf: pikepdf.Pdf) -> Tree:
    pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    elements: list[Element] = []
    order: list[tuple[int, int]] = []

    def walk(elem: pikepdf.Dictionary, page: int | None) -> list[tuple[int, int]]:
        if "/Pg" in elem:
            page = pages[elem.Pg.objgen]
        here = Element(str(elem.S)[1:], alt=str(elem.Alt) if "/Alt" in elem else None)
        elements.append(here)
        kids = elem.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, int):
                assert page is not None
                here.marks.append((page, int(kid)))
                order.append((page, int(kid)))
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                here.marks += walk(kid, page)
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                mark = (pages[kid.Pg.objgen] if "/Pg" in kid else page, int(kid.MCID))
                here.marks.append(mark)  # type: ignore[arg-type]
                order.append(mark)  # type: ignore[arg-type]
        return here.marks

    walk(pdf.Root.StructTreeRoot.K[0], None)
    return Tree(elements, order)


@dataclass
class PageText:
    marked: dict[int, str]  # MCID → its text
    artifacts: list[dict]  # pdfplumber chars marked as artifacts
    height: float


def read_pages(path: Path) -> list[PageText]:
    out = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            marked: dict[int, list[str]] = defaultdict(list)
            artifacts = []
            for char in page.chars:
                if char.get("tag") == "Artifact":
                    artifacts.append(char)
                elif char.get("mcid") is not None:
                    marked[char["mcid"]].append(char["text"])
                else:
                    raise AssertionError(
                        f"page {page.page_number}: “{char['text']}” is neither tagged nor an artifact"
                    )
            out.append(PageText({k: "".join(v) for k, v in marked.items()}, artifacts, float(page.height)))
    return out


def _paragraph_texts(issue) -> list[tuple[str, str]]:
    """(article id, text) of every paragraph and heading, in the order the magazine prints them."""
    out = []
    for article in issue.all_articles:
        for block in article.blocks:
            if isinstance(block, Paragraph | Heading):
                out.append((article.id, block.text))
            elif isinstance(block, Note | Profile):
                out += [(article.id, p.text) for p in block.paragraphs]
    return out


def _clean(text: str) -> str:
    return INVISIBLE.sub("", text)


def test_screen_pdf_structure_tree(sample) -> None:
    issue = sample.issue
    pages = read_pages(sample.screen_pdf)
    with pikepdf.open(sample.screen_pdf) as pdf:
        tree = read_tree(pdf)
        labels = [page.label for page in pdf.pages]
        links = [a for page in pdf.pages for a in page.obj.get("/Annots", []) if a.get("/Subtype") == "/Link"]
        link_texts = [str(a.Contents) for a in links]
        root = pdf.Root
        xmp = root.Metadata.read_bytes().decode()
        assert bool(root.MarkInfo.Marked) and str(root.Lang) == "zh-CN"
        assert bool(root.ViewerPreferences.DisplayDocTitle)
        assert 'pdfuaid:part="1"' in xmp and f">{issue.title}</rdf:li>" in xmp  # dc:title
        assert all(page.obj.Tabs == "/S" for page in pdf.pages)
        # Nothing is drawn outside marked content: every text, picture and stroke is tagged or an artifact.
        painting = {"Tj", "TJ", "'", '"', "Do", "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "sh", "BI"}
        for index, page in enumerate(pdf.pages):
            depth = 0
            for instruction in pikepdf.parse_content_stream(page):
                operator = str(instruction.operator)
                depth += (operator in ("BDC", "BMC")) - (operator == "EMC")
                assert depth > 0 or operator not in painting, (
                    f"page {index + 1}: {operator} outside marked content"
                )

    def text(element: Element) -> str:
        return "".join(pages[p].marked.get(m, "") for p, m in element.marks)

    # Every character is in the tree or an artifact (read_pages refuses any other), and each
    # artifact is a running head or a folio: in the top or the bottom margin of a numbered page.
    tree_marks = set(tree.order)
    for index, page in enumerate(pages):
        assert set(page.marked) <= {m for p, m in tree_marks if p == index}, f"page {index + 1}"
        for char in page.artifacts:
            assert char["top"] < 22 * MM or char["top"] > page.height - 20 * MM, (index, char["text"])
    # Reading order: the tree's text, page after page and left column before right, holds every
    # paragraph and heading of the sources whole and in the printed order.
    whole = _clean("".join(pages[p].marked.get(m, "") for p, m in tree.order))
    position = 0
    for article_id, paragraph in _paragraph_texts(issue):
        found = whole.find(_clean(paragraph), position)
        assert found >= 0, f"{article_id}: “{paragraph[:30]}…” not whole or not in order in the tree"
        position = found + len(_clean(paragraph))

    # Headings: 栏目 H1 (after the masthead), titles H2, 一、 H3, （一） H4.
    headings = defaultdict(list)
    for element in tree.elements:
        if re.fullmatch(r"H[1-6]", element.kind):
            headings[element.kind].append(_clean(text(element)))
    assert headings["H1"] == [issue.meta.magazine.name] + [c.name for c in issue.columns]
    titles = [_clean(a.title_text) for a in issue.all_articles]
    assert set(titles) <= set(headings["H2"])
    for level, tag in ((1, "H3"), (2, "H4")):
        expected = [
            _clean(b.text)
            for a in issue.all_articles
            for b in a.blocks
            if isinstance(b, Heading) and b.level == level
        ]
        assert [h for h in headings[tag] if h in expected] == expected

    # Figures: every picture with its alt text, the cover's first.
    alts = [e.alt for e in tree.elements if e.kind == "Figure"]
    expected_alts = [issue.meta.cover.alt] + [
        f.alt for a in issue.all_articles for f in a.figures if isinstance(f, Figure)
    ]
    assert alts == expected_alts

    # Page labels are the printed folios; the cover pages are labelled as the magazine names them.
    for index, page in enumerate(pages):
        folio = "".join(
            c["text"]
            for c in sorted(page.artifacts, key=lambda c: c["x0"])
            if c["top"] > page.height - 20 * MM
        )
        if folio:
            assert labels[index] == folio, (index, labels[index], folio)
    assert labels[:2] == ["封一", "封二"] and labels[-2:] == ["封三", "封四"]
    assert labels[sample.contents_index] == "1"
    assert [label for label in labels[2:-2]] == [str(n) for n in range(1, len(labels) - 3)]

    # Contents links (one per line of an entry) read as title and page, not as an anchor name.
    toc = {a.id: a.contents_title for a in issue.body_articles}
    folios = sample.result.layout.article_pages
    assert set(link_texts) == {f"{toc[i]}，第{folios[i]}页" for i in toc}


def test_heading_levels_of_a_small_issue(tmp_path: Path) -> None:
    """The sample has no （一） headings: a copy of the mini issue gets one, and every level is read back."""
    from qhgy_publish.pipeline import build_issue, output_path

    issue_dir = tmp_path / "2025-02"
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures" / "mini-issue", issue_dir)
    article = issue_dir / "articles" / "030-fengcai.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("::: profile", "### （一）先进集体\n\n::: profile", 1), encoding="utf-8")
    result = build_issue(issue_dir, tmp_path / "out", targets=["screen"])
    pdf_path = output_path(tmp_path / "out", result.issue, "screen")
    pages = read_pages(pdf_path)
    with pikepdf.open(pdf_path) as pdf:
        tree = read_tree(pdf)
    levels = [
        (e.kind, _clean("".join(pages[p].marked.get(m, "") for p, m in e.marks)))
        for e in tree.elements
        if re.fullmatch(r"H[1-6]", e.kind)
    ]
    body = [(kind, text) for kind, text in levels if kind != "H1" or text != "青海工运"]
    assert ("H1", "学习强国") in body and ("H1", "新视点") in body
    assert ("H2", "劳模先进风采") in body
    assert body.index(("H3", "一、青海省劳动模范集体")) < body.index(("H4", "（一）先进集体"))
    assert [kind for kind, _ in levels if kind not in ("H1", "H2", "H3", "H4")] == []
