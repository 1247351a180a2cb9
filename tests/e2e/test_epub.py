"""The EPUB, checked by the real EPUBCheck and read back from the unzipped book."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

import pdfplumber
import pytest
from fontTools.ttLib import TTFont
from lxml import etree

from qhgy_publish.check.epub import check_epub
from qhgy_publish.render.epub import render_epub
from qhgy_publish.render.epub_fonts import role_texts
from qhgy_publish.summary import article_text

XHTML = "{http://www.w3.org/1999/xhtml}"
OPS = "{http://www.idpf.org/2007/ops}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def book(sample) -> dict[str, bytes]:
    with zipfile.ZipFile(sample.epub) as z:
        return {name: z.read(name) for name in z.namelist()}


def _xhtml(book: dict[str, bytes]) -> dict[str, etree._Element]:
    return {n: etree.fromstring(d) for n, d in book.items() if n.endswith(".xhtml")}


def test_epubcheck_reports_nothing(sample) -> None:
    findings = check_epub(sample.epub)
    assert [f for f in findings if f.severity in ("error", "warning")] == [], "\n".join(map(str, findings))


def test_language_everywhere(book) -> None:
    opf = etree.fromstring(book["EPUB/content.opf"])
    assert opf.get(XML_LANG) == "zh-CN"
    assert opf.find(".//{http://purl.org/dc/elements/1.1/}language").text == "zh-CN"
    for name, root in _xhtml(book).items():
        assert root.get(XML_LANG) == "zh-CN" and root.get("lang") == "zh-CN", name


def test_nav_groups_articles_by_column_in_order(sample, book) -> None:
    nav = etree.fromstring(book["EPUB/nav.xhtml"])
    toc = nav.find(f".//{XHTML}nav[@{OPS}type='toc']")
    groups = [li for li in toc.find(f"{XHTML}ol") if li.find(f"{XHTML}ol") is not None]
    assert [li.find(f"{XHTML}a").text for li in groups] == [c.name for c in sample.issue.columns]
    for li, column in zip(groups, sample.issue.columns, strict=True):
        titles = [a.text for a in li.find(f"{XHTML}ol").iter(f"{XHTML}a")]
        assert titles == [a.contents_title for a in column.articles]


def test_page_list_matches_the_print_pages(sample, book) -> None:
    nav = etree.fromstring(book["EPUB/nav.xhtml"])
    page_list = nav.find(f".//{XHTML}nav[@{OPS}type='page-list']")
    links = [(a.text, a.get("href")) for a in page_list.iter(f"{XHTML}a")]
    interior = len(sample.page_texts) - 4
    assert [int(label) for label, _ in links] == list(range(1, interior + 1))  # every page once, in order
    pages = {n: d.decode() for n, d in book.items() if n.endswith(".xhtml")}
    by_id = {f"a-{a.id}.xhtml": a for a in sample.issue.all_articles}
    checked = 0
    for label, href in links:
        file, anchor = href.split("#")
        assert f'id="{anchor}"' in pages[f"EPUB/{file}"]
        article = by_id.get(file)
        if article is None or "学习笔记" in sample.page_texts[sample.pdf_index(int(label))]:
            continue
        # The printed page shows this article: some 8 characters of it stand on that PDF page.
        text = re.sub(r"\s+", "", article_text(article))
        page_text = sample.page_texts[sample.pdf_index(int(label))]
        assert any(text[i : i + 8] in page_text for i in range(0, len(text) - 8, 4)), (label, file)
        checked += 1
    assert checked > 70


def test_every_article_text_is_in_the_book(sample, book) -> None:
    for article in sample.issue.all_articles:
        root = etree.fromstring(book[f"EPUB/a-{article.id}.xhtml"])
        text = re.sub(r"\s+", "", "".join(root.itertext()))
        for block in article.blocks:
            for p in [block] if hasattr(block, "runs") else getattr(block, "paragraphs", []):
                assert re.sub(r"\s+", "", p.text) in text, (article.id, p.text[:20])


def test_cover_accessibility_and_identifier(sample, book) -> None:
    opf = book["EPUB/content.opf"].decode()
    assert 'properties="cover-image"' in opf
    for feature in (
        "tableOfContents",
        "readingOrder",
        "structuralNavigation",
        "alternativeText",
        "pageNavigation",
        "pageBreakMarkers",
    ):
        assert f'property="schema:accessibilityFeature">{feature}<' in opf
    assert 'property="schema:accessibilityHazard">none<' in opf
    assert 'property="pageBreakSource"' in opf
    assert "urn:uuid:" in opf
    cover = etree.fromstring(book["EPUB/cover.xhtml"])
    img = next(cover.iter(f"{XHTML}img"))
    assert img.get("alt") == sample.issue.meta.cover.alt
    for name, root in _xhtml(book).items():
        for img in root.iter(f"{XHTML}img"):
            assert img.get("alt"), name
        assert not list(root.iter(f"{XHTML}script")), name


def test_fonts_cover_what_each_role_draws_and_little_more(sample, book, capsys) -> None:
    texts = role_texts(sample.issue)
    with capsys.disabled():
        sizes = ", ".join(
            f"{r} {len(book[f'EPUB/fonts/{r}.otf']) / 1024:.0f} KiB ({len(c)} chars)"
            for r, c in texts.items()
        )
        print(f"\nEPUB font subsets: {sizes}")
    for role, chars in texts.items():
        font = TTFont(BytesIO(book[f"EPUB/fonts/{role}.otf"]))
        cmap = font.getBestCmap()
        missing = [c for c in chars if c.strip() and ord(c) not in cmap]
        assert not missing, (role, missing[:10])
        assert len(cmap) <= 1.2 * len(chars) + 60, (role, len(cmap), len(chars))
        assert book[f"EPUB/fonts/{role}.otf"][:4] in (b"OTTO", b"\x00\x01\x00\x00")  # OpenType, not WOFF2


def test_css_uses_em_and_no_inline_styles(book) -> None:
    css = book["EPUB/css/epub.css"].decode()
    rules = css.split("@font-face")[-1]
    assert not re.search(r"\d(px|pt)\b", rules)
    assert "text-indent: 2em" in css
    for name, data in book.items():
        if name.endswith(".xhtml"):
            assert b" style=" not in data, name


def test_two_builds_are_byte_identical(sample, tmp_path) -> None:
    again = tmp_path / "again.epub"
    render_epub(sample.issue, again, page_map=sample.result.layout.page_map)
    assert again.read_bytes() == sample.epub.read_bytes()


def test_build_without_fonts(sample, tmp_path) -> None:
    bare = tmp_path / "bare.epub"
    render_epub(sample.issue, bare, page_map=sample.result.layout.page_map, embed_fonts=False)
    with zipfile.ZipFile(bare) as z:
        assert not [n for n in z.namelist() if n.startswith("EPUB/fonts/")]
    assert [f for f in check_epub(bare) if f.severity in ("error", "warning")] == []


def test_the_pdf_and_epub_come_from_one_layout(sample) -> None:
    with pdfplumber.open(sample.print_pdf) as pdf:
        assert len(pdf.pages) == sample.result.layout.page_count
