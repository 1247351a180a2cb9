"""Inter-character justification and Han–Latin gap trimming for Chinese, in WeasyPrint 70.

Why: WeasyPrint justifies by widening spaces only (``count_expandable_spaces``
counts U+0020/U+00A0), and Chinese has none, so a justified Chinese column
stays ragged (measured: 1,017 of 3,948 lines short of the edge on this issue).
clreq asks for the free width to be spread between characters.

What changes, and nothing else:

* ``layout.inline.count_expandable_spaces``: a text box holding CJK text
  counts one expandable gap between each pair of its characters.
* ``text.line_break.Layout.set_text``: when such a box is drawn justified,
  its share goes to Pango as letter-spacing over the whole run (Pango puts it
  between graphemes, never after the last one, so the width matches what the
  line reserved) instead of as word-spacing.
* ``layout.inline.text_align``: before a line is justified, the ¼-em margin
  of a ``span.hl`` (the gap between Han and Latin/digits) is dropped where the
  span starts or ends the line, so no line starts indented or ends short.
* ``layout.inline.split_first_line`` (the line breaker): when a line would
  end short because the next character and the mark after it may not part
  (kinsoku: “…里，” cannot leave “，” to start the next line), the line may
  take them both if setting that line-end mark half-width (``halt``) makes
  it fit — clreq's “a mark at line end takes ½ em where the line needs it”.
  Without it such a line is spread by up to an em and a half. And a line whose
  glyphs come from two faces (a 楷体 line with its compressed marks in the body
  face) stands on its first face's baseline, as CSS Inline 3 asks for a fixed
  line height, not on Pango's lowest one (:func:`_on_primary_baseline`).
* ``draw.text``'s ``int``: the glyph adjustments of a PDF text array are
  written as whole thousandths of an em, truncated, so a line spaced out by
  justification lost up to 1/1000 em per character — 0.45 pt across a
  44-character line. The module's ``int`` is shadowed by an integer that
  prints its exact value (PDF allows real numbers there), so lines end on the
  column edge. Its other use (a Pango width) takes it as the integer it is.
* ``layout.block.block_container_layout``: a block of class ``balance``
  (titles, headings) is laid out at the narrowest width that keeps the number
  of lines its full width needs, so its lines come out even (what CSS
  ``text-wrap: balance`` asks, which WeasyPrint 70 does not know); a block of
  class ``snap`` is padded at the bottom to a whole number of body lines.

* ``layout.block.columns_layout`` (:mod:`.weasy_columns`): a column set keeps
  its last trial layout where the final pass would repeat it exactly,
  instead of laying its columns out once more (a speed change only: the
  boxes are the same, and the tests compare them with upstream's).
* ``layout.inline.strut``: answered once per style object, and ``layout.inline.create_layout``
  (only add_word_spacing's: a justified text box's record) once per text and spacing.
* the line breaker's answers are remembered (:mod:`.weasy_line_memo`): each
  line is broken once per process, and given again only where the line ends
  set half-width stand as they did (a speed change only, tested as above).

:func:`install` replaces every binding of each function — where it is
defined and wherever a module bound it at import (``page.py`` keeps its own
``block_container_layout``, ``preferred.py`` its own ``split_first_line``) —
and :func:`uninstall` puts WeasyPrint's own back.

Offering it upstream: the same rules belong in ``justify_line`` as the
``inter-character`` value of ``text-justify`` (CSS Text 3 §7.1), the
margin trimming as ``text-autospace``'s "no space at line edges" rule, the
baseline as CSS Inline 3's layout bounds of text (its first available font only), and
the balancing as ``text-wrap-style: balance`` (CSS Text 4 §6.4).

Pinned to WeasyPrint 70.0: the patched functions are internal.
"""

from __future__ import annotations

import functools
import itertools
import math

import weasyprint
from weasyprint.draw import text as draw_text
from weasyprint.formatting_structure import boxes
from weasyprint.layout import block, column, inline, page, preferred
from weasyprint.layout.preferred import max_content_width
from weasyprint.text import line_break
from weasyprint.text.ffi import TO_UNITS, ffi, pango
from weasyprint.text.line_break import line_size

