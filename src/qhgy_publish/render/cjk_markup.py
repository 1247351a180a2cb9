"""Print markup for Chinese text runs: what WeasyPrint needs to set them by clreq.

Applied to every text run of the print templates (the ``runs`` filter):

* punctuation compression: of two adjacent marks, one is set half-width
  (``<span class="h">``, OpenType ``halt``): a closing mark followed by any
  mark shrinks itself, an opening mark after an opening mark shrinks the
  second — so ”，、。（ take 1.5 em instead of 2;
* Han–Latin spacing: a run of Latin letters or digits touching Han text is
  wrapped in ``<span class="hl">`` whose ¼-em margins make the gap (the
  patch in :mod:`weasy_cjk_patch` drops them at line edges);
* kinsoku Pango misses: U+2060 WORD JOINER before · and ～ so they never
  start a line;
* break chances clreq allows and UAX #14 forbids: U+200B before an opening
  quote and after a closing quote next to Han text (quotes are class QU).

The zero-width characters do not reach the PDF's text as visible characters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup, escape

from ..model import Run

OPENING = "“‘（《〈【「『〔〖［｛"
CLOSING = "”’）》〉】」』〕〗］｝、，。：；！？"
MARKS = set(OPENING + CLOSING)
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
LATIN_RUN = re.compile(
    rf"(?<=[{HAN}])[A-Za-z0-9][A-Za-z0-9.%+\-/]*(?<=[A-Za-z0-9%])|[A-Za-z0-9][A-Za-z0-9.%+\-/]*(?<=[A-Za-z0-9%])(?=[{HAN}])"
)
ZWSP, WJ = "\u200b", "\u2060"


def _shrink_flags(text: str) -> list[bool]:
    """Which characters to set half-width: one mark of each adjacent pair."""
    flags = [False] * len(text)
    for i in range(len(text) - 1):
        a, b = text[i], text[i + 1]
        if a in CLOSING and b in MARKS:
            flags[i] = True
        elif a in OPENING and b in OPENING:
            flags[i + 1] = True
    return flags


def _markup_text(text: str, shrink: list[bool]) -> str:
    """Escaped HTML for ``text`` with compression spans, gap spans and break controls."""
    out: list[str] = []
    latin_spans = {m.start(): m.end() for m in LATIN_RUN.finditer(text)}
    i = 0
    while i < len(text):
        if i in latin_spans:
            end = latin_spans[i]
            out.append(f'<span class="hl">{escape(text[i:end])}</span>')
            i = end
            continue
        ch = text[i]
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch in "·～" and prev:
            out.append(WJ)
        if ch in "“‘" and re.match(rf"[{HAN}0-9]", prev):
            out.append(ZWSP)
        piece = str(escape(ch))
        out.append(f'<span class="h">{piece}</span>' if shrink[i] else piece)
        if ch in "”’" and re.match(rf"[{HAN}0-9]", nxt):
            out.append(ZWSP)
        i += 1
    return "".join(out)


def markup(text: str) -> Markup:
    """One plain-text run as print HTML."""
    return Markup(_markup_text(text, _shrink_flags(text)))


def _keep_last_two(runs: Sequence[Run]) -> list[Run]:
    """Join a paragraph's last two characters with U+2060, so no last line holds one character.

    A closing mark already never starts a line (kinsoku), so only a paragraph
    ending in a Han character or a digit needs the joiner.
    """
    out = list(runs)
    if out and len(out[-1].text) >= 2 and out[-1].text[-1] not in CLOSING and not out[-1].text[-2].isspace():
        last = out[-1]
        out[-1] = last.model_copy(update={"text": last.text[:-1] + WJ + last.text[-1]})
    return out


def markup_runs(runs: Sequence[Run]) -> Markup:
    """A paragraph's runs as print HTML; marks pair up across run boundaries."""
    runs = _keep_last_two(runs)
    whole = "".join(r.text for r in runs)
    flags = _shrink_flags(whole)
    out, start = [], 0
    for run in runs:
        end = start + len(run.text)
        html = _markup_text(run.text, flags[start:end])
        if run.strong:
            html = f'<strong class="lead">{html}</strong>'
        if run.em:
            html = f"<em>{html}</em>"
        out.append(html)
        start = end
    return Markup("".join(out))
