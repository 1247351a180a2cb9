"""YAML with line numbers: every key path maps to the line where it was written.

PyYAML's composer keeps a mark on each node; we walk the node tree once next to
the constructed data so that a validation error on ``colophon.permit`` can name
the line of ``permit:`` in the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import Loc, SourceError

KeyPath = tuple[str | int, ...]


class LineMap:
    """Key path → (line, column), both 1-based."""

    def __init__(self, path: Path, line_offset: int = 0) -> None:
        self.path = path
        self.offset = line_offset
        self._lines: dict[KeyPath, tuple[int, int]] = {}

    def add(self, key: KeyPath, mark: yaml.Mark) -> None:
        self._lines[key] = (mark.line + 1 + self.offset, mark.column + 1)

    def loc(self, key: KeyPath) -> Loc:
        """The place of ``key``, or of its nearest written parent."""
        key = tuple(key)
        while key not in self._lines and key:
            key = key[:-1]
        line, col = self._lines.get(key, (1 + self.offset, 0))
        return Loc(self.path, line, col)


def _walk(node: yaml.Node, key: KeyPath, lines: LineMap, errors: list[SourceError]) -> None:
    lines.add(key, node.start_mark)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for k_node, v_node in node.value:
            name = str(k_node.value)
            if name in seen:
                errors.append(
                    SourceError(
                        Loc(lines.path, k_node.start_mark.line + 1 + lines.offset),
                        f"key “{name}” is written twice",
                        "keep one of the two lines",
                        "S-102",
                    )
                )
            seen.add(name)
            lines.add((*key, name), k_node.start_mark)
            _walk(v_node, (*key, name), lines, errors)
            lines.add((*key, name), k_node.start_mark)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*key, i), lines, errors)


def load_yaml(text: str, path: Path, line_offset: int = 0) -> tuple[Any, LineMap, list[SourceError]]:
    """Parse ``text`` (from ``path``, starting ``line_offset`` lines into the file).

    Returns the data, its line map and the problems found; malformed YAML gives
    ``None`` data and one error at the line the parser stopped.
    """
    lines = LineMap(path, line_offset)
    errors: list[SourceError] = []
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines, errors
        _walk(node, (), lines, errors)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        # An unclosed bracket or quote is noticed lines later; its opening (the
        # context mark) is where the editor must look.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 + line_offset if mark else line_offset + 1
        col = mark.column + 1 if mark else 0
        problem = exc.problem or exc.context or "YAML syntax error"
        errors.append(
            SourceError(
                Loc(path, line, col),
                f"malformed YAML: {problem}",
                "check indentation and quoting on this line; a value holding “: ” or "
                "starting with a symbol needs quotes",
                "S-101",
            )
        )
        return None, lines, errors
    except yaml.YAMLError as exc:
        errors.append(SourceError(Loc(path, line_offset + 1), f"malformed YAML: {exc}", "", "S-101"))
        return None, lines, errors
    finally:
        loader.dispose()
    return data, lines, errors
