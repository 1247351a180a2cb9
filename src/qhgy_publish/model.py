"""The typed model of an issue: what every transform and renderer works on.

Plain frozen pydantic models. Front matter and issue.yaml are validated with
``extra="forbid"`` so a mistyped key is an error, not a silently ignored value.
Body blocks carry their :class:`~qhgy_publish.errors.Loc` so later checks can
point back to the source line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from .errors import Loc
from .limits import MAX_FIELD_CHARS, MAX_LIST_ITEMS

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_FIELD_CHARS)]
MaybeText = Annotated[str, StringConstraints(max_length=MAX_FIELD_CHARS)]  # may be empty


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


# ---------------------------------------------------------------- issue.yaml


class Magazine(Strict):
    name: Text = "青海工运"
    pinyin: Text = "QING HAI GONG YUN"
    back_cover_name: Text = "青海工運"  # the back cover sets the masthead in traditional form


class CoverImage(Strict):
    image: Path
    caption: Text
    alt: Text
    credit: MaybeText = ""
    placeholder: bool = False


class BoardRole(Strict):
    role: Text
    names: list[Text] = Field(min_length=1, max_length=MAX_LIST_ITEMS)


class Colophon(Strict):
    """Items Art. 14 of 《内部资料性出版物管理办法》 requires, and the contact block."""

    host: Text  # 主办
    compiler: Text  # 编印单位
    distribution: Text  # 发送对象
    printer: Text  # 印刷单位
    print_date: dt.date  # 印刷日期
    print_run: int = Field(gt=0)  # 印数（册）
    permit: Text  # 准印证号
    notice: Literal["内部资料，免费交流"]  # wording fixed by Art. 14
    address: MaybeText = ""
    email: MaybeText = ""
    phone: MaybeText = ""
    postcode: MaybeText = ""


class Acceptance(Strict):
    """A warning the editors checked and accept for press (``qhgy build --final`` lets it through)."""

    code: Annotated[str, StringConstraints(pattern=r"^[A-Z]-[A-Za-z0-9-]+$")]  # T-302, P-031, E-RSC-017
    where: str = ""  # "articles/120-wuxuhui.md:9", "page 7"; empty: the code everywhere
    reason: Text  # why it is fine: printed in the final build's report


class IssueMeta(Strict):
    magazine: Magazine = Magazine()
    year: int = Field(ge=1949, le=2200)
    number: int = Field(ge=1, le=99)  # 期号
    serial: int | None = Field(default=None, ge=1)  # 总期号
    cover: CoverImage
    columns: list[Text] = Field(min_length=1, max_length=MAX_LIST_ITEMS)  # 栏目, printed order
    board: list[BoardRole] = Field(min_length=1, max_length=MAX_LIST_ITEMS)  # 编委会
    colophon: Colophon
    placeholders: list[Text] = Field(
        [], max_length=MAX_LIST_ITEMS
    )  # dotted keys whose values are stand-ins, e.g. colophon.permit
    accept: list[Acceptance] = Field(
        [], max_length=MAX_LIST_ITEMS
    )  # warnings accepted for the final build (docs/final-build.md)
    words: list[Text] = Field(
        [], max_length=MAX_LIST_ITEMS
    )  # names and terms display text must never break inside (besides layouts/words.txt)

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.number}期"


# ------------------------------------------------------------- front matter


class Kind(StrEnum):
    EDITORIAL = "editorial"  # 社论、献词
    SPEECH = "speech"  # 讲话
    REPORT = "report"  # 工作报告、调研文章
    ARTICLE = "article"  # 通讯、综合报道
    NEWS = "news"  # 短讯，several per page
    PROFILES = "profiles"  # 劳模先进风采: groups of profile cards
    LETTER = "letter"  # 慰问信
    REGULATION = "regulation"  # 规章、办法、通知: 第X章, 第X条, 附件, 落款 and 日期


class Placement(StrEnum):
    BODY = "body"
    INSIDE_FRONT_COVER = "inside-front-cover"  # 封二
    INSIDE_BACK_COVER = "inside-back-cover"  # 封三


class Byline(Strict):
    name: Text
    position: MaybeText = ""  # 职务, printed before the name: □ 省总工会副主席 吴建军


class Layout(Strict):
    columns: Literal[1, 2] | None = None  # None: the kind's default
    new_page: bool | None = None  # None: the kind's default (news briefs run on)


# The front-matter fields that print as text (typography normalises them, the source checks read them).
TEXT_FIELDS = (
    "title",
    "toc_title",
    "kicker",
    "subtitle",
    "dateline",
    "salutation",
    "signature",
    "date",
    "source",
    "credit",
)


class FrontMatter(Strict):
    title: Text  # may hold a line break where the printed title breaks
    column: Text | None = None  # 栏目; required unless placement is a cover page
    kind: Kind = Kind.ARTICLE
    placement: Placement = Placement.BODY
    toc_title: Text | None = None  # shorter title for the contents
    toc_author: Text | None = None  # contents "/ author"; default: byline names
    kicker: Text | None = None  # 引题
    subtitle: Text | None = None  # 副题, "——" included where printed
    bylines: list[Byline] = Field([], max_length=MAX_LIST_ITEMS)
    dateline: Text | None = None  # （2025年1月21日）
    salutation: Text | None = None  # 各位执委、同志们：
    signature: Text | None = None  # letters
    date: Text | None = None  # letters: 2025年1月22日
    source: Text | None = None  # 来源, printed （来源：…）
    source_block: bool = False  # source on its own line instead of run-in
    credit: Text | None = None  # 供稿单位, printed （省总办公室）
    layout: Layout = Layout()
    placeholder: bool = False  # a stand-in article (`qhgy new` writes one per 栏目): `qhgy check` lists it


# -------------------------------------------------------------- body blocks


class Run(Strict):
    """A piece of paragraph text; ``strong`` marks a run-in lead (一是、（一）…)."""

    text: str
    strong: bool = False
    em: bool = False
    verbatim: bool = False  # `…` in the source: printed exactly as typed, no normalisation
    quote: bool = False  # […]{.quote}: quoted from elsewhere, the wording rules do not apply


class Paragraph(Strict):
    type: Literal["paragraph"] = "paragraph"
    runs: list[Run]
    loc: Loc
    # In a regulation (load/regulation.py): "clause" a 条 (第X条 as its lead), "attachment" the
    # 附件 list; "" an ordinary paragraph (a 款 or 项 of a regulation).
    role: Literal["", "clause", "attachment"] = ""

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


class Heading(Strict):
    type: Literal["heading"] = "heading"
    level: Literal[1, 2]  # 1: 一、  2: （一）
    text: str
    loc: Loc
    role: Literal["", "chapter"] = ""  # "chapter": 第X章/节 of a regulation, set centred


class FigureSize(StrEnum):
    """How wide an article picture prints (``{size=…}`` in the source); figures.py has the rules."""

    COLUMN = "column"  # the column's width (the whole measure in a one-column article)
    WIDE = "wide"  # across both columns of a two-column article
    HALF = "half"  # half a column, the text running round it


class Figure(Strict):
    type: Literal["figure"] = "figure"
    src: Path  # absolute, inside the issue folder
    alt: str
    caption: str = ""
    placeholder: bool = False
    loc: Loc
    size: FigureSize = FigureSize.COLUMN
    height_mm: float | None = None  # {height=60mm}: the picture's printed height, width follows
    name: str = ""  # stable name, unique in its article: {#name} or fig-<file stem>
    pixels: tuple[int, int] = (0, 0)  # width, height of the image file


class Note(Strict):
    """【编者按】 and similar boxed notes."""

    type: Literal["note"] = "note"
    paragraphs: list[Paragraph]
    loc: Loc


class Profile(Strict):
    """One card of a profile group: photo, name as run-in lead, text wrapping the photo."""

    type: Literal["profile"] = "profile"
    figure: Figure | None
    paragraphs: list[Paragraph]
    loc: Loc

    @property
    def name(self) -> str:
        first = self.paragraphs[0].runs[0] if self.paragraphs and self.paragraphs[0].runs else None
        return first.text.rstrip("。，, ") if first and first.strong else ""


AnyBlock = Paragraph | Heading | Figure | Note | Profile
Block = Annotated[AnyBlock, Field(discriminator="type")]


class BlockText(NamedTuple):
    """A piece of printed text in an article's blocks, named by where it stands."""

    part: Literal["body", "heading", "note", "caption"]
    loc: Loc
    text: str
    paragraph: Paragraph | None  # the paragraph it is (body, note): its runs carry the styles


