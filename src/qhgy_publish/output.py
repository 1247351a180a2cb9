"""Atomic outputs: a file appears complete or not at all.

Every renderer writes into a temporary file beside its target and renames it
into place, so a failed or interrupted build (Ctrl-C included) leaves the
previous PDF and EPUB byte-identical and no half-written file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        tmp.chmod(0o644)  # mkstemp creates 0600; outputs are for sharing
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
