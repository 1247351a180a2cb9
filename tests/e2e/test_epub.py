"""The EPUB, checked by the real EPUBCheck and read back from the unzipped book."""

from __future__ import annotations

import itertools
import re
import unicodedata
import zipfile
from io import BytesIO

import pdfplumber
import pytest
from fontTools.ttLib import TTFont
from lxml import etree

from qhgy_publish.check.epub import check_epub
from qhgy_publish.render.epub import render_epub
from qhgy_publish.render.epub_fonts import role_texts

XHTML = "{http://www.w3.org/1999/xhtml}"
OPS = "{http://www.idpf.org/2007/ops}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def book(sample) -> dict[str, bytes]:
    with zipfile.ZipFile(sample.epub) as z:
        return {name: z.read(name) for name in z.namelist()}


@pytest.fixture(params=["sample", "second"])
def either(request) -> tuple:
    """Each sample issue and its unzipped book: the second has article pictures and a regulation."""
    build = request.getfixturevalue(request.param)
    with zipfile.ZipFile(build.epub) as z:
        return build, {name: z.read(name) for name in z.namelist()}


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


def _entries(ol) -> list[tuple]:
    """(link, nested list or None) of each entry of a nav list."""
    return [(li.find(f"{XHTML}a"), li.find(f"{XHTML}ol")) for li in ol.findall(f"{XHTML}li")]


def _depth(ol) -> int:
    return 1 + max((_depth(sub) for _, sub in _entries(ol) if sub is not None), default=0)


def test_nav_goes_three_levels_deep_and_links_to_the_right_place(sample, book) -> None:
    from qhgy_publish.model import Heading, Profile

    pages = _xhtml(book)
    nav = etree.fromstring(book["EPUB/nav.xhtml"])
    toc = nav.find(f".//{XHTML}nav[@{OPS}type='toc']").find(f"{XHTML}ol")
    assert _depth(toc) == 3
    by_section = {f"a-{a.id}": a for a in sample.issue.all_articles}
    for link in toc.iter(f"{XHTML}a"):
        file, _, fragment = link.get("href").partition("#")
        root = pages[f"EPUB/{file}"]
        target = root.xpath(f"//*[@id='{fragment}']")[0] if fragment else root
        if target.get("role") == "doc-chapter":  # an article: the link says its contents title
            assert link.text == by_section[target.get("id")].contents_title
            continue
        # Elsewhere the place starts with what the link says (a 栏目's heading, a 一、 heading, a profile's name).
        text = re.sub(r"\s+", "", "".join(target.itertext()))
        assert text.startswith(re.sub(r"\s+", "", link.text)), (link.get("href"), link.text, text[:40])
    columns = [(a, sub) for a, sub in _entries(toc) if sub is not None]
    assert [a.text for a, _ in columns] == [c.name for c in sample.issue.columns]
    for (_, sub), column in zip(columns, sample.issue.columns, strict=True):
        titles = [a.text for a, _ in _entries(sub)]
        if len(column.articles) == 1 and column.articles[0].contents_title == column.name:
            # 劳模先进风采: the 栏目 is the article, so its sections and profiles come right under it.
            blocks = column.articles[0].blocks
            assert titles == [b.text for b in blocks if isinstance(b, Heading) and b.level == 1]
            names = [a.text for _, s in _entries(sub) if s is not None for a in s.iter(f"{XHTML}a")]
            assert names == [b.name for b in blocks if isinstance(b, Profile)] and len(names) == 43
            continue
        assert titles == [a.contents_title for a in column.articles]
        for (_, under), article in zip(_entries(sub), column.articles, strict=True):
            headings = [a.text for a in under.iter(f"{XHTML}a")] if under is not None else []
            assert headings == [b.text for b in article.blocks if isinstance(b, Heading) and b.level == 1]


