"""The print PDF, read back with pikepdf, pdfplumber and poppler — never trusted from our HTML."""

from __future__ import annotations

import re
import subprocess

import pdfplumber
import pikepdf
import pytest

from qhgy_publish.check.typography import measure
from tests.seed import contents

MM = 72 / 25.4


def test_boxes_trim_bleed_and_slug(sample) -> None:
    with pikepdf.open(sample.print_pdf) as pdf:
        assert len(pdf.pages) % 4 == 0
        for page in pdf.pages:
            trim = [float(v) for v in page.obj.TrimBox]
            bleed = [float(v) for v in page.obj.BleedBox]
            media = [float(v) for v in page.obj.MediaBox]
            assert trim[2] - trim[0] == pytest.approx(210 * MM, abs=0.1)
            assert trim[3] - trim[1] == pytest.approx(285 * MM, abs=0.1)
            for t, b, sign in zip(trim, bleed, (-1, -1, 1, 1), strict=True):
                assert b - t == pytest.approx(sign * 3 * MM, abs=0.1)
            assert (
                media[0] <= bleed[0]
                and media[1] <= bleed[1]
                and media[2] >= bleed[2]
                and media[3] >= bleed[3]
            )


def test_pdfx_output_intent(sample) -> None:
    with pikepdf.open(sample.print_pdf) as pdf:
        intents = list(pdf.Root.OutputIntents)
        assert len(intents) == 1
        assert intents[0].S == "/GTS_PDFX"
        assert intents[0].DestOutputProfile.N == 4
        assert str(intents[0].OutputConditionIdentifier) == "FOGRA39"
        assert pdf.open_metadata().get("pdfxid:GTS_PDFXVersion") == "PDF/X-4"


def test_every_font_embedded_as_subset(sample) -> None:
    out = subprocess.run(
        ["pdffonts", str(sample.print_pdf)], capture_output=True, text=True, check=True
    ).stdout
    rows = out.splitlines()[2:]
    assert rows, out
    for row in rows:
        emb, sub = row.split()[-5:-3]
        assert (emb, sub) == ("yes", "yes"), row
    names = " ".join(rows)
    for family in ("QHGY-Body", "QHGY-Title", "QHGY-Heading", "QHGY-Kai"):
        assert family in names  # each role's own face drew text; no fallback face
    assert "DejaVu" not in names


def test_black_text_is_k_only(sample) -> None:
    with pikepdf.open(sample.print_pdf) as pdf:
        for page in list(pdf.pages)[4:12]:
            ops = {str(op) for _, op in pikepdf.parse_content_stream(page)}
            assert "rg" not in ops and "RG" not in ops  # no DeviceRGB colour for text


def _start_pages_read_from_pdf(sample) -> dict[str, int]:
    """Folio where each article's title is set, found by reading the title-size text of every page."""
    found: dict[str, int] = {}
    start = sample.contents_index
    pages = sample.pages("print")
    for index in range(start + 2, len(pages)):
        chars = [c for c in pages[index].chars if c["size"] >= 14]
        text = re.sub(r"\s+", "", "".join(c["text"] for c in chars))
        for article in sample.issue.body_articles:
            key = re.sub(r"\s+", "", article.title_text)[:12]
            if article.id not in found and key in text:
                found[article.id] = index - start + 1
    return found


def test_contents_page_numbers_are_where_articles_start(sample) -> None:
    starts = _start_pages_read_from_pdf(sample)
    assert len(starts) == len(sample.issue.body_articles)
    contents_text = ""
    with pdfplumber.open(sample.screen_pdf) as pdf:  # same pages, cut to the trim: plain coordinates
        for index in (sample.contents_index, sample.contents_index + 1):
            page = pdf.pages[index]
            body = page.height - 20 * MM  # above the folio
            for half in ((0, 0, page.width / 2, body), (page.width / 2, 0, page.width, body)):
                contents_text += re.sub(r"\s+", "", page.crop(half).extract_text() or "")
    for article in sample.issue.body_articles:
        title = re.sub(r"\s+", "", article.contents_title)
        author = f"/{article.contents_author.replace(' ', '')}" if article.contents_author else ""
        match = re.search(re.escape(title) + re.escape(author) + r"[·.]*(\d+)", contents_text)
        assert match, f"{article.id} not found in the contents"
        assert int(match.group(1)) == starts[article.id], article.id


def test_fidelity_to_the_printed_issue(sample, capsys) -> None:
    """Fidelity table: printed start page (seed contents) against ours: all 47 within ±1, ≥ 40 exact."""
    starts = _start_pages_read_from_pdf(sample)
    rows, within, exact = [], 0, 0
    for entry, article in zip(contents(), sample.issue.body_articles, strict=True):
        ours = starts[article.id]
        within += abs(ours - entry.page) <= 1
        exact += ours == entry.page
        rows.append(f"{entry.page:>4} {ours:>4} {ours - entry.page:+d}  {article.contents_title[:30]}")
    with capsys.disabled():
        print("\nprinted  ours  Δ  article\n" + "\n".join(rows) + f"\nwithin ±1: {within}/47, exact: {exact}")
    assert within == 47
    assert exact >= 40
    interior = len(sample.page_texts) - 4
    assert abs(interior - 78) <= 4


