"""Page make-up an editor signs off (issue 12), measured on the PDF of both issues.

Every test reads the print PDF through :mod:`qhgy_publish.check.makeup`, which
places each glyph in the type area of ``layouts/house.toml``; nothing here
looks at our HTML. Each runs on the sample issue and on the test issue
2025-06, so nothing is tuned to the sample.
"""

from __future__ import annotations

import re
import statistics

import pytest

from qhgy_publish import words
from qhgy_publish.check import makeup
from qhgy_publish.model import Figure, Heading, Note, Paragraph, Profile

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
FULL_WIDTH_MARKS = set("，。、：；！？“”‘’（）《》〈〉【】「」『』〔〕〖〗")


@pytest.fixture(scope="session")
def scans(both_issues) -> list[makeup.PageScan]:  # type: ignore[no-untyped-def]
    return makeup.scan(both_issues.print_pdf)


def _default_jieba():  # type: ignore[no-untyped-def]
    import jieba

    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def test_display_text_breaks_between_words_only(both_issues, scans) -> None:
    """No wrapped title, heading, contents entry, byline, credit or caption breaks inside a word —
    as the build's own dictionary cuts it, nor as plain jieba does — or leaves one character alone."""
    words.use_issue_words(words.issue_words(both_issues.issue))
    inside, alone = makeup.display_breaks(scans, words.words_of)
    plain = _default_jieba()
    inside_plain, _ = makeup.display_breaks(scans, lambda text: list(plain.cut(text, HMM=True)))
    assert inside == [], "\n".join(map(str, inside))
    assert inside_plain == [], "\n".join(map(str, inside_plain))
    assert alone == [], "\n".join(map(str, alone))


def test_no_inner_page_left_near_empty(both_issues, scans) -> None:
    """Every inner page's content reaches at least half-way down the type area, but the deliberate
    学习笔记 pages, which the build reports."""
    empty = makeup.near_empty(scans)
    assert empty == [], [f"p.{v.folio}: {v.fill:.0%}" for v in empty]
    notes = [v.folio for v in scans if v.kind == "notes"]
    assert notes == both_issues.result.layout.makeup.notes_pages


def test_headings_and_titles_keep_three_lines_of_their_text(scans) -> None:
    stranded = makeup.stranded_headings(scans)
    assert stranded == [], "\n".join(map(str, stranded))


def test_justified_lines_end_on_their_column_edge(scans) -> None:
    off, past, _ = makeup.edges(scans)
    assert past == [], "\n".join(map(str, past))
    assert off == [], "\n".join(map(str, off))


def test_loose_lines_are_few_and_each_reported(both_issues, scans) -> None:
    """A line spread more than 0.15 em between characters is one no rule could help, and the
    build's make-up report names it on its page."""
    _, _, loose = makeup.edges(scans)
    judged = sum(justified for view in scans if view.kind == "inner" for _, justified, _ in makeup.justified_lines(view))
    assert len(loose) <= judged * 0.01, "\n".join(map(str, loose))
    reported = both_issues.result.layout.makeup.loose_lines()
    folio = {view.index: view.folio for view in scans}
    by_page: dict[int, int] = {}
    for fault in loose:
        if fault.spacing > makeup.LOOSE_EM + 0.01:
            by_page[folio[fault.page]] = by_page.get(folio[fault.page], 0) + 1
    unreported = {page: n for page, n in by_page.items() if reported.get(page, 0) < n}
    assert unreported == {}, unreported


