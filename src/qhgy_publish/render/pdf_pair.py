"""The press and screen PDFs of one layout written side by side, one per core.

Each write takes about 2 s of one core (drawing, font subsetting,
compression) and about 100 MB that Python keeps once it has used it. The
laid-out document cannot be pickled, so each PDF is written by a forked copy
of this process, which inherits it: the layout is the fork target's argument
(a fork passes arguments by memory, not by pickling). The build's own
process writes the EPUB meanwhile (:func:`writing_both_pdfs`), and stays at
the size of the layout (issue 19: the parent ≤ 400 MB). Where fork is missing
the two are written one after the other, here.
"""

from __future__ import annotations

import gc
import os
import shutil
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BuildError
from ..output import atomic_path, describe_write_error, process_folder, stop_with_parent
from .forked import start_holding_interrupts
from .press_pdf import write_print_pdf
from .rejoin import every_page_kept
from .screen_pdf import write_screen_pdf
from .shared_subsets import SUBSETS_FOLDER, subsets_shared

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from .pressed import Pressed
    from .print_pdf import PrintLayout


def write_both_pdfs(
    layout: PrintLayout, print_target: Path, screen_target: Path, pressed: Pressed | None = None
) -> list[Path]:
    """Write the press and screen PDFs of ``layout`` at the same time (with the pages of
    ``pressed`` where they stand in for parts: see :mod:`.rejoin`).

    Both files are renamed into place only when both are complete: a failed
    or interrupted build stops the writers and leaves the earlier pair as it was.
    """
    with writing_both_pdfs(layout, print_target, screen_target, pressed) as writing:
        pass
    return writing.paths


@dataclass
class Writing:
    """What :func:`writing_both_pdfs` gives the body of its ``with``."""

    paths: list[Path] = field(default_factory=list)  # both PDFs, once they are in place
    writers: list = field(default_factory=list)  # the writer processes

    def one_ended(self) -> bool:
        """Wait until one of the writers has ended: its core is free for other work (the press
        PDF is drawn without tags, in about three quarters of the screen PDF's time). False if
        a writer has failed."""
        from multiprocessing.connection import wait

        if self.writers and all(w.exitcode is None for w in self.writers):
            wait([w.sentinel for w in self.writers])
        for writer in self.writers:
            # A writer's sentinel is ready as its files close, a moment before its exit code can
            # be read: a failed writer read then passed for one still at work (the EPUB begun).
            if writer.exitcode is None and wait([writer.sentinel], timeout=0):
                writer.join()
        return all(w.exitcode in (None, 0) for w in self.writers)


@contextmanager
def writing_both_pdfs(
    layout: PrintLayout, print_target: Path, screen_target: Path, pressed: Pressed | None = None
) -> Iterator[Writing]:
    """:func:`write_both_pdfs`, with the body of the ``with`` run in this process while the
    writers write (the build writes the EPUB there, which this process would otherwise spend
    waiting). The :class:`Writing` it gives has the paths once both PDFs are in place; a body
    that fails stops the writers and leaves the earlier pair as it was."""
    from multiprocessing import get_all_start_methods, get_context

    writing = Writing()
    written = writing.paths
    if pressed is not None and every_page_kept(layout, pressed):  # no writer to fork: 0.6 s less
        yield writing
        with atomic_path(print_target) as print_tmp, atomic_path(screen_target) as screen_tmp:
            print_tmp.write_bytes(pressed.press)
            screen_tmp.write_bytes(pressed.screen)
        written += [print_target, screen_target]
        return
    if "fork" not in get_all_start_methods():
        yield writing
        written += [write_print_pdf(layout, print_target, pressed), write_screen_pdf(layout, screen_target, pressed)]
        return
    context = get_context("fork")
    shared = process_folder(SUBSETS_FOLDER)  # the writers' font subsets (shared_subsets)
    with atomic_path(print_target) as print_tmp, atomic_path(screen_target) as screen_tmp:
        writers = []
        try:
            # A writer's garbage collections would touch every object it inherited (the layout,
            # the line memo) and so copy their pages: frozen, they stay shared with this process.
            gc.freeze()
            try:
                for what, write, tmp in (("press", write_print_pdf, print_tmp), ("screen", write_screen_pdf, screen_tmp)):
                    receive, send = context.Pipe(duplex=False)
                    child = context.Process(
                        target=_writer, args=(write, layout, pressed, tmp, send, os.getpid(), shared), daemon=True
                    )
                    writers.append((what, child, receive))
                    start_holding_interrupts(child)
            finally:
                gc.unfreeze()
            writing.writers += [child for _, child, _ in writers]
            yield writing
            for _, child, _ in writers:
                child.join()
        except BaseException:
            for _, child, _ in writers:
                if child.pid is not None:  # stop it before its file is removed, or it renames one back
                    child.terminate()
                    child.join()
            raise
        finally:
            shutil.rmtree(shared, ignore_errors=True)
        for what, child, receive in writers:
            if child.exitcode != 0:
                reason = receive.recv() if receive.poll() else f"exit code {child.exitcode}"
                raise BuildError(f"writing the {what} PDF failed: {reason}")
    written += [print_target, screen_target]


def _writer(  # type: ignore[no-untyped-def]
    write, layout: PrintLayout, pressed: Pressed | None, target: Path, errors: Connection, parent: int, shared: Path
) -> None:
    """A forked child's work: ``write`` one PDF of ``layout`` (its inherited copy) to ``target``, with
    the font subsets the other writer made in ``shared`` (:mod:`.shared_subsets`)."""
    # Terminated by the parent (its build failed or was interrupted): unwind, so
    # atomic_path removes the half-written file.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    stop_with_parent(parent)
    try:
        with subsets_shared(shared):
            write(layout, target, pressed)
    except OSError as exc:
        errors.send(describe_write_error(exc))
        sys.exit(1)
    except BaseException as exc:
        errors.send(f"{type(exc).__name__}: {exc}")
        sys.exit(1)