from ..fonts import font_roles
from ..han import CJK_CHAR, HAN_CHAR
from ..house import faces_without_halt, house
from . import weasy_columns
from .weasy_line_memo import LINES
from .weasy_line_memo import strut as remembered_strut

SUPPORTED_VERSION = "70.0"
HL_CLASS = "hl"
BALANCE_CLASS = "balance"
SNAP_CLASS = "snap"
PX_PER_PT = 4 / 3

# (owner, attribute, what it held before install()), in the order they were replaced
_originals: list[tuple[object, str, object]] = []


class UnsupportedWeasyPrint(RuntimeError):
    pass


ZERO_WIDTH = "\u200b\u2060"


# Marks that may be set half-width at a line's end, and the lines (text, font size) where
# the line breaker did so: set_text applies it whenever such a line's text is shaped again
# (justified, or drawn). A line's text is one piece of one paragraph, so the key is unique.
LINE_END_HALT = set("，。、；：！？）》〉】」』〕〗”’")
LOOSE_SPLIT_EM = 0.5  # a line shorter than its measure by this much tries to pull a mark in
# Keyed by the text's style object (one per element: a line's text is one piece of one
# paragraph) and its text; the style is held, so its id is not reused while the key stands.
HALT_AT_LINE_END: dict[tuple[int, str], object] = {}


class TrialWatch:
    """What one trial layout of a column set did to :data:`HALT_AT_LINE_END`, so the column
    layout knows whether laying the same columns out again would give the same boxes
    (:mod:`.weasy_columns` keeps the trial when it would).

    It would not where a line end registered during the trial had been looked up and
    missed earlier in that trial (a short text piece, e.g. “，” after a span, recurs in a
    paragraph under the same style), or where a registration from before was dropped.
    """

    def __init__(self) -> None:
        self.missed: dict[tuple[int, str], int] = {}  # key → when it was first looked up in vain
        self.clock = 0
        self.repeatable = True


_watches: list[TrialWatch] = []


def watch_trial() -> TrialWatch:
    watch = TrialWatch()
    _watches.append(watch)
    return watch


def end_trial(watch: TrialWatch) -> bool:
    """Stop watching; whether the trial's layout equals a layout done again now."""
    if watch in _watches:
        _watches.remove(watch)
    return watch.repeatable


def reset_line_end_halts() -> None:
    """Forget the line ends of earlier layouts (a build starts afresh: the same text in another
    paragraph, or another issue laid out before in this process, must not change this one)."""
    HALT_AT_LINE_END.clear()
    _watches.clear()


# What the line break being computed read of HALT_AT_LINE_END and changed there, in order, for
# the line memo (:mod:`.weasy_line_memo`): (_LOOKUP, text, found), (_ENTRY, None),
# (_REGISTER, text), (_DROP, text); the keys are (id of the call's style, text).
_trace: list[tuple] | None = None
_trace_style = 0
_LOOKUP, _ENTRY, _REGISTER, _DROP = range(4)
_FOREIGN = (-1, None)  # a lookup under another style than the call's: the trace cannot be replayed


def _halt_known(key: tuple[int, str]) -> bool:
    known = key in HALT_AT_LINE_END
    if not known:
        for watch in _watches:
            watch.clock += 1
            watch.missed.setdefault(key, watch.clock)
    if _trace is not None:
        _trace.append((_LOOKUP, key[1], known) if key[0] == _trace_style else _FOREIGN)
    return known


def _entry_clocks() -> list[int]:
    if _trace is not None:
        _trace.append((_ENTRY, None))
    return [watch.clock for watch in _watches]


def _register(key: tuple[int, str], style: object, entry: list[int]) -> bool:
    """Set a line end half-width; whether it was already."""
    known = key in HALT_AT_LINE_END
    for watch, clock in zip(_watches, entry, strict=True):
        if watch.missed.get(key, math.inf) <= clock:
            watch.repeatable = False  # looked up in vain before: that layout would change
    HALT_AT_LINE_END[key] = style
    if _trace is not None:
        _trace.append((_REGISTER, key[1]))
    return known


