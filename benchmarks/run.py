"""Speed of the build against its peers, in one run: `python benchmarks/run.py [--issue DIR]`
(the sample issue, or the issue in DIR: tests/fixtures/2025-06, the test issue).

Times, as medians of --runs runs (each a fresh process):
  (a) the project's own final print HTML rendered by plain WeasyPrint (CLI, default options);
  (b) the same HTML printed by headless Chromium (Debian's chromium, --print-to-pdf);
  (c) the project's full build (print PDF, screen PDF, EPUB), cold (no caches), warm (nothing
      changed), and warm after one article of a copy of the issue was edited (a sentence added);
  (d) a preview refresh after one article file is touched (when the preview is available);
and prints each ratio to (c) cold, the cold build's ratio to (a) and, per page, to (b), and the
peak memory of each: the command's own process (VmHWM) and all its processes together (the peak
of their PSS sum, sampled every 100 ms); then where one build's time goes
(benchmarks/stages.py). The times come from runs left alone; the memory from one more run of
each command, sampled (reading the processes' PSS ten times a second took 0.4 s, 13 %, of a
build after an edit). The machine is shared: figures are inflated by whatever else runs.
(a), (b) and the cold build (c) run in turn, run by run, so that their ratio is read from runs
made side by side; a fixed Python loop timed at the start and the end says how fast the machine
ran.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

# Runs the command and watches its process tree every 100 ms (reading the PSS costs CPU:
# more often slows the command measured): the command's own peak (VmHWM)
# and the peak of all its processes together, counted as PSS (a page shared by a forked
# writer and the build counts once, split between them).
MEASURE = r"""
import os, subprocess, sys, time

def tree(root):
    kids = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            kids.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += kids.get(pid, [])
    return found

def field(path, name):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(name):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

sample = sys.argv[1] == "memory"
t = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
own = together = 0
if not sample:
    proc.wait()
while proc.poll() is None:
    own = max(own, field(f"/proc/{proc.pid}/status", "VmHWM:"))
    together = max(together, sum(field(f"/proc/{p}/smaps_rollup", "Pss:") for p in tree(proc.pid)))
    time.sleep(0.1)
seconds = time.perf_counter() - t
print(seconds, own, together, proc.returncode)
"""


def timed(cmd: list[str], env: dict | None = None, before=None, memory: bool = False) -> tuple[float, float, float]:
    """Seconds of one run of ``cmd`` in a fresh process; with ``memory``, sampled: its own peak MB
    and its processes' peak MB together (PSS) too (else 0, 0)."""
    if before:
        before()
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, "memory" if memory else "time", *cmd],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    seconds, own_kb, together_kb, code = out.stdout.split()
    if code != "0":
        raise SystemExit(f"failed ({code}): {' '.join(cmd)}")
    return float(seconds), int(own_kb) / 1024, int(together_kb) / 1024


def median_of(runs: int, cmd: list[str], **kw) -> tuple[float, float, float]:
    return summed(cmd, [timed(cmd, **kw) for _ in range(runs)], timed(cmd, memory=True, **kw))


def summed(
    cmd: list[str], results: list[tuple[float, float, float]], sampled: tuple[float, float, float]
) -> tuple[float, float, float]:
    """The median seconds of ``results`` (runs of ``cmd``) and the peak memories of the ``sampled``
    run, printed."""
    found = statistics.median(r[0] for r in results), sampled[1], sampled[2]
    print(
        f"  measured: {' '.join(cmd[-4:])[:60]}: {found[0]:.2f} s "
        f"({', '.join(f'{r[0]:.2f}' for r in results)}), own {found[1]:.0f} MB, all {found[2]:.0f} MB "
        f"(a sampled run: {sampled[0]:.2f} s)",
        flush=True,
    )
    return found


def interleaved(
    runs: int, commands: list[tuple[list[str], object]]
) -> list[list[tuple[float, float, float]]]:
    """``runs`` runs of each of ``commands`` (each with the function to call before it, or None),
    taken in turn (a, b, c, a, b, c …): the machine's speed drifts by a quarter within minutes
    here, and a ratio of two commands is read best from runs made side by side."""
    results: list[list[tuple[float, float, float]]] = [[] for _ in commands]
    for _ in range(runs):
        for found, (cmd, before) in zip(results, commands, strict=True):
            found.append(timed(cmd, before=before))
    return results


def machine_speed() -> float:
    """Seconds of a fixed pure-Python loop (10⁷ steps; best of 3), to compare figures taken in
    different windows on a machine whose speed varies."""
    code = "import time\nt = time.perf_counter()\nx = 0\nfor i in range(10**7): x += i\nprint(time.perf_counter() - t)"
    return min(
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout)
        for _ in range(3)
    )


def standalone_html(work: Path, root: Path = ROOT / "content" / "2025-01") -> Path:
    """The build's own print HTML of the issue in ``root``, its stylesheets inlined, for the
    peers to print."""
    from qhgy_publish.fonts import font_face_css
    from qhgy_publish.load import load_issue
    from qhgy_publish.paths import LAYOUTS_DIR
    from qhgy_publish.render.print_pdf import layout
    from qhgy_publish.render.weasy import PRINT_CSS
    from qhgy_publish.transforms import apply_transforms

    issue = apply_transforms(load_issue(root))
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


EDITED = "120-wuxuhui.md"  # an article in the middle of the sample issue


