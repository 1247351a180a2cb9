"""WeasyPrint puts the faces it loads into a temporary folder and removes it when its font
configuration is collected. A build killed with kill -9 cannot; the next layout removes the
folders of processes that no longer run, and only those. The house's faces are linked there,
not copied (render/font_folder.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini-issue"

LAY_OUT_AND_DIE = f"""
import os, signal
from pathlib import Path
from qhgy_publish.pipeline import prepare
from qhgy_publish.render import weasy
issue = prepare(Path({str(MINI)!r})).issue
weasy.render_html(issue, "<p>青海工运</p>")
folder = weasy._styles.font_config._folder
print(os.getpid(), folder, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_the_font_folder_of_a_killed_process_is_removed_by_the_next_layout(tmp_path: Path) -> None:
    from qhgy_publish.render import weasy

    env = {**os.environ, "PYTHONPATH": str(SRC), "QHGY_CACHE_DIR": str(tmp_path / "cache")}
    killed = subprocess.run([sys.executable, "-c", LAY_OUT_AND_DIE], env=env, capture_output=True, text=True)
    assert killed.returncode == -9, killed.stderr
    pid, name = killed.stdout.split()
    folder = Path(name)
    assert folder.name.startswith(f"{weasy.FONT_FOLDER}{pid}-")  # named by its process
    assert folder.is_dir() and any(folder.iterdir())  # the faces it loaded: left by kill -9
    alive = Path(tempfile.mkdtemp(prefix=f"{weasy.FONT_FOLDER}{os.getpid()}-"))  # this process's: kept
    try:
        config = weasy.font_configuration()
        assert not folder.exists()
        assert alive.is_dir()
        assert config._folder.name.startswith(f"{weasy.FONT_FOLDER}{os.getpid()}-")
    finally:
        import shutil

        shutil.rmtree(alive, ignore_errors=True)


def test_the_house_faces_are_linked_into_the_font_folder_and_other_fonts_written(tmp_path: Path) -> None:
    """Each face the stylesheets load is the house face's own file under WeasyPrint's name (a
    hard or a symbolic link), not a copy; bytes that are no house face are written as given."""
    from qhgy_publish.fonts import face_files
    from qhgy_publish.pipeline import prepare
    from qhgy_publish.render import weasy
    from qhgy_publish.render.font_folder import LinkingFolder

    issue = prepare(MINI).issue
    config = weasy.font_configuration()
    weasy.stylesheets(weasy.fetcher_for(issue), config, {}, issue.root)
    faces = face_files()
    loaded = sorted(config._folder.iterdir())
    assert len(loaded) == len(faces)
    for path in loaded:
        assert path.is_symlink() or os.stat(path).st_nlink > 1
        assert any(os.path.samefile(path, face) for face in faces)
    other = LinkingFolder(tmp_path) / "other"
    face = sorted(faces)[0]
    changed = bytearray(face.read_bytes())
    changed[:4] = b"wOFF"  # a face's size, another font's first bytes
    assert other.write_bytes(bytes(changed)) == len(changed)
    assert not other.is_symlink() and os.stat(other).st_nlink == 1 and other.read_bytes() == changed


def test_a_face_on_another_file_system_is_linked_symbolically(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Where a hard link cannot be made (the font folder on another file system than the face:
    EXDEV), the face is linked symbolically, by its absolute path."""
    import errno

    from qhgy_publish.fonts import face_files
    from qhgy_publish.render.font_folder import LinkingFolder

    def cross_device(*_args) -> None:  # type: ignore[no-untyped-def]
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", cross_device)
    face = face_files()[0]
    linked = LinkingFolder(tmp_path) / "face"
    data = face.read_bytes()
    assert linked.write_bytes(data) == len(data)
    assert linked.is_symlink() and Path(os.readlink(linked)).is_absolute()
    assert os.path.samefile(linked, face)
