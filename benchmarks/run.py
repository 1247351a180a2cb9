"""Speed of the build against its peers, in one run: `python benchmarks/run.py`.

Times, as medians of --runs runs (each a fresh process):
  (a) the project's own final print HTML rendered by plain WeasyPrint (CLI, default options);
  (b) the same HTML printed by headless Chromium (Debian's chromium, --print-to-pdf);
  (c) the project's full build (print PDF, screen PDF, EPUB), cold (no caches) and warm;
  (d) a preview refresh after one article file is touched (when the preview is available);
and prints each ratio to (c) cold and the peak memory (max RSS of the largest
process) of each; then where one build's time goes (benchmarks/stages.py).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)\n"
)


def timed(cmd: list[str], env: dict | None = None, before=None) -> tuple[float, float]:
    """Seconds and peak MB of one run of ``cmd`` in a fresh process."""
    if before:
        before()
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *cmd], capture_output=True, text=True, env=env, check=True
    )
    seconds, rss_kb, code = out.stdout.split()
    if code != "0":
        raise SystemExit(f"failed ({code}): {' '.join(cmd)}")
    return float(seconds), int(rss_kb) / 1024


def median_of(runs: int, cmd: list[str], **kw) -> tuple[float, float]:
    results = [timed(cmd, **kw) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def standalone_html(work: Path) -> Path:
    """The build's own print HTML with its stylesheets inlined, for the peers to print."""
    from qhgy_publish.fonts import font_face_css
    from qhgy_publish.load import load_issue
    from qhgy_publish.paths import LAYOUTS_DIR
    from qhgy_publish.render.print_pdf import PRINT_CSS, layout
    from qhgy_publish.transforms import apply_transforms

    issue = apply_transforms(load_issue(ROOT / "content" / "2025-01"))
    html = layout(issue).html
    css = (
        font_face_css()
        + "\n"
        + "\n".join((LAYOUTS_DIR / "print" / n).read_text(encoding="utf-8") for n in PRINT_CSS)
    )
    shutil.copy(LAYOUTS_DIR / "print" / "FOGRA39L.icc", work / "FOGRA39L.icc")
    path = work / "issue.html"
    path.write_text(html.replace("</head>", f"<style>\n{css}\n</style>\n</head>", 1), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="qhgy-bench-"))
    qhgy = [sys.executable, "-m", "qhgy_publish.cli"]
    html = standalone_html(work)
    rows: list[tuple[str, float, float]] = []

    rows.append(
        (
            "(a) plain WeasyPrint, same HTML",
            *median_of(args.runs, [sys.executable, "-m", "weasyprint", str(html), str(work / "a.pdf")]),
        )
    )
    chromium = shutil.which("chromium")
    if chromium:
        flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={work / 'chrome'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={work / 'b.pdf'}",
            html.as_uri(),
        ]
        rows.append(("(b) Chromium --print-to-pdf, same HTML", *median_of(args.runs, [chromium, *flags])))

    from qhgy_publish.paths import CACHE_DIR

    caches = [CACHE_DIR]

    def clear_caches() -> None:
        for cache in caches:
            shutil.rmtree(cache, ignore_errors=True)

    build = [*qhgy, "build", str(ROOT / "content" / "2025-01"), "--out", str(work / "out")]
    rows.append(("(c) qhgy build, cold (no caches)", *median_of(args.runs, build, before=clear_caches)))
    timed(build)
    rows.append(("(c) qhgy build, warm", *median_of(args.runs, build)))

    refresh = ROOT / "benchmarks" / "preview_refresh.py"
    if refresh.exists():
        out = subprocess.run(
            [sys.executable, str(refresh), "--runs", str(args.runs)], capture_output=True, text=True
        )
        print(out.stdout.strip() or out.stderr.strip())

    print("\nwhere one build's time goes (benchmarks/stages.py):")
    stages = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "stages.py")], capture_output=True, text=True
    )
    print(stages.stdout.rstrip() or stages.stderr.strip())

    cold = next(s for name, s, _ in rows if "cold" in name)
    print(f"\n{'what':44} {'median s':>9} {'cold build / this':>18} {'peak MB':>8}")
    for name, seconds, mb in rows:
        print(f"{name:44} {seconds:9.2f} {cold / seconds:18.2f} {mb:8.0f}")
    print("\ntargets: cold build / Chromium ≤ 1.0; cold build / plain WeasyPrint ≤ 0.5; peak ≤ 400 MB")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
