"""The make-up rules: what a DTP operator checks on each proof of a 栏目, and the fix for each.

Read in this order (a layout is judged again after every fix):

1. **Keep together.** A heading, or an article's head (kicker, title,
   byline), never ends a column or page with fewer than three lines of its
   text after it: it moves to the next column (``column-before``) or the
   article to the next page (``page-before``).
2. **A credit moves whole.** A run-in credit or source that no longer fits
   on the last line would leave the line before it spread out; it is set on
   a line of its own, flush right (``tails_apart``).
3. **No hole above a picture.** A picture that found no room at the foot of
   a column and left a gap of more than three lines there moves down the
   flow, after the next paragraph, so text fills the gap; a picture in an
   article whose columns end more than three lines apart on its page moves
   down the flow too (never past the last paragraph), or else up to the head
   of the article's text there, each kept only if the columns then end
   closer together; so does
   a half-width picture with a loose line in the narrow measure beside it,
   when that leaves fewer loose lines. A picture that heads a column of its
   article's last page and stands three lines or more below the text of the
   other column (a tall photo a column wide) is set lower by as much, down to
   half its height or a third of the type area (``figure-fit``); one that
   stays so is reported.
4. **Full pages.** A page whose content reaches less than half-way down the
   type area is filled, in this order: the next article follows on the
   page when the house allows it (reports, articles and news may run on;
   speeches, editorials, letters and profiles start a page, and so does an
   article the editors marked ``new_page: true``) — also after a page filled
   less than three quarters, when that takes a short tail of the 栏目 back
   and saves a page; a 栏目 whose last page holds
   only a short tail is set tighter between its articles (a whole line less
   above each news title: the same for every article, so facing columns
   keep one grid) when that pulls the tail back; what is left is filled
   with 补白 (``fillers/``) whose height fits the gap — on near-empty pages
   first, then on any page ending in an empty stretch over a quarter of the
   type area, while 补白 are left; a near-empty page that none of these can
   fill is reported.

Each rule returns a :class:`Fix`: the new plan, what it did (for the
report), and how to tell whether it helped (a fix that did not is undone).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ...figures import PT, TYPE_AREA_MM
from ...model import Column, Filler, Kind
from ..templates import figure_placement
from .measure import PX, BlockView, PageView
from .plan import Plan, source_index

MIN_LINES_AFTER = 3
NEAR_EMPTY = 0.5  # a page is near-empty when its content ends above half the type area
FILL_ROOM = 0.25  # an empty stretch this tall at a page's foot (ten lines) is worth a 补白 as well
LOOSE_EM = 0.15  # justification spacing above this is a loose line
HOLE_LINES = 3
RUN_ON_KINDS = {Kind.ARTICLE, Kind.NEWS, Kind.REPORT}


@dataclass(frozen=True)
class Action:
    """One thing the make-up did (or could not do), for the build report, `qhgy check` and the preview."""

    kind: str  # keep-together, credit-apart, figure-down, figure-up, run-on, pull-back, fill, unfilled, room
    page: int  # index of the page in the part (the caller turns it into a folio)
    target: str  # article, element or 补白 id
    detail: str

    def describe(self, folio: int) -> str:
        return f"p.{folio}: {self.detail}"


@dataclass(frozen=True)
class Fix:
    plan: Plan
    action: Action
    key: str  # the same fix is never tried twice
    accept: Callable[[list[PageView], list[PageView]], bool] = lambda before, after: True


@dataclass
class Context:
    column: Column
    plan: Plan
    tried: set[str]
    pool: list[Filler]  # 补白 not placed yet
    fill_heights: dict[str, float]  # 补白 id → height in px across the type area
    line: float  # body line pitch in px
    tail: float = 0.3  # a last page filled less than this is a tail worth pulling back
    extra_fills: bool = False  # 补白 on pages more than half full too (once every near-empty page had its turn)
    pool_read: bool = False  # set when a rule looked for 补白 in the pool


def structure_fixes(views: list[PageView], ctx: Context) -> list[Fix]:
    """Fixes of rules 1–3 found on this layout (several may apply at once)."""
    fixes = [*_stranded(views, ctx), *_loose_tails(views, ctx), *_loose_lines(views, ctx), *_holes(views, ctx)]
    fixes += _tall_pictures(views, ctx)
    unique = {f.key: f for f in fixes if f.key not in ctx.tried}
    if not unique:  # tried alone: its acceptance must not undo the fixes above
        unique = {f.key: f for f in _loose_beside_pictures(views, ctx) if f.key not in ctx.tried}
    return list(unique.values())


def _later_lines(views: list[PageView], page: int, column: int | None, article: str) -> bool:
    view = views[page]
    if any(line.article == article and (line.column or 0) > (column or 0) for line in view.lines):
        return True
    return any(line.article == article for later in views[page + 1 :] for line in later.lines)


def _stranded_runin(views: list[PageView], ctx: Context) -> list[Fix]:
    """A paragraph opening with a run-in heading (a long bold lead) that starts at a column's
    foot with fewer than three lines of text after its heading line goes to the next column."""
    fixes = []
    for p, view in enumerate(views):
        for block in view.blocks:
            if "runin-head" not in block.classes or block.top - view.area_top < ctx.line:
                continue
            own = [line for line in view.lines if line.block == block.id and line.column == block.column]
            if not own or len(own) >= MIN_LINES_AFTER + 1:
                continue
            later = [line for line in view.lines if line.block == block.id and (line.column or 0) > (block.column or 0)]
            if p + 1 < len(views):
                later += [line for line in views[p + 1].lines if line.block == block.id]
            if not later:
                continue  # the paragraph ends in this column: nothing is stranded
            plan = ctx.plan.with_block_class(block.id, "column-before")
            action = Action("keep-together", p, block.id, "run-in heading moved to the next column, with its text")
            fixes.append(Fix(plan, action, f"column-before:{block.id}", _no_new_hole(p, block, ctx)))
    return fixes


def _stranded(views: list[PageView], ctx: Context) -> list[Fix]:
    fixes = _stranded_runin(views, ctx)
    for p, view in enumerate(views):
        for block in view.blocks:
            heading = block.classes & {"heading-1", "heading-2"}
            head = "article-head" in block.classes
            if not (heading or head) or not block.article:
                continue
            if block.top - view.area_top < ctx.line:
                continue  # already at the top of the page: nothing to gain
            column = block.column if heading else _first_text_column(view, block.article, block.bottom)
            below = [
                line
                for line in view.lines
                if line.column == column and line.article == block.article and line.top >= block.bottom - 1
            ]
            nxt = [
                b.top
                for b in view.blocks
                if b is not block and b.column == block.column and b.top >= block.bottom - 1
                and b.classes & {"heading-1", "heading-2", "article-head", "photo"}
            ]
            if nxt:
                below = [line for line in below if line.top < min(nxt)]
            if len(below) >= MIN_LINES_AFTER:
                continue
            if nxt or not _later_lines(views, p, column, block.article):
                continue  # its text ends here: nothing is stranded
            if heading and block.column is not None:
                if block.column > 0 and block.top - view.area_top < ctx.line:
                    continue
                plan = ctx.plan.with_block_class(block.id, "column-before")
                what = "heading moved to the next column, with its text"
                key = f"column-before:{block.id}"
            else:
                plan = ctx.plan.with_page_before(block.article)
                what = "article moved to the next page: its title stood at the page foot"
                key = f"page-before:{block.article}"
            # A heading moved inside an article must not leave a hole in the text; an article moved
            # to the next page leaves the space at the foot of the one before, where a 补白 may go.
            accept = _no_new_hole(p, block, ctx) if heading else (lambda before, after: True)
            fixes.append(Fix(plan, Action("keep-together", p, block.id or block.article, what), key, accept))
    return fixes


def _no_new_hole(page: int, block, ctx: Context):  # type: ignore[no-untyped-def]
    """Accept moving a heading on only if the space it leaves is the space it took: the column it
    stood in must still reach down to where the heading began (a forced break in a balanced
    column set can empty half a column instead)."""

    def accept(before: list[PageView], after: list[PageView]) -> bool:
        if page >= len(after):
            return False
        view = after[page]
        column = [line.bottom for line in view.lines if line.column == block.column]
        reach = max(column, default=view.area_top)
        return reach >= block.top - ctx.line * 1.5

    return accept


def _first_text_column(view: PageView, article: str, below: float) -> int | None:
    columns = [line.column for line in view.lines if line.article == article and line.top >= below - 1]
    if not columns:
        return None
    return 0 if 0 in columns else columns[0]


def _loose_tails(views: list[PageView], ctx: Context) -> list[Fix]:
    """A line spread out because the credit or source after it moved to the next line whole,
    or because the source's words break badly inside it; or a credit that wrapped whole and
    so starts a line at the left."""
    fixes = []
    articles = {a.id for a in ctx.column.articles}
    for p, view in enumerate(views):
        lines = sorted(view.lines, key=lambda line: (line.column or 0, line.top))
        for line, nxt in zip(lines, [*lines[1:], None], strict=False):
            if line.article not in articles:
                continue
            wrapped = nxt is not None and nxt.starts_with_tail and nxt.block == line.block
            # A credit that wrapped whole would stand at the start of a line, flush left, like
            # the first words of a paragraph: it is set flush right on its own line instead.
            alone = wrapped and not line.ends_in_tail
            if line.spacing <= LOOSE_EM and not alone:
                continue
            if wrapped or line.ends_in_tail:
                plan = ctx.plan.with_tail_apart(line.article)
                action = Action("credit-apart", p, line.article, "credit or source set on its own line, flush right")
                fixes.append(Fix(plan, action, f"tail:{line.article}"))
    return fixes


def _loose_lines(views: list[PageView], ctx: Context) -> list[Fix]:
    """A line spread out in a paragraph with Latin or digits: the ¼-em gaps between Han and
    Latin of that paragraph narrow to ⅛ em, which often lets the next word in (clreq allows
    the gap to give way where a line needs it)."""
    fixes = []
    for p, view in enumerate(views):
        for line in view.lines:
            if line.spacing <= LOOSE_EM or not line.block or line.ends_in_tail:
                continue
            key = f"gaps:{line.block}"
            plan = ctx.plan.with_block_class(line.block, "tight-gaps")
            action = Action("tight-gaps", p, line.block, "Han–Latin gaps of a paragraph narrowed to ⅛ em: a loose line")
            fixes.append(Fix(plan, action, key))
    return fixes


def _loose_beside_pictures(views: list[PageView], ctx: Context) -> list[Fix]:
    """A line spread out in the narrow measure beside a half-width picture (a number or a quoted
    word that may not break leaves half the line empty there): the picture moves after the next
    paragraph (or, if that did not help, the one after), so other text runs round it — kept only
    if fewer lines are left loose and the 栏目 takes no more pages."""
    articles = {a.id: a for a in ctx.column.articles}
    fixes = []
    for p, view in enumerate(views):
        for block in view.blocks:
            if "size-half" not in block.classes or block.source_index is None or block.article not in articles:
                continue
            beside = [
                line for line in view.lines
                if line.column == block.column and block.top - 1 <= line.top < block.bottom and line.spacing > LOOSE_EM
            ]
            if not beside:
                continue
            article = articles[block.article]
            order = [i for i, _ in ctx.plan.ordered(article)]
            position = order.index(block.source_index)
            key = f"{article.id}-b{block.source_index}"
            following = [
                i
                for i in order[position + 1 :]
                if article.blocks[i].type == "paragraph" and f"move:{key}:{i}" not in ctx.tried
            ]
            if not following:  # each later paragraph in turn, until one leaves fewer loose lines
                continue

            def accept(before: list[PageView], after: list[PageView]) -> bool:
                return len(after) <= len(before) and _count_loose(after) < _count_loose(before)

            action = Action("figure-down", p, block.id, "picture moved after the next paragraph: a loose line beside it")
            fixes.append(Fix(ctx.plan.with_move(key, following[0]), action, f"move:{key}:{following[0]}", accept))
    return fixes


def _count_loose(views: list[PageView]) -> int:
    return sum(1 for view in views for line in view.lines if line.spacing > LOOSE_EM)


def loose_lines(views: list[PageView]) -> list[Action]:
    """Lines no rule could set well: spread more than 0.15 em between characters, or short of the
    column edge because nothing in them may stretch (a line of a URL, which breaks after a / only)."""
    found = []
    for p, view in enumerate(views):
        for line in view.lines:
            if line.spacing > LOOSE_EM:
                detail = f"a line spread {line.spacing:.2f} em between characters: no rule could help it"
            elif not line.last_in_block and line.room > RAGGED_PX:
                detail = f"a line {line.room / PX_PER_PT:.1f} pt short of the column edge: nothing in it may stretch"
            else:
                continue
            found.append(Action("loose", p, line.block, detail))
    return found


RAGGED_PX = 0.4  # 0.3 pt


def _beside(views: list[PageView], line: float) -> Iterator[tuple[int, BlockView, float]]:
    """(page, picture, how far its column ends below the text beside it, px) for each article
    picture that heads a column of its article's last page with no text under it and ends
    ``HOLE_LINES`` lines or more below the text of the other column."""
    for p, view in enumerate(views):
        for block in view.blocks:
            if "photo" not in block.classes or block.source_index is None or block.column is None:
                continue
            ends = _text_ends(view, block.article)
            if not ends or (block.column in ends and ends[block.column] > block.bottom):
                continue  # text under the picture in its own column: the column ends with text
            if any(t.article == block.article and t.column == block.column and t.bottom <= block.top + 1 for t in view.lines):
                continue  # text above it: it does not head its column
            if _later_lines(views, p, max([*ends, block.column]), block.article):
                continue  # the article goes on: its columns fill this page
            others = [end for column, end in ends.items() if column != block.column]
            short = block.bottom - max(others, default=block.bottom)
            if short >= HOLE_LINES * line:
                yield p, block, short


def _tall_pictures(views: list[PageView], ctx: Context) -> list[Fix]:
    """A picture standing far below the text beside it at its article's end (a tall photo a column
    wide): set lower, by the height it stands out, so its column ends with the text — as a DTP
    operator would — down to half its height or a third of the type area, whichever is less
    (a 1:3 photo a column wide, 220 mm, to 81 mm); kept only if the columns then end closer."""
    articles = {a.id: a for a in ctx.column.articles}
    fixes = []
    for p, block, short in _beside(views, ctx.line):
        article = articles.get(block.article)
        if article is None or block.source_index is None:
            continue
        figure = article.blocks[block.source_index]
        key = f"{article.id}-b{block.source_index}"
        source = figure_placement(figure, article).height_mm  # type: ignore[arg-type]
        now = ctx.plan.height_of(key) or source
        floor = min(source / 2, TYPE_AREA_MM[1] / 3)
        lower = round(max(now - (short - ctx.line / 2) / PX * PT, floor), 1)
        if now - lower < 1 or f"height:{key}:{lower}" in ctx.tried:
            continue
        action = Action("figure-fit", p, block.id, f"picture set {lower:.0f} mm high (was {now:.0f}) to end with the text beside it")
        fixes.append(Fix(ctx.plan.with_height(key, lower), action, f"height:{key}:{lower}", _smaller_hole(article.id)))
    return fixes


def pictures_beside(views: list[PageView], line: float) -> list[Action]:
    """Pictures that still end an article's columns on a page far below the text beside them once
    the make-up is done (set as low as :func:`_tall_pictures` may): said, with what to do."""
    return [
        Action(
            "picture-beside", p, block.id,
            f"the text beside this picture ends {short / line:.0f} lines above its foot: "
            "give the picture a height or lengthen the text",
        )
        for p, block, short in _beside(views, line)
    ]


def _holes(views: list[PageView], ctx: Context) -> list[Fix]:
    fixes = []
    articles = {a.id: a for a in ctx.column.articles}
    for p, view in enumerate(views):
        for block in view.blocks:
            if "photo" not in block.classes or block.source_index is None or block.article not in articles:
                continue  # not an article picture (a profile's photo stays in its card)
            at_top = block.top - view.area_top <= ctx.line or _at_column_top(view, block)
            if at_top and _gap_before(views, p, block) < HOLE_LINES * ctx.line:
                continue
            if not at_top and _page_gap(views, p, block.article) < HOLE_LINES * ctx.line:
                continue
            article = articles[block.article]
            order = [i for i, _ in ctx.plan.ordered(article)]
            index = block.source_index
            position = order.index(index)
            following = [i for i in order[position + 1 :] if article.blocks[i].type == "paragraph"]
            key = f"{article.id}-b{index}"
            if at_top:
                if following:
                    plan = ctx.plan.with_move(key, following[0])
                    action = Action("figure-down", p, block.id, "picture moved after the next paragraph: no hole above it")
                    fixes.append(Fix(plan, action, f"move:{key}:{following[0]}"))
                continue
            # A picture in an article whose columns end far apart on this page: down the flow first,
            # never past the last paragraph (the credit would run round the picture in the narrow
            # measure); if the columns do not end closer so, up to the head of the article's text
            # on the page.
            moves = [(i, "figure-down", "after the next paragraph") for i in following[:1] if i != following[-1]]
            if (opening := _opening_paragraph(view, article)) is not None and opening in order[:position]:
                at = order.index(opening)
                moves.append((order[at - 1] if at else -1, "figure-up", "up to the head of the text"))
            for after, kind, where in moves:
                if f"move:{key}:{after}" in ctx.tried:
                    continue
                action = Action(kind, p, block.id, f"picture moved {where}: the columns of its article ended far apart")
                fixes.append(Fix(ctx.plan.with_move(key, after), action, f"move:{key}:{after}", _smaller_hole(article.id)))
                break
    return fixes


def _opening_paragraph(view: PageView, article) -> int | None:  # type: ignore[no-untyped-def]
    """The source index of the paragraph that opens an article's columns on this page (where a
    picture goes to head the text instead)."""
    lines = [line for line in view.lines if line.article == article.id and line.column is not None]
    if not lines:
        return None
    index = source_index(min(lines, key=lambda line: (line.column, line.top)).block, article.id)
    return index if index is not None and article.blocks[index].type == "paragraph" else None


def _at_column_top(view: PageView, block) -> bool:  # type: ignore[no-untyped-def]
    above = [line for line in view.lines if line.column == block.column and line.bottom <= block.top + 1]
    return not above


def _gap_before(views: list[PageView], page: int, block) -> float:  # type: ignore[no-untyped-def]
    """Empty height at the foot of the column the flow came from before ``block``: down to the type
    area's foot, or to the foot of the picture's own column where its article's column set ends
    above it on this page."""
    view = views[page]
    if block.column and block.column > 0:
        previous = [line for line in view.lines if line.column == block.column - 1 and line.article == block.article]
        foot = view.area_bottom
        if not _later_lines(views, page, block.column, block.article):
            own = [line.bottom for line in view.lines if line.column == block.column and line.article == block.article]
            foot = min(foot, max([block.bottom, *own]))
        return foot - max((line.bottom for line in previous), default=foot)
    if page == 0:
        return 0.0
    before = views[page - 1]
    previous = [line for line in before.lines if line.article == block.article]
    if not previous:
        return 0.0
    last_column = max(line.column or 0 for line in previous)
    return before.area_bottom - max(line.bottom for line in previous if (line.column or 0) == last_column)


def _page_gap(views: list[PageView], page: int, article: str) -> float:
    """The room an article's columns leave unused above their set's foot on one page: where the
    set goes on to the next page, each column's distance from the type area's foot but the last
    one's; where it ends, how far apart its columns end (balanced: near the same line)."""
    view = views[page]
    ends = _text_ends(view, article)
    for block in view.blocks:
        if block.article == article and block.column is not None and block.column in ends:
            ends[block.column] = max(ends[block.column], block.bottom)
    if len(ends) < 2:
        return 0.0
    last = max(ends)
    if _later_lines(views, page, last, article):
        return sum(view.area_bottom - end for column, end in ends.items() if column != last)
    return max(ends.values()) - min(ends.values())


