"""Pydantic validation errors turned into editor-facing messages with lines."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import SourceError
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
}


def _dotted(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


def validate(
    model: type[M], data: Any, lines: LineMap, code: str = "S-110"
) -> tuple[M | None, list[SourceError]]:
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
                message = f"“{_dotted(loc)}”: {err['msg']} (got {err.get('input')!r})"
            errors.append(SourceError(lines.loc(loc), message, _HINTS.get(kind, ""), code))
        return None, errors
