"""Reading source files as text: UTF-8 (BOM and CRLF accepted), GBK detected and named.

Nothing is opened before it is known to be a regular file inside the issue
folder (links are followed first) and no larger than ``MAX_SOURCE_BYTES``: a
symlink to a file elsewhere, a FIFO that would block the read forever, or a
5 MB paragraph are refused by name without reading a byte of them.
"""

from __future__ import annotations

import stat
from pathlib import Path

from ..errors import Finding, Loc, source_error
from ..limits import MAX_SOURCE_BYTES


def outside_issue(path: Path, issue_root: Path) -> Finding | None:
    """An error when ``path`` (links followed) is not a regular file inside ``issue_root``."""
    root = issue_root.resolve()
    real = path.resolve()
    if not real.is_relative_to(root):
        return source_error(
            Loc(path),
            f"“{path.name}” leads to {real}, outside the issue folder (through a link): it was not read",
            "copy the file into the issue folder instead of linking to it",
            "S-004",
        )
    try:
        mode = real.stat().st_mode
    except OSError as exc:
        return source_error(Loc(path), f"“{path.name}” cannot be opened ({exc.strerror})", "", "S-004")
    if not stat.S_ISREG(mode):
        return source_error(
            Loc(path),
            f"“{path.name}” is not a plain file",
            "replace it with a text file saved as UTF-8",
            "S-004",
        )
    return None


def read_source(path: Path, issue_root: Path | None = None) -> tuple[str | None, Finding | None]:
    """Return the file's text with ``\\n`` line ends, or an error naming the problem.

    With ``issue_root``, a file outside it (through a link) or not a plain file is refused unread.
    """
    if issue_root is not None and (problem := outside_issue(path, issue_root)):
        return None, problem
    size = path.stat().st_size
    if size > MAX_SOURCE_BYTES:
        return None, source_error(
            Loc(path),
            f"the file is {size / 1000:,.0f} kB; a source file may hold at most {MAX_SOURCE_BYTES // 1000} kB "
            "(the longest article of 2025-01 is 43 kB)",
            "split it into several articles, or check that it is the right file",
            "S-160",
        )
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = "save the file as UTF-8 (in Notepad: 另存为 → 编码 UTF-8)"
        try:
            data.decode("gb18030")
            what = "the file is not UTF-8; it looks like GBK/GB18030 (saved by a Windows editor)"
            hint += f", or convert it: iconv -f GB18030 -t UTF-8 '{path.name}' > tmp && mv tmp '{path.name}'"
        except UnicodeDecodeError:
            what = "the file is not UTF-8 text"
        return None, source_error(Loc(path, line), what, hint, "S-100")
    if "\x00" in text:
        return None, source_error(Loc(path, 1), "the file holds NUL bytes: it is not a text file", "", "S-100")
    return text.replace("\r\n", "\n").replace("\r", "\n"), None
