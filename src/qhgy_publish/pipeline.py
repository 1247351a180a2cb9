"""The one-way flow of a build: load → transforms → renderers.

Each renderer writes its file atomically (see :mod:`qhgy_publish.output`), so a
failed or interrupted build leaves the previous outputs as they were.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from .load import load_issue
from .model import Issue
from .summary import IssueSummary, summarise
from .transforms import apply_transforms


@dataclass
class BuildResult:
    issue: Issue
    summary: IssueSummary
    outputs: list[Path] = field(default_factory=list)


def renderers() -> dict[str, object]:
    """Renderer name → callable(issue, out_dir, context) -> list[Path]; imported lazily."""
    return {}


def build_issue(
    root: Path,
    out_dir: Path,
    targets: Iterable[str] | None = None,
    console: Console | None = None,
) -> BuildResult:
    """Build ``root`` into ``out_dir``; ``targets`` None means every output."""
    issue = apply_transforms(load_issue(root))
    result = BuildResult(issue=issue, summary=summarise(issue))
    wanted = set(targets) if targets is not None else None
    if wanted == {"none"}:
        return result
    for name, render in renderers().items():
        if wanted is None or name in wanted:
            result.outputs += render(issue, out_dir, console)  # type: ignore[operator]
    return result
