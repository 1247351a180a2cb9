"""`qhgy import`: a Word manuscript becomes ``articles/NNN-slug.md`` (+ its pictures in ``images/``).

The manuscript is read by mammoth (:mod:`.word`), its paragraphs get roles by
the contributors' conventions (:mod:`.recognise`), and the text is normalised
with the build's own transform (:func:`~qhgy_publish.transforms.typography.normalise_text`),
so what lands in the sources is what the build would print anyway. Every guess
is reported; flags overrule each one. The new file is loaded back with the
build's own loader before it counts as imported, and an earlier import of the
same manuscript is replaced, so an editor can run the import again with flags.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import yaml

from ..errors import QhgyError, SourceErrors
from ..load.article import load_article, split_front_matter
from ..load.issue import ARTICLES_DIR, load_meta
from ..model import Kind
from ..transforms.typography import HAN, normalise_text
from .recognise import ROLES, Guess, Recognised, clean, excerpt, recognise
from .word import MANUSCRIPT_SUFFIXES, Manuscript, ManuscriptError, WordParagraph, WordTable, read_manuscript

COVER_PAGES = {"inside-front-cover": "封二", "inside-back-cover": "封三"}
IMPORT_MARK = "# 导入自 "  # first front-matter line: which manuscript the file came from
NEWS_COLUMNS = ("市州动态", "产业风采", "基层活动")
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_HAN = re.compile(f"[{HAN}]")


@dataclass
class Overrides:
    """What the editor said on the command line; None: let the importer guess."""

    column: str | None = None
    placement: str | None = None  # inside-front-cover (封二) or inside-back-cover (封三): no 栏目
    kind: str | None = None
    title: str | None = None
    kicker: str | None = None  # "" removes a guessed one
    subtitle: str | None = None
    bylines: list[str] | None = None  # "position name" or "name"
    dateline: str | None = None
    salutation: str | None = None
    source: str | None = None
    credit: str | None = None
    slug: str | None = None
    number: int | None = None
    roles: dict[int, str] = field(default_factory=dict)  # --as N=ROLE


@dataclass
class Imported:
    manuscript: Path
    article: Path
    images: list[Path]
    guesses: list[Guess]
    notes: list[str]  # things the editor should look at (no caption, Word numbering …)
    markdown: str
    replaced: Path | None = None


def parse_roles(values: tuple[str, ...] | list[str]) -> dict[int, str]:
    """``["3=body", "¶5=caption"]`` → {3: "body", 5: "caption"}; bad values raise with the roles listed."""
    roles: dict[int, str] = {}
    for value in values:
        m = re.match(r"^\s*[¶#]?(\d+)\s*[=:]\s*([a-z0-9]+)\s*$", value)
        if not m or m.group(2) not in ROLES:
            raise QhgyError(
                f"--as {value}: write paragraph=role, e.g. --as 3=body\n      → roles: {', '.join(ROLES)}"
            )
        roles[int(m.group(1))] = m.group(2)
    return roles


# ------------------------------------------------------------------ where


def _articles(issue_dir: Path) -> list[tuple[int, str, str | None, Path]]:
    """(number, slug, 栏目, path) of each article file, read from names and front matter."""
    found = []
    for path in sorted((issue_dir / ARTICLES_DIR).glob("*.md")):
        m = re.match(r"^(\d+)-(.+)$", path.stem)
        if not m:
            continue
        column = None
        parts = split_front_matter(path.read_text(encoding="utf-8-sig"))
        if parts:
            try:
                data = yaml.safe_load(parts[0])
                column = data.get("column") if isinstance(data, dict) else None
            except yaml.YAMLError:
                pass
        found.append((int(m.group(1)), m.group(2), column, path))
    return found


def next_number(issue_dir: Path, column: str, columns: list[str], skip: Path | None = None) -> int:
    """The 栏目's next free slot: after its last article, before the next 栏目's first where there is room.

    Files are grouped by 栏目 and ordered by number inside it, so any larger
    number is correct; a round one that keeps the folder in printed order is nicer.
    """
    articles = [a for a in _articles(issue_dir) if a[3] != skip]
    used = {a[0] for a in articles}
    numbers = {name: sorted(a[0] for a in articles if a[2] == name) for name in columns}
    at = columns.index(column)
    before = max((n for name in columns[: at + 1] for n in numbers[name]), default=0)
    after = min((n for name in columns[at + 1 :] for n in numbers[name] if n > before), default=900)
    mine = numbers[column]
    start = mine[-1] if mine else before
    for step in (10, 5, 1):
        candidate = (start // step + 1) * step
        while candidate in used:
            candidate += step
        if candidate < after:
            return candidate
    candidate = (mine[-1] if mine else before) + 1
    while candidate in used:
        candidate += 1
    return candidate


def _cover_number(issue_dir: Path, placement: str, earlier: Path | None) -> int:
    """封二 pieces take 000, 001 …; 封三 pieces 900, 910 … (files print in name order there)."""
    used = {a[0] for a in _articles(issue_dir) if a[3] != earlier}
    candidates = range(0, 10) if placement == "inside-front-cover" else range(900, 1000, 10)
    return next((n for n in candidates if n not in used), max(used, default=900) + 1)


def pinyin_slug(title: str, taken: set[str]) -> str:
    """Pinyin of the title's first six Han characters, two syllables a word: xining-shizong-gonghui."""
    from pypinyin import Style, lazy_pinyin

    words: list[str] = []
    han = 0
    for token in re.findall(rf"[{HAN}]|[A-Za-z0-9]+", title):
        if _HAN.match(token):
            if han >= 6:
                break
            syllable = lazy_pinyin(token, style=Style.NORMAL, errors="ignore")
            syllable_text = re.sub(r"[^a-z]", "", "".join(syllable).lower().replace("ü", "v"))
            if han % 2 == 0 or not words:
                words.append(syllable_text)
            else:
                words[-1] += syllable_text
            han += 1
        elif not words or len(words) < 3:
            words.append(token.lower())
            han += han % 2  # a number or a Latin word ends the current pair
    slug = "-".join(w for w in words if w) or "wengao"
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


