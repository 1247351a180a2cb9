"""The one-way flow of a build: ``prepare`` (load → gates → transforms), then the renderers.

``qhgy build``, ``qhgy check`` and the preview all start from :func:`prepare`,
so they refuse the same sources with the same findings. :func:`lay_out` is the
print layout with a "dirty" mode, as ``mkdocs serve`` calls the same build with
``dirty=``: given the previous layout and the files saved since, it makes up
again only the one 栏目 an article edit touched, when nothing else can move. The renderers come
from one registry, :data:`RENDERERS`, each owning its output's name (from
:mod:`.products`, which ``qhgy check`` reads too: check never imports this
module). Each renderer writes its file atomically (see :mod:`.output`), so a
failed or interrupted build leaves the previous outputs as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from .check.glyphs import uncovered_characters
from .check.sources import check_sources
from .errors import BuildError, Finding, Severity, SourceErrors
from .fonts import copy_faces_ahead
from .load import load_issue
from .model import Issue
from .output import prepare_output_dir
from .products import product_path
from .summary import IssueSummary, summarise
from .transforms import apply_transforms

if TYPE_CHECKING:
    from weasyprint import Document

    from .render.forked import Forked
    from .render.makeup import MakeupReport
    from .render.makeup.parts import Part
    from .render.print_pdf import PrintLayout


@dataclass
class Prepared:
    """An issue ready for the renderers: loaded, through the gates, transformed."""

    issue: Issue  # after the transforms: what prints
    findings: list[Finding]  # the source checks' report (warnings and notes; errors stopped prepare)
    summary: IssueSummary


def prepare(issue_dir: Path) -> Prepared:
    """Load ``issue_dir``, check the sources as typed, transform, check every glyph has a face.

    Raises :class:`SourceErrors` with the errors (and, in ``report``, every finding of
    the failing stage) when the build must not go on.
    """
    copy_faces_ahead()  # a machine's first build: the layout's faces copied out meanwhile
    loaded = load_issue(issue_dir)
    # The fast source checks run on the text as typed, before any transform.
    findings = check_sources(loaded)
    if errors := [f for f in findings if f.severity is Severity.ERROR]:
        raise SourceErrors(errors, report=findings)
    issue = apply_transforms(loaded)
    if missing := uncovered_characters(issue):
        raise SourceErrors(missing, report=[*findings, *missing])
    return Prepared(issue, findings, summarise(issue))


@dataclass
class IssueLayout:
    """The print layout of an issue, made whole or, in dirty mode, with one 栏目 made up again.

    ``document`` holds the pages this call laid out: every page of the issue, or the
    pages of the one 栏目 (standing from page index ``first_page``), or none when the
    saved files changed nothing that prints. The rest describes the whole issue.
    """

    issue: Issue
    document: Document
    first_page: int
    columns: list[range]  # PDF page indexes of each 栏目
    article_pages: dict[str, int]  # article id → folio
    contents_index: int  # PDF page index of folio 1
    makeup: MakeupReport | None
    whole: PrintLayout | None  # the full layout, when this call made one
    # A draft whose 栏目 changed its page count: how many of the previous layout's pages (from
    # ``first_page``) its pages stand in for; the later pages move, on their old folios, until
    # the make-up (None: as many as it has).
    replaces: int | None = None

    @property
    def relaid(self) -> range:
        """Page indexes laid out by this call."""
        return range(self.first_page, self.first_page + len(self.document.pages))

    @property
    def partial(self) -> bool:
        return self.whole is None


def lay_out(
    issue: Issue,
    previous: IssueLayout | None = None,
    dirty: set[Path] | None = None,
    shown: Callable[[Part], None] | None = None,
    drafted: Callable[[IssueLayout], None] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> IssueLayout:
    """Lay ``issue`` out for print. With the ``previous`` layout and the files saved since
    (``dirty``), only the 栏目 an article edit touched is made up again (the preview's
    path after a save); everything is laid out again unless only article files changed,
    exactly one 栏目 differs, and its new pages keep their count and its articles their
    start pages — then every other page, and the contents, are what a full layout gives.
    ``shown``: 封一 and 封二 of a whole layout as soon as they are laid out.
    ``drafted``: the 栏目 an edit made up again, laid out once with its old make-up
    (:func:`.render.makeup.draft_column`) before it is made up (the rest of the issue is the
    ``previous`` one meanwhile), even if its page count changed (:attr:`IssueLayout.replaces`):
    in the one-栏目 path the edited 栏目, in the whole issue's path each 栏目 from the first not
    taken from the cache (after a stylesheet edit; after another, that one), if that first
    stands where it stood. ``progress``: the index, count and name of each 栏目 as the whole
    issue's make-up comes to it."""
    from .render.makeup.parts import forget_drafts

    forget_drafts()  # the last save's: this one drafts its own
    drawn: set[int] = set()  # the 栏目 (indexes from 0) drafted already
    if previous is not None and dirty:
        partial = _lay_out_dirty(issue, previous, dirty, drafted, drawn)
        if partial is not None:
            return partial
    from .render.makeup import draft_column
    from .render.print_pdf import layout

    making = None
    if drafted is not None and previous is not None and previous.makeup is not None:
        old = previous
        same = [c.name for c in old.issue.columns] == [c.name for c in issue.columns]

        # After a stylesheet, template or picture edit every 栏目 is made up afresh: at the first,
        # all are drafted (the helper process has started on the last ones), so the whole issue
        # shows in the new style long before the make-up ends.
        restyled = bool(dirty) and not text_only(issue.root, dirty)

        moved = 0  # the pages the drafts drawn so far added (removed) before the next

        def making(index: int, first_folio: int) -> None:
            nonlocal moved
            assert old.makeup is not None
            if not same or first_folio != old.columns[index - 1].start - old.contents_index + 1:
                return
            for k in range(index - 1, len(issue.columns) if restyled else index):
                if k in drawn:
                    continue
                drawn.add(k)
                part = draft_column(issue, k + 1, old.makeup)
                if part is not None:
                    drafted(_spliced(old, issue, k, part, moved))
                    moved += len(part.pages) - len(old.columns[k])

    whole = layout(issue, shown, making, progress)
    return IssueLayout(
        issue=issue,
        document=whole.document,
        first_page=0,
        columns=whole.column_ranges(),
        article_pages=whole.article_pages,
        contents_index=whole.contents_index,
        makeup=whole.makeup,
        whole=whole,
    )


