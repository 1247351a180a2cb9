"""Work done in a forked copy of the build, its result sent back.

A fork inherits the laid-out issue by memory (it cannot be pickled), and what
the work allocates is given back to the system when the copy ends: Python
keeps the memory a process has used. The EPUB (its pictures and fonts held
whole by ebooklib, some 70 MB) and the EPUB's cover (a decoded photo and
bitmap, 80 MB) are made so, while the two PDF writers run (issue 19: every
process of a build together ≤ 800 MB). Where fork is missing the work is done
here.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from ..errors import BuildError
from ..output import stop_with_parent

T = TypeVar("T")
_forked = False  # this process is such a copy: work it is given is done here (it ends anyway)


def in_fork(what: str, work: Callable[..., T], *args: Any) -> T:
    """``work(*args)`` in a forked copy of this process; its result, pickled, returned here.

    A :class:`BuildError` in the copy is raised here with its own message; any other failure
    as “``what`` failed: …”. Interrupted here, the copy is stopped before this returns.
    """
    from multiprocessing import get_all_start_methods, get_context

    if _forked or "fork" not in get_all_start_methods():
        return work(*args)
    context = get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_run, args=(work, args, send, os.getpid()), daemon=True)
    start_holding_interrupts(child)
    send.close()  # the child's end only: a child that dies makes recv() raise, not wait
    try:
        kind, found = receive.recv()
    except EOFError:  # it died before it said anything
        kind, found = "ended", None
    except BaseException:
        child.terminate()  # it unwinds: a file it was writing is removed (output.atomic_path)
        raise
    finally:
        child.join()
    if kind == "done":
        return found
    if kind == "build":
        raise BuildError(found)
    if kind == "ended":
        found = f"the process ended ({child.exitcode})"
    raise BuildError(f"{what} failed: {found}")


def _run(work: Callable[..., Any], args: tuple, send: Any, parent: int) -> None:
    global _forked
    _forked = True
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stopped by the parent: unwind
    stop_with_parent(parent)
    try:
        send.send(("done", work(*args)))
    except BuildError as exc:
        send.send(("build", str(exc)))
    except BaseException as exc:  # said to the parent, which stops the build with it
        send.send(("failed", f"{type(exc).__name__}: {exc}"))


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