# ---------------------------------------------------------------- markdown


def _escape(text: str) -> str:
    """Keep Markdown from reading a manuscript's ASCII marks as markup."""
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)


def _runs_markdown(p: WordParagraph, strip_tail: str = "") -> str:
    """The paragraph as Markdown: bold runs as **…**, footnote references as ①, text normalised."""
    chars: list[tuple[str, bool]] = []
    for piece in p.pieces:
        if piece.note is not None:
            mark = CIRCLED[piece.note - 1] if piece.note <= len(CIRCLED) else f"[{piece.note}]"
            chars += [(c, False) for c in mark]
        else:
            chars += [(c, piece.bold) for c in piece.text.replace("\n", "")]
    while chars and chars[-1][0].isspace():
        chars.pop()
    if strip_tail:  # an inline （来源：…） or credit that goes to the front matter
        left = len(strip_tail.rstrip())
        while chars and left:
            left -= 1
            chars.pop()
    plain = "".join(c for c, _ in chars)
    flags = _align(chars, normalise_text(clean(plain)))
    out, segment, bold = "", "", False
    for ch, b in [*flags, ("", not (flags[-1][1] if flags else False))]:
        if b != bold or not ch:
            if bold and segment.strip():
                lead, inner, trail = _split_space(segment)
                out += f"{lead}**{_escape(inner)}**{trail}"
            else:
                out += _escape(segment)
            segment, bold = "", b
        segment += ch
    return _escape_start(clean(out))


