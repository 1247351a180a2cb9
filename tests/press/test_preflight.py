"""check.pdf: each preflight check fires on crafted bad input and stays silent on the good PDF."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest

from qhgy_publish.check.pdf import CODES, Finding, preflight_pdf

from .conftest import BODY, TRIM, picture, render

MM = 72 / 25.4


def codes(findings: list[Finding]) -> dict[str, Finding]:
    return {f.code: f for f in findings}


def test_the_good_pdf_passes_silently(good_pdf: Path) -> None:
    assert preflight_pdf(good_pdf) == []


# -- the bad five-page issue, rendered through the press path ---------------------------------


@pytest.fixture(scope="module")
def bad(bad_pdf: Path) -> dict[str, Finding]:
    return codes(preflight_pdf(bad_pdf))


@pytest.mark.parametrize(
    ("code", "severity", "page", "words"),
    [
        ("P-030", "error", 1, "51 dpi"),  # 100 px over 50 mm
        ("P-031", "warning", 1, "254 dpi"),  # 500 px over 50 mm
        ("P-032", "error", 1, "DeviceRGB"),  # a PNG not passed through to_print_image
        ("P-023", "error", 2, "U+E000"),  # no face has the private-use character
        ("P-041", "warning", 2, "1.5 mm from the left"),  # 近 at 1.5 mm from the trim
        ("P-042", "error", 2, "出"),  # 出血 placed across the trim
        ("P-044", "error", 3, "text"),  # color: rgb(0, 0, 0)
        ("P-045", "warning", 3, "C, M or Y"),  # device-cmyk(0.6 0.4 0.4 1)
        ("P-043", "info", 4, "empty"),
        ("P-040", "error", None, "5 pages"),
    ],
)
def test_fires_on_the_bad_issue(
    bad: dict[str, Finding], code: str, severity: str, page: int | None, words: str
) -> None:
    finding = bad[code]
    assert finding.severity == severity
    assert finding.page == page
    assert words in finding.message
    assert finding.hint


def test_bad_issue_reports_nothing_it_should_not(bad: dict[str, Finding]) -> None:
    # boxes, intent, fonts and marks are right in the bad issue: only the planted faults show
    assert set(bad) == {
        "P-023",
        "P-030",
        "P-031",
        "P-032",
        "P-040",
        "P-041",
        "P-042",
        "P-043",
        "P-044",
        "P-045",
    }


# -- the good PDF edited with pikepdf -------------------------------------------------------


def _drop_font_program(pdf: pikepdf.Pdf) -> None:
    font = next(iter(pdf.pages[1].Resources.Font.values()))
    descriptor = font.DescendantFonts[0].FontDescriptor
    for key in ("/FontFile", "/FontFile2", "/FontFile3"):
        if key in descriptor:
            del descriptor[key]


def _unsubset_name(pdf: pikepdf.Pdf) -> None:
    font = next(iter(pdf.pages[1].Resources.Font.values()))
    font.BaseFont = pikepdf.Name("/" + str(font.BaseFont)[8:])


def _second_intent(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OutputIntents.append(pdf.Root.OutputIntents[0])


def _rgb_intent(pdf: pikepdf.Pdf) -> None:
    srgb = Path("/usr/share/color/icc/sRGB.icc")
    data = srgb.read_bytes() if srgb.exists() else b"\0" * 16 + b"RGB " + b"\0" * 108
    pdf.Root.OutputIntents[0].DestOutputProfile = pikepdf.Stream(pdf, data, N=3)


def _del(key: str, where: Callable[[pikepdf.Pdf], pikepdf.Dictionary]) -> Callable[[pikepdf.Pdf], None]:
    def change(pdf: pikepdf.Pdf) -> None:
        del where(pdf)[key]

    return change


def _set_box(index: int, name: str, box: list[float]) -> Callable[[pikepdf.Pdf], None]:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.pages[index].obj[name] = pikepdf.Array(box)

    return change


def _no_xmp_version(pdf: pikepdf.Pdf) -> None:
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        del meta["pdfxid:GTS_PDFXVersion"]


def _icc_rgb_fill(pdf: pikepdf.Pdf) -> None:
    page = pdf.pages[2]
    icc = pikepdf.Array([pikepdf.Name.ICCBased, pikepdf.Stream(pdf, b"\0" * 128, N=3)])
    page.obj.Resources.ColorSpace["/CSrgb"] = icc
    page.contents_add(pikepdf.Stream(pdf, b"q /CSrgb cs 1 0 0 sc 100 100 50 50 re f Q"))


def _icc_rgb_image(pdf: pikepdf.Pdf) -> None:
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image" and obj.get("/Width") == 640:
            obj.ColorSpace = pikepdf.Array([pikepdf.Name.ICCBased, pikepdf.Stream(pdf, b"\0" * 128, N=3)])


def _link_in_bleed(pdf: pikepdf.Pdf) -> None:
    link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[100, 100, 200, 120])
    pdf.pages[1].obj.Annots = pikepdf.Array([pdf.make_indirect(link)])


TRIM_PT = [0, 0, 210 * MM, 285 * MM]
EDITS: list[tuple[str, str, Callable[[pikepdf.Pdf], None]]] = [
    ("P-001", "error", _del("/OutputIntents", lambda pdf: pdf.Root)),
    ("P-002", "error", _second_intent),
    ("P-003", "error", _rgb_intent),
    ("P-004", "error", _del("/OutputConditionIdentifier", lambda pdf: pdf.Root.OutputIntents[0])),
    ("P-005", "info", _del("/RegistryName", lambda pdf: pdf.Root.OutputIntents[0])),
    ("P-006", "error", _no_xmp_version),
    ("P-008", "error", _del("/Trapped", lambda pdf: pdf.trailer.Info)),
    ("P-009", "error", _del("/Title", lambda pdf: pdf.trailer.Info)),
    ("P-011", "error", _del("/TrimBox", lambda pdf: pdf.pages[1].obj)),
    ("P-012", "error", _set_box(1, "/TrimBox", [0, 0, 200 * MM, 285 * MM])),
    ("P-013", "error", _set_box(2, "/BleedBox", [-5 * MM, -3 * MM, 213 * MM, 288 * MM])),
    ("P-014", "error", _set_box(3, "/MediaBox", [-2 * MM, -2 * MM, 212 * MM, 287 * MM])),
    ("P-015", "warning", _set_box(3, "/MediaBox", [-4 * MM, -4 * MM, 214 * MM, 289 * MM])),
    ("P-020", "error", _drop_font_program),
    ("P-021", "warning", _unsubset_name),
    ("P-033", "warning", _icc_rgb_image),
    ("P-046", "error", _link_in_bleed),
    ("P-047", "warning", _icc_rgb_fill),
]


@pytest.mark.parametrize(("code", "severity", "change"), EDITS, ids=[e[0] for e in EDITS])
def test_fires_on_an_edited_good_pdf(
    edit_good: Callable[[Callable], Path], code: str, severity: str, change: Callable[[pikepdf.Pdf], None]
) -> None:
    found = codes(preflight_pdf(edit_good(change)))
    assert code in found, found
    assert found[code].severity == severity


def test_wrong_box_names_the_page_and_the_size(edit_good: Callable[[Callable], Path]) -> None:
    found = codes(preflight_pdf(edit_good(_set_box(1, "/TrimBox", [*TRIM_PT[:2], 200 * MM, 285 * MM]))))
    assert found["P-012"].page == 2
    assert "200 × 285 mm" in found["P-012"].message


def test_a_missing_id_is_reported(tmp_path: Path) -> None:
    # pikepdf always writes an /ID, so this PDF is written by WeasyPrint without a variant
    pdf = render(f"<title>t</title><p>{BODY}</p>", tmp_path / "plain.pdf", finish=False, variant=None)
    found = codes(preflight_pdf(pdf))
    assert {"P-006", "P-008", "P-010", "P-015"} <= set(found)


def test_x3_with_opentype_fonts_and_transparency(tmp_path: Path) -> None:
    """WeasyPrint's pdf/x-3 writes PDF 1.4 around /OpenType font programs (notes §4)."""
    alpha = picture(tmp_path / "alpha.png", (700, 500), "RGBA")
    html = f"<title>t</title><style>@page {{ {TRIM} }}</style><p>字</p><img src='{alpha.as_uri()}' style='width:50mm'>"
    found = codes(preflight_pdf(render(html, tmp_path / "x3.pdf", finish=False, variant="pdf/x-3")))
    assert found["P-022"].severity == "error"
    assert "alpha channel" in found["P-034"].message


