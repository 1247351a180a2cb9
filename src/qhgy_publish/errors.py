"""Errors that reach the editor: each names the file, the line and what to do.

Loaders collect every problem they find (as MkDocs does) and raise one
:class:`SourceErrors` at the end, so an editor fixes a whole batch per build.
The CLI prints them; a traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Loc:
    """A place in a source file (1-based line and column; 0 = unknown)."""

    path: Path
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        # Links are not followed: a file is named as the editor sees it, not where a link leads.
        path = Path(os.path.abspath(self.path))
        try:
            shown = path.relative_to(Path.cwd())
        except ValueError:
            shown = path
        text = str(shown)
        if self.line:
            text += f":{self.line}"
            if self.column:
                text += f":{self.column}"
        return text


@dataclass(frozen=True)
class SourceError:
    """One problem in the sources: where, what, and how to fix it."""

    loc: Loc
    message: str
    hint: str = ""
    code: str = "S-000"

    def __str__(self) -> str:
        text = f"{self.loc}: {self.code} {self.message}"
        if self.hint:
            text += f"\n    → {self.hint}"
        return text


class QhgyError(Exception):
    """Base of every error the CLI reports without a traceback."""


@dataclass
class SourceErrors(QhgyError):
    """Raised once, after loading, with every problem found."""

    errors: list[SourceError] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


class BuildError(QhgyError):
    """A build step failed for a reason the editor can act on (message says how)."""
