"""The EPUB's cover (render/epub_cover.py) is drawn while the make-up goes on, from 封一 as the
make-up first lays it out alone, and is the cover a drawing of the finished issue gives (issue 19:
it was drawn after the PDF writers, on the build's last stretch). When the make-up hands the
covers over: tests/render/test_makeup_ahead.py."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from qhgy_publish import pipeline
from qhgy_publish.render import epub_cover, makeup, print_pdf
from qhgy_publish.render.makeup import cache


def _cover(epub: Path) -> bytes:
    with zipfile.ZipFile(epub) as book:
        return book.read("EPUB/images/cover.jpg")


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """What the build does, in order: the covers drawn (with their page count), 栏目 made up, the
    PDF writers started."""
    monkeypatch.setattr(cache, "MAKEUP_CACHE", tmp_path / "cache")  # nothing known: a cold build
    monkeypatch.setenv("QHGY_MAKEUP_CACHE", "1")
    events: list[str] = []
    start, column = epub_cover.start_cover, makeup.make_up_column

    def start_cover(document, *args):  # type: ignore[no-untyped-def]
        events.append(f"cover drawn from {len(document.pages)} pages")
        return start(document, *args)

    def make_up_column(issue, index, *args, **kwargs):  # type: ignore[no-untyped-def]
        events.append(f"栏目 {index}")
        return column(issue, index, *args, **kwargs)

    writing = print_pdf.writing_both_pdfs

    def writing_both_pdfs(*args, **kwargs):  # type: ignore[no-untyped-def]
        events.append("writers")
        return writing(*args, **kwargs)

    monkeypatch.setattr(epub_cover, "start_cover", start_cover)
    monkeypatch.setattr(makeup, "make_up_column", make_up_column)
    monkeypatch.setattr(print_pdf, "writing_both_pdfs", writing_both_pdfs)
    return events


def test_a_cold_build_draws_the_cover_during_the_make_up(mini_issue: Path, tmp_path: Path, recorded: list[str]) -> None:
    result = pipeline.build_issue(mini_issue, tmp_path / "out")
    drawn = [event for event in recorded if event.startswith("cover")]
    assert drawn == ["cover drawn from 3 pages"]  # 封一, 封二 and the empty contents page
    assert recorded.index(drawn[0]) < recorded.index("writers")
    epub = pipeline.output_path(tmp_path / "out", result.issue, "epub")
    layout = result.layout
    assert layout is not None and layout.document is not None
    assert _cover(epub) == epub_cover.cover_jpeg(layout.document)  # the finished issue's 封一
    # A warm build (封二's fit known) lays the covers out with the front only: drawn from there.
    recorded.clear()
    again = pipeline.build_issue(mini_issue, tmp_path / "again")
    assert not any(event.startswith("cover drawn from 3") for event in recorded)
    assert _cover(pipeline.output_path(tmp_path / "again", again.issue, "epub")) == _cover(epub)
