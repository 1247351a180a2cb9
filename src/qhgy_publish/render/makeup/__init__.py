"""The print make-up: lay the issue out part by part and correct each 栏目 as a DTP operator would.

The front (封一, 封二, 目录) and back (学习笔记 pages, 封三, 封四) are laid out
once; each 栏目 is laid out, read (:mod:`.measure`), corrected by the rules
(:mod:`.rules`: keep headings with their text, move a credit whole, no hole
above a picture, fill near-empty pages) and laid out again until no rule
applies. The 栏目 go in order, because each starts on the folio the previous
one ended on and the 补白 are shared. Everything the make-up did, and every
page it could not fill, is in the :class:`MakeupReport`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from weasyprint import Document

from ... import words as wordbreaks
from ...errors import BuildError
from ...house import house
from ...model import Issue
from .. import balanced_memo
from ..cjk_markup import keep_markups
from . import cache
from .ahead import Ahead, wanted
from .cache import Decisions
from .measure import PX, PageView, read_pages, shape
from .parts import Part, finish_build, join, lay_out_part, offer, part_html, part_key, start_build
from .plan import NO_PLAN, Plan
from .rules import (
    FILL_ROOM,
    NEAR_EMPTY,
    Action,
    Context,
    fill_fix,
    loose_lines,
    pictures_beside,
    structure_fixes,
)

MAX_PASSES = 12
TAIL = 0.3  # a 栏目's last page filled less than this is pulled back if a rule can
FRONT_UNCOUNTED = 2  # 封一 and 封二 carry no folio
BACK_PAGES = 2  # 封三, 封四


@dataclass
class ColumnMakeup:
    """One 栏目 made up: its pages, the plan that gave them, what was done and left.

    A make-up found in the cache (:mod:`.cache`) is laid out only when its pages
    are asked for (:attr:`part`): the issue's make-up needs only its page count,
    where its articles start and how full its last page is.
    """

    index: int  # 1-based, as in the 栏目's anchor column-N
    name: str
    first_folio: int
    laid_out: Part | None
    plan: Plan
    actions: list[Action] = field(default_factory=list)
    unfilled: list[Action] = field(default_factory=list)
    loose: list[Action] = field(default_factory=list)  # lines no rule could set solid
    passes: int = 1
    tried: set[str] = field(default_factory=set)  # keys of the fixes tried (a second round skips them)
    issue: Issue | None = None  # to lay the plan out when the pages are asked for
    key: str = ""  # its cache key ("" when not cached)
    decisions: Decisions | None = None
    moved: str = ""  # its cache key wherever the 栏目 starts (cache.moved_key)
    read_pool: bool = False  # whether a rule looked for 补白 (else any pool gives this make-up)
    beside: list[Action] = field(default_factory=list)  # pictures far taller than the text beside them

    @property
    def part(self) -> Part:
        if self.laid_out is None:
            assert self.issue is not None
            self.laid_out = lay_out_part(
                self.issue, "column", index=self.index, first_folio=self.first_folio, plan=self.plan
            )
        return self.laid_out

    def final_part(self) -> Part:
        """Its pages for the issue, which the make-up no longer reads: the pages an earlier build
        drew from the same input when the build has them (:func:`.parts.use_pressed`)."""
        if self.laid_out is not None:
            return self.laid_out
        assert self.issue is not None
        return lay_out_part(
            self.issue, "column", index=self.index, first_folio=self.first_folio, plan=self.plan, take_pressed=True
        )

    @property
    def page_count(self) -> int:
        return self.decisions.pages if self.decisions else len(self.part.pages)

    @property
    def last_fill(self) -> float:
        return self.decisions.last_fill if self.decisions else _content_fill(self.part.pages[-1])

    def article_starts(self) -> dict[str, int]:
        """Article id → page index (in this part) of its head."""
        if self.decisions:
            return dict(self.decisions.starts)
        found: dict[str, int] = {}
        for offset, page in enumerate(self.part.pages):
            for name in page.anchors:
                found.setdefault(name, offset)
        return found


@dataclass
class MakeupReport:
    columns: list[ColumnMakeup]
    notes_pages: list[int]  # folios of the deliberate 学习笔记 pages
    unplaced_fills: list[str]  # 补白 ids the make-up found no place for
    fill_heights: dict[str, float] = field(default_factory=dict)  # measured once per build
    front_fit: int = 0  # the steps 封二 was set smaller by (see _front)

    def lines(self) -> list[str]:
        """What the make-up did, one line each, by folio (for the build output and `qhgy check`)."""
        out = []
        for column in self.columns:
            for action in column.actions:
                out.append(f"{column.name} {action.describe(column.first_folio + action.page)}")
        return out

    def problems(self) -> list[str]:
        """What the make-up could not do: pages left near-empty, lines left loose, pictures standing
        far below the text beside them."""
        out = []
        for column in self.columns:
            for action in [*column.unfilled, *column.loose, *column.beside]:
                out.append(f"{column.name} {action.describe(column.first_folio + action.page)}")
        return out

    def as_dict(self) -> dict:
        """What the make-up did and could not do, for the report file beside the outputs
        (`qhgy check` and the preview read it)."""

        def entries(actions: list[Action], column: ColumnMakeup) -> list[dict]:
            return [
                {"column": column.name, "page": column.first_folio + a.page, "kind": a.kind, "target": a.target, "detail": a.detail}
                for a in actions
            ]

        return {
            "actions": [e for c in self.columns for e in entries(c.actions, c)],
            "problems": [e for c in self.columns for e in entries([*c.unfilled, *c.loose, *c.beside], c)],
            "notes_pages": self.notes_pages,
            "unplaced_fills": self.unplaced_fills,
            "passes": {c.name: c.passes for c in self.columns},
        }

    def loose_lines(self) -> dict[int, int]:
        """Folio → number of lines on it the make-up reported as loose and beyond help."""
        counts: dict[int, int] = {}
        for column in self.columns:
            for action in column.loose:
                folio = column.first_folio + action.page
                counts[folio] = counts.get(folio, 0) + 1
        return counts


@dataclass
class MadeUp:
    document: Document | None  # None: pages of an earlier build stand in for some parts (see .parts)
    parts: list[Part]
    folios: dict[str, int]  # article id → folio of its first page
    notes_pages: int
    report: MakeupReport
    warnings: list[str]
    cover_key: str = ""  # what the EPUB's cover is drawn from (see cover_key)


def make_up(
    issue: Issue,
    shown: Callable[[Part], None] | None = None,
    *,
    trust: bool = True,
    making: Callable[[int, int], None] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    covers: Callable[[Part], None] | None = None,
) -> MadeUp:
    """The issue laid out and made up: one document, folios, the report. ``shown`` is given
    封一 and 封二, laid out alone before the front (a part that ends in an empty contents page),
    long before the rest (the preview draws them meanwhile); ``covers`` too, when the make-up lays
    them out alone (a build that does not know 封二's fit: a cold one), once no helper runs (see
    .ahead); ``making`` the index and first folio of
    each 栏目 about to be made up afresh (not from the cache); ``progress`` the index, count and
    name of each 栏目 as its turn comes (a long make-up shows how far it is). ``trust``: take
    the front's page count from the cache."""
    from ..weasy_cjk_patch import reset_line_end_halts

    reset_line_end_halts()
    global _build_key
    _build_key = cache.build_key(issue) if cache.enabled() else None
    start_build(_build_key)
    balanced_memo.start(cache.MAKEUP_CACHE / "balanced" if _build_key is not None else None)
    placeholder = _placeholder_folios(issue)
    # A build whose first 栏目 no build has made up (a cold one) starts the helper first of all: it
    # imports and reads jieba's dictionary on the second core while this process lays the front out.
    ahead = _ahead_first(issue) if shown is None else None
    fit_key = _fit_key(issue)
    known = cache.load_fit(fit_key) if fit_key else None
    try:  # the front, then the 栏目 in order; a helper makes the later ones up meanwhile (see .ahead)
        # The front is laid out twice: first with placeholder folios, for its page count (where the
        # 栏目 start), then with the folios found. The count of the last build with this 封二 is
        # taken instead when it is known, and checked against the final front: after an edit to a
        # title or the contents the front is laid out once.
        front_pages = cache.load_front(fit_key) if known is not None and shown is None and trust else None
        front: Part | None = None
        fit = known or 0
        waiting: Part | None = None  # the covers, until ``covers`` is given them (see hand_covers)

        def hand_covers() -> None:
            # Once no helper runs: beside the helper, the work ``covers`` begins (the EPUB's cover
            # drawn, 0.5 s) only shared the two cores with it and the make-up.
            nonlocal waiting
            if waiting is not None and covers is not None and (ahead is None or ahead.ended()):
                covers(waiting)
                waiting = None

        if front_pages is None:
            if shown is not None or known is None:
                # 封一 and 封二 alone first: a tenth of the front's layout, drawn at once by the preview,
                # and 封二's fit found on them (the contents cannot move it), so the front is laid out once.
                laid_covers, fit = _front(issue, placeholder, fit, part="covers")
                if shown is not None:
                    shown(laid_covers)
                if covers is not None:
                    waiting = laid_covers
            front, fit = _front(issue, placeholder, fit)
            front_pages = front.page_count
            if fit_key and known != fit:
                cache.store_fit(fit_key, fit)
        hand_covers()
        heights, fills = _known_heights(issue) if issue.fillers else ({}, None)  # after the front: shown sooner
        folio = front_pages - FRONT_UNCOUNTED + 1
        pool = list(issue.fillers)
        columns: list[ColumnMakeup] = []

        def start_ahead(index: int, folio: int) -> None:  # at the first 栏目 the cache does not know
            nonlocal ahead
            if (
                ahead is None
                and _build_key is not None
                and wanted()  # a core idle: else the helper only takes CPU from the build
                and (todo := unseen(issue, range(index + 1, len(issue.columns) + 1)))
            ):
                ahead = Ahead(issue, _build_key, heights, todo)
            if making is not None:
                making(index, folio)

        if ahead is not None:
            ahead.tell(0, folio, pool)
        for index in range(1, len(issue.columns) + 1):
            if progress is not None:
                progress(index, len(issue.columns), issue.columns[index - 1].name)
            if ahead is not None:
                ahead.take(index)
            made = make_up_column(issue, index, folio, pool, heights, making=lambda i=index, f=folio: start_ahead(i, f))
            placed = {f.id for f in made.plan.placed_fills}
            pool = [f for f in pool if f.id not in placed]
            columns.append(made)
            folio += made.page_count
            if ahead is not None:  # where the next 栏目 starts and with which 补白 (see .ahead)
                ahead.tell(index, folio, pool)
            hand_covers()
    except BaseException:
        if ahead is not None:
            ahead.stop(now=True)
        raise
    if ahead is not None:
        ahead.stop()
        ahead = None
    hand_covers()
    body_start = front_pages - FRONT_UNCOUNTED + 1
    natural = front_pages + (folio - body_start) + BACK_PAGES
    notes = (-natural) % 4
    if notes >= SAVE_PAGE_AT:
        columns, notes = _save_pages(issue, columns, body_start, notes, heights)
        folio = body_start + sum(c.page_count for c in columns)
        pool = [f for f in issue.fillers if f.id not in {g.id for c in columns for g in c.plan.placed_fills}]
    back = _back(issue, folio, notes)
    if pool:  # 补白 left over: pages more than half full but ending in a large empty stretch,
        # the 栏目 with the emptiest such page first (the pool may not reach them all)
        for k in sorted(range(len(columns)), key=lambda k: _emptiest(columns[k])):
            if not pool:
                break
            made = columns[k]
            columns[k] = made = make_up_column(issue, k + 1, made.first_folio, pool, heights, start=made)
            placed = {f.id for f in made.plan.placed_fills}
            pool = [f for f in pool if f.id not in placed]
    for made in columns:
        made.actions += room_left(made)
    folios = {}
    for made in columns:
        folios.update(_article_folios(made, issue))
    final_front, _ = _front(issue, folios, fit)  # the contents' folios cannot move 封二
    if final_front.page_count != front_pages:
        if front is None:  # the count taken from the last build was wrong: lay the front out first
            return make_up(issue, shown, trust=False, making=making, progress=progress, covers=covers)
        raise BuildError("the contents changed length once the page numbers were known (layouts/print)")
    if fit_key:
        cache.store_front(fit_key, front_pages)
    parts = [final_front, *(c.final_part() for c in columns), back]
    report = MakeupReport(columns, list(range(folio, folio + notes)), [f.id for f in pool], heights, fit)
    warnings = [w for part in parts for w in part.warnings]
    finish_build([*([front] if front else []), *parts, *([fills] if fills else [])])  # the placeholder front too
    keep_markups()  # for the next process: see cjk_markup.MARKUP_CACHE
    balanced_memo.keep()
    return MadeUp(join(parts), parts, folios, notes, report, warnings, cover_key(issue, fit))


