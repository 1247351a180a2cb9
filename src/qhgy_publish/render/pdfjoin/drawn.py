"""What the output's pages draw, and their resources cut to it.

The content streams of the pages taken are read, and those of the forms, tiling patterns, soft
masks and annotation appearances they draw, each through its own resources: the resources
named, and the glyphs each font shows in the order first drawn (what :mod:`.fonts` rebuilds the
fonts from). Each source's resources dict (its pages share one, as WeasyPrint's do) keeps only
the fonts, XObjects, graphics states, patterns and shadings drawn, under the names the streams
use: a picture, form or state only the pages left out drew goes with them. A soft mask's group
stays listed among the XObjects, where WeasyPrint lists it. /ColorSpace is left whole: one write
lists its Lab spaces and profiles whether drawn or not. A name not found where the stream looks
it up leaves that dict whole.

Pin-sensitive: the content streams are read by a regex fitted to what pydyf writes; a stream it
cannot be sure of (literal strings, comments, inline images) goes to qpdf's parser: slower, the
same result.

Where it can differ from a single write of the same pages: each source keeps a resources dict of
its own, cut to what its pages draw; one write has one for all pages. The names are those each
source wrote, and WeasyPrint numbers groups, patterns and some graphics states as it draws them
(``x0``, ``p1``, ``s3``): pages taken from the middle of a file keep numbers a write of them
alone would not give.
"""

from __future__ import annotations

import re
import sys
from array import array
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

from .pages import ObjGen

#: The resource kinds cut to what the pages draw. /ColorSpace is left whole: WeasyPrint lists its
#: Lab spaces and colour profiles in every write, drawn or not (and our press finish adds one).
_PRUNED = ("/Font", "/XObject", "/ExtGState", "/Pattern", "/Shading")

_REGULAR = rb"[^\s/\[\]()<>{}%]"  # a character of a name or an operator
_END = rb"(?!" + _REGULAR + rb")"
#: The operators that name a resource or show text, as pydyf writes them. Exact for a stream
#: without literal strings, comments and inline images (``_fast_rows`` checks): there every "/"
#: starts a name, "[" an array and "<" a hex string or a dict, so a match cannot start inside
#: another token. The look-ahead lets the engine skip to the few bytes that can start a match;
#: possessive quantifiers keep it from backtracking through names. Reading the sample issue's 84
#: pages (1.9 MB of streams) takes 60 ms this way, 400 through pikepdf.parse_content_stream.
_OPERATORS = re.compile(
    rb"(?=[/\[<qQB])(?:"
    + b"|".join(
        alternative + _END
        for alternative in (
            rb"/(?P<name>" + _REGULAR + rb"++)\s++"
            rb"(?:[-+]?+(?:\d++\.?+\d*+|\.\d++)\s++(?P<Tf>Tf)|(?P<op>Do|gs|sh|scn|SCN))",
            rb"\[(?P<TJ>[^\]]*+)\]\s*+TJ",
            rb"(?P<Tj><[0-9A-Fa-f\s]*+>)\s*+(?:Tj|'|\")",
            rb"(?<![^\s\]>)}])(?P<q>[qQ]|BI)",
        )
    )
    + rb")"
)
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_CODES = re.compile(rb"<((?:[0-9A-Fa-f]{4})*+)>")  # a hex string of whole two-byte codes
_HEX_STRING = re.compile(rb"<([^>]*)>")

#: An operator that matters here, as ``_OPERATORS.findall`` gives it: (name, b"Tf", b"Do" | b"gs"
#: | b"sh" | b"scn" | b"SCN", a TJ array's inside, a Tj string, b"q" | b"Q" | b"BI"), empty
#: where the operator has none. Names are as written (#-escapes and all).
_Row = tuple[bytes, bytes, bytes, bytes, bytes, bytes]


