"""`qhgy build --final`: refuses stand-ins and unaccepted warnings; stamps and notes a clean build."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pikepdf
import pytest
import yaml

from qhgy_publish.workflow.final import epub_content_hash, pdf_content_hash, source_refusals
from qhgy_publish.workflow.proofs import content_hash

SAMPLE = Path(__file__).resolve().parents[2] / "content" / "2025-01"
SECOND = Path(__file__).resolve().parents[1] / "fixtures" / "2025-06"


def replace_placeholders(issue: Path) -> None:
    """What the editors do before press: real values, real photos (here: the stand-ins declared real)."""
    path = issue / "issue.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("青内资准字（待补）号", "青内资准字（2025）第001号")
    text = re.sub(r"\n  placeholder: true[^\n]*", "", text)
    text = re.sub(r"\nplaceholders:.*", "\n", text, flags=re.S)
    path.write_text(text, encoding="utf-8")
    for article in (issue / "articles").glob("*.md"):
        body = article.read_text(encoding="utf-8")
        if "{.placeholder}" in body:
            # A real photo gets alt text that says what it shows, not only whose photo it is (S-230).
            body = re.sub(r"!\[([^\]]*?)的照片\]", r"![\1在工作中]", body)
            article.write_text(body.replace("{.placeholder}", ""), encoding="utf-8")


def test_the_sample_is_refused_with_every_placeholder_by_file_and_line(tmp_path: Path, run_cli) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "qhgy-2025-01-print.pdf").write_bytes(b"the earlier proof")
    result = run_cli("build", "--final", SAMPLE, "--out", out)
    assert result.exit_code == 1
    refused = [line for line in result.output.splitlines() if line.startswith("refused ")]
    profiles = SAMPLE / "articles" / "260-laomo-fengcai.md"
    photo_lines = [
        n
        for n, line in enumerate(profiles.read_text(encoding="utf-8").split("\n"), 1)
        if "{.placeholder}" in line
    ]
    assert len(photo_lines) == 43
    for n in photo_lines:
        assert any(f"260-laomo-fengcai.md:{n}: photo" in line for line in refused), n
    yaml_text = (SAMPLE / "issue.yaml").read_text(encoding="utf-8").split("\n")
    permit = next(n for n, line in enumerate(yaml_text, 1) if line.startswith("  permit:"))
    assert any(f"issue.yaml:{permit}:3: “colophon.permit” is a placeholder" in line for line in refused)
    assert any(f"issue.yaml:{permit}:3: “待补” in the text" in line for line in refused)
    assert any("the cover photo images/cover.png is a placeholder" in line for line in refused)
    assert len(refused) == 43 + 4  # 43 photos, the cover, two placeholder keys, one 待补
    # Nothing was built, not even the EPUB; the earlier file is as it was.
    assert sorted(p.name for p in out.iterdir()) == ["qhgy-2025-01-print.pdf"]
    assert (out / "qhgy-2025-01-print.pdf").read_bytes() == b"the earlier proof"


def test_the_sample_without_stand_ins_is_not_refused(tmp_path: Path) -> None:
    """The sample once its stand-ins are replaced: nothing in its sources stops a final build (its
    outputs are checked in the e2e tests; a final build is run on the test issue, below)."""
    issue = tmp_path / "2025-01"
    shutil.copytree(SAMPLE, issue)
    replace_placeholders(issue)
    _, stop, _ = source_refusals(issue)
    assert [f"{f.code} {f.where}" for f in stop] == []


TOWER = "articles/020-lvxianhua-haixi-diaoyan.md:18"  # a photo printed smaller than asked (S-155)


@pytest.fixture(scope="module")
def final_second(second, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The test issue (real photos, no stand-ins) built with ``--final``, its one warning accepted
    in issue.yaml. After the session's build of it (``second``): its make-ups come from the cache."""
    from click.testing import CliRunner

    from qhgy_publish.cli import main

    base = tmp_path_factory.mktemp("final")
    issue, out = base / "2025-06", base / "out"
    shutil.copytree(SECOND, issue)
    with (issue / "issue.yaml").open("a", encoding="utf-8") as f:
        f.write(f"accept:\n  - code: S-155\n    where: {TOWER}\n    reason: 塔照按页高缩印\n")
    result = CliRunner().invoke(
        main, ["build", "--final", str(issue), "--out", str(out)], catch_exceptions=False
    )
    return issue, out, result


def test_an_issue_without_stand_ins_passes(final_second) -> None:  # type: ignore[no-untyped-def]
    _, out, result = final_second
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "qhgy-2025-06-press-note.txt",
        "qhgy-2025-06-print.pdf",
        "qhgy-2025-06-screen.pdf",
        "qhgy-2025-06.epub",
    ]
    assert re.search(rf"accepted \S*{re.escape(TOWER)}: S-155 .* — 塔照按页高缩印", result.output), result.output


