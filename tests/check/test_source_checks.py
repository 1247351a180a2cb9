"""Each source check fires on crafted bad input and stays silent on the clean sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qhgy_publish.check.sources import check_sources
from qhgy_publish.load import load_issue

SAMPLE = Path(__file__).resolve().parents[2] / "content" / "2025-01"
ARTICLE = "articles/020-dongtai.md"


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def codes(root: Path) -> list[str]:
    return [f.code for f in check_sources(load_issue(root))]


CASES = {
    "forbidden-self-name": (ARTICLE, "研究部署全年工作。", "本刊记者报道，研究部署全年工作。", "S-210"),
    "price": (ARTICLE, "研究部署全年工作。", "研究部署全年工作。定价：10元", "S-211"),
    "magazine-in-note": (
        "articles/030-fengcai.md",
        "【编者按】为大力弘扬",
        "【编者按】本杂志为大力弘扬",
        "S-210",
    ),
    "half-width-punctuation": (ARTICLE, "1月9日，省总工会", "1月9日,省总工会", "T-301"),
    "stray-space": (ARTICLE, "研究部署全年工作", "研究部署 全年工作", "T-302"),
    "unbalanced-quote": (ARTICLE, "坚持“七个牢牢把握”，", "坚持“七个牢牢把握，", "T-303"),
    "mixed-zero": (ARTICLE, "1月9日，", "二〇二五年一月九日（二○二五），", "T-304"),
    "contents-drift": (
        ARTICLE,
        "title: 省总工会召开2025年务虚会",
        "title: 省总工会召开2025年务虚会\ntoc_title: 全省职工文艺汇演圆满落幕",
        "S-220",
    ),
    "alt-repeats-the-name": (
        "articles/030-fengcai.md",
        "![青海原子城纪念馆外景](images/cover.png){.placeholder}",
        "![青海原子城纪念馆的照片](images/cover.png)",
        "S-230",
    ),
    "duplicate-contents-title": (
        ARTICLE,
        "title: 省总工会召开2025年务虚会",
        "title: 省总工会召开2025年务虚会\ntoc_title: 劳模先进风采",
        "S-221",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_fires(case: str, mini_issue: Path) -> None:
    rel, old, new, code = CASES[case]
    assert code not in codes(mini_issue)
    _edit(mini_issue, rel, old, new)
    assert code in codes(mini_issue)


def test_placeholders_are_findings(mini_issue: Path) -> None:
    found = codes(mini_issue)
    assert found.count("S-201") == 1  # colophon.permit
    assert found.count("S-202") == 2  # cover and the profile photo


def test_sample_reports_exactly_its_placeholders() -> None:
    issue = load_issue(SAMPLE)
    findings = check_sources(issue)
    figures = sum(1 for a in issue.all_articles for f in a.figures if f.placeholder)
    assert sorted({f.code for f in findings}) == ["S-201", "S-202"]
    assert len(findings) == len(issue.meta.placeholders) + 1 + figures


def test_check_command_json_and_exit_codes(mini_issue: Path, tmp_path: Path, run_cli) -> None:
    out = tmp_path / "out"
    _edit(mini_issue, "issue.yaml", "  - 新视点\n", "  - {name: 新视点, pages: 1}\n")  # it takes 2
    result = run_cli("check", mini_issue, "--out", out, "--json")
    assert result.exit_code == 0, result.stderr
    findings = json.loads(result.stdout)
    assert {f["code"] for f in findings if f["severity"] != "info"} == {
        "S-201",
        "S-202",
        "M-001",  # the mini issue has no 补白 for the pages its short articles leave near-empty
        "M-005",  # 新视点 over its budget: a warning, the build printed
    }  # PDF and EPUB clean
    assert (out / "qhgy-2025-02-print.pdf").exists() and (out / "qhgy-2025-02.epub").exists()
    assert run_cli("check", mini_issue, "--out", out, "--strict").exit_code == 1  # warnings count
    _edit(mini_issue, ARTICLE, "研究部署全年工作。", "本刊记者报道。")
    result = run_cli("check", mini_issue, "--out", out)
    assert result.exit_code == 1 and "S-210" in result.stdout and "020-dongtai.md" in result.stdout
