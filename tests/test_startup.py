"""How a qhgy process starts (startup.py): WeasyPrint's libraries open without a ``find_library``
lookup (each runs ldconfig and gcc), the same libraries as WeasyPrint's own lookup finds, and a
module that needs the lookup still gets it; the build's command runs the cyclic collector at the
house thresholds. Each in a fresh process, as a command would start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

# find_library counted from the start; the libraries WeasyPrint opened, by their file on disk.
OPEN = """
import ctypes.util, json, sys
calls = []
real = ctypes.util.find_library
ctypes.util.find_library = lambda name: calls.append(name) or real(name)
if {first!r}:
    import qhgy_publish
from weasyprint.text import ffi
libraries = {{}}
for line in open("/proc/self/maps"):
    path = line.split()[-1]
    for name in ("gobject-2.0", "pango-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig", "pangoft2-1.0"):
        if "/lib" + name + ".so" in path:
            libraries[name] = path
print(json.dumps({{"calls": calls, "libraries": libraries, "subset": ffi.harfbuzz_subset is not None}}))
"""


def _run(code: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_weasyprints_libraries_open_without_a_lookup_and_are_the_same_files() -> None:
    quick = _run(OPEN.format(first=True))
    plain = _run(OPEN.format(first=False))  # WeasyPrint on its own: ldconfig and gcc for each name
    assert quick["calls"] == []
    assert len(plain["calls"]) >= 6  # what is saved: at least one lookup per library
    assert quick["libraries"] == plain["libraries"]
    assert set(quick["libraries"]) == {"gobject-2.0", "pango-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig", "pangoft2-1.0"}
    assert quick["subset"] and plain["subset"]


def test_a_module_that_needs_the_lookup_is_run_again_with_it(tmp_path: Path) -> None:
    # A library only find_library finds: the module fails the quick way and is run as written.
    module = tmp_path / "needs_lookup.py"
    module.write_text(
        "import ctypes.util\n"
        "found = ctypes.util.find_library('c')\n"
        "if found is None:\n"
        "    raise OSError('cannot load library')\n",
        encoding="utf-8",
    )
    from importlib.machinery import SourceFileLoader
    from importlib.util import module_from_spec, spec_from_loader

    from qhgy_publish.startup import _Loader

    spec = spec_from_loader("needs_lookup", _Loader(SourceFileLoader("needs_lookup", str(module))))
    assert spec is not None
    loaded = module_from_spec(spec)
    spec.loader.exec_module(loaded)  # type: ignore[union-attr]
    assert loaded.found  # libc, as ldconfig names it


def test_the_program_runs_the_collector_at_the_house_thresholds() -> None:
    from qhgy_publish.startup import THRESHOLDS

    code = (
        "import atexit, gc, json, sys\n"
        "from qhgy_publish.cli import run\n"
        "atexit.register(lambda: print(json.dumps({'threshold': gc.get_threshold(), 'frozen': gc.get_freeze_count()})))\n"
        "sys.argv = ['qhgy', 'codes']\n"
        "run()\n"
    )
    found = _run(code)
    assert tuple(found["threshold"]) == THRESHOLDS != (700, 10, 10)  # not Python's
    assert found["frozen"] > 10_000  # the modules loaded so far are out of the collector's sight


# The program as pyproject's script runs it, with a sign of the interpreter's teardown (an
# object freed with the module) and of the exit handlers (one registered first).
PROGRAM = """
import atexit, sys
atexit.register(print, "exit handlers ran", flush=True)
import qhgy_publish.cli as cli
class Teardown:
    def __del__(self):
        print("interpreter taken apart", flush=True)
cli.marker = Teardown()
sys.argv = ["qhgy", *{args!r}]
cli.run()
"""


def _program(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(SRC), "QHGY_CACHE_DIR": str(tmp_path / "cache"), "TMPDIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-c", PROGRAM.format(args=args)], env=env, capture_output=True, text=True, timeout=300
    )


def test_a_build_ends_without_the_teardown_with_its_outputs_whole_and_no_font_folder(
    mini_issue: Path, tmp_path: Path
) -> None:
    import pikepdf

    from qhgy_publish.render.weasy import FONT_FOLDER

    out = tmp_path / "out"
    done = _program(["build", str(mini_issue), "--out", str(out), "--only", "print"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "exit handlers ran" in done.stdout
    assert "interpreter taken apart" not in done.stdout
    assert "wrote" in done.stdout  # the last lines printed reached the pipe
    with pikepdf.open(next(out.glob("*-print.pdf"))) as pdf:
        assert len(pdf.pages) >= 4
    assert not list(tmp_path.glob(f"{FONT_FOLDER}*"))  # the font configuration's copies of the faces
    # What it keeps for the next process was written before it ended (the text's markup among it).
    assert list((tmp_path / "cache" / "markup").glob("*.pickle"))


def test_a_failed_command_keeps_its_exit_code(tmp_path: Path) -> None:
    done = _program(["build", str(tmp_path / "no-such-issue")], tmp_path)
    assert done.returncode == 1
    assert "exit handlers ran" in done.stdout
