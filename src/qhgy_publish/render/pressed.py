"""The last build's finished pages, kept so that the next build lays out and draws only what changed.

Why: after an edit to one article, laying out and drawing the issue's other
栏目 again gives the very pages the last build wrote (issue 19: a build after
a one-article edit took as long as a build from scratch). The make-up cache
(:mod:`.makeup.cache`) already says how each 栏目 is made up without laying
it out; this keeps what the layout and the PDF writers made of it.

After each ``qhgy build`` of both PDFs, the slot of the issue's folder keeps
a copy of the press and the screen PDF, and for each part of the issue
(front, each 栏目, back) the key it was laid out from
(:func:`.makeup.parts.lay_out_part`: the whole build's key — code, layouts,
fonts, pictures, WeasyPrint, Pango and HarfBuzz — with the part's name, first folio and
HTML), where its pages stand in the two PDFs, what the build reads from each
page (:mod:`.pagefacts`) and the layout's warnings; the EPUB's cover with the
key of what it was drawn from (:func:`.makeup.cover_key`: 封一 and 封二, not the contents, so an
edit that changes a title or a folio does not draw it again). The next build takes a part's pages from
the slot where the key of its final layout is the same, and joins them with
the pages it drew (:mod:`.pdfjoin`, :mod:`.pdf_pair`). A key is a hash of
every input of the part's pages, so a slot never serves a stale page.

The files are written whole and renamed, the index last, with the hash of
each file it describes; a slot is read whole into memory and checked against
those hashes, so a slot half written or written again by a build running
meanwhile is a miss, never a mix.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..output import atomic_path
from ..paths import CACHE_DIR
from .pagefacts import PageFacts

FORMAT = 1  # bump when the index's shape changes
PRESSED_CACHE = CACHE_DIR / "pressed"


@dataclass(frozen=True)
class PressedPart:
    """A part's pages in the slot's PDFs: from page index ``start``, one per fact."""

    key: str
    start: int
    facts: tuple[PageFacts, ...]
    warnings: tuple[str, ...] = ()


@dataclass
class Pressed:
    """A slot read back: the parts by key, and the two PDFs and the cover, in memory."""

    parts: dict[str, PressedPart]
    press: bytes
    screen: bytes
    cover: bytes | None = None
    cover_key: str = ""  # the key of the front the cover was drawn from

    def pdf(self, kind: str) -> bytes:
        """The kept ``kind`` ("press", "screen") PDF."""
        return self.press if kind == "press" else self.screen


class StoredPart(Protocol):
    """What :func:`store` reads of a part (:class:`.makeup.parts.Part`)."""

    key: str
    laid_warnings: tuple[str, ...]

    @property
    def facts(self) -> list[PageFacts]: ...


def slot(root: Path) -> Path:
    """The slot of the issue at ``root`` (one per issue folder: its last build's pages)."""
    return PRESSED_CACHE / hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:24]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load(root: Path) -> Pressed | None:
    """The pages the last build of the issue at ``root`` kept, or None (no slot, or one that
    cannot be read whole)."""
    folder = slot(root)
    try:
        index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
        if index.get("format") != FORMAT:
            return None
        files = {name: (folder / f"{name}.bin").read_bytes() for name in index["files"]}
        if any(_digest(data) != index["files"][name] for name, data in files.items()):
            return None
        parts = {
            entry["key"]: PressedPart(
                entry["key"],
                entry["start"],
                tuple(PageFacts.from_dict(fact) for fact in entry["facts"]),
                tuple(entry["warnings"]),
            )
            for entry in index["parts"]
        }
        return Pressed(parts, files["press"], files["screen"], files.get("cover"), index.get("cover_key", ""))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(root: Path, parts: Sequence[StoredPart], press: Path, screen: Path, cover: bytes | None, cover_key: str) -> None:
    """Keep the finished ``press`` and ``screen`` PDFs of the issue at ``root`` and where each of
    ``parts`` (in page order) stands in them; parts without a key cannot be found again and are
    left out. Nothing is kept when a file cannot be written (the next build lays everything out)."""
    folder = slot(root)
    files = {"press": press.read_bytes(), "screen": screen.read_bytes()}
    if cover is not None:
        files["cover"] = cover
    entries, start = [], 0
    for part in parts:
        facts = part.facts
        if part.key:
            entries.append(
                {"key": part.key, "start": start, "facts": [f.as_dict() for f in facts], "warnings": list(part.laid_warnings)}
            )
        start += len(facts)
    index = {
        "format": FORMAT,
        "files": {name: _digest(data) for name, data in files.items()},
        "parts": entries,
        "cover_key": cover_key if cover is not None else "",
    }
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            with atomic_path(folder / f"{name}.bin") as tmp:
                tmp.write_bytes(data)
        with atomic_path(folder / "index.json") as tmp:
            tmp.write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    except OSError:
        return
    prune()


KEEP = 32  # slots (about 5 MB each, one per issue folder built): the oldest go


def prune(keep: int = KEEP) -> None:
    """Remove all but the ``keep`` slots last written (a proof's or a test's copy of an issue
    leaves a slot nobody builds again)."""
    def written(folder: Path) -> int:
        try:
            return (folder / "index.json").stat().st_mtime_ns
        except OSError:
            return 0  # a slot without its index is no slot: first to go

    slots = sorted((p for p in PRESSED_CACHE.iterdir() if p.is_dir()), key=written, reverse=True)
    for old in slots[keep:]:
        shutil.rmtree(old, ignore_errors=True)
