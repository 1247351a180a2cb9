"""What an editor works with in the preview beyond the pages: each 栏目's pages against its
budget in issue.yaml, errors and findings with their Chinese meaning, and the editor started by
the server on a source line (--editor / $EDITOR) — a real program, never through a shell, only
on files inside the issue folder."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from qhgy_publish.codes import REGISTRY
from qhgy_publish.preview.server import editor_argv, serve_in_thread

from .conftest import line_of, open_preview

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini-issue"
SENTENCE = "研究部署全年工作"


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("editor")
    issue = root / "issue folder" / "2025-02"  # a space in the path: the editor gets it whole
    shutil.copytree(MINI, issue)
    yaml = issue / "issue.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace(
            "  - 学习强国\n  - 新视点\n", "  - name: 学习强国\n    pages: 9\n  - {name: 新视点, pages: 1}\n"
        ),
        encoding="utf-8",
    )
    # The editor: a script that writes the arguments it was started with, one a line.
    received = root / "received.txt"
    editor = root / "editor.sh"
    editor.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{received}.part" && mv "{received}.part" "{received}"\n')
    editor.chmod(0o755)
    base, srv = serve_in_thread(issue, editor_command=str(editor))
    yield base, issue, received
    srv.stop()


def _received(path: Path, timeout: float = 10) -> list[str]:
    deadline = time.monotonic() + timeout
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return path.read_text(encoding="utf-8").splitlines()


def test_each_column_shows_its_pages_against_its_budget(preview, browser) -> None:
    base, _, _ = preview
    state = httpx.get(f"{base}/api/state").json()
    assert state["budgets"] == {"学习强国": 9, "新视点": 1}
    used = {c["column"]: c["pages"][1] - c["pages"][0] + 1 for c in state["toc"]}
    assert used["新视点"] > 1 and used["学习强国"] < 9
    page = open_preview(browser, base)
    over = page.locator('#toc h3[data-column="新视点"] .budget')
    expect(over).to_have_text(f"{used['新视点']} / 1 页 超出 {used['新视点'] - 1} 页")
    expect(over).to_have_class("budget over")
    under = page.locator('#toc h3[data-column="学习强国"] .budget')
    expect(under).to_have_text(f"{used['学习强国']} / 9 页 富余 {9 - used['学习强国']} 页")
    expect(under).to_have_class("budget under")
    page.close()


def test_the_server_starts_the_editor_on_the_clicked_line(preview, browser) -> None:
    base, issue, received = preview
    article = issue / "articles" / "020-dongtai.md"
    received.unlink(missing_ok=True)
    page = open_preview(browser, base)
    page.fill("#search", SENTENCE)
    page.press("#search", "Enter")
    expect(page.locator("#search-count")).to_have_text("1")
    page.locator(".page .hit").first.click(force=True)
    line = line_of(article, SENTENCE)
    expect(page.locator("#source-place")).to_have_text(f"{article.resolve()}:{line}")
    page.locator("#source-launch").click()
    expect(page.locator("#launch-status")).to_have_text(f"已用 editor.sh 打开第 {line} 行")
    assert _received(received) == [f"+{line}", str(article.resolve())]
    page.close()


def test_the_editor_opens_only_files_of_the_issue(preview, tmp_path: Path) -> None:
    base, issue, received = preview
    received.unlink(missing_ok=True)
    outside = tmp_path / "secret.md"
    outside.write_text("不在本期\n", encoding="utf-8")
    (issue / "articles" / "link.md").symlink_to(outside)  # a link out of the issue folder
    try:
        for path in [str(outside), f"articles/../../../{tmp_path.name}/secret.md", "articles/link.md",
                     "/etc/passwd", "articles/none.md", "articles"]:
            reply = httpx.post(f"{base}/api/open", json={"path": path, "line": 1})
            assert reply.status_code == 404, path
        assert httpx.post(f"{base}/api/open", json={"path": "issue.yaml", "line": "1; rm -rf /"}).status_code == 400
        assert httpx.get(f"{base}/api/open").status_code == 405  # POST only
        form = httpx.post(f"{base}/api/open", data={"path": "issue.yaml", "line": "1"})
        assert form.status_code == 415  # a plain form, as any website could send: refused
        foreign = httpx.post(
            f"{base}/api/open", json={"path": "issue.yaml", "line": 1}, headers={"Origin": "http://evil.com"}
        )
        assert foreign.status_code == 403
        evil_host = httpx.post(f"{base}/api/open", json={"path": "issue.yaml"}, headers={"Host": "evil.com"})
        assert evil_host.status_code == 400
        time.sleep(0.5)
        assert not received.exists()  # none of them started the editor
        ok = httpx.post(f"{base}/api/open", json={"path": "issue.yaml", "line": 7})
        assert ok.status_code == 200
        assert _received(received) == ["+7", str((issue / "issue.yaml").resolve())]
    finally:
        (issue / "articles" / "link.md").unlink()


def test_a_source_error_shows_its_chinese_meaning_and_place(preview, browser) -> None:
    base, issue, received = preview
    page = open_preview(browser, base)
    bad = issue / "articles" / "040-cuowu.md"
    bad.write_text("---\ncolumn: 不存在的栏目\nkind: news\ntitle: 一篇栏目写错的稿件\n---\n\n正文。\n", encoding="utf-8")
    try:
        error = page.locator("#error-text li").first
        expect(error).to_contain_text("错误 S-124", timeout=60_000)
        expect(error.locator(".zh")).to_have_text(REGISTRY["S-124"].zh)
        expect(error.locator("a.place")).to_have_text(re.compile(re.escape(f"{bad}:2") + r"(:\d+)?$"))
        expect(error.locator(".message")).to_contain_text("不存在的栏目")  # the CLI's message stays beside it
        expect(page.locator("#error > summary")).to_contain_text("排版失败")
        expect(page.locator("#error-count")).to_have_text("1")
        received.unlink(missing_ok=True)
        error.locator("button.open").click()  # the error's file, opened by the server
        assert _received(received) == ["+2", str(bad.resolve())]
    finally:
        bad.unlink()
    expect(page.locator("#error")).to_be_hidden(timeout=60_000)
    page.close()


def test_a_malformed_issue_yaml_says_in_chinese_what_to_do(preview, browser) -> None:
    """The error's meaning and what to do in Chinese come first; the English message and hint
    of the CLI are folded under 原文 and open with a click."""
    base, issue, _ = preview
    page = open_preview(browser, base)
    yaml = issue / "issue.yaml"
    good = yaml.read_text(encoding="utf-8")
    assert "\nyear: 2025\n" in good
    yaml.write_text(good.replace("\nyear: 2025\n", "\nyear: [2025\n", 1), encoding="utf-8")
    try:
        error = page.locator("#error-text li").first
        expect(error).to_contain_text("错误 S-101", timeout=60_000)
        expect(error.locator(".zh")).to_have_text(REGISTRY["S-101"].zh)
        expect(error.locator(".fix")).to_be_visible()
        expect(error.locator(".fix .fix-text")).to_have_text(REGISTRY["S-101"].zh_fix)
        expect(error.locator("a.place")).to_have_text(re.compile(re.escape(f"{yaml}:") + r"\d+"))
        # The English stays at hand, folded away.
        english = error.locator("details.original")
        expect(english).not_to_have_attribute("open", "")
        expect(english.locator(".message")).to_be_hidden()
        english.locator("summary").click()
        expect(english.locator(".message")).to_be_visible()
        expect(english.locator(".message")).to_contain_text("malformed YAML")
        expect(english.locator(".hint")).to_contain_text("→ check indentation")
        expect(page.locator("#error-count")).to_have_text("1")
        page.locator("#error > summary").click()  # the whole list still folds away
        expect(page.locator("#error-text")).to_be_hidden()
    finally:
        yaml.write_text(good, encoding="utf-8")
    expect(page.locator("#error")).to_be_hidden(timeout=60_000)
    page.close()


def test_findings_carry_their_chinese_meaning(preview, browser) -> None:
    base, _, _ = preview
    findings = httpx.get(f"{base}/api/state").json()["findings"]
    placeholder = next(f for f in findings if f["code"] == "S-201")
    assert placeholder["zh"] == REGISTRY["S-201"].zh and "colophon.permit" in placeholder["message"]
    assert placeholder["zh_fix"] == REGISTRY["S-201"].zh_fix
    # In the sidebar: what to do shown, the English message behind 原文.
    page = open_preview(browser, base)
    page.locator("#findings > summary").click()
    item = page.locator("#findings-list li").filter(has_text="S-201").first
    expect(item.locator(".fix-text")).to_have_text(REGISTRY["S-201"].zh_fix)
    expect(item.locator(".fix")).to_be_visible()
    expect(item.locator(".message")).to_be_hidden()
    expect(item.locator(".message")).to_contain_text("colophon.permit")
    page.close()


def test_every_code_has_a_chinese_line() -> None:
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in c.zh) for c in REGISTRY.values())


def test_the_editor_command_is_split_without_a_shell() -> None:
    path = Path("/tmp/a b/文章 1.md")
    assert editor_argv("code -g {path}:{line}", path, 12) == ["code", "-g", "/tmp/a b/文章 1.md:12"]
    assert editor_argv("'/opt/my editor/bin/ed' --wait", path, 3) == ["/opt/my editor/bin/ed", "--wait", "+3", str(path)]
    assert editor_argv("vim; rm -rf ~", path, 1) == ["vim;", "rm", "-rf", "~", "+1", str(path)]  # words, not a shell
