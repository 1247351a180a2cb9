"""YAML with line numbers: every key path maps to the line where it was written.

PyYAML's composer keeps a mark on each node; we walk the node tree once next to
the constructed data so that a validation error on ``colophon.permit`` can name
the line of ``permit:`` in the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import Finding, Loc, source_error
from ..limits import MAX_YAML_DEPTH

KeyPath = tuple[str | int, ...]


class _Refused(yaml.MarkedYAMLError):
    """Well-formed YAML that a source may not hold; carries its own hint and code."""

    def __init__(self, problem: str, mark: yaml.Mark, hint: str, code: str) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.hint = hint
        self.code = code


class SourceLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing what no editor needs and an attacker would use.

    - Aliases (``*name``): a few lines of nested aliases (“billion laughs”)
      expand to billions of values once anything walks them; measured: past
      6 GB in under a minute. Sources never need them, so they are refused.
    - Nesting deeper than ``MAX_YAML_DEPTH``: the composer recurses per level.
    - Dates that do not exist (2025-13-45, 2025-02-30): PyYAML raises a bare
      ValueError without a line; here they get the line.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(
                f"an alias (*{event.anchor}) repeats another value",
                event.start_mark,
                "write the value out in full; qhgy sources do not use YAML anchors and aliases (& and *)",
                "S-103",
            )
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise _Refused(
                    f"values nested more than {MAX_YAML_DEPTH} levels deep",
                    event.start_mark,
                    "check the brackets and indentation here; issue.yaml and front matter nest at most a few levels",
                    "S-104",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_timestamp(self, node):  # type: ignore[no-untyped-def]
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise _Refused(
                f"“{node.value}” is not a date of the calendar ({exc})",
                node.start_mark,
                "write the date as YYYY-MM-DD with a month from 01 to 12 and a day the month has, e.g. 2025-01-30",
                "S-105",
            ) from None


SourceLoader.add_constructor("tag:yaml.org,2002:timestamp", SourceLoader.construct_yaml_timestamp)


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


def _walk(node: yaml.Node, key: KeyPath, lines: LineMap, errors: list[Finding]) -> None:
    lines.add(key, node.start_mark)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for k_node, v_node in node.value:
            name = str(k_node.value)
            if name in seen:
                errors.append(
                    source_error(
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


def load_yaml(text: str, path: Path, line_offset: int = 0) -> tuple[Any, LineMap, list[Finding]]:
    """Parse ``text`` (from ``path``, starting ``line_offset`` lines into the file).

    Returns the data, its line map and the problems found; malformed YAML gives
    ``None`` data and one error at the line the parser stopped.
    """
    lines = LineMap(path, line_offset)
    errors: list[Finding] = []
    loader = SourceLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines, errors
        _walk(node, (), lines, errors)
        data = loader.construct_document(node)
    except _Refused as exc:
        mark = exc.problem_mark
        errors.append(
            source_error(
                Loc(path, mark.line + 1 + line_offset, mark.column + 1), str(exc.problem), exc.hint, exc.code
            )
        )
        return None, lines, errors
    except yaml.MarkedYAMLError as exc:
        # An unclosed bracket or quote is noticed lines later; its opening (the
        # context mark) is where the editor must look.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 + line_offset if mark else line_offset + 1
        col = mark.column + 1 if mark else 0
        problem = exc.problem or exc.context or "YAML syntax error"
        errors.append(
            source_error(
                Loc(path, line, col),
                f"malformed YAML: {problem}",
                "check indentation and quoting on this line; a value holding “: ” or "
                "starting with a symbol needs quotes",
                "S-101",
            )
        )
        return None, lines, errors
    except yaml.YAMLError as exc:
        errors.append(source_error(Loc(path, line_offset + 1), f"malformed YAML: {exc}", "", "S-101"))
        return None, lines, errors
    finally:
        loader.dispose()
    return data, lines, errors
