"""EPUBCheck's messages become E- findings placed in the book (tests of the E- family)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from qhgy_publish.check.epub import check_epub
from qhgy_publish.errors import Product


def test_a_broken_book_gives_e_findings_naming_the_book(tmp_path: Path) -> None:
    book = tmp_path / "broken.epub"
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        z.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
            '<rootfiles><rootfile full-path="OEBPS/missing.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
        )
    findings = check_epub(book)
    assert findings
    assert all(f.code.startswith("E-") and len(f.code) > 2 for f in findings)
    assert any(f.severity == "error" for f in findings)
    assert all(isinstance(f.where, Product) and f.where.file == "broken.epub" for f in findings)
    assert any("missing.opf" in f"{f.where} {f.message}" for f in findings)