def _align(chars: list[tuple[str, bool]], target: str) -> list[tuple[str, bool]]:
    """Each character of ``target`` (the text normalised) with the bold flag of the manuscript
    characters it comes from. The rules of transforms/rules.py drop spaces and replace marks,
    digits and dashes, some several characters by fewer (... → ……): a replaced piece is bold
    when all it replaces was, an inserted one follows the character before it."""
    source = "".join(c for c, _ in chars)
    flags = [b for _, b in chars]
    out: list[tuple[str, bool]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, source, target, autojunk=False).get_opcodes():
        if op == "equal":
            out += [(target[j1 + k], flags[i1 + k]) for k in range(j2 - j1)]
        elif op in ("replace", "insert"):
            bold = all(flags[i1:i2]) if i2 > i1 else bool(out and out[-1][1])
            out += [(ch, bold) for ch in target[j1:j2]]
    return out


def _split_space(text: str) -> tuple[str, str, str]:
    inner = text.strip()
    start = text.index(inner[0])
    return text[:start], inner, text[start + len(inner) :]


def _escape_start(text: str) -> str:
    """A paragraph that starts like a list item, heading or quote stays a paragraph."""
    text = re.sub(r"^(\d+)([.)])(\s)", r"\1\\\2\3", text)
    return re.sub(r"^([-+#>:!=~])", r"\\\1", text)


def _image_name(data: bytes, content_type: str) -> tuple[bytes, str]:
    """The picture's bytes as they were embedded (full resolution) and its suffix; other formats → PNG."""
    kinds = {"image/jpeg": ".jpg", "image/jpg": ".jpg", "image/png": ".png"}
    if content_type in kinds:
        return data, kinds[content_type]
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            out = io.BytesIO()
            im.convert("RGBA" if "A" in im.getbands() else "RGB").save(out, format="PNG")
            return out.getvalue(), ".png"
    except (UnidentifiedImageError, OSError) as exc:
        raise ManuscriptError(
            f"a picture is a {content_type or 'format'} that cannot be printed ({exc})\n"
            "      → replace it in Word with the original photo (JPEG or PNG), or send the photo separately"
        ) from exc


def _alt(word_alt: str, caption: str, title: str, k: int) -> str:
    generic = re.compile(r"^(图片|图像|Picture|Image|IMG|DSC|微信图片)[\s_\-\d.]*|\.(jpe?g|png)$", re.I)
    if word_alt and _HAN.search(word_alt) and not generic.search(word_alt):
        return clean(word_alt)
    if caption:
        return re.split(r"[。；]", re.sub(r"^(图为|图：|图:|▲|△)\s*", "", caption))[0][:60] or caption[:60]
    return f"{clean(title)} 配图{k}"


def _quote_yaml(value: object) -> str:
    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper, data):  # type: ignore[no-untyped-def]
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|" if "\n" in data else None)

    Dumper.add_representer(str, text)
    return yaml.dump(value, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=1000)


def _front_matter(meta: dict, manuscript: Path) -> str:
    return (
        f"---\n{IMPORT_MARK}{manuscript.name}（qhgy import；重新导入会覆盖本文件）\n{_quote_yaml(meta)}---\n"
    )


# ------------------------------------------------------------------ import


