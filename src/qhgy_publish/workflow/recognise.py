"""What each paragraph of a Word manuscript is: the conventions contributors use, as rules.

Every decision other than “body paragraph” is a :class:`Guess` that names the
Word paragraph (¶N, counting non-empty paragraphs) and why; the editor can
overrule any of them with ``--as N=ROLE``. The rules follow the magazine's
own pages (see /work/shared/docs/magazine-spec.md, block types): title with an
optional 引题 above and “——” 副题 below, bylines “文/…”, “□ …”, “记者 …”,
a dateline （2025年1月21日）, a salutation ending in “：”, 一、/（一） headings,
bold run-in leads, （来源：…） and the contributing unit （省总办公室） at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..transforms.typography import HAN
from .word import Manuscript, WordParagraph

ROLES = (
    "title",
    "kicker",
    "subtitle",
    "byline",
    "dateline",
    "salutation",
    "source",
    "credit",
    "signature",
    "date",
    "heading1",
    "heading2",
    "note",
    "caption",
    "body",
    "skip",
)

NUM = "一二三四五六七八九十"
HEADING1 = re.compile(rf"^[{NUM}]{{1,3}}、")
HEADING2 = re.compile(rf"^[（(][{NUM}]{{1,3}}[）)]")
BYLINE_SLASH = re.compile(r"^(?:文|撰文|作者|执笔)\s*[/／:：]\s*(.+)$")
BYLINE_BOX = re.compile(r"^[□■◇◆]\s*(.+)$")
BYLINE_REPORTER = re.compile(r"^((?:本报|本刊|特约|首席|驻站)?记者|通讯员)\s*[:：]?\s*(.+)$")
DATE = (
    r"(?:\d{4}|[〇○零一二三四五六七八九]{4})年[\d一二三四五六七八九十]{1,3}月[\d一二三四五六七八九十]{1,3}日"
)
DATELINE = re.compile(rf"^[（(]\s*{DATE}\s*[）)]$")
DATE_ONLY = re.compile(rf"^{DATE}$")
SOURCE_LINE = re.compile(r"^[（(]?\s*(?:来源|稿件来源|转自|转载自)\s*[:：]\s*(.+?)\s*[）)]?$")
SOURCE_TAIL = re.compile(r"[（(]\s*来源\s*[:：]\s*([^（）()]+?)\s*[）)]\s*$")
CREDIT_WORDS = re.compile(r"^[（(]?\s*(?:供稿|供稿单位|稿件提供)\s*[:：]\s*(.+?)\s*[）)]?$")
CREDIT_LINE = re.compile(r"^[（(]([^（）()。，、；：:,]{2,24})[）)]$")
CREDIT_TAIL = re.compile(r"(?<=[。！？”])\s*[（(]([^（）()。，、；：:,]{2,24})[）)]\s*$")
NOT_CREDIT = re.compile(rf"^(?:完|待续|未完待续|续|{DATE}|[\d\s年月日.-]+)$")
SALUTATION = re.compile(r"^.{2,40}[：:]$")
SALUTATION_WORDS = re.compile(r"同志|尊敬|亲爱|各位|朋友|们|代表|执委")
NOTE_START = re.compile(r"^[【\[]?编者按[】\]]?[:：]?")
CAPTION_START = re.compile(r"^(?:图为|图：|图:|图\s*\d|上图|下图|左图|右图|（图|\(图|▲|△|■)")
SENTENCE_END = re.compile(r"[。；]")
_SPACES = re.compile(r"[ \u3000\u00a0\t]+")
_HAN = re.compile(f"[{HAN}]")


@dataclass
class Guess:
    """One decision the importer made, with the Word paragraph it came from."""

    para: int | None  # ¶ number, None for decisions about the whole manuscript (slug, kind …)
    role: str
    text: str
    why: str


@dataclass
class Recognised:
    """Roles of the manuscript's paragraphs, and what they yield."""

    roles: dict[int, str]  # ¶ number → role (body paragraphs included)
    guesses: list[Guess] = field(default_factory=list)
    title: str = ""
    kicker: str | None = None
    subtitle: str | None = None
    bylines: list[tuple[str, str]] = field(default_factory=list)  # (position, name)
    dateline: str | None = None
    salutation: str | None = None
    source: str | None = None
    source_block: bool = False
    credit: str | None = None
    signature: str | None = None
    date: str | None = None
    tail_strip: dict[int, str] = field(
        default_factory=dict
    )  # ¶ → text removed at its end (inline source/credit)
    captions: dict[int, int] = field(default_factory=dict)  # picture ¶ → caption ¶


