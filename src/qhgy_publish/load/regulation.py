"""Regulation and document text (kind: regulation): 条 and 附件 recognised in the body.

Editors type a regulation as they see it printed (docs/source-format.md):

    ## 第一章　总则
    第一条　为……，制定本办法。
    款 and 项 as ordinary paragraphs
    附件：1．……

A heading that opens with 第X章 (编, 节) is set centred as a chapter heading;
other headings (一、…) stay as in any article. A paragraph that opens with 第X条 becomes a clause: 第X条 is its lead (黑体)
and one full-width space follows it, however the editor typed the gap; a
paragraph that opens with 附件 starts the attachment list, and numbered
paragraphs right after it (2．……) continue it. The 落款 and 日期 are the front
matter's ``signature`` and ``date``.
"""

from __future__ import annotations

import re

from ..model import Block, Heading, Paragraph, Run

CLAUSE = re.compile(r"^(第[一二三四五六七八九十百零〇两0-9]+条)[ \u3000\u00a0]*")
CHAPTER = re.compile(r"^第[一二三四五六七八九十百零〇两0-9]+[编章节]")
ATTACHMENT = re.compile(r"^附件[0-9一二三四五六七八九十]*[：:]?")
ATTACHMENT_ITEM = re.compile(r"^[0-9]+[．.]")
FULL_SPACE = "\u3000"


def _clause(paragraph: Paragraph) -> Paragraph:
    text = paragraph.text
    match = CLAUSE.match(text)
    if not match:
        return paragraph
    number = match.group(1)
    rest_runs: list[Run] = []
    consumed = match.end()
    for run in paragraph.runs:  # drop the first `consumed` characters, keep the rest's markup
        if consumed >= len(run.text):
            consumed -= len(run.text)
            continue
        rest_runs.append(run.model_copy(update={"text": run.text[consumed:]}))
        consumed = 0
    runs = [Run(text=number, strong=True), Run(text=FULL_SPACE), *rest_runs]
    return paragraph.model_copy(update={"runs": runs, "role": "clause"})


def regulation_blocks(blocks: list[Block]) -> list[Block]:
    """The blocks of a regulation with its clauses and attachment list marked."""
    out: list[Block] = []
    in_attachment = False
    for block in blocks:
        if isinstance(block, Paragraph):
            text = block.text
            if ATTACHMENT.match(text) or (in_attachment and ATTACHMENT_ITEM.match(text)):
                in_attachment = True
                out.append(block.model_copy(update={"role": "attachment"}))
                continue
            block = _clause(block)
        elif isinstance(block, Heading) and CHAPTER.match(block.text):
            block = block.model_copy(update={"role": "chapter"})
        in_attachment = False
        out.append(block)
    return out
