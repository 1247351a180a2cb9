"""DAISY Ace's accessibility findings on a built EPUB.

Ace (npm ``@daisy/ace-cli``, pinned in tools/ace/package-lock.json and
installed by tools/setup-ace.sh into tools/ace/node_modules) checks the
package metadata and runs axe-core on every content document in headless
Chromium through puppeteer. No browser of puppeteer's own is downloaded: Ace is
pointed at Debian's Chromium with ``PUPPETEER_EXECUTABLE_PATH``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import CHECKOUT

# A developer's tool: it lives in the checkout (an installed package has none); QHGY_ACE names another.
ACE = Path(
    os.environ.get("QHGY_ACE")
    or (CHECKOUT or Path.cwd()) / "tools" / "ace" / "node_modules" / ".bin" / "ace-cli"
)


class AceUnavailable(RuntimeError):
    """Ace or Chromium is missing: the check cannot run."""


@dataclass(frozen=True)
class AceViolation:
    rule: str
    impact: str  # minor, moderate, serious, critical
    file: str
    description: str

    def __str__(self) -> str:
        return f"{self.impact} {self.rule} in {self.file}: {self.description}"


@dataclass
class AceReport:
    outcome: str  # "pass" or "fail"
    violations: list[AceViolation]
    metadata: dict = field(default_factory=dict)  # which accessibility metadata are present, missing, empty
    properties: dict = field(default_factory=dict)  # what Ace found in the book (page breaks, MathML …)


def run_ace(epub: Path, *, chromium: str | None = None, timeout: float = 600) -> AceReport:
    """Run Ace on ``epub`` and read its JSON report."""
    browser = chromium or shutil.which("chromium")
    if not ACE.exists():
        raise AceUnavailable(f"DAISY Ace is not installed at {ACE} (run `make setup`)")
    if browser is None:
        raise AceUnavailable("Chromium is not installed (make setup installs the Debian package chromium)")
    with tempfile.TemporaryDirectory(prefix="qhgy-ace-") as out:
        env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": browser, "PUPPETEER_SKIP_DOWNLOAD": "1"}
        proc = subprocess.run(
            [str(ACE), "--silent", "--force", "--outdir", out, "--tempdir", f"{out}/tmp", str(epub)],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        report_file = Path(out) / "report.json"
        if not report_file.exists():
            raise RuntimeError(f"Ace wrote no report (exit code {proc.returncode}): {proc.stderr[-2000:]}")
        report = json.loads(report_file.read_text(encoding="utf-8"))
    violations = [
        AceViolation(
            rule=a["earl:test"]["dct:title"],
            impact=a["earl:test"]["earl:impact"],
            file=doc["earl:testSubject"]["url"],
            description=a["earl:result"].get("dct:description", ""),
        )
        for doc in report.get("assertions", [])
        for a in doc.get("assertions", [])
        if a["earl:result"]["earl:outcome"] == "fail"
    ]
    return AceReport(
        outcome=report["earl:result"]["earl:outcome"],
        violations=violations,
        metadata=report.get("a11y-metadata", {}),
        properties=report.get("properties", {}),
    )
