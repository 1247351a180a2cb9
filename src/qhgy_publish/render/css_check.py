"""Syntax errors of a stylesheet, found before WeasyPrint reads it: WeasyPrint skips a bad
declaration silently, and an unclosed ``device-cmyk(`` swallows the rest of its file, so the
pages look broken with no word why. Used by the build (which refuses the stylesheet) and the
preview (which shows the error over the last good pages)."""

from __future__ import annotations

from pathlib import Path

MESSAGES = {
    "bad-string": "字符串中途换行（少了结束引号） a string runs past the end of its line",
    "bad-url": "url( 写法有误 malformed url(",
    ")": "多余的“)”，或前面少了“(” unexpected )",
    "]": "多余的“]”，或前面少了“[” unexpected ]",
    "}": "多余的“}”，或前面少了“{” unexpected }",
}


def syntax_errors(text: str) -> list[tuple[str, int, int]]:
    """(what, line, column) of each syntax error in the stylesheet ``text``."""
    import tinycss2

    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    return _walk(rules)


def file_errors(path: Path) -> list[str]:
    """Syntax errors of the stylesheet at ``path`` as “file:line:col: what”."""
    return [f"{path}:{line}:{column}: {what}" for what, line, column in syntax_errors(path.read_text(encoding="utf-8"))]


def _walk(nodes: list) -> list[tuple[str, int, int]]:  # type: ignore[type-arg]
    import tinycss2

    found: list[tuple[str, int, int]] = []
    for node in nodes:
        kind = getattr(node, "type", "")
        if kind == "error":
            text = MESSAGES.get(node.kind, f"无效的写法 invalid ({node.message})")
            found.append((text, node.source_line, node.source_column))
            continue
        if kind == "function" and any(getattr(t, "type", "") == "literal" and t.value == ";" for t in node.arguments):
            found.append((f"{node.name}( 的括号没有闭合 unclosed {node.name}(", node.source_line, node.source_column))
            continue  # what follows was swallowed by the open bracket: one error is the truth
        if kind in ("qualified-rule", "at-rule") and getattr(node, "content", None):
            found += _walk(tinycss2.parse_blocks_contents(node.content, skip_comments=True, skip_whitespace=True))
            found += _walk(node.prelude)
            continue
        for attribute in ("prelude", "content", "arguments", "value"):
            child = getattr(node, attribute, None)
            if isinstance(child, list):
                found += _walk(child)
    return found
