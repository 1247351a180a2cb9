"""The sample issue is the real 2025年第1期, whole: nothing dropped, nothing invented.

Compared against the seed (text extracted from the printed PDF) after the
clean-ups the spec lists: whitespace dropped (split paragraphs rejoin, stray
spaces vanish), half-width punctuation read as full-width.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qhgy_publish.load import load_issue
from qhgy_publish.model import Article, Figure, Heading, Issue, Note, Paragraph, Profile
from tests.seed import contents, seed_lines

SAMPLE = Path(__file__).resolve().parents[1] / "content" / "2025-01"
HALF_TO_FULL = str.maketrans({",": "，", "(": "（", ")": "）", ":": "：", ";": "；", "?": "？", "!": "！"})


def norm(text: str) -> str:
    return re.sub(r"\s+", "", text).translate(HALF_TO_FULL)


def printed_parts(article: Article) -> list[str]:
    """What the print edition sets for an article, in reading order, one string per block."""
    m = article.meta
    parts = [m.kicker or "", m.title, m.subtitle or "", m.dateline or ""]
    parts += [f"□{b.position}{b.name}" for b in m.bylines]
    parts.append(m.salutation or "")
    for block in article.blocks:
        if isinstance(block, Paragraph | Heading):
            parts.append(block.text)
        elif isinstance(block, Note | Profile):
            parts += [p.text for p in block.paragraphs]
        elif isinstance(block, Figure):
            parts.append(block.caption)
    parts += [m.signature or "", m.date or ""]
    if m.source:
        parts.append(f"（来源：{m.source}）")
    if m.credit:
        parts.append(f"（{m.credit}）")
    return [p for p in parts if p]


@pytest.fixture(scope="module")
def issue() -> Issue:
    return load_issue(SAMPLE)


def seed_paragraphs() -> list[tuple[int, str]]:
    """Every text line of the seed outside the contents and the covers' mastheads."""
    lines = seed_lines()
    keep = []
    for number, line in enumerate(lines, start=1):
        text = norm(line)
        if 50 <= number <= 158 or len(text) < 6 or set(text) <= {"-"}:
            continue  # the contents are generated; page numbers and artefacts are not text
        if number < 20 or number > 1640:
            continue  # 封一 and 封四 are built from issue.yaml
        keep.append((number, text))
    return keep


def test_every_seed_paragraph_is_in_the_sources_in_order(issue: Issue) -> None:
    stream = "".join(norm(p) for a in issue.all_articles for p in printed_parts(a))
    position = 0
    missing = []
    for number, text in seed_paragraphs():
        found = stream.find(text, position)
        if found < 0:
            missing.append(f"L{number}: {text[:40]}")
        else:
            position = found + len(text)
    assert not missing, f"{len(missing)} seed lines not found in order:\n" + "\n".join(missing[:20])


def test_no_text_is_invented(issue: Issue) -> None:
    seed = norm("".join(seed_lines()))
    invented = [
        f"{a.path.name}: {p[:40]}"
        for a in issue.all_articles
        for p in printed_parts(a)
        if norm(p).lstrip("□") not in seed
    ]
    assert not invented, "text not in the seed:\n" + "\n".join(invented[:20])


def test_contents_entries_and_columns_match_the_printed_contents(issue: Issue) -> None:
    printed = [(e.column, norm(e.title), e.author) for e in contents()]
    ours = [
        (c.name, norm(a.contents_title), a.contents_author or None) for c in issue.columns for a in c.articles
    ]
    assert len(printed) == 47
    assert ours == printed
    assert [c.name for c in issue.columns] == list(dict.fromkeys(e.column for e in contents()))


def test_every_profile_is_its_own_card(issue: Issue) -> None:
    """Persons in the seed's profile pages start “姓名，男/女，”; organisations “单位名称。” after a gap."""
    lines = seed_lines()
    persons = sum(1 for line in lines[1111:1343] if re.match(r"^\S{2,6}，[男女]，", line.strip()))
    groups = [b for a in issue.body_articles for b in a.blocks if isinstance(b, Profile)]
    person_cards = [p for p in groups if re.match(r"^\S{2,6}，[男女]，", p.paragraphs[0].text)]
    assert len(person_cards) == persons > 20
    org_names = {p.name for p in groups if p not in person_cards}
    seed_region = norm("".join(lines[1111:1343]))
    assert all(norm(name) in seed_region for name in org_names)
    assert len(org_names) == len(groups) - persons >= 10
    assert all(p.figure and p.figure.placeholder for p in groups)


def test_no_note_or_heading_lost(issue: Issue) -> None:
    profiles = next(a for a in issue.body_articles if a.meta.kind == "profiles")
    assert isinstance(profiles.blocks[0], Note) and profiles.blocks[0].paragraphs[0].text.startswith(
        "【编者按】"
    )
    headings = [b.text for b in profiles.blocks if isinstance(b, Heading)]
    assert headings == ["一、青海省劳动模范集体", "二、青海省劳动模范", "三、青海省先进工作者"]
