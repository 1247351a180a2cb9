"""The glyph check's character maps: read by fontconfig (fc-query, milliseconds a face), equal to
what fontTools reads from the same face, and read by fontTools where fc-query cannot run."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import fontTools.ttLib
import pytest
from fontTools.ttLib import TTFont

from qhgy_publish.check.glyphs import _charset_points, _read_cmap
from qhgy_publish.fonts import font_roles

FACES = sorted({(role.file, role.index) for role in font_roles().values()})


@pytest.mark.parametrize(("path", "index"), FACES, ids=[f"{p.name}#{i}" for p, i in FACES])
def test_fontconfig_reads_the_characters_fonttools_reads(path: Path, index: int, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    expected = frozenset(TTFont(path, fontNumber=index, lazy=True).getBestCmap())
    listed = subprocess.run(
        ["fc-query", "--index", str(index), "--format", "%{charset}", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout
    assert frozenset(_charset_points(listed)) == expected
    assert 0x4E2D in expected  # 中: a CJK face, thousands of characters

    def unread(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("fontTools read the face although fc-query is installed")

    monkeypatch.setattr(fontTools.ttLib, "TTFont", unread)
    assert _read_cmap(path, index) == expected


def test_without_fc_query_fonttools_reads_the_face(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path, index = FACES[0]
    assert shutil.which("fc-query")
    monkeypatch.setenv("PATH", str(tmp_path))  # no fc-query on it
    assert shutil.which("fc-query") is None
    assert _read_cmap(path, index) == frozenset(TTFont(path, fontNumber=index, lazy=True).getBestCmap())


def test_fontconfig_charset_ranges_are_read_whole() -> None:
    assert list(_charset_points("20-22 a0\n4e00-4e01 ")) == [0x20, 0x21, 0x22, 0xA0, 0x4E00, 0x4E01]
