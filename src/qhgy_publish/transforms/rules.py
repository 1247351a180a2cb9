"""The normalisation rules: what editors type → what the magazine prints.

Each rule fixes a typing slip that GB/T 15834—2011 (标点符号用法), GB/T
15835—2011 (出版物上数字用法) or clreq settle, and changes nothing else: the
text means the same afterwards (the tests compare every paragraph of both
sample issues before and after). docs/source-format.md lists the rules with
the examples below; tests/transforms/test_normalise.py checks each example, and that the
docs show it.

Text inside backticks in the source (`2022-2023年`) is printed as typed: the
rules never touch it (transforms/typography.py skips such runs).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..han import HAN

CJK_PUNCT = "，。、：；！？“”‘’（）《》〈〉【】「」『』—…·～"
_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
SPACES = " \u3000\u00a0"
FULL_SPACE = "\u3000"
_KEEP = "\ue000"  # stands for a full-width space a rule keeps, while the space rule runs

NUMERAL = "一二三四五六七八九十百零〇两0-9"
# 第X章　总则, 第X条　……: the conventional full-width space after a 章/节/条 number.
STRUCTURE_SPACE = re.compile(rf"^(第[{NUMERAL}]+[编章节条款])[{SPACES}]+(?=\S)")


@dataclass(frozen=True)
class Rule:
    name: str
    what: str  # one line for the docs
    examples: tuple[tuple[str, str], ...]  # (typed, printed)
    apply: Callable[[str], str]
    spaces: bool = False  # a rule about spaces (not applied to titles, where a space is a phrase gap)


def _sub(pattern: str, repl: str | Callable[[re.Match[str]], str]) -> Callable[[str], str]:
    compiled = re.compile(pattern)
    return lambda text: compiled.sub(repl, text)


# ---------------------------------------------------------------- ranges (GB/T 15834—2011, 4.13.3)
# Time or place spans take the 一字线 “—”; number ranges take the 浪纹线 “～”. A hyphen stays
# where it is not a range: phone numbers (0971-8232561), ISO dates (2025-06-26), part numbers
# (ISO 12647-2), names such as PDF/X-4.

_DASHES = r"\s*[-–~～—]\s*"  # what editors type between the ends of a range
_NOT_AFTER = r"(?<![A-Za-z0-9_.:/\-–—～~])"  # not inside a longer code, date or chain (\w would take Han)
_NOT_BEFORE = r"(?![A-Za-z0-9_.:/\-–—～~])"


_YEAR = re.compile(r"^(?:1[89]|20)\d{2}$")


def _years(m: re.Match[str]) -> str:
    a, b = m.group(1), m.group(2)
    return f"{a}—{b}" if int(b) > int(a) else m.group(0)


def _numbers(m: re.Match[str]) -> str:
    first, unit_a, second, after = m.group(1), m.group(2), m.group(3), m.group(4)
    if (first.startswith("0") and not first.startswith("0.") and first != "0") or float(first) >= float(
        second
    ):
        return m.group(0)  # a code or phone number, not a range
    if _YEAR.match(first) and _YEAR.match(second):
        return m.group(0)  # years: the year-range rule has set them
    dash = "—" if re.match(r"[月日号时点]", after) else "～"  # points in time: 1—3月, 9—11时
    return f"{first}{unit_a}{dash}{second}"


RULES: tuple[Rule, ...] = (
    Rule(
        "full-width-digits",
        "Full-width digits and Latin letters become ordinary ones (GB/T 15835).",
        (("２０２５年第６期", "2025年第6期"), ("ＰＤＦ文件", "PDF文件")),
        lambda text: text.translate(_HALF_WIDTH),
    ),
    Rule(
        "quotes",
        "Straight double quotes around Chinese text become “ ”.",
        (('开展"安康杯"竞赛', "开展“安康杯”竞赛"),),
        _sub(rf'"([^"\n]*[{HAN}][^"\n]*)"', r"“\1”"),
    ),
    Rule(
        "brackets",
        "Half-width brackets around Chinese text become full-width.",
        (("管理办法(试行)", "管理办法（试行）"),),
        _sub(rf"\(([^()\n]*[{HAN}][^()\n]*)\)", r"（\1）"),
    ),
    Rule(
        "punctuation",
        "Half-width , : ; ? ! next to Chinese text, and a full stop between two Han characters, "
        "become full-width.",
        (
            ("职工,工会", "职工，工会"),
            ("邮箱:qhgy2020@163.com", "邮箱：qhgy2020@163.com"),
            ("完成.下一步", "完成。下一步"),
        ),
        lambda text: _DOT.sub("。", _HALF.sub(lambda m: _FULL[m.group(1) or m.group(2)], text)),
    ),
    Rule(
        "ellipsis",
        "An ellipsis is two “…”: ... , 。。。 and a single … become ……",
        (("等等...", "等等……"), ("心得体会…", "心得体会……")),
        _sub(rf"(?<=[{HAN}{CJK_PUNCT}])(?:\.{{3,}}|。{{3,}}|…+)", "……"),
    ),
    Rule(
        "dash",
        "Two hyphens between Chinese text are the 破折号 “——”. A single — stays: it is the "
        "一字线 of 北京—上海 or 发现—干预—转介.",
        (("主题--安全", "主题——安全"),),
        _sub(rf"(?<=[{HAN}，。、：；！？”’）》])-{{2}}(?=[{HAN}“《（])", "——"),
    ),
    Rule(
        "year-range",
        "A span of years takes the 一字线: 2022-2023 → 2022—2023.",
        (("2022-2023年", "2022—2023年"), ("2023～2025年", "2023—2025年")),
        _sub(_NOT_AFTER + r"((?:1[89]|20)\d{2})" + _DASHES + r"((?:1[89]|20)\d{2})" + _NOT_BEFORE, _years),
    ),
    Rule(
        "time-range",
        "A span of hours or dates takes the 一字线: 12:00-15:00, 6月3日-10日.",
        (("12:00-15:00", "12:00—15:00"), ("6月3日-10日", "6月3日—10日")),
        _sub(
            _NOT_AFTER + r"(\d{1,2}:\d{2}|\d{1,2}[月日号])" + _DASHES + r"(\d{1,2}:\d{2}|\d{1,2}[月日号])",
            r"\1—\2",
        ),
    ),
    Rule(
        "number-range",
        "A range of numbers takes the 浪纹线: 6-12岁 → 6～12岁, 20%-30% → 20%～30%; "
        "points in time stay with the 一字线: 1-3月 → 1—3月.",
        (("6-12岁", "6～12岁"), ("20%-30%", "20%～30%"), ("3-5个工作日", "3～5个工作日"), ("1-3月", "1—3月")),
        _sub(
            _NOT_AFTER + r"(\d+(?:\.\d+)?)([%％]?)" + _DASHES + r"(\d+(?:\.\d+)?)"
            rf"(?=([%％]|[{HAN}]|[A-Za-z]{{1,3}}(?![A-Za-z])))",
            _numbers,
        ),
    ),
    Rule(
        "standard-year",
        "The year of a Chinese standard follows an 一字线: GB/T 9704-2012 → GB/T 9704—2012.",
        (("GB/T 9704-2012", "GB/T 9704—2012"),),
        _sub(r"\b((?:GB|GB/T|GB/Z|[A-Z]{2,4}/T)\s?\d+(?:\.\d+)*)\s*[-–]\s*((?:19|20)\d{2})\b", r"\1—\2"),
    ),
    Rule(
        "spaces",
        "No typed space next to Chinese text: the layout sets the ¼-em gap to Latin letters and "
        "digits itself. Kept, as one full-width space: after 第X章/节/条 at the start of a "
        "paragraph or heading; between two phrases inside “” or 《》; every full-width space "
        "of a regulation.",
        (
            ("采用 PDF/X-4 标准", "采用PDF/X-4标准"),
            ("第一条 为规范……", "第一条　为规范……"),
            ("《中共中央 国务院关于……》", "《中共中央　国务院关于……》"),
        ),
        lambda text: _spaces(text, regulation=False),
        spaces=True,
    ),
)

_HALF_WIDTH = {
    cp: cp - 0xFEE0 for cp in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
}
_HALF = re.compile(rf"(?<=[{HAN}）”])([,:;?!])|([,:;?!])(?=[{HAN}（“])")
_DOT = re.compile(rf"(?<=[{HAN}])\.(?=[{HAN}])")

_HAN_OR_PUNCT = f"[{HAN}{CJK_PUNCT}]"
_SPACE_AFTER = re.compile(rf"(?<={_HAN_OR_PUNCT})[{SPACES}]+(?=[{HAN}A-Za-z0-9{CJK_PUNCT}])")
_SPACE_BEFORE = re.compile(rf"(?<=[{HAN}A-Za-z0-9{CJK_PUNCT}])[{SPACES}]+(?={_HAN_OR_PUNCT})")
_QUOTED = re.compile(r"“[^“”]*”|《[^《》]*》")
_PHRASE_GAP = re.compile(rf"(?<=[{HAN}])[{SPACES}]+(?=[{HAN}])")
_REGULATION_GAP = re.compile(rf"[{SPACES}]*{FULL_SPACE}[{SPACES}]*")


def _mark_kept(text: str, regulation: bool) -> str:
    """``text`` with the spaces the rules keep replaced, one for one, by a private mark."""

    def keep(m: re.Match[str]) -> str:
        return _KEEP * len(m.group(0))

    text = STRUCTURE_SPACE.sub(lambda m: m.group(1) + _KEEP * (m.end() - m.end(1)), text)
    text = _QUOTED.sub(lambda m: _PHRASE_GAP.sub(keep, m.group(0)), text)
    if regulation:
        text = _REGULATION_GAP.sub(keep, text)
    return text


def stray_spaces(text: str, *, regulation: bool = False) -> list[tuple[int, int]]:
    """(start, end) of each typed space the spaces rule removes."""
    marked = _mark_kept(text, regulation)
    found = [m.span() for m in _SPACE_AFTER.finditer(marked)] + [
        m.span() for m in _SPACE_BEFORE.finditer(marked)
    ]
    return sorted(set(found))


def _spaces(text: str, *, regulation: bool) -> str:
    marked = _mark_kept(text, regulation)
    marked = _SPACE_BEFORE.sub("", _SPACE_AFTER.sub("", marked))
    return re.sub(f"{_KEEP}+", FULL_SPACE, marked)


@lru_cache(maxsize=65_536)  # the preview normalises every text again after each save
def normalise_text(text: str, *, spaces: bool = True, regulation: bool = False) -> str:
    """``text`` with every rule applied; ``spaces=False`` for titles (a space there is a phrase gap)."""
    for rule in RULES:
        if rule.spaces:
            if spaces:
                text = _spaces(text, regulation=regulation)
        else:
            text = rule.apply(text)
    return text
