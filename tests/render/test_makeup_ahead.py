"""The second process that makes 栏目 up ahead (render/makeup/ahead.py): a build that used it lays out
exactly what a build without the cache lays out, the 栏目 it made come to the build from the cache,
and it is gone when the build ends, also when the build stops half-way. It starts only when a core
is idle; these tests start it whatever else runs (QHGY_HELPER=1), and one checks it is not started
with every core busy."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from qhgy_publish.load import load_issue
from qhgy_publish.render import makeup
from qhgy_publish.render.makeup import ahead, cache
from qhgy_publish.transforms import apply_transforms

from .conftest import FIXTURES
from .test_makeup_cache import _make_up

NEWS = "\n\n{}召开职工代表大会，审议通过年度工作报告，表彰一批先进集体和先进个人，部署全年重点任务。"


@pytest.fixture
def four_columns(issue_dir: Path) -> Path:
    """The mini issue with two more 栏目 of news, so a helper has 栏目 to take after the first."""
    yaml = issue_dir / "issue.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace("  - 新视点\n", "  - 新视点\n  - 工会要闻\n  - 基层传真\n"),
        encoding="utf-8",
    )
    for number, column, place in ((40, "工会要闻", "西宁市"), (50, "基层传真", "海东市")):
        (issue_dir / "articles" / f"0{number}-news-{number}.md").write_text(
            f"---\ncolumn: {column}\nkind: news\ntitle: {place}总工会召开全委会议\ncredit: {place}总工会\n---\n"
            + NEWS.format(place) * 30
            + "\n",
            encoding="utf-8",
        )
    return issue_dir


def test_a_cold_build_with_the_helper_lays_out_what_a_build_without_the_cache_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test issue, cold, five of its 栏目 (the rest only makes the test longer): the helper
    starts before the front is laid out (it finds the 补白's heights itself) and, while the build
    makes its first 栏目 up, makes the last ones up, giving up those that look for a 补白; once
    the build has told it where the second 栏目 starts and with which 补白, it makes those up
    again, as the build would. The build takes those from the cache (one of the first round that
    stands otherwise where the build starts it, it makes up itself), and lays out what a build
    without the cache lays out."""
    root = _five_columns_of_the_test_issue(tmp_path / "2025-06")
    monkeypatch.setattr(cache, "MAKEUP_CACHE", tmp_path / "cache")
    started: list[list[int]] = []
    helpers: list[subprocess.Popen] = []
    events: list[str] = []
    original = ahead.Ahead.__init__

    def counted(self, issue, build_key, heights, todo):  # type: ignore[no-untyped-def]
        started.append(todo)
        events.append(f"helper, heights {heights}")
        original(self, issue, build_key, heights, todo)
        helpers.append(self)

    monkeypatch.setattr(ahead.Ahead, "__init__", counted)
    original_front = makeup._front

    def front(*args, **kwargs):  # type: ignore[no-untyped-def]
        events.append("front")
        return original_front(*args, **kwargs)

    monkeypatch.setattr(makeup, "_front", front)
    monkeypatch.setenv("QHGY_HELPER", "1")  # whatever else runs (the suite's other worker)
    _second_round_for_every_given_up(monkeypatch, helpers)
    helped = _make_up(root, monkeypatch, cached=True)  # an empty cache: a cold build
    columns = helped[0].report.columns
    assert started == [list(range(2, len(columns) + 1))]  # the first 栏目 was not in the cache
    assert events[0] == "helper, heights None" and "front" in events  # started first, heights its own
    from_helper = {c.index for c in columns if c.decisions is not None}  # laid out once by the build
    given_up = {index for event, index in helpers[0]._done if event == "gave up"}
    assert given_up and {index for event, index in helpers[0]._done if event == "again"} == given_up
    assert given_up <= from_helper  # made up again by the helper where the build starts them,
    assert all(columns[index - 1].laid_out is None for index in given_up)  # on its folio: no layout to check
    assert from_helper - given_up  # and one made up in its first round
    assert helpers[0]._process.returncode is not None  # the helper has ended
    # Every 栏目 is marked as made up, the helper's too: an edit after this build starts no helper.
    assert makeup.unseen(apply_transforms(load_issue(root)), range(1, len(columns) + 1)) == []
    cold = _make_up(root, monkeypatch, cached=False)
    assert helped[1:] == cold[1:]


