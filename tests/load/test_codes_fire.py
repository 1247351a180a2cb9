"""Every code of the loading and gating stages, fired by the smallest input that makes it.

Each case edits a copy of the mini issue and runs ``pipeline.prepare`` (load, source checks,
transforms, glyph check), as `qhgy build`, `qhgy check` and the preview do; the finding must
carry the code and name the file it concerns. The make-up's M- codes are read from a small
make-up report. tests/test_codes.py proves that, with the rest of the suite, every registered
code fires.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from qhgy_publish.check import makeup_findings
from qhgy_publish.errors import Finding, Loc, SourceErrors
from qhgy_publish.pipeline import prepare

from ..conftest import MINI_ISSUE
from .test_bad_sources import _replace as replace_in

ARTICLE = "articles/020-dongtai.md"
HEAD = "---\ncolumn: 新视点\nkind: news\ntitle: 测试文章标题\n---\n\n"


def _replace(rel: str, old: str, new: str) -> Callable[[Path], str]:
    """The edit of test_bad_sources, naming the file it changed."""
    change = replace_in(rel, old, new)

    def edit(root: Path) -> str:
        change(root)
        return rel

    return edit


def _write(rel: str, content: str | bytes) -> Callable[[Path], str]:
    def edit(root: Path) -> str:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return rel

    return edit


def _article(body: str, head: str = HEAD) -> Callable[[Path], str]:
    return _write("articles/050-ceshi.md", head + body)


def _no_issue_yaml(root: Path) -> str:
    (root / "issue.yaml").unlink()
    return "issue.yaml"


def _no_articles(root: Path) -> str:
    for path in (root / "articles").iterdir():
        path.unlink()
    return "articles"


def _linked_out(folder: str) -> Callable[[Path], str]:
    def edit(root: Path) -> str:
        outside = root.parent / f"outside-{folder}"
        outside.mkdir()
        if (root / folder).exists():
            shutil.rmtree(root / folder)
        (root / folder).symlink_to(outside, target_is_directory=True)
        return folder

    return edit


def _many(folder: str, count: int, text: str) -> Callable[[Path], str]:
    def edit(root: Path) -> str:
        (root / folder).mkdir(exist_ok=True)
        for i in range(count):
            (root / folder / f"{i + 100:04d}-x{i}.md").write_text(text, encoding="utf-8")
        return folder

    return edit


def _same_slug(root: Path) -> str:
    text = (root / "articles/010-heci.md").read_text(encoding="utf-8")
    (root / "articles/040-heci.md").write_text(text.replace("以中国式现代化", "另一篇", 1), encoding="utf-8")
    return "articles"


def _small_picture(root: Path) -> None:
    from PIL import Image

    Image.new("RGB", (200, 150), (120, 90, 60)).save(root / "images" / "small.png")


FILLER = "---\nkind: notice\n---\n\n本期征稿启事。\n"
PARA = "职工之家建设。" * 5_500  # 38,500 characters: under the paragraph limit

# code → the edit (returns the file or folder the finding must name)
CASES: dict[str, Callable[[Path], str]] = {
    "S-001": _no_issue_yaml,
    "S-002": _write("issue.yaml", "- 一\n- 二\n"),
    "S-003": _no_articles,
    "S-004": _linked_out("articles"),
    "S-010": _replace("issue.yaml", "print_run: 1700", "print_run: 很多"),
    "S-011": _replace("issue.yaml", "  - 新视点\n", "  - 新视点\n  - 新视点\n"),
    "S-012": _replace("issue.yaml", "  - colophon.permit", "  - colophon.permit\n  - colophon.nothing"),
    "S-013": _replace("issue.yaml", "image: images/cover.png", "image: images/none.png"),
    "S-014": _replace("issue.yaml", "  - 新视点\n", "  - 新视点\n  - 空栏目\n"),
    "S-015": _replace("issue.yaml", "number: 2", "number: 3"),
    "S-100": _write("articles/050-ceshi.md", (HEAD + "职工之家。\n").encode("gb18030")),
    "S-101": _replace("issue.yaml", "number: 2", "number: [2"),
    "S-102": _replace("issue.yaml", "number: 2", "number: 2\nnumber: 2"),
    "S-103": _article("正文。\n", HEAD.replace("title: 测试文章标题", "title: &t 测试\nkicker: *t")),
    "S-104": _article("正文。\n", HEAD.replace("kind: news", "kind: " + "[" * 14 + "news" + "]" * 14)),
    "S-105": _replace("issue.yaml", "print_date: 2025-02-28", "print_date: 2025-02-30"),
    "S-120": _write("articles/050-ceshi.md", "没有前言的文章。\n"),
    "S-121": _write("articles/050-ceshi.md", "---\n- 一\n- 二\n---\n\n正文。\n"),
    "S-122": _article("正文。\n", HEAD.replace("kind: news", "kind: 新闻")),
    "S-123": _article("正文。\n", HEAD.replace("column: 新视点\n", "")),
    "S-124": _article("正文。\n", HEAD.replace("column: 新视点", "column: 新栏目")),
    "S-125": _article("正文。\n", HEAD.replace("测试文章标题", "省总工会召开2025年务虚会")),
    "S-126": _same_slug,
    "S-130": _article(""),
    "S-140": _article("- 一是职工之家\n- 二是劳模工匠\n"),
    "S-150": _article("![一张照片](images/none.png)\n"),
    "S-151": _article("![](images/cover.png)\n"),
    "S-152": lambda root: (_write("images/bad.png", b"not a picture")(root), _article("![坏图](images/bad.png)\n")(root))[1],
    "S-153": _article("![封面照片](images/cover.png){size=giant}\n"),
    "S-155": _article("正文。\n\n![封面照片](images/cover.png){height=240mm}\n"),
    "S-156": lambda root: (_small_picture(root), _article("正文。\n\n![小照片](images/small.png)\n")(root))[1],
    "S-157": _article("::: profile\n![封面照片](images/cover.png){size=wide}\n\n**王师傅。**劳动模范。\n:::\n"),
    "S-160": _article("职工。" * 90_000 + "\n"),
    "S-161": _article("职工之家建设。" * 6_000 + "\n"),
    "S-162": _article("\n\n".join([PARA] * 4) + "\n"),
    "S-163": _many("articles", 501, HEAD + "正文。\n"),
    "S-164": _article("".join(f"![照片{i}](images/cover.png)\n\n" for i in range(1_001))),
    "S-165": _article("> > > > > > 引文。\n"),
    "S-166": _many("articles", 11, HEAD + "职工。" * 43_000 + "\n"),  # 387 kB each: under the file limit
    "S-167": _article("`甲`" * 1_100 + "\n"),
    "S-180": _write("fillers/a.md", "没有前言的补白。\n"),
    "S-181": _write("fillers/a.md", FILLER.replace("kind: notice", "kind: 广告")),
    "S-182": _write("fillers/a.md", FILLER.replace("kind: notice", "kind: notice\ncolumns: [无此栏目]")),
    "S-183": _write("fillers/a.md", "---\nkind: notice\n---\n\n"),
    "S-184": _linked_out("fillers"),
    "S-185": _many("fillers", 501, FILLER),
    "G-001": _article("职工之家ꙮ。\n"),  # U+A66E: no face of the house draws it
}


def _findings(root: Path) -> list[Finding]:
    try:
        return prepare(root).findings
    except SourceErrors as exc:
        return exc.report or exc.errors


@pytest.mark.parametrize("code", sorted(CASES))
def test_the_code_fires_and_names_its_file(code: str, tmp_path: Path) -> None:
    root = tmp_path / "2025-02"
    shutil.copytree(MINI_ISSUE, root)
    named = CASES[code](root)
    found = [f for f in _findings(root) if f.code == code]
    assert found, code
    place = found[0].where
    assert isinstance(place, Loc)
    assert os.path.abspath(place.path).startswith(os.path.abspath(root / named)), (place, named)


def test_a_missing_issue_folder(tmp_path: Path) -> None:
    [finding] = _findings(tmp_path / "2025-09")
    assert finding.code == "S-000" and finding.hint


def test_the_makeup_report_codes(tmp_path: Path) -> None:
    report = tmp_path / "qhgy-2025-02-makeup.json"
    problems = [
        {"kind": "unfilled", "column": "新视点", "page": 7, "detail": "the page is 60% full"},
        {"kind": "loose", "column": "新视点", "page": 8, "detail": "a line spaced 0.2 em"},
        {"kind": "picture-beside", "column": "新视点", "page": 8, "detail": "the text beside it ends 12 lines above"},
        {"kind": "overset", "column": "新视点", "page": 9, "detail": "a kind this reader does not know"},
    ]
    actions = [{"column": "新视点", "page": 7, "detail": "a 补白 placed", "target": "fillers/a.md"}]
    report.write_text(
        json.dumps({"problems": problems, "actions": actions, "notes_pages": [83], "unplaced_fills": ["a"]}),
        encoding="utf-8",
    )
    found = {f.code: f for f in makeup_findings(report, tmp_path)}
    assert set(found) == {"M-001", "M-002", "M-007", "M-009", "M-100", "M-003", "M-004"}
    assert "height" in found["M-007"].hint
    assert (found["M-002"].page, found["M-002"].severity) == (8, "warning")
    assert str(found["M-004"].where).endswith("fillers")


def test_a_misplaced_picture_is_named_with_its_line(tmp_path: Path) -> None:
    # The layout sizes every picture to fit (figures.py), so no issue makes it misplace one: the
    # places are given here as the layout reads them back (CSS px), a picture hanging below the area.
    from qhgy_publish.check.layout_pictures import PlacedPicture

    loc = Loc(tmp_path / "articles" / "020-dongtai.md", 12)
    area = (80.0, 80.0, 700.0, 1000.0)
    placed = PlacedPicture("020-dongtai-fig-a", loc, (6,), (100.0, 700.0, 400.0, 1040.0), None, area)
    [finding] = placed.findings()
    assert (finding.code, finding.where, finding.severity) == ("S-158", loc, "warning")
    assert "runs past the type area" in finding.message
    inside = PlacedPicture("020-dongtai-fig-a", loc, (6,), (100.0, 600.0, 400.0, 900.0), None, area)
    assert inside.findings() == []
