"""The issue laid out part by part: the front (封一, 封二, 目录), one part per 栏目, the back.

Each 栏目 starts on a new page, so a 栏目 can be laid out — and laid out
again by the make-up — on its own, knowing only the folio it starts on; its
pages then join the others in one :class:`weasyprint.Document` (WeasyPrint
writes pages from several layouts as one PDF as long as they share the
fonts, which :mod:`..weasy` ensures). The contents print the folios the
part layouts found, so the front is laid out last.

A 栏目 is itself laid out in runs of articles, each from one new page to
the next (:func:`runs`): the make-up corrects one page at a time, and a
correction lays out again only its run (and the runs after it if it changed
their first folio), not the whole 栏目.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from weasyprint import Document

from ... import words as wordbreaks
from ...model import Article, Issue
from ...paths import layout_dirs
from .. import balanced_memo
from ..pagefacts import PageFacts, read_facts
from ..pressed import PressedPart
from ..templates import environment, render_template
from ..weasy import render_html
from .cache import pictures
from .plan import NO_PLAN, Plan


@dataclass
class Part:
    """A laid-out part: its pages (a parity pad dropped) and the document they came from — or,
    ``pressed``, the pages an earlier build drew from the same input (no layout, no document)."""

    name: str
    document: Document | None
    pages: list = field(default_factory=list)  # weasyprint.Page
    warnings: list[str] = field(default_factory=list)
    key: str = ""  # what it was laid out from (see start_build), "" when not to be reused
    laid_warnings: tuple[str, ...] = ()  # the layout's own warnings (the make-up adds to ``warnings``)
    halts: dict = field(default_factory=dict)  # the line-end marks its layout set half-width
    pressed: PressedPart | None = None
    runs: tuple[Part, ...] = ()  # a 栏目 laid out run by run: the runs' layouts (see _lay_out_runs)

    @property
    def page_count(self) -> int:
        return len(self.pressed.facts) if self.pressed is not None else len(self.pages)

    @property
    def anchors(self) -> list[tuple[str, ...]]:
        """The anchors of each of its pages (for the make-up: no page read further)."""
        if self.pressed is not None:
            return [fact.anchors for fact in self.pressed.facts]
        return [tuple(page.anchors) for page in self.pages]

    @cached_property
    def facts(self) -> list[PageFacts]:
        """What the build reads from each of its pages (see :mod:`..pagefacts`)."""
        return list(self.pressed.facts) if self.pressed is not None else read_facts(self.pages)


# The parts of the last build, by what they were laid out from: a process that builds again
# (the preview) lays out again only what an edit changed. Only the parts a build ended with
# are kept, so a build holds no more layouts than before.
_last_build: dict[str, Part] = {}
# Layouts made ahead as drafts (the preview's, after a save), for the make-up to reuse if it lays
# the same HTML out: kept until the next draft or the end of a build, so a long session of saves
# in the preview holds one save's drafts at most.
_drafts: dict[str, Part] = {}
_build_key: str | None = None
# Pages an earlier build drew, by the key of the part they were drawn from (see .pressed): the
# make-up's final parts are taken from here rather than laid out, where the build allows it.
_pressed: Mapping[str, PressedPart] = {}


def use_pressed(parts: Mapping[str, PressedPart]) -> None:
    """Let the make-up's final parts be the pages of ``parts`` where their keys match ({}: none)."""
    global _pressed
    _pressed = parts


def start_build(build_key: str | None) -> None:
    """Reuse the last build's parts in this one where ``build_key`` (code, layouts, fonts:
    :func:`.cache.build_key`), a part's HTML and its pictures are the same (None: reuse nothing)."""
    global _build_key
    _build_key = build_key
    if build_key is None:
        _last_build.clear()
        _drafts.clear()


