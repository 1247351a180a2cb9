"""Work done in a forked copy of the build (render/forked.py): its result comes back, its
errors come back as the build's, what it allocates is not the build's, and a copy forks no
copy of its own. Real forks, as the build makes them."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field

import pytest

from qhgy_publish.errors import BuildError
from qhgy_publish.render.forked import in_fork, start_fork


def _rss_mb() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) // 1024


def test_the_result_comes_back_and_the_memory_stays_in_the_copy() -> None:
    before = _rss_mb()
    size, pid = in_fork("counting", lambda: (len(bytearray(300 * 1024 * 1024)), os.getpid()))
    assert size == 300 * 1024 * 1024 and pid != os.getpid()
    assert _rss_mb() - before < 50  # the 300 MB were the copy's


def _fails_as_the_build() -> None:
    raise BuildError("images/cover.png: not a picture")


def _fails() -> None:
    raise ValueError("bad value")


def _disk_full() -> None:
    raise OSError(errno.ENOSPC, "No space left on device", "/out/qhgy-2025-02.epub")


def test_errors_come_back_as_the_builds() -> None:
    with pytest.raises(BuildError, match=r"^images/cover.png: not a picture$"):
        in_fork("writing the EPUB", _fails_as_the_build)
    with pytest.raises(BuildError, match=r"^writing the EPUB failed: ValueError: bad value$"):
        in_fork("writing the EPUB", _fails)
    # A file the copy could not write is said as the build says it: which, why, what to do.
    with pytest.raises(BuildError) as failed:
        in_fork("writing the EPUB", _disk_full)
    assert str(failed.value).startswith("/out/qhgy-2025-02.epub: No space left on device\n")
    assert "the disk is full" in str(failed.value) and "OSError" not in str(failed.value)
    with pytest.raises(BuildError, match=r"^writing the EPUB failed: the process ended \(3\)$"):
        in_fork("writing the EPUB", os._exit, 3)


def _waits_for(path: str) -> str:
    import time

    for _ in range(400):  # 20 s: the test fails, not hangs, if start_fork waited for the copy
        if os.path.exists(path):
            return "went on meanwhile"
        time.sleep(0.05)
    return "waited for the copy"


def test_work_begun_in_a_copy_goes_on_while_the_build_does(tmp_path) -> None:
    """start_fork returns at once: the copy waits here for a file the build writes only after."""
    signal = tmp_path / "the build went on"
    begun = start_fork("waiting", _waits_for, str(signal))
    signal.touch()
    assert begun.result() == "went on meanwhile"


def test_a_copy_done_early_ends_before_its_result_is_taken() -> None:
    """A result larger than a pipe holds (the EPUB's cover, about 1 MB) does not keep the copy,
    and the memory it used, alive until the build asks for it."""
    import time

    begun = start_fork("drawing", lambda: b"J" * 4 * 1024 * 1024)
    for _ in range(400):
        if begun.done():
            break
        time.sleep(0.05)
    assert begun.done()
    assert begun.result() == b"J" * 4 * 1024 * 1024


def test_work_begun_in_a_copy_can_be_stopped(tmp_path) -> None:
    begun = start_fork("waiting", _waits_for, str(tmp_path / "never"))
    assert not begun.done()
    begun.stop()
    assert begun.done()


def test_a_result_that_cannot_come_back_is_an_error() -> None:
    with pytest.raises(BuildError, match=r"^returning failed: .*pickle"):
        in_fork("returning", lambda: lambda: None)


def test_a_copy_does_its_own_forked_work_itself() -> None:
    outer, inner = in_fork("nesting", lambda: (os.getpid(), in_fork("inner", os.getpid)))
    assert outer == inner != os.getpid()


@dataclass
class _Layout:
    cover: bytes | None = None


@dataclass(frozen=True)
class _Context:
    layout: _Layout
    warnings: list[str] = field(default_factory=list)


def test_the_epub_written_aside_brings_back_its_warnings_and_its_cover() -> None:
    from qhgy_publish.pipeline import _written_with_news

    def write(ctx: _Context) -> list[str]:
        ctx.warnings.append("EPUB page marker: p. 12 not found")
        ctx.layout.cover = b"JPEG"
        return ["issue.epub"]

    ctx = _Context(_Layout(), ["an earlier warning"])
    written, warnings, cover = in_fork("writing the EPUB", _written_with_news, write, ctx)
    assert (written, warnings, cover) == (["issue.epub"], ["EPUB page marker: p. 12 not found"], b"JPEG")
    assert ctx.warnings == ["an earlier warning"] and ctx.layout.cover is None  # the copy's, until taken
