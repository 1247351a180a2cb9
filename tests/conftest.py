"""Shared fixtures: the mini issue copied into a temp folder, a CLI runner, the session's builds of
the two issues (tests/issue_builds.py); how the tests share the workers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from .issue_builds import both_issues, sample, second  # noqa: F401  (the session's builds, for every folder)

TESTS = Path(__file__).parent
MINI_ISSUE = TESTS / "fixtures" / "mini-issue"


@pytest.fixture
def mini_issue(tmp_path: Path) -> Path:
    """A writable copy of the three-article test issue."""
    target = tmp_path / "2025-02"
    shutil.copytree(MINI_ISSUE, target)
    return target


@pytest.fixture
def run_cli():
    """Run `qhgy …` in-process; returns click's Result (exit_code, stdout, stderr)."""
    from qhgy_publish.cli import main

    def run(*args: str):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run


# -- which tests share a worker ----------------------------------------------------------------
# `make test` runs `--dist loadgroup`: the tests of one group go to one worker, so a fixture they
# share is made once. The e2e tests read the session's builds of the two issues
# (tests/issue_builds.py): grouped by issue, each issue is built once, cold, on one worker, the
# two side by side, where each worker used to build both (the second waiting for the first's cold
# build, then laying the issue out again). A test of both issues goes with the sample. Tests that
# share another session fixture of ours (the press tests' PDFs) form one group per folder, tests
# that share a module fixture (a build, a preview server, a browser) one group per module.
ISSUES = ("sample", "second")


def _group_of(item: pytest.Item) -> str | None:
    names = set(getattr(item, "fixturenames", ()))
    callspec = getattr(item, "callspec", None)
    params = [v for v in callspec.params.values() if isinstance(v, str)] if callspec else []
    issues = [name for name in ISSUES if name in names or name in params]
    if issues:
        return issues[0]
    info = getattr(item, "_fixtureinfo", None)
    defs = [d for group in info.name2fixturedefs.values() for d in group] if info else []
    ours = [d for d in defs if d.baseid]  # pytest's own (tmp_path_factory …) have none
    if shared := sorted(d.baseid for d in ours if d.scope == "session"):
        return shared[0]
    if any(d.scope == "module" for d in ours):
        return item.nodeid.split("::")[0]
    return None


def _group_for_workers(items: list[pytest.Item]) -> None:
    for item in items:
        if (group := _group_of(item)) is not None:
            item.add_marker(pytest.mark.xdist_group(group))


# -- every finding code fires on some test input ----------------------------------------------
# Each Finding made while the suite runs is noted by its code; tests/test_codes.py's last test
# compares them with the registry. It runs only with the whole suite (a subset fires a subset).
# Under pytest-xdist (`make test` runs the suite on every core) each worker notes its own codes
# and hands them to the controller, which makes the same comparison once every worker has ended
# and reports it as that test (see pytest_sessionfinish).

FIRED_CODES: set[str] = set()
WHOLE_SUITE_TEST = "test_every_code_fires_on_some_test_input"
WHOLE_SUITE_NODE = f"tests/test_codes.py::{WHOLE_SUITE_TEST}"
SILENT_WORKERS: list[str] = []  # xdist workers that ended without handing their codes over


def _note_fired_codes() -> None:
    from qhgy_publish.errors import Finding

    made = Finding.__init__

    def noting(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        made(self, *args, **kwargs)
        FIRED_CODES.add(self.code)

    Finding.__init__ = noting  # type: ignore[method-assign]


_note_fired_codes()


def _whole_suite(config: pytest.Config) -> bool:
    return (
        all(Path(a).resolve() in (TESTS, TESTS.parent) for a in config.args)
        and not config.option.keyword
        and not config.option.markexpr
        and not getattr(config.option, "lf", False)  # absent with -p no:cacheprovider
    )


def _worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _controller(config: pytest.Config) -> bool:
    return not _worker(config) and bool(getattr(config.option, "numprocesses", None))


@pytest.hookimpl(tryfirst=True)  # before xdist's own, which reads the groups into the node ids
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _group_for_workers(items)
    last = [item for item in items if item.name == WHOLE_SUITE_TEST]
    if not last:
        return
    for item in last:
        items.remove(item)
    if _whole_suite(config) and not _worker(config):
        items.extend(last)  # after every other test, so every code the suite fires is noted
    else:  # a worker sees only its share of the suite: the controller compares (below)
        config.hook.pytest_deselected(items=last)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:  # type: ignore[no-untyped-def]
    """xdist's controller: a worker has ended; its codes join the others'."""
    output = getattr(node, "workeroutput", {})
    FIRED_CODES.update(output.get("fired_codes", ()))
    if error is not None or "fired_codes" not in output:
        SILENT_WORKERS.append(str(getattr(node, "gateway", node)))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if _worker(config):
        config.workeroutput["fired_codes"] = sorted(FIRED_CODES)  # type: ignore[attr-defined]
        return
    if not (_controller(config) and _whole_suite(config)) or exitstatus not in (0, 1):
        return
    from .test_codes import codes_not_fired

    missing = codes_not_fired(FIRED_CODES)
    if SILENT_WORKERS:  # their codes are not known: the comparison is incomplete
        missing.append(f"(the codes of {', '.join(SILENT_WORKERS)}: the worker ended without them)")
    report = pytest.TestReport(
        nodeid=WHOLE_SUITE_NODE,
        location=("tests/test_codes.py", 0, WHOLE_SUITE_TEST),
        keywords={},
        outcome="failed" if missing else "passed",
        longrepr=f"codes no test made fire: {missing}" if missing else None,
        when="call",
    )
    config.hook.pytest_runtest_logreport(report=report)
    if missing:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
