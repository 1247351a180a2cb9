"""The `qhgy` command: build, new (and, as they land, preview and check).

Each verb is a few lines: load the issue, run the pipeline, report. Errors the
editor can act on are printed as ``file:line: message`` with a hint; any other
failure prints one line, and the traceback only with ``--debug``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from .errors import BuildError, QhgyError, SourceErrors
from .output import describe_write_error, discard_pending
from .workspace import find_workspace, workspace_of

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


class _Group(click.Group):
    """Turns every exception into a clear message and an exit code (1 = the sources)."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        debug = "--debug" in sys.argv
        try:
            return super().invoke(ctx)
        except SourceErrors as exc:
            count = len(exc.errors)
            for e in exc.errors:
                err.print(f"[bold red]error[/] {e.place}: {e.message} [dim]({e.code})[/]", soft_wrap=True)
                if e.hint:
                    err.print(f"      → {e.hint}", soft_wrap=True)
            err.print(
                f"[red]{count} problem{'s' if count != 1 else ''} in the sources; nothing was written.[/]"
            )
            if debug:
                raise
            sys.exit(1)
        except QhgyError as exc:
            err.print(f"[bold red]error[/] {exc}", soft_wrap=True)
            if debug:
                raise
            sys.exit(1)
        except OSError as exc:  # a full disk, a read-only folder: the editor's to fix, not a bug
            discard_pending()
            if debug:
                raise
            err.print(f"[bold red]error[/] {describe_write_error(exc)}", soft_wrap=True)
            sys.exit(1)
        except KeyboardInterrupt:
            discard_pending()
            err.print("[yellow]interrupted; earlier outputs are untouched.[/]")
            sys.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except Exception as exc:
            if debug:
                raise
            err.print(
                f"[bold red]internal error[/] {type(exc).__name__}: {exc}\n"
                "      → this is a bug in qhgy-publish, not in your sources; "
                "run again with --debug and send the output to the developers",
                soft_wrap=True,
            )
            sys.exit(2)


@click.group(cls=_Group)
@click.option("--debug", is_flag=True, help="Show tracebacks (for developers).")
@click.version_option(package_name="qhgy-publish")
def main(debug: bool) -> None:
    """Build 《青海工运》 from its sources: print PDF, screen PDF, EPUB."""


def _issue_dir(path: Path | None) -> Path:
    """The issue named, else the current folder if it is one, else the latest in the editors' content/."""
    from .load.issue import ISSUE_FILE
    from .scaffold import ISSUE_ID

    if path is not None:
        return path.resolve()
    if (Path.cwd() / ISSUE_FILE).is_file():
        return Path.cwd().resolve()
    content = find_workspace().content
    issues = sorted(p for p in content.glob("*") if ISSUE_ID.match(p.name) and (p / ISSUE_FILE).is_file())
    if not issues:
        raise BuildError(
            f"no issue in {content}\n      → name the issue folder, or start one with `qhgy new YYYY-NN`"
        )
    return issues[-1]


def _out_dir(out_dir: Path | None, issue_dir: Path) -> Path:
    return out_dir or workspace_of(issue_dir).output_for(issue_dir)


@main.command()
@click.argument("issue_dir", required=False, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    help="Output folder (default output/<issue-id> of the editors' folder).",
)
@click.option(
    "--only",
    type=click.Choice(["print", "screen", "epub", "none"]),
    multiple=True,
    help="Build only these outputs.",
)
@click.option("--no-epub-fonts", is_flag=True, help="Build the EPUB without embedded font subsets.")
@click.option(
    "--final",
    is_flag=True,
    help="The build for press and readers: refuses placeholders, 待补, errors and unaccepted warnings.",
)
def build(
    issue_dir: Path | None, out_dir: Path | None, only: tuple[str, ...], no_epub_fonts: bool, final: bool
) -> None:
    """Load, check and render an issue (default: the current folder's, else the latest in content/)."""
    from .pipeline import build_issue

    root = _issue_dir(issue_dir)
    if final:
        if only or no_epub_fonts:
            raise QhgyError(
                "--final builds every output with its fonts: leave out --only and --no-epub-fonts"
            )
        _final(root, _out_dir(out_dir, root))
        return
    result = build_issue(
        root,
        _out_dir(out_dir, root),
        targets=only or None,
        console=out,
        embed_fonts=not no_epub_fonts,
        reuse_pages=True,
    )
    if result.layout is not None:
        from .workflow.yearindex import remember_pages

        remember_pages(root, result.layout.article_pages)
    _print_summary(result.summary)
    for note in result.notes:
        out.print(f"[cyan]note[/] {note}", soft_wrap=True)
    for warning in result.warnings:
        err.print(f"[bold yellow]warning[/] {warning}", soft_wrap=True)
    for path in result.outputs:
        out.print(f"[green]wrote[/] {path}")


