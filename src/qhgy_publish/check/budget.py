"""Pages per 栏目 against the budget issue.yaml gives (``columns:`` entries with ``pages:``).

The pages a 栏目 took are read from the print PDF the last build wrote, as the rest of
``qhgy check`` reads the products: each 栏目 is a top-level bookmark on its first page,
and runs to the next 栏目's first page; the last one runs to the 学习笔记 pages the make-up
added (its report names their folios) or to 封三. Over its budget is a warning (M-005):
the build still prints, the editors decide what to cut. Under it is an info (M-006): room
the plan gave that the 栏目 did not use.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..load.issue import ISSUE_FILE
from ..load.yamlloc import load_yaml
from ..model import Issue
from ..products import product_path
from .findings import Finding, Severity

CONTENTS = "目录"  # the bookmark of printed page 1
BACK_PAGES = 2  # 封三 and 封四 close every issue


def column_pages(print_pdf: Path, issue: Issue, notes_folios: list[int]) -> dict[str, int]:
    """栏目 name → pages it takes in ``print_pdf`` ({} when the PDF cannot tell)."""
    import pikepdf

    names = {c.name for c in issue.columns}
    try:
        with pikepdf.open(print_pdf) as pdf:
            index = {page.objgen: i for i, page in enumerate(pdf.pages)}
            total = len(pdf.pages)
            starts: dict[str, int] = {}
            with pdf.open_outline() as outline:
                for item in outline.root:
                    dest = item.destination
                    if item.title in (*names, CONTENTS) and isinstance(dest, pikepdf.Array) and len(dest):
                        starts.setdefault(item.title, index.get(dest[0].objgen, -1))
    except (OSError, pikepdf.PdfError):
        return {}
    contents = starts.pop(CONTENTS, None)
    order = sorted((i, name) for name, i in starts.items() if i >= 0)
    if contents is None or not order:
        return {}
    notes = [contents + folio - 1 for folio in notes_folios]
    end = min([total - BACK_PAGES, *(n for n in notes if n > order[-1][0])])
    bounds = [i for i, _ in order[1:]] + [end]
    return {name: stop - start for (start, name), stop in zip(order, bounds, strict=True)}


def budget_findings(issue: Issue, used: dict[str, int]) -> list[Finding]:
    """A finding for each 栏目 with a budget whose pages differ from it."""
    path = issue.root / ISSUE_FILE
    _, lines, _ = load_yaml(path.read_text(encoding="utf-8-sig"), path)
    findings = []
    for column in issue.columns:
        pages, budget = used.get(column.name), column.pages
        if budget is None or pages is None or pages == budget:
            continue
        where = lines.loc(("columns", issue.meta.columns.index(column.name), "pages"))
        if pages > budget:
            findings.append(
                Finding(
                    Severity.WARNING,
                    "M-005",
                    f"栏目 “{column.name}” takes {pages} pages, {pages - budget} over its budget of {budget}",
                    where,
                    "shorten or move an article, or raise pages: in issue.yaml if the plan has changed",
                )
            )
        else:
            findings.append(
                Finding(
                    Severity.INFO,
                    "M-006",
                    f"栏目 “{column.name}” takes {pages} of the {budget} pages planned for it",
                    where,
                    "room for a 补白 or a longer article, or lower pages: in issue.yaml",
                )
            )
    return findings


def check_budgets(issue: Issue, out_dir: Path) -> list[Finding]:
    """The budget findings of the issue built into ``out_dir`` (none without budgets or a build)."""
    if all(c.pages is None for c in issue.columns):
        return []
    report = product_path(out_dir, issue, "makeup")
    notes: list[int] = []
    if report.is_file():
        notes = json.loads(report.read_text(encoding="utf-8")).get("notes_pages", [])
    return budget_findings(issue, column_pages(product_path(out_dir, issue, "print"), issue, notes))