def edited_article(root: Path) -> Path:
    """The article the edit benchmark edits: the sample's in the middle of the issue, else the
    middle one of the issue's article files."""
    articles = sorted((root / "articles").glob("*.md"))
    return next((a for a in articles if a.name == EDITED), articles[len(articles) // 2])


def _pages(pdf: Path) -> int:
    import pikepdf

    try:
        with pikepdf.open(pdf) as doc:
            return len(doc.pages)
    except (OSError, pikepdf.PdfError):
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-preview", action="store_true", help="leave out the preview refresh (d)")
    parser.add_argument(
        "--issue",
        type=Path,
        default=ROOT / "content" / "2025-01",
        help="the issue to measure (default: the sample; the preview refresh (d) is the sample's)",
    )
    args = parser.parse_args()
    root = args.issue.resolve()
    work = Path(tempfile.mkdtemp(prefix="qhgy-bench-"))
    # Caches of their own: clearing them for the cold runs must not touch a checkout's caches
    # (a test run may be using them).
    os.environ["QHGY_CACHE_DIR"] = str(work / "cache")
    qhgy = [sys.executable, "-m", "qhgy_publish.cli"]
    html = standalone_html(work, root)
    rows: list[tuple[str, float, float, float]] = []
    print(f"machine speed (a 10⁷-step Python loop, best of 3): {machine_speed():.2f} s", flush=True)
    peers: list[tuple[str, list[str]]] = [
        (
            "(a) plain WeasyPrint, same HTML",
            [sys.executable, "-m", "weasyprint", str(html), str(work / "a.pdf")],
        )
    ]
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
        peers.append(("(b) Chromium --print-to-pdf, same HTML", [chromium, *flags]))

    from qhgy_publish.paths import CACHE_DIR

    caches = [CACHE_DIR]

    def clear_caches() -> None:
        for cache in caches:
            shutil.rmtree(cache, ignore_errors=True)

    print(f"issue: {root}", flush=True)
    build = [*qhgy, "build", str(root), "--out", str(work / "out")]
    cold_runs = ("(c) qhgy build, cold (no caches)", build)
    turns = [(cmd, None) for _, cmd in peers] + [(build, clear_caches)]
    found = interleaved(args.runs, turns)
    for (name, cmd), results, (_, before) in zip([*peers, cold_runs], found, turns, strict=True):
        rows.append((name, *summed(cmd, results, timed(cmd, before=before, memory=True))))
    ratios = [c[0] / a[0] for a, c in zip(found[0], found[-1], strict=True)]
    print(f"  cold build / plain WeasyPrint, run by run: {', '.join(f'{r:.2f}' for r in ratios)}", flush=True)
    timed(build)
    rows.append(("(c) qhgy build, warm", *median_of(args.runs, build)))

    # One article edited between builds, in a copy of the issue (the build never touches sources).
    copy = work / root.name
    shutil.copytree(root, copy)
    edited = copy / "articles" / edited_article(root).name
    edits = iter(range(1, 1000))

    def edit_one_article() -> None:
        with edited.open("a", encoding="utf-8") as stream:
            stream.write(f"\n会议还对下一步工作作了第{next(edits)}次部署。\n")

    build_copy = [*qhgy, "build", str(copy), "--out", str(work / "out-copy")]
    timed(build_copy)
    rows.append(
        (
            "(c) qhgy build, warm, one article edited",
            *median_of(args.runs, build_copy, before=edit_one_article),
        )
    )

    refresh = ROOT / "benchmarks" / "preview_refresh.py"
    if refresh.exists() and not args.no_preview and root == (ROOT / "content" / "2025-01").resolve():
        out = subprocess.run(
            [sys.executable, str(refresh), "--runs", str(args.runs)], capture_output=True, text=True
        )
        print(out.stdout.strip() or out.stderr.strip())

    print("\nwhere one cold build's time goes (benchmarks/stages.py --columns):")
    stages = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "stages.py"), "--columns", str(root)],
        capture_output=True,
        text=True,
        env={**os.environ, "QHGY_CACHE_DIR": str(work / "cache-stages")},  # a cold build
    )
    print(stages.stdout.rstrip() or stages.stderr.strip())

    cold = next(s for name, s, _, _ in rows if "cold" in name)
    print(f"\n{'what':44} {'median s':>9} {'cold build / this':>18} {'own MB':>7} {'all MB':>7}")
    for name, seconds, own, together in rows:
        print(f"{name:44} {seconds:9.2f} {cold / seconds:18.2f} {own:7.0f} {together:7.0f}")
    pages = {
        key: _pages(work / name)
        for key, name in (("a", "a.pdf"), ("b", "b.pdf"), ("c", next((work / "out").glob("*-print.pdf")).relative_to(work)))
    }
    plain = next(s for name, s, _, _ in rows if name.startswith("(a)"))
    print(f"\ncold build / plain WeasyPrint (same final HTML): {cold / plain:.2f}")
    print(f"  (median of the run-by-run ratios: {statistics.median(ratios):.2f})")
    chrome = next((s for name, s, _, _ in rows if name.startswith("(b)")), None)
    if chrome and pages["b"] and pages["c"]:
        per_page = (cold / pages["c"]) / (chrome / pages["b"])
        print(f"cold build / Chromium, per page ({pages['c']} and {pages['b']} pages): {per_page:.2f}")
    print(f"machine speed at the end (a 10⁷-step Python loop, best of 3): {machine_speed():.2f} s")
    print("targets (issue 19): cold / plain WeasyPrint ≤ 1.0; cold / Chromium per page ≤ 1.5;")
    print("  warm after one article edit ≤ 3 s; peak ≤ 400 MB for the parent (own MB: the command's")
    print("  own process), ≤ 800 MB for all processes together (all MB: the peak of their PSS sum)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
