"""The column sets' balanced heights (:data:`.weasy_columns.BALANCED`) kept in the cache folder, for
the next process: the build and the make-up's helper, and the next build.

Why: balancing a column set is a series of trial layouts (about six for a
set that ends an article), and the height found depends only on what the
set's key (:func:`.weasy_columns._set_key`) digests: its boxes, their text
and styles, the faces, its place on the page. In one process the memo
served the make-up's passes already. Across processes: a cold build lays out
again, where it lands, each 栏目 the helper made up (or began to); on a page
of the same hand as the helper's its sets are the helper's (the sample: 571
→ 511 trial layouts in the build's process). A build after an edit lays out
the edited 栏目 again, most of whose sets the edit did not touch (138 → 110).
A key says nothing of the code that laid the set out, so the file is named
by the package's code and the versions of WeasyPrint, Pango, HarfBuzz and Pyphen; a
height remembered that does not fit falls back to the search.

The file lives in the make-up's cache folder (:mod:`.makeup.cache`: a build
without that cache neither reads nor writes heights). It is read when a
process starts a make-up (:func:`start`), read again before a layout when
another process has written it since (:func:`refresh`), and written whole and
renamed, merged with what is there (:func:`keep`): two processes writing at
once lose at most some heights, which only costs the next one trials.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from ..output import atomic_path
from ..paths import code_digest
from . import harfbuzz, weasy_columns

MOST = 10_000  # heights kept (0.6 MB of JSON, read in 6 ms): the most recent (a build of the sample finds 300)
KEPT_FILES = 4  # one per code version: the most recent few

_folder: Path | None = None  # where the heights are kept (None: not at all)
_read_stamp: tuple[int, int] | None = None  # the file's (mtime, size) when last read


@cache
def _versions() -> bytes:
    from importlib.metadata import version

    import weasyprint
    from weasyprint.text.ffi import pango

    versions = f"{weasyprint.__version__} {pango.pango_version()} {harfbuzz.version()} {version('pyphen')}"
    return code_digest() + versions.encode()


def memo_file(folder: Path) -> Path:
    """The file of this code's balanced heights in ``folder``."""
    return folder / f"{hashlib.sha256(_versions()).hexdigest()[:32]}.json"


def start(folder: Path | None) -> None:
    """Use the heights kept in ``folder`` in this process's layouts from now on, and keep those
    found there (None: neither)."""
    global _folder, _read_stamp
    _folder, _read_stamp = folder, None
    refresh()


def refresh() -> None:
    """Take in the heights another process kept since this one last read them."""
    global _read_stamp
    if _folder is None:
        return
    path = memo_file(_folder)
    try:
        stat = path.stat()
    except OSError:
        return
    if (stat.st_mtime_ns, stat.st_size) == _read_stamp:
        return
    found = _read(path)
    _read_stamp = (stat.st_mtime_ns, stat.st_size)
    for key, height in found.items():
        weasy_columns.BALANCED.setdefault(key, height)


def keep() -> None:
    """Write this process's heights to the file, with those another process kept there."""
    global _read_stamp
    if _folder is None or not weasy_columns.BALANCED:
        return
    path = memo_file(_folder)
    kept = {**_read(path), **weasy_columns.BALANCED}
    if len(kept) > MOST:
        kept = dict(list(kept.items())[-MOST:])
    try:
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(kept, separators=(",", ":")), encoding="utf-8")
        stat = path.stat()
        _read_stamp = (stat.st_mtime_ns, stat.st_size)
        files = sorted(_folder.glob("*.json"), key=lambda f: f.stat().st_mtime_ns, reverse=True)
        for old in files[KEPT_FILES:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written only costs the next process trials


def _read(path: Path) -> dict[str, float]:
    """The heights in ``path``; none where it cannot be read whole (a height of another shape is
    left out: the file is only ever written by :func:`keep`)."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool)}

