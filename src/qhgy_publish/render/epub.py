"""The EPUB 3 edition, packaged with ebooklib, checked clean by EPUBCheck and DAISY Ace.

The XHTML comes from Jinja2 templates in ``layouts/epub/`` and goes into the
book as plain ``EpubItem``s, because ebooklib's ``EpubHtml`` re-serialises
pages and drops what it does not model (``<head>`` content, ``xml:lang``).
ebooklib 0.20 then writes the manifest, spine, NCX and metadata. Its traps and
what this module does about each:

* no ``xml:lang`` on ``<package>`` → the OPF is patched;
* ``dcterms:modified`` from the clock → it is derived from the book's content
  (see :func:`release_time`), so a rebuild of the same sources gives the same
  bytes and a corrected one a new release identifier;
* creators all get the id ``creator`` → each creator gets its own uid;
* write errors are swallowed → ``raise_exceptions=True``;
* zip entries carry the current time → the archive is rewritten with fixed
  timestamps and sorted entries, ``mimetype`` first and stored, so the same
  sources always give the same bytes.

The book: cover (the print cover drawn, render/epub_cover.py), title page,
封二, contents, colophon, the 栏目 — each a ``doc-part`` section with an
``h1``, each article a ``doc-chapter`` with an ``h2``, its 一、 headings
``h3`` and （一） ``h4`` — and 封三. Print page markers stand where each
printed page begins (render/epub_pages.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import uuid
import zipfile
from pathlib import Path

from ebooklib import epub

from ..errors import BuildError
from ..fonts import face_file, font_roles
from ..model import Article, Figure, Heading, Issue, Profile
from ..output import atomic_path
from ..paths import layout_dirs
from .epub_fonts import role_texts, subset_fonts
from .epub_pages import (
    PagePlaces,
    last_paragraph,
    pagebreaks,
    paragraph_segments,
    place_pages,
    segments_html,
    tail_segments,
)
from .pagemap import PageStart
from .templates import environment, render_template

MAX_XHTML_BYTES = 260_000
NAMESPACE = uuid.UUID("6f1c7c9e-3a53-4f4e-9b7e-2f9a1d0c5e11")  # qhgy-publish's identifier namespace
ZIP_TIME = (2000, 1, 1, 0, 0, 0)
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"


def book_identifier(issue: Issue) -> str:
    """Stable per issue: the same magazine and issue id always give the same URN."""
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{issue.meta.magazine.name}/{issue.id}')}"


def figure_alt(figure: Figure, beside_name: bool = False) -> str:
    """The alt text: the editors' description; a stand-in photo says what it is.

    A stand-in in a profile card stands beside the name it belongs to, so its
    alt does not repeat the name (the grey picture shows nothing else).
    """
    if figure.placeholder:
        return "占位图（图片待补）" if beside_name else f"占位图（图片待补），此处将刊登：{figure.alt}"
    return figure.alt


def cover_alt(issue: Issue) -> str:
    meta = issue.meta
    photo = f"（占位图，图片待补）{meta.cover.alt}" if meta.cover.placeholder else meta.cover.alt
    return (
        f"《{meta.magazine.name}》{meta.label}封面：刊名{meta.magazine.name}（{meta.magazine.pinyin}），"
        f"{meta.colophon.host}主办；封面照片：{photo}"
    )


def placeholder_count(issue: Issue) -> int:
    figures = sum(1 for a in issue.all_articles for f in a.figures if f.placeholder)
    return len(issue.meta.placeholders) + figures + int(issue.meta.cover.placeholder)


def _epub_environment(dirs: tuple[Path, ...] | None = None):  # type: ignore[no-untyped-def]
    env = environment("epub", dirs=dirs)
    env.globals.update(
        page_markers=pagebreaks,
        figure_alt=figure_alt,
        last_paragraph=last_paragraph,
        paragraph_html=lambda article, block, paragraph, pages: segments_html(
            paragraph_segments(article, block, paragraph),
            pages.in_paragraph(article.id, block, paragraph),
        ),
        tail_html=lambda article: segments_html(tail_segments(article)),
    )
    env.filters["split_after"] = lambda text, mark: [
        p for p in re.split(f"(?<={re.escape(mark)})", text) if p
    ]
    return env


def article_preview_xhtml(
    issue: Issue, article: Article, images: dict[Path, str], dirs: tuple[Path, ...] | None = None
) -> str:
    """One article as the EPUB shows it, for the preview (no page markers, no 栏目 heading)."""
    return render_template(
        _epub_environment(dirs),
        "article.xhtml.j2",
        page_title=article.title_text,
        meta=issue.meta,
        issue=issue,
        article=article,
        pages=PagePlaces(),
        images=images,
        column=None,
        body_type="bodymatter",
        part={"first": True, "last": True, "indices": list(range(len(article.blocks))), "number": 1},
    )


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


def _article_outline(article: Article, block_files: dict[int, str]) -> list[dict]:
    """An article's 一、 headings, each with the profiles under it (profiles alone when it has none)."""
    out: list[dict] = []
    for i, block in enumerate(article.blocks):
        href = f"{block_files[i]}#{article.id}-b{i}"
        if isinstance(block, Heading) and block.level == 1:
            out.append({"title": block.text, "href": href, "children": []})
        elif isinstance(block, Profile) and block.name:
            entry = {"title": block.name, "href": href, "children": []}
            (out[-1]["children"] if out else out).append(entry)
    return out