def walk_blocks(blocks: Iterable[AnyBlock]) -> Iterator[tuple[AnyBlock, Note | Profile | None]]:
    """Every block in reading order with the block it stands in: the one walk over the block
    tree. A note's or a profile card's paragraphs follow it, then the card's photo."""
    for block in blocks:
        yield block, None
        if isinstance(block, Note | Profile):
            for p in block.paragraphs:
                yield p, block
        if isinstance(block, Profile) and block.figure is not None:
            yield block.figure, block


def iter_blocks(blocks: Iterable[AnyBlock]) -> Iterator[AnyBlock]:
    """Every block of ``blocks``, nested ones too (see :func:`walk_blocks`)."""
    return (block for block, _ in walk_blocks(blocks))


def figures(blocks: Iterable[AnyBlock]) -> Iterator[Figure]:
    """Every picture: the figures and the profile cards' photos."""
    return (b for b in iter_blocks(blocks) if isinstance(b, Figure))


def paragraphs(blocks: Iterable[AnyBlock]) -> Iterator[Paragraph]:
    """Every paragraph: the text's own, the notes' and the profile cards'."""
    return (b for b in iter_blocks(blocks) if isinstance(b, Paragraph))


def map_figures(blocks: Iterable[AnyBlock], change: Callable[[Figure], Figure]) -> list[AnyBlock]:
    """``blocks`` with every picture (a profile card's photo too) replaced by ``change(picture)``."""
    out: list[AnyBlock] = []
    for block in blocks:
        if isinstance(block, Figure):
            block = change(block)
        elif isinstance(block, Profile) and block.figure is not None:
            block = block.model_copy(update={"figure": change(block.figure)})
        out.append(block)
    return out


