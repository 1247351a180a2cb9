"""Pages per 栏目 against the budget of issue.yaml, on the second sample issue (its 特别关注 is
planned deliberately short, its 工作研究 long): `qhgy check`'s findings, from the built PDF
(the command itself: tests/check/test_source_checks.py)."""

from __future__ import annotations

from itertools import pairwise

from qhgy_publish.check.budget import check_budgets, column_pages


def _line(second, text: str) -> int:
    lines = (second.issue.root / "issue.yaml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def test_pages_per_column_are_read_from_the_print_pdf(second) -> None:
    used = column_pages(second.print_pdf, second.issue, [])
    assert list(used) == [c.name for c in second.issue.columns]
    # Each 栏目 begins where the build put its first article, and ends where the next begins.
    starts = [second.pdf_index(second.result.layout.article_pages[c.articles[0].id]) for c in second.issue.columns]
    assert list(used.values())[:-1] == [b - a for a, b in pairwise(starts)]
    last = second.issue.columns[-1].name
    assert starts[-1] + used[last] <= len(second.page_texts) - 2  # before 封三 and 封四


def test_a_column_over_its_budget_is_a_warning_and_one_under_an_info(second) -> None:
    findings = check_budgets(second.issue, second.print_pdf.parent)  # as `qhgy check` runs it
    used = column_pages(second.print_pdf, second.issue, [])
    over = [f for f in findings if f.code == "M-005"]
    under = [f for f in findings if f.code == "M-006"]
    assert used["特别关注"] > 4 and used["工作研究"] < 12  # as planned in the fixture
    (short,) = [f for f in over if "“特别关注”" in f.message]
    assert short.severity.value == "warning"
    assert f"takes {used['特别关注']} pages, {used['特别关注'] - 4} over its budget of 4" in short.message
    assert (short.where.path.name, short.where.line) == ("issue.yaml", _line(second, "pages: 4"))
    (long,) = [f for f in under if "“工作研究”" in f.message]
    assert long.severity.value == "info" and f"takes {used['工作研究']} of the 12 pages" in long.message
    # 栏目 without a budget are never named.
    unplanned = [c.name for c in second.issue.columns if c.pages is None]
    assert not [f for f in over + under if any(f"“{name}”" in f.message for name in unplanned)]
