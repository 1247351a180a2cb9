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

import hashlib
import logging
import pickle
import re
import threading
from collections.abc import Iterable
from functools import cache
from importlib.metadata import version
from pathlib import Path

from .han import HAN_CHAR
from .model import Issue
from .paths import CACHE_DIR, LAYOUTS_DIR

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
def _tokenizer(extra: frozenset[str]):  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in [*house_words(), *sorted(extra)]:
        tokenizer.add_word(word)
        tokenizer.suggest_freq(word, tune=True)
    return tokenizer


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
        _extra = frozenset(w for w in words if len(HAN.findall(w)) >= 2)


def words_in_use() -> frozenset[str]:
    """The issue's words :func:`use_issue_words` made unbreakable."""
    return _extra


def words_of(text: str) -> list[str]:
    """``text`` cut into words as the print edition breaks display text."""
    return list(_cut(text, _extra))


# jieba reads its dictionary for 0.7 s before it cuts anything, longer than the preview takes
# to lay the covers out: the cuts are kept in the cache folder, one file per set of words the
# tokenizer knows, so a process whose display texts were all cut before never loads jieba.
CUTS_CACHE = CACHE_DIR / "words"
_unsaved: set[frozenset[str]] = set()


def _cut(text: str, extra: frozenset[str]) -> tuple[str, ...]:
    cuts = _cuts(extra)
    found = cuts.get(text)
    if found is None:
        found = cuts[text] = tuple(_tokenizer(extra).cut(text, HMM=True))
        _unsaved.add(extra)
    return found


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
