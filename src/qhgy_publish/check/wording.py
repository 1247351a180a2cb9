"""The wording rules of an internal periodical (S-210, S-211): which words, in which fields, why.

《内部资料性出版物管理办法》 (2015), the rules 《青海工运》 is printed under:

* Art. 14 ¶2 — a serial internal periodical may not use “××报”, “××刊”,
  “××杂志”, “记者××”, “期刊社”, “杂志社”, “刊号”, and may not call itself
  “本报” or “本刊” in its text;
* Art. 15 (2) — no price, no sale or subscription (标价、销售、征订发行);
* Art. 15 (3) — no advertising (不得刊登广告).

The table below turns these into words and the fields where they are what the
rule forbids. Words about *other* publications are allowed: 《求是》杂志 in
an article is ordinary prose, so 杂志/期刊/广告 are looked for only where the
magazine speaks of itself (issue.yaml, bylines, credits, 编者按). 本刊/本报 are
always self-reference here, wherever they stand — 本刊讯, 本刊通讯员, 本刊编辑部
call this publication a 刊. A passage quoted from elsewhere (the 办法 itself, a
newspaper's 本报讯) is marked in the body as ``[…]{.quote}`` and not checked.
docs/source-format.md (“Wording rules”) shows the same table to the editors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import Loc
from .findings import Finding, Severity

# Where the magazine speaks of itself.
SELF = frozenset({"issue.yaml", "byline", "credit", "signature", "note", "cover credit"})
# Every printed field (issue.yaml's printed values count as SELF).
PRINTED = SELF | {
    "title",
    "toc_title",
    "kicker",
    "subtitle",
    "dateline",
    "salutation",
    "date",
    "body",
    "heading",
    "caption",
    "cover caption",
}
# Where a name is credited: 记者×× may not stand there.
CREDITS = frozenset({"byline", "credit", "cover credit", "caption", "signature"})


@dataclass(frozen=True)
class WordingRule:
    code: str
    words: re.Pattern[str]
    fields: frozenset[str]  # where the words are what the rule forbids
    severity: Severity
    why: str
    hint: str


RULES: tuple[WordingRule, ...] = (
    WordingRule(
        "S-210",
        re.compile(r"本刊|本报"),
        PRINTED,
        Severity.ERROR,
        "an internal periodical may not call itself 本刊 or 本报 (办法 Art. 14 ¶2)",
        "drop 本刊讯 (the credit names who reports); 本刊通讯员 → 通讯员; 本刊编辑部 → 《青海工运》编辑部; "
        "mark a passage quoted from elsewhere as [……]{.quote}",
    ),
    WordingRule(
        "S-210",
        re.compile(r"记者"),
        CREDITS,
        Severity.ERROR,
        "an internal periodical has no 记者: a credit or byline may not read 记者×× (办法 Art. 14 ¶2)",
        "write 通讯员 or the writer's unit",
    ),
    WordingRule(
        "S-210",
        re.compile(r"期刊社|杂志社|刊号|CN\s*\d{2}\s*-\s*\d{4}|ISSN"),
        SELF,
        Severity.ERROR,
        "an internal periodical has no 刊号 and is published by no 期刊社/杂志社 (办法 Art. 14 ¶2)",
        "remove it; the 准印证号 in issue.yaml is the publication's only number",
    ),
    WordingRule(
        "S-210",
        re.compile(r"杂志|期刊"),
        SELF,
        Severity.ERROR,
        "an internal periodical may not call itself a 杂志 or 期刊 (办法 Art. 14 ¶2)",
        "write 本资料, 本期 or the name 《青海工运》",
    ),
    WordingRule(
        "S-210",
        re.compile(r"征订|订阅|零售|邮发代号|发行价"),
        SELF,
        Severity.ERROR,
        "an internal periodical is not sold or subscribed to (办法 Art. 15 (2))",
        "remove it; the issue goes free to its 发送对象",
    ),
    WordingRule(
        "S-210",
        re.compile(r"广告"),
        SELF,
        Severity.ERROR,
        "an internal periodical carries no advertising (办法 Art. 15 (3))",
        "remove the advertising line; quoting the rule in an article is fine",
    ),
    WordingRule(
        "S-211",
        re.compile(r"(定价|售价|零售价|订价)[:：]?\s*\d|[￥¥]\s*\d|\d+(\.\d+)?\s*元\s*/\s*(册|期|本)"),
        PRINTED,
        Severity.ERROR,
        "an internal periodical carries no price (办法 Art. 15 (2))",
        "remove the price; mark a price quoted from elsewhere as [……]{.quote}",
    ),
)


def check_wording(where: str | Loc, text: str, field: str) -> Iterator[Finding]:
    """Findings for ``text`` of ``field`` (quoted passages already taken out)."""
    seen: set[tuple[str, str]] = set()
    for rule in RULES:
        if field not in rule.fields:
            continue
        for match in rule.words.finditer(text):
            word = match.group(0)
            if (rule.code, word) in seen:
                continue
            seen.add((rule.code, word))
            context = text[max(0, match.start() - 8) : match.end() + 8].replace("\x00", "")
            yield Finding(
                rule.severity,
                rule.code,
                f"“{word}” in the {field} (…{context}…): {rule.why}",
                where,
                rule.hint,
            )


def magazine_name(where: str | Loc, name: str) -> Iterator[Finding]:
    """The publication's own name may not be a ××报, ××刊 or ××杂志 (Art. 14 ¶2)."""
    if re.search(r"(报|刊|杂志)$", name):
        yield Finding(
            Severity.ERROR,
            "S-210",
            f"the name “{name}” ends in 报/刊/杂志: an internal periodical may not be named so (办法 Art. 14 ¶2)",
            where,
            "use the name on the 准印证",
        )