def cover_key(issue: Issue, fit: int) -> str:
    """The key of what the EPUB's cover is drawn from (封一: see ..epub_cover): 封一 and 封二 laid
    out alone, 封二 ``fit`` steps smaller, as a cold make-up lays them out. Not the front's key:
    the contents on its later pages change with any title or folio, 封一 does not. ("": no cache.)"""
    if _build_key is None:
        return ""
    return part_key("covers", 1, part_html(issue, "covers", folios=_placeholder_folios(issue), fit=fit), issue)


def _ahead_first(issue: Issue) -> Ahead | None:
    """The helper (:mod:`.ahead`) started before the front is laid out, finding the 补白's heights
    and which of the 栏目 between no build has made up itself (their HTML, 0.2 s here), when no
    build has laid the issue's text out or made its first and last 栏目 up: a cold build, which
    makes 栏目 up from the first one on. Else it starts, if at all, at the first 栏目 the cache
    does not know."""
    last = len(issue.columns)
    if _build_key is None or last < 2 or not wanted():
        return None
    # No text of the issue cut into words before: cold, known before any HTML is rendered (the
    # first rendering reads jieba's dictionary: the helper starts 0.4 s sooner).
    cold = not wordbreaks.cut_before(wordbreaks.issue_words(issue))
    if not cold and (not unseen(issue, range(1, 2)) or not unseen(issue, range(last, last + 1))):
        return None
    return Ahead(issue, _build_key, None, list(range(2, last + 1)))


