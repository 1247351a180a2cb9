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
