"""Where display text may break: between words, never inside a word or a name.

Chinese allows a line break between any two characters, and body text uses
that freedom. Display text — titles, headings, contents entries, bylines,
credits, captions, names — must not: “王 / 大南” or “攻 / 坚战” in a title is
the error a Party periodical must never print. Words are found by jieba, fed
with the house dictionary (``layouts/words.txt``), the words the issue itself
declares (``words:`` in issue.yaml) and the names it knows (bylines, 编委会).
Dates, ordinals and numbers with their measure word (2025年1月22日, 第1版,
50万元) are kept whole as well.

:func:`use_issue_words` is called once per layout with the issue's words;
:func:`no_break_after` then answers, character by character, whether a line
may break after it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import pickle
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterable
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from .han import HAN_CHAR
from .paths import CACHE_DIR, LAYOUTS_DIR

if TYPE_CHECKING:
    from .model import Issue

HOUSE_WORDS = LAYOUTS_DIR / "words.txt"
HAN = HAN_CHAR
CN_NUM = "〇一二三四五六七八九十百千万亿两零"
# Units a line must not split: a date, an ordinal, a number with its measure word.
_WHOLE = re.compile(
    rf"\d{{4}}年(?:\d{{1,2}}月(?:\d{{1,2}}日)?)?"
    rf"|\d{{1,2}}月\d{{1,2}}日"
    rf"|第[\d{CN_NUM}]+[版期条章款项号届次批轮个]"
    rf"|[\d{CN_NUM}]+(?:\.\d+)?[多余]?[万亿千百]?[年月日时分秒元名人次家项个条件场期届岁户所座天辆台套吨亩米]"
)
# Breaking is allowed around the source's own break hint, “|” (the markup removes it).
BREAK_HINT = "|"

_lock = threading.Lock()
_extra: frozenset[str] = frozenset()


@cache
def _base_tokenizer():  # type: ignore[no-untyped-def]
    """jieba with its dictionary (0.3 s to read: see _WholeFileMarshal) and the house words."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.marshal = _WholeFileMarshal
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    _add_words(tokenizer, house_words())
    return tokenizer


class _WholeFileMarshal:
    """The ``marshal`` jieba reads its dictionary's cache with (jieba 0.42.1, ``jieba.marshal``),
    reading the file whole first: ``marshal.load`` of a file object asks it for each of the
    cache's million keys and values in turn, 1.2–1.5 s for jieba's 9 MB; ``marshal.loads`` of
    its bytes takes 0.3 s. The dictionary read is the same."""

    dump = staticmethod(marshal.dump)  # jieba writes the cache with it when it has none

    @staticmethod
    def load(stream):  # type: ignore[no-untyped-def]
        return marshal.loads(stream.read())


@cache
def _tokenizer(extra: frozenset[str]):  # type: ignore[no-untyped-def]
    """jieba knowing the house words, then ``extra``: the base's dictionary copied (a few
    hundredths of a second), not read again, for each issue's words."""
    import jieba

    base = _base_tokenizer()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total = dict(base.FREQ), base.total
    tokenizer.user_word_tag_tab = dict(base.user_word_tag_tab)
    tokenizer.initialized = True
    _add_words(tokenizer, sorted(extra))
    return tokenizer


def _add_words(tokenizer, words: Iterable[str]) -> None:  # type: ignore[no-untyped-def]
    for word in words:
        tokenizer.add_word(word)
        tokenizer.suggest_freq(word, tune=True)


@cache
def house_words() -> tuple[str, ...]:
    """The words of ``layouts/words.txt`` (one per line, ``#`` starts a comment)."""
    if not HOUSE_WORDS.exists():
        return ()
    words = []
    for line in HOUSE_WORDS.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip().split(" ")[0]
        if word:
            words.append(word)
    return tuple(words)


def use_issue_words(words: Iterable[str]) -> None:
    """Make ``words`` (names, an issue's own terms) unbreakable in the display text laid out next."""
    global _extra
    with _lock:
        _extra = _kept_whole(words)


