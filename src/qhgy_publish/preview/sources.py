"""Source ↔ page for the preview: which source line each block on a page comes from, and the
print stylesheets read for syntax errors before the layout (WeasyPrint skips a bad declaration
silently; an unclosed ``device-cmyk(`` swallows the rest of its file and the pages look broken
with no word why)."""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Figure, Issue, Profile

BLOCK_ID = re.compile(r"^(?P<article>.+)-b(?P<index>\d+)$")
PX_PER_PT = 96 / 72


def _title_line(path: Path) -> int:
    """The front matter's ``title:`` line (1 when there is none to be found)."""
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith("title:"):
                return number
    except OSError:
        pass
    return 1


def source_map(issue: Issue) -> dict[str, tuple[str, int]]:
    """Element id in the print HTML → (source file, line)."""
    where: dict[str, tuple[str, int]] = {}
    for article in [*issue.all_articles, *issue.fillers]:
        path = str(Path(article.path).resolve())
        where[article.id] = (path, _title_line(Path(article.path)))
        for i, block in enumerate(article.blocks):
            line = block.loc.line or 1
            where[f"{article.id}-b{i}"] = (path, line)
            if isinstance(block, Figure):
                where[f"{article.id}-{block.name}"] = (path, line)
            if isinstance(block, Profile) and block.figure is not None:
                where[f"{article.id}-b{i}-photo"] = (path, line)
    return where


def page_regions(page: object, where: dict[str, tuple[str, int]]) -> list[dict]:
    """The boxes on a laid-out WeasyPrint page that stand for a source block, as fractions of
    the drawn page (bleed included: the PDF's media box is what PDFium draws)."""
    from weasyprint.formatting_structure import boxes

    bleed = page.bleed  # type: ignore[attr-defined]
    width = page.width + bleed["left"] + bleed["right"]  # type: ignore[attr-defined]
    height = page.height + bleed["top"] + bleed["bottom"]  # type: ignore[attr-defined]
    regions = []
    stack = [page._page_box]  # type: ignore[attr-defined]
    while stack:
        box = stack.pop()
        element = box.element
        if (
            element is not None
            and box.element_tag == element.tag
            and isinstance(box, boxes.BlockLevelBox | boxes.InlineReplacedBox)
            and (place := where.get(element.get("id") or "")) is not None
        ):
            x, y = box.border_box_x() + bleed["left"], box.border_box_y() + bleed["top"]
            w, h = box.border_width(), box.border_height()
            if w > 0 and h > 0:
                regions.append(
                    {
                        "box": [round(x / width, 4), round(y / height, 4), round(w / width, 4), round(h / height, 4)],
                        "path": place[0],
                        "line": place[1],
                        "id": element.get("id"),
                    }
                )
        if isinstance(box, boxes.ParentBox):
            stack.extend(box.children)
    return regions


def stylesheet_errors(issue_dir: Path) -> list[tuple[Path, int, int, str]]:
    """(file, line, column, what) for each syntax error in the print stylesheets that apply."""
    from ..paths import LAYOUTS_DIR, layout_file
    from ..render.css_check import syntax_errors

    problems = []
    names = {p.name for p in (LAYOUTS_DIR / "print").glob("*.css")}
    names |= {p.name for p in (issue_dir / "layouts" / "print").glob("*.css")}
    for name in sorted(names):
        path = layout_file(f"print/{name}", issue_dir)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append((path, 0, 0, f"无法读取：{exc}"))
            continue
        for message, line, column in syntax_errors(text):
            problems.append((path, line, column, message))
    return problems