def finish_build(parts: list[Part]) -> None:
    """Keep ``parts`` (the build's own) for the next build, and only them."""
    _last_build.clear()
    _last_build.update({part.key: part for part in parts if part.key and part.pressed is None})
    _last_build.update({run.key: run for part in parts if part.key for run in part.runs})
    _drafts.clear()


def offer(part: Part) -> None:
    """Keep ``part`` (laid out ahead, as a draft) for the make-up to reuse if it lays the same HTML
    out; :func:`forget_drafts` and :func:`finish_build` forget it (a build keeps it if it used it)."""
    if part.key:
        _drafts[part.key] = part
        _drafts.update({run.key: run for run in part.runs})


def forget_drafts() -> None:
    """Forget the drafts of the last save (a new one is under way)."""
    _drafts.clear()


def part_html(
    issue: Issue,
    part: str,
    *,
    index: int = 0,
    first_folio: int = 1,
    plan: Plan = NO_PLAN,
    folios: dict[str, int] | None = None,
    notes_pages: int = 0,
    fit: int = 0,
    run: int = 0,
) -> str:
    """The HTML of one part. A part that starts on a left-hand (even) page gets a leading pad page;
    ``fit`` sets the text of 封二/封三 that many steps smaller, so it keeps to its one page;
    ``run``: of a 栏目, only that run of its articles (see :func:`runs`; 0: all of them)."""
    wordbreaks.use_issue_words(wordbreaks.issue_words(issue))
    pad = _padded(part, first_folio)
    articles = runs(issue.columns[index - 1].articles, plan)[run - 1] if run else None
    return render_template(
        environment("print", layout_dirs(issue.root)),
        "part.html.j2",
        issue=issue,
        part=part,
        index=index,
        plan=plan,
        folios=folios or {},
        notes_pages=notes_pages,
        fit=fit,
        pad=pad,
        run=run,
        articles=articles,
        first_counter=0 if part in ("front", "covers") else (first_folio - 1 if pad else first_folio),
    )


def runs(articles: Sequence[Article], plan: Plan) -> list[tuple[Article, ...]]:
    """A 栏目's articles in runs that each begin on a new page: laid out one by one, a run that a
    make-up correction did not touch (nor move) is not laid out again."""
    found: list[tuple[Article, ...]] = []
    for article in articles:
        if found and not plan.new_page(article):
            found[-1] += (article,)
        else:
            found.append((article,))
    return found


def _padded(part: str, first_folio: int) -> bool:
    """Whether the part starts on a left-hand page, so its HTML leads with a pad page."""
    return part not in ("front", "covers", "fills") and first_folio % 2 == 0


def lay_out_part(
    issue: Issue,
    part: str,
    html: str | None = None,
    *,
    take_pressed: bool = False,
    reuse: Part | None = None,
    **options: object,
) -> Part:
    """Lay one part out (see :func:`part_html` for the options; ``html``: theirs, made already).
    ``take_pressed``: a part the build only writes (the make-up's final one, never one it
    measures) may be the pages an earlier build drew from the same input (:func:`use_pressed`).
    ``reuse``: an earlier layout of the part (the make-up's last pass), whose runs of articles
    are taken as they are where their HTML and first folio are the same."""
    if html is None:
        html = part_html(issue, part, **options)  # type: ignore[arg-type]
    first_folio = int(options.get("first_folio", 1))  # type: ignore[call-overload]
    name = f"column-{options.get('index')}" if part == "column" else part
    key = ""
    if _build_key is not None:
        key = part_key(name, first_folio, html, issue)
        if take_pressed and (pressed := _pressed.get(key)) is not None:
            laid = tuple(pressed.warnings)
            return Part(name, None, [], list(laid), key, laid, {}, pressed)
        if (found := _last_build.get(key) or _drafts.get(key)) is not None:
            return _taken(found)
    if part == "column" and not options.get("run"):
        plan = options.get("plan", NO_PLAN)
        assert isinstance(plan, Plan)
        if len(runs(issue.columns[int(options["index"]) - 1].articles, plan)) > 1:  # type: ignore[call-overload]
            return _lay_out_runs(issue, name, key, reuse, options)
    return _render(issue, part, name, html, first_folio, key)


