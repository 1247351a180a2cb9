"""`qhgy import`: real .docx manuscripts (python-docx) → articles the build loads and prints."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from PIL import Image

from qhgy_publish.load.article import load_article, split_front_matter
from qhgy_publish.model import Figure, Heading, Note, Paragraph
from qhgy_publish.workflow.importer import next_number, pinyin_slug
from qhgy_publish.workflow.word import libreoffice

from .manuscripts import Para, Picture, Table, add_comment, add_tracked_changes, from_sample, han, make_docx

SAMPLE = Path(__file__).resolve().parents[2] / "content" / "2025-01"


def front(path: Path) -> dict:
    parts = split_front_matter(path.read_text(encoding="utf-8"))
    assert parts, path
    return yaml.safe_load(parts[0])


def imported(issue: Path, result) -> Path:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    match = re.search(r"(?:wrote|replaced) (\S+\.md)", result.output)
    assert match, result.output
    path = Path(match.group(1))
    return path if path.is_absolute() else Path.cwd() / path


# ------------------------------------------------- the sample's own text


@pytest.fixture(scope="module")
def sample_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("sample") / "2025-01"
    shutil.copytree(SAMPLE, target)
    return target


@pytest.mark.parametrize(
    "stem",
    [
        "080-wangdongming-jianghua",
        "230-qige-laolao-bawo",
        "120-wuxuhui",
        "030-zhongjiwei-quanhui",
        "000-yuandan-xianci",
        "900-chunjie-weiwenxin",
    ],
    ids=["speech", "report-with-headings", "news-with-credit", "kicker-and-subtitle", "editorial", "letter"],
)
def test_sample_manuscripts_come_back_as_the_editors_wrote_them(
    stem: str, sample_copy: Path, tmp_path: Path, run_cli
) -> None:
    """The sample's articles, saved as Word files as contributors send them, import to the same sources."""
    original = SAMPLE / "articles" / f"{stem}.md"
    want = front(original)
    docx = make_docx(tmp_path / f"{stem}.docx", from_sample(original, SAMPLE))
    where = ["--column", want["column"]] if "column" in want else ["--placement", want["placement"]]
    path = imported(sample_copy, run_cli("import", docx, "--into", sample_copy, *where))
    got = front(path)
    keys = ("title", "kicker", "subtitle", "bylines", "dateline", "salutation", "signature", "date")
    for key in (*keys, "source", "credit", "kind", "column", "placement"):
        assert got.get(key) == want.get(key), key
    assert bool(got.get("source_block")) == bool(want.get("source_block"))
    columns = yaml.safe_load((sample_copy / "issue.yaml").read_text(encoding="utf-8"))["columns"]
    new, errors = load_article(path, sample_copy, columns)
    old, _ = load_article(original, SAMPLE, columns)
    assert new is not None, errors
    assert old is not None
    assert [(b.level, b.text) for b in new.blocks if isinstance(b, Heading)] == [
        (b.level, b.text) for b in old.blocks if isinstance(b, Heading)
    ]
    leads = lambda a: [b.runs[0].text for b in a.blocks if isinstance(b, Paragraph) and b.runs[0].strong]  # noqa: E731
    assert leads(new) == leads(old)
    assert han("".join(b.text for b in new.blocks if isinstance(b, Paragraph))) == han(
        "".join(b.text for b in old.blocks if isinstance(b, Paragraph))
    )
    path.unlink()


# ------------------------------------------------------- every construct

CONSTRUCTS = [
    Para("新春走基层", size=14, align="center"),
    Para("送温暖到一线 暖心惠民生", bold=True, size=18, align="center"),
    Para("——记海西州总工会冬季送温暖活动", size=14, align="center"),
    Para("文/张三 李四", align="center"),
    Para("（来源：《青海工人报》2025年1月10日）", align="center"),
    Para("【编者按】为展示基层工会的好做法，现刊发如下。", indent=False),
    Para("1月8日，海西州总工会走进德令哈市 ,开展“送温暖”活动(第二批)。", footnote="海西蒙古族藏族自治州。"),
    Para("一、主要做法"),
    Para("（一）走访慰问"),
    Para("一是精准摸排。各级工会逐户走访困难职工，建立台账。", bold=2),
    Picture(size=(2400, 1600), width_mm=60, alt="图片 1"),
    Para("图为工会干部为一线职工送去慰问品。", align="center", size=9),
    Para("二是及时慰问。共走访慰问职工320人，发放慰问金15万元。（海西州总工会）", bold=2),
]


