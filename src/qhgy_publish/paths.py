"""Where the house's own files are (layouts, font roles) and where caches go.

The code never looks for anything beside itself by climbing folders: layouts/
and fonts/ ship inside the package (``qhgy_publish/data/``, see setup.py) and
are found with importlib.resources. Running from a checkout (editable install,
tests), the package has no ``data/``: the checkout's own layouts/ and fonts/
are used, so developers edit them where they are.

The editors' own folders (content/, output/, layout overrides) are not here:
see :mod:`qhgy_publish.workspace`.
"""

from __future__ import annotations

import hashlib
import os
from importlib import resources
from pathlib import Path

import platformdirs

_DATA = resources.files("qhgy_publish") / "data"


def _checkout() -> Path | None:
    """The repository the package runs from (editable install), None when installed from a wheel."""
    if _DATA.is_dir():
        return None
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() and (root / "layouts").is_dir() else None


CHECKOUT = _checkout()


def _shipped(name: str) -> Path:
    folder = CHECKOUT / name if CHECKOUT else _DATA / name
    if not isinstance(folder, Path) or not folder.is_dir():
        raise RuntimeError(
            f"qhgy-publish is installed without its {name}/ folder ({folder}): "
            "install it again from its wheel or a checkout"
        )
    return folder


PACKAGE_DIR = Path(__file__).resolve().parent  # the code
LAYOUTS_DIR = _shipped("layouts")  # templates and stylesheets the package ships
FONTS_DIR = _shipped("fonts")  # roles.toml: which face draws which text

# Copied font faces, press images, EPUB font subsets: derived from their inputs and
# keyed by them. A checkout keeps its own (as before: worktrees never share one);
# an installed package uses the user's cache folder, never the package's own.
CACHE_DIR = Path(
    os.environ.get("QHGY_CACHE_DIR")
    or (CHECKOUT / ".cache" if CHECKOUT else platformdirs.user_cache_dir("qhgy-publish"))
)


def layout_dirs(issue_dir: Path | None = None) -> tuple[Path, ...]:
    """The folders a layout file is looked up in, first match wins.

    An issue's own ``layouts/``, then the editors' ``layouts/`` (beside their
    content/, or as qhgy.toml says), then the shipped layouts. An override
    folder holds only the files it changes, at the same relative path
    (``print/magazine.css``, ``epub/article.xhtml.j2``, ``new/issue.yaml.j2``).
    """
    from .workspace import workspace_of

    found: list[Path] = []
    if issue_dir is not None:
        found += [issue_dir / "layouts", workspace_of(issue_dir).layouts]
    found.append(LAYOUTS_DIR)
    dirs: list[Path] = []
    for d in found:
        d = d.resolve()
        if d.is_dir() and d not in dirs:
            dirs.append(d)
    return tuple(dirs)


def layout_file(name: str, issue_dir: Path | None = None) -> Path:
    """The layout file ``name`` (e.g. ``print/page.css``) that wins for ``issue_dir``."""
    dirs = layout_dirs(issue_dir)
    return next((d / name for d in dirs if (d / name).is_file()), LAYOUTS_DIR / name)


def code_digest(package: Path = PACKAGE_DIR) -> bytes:
    """The package's Python code (each module's place in it and its bytes), for the caches that
    must not outlive a change to the code that made what they keep. Read anew at each call."""
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()