def test_structure_columns_articles_headings_and_roles(sample, book) -> None:
    """栏目 h1 in a doc-part section, articles h2 in doc-chapter, 一、 h3, （一） h4; epub:type has its role."""
    from qhgy_publish.model import Heading

    pages = _xhtml(book)
    roles = {
        "part": "doc-part",
        "chapter": "doc-chapter",
        "colophon": "doc-colophon",
        "toc": "doc-toc",
        "pagebreak": "doc-pagebreak",
        "subtitle": "doc-subtitle",
        "cover": None,
        "titlepage": None,
    }
    for name, root in pages.items():
        for element in root.iter():
            for kind in (element.get(f"{OPS}type") or "").split():
                if kind in ("frontmatter", "bodymatter", "backmatter", "landmarks", "page-list"):
                    continue
                expected = roles[kind]
                if expected and not (kind == "toc" and name.endswith("nav.xhtml")):
                    assert element.get("role") == expected, (name, kind)
    for n, column in enumerate(sample.issue.columns, start=1):
        first = pages[f"EPUB/a-{column.articles[0].id}.xhtml"]
        section = first.xpath(f"//*[@id='column-{n}']")[0]
        assert section.get("role") == "doc-part" and section.find(f"{XHTML}h1").text == column.name
        for article in column.articles:
            root = pages[f"EPUB/a-{article.id}.xhtml"]
            chapter = root.xpath(f"//*[@id='a-{article.id}']")[0]
            assert chapter.get("role") == "doc-chapter"
            assert chapter.getparent().get("role") == "doc-part"  # every article inside its 栏目
            assert "".join(chapter.find(f".//{XHTML}h2").itertext()) == article.title_text
            for i, block in enumerate(article.blocks):
                if isinstance(block, Heading):
                    heading = root.xpath(f"//*[@id='{article.id}-b{i}']")[0]
                    assert etree.QName(heading).localname == f"h{block.level + 2}"
    report = pages["EPUB/a-090-gongzuo-baogao.xhtml"]
    assert len(report.findall(f".//{XHTML}h4")) == 13  # （一）… subheads of the work report
    for root in pages.values():
        for span in root.iter(f"{XHTML}span"):
            if span.text == "□":  # the print byline mark is decoration
                assert span.get("aria-hidden") == "true"


MM = 72 / 25.4
INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\u00ad\ufeff]+")


def _normal(text: str) -> str:
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def _body_chars(page) -> list[dict]:
    """Characters inside the type area: running heads stand above the 22 mm top margin,
    folios below the 20 mm bottom margin (layouts/print/page.css)."""
    return [
        c
        for c in page.chars
        if c["text"].strip() and c["top"] >= 21 * MM and c["bottom"] <= page.height - 20 * MM
    ]


def _first_line_at_top(page) -> str:
    """The first line of the first column at the top of a printed page, as the PDF has it.

    The first column is the left half of the type area; its topmost line is
    taken whole (a heading or paragraph across both columns) up to the first
    gap wider than 1.5 em (the column gap is 2 em). A heading's space above it
    can leave the second column's first line higher: reading starts left.
    """
    chars = _body_chars(page)
    if not chars:
        return ""
    middle = (min(c["x0"] for c in chars) + max(c["x1"] for c in chars)) / 2
    first = min((c for c in chars if c["x0"] < middle), key=lambda c: (c["top"], c["x0"]))
    margin = 0.25 * first["size"]
    line = sorted(
        (c for c in chars if c["top"] < first["bottom"] - margin and c["bottom"] > first["top"] + margin),
        key=lambda c: c["x0"],
    )
    kept = [line[0]]
    for prev, char in itertools.pairwise(line):
        if char["x0"] - prev["x1"] > 1.5 * prev["size"]:
            break
        kept.append(char)
    return "".join(c["text"] for c in kept)


def _markers_in_reading_order(book: dict[str, bytes]) -> list[tuple[int, str, str]]:
    """(folio, file, text after the marker to the end of its file) of every page marker, in spine order."""
    opf = etree.fromstring(book["EPUB/content.opf"])
    ns = {"opf": "http://www.idpf.org/2007/opf"}
    hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", ns)}
    out = []
    for ref in opf.iterfind(".//opf:spine/opf:itemref", ns):
        name = hrefs[ref.get("idref")]
        root = etree.fromstring(book[f"EPUB/{name}"])
        for span in root.iter(f"{XHTML}span"):
            if span.get(f"{OPS}type") == "pagebreak":
                assert (
                    span.get("role") == "doc-pagebreak"
                    and span.get("id") == f"page-{span.get('aria-label')[1:-1]}"
                )
                following = "".join(span.xpath("following::text()"))
                out.append((int(span.get("id")[5:]), name, following))
    return out


