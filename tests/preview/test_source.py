"""Source ↔ page in the preview: a click on a paragraph names its file and line with a link that
opens it in the editor; search finds a sentence on its page; a stylesheet typo is shown with its
file and line; the sidebar lists the check findings and the last build's products."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import httpx
import pikepdf
import pytest
from playwright.sync_api import expect

from qhgy_publish.paths import LAYOUTS_DIR
from qhgy_publish.pipeline import build_issue
from qhgy_publish.preview.server import serve_in_thread
from qhgy_publish.workflow.proofs import build_proof

from .conftest import line_of, open_preview

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini-issue"
SENTENCE = "研究部署全年工作"
EDITOR = "myeditor://open?file={path}&line={line}"


@pytest.fixture(scope="module")
def issue(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("source")
    issue = root / "2025-02"
    shutil.copytree(MINI, issue)
    build_issue(issue, root / "out", targets=["print"])  # the products the sidebar offers
    build_proof(issue, root / "out")  # proof 1: the pages changed since are marked
    base, srv = serve_in_thread(issue, editor_url=EDITOR, output_dir=root / "out")
    yield base, issue, root / "out"
    srv.stop()


def test_search_shows_the_page_and_a_click_there_names_the_source_line(issue, browser) -> None:
    base, root, _ = issue
    article = root / "articles" / "020-dongtai.md"
    page = open_preview(browser, base)
    page.fill("#search", SENTENCE)
    page.press("#search", "Enter")
    expect(page.locator("#search-count")).to_have_text("1")
    # The page the search names is the page whose text layer holds the sentence.
    on = page.locator(".page").filter(has=page.locator(".text", has_text=SENTENCE))
    label = on.locator(".label").text_content()
    expect(page.locator("#search-list li")).to_contain_text(f"第 {label} 页")
    hit = on.locator(".hit").first
    expect(hit).to_be_visible()

    hit.click(force=True)  # the highlight lets clicks through to the page
    place = f"{article.resolve()}:{line_of(article, SENTENCE)}"
    expect(page.locator("#source-place")).to_have_text(place)
    href = page.locator("#source-open").get_attribute("href")
    assert href == EDITOR.format(path=article.resolve(), line=line_of(article, SENTENCE))

    # Another paragraph of the same article: its own line.
    page.keyboard.press("Escape")
    page.fill("#search", "七个牢牢把握")
    page.press("#search", "Enter")
    expect(page.locator("#search-count")).to_have_text("1")
    page.locator(".page .hit").first.click(force=True)
    expect(page.locator("#source-place")).to_have_text(f"{article.resolve()}:{line_of(article, '七个牢牢把握')}")
    page.close()


def test_a_stylesheet_typo_is_shown_with_file_and_line(issue, browser) -> None:
    base, root, _ = issue
    page = open_preview(browser, base)
    own = root / "layouts" / "print" / "magazine.css"
    own.parent.mkdir(parents=True)
    shipped = (LAYOUTS_DIR / "print" / "magazine.css").read_text(encoding="utf-8")
    lines = shipped.splitlines()
    at = len(lines) // 2
    typo = ".cover-title { color: device-cmyk(1 0 0 0; }"
    own.write_text("\n".join([*lines[:at], typo, *lines[at:]]) + "\n", encoding="utf-8")
    try:
        expect(page.locator("#error")).to_be_visible(timeout=60_000)
        expect(page.locator("#error-text")).to_contain_text(f"magazine.css:{at + 1}:")
        expect(page.locator("#error-text")).to_contain_text("device-cmyk")
        expect(page.locator("#error-count")).to_have_text("1")
        link = page.locator("#error-text a").first
        assert link.get_attribute("href") == EDITOR.format(path=own.resolve(), line=at + 1)
        page.locator("#error > summary").click()  # the list folds away
        expect(page.locator("#error-text")).to_be_hidden()
        expect(page.locator(".page img").first).to_be_visible()  # the last good pages stay
    finally:
        shutil.rmtree(root / "layouts")
    expect(page.locator("#error")).to_be_hidden(timeout=60_000)
    page.close()


def test_a_long_rebuild_says_which_column_it_has_come_to(issue, browser) -> None:
    """A stylesheet edit makes every 栏目 up afresh (half a minute on the sample): the status says
    which 栏目 the make-up has come to, of how many, and no more once it is done."""
    base, root, _ = issue
    page = open_preview(browser, base)
    page.evaluate(
        """() => { window.__said = [];
        new MutationObserver(() => window.__said.push(document.getElementById("status").dataset.text))
          .observe(document.getElementById("status"), { attributes: true, childList: true }); }"""
    )
    own = root / "layouts" / "print" / "magazine.css"
    own.parent.mkdir(parents=True)
    shipped = (LAYOUTS_DIR / "print" / "magazine.css").read_text(encoding="utf-8")
    own.write_text(shipped + "\np { letter-spacing: 0.01em; }\n", encoding="utf-8")
    try:
        expect(page.locator("#status")).to_contain_text("正在", timeout=30_000)
        expect(page.locator("#status")).to_contain_text("已更新", timeout=120_000)
        said: list[str] = page.evaluate("window.__said")
        columns = [c["column"] for c in httpx.get(f"{base}/api/state").json()["toc"]]
        progress = {m.group(0) for text in said for m in re.finditer(r"（第 (\d+)/(\d+) 栏 · ([^）]+)）", text)}
        assert progress, said
        for text in progress:
            index, count, name = re.fullmatch(r"（第 (\d+)/(\d+) 栏 · ([^）]+)）", text).groups()  # type: ignore[union-attr]
            assert int(count) == len(columns) and columns[int(index) - 1] == name, (text, columns)
        assert "栏 ·" not in page.locator("#status").inner_text()
    finally:
        shutil.rmtree(root / "layouts")
    expect(page.locator("#status")).to_contain_text("已更新", timeout=120_000)
    page.close()


def test_sidebar_findings_contents_and_downloads(issue, browser) -> None:
    base, _, out = issue
    page = open_preview(browser, base)
    state = httpx.get(f"{base}/api/state").json()
    # The placeholders qhgy check reports, and the make-up report the build left (mini issue:
    # unfilled pages).
    expect(page.locator("#findings-list")).to_contain_text("S-201")
    expect(page.locator("#findings-list")).to_contain_text("M-001")
    expect(page.locator("#findings-count")).to_have_text(str(len(state["findings"])))
    # Contents: each 栏目 with its pages, each article with its folio.
    expect(page.locator("#toc")).to_contain_text("新视点")
    expect(page.locator("#toc")).to_contain_text("第 3–4 页 · 2 页")
    # The print PDF of the last build, whole.
    link = page.locator("#downloads a").filter(has_text="印刷 PDF")
    with page.expect_download() as info:
        link.click()
    saved = Path(info.value.path())
    assert saved.read_bytes() == (out / "qhgy-2025-02-print.pdf").read_bytes()
    with pikepdf.open(saved) as pdf:
        assert len(pdf.pages) == len(state["pages"])
    expect(page.locator("#downloads")).not_to_contain_text("EPUB")  # not built: not offered
    page.close()


def test_the_last_build_is_shown_while_the_first_layout_runs(issue) -> None:
    from io import BytesIO

    from PIL import Image

    from qhgy_publish.preview.builder import Builder

    _, root, out = issue
    builder = Builder(root, out)
    published: list[list[str]] = []
    publish = builder._publish

    def recording(**changes):  # type: ignore[no-untyped-def]
        if "pages" in changes:
            published.append([p.label for p in changes["pages"]])  # type: ignore[attr-defined]
        publish(**changes)

    builder._publish = recording  # type: ignore[method-assign]
    assert builder.preload()
    assert published[0] == ["封一", "封二"]  # the first spread as soon as it is drawn, then all
    assert len(published) == 2
    shown = builder.state.pages
    assert builder.state.note and len(shown) == len(pikepdf.open(out / "qhgy-2025-02-print.pdf").pages)
    builder.rebuild()
    laid_out = builder.state.pages
    assert not builder.state.note
    assert [p.label for p in shown] == [p.label for p in laid_out]
    for before, after in zip(shown, laid_out, strict=True):
        # The crop marks cut off: the same page, bleed included, at the same size.
        (w1, h1), (w2, h2) = Image.open(BytesIO(before.png)).size, Image.open(BytesIO(after.png)).size
        assert abs(w1 - w2) <= 1 and abs(h1 - h2) <= 1  # 612.28 pt wide: rounded either way
        assert before.text.replace(" ", "")[:40] == after.text.replace(" ", "")[:40]


def test_pages_changed_since_the_last_proof_are_marked(issue, browser) -> None:
    base, root, _ = issue
    page = open_preview(browser, base)
    expect(page.locator(".page.changed-since-proof")).to_have_count(0)
    article = root / "articles" / "030-fengcai.md"
    text = article.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    sentence = next(line for line in body.splitlines() if line.endswith("。"))
    article.write_text(text.replace(sentence, sentence + "校样后改动标记。", 1), encoding="utf-8")
    edited = page.locator(".page").filter(has=page.locator(".text", has_text="校样后改动标记"))
    expect(edited).to_have_count(1, timeout=60_000)
    expect(edited).to_have_class(re.compile(r"\bchanged-since-proof\b"), timeout=10_000)
    expect(edited.locator(".since-proof")).to_have_text("自上次校样后有改动")
    expect(page.locator("#page-0")).not_to_have_class(re.compile(r"\bchanged-since-proof\b"))  # 封一 as it was
    page.close()
