"""`qhgy new`: the next issue's folder, carried over from the latest one.

Carries what stays from issue to issue (栏目 order, 编委会, colophon) and marks
what must be filled in again (cover photo, print date) as placeholders.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .errors import BuildError, SourceErrors
from .load.issue import ISSUE_ID, load_meta
from .model import IssueMeta
from .paths import layout_dirs


def _bounds(key: str) -> tuple[int, int]:
    """The range issue.yaml accepts for ``key``: a folder outside it would never load."""
    meta = IssueMeta.model_fields[key].metadata
    return next(m.ge for m in meta if hasattr(m, "ge")), next(m.le for m in meta if hasattr(m, "le"))


def scaffold_issue(issue_id: str, content_dir: Path) -> Path:
    """Create ``content_dir/issue_id`` from the latest earlier issue; return its path."""
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
    serial = meta.serial + 1 if meta.serial else None
    env = Environment(
        loader=FileSystemLoader([d / "new" for d in layout_dirs(target)]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    text = env.get_template("issue.yaml.j2").render(
        meta=meta,
        c=meta.colophon.model_dump(),
        year=year,
        number=number,
        serial=serial,
        issue_id=issue_id,
        previous_id=previous.name,
        print_date=dt.date(year, min(number, 12), 1).isoformat(),
    )
    (target / "articles").mkdir(parents=True)
    (target / "images").mkdir()
    (target / "issue.yaml").write_text(text, encoding="utf-8")
    from .placeholders import make_placeholder

    make_placeholder(target / "images" / "cover.png", width_mm=216, height_mm=160, caption="封面照片")
    return target