def test_page_markers_stand_where_the_printed_pages_begin(either, capsys) -> None:
    """For every printed page, the text after its marker is the first text at the top of that page."""
    sample, book = either
    markers = _markers_in_reading_order(book)
    interior = len(sample.page_texts) - 4  # 封一, 封二, 封三, 封四 carry no folio
    assert [folio for folio, _, _ in markers] == list(range(1, interior + 1))  # each once, in reading order
    nav = etree.fromstring(book["EPUB/nav.xhtml"])
    page_list = nav.find(f".//{XHTML}nav[@{OPS}type='page-list']")
    assert [(a.text, a.get("href")) for a in page_list.iter(f"{XHTML}a")] == [
        (str(folio), f"{name}#page-{folio}") for folio, name, _ in markers
    ]
    agree, with_text, filler = 0, 0, []
    misses = []
    pages = sample.pages("screen")  # read once a session
    for folio, name, following in markers:
        page = pages[sample.pdf_index(folio)]
        top = _normal(_first_line_at_top(page))
        if _normal("".join(c["text"] for c in _body_chars(page))) == "学习笔记":
            filler.append((folio, following))
            continue
        if not top:
            continue
        with_text += 1
        if name == "contents.xhtml":
            top = re.sub(r"[·.…]{2,}\d*$", "", top)  # the leader and page number of a contents line
        if _normal(following).startswith(top):
            agree += 1
        else:
            misses.append(
                f"page {folio}: PDF “{top}”, EPUB {name} “{_normal(following)[: len(top) + 5]}”"
            )
    with capsys.disabled():
        print(
            f"\npage markers: {agree} of {with_text} pages that begin with text agree; {len(filler)} filler pages"
        )
    assert misses == []
    assert with_text >= interior - len(filler) - 2 and agree == with_text
    # 学习笔记 pages hold nothing of the book: their markers follow the last body text.
    last_body = sample.issue.body_articles[-1]
    for _folio, following in filler:
        assert _normal(following) == ""
    assert all(name == f"a-{last_body.id}.xhtml" for folio, name, _ in markers if folio in dict(filler))
    # A page that begins with a picture has its marker right before the picture's block.
    pages = _xhtml(book)
    for start in sample.result.layout.page_map:
        if start.top.kind == "picture":
            marker = next(r for r in pages.values() if r.xpath(f"//*[@id='page-{start.page}']"))
            following = marker.xpath(f"//*[@id='page-{start.page}']")[0].getnext()
            assert following is not None and following.find(f".//{XHTML}img") is not None, start


def test_every_article_text_is_in_the_book(sample, book) -> None:
    for article in sample.issue.all_articles:
        root = etree.fromstring(book[f"EPUB/a-{article.id}.xhtml"])
        text = re.sub(r"\s+", "", "".join(root.itertext()))
        for block in article.blocks:
            for p in [block] if hasattr(block, "runs") else getattr(block, "paragraphs", []):
                assert re.sub(r"\s+", "", p.text) in text, (article.id, p.text[:20])


def test_cover_is_the_print_cover_in_portrait(sample, book) -> None:
    import pypdfium2 as pdfium
    from PIL import Image, ImageChops, ImageStat

    opf = book["EPUB/content.opf"].decode()
    assert re.search(
        r'href="images/cover.jpg"[^>]*properties="cover-image"|properties="cover-image"[^>]*href="images/cover.jpg"',
        opf,
    )
    cover = Image.open(BytesIO(book["EPUB/images/cover.jpg"]))
    assert cover.height == 2560 and cover.width < cover.height  # portrait, at e-book store size
    assert abs(cover.width / cover.height - 210 / 285) < 0.01  # the trim, no bleed
    # Drawn from the printed cover: the screen PDF's first page, drawn here, looks the same.
    pdf = pdfium.PdfDocument(sample.screen_pdf)
    printed = pdf[0].render(scale=200 / pdf[0].get_height()).to_pil().convert("L")
    pdf.close()
    ours = cover.convert("L").resize(printed.size)
    difference = ImageChops.difference(ours, printed)
    assert ImageStat.Stat(difference).mean[0] < 6  # mean grey-level difference
    blank = Image.new("L", printed.size, 255)
    assert ImageStat.Stat(ImageChops.difference(blank, printed)).mean[0] > 20  # and it is no blank page
    page = etree.fromstring(book["EPUB/cover.xhtml"])
    alt = next(page.iter(f"{XHTML}img")).get("alt")
    meta = sample.issue.meta
    assert meta.magazine.name in alt and meta.label in alt and meta.cover.alt in alt


def _opf_meta(book) -> list[tuple[str | None, str | None, str]]:
    opf = etree.fromstring(book["EPUB/content.opf"])
    return [
        (m.get("property"), m.get("refines"), m.text or "")
        for m in opf.iter("{http://www.idpf.org/2007/opf}meta")
    ]


