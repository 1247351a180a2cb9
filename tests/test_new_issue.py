"""`qhgy new` carries the issue settings over and marks what must be filled in again."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from qhgy_publish.load.issue import load_meta

SAMPLE = Path(__file__).resolve().parents[1] / "content" / "2025-01"


def test_new_issue_from_the_latest(tmp_path: Path, run_cli) -> None:
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content / "2025-01")
    result = run_cli("new", "2025-02", "--content", content)
    assert result.exit_code == 0, result.stderr
    meta, _, errors = load_meta(content / "2025-02")
    assert errors == [] and meta is not None
    old, _, _ = load_meta(content / "2025-01")
    assert (meta.year, meta.number) == (2025, 2)
    assert meta.columns == old.columns and meta.board == old.board
    assert meta.colophon.permit == old.colophon.permit and meta.colophon.printer == old.colophon.printer
    assert meta.cover.placeholder and "colophon.print_date" in meta.placeholders
    assert "colophon.permit" in meta.placeholders
    assert list((content / "2025-02" / "articles").iterdir()) == []
    text = (content / "2025-02" / "issue.yaml").read_text(encoding="utf-8")
    assert "# 《青海工运》2025年第2期" in text  # comments for the editors survive
    assert yaml.safe_load(text)["number"] == 2
    # The new issue has no articles yet: building it says so, with the folder.
    build = run_cli("build", content / "2025-02", "--only", "none")
    assert build.exit_code == 1 and "no articles" in build.stderr


def test_new_refuses_bad_ids_and_existing_folders(tmp_path: Path, run_cli) -> None:
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content / "2025-01")
    for bad in ("2025-2", "next", "2025-00"):
        result = run_cli("new", bad, "--content", content)
        assert result.exit_code == 1 and "Traceback" not in result.stderr, bad
    result = run_cli("new", "2025-01", "--content", content)
    assert result.exit_code == 1 and "exists already" in result.stderr