def clean(text: str) -> str:
    """A paragraph's text without indents, line-end spaces or doubled spaces."""
    return _SPACES.sub(" ", text.replace("\n", "")).strip()


def excerpt(text: str, width: int = 22) -> str:
    text = clean(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _style_level(p: WordParagraph) -> int | None:
    """N of a Word heading style (Heading N, 标题 N) on a paragraph with text."""
    m = re.search(r"(?:heading|标题) ?([1-9])", p.style.lower())
    return int(m.group(1)) if m and clean(p.text) else None


def _is_heading(p: WordParagraph, ranks: dict[int, str] | None = None) -> str | None:
    """heading1/heading2 by the 一、/（一） numbering, else by the Word heading style.

    ``ranks`` maps the heading styles the body uses to the magazine's two levels
    (the highest used is 一、); without it (at the top) Heading 1 is left to the title.
    """
    t = clean(p.text)
    short = len(t) <= 80 and not SENTENCE_END.search(t[:-1])
    if HEADING1.match(t) and short:
        return "heading1"
    if HEADING2.match(t) and short:
        return "heading2"
    level = _style_level(p)
    if level is None:
        return None
    if ranks is None:
        return None if level == 1 else ("heading2" if level >= 3 else "heading1")
    return ranks.get(level)


def _byline(t: str) -> list[tuple[str, str]] | None:
    """(position, name) pairs of a byline paragraph, or None."""
    if len(t) > 50 or SENTENCE_END.search(t) or "，" in t:
        return None
    if m := BYLINE_SLASH.match(t):
        return [("", n) for n in re.split(r"[ 、,，]+", m.group(1).strip()) if n]
    if m := BYLINE_BOX.match(t):
        rest = m.group(1).strip()
        position, _, name = rest.rpartition(" ")
        return [(position.strip(), name.strip())]
    if (m := BYLINE_REPORTER.match(t)) and len(m.group(2)) <= 24:
        names = [n for n in re.split(r"[ 、,，]+", m.group(2).strip()) if n]
        if names and all(1 < len(n) <= 4 and _HAN.match(n) for n in names):
            return [(m.group(1), n) for n in names]
    return None


def _title_like(p: WordParagraph) -> bool:
    t = clean(p.text)
    return bool(t) and not p.images and len(t) <= 60 and not t.endswith("。") and "。" not in t


def recognise(ms: Manuscript, forced: dict[int, str] | None = None) -> Recognised:
    """Give every paragraph a role; ``forced`` (¶ → role) overrules the rules."""
    forced = forced or {}
    paras = ms.paragraphs
    rec = Recognised(roles={})
    guess = rec.guesses.append

    def assign(p: WordParagraph, role: str, why: str) -> None:
        if p.number in forced:
            return
        rec.roles[p.number] = role
        guess(Guess(p.number, role, excerpt(p.text), why))

    for number, role in forced.items():
        rec.roles[number] = role
        p = next((x for x in paras if x.number == number), None)
        guess(Guess(number, role, excerpt(p.text) if p else "", "set with --as"))

    # ------------------------------------------------------------ the head
    head: list[WordParagraph] = []
    i = 0
    while i < len(paras) and i < 10:
        p = paras[i]
        t = clean(p.text)
        if p.number in forced:
            if forced[p.number] in ("title", "kicker", "subtitle", "byline", "dateline", "source", "skip"):
                i += 1
                continue
            break
        if p.images or NOTE_START.match(t) or _is_heading(p):
            break
        if _byline(t) is not None and (head or i > 0):
            assign(p, "byline", "byline convention (文/…, □ …, 记者 …)")
        elif DATELINE.match(t):
            assign(p, "dateline", "a date in brackets under the title")
        elif SOURCE_LINE.match(t):
            assign(p, "source", "“来源：” line")
        elif head and SALUTATION.match(t) and SALUTATION_WORDS.search(t):
            assign(p, "salutation", "a short line ending in “：” before the text")
            i += 1
            break
        elif not any(r in ("byline", "dateline") for r in rec.roles.values()) and _title_like(p):
            head.append(p)
        else:
            break
        i += 1
    _head_lines(head, rec, assign)

    # --------------------------------------------------------- the tail
    rest = [p for p in paras[i:] if p.number not in rec.roles]
    body = [p for p in rest if p.number not in forced]
    salutation_found = "salutation" in rec.roles.values()
    if (
        not salutation_found
        and body
        and (s := clean(body[0].text))
        and SALUTATION.match(s)
        and SALUTATION_WORDS.search(s)
    ):
        assign(body[0], "salutation", "a short line ending in “：” before the text")
        body = body[1:]
    _tail(body, rec, assign)

    # ------------------------------------------------------- the body
    used = sorted({n for p in paras if p.number not in rec.roles and (n := _style_level(p)) is not None})
    ranks = {n: "heading1" if k == 0 else "heading2" for k, n in enumerate(used)}
    after_picture: WordParagraph | None = None
    for p in paras:
        if p.number in rec.roles:
            after_picture = None
            continue
        t = clean(p.text)
        if after_picture is not None and _caption_like(p, after_picture):
            assign(p, "caption", "short line under a picture" + (f" (style {p.style})" if p.style else ""))
            rec.captions[after_picture.number] = p.number
            after_picture = None
            continue
        after_picture = p if p.images else None
        if p.images and not t:
            rec.roles[p.number] = "body"
        elif NOTE_START.match(t):
            assign(p, "note", "starts with 【编者按】")
        elif level := _is_heading(p, ranks):
            why = "starts with 一、" if level == "heading1" else "starts with （一）"
            if HEADING1.match(t) is None and HEADING2.match(t) is None:
                why = f"Word style {p.style}"
            assign(p, level, why + ", a short line of its own")
        else:
            rec.roles[p.number] = "body"
            lead = _bold_lead(p)
            if lead:
                guess(Guess(p.number, "bold lead", lead, "bold at the start of the paragraph: a run-in lead"))
    for number, role in forced.items():
        if role == "caption":
            pictures = [p for p in paras if p.images and p.number < number]
            if pictures:
                rec.captions[pictures[-1].number] = number
    _collect_values(paras, rec)
    return rec


def _head_lines(head: list[WordParagraph], rec: Recognised, assign) -> None:  # type: ignore[no-untyped-def]
    """Title, 引题 and 副题 among the short lines at the top."""
    if not head:
        return
    subtitles = [p for p in head if re.match(r"^(——|—|--)", clean(p.text)) or "subtitle" in p.style.lower()]
    for p in subtitles:
        assign(p, "subtitle", "starts with “——”" if "—" in clean(p.text)[:2] else f"Word style {p.style}")
    lines = [p for p in head if p not in subtitles]
    if not lines:
        return
    styled = [p for p in lines if re.search(r"^title$|^标题$|heading 1|标题 ?1", p.style.lower())]
    sizes = [p.size for p in lines]
    if styled:
        main = styled[0]
        why = f"Word style {main.style}"
    elif len(lines) > 1 and all(sizes) and len(set(sizes)) > 1:
        biggest = max(s for s in sizes if s)
        main = next(p for p in lines if p.size == biggest)
        why = f"the largest type at the top ({biggest:g} pt)"
    else:
        main = lines[0]
        why = (
            "the first line" if len(lines) == 1 else "the short lines at the top, one title in several lines"
        )
    at = lines.index(main)
    title = [main]
    for p in lines[at + 1 :]:
        if p.size == main.size and p.style == main.style:
            title.append(p)
        else:
            assign(p, "subtitle", "a smaller line under the title")
    for p in title:
        assign(p, "title", why)
    for p in lines[:at]:
        if not styled and len(set(sizes)) <= 1:
            assign(p, "title", why)
        else:
            assign(p, "kicker", "a smaller line above the title (引题)")


def _tail(body: list[WordParagraph], rec: Recognised, assign) -> None:  # type: ignore[no-untyped-def]
    """Source, credit, signature and date at the end; inline source/credit at the last paragraph's end."""

    def found(role: str) -> bool:
        return role in rec.roles.values() or getattr(rec, role, None) is not None

    while body:
        last = body[-1]
        t = clean(last.text)
        if last.images:
            break
        if SOURCE_LINE.match(t) and not found("source"):
            assign(last, "source", "“来源：” line at the end")
        elif DATE_ONLY.match(t) and not found("date") and len(body) > 1:
            sig = clean(body[-2].text)
            if len(sig) <= 30 and not re.search(r"[。，；！？]", sig):
                assign(last, "date", "a date alone at the end, under a signature")
                assign(body[-2], "signature", "a short line above the closing date")
                body = body[:-1]
            else:
                break
        elif _credit_line(t) and not found("credit"):
            assign(last, "credit", "the contributing unit in brackets at the end")
        else:
            break
        body = body[:-1]
    if not body:
        return
    last = body[-1]
    t = last.text.rstrip()
    for _ in range(2):
        if not found("source") and (m := SOURCE_TAIL.search(t)):
            rec.tail_strip[last.number] = t[m.start() :] + rec.tail_strip.get(last.number, "")
            rec.source = clean(m.group(1))
            rec.guesses.append(
                Guess(
                    last.number,
                    "source",
                    excerpt(m.group(0)),
                    "“（来源：…）” at the end of the last paragraph",
                )
            )
            t = t[: m.start()].rstrip()
        elif not found("credit") and (m := CREDIT_TAIL.search(t)) and not NOT_CREDIT.match(m.group(1)):
            rec.tail_strip[last.number] = t[m.start() :] + rec.tail_strip.get(last.number, "")
            rec.credit = clean(m.group(1))
            rec.guesses.append(
                Guess(
                    last.number,
                    "credit",
                    excerpt(m.group(0)),
                    "the unit in brackets closing the last paragraph",
                )
            )
            t = t[: m.start()].rstrip()


def _credit_line(t: str) -> bool:
    if CREDIT_WORDS.match(t):
        return True
    m = CREDIT_LINE.match(t)
    return bool(m) and not NOT_CREDIT.match(m.group(1))  # type: ignore[union-attr]


def _caption_like(p: WordParagraph, picture: WordParagraph) -> bool:
    t = clean(p.text)
    if not t or p.images or len(t) > 100:
        return False
    return bool(
        re.search(r"caption|题注|图注", p.style.lower())
        or CAPTION_START.match(t)
        or (p.alignment == "center" and len(t) <= 80)
    )


def _bold_lead(p: WordParagraph) -> str:
    lead = ""
    for piece in p.pieces:
        if piece.note is not None or (not lead and not piece.text.strip()):
            continue  # a footnote mark, or the indent typed before the lead
        if not piece.bold:
            break
        lead += piece.text
    whole = clean(p.text)
    return clean(lead) if lead.strip() and clean(lead) != whole else ""


def _collect_values(paras: list[WordParagraph], rec: Recognised) -> None:
    """Front-matter values from the paragraphs that hold them."""
    by_role: dict[str, list[WordParagraph]] = {}
    for p in paras:
        by_role.setdefault(rec.roles.get(p.number, ""), []).append(p)

    def joined(role: str, sep: str = "") -> str | None:
        items = by_role.get(role)
        return sep.join(clean(p.text) for p in items) if items else None

    # A line break typed in the title (or a title in several paragraphs) is a deliberate break.
    rec.title = "\n".join(
        clean(line) for p in by_role.get("title", []) for line in p.text.split("\n") if clean(line)
    )
    rec.kicker = joined("kicker")
    rec.subtitle = joined("subtitle")
    rec.dateline = joined("dateline")
    rec.salutation = joined("salutation")
    rec.signature = joined("signature")
    rec.date = joined("date")
    for p in by_role.get("byline", []):
        rec.bylines += _byline(clean(p.text)) or [("", clean(p.text))]
    for p in by_role.get("source", []):
        m = SOURCE_LINE.match(clean(p.text))
        rec.source = clean(m.group(1)) if m else clean(p.text).strip("（）()")
        # At the end on its own line it stays there; under the title it moves to the end, run in.
        rec.source_block = p.number > max((x.number for x in by_role.get("body", [])), default=0)
    for p in by_role.get("credit", []):
        t = clean(p.text)
        m = CREDIT_WORDS.match(t) or CREDIT_LINE.match(t)
        rec.credit = clean(m.group(1)) if m else t.strip("（）()")
