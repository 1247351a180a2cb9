"""What the stylesheets gave a box, as a digest: the preview's page digests (preview/signature.py)
and the column balancing's memo (render/weasy_columns.py) read it."""

from __future__ import annotations

import hashlib

from tinycss2.ast import Node


def style_digest(style: object, seen: dict[int, str]) -> str:
    """A digest of what the stylesheets gave ``style`` (a WeasyPrint computed or anonymous
    style) and its ancestors: computed values follow from these and the layout, which the
    page's boxes record."""
    key = id(style)
    if key in seen:
        return seen[key]
    parts = [type(style).__name__]
    cascaded = getattr(style, "cascaded", None)
    if cascaded is not None:  # an element's own style; an anonymous box's follows its parent's
        parts.append(str(getattr(style, "pseudo_type", None)))
        for name in sorted(cascaded):
            parts.append(name)
            _canonical(cascaded[name], parts)
    parent = getattr(style, "parent_style", None)
    if parent is not None:
        parts.append(style_digest(parent, seen))
    seen[key] = hashlib.sha1("\x1f".join(parts).encode()).hexdigest()
    return seen[key]


def _canonical(value: object, parts: list[str]) -> None:
    """``value`` written out whole (a token's repr leaves its arguments out)."""
    if isinstance(value, Node):
        parts.append(value.serialize())
    elif isinstance(value, tuple | list):
        parts.append("(")
        for item in value:
            _canonical(item, parts)
        parts.append(")")
    else:
        parts.append(repr(value))