def _drop(key: tuple[int, str], known: bool) -> None:
    HALT_AT_LINE_END.pop(key, None)
    if known:
        for watch in _watches:
            watch.repeatable = False  # a registration from before is gone
    if _trace is not None:
        _trace.append((_DROP, key[1]))


def _holds(trace: list[tuple], style: object) -> bool:
    """Whether each lookup of ``trace`` would find now, under ``style``, what it found then."""
    changed: dict[str, bool] = {}
    for event in trace:
        kind, text = event[0], event[1]
        if kind == _LOOKUP:
            found = changed.get(text)
            if found is None:
                found = (id(style), text) in HALT_AT_LINE_END
            if found != event[2]:
                return False
        elif kind != _ENTRY:
            changed[text] = kind == _REGISTER
    return True


def _replay(trace: list[tuple], style: object) -> None:
    """Do to HALT_AT_LINE_END and the watches what the traced call did (its lookups hold)."""
    entry: list[int] = []
    known: dict[str, bool] = {}
    for event in trace:
        kind, text = event[0], event[1]
        key = (id(style), text)
        if kind == _LOOKUP:
            _halt_known(key)
        elif kind == _ENTRY:
            entry = _entry_clocks()
        elif kind == _REGISTER:
            known[text] = _register(key, style, entry)
        else:
            _drop(key, known[text])


def _remembered(split, text, style, context, max_width, justification_spacing, is_line_start, minimum):  # type: ignore[no-untyped-def]
    """``split``'s answer, from the line memo where a call as this one was traced and holds now."""
    question = LINES.question(style, context, "split", text, max_width, justification_spacing, is_line_start, minimum)
    if question is not None:
        found = LINES.recall(question, lambda trace: _holds(trace, style))
        if found is not None:
            trace, result = found
            _replay(trace, style)
            return result
    result, trace = _traced(style, split, text, style, context, max_width, justification_spacing, is_line_start, minimum)
    if question is not None and trace is not None:
        LINES.keep(question, trace, result)
    return result


def _traced(style, compute, *args):  # type: ignore[no-untyped-def]
    """``compute(*args)`` and the trace of what it read and changed of HALT_AT_LINE_END under
    ``style`` (None if it looked a line end up under another style: no replay could repeat it)."""
    global _trace, _trace_style
    outer = _trace, _trace_style
    _trace, _trace_style = [], id(style)
    try:
        result = compute(*args)
        trace = _trace
    finally:
        _trace, _trace_style = outer
    return result, None if _FOREIGN in trace else trace


def _remembered_layout(create, text, style, context, max_width, justification_spacing):  # type: ignore[no-untyped-def]
    """``create``'s layout (``create_layout``, for inline.py's add_word_spacing, which only
    deactivates it: the record of a justified text box's text and spacing), from the line memo
    where it was made before; the lookups of half-width line ends its making did are done
    again (the column trials' watches count them)."""
    question = LINES.question(style, context, "layout", text, max_width, justification_spacing)
    if question is not None:
        found = LINES.recall(question, lambda trace: True)  # the record reads no line end
        if found is not None:
            trace, (layout,) = found
            _replay(trace, style)
            layout.layout = layout.language = None  # as deactivate() finds them
            layout.style = style
            return layout
    layout, trace = _traced(style, create, text, style, context, max_width, justification_spacing)
    if question is not None and trace is not None:
        LINES.keep(question, trace, (layout,))
    return layout


_HALT = b"halt"


OPENING = "“‘（《〈【「『〔〖［｛"
CLOSING = "”’）》〉】」』〕〗］｝、，。：；！？"
MARKS = set(OPENING + CLOSING)


@functools.cache
def _half_width_face() -> bytes:
    """A face without halt (LXGW WenKai, the 楷体 role: house.faces_without_halt) sets a mark it
    must compress in the body face, whose marks look the same at text size."""
    return font_roles()["body"].family.encode()


