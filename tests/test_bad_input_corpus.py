"""The project's corpus of bad input: each case a broken, truncated, hostile or runaway issue.

For every case `qhgy build` must end quickly (the limit of issue 18 is 30 s; most cases stop
before the layout, in well under a second) with exit code 1, no traceback, a message naming the
file and line with what to do, the outputs of the last good build byte-identical, no temporary
file left, and no file outside the issue folder opened. The last is proved with a Python audit
hook on "open" that records the real path (links followed) of every file the build opens.

Cases that could run away if a limit regressed (alias bombs, megabyte paragraphs, a FIFO) run
in a child process with a 30 s timeout and a 3 GB memory cap, so a regression fails the test
instead of hanging or exhausting the suite. The cases already in tests/load/test_bad_sources.py
(malformed YAML, unknown keys, GBK files, URLs and traversal in image paths, …) are not repeated.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import weasyprint  # noqa: F401  # as in the preview: importing it sets Pillow's LOAD_TRUNCATED_IMAGES
from click.testing import CliRunner

from qhgy_publish.paths import CACHE_DIR, FONTS_DIR, LAYOUTS_DIR

REPOSITORY = Path(__file__).resolve().parents[1]

MINI_ISSUE = Path(__file__).parent / "fixtures" / "mini-issue"
ARTICLE = "articles/020-dongtai.md"
PROFILES = "articles/030-fengcai.md"
TIMEOUT = 30  # seconds: issue 18's bound for any bad input
EPOCH = "1738195200"  # 2025-01-30T00:00:00Z, for the good build (SOURCE_DATE_EPOCH)

Edit = Callable[[Path, Path], None]  # (issue folder, a folder outside it) → None


# ------------------------------------------------------------------ recording what the build opens

_opened: list[str] | None = None


def _record_opens(event: str, args: tuple) -> None:
    if _opened is not None and event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        _opened.append(os.path.realpath(os.fsdecode(args[0])))


sys.addaudithook(_record_opens)  # audit hooks stay for the process's life; idle unless recording

# The same hook in a child process: it writes the paths it saw to the file named by QHGY_AUDIT_LOG.
CHILD = """
import atexit, os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
seen = []
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        seen.append(os.path.realpath(os.fsdecode(args[0])))
sys.addaudithook(hook)
def dump():
    text = "\\n".join(seen)  # before the log is opened: the hook would record it
    with open(os.environ["QHGY_AUDIT_LOG"], "w") as log:
        log.write(text)
