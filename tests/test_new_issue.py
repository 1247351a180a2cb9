"""`qhgy new` starts a clean next issue: it builds as it is, and `qhgy check` lists all it still needs."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pdfplumber
import yaml

from qhgy_publish.load.issue import load_meta
from qhgy_publish.scaffold import NEW_PLACEHOLDERS

SAMPLE = Path(__file__).resolve().parents[1] / "content" / "2025-01"


def test_new_issue_from_the_latest(tmp_path: Path, run_cli) -> None:
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content / "2025-01")
    result = run_cli("new", "--content", content)  # no id: the number after the latest
    assert result.exit_code == 0, result.stderr
    meta, _, errors = load_meta(content / "2025-02")
    assert errors == [] and meta is not None
    old, _, _ = load_meta(content / "2025-01")
    assert (meta.year, meta.number) == (2025, 2)
    assert meta.columns == old.columns and meta.board == old.board
    assert meta.colophon.permit == old.colophon.permit and meta.colophon.printer == old.colophon.printer
    assert meta.cover.placeholder
    assert set(NEW_PLACEHOLDERS) | set(old.placeholders) == set(meta.placeholders)
    articles = sorted((content / "2025-02" / "articles").iterdir())
    assert len(articles) == len(meta.columns)  # one stand-in per 栏目, none left empty
    text = (content / "2025-02" / "issue.yaml").read_text(encoding="utf-8")
    assert "# 《青海工运》2025年第2期" in text  # comments for the editors survive
    assert yaml.safe_load(text)["number"] == 2


def test_new_issue_builds_and_check_lists_every_value_to_confirm(tmp_path: Path, run_cli) -> None:
    content, out = tmp_path / "content", tmp_path / "out"
    shutil.copytree(SAMPLE, content / "2025-01")
    assert run_cli("new", "2025-02", "--content", content).exit_code == 0
    issue = content / "2025-02"
    build = run_cli("build", issue, "--out", out)
    assert build.exit_code == 0, build.stderr
    check = run_cli("check", issue, "--out", out, "--json")
    assert check.exit_code == 0, check.stdout  # EPUBCheck and the PDF preflight find no error
    findings = json.loads(check.stdout)
    listed = {f["message"].split("”")[0].lstrip("“") for f in findings if f["code"] == "S-201"}
    meta, _, _ = load_meta(issue)
    assert listed == set(meta.placeholders) >= {"cover.caption", "cover.alt", "colophon.print_run"}
    assert [f for f in findings if f["code"] == "S-202"]  # the cover photo
    stand_ins = [f["where"] for f in findings if f["code"] == "S-203"]
    assert len(stand_ins) == len(meta.columns)
    assert not [f for f in findings if f["severity"] == "error"]


def test_a_column_without_articles_is_left_out(tmp_path: Path, run_cli) -> None:
    content, out = tmp_path / "content", tmp_path / "out"
    shutil.copytree(SAMPLE, content / "2025-01")
    assert run_cli("new", "2025-02", "--content", content).exit_code == 0
    issue = content / "2025-02"
    meta, _, _ = load_meta(issue)
    dropped = meta.columns[4]  # 劳模先进风采
    next(p for p in (issue / "articles").iterdir() if f"column: {dropped}\n" in p.read_text()).unlink()
    build = run_cli("build", issue, "--out", out, "--only", "print", "--only", "epub", "--no-epub-fonts")
    assert build.exit_code == 0, build.stderr
    line = (issue / "issue.yaml").read_text(encoding="utf-8").splitlines().index(f"  - {dropped}") + 1
    assert f"issue.yaml:{line}" in build.stderr and "S-014" in build.stderr
    with pdfplumber.open(out / "qhgy-2025-02-print.pdf") as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
        keywords = pdf.metadata.get("Keywords", "")
    assert dropped not in text and dropped not in keywords
    with zipfile.ZipFile(out / "qhgy-2025-02.epub") as book:
        opf = book.read("EPUB/content.opf").decode("utf-8")
    assert dropped not in opf and f">{meta.columns[3]}<" in opf  # dc:subject
    assert meta.columns[3] in text  # the others are there


def test_new_refuses_bad_ids_and_existing_folders(tmp_path: Path, run_cli) -> None:
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content / "2025-01")
    for bad in ("2025-2", "next", "2025-00"):
        result = run_cli("new", bad, "--content", content)
        assert result.exit_code == 1 and "Traceback" not in result.stderr, bad
    result = run_cli("new", "2025-01", "--content", content)
    assert result.exit_code == 1 and "exists already" in result.stderr


def test_the_pages_planned_per_column_carry_on(tmp_path: Path, run_cli) -> None:
    """The test issue plans pages for two 栏目 (`pages:` in issue.yaml): the next issue keeps
    those plans, and the 栏目 without one stay bare names."""
    from qhgy_publish.load.issue import planned_pages

    fixture = Path(__file__).resolve().parent / "fixtures" / "2025-06"
    content = tmp_path / "content"
    shutil.copytree(fixture, content / "2025-06")
    planned = planned_pages(content / "2025-06")
    assert len(planned) >= 2
    result = run_cli("new", "--content", content)
    assert result.exit_code == 0, result.stderr
    meta, _, errors = load_meta(content / "2025-07")
    assert errors == [] and meta is not None
    assert planned_pages(content / "2025-07") == planned
    columns = yaml.safe_load((content / "2025-07" / "issue.yaml").read_text(encoding="utf-8"))["columns"]
    assert sum(isinstance(c, str) for c in columns) == len(meta.columns) - len(planned)
