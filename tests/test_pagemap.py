"""Where pages begin, read from WeasyPrint's laid-out boxes (render/pagemap.py), on small real layouts."""

from __future__ import annotations

import base64
import io

from PIL import Image
from weasyprint import HTML

from qhgy_publish.render.pagemap import page_tops, significant

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
