"""WeasyPrint copies the faces it loads into a temporary folder and removes it when its font
configuration is collected. A build killed with kill -9 cannot; the next layout removes the
folders of processes that no longer run, and only those."""

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
