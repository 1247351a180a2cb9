"""Proof rounds: numbered proofs, `qhgy diff` page by page, its HTML report in Chromium, its PDF."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from playwright.sync_api import sync_playwright

from qhgy_publish.workflow.proofdiff import (
    changed_pages,
    changes_since_last_proof,
    diff_proofs,
    write_reports,
)
from qhgy_publish.workflow.proofs import build_proof, load_proof

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini-issue"
SENTENCE = ("研究部署全年工作。", "研究部署明年工作。")  # the same length: no line moves
# Long enough to push the speech's end onto page 3, short enough to stay on page 2 itself.
LONG = "新年前夕，国家主席习近平通过中央广播电视台总台和互联网，发表了二〇二五年新年贺词。" * 26


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Three proofs of the mini issue: as it is, one sentence changed, a long passage added."""
    base = tmp_path_factory.mktemp("proofs")
    issue, out = base / "2025-02", base / "out"
    shutil.copytree(MINI, issue)
    build_proof(issue, out)
    edit(issue / "articles" / "020-dongtai.md", *SENTENCE)
    build_proof(issue, out)
    edit(issue / "articles" / "010-heci.md", "全文如下：", "全文如下：" + LONG)
    build_proof(issue, out)
    return issue, out


def test_a_proof_keeps_pdf_page_images_and_a_page_map(rounds) -> None:  # type: ignore[no-untyped-def]
    _, out = rounds
    folder = out / "proofs" / "1"
    pdf = folder / "qhgy-2025-02-print.pdf"
    data = json.loads((folder / "pages.json").read_text(encoding="utf-8"))
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) == len(data["pages"])
        page_text = re.sub(r"\s", "", doc.pages[4].extract_text() or "")
    assert all((folder / p["image"]).is_file() for p in data["pages"])
    page = data["pages"][4]  # 新视点's news page
    assert page["label"] == "3"
    # Every line the map holds is on that page of the PDF, and carries its source line.
    for line in page["lines"]:
        assert line["text"] in page_text
    body = [line for line in page["lines"] if line["source"].startswith("articles/020-dongtai.md:")]
    assert body and body[0]["source"] == "articles/020-dongtai.md:8"  # the first paragraph's line
    assert data["content_hash"] and data["number"] == 1


def test_one_sentence_changed_is_exactly_one_changed_page(rounds) -> None:  # type: ignore[no-untyped-def]
    _, out = rounds
    diff = diff_proofs(load_proof(out, 1), load_proof(out, 2))
    assert [(p.b.label, p.status) for p in diff.pages if p.status != "unchanged"] == [("3", "changed")]
    (change,) = diff.changes
    assert (change.deleted, change.inserted) == ("全", "明")
    assert change.source == "articles/020-dongtai.md:8"
    assert len(diff.with_status("unchanged")) == len(diff.b.pages) - 1


def test_pages_that_only_moved_are_told_from_changed_ones(rounds) -> None:  # type: ignore[no-untyped-def]
    _, out = rounds
    diff = diff_proofs(load_proof(out, 2), load_proof(out, 3))
    status = {p.b.label: p.status for p in diff.pages if p.b is not None}
    assert status["2"] == "changed"  # the long passage went in here
    assert status["3"] == "reflowed"  # the speech's end, pushed onto the next page
    moved = {(p.a.label, p.b.label) for p in diff.with_status("moved")}
    assert ("3", "4") in moved and ("4", "5") in moved  # the news and the profiles, one page on
    assert status["1"] == "changed"  # the contents: their folios changed
    contents = next(p for p in diff.pages if p.b is not None and p.b.label == "1")
    assert {(c.deleted, c.inserted) for c in contents.changes} >= {("3", "4"), ("4", "5")}


def test_the_html_report_shows_the_change_marked_in_chromium(rounds) -> None:  # type: ignore[no-untyped-def]
    _, out = rounds
    report, _ = write_reports(diff_proofs(load_proof(out, 1), load_proof(out, 2)))
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(report.as_uri())
            sections = page.locator("section[data-status]")
            assert sections.count() == 1
            assert sections.first.locator("h2").inner_text() == "第 3 页：文字有改动"
            assert page.locator("ins").inner_text() == "明" and page.locator("del").inner_text() == "全"
            for side, kind in (("a", "del"), ("b", "ins")):
                image = page.locator(f".side-{side} img")
                assert image.evaluate("i => i.complete && i.naturalWidth > 0")  # the page image loaded
                mark = page.locator(f".side-{side} .mark.{kind}")
                assert mark.count() == 1 and mark.is_visible()
                box, frame = mark.bounding_box(), image.bounding_box()
                assert box and frame
                # One character wide, inside the page, in the text block's upper part.
                assert 2 < box["width"] < 0.05 * frame["width"]
                assert frame["x"] < box["x"] < frame["x"] + frame["width"] / 2
                assert frame["y"] < box["y"] < frame["y"] + frame["height"] / 2
        finally:
            browser.close()


def test_the_annotated_pdf_marks_the_change_where_it_stands(rounds) -> None:  # type: ignore[no-untyped-def]
    _, out = rounds
    diff = diff_proofs(load_proof(out, 1), load_proof(out, 2))
    _, pdf = write_reports(diff)
    index = diff.with_status("changed")[0].b.index  # type: ignore[union-attr]
    with pikepdf.open(pdf) as doc:
        annots = [a for page in doc.pages for a in page.obj.get("/Annots", [])]
        (annot,) = annots
        assert annot.Subtype == "/Square" and int(annot.F) & 4  # printed
        assert "全" in str(annot.Contents) and "明" in str(annot.Contents)
        assert doc.pages[index].obj.Annots[0].Rect == annot.Rect
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[index]
        (box,) = page.annots
        centre = lambda c: ((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2)  # noqa: E731
        hits = [
            c["text"]
            for c in page.chars
            if box["x0"] <= centre(c)[0] <= box["x1"] and box["top"] <= centre(c)[1] <= box["bottom"]
        ]
    assert hits == ["明"]


def test_the_preview_can_ask_which_pages_changed_since_the_last_proof(rounds) -> None:  # type: ignore[no-untyped-def]
    from qhgy_publish.load import load_issue
    from qhgy_publish.render.print_pdf import layout
    from qhgy_publish.transforms import apply_transforms

    issue_dir, out = rounds
    issue = apply_transforms(load_issue(issue_dir))
    assert changes_since_last_proof(layout(issue).document, issue, out) == {}
    assert changes_since_last_proof(layout(issue).document, issue, out / "nowhere") is None
    assert changed_pages(diff_proofs(load_proof(out, 1), load_proof(out, 2))) == {4: "changed"}


def test_diff_from_the_command_line(rounds, run_cli) -> None:  # type: ignore[no-untyped-def]
    issue, out = rounds
    result = run_cli("diff", "1", "2", "--issue", issue, "--out", out)
    assert result.exit_code == 0, result.output
    assert "第3页 文字有改动 (changed)" in result.output and "〔全→明〕" in result.output
    assert "articles/020-dongtai.md:8" in result.output
    assert (out / "proofs" / "diff-1-2" / "report.html").is_file()
    missing = run_cli("diff", "7", "--issue", issue, "--out", out)
    assert missing.exit_code == 1 and "no proof 7" in missing.output and "kept: 1, 2, 3" in missing.output
