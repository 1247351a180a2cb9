"""The pipeline's dirty mode (pipeline.lay_out with previous= and dirty=): after an article edit
only its 栏目 is made up again, and its pages are those a whole layout gives."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber

from qhgy_publish.pipeline import lay_out, prepare

ARTICLE = "articles/020-dongtai.md"  # 新视点, the second 栏目 of the mini issue
EDIT = ("研究部署全年工作", "研究安排全年工作")  # as wide as before: no page can move


def _texts(document) -> list[str]:  # type: ignore[no-untyped-def]
    with pdfplumber.open(io.BytesIO(document.write_pdf())) as pdf:
        return [re.sub(r"\s+", "", page.extract_text() or "") for page in pdf.pages]


def test_an_article_edit_makes_up_only_its_column_again(mini_issue: Path) -> None:
    whole = lay_out(prepare(mini_issue).issue)
    assert not whole.partial and whole.relaid == range(len(whole.document.pages))
    path = mini_issue / ARTICLE

    unchanged = lay_out(prepare(mini_issue).issue, previous=whole, dirty={path})
    assert unchanged.partial and not unchanged.relaid  # saved as it was: nothing laid out

    path.write_text(path.read_text(encoding="utf-8").replace(*EDIT), encoding="utf-8")
    issue = prepare(mini_issue).issue
    dirty = lay_out(issue, previous=whole, dirty={path})
    column = next(k for k, c in enumerate(issue.columns) if any(a.id == "020-dongtai" for a in c.articles))
    assert dirty.partial and dirty.relaid == whole.columns[column]
    assert dirty.makeup is not None and dirty.makeup.columns[column] is not whole.makeup.columns[column]  # type: ignore[union-attr]

    reference = lay_out(issue)  # the whole issue laid out from the edited sources
    full_texts = _texts(reference.document)
    assert _texts(dirty.document) == [full_texts[i] for i in dirty.relaid]
    assert any(EDIT[1] in t for t in _texts(dirty.document))
    assert (dirty.columns, dirty.article_pages) == (reference.columns, reference.article_pages)


def test_a_change_outside_the_articles_lays_out_the_whole_issue(mini_issue: Path) -> None:
    whole = lay_out(prepare(mini_issue).issue)
    yaml_path = mini_issue / "issue.yaml"
    again = lay_out(prepare(mini_issue).issue, previous=whole, dirty={yaml_path})
    assert not again.partial and again.relaid == range(len(again.document.pages))
