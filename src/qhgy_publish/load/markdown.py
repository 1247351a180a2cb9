"""Article bodies: Markdown → typed blocks (paragraphs, headings, figures, notes, profiles).

The conventions an editor writes are in docs/source-format.md. Raw HTML is off:
markdown-it then treats ``<script>`` as text, which every renderer escapes.
"""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_cjk_friendly import cjk_friendly
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin

from ..errors import Finding, Loc, source_error
from ..figures import parse_height
from ..limits import MAX_ARTICLE_BLOCKS, MAX_NESTING, MAX_PARAGRAPH_CHARS, MAX_PARAGRAPH_MARKS
from ..model import Block, Figure, FigureSize, Heading, Note, Paragraph, Profile, Run, map_figures
from .images import resolve_image

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")

_MD = (
    MarkdownIt("commonmark", {"html": False, "linkify": False})
    .use(cjk_friendly)  # **（二）…。**正文: CommonMark alone would not close the bold
    .use(attrs_plugin, spans=True)  # […]{.quote}: a quotation the wording rules leave alone
    .use(container_plugin, name="profile")
    .disable(["code", "html_block", "html_inline"], ignoreInvalid=True)
)

# markdown-it silently turns images with file:/javascript: addresses into plain
# text; let every address through so resolve_image() can refuse it by name.
# Link addresses are dropped anyway (print has no links).
_MD.validateLink = lambda url: True