def _fast_rows(data: bytes) -> list[_Row] | None:
    """The stream's rows by :data:`_OPERATORS`, or None where it cannot be sure."""
    if b"(" in data or b"%" in data:
        return None  # a literal string or a comment may hold anything: the parser's way
    rows = _OPERATORS.findall(data)
    if b"BI" in data and any(row[5] == b"BI" for row in rows):
        return None  # an inline image's bytes are binary: the parser knows where they end
    return rows


def _parsed_rows(owner: pikepdf.Object) -> list[_Row]:
    """The rows by qpdf's tokenizer: any stream, several times slower than the regex. ``owner`` is a
    form, or a page (its contents, one stream or several)."""
    rows: list[_Row] = []
    parsed = owner if isinstance(owner, Stream) else pikepdf.Page(owner)
    for instruction in pikepdf.parse_content_stream(parsed):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            continue
        op, operands = str(instruction.operator), list(instruction.operands)
        last = operands[-1] if operands else None
        if op == "Tf" and operands and isinstance(operands[0], Name):
            rows.append((_written_name(operands[0]), b"Tf", b"", b"", b"", b""))
        elif op == "TJ" and isinstance(last, Array):
            shown = b"".join(_hex(item) for item in last if isinstance(item, pikepdf.String))
            rows.append((b"", b"", b"", shown, b"", b""))
        elif op in ("Tj", "'", '"') and isinstance(last, pikepdf.String):
            rows.append((b"", b"", b"", b"", _hex(last), b""))
        elif op in ("Do", "gs", "sh", "scn", "SCN") and isinstance(last, Name):
            rows.append((_written_name(last), b"", op.encode(), b"", b"", b""))
        elif op in ("q", "Q"):
            rows.append((b"", b"", b"", b"", b"", op.encode()))
    return rows


def _hex(string: pikepdf.String) -> bytes:
    return b"<" + bytes(string).hex().encode() + b">"


def _written_name(name: Name) -> bytes:
    """A name as a stream may write it, for :func:`_name` to read back."""
    return str(name)[1:].encode("utf-8", "surrogateescape").replace(b"#", b"#23")


def _name(written: bytes) -> str:
    if b"#" in written:
        written = _ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), written)
    return "/" + written.decode("utf-8", "surrogateescape")


def _shown_codes(strings: list[bytes]) -> bytes:
    """The two-byte codes of the hex strings shown (TJ arrays' insides, Tj strings), joined; a
    string's odd last byte dropped."""
    body = b"".join(strings)
    found = _CODES.findall(body)
    if len(found) == body.count(b"<"):  # every string whole codes: as WeasyPrint writes them
        return bytes.fromhex(b"".join(found).decode())
    codes = []
    for text in _HEX_STRING.findall(body):
        digits = re.sub(rb"\s", b"", text)
        raw = bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())
        codes.append(raw[: len(raw) & ~1])
    return b"".join(codes)


