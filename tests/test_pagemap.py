"""Where pages begin, read from WeasyPrint's laid-out boxes (render/pagemap.py), on small real layouts."""

from __future__ import annotations

import base64
import io
import shutil
import zipfile
from pathlib import Path

from lxml import etree
from PIL import Image
from weasyprint import HTML

from qhgy_publish.render.pagemap import page_tops, significant

TALL_PHOTO = Path(__file__).parent / "fixtures" / "2025-06" / "images" / "delingha-ta.jpg"  # 1:3

STYLE = """<style>
@page { size: 90mm 70mm; margin: 8mm; @top-center { content: "书眉 " counter(page); } }
body { font-family: "Noto Serif CJK SC"; font-size: 10pt; line-height: 15pt; }
p { margin: 0; text-indent: 2em; orphans: 1; widows: 1; }
.two { columns: 2; column-gap: 2em; }
.next { break-before: page; }
</style>"""
TEXT = "工会组织要坚持以职工为中心的工作导向，" * 14  # about three pages in one column
PNG = Image.new("L", (40, 30), 128)


def _png_uri() -> str:
    out = io.BytesIO()
    PNG.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _marked_up(text: str) -> str:
    """As the print markup does: zero-width characters and spans the source text does not have."""
    return f'<span class="h">{text[:5]}</span>\u2060{text[5:]}'.replace("，", "，\u200b", 3)


def test_a_paragraph_across_pages_and_columns_maps_back_to_its_characters() -> None:
    html = f"""{STYLE}<article id="a"><h2 class="title">标题</h2>
      <div class="two"><p id="a-b0">{_marked_up(TEXT)}</p><p id="a-b1">第二段。{TEXT[:40]}</p></div>
      <figure id="a-b2-photo" class="photo next"><img src="{_png_uri()}" alt=""></figure>
      <p id="a-b3">{TEXT[:30]}</p>
      <div class="next" style="height: 10mm"></div></article>"""
    doc = HTML(string=html).render()
    tops = page_tops(doc.pages)
    assert tops[0].anchor == "a" and tops[0].element == "h2.title" and tops[0].text == "标题"
    source = significant(TEXT)
    continued = [t for t in tops if t.anchor == "a-b0" and t.offset > 0]
    assert len(continued) >= 1
    for top in continued:
        # The page starts inside the first paragraph, at the character the offset names.
        assert source[top.offset :].startswith(top.text) and len(top.text) >= 8
    assert [t.offset for t in continued] == sorted(t.offset for t in continued)
    picture = next(t for t in tops if t.kind == "picture")
    assert picture.anchor == "a-b2-photo" and picture.element == "figure.photo.next"
    assert tops[-1].kind == "blank" and tops[-1].anchor is None
    assert all("书眉" not in t.text for t in tops)  # running heads are not the page's text


def test_pages_of_several_layouts_joined_with_copy() -> None:
    """Each layout's paragraphs count their own characters: pages joined from two renders map alike."""
    first = HTML(string=f'{STYLE}<p id="x-b0">{TEXT}</p>').render()
    second = HTML(string=f'{STYLE}<p id="y-b0">{TEXT}</p>').render()
    joined = first.copy([*first.pages, *second.pages])
    tops = page_tops(joined.pages)
    alone = page_tops(second.pages)
    tail = tops[len(first.pages) :]
    assert [(t.anchor, t.offset, t.text) for t in tail] == [(t.anchor, t.offset, t.text) for t in alone]
    assert tail[0].anchor == "y-b0" and tail[0].offset == 0


def test_a_page_that_begins_with_a_named_article_picture_gets_its_marker_before_the_figure(
    mini_issue: Path, tmp_path: Path
) -> None:
    """Print names an article picture ``<article>-<name>`` (stable while blocks move), not
    ``<article>-b<index>``: the page it begins still maps to its block, and the EPUB's page
    marker stands right before that figure."""
    from qhgy_publish.load import load_issue
    from qhgy_publish.render import print_pdf
    from qhgy_publish.render.epub import render_epub
    from qhgy_publish.render.epub_pages import place_pages
    from qhgy_publish.transforms import apply_transforms

    shutil.copy(TALL_PHOTO, mini_issue / "images")
    speech = mini_issue / "articles" / "010-heci.md"
    head, first, rest = speech.read_text(encoding="utf-8").split("\n\n", 2)
    # After the title and the first paragraph a picture of a whole page's height cannot follow
    # on the same page of this one-column speech: it begins the next one.
    picture = '![德令哈光热电站吸热塔](images/delingha-ta.jpg "吸热塔高约200米。"){#ta}'
    speech.write_text("\n\n".join([head, first, picture, rest]), encoding="utf-8")
    issue = apply_transforms(load_issue(mini_issue))
    article = next(a for a in issue.all_articles if a.id == "010-heci")
    assert article.blocks[1].name == "ta"

    layout = print_pdf.layout(issue)
    starts = [s.page for s in layout.page_map if s.top.kind == "picture" and s.top.anchor == "010-heci-ta"]
    assert len(starts) == 1
    folio = starts[0]
    places = place_pages(issue, layout.page_map)
    assert places.at("block", "010-heci", 1) == [folio]
    assert places.problems == []

    book = tmp_path / "book.epub"
    render_epub(issue, book, page_map=layout.page_map, embed_fonts=False)
    with zipfile.ZipFile(book) as z:
        root = etree.fromstring(z.read("EPUB/a-010-heci.xhtml"))
    marker = root.xpath(f"//*[@id='page-{folio}']")[0]
    figure = marker.getnext()
    assert etree.QName(figure).localname == "figure" and figure.get("id") == "010-heci-b1"
    assert figure.find("{http://www.w3.org/1999/xhtml}img").get("alt") == "德令哈光热电站吸热塔"
