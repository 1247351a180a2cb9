"""`qhgy index 2025` over two issues: the sample (its shared build) and a second, small issue."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pdfplumber
import pytest

from qhgy_publish.load import load_issue
from qhgy_publish.workflow.yearindex import remember_pages

from ..issue_builds import SAMPLE, SECOND  # both built once per session (the `sample` and `second` fixtures)

XHTML = "{http://www.w3.org/1999/xhtml}"


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def year(sample, tmp_path_factory: pytest.TempPathFactory, run_cli_module):  # type: ignore[no-untyped-def]
    base = tmp_path_factory.mktemp("year")
    content, out = base / "content", base / "out"
    shutil.copytree(SAMPLE, content / "2025-01")
    second_id = f"2025-{load_issue(SECOND).meta.number:02d}"
    shutil.copytree(SECOND, content / second_id)
    # The sample's folios from the session's build, as `qhgy build` leaves them for the index.
    remember_pages(content / "2025-01", sample.result.layout.article_pages)
    result = run_cli_module("index", "2025", "--content", content, "--out", out)
    assert result.exit_code == 0, result.output
    assert "2025-01 (2025年第1期): page numbers from its last build" in result.output
    with open(out / "index-2025" / "qhgy-2025-index.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    return content, out, second_id, rows, result


@pytest.fixture(scope="module")
def run_cli_module():  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from qhgy_publish.cli import main

    return lambda *args: CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_every_article_of_both_issues_is_listed_once(year) -> None:  # type: ignore[no-untyped-def]
    content, _, second_id, rows, _ = year
    listed = sorted(Path(r["源文件"]).name for r in rows)
    expected = sorted(
        p.name for issue in ("2025-01", second_id) for p in (content / issue / "articles").glob("*.md")
    )
    assert listed == expected
    numbers = {r["期"]: r["期号"] for r in rows}
    assert numbers == {"2025-01": "1", second_id: str(int(second_id[5:]))}


def test_pages_are_where_the_printed_issues_have_the_articles(year, sample, second) -> None:  # type: ignore[no-untyped-def]
    """The index's folios (the sample's from its build, the second issue's laid out by the
    index itself) are the pages of each issue's print PDF, as the session built them."""
    _, _, second_id, rows, _ = year
    issues = {"2025-01": sample.issue, second_id: second.issue}
    checked = 0
    for row in rows:
        if not row["页码"].isdigit():
            continue
        issue = issues[row["期"]]
        article = next(a for a in issue.body_articles if a.path.name == Path(row["源文件"]).name)
        folio = int(row["页码"])
        text = (
            sample.page_texts[sample.pdf_index(folio)]
            if row["期"] == "2025-01"
            else second.page_texts[second.pdf_index(folio)]
        )
        assert _flat(article.title_text)[:8] in text, (row["标题"], folio)
        checked += 1
    assert checked == len(sample.issue.body_articles) + len(second.issue.body_articles)


def test_grouped_by_column_in_the_latest_issues_order(year) -> None:  # type: ignore[no-untyped-def]
    content, _, second_id, rows, _ = year
    latest = load_issue(content / second_id).meta.columns
    seen = list(dict.fromkeys(r["栏目"] for r in rows))
    assert seen[: len(latest)] == latest
    assert seen[-1] == "封二·封三"
    for column in seen:  # inside a 栏目: by issue, then page
        keys = [
            (int(r["期号"]), int(r["页码"]) if r["页码"].isdigit() else 999)
            for r in rows
            if r["栏目"] == column
        ]
        assert keys == sorted(keys)


def test_html_is_an_epub_style_navigation_page_and_the_pdf_prints_it(year) -> None:  # type: ignore[no-untyped-def]
    _, out, _, rows, _ = year
    tree = ElementTree.parse(out / "index-2025" / "qhgy-2025-index.xhtml")  # well-formed XHTML
    nav = tree.find(f".//{XHTML}nav")
    assert nav is not None and nav.get("{http://www.idpf.org/2007/ops}type") == "toc"
    groups = nav.findall(f"./{XHTML}ol/{XHTML}li")
    assert [g.find(f"{XHTML}span").text for g in groups] == list(dict.fromkeys(r["栏目"] for r in rows))
    leaves = nav.findall(f"./{XHTML}ol/{XHTML}li/{XHTML}ol/{XHTML}li")
    assert len(leaves) == len(rows)
    with pdfplumber.open(out / "index-2025" / "qhgy-2025-index.pdf") as doc:
        text = _flat("".join(p.extract_text() or "" for p in doc.pages))
    assert "2025年总目录" in text
    for row in rows:
        assert _flat(row["标题"])[:6] in text, row["标题"]
    assert text.count("第2期") >= sum(1 for r in rows if r["期号"] == "2")
    import pikepdf

    with pikepdf.open(out / "index-2025" / "qhgy-2025-index.pdf") as pdf:
        trim = [float(v) for v in pdf.pages[0].TrimBox]
        assert "/OutputIntents" in pdf.Root  # a press PDF, like the issue's
    assert (round(trim[2] - trim[0]), round(trim[3] - trim[1])) == (595, 808)  # 210 × 285 mm