ffi.cdef("PangoAttribute * pango_attr_family_new (const char *family);")


def pair_halts(text: str) -> list[bool]:
    """Which characters of ``text`` to set half-width: one mark of each adjacent pair.

    A closing mark followed by any mark shrinks itself, an opening mark after an
    opening mark shrinks the second — so ”，、。（ take 1.5 em instead of 2
    (clreq 3.1.6). Zero-width break controls between two marks do not part them.
    """
    flags = [False] * len(text)
    for i in _pair_halts(text):
        flags[i] = True
    return flags


# The layout asks again for each text it sets (every line of a paragraph, its rest, in every
# trial of a column set and every pass of the make-up): the answers below are kept per text.
TEXTS_KEPT = 16_384


@functools.lru_cache(maxsize=TEXTS_KEPT)
def _pair_halts(text: str) -> tuple[int, ...]:
    """:func:`pair_halts` as the indexes of the marks set half-width."""
    if not any(c in MARKS for c in text):
        return ()
    found = []
    visible = [i for i, c in enumerate(text) if c not in ZERO_WIDTH]
    for a, b in itertools.pairwise(visible):
        if text[a] in CLOSING and text[b] in MARKS:
            found.append(a)
        elif text[a] in OPENING and text[b] in OPENING:
            found.append(b)
    return tuple(found)


def _halt_marks(layout) -> None:  # type: ignore[no-untyped-def]
    """Set half-width (``halt``) the marks of adjacent pairs in a text run, and the mark that ends a
    line where the line breaker needed it (:data:`HALT_AT_LINE_END`)."""
    text = layout.text
    halts = _pair_halts(text)
    if _halt_known((id(layout.style), text)) and (visible := text.rstrip(ZERO_WIDTH + " ")):
        halts = tuple(sorted({*halts, len(visible) - 1}))
    if not halts:
        return
    attr_list = pango.pango_layout_get_attributes(layout.layout)
    if attr_list == ffi.NULL:
        attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    family = layout.style["font_family"]
    swap_face = bool(family) and family[0] in faces_without_halt()
    offset, at = 0, 0  # the byte offset of character ``at``
    for index in halts:
        offset += len(text[at:index].encode())
        at = index
        size = len(text[index].encode())
        attr = pango.pango_attr_font_features_new(_HALT)
        attr.start_index, attr.end_index = offset, offset + size
        pango.pango_attr_list_insert(attr_list, attr)
        if swap_face:
            face = pango.pango_attr_family_new(_half_width_face())
            face.start_index, face.end_index = offset, offset + size
            pango.pango_attr_list_insert(attr_list, face)
    pango.pango_layout_set_attributes(layout.layout, attr_list)


def _stretches(char: str) -> bool:
    """Whether justification may widen the space around ``char``.

    Han characters, CJK punctuation (quotes and dashes included) and spaces
    stretch; the letters, digits and signs of a Latin word do not (“E P U B”
    is never printed), and the zero-width break controls take no share at all.
    """
    if char in ZERO_WIDTH or char == "\u3000":  # an ideographic space is a fixed separator (第一条　…)
        return False
    return char in " \u00a0" or not ("!" <= char <= "\u024f" or "\u1e00" <= char <= "\u1eff")


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _stretch_flags(text: str) -> list[bool]:
    """Per character of ``text``: whether justification may widen the space around it.

    As :func:`_stretches`, but a full-width mark standing against a Latin letter
    or digit holds still too: “（EPUB）” keeps its brackets tight to the word
    however far the line is spread (clreq: no space next to punctuation).
    """
    flags = [_stretches(c) for c in text]
    visible = [i for i, c in enumerate(text) if c not in ZERO_WIDTH]
    for k, i in enumerate(visible):
        if flags[i] and not HAN_CHAR.match(text[i]) and text[i] not in " \u00a0":
            neighbours = [text[visible[j]] for j in (k - 1, k + 1) if 0 <= j < len(visible)]
            if any(_latin(n) for n in neighbours):
                flags[i] = False
    return flags