@dataclass
class _Drawn:
    """What the output's pages draw, read from their content streams and from those of the forms,
    tiling patterns, soft masks and annotation appearances they draw, each resolved through its
    own resources."""

    resources: dict[object, Dictionary] = field(default_factory=dict)  # key → a resources dict reached
    names: dict[object, dict[str, set[str]]] = field(default_factory=dict)  # key → kind → names used
    unsure: set[tuple[object, str]] = field(default_factory=set)  # (key, kind): a name not found there
    fonts: list[Dictionary] = field(default_factory=list)  # font number → font
    numbers: dict[object, int] = field(default_factory=dict)  # font's key → font number
    #: Font number << 16 | CID, in the order first drawn (Identity-H fonts only: their CIDs are
    #: the two-byte codes shown).
    glyphs: dict[int, None] = field(default_factory=dict)
    two_byte: list[bool] = field(default_factory=list)
    done: set[tuple[ObjGen, int | None, object]] = field(default_factory=set)  # form, font, resources
    #: (resources key, kind, name as written) → the entry, or None; (resources key, name as
    #: written) → font number. One lookup per name: pikepdf's are slow, and a source's pages share
    #: their resources.
    entries: dict[tuple[object, str, bytes], object] = field(default_factory=dict)
    font_numbers: dict[tuple[object, bytes], int | None] = field(default_factory=dict)

    def font_dicts(self) -> list[tuple[Dictionary, bool]]:
        """The /Font dicts of the resources reached, each once, in the order reached, and whether
        every font name a stream looked up there was found (else glyphs may be unaccounted for)."""
        found: dict[object, tuple[Dictionary, bool]] = {}
        for key, resources in self.resources.items():
            fonts = resources.get("/Font")
            if isinstance(fonts, Dictionary):
                fonts_key = fonts.objgen if fonts.is_indirect else (key, "/Font")
                sure = found.get(fonts_key, (fonts, True))[1] and (key, "/Font") not in self.unsure
                found[fonts_key] = (fonts, sure)
        return list(found.values())

    def read_page(self, page: Dictionary) -> None:
        resources, key = self._resources_of(page, None, None)
        self._read(page, _contents(page.get("/Contents")), resources, key, None)
        for annot in page.get("/Annots", ()):
            appearances = annot.get("/AP") if isinstance(annot, Dictionary) else None
            if not isinstance(appearances, Dictionary):
                continue
            for state in appearances.values():  # /N, /R, /D: a form, or forms by appearance state
                forms = state.values() if isinstance(state, Dictionary) else [state]
                for form in forms:
                    if isinstance(form, Stream):
                        self._read_form(form, None, resources, key)

    def _resources_of(
        self, owner: pikepdf.Object, outer: Dictionary | None, outer_key: object
    ) -> tuple[Dictionary | None, object]:
        """The resources ``owner``'s stream names things in, and their key: the object's number,
        or the owner's for a direct dict; a form without any takes its caller's (PDF 1.1)."""
        resources = owner.get("/Resources")
        if not isinstance(resources, Dictionary):
            return outer, outer_key if outer is not None else ("none", owner.objgen)
        key = resources.objgen if resources.is_indirect else ("in", owner.objgen)
        self.resources.setdefault(key, resources)
        return resources, key

    def _read_form(self, form: Stream, font: int | None, outer: Dictionary | None, outer_key: object) -> None:
        resources, key = self._resources_of(form, outer, outer_key)
        if (form.objgen, font, key) in self.done:
            return
        self.done.add((form.objgen, font, key))
        self._read(form, form.read_bytes(), resources, key, font)

    def _read(
        self, owner: pikepdf.Object, data: bytes, resources: Dictionary | None, key: object, font: int | None
    ) -> None:
        """One content stream's operators; ``font`` the font its caller left set."""
        rows = _fast_rows(data)
        if rows is None:
            rows = _parsed_rows(owner)
        if resources is None:
            resources = Dictionary()  # names nothing: whatever the stream names is not there
        used = self.names.setdefault(key, {kind: set() for kind in _PRUNED})
        shown: dict[int, list[bytes]] = {}  # font number → strings, in the order first shown
        saved: list[int | None] = []
        for name, tf, op, array_inside, string, q in rows:
            if array_inside or string:
                if font is not None and self.two_byte[font]:
                    shown.setdefault(font, []).append(array_inside or string)
            elif tf:
                font = self._font(resources, key, used, name)
            elif q == b"q":
                saved.append(font)
            elif q == b"Q":
                if saved:  # the font is graphics state: Q brings back the one q saved
                    font = saved.pop()
            elif op == b"Do":
                form = self._entry(resources, key, used, "/XObject", name)
                if isinstance(form, Stream) and form.get("/Subtype") == "/Form":
                    self._flush(shown)  # the form's glyphs are drawn here, before what follows
                    self._read_form(form, font, resources, key)
            elif op == b"gs":
                state = self._entry(resources, key, used, "/ExtGState", name)
                mask = state.get("/SMask") if isinstance(state, Dictionary) else None
                group = mask.get("/G") if isinstance(mask, Dictionary) else None
                if isinstance(group, Stream):
                    # WeasyPrint lists a mask's group among the XObjects too (add_group), though
                    # only the state draws it; one write keeps it there.
                    xobjects = resources.get("/XObject")
                    if isinstance(xobjects, Dictionary):
                        used["/XObject"].update(n for n, x in xobjects.items() if x.objgen == group.objgen)
                    self._flush(shown)
                    self._read_form(group, None, resources, key)
            elif op == b"sh":
                self._entry(resources, key, used, "/Shading", name)
            elif op:  # scn, SCN: a name there is a pattern (or a Separation's colorant: no resource)
                patterns = resources.get("/Pattern")
                if isinstance(patterns, Dictionary) and _name(name) in patterns:
                    pattern = self._entry(resources, key, used, "/Pattern", name)
                    if isinstance(pattern, Stream):  # tiling: it draws; shading patterns do not
                        self._flush(shown)
                        self._read_form(pattern, None, resources, key)
        self._flush(shown)

    def _entry(
        self, resources: Dictionary, key: object, used: dict[str, set[str]], kind: str, written: bytes
    ) -> object:
        cache_key = (key, kind, written)
        if cache_key in self.entries:
            return self.entries[cache_key]
        name = _name(written)
        used[kind].add(name)
        named = resources.get(kind)
        if not isinstance(named, Dictionary) or name not in named:
            # Named otherwise than we spell it, or missing: cut nothing from that dict.
            self.unsure.add((key, kind))
            entry = None
        else:
            entry = named[name]
        self.entries[cache_key] = entry
        return entry

    def _font(
        self, resources: Dictionary, key: object, used: dict[str, set[str]], written: bytes
    ) -> int | None:
        if (key, written) in self.font_numbers:
            return self.font_numbers[key, written]
        font = self._entry(resources, key, used, "/Font", written)
        number = None
        if isinstance(font, Dictionary):
            font_key = font.objgen if font.is_indirect else (key, written)
            number = self.numbers.get(font_key)
            if number is None:
                number = self.numbers[font_key] = len(self.fonts)
                self.fonts.append(font)
                self.two_byte.append(
                    font.get("/Subtype") == "/Type0" and font.get("/Encoding") == "/Identity-H"
                )
        self.font_numbers[key, written] = number
        return number

    def _flush(self, shown: dict[int, list[bytes]]) -> None:
        for number, parts in shown.items():
            codes = array("H", _shown_codes(parts))
            if sys.byteorder == "little":
                codes.byteswap()
            # dict.update leaves a key met before where it was: the order stays first drawn.
            self.glyphs.update(dict.fromkeys(map((number << 16).__or__, dict.fromkeys(codes))))
        shown.clear()


