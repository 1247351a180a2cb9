"""How every qhgy process starts and ends: WeasyPrint's libraries opened without a compiler run,
Python's cyclic garbage collector run less often, and the command's process ended without
taking the interpreter apart.

WeasyPrint's native libraries are opened by their Linux names at once:
``weasyprint.text.ffi`` tries each library under its Windows and macOS names first
(``libgobject-2.0-0``, ``gobject-2.0-0``, …). For each name that does not open, cffi asks
``ctypes.util.find_library``, which on Linux runs ``ldconfig -p`` and then ``gcc`` in a
subprocess: 22 such runs, 0.28 s of every process that imports WeasyPrint (the build, the
make-up helper, the preview), before the name that opens at once
(``libgobject-2.0.so.0``) is reached. While that module runs, ``find_library`` answers
"not found", so each failed name costs a failed ``dlopen`` only; a system where only
``find_library`` finds a library (none that ``make setup`` prepares) gets the module run
again as WeasyPrint wrote it. (WeasyPrint issue #1125 asks why it runs gcc; its name
order serves Windows bundles, #2230.)
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes.util
import gc
import importlib.abc
import importlib.machinery
import os
import sys
import threading
from types import ModuleType

MODULE = "weasyprint.text.ffi"
# The collector's thresholds in a build (Python's: 700, 10, 10). Measured on the sample issue,
# cold, three runs each: 15.1–16.9 s → 13.5 s; the build's own peak 358 → 373 MB, all its
# processes' 735–750 → 759–778 MB (issue 19's limits: 400 and 800).
THRESHOLDS = (10_000, 10, 10)


def _not_found(name: str) -> None:
    return None


class _Loader(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        found = ctypes.util.find_library
        ctypes.util.find_library = _not_found
        try:
            self._loader.exec_module(module)
        except OSError:
            ctypes.util.find_library = found
            self._loader.exec_module(module)  # the names as WeasyPrint looks them up
        finally:
            ctypes.util.find_library = found


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path, target=None):  # type: ignore[no-untyped-def]
        if fullname != MODULE:
            return None
        sys.meta_path.remove(self)  # once: the module is imported once per process
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)
        return spec


def open_libraries_quickly() -> None:
    """Open the libraries the quick way when WeasyPrint is first imported in this process."""
    if MODULE not in sys.modules and not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


def collect_less_often() -> None:
    """Run the cyclic collector less often in a build's processes.

    A layout makes millions of small objects that live until its part is drawn; with Python's
    default thresholds the collector ran 1,600 times in a cold build, 2.1 s of its 12 s
    spent walking objects that were alive, and 0.2 s of a build after a one-article edit.
    Reference counting still frees nearly everything at once; the collector is for cycles.
    What is loaded already (the modules, the house style) is moved out of its sight.
    (mypy does the same for the same reason: ``gc.set_threshold(200_000, 30, 30)``.)
    """
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


def end_process(code: int) -> None:
    """End the command's process with ``code`` once its work is done, without the interpreter's
    teardown, which frees every object one by one: 0.2 s after a one-article edit, 0.9 s after
    a cold build (the make-up's layouts, the line memo). What the teardown would do that
    matters is done here: the exit handlers (multiprocessing's, tempfile's, logging's), the
    output flushed, the font configurations' temporary folders removed (their ``__del__``
    would). With a thread still working (none is, after a command) the interpreter ends as
    usual (this returns)."""
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        return None
    if "qhgy_publish.render.weasy" in sys.modules:
        sys.modules["qhgy_publish.render.weasy"].remove_font_folders()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say there
            stream.flush()
    os._exit(code)