def test_running_heads_and_folios(sample) -> None:
    issue = sample.issue
    starts = _start_pages_read_from_pdf(sample)
    column_of = {}
    for column in issue.columns:
        for article in column.articles:
            column_of[starts[article.id]] = column.name
    # Positions are read from the screen PDF: the same laid-out pages, cut to the trim,
    # so coordinates are the page's own (the print PDF's slug shifts pdfplumber's origin).
    pages = sample.pages("screen")
    width = pages[0].width
    current_column = None
    last_body = len(pages) - 2  # 封三, 封四
    for index in range(sample.contents_index + 2, last_body):
        folio = index - sample.contents_index + 1
        current_column = column_of.get(folio, current_column)
        page = pages[index]
        head = "".join(c["text"] for c in page.chars if c["top"] < 22 * MM and c["size"] < 9)
        foot = [c for c in page.chars if c["top"] > page.height - 20 * MM and c["text"].isdigit()]
        if "学习笔记" in sample.page_texts[index]:
            continue  # deliberate 学习笔记 pages carry a folio but no head
        assert "".join(c["text"] for c in foot) == str(folio), f"folio on page {folio}"
        outer_left = folio % 2 == 0
        assert (foot[0]["x0"] < width / 2) == outer_left, f"folio of page {folio} not on the outer edge"
        if outer_left:
            assert "青海工运" in head and "2025年第1期" in head, f"page {folio}: {head}"
        else:
            assert current_column and current_column in head, (
                f"page {folio}: {head!r} (栏目 {current_column})"
            )
    for index in (0, 1, len(pages) - 2, len(pages) - 1):
        page = pages[index]
        assert not [
            c
            for c in page.chars
            if c["top"] > page.height - 20 * MM and c["size"] == 9 and c["text"].isdigit()
        ]


def test_chinese_typography_on_the_pdf(sample) -> None:
    report = measure(sample.print_pdf)
    assert report.bad_starts == [] and report.bad_ends == []
    assert report.pairs > 300
    assert report.compressed_ratio >= 0.95, report.summary()
    assert report.judged > 3000
    assert len(report.ragged) / report.judged < 0.01, report.summary()


def test_screen_pdf_is_trimmed_tagged_and_bookmarked(sample) -> None:
    with pikepdf.open(sample.screen_pdf) as pdf:
        page = pdf.pages[5]
        assert [round(float(v), 1) for v in page.obj.MediaBox] == [
            round(float(v), 1) for v in page.obj.TrimBox
        ]
        assert "/StructTreeRoot" in pdf.Root
        assert str(pdf.Root.Lang) == "zh-CN"
        outline = [item.title for item in pdf.open_outline().root]
        assert "目录" in outline
        for column in sample.issue.columns:
            assert column.name in outline
        assert pdf.docinfo.Title == "青海工运 2025年第1期"


def _pages(path) -> list[tuple[list[float], str]]:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    pages = [
        ([round(v, 2) for v in page.get_mediabox()], page.get_textpage().get_text_range())
        for page in pdf
    ]
    pdf.close()
    return pages


def test_the_forked_writer_writes_what_an_in_process_write_gives(sample, tmp_path) -> None:
    """The build writes the screen PDF in a forked process while it writes the press PDF (the fast
    path); written here the plain way, from the same layout, it must have the same pages."""
    from qhgy_publish.render.print_pdf import write_screen_pdf

    reference = write_screen_pdf(sample.result.layout, tmp_path / "screen.pdf")
    fast, plain = _pages(sample.screen_pdf), _pages(reference)
    assert len(fast) == len(plain) == sample.result.layout.page_count
    assert fast == plain


def test_titles_and_headings_leave_no_character_alone(sample) -> None:
    """Titles, kickers, subtitles and 一、 headings that wrap are balanced: no last line of one or
    two characters (WeasyPrint has no text-wrap: balance; render/weasy_cjk_patch.py adds it)."""
    short = []
    pages = sample.pages("screen")
    for index in range(2, len(pages) - 2):
        page = pages[index]
        display = [
            c for c in page.chars
            if c["top"] > 22 * MM and c["text"].strip()
            and (c["size"] >= 14.9 or (c["size"] >= 11.9 and "Heading" in c["fontname"]))
        ]
        lines: dict[tuple[float, float], list[str]] = {}
        for c in display:
            lines.setdefault((round(c["top"]), c["size"]), []).append(c["text"])
        tops = sorted(lines)
        for (top, size), chars in lines.items():
            # a last line: another line of the same size stands just above it
            above = [t for t, s in tops if s == size and 0 < top - t < 2 * size]
            if above and len(chars) <= 2:
                short.append((index, "".join(lines[(above[-1], size)]), "".join(chars)))
    assert not short, short


def test_both_pdfs_deflate_at_zlibs_default_level(sample) -> None:
    """pydyf deflates at level 9 (render/pdf_deflate.py): four times the time for 1 % smaller
    files. Each font program WeasyPrint wrote is read back and deflated again at both levels."""
    import zlib

    for path in (sample.print_pdf, sample.screen_pdf):
        with pikepdf.open(path) as pdf:
            programs = [
                obj[key]
                for obj in pdf.objects
                if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.FontDescriptor
                for key in ("/FontFile2", "/FontFile3")
                if key in obj
            ]
            assert len(programs) >= 4, path  # the four roles' faces at least
            for program in programs:
                data, raw = program.read_bytes(), program.read_raw_bytes()
                assert raw == zlib.compress(data, 6), (path, program.objgen)
            assert any(zlib.compress(p.read_bytes(), 9) != p.read_raw_bytes() for p in programs)