def _final(root: Path, out_dir: Path) -> None:
    from .workflow.final import Refusal, final_build

    try:
        done = final_build(root, out_dir, console=out)
    except Refusal as exc:
        for f in exc.items:
            err.print(
                f"[bold red]refused[/] {f.place}: {f.message} [dim]({f.code} {f.severity})[/]", soft_wrap=True
            )
            if f.hint:
                err.print(f"      → {f.hint}", soft_wrap=True)
        what = "in the sources" if exc.stage == "sources" else "in the built files"
        err.print(
            f"[red]final build refused: {len(exc.items)} item(s) {what}; earlier outputs are untouched.[/]\n"
            "      → replace every placeholder and 待补, fix errors, and fix each warning or accept it in "
            "issue.yaml under accept: (docs/final-build.md)",
            soft_wrap=True,
        )
        sys.exit(1)
    if done.result.layout is not None:
        from .workflow.yearindex import remember_pages

        remember_pages(root, done.result.layout.article_pages)
    _print_summary(done.result.summary)
    for finding, entry in done.accepted:
        out.print(
            f"[cyan]accepted[/] {finding.place}: {finding.code} {finding.message} — {entry.reason}",
            soft_wrap=True,
        )
    for entry in done.unused:
        err.print(
            f"[yellow]note[/] accept: {entry.code} {entry.where or '(everywhere)'} matches nothing any more: "
            "remove it from issue.yaml",
            soft_wrap=True,
        )
    for path in [*done.result.outputs, done.press_note]:
        out.print(f"[green]wrote[/] {path}")
    out.print(f"content hash sha256:{done.content_hash} stamped into the PDFs and the EPUB")


def _print_summary(s) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table

    table = Table(title=s.title, show_edge=False)
    table.add_column("栏目")
    table.add_column("篇", justify="right")
    table.add_column("字", justify="right")
    for c in s.columns:
        table.add_row(c.name, str(c.articles), f"{c.characters:,}")
    out.print(table)
    out.print(
        f"{s.articles} articles (incl. cover pages), {s.characters:,} Han characters, {s.images} images"
    )
    if s.placeholders:
        out.print(f"[yellow]{len(s.placeholders)} placeholders[/] (stand-ins to replace before press):")
        for p in s.placeholders:
            out.print(f"  [yellow]•[/] {p}", soft_wrap=True)


