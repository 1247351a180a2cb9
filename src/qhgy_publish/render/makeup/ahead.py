"""栏目 made up ahead in a second process, on the second core, while the build makes up the first ones.

Why: the make-up goes through the 栏目 in order — each starts on the folio
the one before ended on and takes the 补白 the ones before left — so it kept
one core of two busy. But what a 栏目's make-up decides does not depend on
its folio (see :func:`.cache.moved_key`), and most 栏目 never look for a
补白 (no page of theirs is near-empty). So when the build meets a 栏目 the
cache does not know, a second process takes the later 栏目 no build has made
up yet (:func:`..makeup.unseen`), from the last backwards, with every 补白,
and keeps each make-up that never looked at them in the cache
(:func:`.cache.free_key`). The build, working forwards, finds them there and
lays each out once where it stands, checked as a moved make-up is (every
text and picture where it stood). The two meet in the middle: each 栏目 is
claimed by one of them, by creating its file in a folder of claims
(``O_EXCL``: the first wins); a make-up that looks at the 补白 is given up
there and made by the build with the ones left.

In a cold build the helper starts before the front is laid out (it finds the
补白's heights itself), else at the first 栏目 the cache does not know.

The helper runs only when a core stands idle (:func:`wanted`): with every
core busy (a second build, the test suite's workers) it only takes CPU from
the build. Measured on this 2-core machine, a cold build with the helper
against one without (2026-12-02, the 栏目 laid out in runs): the sample 34.4
against 35.9 s, the test issue 29.6 against 31.4 s, for 13 s more CPU.

The helper is a fresh interpreter started with :mod:`subprocess`: a fork
would copy the preview's server threads mid-step, and multiprocessing's
``spawn`` leaves a resource-tracker process behind the preview's exit. It
ignores Ctrl-C (the build stops it), ends with the build even when that is
killed, and reports each 栏目 it finished as a line on its standard output.
"""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from ...model import Issue
from ...output import stop_with_parent


def wanted() -> bool:
    """Whether to start a helper: when a core is idle now (fewer processes ready to run, this
    build among them, than cores); ``QHGY_HELPER=1``: always, ``=0``: never."""
    if (forced := os.environ.get("QHGY_HELPER", "")) in ("0", "1"):
        return forced == "1"
    try:  # Linux's: elsewhere the helper starts as it always did
        running = int(Path("/proc/loadavg").read_text().split()[3].split("/")[0])
        cores = len(os.sched_getaffinity(0))
    except (OSError, ValueError, IndexError, AttributeError):
        return True
    return running < cores


class Ahead:
    """A helper process making 栏目 up from the last one backwards (see the module's docstring)."""

    def __init__(self, issue: Issue, build_key: str, heights: dict[str, float] | None, todo: list[int]) -> None:
        """Start making ``todo`` (indexes of 栏目 after the build's) up, the last first, with the
        补白's ``heights`` (None: the helper finds them, as the build does)."""
        from . import cache

        self._todo = set(todo)
        self._done: set[int] = set()
        self._claims = Path(tempfile.mkdtemp(prefix="qhgy-ahead-"))
        # The work goes through a file: written to the helper's standard input it would hold
        # the build up until the helper had imported everything and read it (seconds).
        work = self._claims / "work.pickle"
        with work.open("wb") as stream:
            state = (issue, sorted(todo, reverse=True), build_key, heights, cache.MAKEUP_CACHE, self._claims, os.getpid())
            pickle.dump(state, stream, protocol=pickle.HIGHEST_PROTOCOL)
        package = Path(__file__).resolve().parents[3]  # the folder holding qhgy_publish
        # (an empty entry would put the working folder on the helper's import path)
        path = [str(package), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
        self._process = subprocess.Popen(
            [sys.executable, "-c", "from qhgy_publish.render.makeup.ahead import main; main()", str(work)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # a helper that fails only leaves its 栏目 to the build
            env=env,
            process_group=0,  # the terminal's Ctrl-C reaches the build, which stops the helper
        )

    def take(self, index: int) -> None:
        """The build is at 栏目 ``index``: if the helper claimed it, wait until it is done (in the
        cache, or found to need the build's own 补白); else claim it for the build."""
        if index not in self._todo or _claim(self._claims, index):
            return
        assert self._process.stdout is not None
        while index not in self._done:
            line = self._process.stdout.readline()
            if not line:  # the helper ended: the build makes the rest up itself
                return
            self._done.add(int(line))

    def stop(self, now: bool = False) -> None:
        """End the helper: it has nothing left the build waits for (it ends at its next claim), or,
        ``now``, the build stopped."""
        for index in self._todo:
            _claim(self._claims, index)
        try:
            self._process.wait(timeout=0 if now else 1)
        except subprocess.TimeoutExpired:
            self._process.terminate()
            self._process.wait()
        finally:
            if self._process.stdout is not None:
                self._process.stdout.close()
            shutil.rmtree(self._claims, ignore_errors=True)


def _claim(claims: Path, index: int) -> bool:
    """Claim 栏目 ``index``: True if this process was first."""
    try:
        os.close(os.open(claims / str(index), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    except OSError:  # the folder is gone: the build stopped the helper
        return False
    return True


def main() -> None:
    """The helper: claim the 栏目 it was given (the last first) until one is the build's, and make
    each up; each finished 栏目's index is a line on standard output."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build's Ctrl-C: the build stops us
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # unwind: a cache entry is written whole or not at all
    with open(sys.argv[1], "rb") as stream:  # written by Ahead before it started us
        issue, todo, build_key, heights, cache_dir, claims, parent = pickle.load(stream)
    try:
        stop_with_parent(parent)  # which ends us at once if the build is gone already
        _make_up(issue, todo, build_key, heights, cache_dir, claims)
    finally:
        if os.getppid() != parent:  # the build was killed (we end on its SIGTERM): nobody else will
            shutil.rmtree(claims, ignore_errors=True)
        if "qhgy_publish.render.weasy" in sys.modules:  # no __del__ is sure to run on the way out
            sys.modules["qhgy_publish.render.weasy"].remove_font_folders()


def _make_up(
    issue: Issue, todo: list[int], build_key: str, heights: dict[str, float] | None, cache_dir: Path, claims: Path
) -> None:
    report = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # anything else printed goes where the errors go, not into the reports
    from .. import makeup
    from . import cache, parts

    cache.MAKEUP_CACHE = cache_dir
    makeup._build_key = build_key
    parts.start_build(None)  # nothing here is kept for another build
    try:
        if heights is None:
            heights = makeup.known_heights(issue)
        for index in todo:
            if not _claim(claims, index):
                return  # the build is there
            try:
                makeup.make_up_ahead(issue, index, heights)
            finally:
                print(index, file=report, flush=True)
    except Exception:  # the build makes up what the helper could not (and meets the same error)
        return