def text_only(root: Path, changed: Iterable[Path]) -> bool:
    """Whether only articles, 补白 and issue.yaml of the issue at ``root`` are among ``changed``
    (text, folios and file names: no style, no picture, no template)."""
    folders = [(root / name).resolve() for name in ("articles", "fillers")]
    yaml = (root / "issue.yaml").resolve()
    return all(
        (path := Path(p).resolve()) == yaml or any(path.is_relative_to(folder) for folder in folders) for p in changed
    )


def _lay_out_dirty(
    issue: Issue,
    previous: IssueLayout,
    dirty: set[Path],
    drafted: Callable[[IssueLayout], None] | None = None,
    drawn: set[int] | None = None,
) -> IssueLayout | None:
    """The dirty mode of :func:`lay_out`: the new layout, or None when the whole issue must be laid out."""
    from dataclasses import replace

    from .render.makeup import remake_column

    before = previous.issue
    articles = (issue.root / "articles").resolve()
    if previous.makeup is None or not previous.columns:
        return None
    if not all(Path(p).resolve().is_relative_to(articles) for p in dirty):
        return None  # issue.yaml, a picture, a stylesheet, a 补白: anything may move
    if (before.meta, before.inside_front, before.inside_back) != (issue.meta, issue.inside_front, issue.inside_back):
        return None
    if [c.name for c in before.columns] != [c.name for c in issue.columns]:
        return None
    touched = [k for k, (a, b) in enumerate(zip(before.columns, issue.columns, strict=True)) if a != b]
    if not touched:  # saved as it was: nothing to lay out
        return replace(previous, issue=issue, document=previous.document.copy([]), whole=None)
    if len(touched) != 1:
        return None
    k = touched[0]
    heads = [[(a.id, a.contents_title, a.contents_author) for a in i.columns[k].articles] for i in (before, issue)]
    if drafted is not None:
        _draft(issue, previous, k, drafted, with_front=heads[0] != heads[1])
        if drawn is not None:
            drawn.add(k)
    if heads[0] != heads[1]:
        return None  # the contents pages change too: the whole issue is laid out
    made = remake_column(issue, k + 1, previous.makeup)
    laid = _in_place(previous, issue, k, made.part)
    if laid is None:
        return None
    columns = list(previous.makeup.columns)
    columns[k] = made
    return replace(laid, makeup=replace(previous.makeup, columns=columns))


