"""The EPUB's font subsets (render/epub_fonts.py, render/harfbuzz.py): HarfBuzz cuts each role's face
as fontTools did (the same characters, layout features, names and .notdef outline), and fontTools
still cuts them where HarfBuzz-subset is missing."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from qhgy_publish.fonts import face_file, font_roles
from qhgy_publish.render import epub_fonts, harfbuzz

# Han, kana-free punctuation, Latin and digits, as a role sets them.
TEXT = "青海工运坚持以职工为中心，推动产业工人队伍建设改革。“2025年”（第1期）：Qinghai fi ffi"


def _features(font: TTFont) -> dict[str, set[str]]:
    return {
        table: {record.FeatureTag for record in font[table].table.FeatureList.FeatureRecord}
        for table in ("GSUB", "GPOS")
        if table in font
    }


def _read(data: bytes) -> TTFont:
    return TTFont(BytesIO(data))


@pytest.mark.parametrize("role", sorted(font_roles()))
def test_harfbuzz_cuts_each_face_as_fonttools_does(role: str) -> None:
    face = face_file(font_roles()[role])
    chars = "".join(sorted(set(TEXT)))
    assert harfbuzz.subsetter() is not None  # make setup installs HarfBuzz-subset
    made = harfbuzz.subset_to_characters(face, chars)
    assert made is not None and made[:4] in (b"OTTO", b"\x00\x01\x00\x00")
    ours, theirs = _read(made), _read(epub_fonts._fonttools_subset(face, chars))
    full = TTFont(face, lazy=True)
    assert set(ours.getBestCmap()) == set(theirs.getBestCmap()) == {ord(c) for c in chars if ord(c) in full.getBestCmap()}
    assert _features(ours) == _features(theirs) and _features(ours)  # every feature of the face, halt and vert among them
    assert {(n.nameID, n.langID) for n in ours["name"].names} == {(n.nameID, n.langID) for n in theirs["name"].names}
    assert _outline_points(ours.getGlyphSet()[".notdef"]) > 0  # the .notdef box is drawn, not empty
    assert len(ours.getGlyphOrder()) <= len(theirs.getGlyphOrder()) + 8  # a subset, not the face


def _outline_points(glyph) -> int:  # type: ignore[no-untyped-def]
    from fontTools.pens.recordingPen import RecordingPen

    pen = RecordingPen()
    glyph.draw(pen)
    return len(pen.value)


def test_fonttools_cuts_them_where_harfbuzz_subset_is_missing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(epub_fonts, "CACHE", tmp_path)
    monkeypatch.setattr(epub_fonts, "subsetter", lambda: None)
    monkeypatch.setattr(epub_fonts, "subset_to_characters", lambda face, chars: None)
    role = "kai"
    face = face_file(font_roles()[role])
    made = epub_fonts.subset_texts({role: TEXT}, {role: face})[role]
    assert set(_read(made).getBestCmap()) >= {ord(c) for c in "青海工运"}
    assert [p.name.split("-")[0] for p in tmp_path.glob("*.otf")] == [role]  # kept for the next build