def release_time(issue: Issue, items: list[epub.EpubItem], metadata: object) -> dt.datetime:
    """``dcterms:modified``: the print date, at a time of day drawn from a digest of the whole book.

    Two builds of the same content get the same stamp (and the same bytes);
    any change of text, picture, style or metadata gives another, so a
    corrected rebuild is a new release of the same identifier.
    """
    digest = hashlib.sha256(repr(metadata).encode())
    for item in sorted(items, key=lambda i: i.file_name):
        digest.update(item.file_name.encode() + b"\0" + item.get_content() + b"\0")
    seconds = int(digest.hexdigest()[:12], 16) % 86_400
    return dt.datetime.combine(issue.meta.colophon.print_date, dt.time(0, 0)) + dt.timedelta(seconds=seconds)


def render_epub(
    issue: Issue,
    out_path: Path,
    *,
    page_map: list[PageStart] | None = None,
    cover: bytes | None = None,
    embed_fonts: bool = True,
    warnings: list[str] | None = None,
) -> Path:
    """Write the issue's EPUB to ``out_path`` (atomically) and return the path.

    ``page_map`` places the print page markers; ``cover`` is the print cover
    drawn as a JPEG (render/epub_cover.py) — without it the cover photo stands
    in. Pages whose start could not be placed exactly are added to ``warnings``.
    """
    env = _epub_environment(layout_dirs(issue.root))
    meta = issue.meta
    book = epub.EpubBook()
    book.set_identifier(book_identifier(issue))
    book.set_title(issue.title)
    book.set_language("zh-CN")
    book.add_author(meta.colophon.compiler, role="edt", uid="creator-compiler")
    book.add_metadata("DC", "publisher", meta.colophon.host)
    book.add_metadata("DC", "date", meta.colophon.print_date.isoformat())
    book.add_metadata(
        "DC",
        "description",
        f"{meta.magazine.name}（{meta.label}），{meta.colophon.compiler}编印。{meta.colophon.notice}。",
    )
    for subject in (c.name for c in issue.columns):  # 栏目 left out (no articles) are no subject
        book.add_metadata("DC", "subject", subject)
    _series(book, issue)
    pages = place_pages(issue, page_map)
    if warnings is not None:
        warnings += [f"EPUB page marker: {p}" for p in pages.problems]
    placeholders = placeholder_count(issue)
    _accessibility(book, issue, bool(page_map), placeholders)

    images: dict[Path, str] = {}

    def add_image(path: Path) -> str:
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

    if cover is None:
        cover_path = (issue.root / meta.cover.image).resolve()
        cover_name = f"images/cover{cover_path.suffix.lower()}"
        cover = cover_path.read_bytes()
        images[cover_path] = cover_name  # a figure showing the cover photo reuses it
    else:
        cover_name = "images/cover.jpg"
    cover_image = epub.EpubItem(
        uid="cover-image",
        file_name=cover_name,
        media_type="image/png" if cover_name.endswith("png") else "image/jpeg",
        content=cover,
    )
    cover_image.properties = ["cover-image"]
    book.add_item(cover_image)
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
    for article in issue.all_articles:
        for fig in article.figures:
            add_image(fig.src)

    page_hrefs: list[tuple[int, str]] = []  # (folio, file#anchor)

    def page(uid: str, name: str, template: str, title: str, **ctx) -> epub.EpubItem:
        return add_xhtml(
            uid,
            name,
            render_template(env, template, page_title=title, meta=meta, issue=issue, pages=pages, **ctx),
        )

    def add_xhtml(uid: str, name: str, xhtml: str) -> epub.EpubItem:
        if len(xhtml.encode()) > MAX_XHTML_BYTES:
            raise BuildError(f"{name} would be {len(xhtml.encode()):,} bytes (limit {MAX_XHTML_BYTES:,})")
        item = epub.EpubItem(
            uid=uid, file_name=name, media_type="application/xhtml+xml", content=xhtml.encode()
        )
        for folio in re.findall(r'id="page-(\d+)"', xhtml):
            page_hrefs.append((int(folio), f"{name}#page-{folio}"))
        book.add_item(item)
        return item

    def article_items(article: Article, column: dict | None, body_type: str) -> tuple[list, dict[int, str]]:
        """One XHTML file per article, or several (split before 一、 headings) when it would pass 260 KB.

        Returns the items and the file of each block.
        """
        for groups in _block_groups(article):
            texts = [
                render_template(
                    env,
                    "article.xhtml.j2",
                    page_title=article.title_text,
                    meta=meta,
                    issue=issue,
                    article=article,
                    pages=pages,
                    images=images,
                    column=column,
                    body_type=body_type,
                    part={"first": n == 0, "last": n == len(groups) - 1, "indices": indices, "number": n + 1},
                )
                for n, indices in enumerate(groups)
            ]
            if max(len(x.encode()) for x in texts) <= MAX_XHTML_BYTES:
                break
        names = [f"a-{article.id}{'' if n == 0 else f'-{n + 1}'}" for n in range(len(texts))]
        files = {i: f"{names[n]}.xhtml" for n, indices in enumerate(groups) for i in indices}
        return [add_xhtml(name, f"{name}.xhtml", x) for name, x in zip(names, texts, strict=True)], files

    spine = [
        page(
            "cover",
            "cover.xhtml",
            "cover.xhtml.j2",
            "封面",
            cover_src=cover_name,
            alt=cover_alt(issue),
            body_type="cover",
            body_class="cover-page",
        ),
        page(
            "titlepage",
            "title.xhtml",
            "title.xhtml.j2",
            issue.title,
            body_type="frontmatter",
            placeholders=placeholders,
        ),
    ]
    toc: list[dict] = []
    for article in issue.inside_front:
        items, _ = article_items(article, None, "frontmatter")
        spine += items
        toc.append({"href": _file_name(article), "title": article.title_text, "children": []})

    columns = []
    for n, column in enumerate(issue.columns, start=1):
        if column.articles:
            first = _file_name(column.articles[0])
            columns.append(
                {
                    "name": column.name,
                    "href": f"{first}#column-{n}",
                    "entries": [
                        {
                            "href": f"{_file_name(a)}#a-{a.id}",
                            "title": a.contents_title,
                            "author": a.contents_author,
                        }
                        for a in column.articles
                    ],
                }
            )
    spine.append(
        page(
            "contents",
            "contents.xhtml",
            "contents.xhtml.j2",
            "目录",
            columns=columns,
            body_type="frontmatter",
        )
    )
    toc.append({"href": "contents.xhtml", "title": "目录", "children": []})
    c = meta.colophon
    imprint = [
        ("主办", c.host, "colophon.host"),
        ("编印单位", c.compiler, "colophon.compiler"),
        ("发送对象", c.distribution, "colophon.distribution"),
        *[
            (label, value, f"colophon.{key}")
            for label, value, key in (
                ("地址", c.address, "address"),
                ("邮箱", c.email, "email"),
                ("电话", c.phone, "phone"),
                ("邮编", c.postcode, "postcode"),
            )
            if value
        ],
        (
            "印刷日期",
            f"{c.print_date.year}年{c.print_date.month}月{c.print_date.day}日",
            "colophon.print_date",
        ),
        ("印数", f"{c.print_run}册", "colophon.print_run"),
        ("印刷单位", c.printer, "colophon.printer"),
        ("准印证号", c.permit, "colophon.permit"),
    ]
    spine.append(
        page(
            "colophon",
            "colophon.xhtml",
            "colophon.xhtml.j2",
            "编委会与版权信息",
            imprint=imprint,
            placeholders=set(meta.placeholders),
            body_type="frontmatter",
        )
    )
    toc.append({"href": "colophon.xhtml", "title": "编委会与版权信息", "children": []})

    first_body = None
    for n, column in enumerate(issue.columns, start=1):
        entries = []
        for i, article in enumerate(column.articles):
            items, files = article_items(
                article, {"number": n, "name": column.name, "first": i == 0}, "bodymatter"
            )
            spine += items
            first_body = first_body or _file_name(article)
            entries.append(
                {
                    "href": f"{_file_name(article)}#a-{article.id}",
                    "title": article.contents_title,
                    "children": _article_outline(article, files),
                }
            )
        if not entries:
            continue
        if len(entries) == 1 and entries[0]["title"] == column.name:
            entries = entries[0]["children"]  # a 栏目 of one article named alike: one level, not two
        toc.append(
            {
                "href": f"{_file_name(column.articles[0])}#column-{n}",
                "title": column.name,
                "children": entries,
            }
        )
    for article in issue.inside_back:
        items, _ = article_items(article, None, "backmatter")
        spine += items
        toc.append({"href": _file_name(article), "title": article.title_text, "children": []})

    page_hrefs.sort()
    nav_xhtml = render_template(
        env,
        "nav.xhtml.j2",
        page_title="目录",
        toc=toc,
        landmarks={"cover": "cover.xhtml", "toc": "contents.xhtml", "body": first_body or "colophon.xhtml"},
        pages=[{"href": href, "label": str(folio)} for folio, href in page_hrefs],
        body_type="",
    )
    nav = epub.EpubItem(
        uid="nav", file_name="nav.xhtml", media_type="application/xhtml+xml", content=nav_xhtml.encode()
    )
    nav.properties = ["nav"]
    book.add_item(nav)
    book.add_item(epub.EpubNcx())
    book.toc = _ncx_entries(toc)
    book.spine = spine

    css = render_template(env, "epub.css")
    if embed_fonts:
        css = _embed_fonts(book, issue) + "\n" + css
    book.add_item(
        epub.EpubItem(uid="css", file_name="css/epub.css", media_type="text/css", content=css.encode())
    )

    modified = release_time(issue, list(book.get_items()), book.metadata)
    buffer = io.BytesIO()
    # Stored, not deflated: _normalise_zip reads every file back and deflates it once (0.14 s less).
    options = {"raise_exceptions": True, "mtime": modified, "epub3_pages": False, "epub3_landmark": False}
    epub.write_epub(buffer, book, {**options, "compresslevel": 0})
    data = _normalise_zip(buffer.getvalue())
    with atomic_path(out_path) as tmp:
        tmp.write_bytes(data)
    return out_path


