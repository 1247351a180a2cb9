"""How much one issue may hold: limits that stop a runaway input before it costs minutes or gigabytes.

Each limit is far above what a real issue holds (the figures of 2025-01 are in
the comments) and is checked while loading, before any layout, so a
pathological source ends within a few seconds with the file, the line, the
limit and what to do. docs/source-format.md lists them for the editors.

Why these and not only a file size: WeasyPrint lays out the rest of a
paragraph (or title) again for every line it breaks, so its cost grows with the
square of the paragraph's length (a 5 MB paragraph was still being laid out
after 8 minutes; 31,500 characters take about 2 s). markdown-it's inline
parser is quadratic in the emphasis and bracket marks of one paragraph
(200,000 of ``_a**`` exhausted 24 GB). So a raw paragraph is measured, and its
marks counted, before Markdown parses it. ``benchmarks/bad_input.py`` prints
what each bad input of the corpus costs.
"""

from __future__ import annotations

# A source file (issue.yaml or an article), in bytes, checked before it is read.
MAX_SOURCE_BYTES = 512_000  # 2025-01: largest article file 43 kB, issue.yaml 2 kB
# All article files together, in bytes, checked before any is read (2025-01: 310 kB).
MAX_ISSUE_SOURCE_BYTES = 4_000_000
# Characters of one paragraph (a 2025-01 paragraph has at most 1,122).
MAX_PARAGRAPH_CHARS = 40_000
# Markdown marks (* _ [ ] ! ` < > \) in one paragraph (2025-01: at most 28).
MAX_PARAGRAPH_MARKS = 2_000
# Characters of one value of issue.yaml or the front matter, of a heading, of a picture's alt text
# or caption (2025-01: at most 96, a source line).
MAX_FIELD_CHARS = 2_000
# Items of one list in issue.yaml or the front matter: 栏目, 编委会, bylines (2025-01: at most 8).
MAX_LIST_ITEMS = 100
# Characters of one article's text (2025-01: at most 14,317) and its blocks (at most 74).
MAX_ARTICLE_CHARS = 150_000
MAX_ARTICLE_BLOCKS = 5_000
# Characters of the whole issue (2025-01: 98,366).
MAX_ISSUE_CHARS = 600_000
# Article files in articles/ (2025-01: 49).
MAX_ARTICLES = 500
# Pictures in the whole issue, cover included (2025-01: 44).
MAX_PICTURES = 1_000
# Blocks inside blocks in an article body: a note or a profile card is 1 (2025-01: at most 1).
MAX_NESTING = 4
# Mappings and lists inside each other in YAML (issue.yaml of 2025-01: 3).
MAX_YAML_DEPTH = 12
# An image's pixels (a 300-dpi full-bleed spread is about 5100 × 3500 px; 2025-01: at most 4.8 million).
MAX_PIXELS = 60_000_000
