"""DAISY Ace on the sample issue's EPUB (once per session: it takes some 30 s of headless Chromium)."""

from __future__ import annotations

import pytest

from qhgy_publish.check.ace import run_ace


@pytest.fixture(scope="session")
def ace(sample):
    return run_ace(sample.epub)


def test_ace_finds_no_violation(ace, capsys) -> None:
    with capsys.disabled():
        print(f"\nDAISY Ace: {ace.outcome}, {len(ace.violations)} violations")
    assert [str(v) for v in ace.violations] == []
    assert ace.outcome == "pass"


def test_ace_reads_the_accessibility_metadata_and_page_markers(ace) -> None:
    for needed in ("schema:accessibilitySummary", "dcterms:conformsTo", "a11y:certifiedBy"):
        assert needed in ace.metadata["present"]
    assert ace.metadata["empty"] == []
    assert ace.properties.get("hasPageBreaks") is True