def _draft(
    issue: Issue, previous: IssueLayout, k: int, drafted: Callable[[IssueLayout], None], *, with_front: bool
) -> None:
    """Give ``drafted`` the edited 栏目 ``k`` laid out once with its old make-up, and first, with
    ``with_front`` (a title edit), the front with the contents' old folios; the make-up takes
    both layouts as its own where it decides the same."""
    from dataclasses import replace

    from .render.makeup import column_cached, draft_column, draft_front

    assert previous.makeup is not None
    if column_cached(issue, k + 1, previous.makeup):
        return
    if with_front:
        front = draft_front(issue, previous.article_pages, previous.makeup)
        if len(front.pages) == previous.columns[0].start:
            drafted(replace(previous, issue=issue, document=front.document.copy(front.pages), first_page=0, whole=None))
    part = draft_column(issue, k + 1, previous.makeup)
    if part is not None:
        drafted(_spliced(previous, issue, k, part))


def _spliced(previous: IssueLayout, issue: Issue, k: int, part: Part, moved: int = 0) -> IssueLayout:
    """A draft: ``previous`` with 栏目 ``k`` laid out as ``part`` (its old pages standing ``moved``
    pages further on, after earlier drafts). Drawn even when its pages change count or move its
    articles' folios: the edit shows at once, the later pages follow as they were, on their old
    folios, until the make-up."""
    from dataclasses import replace

    span = previous.columns[k]
    return replace(
        previous,
        issue=issue,
        document=part.document.copy(part.pages),
        first_page=span.start + moved,
        whole=None,
        replaces=len(span),
    )


def _in_place(previous: IssueLayout, issue: Issue, k: int, part: Part) -> IssueLayout | None:
    """``previous`` with 栏目 ``k`` laid out as ``part``, if its pages keep their count and its
    articles their folios (else the rest of the issue may move: None)."""
    from dataclasses import replace

    span = previous.columns[k]
    first_folio = span.start - previous.contents_index + 1
    if len(part.pages) != len(span):
        return None
    folios: dict[str, int] = {}
    for offset, page in enumerate(part.pages):
        for name in page.anchors:
            folios.setdefault(name, first_folio + offset)
    if any(folios.get(a.id) != previous.article_pages.get(a.id) for a in issue.columns[k].articles):
        return None
    return replace(previous, issue=issue, document=part.document.copy(part.pages), first_page=span.start, whole=None)


@dataclass
class BuildResult:
    issue: Issue
    summary: IssueSummary
    outputs: list[Path] = field(default_factory=list)
    layout: PrintLayout | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the build did that the editors may want to know
    findings: list[Finding] = field(default_factory=list)  # prepare's report


@dataclass
class RenderContext:
    """What every renderer reads: the prepared issue, the one print layout (with its page map),
    whether to embed fonts, and the build's warnings to add to."""

    issue: Issue
    layout: PrintLayout
    embed_fonts: bool
    warnings: list[str]