def test_a_pdf_version_newer_than_the_variant_allows(good_pdf: Path, tmp_path: Path) -> None:
    # WeasyPrint cannot write one; pikepdf re-saves the good PDF/X-4 file as PDF 1.7
    target = tmp_path / "newer.pdf"
    with pikepdf.open(good_pdf) as pdf:
        pdf.save(target, force_version="1.7")
    found = codes(preflight_pdf(target))
    assert set(found) == {"P-007"}
    assert "PDF 1.7 is newer than PDF/X-4 allows (1.6)" in found["P-007"].message


def test_every_code_is_registered_and_tested() -> None:
    tested = {e[0] for e in EDITS} | {"P-022", "P-034", "P-010", "P-000", "P-007"}
    tested |= {"P-023", "P-030", "P-031", "P-032", "P-040", "P-041", "P-042", "P-043", "P-044", "P-045"}
    assert set(CODES) - tested == set()


def test_unreadable_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf")
    (finding,) = preflight_pdf(junk)
    assert finding.code == "P-000" and finding.severity == "error"


def test_command_line(good_pdf: Path, bad_pdf: Path) -> None:
    run = [sys.executable, "-m", "qhgy_publish.check.pdf"]
    ok = subprocess.run([*run, str(good_pdf)], capture_output=True, text=True)
    assert ok.returncode == 0 and "0 error(s)" in ok.stdout
    ko = subprocess.run([*run, str(bad_pdf)], capture_output=True, text=True)
    assert ko.returncode == 1 and "P-030" in ko.stdout and "page 1:" in ko.stdout
    other = subprocess.run([*run, "--trim", "200x285", str(good_pdf)], capture_output=True, text=True)
    assert other.returncode == 1 and "P-012" in other.stdout
