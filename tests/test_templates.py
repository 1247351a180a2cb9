"""A broken template is reported with its file and line, never as a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader

from qhgy_publish.errors import BuildError
from qhgy_publish.render.templates import environment, render_template


def test_broken_template_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "broken.html.j2").write_text("<p>\n{% for x in items %}\n{{ x }\n", encoding="utf-8")
    env = Environment(loader=FileSystemLoader(tmp_path))
    with pytest.raises(BuildError, match=r"broken\.html\.j2:3: template syntax error"):
        render_template(env, "broken.html.j2", items=[1])


def test_templates_escape_source_text() -> None:
    env = environment("epub")
    html = env.from_string("<p>{{ text }}</p>").render(text='<script>alert("x")</script>')
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_broken_stylesheet_names_file_line_and_column(tmp_path: Path) -> None:
    from qhgy_publish.render.weasy import css_syntax_errors

    css = tmp_path / "broken.css"
    css.write_text('p { color: black; }\nh1 { font-size: 12pt; "unterminated }\n', encoding="utf-8")
    errors = css_syntax_errors(css)
    assert len(errors) == 1 and errors[0].startswith(f"{css}:2:")
    good = tmp_path / "good.css"
    good.write_text(
        "p { color: black; }\n@page { size: 210mm 285mm; @top-left { content: 'x' } }\n", encoding="utf-8"
    )
    assert css_syntax_errors(good) == []


def test_an_unclosed_function_stops_the_build_with_its_place(tmp_path: Path) -> None:
    """`device-cmyk(1 0 0 0;` swallows the rest of the file: WeasyPrint would print a broken cover
    without a word; the build (and the preview, through the same check) names file, line, column."""
    from qhgy_publish.render.weasy import css_syntax_errors

    css = tmp_path / "typo.css"
    css.write_text(".cover { color: black; }\n.masthead { color: device-cmyk(1 0 0 0; }\np { margin: 0 }\n", encoding="utf-8")
    errors = css_syntax_errors(css)
    assert len(errors) == 1 and errors[0].startswith(f"{css}:2:") and "device-cmyk(" in errors[0]


def test_compiled_templates_are_kept_between_processes_and_never_stale(tmp_path: Path, monkeypatch) -> None:
    """A fresh process takes the templates as compiled before (render/templates.py: 0.19 s each
    build), and compiles a template again once its source changed."""
    from qhgy_publish.render import templates

    monkeypatch.setattr(templates, "CACHE_DIR", tmp_path / "cache")
    layouts = tmp_path / "layouts"
    (layouts / "print").mkdir(parents=True)
    page = layouts / "print" / "page.html.j2"
    page.write_text("<p>{{ text }}</p>\n", encoding="utf-8")
    compiled: list[str | None] = []
    compile_ = Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[no-untyped-def]
        compiled.append(name)
        return compile_(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(Environment, "compile", counting)

    def fresh_process_renders() -> str:  # environment() is kept per process: a new one, as a new process makes
        return render_template(environment.__wrapped__("print", (layouts,)), "page.html.j2", text="<b>")

    assert fresh_process_renders() == "<p>&lt;b&gt;</p>" and compiled == ["page.html.j2"]
    assert fresh_process_renders() == "<p>&lt;b&gt;</p>" and compiled == ["page.html.j2"]  # taken as compiled
    page.write_text("<div>{{ text }}</div>\n", encoding="utf-8")
    assert fresh_process_renders() == "<div>&lt;b&gt;</div>" and compiled == ["page.html.j2"] * 2
