"""The two PDF writers' font subsets made once (render/shared_subsets.py): a writer that finds a
face's subset for the same glyphs in the build's folder takes it and subsets nothing, and its
fonts are those it writes when it subsets the faces itself; other glyphs are subset anew."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pikepdf
import pytest
from weasyprint.pdf.fonts import Font

from qhgy_publish.pipeline import prepare
from qhgy_publish.render.pdf_finish import stamp_dates
from qhgy_publish.render.print_pdf import layout
from qhgy_publish.render.screen_pdf import SCREEN_WRITE_OPTIONS
from qhgy_publish.render.shared_subsets import subsets_shared

MINI_ISSUE = Path(__file__).resolve().parents[1] / "fixtures" / "mini-issue"


def _write(document, pages, counted: list[int], shared: Path | None) -> dict[str, tuple[bytes, bytes, bytes]]:  # type: ignore[no-untyped-def]
    """The fonts (program, descriptor, /W) of a fresh copy of ``pages`` written as the screen PDF
    (a Document gathers glyphs as it writes)."""
    before = counted[0]
    if shared is None:
        data = document.copy(pages).write_pdf(**SCREEN_WRITE_OPTIONS)
    else:
        with subsets_shared(shared):
            data = document.copy(pages).write_pdf(**SCREEN_WRITE_OPTIONS)
    counted.append(counted[0] - before)
    fonts = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for font in page.obj.Resources.get("/Font", {}).values():
                cid = font.DescendantFonts[0]
                descriptor = cid.FontDescriptor
                program = descriptor.get("/FontFile3") or descriptor.FontFile2
                fonts[str(font.BaseFont)] = (program.read_bytes(), repr(program.stream_dict).encode(), cid.W.unparse())
    return fonts


def test_a_writer_takes_the_subsets_the_other_made_and_writes_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "2025-02"
    shutil.copytree(MINI_ISSUE, root)
    laid = layout(prepare(root).issue)
    stamp_dates(laid.document)
    document = laid.document
    counted = [0]
    original = Font._harfbuzz_subset

    def counting(self, *args):  # type: ignore[no-untyped-def]
        counted[0] += 1
        return original(self, *args)

    monkeypatch.setattr(Font, "_harfbuzz_subset", counting)
    shared = tmp_path / "shared"
    shared.mkdir()
    alone = _write(document, document.pages, counted, None)
    first = _write(document, document.pages, counted, shared)
    second = _write(document, document.pages, counted, shared)
    made_alone, made_first, made_second = counted[1:4]
    assert made_alone >= 3 and made_first == made_alone and made_second == 0
    assert alone == first == second
    assert sorted(p.name for p in shared.iterdir() if p.suffix == ".tmp") == []
    # One page has other glyphs: its faces are subset for it, as without the folder.
    page = _write(document, document.pages[:1], counted, shared)
    assert counted[-1] > 0
    assert page == _write(document, document.pages[:1], counted, None)


def test_the_joins_own_subsetting_in_a_writer_is_left_alone(tmp_path: Path) -> None:
    """A writer that joins kept pages subsets faces through a stand-in Font of the join's
    (render/pdfjoin/subset.py), which names no face: it subsets as without the folder."""
    from qhgy_publish.fonts import face_file, font_roles
    from qhgy_publish.render.harfbuzz import face as hb_face
    from qhgy_publish.render.pdfjoin.subset import _subset

    path = face_file(next(iter(font_roles().values())))
    glyphs = {1: "一", 2: "二", 3: "三"}
    with subsets_shared(tmp_path):
        shared = _subset(hb_face(path), path, glyphs)
    assert shared is not None and shared == _subset(hb_face(path), path, glyphs)
    assert list(tmp_path.iterdir()) == []


def test_the_folder_a_killed_build_left_is_removed_by_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build names the writers' folder by its process (output.process_folder): one whose
    process has ended (a build killed with kill -9) goes when the next build makes its own; one
    of a process that runs stays."""
    import subprocess
    import sys
    import tempfile

    from qhgy_publish.output import process_folder
    from qhgy_publish.render.shared_subsets import SUBSETS_FOLDER

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f"{SUBSETS_FOLDER}{ended.stdout.strip()}-left"
    (dead / "subset").mkdir(parents=True)
    running = tmp_path / f"{SUBSETS_FOLDER}1-init"  # process 1 always runs
    running.mkdir()
    made = process_folder(SUBSETS_FOLDER)
    assert made.is_dir() and made.name.startswith(f"{SUBSETS_FOLDER}{os.getpid()}-")
    assert not dead.exists() and running.exists()