class _BodyReader:
    def __init__(self, path: Path, line_offset: int, issue_root: Path) -> None:
        self.path = path
        self.offset = line_offset
        self.root = issue_root
        self.errors: list[Finding] = []

    def loc(self, token: Token) -> Loc:
        line = token.map[0] + 1 + self.offset if token.map else self.offset + 1
        return Loc(self.path, line)

    def error(self, token: Token, message: str, hint: str, code: str = "S-140") -> None:
        self.errors.append(source_error(self.loc(token), message, hint, code))

    def runs(self, inline: Token) -> list[Run]:
        runs: list[Run] = []
        strong = em = quote = False
        for child in inline.children or []:
            match child.type:
                case "text":
                    runs.append(Run(text=child.content, strong=strong, em=em, quote=quote))
                case "code_inline":
                    # `…`: printed exactly as typed (an example of a wrong form, a code)
                    runs.append(Run(text=child.content, strong=strong, em=em, quote=quote, verbatim=True))
                case "softbreak":
                    # A line wrapped in the source: Chinese joins without a space.
                    runs.append(Run(text="", strong=strong, em=em, quote=quote))
                case "hardbreak":
                    runs.append(Run(text="\n", strong=strong, em=em, quote=quote))
                case "strong_open" | "strong_close":
                    strong = child.type == "strong_open"
                case "em_open" | "em_close":
                    em = child.type == "em_open"
                case "span_open":
                    classes = str(child.attrs.get("class", "")).split()
                    if classes != ["quote"] or set(child.attrs) - {"class"}:
                        self.error(
                            inline,
                            "the only marked span is […]{.quote}",
                            "write [quoted words]{.quote} for a quotation the wording rules leave alone",
                        )
                    quote = True
                case "span_close":
                    quote = False
                case "link_open" | "link_close":
                    pass  # print has no links: keep the text, drop the address
                case "image":
                    self.error(
                        inline,
                        "an image inside a paragraph",
                        "put the image on a line of its own, with blank lines around it",
                    )
                case _:
                    self.error(inline, f"unsupported inline markup ({child.type})", "write plain text")
        return _merge(runs)

    def figure(self, inline: Token) -> Figure | None:
        image = inline.children[0]
        src = str(image.attrs.get("src", ""))
        path, problem = resolve_image(src, self.root)
        if problem:
            self.error(inline, problem[0], problem[1], "S-150")
            return None
        alt = "".join(c.content for c in image.children or []).strip()
        if not alt:
            self.error(
                inline, f"image “{src}” has no alt text", "write what the photo shows inside ![…]", "S-151"
            )
        classes = str(image.attrs.get("class", "")).split()
        size, height, name = self.figure_attrs(inline, image, path)
        return Figure(
            src=path,
            alt=alt,
            caption=str(image.attrs.get("title", "") or ""),
            placeholder="placeholder" in classes,
            loc=self.loc(inline),
            size=size,
            height_mm=height,
            name=name,  # pixels: read by load/article.py once the picture limits hold
        )

    def figure_attrs(self, inline: Token, image: Token, path: Path) -> tuple[FigureSize, float | None, str]:
        """``{size=half height=50mm #name .placeholder}`` after an image: checked, with a hint for each slip."""
        attrs = {k: str(v) for k, v in image.attrs.items() if k not in ("src", "alt", "title", "class")}
        size = FigureSize.COLUMN
        if "size" in attrs:
            value = attrs.pop("size")
            try:
                size = FigureSize(value)
            except ValueError:
                self.error(
                    inline,
                    f"picture size “{value}” is not one of {', '.join(s.value for s in FigureSize)}",
                    "write {size=column} (a column wide), {size=wide} (across both columns) or {size=half}",
                    "S-153",
                )
        height = None
        if "height" in attrs:
            value = attrs.pop("height")
            height = parse_height(value)
            if height is None or not 10 <= height <= 240:
                self.error(
                    inline,
                    f"picture height “{value}” is not a height between 10 and 240 mm",
                    "write it in millimetres, e.g. {height=60mm}",
                    "S-153",
                )
                height = None
        name = attrs.pop("id", "")
        if name and not _NAME.match(name):
            self.error(
                inline,
                f"picture name “#{name}” may hold only Latin letters, digits and hyphens",
                "write e.g. {#huichang}",
                "S-153",
            )
            name = ""
        for key in attrs:
            self.error(
                inline,
                f"unknown picture attribute “{key}”",
                "a picture takes {size=column|wide|half}, {height=60mm}, {#name} and {.placeholder}",
                "S-153",
            )
        if not name:
            stem = re.sub(r"[^A-Za-z0-9-]+", "-", path.stem).strip("-")
            name = f"fig-{stem}" if stem else "fig"
        return size, height, name

    def read(self, tokens: list[Token]) -> list[Block]:
        blocks: list[Block] = []
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok.type == "paragraph_open":
                inline = tokens[i + 1]
                kids = [c for c in inline.children or [] if c.type != "softbreak"]
                if len(kids) == 1 and kids[0].type == "image":
                    fig = self.figure(inline)
                    if fig:
                        blocks.append(fig)
                elif (
                    len(kids) == 2
                    and kids[0].type == "image"
                    and kids[1].type == "text"
                    and kids[1].content.strip().startswith("{")
                ):
                    self.error(
                        inline,
                        f"picture attributes “{kids[1].content.strip()}” could not be read",
                        "a picture takes {size=column|wide|half}, {height=60mm}, {#name} and {.placeholder}, "
                        "separated by spaces",
                        "S-153",
                    )
                else:
                    blocks.append(Paragraph(runs=self.runs(inline), loc=self.loc(tok)))
                i += 3
            elif tok.type == "heading_open":
                inline = tokens[i + 1]
                if tok.tag not in ("h2", "h3"):
                    self.error(
                        tok,
                        f"heading level {tok.tag[1]} is not used",
                        "the title goes in front matter; write ## for 一、 headings and ### for （一） headings",
                    )
                else:
                    blocks.append(
                        Heading(
                            level=1 if tok.tag == "h2" else 2, text=inline.content.strip(), loc=self.loc(tok)
                        )
                    )
                i += 3
            elif tok.type in ("blockquote_open", "container_profile_open"):
                close = tok.type.replace("_open", "_close")
                depth, j = 0, i
                while j < len(tokens):
                    if tokens[j].type == tok.type:
                        depth += 1
                    elif tokens[j].type == close:
                        depth -= 1
                        if depth == 0:
                            break
                    j += 1
                inner = self.read(tokens[i + 1 : j])
                paragraphs = [b for b in inner if isinstance(b, Paragraph)]
                figures = [b for b in inner if isinstance(b, Figure)]
                if tok.type == "blockquote_open":
                    if figures or len(paragraphs) != len(inner):
                        self.error(
                            tok,
                            "an editor's note (>) holds something other than paragraphs",
                            "keep only text in a > note",
                        )
                    blocks.append(Note(paragraphs=paragraphs, loc=self.loc(tok)))
                else:
                    if len(figures) > 1 or len(paragraphs) + len(figures) != len(inner):
                        self.error(
                            tok,
                            "a profile card holds more than one photo and its paragraphs",
                            "a ::: profile card is one optional photo, then paragraphs",
                        )
                    if not paragraphs:
                        self.error(
                            tok,
                            "a profile card has no text",
                            "write the profile's text inside the ::: profile … ::: lines",
                        )
                    blocks.append(
                        Profile(
                            figure=figures[0] if figures else None, paragraphs=paragraphs, loc=self.loc(tok)
                        )
                    )
                i = j + 1
            elif tok.type in ("bullet_list_open", "ordered_list_open"):
                self.error(
                    tok,
                    "lists are not part of the magazine's style",
                    "write the items as paragraphs (一是……二是……), or as ### （一） headings",
                )
                i = _skip(tokens, i)
            elif tok.type in ("fence", "code_block"):
                self.error(
                    tok,
                    "code blocks are not part of the magazine",
                    "remove the ``` lines or the 4-space indent",
                )
                i += 1
            elif tok.type == "hr":
                self.error(
                    tok,
                    "a horizontal rule (---) is not used inside an article",
                    "remove the line; start a new article file for a new piece",
                )
                i += 1
            else:
                i += 1
        return blocks


def _skip(tokens: list[Token], i: int) -> int:
    level = tokens[i].level
    i += 1
    while i < len(tokens) and not (tokens[i].nesting == -1 and tokens[i].level == level):
        i += 1
    return i + 1


