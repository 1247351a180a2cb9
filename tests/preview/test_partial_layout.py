"""The preview's one-栏目 re-layout gives the pages a full build gives; other edits lay the
issue out again and draw only what they can have changed. On the mini issue, with the first
article of 新视点 made long enough that the second starts on a later page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from qhgy_publish.preview.builder import DRAFT_NOTE, Builder

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini-issue"
SAMPLE_FILLER = Path(__file__).resolve().parents[2] / "content" / "2025-01" / "fillers" / "010-zhenggao.md"
ARTICLE = "articles/030-fengcai.md"  # the second article of 新视点
ARTICLE_ID = Path(ARTICLE).stem
EDIT = ("是全国唯一全面、系统介绍", "是全国唯一全面、系统、生动介绍")
LONGER = "\n\n".join(
    "会议指出，各级工会要坚持以职工为中心，围绕中心、服务大局，团结动员广大职工建功新时代。" * 3 for _ in range(14)
)


def _copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name / "mini"
    shutil.copytree(MINI, target)
    first = target / "articles" / "020-dongtai.md"
    first.write_text(first.read_text(encoding="utf-8") + "\n\n" + LONGER + "\n", encoding="utf-8")
    return target


def _edit(issue: Path) -> Path:
    path = issue / ARTICLE
    text = path.read_text(encoding="utf-8")
    assert EDIT[0] in text
    path.write_text(text.replace(*EDIT, 1), encoding="utf-8")
    return path


def test_one_column_relayout_equals_a_full_build(tmp_path: Path) -> None:
    issue = _copy(tmp_path, "a")
    builder = Builder(issue)
    builder.rebuild()
    assert builder.last_build == "full" and not builder.state.error
    before = [p.digest for p in builder.state.pages]

    builder.rebuild({_edit(issue)})
    assert builder.last_build == "partial", builder.state.error
    partial = builder.state.pages

    reference = Builder(_copy(tmp_path, "b"))
    _edit(reference.issue_dir)
    reference.rebuild()
    full = reference.state.pages

    assert [p.label for p in partial] == [p.label for p in full]
    # The same characters on every page. (Whitespace is left out: PDFium reads the
    # justification spacing of a loose line as spaces, and a few lines of the
    # one-栏目 layout are justified a hair differently.)
    assert [re.sub(r"\s+", "", p.text) for p in partial] == [re.sub(r"\s+", "", p.text) for p in full]
    changed = [i for i, (a, b) in enumerate(zip(before, [p.digest for p in partial], strict=True)) if a != b]
    assert changed and all(full[i].label.isdigit() for i in changed)  # only pages of that 栏目
    # Pages before the edited article's first page lay out as before and are not drawn again.
    start = next(a["page"] for c in builder.state.toc for a in c["articles"] if a["id"] == ARTICLE_ID)
    span = next(c for c in builder.layout.columns if start in c)
    assert span.start < start, "the edited article must not open its 栏目 for this check"
    assert set(changed) <= set(builder.last_redrawn) <= set(range(start, span.stop))


def test_other_changes_lay_out_the_whole_issue(tmp_path: Path) -> None:
    issue = _copy(tmp_path, "c")
    builder = Builder(issue)
    builder.rebuild()
    yaml_path = issue / "issue.yaml"
    yaml_path.write_text(
        yaml_path.read_text(encoding="utf-8").replace("print_run: 1700", "print_run: 1800"), encoding="utf-8"
    )
    builder.rebuild({yaml_path})
    assert builder.last_build == "full"
    pages = builder.state.pages
    changed = [i for i, p in enumerate(pages) if "1800册" in p.text]
    assert changed and set(changed) <= set(builder.last_redrawn)
    # issue.yaml holds text, not style: only the pages whose boxes changed are drawn again,
    # and every page is what a fresh preview draws.
    assert len(builder.last_redrawn) < len(pages) / 2
    assert_as_a_fresh_preview(pages, issue, tmp_path)



def test_a_title_edit_lays_out_again_and_draws_only_the_pages_that_moved(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A title edit changes the contents, so the whole issue is laid out (its untouched parts
    reused), but only pages whose boxes moved are drawn again: they equal a fresh preview's."""
    from qhgy_publish.render.makeup import cache

    monkeypatch.setattr(cache, "MAKEUP_CACHE", tmp_path / "cache")  # cold: the edit is not in it
    issue = tmp_path / "a" / "mini"
    shutil.copytree(MINI, issue)
    builder = Builder(issue)
    builder.rebuild()
    assert not builder.state.error
    article = issue / "articles" / "030-fengcai.md"
    text = article.read_text(encoding="utf-8")
    title = re.search(r"^title: *(.+)$", text, re.M)
    assert title
    article.write_text(text.replace(title.group(0), f"title: {title.group(1)}（续）", 1), encoding="utf-8")
    published: list[tuple[str, list[str]]] = []  # (note, labels of the pages with the new title)
    publish = builder._publish

    def recording(**changes):  # type: ignore[no-untyped-def]
        if "pages" in changes:
            titled = [p.label for p in changes["pages"] if "（续）" in p.text]  # type: ignore[attr-defined]
            published.append((str(changes.get("note", "")), titled))
        publish(**changes)

    builder._publish = recording  # type: ignore[method-assign]
    builder.rebuild({article})
    assert builder.last_build == "full" and not builder.state.error
    pages = builder.state.pages
    # First drafts: the contents with the new title (and the old folios), then the article's
    # 栏目 with its old make-up; then the make-up, with the title on the same pages.
    assert [note for note, _ in published] == [DRAFT_NOTE, DRAFT_NOTE, ""]
    assert published[0][1] == ["1"]
    assert published[1][1] == published[2][1] and len(published[1][1]) > 1

    assert_as_a_fresh_preview(pages, issue, tmp_path)
    contents = next(i for i, p in enumerate(pages) if p.label == "1")
    assert contents in builder.last_redrawn  # the contents print the new title
    assert 0 < len(builder.last_redrawn) < len(pages)  # the covers, at least, were not drawn again


