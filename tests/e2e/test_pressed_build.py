"""A build after an edit takes the pages of the last build for every part the edit left alone
(render/pressed.py) and gives the PDFs a build from scratch gives (issue 19).

The test issue (tests/fixtures/2025-06: photos of several shapes, Latin text, URLs, the most
faces and kinds of resource a join carries) is copied, built, edited (a title retitled and a
sentence added to one article), and built again with the kept pages; the reference is the
edited copy built with nothing kept. The two PDFs of each kind are read and compared page by
page: text, pictures (rasters), named destinations, outline, page labels, the structure tree,
the fonts; the EPUB and the make-up report must be the same bytes, and the press PDF must pass
the preflight. One issue only: the join is the writer's, not the make-up's (the make-up's tests
run on both issues), and the sample's three builds here cost the suite a minute and a half of CPU.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pikepdf
import pytest
import yaml

from qhgy_publish.check.pdf import preflight_pdf
from qhgy_publish.errors import Severity
from qhgy_publish.pipeline import build_issue, makeup_report_path, output_path
from qhgy_publish.render import epub_cover, rejoin
from qhgy_publish.render import pressed as pressed_slot

from ..issue_builds import SECOND

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini-issue"


def _edit(root: Path) -> str:
    """Retitle the longest body article and add a sentence to its longest paragraph; return its id.
    The contents is laid out again, its links pointing to pages kept from the last build."""
    articles = [p for p in (root / "articles").glob("*.md") if "\nplacement:" not in p.read_text(encoding="utf-8")]
    article = max(articles, key=lambda p: len(p.read_text(encoding="utf-8")))
    text = article.read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    meta = yaml.safe_load(head.removeprefix("---\n"))
    for key in ("title", "toc_title"):
        if key in meta:
            meta[key] += "之二"
    head = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    paragraphs = body.split("\n\n")
    longest = max(range(len(paragraphs)), key=lambda i: len(paragraphs[i]))
    paragraphs[longest] = paragraphs[longest].replace("。", "。此句为版面测试所加，说明修改一篇文章后重排。", 1)
    article.write_text(head + "\n---\n" + "\n\n".join(paragraphs), encoding="utf-8")
    return article.stem


def _texts(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return [re.sub(r"\s+", "", page) for page in out.stdout.split("\f")[:-1]]


def _rasters(path: Path, folder: Path) -> list[bytes]:
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "24", "-gray", str(path), str(folder / "p")], check=True)
    return [p.read_bytes() for p in sorted(folder.glob("p-*.pgm"))]


def _page_index(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: i for i, page in enumerate(pdf.pages)}


def _dests(pdf: pikepdf.Pdf) -> dict[str, tuple[int, float, float]]:
    pages = _page_index(pdf)
    names = pdf.Root.Names.Dests.Names
    return {
        str(names[i]): (pages[names[i + 1][0].objgen], round(float(names[i + 1][2]), 2), round(float(names[i + 1][3]), 2))
        for i in range(0, len(names), 2)
    }


def _links(pdf: pikepdf.Pdf) -> list[list[tuple[str, str, tuple[float, ...]]]]:
    """Per page, each link's target (a named destination or a URI), description and place."""
    return [
        [
            (
                str(a.get("/Dest", "")) or str(a.A.URI),
                str(a.get("/Contents", "")),
                tuple(round(float(v), 2) for v in a.Rect),
            )
            for a in page.obj.get("/Annots", [])
            if a.get("/Subtype") == "/Link"
        ]
        for page in pdf.pages
    ]


def _outline(pdf: pikepdf.Pdf) -> list[tuple[int, str, int, int]]:
    pages = _page_index(pdf)
    out: list[tuple[int, str, int, int]] = []

    def walk(item: pikepdf.Dictionary | None, depth: int) -> None:
        while item is not None:
            out.append((depth, str(item.Title), pages[item.Dest[0].objgen], int(item.get("/Count", 0))))
            walk(item.get("/First"), depth + 1)
            item = item.get("/Next")

    walk(pdf.Root.Outlines.get("/First"), 0)
    return out


def _structure(pdf: pikepdf.Pdf) -> list[list[str]]:
    """Per page, the tags its marked content belongs to (in MCID order), and its links' tags."""
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    out = []
    for page in pdf.pages:
        marks = tree[int(page.obj.StructParents)]
        tags = [str(e.S) if isinstance(e, pikepdf.Dictionary) else "-" for e in marks]
        links = [str(tree[int(a.StructParent)].S) for a in page.obj.get("/Annots", []) if "/StructParent" in a]
        out.append([*tags, "|", *links])
    return out


def _fonts(pdf: pikepdf.Pdf) -> list[str]:
    """The BaseFont of every distinct Type0 font object the pages use."""
    seen: dict[tuple[int, int], str] = {}
    for page in pdf.pages:
        for font in page.obj.Resources.get("/Font", {}).values():
            seen[font.objgen] = str(font.BaseFont)
    return sorted(seen.values())