def test_the_outputs_carry_the_sources_content_hash(final_second) -> None:  # type: ignore[no-untyped-def]
    issue, out, _ = final_second
    digest = content_hash(issue)
    assert pdf_content_hash(out / "qhgy-2025-06-print.pdf") == digest
    assert pdf_content_hash(out / "qhgy-2025-06-screen.pdf") == digest
    assert epub_content_hash(out / "qhgy-2025-06.epub") == digest
    (issue / "articles" / "100-quanzong-diaoyanzu.md").write_text(
        (issue / "articles" / "100-quanzong-diaoyanzu.md").read_text(encoding="utf-8") + "\n会议还研究了其他事项。\n",
        encoding="utf-8",
    )
    assert content_hash(issue) != digest  # one more sentence, another hash


def test_the_press_note_says_what_the_pdf_is(final_second) -> None:  # type: ignore[no-untyped-def]
    _, out, _ = final_second
    note = (out / "qhgy-2025-06-press-note.txt").read_text(encoding="utf-8")
    with pikepdf.open(out / "qhgy-2025-06-print.pdf") as pdf:
        pages = len(pdf.pages)
        trim = [float(v) for v in pdf.pages[5].TrimBox]
    assert f"页数 pages:           {pages} 页（4 的倍数，可骑马订）" in note
    assert f"{round(trim[2] / 72 * 25.4):d} × {round(trim[3] / 72 * 25.4):d} mm" in note
    assert "各边 3 mm" in note and "FOGRA39" in note and "PDF/X-4" in note
    assert "Noto Serif CJK SC" in note and "LXGW WenKai" in note and "全部嵌入" in note
    assert "印数 print run:        1650 册" in note


def _open_quote(issue: Path) -> Path:
    """A quotation left open (T-303, a warning the build cannot fix; a stray space, T-302, is only
    info since the build leaves it out)."""
    article = issue / "articles" / "020-dongtai.md"
    article.write_text(
        article.read_text(encoding="utf-8") + "\n会议强调：“2025年要突出重点。\n", encoding="utf-8"
    )
    return article


def test_a_warning_stops_the_final_build_until_issue_yaml_accepts_it(mini_issue: Path, run_cli) -> None:
    replace_placeholders(mini_issue)
    article = _open_quote(mini_issue)
    line = len(article.read_text(encoding="utf-8").rstrip("\n").split("\n"))
    result = run_cli("build", "--final", mini_issue, "--out", mini_issue.parent / "out")
    assert result.exit_code == 1
    assert re.search(rf"020-dongtai\.md:{line}: \S+ is never closed", result.output), result.output
    assert not (mini_issue.parent / "out").exists()
    with (mini_issue / "issue.yaml").open("a", encoding="utf-8") as f:
        f.write(
            f"accept:\n  - code: T-303\n    where: articles/020-dongtai.md:{line}\n    reason: 引文跨段\n"
        )
    _, stop, accepted = source_refusals(mini_issue)
    assert stop == []
    assert [(f.code, a.reason) for f, a in accepted] == [("T-303", "引文跨段")]


def test_an_acceptance_elsewhere_or_of_a_placeholder_does_not_count(mini_issue: Path) -> None:
    _open_quote(mini_issue)
    with (mini_issue / "issue.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "accept:\n"
            "  - {code: T-303, where: 'articles/010-heci.md:3', reason: 别处}\n"
            "  - {code: S-202, reason: 占位图也想放行}\n"
        )
    yaml.safe_load((mini_issue / "issue.yaml").read_text(encoding="utf-8"))
    _, stop, accepted = source_refusals(mini_issue)
    assert accepted == []
    assert {f.code for f in stop} == {"T-303", "S-201", "S-202", "F-001"}


def test_an_acceptance_without_a_reason_is_a_source_error(mini_issue: Path, run_cli) -> None:
    with (mini_issue / "issue.yaml").open("a", encoding="utf-8") as f:
        f.write("accept:\n  - code: T-302\n")
    result = run_cli("build", "--final", mini_issue)
    assert result.exit_code == 1
    assert re.search(r"issue\.yaml:\d+.*reason", result.output)


def test_qhgy_check_names_the_accepted_warnings(mini_issue: Path) -> None:
    from qhgy_publish.check.sources import check_sources
    from qhgy_publish.cli import _accepted
    from qhgy_publish.load import load_issue

    article = _open_quote(mini_issue)
    line = len(article.read_text(encoding="utf-8").rstrip("\n").split("\n"))
    with (mini_issue / "issue.yaml").open("a", encoding="utf-8") as f:
        f.write(f"accept:\n  - {{code: T-303, where: 'articles/020-dongtai.md:{line}', reason: 引文跨段}}\n")
    findings = check_sources(load_issue(mini_issue))
    accepted = _accepted(mini_issue, findings)
    assert (
        sorted((f.code, accepted[id(f)]) for f in findings if id(f) in accepted)
        == [("T-303", "引文跨段")]
    )
    assert all(f.code != "T-303" for f in findings if id(f) not in accepted)
