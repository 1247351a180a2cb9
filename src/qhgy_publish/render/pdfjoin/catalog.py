"""The output's catalog entries and document info, copied from ``catalog_from``, and streams
copied from two sources kept once: a picture, mask, colour profile or form two sources drew is
kept once where both wrote the same bytes.
"""

from __future__ import annotations

from hashlib import blake2b

import pikepdf
from pikepdf import Array, Dictionary, Stream

from .pages import ObjGen


def _copied(out: pikepdf.Pdf, obj: object) -> object:
    """``obj`` in ``out``: indirect objects through qpdf's copy (once per source), direct ones rebuilt."""
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return out.copy_foreign(obj)
    if isinstance(obj, Dictionary):
        return Dictionary({key: _copied(out, value) for key, value in obj.items()})
    if isinstance(obj, Array):
        return Array([_copied(out, value) for value in obj])
    return obj


_CATALOG_KEYS = (
    "/Lang",
    "/Metadata",
    "/OutputIntents",
    "/MarkInfo",
    "/ViewerPreferences",
    "/PageLayout",
    "/PageMode",
    "/PageLabels",
)


def _copy_catalog(out: pikepdf.Pdf, catalog_from: pikepdf.Pdf, *, tagged: bool) -> None:
    for key in _CATALOG_KEYS:
        if key in catalog_from.Root:
            out.Root[key] = _copied(out, catalog_from.Root[key])
    if tagged and "/MarkInfo" not in out.Root:
        out.Root.MarkInfo = Dictionary(Marked=True)
    info = catalog_from.trailer.get("/Info")
    if isinstance(info, Dictionary):
        out.trailer.Info = out.make_indirect(
            Dictionary({key: _copied(out, value) for key, value in info.items()})
        )


def _drop_duplicate_streams(out: pikepdf.Pdf) -> None:
    """Keep once a picture, mask, colour profile or form copied from two sources: the same raw bytes
    under the same dictionary (its own references already made one)."""
    canonical: dict[tuple[bytes, bytes], Stream] = {}
    done: dict[ObjGen, pikepdf.Object] = {}

    def visit(obj: object) -> object:
        if not isinstance(obj, Dictionary | Array | Stream):
            return obj  # numbers, names, strings
        if obj.is_indirect:
            if obj.objgen in done:
                return done[obj.objgen]
            done[obj.objgen] = obj  # a cycle comes back to the object itself
        if isinstance(obj, Dictionary | Stream):
            for key in list(obj.keys()):
                if key in ("/Font", "/Parent", "/Length"):
                    continue  # fonts are merged by face; the length follows the bytes
                _replace(obj, key, visit(obj[key]))
        elif isinstance(obj, Array):
            for i in range(len(obj)):
                _replace(obj, i, visit(obj[i]))
        if isinstance(obj, Stream) and obj.is_indirect:
            fingerprint = (blake2b(obj.read_raw_bytes(), digest_size=20).digest(), obj.stream_dict.unparse())
            first = canonical.setdefault(fingerprint, obj)
            done[obj.objgen] = first
            return first
        return obj

    for page in out.pages:
        if "/Resources" in page.obj:
            visit(page.obj.Resources)
    if isinstance(out.Root.get("/OutputIntents"), Array):
        visit(out.Root.OutputIntents)


def _replace(container: pikepdf.Object, key: str | int, value: object) -> None:
    current = container[key]
    if (
        isinstance(value, pikepdf.Object)
        and value.is_indirect
        and isinstance(current, pikepdf.Object)
        and current.is_indirect
        and value.objgen != current.objgen
    ):
        container[key] = value
