"""Real builds shared by the end-to-end tests: the sample issue (content/2025-01) and the second
issue written for the tests (tests/fixtures/2025-06), each built once per session."""

from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest

from qhgy_publish.pipeline import BuildResult, build_issue, output_path

SAMPLE = Path(__file__).resolve().parents[2] / "content" / "2025-01"
SECOND = Path(__file__).resolve().parents[1] / "fixtures" / "2025-06"  # written apart from the sample


@dataclass
class SampleBuild:
    result: BuildResult
    print_pdf: Path
    screen_pdf: Path
    epub: Path
    page_texts: list[str]  # text of every PDF page, whitespace removed

    @property
    def issue(self):
        return self.result.issue

    @property
    def contents_index(self) -> int:
        """PDF page index of printed page 1 (the contents)."""
        return next(i for i, t in enumerate(self.page_texts) if "目录" in t or "目　录" in t)

    def pdf_index(self, folio: int) -> int:
        return self.contents_index + folio - 1


def _build(root: Path, out: Path) -> SampleBuild:
    result = build_issue(root, out)
    issue = result.issue
    pdf = output_path(out, issue, "print")
    with pdfplumber.open(pdf) as doc:
        texts = [re.sub(r"\s+", "", page.extract_text() or "") for page in doc.pages]
    return SampleBuild(result, pdf, output_path(out, issue, "screen"), output_path(out, issue, "epub"), texts)


@contextmanager
def _one_worker_at_a_time(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[None]:
    """Under pytest-xdist, one worker builds an issue at a time: the next finds the make-ups the
    first left in the checkout's cache and lays each 栏目 out once (two cold builds side by side
    would each make every 栏目 up)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        yield
        return
    lock = tmp_path_factory.getbasetemp().parent / f"{name}.build-lock"  # the workers' common folder
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> SampleBuild:
    with _one_worker_at_a_time(tmp_path_factory, SAMPLE.name):
        return _build(SAMPLE, tmp_path_factory.mktemp("output"))


@pytest.fixture(scope="session")
def second(tmp_path_factory: pytest.TempPathFactory) -> SampleBuild:
    """The second sample issue, tests/fixtures/2025-06: pictures, regulation text, Latin runs."""
    with _one_worker_at_a_time(tmp_path_factory, SECOND.name):
        return _build(SECOND, tmp_path_factory.mktemp("output-2025-06"))


@pytest.fixture(params=["sample", "second"], scope="session")
def both_issues(request: pytest.FixtureRequest) -> SampleBuild:
    """Each make-up test runs on both issues, so nothing is tuned to the sample."""
    return request.getfixturevalue(request.param)