@main.command()
@click.argument("issue_dir", required=False, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    help="Output folder (default output/<issue-id> of the editors' folder).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--rebuild", is_flag=True, help="Build even if the outputs are up to date.")
def check(issue_dir: Path | None, out_dir: Path | None, as_json: bool, strict: bool, rebuild: bool) -> None:
    """Preflight: sources, print PDF and EPUB. Exit 0 clean, 1 errors, 2 could not run."""
    import json

    from .check import Report, outdated_products, run_checks
    from .check.epub import EpubCheckUnavailable
    from .check.findings import Severity
    from .codes import lookup
    from .pipeline import build_issue, prepare

    root = _issue_dir(issue_dir)
    folder = _out_dir(out_dir, root)
    try:
        prepared = prepare(root)
    except SourceErrors as exc:  # nothing to build: the report is the sources' findings
        report = Report(findings=exc.report or exc.errors)
    else:
        try:
            if rebuild or outdated_products(prepared.issue, folder):
                build_issue(root, folder, prepared=prepared, reuse_pages=True)
            report = run_checks(prepared.issue, folder, prepared.findings)
        except (EpubCheckUnavailable, OSError) as exc:
            err.print(f"[bold red]check could not run[/] {exc}")
            sys.exit(2)
    accepted = _accepted(root, report.findings)
    if as_json:
        items = [
            f.as_dict() | ({"accepted": accepted[id(f)]} if id(f) in accepted else {})
            for f in report.findings
        ]
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
    else:
        styles = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
        for severity in Severity:
            group = [f for f in report.findings if f.severity is severity]
            if not group:
                continue
            out.print(f"[{styles[severity]}]{severity.upper()}S ({len(group)})[/]")
            for f in group:
                note = f" [cyan](accepted in issue.yaml: {accepted[id(f)]})[/]" if id(f) in accepted else ""
                place = f"{f.place}: " if f.place else ""
                out.print(f"  [{styles[severity]}]{f.code}[/] {place}{f.message}{note}", soft_wrap=True)
                if f.hint and not note:
                    out.print(f"      → {f.hint}", soft_wrap=True)
                # What to do, in Chinese, for what needs doing (an info mostly needs nothing).
                if not note and severity is not Severity.INFO and (entry := lookup(f.code)):
                    out.print(f"      怎么办：{entry.zh_fix}", soft_wrap=True, markup=False)
        errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
        out.print(
            f"{errors} errors, {warnings} warnings"
            + (f" ({len(accepted)} accepted)" if accepted else "")
            + (" (strict: warnings not accepted count as errors)" if strict else "")
        )
    open_warnings = report.count(Severity.WARNING) - len(accepted)
    sys.exit(1 if report.count(Severity.ERROR) or (strict and open_warnings) else 0)


def _accepted(root: Path, findings: list) -> dict[int, str]:
    """id(finding) → the reason issue.yaml's accept: gives for it (placeholders are never accepted)."""
    from .check.findings import Severity
    from .load.issue import load_meta
    from .workflow.final import matching

    meta, _, errors = load_meta(root)
    if meta is None or errors or not meta.accept:
        return {}
    found = {}
    for f in findings:
        if f.severity is Severity.WARNING and (entry := matching(f, meta.accept, root)) is not None:
            found[id(f)] = entry.reason
    return found


@main.command()
@click.argument("issue_dir", required=False, type=click.Path(path_type=Path))
@click.option(
    "--host",
    default=None,
    help="Address to bind (default 127.0.0.1). Any other shows the unpublished issue on the network.",
)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
@click.option(
    "--editor-url",
    default=None,
    help="Link that opens a source line, e.g. vscode://file/{path}:{line} (the default; or $QHGY_EDITOR_URL).",
)
@click.option(
    "--editor",
    "editor_command",
    default=None,
    help="Editor the preview starts on a source line (default $EDITOR), e.g. 'code -g {path}:{line}'; "
    "without {path} it gets +LINE PATH.",
)
def preview(
    issue_dir: Path | None,
    host: str | None,
    port: int,
    open_browser: bool,
    editor_url: str | None,
    editor_command: str | None,
) -> None:
    """Live preview: page spreads that follow every saved change."""
    root = _issue_dir(issue_dir)
    bind = host or "127.0.0.1"
    url = f"http://{'[' + bind + ']' if ':' in bind else bind}:{port}/"
    out.print(f"preview of {root.name} at [bold]{url}[/] (Ctrl-C stops it)")
    try:  # Ctrl-C is how the preview ends, even while it is still starting
        from .preview.server import serve

        if open_browser:
            import webbrowser

            webbrowser.open(url)
        serve(
            root,
            host=bind,
            port=port,
            allow_network=host is not None,
            editor_url=editor_url,
            editor_command=editor_command,
        )
    except KeyboardInterrupt:
        pass
    out.print("预览已停止 (preview stopped)")
    from .preview.server import abandon_running_layout
    from .words import stop_cutting_ahead

    stop_cutting_ahead()
    abandon_running_layout()