def test_the_helper_gives_a_make_up_up_at_its_first_look_for_a_filler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 栏目 whose make-up looks for 补白 is the build's to make, with the 补白 the 栏目 before it
    left: the helper lays nothing more out once it has looked, keeps nothing and marks nothing
    seen; a 栏目 that never looks is kept and marked."""
    root = _five_columns_of_the_test_issue(tmp_path / "2025-06")
    monkeypatch.setattr(cache, "MAKEUP_CACHE", tmp_path / "cache")
    monkeypatch.setenv("QHGY_MAKEUP_CACHE", "1")
    issue = apply_transforms(load_issue(root))
    monkeypatch.setattr(makeup, "_build_key", cache.build_key(issue))  # as the helper's own
    heights = makeup.known_heights(issue)
    events: list[str] = []
    original_fill, original_lay = makeup.fill_fix, makeup.lay_out_part

    def fill(views, ctx):  # type: ignore[no-untyped-def]
        found = original_fill(views, ctx)
        events.append("looked" if ctx.pool_read else "fill rule")
        return found

    def lay(*args, **kwargs):  # type: ignore[no-untyped-def]
        events.append("laid out")
        return original_lay(*args, **kwargs)

    monkeypatch.setattr(makeup, "fill_fix", fill)
    monkeypatch.setattr(makeup, "lay_out_part", lay)
    looked, kept = [], []
    for index in range(2, len(issue.columns) + 1):
        events.clear()
        makeup.make_up_ahead(issue, index, heights)
        if "looked" in events:
            looked.append(index)
            assert "laid out" not in events[events.index("looked") :]
            assert makeup.unseen(issue, range(index, index + 1)) == [index]  # the build makes it
        else:
            kept.append(index)
            assert makeup.unseen(issue, range(index, index + 1)) == []
    assert looked and kept
    # made to the end, the same make-up lays out again after its look (so the helper stopped early)
    events.clear()
    html = makeup.part_html(issue, "column", index=looked[0], first_folio=1)
    makeup._make_up_column(issue, looked[0], 1, list(issue.fillers), heights, makeup.TAIL, None, html)
    assert "laid out" in events[events.index("looked") :]


def test_each_issue_made_up_with_the_helper_is_the_issue_built(
    both_issues, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each whole issue, cold, with the helper taking every 栏目 after the first it can (the build
    waits for its first round and leaves it each 栏目 it gave up): the make-up's report is, byte
    for byte, the one the session's build of the issue wrote."""
    import json

    from qhgy_publish.pipeline import makeup_report_path

    monkeypatch.setattr(cache, "MAKEUP_CACHE", tmp_path / "cache")
    monkeypatch.setenv("QHGY_MAKEUP_CACHE", "1")
    monkeypatch.setenv("QHGY_HELPER", "1")
    helpers: list[ahead.Ahead] = []
    original = ahead.Ahead.__init__

    def kept(self, *args):  # type: ignore[no-untyped-def]
        original(self, *args)
        helpers.append(self)

    monkeypatch.setattr(ahead.Ahead, "__init__", kept)
    _second_round_for_every_given_up(monkeypatch, helpers)
    issue = apply_transforms(load_issue(both_issues.root))
    made = makeup.make_up(issue)
    again = {index for event, index in helpers[0]._done if event == "again"}
    assert again and again <= {c.index for c in made.report.columns if c.decisions is not None}
    report = json.dumps(made.report.as_dict(), ensure_ascii=False, indent=1)
    assert report == makeup_report_path(both_issues.print_pdf.parent, issue).read_text(encoding="utf-8")


def _second_round_for_every_given_up(monkeypatch: pytest.MonkeyPatch, helpers: list) -> None:
    """The build's first 栏目 outlasts the helper's first round whatever else runs on the machine
    (the suite's other worker): the build goes on once the helper (``helpers[0]``, once started)
    has made up or given up each of its 栏目; and the build leaves every 栏目 given up to the
    helper's second round (else the two race for it)."""
    original_column = makeup.make_up_column

    def first_then_wait(issue, index, *args, **kwargs):  # type: ignore[no-untyped-def]
        made = original_column(issue, index, *args, **kwargs)
        if index == 1 and helpers:
            for later in range(2, len(issue.columns) + 1):
                helpers[0]._wait_for(later, "done", "gave up")
        return made

    monkeypatch.setattr(makeup, "make_up_column", first_then_wait)
    original_claim = ahead._claim
    monkeypatch.setattr(ahead, "_claim", lambda claims, index: not str(index).startswith("again") and original_claim(claims, index))


