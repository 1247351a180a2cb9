"""Benchmark and check of the column-balancing patch offered to WeasyPrint (column-balancing.patch).

`python tools/upstream/column_balancing_bench.py [--runs N]` lays out a few multi-column
documents with the installed WeasyPrint and with a copy of it patched, each in a fresh
process, and prints for each document the best time of N, the number of column layouts
(``block_box_layout`` of a column box: trials, probes of the next box, final passes) and
whether every box of every page stands where the unpatched WeasyPrint put it (kind,
position, size, text). Exits non-zero if a document lays out otherwise. The documents need
nothing but the system's fonts (DejaVu, Noto CJK on Debian).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PATCH = HERE / "column-balancing.patch"

LATIN = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut "
    "labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco "
    "laboris nisi ut aliquip ex ea commodo consequat. "
)
HAN = "青海省总工会召开全委会议，审议通过年度工作报告，表彰一批先进集体和先进个人，部署全年重点任务。"

STYLE = """
@page { size: A4; margin: 18mm 16mm }
body { font-family: %(font)s; font-size: 10pt; line-height: 1.6; margin: 0; %(extra)s }
.cols { columns: %(count)d; column-gap: 1.5em; orphans: 2; widows: 2 }
h2 { font-size: 14pt; margin: 0 0 .5em; break-after: avoid }
h3 { font-size: 11pt; margin: .5em 0 .25em; break-after: avoid }
p { margin: 0; text-indent: 2em; text-align: justify }
.box { break-inside: avoid; height: 120px; margin: .5em 0; background: #ccc }
article + article { margin-top: 1.5em }
"""


def _article(number: int, text: str, paragraphs: int) -> str:
    body = []
    for k in range(paragraphs):
        if k and k % 3 == 0:
            body.append(f"<h3>Section {number}.{k // 3}</h3>")  # kept with its text: 1 px steps upstream
        body.append(f"<p>{text * (1 + (number + k) % 4)}</p>")
        if k % 4 == 2:
            body.append('<div class="box"></div>')  # cannot break
    return f'<article class="cols"><h2>Article {number}</h2>{"".join(body)}</article>'


def documents() -> dict[str, str]:
    """The documents laid out: articles of two or three balanced columns, some a page long or
    more (their columns fill each page and balance on the last), the next one beginning where
    one ends, with headings kept with their text and blocks that cannot break among the
    paragraphs (where upstream steps the height by 1 px)."""
    made = {}
    for name, font, text, count, extra in (
        ("latin-2col", "DejaVu Serif", LATIN, 2, ""),
        ("latin-3col", "DejaVu Serif", LATIN, 3, "hyphens: auto"),
        ("han-2col", "Noto Serif CJK SC", HAN, 2, ""),
    ):
        style = STYLE % {"font": f"'{font}'", "count": count, "extra": extra}
        articles = "".join(_article(n, text, 2 + (n * 7) % 17) for n in range(1, 9))
        made[name] = f'<html lang="{"zh" if text is HAN else "en"}"><head><style>{style}</style></head><body>{articles}</body></html>'
    return made


LAY_OUT = r"""
import json, sys, time
from pathlib import Path
import weasyprint
from weasyprint.formatting_structure import boxes
import weasyprint.layout.block as block

counted = [0]
original = block.block_box_layout
def block_box_layout(context, box, *args, **kwargs):
    if getattr(box, "is_column", False):
        counted[0] += 1
    return original(context, box, *args, **kwargs)
block.block_box_layout = block_box_layout

html, runs = Path(sys.argv[1]).read_text(encoding="utf-8"), int(sys.argv[2])
times = []
for _ in range(runs):
    counted[0] = 0
    start = time.perf_counter()
    document = weasyprint.HTML(string=html).render()
    times.append(time.perf_counter() - start)
pages = []
for page in document.pages:
    pages.append([
        (type(b).__name__, round(b.position_x, 4), round(b.position_y, 4), round(b.width, 4), round(b.height, 4),
         b.text if isinstance(b, boxes.TextBox) else None)
        for b in page._page_box.descendants()
    ])
print(json.dumps({"file": weasyprint.__file__, "best": min(times), "columns": counted[0], "pages": pages}))
"""


def patched_copy(folder: Path) -> Path:
    """A copy of the installed WeasyPrint with the patch applied, under ``folder`` (a folder to put
    first on the import path)."""
    import weasyprint

    shutil.copytree(Path(weasyprint.__file__).parent, folder / "weasyprint", ignore=shutil.ignore_patterns("__pycache__"))
    # git's patch, outside any repository (the ceiling: none above the copy is looked for)
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(folder.resolve().parent)}
    subprocess.run(["git", "apply", "-p1", str(PATCH)], cwd=folder, env=env, check=True)
    return folder


def lay_out(html: str, runs: int, first_on_path: Path | None, work: Path) -> dict:
    """The layout of ``html`` in a fresh process (WeasyPrint from ``first_on_path`` if given)."""
    source = work / "document.html"
    source.write_text(html, encoding="utf-8")
    env = dict(os.environ)
    if first_on_path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(first_on_path), env.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [sys.executable, "-c", LAY_OUT, str(source), str(runs)], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    same_everywhere = True
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        patched = patched_copy(work / "patched")
        print(f"{'document':12} {'pages':>5} {'upstream s':>10} {'patched s':>10} {'column layouts':>16}  same boxes")
        for name, html in documents().items():
            stock = lay_out(html, args.runs, None, work)
            mine = lay_out(html, args.runs, patched, work)
            assert mine["file"].startswith(str(patched)), mine["file"]
            same = stock["pages"] == mine["pages"]
            same_everywhere &= same
            print(
                f"{name:12} {len(stock['pages']):5d} {stock['best']:10.3f} {mine['best']:10.3f} "
                f"{stock['columns']:7d} → {mine['columns']:<6d}  {'yes' if same else 'NO'}"
            )
    return 0 if same_everywhere else 1


if __name__ == "__main__":
    sys.exit(main())
