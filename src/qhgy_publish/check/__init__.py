"""`qhgy check`: the preflight report of an issue — sources, print PDF, EPUB.

Code families: S- sources (placeholders, legal items, contents), T- typing and
punctuation of the sources, P- the print PDF (boxes, intent, fonts, images),
E- EPUBCheck's own message ids, M- the make-up (every code: qhgy_publish.codes).
Severity decides the exit code: 0 clean, 1 errors (warnings too with --strict),
2 the check could not run. This package reads sources and built files; it
never builds (the CLI builds first when the files are missing or stale).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..model import Issue
from ..products import product_path
from .findings import Finding, Loc, Product, Severity

READS = ("print", "epub")  # the products check reads (the screen PDF is the print one's twin)


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


def _newest_input(issue_dir: Path) -> float:
    from ..paths import FONTS_DIR, layout_dirs

    roots = [issue_dir, *layout_dirs(issue_dir), FONTS_DIR, Path(__file__).parents[1]]
    return max(
        (p.stat().st_mtime for r in roots for p in r.rglob("*") if p.is_file() and p.suffix != ".pyc"),
        default=0.0,
    )


def outdated_products(issue: Issue, out_dir: Path) -> list[Path]:
    """The built files ``qhgy check`` reads that are missing or older than a source, layout, font
    or the code: the caller builds them again (check itself never builds)."""
    paths = [product_path(out_dir, issue, t) for t in READS]
    newest = _newest_input(issue.root)
    return [p for p in paths if not p.exists() or p.stat().st_mtime < newest]


def run_checks(issue: Issue, out_dir: Path, source_findings: list[Finding]) -> Report:
    """The preflight report: the sources' findings, then what the built files say of themselves
    (the print PDF read by :mod:`.pdf`, the EPUB by EPUBCheck, the make-up's report)."""
    from .budget import check_budgets
    from .epub import check_epub
    from .pdf import preflight_pdf

    paths = {t: product_path(out_dir, issue, t) for t in READS}
    report = Report(findings=list(source_findings), outputs=list(paths.values()))
    report.findings += preflight_pdf(paths["print"])
    report.findings += check_epub(paths["epub"])
    report.findings += makeup_findings(product_path(out_dir, issue, "makeup"), issue.root)
    report.findings += check_budgets(issue, out_dir)
    return report


def makeup_findings(path: Path, issue_dir: Path | None = None) -> list[Finding]:
    """What the print make-up did to each page (info) and could not do (warnings), from the report
    the build leaves beside the outputs (render/makeup)."""
    import json

    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    codes = {"unfilled": "M-001", "loose": "M-002", "picture-beside": "M-007"}
    hints = {
        "unfilled": "add a 补白 to fillers/ (docs/source-format.md, 补白), shorten or lengthen an article, "
        "or mark the next one layout: new_page: false",
        "loose": "a word that may not break (a URL, a number with its unit) stands after it: "
        "rewording the sentence helps",
        "picture-beside": "give the picture a height after it, e.g. {height=120mm}, so that it ends with "
        "the text beside it (docs/source-format.md, pictures), or lengthen the text",
    }
    findings = [
        Finding(
            Severity.WARNING,
            codes.get(p["kind"], "M-009"),
            f"{p['column']}: {p['detail']}",
            Product(page=p["page"]),
            hints.get(p["kind"], ""),
        )
        for p in data["problems"]
    ]
    findings += [
        Finding(Severity.INFO, "M-100", f"{a['column']}: {a['detail']} ({a['target']})", Product(page=a["page"]))
        for a in data["actions"]
    ]
    if data["notes_pages"]:
        pages = "、".join(str(p) for p in data["notes_pages"])
        findings.append(
            Finding(Severity.INFO, "M-003", f"学习笔记 pages {pages} make the page count a multiple of 4")
        )
    if data["unplaced_fills"]:
        findings.append(
            Finding(Severity.INFO, "M-004", f"补白 not used: {'、'.join(data['unplaced_fills'])}", Loc(issue_dir / "fillers") if issue_dir else None)
        )
    return findings