def _kept_whole(words: Iterable[str]) -> frozenset[str]:
    return frozenset(w for w in words if len(HAN.findall(w)) >= 2)


def cut_before(words: Iterable[str]) -> bool:
    """Whether a process has cut display text with ``words`` as the issue's words (and this
    jieba, these house words): False for an issue no build has laid out with this code yet."""
    return _cuts_file(_kept_whole(words)).exists()


def words_in_use() -> frozenset[str]:
    """The issue's words :func:`use_issue_words` made unbreakable."""
    return _extra


def words_of(text: str) -> list[str]:
    """``text`` cut into words as the print edition breaks display text."""
    return list(_cut(text, _extra))


# jieba reads its dictionary for 0.4 s before it cuts anything, longer than the preview takes
# to lay the covers out: the cuts are kept in the cache folder, one file per set of words the
# tokenizer knows, so a process whose display texts were all cut before never loads jieba.
CUTS_CACHE = CACHE_DIR / "words"
_unsaved: set[frozenset[str]] = set()


def _cut(text: str, extra: frozenset[str]) -> tuple[str, ...]:
    cuts = _cuts(extra)
    found = cuts.get(text)
    if found is None:
        cutter = _cutter  # another thread may end it meanwhile
        found = cutter.cut(text, extra) if cutter is not None else None
        if found is None:
            found = tuple(_tokenizer(extra).cut(text, HMM=True))
        cuts[text] = found
        _unsaved.add(extra)
    return found