def _five_columns_of_the_test_issue(root: Path) -> Path:
    """A copy of tests/fixtures/2025-06 with 工会要闻, 学习强国, 制度建设, 劳模工匠风采 and 基层传真
    only: after the first, two that never look for a 补白 and two that do; 20 pages and no 补白
    left over, so neither a page saved nor a second round for the 补白 makes them all up again."""
    shutil.copytree(FIXTURES / "2025-06", root)
    left_out = ("特别关注", "市州动态", "工作研究")
    yaml = root / "issue.yaml"
    lines = yaml.read_text(encoding="utf-8").split("\n")
    kept = [line for line in lines if not line.strip().removeprefix("- ").removeprefix("name: ").startswith(left_out)]
    yaml.write_text("\n".join(line for line in kept if not line.lstrip().startswith("pages:")), encoding="utf-8")
    for article in (root / "articles").glob("*.md"):
        if any(f"column: {name}\n" in article.read_text(encoding="utf-8") for name in left_out):
            article.unlink()
    for filler in ("040-mozi", "050-liji", "070-12351"):  # none left over: no second round
        (root / "fillers" / f"{filler}.md").unlink()
    return root


def test_no_helper_for_columns_made_up_before(four_columns: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A warm build, and a build after an edit in the first 栏目: the later 栏目 were made up
    before (their make-ups are in the cache), so no helper is started for them."""
    monkeypatch.setenv("QHGY_HELPER", "1")  # were it wanted
    _make_up(four_columns, monkeypatch, cached=True)
    started: list[list[int]] = []
    monkeypatch.setattr(ahead.Ahead, "__init__", lambda self, *args: started.append(args[-1]))
    warm, *_ = _make_up(four_columns, monkeypatch, cached=True)
    assert all(c.decisions is not None for c in warm.report.columns)
    article = four_columns / "articles" / "010-heci.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n\n新增一段文字，说明全年工作安排。\n", encoding="utf-8")
    edited, *_ = _make_up(four_columns, monkeypatch, cached=True)
    assert edited.report.columns[0].decisions is None  # made up again
    assert started == []


def test_the_helper_ends_when_the_build_stops_half_way(four_columns: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while the build makes up its first 栏目 (the helper started just before): the helper
    is stopped with it, and the cache holds no half entry."""
    monkeypatch.setenv("QHGY_MAKEUP_CACHE", "1")
    started: list[subprocess.Popen] = []
    original_start = ahead.Ahead.__init__

    def counted(self, *args):  # type: ignore[no-untyped-def]
        original_start(self, *args)
        started.append(self._process)

    monkeypatch.setattr(ahead.Ahead, "__init__", counted)
    monkeypatch.setenv("QHGY_HELPER", "1")
    original = makeup._make_up_column

    def interrupted(issue, index, *args, **kwargs):  # type: ignore[no-untyped-def]
        if index == 1:
            raise KeyboardInterrupt
        return original(issue, index, *args, **kwargs)

    monkeypatch.setattr(makeup, "_make_up_column", interrupted)
    with pytest.raises(KeyboardInterrupt):
        makeup.make_up(apply_transforms(load_issue(four_columns)))
    assert len(started) == 1  # the helper had started
    assert started[0].returncode is not None  # and has ended
    for entry in cache.MAKEUP_CACHE.glob("*.pickle"):  # what the cache holds is whole
        key = entry.stem
        whole = (cache.load(key), cache.load_fit(key), cache.load_heights(key))
        assert any(found is not None for found in whole) or cache.seen(key)


def _helpers_of(pid: int) -> list[int]:
    """The helper processes (render/makeup/ahead.py) whose parent is ``pid``."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            ppid = next(int(line.split()[1]) for line in status.read_text().splitlines() if line.startswith("PPid:"))
            command = (status.parent / "cmdline").read_bytes()
        except (OSError, StopIteration):
            continue
        if ppid == pid and b"qhgy_publish.render.makeup.ahead" in command:
            found.append(int(status.parent.name))
    return found


def test_the_helper_ends_when_the_build_is_killed(tmp_path: Path) -> None:
    """kill -9 of a cold `qhgy build` while its helper works: the helper ends with it, and removes
    the folder of claims the build would have removed."""
    import os
    import signal
    import sys
    import time

    root = tmp_path / "2025-06"
    shutil.copytree(FIXTURES / "2025-06", root)
    env = {**os.environ, "QHGY_CACHE_DIR": str(tmp_path / "cache"), "QHGY_MAKEUP_CACHE": "1", "QHGY_HELPER": "1"}
    build = subprocess.Popen(
        [sys.executable, "-m", "qhgy_publish.cli", "build", str(root), "--out", str(tmp_path / "out"), "--only", "print"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not (helpers := _helpers_of(build.pid)):
            assert build.poll() is None and time.monotonic() < deadline, "no helper started"
            time.sleep(0.05)
        work = Path((Path(f"/proc/{helpers[0]}") / "cmdline").read_bytes().split(b"\0")[-2].decode())
        assert work.name == "work.pickle" and work.parent.is_dir()  # the helper's folder of claims
        build.send_signal(signal.SIGKILL)
        build.wait()
        deadline = time.monotonic() + 5
        while Path(f"/proc/{helpers[0]}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not Path(f"/proc/{helpers[0]}").exists() or "Z" in _state(helpers[0])
        assert not work.parent.exists()
    finally:
        build.kill()
        build.wait()


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"



def test_no_helper_while_every_core_is_busy(four_columns: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As many other processes as there are cores running flat out: a helper would only take CPU
    from the build, so none is wanted; and a cold build that does not want one starts none."""
    import os
    import sys
    import time

    monkeypatch.delenv("QHGY_HELPER", raising=False)
    spin = "import time\nend = time.monotonic() + 30\nwhile time.monotonic() < end: pass"
    busy = [subprocess.Popen([sys.executable, "-c", spin]) for _ in os.sched_getaffinity(0)]
    try:
        time.sleep(0.2)  # started and spinning
        assert not ahead.wanted()
    finally:
        for process in busy:
            process.kill()
            process.wait()
    monkeypatch.setenv("QHGY_HELPER", "0")
    started: list[list[int]] = []
    monkeypatch.setattr(ahead.Ahead, "__init__", lambda self, *args: started.append(args[-1]))
    cold, *_ = _make_up(four_columns, monkeypatch, cached=True)
    assert all(c.decisions is None for c in cold.report.columns)  # every 栏目 made up afresh
    assert started == []
    monkeypatch.setenv("QHGY_HELPER", "1")
    assert ahead.wanted()


@pytest.mark.parametrize("helper", ["1", "0"])
def test_the_covers_are_handed_over_once_no_helper_runs(
    four_columns: Path, monkeypatch: pytest.MonkeyPatch, helper: str
) -> None:
    """A cold make-up gives 封一 and 封二, laid out alone, to ``covers`` (the build begins the EPUB's
    cover there: render/epub_cover.py) once, when no helper makes 栏目 up any more: beside it the
    drawing only shared the two cores with it and the make-up. Without a helper, before the
    first 栏目."""
    monkeypatch.setenv("QHGY_MAKEUP_CACHE", "1")
    monkeypatch.setenv("QHGY_HELPER", helper)
    helpers: list[ahead.Ahead] = []
    original = ahead.Ahead.__init__

    def kept(self, *args):  # type: ignore[no-untyped-def]
        original(self, *args)
        helpers.append(self)

    monkeypatch.setattr(ahead.Ahead, "__init__", kept)
    events: list[str] = []
    column = makeup.make_up_column

    def make_up_column(issue, index, *args, **kwargs):  # type: ignore[no-untyped-def]
        events.append(f"栏目 {index}")
        return column(issue, index, *args, **kwargs)

    def covers(part) -> None:  # type: ignore[no-untyped-def]
        events.append(f"covers: {len(part.pages)} pages, helper running: {any(not h.ended() for h in helpers)}")

    monkeypatch.setattr(makeup, "make_up_column", make_up_column)
    makeup.make_up(apply_transforms(load_issue(four_columns)), covers=covers)
    handed = [event for event in events if event.startswith("covers")]
    assert handed == ["covers: 3 pages, helper running: False"]  # 封一, 封二, the empty contents page
    assert bool(helpers) == (helper == "1")
    if not helpers:
        assert events.index(handed[0]) < events.index("栏目 1")
    # A warm make-up knows 封二's fit: the covers are laid out with the front only, not handed over.
    events.clear()
    makeup.make_up(apply_transforms(load_issue(four_columns)), covers=covers)
    assert not [event for event in events if event.startswith("covers")]


def _looks_for_fillers(issue, heights: dict[str, float]) -> int:  # type: ignore[no-untyped-def]
    """A 栏目 after the first whose make-up looks for 补白 (the helper gives it up, told nothing)."""
    return next(i for i in range(2, len(issue.columns) + 1) if makeup.make_up_ahead(issue, i, heights) is None)


def test_told_the_builds_fillers_the_helper_goes_on_as_the_build_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the build has made up the 栏目 before (it waits for this one), the helper's make-up
    goes on past its first look for 补白 with those the build told: what it keeps is what the
    build would make up itself, and the build takes it with one layout where the 栏目 starts."""
    root = _five_columns_of_the_test_issue(tmp_path / "2025-06")
    monkeypatch.setattr(cache, "MAKEUP_CACHE", tmp_path / "cache")
    monkeypatch.setenv("QHGY_MAKEUP_CACHE", "1")
    issue = apply_transforms(load_issue(root))
    monkeypatch.setattr(makeup, "_build_key", cache.build_key(issue))  # as the helper's own
    heights = makeup.known_heights(issue)
    index = _looks_for_fillers(issue, heights)
    pool = list(issue.fillers)[1:]  # not every 补白: the 栏目 before took one
    folio = 9
    assert makeup.make_up_ahead(issue, index, heights, lambda: pool) is not None
    layouts: list[str] = []
    lay = makeup.lay_out_part

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        layouts.append("laid out")
        return lay(*args, **kwargs)

    monkeypatch.setattr(makeup, "lay_out_part", counted)
    helped = makeup.make_up_column(issue, index, folio, pool, heights)
    assert layouts == ["laid out"] and helped.decisions is not None  # checked where it starts, once
    monkeypatch.setattr(makeup, "_build_key", None)  # the build's own make-up, nothing cached
    own = makeup.make_up_column(issue, index, folio, pool, heights)
    assert len(layouts) > 2  # a make-up of several passes
    assert (helped.plan, helped.actions, helped.unfilled, helped.page_count) == (
        own.plan, own.actions, own.unfilled, own.page_count
    )


def test_the_helper_reads_what_the_build_told(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The helper process, given a 栏目 that looks for 补白 when the build has told where the 栏目
    before it ended and with which 补白 (Ahead.tell), reports it done, not given up, and keeps
    it where the build looks."""
    from types import SimpleNamespace

    root = _five_columns_of_the_test_issue(tmp_path / "2025-06")
    monkeypatch.setattr(cache, "MAKEUP_CACHE", tmp_path / "cache")
    monkeypatch.setenv("QHGY_MAKEUP_CACHE", "1")
    issue = apply_transforms(load_issue(root))
    build_key = cache.build_key(issue)
    monkeypatch.setattr(makeup, "_build_key", build_key)
    heights = makeup.known_heights(issue)
    index = _looks_for_fillers(issue, heights)
    pool = list(issue.fillers)[1:]
    claims = tmp_path / "claims"
    claims.mkdir()
    ahead.Ahead.tell(SimpleNamespace(_claims=claims), index - 1, 9, pool)  # type: ignore[arg-type]
    monkeypatch.setattr(ahead.tempfile, "mkdtemp", lambda **_: str(claims))  # told before it starts
    helper = ahead.Ahead(issue, build_key, heights, [index])
    try:
        assert helper._wait_for(index, "done", "gave up") == "done"
    finally:
        helper.stop()
    html = makeup.part_html(issue, "column", index=index, first_folio=1)
    assert cache.load(cache.moved_key(build_key, issue, index, html, pool, heights, makeup.TAIL, "")) is not None


def _helper_waited_for_after_the_first_column(monkeypatch: pytest.MonkeyPatch) -> list[ahead.Ahead]:
    """The helpers the build starts (filled as it starts them); once the build has made its first
    栏目 up, it waits until the helper has had its turn at the last (whatever else runs)."""
    helpers: list[ahead.Ahead] = []
    original = ahead.Ahead.__init__

    def kept(self, *args):  # type: ignore[no-untyped-def]
        original(self, *args)
        helpers.append(self)

    monkeypatch.setattr(ahead.Ahead, "__init__", kept)
    original_column = makeup.make_up_column

    def first_then_wait(issue, index, *args, **kwargs):  # type: ignore[no-untyped-def]
        made = original_column(issue, index, *args, **kwargs)
        if index == 1 and helpers:
            helpers[0]._wait_for(len(issue.columns), "done", "gave up")
        return made

    monkeypatch.setattr(makeup, "make_up_column", first_then_wait)
    return helpers


def test_a_helper_started_first_leaves_the_columns_made_up_before_to_the_build(
    four_columns: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first and the last 栏目 edited after a build: the helper starts before the front, told
    every later 栏目, turns only to the last (the others are in the cache: it neither claims nor
    makes them, the build takes them from there), and the build lays out what a build without
    the cache does."""
    monkeypatch.setenv("QHGY_HELPER", "1")
    _make_up(four_columns, monkeypatch, cached=True)
    for name in ("010-heci.md", "050-news-50.md"):
        article = four_columns / "articles" / name
        article.write_text(article.read_text(encoding="utf-8") + "\n\n新增一段文字，说明全年工作安排。\n", encoding="utf-8")
    helpers = _helper_waited_for_after_the_first_column(monkeypatch)
    helped = _make_up(four_columns, monkeypatch, cached=True)
    assert [sorted(h._todo) for h in helpers] == [[2, 3, 4]]
    assert {index for _, index in helpers[0]._done} == {4}
    assert [c.decisions is not None for c in helped[0].report.columns[:3]] == [False, True, True]
    assert helped[1:] == _make_up(four_columns, monkeypatch, cached=False)[1:]


@pytest.fixture
def no_text_cut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A cache of jieba's cuts that holds nothing (and none kept in this process)."""
    from qhgy_publish import words

    def forget() -> None:
        for cached in (words._cuts_file, words._cuts, words._no_break_after):
            cached.cache_clear()

    monkeypatch.setattr(words, "CUTS_CACHE", tmp_path / "words")
    forget()
    yield
    monkeypatch.undo()
    forget()


def test_a_build_of_text_never_cut_starts_the_helper_before_any_html(
    four_columns: Path, monkeypatch: pytest.MonkeyPatch, no_text_cut: None
) -> None:
    """No text of the issue was cut into words before (a new issue, a fresh cache): the build is
    cold, and the helper starts before the first HTML is rendered (which reads jieba's
    dictionary, 0.4 s), not after the first 栏目's HTML told it so."""
    monkeypatch.setenv("QHGY_MAKEUP_CACHE", "1")
    monkeypatch.setenv("QHGY_HELPER", "1")
    events: list[str] = []
    original, html = ahead.Ahead.__init__, makeup.part_html

    def started(self, *args):  # type: ignore[no-untyped-def]
        events.append("helper")
        original(self, *args)

    def rendered(*args, **kwargs):  # type: ignore[no-untyped-def]
        events.append("html")
        return html(*args, **kwargs)

    monkeypatch.setattr(ahead.Ahead, "__init__", started)
    monkeypatch.setattr(makeup, "part_html", rendered)
    made = makeup.make_up(apply_transforms(load_issue(four_columns)))
    assert events[0] == "helper" and "html" in events
    assert all(c.page_count for c in made.report.columns)


def test_the_build_tries_the_heights_the_helper_found(four_columns: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cold build lays out, where it lands, each 栏目 the helper made up or began to (here both
    later 栏目 look for 补白: given up): where it lands on a page of the hand the helper laid it
    out on, its column sets are tried at once at the heights the helper's balancing found, kept
    in the cache folder meanwhile (render/balanced_memo.py); the build lays out what one without
    the cache does."""
    from qhgy_publish.render import balanced_memo, weasy_columns
    from qhgy_publish.render.makeup import parts

    hits: set[str] = set()

    class Recording(dict):
        def get(self, key, default=None):  # type: ignore[no-untyped-def]
            if key in self:
                hits.add(key)
            return super().get(key, default)

    monkeypatch.setattr(weasy_columns, "BALANCED", Recording())
    parts.start_build(None)
    taken: set[str] = set()
    refresh = balanced_memo.refresh

    def recorded() -> None:
        before = set(weasy_columns.BALANCED)
        refresh()
        taken.update(set(weasy_columns.BALANCED) - before)

    monkeypatch.setattr(balanced_memo, "refresh", recorded)
    monkeypatch.setenv("QHGY_HELPER", "1")
    helpers = _helper_waited_for_after_the_first_column(monkeypatch)
    helped = _make_up(four_columns, monkeypatch, cached=True)
    assert len(helpers) == 1
    assert hits & taken  # heights the helper found, taken in by the build and tried
    monkeypatch.setattr(weasy_columns, "BALANCED", {})
    parts.start_build(None)
    assert helped[1:] == _make_up(four_columns, monkeypatch, cached=False)[1:]
