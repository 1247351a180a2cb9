"""The press PDF (render.press_pdf, press_finish, press_images): what the print shop receives —
boxes, slug, crop marks, intent, fonts, colour, pictures; and the screen PDF's cut to the trim."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from qhgy_publish.paths import LAYOUTS_DIR
from qhgy_publish.render import press_finish, press_images, press_pdf, screen_pdf

from .conftest import FACES, picture

MM = 72 / 25.4
TRIM = (0.0, 0.0, 210 * MM, 285 * MM)


def _box(page: pikepdf.Page, name: str) -> list[float]:
    return [float(v) for v in page.obj[name]]


def _grow(box: tuple[float, ...] | list[float], mm: float) -> list[float]:
    d = mm * MM
    return [box[0] - d, box[1] - d, box[2] + d, box[3] + d]


def test_boxes_are_exact_in_mm(good_pdf: Path) -> None:
    with pikepdf.open(good_pdf) as pdf:
        assert len(pdf.pages) == 4
        for page in pdf.pages:
            assert _box(page, "/TrimBox") == pytest.approx(TRIM, abs=0.01)
            assert _box(page, "/BleedBox") == pytest.approx(_grow(TRIM, 3), abs=0.01)
            assert _box(page, "/MediaBox") == pytest.approx(_grow(TRIM, press_finish.SLUG_MM), abs=0.01)
            assert "/CropBox" not in page.obj and "/ArtBox" not in page.obj


def _mark_segments(page: pikepdf.Page) -> tuple[list[tuple[float, float, float, float]], dict]:
    """Segments stroked in the registration colour, and the graphics state they were drawn with."""
    space = None
    segments: list[tuple[float, float, float, float]] = []
    state: dict = {}
    start = None
    for item in pikepdf.parse_content_stream(page):
        op, args = str(item.operator), list(item.operands)
        if op == "CS":
            spaces = page.obj.Resources.ColorSpace
            space = (
                spaces[args[0]] if args[0] in spaces and str(spaces[args[0]][0]) == "/Separation" else None
            )
            if space is not None:
                state["space"] = space
        elif op == "w":
            state["width"] = float(args[0])
        elif op == "m" and space is not None:
            start = (float(args[0]), float(args[1]))
        elif op == "l" and start is not None:
            segments.append((*start, float(args[0]), float(args[1])))
            start = None
        elif op == "SCN":
            state["tint"] = [float(v) for v in args]
    return segments, state


def test_crop_marks_sit_in_the_slug_outside_the_bleed(good_pdf: Path) -> None:
    with pikepdf.open(good_pdf) as pdf:
        for page in pdf.pages:
            segments, state = _mark_segments(page)
            assert len(segments) == 8
            assert str(state["space"][0]) == "/Separation" and str(state["space"][1]) == "/All"
            assert state["tint"] == [1.0] and state["width"] == press_finish.MARK_WIDTH_PT
            bleed, media = _box(page, "/BleedBox"), _box(page, "/MediaBox")
            half = state["width"] / 2
            for x0, y0, x1, y1 in segments:
                lo_x, hi_x, lo_y, hi_y = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
                # on a trim line, continuing it outwards
                on = lambda v, edges: min(abs(v - e) for e in edges) < 0.001  # noqa: E731
                assert (y0 == y1 and on(y0, TRIM[1::2])) or (x0 == x1 and on(x0, TRIM[0::2]))
                # never inside the bleed (stroke width included), never beyond the media
                outside = (
                    hi_x + (0 if y0 == y1 else half) < bleed[0]
                    or lo_x - (0 if y0 == y1 else half) > bleed[2]
                    or hi_y + (0 if x0 == x1 else half) < bleed[1]
                    or lo_y - (0 if x0 == x1 else half) > bleed[3]
                )
                assert outside, (x0, y0, x1, y1)
                assert media[0] <= lo_x and hi_x <= media[2] and media[1] <= lo_y and hi_y <= media[3]
                gap = min(abs(v - b) for v in (x0, x1, y0, y1) for b in bleed if abs(v - b) > 0.001)
                assert gap >= press_finish.MARK_GAP_MM * MM - 0.01


def test_crop_marks_render_clear_of_the_bleed(good_pdf: Path, tmp_path: Path) -> None:
    """On the raster: marks are dark in the slug; the 1 mm gap before the bleed stays white,
    while the cover's picture fills the bleed to its edge."""
    subprocess.run(
        ["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", str(good_pdf), str(tmp_path / "p")],
        check=True,
    )
    im = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    px = 100 / 25.4  # pixels per mm; the image's origin is the media's top-left corner, 10 mm before the trim

    def at(x_mm: float, y_mm: float) -> int:
        return im.getpixel((round(x_mm * px), round(y_mm * px)))

    top_trim = 10.0  # trim edge, from the media's top
    assert at(2.5, top_trim) < 128  # horizontal mark, 1.5–5.5 mm from the media edge
    assert at(top_trim, 2.5) < 128  # vertical mark
    assert at(6.5, top_trim) > 240  # the gap between mark and bleed
    assert at(7.5, 20) < 200  # the picture runs into the bleed
    assert at(6.5, 20) > 240  # and stops at its edge: nothing strays into the slug


