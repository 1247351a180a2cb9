"""What counts as Han and as CJK text (han.py): one definition, read by every module that asks."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from qhgy_publish.han import CJK_CHAR, HAN_CHAR

SRC = Path(__file__).resolve().parents[1] / "src" / "qhgy_publish"


def test_han_covers_extension_a_compatibility_ideographs_and_the_supplementary_planes() -> None:
    # Extension A (U+3400–4DBF): 㐀 and 䶵, in names and old place names
    for char in "\u3400\u4db5\u4dbf":
        assert HAN_CHAR.match(char), f"U+{ord(char):04X}"
    # Compatibility ideographs (U+F900–FAFF), as some names are written: 﨑 (山﨑), 﨔, 羽, 豈;
    # NFC would turn the ones with a unified twin into it, so the text keeps them as typed.
    for char in "\ufa11\ufa14\ufa1e\uf900":
        assert unicodedata.name(char).startswith("CJK COMPATIBILITY IDEOGRAPH")
        assert HAN_CHAR.match(char), f"U+{ord(char):04X}"
    # Extension B onward: 𠀀 (U+20000), 𪚥 (U+2A6A5), 𰀀 (U+30000, Extension G)
    for char in "\U00020000\U0002a6a5\U00030000":
        assert HAN_CHAR.match(char), f"U+{ord(char):05X}"
    text = "二〇二五年，青海𠀀A·"
    assert len(HAN_CHAR.findall(text)) == 7  # 〇 is a symbol, 𠀀 (Ext B) is Han, ， and · are not
    assert not HAN_CHAR.match("䷀")  # U+4DC0, a Yijing hexagram
    for char in "，。、〇　—A1":
        assert not HAN_CHAR.match(char), char


def test_cjk_text_is_han_with_the_cjk_marks_and_full_width_forms() -> None:
    assert all(CJK_CHAR.match(c) for c in "青𠀀﨑，。、「」《》〇　１Ａ")
    assert not any(CJK_CHAR.match(c) for c in "A1 ,.“”—")  # the quotes and dashes are shared with Latin
    for code in range(0x110000):  # Han is part of CJK text
        char = chr(code)
        if HAN_CHAR.match(char):
            assert CJK_CHAR.match(char), f"U+{code:04X}"


def test_no_other_module_spells_a_han_or_cjk_range() -> None:
    spelt = re.compile(r"\\u(?:3400|4e00|9fff|2e80|f900|ff00)|\\U00020000|0x4e00|0x3400|一-龥|一-鿿", re.IGNORECASE)
    found = sorted(p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py") if spelt.search(p.read_text(encoding="utf-8")))
    assert found == ["han.py"]
