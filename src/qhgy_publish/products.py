"""What a build leaves in the output folder, by name: the renderers write these files
(pipeline.RENDERERS), ``qhgy check`` reads them. Both sides ask here, so neither imports
the other."""

from __future__ import annotations

from pathlib import Path

from .model import Issue

# target → the file's name after "qhgy-<issue id>"
SUFFIXES: dict[str, str] = {
    "print": "-print.pdf",
    "screen": "-screen.pdf",
    "epub": ".epub",
    "makeup": "-makeup.json",  # the make-up's report, written by the print renderers
}


def product_name(issue: Issue | str, target: str) -> str:
    issue_id = issue if isinstance(issue, str) else issue.id
    return f"qhgy-{issue_id}{SUFFIXES[target]}"


def product_path(out_dir: Path, issue: Issue | str, target: str) -> Path:
    return out_dir / product_name(issue, target)
