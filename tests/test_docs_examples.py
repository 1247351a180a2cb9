"""The examples of docs/source-format.md (each after an ``<!-- example: … -->`` line) build as documented."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from qhgy_publish.check.layout_pictures import picture_warnings
from qhgy_publish.check.sources import check_sources
from qhgy_publish.load import load_issue
from qhgy_publish.model import Kind
from qhgy_publish.pipeline import build_issue, output_path

ROOT = Path(__file__).resolve().parents[1]
DOCS = (ROOT / "docs" / "source-format.md").read_text(encoding="utf-8")
EXAMPLE = re.compile(r"<!-- example: (\w+) -->\n```markdown\n(.*?)```", re.S)
# the pictures the pictures example names: the proportions it is about, 300 dpi at their size
PICTURES = {
    "wide.jpg": (2010, 1131),
    "tall.jpg": (960, 2880),
    "portrait.jpg": (480, 640),
    "landscape.jpg": (800, 600),
}


def examples() -> dict[str, str]:
    return dict(EXAMPLE.findall(DOCS))


def test_the_docs_have_the_examples() -> None:
    assert set(examples()) == {"pictures", "regulation", "wording"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("docs") / "2025-02"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini-issue", root)
    for name, size in PICTURES.items():
        Image.new("RGB", size, (120, 140, 160)).save(root / "images" / name, dpi=(300, 300))
    for i, (name, text) in enumerate(sorted(examples().items())):
        (root / "articles" / f"{500 + i * 10}-example-{name}.md").write_text(text, encoding="utf-8")
    out = root.parent / "out"
    result = build_issue(root, out, targets=["print", "epub"], embed_fonts=False)
    with pdfplumber.open(output_path(out, result.issue, "print")) as pdf:
        text = "".join(_columns_text(page) for page in pdf.pages)
    return root, result, re.sub(r"\s", "", text)


def _columns_text(page) -> str:  # type: ignore[no-untyped-def]
    """The page's text column by column (extract_text reads straight across both)."""
    middle = (page.bbox[0] + page.bbox[2]) / 2
    chars = sorted(page.chars, key=lambda c: (c["x0"] > middle, round(c["top"]), c["x0"]))
    return "".join(c["text"] for c in chars)


def test_pictures_example(built) -> None:
    root, result, _ = built
    assert picture_warnings(result.layout.facts, result.issue) == []
    findings = [f for f in check_sources(load_issue(root)) if f.code.startswith("S-15")]
    assert [(f.code, f.where.path.name) for f in findings] == [
        ("S-155", "500-example-pictures.md")  # only the 1:3 picture, scaled to fit
    ]


def test_regulation_example(built) -> None:
    _, result, text = built
    article = next(a for a in result.issue.all_articles if a.meta.kind is Kind.REGULATION)
    assert [p.role for p in article.blocks if p.type == "paragraph"] == [
        "clause", "clause", "", "", "clause", "attachment", "attachment"
    ]  # fmt: skip
    assert "第一章总则" in text and "第三条本办法" in text  # (the full-width spaces are whitespace here)
    assert "青海省总工会办公室2025年5月20日" in text


def test_wording_example(built) -> None:
    root, _, text = built
    assert not [f for f in check_sources(load_issue(root)) if f.code in ("S-210", "S-211")]
    assert "本报讯全国总工会近日部署" in text  # the quotation prints as typed
