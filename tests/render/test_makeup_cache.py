"""The make-up cache (render/makeup/cache.py) never serves a stale make-up: after an edit to an
article, a 补白 or a stylesheet, a build that uses the cache lays out exactly what a build without
it lays out, and a 栏目 the edit did not touch comes from the cache; code, fonts and images move
every key. (issue.yaml and the words reach the key through each 栏目's HTML and model.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from weasyprint.formatting_structure import boxes

from qhgy_publish.load import load_issue
from qhgy_publish.render.makeup import cache, make_up
from qhgy_publish.transforms import apply_transforms


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


def test_the_build_key_changes_with_code_fonts_and_images(
    issue_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    issue = load_issue(issue_dir)
    code = tmp_path / "code"
    shutil.copytree(Path(cache.__file__).parent, code)
    monkeypatch.setattr(cache, "PACKAGE", code)
    keys = [cache.build_key(issue)]
    (code / "rules.py").write_text((code / "rules.py").read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    keys.append(cache.build_key(issue))
    image = issue_dir / "images" / "cover.png"
    image.write_bytes(image.read_bytes() + b"\0")
    keys.append(cache.build_key(issue))
    fonts = tmp_path / "fonts"
    shutil.copytree(cache.FONTS_DIR, fonts)
    monkeypatch.setattr(cache, "FONTS_DIR", fonts)
    keys.append(cache.build_key(issue))  # the same files elsewhere: the key names the paths
    (fonts / "roles.toml").write_text((fonts / "roles.toml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    keys.append(cache.build_key(issue))
    assert len(set(keys)) == len(keys)
    assert cache.build_key(issue) == keys[-1]  # and nothing else moves it


def test_a_broken_or_half_written_entry_is_a_miss(issue_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _make_up(issue_dir, monkeypatch, cached=True)
    entries = sorted(cache.MAKEUP_CACHE.glob("*.pickle"))
    assert entries and all(cache.load(e.stem) is not None for e in entries)
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:20])
    assert all(cache.load(e.stem) is None for e in entries)
