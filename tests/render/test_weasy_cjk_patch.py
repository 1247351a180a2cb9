"""The WeasyPrint patch (render/weasy_cjk_patch.py) read back from real PDFs: where the markup's
zero-width word joiners stand, the characters are spaced as everywhere else."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pdfplumber
import pytest

from qhgy_publish.load import load_issue
from qhgy_publish.render.weasy import render_html

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini-issue"
WJ = "\u2060"


@pytest.fixture(scope="module")
def issue():  # type: ignore[no-untyped-def]
    return load_issue(MINI)


def _advances(issue, paragraph: str, size: float) -> list[list[float]]:  # type: ignore[no-untyped-def]
    """Per line of the one paragraph in ``paragraph`` (set in ``size`` pt; the page's folio is
    not): the distances from each character to the next."""
    html = f"<html><body><div style='width: 21em; margin: 30mm'>{paragraph}</div></body></html>"
    document, _ = render_html(issue, html)
    with pdfplumber.open(io.BytesIO(document.write_pdf())) as pdf:
        chars = [
            c for page in pdf.pages for c in page.chars if c["text"].strip() and abs(c["size"] - size) < 0.1
        ]
    lines: dict[int, list[float]] = {}
    for c in chars:
        lines.setdefault(round(c["top"]), []).append(c["x0"])
    return [[b - a for a, b in itertools.pairwise(xs)] for _, xs in sorted(lines.items())]


@pytest.mark.parametrize("align", ["center", "left"])
def test_a_letter_spaced_line_keeps_its_spacing_across_word_joiners(issue, align: str) -> None:
    style = f"font-family: 'QHGY Title'; font-size: 15pt; letter-spacing: 0.15em; text-align: {align}"
    plain = _advances(issue, f"<p style=\"{style}\">劳动最光荣</p>", 15)
    joined = _advances(issue, f"<p style=\"{style}\">劳{WJ}动最光{WJ}荣</p>", 15)
    assert len(plain) == len(joined) == 1
    assert max(plain[0]) - min(plain[0]) < 0.05  # the check itself: evenly spaced without joiners
    assert joined[0] == pytest.approx(plain[0], abs=0.05)


def test_a_justified_letter_spaced_line_keeps_its_spacing_across_word_joiners(issue) -> None:
    style = "font-family: 'QHGY Body'; font-size: 10.5pt; letter-spacing: 0.05em; text-align: justify"
    text = "职工是工会的根基和力量源泉，工会工作要始终坚持以职工为中心的工作导向，把服务职工作为工会一切工作的出发点和落脚点"
    glued = text.replace("工会", f"工{WJ}会")
    lines = _advances(issue, f"<p style=\"{style}\">{glued}</p>", 10.5)
    assert len(lines) >= 2
    first = lines[0]  # a justified full line: every step between Han characters the same
    han_steps = first[:-1]
    assert max(han_steps) - min(han_steps) < 0.05, han_steps
