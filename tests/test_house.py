"""The house file's font roles and the one walk over an article's blocks.

Which face draws which text is written once (layouts/house.toml [roles]); the
print glyph check and the EPUB's font subsets both read it, so they cannot
disagree again (they did on the contents titles).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qhgy_publish.check.glyphs import _texts
from qhgy_publish.fonts import font_roles
from qhgy_publish.house import text_roles
from qhgy_publish.load import load_issue
from qhgy_publish.model import Figure, Heading, Note, Paragraph, Profile, block_texts
from qhgy_publish.render.epub_fonts import role_texts
from qhgy_publish.transforms import apply_transforms

from .conftest import MINI_ISSUE


@pytest.fixture(scope="module")
def issue():  # type: ignore[no-untyped-def]
    return apply_transforms(load_issue(MINI_ISSUE))


def test_every_text_role_is_a_font_role() -> None:
    assert set(text_roles().values()) == set(font_roles())


def test_the_glyph_check_and_the_epub_subsets_give_article_text_the_same_role(issue) -> None:  # type: ignore[no-untyped-def]
    subsets = role_texts(issue)
    articles = {a.path for a in issue.all_articles}
    checked = 0
    for role, text, place in _texts(issue):
        if place.path not in articles:
            continue  # print-only pages (templates, colophon) are the print's own
        assert set(text) - {"\n"} <= subsets[role], (role, text)
        checked += 1
    assert checked > 20


def test_contents_titles_are_set_in_the_text_face_in_both_editions(issue) -> None:  # type: ignore[no-untyped-def]
    assert text_roles()["contents_title"] == "body"
    subsets = role_texts(issue)
    only_in_contents = set("".join(a.contents_title for a in issue.all_articles)) - set(
        "".join(a.meta.title + (a.meta.kicker or "") + (a.meta.subtitle or "") for a in issue.all_articles)
    )
    assert only_in_contents <= subsets["body"]


def test_block_walk_names_every_kind_of_text_in_reading_order(issue) -> None:  # type: ignore[no-untyped-def]
    for article in issue.all_articles:
        pieces = list(block_texts(article.blocks))
        expected = []
        for block in article.blocks:
            if isinstance(block, Heading):
                expected.append(("heading", block.text))
            elif isinstance(block, Paragraph):
                expected.append(("body", block.text))
            elif isinstance(block, Note | Profile):
                kind = "note" if isinstance(block, Note) else "body"
                expected += [(kind, p.text) for p in block.paragraphs]
            figure = block if isinstance(block, Figure) else getattr(block, "figure", None)
            if figure is not None and figure.caption:
                expected.append(("caption", figure.caption))
        assert [(p.part, p.text) for p in pieces] == expected
    kinds = {p.part for a in issue.all_articles for p in block_texts(a.blocks)}
    assert {"body", "heading", "note"} <= kinds



def test_a_role_changed_in_the_house_file_changes_the_generated_stylesheets(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from qhgy_publish.house import role_css

    shipped = (Path(__file__).parents[1] / "layouts" / "house.toml").read_text(encoding="utf-8")
    changed = tmp_path / "house.toml"
    changed.write_text(shipped.replace('caption = "kai"', 'caption = "heading"'), encoding="utf-8")
    kai, heading = font_roles()["kai"].family, font_roles()["heading"].family
    for target in ("print", "epub"):
        before, after = role_css(target), role_css(target, changed)
        assert f'figcaption {{ font-family: "{kai}"' in before
        assert f'figcaption {{ font-family: "{heading}"' in after
        assert before.replace(f'figcaption {{ font-family: "{kai}", serif', "") != after
    # the heading face has halt: a caption's compressed marks stay in it; the kai face has none
    assert "figcaption .h" in role_css("print") and "figcaption .h" not in role_css("print", changed)


def test_the_stylesheets_name_no_face_but_through_the_house_file() -> None:
    layouts = Path(__file__).parents[1] / "layouts"
    for sheet in [*layouts.glob("print/*.css"), layouts / "epub" / "epub.css"]:
        assert "font-family:" not in sheet.read_text(encoding="utf-8"), sheet
    kinds = set(text_roles())
    import tomllib

    selectors = tomllib.loads((layouts / "house.toml").read_text(encoding="utf-8"))["selectors"]
    for target in ("print", "epub"):
        assert set(selectors[target]) <= kinds


def test_the_faces_without_halt_are_read_from_the_fonts() -> None:
    """LXGW WenKai (楷体) has no halt feature, the body face has: the print CSS and the
    WeasyPrint patch both set the 楷体's compressed marks in the body face from this one answer."""
    from qhgy_publish.house import faces_without_halt
    from qhgy_publish.render.weasy_cjk_patch import _half_width_face

    faces = font_roles()
    assert faces["kai"].family in faces_without_halt()
    assert faces["body"].family not in faces_without_halt()
    assert _half_width_face() == faces["body"].family.encode()
