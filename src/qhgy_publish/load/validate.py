"""Pydantic validation errors turned into editor-facing messages with lines."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import Finding, source_error
from .yamlloc import LineMap

M = TypeVar("M", bound=BaseModel)

# What to tell the editor for each class of pydantic error.
_HINTS = {
    "extra_forbidden": "remove it, or check its spelling against docs/source-format.md",
    "missing": "add it; docs/source-format.md lists the required keys",
    "literal_error": "use one of the allowed values",
    "enum": "use one of the allowed values",
    "date_from_datetime_parsing": "write the date as YYYY-MM-DD, e.g. 2025-01-30",
    "date_parsing": "write the date as YYYY-MM-DD, e.g. 2025-01-30",
    "date_type": "write the date as YYYY-MM-DD, e.g. 2025-01-30",
    "int_parsing": "write a whole number without quotes or units",
    "int_type": "write a whole number without quotes or units",
    "string_type": "write text here (put it in quotes if it looks like a number or a date)",
    "list_type": "write a list: one “- item” per line",
    "model_type": "write a mapping: “key: value” lines indented under this key",
    "dict_type": "write a mapping: “key: value” lines indented under this key",
    "too_short": "add at least one item",
    "string_too_short": "write a value; it must not be empty",
    "string_too_long": "shorten it; a value this long is a pasted paragraph or a missing line break (limits: "
    "docs/source-format.md)",
    "too_long": "keep the list to the items the magazine prints (limits: docs/source-format.md)",
    "greater_than": "write a larger whole number",
    "greater_than_equal": "write a larger whole number",
    "less_than": "write a smaller whole number",
    "less_than_equal": "write a smaller whole number",
}

# Hints that depend on the key, for values whose meaning the editor may not have in mind.
_KEY_HINTS = {
    "colophon.print_run": "印数 is the number of copies printed: a whole number above 0, e.g. 1700",
    "number": "期号 is the issue's number in its year: a whole number from 1 to 99",
    "year": "the year of the issue, e.g. 2025",
    "serial": "总期号 counts every issue since the first: a whole number above 0 (or leave the key out)",
}
_BOUNDS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}


def _dotted(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


def validate(
    model: type[M], data: Any, lines: LineMap, code: str
) -> tuple[M | None, list[Finding]]:
    """Validate ``data`` against ``model``; map each error to the line it concerns."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            kind = err["type"]
            if kind == "extra_forbidden":
                message = f"unknown key “{_dotted(loc)}”"
            elif kind == "missing":
                message = f"required key “{_dotted(loc)}” is missing"
            else:
                got = repr(err.get("input"))
                got = got if len(got) <= 60 else got[:50] + f"… ({len(got):,} characters)"
                message = f"“{_dotted(loc)}”: {err['msg']} (got {got})"
            hint = _HINTS.get(kind, "")
            if kind in _BOUNDS or kind.startswith("int_"):
                hint = _KEY_HINTS.get(_dotted(loc), hint)
            errors.append(source_error(lines.loc(loc), message, hint, code))
        return None, errors
