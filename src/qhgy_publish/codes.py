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
    # What an editor does about it, in Chinese, one line: which file to open and what to change
    # (请联系技术人员 and what to tell them for what only a developer can fix). The preview shows
    # it under the meaning, `qhgy check` under the English hint.
    zh_fix: str


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


def _c(code: str, severity: str, summary: str, zh: str, zh_fix: str) -> Code:
    return Code(code, severity, summary, zh, zh_fix)


_ALL: tuple[Code, ...] = (
    _c(
        "S-000", "error", "the issue folder does not exist",
        "期刊文件夹不存在",
        "检查命令中的期刊文件夹名是否写对（如 content/2025-01）；新的一期先用 qhgy new 建立",
    ),
    _c(
        "S-001", "error", "no issue.yaml in the issue folder",
        "期刊文件夹里没有 issue.yaml",
        "在期刊文件夹中建立 issue.yaml：新的一期用 qhgy new 年份-期号（如 qhgy new 2025-02）生成，或复制上一期的 issue.yaml 来改",
    ),
    _c(
        "S-002", "error", "issue.yaml is not a list of “key: value” lines",
        "issue.yaml 不是“键: 值”的格式",
        "打开 issue.yaml，改成每行一个“键: 值”（冒号后空一格）的格式，可照上一期的 issue.yaml 改",
    ),
    _c(
        "S-003", "error", "the issue has no articles, or none stands in a 栏目",
        "本期没有文章，或没有一篇文章属于某个栏目",
        "在 articles/ 中放入文章的 .md 文件，并在每篇开头的设置中写 column: 栏目名（用 issue.yaml 的 columns: 中有的栏目）",
    ),
    _c(
        "S-004", "error", "a source cannot be opened, or a folder leads outside the issue folder",
        "源文件打不开，或文件夹通过链接指到了期刊文件夹之外",
        "不要用快捷方式或链接指向期刊文件夹以外：把文件本身复制进期刊文件夹；打不开的文件，检查它是否还在、能否打开",
    ),
    _c(
        "S-010", "error", "a value of issue.yaml is missing or of the wrong kind",
        "issue.yaml 缺少某项，或某项的值类型不对",
        "打开 issue.yaml 中所指的那一行：补上缺的项，删掉或改正拼错的键，按 docs/source-format.md 改正值的写法",
    ),
    _c(
        "S-011", "error", "a 栏目 is listed twice in issue.yaml",
        "issue.yaml 中同一栏目列了两次",
        "打开 issue.yaml，在 columns: 下删掉重复的那一个栏目",
    ),
    _c(
        "S-012", "error", "a placeholder names no key of issue.yaml",
        "placeholders 中的占位项不是 issue.yaml 的键",
        "打开 issue.yaml，把 placeholders: 下的这一项改成确有的键（如 colophon.permit），或删掉这一项",
    ),
    _c(
        "S-013", "error", "the cover picture is missing or cannot be read",
        "封面图片缺失或无法读取",
        "把封面照片（JPEG 或 PNG）放进 images/，并在 issue.yaml 的 cover: 下把 image: 改成它的文件名（如 images/cover.jpg）",
    ),
    _c(
        "S-014", "warning", "a 栏目 has no article this issue and is left out",
        "本期该栏目没有文章，不印出",
        "本期确实没有这个栏目的稿件，就不用处理；要印这个栏目，就在一篇文章开头的设置中写 column: 这个栏目名",
    ),
    _c(
        "S-015", "error", "issue.yaml's year or number disagrees with the folder's name",
        "issue.yaml 的年份或期号与文件夹名不符",
        "把期刊文件夹改名为“年份-两位期号”（如 2025-02），或改正 issue.yaml 中的 year: 或 number:",
    ),
    _c(
        "S-016", "error", "a 栏目's page budget (pages:) is not a whole number above 0",
        "栏目的页数预算（pages:）不是大于 0 的整数",
        "打开 issue.yaml，把这个栏目的 pages: 改成大于 0 的整数（如 pages: 6，不加引号），或删掉 pages: 这一行",
    ),
    _c(
        "S-100", "error", "a source file is not UTF-8 text",
        "源文件不是 UTF-8 文本",
        "用编辑器把这个文件另存为 UTF-8 编码（记事本：另存为 → 编码选 UTF-8）；若误放了 Word 等非文本文件，换成纯文本的 .md 文件",
    ),
    _c(
        "S-101", "error", "malformed YAML",
        "YAML 格式错误",
        "打开所指的那一行，检查缩进（只用空格，不用 Tab）和冒号；值中有“: ”或以符号开头时，用英文引号把整个值括起来",
    ),
    _c(
        "S-102", "error", "a YAML key is written twice",
        "YAML 中同一个键写了两次",
        "打开所指的文件，同一个键只留一行，删掉另一行",
    ),
    _c(
        "S-103", "error", "a YAML alias (*name) repeats another value",
        "YAML 别名（*名称）重复了另一个值",
        "把 *名称 换成完整写出的值：issue.yaml 和文章开头的设置中不用 & 和 *",
    ),
    _c(
        "S-104", "error", "YAML values nested too deep",
        "YAML 嵌套过深",
        "检查所指那一行附近的括号和缩进，去掉多出的层次：issue.yaml 和文章开头的设置最多只有几层",
    ),
    _c(
        "S-105", "error", "a date that is not in the calendar",
        "日历上没有这一天",
        "把日期改成日历上有的日子，写成“年-月-日”（如 2025-01-30）",
    ),
    _c(
        "S-120", "error", "an article without front matter",
        "文章没有文首设置（front matter）",
        "在文章 .md 文件的最开头加上设置：第一行 ---，接着写 title:、column: 等“键: 值”行，再写一行 ---",
    ),
    _c(
        "S-121", "error", "the front matter is not a list of “key: value” lines",
        "文首设置不是“键: 值”的格式",
        "打开这篇文章的 .md 文件，把开头两行 --- 之间改成每行一个“键: 值”（如 title: 标题、column: 栏目名）",
    ),
    _c(
        "S-122", "error", "a front-matter value is missing or of the wrong kind",
        "文首设置缺少某项，或某项的值类型不对",
        "打开这篇文章的 .md 文件，在开头两行 --- 之间补上缺的项，或按 docs/source-format.md 改正所指的那一项",
    ),
    _c(
        "S-123", "error", "an article names no 栏目 (column:)",
        "文章没有指定栏目（column:）",
        "在文章开头的设置中加一行 column: 栏目名（须是 issue.yaml 的 columns: 中列出的栏目）",
    ),
    _c(
        "S-124", "error", "an article names a 栏目 issue.yaml does not list",
        "文章的栏目不在 issue.yaml 的栏目表中",
        "把文章开头的 column: 改成 issue.yaml 的 columns: 中已有的栏目名（留意错字），或在 issue.yaml 的 columns: 中加上这个栏目",
    ),
    _c(
        "S-125", "error", "two articles share a title",
        "两篇文章标题相同",
        "改其中一篇文章的 title:，使每篇标题不同；若是同一篇文章放了两份，删掉多余的文件",
    ),
    _c(
        "S-126", "error", "two article files share a name",
        "两个文章文件同名",
        "把 articles/ 中其中一个文件改名：编号后面的部分（如 020-dongtai 中的 dongtai）不能与别的文章相同",
    ),
    _c(
        "S-130", "error", "an article without text",
        "文章没有正文",
        "在文章开头设置的第二行 --- 下面写上正文；若是多余的文件，删掉它",
    ),
    _c(
        "S-140", "error", "Markdown the house does not print (unsupported markup, bad headings, notes, cards)",
        "本刊不排印的 Markdown 写法（不支持的标记、标题层级、注释、卡片）",
        "按提示改写所指那一行：不用列表、表格、代码块和分隔线，图片单独占一行，标题用 ## 和 ###（见 docs/source-format.md）",
    ),
    _c(
        "S-150", "error", "a picture that is missing or outside the issue folder",
        "图片缺失，或在期刊文件夹之外",
        "把图片放进本期的 images/ 文件夹，文章中写成 ![照片内容](images/文件名.jpg)，文件名（含大小写）要与实际一致",
    ),
    _c(
        "S-151", "error", "a picture without alt text",
        "图片没有替代文字",
        "在图片的 ![ ] 方括号里写上照片的内容（谁、在做什么、在哪里），供读屏软件朗读",
    ),
    _c(
        "S-152", "error", "a picture that cannot be read (not an image, truncated, too large)",
        "图片无法读取（不是图片、文件不全或过大）",
        "用看图或修图软件把图片重新导出为 JPEG 或 PNG（长边不超过 6000 像素），替换 images/ 中的原文件",
    ),
    _c(
        "S-153", "error", "a picture attribute that cannot be read ({size=…}, {height=…}, names)",
        "图片属性无法识别（{size=…}、{height=…}、名称）",
        "把图片后面花括号里的属性改成可用的写法：{size=column}、{size=wide}、{size=half}、{height=60mm}、{#名称}，彼此用空格隔开",
    ),
    _c(
        "S-155", "warning", "a picture printed smaller than asked, and why",
        "图片印得比要求的小，并说明原因",
        "能接受就不用处理；否则把照片裁小，或用 {height=…} 写一个较小的高度，双栏文章也可用 {size=wide}",
    ),
    _c(
        "S-156", "warning", "a picture below 300 dpi at its printed size",
        "图片按印刷尺寸不足 300 dpi",
        "向供稿人要更大的原图放进 images/（消息中写了至少要多少像素宽），或把图片印小一些（{size=half} 或 {height=…}）",
    ),
    _c(
        "S-157", "warning", "size attributes on a profile card's photo, which are ignored",
        "人物卡片照片上的尺寸属性会被忽略",
        "删掉人物卡片（:::）中照片后面的 {size=…} 或 {height=…}：卡片照片固定为 24 毫米宽",
    ),
    _c(
        "S-158", "warning", "(`qhgy build`) a picture the layout did not place whole in the type area",
        "（qhgy build）排版未能把图片完整放进版心",
        "在预览中查看这张图片所在的页：用 {height=…} 把图片改小，或把图片在文章中前后挪一段；仍不行请联系技术人员",
    ),
    _c(
        "S-160", "error", "a source file larger than the limit",
        "源文件超过大小上限",
        "检查是不是放错了文件；文章确实太长，就拆成几篇 .md 文件",
    ),
    _c(
        "S-161", "error", "a paragraph longer than the limit",
        "段落超过长度上限",
        "在所指的段落中用空行分段（多半是漏了空行或粘贴进了整份文件）；图注或替代文字太长就缩短",
    ),
    _c(
        "S-162", "error", "an article longer than the limit",
        "文章超过长度上限",
        "把这篇文章拆成几篇 .md 文件，或检查是否把同一段文字粘贴了两次",
    ),
    _c(
        "S-163", "error", "more article files than an issue may hold",
        "文章文件数超过一期的上限",
        "检查 articles/ 是不是本期的文章文件夹、是否误放了别的文件；确实太多就把这一期拆开",
    ),
    _c(
        "S-164", "error", "more pictures than an issue may hold",
        "图片数超过一期的上限",
        "删去一些图片，或把这一期拆开",
    ),
    _c(
        "S-165", "error", "blocks (> or :::) nested too deep",
        "块（> 或 :::）嵌套过深",
        "去掉一层 > 或 :::：编者按（>）和人物卡片（:::）里只能放普通段落",
    ),
    _c(
        "S-166", "error", "the article files together larger than the limit",
        "文章文件合计超过大小上限",
        "检查 articles/ 中是否误放了文件或重复粘贴了文字；确实太多就把这一期拆开",
    ),
    _c(
        "S-167", "error", "a paragraph with more Markdown marks than the limit",
        "段落中的 Markdown 标记数超过上限",
        "删去所指段落中多余的 * _ [ ] 等符号，或用空行把段落分开",
    ),
    _c(
        "S-180", "error", "a 补白 without front matter",
        "补白没有文首设置",
        "在 fillers/ 中这个补白文件的最开头加上三行：---、kind: notice（或 quote、slogan、knowledge）、---",
    ),
    _c(
        "S-181", "error", "a 补白's front-matter value is missing or of the wrong kind",
        "补白的文首设置缺少某项，或某项的值类型不对",
        "打开 fillers/ 中这个补白文件，按 docs/source-format.md（补白一节）补上或改正开头两行 --- 之间所指的那一项",
    ),
    _c(
        "S-182", "error", "a 补白 names a 栏目 issue.yaml does not list",
        "补白的栏目不在 issue.yaml 的栏目表中",
        "把补白的 columns: 改成 issue.yaml 中已有的栏目名，或删掉 columns: 让任何栏目都能用它",
    ),
    _c(
        "S-183", "error", "a 补白 without text",
        "补白没有正文",
        "在补白文件第二行 --- 下面写上补白的正文，或删掉这个文件",
    ),
    _c(
        "S-184", "error", "the fillers folder leads outside the issue folder",
        "补白文件夹指到了期刊文件夹之外",
        "不要用链接指向别处：把补白文件复制进本期的 fillers/ 文件夹",
    ),
    _c(
        "S-185", "error", "more 补白 files than an issue may hold",
        "补白文件数超过一期的上限",
        "fillers/ 中只留本期可能用上的补白，其余的移出去",
    ),
    _c(
        "S-201", "warning", "a key of issue.yaml listed as a placeholder",
        "issue.yaml 中标为占位的值（待确认）",
        "核实后在 issue.yaml 中写上真实的值，再从 placeholders: 下删掉这一项",
    ),
    _c(
        "S-202", "warning", "a photo marked as a placeholder",
        "标为占位的照片（待替换）",
        "把真实照片放进 images/，再删掉文章中图片后的 {.placeholder}；封面照片则删掉 issue.yaml 中 cover: 下的 placeholder: true",
    ),
    _c(
        "S-203", "warning", "a placeholder article, or “待补” in a printed value",
        "占位文章，或印出的内容里还有“待补”",
        "用真正的内容替换“待补”；占位文章写好后删掉它开头的 placeholder: true，或删掉这个文章文件",
    ),
    _c(
        "S-210", "error", "a word an internal periodical may not print about itself (《内部资料性出版物管理办法》)",
        "内部资料性出版物不得自称的用语（《内部资料性出版物管理办法》）",
        "按提示删改这个用语（如删去“本刊讯”，“记者”改为“通讯员”，删去刊号、征订、广告字样）；引用别处的原话用 [……]{.quote} 标出",
    ),
    _c(
        "S-211", "warning", "a word the wording rules advise against in this field",
        "用语规范不建议在此处使用的词",
        "删去定价、售价等价格字样；若是引用别处的原话，用 [……]{.quote} 标出",
    ),
    _c(
        "S-220", "warning", "a contents title that has drifted from the article's title",
        "目录标题与文章标题不一致",
        "打开这篇文章的 .md 文件，把 toc_title:（目录标题）改成文章标题的缩写，或删掉 toc_title: 直接用标题",
    ),
    _c(
        "S-221", "error", "a title that stands twice in the contents",
        "目录中同一标题出现两次",
        "改其中一篇文章的 title: 或 toc_title:，使目录中每个标题都不相同",
    ),
    _c(
        "S-230", "warning", "alt text that only repeats the name or caption beside the photo",
        "替代文字只重复了旁边的人名或图注",
        "在图片的 ![ ] 方括号中写清照片的内容（谁、在做什么、在哪里），不要只重复人名或图注",
    ),
    _c(
        "T-301", "info or warning", "half-width punctuation in Chinese text (info when the build fixes it)",
        "中文中的半角标点（构建会自动改正时为说明）",
        "把半角标点改成全角（，：；？！（））；标为“说明”的，构建时会自动改，可不处理",
    ),
    _c(
        "T-302", "info", "a stray space in Chinese text (the build leaves it out)",
        "中文中多余的空格（构建会去掉）",
        "删掉这个空格（构建时也会自动去掉）；汉字与外文、数字之间的间距由排版自动处理",
    ),
    _c(
        "T-303", "warning", "a quote or bracket that closes nothing or is never closed",
        "引号或括号没有配对",
        "在所指段落中找到缺另一半的引号或括号，补上或删掉；确属正常（如引文跨段）的，可在 issue.yaml 的 accept: 中写明理由接受",
    ),
    _c(
        "T-304", "warning", "dates mixing 〇 (U+3007) and ○ (U+25CB)",
        "日期中混用〇（U+3007）和○（U+25CB）",
        "把日期中的 ○ 统一改为 〇，全期一致",
    ),
    _c(
        "G-001", "error", "a character the face of its font role cannot draw",
        "该字体角色的字体缺这个字",
        "把这个字换成常用字，或改用文字说明；若是人名、地名中的生僻字非用不可，请联系技术人员添加字体",
    ),
    _c(
        "P-000", "error", "the PDF cannot be read",
        "PDF 无法读取",
        "先重新运行 qhgy build；仍然如此，请联系技术人员：付印 PDF 无法读取，把这条消息原样发给他们",
    ),
    _c(
        "P-001", "error", "no PDF/X (GTS_PDFX) output intent",
        "没有 PDF/X（GTS_PDFX）输出意图",
        "请联系技术人员：付印 PDF 缺少 PDF/X 输出意图，印厂会退回（稿件不用改）",
    ),
    _c(
        "P-002", "error", "more than one PDF/X output intent",
        "PDF/X 输出意图不止一个",
        "请联系技术人员：付印 PDF 有多个 PDF/X 输出意图，只应有一个（稿件不用改）",
    ),
    _c(
        "P-003", "error", "output intent profile missing or not CMYK (N = 4)",
        "输出意图的色彩特性文件缺失或不是 CMYK（N = 4）",
        "请联系技术人员：付印 PDF 的色彩特性文件缺失或不是 CMYK，应为 FOGRA39（稿件不用改）",
    ),
    _c(
        "P-004", "error", "output intent without OutputConditionIdentifier",
        "输出意图缺少 OutputConditionIdentifier",
        "请联系技术人员：付印 PDF 的输出意图缺少 OutputConditionIdentifier（稿件不用改）",
    ),
    _c(
        "P-005", "info", "output intent without RegistryName",
        "输出意图缺少 RegistryName",
        "不用处理；如印厂问起，请技术人员在付印 PDF 的输出意图中补上 RegistryName",
    ),
    _c(
        "P-006", "error", "no PDF/X version key",
        "缺少 PDF/X 版本键",
        "请联系技术人员：付印 PDF 缺少 PDF/X 版本标记（稿件不用改）",
    ),
    _c(
        "P-007", "warning", "PDF version does not match the PDF/X variant",
        "PDF 版本与 PDF/X 类型不符",
        "请联系技术人员：付印 PDF 的版本与 PDF/X 类型不符（稿件不用改）",
    ),
    _c(
        "P-008", "error", "Trapped missing or Unknown",
        "Trapped 缺失或为 Unknown",
        "请联系技术人员：付印 PDF 的 Trapped（陷印）标记缺失或为 Unknown（稿件不用改）",
    ),
    _c(
        "P-009", "error", "no document title",
        "没有文档标题",
        "请联系技术人员：付印 PDF 没有文档标题，需在生成时写入（稿件不用改）",
    ),
    _c(
        "P-010", "error", "no trailer /ID",
        "文件尾没有 /ID",
        "请联系技术人员：付印 PDF 的文件尾缺少 /ID（稿件不用改）",
    ),
    _c(
        "P-011", "error", "page without TrimBox, or with TrimBox and ArtBox",
        "页面没有 TrimBox，或同时有 TrimBox 和 ArtBox",
        "请联系技术人员：付印 PDF 的页面缺少成品框（TrimBox）或框的设置有误（稿件不用改）",
    ),
    _c(
        "P-012", "error", "trim size differs from the magazine's",
        "成品尺寸与本刊不符",
        "请联系技术人员：付印 PDF 的成品尺寸与本刊开本不符，需检查版式（稿件不用改）",
    ),
    _c(
        "P-013", "error", "BleedBox missing or bleed differs from 3 mm",
        "缺少 BleedBox，或出血不是 3 毫米",
        "请联系技术人员：付印 PDF 的出血不是 3 毫米，印厂会退回（稿件不用改）",
    ),
    _c(
        "P-014", "error", "boxes not nested (TrimBox ⊆ BleedBox ⊆ MediaBox)",
        "页面框未逐层包含（TrimBox ⊆ BleedBox ⊆ MediaBox）",
        "请联系技术人员：付印 PDF 的页面框没有逐层包含（稿件不用改）",
    ),
    _c(
        "P-015", "warning", "no slug or no crop marks outside the bleed",
        "出血外没有版签或裁切线",
        "请联系技术人员：付印 PDF 出血之外缺少版签或裁切线（稿件不用改）",
    ),
    _c(
        "P-020", "error", "font not embedded",
        "字体未嵌入",
        "请联系技术人员：付印 PDF 中有字体没有嵌入，印厂会缺字（稿件不用改）",
    ),
    _c(
        "P-021", "warning", "font embedded in full, not as a subset",
        "字体整套嵌入，未取子集",
        "不急于处理；请告诉技术人员付印 PDF 中有字体整套嵌入，文件偏大",
    ),
    _c(
        "P-022", "error", "OpenType font program in a PDF older than 1.6",
        "低于 PDF 1.6 的文件中用了 OpenType 字体",
        "请联系技术人员：PDF 版本太低，不能嵌入 OpenType 字体（稿件不用改）",
    ),
    _c(
        "P-023", "error", "missing glyph (.notdef) drawn",
        "画出了缺字符号（.notdef）",
        "在预览中找到该页显示为方框或空白的字，换成常用字；找不到就请联系技术人员，告诉他们页码",
    ),
    _c(
        "P-030", "error", "picture below 150 dpi at its placed size",
        "图片按放置尺寸低于 150 dpi",
        "在预览中按页码找到这张图片，向供稿人要更大的原图替换 images/ 中的文件，或在文章中把它印小（{size=half} 或 {height=…}）",
    ),
    _c(
        "P-031", "warning", "picture below 300 dpi at its placed size",
        "图片按放置尺寸低于 300 dpi",
        "能接受就不用处理；否则向供稿人要更大的原图替换 images/ 中的文件，或在文章中把它印小（{size=half} 或 {height=…}）",
    ),
    _c(
        "P-032", "error", "DeviceRGB picture",
        "DeviceRGB 图片",
        "请联系技术人员：付印 PDF 中有未转为 CMYK 的 RGB 图片，需在生成时转换（告诉他们页码）",
    ),
    _c(
        "P-033", "warning or error", "ICC-based RGB or Lab picture",
        "ICC RGB 或 Lab 图片",
        "请联系技术人员：这张图片未转为印刷用的 CMYK，印厂会自行转换、颜色可能走样（告诉他们页码）",
    ),
    _c(
        "P-034", "error", "transparency in a PDF/X-1a or X-3 file",
        "PDF/X-1a 或 X-3 文件中有透明",
        "请联系技术人员：付印 PDF 的 PDF/X 类型不允许透明，应改用 PDF/X-4（稿件不用改）",
    ),
    _c(
        "P-040", "error", "page count not a multiple of 4",
        "页数不是 4 的倍数",
        "先重新运行 qhgy build（拼版会补学习笔记页凑足 4 的倍数）；仍然如此，请联系技术人员",
    ),
    _c(
        "P-041", "warning", "text within 3 mm of the trim",
        "文字离裁切线不到 3 毫米",
        "在预览中勾选“裁切线与版心”查看该页：若是过长的标题、图注等稿件内容，可缩短；否则请联系技术人员调整版式",
    ),
    _c(
        "P-042", "error", "text crosses the trim",
        "文字越过裁切线",
        "文字会被裁掉：在预览中查看该页，过长的标题、图注可先缩短；否则请联系技术人员调整版式",
    ),
    _c(
        "P-043", "info", "empty page",
        "空白页",
        "在预览中看看这一页，确认空白是有意留的；不是的话请联系技术人员，告诉他们页码",
    ),
    _c(
        "P-044", "error", "DeviceRGB colour in page content",
        "页面内容中有 DeviceRGB 颜色",
        "请联系技术人员：付印 PDF 的页面中用了 RGB 颜色，应全部为 CMYK（稿件不用改）",
    ),
    _c(
        "P-045", "warning", "black text not in K only",
        "黑色文字不是单黑（K）",
        "请联系技术人员：黑色文字应只用黑版（K），四色黑在小字上会套不准（稿件不用改）",
    ),
    _c(
        "P-046", "error", "annotation inside the bleed",
        "出血区内有注释",
        "请联系技术人员：付印 PDF 的出血区内有注释（链接、批注），应去掉（稿件不用改）",
    ),
    _c(
        "P-047", "warning or error", "ICC-based RGB or Lab colour in page content",
        "页面内容中有 ICC RGB 或 Lab 颜色",
        "请联系技术人员：页面中有未转为 CMYK 的颜色，印厂会自行转换、颜色可能走样（稿件不用改）",
    ),
    _c(
        "E-*", "as EPUBCheck says", "any EPUBCheck message; its id follows the E- (FATAL/ERROR → error, USAGE → info)",
        "EPUBCheck 报告的问题，E- 后为其消息编号",
        "消息若指向某篇文章，先检查该文章的 .md 文件和图片；其余请联系技术人员，把 EPUBCheck 的消息原样发给他们",
    ),
    _c(
        "M-001", "warning", "a page the make-up could not fill",
        "拼版未能填满的页",
        "在 fillers/ 中加一篇补白，或把前后文章删短、加长，或在下一篇文章开头的 layout: 下写 new_page: false（不另起一页）",
    ),
    _c(
        "M-002", "warning", "a loose line the make-up could not tighten",
        "拼版未能收紧的松行",
        "改写这一行所在的句子：行中有不能断开的内容（如网址、带单位的数字），换个说法即可",
    ),
    _c(
        "M-003", "info", "学习笔记 pages added to make the page count a multiple of 4",
        "为使页数为 4 的倍数而加的学习笔记页",
        "不用处理：这是为使总页数成为 4 的倍数自动补的页；不想要，可增删内容使页数正好",
    ),
    _c(
        "M-004", "info", "补白 the make-up did not use",
        "拼版没有用上的补白",
        "不用处理：这些补白本期没有用上，可以留到下一期",
    ),
    _c(
        "M-005", "warning", "a 栏目 takes more pages than its budget in issue.yaml",
        "栏目页数超出 issue.yaml 中的预算",
        "删短或移走这个栏目的一篇文章；若计划已变，把 issue.yaml 中这个栏目的 pages: 调大",
    ),
    _c(
        "M-006", "info", "a 栏目 takes fewer pages than its budget in issue.yaml",
        "栏目页数少于 issue.yaml 中的预算",
        "可以再加一篇补白或较长的文章；若计划已变，把 issue.yaml 中这个栏目的 pages: 调小",
    ),
    _c(
        "M-007", "warning", "a picture that stands far below the text beside it at its article's end",
        "文章结尾处图片比旁边的文字长出很多，旁边留下空白",
        "在这张图片后面写上高度，如 {height=120mm}，让它与旁边的文字齐平；或把旁边的文字写长一些",
    ),
    _c(
        "M-009", "warning", "a make-up problem of a kind this version does not name",
        "本版本未命名的拼版问题",
        "请联系技术人员，把这条消息原样告诉他们：程序还不认识这种拼版问题",
    ),
    _c(
        "M-100", "info", "what the make-up did, page by page",
        "拼版逐页做了什么",
        "不用处理：这是拼版逐页所做调整的记录，供核对",
    ),
    _c(
        "F-001", "error", "“待补” left in the text of a final build",
        "定稿构建的正文里还有“待补”",
        "把文中的“待补”换成真正的内容，再运行 qhgy build --final",
    ),
)

REGISTRY: dict[str, Code] = {c.code: c for c in _ALL}


def lookup(code: str) -> Code | None:
    """The entry of ``code``: its own, E-*'s for an EPUBCheck id, None for a code not registered."""
    return REGISTRY.get(code) or (REGISTRY["E-*"] if code.startswith("E-") and len(code) > 2 else None)


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
        out += ["| code | severity | meaning | 说明（预览中显示） | 怎么办（预览中显示） |", "|---|---|---|---|---|"]
        out += [
            f"| {c.code} | {c.severity} | {_cell(c.summary)} | {_cell(c.zh)} | {_cell(c.zh_fix)} |"
            for c in _ALL
            if c.code.startswith(f"{prefix}-")
        ]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