def _contents(contents: object) -> bytes:
    if isinstance(contents, Array):  # as our finish steps leave it: streams drawn one after another
        return b"\n".join(part.read_bytes() for part in contents if isinstance(part, Stream))
    return contents.read_bytes() if isinstance(contents, Stream) else b""


def _read_drawn(out: pikepdf.Pdf) -> _Drawn:
    drawn = _Drawn()
    for page in out.pages:
        drawn.read_page(page.obj)
    return drawn


def _prune_resources(drawn: _Drawn) -> None:
    """Each resources dict cut to the entries its pages draw; names kept (the streams use them).

    The dicts are the output's copies (one per source, shared by its pages as WeasyPrint shares
    them), and a dict several resources share (WeasyPrint's /Font) keeps what any of them draws.
    """
    kept: dict[object, tuple[Dictionary, set[str]]] = {}
    whole: set[object] = set()
    for key, resources in drawn.resources.items():
        used = drawn.names.get(key, {})
        for kind in _PRUNED:
            named = resources.get(kind)
            if not isinstance(named, Dictionary):
                continue
            named_key = named.objgen if named.is_indirect else (key, kind)
            kept.setdefault(named_key, (named, set()))[1].update(used.get(kind, ()))
            if (key, kind) in drawn.unsure:
                whole.add(named_key)
    for named_key, (named, names) in kept.items():
        if named_key in whole:
            continue
        for name in list(named.keys()):
            if name not in names:
                del named[name]