def test_metadata_series_release_and_accessibility(sample, book) -> None:
    meta = _opf_meta(book)
    values = {}
    for prop, _, text in meta:
        values.setdefault(prop, []).append(text)
    issue = sample.issue.meta
    assert values["belongs-to-collection"] == [issue.magazine.name]
    assert ("collection-type", "#series", "series") in meta
    assert ("group-position", "#series", f"{issue.year}.{issue.number:02d}") in meta
    assert values["schema:issueNumber"] == [str(issue.number)]
    for feature in (
        "tableOfContents",
        "readingOrder",
        "structuralNavigation",
        "alternativeText",
        "pageNavigation",
        "pageBreakMarkers",
        "displayTransformability",
    ):
        assert feature in values["schema:accessibilityFeature"]
    assert values["schema:accessibilityHazard"] == ["none"]
    assert values["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert values["a11y:certifiedBy"] == [issue.colophon.compiler]
    summary = values["schema:accessibilitySummary"][0]
    assert "与印刷版页码一致" in summary and "占位" in summary  # this proof still holds stand-ins
    modified = values["dcterms:modified"][0]
    assert modified.startswith(issue.colophon.print_date.isoformat() + "T")
    opf = book["EPUB/content.opf"].decode()
    assert "urn:uuid:" in opf and 'property="pageBreakSource"' in opf
    creators = re.findall(r"<dc:creator[^>]*>([^<]*)<", opf)
    assert creators == [issue.colophon.compiler]  # the publisher is not repeated as a creator
    assert re.findall(r"<dc:publisher>([^<]*)<", opf) == [issue.colophon.host]


def test_placeholders_are_marked_and_described(sample, book) -> None:
    pages = _xhtml(book)
    placeholder_figures = [f for a in sample.issue.all_articles for f in a.figures if f.placeholder]
    alts = [img.get("alt") for root in pages.values() for img in root.iter(f"{XHTML}img")]
    marked = [alt for alt in alts if alt.startswith("占位图（图片待补）")]
    assert len(marked) == len(placeholder_figures) == 43
    for name, root in pages.items():
        for figure in root.iter(f"{XHTML}figure"):
            img = figure.find(f"{XHTML}img")
            assert ("placeholder" in figure.get("class", "")) == img.get("alt").startswith("占位图"), name
    colophon = pages["EPUB/colophon.xhtml"]
    permit = [s for s in colophon.iter(f"{XHTML}span") if s.get("class") == "placeholder"]
    assert sample.issue.meta.colophon.permit in ["".join(s.itertext()) for s in permit]
    title = pages["EPUB/title.xhtml"]
    assert "占位" in "".join(title.itertext())


def test_release_stamp_follows_the_content(sample, tmp_path) -> None:
    """dcterms:modified stays put for the same content (byte-identical builds) and moves when it changes."""
    from qhgy_publish.render.epub_cover import cover_jpeg

    layout = sample.result.layout
    cover = cover_jpeg(layout.document)
    again = tmp_path / "again.epub"
    render_epub(sample.issue, again, page_map=layout.page_map, cover=cover)
    assert again.read_bytes() == sample.epub.read_bytes()
    article = sample.issue.body_articles[0]
    block = article.blocks[0]
    corrected = block.model_copy(
        update={"runs": [block.runs[0].model_copy(update={"text": "更正。"}), *block.runs]}
    )
    column = sample.issue.columns[0]
    changed = sample.issue.model_copy(
        update={
            "columns": [
                column.model_copy(
                    update={
                        "articles": [
                            article.model_copy(update={"blocks": [corrected, *article.blocks[1:]]}),
                            *column.articles[1:],
                        ]
                    }
                ),
                *sample.issue.columns[1:],
            ]
        }
    )
    other = tmp_path / "other.epub"
    render_epub(changed, other, page_map=layout.page_map, cover=cover, embed_fonts=False)
    with zipfile.ZipFile(other) as z:
        stamp = {p: t for p, _, t in _opf_meta({"EPUB/content.opf": z.read("EPUB/content.opf")})}
    with zipfile.ZipFile(sample.epub) as z:
        before = {p: t for p, _, t in _opf_meta({"EPUB/content.opf": z.read("EPUB/content.opf")})}
    assert stamp["dcterms:modified"] != before["dcterms:modified"]


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


def test_css_uses_em_and_no_inline_styles(either) -> None:
    _, book = either
    css = book["EPUB/css/epub.css"].decode()
    rules = css.split("@font-face")[-1]
    assert not re.search(r"\d(px|pt)\b", rules)
    assert "text-indent: 2em" in css
    for name, data in book.items():
        if name.endswith(".xhtml"):
            assert b" style=" not in data, name


def test_build_without_fonts(sample, tmp_path) -> None:
    bare = tmp_path / "bare.epub"
    with zipfile.ZipFile(sample.epub) as z:
        cover = z.read("EPUB/images/cover.jpg")
    render_epub(sample.issue, bare, page_map=sample.result.layout.page_map, cover=cover, embed_fonts=False)
    with zipfile.ZipFile(bare) as z:
        assert not [n for n in z.namelist() if n.startswith("EPUB/fonts/")]
    assert [f for f in check_epub(bare) if f.severity in ("error", "warning")] == []


def test_the_pdf_and_epub_come_from_one_layout(sample) -> None:
    with pdfplumber.open(sample.print_pdf) as pdf:
        assert len(pdf.pages) == sample.result.layout.page_count
