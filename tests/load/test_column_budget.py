"""A 栏目's page budget in issue.yaml (``- name: …`` with ``pages: N``): read onto the 栏目,
and a budget that is no page count refused with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from qhgy_publish.errors import SourceErrors
from qhgy_publish.load.issue import load_issue


def _columns(issue: Path, entries: str) -> None:
    path = issue / "issue.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("columns:\n  - 学习强国\n  - 新视点\n", "columns:\n" + entries), encoding="utf-8")


def _line(issue: Path, text: str) -> int:
    lines = (issue / "issue.yaml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def test_budgets_are_read_onto_their_columns(mini_issue: Path) -> None:
    _columns(mini_issue, "  - 学习强国\n  - name: 新视点\n    pages: 2\n")
    issue = load_issue(mini_issue)
    assert [(c.name, c.pages) for c in issue.columns] == [("学习强国", None), ("新视点", 2)]
    assert issue.meta.columns == ["学习强国", "新视点"]  # the standing order, as before


@pytest.mark.parametrize("value", ["0", "-3", '"6"', "6.5", "true", "六"])
def test_a_budget_that_is_no_page_count_is_refused_with_its_line(mini_issue: Path, value: str) -> None:
    _columns(mini_issue, f"  - {{name: 学习强国, pages: 4}}\n  - name: 新视点\n    pages: {value}\n")
    with pytest.raises(SourceErrors) as caught:
        load_issue(mini_issue)
    (error,) = caught.value.errors
    assert error.code == "S-016"
    assert error.where.line == _line(mini_issue, f"pages: {value}")
    assert "新视点" in error.message and "pages: 6" in error.hint


def test_a_column_entry_without_name_or_with_other_keys(mini_issue: Path) -> None:
    _columns(mini_issue, "  - 学习强国\n  - pages: 3\n  - name: 新视点\n    page: 3\n")
    with pytest.raises(SourceErrors) as caught:
        load_issue(mini_issue)
    found = {(e.code, e.where.line, e.message) for e in caught.value.errors}
    assert found == {
        ("S-010", _line(mini_issue, "- pages: 3"), "a 栏目 without its name"),
        ("S-010", _line(mini_issue, "page: 3"), "unknown key “columns.2.page”"),
    }