@main.command()
@click.argument("issue_id", required=False)
@click.option(
    "--content",
    "content_dir",
    type=click.Path(path_type=Path),
    help="Folder of the issues (default content/ of the editors' folder).",
)
def new(issue_id: str | None, content_dir: Path | None) -> None:
    """Start the next issue (e.g. 2025-02; default: the number after the latest) from the latest one."""
    from .scaffold import scaffold_issue

    path = scaffold_issue(issue_id, content_dir or find_workspace().content)
    out.print(
        f"[green]created[/] {path}: one stand-in article per 栏目 in {path / 'articles'}; "
        f"`qhgy check {path}` lists every value still to confirm"
    )


@main.command("import")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--column", help="栏目 of the article(s) (default: a 栏目 named in the folder or file name).")
@click.option(
    "--into",
    "issue_dir",
    type=click.Path(path_type=Path),
    help="Issue folder (default: the current folder's, else the latest in content/).",
)
@click.option(
    "--placement",
    type=click.Choice(["inside-front-cover", "inside-back-cover"]),
    help="Put the article on 封二 or 封三 instead of in a 栏目.",
)
@click.option("--kind", help="editorial, speech, report, article, news, profiles or letter.")
@click.option("--title", help="The title; write \\n where it breaks on purpose.")
@click.option("--kicker", help='引题 ("" for none).')
@click.option("--subtitle", help='副题, “——” included ("" for none).')
@click.option("--byline", "bylines", multiple=True, help="“position name” or “name”; repeat for several.")
@click.option("--no-byline", is_flag=True, help="No byline, whatever the manuscript has.")
@click.option("--dateline", help='Dateline of a speech ("" for none).')
@click.option("--salutation", help='Salutation ("" for none).')
@click.option("--source", help='来源 without the brackets ("" for none).')
@click.option("--credit", help='Contributing unit without the brackets ("" for none).')
@click.option("--slug", help="The file name's part after the number (Latin letters, digits, hyphens).")
@click.option("--number", type=int, help="The file name's number (orders the article in its 栏目).")
@click.option(
    "--as", "roles", multiple=True, metavar="N=ROLE", help="Give Word paragraph ¶N a role (see the report)."
)
@click.option("--dry-run", is_flag=True, help="Report and show the Markdown; write nothing.")
def import_(
    sources: tuple[Path, ...],
    column: str | None,
    issue_dir: Path | None,
    placement: str | None,
    kind: str | None,
    title: str | None,
    kicker: str | None,
    subtitle: str | None,
    bylines: tuple[str, ...],
    no_byline: bool,
    dateline: str | None,
    salutation: str | None,
    source: str | None,
    credit: str | None,
    slug: str | None,
    number: int | None,
    roles: tuple[str, ...],
    dry_run: bool,
) -> None:
    """Import Word manuscripts (.docx; .doc/.wps with LibreOffice) as articles of an issue."""
    from .workflow.importer import Overrides, import_manuscript, manuscripts_in, parse_roles

    files: list[Path] = []
    for s in sources:
        files += manuscripts_in(s) if s.is_dir() else [s]
    if not files:
        raise QhgyError(f"no .docx, .doc or .wps file in {', '.join(map(str, sources))}")
    single = {
        "--title": title,
        "--kicker": kicker,
        "--subtitle": subtitle,
        "--slug": slug,
        "--number": number,
        "--dateline": dateline,
        "--salutation": salutation,
        "--source": source,
        "--credit": credit,
        "--byline": bylines or None,
        "--as": roles or None,
    }
    if len(files) > 1 and (given := [k for k, v in single.items() if v is not None]):
        raise QhgyError(
            f"{', '.join(given)} name(s) one article's parts: import the files one at a time to use them"
        )
    root = _issue_dir(issue_dir)
    overrides = Overrides(
        column=column,
        placement=placement,
        kind=kind,
        title=title.replace("\\n", "\n") if title else title,
        kicker=kicker,
        subtitle=subtitle,
        bylines=[] if no_byline else (list(bylines) or None),
        dateline=dateline,
        salutation=salutation,
        source=source,
        credit=credit,
        slug=slug,
        number=number,
        roles=parse_roles(roles),
    )
    failed = 0
    for path in files:
        try:
            result = import_manuscript(path, root, overrides, dry_run=dry_run)
        except (QhgyError, SourceErrors) as exc:
            if len(files) == 1:
                raise
            failed += 1
            err.print(f"[bold red]error[/] {exc}", soft_wrap=True)
            continue
        _print_import(result, dry_run)
    if failed:
        err.print(f"[red]{failed} of {len(files)} manuscripts not imported[/]")
        sys.exit(1)