def build_markdown(
    ms: Manuscript, rec: Recognised, ov: Overrides, column: str, slug: str
) -> tuple[str, dict, list[tuple[str, bytes]], list[str]]:
    """(Markdown text, front matter, pictures to write, notes for the editor)."""
    notes: list[str] = []
    tables = [b for b in ms.blocks if isinstance(b, WordTable)]
    if tables:
        lines = []
        for t in tables:
            before = next((p for p in ms.paragraphs if p.number == t.after), None)
            first = " | ".join(c.strip() for c in t.rows[0]) if t.rows else ""
            cols = max((len(r) for r in t.rows), default=0)
            lines.append(
                f"表{t.number} ({len(t.rows)} rows × {cols} columns, first row “{excerpt(first, 30)}”)"
                + (f" after ¶{t.after} “{excerpt(before.text)}”" if before else " at the start")
            )
        raise ManuscriptError(
            f"{ms.path}: the manuscript holds {len(tables)} table(s); the magazine has no table layout yet, "
            "and a table left out or run together as text would change what the author wrote:\n"
            + "\n".join(f"        {line}" for line in lines)
            + "\n      → in Word, turn each table into sentences (一是……二是……) or into a picture "
            "(copy → 选择性粘贴 → 图片), then import again; see docs/import.md"
        )
    title = ov.title if ov.title is not None else rec.title
    if not title.strip():
        raise ManuscriptError(
            f"{ms.path}: no title found (the first paragraph is text, not a short line)\n"
            '      → add the title as the first line in Word, or give it with --title "…"'
        )
    meta: dict = {"placement": ov.placement} if ov.placement else {"column": column}
    kind, why = _kind(ms, rec, ov, column)
    meta["kind"] = kind
    meta["title"] = "\n".join(normalise_text(line.strip(), spaces=False) for line in title.split("\n"))

    def put(key: str, value: str | None) -> None:
        if value:
            meta[key] = normalise_text(clean(value), spaces=False)

    put("kicker", ov.kicker if ov.kicker is not None else rec.kicker)
    put("subtitle", ov.subtitle if ov.subtitle is not None else rec.subtitle)
    bylines = (
        [tuple(b.rsplit(" ", 1)) if " " in b.strip() else ("", b) for b in ov.bylines]
        if ov.bylines is not None
        else rec.bylines
    )
    if bylines:
        meta["bylines"] = [
            ({"position": normalise_text(pos.strip(), spaces=False)} if pos.strip() else {}) | {"name": name.strip()}
            for pos, name in bylines
        ]
    put("dateline", ov.dateline if ov.dateline is not None else rec.dateline)
    put("salutation", ov.salutation if ov.salutation is not None else rec.salutation)
    put("signature", rec.signature)
    put("date", rec.date)
    put("source", ov.source if ov.source is not None else rec.source)
    if "source" in meta and rec.source_block and ov.source is None:
        meta["source_block"] = True
    put("credit", ov.credit if ov.credit is not None else rec.credit)

    blocks: list[str] = []
    pictures: list[tuple[str, bytes]] = []
    by_number = {p.number: p for p in ms.paragraphs}
    captions = {v for v in rec.captions.values()}
    for p in ms.paragraphs:
        role = rec.roles.get(p.number, "body")
        if role not in ("body", "heading1", "heading2", "note") or p.number in captions:
            continue
        text = clean(p.text)
        if p.list_item and role == "body":
            notes.append(
                f"¶{p.number} “{excerpt(text)}” uses Word's automatic numbering: its number is not in the "
                "text; type the number (一是、1.) into the Markdown"
            )
        if role in ("heading1", "heading2") and text:
            marks = "##" if role == "heading1" else "###"
            blocks.append(f"{marks} {normalise_text(text)}")  # heading text is read as typed: no escapes
        elif role == "note" and text:
            blocks.append("> " + _runs_markdown(p))
        elif text:
            blocks.append(_runs_markdown(p, rec.tail_strip.get(p.number, "")))
        for k, image in enumerate(p.images):
            try:
                data, suffix = _image_name(image.data, image.content_type)
            except ManuscriptError as exc:
                raise ManuscriptError(f"{ms.path}: picture {k + 1} in ¶{p.number}: {exc}") from exc
            name = f"images/{slug}-{len(pictures) + 1}{suffix}"
            pictures.append((name, data))
            caption_p = by_number.get(rec.captions.get(p.number, -1)) if k == len(p.images) - 1 else None
            caption = normalise_text(clean(caption_p.text)) if caption_p else ""
            if not caption:
                notes.append(f'picture {name} (¶{p.number}) has no caption: add one in the Markdown ("…")')
            alt = _alt(image.alt, caption, meta["title"], len(pictures))
            if alt != clean(image.alt):  # Word's own description was missing or said nothing
                notes.append(
                    f"picture {name} (¶{p.number}): its alt text “{alt}” is made from "
                    f"{'the caption' if caption else 'the title'}; say what the photo shows inside ![…]"
                )
            title_part = f' "{caption.replace(chr(34), chr(92) + chr(34))}"' if caption else ""
            blocks.append(f"![{_escape(alt)}]({name}{title_part})")
    if ms.notes:
        notes_md = ["> 注释："] + [
            f"> {CIRCLED[n - 1] if n <= len(CIRCLED) else f'[{n}]'}{_escape(normalise_text(clean(t)))}"
            for n, t in sorted(ms.notes.items())
        ]
        blocks.append("\n>\n".join(notes_md))
        notes.append(
            f"{len(ms.notes)} footnote(s) became ①… marks in the text and a 注释 box at the end "
            "(the magazine prints no footnotes at the page foot)"
        )
    if not any(b and not b.startswith(("#", "!", ">")) for b in blocks):
        raise ManuscriptError(
            f"{ms.path}: no body text was found under the title\n"
            "      → check the manuscript, or mark paragraphs as text with --as N=body"
        )
    rec.guesses.append(Guess(None, "kind", kind, why))
    notes += [f"Word: {m}" for m in ms.messages]
    return "\n\n".join(blocks) + "\n", meta, pictures, notes


