"""A finding of the preflight: severity, stable code, where, what, and what to do.

Codes come in families, as in Standard Ebooks' lint: S- sources, T- typography
of the sources, P- print PDF, E- EPUB (EPUBCheck's own ids follow). A code
never changes meaning, so editors and scripts can rely on it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str
    message: str
    where: str = ""  # "content/…/x.md:12", "page 7", "issue.yaml:3"
    hint: str = ""

    def as_dict(self) -> dict[str, str]:
        return {k: str(v) for k, v in asdict(self).items()}

    def __str__(self) -> str:
        text = f"{self.where}: " if self.where else ""
        text += f"{self.severity} {self.code} {self.message}"
        return text + (f"\n    → {self.hint}" if self.hint else "")