def _print_import(result, dry_run: bool) -> None:  # type: ignore[no-untyped-def]
    from .errors import Loc

    verb = "would write" if dry_run else ("replaced" if result.replaced else "wrote")
    out.print(f"[bold]{result.manuscript.name}[/] → [green]{verb}[/] {Loc(result.article)}", soft_wrap=True)
    if result.replaced and result.replaced != result.article and not dry_run:
        out.print(f"  (the earlier import {result.replaced.name} is gone)")
    guesses = sorted(result.guesses, key=lambda g: (g.para is None, g.para or 0))
    leads = [g for g in guesses if g.role == "bold lead"]
    for g in [g for g in guesses if g.role != "bold lead"]:
        where = f"¶{g.para}" if g.para is not None else "·"
        out.print(f"  {where:>4} [cyan]{g.role:<10}[/] {g.text}  [dim]← {g.why}[/]", soft_wrap=True)
    if leads:  # one line for all: a report has dozens
        shown = "、".join(f"¶{g.para} {g.text}" for g in leads[:12]) + ("…" if len(leads) > 12 else "")
        out.print(
            f"     [cyan]bold lead[/]  {shown}  [dim]← bold at a paragraph's start: run-in leads[/]",
            soft_wrap=True,
        )
    for image in result.images:
        out.print(f"  [green]picture[/] {Loc(image)}", soft_wrap=True)
    for note in result.notes:
        out.print(f"  [yellow]check[/] {note}", soft_wrap=True)
    out.print(
        "  [dim]wrong? run again with --as N=ROLE (title kicker subtitle byline dateline salutation source "
        "credit signature date heading1 heading2 note caption body skip) or --title/--kicker/--byline/--source/"
        "--credit/--kind/--slug/--number; the import replaces its earlier result[/]",
        soft_wrap=True,
    )
    if dry_run:
        click.echo(result.markdown)


@main.command()
@click.argument("issue_dir", required=False, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    help="Output folder (default output/<issue-id> of the editors' folder).",
)
def proof(issue_dir: Path | None, out_dir: Path | None) -> None:
    """Build and keep the next numbered proof (一校、二校 …) in output/<id>/proofs/N/."""
    from .workflow.proofs import build_proof

    root = _issue_dir(issue_dir)
    kept = build_proof(root, _out_dir(out_dir, root))
    out.print(
        f"[green]proof {kept.number}[/] ({len(kept.pages)} pages) kept in {kept.folder}: "
        f"{kept.pdf.name}, page images, {len(kept.pages)} pages' text with their source lines",
        soft_wrap=True,
    )


