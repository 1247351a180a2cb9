"""What the project counts as Han text, and as CJK (full-width) text, defined once.

Han: CJK Unified Ideographs with Extension A (U+3400–4DBF) and the basic
block (U+4E00–9FFF), the compatibility ideographs (U+F900–FAFF; some
personal and place names are written with them) and the supplementary
planes' extensions B onward (U+20000–3FFFF). The Yijing hexagram symbols at
U+4DC0–4DFF are not Han; CJK punctuation is not Han either
(transforms.rules.CJK_PUNCT).

CJK text, for what sets or measures a run as Chinese (justification between
characters, full-width measures): Han, the CJK radicals, symbols and
punctuation, kana and the other blocks of U+2E80–9FFF, and the full-width
forms (U+FF00–FFEF).
"""

from __future__ import annotations

import re

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"  # the body of a [...] class
HAN_CHAR = re.compile(f"[{HAN}]")

CJK = rf"\u2e80-\u9fff{HAN}\uff00-\uffef"  # the body of a [...] class; U+3000–303F lies inside
CJK_CHAR = re.compile(f"[{CJK}]")
