"""`qhgy index YEAR`: the year's contents (年度总目录) across every issue of that year.

Grouped by 栏目 in the order of the year's latest issue (栏目 it no longer has
follow, in the order the earlier issues had them; 封二/封三 pieces last); in
each 栏目 the articles by issue and page. Written three ways: print pages in
the house style (a press PDF of their own, the contents page's look), an
HTML page shaped like an EPUB navigation document, and CSV for the archive.

Page numbers come from the print layout. Laying out twelve issues takes
minutes, so each issue's article folios are kept in
``<cache>/article-pages/<id>.json`` (written by every `qhgy build`; the cache
folder is the checkout's .cache or the user's, see :mod:`..paths`), keyed by
a hash of the sources and of the layout's own files; a stale or missing entry
is laid out again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import QhgyError
from ..load import load_issue
from ..model import Article, Issue
from ..paths import CACHE_DIR, FONTS_DIR, LAYOUTS_DIR, layout_dirs, layout_file
from ..transforms import apply_transforms
from ..workspace import workspace_of
from .proofs import content_hash

PAGES_CACHE = CACHE_DIR / "article-pages"
ISSUE_DIR = re.compile(r"^(\d{4})-(\d{2})$")
COVER_GROUP = "封二·封三"


@dataclass(frozen=True)
class Entry:
    column: str
    title: str
    author: str
    issue_id: str
    number: int  # 期号
    serial: int | None  # 总期号
    page: str  # folio, or 封二/封三
    source: str  # content/<id>/articles/….md

    @property
    def where(self) -> str:
        return (
            f"第{self.number}期 第{self.page}页" if self.page.isdigit() else f"第{self.number}期 {self.page}"
        )


@dataclass
class YearIndex:
    year: int
    issues: list[Issue]
    groups: list[tuple[str, list[Entry]]]

    @property
    def entries(self) -> list[Entry]:
        return [e for _, group in self.groups for e in group]


# ------------------------------------------------------------------- pages


def _layout_key(issue_dir: Path) -> str:
    """Sources and everything that decides where a page breaks."""
    digest = hashlib.sha256(content_hash(issue_dir).encode())
    files = [p for d in layout_dirs(issue_dir) for p in sorted((d / "print").glob("*"))]
    files += [FONTS_DIR / "roles.toml", *sorted((Path(__file__).parents[1] / "render").glob("*.py"))]
    for path in files:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def remember_pages(issue_dir: Path, article_pages: dict[str, int]) -> None:
    """Keep a build's article folios for the year's index."""
    PAGES_CACHE.mkdir(parents=True, exist_ok=True)
    data = {"key": _layout_key(issue_dir), "pages": article_pages}
    text = json.dumps(data, ensure_ascii=False, indent=1)
    (PAGES_CACHE / f"{issue_dir.name}.json").write_text(text, encoding="utf-8")


def article_pages(issue: Issue) -> tuple[dict[str, int], bool]:
    """(article id → folio, whether the issue had to be laid out for it)."""
    cache = PAGES_CACHE / f"{issue.id}.json"
    if cache.is_file():
        try:
            data = json.loads(cache.read_text(encoding="utf-8"))
            if data.get("key") == _layout_key(issue.root):
                return {k: int(v) for k, v in data["pages"].items()}, False
        except (ValueError, KeyError, TypeError):
            pass
    from ..render.print_pdf import layout

    pages = layout(issue).article_pages
    remember_pages(issue.root, pages)
    return pages, True


# ------------------------------------------------------------------- index


def year_issues(content_dir: Path, year: int) -> list[Path]:
    found = sorted(
        p
        for p in content_dir.iterdir()
        if p.is_dir() and (m := ISSUE_DIR.match(p.name)) and int(m.group(1)) == year
    )
    if not found:
        raise QhgyError(
            f"no issue of {year} in {content_dir}\n      → issue folders are named {year}-01, {year}-02, …"
        )
    return found


def build_index(
    content_dir: Path,
    year: int,
    *,
    pages_for: Callable[[Issue], dict[str, int]] | None = None,
    progress: Callable[[Issue, bool], None] | None = None,
) -> YearIndex:
    """The year's index; ``pages_for(issue)`` may supply folios (default: cache or layout)."""
    issues = []
    pages: dict[str, dict[str, int]] = {}
    for folder in year_issues(content_dir, year):
        issue = apply_transforms(load_issue(folder))
        if issue.meta.year != year:
            raise QhgyError(
                f"{folder / 'issue.yaml'}: year is {issue.meta.year}, but the folder is named for {year}\n"
                "      → rename the folder or correct year: in issue.yaml"
            )
        if pages_for is not None:
            pages[issue.id] = pages_for(issue)
        else:
            pages[issue.id], laid_out = article_pages(issue)
            if progress:
                progress(issue, laid_out)
        issues.append(issue)
    issues.sort(key=lambda i: i.meta.number)
    order: list[str] = []
    for issue in reversed(issues):  # the latest issue's order first, older 栏目 after
        order += [c.name for c in issue.columns if c.name not in order]
    groups: dict[str, list[Entry]] = {name: [] for name in [*order, COVER_GROUP]}
    for issue in issues:
        for column in issue.columns:
            for article in column.articles:
                groups[column.name].append(
                    _entry(issue, article, column.name, str(pages[issue.id][article.id]))
                )
        for article in issue.inside_front:
            groups[COVER_GROUP].append(_entry(issue, article, COVER_GROUP, "封二"))
        for article in issue.inside_back:
            groups[COVER_GROUP].append(_entry(issue, article, COVER_GROUP, "封三"))
    for entries in groups.values():
        entries.sort(
            key=lambda e: (e.number, int(e.page) if e.page.isdigit() else 10_000 + (e.page == "封三"))
        )
    return YearIndex(year, issues, [(name, entries) for name, entries in groups.items() if entries])


