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
                err.print(f"[bold red]error[/] {e.loc}: {e.message} [dim]({e.code})[/]", soft_wrap=True)
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
def build(issue_dir: Path | None, out_dir: Path | None, only: tuple[str, ...], no_epub_fonts: bool) -> None:
    """Load, check and render an issue (default: the current folder's, else the latest in content/)."""
    from .pipeline import build_issue

    root = _issue_dir(issue_dir)
    result = build_issue(
        root,
        _out_dir(out_dir, root),
        targets=only or None,
        console=out,
        embed_fonts=not no_epub_fonts,
    )
    _print_summary(result.summary)
    for warning in result.warnings:
        err.print(f"[bold yellow]warning[/] {warning}", soft_wrap=True)
    for path in result.outputs:
        out.print(f"[green]wrote[/] {path}")


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

    from .check import run_checks
    from .check.epub import EpubCheckUnavailable
    from .check.findings import Severity

    root = _issue_dir(issue_dir)
    try:
        report = run_checks(root, _out_dir(out_dir, root), rebuild=rebuild)
    except (EpubCheckUnavailable, OSError) as exc:
        err.print(f"[bold red]check could not run[/] {exc}")
        sys.exit(2)
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in report.findings], ensure_ascii=False, indent=2))
    else:
        styles = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
        for severity in Severity:
            group = [f for f in report.findings if f.severity is severity]
            if not group:
                continue
            out.print(f"[{styles[severity]}]{severity.upper()}S ({len(group)})[/]")
            for f in group:
                out.print(f"  [{styles[severity]}]{f.code}[/] {f.where}: {f.message}", soft_wrap=True)
                if f.hint:
                    out.print(f"      → {f.hint}", soft_wrap=True)
        errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
        out.print(
            f"{errors} errors, {warnings} warnings{' (strict: warnings count as errors)' if strict else ''}"
        )
    sys.exit(report.exit_code(strict))


@main.command()
@click.argument("issue_dir", required=False, type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (keep it local).")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
def preview(issue_dir: Path | None, host: str, port: int, open_browser: bool) -> None:
    """Live preview: page spreads that follow every saved change."""
    from .render.preview.server import serve

    root = _issue_dir(issue_dir)
    url = f"http://{host}:{port}/"
    out.print(f"preview of {root.name} at [bold]{url}[/] (Ctrl-C stops it)")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    serve(root, host=host, port=port)


@main.command()
@click.argument("issue_id")
@click.option(
    "--content",
    "content_dir",
    type=click.Path(path_type=Path),
    help="Folder of the issues (default content/ of the editors' folder).",
)
def new(issue_id: str, content_dir: Path | None) -> None:
    """Scaffold the next issue (e.g. 2025-02) from the latest one."""
    from .scaffold import scaffold_issue

    path = scaffold_issue(issue_id, content_dir or find_workspace().content)
    out.print(f"[green]created[/] {path}: next, add articles to {path / 'articles'}")


if __name__ == "__main__":
    main()
