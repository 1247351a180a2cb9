"""Bad or hostile input never leaks a file, never runs a script, never loses an output."""

from __future__ import annotations

import errno
import os
import signal
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from lxml import etree
from weasyprint.urls import FatalURLFetchingError

from qhgy_publish.render.fetcher import ClosedFetcher

PASSWD_LINE = Path("/etc/passwd").read_text().splitlines()[0]


def _qhgy(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qhgy_publish.cli", *args], capture_output=True, text=True, **kw
    )


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.fixture
def built(mini_issue: Path, tmp_path: Path) -> tuple[Path, Path]:
    out = tmp_path / "out"
    proc = _qhgy("build", str(mini_issue), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return mini_issue, out


def test_interrupted_build_keeps_earlier_outputs(built) -> None:
    issue, out = built
    before = _outputs(out)
    assert set(before) == {
        "qhgy-2025-02-print.pdf",
        "qhgy-2025-02-screen.pdf",
        "qhgy-2025-02.epub",
        "qhgy-2025-02-makeup.json",  # the make-up's report, written after the products
    }
    article = issue / "articles" / "020-dongtai.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace("研究部署", "认真研究部署"), encoding="utf-8"
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "qhgy_publish.cli", "build", str(issue), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Interrupt while the PDFs are being written (their temporary files exist): the
    # latest moment, when a forked writer is at work beside the build.
    deadline = time.monotonic() + 60
    while not list(out.glob(".*.tmp")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert proc.poll() is None, "the build ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert _outputs(out) == before  # byte-identical, nothing half-written, no temp file left


def test_a_failed_screen_pdf_keeps_both_earlier_pdfs(mini_issue: Path, tmp_path: Path, monkeypatch) -> None:
    """The screen PDF is written by a forked child beside the press PDF; when it fails, the
    build says why and neither PDF is replaced (the pair stays consistent)."""
    from qhgy_publish.errors import BuildError
    from qhgy_publish.load import load_issue
    from qhgy_publish.render import pdf_pair, print_pdf
    from qhgy_publish.transforms import apply_transforms

    layout = print_pdf.layout(apply_transforms(load_issue(mini_issue)))
    out = tmp_path / "out"
    out.mkdir()
    targets = [out / "print.pdf", out / "screen.pdf"]
    for target in targets:
        target.write_bytes(b"earlier")

    def broken(layout, target, pressed=None):  # the child inherits this: it is forked after the patch
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(pdf_pair, "write_screen_pdf", broken)
    with pytest.raises(BuildError, match=r"screen PDF failed: .*screen\.pdf: No space left on device"):
        pdf_pair.write_both_pdfs(layout, *targets)
    assert _outputs(out) == {"print.pdf": b"earlier", "screen.pdf": b"earlier"}


def _marked_writers(monkeypatch, folder: Path, fail: str = "") -> None:  # type: ignore[no-untyped-def]
    """Each PDF writer leaves a mark in ``folder`` when it has written its PDF (the ``fail`` one
    fails instead); the EPUB's renderer notes the marks there when it begins."""
    from qhgy_publish import pipeline
    from qhgy_publish.render import pdf_pair

    for kind, name in (("press", "write_print_pdf"), ("screen", "write_screen_pdf")):
        original = getattr(pdf_pair, name)

        def marked(layout, target, pressed=None, kind=kind, original=original):  # type: ignore[no-untyped-def]
            if kind == fail:
                raise OSError(errno.ENOSPC, "No space left on device", str(target))
            written = original(layout, target, pressed)
            (folder / kind).touch()
            return written

        monkeypatch.setattr(pdf_pair, name, marked)
    epub = pipeline.RENDERERS["epub"]

    def noted(ctx, target):  # type: ignore[no-untyped-def]
        (folder / "epub begun").write_text(" ".join(sorted(p.name for p in folder.iterdir())))
        return epub.write(ctx, target)

    monkeypatch.setitem(pipeline.RENDERERS, "epub", pipeline.Renderer("epub", noted))


def test_the_epub_is_begun_once_a_pdf_writer_has_ended(mini_issue: Path, tmp_path: Path, monkeypatch) -> None:
    """A build that draws every page (nothing kept from a last build) writes the EPUB beside the
    PDF writers once one of them has ended: its core is free then."""
    from qhgy_publish.pipeline import build_issue

    marks = tmp_path / "marks"
    marks.mkdir()
    _marked_writers(monkeypatch, marks)
    build_issue(mini_issue, tmp_path / "out")
    assert (marks / "epub begun").read_text() in ("press", "screen", "press screen")


def test_a_failed_pdf_writer_leaves_every_earlier_output(mini_issue: Path, tmp_path: Path, monkeypatch) -> None:
    """The press PDF fails while the screen PDF is still drawn: the build says why, and neither
    PDF nor the EPUB is replaced (the EPUB is not begun)."""
    from qhgy_publish.errors import BuildError
    from qhgy_publish.pipeline import build_issue, output_path, prepare

    marks = tmp_path / "marks"
    marks.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    issue = prepare(mini_issue).issue
    for target in ("print", "screen", "epub"):
        output_path(out, issue, target).write_bytes(b"earlier")
    before = _outputs(out)
    _marked_writers(monkeypatch, marks, fail="press")
    with pytest.raises(BuildError, match=r"press PDF failed: .*No space left on device"):
        build_issue(mini_issue, out)
    assert _outputs(out) == before
    assert not (marks / "epub begun").exists()


def test_a_writer_that_failed_is_not_taken_for_one_still_at_work() -> None:
    """A process's sentinel is ready as its files close, a moment before its exit code can be
    read: a writer that failed then looked like one still writing, and the EPUB was begun
    (the test above failed so now and then). Here the moment lasts half a second."""
    import multiprocessing

    from qhgy_publish.render.pdf_pair import Writing

    def failing() -> None:
        os.closerange(3, 4096)  # its end of the sentinel among them, as on its way out
        time.sleep(0.5)
        os._exit(1)

    context = multiprocessing.get_context("fork")
    failed, writing = context.Process(target=failing), context.Process(target=time.sleep, args=(30,))
    failed.start()
    writing.start()
    try:
        assert Writing(writers=[failed, writing]).one_ended() is False
        assert failed.exitcode == 1 and writing.exitcode is None
    finally:
        writing.terminate()
        writing.join()
        failed.join()


def test_both_pdf_writers_share_one_folder_of_font_subsets_which_the_build_removes(
    mini_issue: Path, tmp_path: Path, monkeypatch
) -> None:
    """The press and the screen writer draw the same pages: each works inside subsets_shared
    with the same folder (render/shared_subsets.py), and the folder is gone after the build."""
    from contextlib import contextmanager

    from qhgy_publish.pipeline import build_issue
    from qhgy_publish.render import pdf_pair

    marks = tmp_path / "marks"
    marks.mkdir()
    real = pdf_pair.subsets_shared

    @contextmanager
    def marked(folder: Path):  # type: ignore[no-untyped-def]
        (marks / str(os.getpid())).write_text(str(folder))
        with real(folder):
            yield

    monkeypatch.setattr(pdf_pair, "subsets_shared", marked)
    build_issue(mini_issue, tmp_path / "out")
    folders = {mark.read_text() for mark in marks.iterdir()}
    assert len(list(marks.iterdir())) == 2 and len(folders) == 1
    assert not Path(folders.pop()).exists()


def test_the_pdf_writers_inherit_the_layout_frozen_and_the_build_gets_it_back(mini_issue: Path, tmp_path: Path, monkeypatch) -> None:
    """Each writer is forked with the build's objects frozen, so its garbage collections leave
    them (and the pages they sit on) shared with the build (all processes together: 786–809 MB
    before, 755–757 MB after, a cold build of the sample); the build unfreezes them, or its
    collector would never free them again (the preview builds on in one process)."""
    import gc

    from qhgy_publish.load import load_issue
    from qhgy_publish.render import pdf_pair, print_pdf
    from qhgy_publish.transforms import apply_transforms

    layout = print_pdf.layout(apply_transforms(load_issue(mini_issue)))
    targets = [tmp_path / "print.pdf", tmp_path / "screen.pdf"]

    def frozen_count(layout, target, pressed=None):  # the children inherit this: forked after the patch
        target.write_text(str(gc.get_freeze_count()))

    monkeypatch.setattr(pdf_pair, "write_print_pdf", frozen_count)
    monkeypatch.setattr(pdf_pair, "write_screen_pdf", frozen_count)
    pdf_pair.write_both_pdfs(layout, *targets)
    assert all(int(target.read_text()) > 10_000 for target in targets)  # the layout's objects among them
    assert gc.get_freeze_count() == 0


def test_build_never_writes_into_the_sources(built) -> None:
    issue, _ = built
    files = sorted(p.relative_to(issue) for p in issue.rglob("*"))
    assert all(not str(p).startswith(("output", ".")) for p in files)
    assert not [p for p in files if p.suffix in (".pdf", ".epub", ".tmp")]


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "http://127.0.0.1:9/x.png", "https://example.com/a.css", "ftp://x/y"]
)
def test_fetcher_refuses_anything_outside_the_issue(url: str, tmp_path: Path) -> None:
    fetcher = ClosedFetcher([tmp_path])
    with pytest.raises(FatalURLFetchingError):
        fetcher.fetch(url)


