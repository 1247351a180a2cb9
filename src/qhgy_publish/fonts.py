"""Font roles, read once from ``fonts/roles.toml`` and shared by every renderer."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .paths import FONTS_DIR


@dataclass(frozen=True)
class FontRole:
    """One typographic role (body, title, heading, kai) and the face that draws it."""

    name: str
    family: str
    file: Path
    index: int
    weight: int
    package: str


@cache
def font_roles(path: Path = FONTS_DIR / "roles.toml") -> dict[str, FontRole]:
    """Return the roles declared in ``fonts/roles.toml``, keyed by role name."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {
        name: FontRole(
            name=name,
            family=spec["family"],
            file=Path(spec["file"]),
            index=int(spec.get("index", 0)),
            weight=int(spec.get("weight", 400)),
            package=spec.get("package", ""),
        )
        for name, spec in data.items()
    }
