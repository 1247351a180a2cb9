"""Errors that reach the editor: each names the file, the line and what to do.

Loaders collect every problem they find (as MkDocs does) and raise one
:class:`SourceErrors` at the end, so an editor fixes a whole batch per build.
The CLI prints them; a traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from enum import StrEnum
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
class Product:
    """A place in a built file: a page of a PDF (1-based, not the folio; 0 = the file as a whole),
    or the members of an EPUB a message names."""

    file: str = ""
    page: int = 0
    members: tuple[str, ...] = ()

    def __str__(self) -> str:
        parts = [self.file] if self.file else []
        if self.page:
            parts.append(f"page {self.page}")
        text = " ".join(parts)
        if self.members:
            text += f": {', '.join(self.members)}" if text else ", ".join(self.members)
        return text


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """One problem or note, from loading the sources to reading the built files.

    ``code`` is registered in :mod:`qhgy_publish.codes` (and documented in docs/checks.md);
    ``where`` is a source place (:class:`Loc`) or a place in a built file (:class:`Product`),
    never text to be parsed again (a folder named “第1期:20” would be cut at the colon).
    """

    severity: Severity
    code: str
    message: str
    where: Loc | Product | None = None
    hint: str = ""

    @property
    def place(self) -> str:
        """Where, as the editor reads it ("" for a finding on the issue as a whole)."""
        return "" if self.where is None else str(self.where)

    @property
    def page(self) -> int | None:
        """The PDF page of a finding on a built PDF, else None."""
        return self.where.page or None if isinstance(self.where, Product) else None

    def as_dict(self) -> dict[str, str]:
        return {f.name: "" if (v := getattr(self, f.name)) is None else str(v) for f in fields(self)}

    def __str__(self) -> str:
        text = f"{self.place}: " if self.place else ""
        text += f"{self.severity} {self.code} {self.message}"
        return text + (f"\n    → {self.hint}" if self.hint else "")


def source_error(where: Loc, message: str, hint: str = "", code: str = "S-000") -> Finding:
    """A problem that stops the build: an error finding at a place in the sources."""
    return Finding(Severity.ERROR, code, message, where, hint)


class QhgyError(Exception):
    """Base of every error the CLI reports without a traceback."""


@dataclass
class SourceErrors(QhgyError):
    """Raised once, after loading, with every problem found."""

    errors: list[Finding] = field(default_factory=list)
    report: list[Finding] = field(default_factory=list)  # every finding of the failing stage, warnings too

    def __str__(self) -> str:
        return "\n".join(
            f"{e.place}: {e.code} {e.message}" + (f"\n    → {e.hint}" if e.hint else "") for e in self.errors
        )


class BuildError(QhgyError):
    """A build step failed for a reason the editor can act on (message says how)."""