def _text_ends(view: PageView, article: str) -> dict[int, float]:
    """Column index → the foot of the article's lowest line in that column on the page."""
    ends: dict[int, float] = {}
    for line in view.lines:
        if line.article == article and line.column is not None:
            ends[line.column] = max(ends.get(line.column, 0.0), line.bottom)
    return ends


def _column_gaps(views: list[PageView], article: str) -> float:
    """:func:`_page_gap` summed over the pages."""
    return sum(_page_gap(views, p, article) for p in range(len(views)))


def _smaller_hole(article: str) -> Callable[[list[PageView], list[PageView]], bool]:
    def accept(before: list[PageView], after: list[PageView]) -> bool:
        return len(after) <= len(before) and _column_gaps(after, article) < _column_gaps(before, article)

    return accept


def fill_fix(views: list[PageView], ctx: Context) -> tuple[Fix | None, list[Action]]:
    """The first fix of rule 4 not yet tried, and the pages no fix is left for."""
    unfilled: list[Action] = []
    articles = {a.id: a for a in ctx.column.articles}
    last = views[-1]
    if last.fill < ctx.tail and not _placed_on(last, ctx):
        for attempt in (_run_on_to_save_a_page(views, ctx), _pull_back(len(views) - 1, len(views), ctx)):
            if attempt is not None:
                return attempt, unfilled
    for p, view in enumerate(views):
        if view.fill >= NEAR_EMPTY:
            continue
        last_page = p == len(views) - 1
        ending = [a for a in view.article_ids() if a in articles]
        if not ending:
            continue
        after = ending[-1]
        if not last_page:
            following = [a for a in views[p + 1].article_ids() if a in articles and a not in ending]
            if following and (fix := _run_on(articles[following[0]], p, ctx)):
                return fix, unfilled
        if fix := _fill(view, p, after, ctx):
            return fix, unfilled
        unfilled.append(
            Action("unfilled", p, after, f"page left {100 - round(view.fill * 100)} % empty: no run-on, pull-back or 补白 fits")
        )
    # A page more than half full may still end in a large empty stretch: 补白 go there too, once
    # every 栏目's near-empty pages had theirs (the issue-level make-up's second round).
    for p, view in enumerate(views if ctx.extra_fills else ()):
        ending = [a for a in view.article_ids() if a in articles]
        if view.fill < NEAR_EMPTY or view.fill > 1 - FILL_ROOM or not ending or _placed_on(view, ctx):
            continue
        if fix := _fill(view, p, ending[-1], ctx):
            return fix, unfilled
    return None, unfilled


