"""The preview in a real headless Chromium (Debian's, driven by Playwright) against a real server."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from .conftest import mini_preview


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    with mini_preview(tmp_path_factory, "preview") as (base, issue):
        yield base, issue


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_spreads_live_reload_and_errors(server, browser) -> None:
    base, issue = server
    page = browser.new_page()
    page.goto(base)
    pages = httpx.get(f"{base}/api/state").json()["pages"]
    expect(page.locator(".spread .page img")).to_have_count(len(pages), timeout=30_000)
    spreads = page.locator(".spread")
    assert spreads.nth(0).locator(".page").count() == 1  # the cover alone
    assert spreads.nth(1).locator(".page").count() == 2  # then facing pages
    expect(page.locator("#toc")).to_contain_text("新视点")
    page.evaluate("window.__notReloaded = true")

    article = issue / "articles" / "020-dongtai.md"
    _edit(article, "研究部署全年工作。", "研究部署全年工作，预览即时更新验证。")
    expect(page.locator(".page .text").filter(has_text="预览即时更新验证")).to_have_count(1, timeout=60_000)
    assert page.evaluate("window.__notReloaded") is True  # updated in place

    _edit(article, "kind: news", "kind: [news")
    expect(page.locator("#error")).to_be_visible(timeout=30_000)
    expect(page.locator("#error-text")).to_contain_text("020-dongtai.md")
    # The error leads to the article's page in the last good layout.
    start = next(
        a["page"] for c in httpx.get(f"{base}/api/state").json()["toc"] for a in c["articles"] if a["id"] == "020-dongtai"
    )
    page.locator("#error-text .jump").first.click()
    expect(page.locator(f"#page-{start}")).to_have_class(re.compile(r"\bcurrent\b"))
    expect(page.locator(".spread .page img")).to_have_count(len(pages))  # last good pages stay

    _edit(article, "kind: [news", "kind: news")
    expect(page.locator("#error")).to_be_hidden(timeout=60_000)
    expect(page.locator(".page .text").filter(has_text="预览即时更新验证")).to_have_count(1)

    page.check("#guides")
    expect(page.locator(".page .guide.trim").first).to_be_visible()
    page.close()


def test_script_in_markdown_never_runs(server, browser) -> None:
    base, issue = server
    article = issue / "articles" / "020-dongtai.md"
    _edit(
        article,
        "会议要求，",
        '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">会议要求，',
    )
    page = browser.new_page()
    page.goto(base)
    expect(page.locator(".page .text").filter(has_text="<script>")).to_have_count(1, timeout=60_000)
    assert page.evaluate("window.__xss") is None
    assert page.locator("script").count() == 1  # only preview.js
    page.goto(f"{base}/epub/020-dongtai")
    expect(page.locator("body")).to_contain_text("<script>window.__xss = 1</script>")
    assert page.evaluate("window.__xss") is None
    page.close()


@pytest.mark.parametrize(
    "path",
    [
        "/../pyproject.toml",
        "/%2e%2e/pyproject.toml",
        "/static/../../pyproject.toml",
        "/static/..%2f..%2fpyproject.toml",
        "//etc/passwd",
        "/pages/999.png",
        "/epub/..%2f..%2fetc%2fpasswd",
        "/images/020-dongtai/99",
        "/content/2025-02/issue.yaml",
    ],
)
def test_nothing_outside_what_it_serves(server, path: str) -> None:
    base, _ = server
    with socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1]))) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    assert reply.split(b"\r\n", 1)[0].endswith(b"404 Not Found"), (path, reply[:200])
    assert b"root:" not in reply and b"[project]" not in reply


def test_binds_loopback_by_default() -> None:
    import inspect

    from qhgy_publish.preview.server import serve

    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"
