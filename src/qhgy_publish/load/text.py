"""Reading source files as text: UTF-8 (BOM and CRLF accepted), GBK detected and named."""

from __future__ import annotations

from pathlib import Path

from ..errors import Loc, SourceError


def read_source(path: Path) -> tuple[str | None, SourceError | None]:
    """Return the file's text with ``\\n`` line ends, or an error naming the encoding problem."""
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
        return None, SourceError(Loc(path, line), what, hint, "S-100")
    if "\x00" in text:
        return None, SourceError(Loc(path, 1), "the file holds NUL bytes: it is not a text file", "", "S-100")
    return text.replace("\r\n", "\n").replace("\r", "\n"), None
