"""Preview refresh times per kind of edit, and the cold start, in Debian's headless Chromium.

    python benchmarks/preview_refresh.py [--runs 3] [--full-runs 1] [--issue content/2025-01]
                                         [--kinds sentence,paragraph,title,yaml,css,pages]

Copies the issue to a temporary folder (with an issue-level copy of the print
stylesheet magazine.css, so a stylesheet edit never touches the shipped one),
starts the preview server and opens it in Chromium, then for each kind of edit
saves a change carrying a marker text and times from the save until a page
whose text layer holds the marker is in the document with its image loaded.
The browser notes that moment itself (a MutationObserver and the image's load
event), so Playwright's polling is not in the figure. An edit inside one 栏目
is drawn first as laid out with the 栏目's old make-up, then made up again:
the moment the status stops saying so is printed too ("made up"), and the
next edit waits for it. Prints the median per
kind: sentence, paragraph and title edits inside one article, an issue.yaml
edit, a stylesheet edit, an edit that adds pages, and the cold start (server
start → first spread drawn, no earlier build to show), twice: with the caches
as found, then as the first start left them (a restart).

--runs applies to the edits inside one article, --full-runs to the edits that
lay out the whole issue (they take the longest). The figures depend on the
machine's load: on a shared machine they are inflated.
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
# the marker is in the document with its image loaded (scrolled into view: the
# page images load lazily).
# Then notes when the status stops saying the preview is laying out (window.__settled):
# an edit inside one 栏目 is drawn first as laid out with the old make-up, then made up.
WATCH = r"""(marker) => {
  window.__refreshed = null;
  window.__settled = null;
  const status = document.getElementById("status");
  const settled = () => {
    if (window.__settled || !window.__refreshed || status.classList.contains("building")) return false;
    window.__settled = Date.now();
    return true;
  };
  new MutationObserver((_, o) => { if (settled()) o.disconnect(); }).observe(status, { attributes: true });
  const done = () => { window.__refreshed = Date.now(); settled(); };
  const check = () => {
    for (const text of document.querySelectorAll(".page .text")) {
      // Spaces are left out: PDFium reads a justified line's spacing as spaces.
      if (!text.textContent.replace(/\s+/g, "").includes(marker)) continue;
      const page = text.closest(".page");
      page.scrollIntoView({ block: "start" });
      const img = page.querySelector("img");
      if (img.complete && img.naturalWidth) done();
      else img.addEventListener("load", done, { once: true });
      return true;
    }
    return false;
  };
  const observer = new MutationObserver(() => { if (check()) observer.disconnect(); });
  observer.observe(document.body, { childList: true, subtree: true });
}"""

# The first spread (封一, then 封二 and page 1) drawn.
FIRST_SPREAD = """() => {
  const imgs = [0, 1].map((i) => document.querySelector("#page-" + i + " img"));
  return imgs.every((img) => img && img.complete && img.naturalWidth > 0);
}"""

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
ARTICLE = "articles/190-bingxue-fengshang.md"  # a news brief in the middle of 新视点
SENTENCE_AT = "加强交流、增进友谊，"
LONG_ARTICLE = "articles/020-zhongguoshi-xiandaihua.md"  # its body, pasted, adds pages
FULL_KINDS = ("title", "yaml", "css", "pages")
KINDS = ("sentence", "paragraph", *FULL_KINDS)
DIGITS = "甲乙丙丁戊己庚辛壬癸"  # markers carry no digits: their ¼-em gaps read as spaces


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _body(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n---\n", 1)[1]


def marker_for(kind: str, run: int) -> str:
    """The text edit ``run`` of ``kind`` puts on a page (known before the save, so the
    browser watches first)."""
    tag = DIGITS[run % 10] + DIGITS[(run // 10) % 10]
    return {
        "sentence": f"句子计时{tag}",
        "paragraph": f"新段落计时标记{tag}号。",
        "title": f"标题{tag}",
        "yaml": f"{1701 + run}册",
        "css": f"样式计时{tag}",
        "pages": f"加页计时标记{tag}号。",
    }[kind]


def edit(kind: str, issue: Path, run: int) -> None:
    """Save one edit of ``kind``, putting ``marker_for(kind, run)`` on a page."""
    marker = marker_for(kind, run)
    article = issue / ARTICLE
    if kind == "sentence":
        _replace(article, SENTENCE_AT, SENTENCE_AT + marker + "，")
    elif kind == "paragraph":
        article.write_text(article.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
    elif kind == "title":
        _replace(article, "\ntitle: ", f"\ntitle: {marker}")
    elif kind == "yaml":
        number = 1701 + run
        yaml = issue / "issue.yaml"
        text = yaml.read_text(encoding="utf-8")
        old = next(line for line in text.splitlines() if line.strip().startswith("print_run:"))
        _replace(yaml, old, f"  print_run: {number}")
    elif kind == "css":
        css = issue / "layouts" / "print" / "magazine.css"
        css.write_text(
            css.read_text(encoding="utf-8") + f'\n.credit::after {{ content: "{marker}"; }}\n',
            encoding="utf-8",
        )
    elif kind == "pages":
        pasted = _body(issue / LONG_ARTICLE)
        article.write_text(
            article.read_text(encoding="utf-8") + f"\n{marker}\n\n{pasted}\n", encoding="utf-8"
        )
    else:
        raise ValueError(kind)


def cold_start(issue: Path, browser) -> float:  # type: ignore[no-untyped-def]
    """Seconds from `qhgy preview` started (a fresh process: its imports count) to the first
    spread drawn in the browser; no earlier build to show (the copy's output folder is empty)."""
    import os
    import signal
    import socket
    import subprocess

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    start = time.time()
    server = subprocess.Popen(
        [sys.executable, "-m", "qhgy_publish.cli", "preview", str(issue), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        while True:
            try:
                page.goto(f"http://127.0.0.1:{port}/")
                break
            except Exception:
                assert server.poll() is None, "qhgy preview ended"
                time.sleep(0.05)
        page.wait_for_function(FIRST_SPREAD, timeout=600_000, polling=50)
        took = time.time() - start
        page.close()
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C: it ends at once, its layout abandoned
        server.wait(timeout=60)
    return took


def main() -> None:
    from playwright.sync_api import sync_playwright

    from qhgy_publish.paths import LAYOUTS_DIR
    from qhgy_publish.preview.server import serve_in_thread

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3, help="runs of each edit inside one article")
    parser.add_argument("--full-runs", type=int, default=1, help="runs of each edit that lays out the issue")
    parser.add_argument("--issue", type=Path, default=ROOT / "content" / "2025-01")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--no-cold", action="store_true", help="leave out the cold start")
    args = parser.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    work = Path(tempfile.mkdtemp(prefix="qhgy-preview-bench-")) / args.issue.name
    shutil.copytree(args.issue, work)
    own_css = work / "layouts" / "print" / "magazine.css"
    own_css.parent.mkdir(parents=True, exist_ok=True)
    if not own_css.exists():
        shutil.copy(LAYOUTS_DIR / "print" / "magazine.css", own_css)
    times: dict[str, list[float]] = {}
    settle_times: dict[str, list[float]] = {}  # save → the status no longer says 排版/校正
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        if not args.no_cold:
            # First with the caches as found (empty in a fresh QHGY_CACHE_DIR: the faces copied out
            # of their collections, their character maps read), then again as the first left them.
            for name in ("cold start → first spread", "restart → first spread (caches warm)"):
                times[name] = [cold_start(work, browser)]
                print(f"{name}: {times[name][0]:.1f} s", flush=True)
        base, server = serve_in_thread(work, timeout=900, output_dir=work.parent / "no-build")
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(base)
        page.wait_for_selector(".spread .page img")
        run = 0
        for kind in kinds:
            for _ in range(args.full_runs if kind in FULL_KINDS else args.runs):
                run += 1
                time.sleep(1)  # the watcher settled after the last save
                page.evaluate(WATCH, marker_for(kind, run))
                start = time.time()
                edit(kind, work, run)
                shown = page.wait_for_function("window.__refreshed", timeout=900_000, polling=50).json_value()
                times.setdefault(kind, []).append(shown / 1000 - start)
                # The next edit waits for this one's make-up (and is not timed behind it).
                made = page.wait_for_function("window.__settled", timeout=900_000, polling=50).json_value()
                settle_times.setdefault(kind, []).append(made / 1000 - start)
                print(
                    f"{kind}: {times[kind][-1]:.1f} s, made up {settle_times[kind][-1]:.1f} s"
                    f" ({server.preview_app.state.builder.last_build})",
                    flush=True,
                )
        browser.close()
    server.stop()
    print("\npreview refresh, save → page drawn in Chromium (median, runs), and → made up:")
    for kind, values in times.items():
        line = f"  {kind:<38} {statistics.median(values):6.1f} s   ({', '.join(f'{t:.1f}' for t in values)})"
        if kind in settle_times:
            made = settle_times[kind]
            line += f"   made up {statistics.median(made):.1f} s ({', '.join(f'{t:.1f}' for t in made)})"
        print(line)
    shutil.rmtree(work.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
