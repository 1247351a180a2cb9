"""Fixtures of the press tests: small issues rendered by WeasyPrint with the real faces.

Each PDF is made once per session in a temporary folder: a *good* one through
render.press_pdf (PDF/X-4, FOGRA39 intent; slug and crop marks by render.press_finish) that the preflight
must pass without a word, and *bad* ones that each break the rules on purpose.
Pictures are generated here (Pillow), so no binary fixture is committed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image

if TYPE_CHECKING:
    from weasyprint import Document

TRIM = "size: 210mm 285mm; bleed: 3mm;"
FACES = """
body { margin: 0; font-family: "Noto Serif CJK SC"; font-size: 10.5pt; line-height: 1.6; }
h1, h2 { font-family: "Noto Sans CJK SC"; font-weight: bold; }
.kai { font-family: "LXGW WenKai"; }
"""
BODY = "青海工运坚持以职工为中心，推动产业工人队伍建设改革，2025年开局良好。" * 8


def picture(path: Path, size: tuple[int, int], mode: str = "RGB") -> Path:
    """A gradient picture (JPEG compresses it small; not flat, so conversions are visible)."""
    w, h = size
    im = Image.linear_gradient("L").resize((w, h))
    if mode == "L":
        out = im
    else:
        out = Image.merge(
            "RGB", (im, im.transpose(Image.Transpose.FLIP_LEFT_RIGHT), Image.new("L", (w, h), 90))
        )
        if mode == "RGBA":
            out = out.convert("RGBA")
            out.putalpha(Image.new("L", (w, h), 200))
    out.save(path)
    return path


def lay_out(html: str, base: Path, *, press: bool = True, css: str = "") -> Document:
    """Lay ``html`` out; ``press``: with press.css loaded as the build loads it."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from qhgy_publish.paths import LAYOUTS_DIR
    from qhgy_publish.render.fetcher import ClosedFetcher
    from qhgy_publish.render.weasy import print_stylesheet

    profiles: dict = {}
    sheets = [CSS(string=FACES + css)]
    if press:
        fetcher = ClosedFetcher([LAYOUTS_DIR])
        sheets.append(print_stylesheet(LAYOUTS_DIR / "print" / "press.css", fetcher, FontConfiguration(), profiles))
    return HTML(string=html, base_url=str(base) + "/").render(stylesheets=sheets, color_profiles=profiles)


def render(
    html: str,
    target: Path,
    *,
    press: bool = True,
    finish: bool = True,
    variant: str | None = "pdf/x-4",
    css: str = "",
) -> Path:
    """Render ``html`` to ``target``; ``press``: through press.css and render.press_pdf
    (``finish``: the whole way; else WeasyPrint's file only, as ``variant``)."""
    from qhgy_publish.render import press_pdf

    doc = lay_out(html, target.parent, press=press, css=css)
    if press and finish:
        return press_pdf.write_press_pdf(doc, target)
    options = press_pdf.press_write_options() if press else {}
    if variant is None:
        options.pop("pdf_variant", None)
        options.pop("finisher", None)
    else:
        options["pdf_variant"] = variant
    doc.write_pdf(target, **options)
    return target


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("press")


@pytest.fixture(scope="session")
def good_document(workdir: Path) -> Document:
    """Four pages as the print shop wants them: full-bleed cover, text in three faces,
    a 300+ dpi CMYK picture, running heads and folios, a link (removed by the post-step)."""
    from qhgy_publish.render.press_images import to_print_image

    photo = to_print_image(picture(workdir / "photo.png", (640, 480), "RGBA"), workdir / "cache")
    cover = to_print_image(picture(workdir / "cover.jpg", (2560, 3450)), workdir / "cache")
    html = f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>青海工运 测试</title>
<style>
@page {{ {TRIM} margin: 22mm 20mm;
  @top-center {{ content: "青海工运"; font-family: "Noto Sans CJK SC"; font-size: 8pt; }}
  @bottom-center {{ content: counter(page); font-family: "Noto Sans CJK SC"; font-size: 9pt; }} }}
@page cover {{ margin: 0; background: url({cover.as_uri()}) no-repeat -3mm -3mm / 216mm 291mm;
  @top-center {{ content: none; }} @bottom-center {{ content: none; }} }}
.cover {{ page: cover; padding: 30mm 20mm; }}
.cover h1 {{ font-size: 48pt; color: device-cmyk(0 1 1 0.1); margin: 0; }}
.page {{ break-before: page; }}
img {{ width: 50mm; }}
</style></head><body>
<section class="cover"><h1>青海工运</h1><p class="kai">2025年第1期</p></section>
<section class="page"><h2 id="a">学习强国</h2><p>{BODY}</p><p class="kai">□ 作者 王大南</p>
<p><a href="#b">见下文</a></p><img src="{photo.as_uri()}" alt="照片"></section>
<section class="page"><h2>工作研究</h2><p>{BODY}</p><hr><p>{BODY}</p></section>
<section class="page"><h2 id="b">基层活动</h2><p>{BODY}</p><p class="kai">（来源：《青海工人报》）</p></section>
</body></html>"""
    return lay_out(html, workdir)


@pytest.fixture(scope="session")
def good_pdf(good_document: Document, workdir: Path) -> Path:
    """The good pages written as the press PDF."""
    from qhgy_publish.render.press_pdf import write_press_pdf

    return write_press_pdf(good_document, workdir / "good.pdf")


@pytest.fixture(scope="session")
def bad_pdf(workdir: Path) -> Path:
    """Five pages through the press path, each breaking rules on purpose (see test_preflight)."""
    from qhgy_publish.render.press_images import to_print_image

    tiny = picture(workdir / "tiny.png", (100, 80))  # RGB, 50 mm wide: 51 dpi
    mid = to_print_image(picture(workdir / "mid.png", (500, 400)), workdir / "cache")  # CMYK, 254 dpi
    html = f"""<!doctype html><html><head><meta charset="utf-8"><title>坏样张</title>
<style>
@page {{ {TRIM} margin: 20mm; }}
.page {{ break-before: page; position: relative; }}
img {{ width: 50mm; display: block; }}
.near {{ position: absolute; left: -18.5mm; top: 0; }}
.cut {{ position: absolute; left: -22mm; top: 20mm; }}
.rgb {{ color: rgb(0, 0, 0); }}
.rich {{ color: device-cmyk(0.6 0.4 0.4 1); }}
</style></head><body>
<section><p>低分辨率图片</p><img src="{tiny.as_uri()}"><img src="{mid.as_uri()}"></section>
<section class="page"><p class="near">近边</p><p class="cut">出血</p><p>缺字\ue000</p></section>
<section class="page"><p class="rgb">RGB黑色文字</p><p class="rich">四色黑文字</p></section>
<section class="page"></section>
<section class="page"><p>第五页</p></section>
</body></html>"""
    return render(html, workdir / "bad.pdf")


@pytest.fixture
def edit_good(good_pdf: Path, tmp_path: Path) -> Callable[[Callable], Path]:
    """Copy the good PDF, apply ``change(pdf)`` with pikepdf, return the edited file."""
    import pikepdf

    def edit(change: Callable[[pikepdf.Pdf], None]) -> Path:
        target = tmp_path / "edited.pdf"
        with pikepdf.open(good_pdf) as pdf:
            change(pdf)
            pdf.save(target)
        return target

    return edit
