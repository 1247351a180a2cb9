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
(``O_EXCL``: the first wins). A make-up that looks for 补白 is given up
there: what it would choose depends on the 补白 the 栏目 before it leave —
unless the build has made the 栏目 before it up already (where they meet,
the build waits for it): then it goes on with the 补白 the build told, as
the build would (:func:`..makeup.make_up_ahead`).
The build tells the helper, after each 栏目, where the next one starts and
with which 补白 (:meth:`Ahead.tell`); in a second round (:func:`_again`) the
helper makes each 栏目 it gave up as the build would, once it knows both,
and keeps it under the build's own key, while the build lays out the 栏目
before it. The build waits for a 栏目 the helper claimed again, and makes
up itself one it comes to first.

In a cold build the helper starts before the front is laid out (it finds the
补白's heights itself), else at the first 栏目 the cache does not know.

The helper runs only when a core stands idle (:func:`wanted`): with every
core busy (a second build, the test suite's workers) it only takes CPU from
the build. Measured on this 2-core machine, a cold build with the helper
against one without (2026-12-02, the 栏目 laid out in runs): the sample 34.4
against 35.9 s, the test issue 29.6 against 31.4 s, for 13 s more CPU. With
the second round and the early start (2026-12-02 evening), the build makes
up 3 of the sample's 8 栏目 itself (it made 5), and its make-up ends at 22.4
and 25.5 s against 27.7 and 26.9 s (two cold builds each, alternated).

The helper is a fresh interpreter started with :mod:`subprocess`: a fork
would copy the preview's server threads mid-step, and multiprocessing's
``spawn`` leaves a resource-tracker process behind the preview's exit. It
ignores Ctrl-C (the build stops it), ends with the build even when that is
killed, and reports each 栏目 it made up (``done``, ``again``) or gave up as a
line on its standard output.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TextIO

from ...model import Filler, Issue
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
        补白's ``heights`` (None: the helper finds them, as the build does); those an earlier
        build made up it leaves to the build (:func:`..makeup.unseen`)."""
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
        cache, or given up: it looked for 补白); else claim it for the build. A 栏目 given up is
        the build's unless the helper has claimed it again, to make it up with the build's 补白
        where the build will start it: then wait for that."""
        if index not in self._todo or _claim(self._claims, index):
            return
        if self._wait_for(index, "done", "gave up") == "gave up" and not _claim(self._claims, f"again {index}"):
            self._wait_for(index, "again")

    def _wait_for(self, index: int, *events: str) -> str | None:
        """The first of ``events`` the helper reports for 栏目 ``index`` (None: the helper ended)."""
        assert self._process.stdout is not None
        while not (found := [event for event in events if (event, index) in self._done]):
            line = self._process.stdout.readline()
            if not line:  # the helper ended: the build makes the rest up itself
                return None
            event, _, number = line.decode().strip().rpartition(" ")
            self._done.add((event, int(number)))
        return found[0]

    def ended(self) -> bool:
        """Whether the helper has ended (its work done, or given up)."""
        return self._process.poll() is not None

    def tell(self, index: int, folio: int, pool: list[Filler]) -> None:
        """The build has made 栏目 ``index`` up (0: none yet): the next starts on ``folio``, with
        the 补白 ``pool`` (for the helper's second round, :func:`_again`)."""
        with contextlib.suppress(OSError):  # the folder is gone: the helper has ended
            tmp = self._claims / f"pool {index}.tmp"
            tmp.write_bytes(pickle.dumps((folio, [f.id for f in pool]), protocol=pickle.HIGHEST_PROTOCOL))
            tmp.replace(self._claims / f"pool {index}")

    def stop(self, now: bool = False) -> None:
        """End the helper: it has nothing left the build waits for (it ends at its next claim), or,
        ``now``, the build stopped."""
        for index in self._todo:
            _claim(self._claims, index)
            _claim(self._claims, f"again {index}")
        try:
            self._process.wait(timeout=0 if now else 1)
        except subprocess.TimeoutExpired:
            self._process.terminate()
            self._process.wait()
        finally:
            if self._process.stdout is not None:
                self._process.stdout.close()
            shutil.rmtree(self._claims, ignore_errors=True)


def _claim(claims: Path, index: int | str) -> bool:
    """Claim 栏目 ``index`` (or its second round, ``again N``): True if this process was first."""
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
    from ...startup import collect_less_often, end_process

    collect_less_often()
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
    # The build waits for this process to end (Ahead.stop): its layouts are not freed one by one.
    end_process(0)


def _make_up(
    issue: Issue, todo: list[int], build_key: str, heights: dict[str, float] | None, cache_dir: Path, claims: Path
) -> None:
    report = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # anything else printed goes where the errors go, not into the reports
    from .. import balanced_memo, makeup
    from . import cache, parts

    cache.MAKEUP_CACHE = cache_dir
    makeup._build_key = build_key
    parts.start_build(None)  # nothing here is kept for another build
    balanced_memo.start(cache_dir / "balanced")
    try:
        if heights is None:
            heights = makeup.known_heights(issue)
        pages: dict[int, int] = {}  # the 栏目 it made up that never look for 补白: their page counts
        given_up: list[int] = []
        for index in todo:
            if not makeup.unseen(issue, range(index, index + 1)):
                continue  # made up by an earlier build: the build takes it from the cache
            if not _claim(claims, index):
                break  # the build is there
            made, told = None, []

            def build_pool(before: int = index - 1, told: list = told) -> list[Filler] | None:
                # the build has made the 栏目 before up: it waits for this one, with these 补白
                if (found := _told_now(claims, before)) is not None:
                    told.append(found)
                    return [f for f in issue.fillers if f.id in found[1]]
                return None

            try:
                made = makeup.make_up_ahead(issue, index, heights, build_pool)
                balanced_memo.keep()  # for the build, which lays the 栏目 out where it lands
            finally:
                print("gave up" if made is None else "done", index, file=report, flush=True)
            if made is None:
                given_up.append(index)
            elif not told:  # else made up as the build's, with its 补白: it tells what follows
                pages[index] = made.pages
        _again(issue, sorted(given_up), pages, heights, claims, report)
        from ..cjk_markup import keep_markups

        keep_markups()  # the markup of the 栏目 made up here, for the next process
    except Exception:  # the build makes up what the helper could not (and meets the same error)
        return


def _again(
    issue: Issue, given_up: list[int], pages: dict[int, int], heights: dict[str, float], claims: Path, report: TextIO
) -> None:
    """The helper's second round: each 栏目 it gave up (it looked for 补白), first to last, made up
    as the build would make it, with the 补白 the 栏目 before it leave and on the folio it will
    start on. Both are known once the build has made up the last 栏目 before it that the helper
    did not (the build tells them: :meth:`Ahead.tell`): those of the helper's first round add
    their ``pages`` and take no 补白, those of this round their pages and the 补白 they placed.
    The make-up is kept under the build's own key (:func:`..makeup.make_up_column`); a build that
    comes to the 栏目 otherwise (a moved make-up that no longer fits: another folio, other 补白)
    makes it up itself."""
    from .. import balanced_memo, makeup

    after: dict[int, tuple[int, list[str]]] = {}  # 栏目 of this round → the folio and 补白 after it
    for index in given_up:
        before = max((i for i in range(index) if i not in pages and i not in after), default=0)
        told = _told(claims, before, f"again {index}")
        if not claims.is_dir():
            return  # the build has ended
        if told is None or not _claim(claims, f"again {index}"):
            continue  # the build came to this 栏目 first: it makes it up, the helper goes on to the next
        folio, pool = told
        for i in range(before + 1, index):
            folio, pool = after[i] if i in after else (folio + pages[i], pool)
        try:
            made = makeup.make_up_column(issue, index, folio, [f for f in issue.fillers if f.id in pool], heights)
            balanced_memo.keep()
        finally:
            print("again", index, file=report, flush=True)
        placed = {f.id for f in made.plan.placed_fills}
        after[index] = (folio + made.page_count, [name for name in pool if name not in placed])


def _told_now(claims: Path, index: int) -> tuple[int, list[str]] | None:
    """What the build told after 栏目 ``index`` (:meth:`Ahead.tell`), if it has yet."""
    try:
        with (claims / f"pool {index}").open("rb") as stream:
            return pickle.load(stream)
    except (OSError, EOFError, pickle.UnpicklingError):
        return None


def _told(claims: Path, index: int, mine: str) -> tuple[int, list[str]] | None:
    """What the build told after 栏目 ``index`` (:meth:`Ahead.tell`), once it has; None when the
    build claimed ``mine`` first or has ended (the folder of claims is gone)."""
    told = claims / f"pool {index}"
    while not told.exists():
        if (claims / mine).exists() or not claims.is_dir():
            return None
        time.sleep(0.05)
    with told.open("rb") as stream:
        return pickle.load(stream)
