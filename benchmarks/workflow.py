"""The editors' month, timed: `python benchmarks/workflow.py` prints how long each workflow command takes.

On a copy of the sample issue (84 pages), each step through the real `qhgy`
command in a fresh process, as an editor runs it: importing the sample's own
speech, report and news brief saved as Word files, a proof, a diff against the
sources after a one-sentence edit, the final build (placeholders replaced), and
the year index over the sample and the mini issue, first laid out, then from
the folios the builds left.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
QHGY = [sys.executable, "-m", "qhgy_publish.cli"]
SAMPLES = {"speech": "080-wangdongming-jianghua", "report": "230-qige-laolao-bawo", "news": "120-wuxuhui"}


def run(*args: object, cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run([*QHGY, *map(str, args)], cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"qhgy {' '.join(map(str, args))} failed:\n{proc.stdout}\n{proc.stderr}")
    return time.perf_counter() - start


def main() -> None:
    from qhgy_publish.workflow.yearindex import PAGES_CACHE
    from tests.workflow.manuscripts import from_sample, make_docx
    from tests.workflow.test_final import replace_placeholders

    figures: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="qhgy-bench-") as tmp:
        base = Path(tmp)
        (base / "qhgy.toml").write_text("", encoding="utf-8")  # the editors' folder
        issue = base / "content" / "2025-01"
        shutil.copytree(ROOT / "content" / "2025-01", issue)
        sample = ROOT / "content" / "2025-01"
        for kind, stem in SAMPLES.items():
            docx = make_docx(base / f"{kind}.docx", from_sample(sample / "articles" / f"{stem}.md", sample))
            column = re.search(
                r"^column: (.+)$", (sample / "articles" / f"{stem}.md").read_text("utf-8"), re.M
            )
            assert column
            figures.append(
                (
                    f"import {kind} (.docx → article, dry run)",
                    run("import", docx, "--into", issue, "--column", column.group(1), "--dry-run", cwd=base),
                )
            )
        figures.append(("proof (build, 84 page images, page map)", run("proof", issue, cwd=base)))
        article = issue / "articles" / "240-shenhua-gaige.md"
        article.write_text(article.read_text("utf-8").replace("统一思想行动", "统一思想认识", 1), "utf-8")
        figures.append(
            ("diff last proof ↔ current sources (builds them)", run("diff", "--issue", issue, cwd=base))
        )
        figures.append(("proof 2", run("proof", issue, cwd=base)))
        figures.append(("diff 1 2 (two kept proofs)", run("diff", "1", "2", "--issue", issue, cwd=base)))
        replace_placeholders(issue)
        figures.append(
            ("build --final (build, preflight, EPUBCheck, stamps)", run("build", "--final", issue, cwd=base))
        )
        shutil.copytree(ROOT / "tests" / "fixtures" / "mini-issue", base / "content" / "2025-02")
        for issue_id in ("2025-01", "2025-02"):  # forget the folios the builds kept: lay out again
            (PAGES_CACHE / f"{issue_id}.json").unlink(missing_ok=True)
        figures.append(("index 2025, two issues laid out", run("index", "2025", cwd=base)))
        figures.append(("index 2025, folios from the last builds", run("index", "2025", cwd=base)))
    width = max(len(name) for name, _ in figures)
    print(f"{'step (fresh process each)':<{width}}  seconds")
    for name, seconds in figures:
        print(f"{name:<{width}}  {seconds:7.2f}")


if __name__ == "__main__":
    main()
