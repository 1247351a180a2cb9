"""Print markup for Chinese text runs: what WeasyPrint needs to set them by clreq.

Applied to every text run of the print templates (the ``runs`` and ``cjk``
filters):

* punctuation compression: of two adjacent marks, one is set half-width
  (``<span class="h">``, OpenType ``halt``): a closing mark followed by any
  mark shrinks itself, an opening mark after an opening mark shrinks the
  second — so ”，、。（ take 1.5 em instead of 2;
* mixed scripts: a run of Latin letters or digits is found as a whole (URLs,
  e-mail addresses, standards numbers such as ``GB/T 15834—2011``, a number
  with its unit) and wrapped in ``<span class="hl gl gr">`` only where it
  touches a Han character, the ¼-em gap going to that side alone (``gl``
  left, ``gr`` right) — never next to full-width punctuation; the patch in
  :mod:`weasy_cjk_patch` drops a gap at a line edge and never stretches the
  letters of a Latin word. Addresses, standards and numbers with units are
  unbreakable (``nw``); a URL may break after a ``/`` only (the house rule,
  issue 13: a break before a dot would read as the end of a sentence), a product of
  quantities (210 mm×285 mm) after its ×;
* kinsoku Pango misses: U+2060 WORD JOINER before · and ～ so they never
  start a line;
* break chances clreq allows and UAX #14 forbids: U+200B before an opening
  quote (after Han, a digit, a letter or a closing mark) and after a closing
  quote (before Han, a digit, a letter or an opening mark): quotes are class
  QU, which allows no break on either side;
* display text (titles, headings, contents, bylines, credits, captions: the
  ``display`` flag): lines break between words only, never inside a word or
  a name (:mod:`wordbreaks` joins the characters of each word with U+2060).

The zero-width characters do not reach the PDF's text as visible characters.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from .. import words as wordbreaks
from ..han import HAN, HAN_CHAR
from ..model import Run
from ..paths import CACHE_DIR, code_digest
from .weasy_cjk_patch import CLOSING, OPENING, pair_halts

MARKS = set(OPENING + CLOSING)
_HAN = HAN_CHAR
ZWSP, WJ = "\u200b", "\u2060"
ZERO_WIDTH = ZWSP + WJ

_UNIT = r"(?:mm|cm|km|m|kg|g|t|pt|px|dpi|ppi|KB|MB|GB|TB|kB|Hz|kHz|MHz|GHz|kW|W|kV|V|mA|A|ms|s|min|h|%|‰|℃|°C)"
# Whole Latin runs, most specific first. A run never starts or ends with punctuation.
_URL = r"(?:https?|ftp)://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*[A-Za-z0-9/_\-=#]"
_EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
_STANDARD = r"(?:GB/T|GB/Z|GB|ISO/IEC|ISO|IEC|EN|DIN|JIS|ANSI|ECMA|YY/T|JT/T|DL/T|HJ|RFC)\s?\d+(?:[.\-]\d+)*(?:[—–\-:]\d{4})?"
_QUANTITY = rf"\d+(?:[.,]\d+)*\s?{_UNIT}(?:\s?[×x]\s?\d+(?:[.,]\d+)*\s?{_UNIT})*(?![A-Za-z])"
_WORD = r"[A-Za-z0-9](?:[A-Za-z0-9.\-/:@_+#&'’]*[A-Za-z0-9%/+#])?"
LATIN_RUN = re.compile(
    rf"(?P<url>{_URL})|(?P<email>{_EMAIL})|(?P<std>{_STANDARD})|(?P<qty>{_QUANTITY})"
    rf"|(?P<words>{_WORD}(?: {_WORD})*)"
)
_URL_BREAK = re.compile(r"(?<=/)(?=[^/])")  # after a /, the last of // included: https:// | www…
_TIMES_BREAK = re.compile(r"(?<=×)")  # 210 mm× | 285 mm: each quantity whole, the product may break


@dataclass(frozen=True)
class _Latin:
    end: int
    kind: str  # url, email, std, qty, words
    gap_left: bool
    gap_right: bool


def _shrink_flags(text: str, bounds: Sequence[tuple[int, int]]) -> list[bool]:
    """Marks to set half-width with a ``span.h``: those of a run of adjacent marks that straddles
    two source runs (a bold lead and the text after it, a paragraph and its credit). Marks
    inside one run are set half-width by the layout patch, which keeps the run one piece of
    text (:func:`.weasy_cjk_patch.pair_halts`); a chain that a span cuts is marked up whole,
    so each of its pairs is seen together."""
    flags = pair_halts(text)
    starts = {a for a, _ in bounds[1:]}
    out = [False] * len(text)
    i = 0
    while i < len(text):
        if text[i] not in MARKS:
            i += 1
            continue
        j = i
        while j + 1 < len(text) and (text[j + 1] in MARKS or text[j + 1] in ZERO_WIDTH):
            j += 1
        if any(i < start <= j for start in starts):
            for k in range(i, j + 1):
                out[k] = flags[k]
        i = j + 1
    return out


def _latin_runs(text: str, cuts: set[int]) -> dict[int, _Latin]:
    """Latin runs by start index; a run never crosses a ``cut`` (a boundary between source runs)."""
    runs: dict[int, _Latin] = {}
    for m in LATIN_RUN.finditer(text):
        start, end = m.span()
        inner_cuts = sorted(c for c in cuts if start < c < end)
        pieces = list(zip([start, *inner_cuts], [*inner_cuts, end], strict=True))
        kind = m.lastgroup or "words"
        for a, b in pieces:
            gap_left = a > 0 and bool(_HAN.match(text[a - 1]))
            gap_right = b < len(text) and bool(_HAN.match(text[b]))
            runs[a] = _Latin(b, kind if len(pieces) == 1 else "words", gap_left, gap_right)
    return runs


def _latin_html(text: str, kind: str) -> str:
    if kind == "url":
        return "".join(
            f'<span class="nw">{escape(piece)}</span>' + ZWSP for piece in _URL_BREAK.split(text)
        ).removesuffix(ZWSP)
    if kind == "qty":
        return ZWSP.join(f'<span class="nw">{escape(piece)}</span>' for piece in _TIMES_BREAK.split(text) if piece)
    if kind in ("email", "std"):
        return f'<span class="nw">{escape(text)}</span>'
    return str(escape(text))


def _markup_text(
    text: str,
    shrink: Sequence[bool],
    latin: dict[int, _Latin],
    glue: Sequence[bool],
    offset: int,
    end: int,
) -> str:
    """Escaped HTML for ``text[offset:end]`` with compression spans, gap spans and break controls."""
    out: list[str] = []
    i = offset
    while i < end:
        if (run := latin.get(i)) is not None:
            inner = _latin_html(text[i : run.end], run.kind)
            classes = ["hl"] * (run.gap_left or run.gap_right)
            classes += ["gl"] * run.gap_left + ["gr"] * run.gap_right
            out.append(f'<span class="{" ".join(classes)}">{inner}</span>' if classes else inner)
            i = run.end
            if glue[i - 1] and i < end:
                out.append(WJ)  # 第1版: the number and its measure word stay on one line
            continue
        ch = text[i]
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch in "·～" and prev:
            out.append(WJ)
        if ch in "“‘" and prev and (re.match(rf"[{HAN}0-9A-Za-z]", prev) or prev in CLOSING):
            out.append(ZWSP)
        piece = str(escape(ch))
        out.append(f'<span class="h">{piece}</span>' if shrink[i] else piece)
        if ch in "”’" and nxt and (re.match(rf"[{HAN}0-9A-Za-z]", nxt) or nxt in "“‘（《〈【「『〔〖"):
            out.append(ZWSP)
        elif glue[i] and i + 1 < end:
            out.append(WJ)
        i += 1
    return "".join(out)


def markup(text: str, *, display: bool = False, whole: bool = False, phrases: bool = False) -> Markup:
    """One plain-text run as print HTML.

    ``display``: break between words only; ``whole``: never break at all (a
    short credit such as （同仁市总工会） moves to the next line whole).
    """
    return markup_runs([Run(text=text)], display=display, whole=whole, phrases=phrases)


def _keep_last_two(runs: tuple[_Run, ...]) -> tuple[_Run, ...]:
    """Join a paragraph's last two characters with U+2060, so no last line holds one character.

    A closing mark already never starts a line (kinsoku), so only a paragraph
    ending in a Han character or a digit needs the joiner.
    """
    if runs and len(runs[-1][0]) >= 2 and runs[-1][0][-1] not in CLOSING and not runs[-1][0][-2].isspace():
        text, strong, em = runs[-1]
        return (*runs[:-1], (text[:-1] + WJ + text[-1], strong, em))
    return runs


_Run = tuple[str, bool, bool]  # a run's text, strong, em: all the markup reads of it


def markup_runs(
    runs: Sequence[Run],
    *,
    display: bool = False,
    whole: bool = False,
    phrases: bool = False,
    paragraph: bool = False,
) -> Markup:
    """Runs as print HTML; marks pair up and Latin runs are found across run boundaries.

    A run in 楷体 (``em``: a source or credit at a paragraph's end) is
    display text inside a paragraph: it breaks between words only, and a
    short credit not at all. A run-in lead (一是、a profile's name) is body
    text: gluing its words would spread the lines beside a profile photo.
    """
    plain = tuple((r.text, r.strong, r.em) for r in runs)
    words = wordbreaks.words_in_use()
    kept = _kept(words)
    key = (plain, display, whole, phrases, paragraph)
    if (found := kept.get(key)) is None:
        found = kept[key] = _markup_runs(plain, display, whole, phrases, paragraph, words)
        _unsaved.add(words)
    return found


# Every build renders each 栏目's HTML for its cache keys before anything is laid out: the
# markup of the whole issue's text, 0.2 s of a build after a one-article edit and 0.35 s of a
# cold one (0.2 s more in the make-up's helper). It is kept in the cache folder, one file per
# set of words in use, named by everything it depends on (this code, jieba's cuts: the words'
# own file), so a process finds the markup of every text an earlier one set.
MARKUP_CACHE = CACHE_DIR / "markup"
KEPT_FILES = 8
_unsaved: set[frozenset[str]] = set()


@cache
def _code() -> bytes:
    """The code the markup depends on: this package's (the marks of weasy_cjk_patch, the classes
    of han, the cuts of words), read once a process."""
    return code_digest()


def _kept_file(words: frozenset[str]) -> Path:
    key = hashlib.sha256(_code() + wordbreaks.cuts_file(words).name.encode())
    return MARKUP_CACHE / f"{key.hexdigest()[:32]}.pickle"


@cache
def _kept(words: frozenset[str]) -> dict[tuple, Markup]:
    try:
        with _kept_file(words).open("rb") as stream:
            found = pickle.load(stream)
        if isinstance(found, dict):
            return found
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError):
        pass
    return {}


def keep_markups() -> None:
    """Write the markup set since the last call to the cache folder (after a build's make-up),
    with what another process wrote there meanwhile (the make-up's helper)."""
    from ..output import atomic_path

    while _unsaved:
        words = _unsaved.pop()
        path = _kept_file(words)
        try:
            with path.open("rb") as stream:
                there = pickle.load(stream)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError):
            there = {}
        kept = {**there, **_kept(words)} if isinstance(there, dict) else _kept(words)
        try:
            with atomic_path(path) as tmp, tmp.open("wb") as stream:
                pickle.dump(kept, stream, protocol=pickle.HIGHEST_PROTOCOL)
            # A file per set of words (an edited title may add one): the most recent few are kept.
            files = sorted(MARKUP_CACHE.glob("*.pickle"), key=lambda f: f.stat().st_mtime_ns, reverse=True)
            for old in files[KEPT_FILES:]:
                old.unlink(missing_ok=True)
        except OSError:
            pass  # a cache that cannot be written only costs the next process time


@lru_cache(maxsize=50_000)
def _markup_runs(
    runs: tuple[_Run, ...], display: bool, whole: bool, phrases: bool, paragraph: bool, words: frozenset[str]
) -> Markup:
    """:func:`markup_runs`, kept per text: the make-up renders a 栏目's HTML several times a build
    (its cache keys, each correction) and the preview after every save. ``words``: the words in use."""
    if paragraph:
        runs = _keep_last_two(runs)
    whole_text = "".join(text for text, _, _ in runs)
    bounds, start = [], 0
    for text, _, _ in runs:
        bounds.append((start, start + len(text)))
        start += len(text)
    flags = _shrink_flags(whole_text, bounds)
    latin = _latin_runs(whole_text, {a for a, _ in bounds[1:]})
    glue = [False] * len(whole_text)
    for (text, _, em), (a, b) in zip(runs, bounds, strict=True):
        if whole or (em and _is_credit(text)):
            glue[a : b - 1] = [True] * max(b - 1 - a, 0)
        elif display or em:
            glue[a:b] = wordbreaks.no_break_after(text)
            if phrases:
                glue[a:b] = [x or y for x, y in zip(glue[a:b], wordbreaks.phrase_glue(text), strict=True)]
    out = []
    for (_, strong, em), (a, b) in zip(runs, bounds, strict=True):
        html = _markup_text(whole_text, flags, latin, glue, a, b)
        if strong:
            html = f'<strong class="lead">{html}</strong>'
        if em:
            html = f"<em>{html}</em>"
        out.append(html)
    return Markup("".join(out))


CREDIT_MAX = 16  # a credit up to this many characters is never broken


def _is_credit(text: str) -> bool:
    """A short parenthesised unit credit （省总办公室） rather than a long source line."""
    return text.startswith("（") and text.endswith("）") and len(text) <= CREDIT_MAX and "来源" not in text


def paragraph_runs(runs: Sequence[Run]) -> Markup:
    """A body paragraph's runs (no one-character last line)."""
    return markup_runs(runs, paragraph=True)


def title_markup(title: str) -> Markup:
    """A display title: its deliberate line breaks (new lines in the source) kept, a “|” in
    it marking where a line may break (inside a word too), words whole everywhere else."""
    lines = []
    for line in title.split("\n"):
        pieces = [markup(piece, display=True, phrases=True) for piece in line.split(BREAK_HINT) if piece]
        lines.append(Markup(ZWSP).join(pieces))
    return Markup("<br/>").join(lines)


BREAK_HINT = "|"


def contents_entry(title: str, author: str, page: object) -> Markup:
    """A contents entry: the title (and “/ author”), dot leaders, the page number.

    The title breaks between words; its last word (or the whole “/ author”)
    stays on one line with the leaders and the number, so the leaders never
    stand on a line of their own and the number never wraps alone
    (layouts/print/magazine.css sets the number in the entry's right padding).
    """
    number = Markup(f'<span class="toc-page">{escape(str(page))}</span>')
    if author:
        head = markup(title, display=True)
        end = Markup(f'<span class="toc-author">/ {markup(author, whole=True)}</span>')
    else:
        words = wordbreaks.words_of(title)
        last = words.pop() if len(words) > 1 else ""
        # A mark, or one character with its marks (“保障网” cut 保障|网|”): take the word before.
        while words and sum(ch.isalnum() for ch in last) < 2 and words[-1].strip():
            last = words.pop() + last
        head = markup("".join(words), display=True)
        end = markup(last, whole=True)
    return Markup(f'<span class="toc-title">{head}</span><span class="toc-end">{end}{number}</span>')
