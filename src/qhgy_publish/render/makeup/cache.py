"""The make-up's decisions kept between builds, one entry per 栏目 make-up.

Why: a 栏目 is laid out two to eight times while the rules correct it
(30 of the sample issue's 37 layouts), and WeasyPrint's layouts cannot be
kept outside the process. What the make-up decided can: the final plan,
what it did and could not do, the page count and where each article starts.
A build whose 栏目 inputs are unchanged lays that 栏目 out once, with the
plan it got last time; after an edit only the edited 栏目 is made up again.

A 栏目 that an edit before it moved to another folio is made up as it was
where it stood before: each entry is also stored under a key without the
folio (:func:`moved_key`), and found that way it is laid out once at its new
folio and used only if every text and picture stands where it stood
(:func:`.measure.shape`). The pages are mirrored around a type area of one
size and the rules read the type area, not the folio or the side, so the
make-up decides the same wherever the 栏目 starts (tests/render/test_makeup_cache.py
makes up 栏目 of both issues at two folios and compares).

An entry is keyed by the hash of everything the make-up of that 栏目 reads:
its HTML before any correction (the articles, the words, the folio it
starts on, the templates' output), the pictures that HTML shows (by name,
size and time: :func:`pictures`), its model, the 补白 it may use and their
heights, the make-up's own parameters (and the entry it continues from), and
for the whole build the code, the layouts, the fonts and the versions of
WeasyPrint, Pango and HarfBuzz. A picture replaced (a stand-in by the real photo) makes up again
only the 栏目 that show it. The issue's folder is named in them by a stand-in
(:func:`portable`): a copy of the issue elsewhere finds the same entries.
Entries are written whole (to a temporary file, then renamed), so an
interrupted build leaves no half entry; an entry that cannot be read is a
miss. ``QHGY_MAKEUP_CACHE=0`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import MappingProxyType
from urllib.parse import unquote

import weasyprint

from ...fonts import face_files
from ...model import Filler, Issue
from ...paths import CACHE_DIR, FONTS_DIR, PACKAGE_DIR, code_digest, layout_dirs
from ..harfbuzz import version as harfbuzz_version
from .plan import Plan
from .rules import Action

FORMAT = 3  # bump when the entry's shape changes
MAKEUP_CACHE = CACHE_DIR / "makeup"
PACKAGE = PACKAGE_DIR  # the code that decides


@dataclass(frozen=True)
class Decisions:
    """What one make-up of one 栏目 decided and found (all the build needs without its layout)."""

    plan: Plan
    actions: list[Action]
    unfilled: list[Action]
    loose: list[Action]
    passes: int
    pages: int
    starts: dict[str, int] = field(default_factory=dict)  # article id → page index of its head
    last_fill: float = 1.0  # how far down its last page the text reaches
    tried: frozenset[str] = frozenset()  # the fixes tried (a second round goes on without them)
    emptiest: float = 1.0  # how full its emptiest page is
    shape: str = ""  # every text and picture of its layout where it stands in the type area (measure.shape)
    moved: str = ""  # its key wherever the 栏目 starts (see moved_key)
    room: list[Action] = field(default_factory=list)  # pages with room for a 补白 (makeup.room_left)
    beside: list[Action] = field(default_factory=list)  # pictures far taller than the text beside them


def enabled() -> bool:
    return os.environ.get("QHGY_MAKEUP_CACHE", "1") != "0"


def _files(folder: Path, pattern: str = "*") -> list[Path]:
    return sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)


def portable(text: str, issue: Issue) -> str:
    """``text`` (a path, a model's JSON, HTML with file URLs) with the issue's folder named by a
    stand-in: a copy of the issue in another place (a folder moved or renamed, a proof's copy, the
    tests' copies) finds the make-ups the original made. What the layout reads inside the folder
    is keyed by its content (HTML, model, layouts) or by its name, size and time (pictures), so
    the folder's own place decides nothing."""
    root = issue.root
    return text.replace(root.as_uri(), "file://<issue>").replace(str(root), "<issue>")


def pictures(html: str, issue: Issue) -> str:
    """The issue's files ``html`` shows (its pictures), each by its name, size and time: the key
    of a layout holds those of its HTML, so a picture replaced under the same name (a stand-in by
    the real photo) moves the keys of the parts that show it, and only theirs."""
    root = issue.root
    named = {Path(unquote(url.removeprefix("file://"))) for url in _FILE_URL.findall(html)}
    found = []
    for path in sorted(p for p in named if p.is_relative_to(root)):
        try:
            stat = path.stat()
            found.append(f"{portable(str(path), issue)} {stat.st_size} {stat.st_mtime_ns}")
        except OSError:
            found.append(f"{portable(str(path), issue)} -")
    return "\n".join(found)


_FILE_URL = re.compile(r"file://[^\"'\s)<>]+")


def build_key(issue: Issue) -> str:
    """The part of every key that is the same for the whole build: code, layouts, fonts (the
    pictures are in the keys of the parts that show them: :func:`pictures`)."""
    from weasyprint.text.ffi import pango

    # WeasyPrint, Pango and HarfBuzz (the system's: they break, shape and measure the lines) by
    # their versions
    versions = f"{FORMAT} {weasyprint.__version__} {pango.pango_version()} {harfbuzz_version()}"
    digest = hashlib.sha256(versions.encode())
    digest.update(code_digest(PACKAGE))
    for path in [f for d in layout_dirs(issue.root) if d.is_dir() for f in _files(d)]:
        digest.update(portable(str(path), issue).encode() + b"\0" + path.read_bytes())
    for path in [*_files(FONTS_DIR), *face_files()]:
        stat = path.stat()  # the font files are large: their size and time stand for their content
        digest.update(f"{portable(str(path), issue)} {stat.st_size} {stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def column_key(
    build: str,
    issue: Issue,
    index: int,
    first_folio: int | None,
    html: str,
    pool: list[Filler],
    heights: dict[str, float],
    tail: float,
    start: str,
) -> str:
    digest = hashlib.sha256()
    for piece in (
        build,
        f"{index} {first_folio} {tail!r} {start}",
        portable(issue.columns[index - 1].model_dump_json(), issue),
        portable(html, issue),
        pictures(html, issue),
        *(portable(f.model_dump_json(), issue) for f in pool),
        repr(sorted(heights.items())),
    ):
        digest.update(piece.encode() + b"\0")
    return digest.hexdigest()


def moved_key(
    build: str, issue: Issue, index: int, html: str, pool: list[Filler], heights: dict[str, float], tail: float, start: str
) -> str:
    """The key of a make-up wherever its 栏目 starts: ``html`` is the 栏目's HTML as it would start
    on folio 1 (``start``: the moved key of the make-up a second round goes on from)."""
    return column_key(build, issue, index, None, html, pool, heights, tail, start)


def free_key(build: str, issue: Issue, index: int, html: str, heights: dict[str, float], tail: float) -> str:
    """The key of a make-up that never looked for 补白: the same with any pool, wherever its 栏目
    starts (``html`` as in :func:`moved_key`)."""
    return column_key(build, issue, index, None, html, [], heights, tail, "any 补白")


def seen_key(build: str, issue: Issue, index: int, html: str) -> str:
    """The key that says a 栏目 of this text was made up before, with some 补白 and on some folio
    (``html`` as in :func:`moved_key`): the next build will most likely find its make-up."""
    return column_key(build, issue, index, None, html, [], {}, 0, "seen")


def seen(key: str) -> bool:
    return _read(key) == "seen"


def store_seen(key: str) -> None:
    _write(key, "seen")


def _plain(plan: Plan) -> dict:
    """The plan's fields as plain dicts (a mappingproxy cannot be pickled)."""
    return {f.name: dict(v) if isinstance(v, Mapping) else v for f in fields(plan) for v in [getattr(plan, f.name)]}


def _plan(plain: dict) -> Plan:
    return Plan(**{k: MappingProxyType(v) if isinstance(v, dict) else v for k, v in plain.items()})


def load(key: str) -> Decisions | None:
    found = _read(key)
    if not (isinstance(found, tuple) and len(found) == 2 and isinstance(found[1], Decisions)):
        return None
    try:
        return replace(found[1], plan=_plan(found[0]))
    except (TypeError, ValueError):
        return None


def store(key: str, decisions: Decisions) -> None:
    _write(key, (_plain(decisions.plan), replace(decisions, plan=None)))  # type: ignore[arg-type]


def fit_key(build: str, issue: Issue, words: list[str], covers: str) -> str:
    """The key of the step 封二 is set smaller by to fit its page: its page comes before the
    contents, so only the cover, 封二, their pictures (those ``covers``, their HTML, shows) and
    the issue's words (``words``) decide it."""
    digest = hashlib.sha256(f"{build}\0fit\0{portable(issue.meta.model_dump_json(), issue)}\0{sorted(words)}".encode())
    for article in issue.inside_front:
        digest.update(portable(article.model_dump_json(), issue).encode() + b"\0")
    digest.update(pictures(covers, issue).encode())
    return digest.hexdigest()


def load_fit(key: str) -> int | None:
    return _number(key, "fit")


def store_fit(key: str, step: int) -> None:
    _write(key, ("fit", step))


def load_front(fit: str) -> int | None:
    """The front's page count in the last build with this 封二 (``fit``: its :func:`fit_key`)."""
    return _number(_front_key(fit), "front")


def store_front(fit: str, pages: int) -> None:
    _write(_front_key(fit), ("front", pages))


def _front_key(fit: str) -> str:
    return hashlib.sha256(f"{fit}\0front".encode()).hexdigest()


def heights_key(build: str, issue: Issue, html: str) -> str:
    """The key of the 补白's heights: the build's key and the HTML they were measured from."""
    return hashlib.sha256(f"{build}\0fills\0{portable(html, issue)}\0{pictures(html, issue)}".encode()).hexdigest()


def load_heights(key: str) -> dict[str, float] | None:
    found = _read(key)
    if isinstance(found, tuple) and len(found) == 2 and found[0] == "heights" and isinstance(found[1], dict):
        return found[1]
    return None


def store_heights(key: str, heights: dict[str, float]) -> None:
    _write(key, ("heights", heights))


def _number(key: str, kind: str) -> int | None:
    """The number an entry of ``kind`` holds (封二's fit step, the front's pages), or None."""
    found = _read(key)
    if isinstance(found, tuple) and len(found) == 2 and found[0] == kind and isinstance(found[1], int):
        return found[1]
    return None


def _read(key: str) -> object | None:
    """The entry under ``key``; None when there is none or it cannot be read."""
    try:
        with (MAKEUP_CACHE / f"{key}.pickle").open("rb") as stream:
            return pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None


def _write(key: str, entry: object) -> None:
    """Write the entry whole or not at all (a build may be interrupted, or run twice at once)."""
    try:
        MAKEUP_CACHE.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=MAKEUP_CACHE, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as stream:
                pickle.dump(entry, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, MAKEUP_CACHE / f"{key}.pickle")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune()
    except OSError:
        pass  # a cache that cannot be written only costs the next build time


KEEP = 400  # entries (a few KB each): every code change starts new ones, so the oldest go


def _prune() -> None:
    entries = list(MAKEUP_CACHE.glob("*.pickle"))
    if len(entries) <= KEEP:
        return
    by_age = sorted(entries, key=lambda p: p.stat().st_mtime_ns)
    for old in by_age[: len(entries) - KEEP]:
        old.unlink(missing_ok=True)
