"""The registry of finding codes: every code the sources use is registered and documented,
docs/checks.md is what the registry generates, and every code fires on some test input."""

from __future__ import annotations

import re
from pathlib import Path

from qhgy_publish.codes import FAMILIES, REGISTRY, lookup, markdown, registered

from .conftest import FIRED_CODES

ROOT = Path(__file__).parents[1]
SRC = ROOT / "src" / "qhgy_publish"
CODE = re.compile(r"\b([STPGMFE])-(\d{3})\b")

# Codes no test input can make fire, and why (none today: keep it that way).
UNFIREABLE: dict[str, str] = {}


def _codes_in_sources() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in SRC.rglob("*.py"):
        if path.name == "codes.py":
            continue
        for match in CODE.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(0), path)
    return found


def test_every_code_in_the_sources_is_registered() -> None:
    unregistered = {code: str(path) for code, path in _codes_in_sources().items() if not registered(code)}
    assert unregistered == {}


def test_every_registered_code_is_used_by_the_sources() -> None:
    used = set(_codes_in_sources())
    assert {c for c in REGISTRY if c != "E-*"} - used == set()


def test_every_code_belongs_to_a_family_and_is_documented() -> None:
    docs = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    for code, entry in REGISTRY.items():
        assert code[0] in FAMILIES, code
        assert entry.summary and entry.severity
        assert f"| {code} | {entry.severity} |" in docs, code


HAN = re.compile(r"[\u4e00-\u9fff]")


def test_every_code_says_in_chinese_what_to_do() -> None:
    """The preview shows each finding's zh_fix first: a Chinese line for every code, not a copy of
    its meaning, and in Chinese (Han characters), not an English sentence."""
    for code, entry in REGISTRY.items():
        fix = entry.zh_fix.strip()
        assert fix and fix != entry.zh.strip(), code
        assert len(HAN.findall(fix)) >= 4, (code, fix)
        assert "\n" not in fix, code  # one line


def test_lookup_finds_epubcheck_ids_under_e_star() -> None:
    assert lookup("E-RSC-005") is REGISTRY["E-*"]
    assert lookup("S-124") is REGISTRY["S-124"]
    assert lookup("CSS") is None and lookup("E-") is None


def test_check_prints_what_to_do_in_chinese_under_each_problem(run_cli, mini_issue: Path) -> None:
    """`qhgy check` on a source error (nothing is built): the Chinese line under the English hint."""
    article = mini_issue / "articles" / "020-dongtai.md"
    text = article.read_text(encoding="utf-8")
    column = next(line for line in text.splitlines() if line.startswith("column:"))
    article.write_text(text.replace(column, "column: 不存在的栏目", 1), encoding="utf-8")
    result = run_cli("check", mini_issue, "--out", mini_issue.parent / "out")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if "S-124" in line)
    assert lines[at + 1].strip().startswith("→")  # the English hint, as before
    assert lines[at + 2].strip() == f"怎么办：{REGISTRY['S-124'].zh_fix}"


def test_docs_checks_md_is_generated_from_the_registry() -> None:
    committed = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    assert committed == markdown(), "run: qhgy codes --write docs/checks.md"


def test_codes_command_prints_the_registry(run_cli, tmp_path: Path) -> None:
    shown = run_cli("codes")
    assert shown.exit_code == 0 and shown.stdout == markdown()
    written = run_cli("codes", "--write", tmp_path / "checks.md")
    assert written.exit_code == 0
    assert (tmp_path / "checks.md").read_text(encoding="utf-8") == markdown()


def codes_not_fired(noted: set[str]) -> list[str]:
    """The registered codes missing from ``noted`` (EPUBCheck's own ids stand for ``E-*``)."""
    epub = {c for c in noted if c.startswith("E-")}
    fired = (noted - epub) | ({"E-*"} if epub else set())
    return sorted(set(REGISTRY) - fired - set(UNFIREABLE))


def test_every_code_fires_on_some_test_input() -> None:
    """Runs last, with the whole suite only (tests/conftest.py): the codes every test made fire.
    Under pytest-xdist the controller makes this comparison over every worker's codes."""
    assert codes_not_fired(FIRED_CODES) == []
    assert set(UNFIREABLE) <= set(REGISTRY)