@main.command()
@click.argument("first", required=False)
@click.argument("second", required=False)
@click.option(
    "--issue",
    "issue_dir",
    type=click.Path(path_type=Path),
    help="Issue folder (default: the current folder's, else the latest in content/).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    help="Output folder (default output/<issue-id> of the editors' folder).",
)
def diff(first: str | None, second: str | None, issue_dir: Path | None, out_dir: Path | None) -> None:
    """Compare two proofs (default: the last proof with the current sources).

    FIRST and SECOND are proof numbers; “current” builds the sources as they are now.
    """
    from .workflow.proofdiff import STATUS_ZH, diff_proofs, write_reports
    from .workflow.proofs import build_proof, load_proof, proof_numbers

    root = _issue_dir(issue_dir)
    target = _out_dir(out_dir, root)
    numbers = proof_numbers(target)
    if first is None:
        if not numbers:
            raise QhgyError(f"no proof of {root.name} kept yet\n      → make the first with `qhgy proof`")
        first = str(numbers[-1])
    second = second or "current"

    def get(which: str):  # type: ignore[no-untyped-def]
        if which == "current":
            out.print("building the current sources …")
            return build_proof(root, target, keep=False)
        if not which.isdigit():
            raise QhgyError(f"“{which}”: give a proof number ({', '.join(map(str, numbers))}) or current")
        return load_proof(target, which)

    result = diff_proofs(get(first), get(second))
    report, pdf = write_reports(result)
    out.print(f"[bold]{result.a.name} → {result.b.name}[/]: {len(result.changes)} change(s)")
    for entry in result.pages:
        if entry.status in ("unchanged", "moved"):
            continue
        label = entry.b.label if entry.b else entry.a.label  # type: ignore[union-attr]
        out.print(f"  第{label}页 [yellow]{STATUS_ZH[entry.status]}[/] ({entry.status})")
        for change in entry.changes:
            if change.deleted:
                out.print(f"      [red]− {change.deleted}[/]", soft_wrap=True)
            if change.inserted:
                out.print(f"      [green]+ {change.inserted}[/]", soft_wrap=True)
            out.print(f"      [dim]{change.in_context}  {change.source}[/]", soft_wrap=True)
    moved = result.with_status("moved")
    if moved:
        pairs = "，".join(f"{p.a.label}→{p.b.label}" for p in moved)  # type: ignore[union-attr]
        out.print(f"  {len(moved)} page(s) {STATUS_ZH['moved']} (moved): {pairs}", soft_wrap=True)
    out.print(f"  {len(result.with_status('unchanged'))} page(s) unchanged")
    out.print(f"[green]wrote[/] {report}\n[green]wrote[/] {pdf}")


@main.command()
@click.argument("year", type=int)
@click.option(
    "--content",
    "content_dir",
    type=click.Path(path_type=Path),
    help="Folder of the issues (default content/ of the editors' folder).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    help="Output folder (default output/ of the editors' folder; the index goes in index-YEAR/).",
)
def index(year: int, content_dir: Path | None, out_dir: Path | None) -> None:
    """The year's contents (年度总目录) across its issues: print PDF, EPUB-nav HTML, CSV."""
    from .workflow.yearindex import build_index, write_index

    # workspace_of() takes an issue folder; any name inside content_dir finds content_dir's editors' folder.
    workspace = find_workspace() if content_dir is None else workspace_of(content_dir / "_")
    content_dir = content_dir or workspace.content
    base = out_dir or workspace.output

    def progress(issue, laid_out: bool) -> None:  # type: ignore[no-untyped-def]
        how = "laid out for its page numbers" if laid_out else "page numbers from its last build"
        out.print(f"  {issue.id} ({issue.meta.label}): {how}")

    result = build_index(content_dir, year, progress=progress)
    for name, entries in result.groups:
        out.print(f"  {name}: {len(entries)}")
    out.print(f"{len(result.entries)} articles in {len(result.issues)} issues of {year}")
    for path in write_index(result, base / f"index-{year}"):
        out.print(f"[green]wrote[/] {path}")


@main.command()
@click.option("--write", "write_to", type=click.Path(path_type=Path), help="Write the Markdown to this file.")
def codes(write_to: Path | None) -> None:
    """Every finding code and what it means (docs/checks.md is this, written with --write)."""
    from .codes import markdown

    if write_to is None:
        click.echo(markdown(), nl=False)
        return
    write_to.write_text(markdown(), encoding="utf-8")
    out.print(f"[green]wrote[/] {write_to}")


def run() -> None:
    """The `qhgy` program (pyproject's script): the command, then the process ends at once
    (:func:`.startup.end_process`), the collector run less often meanwhile. Tests call
    :func:`main` in their own process instead, which this leaves as it is."""
    from .startup import collect_less_often, end_process

    collect_less_often()
    try:
        main()
    except SystemExit as exc:  # click ends every command so
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        end_process(code)
        raise


if __name__ == "__main__":
    run()