@dataclass(frozen=True)
class Renderer:
    target: str
    write: Callable[[RenderContext, Path], Path]

    def output(self, out_dir: Path, issue: Issue) -> Path:
        """The renderer's own output file in ``out_dir``."""
        return product_path(out_dir, issue, self.target)


def _write_print(ctx: RenderContext, target: Path) -> Path:
    from .render import print_pdf

    return print_pdf.write_print_pdf(ctx.layout, target)


def _write_screen(ctx: RenderContext, target: Path) -> Path:
    from .render import print_pdf

    return print_pdf.write_screen_pdf(ctx.layout, target)


def _write_epub(ctx: RenderContext, target: Path) -> Path:
    from .render.epub import render_epub
    from .render.epub_cover import cover_jpeg

    layout = ctx.layout
    if layout.cover is None:  # else the earlier build's, drawn from the same front
        layout.cover = cover_jpeg(layout.document or layout.parts[0].document)
    return render_epub(
        ctx.issue,
        target,
        page_map=layout.page_map,
        cover=layout.cover,
        embed_fonts=ctx.embed_fonts,
        warnings=ctx.warnings,
    )


RENDERERS: dict[str, Renderer] = {
    "print": Renderer("print", _write_print),
    "screen": Renderer("screen", _write_screen),
    "epub": Renderer("epub", _write_epub),
}
TARGETS = tuple(RENDERERS)


def makeup_report_path(out_dir: Path, issue: Issue) -> Path:
    """The make-up's report beside the outputs: what it did to each page, what it could not do."""
    return product_path(out_dir, issue, "makeup")


def write_makeup_report(report: MakeupReport, out_dir: Path, issue: Issue) -> Path:
    import json

    from .output import atomic_path

    target = makeup_report_path(out_dir, issue)
    with atomic_path(target) as tmp:
        tmp.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    return target


def output_path(out_dir: Path, issue: Issue, target: str) -> Path:
    return RENDERERS[target].output(out_dir, issue)


def _start_epub_fonts(issue: Issue):  # type: ignore[no-untyped-def]
    """Subset the EPUB's fonts before the print edition is laid out (HarfBuzz: 0.2 s for the
    sample's four faces), or while it is (fontTools, where HarfBuzz-subset is missing: seconds
    a face, in a second process).

    Returns a callable that waits for the subsets and the process's end.
    """
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from .fonts import face_file, font_roles
    from .render.epub_fonts import role_texts, subset_texts, subsets_cached
    from .render.harfbuzz import subsetter

    def nothing() -> None:
        pass

    nothing.abort = nothing  # type: ignore[attr-defined]
    faces = {role: face_file(spec) for role, spec in font_roles().items()}
    texts = {role: "".join(sorted(chars)) for role, chars in role_texts(issue).items()}
    if subsets_cached(texts, faces):  # the text's characters as at the last build: nothing to do
        return nothing
    if subsetter() is not None:
        # Here, now: the build's process is small yet. In a thread beside the layout, HarfBuzz's
        # memory stayed in the thread's malloc arena: 25 MB more at the build's peak (≤ 400 MB).
        subset_texts(texts, faces)
        return nothing
    pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
    job = pool.submit(subset_texts, texts, faces)

    def finish() -> None:
        job.result()
        pool.shutdown(wait=True)  # its helper threads end too: the PDF writer forks after this

    def abort() -> None:
        # The build failed or was interrupted: stop the subsetter now. Left to the interpreter's
        # exit, a pool whose worker died (SIGXFSZ under `ulimit -f`, the terminal's Ctrl-C)
        # prints a traceback from concurrent.futures' exit hook (EBADF on its wake-up pipe).
        job.cancel()
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)

    finish.abort = abort  # type: ignore[attr-defined]
    return finish


