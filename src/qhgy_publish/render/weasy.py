"""WeasyPrint set up for the print edition: the stylesheets, the fonts, a closed fetcher that
serves the pictures' press versions (:mod:`.press_images`), and one call that lays an HTML
document out (:func:`render_html`).

Every part of the issue is laid out through :func:`render_html`, so the
stylesheets are parsed and the fonts loaded once while their files are
unchanged, and the CJK patch is always installed first.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from ..errors import BuildError
from ..fonts import face_file, face_files, font_face_css, font_roles
from ..house import page_css
from ..model import Issue
from ..paths import CACHE_DIR, FONTS_DIR, LAYOUTS_DIR, layout_dirs, layout_file
from .fetcher import ClosedFetcher
from .press_images import press_version

PRINT_CSS = ("page.css", "magazine.css", "cjk.css", "press.css")


def css_syntax_errors(path: Path) -> list[str]:
    """Syntax errors of a stylesheet as “file:line:col: message” (WeasyPrint would skip them silently)."""
    from .css_check import file_errors

    return file_errors(path)


def stylesheets(
    fetcher: ClosedFetcher,
    font_config: FontConfiguration,
    color_profiles: dict,
    issue_dir: Path | None = None,
) -> list[CSS]:
    """The print stylesheets (an issue's or the editors' overrides first); @font-face and
    @color-profile rules load only through the shared ``font_config`` and ``color_profiles``
    (WeasyPrint drops them otherwise)."""
    sheets = [
        CSS(
            string=font_face_css() + page_css(),
            base_url=str(FONTS_DIR) + "/",
            url_fetcher=fetcher,
            font_config=font_config,
        )
    ]
    for name in PRINT_CSS:
        sheets.append(print_stylesheet(layout_file(f"print/{name}", issue_dir), fetcher, font_config, color_profiles))
    return sheets


def print_stylesheet(
    path: Path, fetcher: ClosedFetcher, font_config: FontConfiguration, color_profiles: dict
) -> CSS:
    """One print stylesheet, refused with its syntax errors; its @color-profile rules (press.css:
    the FOGRA39 output intent) load into ``color_profiles``, which must reach the render too."""
    if errors := css_syntax_errors(path):
        raise BuildError(
            "broken stylesheet:\n" + "\n".join(errors) + "\n      → fix the stylesheet (layouts/ is for developers)"
        )
    return CSS(filename=str(path), url_fetcher=fetcher, font_config=font_config, color_profiles=color_profiles)


@dataclass
class _Styles:
    key: tuple
    sheets: list[CSS]
    font_config: FontConfiguration
    color_profiles: dict


_styles: _Styles | None = None


def _styles_for(issue: Issue, fetcher: ClosedFetcher) -> _Styles:
    """The parsed stylesheets with their fonts loaded, kept while none of their files changes.

    Why: the make-up lays a 栏目 out several times and the preview once per
    save; parsing the stylesheets and loading the fonts took 0.28 s each time.
    """
    global _styles
    files = [layout_file(f"print/{name}", issue.root) for name in PRINT_CSS] + [
        FONTS_DIR / "roles.toml",
        LAYOUTS_DIR / "house.toml",
    ]
    key = (
        str(issue.root),
        font_face_css(),
        *((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files),
    )
    if _styles is None or _styles.key != key:
        font_config, color_profiles = font_configuration(), {}
        font_config._qhgy_token = _fonts_identity(files)  # see weasy_columns._fonts_token
        sheets = stylesheets(fetcher, font_config, color_profiles, issue.root)
        _styles = _Styles(key, sheets, font_config, color_profiles)
    return _styles


def _fonts_identity(stylesheets: list[Path]) -> str:
    """What the faces a font configuration loads stand for, the same in every process: the
    @font-face rules, the stylesheets (which may add their own) and each face file by its name,
    size and time (the balanced heights kept between processes, :mod:`.balanced_memo`, are keyed
    by it: a layout measures its text with these faces)."""
    digest = hashlib.sha256(font_face_css().encode())
    for path in stylesheets:
        digest.update(b"\0" + path.read_bytes())
    for face in face_files():
        stat = face.stat()
        digest.update(f"\0{face} {stat.st_size} {stat.st_mtime_ns}".encode())
    return digest.hexdigest()


FONT_FOLDER = "qhgy-fonts-"  # + the process id + "-": WeasyPrint's own prefix names no process


def font_configuration() -> FontConfiguration:
    """A WeasyPrint font configuration whose temporary folder (links to the faces it loaded: see
    :mod:`.font_folder`; a fontconfig file) names this process. WeasyPrint removes the folder
    when the configuration is collected; a process killed with kill -9 cannot, so each new
    configuration first removes the folders of processes that no longer run."""
    from ..output import process_folder
    from .font_folder import LinkingFolder

    config = FontConfiguration()
    config._folder = LinkingFolder(process_folder(FONT_FOLDER))  # before any face is added
    return config


def remove_font_folders() -> None:
    """Remove the temporary folder of every WeasyPrint font configuration this process made (by
    its name: :func:`font_configuration`), for a process about to end without running their
    ``__del__`` (which would): one that ends with ``os._exit``, or on a signal. (Found by name,
    not by walking every object: 0.1 s after a cold build.)"""
    import os
    import shutil
    import tempfile

    for folder in Path(tempfile.gettempdir()).glob(f"{FONT_FOLDER}{os.getpid()}-*"):
        shutil.rmtree(folder, ignore_errors=True)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def fetcher_for(issue: Issue) -> ClosedFetcher:
    """The issue's files, layouts and fonts, each picture served as its press version."""
    font_dirs = {face_file(role).parent for role in font_roles().values()}
    return ClosedFetcher(
        [issue.root, *layout_dirs(issue.root), FONTS_DIR, *font_dirs],
        serve=partial(press_version, cache_dir=CACHE_DIR / "press-images"),
    )


def render_html(issue: Issue, html: str) -> tuple[Document, list[str]]:
    """Lay ``html`` out with the print stylesheets; return the document and WeasyPrint's warnings."""
    from .weasy_cjk_patch import install

    install()
    fetcher = fetcher_for(issue)
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        styles = _styles_for(issue, fetcher)
        doc = HTML(string=html, base_url=str(issue.root) + "/", url_fetcher=fetcher).render(
            stylesheets=styles.sheets,
            font_config=styles.font_config,
            color_profiles=styles.color_profiles,
        )
    except FatalURLFetchingError as exc:
        raise BuildError(f"layout stopped: {exc.__cause__ or exc}") from exc
    finally:
        logger.removeHandler(handler)
    return doc, handler.messages