def _blocks(article) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(where, text) of everything the print edition sets for an article, in order."""
    m = article.meta
    out = [(f"{article.path.name}: title", m.title)]
    for block in article.blocks:
        where = f"{block.loc}"
        if isinstance(block, Paragraph | Heading):
            out.append((where, block.text))
        elif isinstance(block, Note | Profile):
            out += [(f"{p.loc}", p.text) for p in block.paragraphs]
        elif isinstance(block, Figure) and block.caption:
            out.append((where, block.caption))
    if m.source:
        out.append((f"{article.path.name}: source", m.source))
    if m.credit:
        out.append((f"{article.path.name}: credit", m.credit))
    return out


def test_every_line_of_the_sources_is_printed(both_issues, scans) -> None:
    """The Han text of every block of every article is in the PDF, in order (the 封三 letter's
    source line among them)."""
    stream = makeup.han_text(scans, small=False)  # text of body size, paragraphs whole across pages
    small = makeup.han_text(scans, small=True)  # captions and other small print
    missing = []
    for article in both_issues.issue.all_articles:
        position = 0
        for where, text in _blocks(article):
            han = "".join(HAN.findall(text))
            if not han:
                continue
            found = stream.find(han, position)
            if found < 0:
                found = stream.find(han)
                if found < 0:
                    if han not in small:
                        missing.append(f"{where}: {text[:30]}")
                    continue
            position = found + len(han) if found >= position else position
    assert missing == [], "\n".join(missing)


def test_contents_entries_have_leaders_and_stay_in_one_column(both_issues, scans) -> None:
    """Every article has one contents entry ending in leaders and its page number; an entry never
    continues at the top of the other column."""
    contents = [v for v in scans if v.kind == "contents"]
    entries = [
        line
        for v in contents
        for line in v.lines
        if line.role == "body" and abs(line.size - 9) < 0.5 and re.search(r"\d+$", line.text)
    ]
    articles = both_issues.issue.body_articles
    assert len(entries) == len(articles), [line.text for line in entries]
    without = [line.text for line in entries if not re.search(r"··\s*\d+$", line.text)]
    assert without == []
    for view in contents:
        for column in (0, 1):
            lines = sorted((line for line in view.lines if line.column == column), key=lambda line: line.baseline)
            body = [line for line in lines if line.role == "body" and abs(line.size - 9) < 0.5]
            if body:  # the column's last entry line carries its number: nothing runs on elsewhere
                assert re.search(r"\d+$", body[-1].text), body[-1].text


def test_facing_columns_share_one_baseline_grid(scans) -> None:
    """Wherever two columns stand side by side (profile cards, news, reports), the body lines of
    both stand on one baseline grid: a whole number of line pitches apart, never half a line."""
    from qhgy_publish.house import house

    pitch = house().line_pt
    off_grid = []
    for view, band in makeup.inner_bands(scans):
        phase = {}
        for column in (0, 1):
            body = [line for line in band if line.column == column and line.is_body]
            if len(body) >= 2:
                phase[column] = statistics.median((line.baseline - view.area[1]) % pitch for line in body)
        if len(phase) == 2:
            delta = abs(phase[0] - phase[1]) % pitch
            if min(delta, pitch - delta) > 0.5:
                off_grid.append((view.folio, round(delta, 2), band[0].text[:10]))
    assert off_grid == []


def test_every_line_keeps_its_column_grid(scans) -> None:
    """A line with a 黑体 lead or a 楷体 credit is as tall as any other, and a 楷体 line whose
    compressed marks are set in the body face stands on its own face's baseline: in every
    column each line of body text is a whole number of line pitches below the first, and each
    line of a 编者按 below the one before (before the fix 91 and 222 lines were off)."""
    assert makeup.off_grid(scans) == []


def test_an_article_ends_in_balanced_columns(scans) -> None:
    """Where an article ends in two columns short of the page foot, they end within two lines of
    each other (what two-line widow and orphan limits can leave), pictures aside."""
    assert makeup.unbalanced_endings(scans) == []


def test_a_picture_leaves_no_hole_in_a_column_set_that_ends_mid_page(scans) -> None:
    """A picture that found no room at the foot of the column before it moves down the flow or up
    to open that column (render/makeup/rules.py), so an article's columns end within three lines
    of each other, pictures included (the test issue's 花土沟 picture left nine before)."""
    assert makeup.picture_holes(scans) == []


def test_a_picture_far_below_the_text_beside_it_is_set_lower_or_reported(both_issues, scans) -> None:
    """A tall picture a column wide that stands to the page foot beside an article's last lines
    (the test issue's 德令哈 tower, 1:3, 220 mm high) is set lower, down to half its height, to
    end with the text; where it still stands out three lines or more, the make-up report names the
    page (M-007, with what to do): the pages the PDF shows, and no other."""
    shown = sorted(int(m) for m in re.findall(r"p\.(\d+):", "\n".join(makeup.pictures_beside_text(scans))))
    report = both_issues.result.layout.makeup.as_dict()
    reported = sorted(p["page"] for p in report["problems"] if p["kind"] == "picture-beside")
    assert reported == shown
    fitted = [a for a in report["actions"] if a["kind"] == "figure-fit" and "delingha-ta" in a["target"]]
    assert bool(fitted) is (both_issues.issue.id == "2025-06")


def test_headings_are_never_spread_out(scans) -> None:
    """A two-line heading's first line is set solid, not justified across the column (a run-in
    lead that fills a line is justified with its paragraph: its next line is body text)."""

    def heading(line: makeup.Line) -> bool:
        return all(g.role == "heading" for g in line.glyphs) and abs(line.size - 10.5) < 0.3

    first_lines = []
    for view in scans:
        if view.kind != "inner":
            continue
        for line in view.lines:
            below = [o for o in view.lines if o.column == line.column and 0 < o.baseline - line.baseline < 25]
            if heading(line) and below and heading(min(below, key=lambda o: o.baseline)):
                first_lines.append(line)
    assert len(first_lines) >= 4, "both issues have headings of two lines"
    spread = [f"p.{line.page}: {line.text}" for line in first_lines if line.spacing() > 0.02]
    assert spread == []


def test_latin_text_set_as_a_chinese_typesetter_would(scans) -> None:
    """Between full-width punctuation and a Latin letter or digit there is no gap (> 1 pt), and the
    letters and digits of one Latin word are never spread apart (> 0.8 pt), the pinyin masthead aside."""
    near_mark, spread = [], []
    for view in scans:
        if view.kind == "cover":
            continue
        for line in view.lines:
            for a, b in zip(line.glyphs, line.glyphs[1:], strict=False):
                gap = b.x0 - a.x1
                latin_a, latin_b = a.char.isascii() and a.char.isalnum(), b.char.isascii() and b.char.isalnum()
                beside_mark = (a.char in FULL_WIDTH_MARKS and latin_b) or (latin_a and b.char in FULL_WIDTH_MARKS)
                if beside_mark and gap > 1.0:
                    near_mark.append(f"p.{view.folio}: {a.char}{b.char} {gap:.2f} pt in …{line.text[-20:]}")
                if latin_a and latin_b and not a.space_after and gap > 0.8:
                    spread.append(f"p.{view.folio}: {a.char}{b.char} {gap:.2f} pt in …{line.text[-20:]}")
    assert near_mark == []
    assert spread == []


def test_addresses_print_exactly_as_written(both_issues, scans) -> None:
    """Every URL and e-mail address of the sources is in the PDF's text character for character,
    with no space or break character inside, wherever its line breaks."""
    from qhgy_publish.render.cjk_markup import LATIN_RUN

    text = makeup.reading_text(scans)
    addresses = [
        m.group()
        for article in both_issues.issue.all_articles
        for block in article.blocks
        for m in LATIN_RUN.finditer(getattr(block, "text", "") or "")
        if m.lastgroup in ("url", "email")
    ]
    assert addresses or both_issues.issue.id == "2025-01"
    missing = [a for a in addresses if a not in text]
    assert missing == []


def test_no_hole_above_or_below_a_picture(scans) -> None:
    """No column keeps an empty stretch of more than three lines above or below a picture: a picture
    that found no room at a column's foot moved down the flow and text filled the space."""
    from qhgy_publish.house import house

    pitch = house().line_pt
    holes = []
    for view in scans:
        if view.kind != "inner":
            continue
        _, _, x1, bottom = view.area
        middle = (view.columns[0][1] + view.columns[-1][0]) / 2 if len(view.columns) > 1 else x1
        for image in view.images:
            ix0, itop, ix1, ibottom = image
            if ix1 - ix0 < 20:  # a rule or an ornament, not a picture
                continue
            column = None if ix0 < middle < ix1 else 0 if ix1 <= middle else 1
            # A picture across both columns has both above and below it; one in a column, its own.
            lines = [line for line in view.lines if column is None or line.column in (column, None)]
            above = [line.bottom for line in lines if line.bottom <= itop + 1]
            caption = [line for line in lines if ibottom - 1 <= line.top <= ibottom + 2 * pitch and line.size < 10]
            end = max([ibottom, *(line.bottom for line in caption)])
            below = [line.top for line in lines if line.top >= end - 1 and line not in caption]
            gap_above = itop - max(above) if above else 0.0
            if not above and column == 1:
                left = [line.bottom for line in view.lines if line.column == 0 and line.bottom < ibottom + 1]
                gap_above = bottom - max(left) if left else 0.0
            gap_below = min(below) - end if below else 0.0
            for where, gap in (("above", gap_above), ("below", gap_below)):
                if gap > 3.5 * pitch:
                    holes.append(f"p.{view.folio}: {gap / pitch:.1f} lines empty {where} a picture")
    assert holes == []


def test_qhgy_check_lists_what_the_make_up_did_where_the_pdf_shows_it(both_issues, scans) -> None:
    """The build's make-up report reaches `qhgy check`: every 补白 it says it placed stands on that
    page of the PDF, and the 学习笔记 pages it names are the PDF's."""
    from qhgy_publish.check import makeup_findings

    out = both_issues.print_pdf.parent
    findings = makeup_findings(out / f"qhgy-{both_issues.issue.id}-makeup.json")
    assert findings, "the build leaves its make-up report beside the outputs"
    text = {view.folio: "".join(line.text for line in view.lines) for view in scans if view.folio}
    fills = {f.id: f for f in both_issues.issue.fillers}
    placed = [f for f in findings if f.code == "M-100" and "补白 placed" in f.message]
    assert placed, "both issues have pages the make-up fills with 补白"
    for finding in placed:
        page = int(str(finding.where).removeprefix("page "))
        ids = finding.message.rsplit("(", 1)[1].rstrip(")").split(",")
        for filler_id in ids:
            first = fills[filler_id].meta.title or fills[filler_id].blocks[0].text
            assert re.sub(r"\s", "", first)[:6] in text[page], (page, filler_id)
    notes = [v.folio for v in scans if v.kind == "notes"]
    assert bool(notes) == any(f.code == "M-003" for f in findings)


def test_a_credit_on_a_line_of_its_own_stands_flush_right(both_issues, scans) -> None:
    """A news item's credit （省总办公室） that does not fit on the last line of the text is set on a
    line of its own at the right edge of its column — never at the start of a line, where it would
    read as the first words of a new paragraph."""
    credits = {f"（{a.meta.credit}）" for a in both_issues.issue.body_articles if a.meta.credit}
    alone = [
        (view.index, line)
        for view in scans
        if view.kind == "inner"
        for line in view.lines
        if line.text.strip() in credits
    ]
    assert alone, "no credit stands on a line of its own: the test found nothing to judge"
    left = [
        f"PDF page {page + 1}: {line.text} ends {view_edge - line.x1:.1f} pt short of the column edge"
        for page, line in alone
        for view_edge in [scans[page].column_edge(line)]
        if view_edge - line.x1 > 1.0
    ]
    assert left == [], "\n".join(left)


def test_no_loose_line_beside_a_half_width_picture(second) -> None:
    """The narrow measure beside a {size=half} picture holds about ten characters: a number or a
    quoted word that may not break would leave a line there spread by an em. The make-up moves the
    picture down the text until no such line is left."""
    blocks = [b for a in second.issue.body_articles for b in a.blocks]
    assert any(isinstance(b, Figure) and b.size.value == "half" for b in blocks), "the test issue lost its half-width pictures"
    scans = makeup.scan(second.print_pdf)
    _, _, loose = makeup.edges(scans)
    beside = []
    for fault in loose:
        view = scans[fault.page]
        for x0, top, _x1, bottom in view.images:
            line = next((ln for ln in view.lines if ln.text == fault.text), None)
            if line is not None and top - 1 <= line.top <= bottom and line.x1 <= x0 + 1:
                beside.append(f"PDF page {fault.page + 1}: “{fault.text}” spread {fault.spacing} em")
    assert beside == [], "\n".join(beside)
