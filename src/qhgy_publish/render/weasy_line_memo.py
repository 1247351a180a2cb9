"""Each line WeasyPrint breaks, broken once per process.

Why: the make-up lays a 栏目 out again after each correction, the preview after
each edit, and the column balancing lays each set out at several trial heights;
every time, the line breaker (``split_first_line``) is asked to break the same
paragraph rests at the same widths. Measured on a cold make-up of the test
issue: 39,630 calls, 7,034 of them distinct, 8 s of the make-up's 26 s.

A call's answer follows from its text, the widths and flags it is given, the
style properties the breaker reads (:data:`LINE_PROPERTIES`; a test records
what it reads) and the fonts, and from one piece of state: which line ends the
CJK patch set half-width (``weasy_cjk_patch.HALT_AT_LINE_END``). So the memo
keeps with each answer the *trace* of the call — what it looked up in that
registry and found, what it registered there — and gives the answer again only
where the lookups would find the same now; the caller then replays the trace
(``weasy_cjk_patch._replay``), so the registry and the column trials' watches
end as the call would have left them. The layout object of an answer is copied
out each time: the drawing reactivates it and may change its text.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from weasyprint.text import line_break
from weasyprint.text.line_break import Layout

from .weasy_columns import _fonts_token

# The computed properties split_first_line reads, with what the CJK patch reads while it breaks
# a line (tests/render/test_weasy_line_memo.py records every property read and fails on another).
LINE_PROPERTIES = (
    "direction", "font_family", "font_feature_settings", "font_kerning", "font_language_override",
    "font_size", "font_stretch", "font_style", "font_variant_alternates", "font_variant_caps",
    "font_variant_east_asian", "font_variant_ligatures", "font_variant_numeric",
    "font_variant_position", "font_variation_settings", "font_weight", "hyphenate_character",
    "hyphenate_limit_chars", "hyphenate_limit_zone", "hyphens", "lang", "letter_spacing",
    "line_height", "overflow_wrap", "tab_size", "text_align_all", "text_decoration_line",
    "white_space", "word_break", "word_spacing",
)
ENTRIES_KEPT = 32_768  # a cold make-up of an issue asks for about 7,000
VARIANTS_KEPT = 4  # answers to one question under different registry states

Trace = list[tuple[Any, ...]]
Result = tuple[Any, ...]


class LineMemo:
    """Answers of the line breaker by question, each with the trace of the call that gave it."""

    def __init__(self) -> None:
        self._entries: OrderedDict[tuple, list[tuple[Trace, dict, tuple]]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def clear(self) -> None:
        self._entries.clear()

    def question(self, style: Any, context: Any, *call: Any) -> tuple | None:
        """The key of a call (its arguments but the style and context, and what it reads of the
        style), or None where a value cannot be a key (nothing is kept then)."""
        styles = getattr(context, "__dict__", {}).setdefault("_qhgy_line_styles", {})
        found = styles.get(id(style))
        if found is None:
            # the style is held with its values, so its id is not reused while the layout lasts
            styles[id(style)] = found = (style, _line_values(style))
        if found[1] is None:
            return None
        return (*call, found[1])

    def recall(self, key: tuple, holds: Callable[[Trace], bool]) -> tuple[Trace, Result] | None:
        """The trace and a fresh copy of an answer kept under ``key`` whose trace ``holds`` now."""
        variants = self._entries.get(key)
        if variants is not None:
            for trace, layout, rest in variants:
                if holds(trace):
                    self._entries.move_to_end(key)
                    self.hits += 1
                    return trace, (_copy(layout), *rest)
        self.misses += 1
        return None

    def keep(self, key: tuple, trace: Trace, result: Result) -> None:
        """Keep ``result`` (a layout and figures) under ``key``: of the layout, what it keeps once
        deactivated (its text, widths, metrics), not its Pango objects."""
        layout = result[0]
        if not isinstance(layout, Layout):
            return
        record = {name: value for name, value in vars(layout).items() if name not in _ACTIVE}
        variants = self._entries.setdefault(key, [])
        self._entries.move_to_end(key)
        variants.append((trace, record, tuple(result[1:])))
        del variants[:-VARIANTS_KEPT]
        while len(self._entries) > ENTRIES_KEPT:
            self._entries.popitem(last=False)


def _line_values(style: Any) -> tuple | None:
    """What the line breaker reads of ``style`` and its fonts, or None if it cannot be a key."""
    values = (_fonts_token(style.font_config), *(style[name] for name in LINE_PROPERTIES))
    try:
        hash(values)
    except TypeError:
        return None
    return values


_ACTIVE = ("layout", "language", "style")  # what Layout.deactivate() deletes


def _copy(saved: dict) -> Layout:
    layout = Layout.__new__(Layout)
    layout.__dict__.update(saved)
    return layout


LINES = LineMemo()


def strut(style: Any) -> tuple[float, float]:
    """WeasyPrint's ``strut`` (a style's used line height and baseline), once per style object.

    The layout asks it for every text box and line (4–5 % of a cold make-up, sampled with
    py-spy), and upstream answers from a cache whose key it builds each time as the string
    of 14 style values, which costs more than the answer. A style's values do not change
    once computed (WeasyPrint copies a style before it changes one: first-line, flex items),
    so the answer is kept on the style itself.
    """
    found = style.__dict__.get("_qhgy_strut")
    if found is None:
        found = style.__dict__["_qhgy_strut"] = line_break.strut(style)
    return found