def _visible(text: str) -> list[int]:
    """Indexes of the characters Pango spaces out one by one: zero-width controls left out, and
    the two halves of a ——, which the face draws as one ligature, taken as one."""
    chars = [i for i, c in enumerate(text) if c not in ZERO_WIDTH]
    return [i for k, i in enumerate(chars) if not (text[i] == "—" and k and text[chars[k - 1]] == "—")]


@functools.lru_cache(maxsize=TEXTS_KEPT)
def _gaps(text: str) -> float:
    """The number of justification shares Pango adds inside ``text`` (see ``_spacing_ranges``).

    Pango gives each character of a letter-spaced range half the spacing on
    either side, and none at the ends of the text: a gap between two
    stretching characters takes a whole share, a gap between a stretching
    and a fixed one half a share.
    """
    flags = _stretch_flags(text)
    visible = _visible(text)
    return sum((flags[a] + flags[b]) / 2 for a, b in itertools.pairwise(visible))


@functools.lru_cache(maxsize=TEXTS_KEPT)
def _spacing_ranges(text: str) -> tuple[tuple[int, int, bool, bool], ...]:
    """Byte ranges of ``text`` with whether each stretches and whether it is zero-width.
    Zero-width controls form ranges of their own with no spacing at all (not even the
    style's letter-spacing), so Pango's half-shares around them add up to one share."""
    flags = _stretch_flags(text)
    ranges: list[tuple[int, int, bool, bool]] = []
    position, previous = 0, ""
    for char, stretch in zip(text, flags, strict=True):
        kind = "zero" if char in ZERO_WIDTH else "stretch" if stretch else "fixed"
        size = len(char.encode())
        if kind == previous:
            start, _, same, zero = ranges[-1]
            ranges[-1] = (start, position + size, same, zero)
        else:
            ranges.append((position, position + size, kind == "stretch", kind == "zero"))
        position += size
        previous = kind
    return tuple(ranges)


def _unspace_zero_width(layout) -> None:  # type: ignore[no-untyped-def]
    """Take the style's letter-spacing off the zero-width break controls of a letter-spaced text:
    Pango spaces every character of the range, so each word joiner the markup put between
    two characters (a word kept whole, the last two of a paragraph) would open a visible gap."""
    attr_list = pango.pango_layout_get_attributes(layout.layout)
    if attr_list == ffi.NULL:
        attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    for start, end, _, zero in _spacing_ranges(layout.text):
        if zero:
            attr = pango.pango_attr_letter_spacing_new(0)
            attr.start_index, attr.end_index = start, end
            pango.pango_attr_list_change(attr_list, attr)
    pango.pango_layout_set_attributes(layout.layout, attr_list)


