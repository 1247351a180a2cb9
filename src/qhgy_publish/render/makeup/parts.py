"""The issue laid out part by part: the front (封一, 封二, 目录), one part per 栏目, the back.

Each 栏目 starts on a new page, so a 栏目 can be laid out — and laid out
again by the make-up — on its own, knowing only the folio it starts on; its
pages then join the others in one :class:`weasyprint.Document` (WeasyPrint
writes pages from several layouts as one PDF as long as they share the
fonts, which :mod:`..weasy` ensures). The contents print the folios the
part layouts found, so the front is laid out last.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from weasyprint import Document

from ... import words as wordbreaks
from ...model import Issue
from ...paths import layout_dirs
from ..pagefacts import PageFacts, read_facts
from ..pressed import PressedPart
from ..templates import environment, render_template
from ..weasy import render_html
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
    """Reuse the last build's parts in this one where ``build_key`` (code, layouts, fonts,
    images: :func:`.cache.build_key`) and a part's HTML are the same (None: reuse nothing)."""
    global _build_key
    _build_key = build_key
    if build_key is None:
        _last_build.clear()
        _drafts.clear()


def finish_build(parts: list[Part]) -> None:
    """Keep ``parts`` (the build's own) for the next build, and only them."""
    _last_build.clear()
    _last_build.update({part.key: part for part in parts if part.key and part.pressed is None})
    _drafts.clear()


def offer(part: Part) -> None:
    """Keep ``part`` (laid out ahead, as a draft) for the make-up to reuse if it lays the same HTML
    out; :func:`forget_drafts` and :func:`finish_build` forget it (a build keeps it if it used it)."""
    if part.key:
        _drafts[part.key] = part


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
) -> str:
    """The HTML of one part. A part that starts on a left-hand (even) page gets a leading pad page;
    ``fit`` sets the text of 封二/封三 that many steps smaller, so it keeps to its one page."""
    wordbreaks.use_issue_words(wordbreaks.issue_words(issue))
    pad = _padded(part, first_folio)
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
        first_counter=0 if part in ("front", "covers") else (first_folio - 1 if pad else first_folio),
    )


def _padded(part: str, first_folio: int) -> bool:
    """Whether the part starts on a left-hand page, so its HTML leads with a pad page."""
    return part not in ("front", "covers", "fills") and first_folio % 2 == 0


def lay_out_part(
    issue: Issue, part: str, html: str | None = None, *, take_pressed: bool = False, **options: object
) -> Part:
    """Lay one part out (see :func:`part_html` for the options; ``html``: theirs, made already).
    ``take_pressed``: a part the build only writes (the make-up's final one, never one it
    measures) may be the pages an earlier build drew from the same input (:func:`use_pressed`)."""
    from ..weasy_cjk_patch import HALT_AT_LINE_END

    if html is None:
        html = part_html(issue, part, **options)  # type: ignore[arg-type]
    first_folio = int(options.get("first_folio", 1))  # type: ignore[call-overload]
    name = f"column-{options.get('index')}" if part == "column" else part
    key = ""
    if _build_key is not None:
        key = hashlib.sha256(f"{_build_key}\0{name}\0{first_folio}\0{html}".encode()).hexdigest()
        if take_pressed and (pressed := _pressed.get(key)) is not None:
            laid = tuple(pressed.warnings)
            return Part(name, None, [], list(laid), key, laid, {}, pressed)
        if (found := _last_build.get(key) or _drafts.get(key)) is not None:
            # its pages are drawn from its own layout's line ends, which this build forgot
            HALT_AT_LINE_END.update(found.halts)
            return replace(found, pages=list(found.pages), warnings=list(found.laid_warnings))
    before = set(HALT_AT_LINE_END) if key else set()
    document, warnings = render_html(issue, html)
    wordbreaks.keep_cuts()  # for the next process: see words.CUTS_CACHE
    halts = {k: v for k, v in HALT_AT_LINE_END.items() if k not in before} if key else {}
    pages = document.pages[1:] if _padded(part, first_folio) else list(document.pages)
    return Part(name, document, pages, list(warnings), key, tuple(warnings), halts)


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
