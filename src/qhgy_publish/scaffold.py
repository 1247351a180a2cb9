"""`qhgy new`: the next issue's folder, carried over from the latest one.

Carries what stays from issue to issue (栏目 order, 编委会, colophon) and marks
what must be filled in again (cover photo, print date) as placeholders.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .errors import BuildError, SourceErrors
from .load.issue import load_meta
from .paths import layout_dirs

ISSUE_ID = re.compile(r"^(\d{4})-(\d{2})$")


def scaffold_issue(issue_id: str, content_dir: Path) -> Path:
    """Create ``content_dir/issue_id`` from the latest earlier issue; return its path."""
    match = ISSUE_ID.match(issue_id)
    if not match:
        raise BuildError(f"“{issue_id}” is not an issue id\n      → write year-number, e.g. 2025-02")
    year, number = int(match.group(1)), int(match.group(2))
    if number < 1:
        raise BuildError(f"“{issue_id}”: 期号 starts at 01")
    target = content_dir / issue_id
    if target.exists():
        raise BuildError(f"{target} exists already\n      → pick the next issue id, or edit that folder")
    earlier = sorted(p for p in content_dir.glob("*-*") if ISSUE_ID.match(p.name) and p.name < issue_id)
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
