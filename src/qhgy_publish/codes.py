"""Every finding code of the project, in one registry: what it means, how grave, who finds it.

A code never changes meaning; a new check takes a new code. ``docs/checks.md``
is generated from this table (``qhgy codes --write docs/checks.md``, and a test holds the two
equal), and the tests prove that every code here fires on some test input.

Families, as in Standard Ebooks' lint: S- the sources (loading and
``qhgy check``), T- typing and punctuation of the sources, G- glyphs no face
draws, P- the print PDF, E- EPUBCheck's own message ids, M- the print
make-up's report, F- the final build.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    code: str
    severity: str  # the usual one: "error", "warning", "info", or "warning or error"
    summary: str
    zh: str  # the same in Chinese, one line: what the preview shows editors beside the message


FAMILIES: dict[str, tuple[str, str]] = {
    # prefix: (title, who finds them)
    "S": ("Sources", "loading the issue (errors stop `qhgy build` and `qhgy check`) and the source checks"),
    "T": ("Typing and punctuation", "the source checks, on the text as typed, before the transforms"),
    "G": ("Glyphs", "the build and `qhgy check`, before the layout: a character no embedded face draws"),
    "P": ("Print PDF", "`qhgy check` and `python -m qhgy_publish.check.pdf`, reading the press PDF"),
    "E": ("EPUB", "`qhgy check`: EPUBCheck's own message id follows the E-, e.g. E-RSC-005"),
    "M": ("Make-up", "`qhgy check`, from the make-up report the build writes beside the PDFs"),
    "F": ("Final build", "`qhgy build --final`, on top of every other code"),
}


def _c(code: str, severity: str, summary: str, zh: str) -> Code:
    return Code(code, severity, summary, zh)


_ALL: tuple[Code, ...] = (
    _c("S-000", "error", "the issue folder does not exist", "期刊文件夹不存在"),
    _c("S-001", "error", "no issue.yaml in the issue folder", "期刊文件夹里没有 issue.yaml"),
    _c("S-002", "error", "issue.yaml is not a list of “key: value” lines", "issue.yaml 不是“键: 值”的格式"),
    _c("S-003", "error", "the issue has no articles, or none stands in a 栏目", "本期没有文章，或没有一篇文章属于某个栏目"),
    _c(
        "S-004",
        "error", "a source cannot be opened, or a folder leads outside the issue folder",
        "源文件打不开，或文件夹通过链接指到了期刊文件夹之外",
    ),
    _c("S-010", "error", "a value of issue.yaml is missing or of the wrong kind", "issue.yaml 缺少某项，或某项的值类型不对"),
    _c("S-011", "error", "a 栏目 is listed twice in issue.yaml", "issue.yaml 中同一栏目列了两次"),
    _c("S-012", "error", "a placeholder names no key of issue.yaml", "placeholders 中的占位项不是 issue.yaml 的键"),
    _c("S-013", "error", "the cover picture is missing or cannot be read", "封面图片缺失或无法读取"),
    _c("S-014", "warning", "a 栏目 has no article this issue and is left out", "本期该栏目没有文章，不印出"),
    _c("S-015", "error", "issue.yaml's year or number disagrees with the folder's name", "issue.yaml 的年份或期号与文件夹名不符"),
    _c("S-016", "error", "a 栏目's page budget (pages:) is not a whole number above 0", "栏目的页数预算（pages:）不是大于 0 的整数"),
    _c("S-100", "error", "a source file is not UTF-8 text", "源文件不是 UTF-8 文本"),
    _c("S-101", "error", "malformed YAML", "YAML 格式错误"),
    _c("S-102", "error", "a YAML key is written twice", "YAML 中同一个键写了两次"),
    _c("S-103", "error", "a YAML alias (*name) repeats another value", "YAML 别名（*名称）重复了另一个值"),
    _c("S-104", "error", "YAML values nested too deep", "YAML 嵌套过深"),
    _c("S-105", "error", "a date that is not in the calendar", "日历上没有这一天"),
    _c("S-120", "error", "an article without front matter", "文章没有文首设置（front matter）"),
    _c("S-121", "error", "the front matter is not a list of “key: value” lines", "文首设置不是“键: 值”的格式"),
    _c("S-122", "error", "a front-matter value is missing or of the wrong kind", "文首设置缺少某项，或某项的值类型不对"),
    _c("S-123", "error", "an article names no 栏目 (column:)", "文章没有指定栏目（column:）"),
    _c("S-124", "error", "an article names a 栏目 issue.yaml does not list", "文章的栏目不在 issue.yaml 的栏目表中"),
    _c("S-125", "error", "two articles share a title", "两篇文章标题相同"),
    _c("S-126", "error", "two article files share a name", "两个文章文件同名"),
    _c("S-130", "error", "an article without text", "文章没有正文"),
    _c(
        "S-140",
        "error", "Markdown the house does not print (unsupported markup, bad headings, notes, cards)",
        "本刊不排印的 Markdown 写法（不支持的标记、标题层级、注释、卡片）",
    ),
    _c("S-150", "error", "a picture that is missing or outside the issue folder", "图片缺失，或在期刊文件夹之外"),
    _c("S-151", "error", "a picture without alt text", "图片没有替代文字"),
    _c("S-152", "error", "a picture that cannot be read (not an image, truncated, too large)", "图片无法读取（不是图片、文件不全或过大）"),
    _c(
        "S-153",
        "error", "a picture attribute that cannot be read ({size=…}, {height=…}, names)",
        "图片属性无法识别（{size=…}、{height=…}、名称）",
    ),
    _c("S-155", "warning", "a picture printed smaller than asked, and why", "图片印得比要求的小，并说明原因"),
    _c("S-156", "warning", "a picture below 300 dpi at its printed size", "图片按印刷尺寸不足 300 dpi"),
    _c("S-157", "warning", "size attributes on a profile card's photo, which are ignored", "人物卡片照片上的尺寸属性会被忽略"),
    _c(
        "S-158",
        "warning", "(`qhgy build`) a picture the layout did not place whole in the type area",
        "（qhgy build）排版未能把图片完整放进版心",
    ),
    _c("S-160", "error", "a source file larger than the limit", "源文件超过大小上限"),
    _c("S-161", "error", "a paragraph longer than the limit", "段落超过长度上限"),
    _c("S-162", "error", "an article longer than the limit", "文章超过长度上限"),
    _c("S-163", "error", "more article files than an issue may hold", "文章文件数超过一期的上限"),
    _c("S-164", "error", "more pictures than an issue may hold", "图片数超过一期的上限"),
    _c("S-165", "error", "blocks (> or :::) nested too deep", "块（> 或 :::）嵌套过深"),
    _c("S-166", "error", "the article files together larger than the limit", "文章文件合计超过大小上限"),
    _c("S-167", "error", "a paragraph with more Markdown marks than the limit", "段落中的 Markdown 标记数超过上限"),
    _c("S-180", "error", "a 补白 without front matter", "补白没有文首设置"),
    _c("S-181", "error", "a 补白's front-matter value is missing or of the wrong kind", "补白的文首设置缺少某项，或某项的值类型不对"),
    _c("S-182", "error", "a 补白 names a 栏目 issue.yaml does not list", "补白的栏目不在 issue.yaml 的栏目表中"),
    _c("S-183", "error", "a 补白 without text", "补白没有正文"),
    _c("S-184", "error", "the fillers folder leads outside the issue folder", "补白文件夹指到了期刊文件夹之外"),
    _c("S-185", "error", "more 补白 files than an issue may hold", "补白文件数超过一期的上限"),
    _c("S-201", "warning", "a key of issue.yaml listed as a placeholder", "issue.yaml 中标为占位的值（待确认）"),
    _c("S-202", "warning", "a photo marked as a placeholder", "标为占位的照片（待替换）"),
    _c("S-203", "warning", "a placeholder article, or “待补” in a printed value", "占位文章，或印出的内容里还有“待补”"),
    _c(
        "S-210",
        "error", "a word an internal periodical may not print about itself (《内部资料性出版物管理办法》)",
        "内部资料性出版物不得自称的用语（《内部资料性出版物管理办法》）",
    ),
    _c("S-211", "warning", "a word the wording rules advise against in this field", "用语规范不建议在此处使用的词"),
    _c("S-220", "warning", "a contents title that has drifted from the article's title", "目录标题与文章标题不一致"),
    _c("S-221", "error", "a title that stands twice in the contents", "目录中同一标题出现两次"),
    _c("S-230", "warning", "alt text that only repeats the name or caption beside the photo", "替代文字只重复了旁边的人名或图注"),
    _c(
        "T-301",
        "info or warning", "half-width punctuation in Chinese text (info when the build fixes it)",
        "中文中的半角标点（构建会自动改正时为说明）",
    ),
    _c("T-302", "info", "a stray space in Chinese text (the build leaves it out)", "中文中多余的空格（构建会去掉）"),
    _c("T-303", "warning", "a quote or bracket that closes nothing or is never closed", "引号或括号没有配对"),
    _c("T-304", "warning", "dates mixing 〇 (U+3007) and ○ (U+25CB)", "日期中混用〇（U+3007）和○（U+25CB）"),
    _c("G-001", "error", "a character the face of its font role cannot draw", "该字体角色的字体缺这个字"),
    _c("P-000", "error", "the PDF cannot be read", "PDF 无法读取"),
    _c("P-001", "error", "no PDF/X (GTS_PDFX) output intent", "没有 PDF/X（GTS_PDFX）输出意图"),
    _c("P-002", "error", "more than one PDF/X output intent", "PDF/X 输出意图不止一个"),
    _c("P-003", "error", "output intent profile missing or not CMYK (N = 4)", "输出意图的色彩特性文件缺失或不是 CMYK（N = 4）"),
    _c("P-004", "error", "output intent without OutputConditionIdentifier", "输出意图缺少 OutputConditionIdentifier"),
    _c("P-005", "info", "output intent without RegistryName", "输出意图缺少 RegistryName"),
    _c("P-006", "error", "no PDF/X version key", "缺少 PDF/X 版本键"),
    _c("P-007", "warning", "PDF version does not match the PDF/X variant", "PDF 版本与 PDF/X 类型不符"),
    _c("P-008", "error", "Trapped missing or Unknown", "Trapped 缺失或为 Unknown"),
    _c("P-009", "error", "no document title", "没有文档标题"),
    _c("P-010", "error", "no trailer /ID", "文件尾没有 /ID"),
    _c("P-011", "error", "page without TrimBox, or with TrimBox and ArtBox", "页面没有 TrimBox，或同时有 TrimBox 和 ArtBox"),
    _c("P-012", "error", "trim size differs from the magazine's", "成品尺寸与本刊不符"),
    _c("P-013", "error", "BleedBox missing or bleed differs from 3 mm", "缺少 BleedBox，或出血不是 3 毫米"),
    _c("P-014", "error", "boxes not nested (TrimBox ⊆ BleedBox ⊆ MediaBox)", "页面框未逐层包含（TrimBox ⊆ BleedBox ⊆ MediaBox）"),
    _c("P-015", "warning", "no slug or no crop marks outside the bleed", "出血外没有版签或裁切线"),
    _c("P-020", "error", "font not embedded", "字体未嵌入"),
    _c("P-021", "warning", "font embedded in full, not as a subset", "字体整套嵌入，未取子集"),
    _c("P-022", "error", "OpenType font program in a PDF older than 1.6", "低于 PDF 1.6 的文件中用了 OpenType 字体"),
    _c("P-023", "error", "missing glyph (.notdef) drawn", "画出了缺字符号（.notdef）"),
    _c("P-030", "error", "picture below 150 dpi at its placed size", "图片按放置尺寸低于 150 dpi"),
    _c("P-031", "warning", "picture below 300 dpi at its placed size", "图片按放置尺寸低于 300 dpi"),
    _c("P-032", "error", "DeviceRGB picture", "DeviceRGB 图片"),
    _c("P-033", "warning or error", "ICC-based RGB or Lab picture", "ICC RGB 或 Lab 图片"),
    _c("P-034", "error", "transparency in a PDF/X-1a or X-3 file", "PDF/X-1a 或 X-3 文件中有透明"),
    _c("P-040", "error", "page count not a multiple of 4", "页数不是 4 的倍数"),
    _c("P-041", "warning", "text within 3 mm of the trim", "文字离裁切线不到 3 毫米"),
    _c("P-042", "error", "text crosses the trim", "文字越过裁切线"),
    _c("P-043", "info", "empty page", "空白页"),
    _c("P-044", "error", "DeviceRGB colour in page content", "页面内容中有 DeviceRGB 颜色"),
    _c("P-045", "warning", "black text not in K only", "黑色文字不是单黑（K）"),
    _c("P-046", "error", "annotation inside the bleed", "出血区内有注释"),
    _c("P-047", "warning or error", "ICC-based RGB or Lab colour in page content", "页面内容中有 ICC RGB 或 Lab 颜色"),
    _c(
        "E-*",
        "as EPUBCheck says", "any EPUBCheck message; its id follows the E- (FATAL/ERROR → error, USAGE → info)",
        "EPUBCheck 报告的问题，E- 后为其消息编号",
    ),
    _c("M-001", "warning", "a page the make-up could not fill", "拼版未能填满的页"),
    _c("M-002", "warning", "a loose line the make-up could not tighten", "拼版未能收紧的松行"),
    _c("M-003", "info", "学习笔记 pages added to make the page count a multiple of 4", "为使页数为 4 的倍数而加的学习笔记页"),
    _c("M-004", "info", "补白 the make-up did not use", "拼版没有用上的补白"),
    _c("M-005", "warning", "a 栏目 takes more pages than its budget in issue.yaml", "栏目页数超出 issue.yaml 中的预算"),
    _c("M-006", "info", "a 栏目 takes fewer pages than its budget in issue.yaml", "栏目页数少于 issue.yaml 中的预算"),
    _c("M-009", "warning", "a make-up problem of a kind this version does not name", "本版本未命名的拼版问题"),
    _c("M-100", "info", "what the make-up did, page by page", "拼版逐页做了什么"),
    _c("F-001", "error", "“待补” left in the text of a final build", "定稿构建的正文里还有“待补”"),
)

REGISTRY: dict[str, Code] = {c.code: c for c in _ALL}


def registered(code: str) -> bool:
    """True for a code of the registry, or an EPUBCheck id under E-."""
    return code in REGISTRY or (code.startswith("E-") and len(code) > 2)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown() -> str:
    """docs/checks.md: every family and code, as the registry says."""
    out = [
        "# Finding codes",
        "",
        "<!-- Generated from src/qhgy_publish/codes.py by `qhgy codes --write docs/checks.md`; do not edit. -->",
        "",
        "Every message of `qhgy build`, `qhgy check` and `qhgy build --final` carries a code. "
        "A code never changes meaning; a new check takes a new code. Warnings may be accepted "
        "for press in issue.yaml under `accept:` (docs/final-build.md).",
        "",
    ]
    for prefix, (title, who) in FAMILIES.items():
        out += [f"## {prefix}- {title}", "", f"Found by {who}.", ""]
        out += ["| code | severity | meaning | 说明（预览中显示） |", "|---|---|---|---|"]
        out += [
            f"| {c.code} | {c.severity} | {_cell(c.summary)} | {_cell(c.zh)} |"
            for c in _ALL
            if c.code.startswith(f"{prefix}-")
        ]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