def part_key(name: str, first_folio: int, html: str, issue: Issue) -> str:
    """What a part's layout is drawn from: the build's code, layouts and fonts, its HTML and the
    pictures it shows (:func:`.cache.pictures`)."""
    digest = f"{_build_key}\0{name}\0{first_folio}\0{html}\0{pictures(html, issue)}"
    return hashlib.sha256(digest.encode()).hexdigest()


def _taken(found: Part) -> Part:
    """A layout made before, taken as this one's."""
    from ..weasy_cjk_patch import HALT_AT_LINE_END

    HALT_AT_LINE_END.update(found.halts)  # its pages are drawn from its own layout's line ends
    return replace(found, pages=list(found.pages), warnings=list(found.laid_warnings))


def _render(issue: Issue, part: str, name: str, html: str, first_folio: int, key: str) -> Part:
    from ..weasy_cjk_patch import HALT_AT_LINE_END

    before = set(HALT_AT_LINE_END)
    balanced_memo.refresh()  # the heights the helper (or the build) found meanwhile
    document, warnings = render_html(issue, html)
    wordbreaks.keep_cuts()  # for the next process: see words.CUTS_CACHE
    halts = {k: v for k, v in HALT_AT_LINE_END.items() if k not in before}
    pages = document.pages[1:] if _padded(part, first_folio) else list(document.pages)
    return Part(name, document, pages, list(warnings), key, tuple(warnings), halts)


def _lay_out_runs(issue: Issue, name: str, key: str, reuse: Part | None, options: dict[str, object]) -> Part:
    """A 栏目 laid out run by run (see :func:`runs`), each run from the folio the one before it
    ended on; a run laid out before with the same HTML there is taken as it was. Its pages are
    those one layout of the whole 栏目 gives: each run begins on a new page, and its first page
    carries the 栏目's running head as the band above the first run sets it."""
    plan = options.get("plan", NO_PLAN)
    assert isinstance(plan, Plan)
    index = int(options["index"])  # type: ignore[call-overload]
    folio = int(options.get("first_folio", 1))  # type: ignore[call-overload]
    known = {run.key: run for run in (reuse.runs if reuse is not None else ())}
    laid: list[Part] = []
    for number in range(1, len(runs(issue.columns[index - 1].articles, plan)) + 1):
        html = part_html(issue, "column", index=index, first_folio=folio, plan=plan, run=number)
        run_key = part_key(f"{name}.{number}", folio, html, issue)
        found = known.get(run_key) or _last_build.get(run_key) or _drafts.get(run_key)
        laid.append(_taken(found) if found is not None else _render(issue, "column", name, html, folio, run_key))
        folio += len(laid[-1].pages)
    warnings = list(dict.fromkeys(w for run in laid for w in run.laid_warnings))
    halts = {k: v for run in laid for k, v in run.halts.items()}
    pages = [page for run in laid for page in run.pages]
    return Part(name, laid[0].document, pages, warnings, key, tuple(warnings), halts, runs=tuple(laid))


def join(parts: list[Part]) -> Document | None:
    """One document of the parts' pages in order, with the first part's metadata (None when
    pages of an earlier build stand in for some: see :mod:`..pressed`)."""
    if any(part.document is None for part in parts):
        return None
    return parts[0].document.copy([page for part in parts for page in part.pages])  # type: ignore[union-attr]


def whole_issue_html(issue: Issue, folios: dict[str, int], plans: list[Plan], notes_pages: int) -> str:
    """The laid-out issue as one HTML document (for comparisons with other engines)."""
    wordbreaks.use_issue_words(wordbreaks.issue_words(issue))
    return render_template(
        environment("print", layout_dirs(issue.root)), "issue.html.j2", issue=issue, folios=folios, plans=plans, notes_pages=notes_pages
    )
