"""A long article is cut into several XHTML files below the size limit, and the book stays valid."""

from __future__ import annotations

import zipfile
from pathlib import Path

from qhgy_publish.check.epub import check_epub
from qhgy_publish.load import load_issue
from qhgy_publish.render import epub as epub_module
from qhgy_publish.transforms import apply_transforms


def test_long_article_is_split(mini_issue: Path, tmp_path: Path, monkeypatch) -> None:
    article = mini_issue / "articles" / "010-heci.md"
    article.write_text(
        article.read_text(encoding="utf-8")
        + "\n## 二、第二部分\n\n"
        + "推动工会工作高质量发展。" * 20
        + "\n\n"
        + ("推动工会工作高质量发展。" * 20 + "\n\n") * 19,
        encoding="utf-8",
    )
    issue = apply_transforms(load_issue(mini_issue))
    monkeypatch.setattr(epub_module, "MAX_XHTML_BYTES", 12_000)
    out = epub_module.render_epub(issue, tmp_path / "book.epub", embed_fonts=False)
    with zipfile.ZipFile(out) as book:
        parts = sorted(n for n in book.namelist() if n.startswith("EPUB/a-010-heci"))
        assert len(parts) >= 2
        assert all(book.getinfo(n).file_size <= 12_000 for n in parts)
        text = "".join(book.read(n).decode() for n in parts)
    assert "二、第二部分" in text and text.count("推动工会工作高质量发展。") == 400
    assert [f for f in check_epub(out) if f.severity in ("error", "warning")] == []