atexit.register(dump)
from qhgy_publish.cli import main
sys.argv[0] = "qhgy"
main()
"""


# ------------------------------------------------------------------ cases


@dataclass(frozen=True)
class Case:
    edit: Edit
    where: str  # the file the message names, relative to the issue folder ("" when not a source)
    line: int | None  # the line it names, None when the problem has no line
    words: str  # words the message must hold
    isolate: bool = False  # run in a child process with a timeout and a memory cap


def _replace(rel: str, old: str, new: str) -> Edit:
    def edit(root: Path, outside: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture changed: {old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def _write(rel: str, content: str | bytes) -> Edit:
    def edit(root: Path, outside: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())

    return edit


def _both(*edits: Edit) -> Edit:
    def edit(root: Path, outside: Path) -> None:
        for e in edits:
            e(root, outside)

    return edit


OUTSIDE_ARTICLE = "---\ncolumn: 新视点\ntitle: 外部文章\n---\n\n这段文字在期刊文件夹之外。\n"


def _link_article_outside(root: Path, outside: Path) -> None:
    (outside / "secret.md").write_text(OUTSIDE_ARTICLE, encoding="utf-8")
    (root / "articles" / "050-extern.md").symlink_to(outside / "secret.md")


def _link_article_to_passwd(root: Path, outside: Path) -> None:
    (root / "articles" / "060-passwd.md").symlink_to("/etc/passwd")


def _link_articles_folder(root: Path, outside: Path) -> None:
    shutil.move(root / "articles", outside / "articles")
    (root / "articles").symlink_to(outside / "articles")


def _link_issue_yaml(root: Path, outside: Path) -> None:
    shutil.move(root / "issue.yaml", outside / "issue.yaml")
    (root / "issue.yaml").symlink_to(outside / "issue.yaml")


def _link_stylesheet_outside(root: Path, outside: Path) -> None:
    (outside / "evil.css").write_text("body { color: red; }", encoding="utf-8")
    (root / "layouts" / "print").mkdir(parents=True)
    (root / "layouts" / "print" / "magazine.css").symlink_to(outside / "evil.css")


def _link_image_outside(root: Path, outside: Path) -> None:
    shutil.copy(root / "images" / "cover.png", outside / "photo.png")
    (root / "images" / "link.png").symlink_to(outside / "photo.png")
    _replace(PROFILES, "images/cover.png", "images/link.png")(root, outside)


def _link_images_folder(root: Path, outside: Path) -> None:
    shutil.move(root / "images", outside / "images")
    (root / "images").symlink_to(outside / "images")


def _fifo_article(root: Path, outside: Path) -> None:
    os.mkfifo(root / "articles" / "070-fifo.md")  # reading it would wait for a writer forever


def _truncated(name: str, keep: float) -> Edit:
    def edit(root: Path, outside: Path) -> None:
        from PIL import Image

        picture = root / "images" / name
        if name.endswith(".jpg"):
            Image.open(root / "images" / "cover.png").convert("RGB").save(picture, quality=90)
        else:
            shutil.copy(root / "images" / "cover.png", picture)
        data = picture.read_bytes()
        picture.write_bytes(data[: int(len(data) * keep)])
        _replace(PROFILES, "images/cover.png", f"images/{name}")(root, outside)

    return edit


def _many_articles(count: int) -> Edit:
    def edit(root: Path, outside: Path) -> None:
        for i in range(count):
            (root / "articles" / f"{100 + i:04d}-a{i}.md").write_text(
                f"---\ncolumn: 新视点\ntitle: 短讯{i}\n---\n\n正文。\n", encoding="utf-8"
            )

    return edit


LAUGHS = 'a: &a ["哈","哈","哈","哈","哈","哈","哈","哈","哈"]\n' + "".join(
    f"{x}: &{x} [{', '.join([f'*{p}'] * 9)}]\n" for p, x in zip("abcdefgh", "bcdefghi", strict=True)
)


def _laughs_in_front_matter(root: Path, outside: Path) -> None:
    _replace(
        ARTICLE,
        "kind: news\n",
        "kind: news\nlayout:\n" + "".join("  " + line for line in LAUGHS.splitlines(True)),
    )(root, outside)


def _huge_png(root: Path, outside: Path) -> None:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0"))
        + chunk(b"IEND", b"")
    )
    (root / "images" / "huge.png").write_bytes(data)
    _replace(PROFILES, "images/cover.png", "images/huge.png")(root, outside)


PARAGRAPH = "职工群众的获得感、幸福感、安全感不断增强。"  # 21 characters
BODY_END = "会议要求，要坚持“七个牢牢把握”，推动工会工作高质量发展。"

CASES: dict[str, Case] = {
    # ---- reads outside the issue folder: refused before anything is opened
    "article-link-to-markdown-outside": Case(
        _link_article_outside, "articles/050-extern.md", None, "outside the issue folder"
    ),
    "article-link-to-etc-passwd": Case(
        _link_article_to_passwd, "articles/060-passwd.md", None, "outside the issue folder"
    ),
    "articles-folder-is-a-link-outside": Case(
        _link_articles_folder, "2025-02/articles", None, "nothing in it was read"
    ),
    "issue-yaml-is-a-link-outside": Case(_link_issue_yaml, "issue.yaml", None, "outside the issue folder"),
    "issue-layouts-folder-is-a-link-outside": Case(
        lambda root, outside: (root / "layouts").symlink_to(outside),
        "2025-02/layouts",
        None,
        "outside the issue",
    ),
    "issue-stylesheet-is-a-link-outside": Case(
        _link_stylesheet_outside, "layouts/print/magazine.css", None, "outside the issue"
    ),
    "image-link-outside": Case(_link_image_outside, PROFILES, 12, "outside the issue folder"),
    "images-folder-is-a-link-outside": Case(_link_images_folder, "issue.yaml", 5, "outside the issue folder"),
    "article-is-a-fifo": Case(_fifo_article, "articles/070-fifo.md", None, "not a plain file", isolate=True),
    # ---- runaway input: stopped by a documented limit (src/qhgy_publish/limits.py)
    "billion-laughs-in-front-matter": Case(_laughs_in_front_matter, ARTICLE, 6, "alias", isolate=True),
    "billion-laughs-in-issue-yaml": Case(
        _replace("issue.yaml", "year: 2025\n", "year: 2025\n" + LAUGHS),
        "issue.yaml",
        4,
        "alias",
        isolate=True,
    ),
    "yaml-nested-100000-deep": Case(
        _replace(ARTICLE, "kind: news\n", "kind: news\nlayout: " + "[" * 100_000 + "\n"),
        ARTICLE,
        4,
        "nested",
        isolate=True,
    ),
    "paragraph-of-5-megabytes": Case(
        _replace(ARTICLE, BODY_END, BODY_END + "\n\n" + PARAGRAPH * 80_000),
        ARTICLE,
        None,
        "at most 512 kB",
        isolate=True,
    ),
    "paragraph-of-168000-characters": Case(
        _replace(ARTICLE, BODY_END, BODY_END + "\n\n" + PARAGRAPH * 8_000),
        ARTICLE,
        12,
        "at most 40,000",
        isolate=True,
    ),
    "paragraph-of-100000-wrapped-lines": Case(
        _replace(ARTICLE, BODY_END, BODY_END + "\n\n" + "工\n" * 100_000),
        ARTICLE,
        12,
        "at most 40,000",
        isolate=True,
    ),
    "emphasis-bomb": Case(
        _replace(ARTICLE, BODY_END, BODY_END + "\n\n" + "_a**" * 5_000),
        ARTICLE,
        12,
        "Markdown marks",
        isolate=True,
    ),
    "notes-nested-30-deep": Case(
        _replace(ARTICLE, BODY_END, BODY_END + "\n\n" + ">" * 30 + " 深藏的注释。"),
        ARTICLE,
        12,
        "nested",
        isolate=True,
    ),
    "article-of-157500-characters": Case(
        _replace(ARTICLE, BODY_END, BODY_END + ("\n\n" + PARAGRAPH * 50) * 150),
        ARTICLE,
        7,
        "at most 150,000",
        isolate=True,
    ),
    "article-of-6000-paragraphs": Case(
        _replace(ARTICLE, BODY_END, BODY_END + "\n\n工会。" * 6_000),
        ARTICLE,
        7,
        "at most 5,000",
        isolate=True,
    ),
    "501-articles": Case(_many_articles(501), "articles", None, "at most 500", isolate=True),
    "1001-pictures": Case(
        _replace(
            PROFILES,
            ":::\n",
            ":::\n" + "\n![图](images/cover.png)\n" * 1_000,
        ),
        "articles",
        None,
        "at most 1,000",
        isolate=True,
    ),
    "1200-pictures-in-3-articles": Case(
        _both(
            *(
                _write(
                    f"articles/{n}-tu.md",
                    "---\ncolumn: 新视点\ntitle: 图集"
                    + n
                    + "\n---\n\n图集。\n"
                    + "\n![图](images/cover.png)\n" * 400,
                )
                for n in ("040", "050", "060")
            )
        ),
        "articles",
        None,
        "at most 1,000",
        isolate=True,
    ),
    "articles-of-4.5-megabytes-together": Case(
        _both(
            *(
                _write(
                    f"articles/{100 + n}-chang.md",
                    "---\ncolumn: 新视点\ntitle: 长文"
                    + str(n)
                    + "\n---\n\n"
                    + (PARAGRAPH * 1000 + "\n\n") * 7,
                )
                for n in range(10)
            )
        ),
        "articles",
        None,
        "at most 4 MB",
        isolate=True,
    ),
    "image-of-400-megapixels": Case(_huge_png, PROFILES, 12, "20000 × 20000"),
    "200-columns": Case(
        _replace(
            "issue.yaml", "  - 新视点\n", "  - 新视点\n" + "".join(f"  - 栏目{i}\n" for i in range(200))
        ),
        "issue.yaml",
        9,
        "at most 100",
    ),
    "heading-of-3000-characters": Case(
        _replace(ARTICLE, BODY_END, BODY_END + "\n\n## " + "长" * 3_000 + "\n\n正文。"),
        ARTICLE,
        12,
        "a heading of 3,000 characters",
    ),
    "title-of-3000-characters": Case(
        _replace(ARTICLE, "title: 省总工会召开2025年务虚会", "title: " + "长" * 3_000),
        ARTICLE,
        4,
        "at most 2000",
    ),
    # ---- what used to be internal errors
    "month-13-in-issue-yaml": Case(
        _replace("issue.yaml", "2025-02-28", "2025-13-45"), "issue.yaml", 22, "month must be in 1..12"
    ),
    "february-30-in-issue-yaml": Case(
        _replace("issue.yaml", "2025-02-28", "2025-02-30"), "issue.yaml", 22, "not a date"
    ),
    "month-13-in-front-matter": Case(
        _replace(ARTICLE, "kind: news\n", "kind: news\ndate: 2025-13-45\n"), ARTICLE, 4, "not a date"
    ),
    "february-30-in-front-matter": Case(
        _replace(ARTICLE, "kind: news\n", "kind: news\ndate: 2025-02-30\n"), ARTICLE, 4, "not a date"
    ),
    # ---- silent acceptance, now refused
    "truncated-jpeg": Case(_truncated("cut.jpg", 0.6), PROFILES, 12, "cut short"),
    "truncated-png": Case(_truncated("cut.png", 0.9), PROFILES, 12, "cut short"),
    "folder-2025-02-with-number-7": Case(
        _replace("issue.yaml", "number: 2", "number: 7"), "issue.yaml", 3, "rename the folder to 2025-07"
    ),
    "folder-2025-02-with-year-2024": Case(
        _replace("issue.yaml", "year: 2025", "year: 2024"), "issue.yaml", 2, "folder"
    ),
    # ---- messages that lacked the line or the hint
    "emoji-in-a-title-on-line-4": Case(
        _replace("articles/010-heci.md", "全面推进强国建设", "全面推进强国建设😀"),
        "articles/010-heci.md",
        4,
        "U+1F600",
    ),
    "emoji-in-issue-yaml": Case(
        _replace("issue.yaml", "封面图片说明文字", "封面图片说明文字😀"), "issue.yaml", 7, "U+1F600"
    ),
    "negative-print-run": Case(
        _replace("issue.yaml", "print_run: 1700", "print_run: -5"),
        "issue.yaml",
        23,
        "印数 is the number of copies",
    ),
    "serial-zero": Case(
        _replace("issue.yaml", "number: 2\n", "number: 2\nserial: 0\n"), "issue.yaml", 4, "总期号"
    ),
    "binary-garbage-article": Case(
        _write("articles/080-junk.md", bytes(range(256)) * 100), "articles/080-junk.md", None, "UTF-8"
    ),
}


# ------------------------------------------------------------------ running a case


@pytest.fixture(scope="session")
def last_good_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The mini issue built once, with SOURCE_DATE_EPOCH set: the outputs every case must leave alone."""
    base = tmp_path_factory.mktemp("good")
    issue, out = base / "2025-02", base / "out"
    shutil.copytree(MINI_ISSUE, issue)
    proc = subprocess.run(
        [sys.executable, "-m", "qhgy_publish.cli", "build", str(issue), "--out", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
    )
    assert proc.returncode == 0, proc.stderr
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@dataclass
class Run:
    code: int
    stderr: str
    opened: list[str]
    seconds: float


def run_build(issue: Path, out: Path, *, isolate: bool, tmp_path: Path, extra_env: dict | None = None) -> Run:
    global _opened
    args = ["build", str(issue), "--out", str(out)]
    start = time.monotonic()
    if isolate:
        log = tmp_path / "opened.txt"
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env={**os.environ, "QHGY_AUDIT_LOG": str(log), **(extra_env or {})},
        )
        opened = log.read_text().splitlines() if log.exists() else []
        return Run(proc.returncode, proc.stderr, opened, time.monotonic() - start)
    from qhgy_publish.cli import main

    _opened = []
    try:
        result = CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        opened, _opened = _opened, None
    return Run(result.exit_code, result.stderr, opened, time.monotonic() - start)