def install() -> None:
    """Patch WeasyPrint once; refuse any version but the pinned one. :func:`uninstall` undoes it."""
    if _originals:
        return
    LINES.clear()  # answers of an earlier install may come from other code (a test's stand-in)
    if weasyprint.__version__ != SUPPORTED_VERSION:
        raise UnsupportedWeasyPrint(
            f"qhgy-publish's CJK justification is written for WeasyPrint {SUPPORTED_VERSION}, "
            f"not {weasyprint.__version__}: install the pinned version (make setup)"
        )
    original_count = inline.count_expandable_spaces
    original_set_text = line_break.Layout.set_text
    original_text_align = inline.text_align
    original_block_container_layout = block.block_container_layout
    original_split_first_line = inline.split_first_line
    original_create_layout = inline.create_layout

    def create_layout(text, style, context, max_width, justification_spacing):  # type: ignore[no-untyped-def]
        return _remembered_layout(original_create_layout, text, style, context, max_width, justification_spacing)

    def count_expandable_spaces(box):  # type: ignore[no-untyped-def]
        if isinstance(box, boxes.TextBox) and CJK_CHAR.search(box.text):
            return _gaps(box.text)
        if isinstance(box, boxes.LineBox | boxes.InlineBox):
            return sum(count_expandable_spaces(child) for child in box.children)
        return original_count(box)

    def set_text(self, text, justify=False):  # type: ignore[no-untyped-def]
        if not (justify and self.justification_spacing and CJK_CHAR.search(text)):
            original_set_text(self, text, justify)
            if self.style["letter_spacing"] != "normal" and any(c in ZERO_WIDTH for c in self.text):
                _unspace_zero_width(self)
            _halt_marks(self)
            return None
        original_set_text(self, text, False)
        spacing = int(self.justification_spacing * TO_UNITS)
        attr_list = pango.pango_layout_get_attributes(self.layout)
        if attr_list == ffi.NULL:
            attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        letter_spacing = self.style["letter_spacing"]
        base = 0 if letter_spacing == "normal" else int(letter_spacing * TO_UNITS)
        for start, end, stretch, zero in _spacing_ranges(self.text):
            amount = base + spacing if stretch else 0 if zero else base
            attr = pango.pango_attr_letter_spacing_new(amount)
            attr.start_index, attr.end_index = start, end
            pango.pango_attr_list_change(attr_list, attr)
        pango.pango_layout_set_attributes(self.layout, attr_list)
        _halt_marks(self)
        return None

    def text_align(context, line, available_width, last):  # type: ignore[no-untyped-def]
        _trim_edge_gaps(line)
        return original_text_align(context, line, available_width, last)

    def block_container_layout(context, box, *args, **kwargs):  # type: ignore[no-untyped-def]
        if _has_class(box, BALANCE_CLASS):
            result = _balanced_layout(original_block_container_layout, context, box, args, kwargs)
        else:
            result = original_block_container_layout(context, box, *args, **kwargs)
        if _has_class(box, SNAP_CLASS):
            _snap_to_grid(result)
        return result

    def split_first_line(text, style, context, max_width, justification_spacing, is_line_start=True, minimum=False):  # type: ignore[no-untyped-def]
        return _remembered(_split_on_baseline, text, style, context, max_width, justification_spacing, is_line_start, minimum)

    def _split_on_baseline(text, style, context, max_width, justification_spacing, is_line_start, minimum):  # type: ignore[no-untyped-def]
        return _on_primary_baseline(
            _split_pulling_marks(text, style, context, max_width, justification_spacing, is_line_start, minimum),
            style,
        )

    def _split_pulling_marks(text, style, context, max_width, justification_spacing, is_line_start, minimum):  # type: ignore[no-untyped-def]
        result = original_split_first_line(
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )
        if minimum or result[2] is None or not isinstance(max_width, int | float) or max_width == math.inf:
            return result
        if style["text_align_all"] != "justify" or not CJK_CHAR.search(text):
            return result
        free = max_width - result[3]
        if free < LOOSE_SPLIT_EM * style["font_size"]:
            return result  # the line is full enough: nothing to pull in
        entry = _entry_clocks()
        for extra in (0.26, 0.51):  # a half-width mark saves 0.5 em: try a quarter, then a half (and a hair)
            wider = original_split_first_line(
                text, style, context, max_width + extra * style["font_size"], justification_spacing, is_line_start, minimum
            )
            layout, length = wider[0], wider[1]
            if length <= result[1]:
                continue
            if wider[3] <= max_width + 0.01:
                return wider  # laid out before: its line-end mark is already registered half-width
            line = layout.text.rstrip(ZERO_WIDTH + " ")
            if not line or line[-1] not in LINE_END_HALT:
                continue
            key = (id(style), layout.text)
            known = _register(key, style, entry)
            layout.reactivate(style)  # set_text again, now with the mark half-width
            first_line, _ = layout.get_first_line()
            width, _ = line_size(first_line, style)
            layout.deactivate()
            if width <= max_width + 0.01:
                return (layout, length, wider[2], width, *wider[4:])
            _drop(key, known)
        return result

    # Every binding of each function: the module that defines it (what call-time imports read:
    # float.py, inline.py, table.py, absolute.py from block; svg/text.py from line_break) and each
    # module that bound it at import — page.py's block_container_layout (margin boxes, footnote
    # area), inline.py's and preferred.py's split_first_line, block.py's columns_layout.
    # tests/render/test_weasy_patch_install.py finds every binding in WeasyPrint's modules.
    for owner, name, replacement in (
        (draw_text, "int", _PreciseInt),
        (inline, "count_expandable_spaces", count_expandable_spaces),
        (line_break, "split_first_line", split_first_line),
        (inline, "split_first_line", split_first_line),
        (preferred, "split_first_line", split_first_line),  # called with minimum or no max width:
        # the replacement returns upstream's line there
        (inline, "text_align", text_align),
        (inline, "create_layout", create_layout),  # add_word_spacing's, deactivated at once
        (inline, "strut", remembered_strut),  # the layout's binding (css/ computes values with its own)
        (line_break.Layout, "set_text", set_text),
        (block, "block_container_layout", block_container_layout),
        (page, "block_container_layout", block_container_layout),
        (column, "columns_layout", weasy_columns.columns_layout),
        (block, "columns_layout", weasy_columns.columns_layout),
        (weasy_columns, "watch_trial", watch_trial),
        (weasy_columns, "end_trial", end_trial),
    ):
        _originals.append((owner, name, owner.__dict__.get(name, _ABSENT)))
        setattr(owner, name, replacement)


