"""What the project counts as Han text, defined once.

CJK Unified Ideographs with Extension A (U+3400–4DBF) and the basic block
(U+4E00–9FFF), the compatibility ideographs (U+F900–FAFF) and the
supplementary planes' extensions B onward (U+20000–3FFFF). The Yijing
hexagram symbols at U+4DC0–4DFF are not Han; CJK punctuation is not Han
either (transforms.rules.CJK_PUNCT).
"""

from __future__ import annotations

import re

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"  # the body of a [...] class
HAN_CHAR = re.compile(f"[{HAN}]")


def han_count(text: str) -> int:
    return len(HAN_CHAR.findall(text))
