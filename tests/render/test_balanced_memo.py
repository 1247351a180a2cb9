"""The column sets' balanced heights kept between processes (render/balanced_memo.py): a build
finds those of the build before it and tries each set once at its height, laying out what a
build without them lays out; the file is the code's own; a file that cannot be read costs
nothing but trials; the faces' identity the heights are keyed by is the same in every process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qhgy_publish.load import load_issue
from qhgy_publish.paths import layout_file
from qhgy_publish.render import balanced_memo, weasy, weasy_columns
from qhgy_publish.render.makeup import cache, parts

from .test_makeup_cache import _make_up

SRC = Path(__file__).resolve().parents[2] / "src"


def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a new process has in memory: no heights, no parts of a build before."""
    monkeypatch.setattr(weasy_columns, "BALANCED", {})
    parts.start_build(None)


def test_a_build_tries_the_heights_the_build_before_found_and_lays_out_the_same(
    issue_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QHGY_HELPER", "0")
    _new_process(monkeypatch)
    first = _make_up(issue_dir, monkeypatch, cached=True)
    found = json.loads(balanced_memo.memo_file(cache.MAKEUP_CACHE / "balanced").read_text(encoding="utf-8"))
    assert found and found.items() <= weasy_columns.BALANCED.items()
    # The next build, its make-ups forgotten (it lays every 栏目 out again), the heights kept
    for entry in cache.MAKEUP_CACHE.glob("*.pickle"):
        entry.unlink()
    _new_process(monkeypatch)
    hits, searched = weasy_columns.STATS["memo hit"], weasy_columns.STATS["memo stored"]
    again = _make_up(issue_dir, monkeypatch, cached=True)
    assert weasy_columns.STATS["memo stored"] == searched  # no set balanced by a search
    assert weasy_columns.STATS["memo hit"] - hits >= len(found)
    _new_process(monkeypatch)
    plain = _make_up(issue_dir, monkeypatch, cached=False)  # no cache: no heights read
    assert weasy_columns.STATS["memo stored"] > searched
    assert again[1:] == plain[1:] == first[1:]


def test_heights_kept_by_other_code_are_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A set's key names its boxes, not the code that lays them out nor the HarfBuzz that shapes
    their text: the file is theirs."""
    monkeypatch.setattr(weasy_columns, "BALANCED", {"a set": 120.5})
    balanced_memo.start(tmp_path)
    balanced_memo.keep()
    kept = balanced_memo.memo_file(tmp_path)
    assert json.loads(kept.read_text(encoding="utf-8")) == {"a set": 120.5}
    monkeypatch.setattr(balanced_memo.harfbuzz, "version", lambda: "99.0.0")  # another shaper
    balanced_memo._versions.cache_clear()
    try:
        assert balanced_memo.memo_file(tmp_path) != kept
    finally:
        monkeypatch.undo()
        monkeypatch.setattr(weasy_columns, "BALANCED", {"a set": 120.5})
        balanced_memo._versions.cache_clear()
    assert balanced_memo.memo_file(tmp_path) == kept
    monkeypatch.setattr(balanced_memo, "code_digest", lambda: b"the code, edited")
    balanced_memo._versions.cache_clear()
    try:
        assert balanced_memo.memo_file(tmp_path) != kept
        monkeypatch.setattr(weasy_columns, "BALANCED", {})
        balanced_memo.start(tmp_path)
        assert weasy_columns.BALANCED == {}
    finally:
        balanced_memo._versions.cache_clear()
        balanced_memo.start(None)


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"a set": "tall", "another": true}'])
def test_a_file_that_cannot_be_read_is_no_height_and_is_written_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str
) -> None:
    path = balanced_memo.memo_file(tmp_path)
    path.write_text(content, encoding="utf-8")
    monkeypatch.setattr(weasy_columns, "BALANCED", {})
    try:
        balanced_memo.start(tmp_path)
        assert weasy_columns.BALANCED == {}
        weasy_columns.BALANCED["found here"] = 80.0
        balanced_memo.keep()
        assert json.loads(path.read_text(encoding="utf-8")) == {"found here": 80.0}
    finally:
        balanced_memo.start(None)


def test_heights_another_process_kept_are_taken_in_when_the_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build takes in what the helper kept since (refresh, before each layout); its own
    heights stand, and a file not written again is not read again."""
    monkeypatch.setattr(weasy_columns, "BALANCED", {"mine": 1.0})
    try:
        balanced_memo.start(tmp_path)  # no file yet
        path = balanced_memo.memo_file(tmp_path)
        path.write_text(json.dumps({"mine": 2.0, "the helper's": 3.0}), encoding="utf-8")
        balanced_memo.refresh()
        assert weasy_columns.BALANCED == {"mine": 1.0, "the helper's": 3.0}
        del weasy_columns.BALANCED["the helper's"]
        balanced_memo.refresh()  # the same file: not read again
        assert weasy_columns.BALANCED == {"mine": 1.0}
        balanced_memo.start(None)
        path.write_text(json.dumps({"later": 4.0}), encoding="utf-8")
        balanced_memo.refresh()  # not in use: nothing read
        assert "later" not in weasy_columns.BALANCED
    finally:
        balanced_memo.start(None)


IDENTITY = """
import json, sys
from pathlib import Path
from types import SimpleNamespace
from qhgy_publish.load import load_issue
from qhgy_publish.render import weasy, weasy_columns
for _ in range(3):  # font configurations made before in this process
    weasy_columns._fonts_token(SimpleNamespace())
weasy.render_html(load_issue(Path(sys.argv[1])), "<p>青海工运</p>")
print(json.dumps(weasy_columns._fonts_token(weasy._styles.font_config)))
"""


def test_the_faces_identity_is_the_same_in_another_process_and_follows_the_stylesheets(
    issue_dir: Path, tmp_path: Path
) -> None:
    """The heights are keyed by the faces the layout measured with (weasy_columns._fonts_token):
    the build's font configuration carries their identity, the same in a process that made
    other configurations before (a number of the process's own would never match another's);
    the stylesheets may load faces of their own."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, "-c", IDENTITY, str(issue_dir)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    weasy.render_html(load_issue(issue_dir), "<p>青海工运</p>")
    here = weasy_columns._fonts_token(weasy._styles.font_config)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == here
    sheets = [layout_file(f"print/{name}", issue_dir) for name in weasy.PRINT_CSS]
    edited = tmp_path / "magazine.css"
    edited.write_bytes(sheets[1].read_bytes() + b"\n@font-face { font-family: x; src: url(x.otf) }\n")
    assert weasy._fonts_identity([sheets[0], edited, *sheets[2:]]) != weasy._fonts_identity(sheets)