def _kind(ms: Manuscript, rec: Recognised, ov: Overrides, column: str) -> tuple[str, str]:
    if ov.kind:
        if ov.kind not in {k.value for k in Kind}:
            raise QhgyError(f"--kind {ov.kind}: use one of {', '.join(k.value for k in Kind)}")
        return ov.kind, "set with --kind"
    title = rec.title
    roles = set(rec.roles.values())
    han = sum(len(_HAN.findall(p.text)) for p in ms.paragraphs)
    if (rec.signature and rec.date) or re.search(r"慰问信|贺信|公开信|倡议书", title):
        return "letter", "a signature and a date at the end" if rec.signature else "the title names a letter"
    heads = f"{title}{rec.subtitle or ''}{''.join(n for _, n in rec.bylines)}"
    if re.search(r"社论|献词|评论员|卷首语", heads):
        return "editorial", "the title, subtitle or byline names an editorial (社论、献词…)"
    if rec.dateline or rec.salutation or re.search(r"讲话|致辞|发言", title):
        return (
            "speech",
            "a dateline or a salutation" if rec.dateline or rec.salutation else "the title names a speech",
        )
    if "heading1" in roles or re.search(r"报告|调研|研究|思考|探索", title):
        return "report", "一、 headings" if "heading1" in roles else "the title names a report or study"
    if (rec.credit or column in NEWS_COLUMNS) and han < 1500:
        return "news", f"{han} characters{' and a credit' if rec.credit else f' in {column}'}"
    return "article", "none of the other kinds' marks"


