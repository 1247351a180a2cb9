"""The wording rules (check/wording.py): the words 《内部资料性出版物管理办法》 forbids, in the
fields where it forbids them — bylines and captions too — and quotations left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from qhgy_publish.check.sources import check_sources
from qhgy_publish.errors import Loc
from qhgy_publish.load import load_issue

ARTICLE = "articles/020-dongtai.md"
BODY = "研究部署全年工作。"
TITLE = "title: 省总工会召开2025年务虚会"
CREDIT = "credit: 省总办公室"


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _wording(root: Path) -> list[tuple[str, str, Loc]]:
    return [
        (f.code, str(f.severity), f.where)
        for f in check_sources(load_issue(root))
        if f.code in ("S-210", "S-211")
    ]


# case → (file, old, new, the line the error points at — None when nothing may be found)
CASES = {
    "本刊讯 in the body": (ARTICLE, BODY, "本刊讯 研究部署全年工作。", "本刊讯"),
    "本报讯 quoted from a newspaper": (ARTICLE, BODY, "[本报讯]{.quote}研究部署全年工作。", None),
    "本刊通讯员 in a credit": (ARTICLE, CREDIT, "credit: 本刊通讯员 张敏", "本刊通讯员"),
    "本刊编辑部 in a byline": (ARTICLE, TITLE, TITLE + "\nbylines:\n  - name: 本刊编辑部", "本刊编辑部"),
    "记者 in a byline": (ARTICLE, TITLE, TITLE + "\nbylines:\n  - position: 记者\n    name: 张敏", "张敏"),
    "记者 in prose": (ARTICLE, BODY, "他接受新华社记者采访时说，研究部署全年工作。", None),
    "《求是》杂志 in prose": (ARTICLE, BODY, "组织学习《求是》杂志文章，研究部署全年工作。", None),
    "the rule quoted in prose": (ARTICLE, BODY, "办法规定，内部资料不得刊登广告。", None),
    "a price quoted": (ARTICLE, BODY, "[定价：10元]{.quote}的图书，研究部署全年工作。", None),
    "a price": (ARTICLE, BODY, "研究部署全年工作。定价：10元", "定价"),
    "杂志 in an editor's note": (
        "articles/030-fengcai.md",
        "【编者按】为大力弘扬",
        "【编者按】本杂志为大力弘扬",
        "本杂志",
    ),
    "记者 in a caption": (
        "articles/030-fengcai.md",
        "(images/cover.png)",
        '(images/cover.png "记者 张敏 摄")',
        "记者",
    ),
    "广告 in the colophon": (
        "issue.yaml",
        "  email: qhgy2020@163.com",
        "  address: 广告联系电话8232561",
        "广告",
    ),
    "a 报 name": ("issue.yaml", "year: 2025", "magazine:\n  name: 青海工运报\nyear: 2025", "青海工运报"),
    "本刊通讯员 credit on the cover": (
        "issue.yaml",
        "  placeholder: true",
        "  credit: 本刊通讯员 摄\n  placeholder: true",
        "本刊通讯员",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_wording_rules(case: str, mini_issue: Path) -> None:
    rel, old, new, marker = CASES[case]
    assert _wording(mini_issue) == []
    _edit(mini_issue, rel, old, new)
    found = _wording(mini_issue)
    if marker is None:
        assert found == []
        return
    assert found and all(severity == "error" for _, severity, _ in found), found
    lines = (mini_issue / rel).read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if marker in text)
    assert {(where.path, where.line) for *_, where in found} == {(mini_issue / rel, line)}


def test_the_second_sample_issue_passes_the_wording_rules() -> None:
    root = Path(__file__).resolve().parents[1] / "fixtures" / "2025-06"
    assert _wording(root) == []
