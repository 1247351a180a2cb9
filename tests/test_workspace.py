"""The editors' folder (content/, output/, their layouts) is found where they work, never in the code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qhgy_publish.paths import LAYOUTS_DIR, layout_dirs, layout_file
from qhgy_publish.workspace import find_workspace, workspace_of

MINI = Path(__file__).resolve().parent / "fixtures" / "mini-issue"


def test_an_issue_in_content_belongs_to_the_folder_above(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    issue = tmp_path / "elsewhere" / "content" / "2025-02"
    issue.mkdir(parents=True)
    ws = workspace_of(issue)
    assert ws.root == tmp_path / "elsewhere"
    assert ws.output_for(issue) == tmp_path / "elsewhere" / "output" / "2025-02"


def test_qhgy_toml_marks_the_folder_and_may_rename_its_folders(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "magazine"
    (root / "issues" / "2025" / "2025-02").mkdir(parents=True)
    (root / "qhgy.toml").write_text('content = "issues"\noutput = "dist"\n', encoding="utf-8")
    ws = workspace_of(root / "issues" / "2025" / "2025-02")
    assert (ws.root, ws.content, ws.output, ws.layouts) == (
        root,
        root / "issues",
        root / "dist",
        root / "layouts",
    )
    monkeypatch.chdir(root / "issues" / "2025")  # from a folder below it, as git finds .git
    assert find_workspace().root == root


def test_without_either_the_current_folder_is_the_editors_folder(tmp_path: Path, monkeypatch) -> None:
    work, loose = tmp_path / "work", tmp_path / "loose" / "2025-02"
    work.mkdir()
    loose.mkdir(parents=True)
    monkeypatch.chdir(work)
    assert workspace_of(loose).output_for(loose) == work / "output" / "2025-02"
    assert find_workspace().content == work / "content"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("output = ", "not valid TOML"),
        ('outputs = "dist"', "unknown setting outputs"),
        ("output = 3", "output must name a folder"),
    ],
)
def test_a_bad_qhgy_toml_is_named_not_a_traceback(tmp_path: Path, monkeypatch, run_cli, text, says) -> None:
    (tmp_path / "qhgy.toml").write_text(text, encoding="utf-8")
    shutil.copytree(MINI, tmp_path / "content" / "2025-02")
    monkeypatch.chdir(tmp_path)
    result = run_cli("new", "2025-03")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "qhgy.toml" in result.stderr and says in result.stderr
    assert not (tmp_path / "content" / "2025-03").exists()


def test_new_writes_into_the_current_editors_folder_with_their_template(
    tmp_path: Path, monkeypatch, run_cli
) -> None:
    shutil.copytree(MINI, tmp_path / "content" / "2025-02")
    template = (LAYOUTS_DIR / "new" / "issue.yaml.j2").read_text(encoding="utf-8")
    own = tmp_path / "layouts" / "new" / "issue.yaml.j2"
    own.parent.mkdir(parents=True)
    own.write_text("# 本刊自己的模板\n" + template, encoding="utf-8")
    for i, cwd in enumerate([tmp_path, tmp_path / "content", tmp_path / "content" / "2025-02"]):
        monkeypatch.chdir(cwd)
        result = run_cli("new", f"2025-0{3 + i}")
        assert result.exit_code == 0, result.stderr
        made = tmp_path / "content" / f"2025-0{3 + i}" / "issue.yaml"
        assert made.read_text(encoding="utf-8").startswith("# 本刊自己的模板\n")


def test_an_issue_s_own_layouts_come_first(tmp_path: Path, monkeypatch, run_cli) -> None:
    monkeypatch.chdir(tmp_path)
    issue = tmp_path / "content" / "2025-02"
    shutil.copytree(MINI, issue)
    (tmp_path / "layouts" / "print").mkdir(parents=True)
    (issue / "layouts" / "print").mkdir(parents=True)
    editors_css = tmp_path / "layouts" / "print" / "page.css"
    editors_css.write_text("@page { size: A4 }\n", encoding="utf-8")
    assert layout_dirs(issue) == (issue / "layouts", tmp_path / "layouts", LAYOUTS_DIR)
    assert layout_file("print/page.css", issue) == editors_css
    assert layout_file("print/magazine.css", issue) == LAYOUTS_DIR / "print" / "magazine.css"

    # The build reads the issue's own stylesheet: a broken one stops it, named.
    (issue / "layouts" / "print" / "page.css").write_text(
        '@page { size: A4; "unterminated }\n', encoding="utf-8"
    )
    result = run_cli("build", issue, "--only", "print")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "2025-02/layouts/print/page.css:1" in result.stderr.replace("\n", "")
    assert not (tmp_path / "output" / "2025-02" / "qhgy-2025-02-print.pdf").exists()