def _allowed_roots(issue: Path, out: Path) -> list[str]:
    roots = [issue, out, REPOSITORY, CACHE_DIR, LAYOUTS_DIR, FONTS_DIR]  # the program's own files
    roots += [Path(sys.prefix), Path(sys.base_prefix), Path("/usr"), Path("/dev")]
    return [os.path.realpath(r) + os.sep for r in roots]


def assert_trustworthy(run: Run, issue: Path, out: Path, outside: Path, good: dict[str, bytes]) -> None:
    assert "Traceback" not in run.stderr, run.stderr
    assert "internal error" not in run.stderr, run.stderr
    assert "→" in run.stderr, f"no hint in:\n{run.stderr}"
    assert {p.name: p.read_bytes() for p in sorted(out.iterdir())} == good, "the last good outputs changed"
    secret = os.path.realpath(outside) + os.sep
    roots = _allowed_roots(issue, out)
    strays = sorted(
        {p for p in run.opened if p.startswith(secret) or not any((p + os.sep).startswith(r) for r in roots)}
    )
    assert not strays, f"opened outside the issue folder: {strays}"
    assert "/etc/passwd" not in run.opened


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input(name: str, tmp_path: Path, last_good_build: dict[str, bytes]) -> None:
    case = CASES[name]
    issue, out, outside = tmp_path / "2025-02", tmp_path / "out", tmp_path / "outside"
    shutil.copytree(MINI_ISSUE, issue)
    outside.mkdir()
    out.mkdir()
    for file, data in last_good_build.items():
        (out / file).write_bytes(data)
    case.edit(issue, outside)
    run = run_build(issue, out, isolate=case.isolate, tmp_path=tmp_path)
    assert run.code == 1, run.stderr
    assert_trustworthy(run, issue, out, outside, last_good_build)
    place = f"{case.where}:{case.line}" if case.line else case.where
    assert place in run.stderr, f"{place} not named in:\n{run.stderr}"
    assert case.words in run.stderr, run.stderr