class _Cutter:
    """jieba in a helper process, which reads its dictionary on the second core while this one
    starts (the preview: reading the sources, importing WeasyPrint); then every text the cache
    does not hold is cut there, and this process never reads the dictionary.

    A fresh interpreter (see render/makeup/ahead.py for why not multiprocessing) in its own
    process group (the terminal's Ctrl-C is the preview's), ending when this process closes its
    end of the pipe or dies."""

    def __init__(self) -> None:
        package = Path(__file__).resolve().parents[1]  # the folder holding qhgy_publish
        path = [str(package), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
        self._lock = threading.Lock()
        self._process = subprocess.Popen(
            [sys.executable, "-c", "from qhgy_publish.words import serve_cuts; serve_cuts()", str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(path)},
            process_group=0,
        )

    def cut(self, text: str, extra: frozenset[str]) -> tuple[str, ...] | None:
        """``text`` as the helper cuts it; None when the helper is gone (then this process cuts)."""
        global _cutter
        with self._lock:
            try:
                assert self._process.stdin is not None and self._process.stdout is not None
                pickle.dump((text, extra), self._process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                self._process.stdin.flush()
                found = pickle.load(self._process.stdout)
            except (OSError, EOFError, pickle.UnpicklingError, ValueError):
                _cutter = None
                self.stop()
                return None
        return found if isinstance(found, tuple) else None

    def stop(self) -> None:
        """End the helper now (it may be reading the dictionary still: nothing to finish)."""
        self._process.kill()
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


_cutter: _Cutter | None = None


def cut_ahead() -> None:
    """Cut the display texts this process has not cut before in a helper process (see _Cutter):
    for a long-lived process whose first pages wait on them (the preview). Nothing to do when
    jieba is loaded here already."""
    global _cutter
    if _cutter is None and "jieba" not in sys.modules:
        with contextlib.suppress(OSError):  # no process to start: this one cuts, as a build does
            _cutter = _Cutter()


def stop_cutting_ahead() -> None:
    """End the helper of :func:`cut_ahead`, if there is one (the preview's exit)."""
    global _cutter
    cutter, _cutter = _cutter, None
    if cutter is not None:
        cutter.stop()


def serve_cuts() -> None:
    """The helper of :class:`_Cutter`: read jieba's dictionary, then cut each text asked for on
    standard input (pickled ``(text, words)``) and write its words (pickled) to standard output,
    until standard input closes."""
    from .output import stop_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the preview's Ctrl-C: the closed pipe ends us
    stop_with_parent(int(sys.argv[1]))
    requests, replies = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything else printed goes where the errors go, not into the replies
    _base_tokenizer()
    while True:
        try:
            text, extra = pickle.load(requests)
        except (EOFError, OSError, pickle.UnpicklingError):
            return
        pickle.dump(tuple(_tokenizer(extra).cut(text, HMM=True)), replies, protocol=pickle.HIGHEST_PROTOCOL)
        replies.flush()


@cache
def _cuts(extra: frozenset[str]) -> dict[str, tuple[str, ...]]:
    try:
        with _cuts_file(extra).open("rb") as stream:
            found = pickle.load(stream)
        if isinstance(found, dict):
            return found
    except (OSError, pickle.UnpicklingError, EOFError, ValueError):
        pass
    return {}


def cuts_file(extra: frozenset[str]) -> Path:
    """The file of the cuts made with ``extra`` as the issue's words (its name says what they depend on)."""
    return _cuts_file(extra)


@cache
def _cuts_file(extra: frozenset[str]) -> Path:
    """Everything a cut depends on names the file: jieba and its dictionary, the house words, the
    issue's words, and this module (how the tokenizer is made)."""
    key = hashlib.sha256()
    for part in (version("jieba"), *house_words(), "\0", *sorted(extra), "\0"):
        key.update(part.encode() + b"\n")
    key.update(Path(__file__).read_bytes())
    return CUTS_CACHE / f"{key.hexdigest()[:32]}.pickle"


def keep_cuts() -> None:
    """Write the cuts made since the last call to the cache folder (after each layout)."""
    from .output import atomic_path

    while _unsaved:
        extra = _unsaved.pop()
        try:
            with atomic_path(_cuts_file(extra)) as tmp, tmp.open("wb") as stream:
                pickle.dump(dict(_cuts(extra)), stream, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:
            pass  # a cache that cannot be written only costs the next process time


def no_break_after(text: str) -> list[bool]:
    """Per character of ``text``: True where a line must not break after it."""
    return list(_no_break_after(text, _extra))


@cache
def _no_break_after(text: str, extra: frozenset[str]) -> tuple[bool, ...]:
    glue = [False] * len(text)
    position = 0
    for word in _cut(text, extra):
        if len(word) >= 2 and HAN.search(word):
            for i in range(position, position + len(word) - 1):
                glue[i] = True
        position += len(word)
    for m in _WHOLE.finditer(text):
        for i in range(m.start(), m.end() - 1):
            glue[i] = True
    return tuple(glue)


PHRASE_MAX = 16  # a part of a title up to this many characters between spaces is kept whole
_STRONG = re.compile(r"[ \u3000]+|——")
_MEDIUM = set("、，：；")


def phrase_glue(text: str) -> list[bool]:
    """For titles: True after each character inside a short part between spaces or dashes.

    Multi-part titles (“吴晓军罗东川等应邀出席 公保扎西作政协常委会工作报告 …”)
    break between their parts, not between the words of a part; a part may
    still break after 、，：； inside it.
    """
    glue = [False] * len(text)
    start = 0
    bounds = [m.span() for m in _STRONG.finditer(text)] + [(len(text), len(text))]
    for a, b in bounds:
        part = text[start:a]
        if 1 < len(part) <= PHRASE_MAX and _STRONG.search(text) is not None:
            for i in range(start, a - 1):
                glue[i] = text[i] not in _MEDIUM
        start = b
    return glue


def issue_words(issue: Issue) -> list[str]:
    """Words display text must keep whole in this issue: its declared words and the names it knows."""
    meta = issue.meta
    names = [n for role in meta.board for n in role.names]
    names += [b.name for a in issue.all_articles for b in a.meta.bylines]
    names += [a.meta.toc_author for a in issue.all_articles if a.meta.toc_author]
    return [*meta.words, *names]