def _written_with_news(
    write: Callable[[RenderContext], list[Path]], ctx: RenderContext
) -> tuple[list[Path], list[str], bytes | None]:
    """``write(ctx)``, with the warnings it added and the cover it drew (in a forked copy, these
    go back to the build: :func:`.render.forked.in_fork`)."""
    before = len(ctx.warnings)
    written = write(ctx)
    return written, ctx.warnings[before:], ctx.layout.cover


def build_issue(
    root: Path,
    out_dir: Path,
    targets: Iterable[str] | None = None,
    console: Console | None = None,
    embed_fonts: bool = True,
    prepared: Prepared | None = None,
    reuse_pages: bool = False,
) -> BuildResult:
    """Build ``root`` into ``out_dir``; ``targets`` None means every output.

    ``prepared`` is :func:`prepare`'s result when the caller has it already. ``reuse_pages``
    (``qhgy build``): a build of every output keeps its pages for the next one, and takes those
    of the last one where a part's input is unchanged (:mod:`.render.pressed`).
    """
    prepared = prepared or prepare(root)
    issue, findings = prepared.issue, prepared.findings
    result = BuildResult(issue=issue, summary=prepared.summary, findings=findings)
    # A 栏目 left out changes what prints: say which, here; the rest `qhgy check` lists.
    result.warnings += [f"{f.where}: {f.message} ({f.code})" for f in findings if f.code == "S-014"]
    warnings = [
        f
        for f in findings
        if f.severity is Severity.WARNING and not f.code.startswith("S-20") and f.code != "S-014"
    ]
    if warnings:
        result.warnings.append(
            f"{len(warnings)} source warning(s) besides placeholders: `qhgy check` lists them"
        )
    wanted = set(targets or TARGETS) - {"none"}
    if not wanted:
        return result
    if stale := prepare_output_dir(out_dir):  # fails before the layout's seconds are spent
        result.warnings.append(f"removed {len(stale)} temporary file(s) a killed build had left in {out_dir}")
    from .render import print_pdf
    from .render.epub_cover import start_cover
    from .render.forked import in_fork
    from .render.harfbuzz import weasyprint_subsets
    from .render.makeup.cache import enabled as makeup_cache_enabled
    from .render.pressed import load as load_pressed
    from .render.pressed import store as store_pressed

    if not weasyprint_subsets():
        result.warnings.append(
            "HarfBuzz's subsetter (Debian package libharfbuzz-subset0) is missing: WeasyPrint falls back "
            "to fontTools and writing the PDF takes ten times longer; run `make setup`"
        )
    fonts_done = _start_epub_fonts(issue) if "epub" in wanted and embed_fonts else None
    keep = reuse_pages and wanted == set(TARGETS) and makeup_cache_enabled()
    kept = load_pressed(issue.root) if keep else None
    drawing: list[Forked[bytes]] = []  # the EPUB's cover, when begun during the make-up

    def draw_cover(covers: Part) -> None:
        # 封一 is the EPUB's cover, and nothing the make-up does after laying it out changes it
        # (the folios stand in the contents): drawn now, beside the make-up, not after the writers.
        if covers.document is not None:
            drawing.append(start_cover(covers.document))

    # One layout serves both PDFs and the EPUB's print page numbers.
    try:
        layout = print_pdf.layout(
            issue, pressed=kept.parts if kept is not None else None, covers=draw_cover if "epub" in wanted else None
        )
    except BaseException:
        if fonts_done is not None:
            fonts_done.abort()  # type: ignore[attr-defined]
        for cover in drawing:
            cover.stop()
        raise
    result.layout = layout
    result.warnings += [f"layout: {w}" for w in layout.warnings]
    from .check.layout_pictures import picture_warnings

    result.warnings += [f"{f.where}: {f.message} ({f.code})" for f in picture_warnings(layout.facts, issue)]
    if kept is not None and layout.cover_key and layout.cover_key == kept.cover_key:
        layout.cover = kept.cover  # 封一 as the last build drew it, whatever its contents pages say now
    for cover in drawing:
        if layout.cover is None:
            layout.cover = cover.result()
        else:
            cover.stop()
    if layout.notes_pages:
        result.warnings.append(
            f"{layout.notes_pages} 学习笔记 page(s) added before 封三 to make {layout.page_count} pages "
            "(a multiple of 4 for saddle stitching)"
        )
    if layout.makeup is not None:
        made = layout.makeup
        result.notes.append(
            f"make-up: {sum(len(c.actions) for c in made.columns)} adjustment(s) in {len(made.columns)} 栏目 "
            f"(`qhgy check` lists them page by page)"
        )
        result.warnings += [f"make-up: {problem}" for problem in made.problems()]
        if made.unplaced_fills:
            result.notes.append(f"make-up: 补白 not used this time: {', '.join(made.unplaced_fills)}")
    if fonts_done is not None:
        fonts_done()  # the subsets are in the cache now; render_epub reads them there
    ctx = RenderContext(issue, layout, embed_fonts, result.warnings)
    order = [t for t in TARGETS if t in wanted]

    def write_others(ctx: RenderContext) -> list[Path]:
        return [RENDERERS[t].write(ctx, RENDERERS[t].output(out_dir, issue)) for t in order if t not in ("print", "screen")]

    def write_others_aside(ctx: RenderContext) -> list[Path]:
        # In a forked copy: what the EPUB takes is given back before the writers' joins take theirs.
        written, warnings, cover = in_fork("writing the EPUB", _written_with_news, write_others, ctx)
        ctx.warnings.extend(warnings)
        ctx.layout.cover = cover
        return written

    if {"print", "screen"} <= wanted:
        # The two PDFs of one layout are written side by side (render/pdf_pair.py), not one after
        # the other, and the EPUB is written here meanwhile.
        targets_pdf = output_path(out_dir, issue, "print"), output_path(out_dir, issue, "screen")
        others: list[Path] | None = None
        epub_error: BuildError | None = None
        # The EPUB in a forked copy meanwhile: at once beside writers that draw a few pages (a
        # 栏目 edited); beside writers that draw most of the issue, once one of them has ended
        # (the press PDF, drawn without tags, ends first): begun at once it only shared the two
        # cores with them (four alternated cold builds: no faster).
        beside = layout.pages_to_draw * 2 <= layout.page_count
        try:
            with print_pdf.writing_both_pdfs(layout, *targets_pdf, kept) as writing:
                # (a writer that failed fails the build when it leaves this: the EPUB is left as it was)
                if beside or writing.one_ended():
                    try:
                        others = write_others_aside(ctx)
                    except BuildError as exc:
                        epub_error = exc
                        raise
            written = writing.paths
        except BuildError as exc:
            if not layout.pressed or exc is epub_error:  # nothing kept, or the EPUB's own error
                raise
            # Joining the kept pages failed (a slot the join cannot read): the whole issue laid out
            # and written as a build with nothing kept, rather than no PDF at all.
            result.warnings.append(f"the pages kept from the last build could not be used ({exc}): all laid out again")
            layout = result.layout = ctx.layout = print_pdf.layout(issue)
            written = print_pdf.write_both_pdfs(layout, *targets_pdf)
            others = None
        if others is None:
            others = write_others(ctx)
        result.outputs += [*written, *others]
    else:
        for target in order:
            renderer = RENDERERS[target]
            result.outputs.append(renderer.write(ctx, renderer.output(out_dir, issue)))
    if layout.makeup is not None and wanted & {"print", "screen"}:
        # Written last: an interrupted build leaves the report that goes with the PDFs beside them.
        result.outputs.append(write_makeup_report(layout.makeup, out_dir, issue))
    if keep and layout.cover is not None and layout.parts:
        store_pressed(
            issue.root,
            layout.parts,
            output_path(out_dir, issue, "print"),
            output_path(out_dir, issue, "screen"),
            layout.cover,
            layout.cover_key,
        )
    return result