def _style(run: Run) -> tuple[bool, bool, bool, bool]:
    return (run.strong, run.em, run.verbatim, run.quote)


def _merge(runs: list[Run]) -> list[Run]:
    out: list[Run] = []
    for run in runs:
        if out and _style(out[-1]) == _style(run):
            out[-1] = out[-1].model_copy(update={"text": out[-1].text + run.text})
        elif run.text:
            out.append(run)
    return [r for r in out if r.text]


_MARKS = re.compile(r"[*_\[\]!`<>\\]")
_CONTAINERS = {"blockquote_open", "container_profile_open", "bullet_list_open", "ordered_list_open"}
MAX_REPORTED = 10  # limit errors of one file shown; a runaway file would otherwise print thousands


def _raw_paragraphs(text: str) -> list[tuple[int, str]]:
    """(index of its first line, text) of each run of non-blank lines."""
    out: list[tuple[int, str]] = []
    start, lines = 0, []
    for i, line in enumerate([*text.split("\n"), ""]):
        if line.strip():
            if not lines:
                start = i
            lines.append(line)
        elif lines:
            out.append((start, "\n".join(lines)))
            lines = []
    return out


def _raw_limits(text: str, path: Path, line_offset: int) -> list[Finding]:
    """The limits of load/limits.py that must hold before Markdown parses the body.

    markdown-it's cost grows with the square of a paragraph's emphasis and
    bracket marks, and of very long runs of lines: measured before parsing, a
    runaway paragraph costs a scan, not minutes.
    """
    errors: list[Finding] = []
    paragraphs = _raw_paragraphs(text)
    if len(paragraphs) > MAX_ARTICLE_BLOCKS:
        return [
            source_error(
                Loc(path, line_offset + 1),
                f"the article has {len(paragraphs):,} paragraphs; one article may have at most "
                f"{MAX_ARTICLE_BLOCKS:,} (2025-01: at most 74)",
                "split it into several articles",
                "S-162",
            )
        ]
    for index, raw in paragraphs:
        loc = Loc(path, index + 1 + line_offset)
        if len(raw) > MAX_PARAGRAPH_CHARS:
            errors.append(
                source_error(
                    loc,
                    f"a paragraph of {len(raw):,} characters; one paragraph may hold at most "
                    f"{MAX_PARAGRAPH_CHARS:,} (the longest of 2025-01 holds 1,122)",
                    "break it into paragraphs with blank lines; a missing blank line or a pasted file "
                    "is the usual cause",
                    "S-161",
                )
            )
        elif (marks := len(_MARKS.findall(raw))) > MAX_PARAGRAPH_MARKS:
            errors.append(
                source_error(
                    loc,
                    f"a paragraph with {marks:,} Markdown marks (* _ [ ] ! ` < > \\); one paragraph may hold "
                    f"at most {MAX_PARAGRAPH_MARKS:,} (2025-01: at most 28)",
                    "remove the marks, or break the paragraph with blank lines",
                    "S-167",
                )
            )
        if len(errors) == MAX_REPORTED:
            break
    return errors


def _nesting_errors(tokens: list[Token], path: Path, line_offset: int) -> list[Finding]:
    """Blocks inside blocks deeper than the magazine uses (a note or a profile card: one level)."""
    depth = 0
    for tok in tokens:
        if tok.type in _CONTAINERS:
            depth += 1
            if depth > MAX_NESTING:
                line = tok.map[0] + 1 + line_offset if tok.map else line_offset + 1
                return [
                    source_error(
                        Loc(path, line),
                        f"blocks nested {depth} deep (> or ::: inside each other); at most {MAX_NESTING}",
                        "a note (>) or a ::: profile card holds paragraphs only: remove the inner > or :::",
                        "S-165",
                    )
                ]
        elif tok.type.replace("_close", "_open") in _CONTAINERS:
            depth -= 1
    return []


def parse_body(
    text: str, path: Path, line_offset: int, issue_root: Path
) -> tuple[list[Block], list[Finding]]:
    """Parse an article body that starts ``line_offset`` lines into ``path``."""
    if errors := _raw_limits(text, path, line_offset):
        return [], errors
    tokens = _MD.parse(text)
    if errors := _nesting_errors(tokens, path, line_offset):
        return [], errors
    reader = _BodyReader(path, line_offset, issue_root)
    blocks = _unique_figure_names(reader.read(tokens))
    return blocks, reader.errors


def _unique_figure_names(blocks: list[Block]) -> list[Block]:
    """A picture's name is its id in the print HTML: the second use of a name gets “-2”."""
    seen: dict[str, int] = {}

    def unique(fig: Figure) -> Figure:
        seen[fig.name] = seen.get(fig.name, 0) + 1
        n = seen[fig.name]
        return fig if n == 1 else fig.model_copy(update={"name": f"{fig.name}-{n}"})

    return map_figures(blocks, unique)
