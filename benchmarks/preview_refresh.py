"""Preview refresh time: save one article file → its page updated in the browser (headless Chromium).

    python benchmarks/preview_refresh.py [--runs 3] [--issue content/2025-01]

Copies the issue to a temporary folder, starts the preview server, opens it
in Debian's Chromium, then repeatedly appends a marker sentence to one
article and times from the save until the page showing it has its new image
loaded. The browser notes that moment itself (a MutationObserver and the
image's load event), so Playwright's polling interval is not in the figure.
Prints the median.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Resolves with the wall-clock time (ms) at which a page whose text layer holds
# the marker is in the document with its image loaded.
WATCH = """(marker) => {
  window.__refreshed = null;
  const done = () => { window.__refreshed = Date.now(); };
  const check = () => {
    for (const text of document.querySelectorAll(".page .text")) {
      if (!text.textContent.includes(marker)) continue;
      const img = text.closest(".page").querySelector("img");
      if (img.complete && img.naturalWidth) done();
      else img.addEventListener("load", done, { once: true });
      return true;
    }
    return false;
  };
  const observer = new MutationObserver(() => { if (check()) observer.disconnect(); });
  observer.observe(document.body, { childList: true, subtree: true });
}"""

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    from playwright.sync_api import sync_playwright

    from qhgy_publish.preview.server import serve_in_thread

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--issue", type=Path, default=ROOT / "content" / "2025-01")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="qhgy-preview-bench-")) / args.issue.name
    shutil.copytree(args.issue, work)
    base, server = serve_in_thread(work)
    article = sorted((work / "articles").glob("*.md"))[-2]
    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.goto(base)
        page.wait_for_selector(".spread .page img")
        for run in range(args.runs):
            marker = f"刷新计时标记{'甲乙丙丁戊己庚辛壬癸'[run % 10]}号。"  # no digits: their ¼-em gaps read as spaces
            page.evaluate(WATCH, marker)
            source = article.read_text(encoding="utf-8") + f"\n{marker}\n"
            start = time.time()
            article.write_text(source, encoding="utf-8")
            shown = page.wait_for_function("window.__refreshed", timeout=120_000).json_value()
            times.append(shown / 1000 - start)
        browser.close()
    server.should_exit = True
    print(
        f"(d) preview refresh after editing one article (median of {args.runs}): {statistics.median(times):.2f} s "
        f"(runs: {', '.join(f'{t:.2f}' for t in times)}; target ≤ 1 s)"
    )
    shutil.rmtree(work.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
