"""Where a build's time goes: `python benchmarks/stages.py [--columns] [ISSUE_DIR]` builds the sample
(or the issue in ISSUE_DIR) once, as `qhgy build` does, and prints each stage; --columns also splits
the multi-column layout into its passes. With the cache of an earlier build (QHGY_CACHE_DIR), it
shows where a build after an edit spends its time.

The stages run one after the other in one process, except where the build
itself runs them side by side (EPUB font subsets during the layout, the
screen PDF in a forked writer next to the press PDF). The layout is the
make-up: each 栏目 laid out and corrected, several WeasyPrint layouts each
on one core, fewer when the make-up cache (render/makeup/cache.py) knows a
栏目 already; it also prints how many 栏目 layouts it took.
"""

from __future__ import annotations

import collections
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def count_column_passes() -> collections.Counter:
    """Time WeasyPrint's layouts of column boxes by kind: a trial at some height while it looks for
    the columns' height, a probe of the next box, or the final pass it keeps."""
    from weasyprint.layout import block

    spent: collections.Counter = collections.Counter()
    original = block.block_box_layout

    def block_box_layout(context, box, bottom_space, skip_stack, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not getattr(box, "is_column", False):
            return original(context, box, bottom_space, skip_stack, *args, **kwargs)
        # columns_layout passes adjoining_margins=[] in its trials, None in the final pass
        kind = "probe" if bottom_space == float("inf") else "final" if args[4] is None else "trial"
        t = time.perf_counter()
        try:
            return original(context, box, bottom_space, skip_stack, *args, **kwargs)
        finally:
            spent[kind] += time.perf_counter() - t
            spent[f"{kind} count"] += 1

    block.block_box_layout = block_box_layout  # columns_layout imports it at each call
    return spent


def main() -> None:
    start = time.perf_counter()
    columns = count_column_passes() if "--columns" in sys.argv else None
    from qhgy_publish import pipeline
    from qhgy_publish.render import epub, print_pdf

    figures: list[tuple[str, float]] = [("imports", time.perf_counter() - start)]

    def timed(module: object, name: str, label: str) -> None:
        original = getattr(module, name)

        def wrapper(*args: object, **kwargs: object) -> object:
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                figures.append((label, time.perf_counter() - t))

        setattr(module, name, wrapper)

    from qhgy_publish.render import makeup

    parts: collections.Counter = collections.Counter()
    lay_out_part = makeup.lay_out_part
    make_up_column = makeup.make_up_column

    def counted_layout(issue, part, *args, **options):  # type: ignore[no-untyped-def]
        parts[part] += 1
        return lay_out_part(issue, part, *args, **options)

    from qhgy_publish.render.makeup import parts as part_layouts

    render_html = part_layouts.render_html

    def counted_render(issue, html):  # type: ignore[no-untyped-def]
        parts["rendered"] += 1
        document, warnings = render_html(issue, html)
        parts["pages rendered"] += len(document.pages)
        return document, warnings

    def counted_make_up(*args, **kwargs):  # type: ignore[no-untyped-def]
        made = make_up_column(*args, **kwargs)
        parts["cached"] += getattr(made, "decisions", None) is not None
        return made

    makeup.lay_out_part = counted_layout
    part_layouts.render_html = counted_render
    makeup.make_up_column = counted_make_up
    timed(pipeline, "load_issue", "load sources")
    timed(pipeline, "check_sources", "source checks")
    timed(pipeline, "uncovered_characters", "glyph coverage check")
    timed(print_pdf, "layout", "layout and make-up (WeasyPrint, one core)")
    timed(print_pdf, "write_both_pdfs", "press + screen PDF (side by side)")
    timed(epub, "render_epub", "EPUB")
    with tempfile.TemporaryDirectory() as out:
        t = time.perf_counter()
        folder = next((Path(a) for a in sys.argv[1:] if not a.startswith("--")), ROOT / "content" / "2025-01")
        pipeline.build_issue(folder, Path(out), reuse_pages=True)
        total = time.perf_counter() - t
    for label, seconds in figures:
        print(f"  {label:44} {seconds:6.2f} s")
    print(f"  {'build total (after imports)':44} {total:6.2f} s")
    if columns is not None:
        for kind in ("trial", "final", "probe"):
            print(f"  column layouts, {kind:6} {columns[kind + ' count']:5} passes {columns[kind]:18.2f} s")
        try:
            from qhgy_publish.render.weasy_columns import STATS
        except ImportError:  # code from before the column layout kept its trials
            STATS = collections.Counter()
        print(f"  column sets kept from their last trial: {STATS['kept']} of {STATS['kept'] + STATS['laid out']}")
        print(
            f"  balanced column sets tried at once at a remembered height: {STATS['memo hit']}"
            f" of {STATS['memo hit'] + STATS['memo stored']} ({STATS['memo missed']} did not fit)"
        )
    print(f"  栏目 layouts: {parts['column']} ({parts['cached']} 栏目 make-ups from the cache)")
    print(f"  WeasyPrint layouts in this process (parts, runs of a 栏目): {parts['rendered']}, {parts['pages rendered']} pages")


if __name__ == "__main__":
    main()
