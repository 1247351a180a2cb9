"""The make-up cache (render/makeup/cache.py) never serves a stale make-up: after an edit to an
article, a 补白 or a stylesheet, a build that uses the cache lays out exactly what a build without
it lays out, and a 栏目 the edit did not touch comes from the cache; code and fonts move every key,
a picture the keys of the 栏目 that show it. (issue.yaml and the words reach the key through each 栏目's HTML and model.)"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from weasyprint.formatting_structure import boxes

from qhgy_publish.load import load_issue
from qhgy_publish.render.makeup import cache, make_up
from qhgy_publish.render.makeup.measure import shape
from qhgy_publish.render.makeup.parts import part_html
from qhgy_publish.transforms import apply_transforms

from .conftest import FIXTURES

SESSION_MAKEUPS = cache.MAKEUP_CACHE  # the checkout's, before the tests' own (see conftest.issue_dir)


@pytest.fixture(autouse=True)
def _no_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    """No helper here (render/makeup/ahead.py): on an idle core it would make later 栏目 up into
    the cache meanwhile and the build would take them from there, where these tests count what
    the cache held before the build (the helper's tests, test_makeup_ahead.py, start it)."""
    monkeypatch.setenv("QHGY_HELPER", "0")


def _pages(document) -> list[list[tuple[str, float, float]]]:  # type: ignore[no-untyped-def]
    """Every piece of text on every page, where it stands."""
    return [
        [
            (box.text, round(box.position_x, 3), round(box.position_y, 3))
            for box in page._page_box.descendants()
            if isinstance(box, boxes.TextBox)
        ]
        for page in document.pages
    ]


def _make_up(root: Path, monkeypatch: pytest.MonkeyPatch, *, cached: bool):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QHGY_MAKEUP_CACHE", "1" if cached else "0")
    made = make_up(apply_transforms(load_issue(root)))
    return made, _pages(made.document), made.report.as_dict(), made.folios


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _assert_same_as_cold(root: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    warm = _make_up(root, monkeypatch, cached=True)
    cold = _make_up(root, monkeypatch, cached=False)
    assert warm[1:] == cold[1:]
    return warm[0]


def test_an_article_edit_makes_up_its_column_again_and_takes_the_other_from_the_cache(
    issue_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, *_ = _make_up(issue_dir, monkeypatch, cached=True)
    assert [c.decisions for c in first.report.columns] == [None, None]  # an empty cache: all made up
    _edit(issue_dir / "articles" / "020-dongtai.md", "研究部署全年工作。", "研究部署全年工作，听取各部门的汇报。" * 6)
    made = _assert_same_as_cold(issue_dir, monkeypatch)
    edited = next(c for c in made.report.columns if c.name == "新视点")
    other = next(c for c in made.report.columns if c.name != "新视点")
    assert edited.decisions is None and other.decisions is not None


def test_a_copy_of_the_issue_elsewhere_takes_every_make_up_from_the_cache(
    issue_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The keys name the issue's folder by a stand-in: the same issue in another folder (its
    pictures' times kept, as a copy keeps them) lays out what a cold build of it lays out, each
    栏目 from the make-up the original made (their HTML names their pictures by file URL)."""
    _make_up(issue_dir, monkeypatch, cached=True)
    copy = tmp_path / "elsewhere" / "renamed"
    shutil.copytree(issue_dir, copy)
    made = _assert_same_as_cold(copy, monkeypatch)
    assert all(c.decisions is not None for c in made.report.columns)
    picture = copy / "images" / "cover.png"  # 封一's photo and 新视点's (030-fengcai)
    with Image.open(picture) as image:  # another picture under the same name
        image.convert("RGB").transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(picture)
    again = _assert_same_as_cold(copy, monkeypatch)
    decided = {c.name: c.decisions is not None for c in again.report.columns}
    assert decided == {"学习强国": True, "新视点": False}  # only the 栏目 that shows it made up again


def test_edits_to_a_filler_and_a_stylesheet_give_what_a_cold_build_gives(
    issue_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _make_up(issue_dir, monkeypatch, cached=True)
    _edit(issue_dir / "fillers" / "010-zhenggao.md", "欢迎全省各级工会组织", "热烈欢迎全省各级工会组织和职工朋友")
    _assert_same_as_cold(issue_dir, monkeypatch)
    css = issue_dir / "layouts" / "print" / "magazine.css"
    css.parent.mkdir(parents=True)
    shipped = Path(__file__).resolve().parents[2] / "layouts" / "print" / "magazine.css"
    css.write_text(shipped.read_text(encoding="utf-8") + "\n.article-body p { letter-spacing: 0.1em; }\n", encoding="utf-8")
    made = _assert_same_as_cold(issue_dir, monkeypatch)
    assert all(c.decisions is None for c in made.report.columns)  # a new stylesheet: nothing reused


def test_the_build_key_changes_with_code_fonts_and_harfbuzz_and_a_columns_key_with_its_pictures(
    issue_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    issue = load_issue(issue_dir)
    code = tmp_path / "code"
    shutil.copytree(Path(cache.__file__).parent, code)
    monkeypatch.setattr(cache, "PACKAGE", code)
    keys = [cache.build_key(issue)]
    (code / "rules.py").write_text((code / "rules.py").read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    keys.append(cache.build_key(issue))
    fonts = tmp_path / "fonts"
    shutil.copytree(cache.FONTS_DIR, fonts)
    monkeypatch.setattr(cache, "FONTS_DIR", fonts)
    keys.append(cache.build_key(issue))  # the same files elsewhere: the key names the paths
    (fonts / "roles.toml").write_text((fonts / "roles.toml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    keys.append(cache.build_key(issue))
    with monkeypatch.context() as patch:
        patch.setattr(cache, "harfbuzz_version", lambda: "99.0.0")  # another HarfBuzz shapes the lines
        other_harfbuzz = cache.build_key(issue)
    assert len(set(keys)) == len(keys) and other_harfbuzz not in keys

    def column_keys() -> list[str]:
        issue = apply_transforms(load_issue(issue_dir))
        return [
            cache.column_key(keys[-1], issue, index, 3, part_html(issue, "column", index=index, first_folio=3), [], {}, 0.3, "")
            for index in (1, 2)
        ]

    before = column_keys()
    picture = issue_dir / "images" / "cover.png"  # 新视点 shows it (030-fengcai), 学习强国 not
    with Image.open(picture) as image:  # another picture under the same name
        image.convert("RGB").transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(picture)
    after = column_keys()
    assert before[0] == after[0] and before[1] != after[1]
    assert cache.build_key(issue) == keys[-1]  # a picture moves only the keys of what shows it


def test_a_broken_or_half_written_entry_is_a_miss(issue_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _make_up(issue_dir, monkeypatch, cached=True)
    entries = sorted(cache.MAKEUP_CACHE.glob("*.pickle"))

    def readable(key: str) -> bool:  # a 栏目's make-up, 封二's fit step, the front's pages, a 栏目 seen,
        front = cache._read(key)  # the 补白's heights
        is_front = isinstance(front, tuple) and front[0] == "front" and isinstance(front[1], int)
        found = (cache.load(key), cache.load_fit(key), cache.load_heights(key))
        return any(f is not None for f in found) or cache.seen(key) or is_front

    assert entries and all(readable(e.stem) for e in entries)
    for entry in entries:
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2])
    assert not any(readable(e.stem) for e in entries)


PARAGRAPH = "\n\n各级工会要把学习宣传贯彻党的二十届三中全会精神作为首要政治任务，推动全会精神在职工群众中落地生根。" * 12



def _laid_out(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The id of each 栏目 WeasyPrint lays out from now on, "front" for each layout of the front
    and "covers" for each of 封一 and 封二 alone (the real layouts, counted)."""
    import re

    from qhgy_publish.render.makeup import parts

    names: list[str] = []
    original = parts.render_html

    def render_html(issue, html):  # type: ignore[no-untyped-def]
        names.extend(re.findall(r'<section class="column" id="(column-\d+)"', html))
        if 'id="contents"></section>' in html:
            names.append("covers")
        elif 'id="contents"' in html:
            names.append("front")
        return original(issue, html)

    monkeypatch.setattr(parts, "render_html", render_html)
    return names


def _grow(article: Path, issue_dir: Path, monkeypatch: pytest.MonkeyPatch, column: int, folio: int) -> None:
    """Lengthen ``article`` until the 栏目 ``column`` (0-based) starts on ``folio``."""
    for _ in range(20):
        if _make_up(issue_dir, monkeypatch, cached=False)[0].report.columns[column].first_folio == folio:
            return
        article.write_text(article.read_text(encoding="utf-8") + PARAGRAPH[: len(PARAGRAPH) // 3], encoding="utf-8")
    raise AssertionError(f"{article.name} never moved 栏目 {column + 1} to p.{folio}")


@pytest.mark.parametrize("pages", [1, 2])
def test_a_column_an_edit_moved_is_laid_out_once_as_it_was_made_up(
    issue_dir: Path, monkeypatch: pytest.MonkeyPatch, pages: int
) -> None:
    """An edit in the first 栏目 moves the second by one page (to the other side) or by two: the
    second is not made up again but laid out once with the make-up it had, and the build equals a
    cold one."""
    from qhgy_publish.render import makeup

    # Saving pages for the multiple of 4 makes 栏目 up again with other parameters (their own
    # entries); kept out, so that what is counted is the moved 栏目's make-up alone.
    monkeypatch.setattr(makeup, "SAVE_PAGE_AT", 4)
    first, *_ = _make_up(issue_dir, monkeypatch, cached=True)
    before = first.report.columns[1]
    assert before.passes > 1  # its make-up took more than one layout
    _grow(issue_dir / "articles" / "010-heci.md", issue_dir, monkeypatch, 1, before.first_folio + pages)
    layouts = _laid_out(monkeypatch)
    warm, *_ = _make_up(issue_dir, monkeypatch, cached=True)
    assert layouts.count("column-2") == 1
    moved = warm.report.columns[1]
    assert moved.first_folio == before.first_folio + pages
    assert (moved.plan, moved.actions, moved.passes) == (before.plan, before.actions, before.passes)
    _assert_same_as_cold(issue_dir, monkeypatch)


def test_a_moved_make_up_is_not_used_when_its_layout_comes_out_otherwise(
    issue_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The make-up of a moved 栏目 is checked against its layout where it starts now: one whose
    texts stand elsewhere (here: the recorded shape spoilt in every entry) is made up afresh."""
    first, *_ = _make_up(issue_dir, monkeypatch, cached=True)
    before = first.report.columns[1]
    spoilt = 0
    for entry in cache.MAKEUP_CACHE.glob("*.pickle"):
        if (found := cache.load(entry.stem)) is not None:  # (封二's fit step is kept there too)
            cache.store(entry.stem, replace(found, shape="another layout"))
            spoilt += 1
    assert spoilt >= 2
    _grow(issue_dir / "articles" / "010-heci.md", issue_dir, monkeypatch, 1, before.first_folio + 1)
    made = _assert_same_as_cold(issue_dir, monkeypatch)
    assert made.report.columns[1].decisions is None  # made up afresh


@pytest.mark.parametrize(
    ("issue", "column"), [("content/2025-01", "新视点"), ("tests/fixtures/2025-06", "市州动态")]
)
def test_a_make_up_decides_the_same_wherever_its_column_starts(
    issue: str, column: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the moved make-ups rest on: the make-up of a 栏目 (cache off) started one page and two
    pages later decides the same and lays every text out where it stood, on both issues (the
    test issue's 栏目 whose make-up takes the most layouts)."""
    from qhgy_publish.render import makeup

    monkeypatch.setattr(makeup, "_build_key", None)  # no cache: every make-up made
    root = Path(__file__).resolve().parents[2] / issue
    built = apply_transforms(load_issue(root))
    heights = makeup.fill_heights(built)
    index = next(i for i, c in enumerate(built.columns, 1) if c.name == column)

    def decided(folio: int):  # type: ignore[no-untyped-def]
        made = makeup.make_up_column(built, index, folio, list(built.fillers), heights)
        return made.plan, made.actions, made.unfilled, made.loose, made.passes, made.page_count, shape(made.part.pages)

    at = [decided(folio) for folio in (11, 12, 13)]
    assert at[0][4] > 1  # corrections were made
    assert at[0] == at[1] == at[2]



def test_the_front_is_laid_out_from_the_step_that_fits_its_inside_cover(
    issue_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """封二 set a step smaller to fit its page: the step is found once, on 封一 and 封二 alone (two
    layouts of them), then the front, the contents with their folios and the next build's front
    start from it, taking the front's page count from the last build; the pages are a cold
    build's."""
    sample = Path(__file__).resolve().parents[2] / "content" / "2025-01" / "articles" / "000-yuandan-xianci.md"
    shutil.copy(sample, issue_dir / "articles")
    layouts = _laid_out(monkeypatch)
    first, *_ = _make_up(issue_dir, monkeypatch, cached=True)
    assert any("封二 set 1 step" in w for w in first.warnings)
    assert layouts.count("covers") == 2  # step 0 overflows, step 1 fits
    assert layouts.count("front") == 2  # at step 1: with placeholder folios, then with the folios
    _edit(issue_dir / "articles" / "030-fengcai.md", "劳模先进风采", "劳模工匠先进风采")  # the contents change
    layouts.clear()
    made = _assert_same_as_cold(issue_dir, monkeypatch)
    assert any("封二 set 1 step" in w for w in made.warnings)
    # the warm build's one (its page count known: the folios at once), then the cold build's two
    assert layouts.count("front") == 1 + 2
    assert layouts.count("covers") == 2  # the cold build's


@pytest.mark.parametrize("which", ["mini", "2025-06"])
def test_a_wrong_front_page_count_in_the_cache_is_found_and_the_front_laid_out_first(
    which: str, issue_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """The front's page count kept from the last build is checked against the final front: a
    wrong one (a contents page more) makes the build lay the front out first, as a cold build
    does, and keeps the right count. On the mini issue and on the test issue (a contents of
    its own length)."""
    from qhgy_publish.render import makeup
    from qhgy_publish.render.makeup import parts

    root = issue_dir
    if which != "mini":
        root = tmp_path / which
        shutil.copytree(FIXTURES / which, root)
        # The make-ups the session's build of the test issue left in the checkout's cache: a
        # copy, which this test may spoil (the first build here lays each 栏目 out once).
        request.getfixturevalue("second")
        shutil.copytree(SESSION_MAKEUPS, cache.MAKEUP_CACHE, ignore=shutil.ignore_patterns(".*"), dirs_exist_ok=True)
    before = _make_up(root, monkeypatch, cached=True)  # the mini issue: an empty cache, a cold make-up
    first = before[0]
    issue = apply_transforms(load_issue(root))
    fit = makeup._fit_key(issue)
    right = cache.load_front(fit)
    assert right == len(first.parts[0].pages)
    cache.store_front(fit, right + 1)
    parts.start_build(None)  # a new process: no part of the first build to reuse
    layouts = _laid_out(monkeypatch)
    warm = _make_up(root, monkeypatch, cached=True)
    # the contents at the wrong count, then, starting again, the placeholder front and the contents
    assert layouts.count("front") == 3
    assert cache.load_front(fit) == right
    assert warm[1:] == before[1:]