@pytest.fixture(scope="module")
def constructs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The manuscript with every construct, imported into a copy of the mini issue."""
    from click.testing import CliRunner

    from qhgy_publish.cli import main

    base = tmp_path_factory.mktemp("constructs")
    issue = base / "2025-02"
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures" / "mini-issue", issue)
    docx = make_docx(base / "新视点-海西.docx", CONSTRUCTS)
    result = CliRunner().invoke(main, ["import", str(docx), "--into", str(issue)], catch_exceptions=False)
    return issue, docx, imported(issue, result)


def test_every_construct_is_recognised(constructs) -> None:  # type: ignore[no-untyped-def]
    issue, _, path = constructs
    meta = front(path)
    assert meta["column"] == "新视点"  # from the file name
    assert meta["kicker"] == "新春走基层"
    assert meta["title"] == "送温暖到一线 暖心惠民生"
    assert meta["subtitle"] == "——记海西州总工会冬季送温暖活动"
    assert meta["bylines"] == [{"name": "张三"}, {"name": "李四"}]
    assert meta["source"] == "《青海工人报》2025年1月10日"
    assert not meta.get("source_block")  # under the title in Word: printed run in at the end
    assert meta["credit"] == "海西州总工会"
    article, errors = load_article(path, issue, ["学习强国", "新视点"])
    assert article is not None, errors
    kinds = [type(b).__name__ for b in article.blocks]
    assert kinds == ["Note", "Paragraph", "Heading", "Heading", "Paragraph", "Figure", "Paragraph", "Note"]
    note, first, h1, h2, lead, figure, last, footnotes = article.blocks
    assert isinstance(note, Note) and note.paragraphs[0].text.startswith("【编者按】")
    assert isinstance(h1, Heading) and (h1.level, h1.text) == (1, "一、主要做法")
    assert isinstance(h2, Heading) and (h2.level, h2.text) == (2, "（一）走访慰问")
    assert isinstance(lead, Paragraph) and lead.runs[0].strong and lead.runs[0].text == "一是"
    # Normalised as the build does: the half-width comma and brackets become full-width, the space goes.
    assert isinstance(first, Paragraph)
    assert first.text == "1月8日，海西州总工会走进德令哈市，开展“送温暖”活动（第二批）。①"
    assert isinstance(footnotes, Note) and footnotes.paragraphs[-1].text == "①海西蒙古族藏族自治州。"
    assert isinstance(last, Paragraph) and last.text.endswith("发放慰问金15万元。")  # the credit moved out
    assert isinstance(figure, Figure) and figure.caption == "图为工会干部为一线职工送去慰问品。"
    assert figure.alt == "工会干部为一线职工送去慰问品"  # Word's “图片 1” says nothing; the caption does
    with Image.open(figure.src) as im:
        assert im.size == (2400, 1600)  # the embedded file, not the 60 mm it was shown at


def test_the_report_names_each_guess_with_its_word_paragraph(
    tmp_path: Path, mini_issue: Path, run_cli
) -> None:
    docx = make_docx(tmp_path / "m.docx", CONSTRUCTS)
    result = run_cli("import", docx, "--into", mini_issue, "--column", "新视点", "--dry-run")
    assert result.exit_code == 0, result.output
    for line in (
        r"¶1 kicker\s+新春走基层",
        r"¶4 byline\s+文/张三 李四",
        r"¶8 heading1\s+一、主要做法",
        r"bold lead\s+¶10 一是",
        r"¶13 credit",
    ):
        assert re.search(line, result.output), line
    assert not list((mini_issue / "articles").glob("*haixi*")), "a dry run writes nothing"


def test_the_imported_article_builds_with_the_manuscripts_han_text(constructs, tmp_path: Path) -> None:
    """Built into a PDF, the article's pages hold every paragraph of the manuscript's Han text,
    whole and once (the make-up may run another article on beside it)."""
    from qhgy_publish.check import makeup
    from qhgy_publish.pipeline import build_issue, output_path

    issue, _, path = constructs
    result = build_issue(issue, tmp_path, targets=["print"])
    assert result.layout is not None
    pages = result.layout.article_pages
    folio = pages[path.stem]
    following = min((f for a, f in pages.items() if f > folio), default=10**6)
    scans = [v for v in makeup.scan(output_path(tmp_path, result.issue, "print")) if v.folio and folio <= v.folio <= following]
    printed = makeup.han_text(scans, small=False) + makeup.han_text(scans, small=True)
    # “文/” becomes the house style's □; the footnotes are printed under the heading 注释.
    for para in CONSTRUCTS:
        if not isinstance(para, Para):
            continue
        body, credit = re.match(r"(.*?)((?:（[^（）]*）)?)$", para.text.replace("文/", "")).groups()
        for text in (body, credit, para.footnote or ""):  # the credit prints after the source line
            wanted = han(text)
            if len(wanted) > 8:  # a sentence: once, whole (a short name may stand in a title too)
                assert printed.count(wanted) == 1, text
            elif wanted:
                assert wanted in printed, text
    assert "注释" in printed


def test_a_rerun_with_flags_replaces_the_earlier_import(tmp_path: Path, mini_issue: Path, run_cli) -> None:
    docx = make_docx(tmp_path / "稿件.docx", CONSTRUCTS)
    first = imported(mini_issue, run_cli("import", docx, "--into", mini_issue, "--column", "新视点"))
    assert front(first)["kicker"] == "新春走基层"
    again = imported(
        mini_issue,
        run_cli(
            "import",
            docx,
            "--into",
            mini_issue,
            "--column",
            "新视点",
            "--as",
            "1=skip",
            "--as",
            "8=body",
            "--slug",
            "haixi-songwennuan",
            "--byline",
            "州总工会 张三",
        ),
    )
    assert not first.exists() and again.name == f"{first.name[:3]}-haixi-songwennuan.md"
    meta = front(again)
    assert "kicker" not in meta
    assert meta["bylines"] == [{"position": "州总工会", "name": "张三"}]
    assert "## 一、主要做法" not in again.read_text(encoding="utf-8")
    assert "\n一、主要做法\n" in again.read_text(encoding="utf-8")
    assert len(list((mini_issue / "articles").glob("*.md"))) == 4
    assert [p.name for p in (mini_issue / "images").glob("haixi-*")] == ["haixi-songwennuan-1.jpg"]


def test_a_folder_imports_in_one_command(tmp_path: Path, mini_issue: Path, run_cli) -> None:
    folder = tmp_path / "学习强国"
    folder.mkdir()
    make_docx(folder / "a.docx", [Para("第一篇稿件的标题", bold=True), Para("正文第一段。" * 5)])
    make_docx(folder / "b.docx", [Para("第二篇稿件的标题", bold=True), Para("正文第二段。" * 5)])
    (folder / "~$a.docx").write_bytes(b"lock")  # Word's lock file is no manuscript
    result = run_cli("import", folder, "--into", mini_issue)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (mini_issue / "articles").glob("*.md"))
    # 学习强国 ends at 010 and 新视点 starts at 020: the slots between keep the folder in printed order.
    assert names == [
        "010-heci.md",
        "015-diyi-piangao-jiande.md",
        "016-dier-piangao-jiande.md",
        "020-dongtai.md",
        "030-fengcai.md",
    ]
    assert front(mini_issue / "articles" / "015-diyi-piangao-jiande.md")["column"] == "学习强国"


# --------------------------------------------------------------- refusals


def test_a_table_is_refused_with_where_it_is(tmp_path: Path, mini_issue: Path, run_cli) -> None:
    docx = make_docx(
        tmp_path / "t.docx",
        [
            Para("标题", bold=True),
            Para("各州市慰问情况如下表。"),
            Table([["州市", "人数"], ["西宁", "320"]]),
            Para("完。"),
        ],
    )
    result = run_cli("import", docx, "--into", mini_issue, "--column", "新视点")
    assert result.exit_code == 1
    assert (
        "表1 (2 rows × 2 columns, first row “州市 | 人数”) after ¶2 “各州市慰问情况如下表。”" in result.output
    )
    assert "docs/import.md" in result.output
    assert len(list((mini_issue / "articles").glob("*.md"))) == 3


def test_tracked_changes_are_refused(tmp_path: Path, mini_issue: Path, run_cli) -> None:
    docx = make_docx(tmp_path / "r.docx", [Para("标题", bold=True), Para("正文第一段。")])
    add_tracked_changes(docx, 1, "新增的话", "删去的话")
    result = run_cli("import", docx, "--into", mini_issue, "--column", "新视点")
    assert result.exit_code == 1
    assert "tracked changes (修订)" in result.output and "“正文第一段。新增的话删去的话”" in result.output
    assert "接受 or 拒绝" in result.output


def test_comments_are_refused(tmp_path: Path, mini_issue: Path, run_cli) -> None:
    docx = make_docx(tmp_path / "c.docx", [Para("标题", bold=True), Para("正文第一段。")])
    add_comment(docx, 1, "这句再斟酌")
    result = run_cli("import", docx, "--into", mini_issue, "--column", "新视点")
    assert result.exit_code == 1
    assert "comments (批注)" in result.output and "tracked changes" not in result.output


def test_a_legacy_doc_needs_libreoffice_or_says_how_to_save_as_docx(
    tmp_path: Path, mini_issue: Path, run_cli
) -> None:
    docx = make_docx(tmp_path / "old.docx", [Para("旧格式稿件", bold=True), Para("正文第一段。" * 3)])
    office = libreoffice()
    if office:  # the real conversion, both ways
        import subprocess

        subprocess.run([office, "--headless", "--convert-to", "doc", "--outdir", tmp_path, docx], check=True)
        doc = tmp_path / "old.doc"
    else:  # a Word 97 file starts with the OLE signature; without LibreOffice it is refused by name
        doc = tmp_path / "old.doc"
        doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    result = run_cli("import", doc, "--into", mini_issue, "--column", "新视点")
    if office:
        assert result.exit_code == 0, result.output
        assert "jiugeshi-gaojian" in result.output
    else:
        assert result.exit_code == 1
        assert "LibreOffice is not installed" in result.output and "另存为" in result.output


def test_not_a_word_file(tmp_path: Path, mini_issue: Path, run_cli) -> None:
    bad = tmp_path / "x.docx"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("hello.txt", "not word")
    result = run_cli("import", bad, "--into", mini_issue, "--column", "新视点")
    assert result.exit_code == 1 and "not a Word .docx file" in result.output


def test_no_column_says_which_exist(tmp_path: Path, mini_issue: Path, run_cli) -> None:
    docx = make_docx(tmp_path / "x.docx", [Para("标题", bold=True), Para("正文。")])
    result = run_cli("import", docx, "--into", mini_issue)
    assert result.exit_code == 1 and "学习强国、新视点" in result.output


# ------------------------------------------------------------ file names


def test_slug_is_the_titles_pinyin_two_syllables_a_word() -> None:
    assert pinyin_slug("西宁市总工会提升爱心服务“温度”", set()) == "xining-shizong-gonghui"
    assert pinyin_slug("西宁市总工会", {"xining-shizong-gonghui"}) == "xining-shizong-gonghui-2"
    assert pinyin_slug("2025年务虚会", set()) == "2025-nianwu-xuhui"


def test_number_is_the_columns_next_free_slot(mini_issue: Path) -> None:
    assert next_number(mini_issue, "学习强国", ["学习强国", "新视点"]) == 15  # between 010 and 新视点's 020
    assert next_number(mini_issue, "新视点", ["学习强国", "新视点"]) == 40


def test_a_gif_or_bmp_picture_becomes_a_png_of_the_same_size(
    tmp_path: Path, mini_issue: Path, run_cli
) -> None:
    docx = make_docx(
        tmp_path / "g.docx",
        [
            Para("标题", bold=True),
            Para("正文第一段。"),
            Picture(size=(900, 600), format="BMP"),
            Para("图为现场。", align="center"),
        ],
    )
    path = imported(mini_issue, run_cli("import", docx, "--into", mini_issue, "--column", "新视点"))
    (image,) = (mini_issue / "images").glob(f"{path.stem.split('-', 1)[1]}-*")
    with Image.open(image) as im:
        assert (im.format, im.size) == ("PNG", (900, 600))


def test_word_heading_styles_become_the_two_heading_levels(tmp_path: Path, mini_issue: Path, run_cli) -> None:
    """A manuscript typed with Word's own styles: Title, then Heading 1 and Heading 2 for its sections."""
    docx = make_docx(
        tmp_path / "styled.docx",
        [
            Para("关于加强职工之家建设的调研报告", style="Title"),
            Para("为深入了解基层职工之家建设情况，调研组赴各地开展调研。"),
            Para("基本情况", style="Heading 1"),
            Para("全省共建成职工之家一千余个。"),
            Para("存在的问题", style="Heading 1"),
            Para("部分职工之家利用率不高", style="Heading 2"),
            Para("有的职工之家建成后使用不多。"),
        ],
    )
    path = imported(mini_issue, run_cli("import", docx, "--into", mini_issue, "--column", "新视点"))
    article, errors = load_article(path, mini_issue, ["学习强国", "新视点"])
    assert article is not None, errors
    assert article.meta.title == "关于加强职工之家建设的调研报告"
    assert [(b.level, b.text) for b in article.blocks if isinstance(b, Heading)] == [
        (1, "基本情况"),
        (1, "存在的问题"),
        (2, "部分职工之家利用率不高"),
    ]