def _placed_on(view: PageView, ctx: Context) -> bool:
    """Whether 补白 already stand on the page (the tail was left and filled in an earlier pass)."""
    return any("fill" in block.classes for block in view.blocks)


def _run_on(article, page: int, ctx: Context) -> Fix | None:  # type: ignore[no-untyped-def]
    key = f"run-on:{article.id}"
    if (
        key in ctx.tried
        or article.meta.kind not in RUN_ON_KINDS
        or article.meta.layout.new_page is True
        or not article.new_page
    ):
        return None
    plan = ctx.plan.with_run_on(article.id)

    def accept(before: list[PageView], after: list[PageView]) -> bool:
        return len(after) <= len(before) and after[page].fill > before[page].fill

    action = Action("run-on", page, article.id, "the next article follows on this page instead of a new one")
    return Fix(plan, action, key, accept)


RUN_ON_ROOM = 0.75  # a page filled less than this has room for the next article's head and text


def _run_on_to_save_a_page(views: list[PageView], ctx: Context) -> Fix | None:
    """The 栏目's last page holds a short tail: let the article after the emptiest earlier page run on
    there, if that takes the tail back and the 栏目 a page shorter."""
    articles = {a.id: a for a in ctx.column.articles}
    candidates = []
    for p, view in enumerate(views[:-1]):
        if view.fill >= RUN_ON_ROOM:
            continue
        here = [a for a in view.article_ids() if a in articles]
        following = [a for a in views[p + 1].article_ids() if a in articles and a not in here]
        if here and following:
            candidates.append((view.fill, p, articles[following[0]]))
    for _, p, article in sorted(candidates, key=lambda item: item[0]):
        fix = _run_on(article, p, ctx)
        if fix is None:
            continue

        def accept(before: list[PageView], after: list[PageView]) -> bool:
            return len(after) < len(before)

        action = Action("run-on", p, article.id, "the next article follows on this page: the 栏目 takes a page less")
        return Fix(fix.plan, action, fix.key, accept)
    return None