_ABSENT = object()


def uninstall() -> None:
    """Give WeasyPrint its own functions back (the tests compare the patched layout with upstream's)."""
    LINES.clear()
    while _originals:
        owner, name, original = _originals.pop()
        if original is _ABSENT:
            delattr(owner, name)
        else:
            setattr(owner, name, original)


def installed() -> bool:
    return bool(_originals)


class _PreciseInt(int):
    """An ``int`` that keeps the value it was made from and prints it to 1/1000 (see install)."""

    exact: float

    def __new__(cls, value: float) -> _PreciseInt:
        made = super().__new__(cls, int(value))
        made.exact = float(value)
        return made

    def __format__(self, spec: str) -> str:
        return f"{self.exact:.3f}".rstrip("0").rstrip(".") if not spec else format(self.exact, spec)


def _on_primary_baseline(result: tuple, style: object) -> tuple:
    """A line of text whose glyphs come from more than one face stands on the baseline of its
    first face, as CSS Inline 3 §4.3 has it for a line-height that is not ``normal``.

    WeasyPrint places the text on Pango's baseline, the tallest ascent of the faces the line
    uses: a 楷体 line whose compressed marks are set in the body face (:func:`_halt_marks`)
    stood 1–1.5 pt lower than its neighbours, left the column's baseline grid and grew its
    line box (a note, a caption, a credit, an author in the contents). The strut's baseline is
    the first face's; the text box keeps Pango's height, so only where the glyphs sit moves.
    """
    if style["line_height"] == "normal" or result[0] is None:  # type: ignore[index]
        return result
    line_height, strut_baseline = remembered_strut(style)
    height, baseline = result[4], result[5]
    wanted = strut_baseline - (line_height - height) / 2
    if abs(wanted - baseline) < 1e-6:
        return result  # one face: Pango's baseline is the strut's (to the float)
    return (*result[:5], wanted)


def _has_class(box: object, name: str) -> bool:
    element = getattr(box, "element", None)
    return element is not None and name in (element.get("class") or "").split()


def _is_gap_span(box: object) -> bool:
    return isinstance(box, boxes.InlineBox) and _has_class(box, HL_CLASS)


def _line_count(box: boxes.Box | None) -> int:
    return sum(isinstance(child, boxes.LineBox) for child in getattr(box, "children", ()))