# ------------------------------------------------------------------ faults of the machine, not the sources


@pytest.fixture
def with_good_outputs(tmp_path: Path, last_good_build: dict[str, bytes]) -> tuple[Path, Path]:
    """A copy of the mini issue and an output folder holding the last good build."""
    issue, out = tmp_path / "2025-02", tmp_path / "out"
    shutil.copytree(MINI_ISSUE, issue)
    out.mkdir()
    for file, data in last_good_build.items():
        (out / file).write_bytes(data)
    return issue, out


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_output_path_that_is_a_file(tmp_path: Path) -> None:
    issue = tmp_path / "2025-02"
    shutil.copytree(MINI_ISSUE, issue)
    target = tmp_path / "out.pdf"
    target.write_bytes(b"an earlier file")
    run = run_build(issue, target, isolate=False, tmp_path=tmp_path)
    assert run.code == 1 and "Traceback" not in run.stderr
    assert "out.pdf is a file" in run.stderr and "→ give --out a folder" in run.stderr
    assert target.read_bytes() == b"an earlier file"


def _limited_file_size(limit: int) -> Callable[[], None]:
    def set_limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return set_limit


def test_file_size_limit_while_the_outputs_are_written(with_good_outputs, last_good_build) -> None:
    """A file size limit of 200 kB (RLIMIT_FSIZE; a write past it fails with EFBIG): the layout
    writes nothing that large (WeasyPrint's font folder holds links to the faces, not copies),
    so the first output written past the limit (a PDF or the EPUB, each in a forked writer)
    fails the build, with the limit named and the last good build's outputs left as they were."""
    issue, out = with_good_outputs
    proc = subprocess.run(
        [sys.executable, "-m", "qhgy_publish.cli", "build", str(issue), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limited_file_size(200_000),
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    said = proc.stderr.replace("\n", "")
    assert "File too large" in said and "(ulimit -f): raise the limit" in said and "OSError" not in said
    assert re.search(rf"{re.escape(str(out))}/qhgy-[^ ]+(\.pdf|\.epub): File too large", said), said
    assert "the outputs of the last good build are untouched" in proc.stderr
    assert _outputs(out) == last_good_build  # no temporary file left either


def _in_private_mounts(script: str, *command: str) -> list[str]:
    """``command`` run by ``script`` (sh, "$@") in a mount namespace of its own: its mounts vanish with it."""
    if os.geteuid() == 0:
        return ["unshare", "--mount", "sh", "-c", script, "sh", *command]
    return ["unshare", "--map-root-user", "--mount", "sh", "-c", script, "sh", *command]


def test_disk_full_while_the_pdfs_are_written(tmp_path: Path, last_good_build) -> None:
    """A real ENOSPC: the output folder is a tmpfs just large enough for the last good build and
    not for a second pair of PDFs beside it. The tmpfs lives in a private mount namespace, so the
    files are checked (by hash) inside it."""
    issue, out, good = tmp_path / "2025-02", tmp_path / "out", tmp_path / "good"
    shutil.copytree(MINI_ISSUE, issue)
    out.mkdir()
    good.mkdir()
    for file, data in last_good_build.items():
        (good / file).write_bytes(data)
    size_kb = sum(len(d) for d in last_good_build.values()) // 1024 + 400
    script = (
        f'mount -t tmpfs -o size={size_kb}k tmpfs "{out}" && cp "{good}"/* "{out}"/ || exit 9\n'
        '"$@"; code=$?\n'
        f'cd "{out}" && sha256sum -- * && ls -a\n'
        "exit $code\n"
    )
    build = [sys.executable, "-m", "qhgy_publish.cli", "build", str(issue), "--out", str(out)]
    proc = subprocess.run(_in_private_mounts(script, *build), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert "No space left on device" in proc.stderr and "the disk is full" in proc.stderr
    assert (
        "qhgy-2025-02-print.pdf" in proc.stderr or "qhgy-2025-02-screen.pdf" in proc.stderr
    )  # names the file
    import hashlib

    hashes = {name: hashlib.sha256(data).hexdigest() for name, data in last_good_build.items()}
    listed = dict(reversed(line.split("  ", 1)) for line in proc.stdout.splitlines() if "  " in line)
    assert listed == hashes
    assert not [line for line in proc.stdout.splitlines() if line.endswith(".tmp")]


def test_read_only_output_folder(with_good_outputs, last_good_build) -> None:
    """The output folder mounted read-only (a read-only bind mount in a private mount namespace:
    permissions do not stop root): the build stops before the layout, with a hint."""
    issue, out = with_good_outputs
    build = [sys.executable, "-m", "qhgy_publish.cli", "build", str(issue), "--out", str(out)]
    script = f'mount --bind "{out}" "{out}" && mount -o remount,ro,bind "{out}" && exec "$@"'
    command = _in_private_mounts(script, *build)
    start = time.monotonic()
    proc = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "Read-only file system" in proc.stderr or "Permission denied" in proc.stderr, proc.stderr
    assert "build into another folder with --out" in proc.stderr
    assert "wrote" not in proc.stdout
    assert time.monotonic() - start < TIMEOUT
    assert _outputs(out) == last_good_build


def test_kill_9_leaves_temporary_files_the_next_build_clears(with_good_outputs, last_good_build) -> None:
    issue, out = with_good_outputs
    build = [sys.executable, "-m", "qhgy_publish.cli", "build", str(issue), "--out", str(out)]
    proc = subprocess.Popen(build, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list(out.glob(".*.tmp")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert proc.poll() is None, "the build ended before it could be killed"
    proc.kill()  # SIGKILL: no handler runs, nothing is cleaned up
    proc.wait(timeout=30)
    time.sleep(0.5)  # the forked screen writer gets SIGTERM from the kernel when its parent dies
    left = sorted(p.name for p in out.glob(".*.tmp"))
    assert left and all(".qhgy-" in name for name in left)  # recognisable: whose and what
    assert {p.name: p.read_bytes() for p in out.iterdir() if not p.name.endswith(".tmp")} == last_good_build
    again = subprocess.run(build, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert f"removed {len(left)} temporary file(s)" in again.stderr
    assert not list(out.glob(".*.tmp"))


def test_source_date_epoch_dates_the_pdfs(last_good_build) -> None:
    import io

    import pikepdf

    for name in ("qhgy-2025-02-print.pdf", "qhgy-2025-02-screen.pdf"):
        with pikepdf.open(io.BytesIO(last_good_build[name])) as pdf:
            assert str(pdf.docinfo.ModDate).startswith("D:20250130000000")  # SOURCE_DATE_EPOCH
            assert str(pdf.docinfo.CreationDate) == "D:20250228"  # the issue's print date


# ------------------------------------------------------------------ other commands and places


@pytest.mark.parametrize("bad_id", ["2025-02\n", "２０２５-０２", "9999-01", "2025-00", " 2025-02"])
def test_qhgy_new_refuses_ids_that_would_never_load(bad_id: str, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(MINI_ISSUE, content / "2025-01")
    (content / "2025-01" / "issue.yaml").write_text(
        (MINI_ISSUE / "issue.yaml").read_text(encoding="utf-8").replace("number: 2", "number: 1"),
        encoding="utf-8",
    )
    from qhgy_publish.cli import main

    result = CliRunner().invoke(main, ["new", bad_id, "--content", str(content)], catch_exceptions=False)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "→" in result.stderr or "between" in result.stderr or "runs from" in result.stderr, result.stderr
    assert sorted(p.name for p in content.iterdir()) == ["2025-01"]


def test_a_folder_with_a_colon_is_named_whole(tmp_path: Path) -> None:
    issue = tmp_path / "第1期:20" / "2025-02"
    shutil.copytree(MINI_ISSUE, issue)
    _replace(ARTICLE, "研究部署全年工作。", "本刊记者报道，研究部署全年工作。")(issue, tmp_path)
    run = run_build(issue, tmp_path / "out", isolate=False, tmp_path=tmp_path)
    assert run.code == 1 and "Traceback" not in run.stderr
    assert "第1期:20/2025-02/articles/020-dongtai.md:8" in run.stderr, run.stderr
