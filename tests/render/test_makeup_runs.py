"""A 栏目 whose articles begin on new pages is laid out run by run (render/makeup/parts.py: runs):
the runs give the pages one layout of the whole 栏目 gives, and a make-up correction lays out
again only the runs whose HTML or first folio it changed. Both issues, each with the 栏目 that
has the most runs."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest

from qhgy_publish.load import load_issue
from qhgy_publish.render.makeup import parts
from qhgy_publish.render.makeup.plan import NO_PLAN, Plan
from qhgy_publish.transforms import apply_transforms

ROOT = Path(__file__).resolve().parents[2]
ISSUES = ["content/2025-01", "tests/fixtures/2025-06"]


def _issue_and_column(folder: str):  # type: ignore[no-untyped-def]
    issue = apply_transforms(load_issue(ROOT / folder))
    index = max(range(1, len(issue.columns) + 1), key=lambda i: len(parts.runs(issue.columns[i - 1].articles, NO_PLAN)))
    assert len(parts.runs(issue.columns[index - 1].articles, NO_PLAN)) >= 3
    return issue, index


def _whole(issue, index: int, folio: int, plan: Plan) -> tuple:  # type: ignore[no-untyped-def,type-arg]
    """The 栏目's document and pages from one layout of all its articles (a pad page dropped)."""
    html = parts.part_html(issue, "column", index=index, first_folio=folio, plan=plan)
    document, _ = parts.render_html(issue, html)
    return document, document.pages[1:] if folio % 2 == 0 else list(document.pages)


def _drawn(document, pages: list) -> list[tuple]:  # type: ignore[no-untyped-def,type-arg]
    """What each page draws (its content stream: every glyph, rule and picture placed), the
    anchors that first stand on it (where a link to them leads) and its bookmarks."""
    with pikepdf.open(io.BytesIO(document.copy(pages).write_pdf())) as pdf:
        streams = [page.Contents.read_bytes() for page in pdf.pages]
    first: dict[str, int] = {}
    for number, page in enumerate(pages):
        for name in page.anchors:
            first.setdefault(name, number)
    return [
        (
            stream,
            sorted(name for name, at in first.items() if at == number),
            [(level, label) for level, label, *_ in page.bookmarks],
        )
        for number, (stream, page) in enumerate(zip(streams, pages, strict=True))
    ]


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML of each layout WeasyPrint makes of a part, as it makes it."""
    made: list[str] = []
    original = parts.render_html

    def render_html(issue, html):  # type: ignore[no-untyped-def]
        made.append(html)
        return original(issue, html)

    monkeypatch.setattr(parts, "render_html", render_html)
    parts.start_build(None)
    return made


@pytest.mark.parametrize("folder", ISSUES)
def test_the_runs_give_the_pages_of_one_layout_of_the_whole_column(folder: str) -> None:
    """On an even folio (the runs after a pad page or not, as their own folios fall), with the
    corrections the make-up makes: two runs made one (an article run on), credits set apart,
    a 补白 after the first article, a line less above the last article's titles."""
    issue, index = _issue_and_column(folder)
    parts.start_build(None)
    articles = issue.columns[index - 1].articles
    head = parts.runs(articles, NO_PLAN)[1][0]
    plan = NO_PLAN.with_run_on(head.id).with_fills(articles[0].id, tuple(issue.fillers[:1]), 12.0)
    for article in articles:
        plan = plan.with_tail_apart(article.id)
    plan = plan.with_article_class(articles[-1].id, "tight")
    laid = parts.lay_out_part(issue, "column", index=index, first_folio=6, plan=plan)
    assert len(laid.runs) == len(parts.runs(articles, NO_PLAN)) - 1
    runs, whole = _drawn(laid.document, laid.pages), _drawn(*_whole(issue, index, 6, plan))
    assert len(runs) == len(whole)
    for number, (page, one) in enumerate(zip(runs, whole, strict=True)):
        assert page[1:] == one[1:], f"page {number}"
        lines = [(a, b) for a, b in zip(page[0].split(b"\n"), one[0].split(b"\n"), strict=False) if a != b]
        assert page[0] == one[0], f"page {number} draws otherwise: {lines[:3]}"


@pytest.mark.parametrize("folder", ISSUES)
def test_a_correction_lays_out_again_only_the_runs_it_changed(folder: str, counted: list[str]) -> None:
    issue, index = _issue_and_column(folder)
    runs = parts.runs(issue.columns[index - 1].articles, NO_PLAN)
    first = parts.lay_out_part(issue, "column", index=index, first_folio=3, plan=NO_PLAN)
    assert len(counted) == len(runs) == len(first.runs)  # each run laid out once

    def laid_out(plan: Plan, folio: int = 3) -> int:
        before = len(counted)
        parts.lay_out_part(issue, "column", index=index, first_folio=folio, plan=plan, reuse=first)
        return len(counted) - before

    assert laid_out(NO_PLAN) == 0  # the same runs where they stood
    assert laid_out(NO_PLAN.with_article_class(runs[-1][0].id, "tight")) == 1  # the last run changed
    assert laid_out(NO_PLAN, folio=4) == len(runs)  # every run a page later