def known_heights(issue: Issue) -> dict[str, float]:
    """The 补白's heights, as the make-up finds them (for :mod:`.ahead`)."""
    return _known_heights(issue)[0] if issue.fillers else {}


def _placeholder_folios(issue: Issue) -> dict[str, int]:
    """Folios for the contents before the 栏目 are laid out: two digits, as wide as any folio."""
    return {a.id: 88 for a in issue.body_articles}


def _fit_key(issue: Issue) -> str:
    """The key of the step 封二 is set smaller by, in the build under way ("": no cache)."""
    if _build_key is None:
        return ""
    covers = part_html(issue, "covers", folios=_placeholder_folios(issue))
    return cache.fit_key(_build_key, issue, wordbreaks.issue_words(issue), covers)


def room_left(made: ColumnMakeup) -> list[Action]:
    """Pages that end in a stretch a 补白 could fill but that none left in the pool fits: said, so
    the editors can add one (the issue still prints; the page is more than half full)."""
    if made.decisions is not None:  # known from the cache: no layout read to say it
        return list(made.decisions.room)
    return _room(made.name, read_pages(made.part.pages))


def _room(name: str, views: list[PageView]) -> list[Action]:
    line = house().line_pt * PX
    found = []
    for p, view in enumerate(views):
        if NEAR_EMPTY <= view.fill <= 1 - FILL_ROOM and not any("fill" in b.classes for b in view.blocks):
            lines = int((view.area_bottom - view.content_bottom) // line)
            found.append(Action("room", p, name, f"{lines} lines empty at the page foot: room for a 补白 (fillers/)"))
    return found


def _emptiest(made: ColumnMakeup) -> float:
    """How full the 栏目's emptiest page is (its content's depth as a share of the type area)."""
    if made.decisions is not None:  # known from the cache: no layout needed to say it
        return made.decisions.emptiest
    return min((view.fill for view in read_pages(made.part.pages)), default=1.0)


def make_up_column(
    issue: Issue,
    index: int,
    first_folio: int,
    pool: list,
    heights: dict[str, float],
    tail: float = TAIL,
    start: ColumnMakeup | None = None,
    making: Callable[[], None] | None = None,
) -> ColumnMakeup:
    """Lay one 栏目 out and correct it until no rule applies (at most MAX_PASSES layouts).

    ``tail``: a last page filled less than this is pulled back if a rule can (the issue-level
    make-up raises it to save a page when the issue would otherwise end in 学习笔记 pages).
    ``making``: called when the make-up is not in the cache, before it is made.
    """
    key, moved, free, at_one, html = "", "", "", "", None
    if _build_key is not None and (start is None or start.key):
        html = part_html(issue, "column", index=index, first_folio=first_folio, plan=NO_PLAN)
        key = cache.column_key(
            _build_key, issue, index, first_folio, html, pool, heights, tail, start.key if start else ""
        )
        if (found := cache.load(key)) is not None:
            return _cached(issue, index, first_folio, found, key)
        if start is None or start.moved:
            at_one = html if first_folio == 1 else part_html(issue, "column", index=index, first_folio=1, plan=NO_PLAN)
            moved = cache.moved_key(_build_key, issue, index, at_one, pool, heights, tail, start.moved if start else "")
            candidates = [cache.load(moved)]
            if start is None:  # made up with other 补白 but never looked at them (see .ahead)
                free = cache.free_key(_build_key, issue, index, at_one, heights, tail)
                candidates.append(cache.load(free))
            for found in candidates:
                if found is not None and (made := _moved(issue, index, first_folio, replace(found, moved=moved), key)):
                    cache.store(key, made.decisions)  # type: ignore[arg-type]
                    cache.store(moved, made.decisions)  # type: ignore[arg-type]
                    if start is None:  # made up by the helper, or before on other folios
                        cache.store_seen(cache.seen_key(_build_key, issue, index, at_one))
                    return made
    if making is not None:
        making()
    made = _make_up_column(issue, index, first_folio, pool, heights, tail, start, html if start is None else None)
    made.key, made.moved = key, moved
    if key:
        decisions = _decisions(made, moved)
        cache.store(key, decisions)
        if moved:
            cache.store(moved, decisions)
        if free and not made.read_pool:
            cache.store(free, decisions)
        if start is None:
            cache.store_seen(cache.seen_key(_build_key, issue, index, at_one))
    return made


def unseen(issue: Issue, indexes: range) -> list[int]:
    """Those of the 栏目 ``indexes`` whose text no build has made up with this code and these
    layouts (the others' make-ups are most likely in the cache already)."""
    assert _build_key is not None
    return [
        index
        for index in indexes
        if not cache.seen(
            cache.seen_key(_build_key, issue, index, part_html(issue, "column", index=index, first_folio=1, plan=NO_PLAN))
        )
    ]


def make_up_ahead(
    issue: Issue, index: int, heights: dict[str, float], build_pool: Callable[[], list | None] | None = None
) -> Decisions | None:
    """For :mod:`.ahead`: make 栏目 ``index`` up with every 补白 and keep it in the cache (under
    :func:`.cache.free_key`) and mark it seen if it never looked at them (if the cache has it
    already, only mark it). One that looks at them is the build's to make up with the 补白 left
    to it (the helper's choice from every 补白 is seldom the build's: the 栏目 before take the
    ones that fit best): if ``build_pool`` then gives them (the build has made the 栏目 before
    up), the make-up goes on with them and is kept under the key the build looks for
    (:func:`.cache.moved_key`), else it is given up there. Everything before a make-up's first
    look for 补白 is the same whatever the 补白, so going on is making it up as the build would.
    Returns what it kept (None: given up)."""
    assert _build_key is not None
    html = part_html(issue, "column", index=index, first_folio=1, plan=NO_PLAN)
    free = cache.free_key(_build_key, issue, index, html, heights, TAIL)
    if (decisions := cache.load(free)) is None:
        given: list[list] = []

        def go_on() -> list | None:
            found = build_pool() if build_pool is not None else None
            if found is not None:
                given.append(found)
            return found

        made = _make_up_column(issue, index, 1, list(issue.fillers), heights, TAIL, None, html, go_on=go_on)
        if made.read_pool:
            if not given:
                return None
            moved = cache.moved_key(_build_key, issue, index, html, given[0], heights, TAIL, "")
            cache.store(moved, decisions := _decisions(made, moved))
            cache.store_seen(cache.seen_key(_build_key, issue, index, html))
            return decisions
        cache.store(free, decisions := _decisions(made, ""))
    cache.store_seen(cache.seen_key(_build_key, issue, index, html))
    return decisions


def _decisions(made: ColumnMakeup, moved: str) -> Decisions:
    """What the cache keeps of ``made``."""
    part = made.part
    views = read_pages(part.pages)
    return Decisions(
        made.plan, list(made.actions), list(made.unfilled), list(made.loose), made.passes,
        len(part.pages), made.article_starts(), _content_fill(part.pages[-1]), frozenset(made.tried),
        min((view.fill for view in views), default=1.0), shape(part.pages), moved, _room(made.name, views),
        list(made.beside),
    )


def _cached(issue: Issue, index: int, first_folio: int, found: Decisions, key: str, part: Part | None = None) -> ColumnMakeup:
    """The make-up the cache holds, laid out when its pages are asked for (unless ``part`` is its layout)."""
    return ColumnMakeup(
        index, issue.columns[index - 1].name, first_folio, part, found.plan, list(found.actions), list(found.unfilled),
        list(found.loose), found.passes, set(found.tried), issue=issue, key=key, decisions=found, moved=found.moved,
        beside=list(found.beside),
    )


def _moved(issue: Issue, index: int, first_folio: int, found: Decisions, key: str) -> ColumnMakeup | None:
    """The make-up ``found`` where the 栏目 stood before, laid out where it starts now: the same
    make-up if every text and picture stands where it stood, else None (made up afresh)."""
    part = lay_out_part(issue, "column", index=index, first_folio=first_folio, plan=found.plan)
    if len(part.pages) != found.pages or shape(part.pages) != found.shape:
        return None
    return _cached(issue, index, first_folio, found, key, part)


# The build-wide part of the make-up cache's keys, for the build under way (None: no cache).
_build_key: str | None = None


def _make_up_column(
    issue: Issue,
    index: int,
    first_folio: int,
    pool: list,
    heights: dict[str, float],
    tail: float,
    start: ColumnMakeup | None,
    html: str | None = None,  # the HTML without corrections, when made already
    go_on: Callable[[], list | None] | None = None,  # .ahead's: at the first look for 补白, the 补白 to
    # go on with (the build's: see make_up_ahead), or None to stop there
) -> ColumnMakeup:
    column = issue.columns[index - 1]
    if start is None:
        plan = NO_PLAN
        part = lay_out_part(issue, "column", html=html, index=index, first_folio=first_folio, plan=plan)
        made = ColumnMakeup(index, column.name, first_folio, part, plan, issue=issue)
    else:  # the second round: go on from the first round's layout, with 补白 for roomy pages too
        plan, part = start.plan, start.part
        made = ColumnMakeup(
            index, start.name, start.first_folio, part, plan, list(start.actions), list(start.unfilled),
            list(start.loose), start.passes, set(start.tried), issue=issue, beside=list(start.beside),
        )
    views = read_pages(part.pages)
    tried: set[str] = set(made.tried)  # a fix that did not cure its page in the first round never will
    line = house().line_pt * PX
    if start is not None:
        html = None  # the current plan's HTML, made when a fix needs it compared
    for _ in range(MAX_PASSES - 1):
        ctx = Context(
            column, plan, tried, [f for f in pool if f.id not in _placed(plan)], heights, line, tail, start is not None
        )
        fixes = structure_fixes(views, ctx)
        unfilled: list[Action] = []
        if not fixes:
            fix, unfilled = fill_fix(views, ctx)
            if ctx.pool_read and not made.read_pool and go_on is not None:
                if (given := go_on()) is None:
                    made.read_pool = True
                    break
                pool = given  # the same look again, at the 补白 given
                ctx = replace(ctx, pool=[f for f in pool if f.id not in _placed(plan)])
                fix, unfilled = fill_fix(views, ctx)
            fixes = [fix] if fix else []
            made.read_pool |= ctx.pool_read
        made.unfilled = unfilled
        if not fixes:
            break
        new_plan = plan
        for fix in fixes:
            tried.add(fix.key)
            new_plan = _merge(new_plan, fix.plan)
        options = {"index": index, "first_folio": first_folio}
        new_html = part_html(issue, "column", plan=new_plan, **options)  # type: ignore[arg-type]
        if html is None:
            html = part_html(issue, "column", plan=plan, **options)  # type: ignore[arg-type]
        if new_html == html:  # a fix that changes nothing in the page: the same layout, not laid out again
            new_part, new_views = part, views
        else:
            new_part = lay_out_part(issue, "column", html=new_html, plan=new_plan, reuse=part, **options)  # type: ignore[arg-type]
            new_views = read_pages(new_part.pages)
        made.passes += 1
        verdicts = [fix.accept(views, new_views) for fix in fixes]
        if all(verdicts):
            plan, part, views, html = new_plan, new_part, new_views, new_html
            made.actions += [fix.action for fix in fixes if fix.action not in made.actions]
        else:
            # Only the fixes that made it worse are done with: the others of the batch (a credit
            # set apart beside a picture moved in vain) are judged again without them.
            tried -= {fix.key for fix, ok in zip(fixes, verdicts, strict=True) if ok}
    made.laid_out, made.plan, made.tried = part, plan, tried
    made.loose = loose_lines(views)
    made.beside = pictures_beside(views, line)
    return made


SAVE_PAGE_AT = 3  # with three 学习笔记 pages to add, one page saved makes the multiple of 4
SAVE_TAIL = 0.6  # how full a 栏目's last page may be for it to give a page back


def _save_pages(
    issue: Issue, columns: list[ColumnMakeup], body_start: int, notes: int, heights: dict[str, float]
) -> tuple[list[ColumnMakeup], int]:
    """Take back whole pages from the 栏目 that end least filled, so the issue needs fewer
    学习笔记 pages to reach a multiple of 4; each 栏目 is made up again from where it now starts."""
    pages = [c.page_count for c in columns]
    last_fill = [c.last_fill for c in columns]
    to_save = 4 - notes  # pages saved before the total reaches the multiple of 4 below
    for k in sorted(range(len(columns)), key=lambda k: last_fill[k]):
        if to_save == 0 or last_fill[k] >= SAVE_TAIL:
            break
        start = body_start + sum(pages[:k])
        elsewhere = {f.id for j, c in enumerate(columns) if j != k for f in c.plan.placed_fills}
        pool = [f for f in issue.fillers if f.id not in elsewhere]
        shorter = make_up_column(issue, k + 1, start, pool, heights, tail=SAVE_TAIL)
        if shorter.page_count < pages[k]:
            to_save -= pages[k] - shorter.page_count
            columns[k] = shorter
            pages[k] = shorter.page_count
    if to_save > 0:
        return columns, notes  # not enough pages saved: keep the 学习笔记 pages
    notes = (-to_save) % 4
    # Later 栏目 start earlier now: lay them out again from their new first folio.
    folio = body_start
    for k, made in enumerate(columns):
        if made.first_folio != folio:
            elsewhere = {f.id for j, c in enumerate(columns) if j != k for f in c.plan.placed_fills}
            pool = [f for f in issue.fillers if f.id not in elsewhere]
            columns[k] = make_up_column(issue, k + 1, folio, pool, heights)
        folio += columns[k].page_count
    return columns, notes


def _content_fill(page) -> float:  # type: ignore[no-untyped-def]
    """How far down a page its text reaches, 补白 left out (they were placed to fill it)."""
    view = read_pages([page])[0]
    text = [line.bottom for line in view.lines if line.article]
    height = view.area_bottom - view.area_top
    return (max(text, default=view.area_top) - view.area_top) / height if height else 1.0


def remake_column(issue: Issue, index: int, report: MakeupReport) -> ColumnMakeup:
    """Make one 栏目 up again where it stands (the preview, after an edit inside it), with the 补白
    the other 栏目 left."""
    global _build_key
    _build_key = cache.build_key(issue) if cache.enabled() else None  # the layouts may have changed since
    before = report.columns[index - 1]
    pool = _left_to(issue, index, report)
    made = make_up_column(issue, index, before.first_folio, pool, report.fill_heights)
    pool = [f for f in pool if f.id not in _placed(made.plan)]
    if pool:  # the second round, as make_up runs it: 补白 left over for roomy pages too
        made = make_up_column(issue, index, before.first_folio, pool, report.fill_heights, start=made)
    made.actions += room_left(made)
    return made


def column_cached(issue: Issue, index: int, report: MakeupReport) -> bool:
    """Whether the cache holds the make-up of 栏目 ``index`` as an edit left it, where it stands
    (then it is laid out once: no draft before it is worth drawing)."""
    global _build_key
    _build_key = cache.build_key(issue) if cache.enabled() else None
    if _build_key is None:
        return False
    before = report.columns[index - 1]
    html = part_html(issue, "column", index=index, first_folio=before.first_folio, plan=NO_PLAN)
    pool = _left_to(issue, index, report)
    key = cache.column_key(_build_key, issue, index, before.first_folio, html, pool, report.fill_heights, TAIL, "")
    return cache.load(key) is not None


def draft_column(issue: Issue, index: int, report: MakeupReport) -> Part | None:
    """One 栏目 laid out once after an edit, with the make-up it had before (its 补白, moved
    pictures, credits apart), for the preview to show while it is made up again, which takes
    two to eight layouts; None when the old make-up no longer fits the text (a picture it
    moved is gone)."""
    before = report.columns[index - 1]
    try:
        part = lay_out_part(issue, "column", index=index, first_folio=before.first_folio, plan=before.plan)
    except (StopIteration, LookupError):  # a move of a block the edit removed (Plan.ordered)
        return None
    offer(part)  # the make-up often ends with the old plan: then it lays this HTML out again
    return part


def draft_front(issue: Issue, folios: dict[str, int], report: MakeupReport) -> Part:
    """The front laid out with the contents' old ``folios`` (the preview's draft after a title
    edit); the make-up takes it as its own if the folios stay."""
    part = lay_out_part(issue, "front", folios=folios, fit=report.front_fit)
    offer(part)
    return part


def _left_to(issue: Issue, index: int, report: MakeupReport) -> list:
    """The 补白 that 栏目 ``index`` may use: those the other 栏目 did not place."""
    elsewhere = {f.id for c in report.columns if c.index != index for f in c.plan.placed_fills}
    return [f for f in issue.fillers if f.id not in elsewhere]


def _placed(plan: Plan) -> set[str]:
    return {f.id for f in plan.placed_fills}


def _merge(base: Plan, fix: Plan) -> Plan:
    """``fix`` was made from an earlier ``base``; several fixes of one pass are combined."""
    from dataclasses import replace

    return replace(
        fix,
        block_extra={**base.block_extra, **{k: base.block_extra.get(k, frozenset()) | v for k, v in fix.block_extra.items()}},
        article_extra={
            **base.article_extra,
            **{k: base.article_extra.get(k, frozenset()) | v for k, v in fix.article_extra.items()},
        },
        run_on=base.run_on | fix.run_on,
        page_before=base.page_before | fix.page_before,
        tails_apart=base.tails_apart | fix.tails_apart,
        fills={**base.fills, **fix.fills},
        fill_gaps={**base.fill_gaps, **fix.fill_gaps},
        moves={**base.moves, **fix.moves},
        heights={**base.heights, **fix.heights},
    )


def _article_folios(made: ColumnMakeup, issue: Issue) -> dict[str, int]:
    ids = {a.id for a in issue.body_articles}
    return {name: made.first_folio + offset for name, offset in made.article_starts().items() if name in ids}


FIT_STEPS = 4  # 封二/封三 are one page: their text is set a step smaller until it fits


def _front(issue: Issue, folios: dict[str, int], first_step: int = 0, part: str = "front") -> tuple[Part, int]:
    """The front (or with ``part="covers"`` 封一 and 封二 alone) laid out, with the step 封二 is set
    smaller by; ``first_step``: a smaller one is known not to fit (封二 stands before the
    contents: their text and folios cannot move it)."""
    for step in range(first_step, FIT_STEPS + 1):
        front = lay_out_part(issue, part, folios=folios, fit=step, take_pressed=True)
        if _cover_pages(front, "inside-front", "contents") <= 1 or step == FIT_STEPS:
            if step:
                front.warnings.append(f"封二 set {step} step(s) smaller to fit its page")
            return front, step
    raise AssertionError("unreachable")


def _back(issue: Issue, first_folio: int, notes: int) -> Part:
    for step in range(FIT_STEPS + 1):
        back = lay_out_part(issue, "back", first_folio=first_folio, notes_pages=notes, fit=step, take_pressed=True)
        if _cover_pages(back, "inside-back", "back-cover") <= 1 or step == FIT_STEPS:
            if step:
                back.warnings.append(f"封三 set {step} step(s) smaller to fit its page")
            return back
    raise AssertionError("unreachable")


def _cover_pages(part: Part, start: str, end: str) -> int:
    """How many pages a cover page's text took (封二: from its anchor to the contents)."""
    first = next(i for i, anchors in enumerate(part.anchors) if start in anchors)
    last = next(i for i, anchors in enumerate(part.anchors) if end in anchors)
    return last - first


def fill_heights(issue: Issue) -> dict[str, float]:
    """Height (px) of each 补白 set across the type area, from one layout of all of them."""
    return _fill_heights(issue)[0]


def _known_heights(issue: Issue) -> tuple[dict[str, float], Part | None]:
    """The 补白's heights as the cache knows them from an earlier build of the same 补白 and
    layouts (no layout then), else measured (and kept)."""
    if _build_key is None:
        return _fill_heights(issue)
    html = part_html(issue, "fills", first_folio=1)
    key = cache.heights_key(_build_key, issue, html)
    if (known := cache.load_heights(key)) is not None:
        return known, None
    heights, part = _fill_heights(issue, html)
    cache.store_heights(key, heights)
    return heights, part


def _fill_heights(issue: Issue, html: str | None = None) -> tuple[dict[str, float], Part]:
    part = lay_out_part(issue, "fills", html, first_folio=1)
    views: list[PageView] = read_pages(part.pages)
    heights: dict[str, float] = {}
    for view in views:
        for block in view.blocks:
            if "fill" in block.classes and block.id.startswith("fill-"):
                heights[block.id.removeprefix("fill-")] = block.bottom - block.top
    return heights, part
