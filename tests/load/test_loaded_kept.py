"""The preview loads the issue after every save: an article whose file, 栏目 list and pictures
are as they were is the one loaded before (load/article.py keeps them); any change to one of
them loads it afresh."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from PIL import Image

from qhgy_publish.errors import SourceErrors
from qhgy_publish.load import load_issue
from qhgy_publish.model import Figure

HEAD = "---\ncolumn: 新视点\nkind: news\ntitle: 图片测试\n---\n\n正文第一段。\n\n"


def _articles(root: Path) -> dict[str, object]:
    return {a.id: a for a in load_issue(root).all_articles}


def _picture(root: Path, name: str, size: tuple[int, int]) -> None:
    Image.new("RGB", size, (200, 120, 40)).save(root / "images" / name)


def test_an_unchanged_article_is_the_one_loaded_before_and_an_edited_one_is_new(mini_issue: Path) -> None:
    first = _articles(mini_issue)
    again = _articles(mini_issue)
    assert all(again[k] is first[k] for k in first)
    edited = next(mini_issue.glob("articles/*.md"))
    edited.write_text(edited.read_text(encoding="utf-8") + "\n新加的一段。\n", encoding="utf-8")
    after = _articles(mini_issue)
    assert after[edited.stem] is not first[edited.stem]
    assert "新加的一段。" in after[edited.stem].blocks[-1].text  # type: ignore[union-attr]
    assert all(after[k] is first[k] for k in first if k != edited.stem)


def test_a_picture_replaced_under_the_same_name_is_read_again(mini_issue: Path) -> None:
    _picture(mini_issue, "kept.png", (40, 30))
    (mini_issue / "articles" / "050-tupian.md").write_text(HEAD + "![会场](images/kept.png)\n", encoding="utf-8")
    figure = next(b for b in _articles(mini_issue)["050-tupian"].blocks if isinstance(b, Figure))  # type: ignore[attr-defined]
    assert figure.pixels == (40, 30)
    _picture(mini_issue, "kept.png", (90, 30))
    figure = next(b for b in _articles(mini_issue)["050-tupian"].blocks if isinstance(b, Figure))  # type: ignore[attr-defined]
    assert figure.pixels == (90, 30)


def test_a_picture_link_retargeted_or_removed_is_seen(mini_issue: Path) -> None:
    _picture(mini_issue, "wide.png", (80, 20))
    _picture(mini_issue, "tall.png", (20, 80))
    link = mini_issue / "images" / "shown.png"
    os.symlink("wide.png", link)
    (mini_issue / "articles" / "050-tupian.md").write_text(HEAD + "![会场](images/shown.png)\n", encoding="utf-8")
    assert next(b for b in _articles(mini_issue)["050-tupian"].blocks if isinstance(b, Figure)).pixels == (80, 20)  # type: ignore[attr-defined]
    link.unlink()
    os.symlink("tall.png", link)
    assert next(b for b in _articles(mini_issue)["050-tupian"].blocks if isinstance(b, Figure)).pixels == (20, 80)  # type: ignore[attr-defined]
    link.unlink()
    try:
        load_issue(mini_issue)
    except SourceErrors as exc:
        assert any(e.code == "S-150" or "does not exist" in e.message for e in exc.errors)
    else:
        raise AssertionError("a missing picture loaded")


def test_a_changed_column_list_loads_the_articles_again(mini_issue: Path) -> None:
    first = _articles(mini_issue)
    yaml = mini_issue / "issue.yaml"
    text = yaml.read_text(encoding="utf-8")
    yaml.write_text(text.replace("  - 学习强国\n  - 新视点\n", "  - 新视点\n  - 学习强国\n"), encoding="utf-8")
    after = _articles(mini_issue)
    assert all(after[k] is not first[k] for k in first)


def test_a_copy_of_the_issue_elsewhere_is_loaded_from_its_own_files(mini_issue: Path, tmp_path: Path) -> None:
    first = _articles(mini_issue)
    copy = tmp_path / "copy"
    shutil.copytree(mini_issue, copy)
    other = _articles(copy)
    assert all(other[k] is not first[k] and other[k].path.is_relative_to(copy) for k in first)  # type: ignore[attr-defined]
