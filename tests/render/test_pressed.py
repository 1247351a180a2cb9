"""The slots of kept pages (render/pressed.py): only the ones last written stay."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qhgy_publish.render import pressed


def test_only_the_slots_last_written_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pressed, "PRESSED_CACHE", tmp_path)
    for n in range(5):
        folder = tmp_path / f"slot-{n}"
        folder.mkdir()
        (folder / "press.bin").write_bytes(b"pages")
        (folder / "index.json").write_text("{}", encoding="utf-8")
        os.utime(folder / "index.json", ns=(n * 10**9, n * 10**9))  # slot-4 written last
    (tmp_path / "half-written").mkdir()  # its files, no index yet
    pressed.prune(keep=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["slot-2", "slot-3", "slot-4"]


def test_the_epub_covers_key_follows_the_cover_and_not_the_contents(issue_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The EPUB's cover is taken from the last build where the key of what it is drawn from is the
    same (render/makeup.cover_key): an article's title, which the contents print, leaves it as it
    was; the cover's caption and the cover photo's pixels (the same file name) each change it."""
    import yaml
    from PIL import Image

    from qhgy_publish.load import load_issue
    from qhgy_publish.render.print_pdf import layout
    from qhgy_publish.transforms import apply_transforms

    monkeypatch.setenv("QHGY_MAKEUP_CACHE", "1")
    monkeypatch.setenv("QHGY_HELPER", "0")

    def key() -> str:
        return layout(apply_transforms(load_issue(issue_dir))).cover_key

    first = key()
    assert first
    article = issue_dir / "articles" / "020-dongtai.md"
    head, _, body = article.read_text(encoding="utf-8").removeprefix("---\n").partition("\n---\n")
    meta = yaml.safe_load(head)
    meta["title"] += "之二"
    article.write_text(f"---\n{yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)}---\n{body}", encoding="utf-8")
    assert key() == first
    meta_file = issue_dir / "issue.yaml"
    meta_file.write_text(
        meta_file.read_text(encoding="utf-8").replace("封面图片说明文字。", "封面图片说明文字之二。"), encoding="utf-8"
    )
    captioned = key()
    assert captioned != first
    photo = issue_dir / "images" / "cover.png"
    with Image.open(photo) as image:
        image.convert("RGB").transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(photo)
    assert key() not in (first, captioned)