def test_fetcher_refuses_a_link_out_of_the_issue(tmp_path: Path) -> None:
    (tmp_path / "evil.css").symlink_to("/etc/passwd")
    with pytest.raises(FatalURLFetchingError):
        ClosedFetcher([tmp_path]).fetch((tmp_path / "evil.css").as_uri())


HOSTILE = """

<script>alert("x")</script> <iframe src="file:///etc/passwd"></iframe> <object data="x"></object>

<img src="/etc/passwd" onerror="alert(1)"> [点此](javascript:alert(1)) <a href="#" onclick="alert(2)">链接</a>
"""


def test_raw_html_is_text_everywhere(mini_issue: Path, tmp_path: Path) -> None:
    article = mini_issue / "articles" / "020-dongtai.md"
    article.write_text(article.read_text(encoding="utf-8") + HOSTILE, encoding="utf-8")
    out = tmp_path / "out"
    proc = _qhgy("build", str(mini_issue), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(out / "qhgy-2025-02.epub") as book:
        for name in book.namelist():
            data = book.read(name)
            assert PASSWD_LINE.encode() not in data
            if name.endswith(".xhtml"):
                root = etree.fromstring(data)
                tags = {etree.QName(e).localname for e in root.iter() if isinstance(e.tag, str)}
                assert not tags & {"script", "iframe", "object", "embed"}, name
                for element in root.iter():
                    if isinstance(element.tag, str):
                        assert not [a for a in element.attrib if a.lower().startswith("on")], name
                        assert not str(element.get("href", "")).startswith("javascript:"), name
        text = book.read("EPUB/a-020-dongtai.xhtml").decode()
        assert "&lt;script&gt;" in text  # shown as text, as typed
    for pdf in ("qhgy-2025-02-print.pdf", "qhgy-2025-02-screen.pdf"):
        data = (out / pdf).read_bytes()
        assert PASSWD_LINE.encode() not in data
        assert b"/JavaScript" not in data and b"/JS " not in data


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size (no pixels are ever decoded)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00"))
        + chunk(b"IEND", b"")
    )


