"""The EPUB 3 edition, packaged with ebooklib, checked clean by EPUBCheck.

The XHTML comes from Jinja2 templates in ``layouts/epub/`` and goes into the
book as plain ``EpubItem``s, because ebooklib's ``EpubHtml`` re-serialises
pages and drops what it does not model (``<head>`` content, ``xml:lang``).
ebooklib 0.20 then writes the manifest, spine, NCX and metadata. Its traps and
what this module does about each:

* no ``xml:lang`` on ``<package>``, and ``dcterms:modified`` from the clock →
  the OPF is patched, ``mtime`` comes from the issue's print date;
* creators all get the id ``creator`` → each creator gets its own uid;
* write errors are swallowed → ``raise_exceptions=True``;
* cover page reachability (OPF-096) → the cover page is in the spine, linear;
* zip entries carry the current time → the archive is rewritten with fixed
  timestamps and sorted entries, ``mimetype`` first and stored, so the same
  sources always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
import zipfile
from collections import defaultdict
from pathlib import Path

from ebooklib import epub

from ..errors import BuildError
from ..fonts import face_file, font_roles
from ..model import Article, Issue
from ..output import atomic_path
from ..paths import layout_dirs
from .epub_fonts import role_texts, subset_fonts
from .pagemap import PageStart
from .templates import environment, render_template

MAX_XHTML_BYTES = 260_000
NAMESPACE = uuid.UUID("6f1c7c9e-3a53-4f4e-9b7e-2f9a1d0c5e11")  # qhgy-publish's identifier namespace
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def book_identifier(issue: Issue) -> str:
    """Stable per issue: the same magazine and issue id always give the same URN."""
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{issue.meta.magazine.name}/{issue.id}')}"


def _breaks_by_article(page_map: list[PageStart] | None, issue: Issue) -> tuple[dict, list[int]]:
    """article id → {block index | None | "end": [folios]}; folios of pages showing no article."""
    by_article: dict[str, dict] = defaultdict(lambda: defaultdict(list))
    loose: list[int] = []
    last_article: str | None = None
    for start in page_map or []:
        if start.article_id is None:
            if last_article is None:
                loose.append(start.page)  # contents pages, before any article
            else:
                by_article[last_article]["end"].append(start.page)  # filler pages after the body
            continue
        last_article = start.article_id
        by_article[start.article_id][start.block].append(start.page)
    return by_article, loose


def _file_name(article: Article) -> str:
    return f"a-{article.id}.xhtml"


def _block_groups(article: Article):
    """Ever finer ways to cut an article's blocks into files: whole, before each 一、 heading, then halves."""
    every = list(range(len(article.blocks)))
    groups = [every]
    yield groups
    cuts = [i for i, b in enumerate(article.blocks) if getattr(b, "level", 0) == 1 and i > 0]
    if cuts:
        groups = [every[a:b] for a, b in zip([0, *cuts], [*cuts, len(every)], strict=True)]
        yield groups
    while any(len(g) > 1 for g in groups):
        groups = [
            half for g in groups for half in ((g[: len(g) // 2], g[len(g) // 2 :]) if len(g) > 1 else (g,))
        ]
        yield groups


def render_epub(
    issue: Issue, out_path: Path, *, page_map: list[PageStart] | None = None, embed_fonts: bool = True
) -> Path:
    """Write the issue's EPUB to ``out_path`` (atomically) and return the path."""
    env = environment("epub", dirs=layout_dirs(issue.root))
    meta = issue.meta
    book = epub.EpubBook()
    book.set_identifier(book_identifier(issue))
    book.set_title(issue.title)
    book.set_language("zh-CN")
    book.add_author(meta.colophon.compiler, role="edt", uid="creator-compiler")
    book.add_author(meta.colophon.host, role="pbl", uid="creator-host")
    book.add_metadata("DC", "publisher", meta.colophon.host)
    book.add_metadata("DC", "date", meta.colophon.print_date.isoformat())
    book.add_metadata(
        "DC",
        "description",
        f"{meta.magazine.name}（{meta.label}），{meta.colophon.compiler}编印。{meta.colophon.notice}。",
    )
    for subject in (c.name for c in issue.columns):  # 栏目 left out (no articles) are no subject
        book.add_metadata("DC", "subject", subject)
    _accessibility(book, issue, bool(page_map))

    images: dict[Path, str] = {}

    def add_image(path: Path) -> str:
        if path == cover_path:
            images[path] = cover_name
        if path not in images:
            name = f"images/{path.name}"
            media = "image/png" if path.suffix.lower() == ".png" else "image/jpeg"
            book.add_item(
                epub.EpubItem(
                    uid=f"img-{len(images)}", file_name=name, media_type=media, content=path.read_bytes()
                )
            )
            images[path] = name
        return images[path]

    cover_path = (issue.root / meta.cover.image).resolve()
    cover_name = f"images/cover{cover_path.suffix.lower()}"
    cover_image = epub.EpubItem(
        uid="cover-image",
        file_name=cover_name,
        media_type="image/png" if cover_name.endswith("png") else "image/jpeg",
        content=cover_path.read_bytes(),
    )
    cover_image.properties = ["cover-image"]
    book.add_item(cover_image)
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
    for article in issue.all_articles:
        for fig in article.figures:
            add_image(fig.src)

    breaks, loose = _breaks_by_article(page_map, issue)
    pages: list[tuple[int, str]] = []  # (folio, file#anchor)

    def page(uid: str, name: str, template: str, title: str, **ctx) -> epub.EpubItem:
        return add_xhtml(
            uid, name, render_template(env, template, page_title=title, meta=meta, issue=issue, **ctx)
        )

    def add_xhtml(uid: str, name: str, xhtml: str) -> epub.EpubItem:
        if len(xhtml.encode()) > MAX_XHTML_BYTES:
            raise BuildError(f"{name} would be {len(xhtml.encode()):,} bytes (limit {MAX_XHTML_BYTES:,})")
        item = epub.EpubItem(
            uid=uid, file_name=name, media_type="application/xhtml+xml", content=xhtml.encode()
        )
        for folio in re.findall(r'id="page-(\d+)"', xhtml):
            pages.append((int(folio), f"{name}#page-{folio}"))
        book.add_item(item)
        return item

    def article_items(
        article: Article, article_breaks: dict, column_name: str, body_type: str
    ) -> list[epub.EpubItem]:
        """One XHTML file per article, or several (split before 一、 headings) when it would pass 260 KB."""
        for groups in _block_groups(article):
            pages = [
                render_template(
                    env,
                    "article.xhtml.j2",
                    page_title=article.title_text,
                    meta=meta,
                    issue=issue,
                    article=article,
                    breaks=article_breaks,
                    images=images,
                    column_name=column_name,
                    body_type=body_type,
                    part={"first": n == 0, "last": n == len(groups) - 1, "indices": indices, "number": n + 1},
                )
                for n, indices in enumerate(groups)
            ]
            if max(len(x.encode()) for x in pages) <= MAX_XHTML_BYTES:
                break
        return [
            add_xhtml(
                f"a-{article.id}{'' if n == 0 else f'-{n + 1}'}",
                f"a-{article.id}{'' if n == 0 else f'-{n + 1}'}.xhtml",
                x,
            )
            for n, x in enumerate(pages)
        ]

    spine = [
        page(
            "cover",
            "cover.xhtml",
            "cover.xhtml.j2",
            "封面",
            cover_src=cover_name,
            alt=meta.cover.alt,
            body_type="cover",
        ),
        page("titlepage", "title.xhtml", "title.xhtml.j2", issue.title, body_type="frontmatter"),
    ]
    nav_front, nav_back, nav_columns = [], [], []
    for article in issue.inside_front:
        spine += article_items(article, {}, "", "frontmatter")
        nav_front.append({"href": _file_name(article), "title": article.title_text})
    spine.append(
        page(
            "colophon",
            "colophon.xhtml",
            "colophon.xhtml.j2",
            "编委会与版权信息",
            breaks=loose,
            body_type="frontmatter",
        )
    )
    nav_front.append({"href": "colophon.xhtml", "title": "编委会与版权信息"})
    first_body = None
    for column in issue.columns:
        entries = []
        for i, article in enumerate(column.articles):
            spine += article_items(
                article, breaks.get(article.id, {}), column.name if i == 0 else "", "bodymatter"
            )
            first_body = first_body or _file_name(article)
            entries.append({"href": _file_name(article), "title": article.contents_title})
        if entries:
            nav_columns.append({"name": column.name, "href": entries[0]["href"], "entries": entries})
    for article in issue.inside_back:
        spine += article_items(article, {}, "", "backmatter")
        nav_back.append({"href": _file_name(article), "title": article.title_text})

    pages.sort()
    nav_xhtml = render_template(
        env,
        "nav.xhtml.j2",
        page_title="目录",
        front=nav_front,
        columns=nav_columns,
        back=nav_back,
        landmarks={"cover": "cover.xhtml", "body": first_body or "colophon.xhtml"},
        pages=[{"href": href, "label": str(folio)} for folio, href in pages],
        body_type="",
    )
    nav = epub.EpubItem(
        uid="nav", file_name="nav.xhtml", media_type="application/xhtml+xml", content=nav_xhtml.encode()
    )
    nav.properties = ["nav"]
    book.add_item(nav)
    book.add_item(epub.EpubNcx())
    book.toc = (
        [epub.Link(e["href"], e["title"], f"front-{i}") for i, e in enumerate(nav_front)]
        + [
            (
                epub.Section(c["name"], c["href"]),
                [epub.Link(e["href"], e["title"], f"toc-{j}-{i}") for i, e in enumerate(c["entries"])],
            )
            for j, c in enumerate(nav_columns)
        ]
        + [epub.Link(e["href"], e["title"], f"back-{i}") for i, e in enumerate(nav_back)]
    )
    book.spine = [spine[0], spine[1], nav, *spine[2:]]

    css = render_template(env, "epub.css")
    if embed_fonts:
        css = _embed_fonts(book, issue) + "\n" + css
    book.add_item(
        epub.EpubItem(uid="css", file_name="css/epub.css", media_type="text/css", content=css.encode())
    )

    modified = dt.datetime.combine(meta.colophon.print_date, dt.time(0, 0))
    buffer = io.BytesIO()
    epub.write_epub(
        buffer,
        book,
        {"raise_exceptions": True, "mtime": modified, "epub3_pages": False, "epub3_landmark": False},
    )
    data = _normalise_zip(buffer.getvalue())
    with atomic_path(out_path) as tmp:
        tmp.write_bytes(data)
    return out_path


def _accessibility(book: epub.EpubBook, issue: Issue, paged: bool) -> None:
    def meta(prop: str, value: str) -> None:
        book.add_metadata(None, "meta", value, {"property": prop})

    meta("schema:accessMode", "textual")
    meta("schema:accessMode", "visual")
    meta("schema:accessModeSufficient", "textual")
    for feature in ("tableOfContents", "readingOrder", "structuralNavigation", "alternativeText"):
        meta("schema:accessibilityFeature", feature)
    if paged:
        meta("schema:accessibilityFeature", "pageNavigation")
        meta("schema:accessibilityFeature", "pageBreakMarkers")
        meta("pageBreakSource", f"《{issue.meta.magazine.name}》{issue.meta.label}印刷版")
    meta("schema:accessibilityHazard", "none")
    meta(
        "schema:accessibilitySummary",
        "本书为文字内容，按栏目编排，提供目录与结构化导航；所有图片均有替代文字"
        + ("；标注了与印刷版一致的页码。" if paged else "。"),
    )


def _embed_fonts(book: epub.EpubBook, issue: Issue) -> str:
    rules = []
    roles = font_roles()
    for name, data in subset_fonts(issue, {r: face_file(role) for r, role in roles.items()}).items():
        role = roles[name]
        file_name = f"fonts/{name}.otf"
        book.add_item(
            epub.EpubItem(uid=f"font-{name}", file_name=file_name, media_type="font/otf", content=data)
        )
        rules.append(f'@font-face {{ font-family: "{role.family}"; src: url("../{file_name}"); }}')
    return "\n".join(rules)


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the archive deterministically: mimetype first and stored, fixed times, sorted names."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(n for n in source.namelist() if n != "mimetype")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        info = zipfile.ZipInfo("mimetype", ZIP_TIME)
        info.compress_type = zipfile.ZIP_STORED
        target.writestr(info, b"application/epub+zip")
        for name in names:
            content = source.read(name)
            if name.endswith("content.opf"):
                content = content.replace(b"<package ", b'<package xml:lang="zh-CN" ', 1)
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, content)
    return out.getvalue()


__all__ = ["book_identifier", "render_epub", "role_texts"]
