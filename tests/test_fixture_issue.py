"""The second sample issue, tests/fixtures/2025-06: it holds what the make-up and content tests need.

It was written from docs/source-format.md alone, so that nothing is tuned to
content/2025-01. These tests keep it from losing the cases it exists for.
"""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

from qhgy_publish.load import load_issue
from qhgy_publish.model import Figure, Kind, Placement

FIXTURE = Path(__file__).parent / "fixtures" / "2025-06"
SAMPLE = Path(__file__).resolve().parents[1] / "content" / "2025-01"
HAN = re.compile(r"[\u4e00-\u9fff]")


def _body_text(article) -> str:  # type: ignore[no-untyped-def]
    from qhgy_publish.summary import article_text

    return article_text(article)


def test_fixture_differs_from_the_sample_in_its_columns() -> None:
    issue, sample = load_issue(FIXTURE), load_issue(SAMPLE)
    names = [c.name for c in issue.columns]
    sample_names = [c.name for c in sample.columns]
    assert issue.id == "2025-06"
    assert len(set(names) - set(sample_names)) >= 2
    shared = [n for n in names if n in sample_names]
    assert shared != [n for n in sample_names if n in shared]  # the shared ones come in another order


def test_fixture_has_the_article_kinds_and_lengths_it_exists_for() -> None:
    issue = load_issue(FIXTURE)
    kinds = {a.meta.kind for a in issue.all_articles}
    assert {Kind.SPEECH, Kind.NEWS, Kind.PROFILES, Kind.EDITORIAL, Kind.LETTER} <= kinds
    assert {a.meta.placement for a in issue.all_articles} >= {
        Placement.INSIDE_FRONT_COVER,
        Placement.INSIDE_BACK_COVER,
    }
    lengths = [len(_body_text(a)) for a in issue.all_articles]
    assert min(lengths) < 400 and max(lengths) > 5500
    news_columns = [c for c in issue.columns if sum(a.meta.kind is Kind.NEWS for a in c.articles) >= 6]
    assert len(news_columns) >= 2  # several short items per page, each with its unit credit
    assert all(a.meta.credit for c in news_columns for a in c.articles)
    named_titles = [a.title_text for a in issue.body_articles if "吕先华" in a.title_text]
    assert named_titles and max(map(len, named_titles)) >= 45
    assert any(a.meta.kicker for a in issue.body_articles) and any(
        a.meta.subtitle for a in issue.body_articles
    )
    assert any(b.type == "note" for a in issue.all_articles for b in a.blocks)  # 编者按


def test_fixture_text_has_latin_urls_ranges_and_regulation_clauses() -> None:
    raw = "\n".join(p.read_text(encoding="utf-8") for p in sorted((FIXTURE / "articles").glob("*.md")))
    for needle in (
        "PDF/X-4",
        "EPUB 3",
        "ISO 12647-2",
        "GB/T 15834—2011",
        "5.1.0",
        "9:30",
        "3 mm",
        "210 mm×285 mm",
    ):
        assert needle in raw, needle
    assert re.search(r"https://\S+/", raw) and re.search(r"[\w.]+@[\w.]+\.com", raw)
    assert "2022-2023年" in raw and "6-12岁" in raw  # typed as editors type them
    clauses = re.findall(r"^第([一二三四五六七八九十]+)条　", raw, re.M)
    assert clauses[0] == "一" and clauses[-1] == "二十" and len(clauses) == 20
    assert "## 第一章　总则" in raw and "附件：" in raw


def test_fixture_photos_have_the_ratios_and_resolution_the_tests_need() -> None:
    issue = load_issue(FIXTURE)
    figures: list[Figure] = [f for a in issue.all_articles for f in a.figures]
    ratios = set()
    for f in figures:
        with Image.open(f.src) as im:
            assert im.format == "JPEG"
            ratios.add(round(im.width / im.height, 2))
            # ≥ 300 dpi across a column (81 mm) for article photos; profile photos are 24 mm wide
            need = 24 if f.src.name.startswith("profile-") else 81
            assert im.width / (need / 25.4) >= 300, f.src.name
        assert f.src.stat().st_size < 300_000, f.src.name
        assert f.caption, f.src.name
    assert {0.75, 1.78, 0.33, 1.0} <= ratios  # 3:4, 16:9, 1:3, square
    with Image.open(FIXTURE / issue.meta.cover.image) as cover:
        assert cover.width / (216 / 25.4) >= 300
