"""The Jinja2 environment shared by the print, EPUB and preview templates.

Templates live in ``layouts/<target>/``; autoescaping is always on, so text
from the sources (even a ``<script>`` typed into Markdown) reaches the output
as text. Paragraph runs become HTML through :func:`runs_html`, the one place
where print typography (CJK markup) is applied.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import jinja2
from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    select_autoescape,
)
from markupsafe import Markup, escape

from ..errors import BuildError
from ..figures import LINE_PT, PT, PrintedSize, place
from ..house import role_css
from ..model import Article, Figure, FrontMatter, Placement, Run
from ..paths import CACHE_DIR, layout_dirs


def plain_runs_html(runs: Sequence[Run]) -> Markup:
    """Runs as escaped HTML: run-in leads in <strong class="lead">, emphasis in <em>."""
    out = []
    for run in runs:
        text = escape(run.text)
        if run.strong:
            text = Markup(f'<strong class="lead">{text}</strong>')
        if run.em:
            text = Markup(f"<em>{text}</em>")
        out.append(text)
    return Markup("").join(out)


def tail_runs(meta: FrontMatter) -> list[Run]:
    """Source and credit set run-in at a paragraph's end, in 楷体 (``em``)."""
    runs = []
    if meta.source and not meta.source_block:
        runs.append(Run(text=f"（来源：{meta.source}）", em=True))
    if meta.credit:
        runs.append(Run(text=f"（{meta.credit}）", em=True))
    return runs


def figure_placement(figure: Figure, article: Article, height_mm: float | None = None) -> PrintedSize:
    """The printed size of an article picture (figures.py), on a cover page or in the body;
    ``height_mm``: the height the make-up gave it (render/makeup/rules.py), as if the source said so."""
    if height_mm is not None:
        figure = figure.model_copy(update={"height_mm": height_mm})
    return place(figure, article.columns, cover_page=article.meta.placement is not Placement.BODY)


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string, safe inside a <style> element."""
    escaped = "".join(f"\\{ord(ch):x} " if ch in '"\\<>&\n' else ch for ch in text)
    return Markup(f'"{escaped}"')


BREAK_HINT = "|"  # in a title: “a line may break here”, see docs/source-format.md


def title_html(title: str) -> Markup:
    """A title with its deliberate line breaks kept."""
    return Markup("<br/>").join(escape(line.replace(BREAK_HINT, "")) for line in title.split("\n"))


SYNTAX = {"trim_blocks": True, "lstrip_blocks": True}  # how templates are read


@cache
def environment(target: str, dirs: tuple[Path, ...] | None = None) -> Environment:
    """The template environment of ``target`` (print, epub, preview), shared partials in layouts/.

    Text reaches HTML through the filters ``runs`` (a paragraph's runs), ``cjk``
    (plain text), ``display`` (titles, headings, names: in print they break
    between words only) and ``title_html`` (a title with its deliberate line
    breaks). Only the print edition sets Chinese typography in markup.
    ``dirs``: the layout folders, overrides first (:func:`paths.layout_dirs`); default the shipped ones.
    """
    dirs = dirs or layout_dirs()
    env = Environment(
        loader=FileSystemLoader([d / target for d in dirs] + list(dirs)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        bytecode_cache=_compiled(target),
        **SYNTAX,
    )
    if target == "print":
        from . import cjk_markup
        from .makeup.plan import NO_PLAN

        env.filters["runs"] = cjk_markup.paragraph_runs
        env.filters["cjk"] = cjk_markup.markup
        env.filters["display"] = lambda text: cjk_markup.markup(text, display=True)
        env.filters["title_html"] = cjk_markup.title_markup
        env.globals["contents_entry"] = cjk_markup.contents_entry
        env.globals["no_plan"] = NO_PLAN
    else:
        env.filters["runs"] = plain_runs_html
        env.filters["cjk"] = escape
        env.filters["display"] = lambda text: escape(text.replace(BREAK_HINT, ""))
        env.filters["title_html"] = title_html
    env.globals["tail_runs"] = tail_runs
    env.filters["css_string"] = css_string
    env.globals["placement"] = figure_placement
    env.globals["line_mm"] = LINE_PT * PT
    env.globals["role_css"] = lambda target: Markup(role_css(target))  # the fonts of epub.css
    return env


def _compiled(target: str) -> FileSystemBytecodeCache | None:
    """The templates as Jinja2 compiled them, kept between processes: each build (and each
    preview, each test process) compiled them again, 0.19 s. Jinja2 takes a kept one only while
    its template's source is unchanged; the folder names what else the compiled code depends on
    (Jinja2's version, the syntax options)."""
    options = hashlib.sha256(repr(sorted(SYNTAX.items())).encode()).hexdigest()[:12]
    folder = CACHE_DIR / "templates" / f"{target}-{jinja2.__version__}-{options}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a cache folder we cannot write: compile each time, as before
        return None
    return FileSystemBytecodeCache(str(folder))


def render_template(env: Environment, name: str, **context: object) -> str:
    """Render ``name``; a broken template is reported with its file and line, not a traceback."""
    try:
        return env.get_template(name).render(**context)
    except TemplateSyntaxError as exc:
        where = f"{exc.filename or name}:{exc.lineno}"
        raise BuildError(
            f"{where}: template syntax error: {exc.message}\n      → fix the template (layouts/ is for developers)"
        ) from exc
    except TemplateError as exc:
        raise BuildError(
            f"layouts/{name}: template error: {exc}\n      → fix the template (layouts/ is for developers)"
        ) from exc
