"""The issue laid out part by part: the front (封一, 封二, 目录), one part per 栏目, the back.

Each 栏目 starts on a new page, so a 栏目 can be laid out — and laid out
again by the make-up — on its own, knowing only the folio it starts on; its
pages then join the others in one :class:`weasyprint.Document` (WeasyPrint
writes pages from several layouts as one PDF as long as they share the
fonts, which :mod:`..weasy` ensures). The contents print the folios the
part layouts found, so the front is laid out last.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from weasyprint import Document

from ... import words as wordbreaks
from ...model import Issue
from ...paths import layout_dirs
from ..templates import environment, render_template
from ..weasy import render_html
from .plan import NO_PLAN, Plan


@dataclass
class Part:
    """A laid-out part: its pages (a parity pad dropped) and the document they came from."""

    name: str
    document: Document
    pages: list = field(default_factory=list)  # weasyprint.Page
    warnings: list[str] = field(default_factory=list)


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
    pad = part not in ("front", "fills") and first_folio % 2 == 0
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
        first_counter=0 if part == "front" else (first_folio - 1 if pad else first_folio),
    )


def lay_out_part(issue: Issue, part: str, html: str | None = None, **options: object) -> Part:
    """Lay one part out (see :func:`part_html` for the options; ``html``: theirs, made already)."""
    if html is None:
        html = part_html(issue, part, **options)  # type: ignore[arg-type]
    document, warnings = render_html(issue, html)
    first_folio = int(options.get("first_folio", 1))  # type: ignore[call-overload]
    pad = part not in ("front", "fills") and first_folio % 2 == 0
    name = f"column-{options.get('index')}" if part == "column" else part
    return Part(name, document, document.pages[1:] if pad else list(document.pages), warnings)


def join(parts: list[Part]) -> Document:
    """One document of the parts' pages in order, with the first part's metadata."""
    return parts[0].document.copy([page for part in parts for page in part.pages])


def whole_issue_html(issue: Issue, folios: dict[str, int], plans: list[Plan], notes_pages: int) -> str:
    """The laid-out issue as one HTML document (for comparisons with other engines)."""
    wordbreaks.use_issue_words(wordbreaks.issue_words(issue))
    return render_template(
        environment("print", layout_dirs(issue.root)), "issue.html.j2", issue=issue, folios=folios, plans=plans, notes_pages=notes_pages
    )