def test_output_intent_is_fogra39_cmyk(good_pdf: Path) -> None:
    with pikepdf.open(good_pdf) as pdf:
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1
        intent = intents[0]
        assert intent.S == "/GTS_PDFX"
        assert str(intent.OutputConditionIdentifier) == "FOGRA39"
        assert str(intent.RegistryName) == "http://www.color.org"
        profile = intent.DestOutputProfile
        assert int(profile.N) == 4
        header = profile.read_bytes()[:20]
        assert header[12:16] == b"prtr" and header[16:20] == b"CMYK"
        assert pdf.pdf_version == "1.6"
        with pdf.open_metadata() as meta:
            assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"
        assert pdf.docinfo.Trapped == "/False"


def test_pdffonts_every_font_embedded_as_subset(good_pdf: Path) -> None:
    out = subprocess.run(["pdffonts", str(good_pdf)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    names = " ".join(row[0] for row in rows)
    assert "Noto-Serif-CJK-SC" in names and "Noto-Sans-CJK-SC" in names and "WenKai" in names
    for row in rows:
        emb, sub, uni = row[-5:-2]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row


def test_black_text_is_k_only_without_rgb_operators(good_pdf: Path) -> None:
    with pikepdf.open(good_pdf) as pdf:
        seen_k = False
        for page in pdf.pages:
            fill = None
            for item in pikepdf.parse_content_stream(page):
                op = str(item.operator)
                assert op not in ("rg", "RG"), f"RGB operator on page {page.index + 1}"
                if op == "cs":
                    assert str(item.operands[0]) != "/DeviceRGB"
                if op in ("scn", "sc", "k"):
                    fill = [float(v) for v in item.operands]
                if op == "TJ" and fill == [0, 0, 0, 1]:
                    seen_k = True
        assert seen_k


def test_links_are_removed_and_pictures_are_cmyk_without_profile_copies(good_pdf: Path) -> None:
    with pikepdf.open(good_pdf) as pdf:
        assert all("/Annots" not in page.obj for page in pdf.pages)
        images = [
            obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
        ]
        photos = [im for im in images if im.get("/ColorSpace") == "/DeviceCMYK"]
        assert len(photos) == 2
        for image in photos:
            assert b"ICC_PROFILE" not in image.read_raw_bytes()[:2000]


def test_finish_press_pdf_twice_changes_nothing(good_pdf: Path, tmp_path: Path) -> None:
    copy = tmp_path / "again.pdf"
    shutil.copy(good_pdf, copy)
    press_finish.finish_press_pdf(copy)
    with pikepdf.open(good_pdf) as a, pikepdf.open(copy) as b:
        for pa, pb in zip(a.pages, b.pages, strict=True):
            assert len(pikepdf.parse_content_stream(pa)) == len(pikepdf.parse_content_stream(pb))
            assert _box(pa, "/MediaBox") == _box(pb, "/MediaBox")


def test_finisher_refuses_a_stylesheet_that_lost_its_profile(tmp_path: Path) -> None:
    """The trap of the notes: a CSS() built without the render's color_profiles drops the intent."""
    from weasyprint import CSS, HTML

    target = tmp_path / "x.pdf"
    target.write_bytes(b"previous build")
    doc = HTML(string="<title>t</title><p>字</p>").render(
        stylesheets=[CSS(string=FACES), CSS(filename=str(LAYOUTS_DIR / "print" / "press.css"))], color_profiles={}
    )
    with pytest.raises(press_pdf.PressError, match="no CMYK output intent"):
        press_pdf.write_press_pdf(doc, target)
    assert target.read_bytes() == b"previous build"  # atomic: the old file survives
    assert [p.name for p in tmp_path.iterdir()] == ["x.pdf"]


def test_to_print_image_makes_cached_cmyk_jpegs(tmp_path: Path) -> None:
    src = picture(tmp_path / "a.png", (64, 48), "RGBA")
    cache = tmp_path / "cache"
    out = press_images.to_print_image(src, cache)
    with Image.open(out) as im:
        assert (im.format, im.mode, im.size) == ("JPEG", "CMYK", (64, 48))
        assert im.info["icc_profile"] == press_images.PROFILE_PATH.read_bytes()
    stamp = out.stat().st_mtime_ns
    assert press_images.to_print_image(src, cache) == out and out.stat().st_mtime_ns == stamp  # cache hit
    picture(src, (64, 48), "RGB")  # the editor replaces the picture: a new file, never the stale one
    assert press_images.to_print_image(src, cache) != out
    grey = press_images.to_print_image(picture(tmp_path / "g.png", (32, 32), "L"), cache)
    with Image.open(grey) as im:
        assert im.mode == "L"  # K plate only
    assert not list(cache.glob(".*.tmp"))


def test_to_print_image_converts_colour_not_just_channels(tmp_path: Path) -> None:
    red = tmp_path / "red.png"
    Image.new("RGB", (8, 8), (230, 0, 18)).save(red)
    with Image.open(press_images.to_print_image(red, tmp_path)) as im:
        c, m, y, k = im.getpixel((4, 4))
    assert c < 20 and m > 220 and y > 180 and k < 40  # a press red, not naive 255-RGB


def test_the_screen_pdf_is_cut_to_the_trim_without_the_press_claims(good_document, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The same pages written as the screen PDF's writer writes them, then cut: a reading copy
    that must not pass for a press file."""
    target = tmp_path / "screen.pdf"
    good_document.write_pdf(target, **screen_pdf.SCREEN_WRITE_OPTIONS)
    with pikepdf.open(target, allow_overwriting_input=True) as pdf:
        assert "/OutputIntents" in pdf.Root and "/BleedBox" in pdf.pages[0].obj  # what the cut removes
        screen_pdf.cut_to_trim(pdf)
        pdf.save(target)
    with pikepdf.open(target) as pdf:
        assert "/OutputIntents" not in pdf.Root
        with pdf.open_metadata() as meta:
            assert "pdfxid:GTS_PDFXVersion" not in meta
        for page in pdf.pages:
            assert _box(page, "/MediaBox") == pytest.approx(TRIM, abs=0.01)
            assert _box(page, "/CropBox") == pytest.approx(TRIM, abs=0.01)
            assert "/BleedBox" not in page.obj


def test_the_layout_reads_each_picture_as_its_press_version(mini_issue: Path) -> None:
    """The pictures stage: the build's fetcher serves a CMYK JPEG in FOGRA39 for an RGB picture of
    the issue, and any other file as it is."""
    from qhgy_publish.load import load_issue
    from qhgy_publish.render.weasy import fetcher_for

    issue = load_issue(mini_issue)
    fetcher = fetcher_for(issue)
    photo = picture(issue.root / "images" / "photo.png", (64, 48), "RGB")
    with Image.open(io.BytesIO(fetcher.fetch(photo.as_uri()).read())) as served:
        assert (served.format, served.mode) == ("JPEG", "CMYK")
        assert served.info["icc_profile"] == press_images.PROFILE_PATH.read_bytes()
    yaml = issue.root / "issue.yaml"
    assert fetcher.fetch(yaml.as_uri()).read() == yaml.read_bytes()