def test_oversized_image_is_refused_without_decoding(mini_issue: Path, run_cli) -> None:
    (mini_issue / "images" / "huge.png").write_bytes(_png_claiming(20000, 20000))
    article = mini_issue / "articles" / "030-fengcai.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace("images/cover.png", "images/huge.png"), encoding="utf-8"
    )
    result = run_cli("build", mini_issue, "--only", "none")
    assert result.exit_code == 1
    assert "20000 × 20000" in result.stderr and "030-fengcai.md:12" in result.stderr


def test_a_very_long_paragraph_builds(mini_issue: Path, tmp_path: Path) -> None:
    article = mini_issue / "articles" / "020-dongtai.md"
    article.write_text(
        article.read_text(encoding="utf-8")
        + "\n"
        + "职工群众的获得感、幸福感、安全感不断增强。" * 1500
        + "\n",
        encoding="utf-8",
    )
    proc = _qhgy("build", str(mini_issue), "--out", str(tmp_path / "out"), "--only", "print")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "qhgy-2025-02-print.pdf").stat().st_size > 50_000


def test_a_write_error_says_which_file_why_and_what_to_do(tmp_path: Path) -> None:
    """A file of the build's own is named as its target (not its temporary name); a library's own
    file, which has no name to give (a font WeasyPrint copies), is said with the build's folder."""
    import errno

    from qhgy_publish.output import describe_write_error, prepare_output_dir, temp_path

    out = tmp_path / "out"
    prepare_output_dir(out)
    target = out / "qhgy-2025-02-print.pdf"
    said = describe_write_error(OSError(errno.ENOSPC, "No space left on device", str(temp_path(target))))
    assert said.startswith(f"{target}: No space left on device\n")
    assert "the disk is full" in said and said.endswith("the outputs of the last good build are untouched")
    said = describe_write_error(OSError(errno.EFBIG, "File too large"))
    assert said.startswith(f"File too large (while building into {out})\n")
    assert "(ulimit -f): raise the limit" in said
