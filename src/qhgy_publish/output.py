"""Atomic outputs: a file appears complete or not at all.

Every renderer writes into a temporary file beside its target and renames it
into place, so a failed or interrupted build (Ctrl-C included) leaves the
previous PDF and EPUB byte-identical and no half-written file behind.

A build killed outright (kill -9, a power cut) cannot clean up, so temporary
files carry the id of the process that made them,
``.<target>.qhgy-<pid>-<random>.tmp``: the next build removes those whose
process is gone and leaves a concurrent build's alone.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import BuildError

_pending: set[Path] = set()  # temporary files not yet renamed or removed
_building_into: list[Path] = []  # the output folder of the build under way, for messages
_TEMP = re.compile(r"\.qhgy-(\d+)-[0-9a-f]{8}\.tmp$")


def temp_path(target: Path) -> Path:
    """A recognisable temporary name beside ``target``, carrying this process's id."""
    return target.parent / f".{target.name}.qhgy-{os.getpid()}-{secrets.token_hex(4)}.tmp"


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(target)
    _pending.add(tmp)  # before the file exists: see discard_pending
    try:
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        yield tmp
        os.replace(tmp, target)
    except OSError as exc:
        if exc.filename is None and exc.errno is not None:  # a writer's own file object: name the file
            raise OSError(exc.errno, exc.strerror, str(target)) from exc
        raise
    finally:
        tmp.unlink(missing_ok=True)
        _pending.discard(tmp)


def discard_pending() -> None:
    """Remove the temporary files an interrupted build left behind.

    Why: Ctrl-C raises wherever Python happens to be, also on the way into a
    context manager's exit, before its ``finally`` can run (measured: 1 in 15
    interrupts during the PDF writes left a temporary file). The command's
    interrupt handler calls this last.
    """
    for tmp in list(_pending):
        tmp.unlink(missing_ok=True)
        _pending.discard(tmp)


def stop_with_parent(parent: int) -> None:
    """In a forked helper of process ``parent``: be sent SIGTERM when it dies, even by kill -9 (Linux).

    Without it a helper outlives a killed build, and may rename its file into a
    temporary name after the next build has cleared the stale ones.
    """
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the helper then ends with its own write
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def process_folder(prefix: str) -> Path:
    """A new temporary folder named by ``prefix`` and this process (``qhgy-fonts-1234-…``), once the
    folders of that prefix whose process has ended are removed (kill -9 leaves a process's own)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{prefix}*-*"):
        pid = folder.name.removeprefix(prefix).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))


def clear_stale_temps(folder: Path) -> list[Path]:
    """Remove the temporary files in ``folder`` whose process has ended; return them."""
    removed = []
    if not folder.is_dir():
        return removed
    for path in folder.glob(".*.tmp"):
        match = _TEMP.search(path.name)
        if match and not _alive(int(match.group(1))):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def prepare_output_dir(folder: Path) -> list[Path]:
    """Make sure ``folder`` is a folder this process can write into, before any work is done.

    Clears the temporary files of builds that were killed (returned, so the
    build can say so). Raises :class:`BuildError` with what to do when the
    folder is a file, cannot be made, or cannot be written to; the files in
    it are left as they are.
    """
    if folder.exists() and not folder.is_dir():
        raise BuildError(
            f"the output folder {folder} is a file\n"
            "      → give --out a folder (it is made if missing), or move the file away"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):  # unnamed where the system allows: nothing to leave behind
            pass
    except OSError as exc:
        raise BuildError(describe_write_error(exc)) from exc
    _building_into[:] = [folder]
    return clear_stale_temps(folder)


_HINTS = {
    errno.ENOSPC: "the disk is full: free some space, or build into another folder with --out",
    errno.EDQUOT: "your disk quota is used up: free some space, or build into another folder with --out",
    errno.EFBIG: "the file would be larger than this system lets a file grow (ulimit -f): raise the limit, "
    "or build on another machine",
    errno.EROFS: "the folder is on a read-only disk: build into another folder with --out",
    errno.EACCES: "this user may not open it: fix its permissions, or build into another folder with --out",
    errno.EPERM: "this user may not open it: fix its permissions, or build into another folder with --out",
    errno.ENOTDIR: "a part of the output path is a file, not a folder: give --out another folder",
    errno.EEXIST: "a part of the output path is a file, not a folder: give --out another folder",
}


def describe_write_error(exc: OSError, folder: Path | None = None) -> str:
    """An editor-facing message for a failed read or write: where, what happened, what to do.

    A temporary file is named by its target (``qhgy-2025-01-print.pdf``, not ``.qhgy-…-1234-….tmp``).
    """
    where: Path | str | None = Path(exc.filename) if exc.filename else folder
    if isinstance(where, Path):
        match = _TEMP.search(where.name)
        while match and where.name.startswith("."):
            where = where.with_name(where.name[1 : match.start()])
            match = _TEMP.search(where.name)
    hint = _HINTS.get(
        exc.errno or 0, "check the folder and the disk, or build into another folder with --out"
    )
    what = f"{exc.strerror or exc}"
    if not where and _building_into:  # a library's own file (a temporary font, …): say which build
        what += f" (while building into {_building_into[0]})"
    return (
        f"{f'{where}: ' if where else ''}{what}\n"
        f"      → {hint}; the outputs of the last good build are untouched"
    )