def _balanced_layout(layout, context, box, args, kwargs):  # type: ignore[no-untyped-def]
    """Lay ``box`` out in as many lines as its full width needs, at the narrowest width that keeps
    that many lines, so the lines come out even (CSS ``text-wrap: balance``).

    Lines break only where the markup allows (display text: between words),
    so the width is found by laying the block out again, a binary search of
    a few steps; only short display blocks carry the class.
    """
    available = box.width
    saved = (box.position_y, box.width, box.margin_left, box.margin_right)
    margins = args[5] if len(args) > 5 and isinstance(args[5], list) else None
    saved_margins = list(margins) if margins is not None else None

    def attempt(width: float):  # type: ignore[no-untyped-def]
        box.position_y, box.width, box.margin_left, box.margin_right = saved
        if margins is not None:
            margins[:] = saved_margins
        spare = available - width
        box.width = width
        if box.style["text_align_all"] == "center":
            box.margin_left += spare / 2
            box.margin_right += spare / 2
        else:
            box.margin_right += spare
        return layout(context, box, *args, **kwargs)

    full = layout(context, box, *args, **kwargs)
    lines = _line_count(full[0])
    if not isinstance(available, int | float) or lines < 2 or full[1] is not None:
        return full
    one_line = max_content_width(context, box, outer=False)
    low, high = min(one_line / lines, available), available
    best = None
    em = box.style["font_size"]
    while high - low > em / 2:
        middle = (low + high) / 2
        result = attempt(middle)
        if result[1] is None and _line_count(result[0]) == lines:
            high, best = middle, result
        else:
            low = middle
    if best is None:
        return attempt(available)
    if high != middle:
        best = attempt(high)
    return best


def _snap_to_grid(result) -> None:  # type: ignore[no-untyped-def]
    """Pad a finished block's bottom so its height is a whole number of body lines.

    Why: a heading, a figure or a title block of any other height would put
    every line after it off the baseline grid the facing column keeps.

    A floated block ends :data:`FLOAT_CLEARANCE` above its grid line: the line that starts
    there must clear it, and WeasyPrint compares the positions exactly — five line pitches
    added up land a rounding error inside a photo five lines tall, and the profile cards'
    sixth line was set beside the photo (a line more in every card).
    """
    new_box, resume_at = result[0], result[1]
    if new_box is None or resume_at is not None:
        return
    pitch = house().line_pt * PX_PER_PT
    height = new_box.border_height()
    target = math.ceil(height / pitch - 0.001) * pitch
    if new_box.style["float"] != "none":
        extra = target - FLOAT_CLEARANCE - height
        if new_box.padding_bottom + extra >= 0:
            new_box.padding_bottom += extra
    elif (extra := target - height) > 0.01:
        new_box.padding_bottom += extra


FLOAT_CLEARANCE = 0.01  # px


def _edge_span(box: boxes.Box, index: int) -> boxes.Box | None:
    """The gap span at the start (index 0) or end (-1) of ``box``, looking into nested inlines."""
    while isinstance(box, boxes.LineBox | boxes.InlineBox):
        children = [c for c in box.children if c.is_in_normal_flow()]
        if not children:
            return None
        box = children[index]
        if _is_gap_span(box):
            return box
    return None


def _trim_edge_gaps(line: boxes.LineBox) -> None:
    """Drop the Han–Latin margin where a gap span touches the line's start or end."""
    first = _edge_span(line, 0)
    if first is not None and first.margin_left:
        shift = first.margin_left
        first.margin_left = 0
        for child in first.children:
            child.translate(-shift, 0)
        _shift_after(line, first, -shift)
        line.width -= shift
    last = _edge_span(line, -1)
    if last is not None and last.margin_right:
        shrink = last.margin_right
        last.margin_right = 0
        _shrink_ancestors(line, last, shrink)
        line.width -= shrink


def _shift_after(box: boxes.Box, target: boxes.Box, dx: float) -> bool:
    """Move everything laid out after ``target`` by ``dx``; True once ``target`` was passed."""
    passed = False
    for child in getattr(box, "children", []):
        if passed:
            child.translate(dx, 0)
        elif child is target:
            passed = True
        elif isinstance(child, boxes.InlineBox) and _shift_after(child, target, dx):
            child.width += dx
            passed = True
    return passed


def _shrink_ancestors(box: boxes.Box, target: boxes.Box, dx: float) -> bool:
    for child in getattr(box, "children", []):
        if child is target:
            return True
        if isinstance(child, boxes.InlineBox) and _shrink_ancestors(child, target, dx):
            child.width -= dx
            return True
    return False
