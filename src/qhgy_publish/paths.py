"""Where the project's own folders are, found from the installed package."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYOUTS_DIR = ROOT / "layouts"
FONTS_DIR = ROOT / "fonts"
CONTENT_DIR = ROOT / "content"
OUTPUT_DIR = ROOT / "output"
