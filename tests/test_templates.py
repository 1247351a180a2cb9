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
