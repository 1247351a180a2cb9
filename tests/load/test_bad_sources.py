"""Each class of bad source gives one clear message naming file and line, and exit code 1."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Edit = Callable[[Path], None]


def _replace(rel: str, old: str, new: str) -> Edit:
    def edit(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture changed: {old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def _write(rel: str, content: str | bytes) -> Edit:
    def edit(root: Path) -> None:
        path = root / rel
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    return edit


ARTICLE = "articles/020-dongtai.md"

# case id → (edit, file named in the message, line, words the message must hold)
CASES: dict[str, tuple[Edit, str, int, str]] = {
    "malformed-yaml-issue": (
        _replace("issue.yaml", "number: 2", "number: [2"),
        "issue.yaml",
        3,
        "malformed YAML",
    ),
    "malformed-yaml-front-matter": (
        _replace(ARTICLE, "kind: news", "kind: news: [x"),
        ARTICLE,
        3,
        "malformed YAML",
    ),
    "unknown-key-issue": (
        _replace("issue.yaml", "number: 2", "number: 2\nnumbr: 3"),
        "issue.yaml",
        4,
        "unknown key “numbr”",
    ),
    "unknown-key-nested": (
        _replace("issue.yaml", "  print_run: 1700", "  print_runs: 1700"),
        "issue.yaml",
        23,
        "unknown key “colophon.print_runs”",
    ),
    "unknown-key-front-matter": (
        _replace(ARTICLE, "kind: news", "kind: news\nauthor: 张三"),
        ARTICLE,
        4,
        "unknown key “author”",
    ),
    "wrong-type-number": (_replace("issue.yaml", "number: 2", "number: 第二期"), "issue.yaml", 3, "number"),
    "wrong-type-date": (
        _replace("issue.yaml", "print_date: 2025-02-28", "print_date: 二月底"),
        "issue.yaml",
        22,
        "print_date",
    ),
    "wrong-kind": (_replace(ARTICLE, "kind: news", "kind: poem"), ARTICLE, 3, "kind"),
    "missing-required-issue": (
        _replace("issue.yaml", "  printer: 西宁达众数码印务有限公司\n", ""),
        "issue.yaml",
        17,
        "required key “colophon.printer” is missing",
    ),
    "missing-permit": (
        _replace("issue.yaml", "  permit: 青内资准字（待补）号\n", ""),
        "issue.yaml",
        17,
        "colophon.permit",
    ),
    "wrong-notice": (
        _replace("issue.yaml", "notice: 内部资料，免费交流", "notice: 欢迎订阅"),
        "issue.yaml",
        25,
        "notice",
    ),
    "missing-title": (
        _replace(ARTICLE, "title: 省总工会召开2025年务虚会\n", ""),
        ARTICLE,
        2,
        "required key “title” is missing",
    ),
    "unknown-column": (
        _replace(ARTICLE, "column: 新视点", "column: 新视角"),
        ARTICLE,
        2,
        "unknown 栏目 “新视角”",
    ),
    "missing-column": (_replace(ARTICLE, "column: 新视点\n", ""), ARTICLE, 2, "no “column”"),
    "duplicate-key": (
        _replace(ARTICLE, "kind: news", "kind: news\nkind: article"),
        ARTICLE,
        4,
        "written twice",
    ),
    "duplicate-title": (
        _replace(ARTICLE, "title: 省总工会召开2025年务虚会", "title: 劳模先进风采"),
        "articles/030-fengcai.md",
        2,
        "also the title",
    ),
    "no-front-matter": (_write(ARTICLE, "只有正文。\n"), ARTICLE, 1, "no front matter"),
    "empty-article": (_write(ARTICLE, "---\ncolumn: 新视点\ntitle: 空\n---\n\n"), ARTICLE, 5, "no text"),
    "gbk-file": (
        _write(ARTICLE, "---\ncolumn: 新视点\ntitle: 标题\n---\n\n正文。\n".encode("gbk")),
        ARTICLE,
        2,
        "GBK",
    ),
    "missing-image": (
        _replace("articles/030-fengcai.md", "images/cover.png", "images/nope.png"),
        "articles/030-fengcai.md",
        12,
        "does not exist",
    ),
    "image-outside-folder": (
        _replace("articles/030-fengcai.md", "images/cover.png", "../../etc/passwd"),
        "articles/030-fengcai.md",
        12,
        "outside the issue folder",
    ),
    "image-absolute": (
        _replace("articles/030-fengcai.md", "images/cover.png", "/etc/passwd"),
        "articles/030-fengcai.md",
        12,
        "absolute path",
    ),
    "image-url": (
        _replace("articles/030-fengcai.md", "images/cover.png", "https://example.com/a.png"),
        "articles/030-fengcai.md",
        12,
        "is a URL",
    ),
    "image-file-url": (
        _replace("articles/030-fengcai.md", "images/cover.png", "file:///etc/passwd"),
        "articles/030-fengcai.md",
        12,
        "is a URL",
    ),
    "corrupt-image": (
        _write("images/broken.png", b"\x89PNG\r\n\x1a\nnot really"),
        "articles/030-fengcai.md",
        12,
        "cannot be read",
    ),
    "h1-heading": (_replace(ARTICLE, "1月9日，", "# 大标题\n\n1月9日，"), ARTICLE, 8, "heading level 1"),
    "char-no-font-covers": (
        _replace(ARTICLE, "研究部署全年工作。", "研究部署全年工作😀。"),
        ARTICLE,
        8,
        "U+1F600",
    ),
    "duplicate-slug": (
        _write("articles/040-dongtai.md", "---\ncolumn: 新视点\ntitle: 另一篇\n---\n\n正文。\n"),
        "articles/040-dongtai.md",
        1,
        "also used by 020-dongtai.md",
    ),
    "forbidden-wording": (
        _replace(ARTICLE, "研究部署全年工作。", "本刊记者报道，研究部署全年工作。"),
        ARTICLE,
        8,
        "本刊",
    ),
    "cover-image-url": (
        _replace("issue.yaml", "image: images/cover.png", "image: https://example.com/cover.png"),
        "issue.yaml",
        5,
        "is a URL",
    ),
    "cover-image-outside": (
        _replace("issue.yaml", "image: images/cover.png", "image: ../../../etc/passwd"),
        "issue.yaml",
        5,
        "outside the issue folder",
    ),
    "list": (_replace(ARTICLE, "1月9日，", "- 一项\n- 二项\n\n1月9日，"), ARTICLE, 8, "lists"),
}
CASES["corrupt-image"] = (
    lambda root: (
        _write("images/broken.png", b"\x89PNG\r\n\x1a\nnot really")(root),
        _replace("articles/030-fengcai.md", "images/cover.png", "images/broken.png")(root),
    ),
    "articles/030-fengcai.md",
    12,
    "cannot be read",
)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_source_is_reported_with_file_and_line(case: str, mini_issue: Path, run_cli) -> None:
    edit, rel, line, words = CASES[case]
    edit(mini_issue)
    result = run_cli("build", mini_issue, "--only", "none")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output + result.stderr
    lines = [int(n) for n in re.findall(rf"{re.escape(rel)}:(\d+)", result.stderr)]
    assert line in lines, f"no {rel}:{line} in:\n{result.stderr}"
    assert words in result.stderr, result.stderr
    assert "→" in result.stderr  # every message says what to do


def test_symlink_out_of_the_folder_is_refused(mini_issue: Path, run_cli) -> None:
    (mini_issue / "images" / "link.png").symlink_to("/etc/passwd")
    _replace("articles/030-fengcai.md", "images/cover.png", "images/link.png")(mini_issue)
    result = run_cli("build", mini_issue, "--only", "none")
    assert result.exit_code == 1
    assert "outside the issue folder" in result.stderr


def test_bom_and_crlf_are_accepted(mini_issue: Path, run_cli) -> None:
    path = mini_issue / ARTICLE
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    result = run_cli("build", mini_issue, "--only", "none")
    assert result.exit_code == 0, result.stderr


def test_many_errors_are_reported_together(mini_issue: Path, run_cli) -> None:
    _replace(ARTICLE, "column: 新视点", "column: 新视角")(mini_issue)
    _replace("articles/010-heci.md", "kind: speech", "kind: speech\nauthors: x")(mini_issue)
    result = run_cli("build", mini_issue, "--only", "none")
    assert result.exit_code == 1
    assert "020-dongtai.md:2" in result.stderr and "010-heci.md:4" in result.stderr
    assert "2 problems" in result.stderr


def test_real_process_prints_no_traceback(mini_issue: Path) -> None:
    """The console script itself (not click's test runner) keeps tracebacks away."""
    _replace("issue.yaml", "number: 2", "number: [2")(mini_issue)
    proc = subprocess.run(
        [sys.executable, "-m", "qhgy_publish.cli", "build", str(mini_issue), "--only", "none"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "issue.yaml:3" in proc.stderr


def test_debug_shows_the_traceback(mini_issue: Path) -> None:
    _replace("issue.yaml", "number: 2", "number: [2")(mini_issue)
    proc = subprocess.run(
        [sys.executable, "-m", "qhgy_publish.cli", "--debug", "build", str(mini_issue), "--only", "none"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
    assert "Traceback" in proc.stderr