def _programs(pdf: pikepdf.Pdf) -> dict[str, bytes]:
    """Each font's program (inflated), by BaseFont."""
    found = {}
    for page in pdf.pages:
        for font in page.obj.Resources.get("/Font", {}).values():
            descriptor = font.DescendantFonts[0].FontDescriptor
            found[str(font.BaseFont)] = (descriptor.get("/FontFile3") or descriptor.FontFile2).read_bytes()
    return found


@pytest.fixture(scope="module")
def rebuilt(second, tmp_path_factory):  # type: ignore[no-untyped-def]
    # After the session's build of the issue: the copy finds its make-ups in the cache, so each
    # build here is the layout and writing under test, not a cold make-up (render/makeup/cache.py
    # and its tests answer for those: a make-up from the cache is the one a cold build makes).
    source = SECOND
    base = tmp_path_factory.mktemp("pressed-second")
    root = base / source.name
    shutil.copytree(source, root)
    first = build_issue(root, base / "first", reuse_pages=True)
    edited = _edit(root)
    left = base / "left"  # a mark from each process that wrote pages with their programs left to the join
    left.mkdir()
    drawn = base / "drawn"  # a mark for each EPUB cover drawn (in a forked copy: a file, not a list)
    drawn.mkdir()
    real = rejoin.programs_left_to_the_join
    draw = epub_cover._draw

    @contextmanager
    def marked() -> Iterator[None]:
        with real():
            (left / str(os.getpid())).touch()
            yield

    def draw_marked(*args):  # type: ignore[no-untyped-def]
        (drawn / str(os.getpid())).touch()
        return draw(*args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rejoin, "programs_left_to_the_join", marked)
        patch.setattr(epub_cover, "_draw", draw_marked)
        again = build_issue(root, base / "again", reuse_pages=True)
    fresh = build_issue(root, base / "fresh")
    return first, again, fresh, edited, base


def test_the_build_after_an_edit_lays_out_only_what_the_edit_changed(rebuilt) -> None:
    """…and both writers leave the font programs of the pages they draw to the join, which
    makes one per face for the whole file (render/pdfjoin/left.py)."""
    first, again, _, edited, base = rebuilt
    assert len(list((base / "left").iterdir())) == 2
    assert first.layout.document is not None  # nothing kept before: every page laid out
    laid = [part.name for part in again.layout.parts if part.pressed is None]
    kept = [part.name for part in again.layout.parts if part.pressed is not None]
    column = next(c for c in again.issue.columns if any(a.id == edited for a in c.articles))
    index = again.issue.columns.index(column) + 1
    assert f"column-{index}" in laid
    assert len(kept) >= len(again.layout.parts) - 3, (laid, kept)  # front, the 栏目, back at most
    # The retitle changed the contents, so the front was laid out again, but not 封一: the EPUB's
    # cover is the last build's, not drawn again (the EPUB is a fresh build's: the next test).
    assert "front" in laid and again.layout.cover_key == first.layout.cover_key != ""
    assert not list((base / "drawn").iterdir())


def test_the_kept_pages_give_the_pdfs_a_fresh_build_gives(rebuilt) -> None:
    _, again, fresh, _, base = rebuilt
    for kind in ("print", "screen"):
        joined, reference = output_path(base / "again", again.issue, kind), output_path(base / "fresh", fresh.issue, kind)
        assert _texts(joined) == _texts(reference)
        assert _rasters(joined, base / f"{kind}-again") == _rasters(reference, base / f"{kind}-fresh")
        with pikepdf.open(joined) as a, pikepdf.open(reference) as b:
            assert len(a.pages) == len(b.pages)
            assert _dests(a) == _dests(b)
            assert _links(a) == _links(b)
            assert _outline(a) == _outline(b)
            assert [p.obj.get("/TrimBox") for p in a.pages] == [p.obj.get("/TrimBox") for p in b.pages]
            assert _fonts(a) == _fonts(b)  # one font per face, as in one write
            assert _programs(a) == _programs(b)  # each the program one write embeds
            assert len(set(_fonts(a))) == len(_fonts(a))
            if kind == "screen":
                assert _structure(a) == _structure(b)
                assert repr(a.Root.PageLabels) == repr(b.Root.PageLabels)
                assert a.Root.Lang == b.Root.Lang
            else:
                assert len(a.Root.OutputIntents) == 1
    for folder in ("again", "fresh"):
        assert output_path(base / folder, again.issue, "epub").exists()
    assert output_path(base / "again", again.issue, "epub").read_bytes() == output_path(
        base / "fresh", fresh.issue, "epub"
    ).read_bytes()
    assert makeup_report_path(base / "again", again.issue).read_bytes() == makeup_report_path(
        base / "fresh", fresh.issue
    ).read_bytes()
    errors = [f for f in preflight_pdf(output_path(base / "again", again.issue, "print")) if f.severity is Severity.ERROR]
    assert errors == []


