"""Real builds shared by the tests (fixtures of every folder, through tests/conftest.py): the
sample issue (content/2025-01) and the second issue written for the tests (tests/fixtures/2025-06),
each built once per session."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pytest

from qhgy_publish.model import Issue
from qhgy_publish.pipeline import BuildResult, build_issue, output_path, prepare

SAMPLE = Path(__file__).resolve().parents[1] / "content" / "2025-01"
SECOND = Path(__file__).resolve().parent / "fixtures" / "2025-06"  # written apart from the sample


@dataclass(frozen=True)
class ReadPage:
    """A PDF page as pdfplumber reads it: its size and its characters (dicts: text, x0, top, size…)."""

    width: float
    height: float
    chars: list[dict]


@dataclass
class SampleBuild:
    root: Path
    print_pdf: Path
    screen_pdf: Path
    epub: Path
    page_texts: list[str]  # text of every PDF page, whitespace removed
    built: BuildResult | None = None  # None: another worker built the products (see _shared_build)
    prepared: Issue | None = None  # then: the issue as prepare() gives it
    spare: Path | None = None  # and where this worker builds the issue when a test asks for the result
    read: dict[str, list[ReadPage]] = field(default_factory=dict, repr=False)  # see pages()

    def pages(self, kind: str = "print") -> list[ReadPage]:
        """Every page of the print (or ``"screen"``) PDF, read once a session: the tests that read
        characters off the same PDF share one reading (pdfplumber takes seconds per PDF)."""
        if kind not in self.read:
            with pdfplumber.open({"print": self.print_pdf, "screen": self.screen_pdf}[kind]) as pdf:
                self.read[kind] = [ReadPage(float(p.width), float(p.height), p.chars) for p in pdf.pages]
        return self.read[kind]

    @property
    def result(self) -> BuildResult:
        """The build's model and layout. Where another worker built the products, this worker
        builds the issue too when a test first asks (the make-ups warm in the checkout's cache;
        the builds give the same bytes, tests/e2e/test_trust.py)."""
        if self.built is None:
            assert self.spare is not None
            self.built = build_issue(self.root, self.spare)
        return self.built

    @property
    def issue(self) -> Issue:
        issue = self.built.issue if self.built is not None else self.prepared
        assert issue is not None
        return issue

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
    with pdfplumber.open(pdf) as doc:  # one reading for the texts and the characters (pages())
        read = [ReadPage(float(page.width), float(page.height), page.chars) for page in doc.pages]
        texts = [re.sub(r"\s+", "", page.extract_text() or "") for page in doc.pages]
    screen, epub = output_path(out, issue, "screen"), output_path(out, issue, "epub")
    return SampleBuild(root, pdf, screen, epub, texts, result, read={"print": read})


def _shared_build(tmp_path_factory: pytest.TempPathFactory, root: Path) -> SampleBuild:
    """The issue built once per session. Under pytest-xdist the tests of one issue run on one
    worker (tests/conftest.py groups them); a test of both issues reads the other issue's products
    from the worker that built it, rather than building it again: each build leaves its products
    and page texts in the workers' common folder, one worker building at a time."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _build(root, tmp_path_factory.mktemp(f"output-{root.name}"))
    common = tmp_path_factory.getbasetemp().parent
    out, texts = common / f"{root.name}-output", common / f"{root.name}-pages.json"
    with (common / f"{root.name}.build-lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if not texts.exists():  # no worker has built it (or its build failed)
            shutil.rmtree(out, ignore_errors=True)
            made = _build(root, out)
            texts.write_text(json.dumps(made.page_texts, ensure_ascii=False), encoding="utf-8")
            return made
    issue = prepare(root).issue
    return SampleBuild(
        root,
        output_path(out, issue, "print"),
        output_path(out, issue, "screen"),
        output_path(out, issue, "epub"),
        json.loads(texts.read_text(encoding="utf-8")),
        prepared=issue,
        spare=tmp_path_factory.mktemp(f"output-{root.name}"),
    )


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> SampleBuild:
    return _shared_build(tmp_path_factory, SAMPLE)


@pytest.fixture(scope="session")
def second(tmp_path_factory: pytest.TempPathFactory) -> SampleBuild:
    """The second sample issue, tests/fixtures/2025-06: pictures, regulation text, Latin runs."""
    return _shared_build(tmp_path_factory, SECOND)


@pytest.fixture(params=["sample", "second"], scope="session")
def both_issues(request: pytest.FixtureRequest) -> SampleBuild:
    """Each make-up test runs on both issues, so nothing is tuned to the sample."""
    return request.getfixturevalue(request.param)
