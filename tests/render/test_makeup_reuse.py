"""A process that builds again (the preview) lays out again only the parts an edit changed
(render/makeup/parts.py): the parts of the last build are reused where their HTML and the build
key are the same, and they draw exactly as a fresh layout does."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from qhgy_publish.load import load_issue
from qhgy_publish.render.makeup import make_up, parts
from qhgy_publish.render.weasy_cjk_patch import reset_line_end_halts
from qhgy_publish.transforms import apply_transforms


@pytest.fixture
def issue_dir(issue_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The make-up tests' mini issue (conftest.py), with the cache on, no parts kept, and
    paragraphs whose lines end on a mark at every offset: some must be set half-width to fit."""
    monkeypatch.setenv("QHGY_MAKEUP_CACHE", "1")
    parts.start_build(None)
    marks = "\n\n".join("职" * k + "他说“工会组织”。" * 16 for k in range(1, 18))
    article = issue_dir / "articles" / "010-heci.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n\n" + marks + "\n", encoding="utf-8")
    return issue_dir


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the parts WeasyPrint lays out, as it lays them out."""
    names: list[str] = []
    original = parts.render_html

    def counting(issue, html):  # type: ignore[no-untyped-def]
        names.append("part")
        return original(issue, html)

    monkeypatch.setattr(parts, "render_html", counting)
    return names


def _chars(document) -> list[tuple[str, float, float]]:  # type: ignore[no-untyped-def]
    """Every glyph the PDF draws, where it draws it."""
    with pdfplumber.open(io.BytesIO(document.write_pdf())) as pdf:
        return [(c["text"], round(c["x0"], 2), round(c["top"], 2)) for page in pdf.pages for c in page.chars]


def _drawing(document) -> list[bytes]:  # type: ignore[no-untyped-def]
    """Each page's content stream: every glyph and every advance between glyphs."""
    with pikepdf.open(io.BytesIO(document.write_pdf())) as pdf:
        return [page.Contents.read_bytes() if "/Contents" in page.obj else b"" for page in pdf.pages]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_build_again_reuses_every_part_and_draws_what_a_fresh_layout_draws(issue_dir: Path, layouts: list[str]) -> None:
    first = make_up(apply_transforms(load_issue(issue_dir)))
    laid_out = len(layouts)
    assert any(part.halts for part in first.parts)  # the line ends a reused part must bring back
    again = make_up(apply_transforms(load_issue(issue_dir)))
    assert len(layouts) == laid_out  # nothing laid out again
    drawn_again = _drawing(again.document)
    parts.start_build(None)
    reset_line_end_halts()
    fresh = make_up(apply_transforms(load_issue(issue_dir)))
    assert len(layouts) > laid_out
    assert drawn_again == _drawing(fresh.document)


def test_after_an_article_edit_only_its_column_and_the_contents_are_laid_out_again(
    issue_dir: Path, layouts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_up(apply_transforms(load_issue(issue_dir)))
    before = len(layouts)
    _edit(issue_dir / "articles" / "020-dongtai.md", "研究部署全年工作。", "研究部署全年工作，听取各部门的汇报。")
    edited = make_up(apply_transforms(load_issue(issue_dir)))
    again = len(layouts) - before
    monkeypatch.setenv("QHGY_MAKEUP_CACHE", "0")
    cold_start = len(layouts)
    cold = make_up(apply_transforms(load_issue(issue_dir)))
    assert _chars(edited.document) == _chars(cold.document)
    assert 1 <= again < len(layouts) - cold_start