def import_manuscript(path: Path, issue_dir: Path, ov: Overrides, *, dry_run: bool = False) -> Imported:
    """Import one manuscript into ``issue_dir``; return what was written (or would be, with ``dry_run``)."""
    meta_issue, _, errors = load_meta(issue_dir)
    if meta_issue is None or errors:
        raise SourceErrors(errors)
    columns = meta_issue.columns
    if ov.placement and ov.placement not in COVER_PAGES:
        raise QhgyError(f"--placement {ov.placement}: use {' or '.join(COVER_PAGES)}")
    column = COVER_PAGES[ov.placement] if ov.placement else ov.column or _column_from_names(path, columns)
    if column is None:
        raise QhgyError(
            f"{path.name}: which 栏目 does it go in?\n      → add --column with one of {'、'.join(columns)}"
        )
    if column not in columns and not ov.placement:
        raise QhgyError(
            f"--column {column}: not a 栏目 of {issue_dir.name}\n      → use one of {'、'.join(columns)}"
        )
    ms = read_manuscript(path)
    rec = recognise(ms, ov.roles)
    earlier = _earlier_import(issue_dir, path)
    existing = _articles(issue_dir)
    taken = {slug for _, slug, _, p in existing if p != earlier}
    if ov.slug:
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", ov.slug):
            raise QhgyError(f"--slug {ov.slug}: use lower-case Latin letters, digits and hyphens")
        if ov.slug in taken:
            raise QhgyError(f"--slug {ov.slug}: another article of {issue_dir.name} has this name")
        slug, slug_why = ov.slug, "set with --slug"
    else:
        slug = pinyin_slug(ov.title or rec.title, taken)
        slug_why = "pinyin of the title"
    if ov.number is not None:
        number, number_why = ov.number, "set with --number"
    elif ov.placement:
        number = _cover_number(issue_dir, ov.placement, earlier)
        number_why = f"{column}: {'before' if ov.placement == 'inside-front-cover' else 'after'} every 栏目"
    elif earlier is not None and _same_column(earlier, column):
        number, number_why = (
            int(earlier.stem.split("-", 1)[0]),
            f"kept from the earlier import {earlier.name}",
        )
    else:
        number = next_number(issue_dir, column, columns, skip=earlier)
        number_why = f"next free slot of {column}"
    markdown, meta, pictures, notes = build_markdown(ms, rec, ov, column, slug)
    rec.guesses.append(Guess(None, "slug", slug, slug_why))
    rec.guesses.append(Guess(None, "number", f"{number:03d}", number_why))
    target = issue_dir / ARTICLES_DIR / f"{number:03d}-{slug}.md"
    if target.exists() and target != earlier:
        raise QhgyError(f"{target} exists already\n      → give another --number or --slug")
    text = _front_matter(meta, path) + "\n" + markdown
    result = Imported(path, target, [issue_dir / n for n, _ in pictures], rec.guesses, notes, text, earlier)
    if dry_run:
        return result
    _write(issue_dir, target, text, pictures, earlier, columns)
    return result


def _write(
    issue_dir: Path,
    target: Path,
    text: str,
    pictures: list[tuple[str, bytes]],
    earlier: Path | None,
    columns: list[str],
) -> None:
    """Write the pictures and the article, load it back with the build's loader; undo on failure."""
    old_images = _images_of(earlier) if earlier else []
    backup = earlier.read_bytes() if earlier else None
    written: list[Path] = []
    try:
        for name, data in pictures:
            image = issue_dir / name
            image.parent.mkdir(parents=True, exist_ok=True)
            image.write_bytes(data)
            written.append(image)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
        article, problems = load_article(target, issue_dir, columns)
        if article is None:
            raise SourceErrors(problems)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        if earlier is not None and backup is not None:
            earlier.write_bytes(backup)
        raise
    if earlier is not None and earlier != target:
        earlier.unlink()
    for image in old_images:
        if image not in written and image.name.startswith(earlier.stem.split("-", 1)[1] if earlier else ""):
            image.unlink(missing_ok=True)


def _images_of(article: Path) -> list[Path]:
    text = article.read_text(encoding="utf-8")
    return [article.parent.parent / m for m in re.findall(r"\]\((images/[^ )\"]+)", text)]


def _earlier_import(issue_dir: Path, manuscript: Path) -> Path | None:
    for path in sorted((issue_dir / ARTICLES_DIR).glob("*.md")):
        with path.open(encoding="utf-8-sig") as f:
            head = [f.readline() for _ in range(2)]
        if head[0].strip() == "---" and head[1].startswith(f"{IMPORT_MARK}{manuscript.name}（"):
            return path
    return None


def _same_column(article: Path, column: str) -> bool:
    parts = split_front_matter(article.read_text(encoding="utf-8-sig"))
    data = yaml.safe_load(parts[0]) if parts else None
    return isinstance(data, dict) and data.get("column") == column


def _column_from_names(path: Path, columns: list[str]) -> str | None:
    """A 栏目 named by the manuscript's folder or file name (市州动态/西宁.docx, 市州动态-西宁.docx)."""
    for part in (path.parent.name, path.stem):
        for name in sorted(columns, key=len, reverse=True):
            if name in part:
                return name
    return None


def manuscripts_in(folder: Path) -> list[Path]:
    """The manuscripts of a folder, in name order (Word's lock files ~$… left out)."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in MANUSCRIPT_SUFFIXES and not p.name.startswith(("~$", "."))
    )
