"""The print shop's PDF: PDF/X-4 with a FOGRA39 output intent, crop marks in a slug.

WeasyPrint 70 writes the PDF/X-4 version keys and the TrimBox/BleedBox, and an
/OutputIntents entry when a ``@color-profile`` rule loaded (press.css) and the
same ``color_profiles`` dict reaches ``write_pdf``. It converts nothing and
draws its own ``marks`` *inside* the bleed in RGB, so they are not used: a
pikepdf post-step widens the MediaBox into a 10 mm slug and strokes the crop
marks there in the /All separation (they print on every plate), outside the
3 mm bleed, never touching the trim area.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pydyf
from weasyprint import Document

MM = 72 / 25.4
SLUG_MM = 10.0  # MediaBox = TrimBox ± this
MARK_OFFSET_MM = 4.0  # crop marks start this far outside the trim (bleed is 3 mm)
MARK_WIDTH_PT = 0.25
OUTPUT_CONDITION = "FOGRA39"
REGISTRY = "http://www.color.org"


def _finisher(document: Document, pdf: pydyf.PDF) -> None:
    """Name the output condition the way PDF/X readers look it up."""
    for intent in pdf.catalog.get("OutputIntents", []):
        intent["OutputConditionIdentifier"] = pydyf.String(OUTPUT_CONDITION)
        intent["OutputCondition"] = pydyf.String("Offset printing, coated paper (ISO 12647-2:2004)")
        intent["RegistryName"] = pydyf.String(REGISTRY)


def write_press_pdf(document: Document, target: Path) -> None:
    """Write ``document`` as PDF/X-4 to ``target`` (a temporary path), then add the slug.

    The output intent comes from the ``@color-profile`` rule the document was
    rendered with (the Document keeps the profiles of its render).
    """
    document.write_pdf(target, pdf_variant="pdf/x-4", custom_metadata=True, finisher=_finisher)
    add_slug_and_crop_marks(target)


def _mark_lines(trim: list[float]) -> list[tuple[float, float, float, float]]:
    x0, y0, x1, y1 = trim
    near, far = MARK_OFFSET_MM * MM, SLUG_MM * MM - 0.5 * MM
    lines = []
    for x, y, sx, sy in ((x0, y0, -1, -1), (x1, y0, 1, -1), (x0, y1, -1, 1), (x1, y1, 1, 1)):
        lines.append((x + sx * near, y, x + sx * far, y))  # horizontal, on the trim's y
        lines.append((x, y + sy * near, x, y + sy * far))  # vertical, on the trim's x
    return lines


def add_slug_and_crop_marks(path: Path) -> None:
    """Widen every page into a slug and stroke its eight crop marks in /All."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        all_plates = pikepdf.Array(
            [
                pikepdf.Name.Separation,
                pikepdf.Name.All,
                pikepdf.Name.DeviceCMYK,
                pdf.make_indirect(
                    pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1)
                ),
            ]
        )
        for page in pdf.pages:
            trim = [float(v) for v in page.obj.TrimBox]
            slug = SLUG_MM * MM
            page.obj.MediaBox = pikepdf.Array(
                [trim[0] - slug, trim[1] - slug, trim[2] + slug, trim[3] + slug]
            )
            if "/Resources" not in page.obj:
                page.obj.Resources = pikepdf.Dictionary()
            resources = page.obj.Resources
            if "/ColorSpace" not in resources:
                resources.ColorSpace = pikepdf.Dictionary()
            resources.ColorSpace["/QhgyAll"] = all_plates
            strokes = " ".join(f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l" for a, b, c, d in _mark_lines(trim))
            page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
            page.contents_add(
                pikepdf.Stream(pdf, f"Q\nq /QhgyAll CS 1 SCN {MARK_WIDTH_PT} w 0 J {strokes} S Q\n".encode())
            )
        pdf.save(path)
