"""The print PDF sets each kind of text in the face layouts/house.toml gives its role.

The stylesheets' font-family rules are generated from the house file (house.role_css);
here the sample's print PDF is read back with pdfplumber, and the face of each Han
character of a title, a byline, a heading, a paragraph and a caption is compared with
the family of the role house.toml names for that kind of text. WeasyPrint names an
embedded font after its CSS family ("QHGY Kai" → "ABCDEF+QHGY-Kai").
"""

from __future__ import annotations

import pytest

from qhgy_publish.fonts import font_roles
from qhgy_publish.han import HAN_CHAR
from qhgy_publish.house import text_roles
from qhgy_publish.model import Figure, Heading, Paragraph, iter_blocks


def _sample_text(issue, kind: str) -> str:  # type: ignore[no-untyped-def]
    """The first piece of text of ``kind`` the issue prints."""
    articles = [a for c in issue.columns for a in c.articles]
    blocks = [b for a in articles for b in iter_blocks(a.blocks)]
    if kind == "title":
        return next(a.title_text for a in articles if len(a.title_text) >= 6)
    if kind == "byline":
        return next(b.name for a in articles for b in a.meta.bylines if len(b.name) >= 3)
    if kind == "heading":
        return next(b.text for b in blocks if isinstance(b, Heading))
    if kind == "body":
        plain = (b for b in blocks if isinstance(b, Paragraph) and len(b.runs) == 1 and not b.runs[0].strong)
        return next(b.text for b in plain if len(b.text) > 40)
    if kind == "caption":  # an article picture's (a profile card's photo prints no caption)
        return next(b.caption for a in articles for b in a.blocks if isinstance(b, Figure) and b.caption)
    assert kind == "cover_caption"
    return issue.meta.cover.caption


def _pages(built):  # type: ignore[no-untyped-def]
    """Each page's Han characters in order, with the face each is set in."""
    return [
        [(c["text"], c["fontname"].split("+", 1)[-1]) for c in page.chars if HAN_CHAR.match(c["text"])]
        for page in built.pages("print")
    ]


@pytest.fixture(scope="module")
def sample_pages(sample):  # type: ignore[no-untyped-def]
    return _pages(sample)


@pytest.fixture(scope="module")
def second_pages(second):  # type: ignore[no-untyped-def]
    return _pages(second)


# the sample has no article picture with a caption: the second issue (tests/fixtures/2025-06) has
@pytest.mark.parametrize(
    "which,kind",
    [("sample", k) for k in ("title", "byline", "heading", "body", "cover_caption")] + [("second", "caption")],
)
def test_each_kind_of_text_prints_in_the_face_of_its_role(request, which, kind) -> None:  # type: ignore[no-untyped-def]
    built, pages = request.getfixturevalue(which), request.getfixturevalue(f"{which}_pages")
    text = _sample_text(built.issue, kind)
    han = "".join(ch for ch in text if HAN_CHAR.match(ch))[:12]
    assert len(han) >= 3, text
    family = font_roles()[text_roles()[kind]].family.replace(" ", "-")
    found = []
    for page in pages:
        chars = "".join(ch for ch, _ in page)
        at = chars.find(han)
        if at >= 0:
            found.append({face for _, face in page[at : at + len(han)]})
    assert found, f"{kind} text “{han}” not found in the print PDF"
    # a title or a byline prints in the contents too, in the face of contents_title/_author
    assert any(all(face.startswith(family) for face in faces) for faces in found), (kind, han, found, family)
