"""The print shop's PDF written: PDF/X-4 with the FOGRA39 output intent, then finished.

WeasyPrint 70 gets us most of the way but converts and checks nothing
(docs/press-notes.md):

- ``pdf_variant="pdf/x-4"`` writes the version keys, Trapped and /ID, but the
  /OutputIntents entry appears only when press.css's ``@color-profile`` rule
  loaded *through the same* ``color_profiles`` dict that reaches the render
  (:func:`.weasy.print_stylesheet`). A prebuilt ``CSS()`` without it loses the
  profile silently, so :func:`finish_output_intent` refuses to write a press
  file without a CMYK intent. It also names the condition as PDF/X readers
  look it up (OutputConditionIdentifier FOGRA39, RegistryName color.org);
  WeasyPrint only copies the profile's model tag.
- Slug, crop marks, clipping to the bleed, annotations: :mod:`.press_finish`,
  on the written file.
- RGB pictures would stay DeviceRGB, which a CMYK-intent PDF/X-4 may not
  contain: :mod:`.press_images` converted them before the layout read them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..output import atomic_path
from .pdf_deflate import deflate_at_default_level
from .pdf_finish import make_reproducible, save_reproducible, stamp_dates
from .press_finish import PressError, finish_press_pdf
from .rejoin import rejoin

if TYPE_CHECKING:
    import pydyf
    from weasyprint import Document

    from .pressed import Pressed
    from .print_pdf import PrintLayout

PDF_VARIANT = "pdf/x-4"
OUTPUT_CONDITION_IDENTIFIER = "FOGRA39"
OUTPUT_CONDITION = "Offset printing on coated paper, ISO 12647-2:2004 (FOGRA39L)"
REGISTRY_NAME = "http://www.color.org"

__all__ = ["PressError", "finish_output_intent", "press_write_options", "write_press_pdf", "write_print_pdf"]


def press_write_options() -> dict[str, Any]:
    """Keyword arguments of ``Document.write_pdf`` for the press file.

    ``pdf_variant`` brings PDF 1.6 (needed for the Noto CJK /OpenType font
    programs), /ID, Trapped and the PDF/X-4 XMP; the finisher completes the
    output intent.
    """
    return {"pdf_variant": PDF_VARIANT, "custom_metadata": True, "finisher": finish_output_intent}


def finish_output_intent(document: Document, pdf: pydyf.PDF) -> None:
    """WeasyPrint finisher: insist on one CMYK output intent and name its condition."""
    import pydyf

    profile = document.color_profiles.get("device-cmyk")
    intents = pdf.catalog.get("OutputIntents") or []
    if profile is None or not intents:
        raise PressError(
            "the press PDF has no CMYK output intent: press.css's @color-profile did not load "
            "(a CSS object built without the render's color_profiles dict drops it silently; "
            "load it with render.weasy.print_stylesheet(path, …, color_profiles) and pass the same dict "
            "to render())"
        )
    if len(profile.components) != 4:
        raise PressError(f"the device-cmyk colour profile has {len(profile.components)} components, not 4")
    if len(intents) != 1:
        raise PressError(f"{len(intents)} output intents written; PDF/X allows exactly one")
    intent = intents[0]
    intent["S"] = "/GTS_PDFX"
    intent["DestOutputProfile"] = profile.pdf_reference  # the device-cmyk one, whatever the order
    intent["OutputConditionIdentifier"] = pydyf.String(OUTPUT_CONDITION_IDENTIFIER)
    intent["OutputCondition"] = pydyf.String(OUTPUT_CONDITION)
    intent["RegistryName"] = pydyf.String(REGISTRY_NAME)
    intent["Info"] = pydyf.String(OUTPUT_CONDITION)


def write_press_pdf(document: Document, target: Path) -> Path:
    """Write ``document`` as the press PDF at ``target`` (atomically) and return ``target``.

    The document must have been rendered with press.css's profile
    (:func:`.weasy.print_stylesheet` and the same ``color_profiles`` dict), and with
    ``@page { bleed: 3mm }`` and no ``marks``.
    """
    with atomic_path(target) as tmp:
        _write_pages(document, tmp)
    return target


def write_print_pdf(layout: PrintLayout, target: Path, pressed: Pressed | None = None) -> Path:
    """The print shop's PDF of the laid-out issue: PDF/X-4, TrimBox/BleedBox on every page, fonts
    embedded. Where pages of an earlier build stand in for parts of ``layout``, they come from
    ``pressed``: the parts laid out now are written and finished alone, then joined with them."""
    if not layout.pressed:
        assert layout.document is not None
        return write_press_pdf(layout.document, target)
    assert pressed is not None, "a layout with kept pages is written with the pages kept"
    with atomic_path(target) as tmp, rejoin(layout, pressed, "press", tmp, _write_pages) as pdf:
        make_reproducible(pdf, "press")
        save_reproducible(pdf, tmp, joined=True)
    return target


def _write_pages(document: Document, target: Path) -> None:
    """``document`` written at ``target`` as the press file and finished (see :func:`write_press_pdf`)."""
    deflate_at_default_level()
    stamp_dates(document)  # the date, not the clock's: the same sources give the same bytes
    document.write_pdf(target, **press_write_options())
    finish_press_pdf(target)
