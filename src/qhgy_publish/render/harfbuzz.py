"""HarfBuzz through WeasyPrint's cffi handle: a face file's face, and the face subset to characters.

WeasyPrint declares only the HarfBuzz functions it calls; the few more used
here are declared on the same handle (as :mod:`.weasy_cjk_patch` does for
Pango), each only where WeasyPrint has not. Used by the PDF join
(:mod:`.pdfjoin.subset`: a merged font's program) and the EPUB's fonts
(:mod:`.epub_fonts`).
"""

from __future__ import annotations

import functools
from pathlib import Path

# Declared on WeasyPrint's handle where it lacks them (name → C declaration).
_DECLARATIONS = {
    "hb_blob_create_from_file_or_fail": "hb_blob_t * hb_blob_create_from_file_or_fail (const char *file_name);",
    "hb_face_create": "hb_face_t * hb_face_create (hb_blob_t *blob, unsigned int index);",
    "hb_set_add": "void hb_set_add (hb_set_t *set, hb_codepoint_t codepoint);",
    "hb_set_clear": "void hb_set_clear (hb_set_t *set);",
    "hb_set_invert": "void hb_set_invert (hb_set_t *set);",
    "hb_version_string": "const char * hb_version_string (void);",
}


def declare() -> bool:
    """Declare what WeasyPrint's handle lacks; whether this HarfBuzz reads faces from files."""
    from weasyprint.text.ffi import ffi, harfbuzz

    for name, declaration in _DECLARATIONS.items():
        try:
            getattr(harfbuzz, name)
        except AttributeError:
            ffi.cdef(declaration)
    return bool(harfbuzz.hb_version_atleast(2, 8, 2))


@functools.lru_cache(maxsize=16)
def _face(path: str, mtime: int, size: int) -> object | None:
    """A HarfBuzz face of the face file (the file's data mapped, not read); kept for the process."""
    return _open(path)


def _open(path: str) -> object | None:
    """A HarfBuzz face of the face file, destroyed (its file unmapped) when collected."""
    from weasyprint.text.ffi import ffi, harfbuzz

    if not declare():
        return None
    blob = harfbuzz.hb_blob_create_from_file_or_fail(path.encode())
    if blob == ffi.NULL:
        return None
    face = harfbuzz.hb_face_create(blob, 0)
    harfbuzz.hb_blob_destroy(blob)
    return ffi.gc(face, harfbuzz.hb_face_destroy)


def face(face_file: Path) -> object | None:
    """The HarfBuzz face of ``face_file`` (its first face), None where HarfBuzz cannot read it."""
    stat = face_file.stat()
    return _face(str(face_file), stat.st_mtime_ns, stat.st_size)


def weasyprint_subsets() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz here (HarfBuzz-subset 4.1 or later), as
    ``Font.subset`` asks; else with fontTools, more slowly and otherwise."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def version() -> str:
    """This HarfBuzz's version ("6.0.0"): it shapes every line WeasyPrint measures, so the caches of
    what a layout found name it."""
    from weasyprint.text.ffi import ffi, harfbuzz

    declare()
    return ffi.string(harfbuzz.hb_version_string()).decode()


def subsetter() -> str | None:
    """The HarfBuzz that :func:`subset_to_characters` subsets with ("HarfBuzz 6.0.0"), None where it
    cannot."""
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

    if not harfbuzz_subset or not declare() or not harfbuzz.hb_version_atleast(3, 0, 0):  # hb_set_invert
        return None
    return "HarfBuzz " + ffi.string(harfbuzz.hb_version_string()).decode()


def subset_to_characters(face_file: Path, characters: str) -> bytes | None:
    """``face_file`` cut down to the glyphs of ``characters`` (and those its layout features reach
    from them), keeping every layout feature, every name and the .notdef outline; None where
    HarfBuzz-subset is missing or fails (the caller subsets otherwise)."""
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

    # A face of its own, not face()'s: kept for the process, the four faces' pages HarfBuzz read
    # stayed in memory, 90 MB more at the build's peak (issue 19: ≤ 400 MB).
    hb_face = _open(str(face_file)) if subsetter() is not None else None
    if hb_face is None:
        return None
    request = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy)
    if request == ffi.NULL:
        return None
    unicodes = harfbuzz_subset.hb_subset_input_set(request, harfbuzz_subset.HB_SUBSET_SETS_UNICODE)
    for character in sorted(set(characters)):
        harfbuzz.hb_set_add(unicodes, ord(character))
    for kind in (harfbuzz_subset.HB_SUBSET_SETS_LAYOUT_FEATURE_TAG, harfbuzz_subset.HB_SUBSET_SETS_NAME_ID):
        kept = harfbuzz_subset.hb_subset_input_set(request, kind)
        harfbuzz.hb_set_clear(kept)
        harfbuzz.hb_set_invert(kept)  # every one
    harfbuzz_subset.hb_subset_input_set_flags(request, harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE)
    subset = harfbuzz_subset.hb_subset_or_fail(hb_face, request)
    if subset == ffi.NULL:
        return None
    subset = ffi.gc(subset, harfbuzz.hb_face_destroy)
    blob = harfbuzz.hb_face_reference_blob(subset)
    try:
        length = ffi.new("unsigned int *")
        data = harfbuzz.hb_blob_get_data(blob, length)
        return bytes(ffi.buffer(data, length[0])) if length[0] else None
    finally:
        harfbuzz.hb_blob_destroy(blob)
