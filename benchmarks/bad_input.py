"""What bad input costs: `python benchmarks/bad_input.py [--at-limits]` runs every case of the
bad-input corpus (tests/test_bad_input_corpus.py) as `qhgy build` in a fresh process and prints its
wall and CPU seconds, peak memory and exit code; --at-limits also builds the mini issue with a
paragraph, a title and a heading just under their limits (src/qhgy_publish/limits.py), which are
laid out, to show what the limits let through.

Issue 18's bound is 30 s for any bad input; the corpus test enforces it with a timeout, this
script shows the margin. Figures on the shared 2-core machine are inflated by others' work:
compare CPU seconds rather than wall seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.test_bad_input_corpus import CASES, MINI_ISSUE  # noqa: E402

PARAGRAPH = "职工群众的获得感、幸福感、安全感不断增强。"


def run(issue: Path, out: Path, *extra: str) -> tuple[int, float, float, float]:
    """(exit code, wall s, CPU s, peak MB) of one `qhgy build` in a child process."""
    start = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-m", "qhgy_publish.cli", "build", str(issue), "--out", str(out), *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)  # this child's own figures
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - start
    return child.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def at_limits(base: Path) -> dict[str, Path]:
    """Mini issues with one value just under its limit each."""
    from qhgy_publish.limits import MAX_FIELD_CHARS, MAX_PARAGRAPH_CHARS

    article = "articles/020-dongtai.md"
    long_text = (PARAGRAPH * (MAX_PARAGRAPH_CHARS // len(PARAGRAPH) + 1))[: MAX_PARAGRAPH_CHARS - 10]
    edits = {
        f"paragraph of {len(long_text):,} characters": lambda t: t + "\n" + long_text + "\n",
        f"title of {MAX_FIELD_CHARS - 10:,} characters": lambda t: t.replace(
            "title: 省总工会召开2025年务虚会", "title: " + long_text[: MAX_FIELD_CHARS - 10]
        ),
        f"heading of {MAX_FIELD_CHARS - 10:,} characters": lambda t: (
            t + "\n## " + long_text[: MAX_FIELD_CHARS - 10] + "\n\n正文。\n"
        ),
    }
    issues = {"mini issue as it is": base / "plain" / "2025-02"}
    shutil.copytree(MINI_ISSUE, issues["mini issue as it is"])
    for i, (name, edit) in enumerate(edits.items()):
        issue = base / f"limit{i}" / "2025-02"
        shutil.copytree(MINI_ISSUE, issue)
        path = issue / article
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
        issues[name] = issue
    return issues


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--at-limits", action="store_true", help="also build inputs just under the limits")
    args = parser.parse_args()
    print(f"{'case':<40} {'exit':>4} {'wall s':>7} {'CPU s':>6} {'peak MB':>8}")
    with tempfile.TemporaryDirectory(prefix="qhgy-bad-input-") as tmp:
        for name, case in sorted(CASES.items()):
            base = Path(tmp) / name
            issue, outside = base / "2025-02", base / "outside"
            shutil.copytree(MINI_ISSUE, issue)
            outside.mkdir()
            case.edit(issue, outside)
            code, wall, cpu, peak = run(issue, base / "out", "--only", "print")
            print(f"{name:<40} {code:>4} {wall:>7.2f} {cpu:>6.2f} {peak:>8.0f}", flush=True)
        if args.at_limits:
            print("\nbuilt (press PDF only), each under its limit:")
            for name, issue in at_limits(Path(tmp) / "limits").items():
                code, wall, cpu, peak = run(issue, issue.parent / "out", "--only", "print")
                print(f"{name:<40} {code:>4} {wall:>7.2f} {cpu:>6.2f} {peak:>8.0f}", flush=True)
    load = os.getloadavg()[0]
    print(f"\nload average while measuring: {load:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
