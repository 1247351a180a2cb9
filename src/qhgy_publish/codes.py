"""Every finding code of the project, in one registry: what it means, how grave, who finds it.

A code never changes meaning; a new check takes a new code. ``docs/checks.md``
is generated from this table (``qhgy codes --write docs/checks.md``, and a test holds the two
equal), and the tests prove that every code here fires on some test input.

Families, as in Standard Ebooks' lint: S- the sources (loading and
``qhgy check``), T- typing and punctuation of the sources, G- glyphs no face
draws, P- the print PDF, E- EPUBCheck's own message ids, M- the print
make-up's report, F- the final build.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    code: str
    severity: str  # the usual one: "error", "warning", "info", or "warning or error"
    summary: str


FAMILIES: dict[str, tuple[str, str]] = {
    # prefix: (title, who finds them)
    "S": ("Sources", "loading the issue (errors stop `qhgy build` and `qhgy check`) and the source checks"),
    "T": ("Typing and punctuation", "the source checks, on the text as typed, before the transforms"),
    "G": ("Glyphs", "the build and `qhgy check`, before the layout: a character no embedded face draws"),
    "P": ("Print PDF", "`qhgy check` and `python -m qhgy_publish.check.pdf`, reading the press PDF"),
    "E": ("EPUB", "`qhgy check`: EPUBCheck's own message id follows the E-, e.g. E-RSC-005"),
    "M": ("Make-up", "`qhgy check`, from the make-up report the build writes beside the PDFs"),
    "F": ("Final build", "`qhgy build --final`, on top of every other code"),
}


def _c(code: str, severity: str, summary: str) -> Code:
    return Code(code, severity, summary)


_ALL: tuple[Code, ...] = (
    _c("S-000", "error", "the issue folder does not exist"),
    _c("S-001", "error", "no issue.yaml in the issue folder"),
    _c("S-002", "error", "issue.yaml is not a list of “key: value” lines"),
    _c("S-003", "error", "the issue has no articles, or none stands in a 栏目"),
    _c("S-004", "error", "a source cannot be opened, or a folder leads outside the issue folder"),
    _c("S-010", "error", "a value of issue.yaml is missing or of the wrong kind"),
    _c("S-011", "error", "a 栏目 is listed twice in issue.yaml"),
    _c("S-012", "error", "a placeholder names no key of issue.yaml"),
    _c("S-013", "error", "the cover picture is missing or cannot be read"),
    _c("S-014", "warning", "a 栏目 has no article this issue and is left out"),
    _c("S-015", "error", "issue.yaml's year or number disagrees with the folder's name"),
    _c("S-100", "error", "a source file is not UTF-8 text"),
    _c("S-101", "error", "malformed YAML"),
    _c("S-102", "error", "a YAML key is written twice"),
    _c("S-103", "error", "a YAML alias (*name) repeats another value"),
    _c("S-104", "error", "YAML values nested too deep"),
    _c("S-105", "error", "a date that is not in the calendar"),
    _c("S-120", "error", "an article without front matter"),
    _c("S-121", "error", "the front matter is not a list of “key: value” lines"),
    _c("S-122", "error", "a front-matter value is missing or of the wrong kind"),
    _c("S-123", "error", "an article names no 栏目 (column:)"),
    _c("S-124", "error", "an article names a 栏目 issue.yaml does not list"),
    _c("S-125", "error", "two articles share a title"),
    _c("S-126", "error", "two article files share a name"),
    _c("S-130", "error", "an article without text"),
    _c("S-140", "error", "Markdown the house does not print (unsupported markup, bad headings, notes, cards)"),
    _c("S-150", "error", "a picture that is missing or outside the issue folder"),
    _c("S-151", "error", "a picture without alt text"),
    _c("S-152", "error", "a picture that cannot be read (not an image, truncated, too large)"),
    _c("S-153", "error", "a picture attribute that cannot be read ({size=…}, {height=…}, names)"),
    _c("S-155", "warning", "a picture printed smaller than asked, and why"),
    _c("S-156", "warning", "a picture below 300 dpi at its printed size"),
    _c("S-157", "warning", "size attributes on a profile card's photo, which are ignored"),
    _c("S-158", "warning", "(`qhgy build`) a picture the layout did not place whole in the type area"),
    _c("S-160", "error", "a source file larger than the limit"),
    _c("S-161", "error", "a paragraph longer than the limit"),
    _c("S-162", "error", "an article longer than the limit"),
    _c("S-163", "error", "more article files than an issue may hold"),
    _c("S-164", "error", "more pictures than an issue may hold"),
    _c("S-165", "error", "blocks (> or :::) nested too deep"),
    _c("S-166", "error", "the article files together larger than the limit"),
    _c("S-167", "error", "a paragraph with more Markdown marks than the limit"),
    _c("S-180", "error", "a 补白 without front matter"),
    _c("S-181", "error", "a 补白's front-matter value is missing or of the wrong kind"),
    _c("S-182", "error", "a 补白 names a 栏目 issue.yaml does not list"),
    _c("S-183", "error", "a 补白 without text"),
    _c("S-184", "error", "the fillers folder leads outside the issue folder"),
    _c("S-185", "error", "more 补白 files than an issue may hold"),
    _c("S-201", "warning", "a key of issue.yaml listed as a placeholder"),
    _c("S-202", "warning", "a photo marked as a placeholder"),
    _c("S-203", "warning", "a placeholder article, or “待补” in a printed value"),
    _c("S-210", "error", "a word an internal periodical may not print about itself (《内部资料性出版物管理办法》)"),
    _c("S-211", "warning", "a word the wording rules advise against in this field"),
    _c("S-220", "warning", "a contents title that has drifted from the article's title"),
    _c("S-221", "error", "a title that stands twice in the contents"),
    _c("S-230", "warning", "alt text that only repeats the name or caption beside the photo"),
    _c("T-301", "info or warning", "half-width punctuation in Chinese text (info when the build fixes it)"),
    _c("T-302", "info", "a stray space in Chinese text (the build leaves it out)"),
    _c("T-303", "warning", "a quote or bracket that closes nothing or is never closed"),
    _c("T-304", "warning", "dates mixing 〇 (U+3007) and ○ (U+25CB)"),
    _c("G-001", "error", "a character the face of its font role cannot draw"),
    _c("P-000", "error", "the PDF cannot be read"),
    _c("P-001", "error", "no PDF/X (GTS_PDFX) output intent"),
    _c("P-002", "error", "more than one PDF/X output intent"),
    _c("P-003", "error", "output intent profile missing or not CMYK (N = 4)"),
    _c("P-004", "error", "output intent without OutputConditionIdentifier"),
    _c("P-005", "info", "output intent without RegistryName"),
    _c("P-006", "error", "no PDF/X version key"),
    _c("P-007", "warning", "PDF version does not match the PDF/X variant"),
    _c("P-008", "error", "Trapped missing or Unknown"),
    _c("P-009", "error", "no document title"),
    _c("P-010", "error", "no trailer /ID"),
    _c("P-011", "error", "page without TrimBox, or with TrimBox and ArtBox"),
    _c("P-012", "error", "trim size differs from the magazine's"),
    _c("P-013", "error", "BleedBox missing or bleed differs from 3 mm"),
    _c("P-014", "error", "boxes not nested (TrimBox ⊆ BleedBox ⊆ MediaBox)"),
    _c("P-015", "warning", "no slug or no crop marks outside the bleed"),
    _c("P-020", "error", "font not embedded"),
    _c("P-021", "warning", "font embedded in full, not as a subset"),
    _c("P-022", "error", "OpenType font program in a PDF older than 1.6"),
    _c("P-023", "error", "missing glyph (.notdef) drawn"),
    _c("P-030", "error", "picture below 150 dpi at its placed size"),
    _c("P-031", "warning", "picture below 300 dpi at its placed size"),
    _c("P-032", "error", "DeviceRGB picture"),
    _c("P-033", "warning or error", "ICC-based RGB or Lab picture"),
    _c("P-034", "error", "transparency in a PDF/X-1a or X-3 file"),
    _c("P-040", "error", "page count not a multiple of 4"),
    _c("P-041", "warning", "text within 3 mm of the trim"),
    _c("P-042", "error", "text crosses the trim"),
    _c("P-043", "info", "empty page"),
    _c("P-044", "error", "DeviceRGB colour in page content"),
    _c("P-045", "warning", "black text not in K only"),
    _c("P-046", "error", "annotation inside the bleed"),
    _c("P-047", "warning or error", "ICC-based RGB or Lab colour in page content"),
    _c("E-*", "as EPUBCheck says", "any EPUBCheck message; its id follows the E- (FATAL/ERROR → error, USAGE → info)"),
    _c("M-001", "warning", "a page the make-up could not fill"),
    _c("M-002", "warning", "a loose line the make-up could not tighten"),
    _c("M-003", "info", "学习笔记 pages added to make the page count a multiple of 4"),
    _c("M-004", "info", "补白 the make-up did not use"),
    _c("M-009", "warning", "a make-up problem of a kind this version does not name"),
    _c("M-100", "info", "what the make-up did, page by page"),
    _c("F-001", "error", "“待补” left in the text of a final build"),
)

REGISTRY: dict[str, Code] = {c.code: c for c in _ALL}


def registered(code: str) -> bool:
    """True for a code of the registry, or an EPUBCheck id under E-."""
    return code in REGISTRY or (code.startswith("E-") and len(code) > 2)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown() -> str:
    """docs/checks.md: every family and code, as the registry says."""
    out = [
        "# Finding codes",
        "",
        "<!-- Generated from src/qhgy_publish/codes.py by `qhgy codes --write docs/checks.md`; do not edit. -->",
        "",
        "Every message of `qhgy build`, `qhgy check` and `qhgy build --final` carries a code. "
        "A code never changes meaning; a new check takes a new code. Warnings may be accepted "
        "for press in issue.yaml under `accept:` (docs/final-build.md).",
        "",
    ]
    for prefix, (title, who) in FAMILIES.items():
        out += [f"## {prefix}- {title}", "", f"Found by {who}.", ""]
        out += ["| code | severity | meaning |", "|---|---|---|"]
        out += [
            f"| {c.code} | {c.severity} | {_cell(c.summary)} |"
            for c in _ALL
            if c.code.startswith(f"{prefix}-")
        ]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
