"""The typography transform over a whole issue (transforms/typography.py): which rules reach which
text — body, headings, notes, profiles, front matter, bylines, regulations — and what stays as typed.
The rules themselves, one by one: test_normalise.py."""

from __future__ import annotations

from pathlib import Path

from qhgy_publish.load import load_issue
from qhgy_publish.model import Byline, Heading, Kind, Note, Paragraph, Profile, Run
from qhgy_publish.transforms.typography import normalise

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini-issue"


def _typed_issue(kind: Kind | None = None):  # type: ignore[no-untyped-def]
    """The mini issue with slips typed into its first article: a title with a phrase gap and ASCII
    brackets, a byline, a paragraph after a bold lead, a heading, a backtick run."""
    issue = load_issue(MINI)
    column = issue.columns[0]
    article = column.articles[0]
    paragraph = next(b for b in article.blocks if isinstance(b, Paragraph))
    heading = next(b for b in article.blocks if isinstance(b, Heading))
    typed_blocks = [
        paragraph.model_copy(
            update={"runs": [Run(text="一是", strong=True), Run(text=" 职工,工会"), Run(text="A,B", verbatim=True)]}
        ),
        heading.model_copy(update={"text": "一、 加强 建设"}),
        paragraph.model_copy(update={"runs": [Run(text="甲　乙")]}),
    ]
    meta = article.meta.model_copy(
        update={
            "title": "守牢安全底线 护佑职工平安(试行)",
            "bylines": [Byline(name="王 大南", position="省总工会副主席,党组成员")],
            **({"kind": kind} if kind else {}),
        }
    )
    article = article.model_copy(update={"meta": meta, "blocks": typed_blocks})
    column = column.model_copy(update={"articles": [article, *column.articles[1:]]})
    return issue.model_copy(update={"columns": [column, *issue.columns[1:]]})


def test_each_kind_of_text_gets_its_rules() -> None:
    typed = _typed_issue()
    article = normalise(typed).columns[0].articles[0]
    lead, heading, gap = article.blocks
    assert [r.text for r in lead.runs] == ["一是", "职工，工会", "A,B"]  # the slip after a lead; backticks as typed
    assert heading.text == "一、加强建设"
    assert gap.runs[0].text == "甲乙"  # a typed gap in running text goes
    assert article.meta.title == "守牢安全底线 护佑职工平安（试行）"  # the title keeps its phrase gap
    assert article.meta.bylines == [Byline(name="王 大南", position="省总工会副主席，党组成员")]
    # pure: the issue it was given is unchanged
    assert typed.columns[0].articles[0].meta.title == "守牢安全底线 护佑职工平安(试行)"
    assert typed.columns[0].articles[0].blocks[0].runs[1].text == " 职工,工会"


def test_a_regulation_keeps_its_full_width_gaps() -> None:
    article = normalise(_typed_issue(Kind.REGULATION)).columns[0].articles[0]
    assert article.blocks[2].runs[0].text == "甲\u3000乙"  # 第一条　… and 落款　日期 are laid out so
    assert [r.text for r in article.blocks[0].runs] == ["一是", "职工，工会", "A,B"]


def test_notes_and_profiles_are_normalised_too() -> None:
    issue = load_issue(MINI)
    column = next(c for c in issue.columns if any(isinstance(b, Profile) for a in c.articles for b in a.blocks))
    article = next(a for a in column.articles if any(isinstance(b, Profile) for b in a.blocks))
    typed_paragraph = Paragraph(runs=[Run(text="职工,工会")], loc=article.blocks[0].loc)
    blocks = [
        b.model_copy(update={"paragraphs": [typed_paragraph]}) if isinstance(b, Note | Profile) else b
        for b in article.blocks
    ]
    typed = issue.model_copy(
        update={
            "columns": [
                c.model_copy(update={"articles": [a.model_copy(update={"blocks": blocks}) if a is article else a for a in c.articles]})
                if c is column
                else c
                for c in issue.columns
            ]
        }
    )
    done = next(a for c in normalise(typed).columns for a in c.articles if a.id == article.id)
    texts = [p.runs[0].text for b in done.blocks if isinstance(b, Note | Profile) for p in b.paragraphs]
    assert texts and all(t == "职工，工会" for t in texts)