def _pull_back(page: int, pages: int, ctx: Context) -> Fix | None:
    key = "pull-back"
    if key in ctx.tried:
        return None
    plan = ctx.plan
    for article in ctx.column.articles:
        plan = plan.with_article_class(article.id, "tight")

    def accept(before: list[PageView], after: list[PageView]) -> bool:
        return len(after) < len(before)

    action = Action("pull-back", page, ctx.column.name, "a line less above each title of the 栏目: its short tail pulled back")
    return Fix(plan, action, key, accept)


MAX_FILLS_PER_GAP = 2


def _fill(view: PageView, page: int, after: str, ctx: Context) -> Fix | None:
    """补白 for the gap under the last article on ``view``: at most two items, of different kinds
    where possible, filling as much of the gap as they can; the space left is shared out evenly
    above, between and below them, in whole lines."""
    ctx.pool_read = True
    room = view.area_bottom - view.content_bottom
    usable = [f for f in ctx.pool if f.fits(ctx.column.name) and f.id in ctx.fill_heights]
    best: tuple[float, tuple[Filler, ...]] = (0.0, ())
    for i, first in enumerate(usable):
        for second in [None, *usable[i + 1 :]]:
            chosen = (first,) if second is None else (first, second)
            if len({f.meta.kind for f in chosen}) < len(chosen) and len(usable) > 2:
                continue
            height = sum(ctx.fill_heights[f.id] for f in chosen) + ctx.line * (len(chosen) + 1)
            if height <= room and height > best[0]:
                best = (height, chosen)
    chosen = best[1]
    key = f"fill:{page}:{','.join(f.id for f in chosen)}"
    if not chosen or key in ctx.tried:
        return None
    spare = room - sum(ctx.fill_heights[f.id] for f in chosen)
    gap = max(1, int(spare / (len(chosen) + 1) // ctx.line)) * ctx.line / PX_PER_PT
    plan = ctx.plan.with_fills(after, chosen, gap)

    def accept(before: list[PageView], after_views: list[PageView]) -> bool:
        return len(after_views) == len(before) and after_views[page].fill > before[page].fill

    names = "、".join(f.meta.title or f.blocks[0].text[:12] for f in chosen if f.blocks)
    action = Action("fill", page, ",".join(f.id for f in chosen), f"补白 placed: {names}")
    return Fix(plan, action, key, accept)


PX_PER_PT = 4 / 3
