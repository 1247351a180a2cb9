"""The one-way flow of a build: load → transforms → renderers.

Each renderer writes its file atomically (see :mod:`qhgy_publish.output`), so a
failed or interrupted build leaves the previous outputs as they were.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from .check.findings import Severity
from .check.glyphs import uncovered_characters
from .check.sources import check_sources
from .errors import SourceErrors
from .load import load_issue
from .model import Issue
from .output import prepare_output_dir
from .summary import IssueSummary, summarise
from .transforms import apply_transforms

if TYPE_CHECKING:
    from .render.makeup import MakeupReport
    from .render.print_pdf import PrintLayout


@dataclass
class BuildResult:
    issue: Issue
    summary: IssueSummary
    outputs: list[Path] = field(default_factory=list)
    layout: PrintLayout | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the build did that the editors may want to know


TARGETS = ("print", "screen", "epub")


def makeup_report_path(out_dir: Path, issue: Issue) -> Path:
    """The make-up's report beside the outputs: what it did to each page, what it could not do."""
    return out_dir / f"qhgy-{issue.id}-makeup.json"


def write_makeup_report(report: MakeupReport, out_dir: Path, issue: Issue) -> Path:
    import json

    from .output import atomic_path

    target = makeup_report_path(out_dir, issue)
    with atomic_path(target) as tmp:
        tmp.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    return target


def output_path(out_dir: Path, issue: Issue, target: str) -> Path:
    names = {"print": "print.pdf", "screen": "screen.pdf", "epub": "epub"}
    stem = f"qhgy-{issue.id}"
    return out_dir / (f"{stem}.epub" if target == "epub" else f"{stem}-{names[target]}")


def _start_epub_fonts(issue: Issue):  # type: ignore[no-untyped-def]
    """Subset the EPUB's fonts in a second process while this one lays out the print edition.

    Returns a callable that waits for the subsets and the process's end.
    """
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from .fonts import face_file, font_roles
    from .render.epub_fonts import role_texts, subset_texts

    faces = {role: face_file(spec) for role, spec in font_roles().items()}
    texts = {role: "".join(sorted(chars)) for role, chars in role_texts(issue).items()}
    pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
    job = pool.submit(subset_texts, texts, faces)

    def finish() -> None:
        job.result()
        pool.shutdown(wait=True)  # its helper threads end too: the PDF writer forks after this

    def abort() -> None:
        # The build failed or was interrupted: stop the subsetter now. Left to the interpreter's
        # exit, a pool whose worker died (SIGXFSZ under `ulimit -f`, the terminal's Ctrl-C)
        # prints a traceback from concurrent.futures' exit hook (EBADF on its wake-up pipe).
        job.cancel()
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)

    finish.abort = abort  # type: ignore[attr-defined]
    return finish


def harfbuzz_subset_available() -> bool:
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def build_issue(
    root: Path,
    out_dir: Path,
    targets: Iterable[str] | None = None,
    console: Console | None = None,
    embed_fonts: bool = True,
) -> BuildResult:
    """Build ``root`` into ``out_dir``; ``targets`` None means every output."""
    loaded = load_issue(root)
    # The fast source checks run on the text as typed, before any transform.
    findings = check_sources(loaded)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        raise SourceErrors(errors)
    issue = apply_transforms(loaded)
    if missing := uncovered_characters(issue):
        raise SourceErrors(missing)
    result = BuildResult(issue=issue, summary=summarise(issue))
    # A 栏目 left out changes what prints: say which, here; the rest `qhgy check` lists.
    result.warnings += [f"{f.where}: {f.message} ({f.code})" for f in findings if f.code == "S-014"]
    warnings = [
        f
        for f in findings
        if f.severity is Severity.WARNING and not f.code.startswith("S-20") and f.code != "S-014"
    ]
    if warnings:
        result.warnings.append(
            f"{len(warnings)} source warning(s) besides placeholders: `qhgy check` lists them"
        )
    wanted = set(targets or TARGETS) - {"none"}
    if not wanted:
        return result
    if stale := prepare_output_dir(out_dir):  # fails before the layout's seconds are spent
        result.warnings.append(f"removed {len(stale)} temporary file(s) a killed build had left in {out_dir}")
    from .render import print_pdf

    if not harfbuzz_subset_available():
        result.warnings.append(
            "HarfBuzz's subsetter (Debian package libharfbuzz-subset0) is missing: WeasyPrint falls back "
            "to fontTools and writing the PDF takes ten times longer; run `make setup`"
        )
    fonts_done = _start_epub_fonts(issue) if "epub" in wanted and embed_fonts else None
    # One layout serves both PDFs and the EPUB's print page numbers.
    try:
        layout = print_pdf.layout(issue)
    except BaseException:
        if fonts_done is not None:
            fonts_done.abort()  # type: ignore[attr-defined]
        raise
    result.layout = layout
    result.warnings += [f"layout: {w}" for w in layout.warnings]
    from .check.layout_pictures import picture_warnings

    result.warnings += [f"{f.where}: {f.message} ({f.code})" for f in picture_warnings(layout.document, issue)]
    if layout.notes_pages:
        result.warnings.append(
            f"{layout.notes_pages} 学习笔记 page(s) added before 封三 to make {layout.page_count} pages "
            "(a multiple of 4 for saddle stitching)"
        )
    if layout.makeup is not None:
        made = layout.makeup
        result.notes.append(
            f"make-up: {sum(len(c.actions) for c in made.columns)} adjustment(s) in {len(made.columns)} 栏目 "
            f"(`qhgy check` lists them page by page)"
        )
        result.warnings += [f"make-up: {problem}" for problem in made.problems()]
        if made.unplaced_fills:
            result.notes.append(f"make-up: 补白 not used this time: {', '.join(made.unplaced_fills)}")
    if fonts_done is not None:
        fonts_done()  # the subsets are in the cache now; render_epub reads them there
    print_target, screen_target = (output_path(out_dir, issue, t) for t in ("print", "screen"))
    if {"print", "screen"} <= wanted:
        result.outputs += print_pdf.write_both_pdfs(layout, print_target, screen_target)
    elif "print" in wanted:
        result.outputs.append(print_pdf.write_print_pdf(layout, print_target))
    elif "screen" in wanted:
        result.outputs.append(print_pdf.write_screen_pdf(layout, screen_target))
    if "epub" in wanted:
        from .render.epub import render_epub
        from .render.epub_cover import cover_jpeg

        result.outputs.append(
            render_epub(
                issue,
                output_path(out_dir, issue, "epub"),
                page_map=layout.page_map,
                cover=cover_jpeg(layout.document),
                embed_fonts=embed_fonts,
                warnings=result.warnings,
            )
        )
    if layout.makeup is not None and wanted & {"print", "screen"}:
        # Written last: an interrupted build leaves the report that goes with the PDFs beside them.
        result.outputs.append(write_makeup_report(layout.makeup, out_dir, issue))
    return result