def block_texts(blocks: Iterable[AnyBlock]) -> Iterator[BlockText]:
    """Every text of ``blocks`` in reading order, named by where it stands (a profile card's
    paragraphs are body text, its photo's caption follows them)."""
    for block, parent in walk_blocks(blocks):
        if isinstance(block, Heading):
            yield BlockText("heading", block.loc, block.text, None)
        elif isinstance(block, Paragraph):
            yield BlockText("note" if isinstance(parent, Note) else "body", block.loc, block.text, block)
        elif isinstance(block, Figure) and block.caption:
            yield BlockText("caption", block.loc, block.caption, None)


# kind → (columns, starts a new page); docs/source-format.md shows the same table.
KIND_LAYOUT: dict[Kind, tuple[int, bool]] = {
    Kind.EDITORIAL: (1, True),
    Kind.SPEECH: (1, True),
    Kind.REPORT: (2, True),
    Kind.ARTICLE: (2, True),
    Kind.NEWS: (2, False),
    Kind.PROFILES: (2, True),
    Kind.LETTER: (1, True),
    Kind.REGULATION: (2, True),
}


class Article(Strict):
    id: str  # file stem, unique in the issue
    path: Path
    meta: FrontMatter
    blocks: list[Block]

    @property
    def title_text(self) -> str:
        """The title on one line (Chinese needs no space at a deliberate break)."""
        return "".join(self.meta.title.split("\n"))

    @property
    def columns(self) -> int:
        return self.meta.layout.columns or KIND_LAYOUT[self.meta.kind][0]

    @property
    def new_page(self) -> bool:
        if self.meta.layout.new_page is not None:
            return self.meta.layout.new_page
        return KIND_LAYOUT[self.meta.kind][1]

    @property
    def contents_title(self) -> str:
        return self.meta.toc_title or self.title_text

    @property
    def contents_author(self) -> str:
        if self.meta.toc_author is not None:
            return self.meta.toc_author
        return " ".join(b.name for b in self.meta.bylines)

    @property
    def figures(self) -> list[Figure]:
        return list(figures(self.blocks))


class FillerKind(StrEnum):
    QUOTE = "quote"  # 名言: text, then ——source
    SLOGAN = "slogan"  # 标语: one or two short lines, large
    NOTICE = "notice"  # 启事、服务信息: a boxed notice with a title
    KNOWLEDGE = "knowledge"  # 工会知识、法律小贴士: a short boxed item with a title


class FillerMeta(Strict):
    kind: FillerKind
    title: Text | None = None
    source: Text | None = None  # a quotation's source, printed ——source
    columns: list[Text] = []  # 栏目 that may carry it; empty: any


class Filler(Strict):
    """补白: a short item the editors keep in the issue for the make-up to place where a page
    would otherwise be left near-empty (fillers/*.md)."""

    id: str
    path: Path
    meta: FillerMeta
    blocks: list[Block]

    def fits(self, column: str) -> bool:
        return not self.meta.columns or column in self.meta.columns


class Column(Strict):
    """A 栏目 and its articles in printed order; ``pages`` is its page budget from issue.yaml
    (``- name: 工会要闻`` / ``pages: 6`` under ``columns:``), None when none is given. The
    budget is left out of dumps: it changes no page, and the make-up cache keys on a dump."""

    name: str
    articles: list[Article]
    pages: int | None = Field(default=None, exclude=True)


class Issue(Strict):
    id: str  # folder name, e.g. 2025-01
    root: Path
    meta: IssueMeta
    inside_front: list[Article]  # 封二
    columns: list[Column]
    inside_back: list[Article]  # 封三
    fillers: list[Filler] = []  # 补白, placed by the print make-up where a page needs them

    @property
    def body_articles(self) -> list[Article]:
        return [a for c in self.columns for a in c.articles]

    @property
    def all_articles(self) -> list[Article]:
        return [*self.inside_front, *self.body_articles, *self.inside_back]

    @property
    def title(self) -> str:
        return f"{self.meta.magazine.name} {self.meta.label}"
