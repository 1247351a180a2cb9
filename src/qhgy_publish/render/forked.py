"""Work done in a forked copy of the build, its result sent back.

A fork inherits the laid-out issue by memory (it cannot be pickled), and what
the work allocates is given back to the system when the copy ends: Python
keeps the memory a process has used. The EPUB (its pictures and fonts held
whole by ebooklib, some 70 MB) and the EPUB's cover (a decoded photo and
bitmap, 80 MB) are made so (issue 19: every process of a build together
≤ 800 MB). :func:`start_fork` lets the build go on meanwhile: a cold build
draws the cover on the second core while it makes the 栏目 up. Where fork is
missing the work is done here.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from typing import IO, Any, Generic, TypeVar

from ..errors import BuildError
from ..output import describe_write_error, stop_with_parent

T = TypeVar("T")
_forked = False  # this process is such a copy: work it is given is done here (it ends anyway)


def in_fork(what: str, work: Callable[..., T], *args: Any) -> T:
    """``work(*args)`` in a forked copy of this process; its result, pickled, returned here.

    A :class:`BuildError` in the copy is raised here with its own message; any other failure
    as “``what`` failed: …”. Interrupted here, the copy is stopped before this returns.
    """
    return start_fork(what, work, *args).result()


def start_fork(what: str, work: Callable[..., T], *args: Any) -> Forked[T]:
    """``work(*args)`` begun in a forked copy of this process, which goes on meanwhile: the
    copy's result is taken with :meth:`Forked.result` (see :func:`in_fork`)."""
    from multiprocessing import get_all_start_methods, get_context

    if _forked or "fork" not in get_all_start_methods():
        return Forked(what, None, _outcome(work, args))
    # The result goes through a file with no name, not a pipe: a copy that finishes long before
    # it is asked (the EPUB's cover, drawn during the make-up) ends at once and gives its memory
    # back, where a pipe's 64 KB would hold it until the build read the rest.
    results = tempfile.TemporaryFile()  # noqa: SIM115 (closed by Forked, once read)
    child = get_context("fork").Process(target=_run, args=(work, args, results, os.getpid()), daemon=True)
    try:
        start_holding_interrupts(child)
    except BaseException:
        results.close()
        raise
    return Forked(what, child, results)


class Forked(Generic[T]):
    """Work under way in a forked copy (:func:`start_fork`), or done here where fork is missing."""

    def __init__(self, what: str, child: Any, results: IO[bytes] | tuple[str, Any]) -> None:
        self._what, self._child, self._results = what, child, results

    def done(self) -> bool:
        """Whether the work has ended (its copy with it)."""
        return self._child is None or not self._child.is_alive()

    def result(self) -> T:
        """The work's result, once its copy has ended; its error raised as :func:`in_fork` says.
        Interrupted here, the copy is stopped before this returns."""
        if self._child is None:
            kind, found = self._results  # type: ignore[misc]
        else:
            try:
                self._child.join()
            except BaseException:
                self.stop()  # it unwinds: a file it was writing is removed (output.atomic_path)
                raise
            kind, found = _read(self._results)  # type: ignore[arg-type]
            if kind == "ended":
                found = f"the process ended ({self._child.exitcode})"
        if kind == "done":
            return found
        if kind == "build":
            raise BuildError(found)
        raise BuildError(f"{self._what} failed: {found}")

    def stop(self) -> None:
        """Stop the work (the build failed or no longer needs it)."""
        if self._child is not None:
            if self._child.is_alive():
                self._child.terminate()
            self._child.join()
            self._results.close()  # type: ignore[union-attr]


def _read(results: IO[bytes]) -> tuple[str, Any]:
    """What the copy wrote to ``results``; ("ended", None) when it died before it said anything."""
    try:
        results.seek(0)
        return pickle.load(results)
    except (EOFError, pickle.UnpicklingError):
        return "ended", None
    finally:
        results.close()


def _outcome(work: Callable[..., Any], args: tuple) -> tuple[str, Any]:
    """(kind, what) of ``work(*args)``: ("done", its result), ("build", a BuildError's message, or
    an OSError's as :func:`..output.describe_write_error` words it) or ("failed", any other error)."""
    try:
        return "done", work(*args)
    except BuildError as exc:
        return "build", str(exc)
    except OSError as exc:  # a file the work wrote or read: said as the build says it (the disk full, …)
        return "build", describe_write_error(exc)
    except BaseException as exc:  # said to the parent, which stops the build with it
        return "failed", f"{type(exc).__name__}: {exc}"


def _run(work: Callable[..., Any], args: tuple, results: IO[bytes], parent: int) -> None:
    global _forked
    _forked = True
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stopped by the parent: unwind
    stop_with_parent(parent)
    outcome = _outcome(work, args)
    try:
        pickle.dump(outcome, results, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # a result that cannot be pickled
        results.seek(0)
        results.truncate()
        pickle.dump(("failed", f"{type(exc).__name__}: {exc}"), results, protocol=pickle.HIGHEST_PROTOCOL)
    results.flush()


def start_holding_interrupts(child) -> None:  # type: ignore[no-untyped-def]
    """Start ``child``; a Ctrl-C during the start is raised only once the child is known.

    An interrupt raised inside ``start()`` after the fork would leave a child
    nobody stops, renaming its file back after our clean-up; one landing in
    Python's at-fork handlers would be dropped. The child inherits the holding
    handler and so leaves Ctrl-C to this process, which stops it.
    """
    if threading.current_thread() is not threading.main_thread():
        child.start()  # signals reach only the main thread
        return
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, _: held.append(number))
    try:
        child.start()
    finally:
        signal.signal(signal.SIGINT, previous)
    if held:
        raise KeyboardInterrupt

