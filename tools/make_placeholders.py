"""(Re)generate the stand-in photos an issue's sources mark as placeholders.

    .venv/bin/python tools/make_placeholders.py content/2025-01

Reads issue.yaml and the articles' Markdown directly (the loader refuses an
issue whose images are missing, and this tool is how they come to exist),
then writes each placeholder PNG at its slot's size: the cover 216 × 160 mm,
profile photos 24 × 32 mm, other figures 80 × 60 mm, all at 300 dpi.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from qhgy_publish.placeholders import make_placeholder

FIGURE = re.compile(r'!\[([^\]]*)\]\(([^)\s]+)(?:\s+"([^"]*)")?\)\{[^}]*\.placeholder[^}]*\}')


def main(issue_dir: Path) -> int:
    meta = yaml.safe_load((issue_dir / "issue.yaml").read_text(encoding="utf-8"))
    made = 0
    cover = meta["cover"]
    if cover.get("placeholder"):
        make_placeholder(issue_dir / cover["image"], width_mm=216, height_mm=160, caption=cover["caption"])
        made += 1
    for article in sorted((issue_dir / "articles").glob("*.md")):
        text = article.read_text(encoding="utf-8")
        in_profile = False
        for line in text.splitlines():
            in_profile = line.startswith("::: profile") or (in_profile and line.strip() != ":::")
            for alt, src, caption in FIGURE.findall(line):
                size = (24, 32) if in_profile else (80, 60)
                make_placeholder(issue_dir / src, width_mm=size[0], height_mm=size[1], caption=caption or alt)
                made += 1
    print(f"{made} placeholder images written in {issue_dir / 'images'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "content/2025-01")))