def test_a_cold_start_shows_the_covers_before_the_rest_is_laid_out(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With no earlier build to show, 封一 and 封二 are laid out alone and drawn before anything
    else is laid out (the front with its contents, the 补白, the 栏目), as the whole layout
    then draws them."""
    from qhgy_publish.render import makeup
    from qhgy_publish.render.makeup import cache

    monkeypatch.setattr(cache, "MAKEUP_CACHE", tmp_path / "cache")  # cold: the 补白 measured too
    issue = _copy(tmp_path, "d")
    (issue / "fillers").mkdir()
    shutil.copy(SAMPLE_FILLER, issue / "fillers")
    builder = Builder(issue)
    published: list[list[tuple[str, str]]] = []
    publish = builder._publish
    laid: list[str] = []  # the parts laid out, in order
    lay_out_part = makeup.lay_out_part

    def recording(**changes):  # type: ignore[no-untyped-def]
        if "pages" in changes:
            published.append([(p.label, p.digest) for p in changes["pages"]])  # type: ignore[attr-defined]
            laid.append("drawn")
        publish(**changes)

    def noting(issue, part, *args, **options):  # type: ignore[no-untyped-def]
        laid.append(part)
        return lay_out_part(issue, part, *args, **options)

    builder._publish = recording  # type: ignore[method-assign]
    monkeypatch.setattr(makeup, "lay_out_part", noting)
    builder.rebuild()
    assert set(laid[: laid.index("drawn")]) == {"covers"}
    assert {"front", "fills", "column"} <= set(laid[laid.index("drawn") :])
    assert len(published) == 2
    assert [label for label, _ in published[0]] == ["封一", "封二"]
    assert len(published[1]) > 4 and published[1][:2] == published[0]  # the same pixels
    assert not builder.state.note  # the whole issue is in: no note left saying otherwise


def test_an_edit_inside_one_column_shows_before_its_make_up(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The edited 栏目 is drawn first as laid out with its old make-up (one layout), with a note
    that it is being corrected, then made up again; saved back as it was, its make-up is in the
    cache (one layout as well), so it is drawn once, made up."""
    from qhgy_publish.render.makeup import cache, parts

    monkeypatch.setattr(cache, "MAKEUP_CACHE", tmp_path / "cache")  # cold: this edit is not in it
    issue = _copy(tmp_path, "e")
    builder = Builder(issue)
    builder.rebuild()
    assert not builder.state.error
    published: list[tuple[str, bool]] = []  # (note, the edit on a page) per publish with pages
    publish = builder._publish

    def recording(**changes):  # type: ignore[no-untyped-def]
        if "pages" in changes:
            texts = [re.sub(r"\s+", "", p.text) for p in changes["pages"]]  # type: ignore[attr-defined]
            published.append((str(changes.get("note", "")), any(EDIT[1] in t for t in texts)))
        publish(**changes)

    builder._publish = recording  # type: ignore[method-assign]
    original = (issue / ARTICLE).read_text(encoding="utf-8")
    path = _edit(issue)
    builder.rebuild({path})
    assert builder.last_build == "partial", builder.state.error
    assert published == [(DRAFT_NOTE, True), ("", True)]
    assert not builder.state.note and not builder.state.building
    drafts = list(parts._drafts.values())
    whole = [d for d in drafts if not any(d is run for other in drafts for run in other.runs)]
    assert len(whole) == 1 and len(drafts) == 1 + len(whole[0].runs)  # the draft (and its runs), kept for the make-up …

    published.clear()
    path.write_text(original, encoding="utf-8")
    builder.rebuild({path})
    assert builder.last_build == "partial", builder.state.error
    assert published == [("", False)]
    assert not parts._drafts  # … until the next save: a session of saves holds no more layouts


def test_a_stylesheet_edit_shows_each_column_before_its_make_up(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A stylesheet edit makes every 栏目 up afresh; when the first make-up starts, every 栏目 is
    drawn, in the new style, as laid out with its old make-up, and the pages the make-up then
    draws equal a fresh preview's."""
    from qhgy_publish.render import makeup
    issue, css, builder = _built_with_own_stylesheet(tmp_path, "f", monkeypatch)
    published: list[tuple[str, list[str]]] = []  # (note, labels of the pages in the new style)
    events: list[str] = []  # "make-up" as a 栏目's make-up starts, "drawn" as pages are published
    publish, make_up_column = builder._publish, makeup.make_up_column

    def recording(**changes):  # type: ignore[no-untyped-def]
        if "pages" in changes:
            styled = [p.label for p in changes["pages"] if "样式甲" in re.sub(r"\s+", "", p.text)]  # type: ignore[attr-defined]
            published.append((str(changes.get("note", "")), styled))
            events.append("drawn")
        publish(**changes)

    def noting(*args, **options):  # type: ignore[no-untyped-def]
        events.append("make-up")
        return make_up_column(*args, **options)

    builder._publish = recording  # type: ignore[method-assign]
    monkeypatch.setattr(makeup, "make_up_column", noting)
    css.write_text(css.read_text(encoding="utf-8") + '\nem::after { content: "样式甲"; }\n', encoding="utf-8")
    builder.rebuild({css})
    assert builder.last_build == "full" and not builder.state.error
    notes = [note for note, _ in published]
    assert notes[-1] == "" and notes[:-1] and set(notes[:-1]) == {DRAFT_NOTE}
    columns = len(issue_columns(issue))
    assert events[: columns + 2] == ["make-up", *["drawn"] * columns, "make-up"]
    drafted = {label for _, labels in published[:-1] for label in labels}
    assert drafted and drafted <= set(published[-1][1])  # the new style shown before the make-up ended

    assert_as_a_fresh_preview(builder.state.pages, issue, tmp_path)


def test_a_stylesheet_edit_that_only_paints_draws_only_the_pages_it_paints(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A rule that changes how a box paints and not where it stands (a colour) draws again the
    pages where that box stands and no other, and every page is what a fresh preview draws
    (a page whose boxes stand still but paint otherwise is not left as it was)."""
    issue, css, builder = _built_with_own_stylesheet(tmp_path, "p", monkeypatch)
    before = [p.digest for p in builder.state.pages]
    assert builder.layout is not None
    painted = [i for i, page in enumerate(builder.layout.document.pages) if _holds(page, "em")]
    assert 0 < len(painted) < len(before) / 2, painted  # 020-dongtai.md's credit, and few others
    css.write_text(css.read_text(encoding="utf-8") + "\nem { color: device-cmyk(0 1 1 0); }\n", encoding="utf-8")
    builder.rebuild({css})
    assert builder.last_build == "full" and not builder.state.error
    assert builder.last_redrawn == painted
    assert [i for i, p in enumerate(builder.state.pages) if p.digest != before[i]] == painted  # they did change

    assert_as_a_fresh_preview(builder.state.pages, issue, tmp_path)


def _holds(page: object, tag: str) -> bool:
    """Whether a laid-out page has a box of a ``tag`` element."""
    stack = [page._page_box]  # type: ignore[attr-defined]
    while stack:
        box = stack.pop()
        box = getattr(box, "_box", box)  # an absolutely placed box's placeholder
        if box.element is not None and box.element.tag == tag:
            return True
        stack.extend(getattr(box, "children", ()))
    return False


def issue_columns(issue: Path) -> list[str]:
    """The 栏目 of the issue at ``issue``, as its issue.yaml lists them."""
    from qhgy_publish.load import load_issue

    return [c.name for c in load_issue(issue).columns]


def test_an_edit_that_adds_pages_shows_before_the_later_pages_move(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An edit that makes its 栏目 longer moves every later page: its 栏目 is drawn first, laid out
    once with its old make-up, with the later pages as they were after it (their images kept,
    their old folios still on them), then the issue is made up and equals a fresh preview."""
    from qhgy_publish.render.makeup import cache

    monkeypatch.setattr(cache, "MAKEUP_CACHE", tmp_path / "cache")  # cold: this edit is not in it
    issue = _copy(tmp_path, "g")
    builder = Builder(issue)
    builder.rebuild()
    assert not builder.state.error
    before = list(builder.state.pages)
    assert builder.layout is not None
    builder_start = builder.layout.columns[1].start
    published: list[tuple[str, list]] = []  # (note, pages) per publish with pages
    publish = builder._publish

    def recording(**changes):  # type: ignore[no-untyped-def]
        if "pages" in changes:
            published.append((str(changes.get("note", "")), list(changes["pages"])))  # type: ignore[call-overload]
        publish(**changes)

    builder._publish = recording  # type: ignore[method-assign]
    path = issue / "articles" / "010-heci.md"  # the first 栏目: 新视点 stands after it
    marker = "加页标记甲。"
    path.write_text(path.read_text(encoding="utf-8") + f"\n\n{marker}\n\n{LONGER}\n", encoding="utf-8")
    builder.rebuild({path})
    assert not builder.state.error
    assert [note for note, _ in published] == [DRAFT_NOTE, ""]
    draft = published[0][1]
    added = len(draft) - len(before)
    assert added > 0
    assert any(marker in re.sub(r"\s+", "", p.text) for p in draft)
    assert [p.index for p in draft] == list(range(len(draft)))
    # 新视点 and the back: the images they had, each moved down by the pages added.
    start = builder_start  # where 新视点 stood
    assert [p.digest for p in draft[start + added :]] == [p.digest for p in before[start:]]
    assert draft[-1].label == "封四" and draft[1].label == "封二"

    assert_as_a_fresh_preview(builder.state.pages, issue, tmp_path)


def test_a_stylesheet_edit_that_adds_pages_draws_every_column_before_its_make_up(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A stylesheet edit that makes 栏目 longer: each is drafted in the new style all the same,
    the pages after it moved along, before the make-up; the make-up's pages equal a fresh
    preview's."""
    issue, css, builder = _built_with_own_stylesheet(tmp_path, "h", monkeypatch)
    before = len(builder.state.pages)
    published: list[tuple[str, int, int]] = []  # (note, pages, pages with the new style's mark)
    publish = builder._publish

    def recording(**changes):  # type: ignore[no-untyped-def]
        if "pages" in changes:
            pages = changes["pages"]
            marked = sum("样式乙" in re.sub(r"\s+", "", p.text) for p in pages)  # type: ignore[attr-defined]
            published.append((str(changes.get("note", "")), len(pages), marked))  # type: ignore[arg-type]
        publish(**changes)

    builder._publish = recording  # type: ignore[method-assign]
    rules = '\n.column-band::after { content: "样式乙"; }\n.column p { line-height: 2.5 !important; }\n'
    css.write_text(css.read_text(encoding="utf-8") + rules, encoding="utf-8")
    builder.rebuild({css})
    assert not builder.state.error
    columns = len(issue_columns(issue))
    drafts = [(count, marked) for note, count, marked in published if note == DRAFT_NOTE]
    assert [marked for _, marked in drafts] == list(range(1, columns + 1))  # one 栏目 more each time
    assert drafts[-1][0] > before, (published, before)  # the 栏目 grew: the pages after each moved along
    assert published[-1][0] == "" and published[-1][2] == columns

    assert_as_a_fresh_preview(builder.state.pages, issue, tmp_path)


def _built_with_own_stylesheet(tmp_path: Path, name: str, monkeypatch) -> tuple[Path, Path, Builder]:  # type: ignore[no-untyped-def]
    """A copy of the mini issue with its own print stylesheet to edit, previewed once, with an
    empty make-up cache (cold: a new style is in no cache)."""
    from qhgy_publish.render.makeup import cache

    monkeypatch.setattr(cache, "MAKEUP_CACHE", tmp_path / "cache")
    issue = _copy(tmp_path, name)
    css = own_stylesheet(issue)
    builder = Builder(issue)
    builder.rebuild()
    assert not builder.state.error
    return issue, css, builder


def own_stylesheet(issue: Path) -> Path:
    """The issue's own copy of the print stylesheet (layouts/print/magazine.css), to edit."""
    from qhgy_publish.paths import LAYOUTS_DIR

    css = issue / "layouts" / "print" / "magazine.css"
    css.parent.mkdir(parents=True)
    shutil.copy(LAYOUTS_DIR / "print" / "magazine.css", css)
    return css


def assert_as_a_fresh_preview(pages: list, issue: Path, tmp_path: Path) -> None:
    """``pages`` are, page by page (label, pixels, text), what a fresh preview of ``issue`` draws."""
    reference = tmp_path / "fresh" / "mini"
    shutil.copytree(issue, reference)
    fresh = Builder(reference)
    fresh.rebuild()
    assert [(p.label, p.digest, p.text) for p in pages] == [(p.label, p.digest, p.text) for p in fresh.state.pages]


def test_the_whole_issue_make_up_says_which_column_it_has_come_to(tmp_path: Path) -> None:
    """Each 栏目's turn in the whole issue's make-up is published while the build runs, in order,
    and nothing is left of it once the build is done."""
    issue = tmp_path / "mini"
    shutil.copytree(MINI, issue)
    builder = Builder(issue)
    said: list[tuple[str, bool]] = []
    publish = builder._publish

    def recording(**changes):  # type: ignore[no-untyped-def]
        if "progress" in changes:
            said.append((changes["progress"], builder.state.building))
        publish(**changes)

    builder._publish = recording  # type: ignore[method-assign]
    builder.rebuild()
    assert not builder.state.error
    names = [c.name for c in builder.state.issue.columns]  # type: ignore[union-attr]
    assert len(names) >= 2
    assert said == [(f"第 {i}/{len(names)} 栏 · {name}", True) for i, name in enumerate(names, 1)]
    assert builder.state.progress == "" and builder.state.as_json()["progress"] == ""