def _entry(issue: Issue, article: Article, column: str, page: str) -> Entry:
    try:
        source = str(article.path.relative_to(workspace_of(issue.root).root))
    except ValueError:
        source = str(article.path.relative_to(issue.root.parent))
    return Entry(
        column,
        article.contents_title,
        article.contents_author,
        issue.id,
        issue.meta.number,
        issue.meta.serial,
        page,
        source,
    )


# ----------------------------------------------------------------- outputs


def write_csv(index: YearIndex, target: Path) -> Path:
    """UTF-8 with a byte-order mark, so a spreadsheet opens the Chinese text as it is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["栏目", "标题", "作者", "期号", "总期号", "页码", "期", "源文件"])
    for e in index.entries:
        writer.writerow([e.column, e.title, e.author, e.number, e.serial or "", e.page, e.issue_id, e.source])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")
    return target


def _env(issue_dir: Path | None = None):  # type: ignore[no-untyped-def]
    """Templates of layouts/workflow/, the editors' or an issue's overrides first (paths.layout_dirs)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=FileSystemLoader([d / "workflow" for d in layout_dirs(issue_dir)]),
        autoescape=select_autoescape(["html", "xhtml", "j2"]),
        undefined=StrictUndefined,
    )


def _context(index: YearIndex) -> dict:
    latest = index.issues[-1]
    return {
        "index": index,
        "magazine": latest.meta.magazine,
        "title": f"{latest.meta.magazine.name} {index.year}年总目录",
        "issues": "、".join(f"第{i.meta.number}期" for i in index.issues),
    }


def write_html(index: YearIndex, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    latest = index.issues[-1].root
    target.write_text(
        _env(latest).get_template("year-index.xhtml.j2").render(**_context(index)), encoding="utf-8"
    )
    return target


def write_pdf(index: YearIndex, target: Path) -> Path:
    """The index as print pages: the print stylesheets, the contents page's look, a press PDF."""
    from weasyprint import CSS, HTML

    from ..fonts import face_file, font_roles
    from ..render.fetcher import ClosedFetcher
    from ..render.press_pdf import write_press_pdf
    from ..render.weasy import font_configuration, stylesheets
    from ..render.weasy_cjk_patch import install

    install()
    font_dirs = {face_file(role).parent for role in font_roles().values()}
    latest = index.issues[-1].root  # its (or the editors') layout overrides, as its build uses
    fetcher = ClosedFetcher([*layout_dirs(latest), FONTS_DIR, *font_dirs])
    font_config, profiles = font_configuration(), {}
    sheets = stylesheets(fetcher, font_config, profiles, latest)
    sheets.append(
        CSS(
            filename=str(layout_file("workflow/year-index.css", latest)),
            url_fetcher=fetcher,
            font_config=font_config,
        )
    )
    html = _env(latest).get_template("year-index-print.html.j2").render(**_context(index))
    document = HTML(string=html, base_url=str(LAYOUTS_DIR) + "/", url_fetcher=fetcher).render(
        stylesheets=sheets, font_config=font_config, color_profiles=profiles
    )
    return write_press_pdf(document, target)


def write_index(index: YearIndex, out_dir: Path) -> list[Path]:
    stem = f"qhgy-{index.year}-index"
    return [
        write_pdf(index, out_dir / f"{stem}.pdf"),
        write_html(index, out_dir / f"{stem}.xhtml"),
        write_csv(index, out_dir / f"{stem}.csv"),
    ]
