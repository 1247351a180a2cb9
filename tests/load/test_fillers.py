"""补白 (fillers/*.md): loaded like articles, held to the same checks, refused with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from qhgy_publish.check.glyphs import uncovered_characters
from qhgy_publish.check.sources import check_sources
from qhgy_publish.errors import SourceErrors
from qhgy_publish.load import load_issue
from qhgy_publish.model import FillerKind

NOTICE = """---
kind: notice
title: 征稿启事
columns: [新视点]
---

欢迎各级工会组织和广大职工踊跃来稿。
"""


def write(issue: Path, name: str, text: str) -> Path:
    folder = issue / "fillers"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_filler_is_loaded_with_its_kind_title_and_text(mini_issue: Path) -> None:
    write(mini_issue, "010-zhenggao.md", NOTICE)
    (filler,) = load_issue(mini_issue).fillers
    assert filler.meta.kind is FillerKind.NOTICE and filler.meta.title == "征稿启事"
    assert filler.fits("新视点") and not filler.fits("学习强国")
    assert filler.blocks[0].text == "欢迎各级工会组织和广大职工踊跃来稿。"


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("没有头部的补白。\n", "S-180", 1),
        ("---\nkind: advert\n---\n\n正文。\n", "S-181", 2),
        ("---\nkind: quote\ncolumns: [不存在的栏目]\n---\n\n正文。\n", "S-182", 3),
        ("---\nkind: slogan\n---\n\n", "S-183", 4),
    ],
)
def test_a_bad_filler_names_its_file_and_line(mini_issue: Path, text: str, code: str, line: int) -> None:
    path = write(mini_issue, "020-bad.md", text)
    with pytest.raises(SourceErrors) as caught:
        load_issue(mini_issue)
    (error,) = caught.value.errors
    assert (error.code, error.where.path, error.where.line) == (code, path, line)


def test_a_fillers_folder_leading_outside_the_issue_is_not_read(mini_issue: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "010-x.md").write_text(NOTICE, encoding="utf-8")
    (mini_issue / "fillers").symlink_to(outside)
    with pytest.raises(SourceErrors) as caught:
        load_issue(mini_issue)
    assert [e.code for e in caught.value.errors] == ["S-184"]


def test_fillers_are_checked_like_articles(mini_issue: Path) -> None:
    """The wording rules and the font coverage reach the 补白: they print in the magazine too."""
    path = write(mini_issue, "030-x.md", "---\nkind: notice\ntitle: 启事\n---\n\n本刊欢迎来稿。\n")
    issue = load_issue(mini_issue)
    wording = [f for f in check_sources(issue) if f.code == "S-210"]
    assert [(f.where.path, f.where.line) for f in wording] == [(path, 6)]
    write(mini_issue, "030-x.md", "---\nkind: notice\ntitle: 启事\n---\n\n欢迎来稿\U0002a6a5。\n")
    missing = uncovered_characters(load_issue(mini_issue))
    assert missing and all(e.where.path == path for e in missing)
