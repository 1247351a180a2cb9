"""`qhgy check`: the preflight report of an issue — sources, print PDF, EPUB.

Code families: S- sources (placeholders, legal items, contents), T- typing and
punctuation of the sources, P- the print PDF (boxes, intent, fonts, images),
E- EPUBCheck's own message ids. Severity decides the exit code: 0 clean,
1 errors (warnings too with --strict), 2 the check could not run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SourceErrors
from .findings import Finding, Severity


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def exit_code(self, strict: bool = False) -> int:
        if self.count(Severity.ERROR) or (strict and self.count(Severity.WARNING)):
            return 1
        return 0


def source_error_findings(exc: SourceErrors) -> list[Finding]:
    return [Finding(Severity.ERROR, e.code, e.message, e.loc, e.hint) for e in exc.errors]


def _newest_input(issue_dir: Path) -> float:
    from ..paths import FONTS_DIR, layout_dirs

    roots = [issue_dir, *layout_dirs(issue_dir), FONTS_DIR, Path(__file__).parents[1]]
    return max(
        (p.stat().st_mtime for r in roots for p in r.rglob("*") if p.is_file() and p.suffix != ".pyc"),
        default=0.0,
    )


def run_checks(issue_dir: Path, out_dir: Path, *, rebuild: bool = False) -> Report:
    """Check the sources, build the outputs when they are missing or stale, check those."""
    from ..load import load_issue
    from ..pipeline import build_issue, output_path
    from .epub import check_epub
    from .pdf import preflight_pdf
    from .sources import check_sources

    report = Report()
    try:
        issue = load_issue(issue_dir)
    except SourceErrors as exc:
        report.findings += source_error_findings(exc)
        return report
    report.findings += check_sources(issue)
    if report.count(Severity.ERROR):
        return report
    paths = {t: output_path(out_dir, issue, t) for t in ("print", "epub")}
    newest = _newest_input(issue.root)
    if rebuild or any(not p.exists() or p.stat().st_mtime < newest for p in paths.values()):
        build_issue(issue.root, out_dir)
    report.outputs = list(paths.values())
    for f in preflight_pdf(paths["print"]):
        page = getattr(f, "page", None)
        report.findings.append(
            Finding(
                Severity(str(f.severity)),
                f.code,
                f.message,
                f"{paths['print'].name} page {page}" if page else paths["print"].name,
                f.hint,
            )
        )
    report.findings += check_epub(paths["epub"])
    return report
