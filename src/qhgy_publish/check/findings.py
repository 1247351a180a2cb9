"""A finding of the preflight: severity, stable code, where, what, and what to do.

Codes come in families, as in Standard Ebooks' lint: S- sources, T- typography
of the sources, P- print PDF, E- EPUB (EPUBCheck's own ids follow). A code
never changes meaning, so editors and scripts can rely on it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import StrEnum

from ..errors import Loc


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str
    message: str
    # "page 7", or a source place, kept as a Loc so its path is never re-parsed from text
    # (a folder named “第1期:20” would be cut at the colon)
    where: str | Loc = ""
    hint: str = ""

    def as_dict(self) -> dict[str, str]:
        return {f.name: str(getattr(self, f.name)) for f in fields(self)}

    def __str__(self) -> str:
        text = f"{self.where}: " if self.where else ""
        text += f"{self.severity} {self.code} {self.message}"
        return text + (f"\n    → {self.hint}" if self.hint else "")