def test_a_slot_that_does_not_match_its_index_is_not_used(rebuilt) -> None:
    first, *_ = rebuilt
    folder = pressed_slot.slot(first.issue.root)
    assert pressed_slot.load(first.issue.root) is not None
    screen = folder / "screen.bin"
    data = screen.read_bytes()
    screen.write_bytes(data[:-10])  # a file cut short (a build killed while it was written)
    try:
        assert pressed_slot.load(first.issue.root) is None
    finally:
        screen.write_bytes(data)
    assert pressed_slot.load(first.issue.root) is not None


def test_a_build_with_nothing_changed_lays_nothing_out(rebuilt, monkeypatch) -> None:
    """Nor joins anything: its PDFs are the last build's files (no writer is forked; one that
    were would fail, and the build would lay the whole issue out again)."""
    from qhgy_publish.render import pdf_pair

    def no_writer(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a PDF writer was forked")

    _, again, _, _, base = rebuilt
    monkeypatch.setattr(pdf_pair, "_writer", no_writer)
    same = build_issue(again.issue.root, base / "same", reuse_pages=True)
    assert [part.name for part in same.layout.parts if part.pressed is None] == []
    for kind in ("print", "screen"):
        assert _texts(output_path(base / "same", same.issue, kind)) == _texts(output_path(base / "again", again.issue, kind))
        assert output_path(base / "same", same.issue, kind).read_bytes() == output_path(base / "again", again.issue, kind).read_bytes()
    assert output_path(base / "same", same.issue, "epub").read_bytes() == output_path(
        base / "again", again.issue, "epub"
    ).read_bytes()


@pytest.mark.parametrize("epub_beside", [True, False], ids=["EPUB beside the writers", "EPUB after them"])
def test_kept_pages_that_cannot_be_joined_give_way_to_a_whole_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, epub_beside: bool
) -> None:
    """Whether the EPUB is written beside the PDF writers (they draw a few pages: here none) or
    after them (they draw most of the issue: pipeline.build_issue)."""
    root = tmp_path / "mini-issue"
    shutil.copytree(MINI, root)
    if not epub_beside:
        from qhgy_publish.render.print_pdf import PrintLayout

        monkeypatch.setattr(PrintLayout, "pages_to_draw", property(lambda layout: layout.page_count))
    first = build_issue(root, tmp_path / "first", reuse_pages=True)
    folder = pressed_slot.slot(root)
    junk = b"%PDF-1.7\nnot a PDF the join can read\n"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    index["files"]["press"] = hashlib.sha256(junk).hexdigest()  # a slot whole by its index
    (folder / "press.bin").write_bytes(junk)
    (folder / "index.json").write_text(json.dumps(index), encoding="utf-8")
    redone = build_issue(root, tmp_path / "redone", reuse_pages=True)
    assert any("could not be used" in w for w in redone.warnings), redone.warnings
    assert redone.layout.document is not None  # every part laid out in the end
    for kind in ("print", "screen"):
        assert _texts(output_path(tmp_path / "redone", redone.issue, kind)) == _texts(
            output_path(tmp_path / "first", first.issue, kind)
        )
    assert pressed_slot.load(root) is not None  # the whole build kept its pages again
    assert output_path(tmp_path / "redone", redone.issue, "epub").read_bytes() == output_path(
        tmp_path / "first", first.issue, "epub"
    ).read_bytes()


def test_an_epub_that_fails_beside_the_writers_fails_the_build_and_leaves_the_pdfs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The EPUB written beside the PDF writers (a build with kept pages) fails: its own error
    stops the build (no whole layout tried instead), the writers are stopped, and the PDFs of
    the last build stay as they were."""
    from qhgy_publish import pipeline
    from qhgy_publish.errors import BuildError

    root = tmp_path / "mini-issue"
    shutil.copytree(MINI, root)
    out = tmp_path / "out"
    first = build_issue(root, out, reuse_pages=True)
    before = {kind: output_path(out, first.issue, kind).read_bytes() for kind in ("print", "screen")}
    _edit(root)

    def failing(ctx, target):  # type: ignore[no-untyped-def]
        raise BuildError("images/cover.png: the EPUB cannot read it")

    monkeypatch.setitem(pipeline.RENDERERS, "epub", pipeline.Renderer("epub", failing))
    with pytest.raises(BuildError, match=r"^images/cover.png: the EPUB cannot read it$"):
        build_issue(root, out, reuse_pages=True)
    assert {kind: output_path(out, first.issue, kind).read_bytes() for kind in ("print", "screen")} == before
    assert not list(out.glob(".*.tmp"))