def _ncx_entries(entries: list[dict], prefix: str = "toc") -> list:
    out: list = []
    for i, e in enumerate(entries):
        uid = f"{prefix}-{i}"
        if e["children"]:
            out.append((epub.Section(e["title"], e["href"]), _ncx_entries(e["children"], uid)))
        else:
            out.append(epub.Link(e["href"], e["title"], uid))
    return out


def _series(book: epub.EpubBook, issue: Issue) -> None:
    """The magazine as a series: readers and libraries shelve the issues together, in order."""
    meta = issue.meta
    book.add_metadata(None, "meta", meta.magazine.name, {"property": "belongs-to-collection", "id": "series"})
    book.add_metadata(None, "meta", "series", {"refines": "#series", "property": "collection-type"})
    position = str(meta.serial) if meta.serial else f"{meta.year}.{meta.number:02d}"
    book.add_metadata(None, "meta", position, {"refines": "#series", "property": "group-position"})
    book.add_metadata(None, "meta", str(meta.number), {"property": "schema:issueNumber"})


def _accessibility(book: epub.EpubBook, issue: Issue, paged: bool, placeholders: int) -> None:
    """What the book offers readers who use assistive technology — only what is true of this build.

    The conformance claim rests on EPUBCheck and DAISY Ace passing with no
    violation (both run in the test suite); the compiler certifies it. A proof
    that still holds stand-ins says so in the summary.
    """

    def meta(prop: str, value: str, **others: str) -> None:
        book.add_metadata(None, "meta", value, {"property": prop, **others})

    meta("schema:accessMode", "textual")
    if any(a.figures for a in issue.all_articles):
        meta("schema:accessMode", "visual")
    meta("schema:accessModeSufficient", "textual")
    features = ["tableOfContents", "readingOrder", "structuralNavigation", "alternativeText", "ARIA"]
    features.append("displayTransformability")
    if paged:
        features += ["pageNavigation", "pageBreakMarkers"]
    for feature in features:
        meta("schema:accessibilityFeature", feature)
    meta("schema:accessibilityHazard", "none")
    if paged:
        meta("pageBreakSource", f"《{issue.meta.magazine.name}》{issue.meta.label}印刷版")
    summary = (
        "本书为文字内容，按栏目编排，栏目、文章与各级标题均有结构化导航；"
        "字体、字号、行距与颜色可由读者自行调整；所有图片均有替代文字"
    )
    if paged:
        summary += "；每一印刷页的起点都有页码标记，与印刷版页码一致"
    summary += "。"
    if placeholders:
        summary += f"本版为校样，尚有{placeholders}处占位内容（图片与文字均标明“待补”），替代文字如实说明。"
    meta("schema:accessibilitySummary", summary)
    meta("dcterms:conformsTo", CONFORMS_TO)
    meta("a11y:certifiedBy", issue.meta.colophon.compiler)


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
