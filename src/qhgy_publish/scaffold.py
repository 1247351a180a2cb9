"""`qhgy new`: the next issue's folder, carried over from the latest one.

Carries what stays from issue to issue (栏目 order, 编委会, colophon) and marks
every value that must be confirmed again as a placeholder: the print date and
run, the cover photo, its caption and alt text. Each carried 栏目 gets one
stand-in article of the kind it held last time, so the new folder builds as it
is and `qhgy check` lists everything still to write; a 栏目 whose stand-in is
deleted and gets no article is left out of the issue (S-014).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .errors import BuildError, SourceErrors
from .load.issue import ISSUE_ID, load_issue, load_meta, planned_pages
from .model import IssueMeta, Kind
from .paths import layout_dirs

# Values a new issue must confirm, whatever the previous one had.
NEW_PLACEHOLDERS = ("cover.caption", "cover.alt", "colophon.print_date", "colophon.print_run")


def _bounds(key: str) -> tuple[int, int]:
    """The range issue.yaml accepts for ``key``: a folder outside it would never load."""
    meta = IssueMeta.model_fields[key].metadata
    return next(m.ge for m in meta if hasattr(m, "ge")), next(m.le for m in meta if hasattr(m, "le"))


def next_issue_id(content_dir: Path) -> str:
    """The id after the latest issue in ``content_dir``: same year, next number."""
    issues = sorted(p.name for p in content_dir.glob("*-*") if ISSUE_ID.fullmatch(p.name))
    if not issues:
        raise BuildError(f"no issue in {content_dir} to follow\n      → give the id, e.g. qhgy new 2025-01")
    year, number = map(int, issues[-1].split("-"))
    if number >= _bounds("number")[1]:
        raise BuildError(
            f"{issues[-1]} is the last number a year can have\n      → give the id, e.g. {year + 1}-01"
        )
    return f"{year}-{number + 1:02d}"


def scaffold_issue(issue_id: str | None, content_dir: Path) -> Path:
    """Create ``content_dir/issue_id`` (default: the next one) from the latest earlier issue."""
    issue_id = issue_id or next_issue_id(content_dir)
    # fullmatch and [0-9]: “2025-02\n” and full-width digits would make folders that never load.
    match = ISSUE_ID.fullmatch(issue_id)
    if not match:
        raise BuildError(
            f"{issue_id!r} is not an issue id\n      → write year-number in ASCII digits, e.g. 2025-02"
        )
    year, number = int(match.group(1)), int(match.group(2))
    low_year, high_year = _bounds("year")
    if not low_year <= year <= high_year:
        raise BuildError(f"“{issue_id}”: the year must lie between {low_year} and {high_year}")
    low_number, high_number = _bounds("number")
    if not low_number <= number <= high_number:
        raise BuildError(f"“{issue_id}”: 期号 runs from {low_number:02d} to {high_number}")
    target = content_dir / issue_id
    if target.exists():
        raise BuildError(f"{target} exists already\n      → pick the next issue id, or edit that folder")
    earlier = sorted(p for p in content_dir.glob("*-*") if ISSUE_ID.fullmatch(p.name) and p.name < issue_id)
    if not earlier:
        raise BuildError(f"no earlier issue in {content_dir} to start from")
    previous = earlier[-1]
    meta, _, errors = load_meta(previous)
    if meta is None or errors:
        raise SourceErrors(errors)
    kinds = _column_kinds(previous, meta.columns)
    env = Environment(
        loader=FileSystemLoader([d / "new" for d in layout_dirs(target)]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    carried = [key for key in meta.placeholders if key not in NEW_PLACEHOLDERS]
    text = env.get_template("issue.yaml.j2").render(
        meta=meta,
        c=meta.colophon.model_dump(),
        year=year,
        number=number,
        serial=meta.serial + 1 if meta.serial else None,
        issue_id=issue_id,
        previous_id=previous.name,
        print_date=dt.date(year, min(number, 12), 1).isoformat(),
        placeholders=[*NEW_PLACEHOLDERS, *carried],
        budgets=planned_pages(previous),  # the pages planned per 栏目 carry on too
    )
    (target / "articles").mkdir(parents=True)
    (target / "images").mkdir()
    (target / "issue.yaml").write_text(text, encoding="utf-8")
    article = env.get_template("article.md.j2")
    for i, column in enumerate(meta.columns, start=1):
        (target / "articles" / f"{i * 100:03d}-lanmu-{i}.md").write_text(
            article.render(column=column, kind=kinds.get(column, Kind.ARTICLE).value, issue_id=issue_id),
            encoding="utf-8",
        )
    from .placeholders import make_placeholder

    make_placeholder(target / "images" / "cover.png", width_mm=216, height_mm=160, caption="封面照片")
    return target


def _column_kinds(previous: Path, columns: list[str]) -> dict[str, Kind]:
    """The kind of each 栏目's first article last time (news stays news); empty if it does not load."""
    try:
        issue = load_issue(previous)
    except SourceErrors:
        return {}
    return {c.name: c.articles[0].meta.kind for c in issue.columns if c.articles and c.name in columns}
