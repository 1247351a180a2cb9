"""The editors' folder: their issues (content/), the build products (output/) and their own layouts.

As with mkdocs and pelican, it is where the editors work, never where the code
is installed. Which folder it is:

1. the nearest folder, from the issue (or, without one, the current folder)
   upwards, that holds a ``qhgy.toml``;
2. else, when the issue lies in a folder named ``content/`` (or the current
   folder is such a folder or an issue in one), that folder's parent;
3. else the current folder.

``qhgy.toml`` may be empty; it may name other folders (relative to itself)::

    content = "content"   # the issues, one folder each
    output = "output"     # build products, one folder per issue
    layouts = "layouts"   # the editors' layout overrides (see paths.layout_dirs)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError

CONFIG = "qhgy.toml"
FOLDERS = ("content", "output", "layouts")


@dataclass(frozen=True)
class Workspace:
    root: Path
    content: Path
    output: Path
    layouts: Path

    @classmethod
    def at(cls, root: Path) -> Workspace:
        """The editors' folder ``root``, with the folders its qhgy.toml names (if it has one)."""
        root = root.resolve()
        names = {name: name for name in FOLDERS}
        config = root / CONFIG
        if config.is_file():
            names |= _read_config(config)
        return cls(root, *(root / names[name] for name in FOLDERS))

    def output_for(self, issue_dir: Path) -> Path:
        """Where an issue's products go: output/<issue-id>/."""
        return self.output / issue_dir.name


def _read_config(config: Path) -> dict[str, str]:
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BuildError(f"{config}: not valid TOML: {exc}\n      → fix the file, or empty it") from exc
    unknown = sorted(set(data) - set(FOLDERS))
    if unknown:
        raise BuildError(
            f"{config}: unknown setting {', '.join(unknown)}\n      → {CONFIG} knows only {', '.join(FOLDERS)}"
        )
    wrong = [k for k, v in data.items() if not isinstance(v, str) or not v]
    if wrong:
        raise BuildError(f'{config}: {", ".join(wrong)} must name a folder\n      → e.g. output = "output"')
    return data


def _with_config(start: Path) -> Path | None:
    return next((d for d in (start, *start.parents) if (d / CONFIG).is_file()), None)


def find_workspace() -> Workspace:
    """The editors' folder of a command run in the current folder (see the module's rules)."""
    here = Path.cwd().resolve()
    if (root := _with_config(here)) is not None:
        return Workspace.at(root)
    # Only the folder itself or its parent: a content/ higher up may be anything.
    content = next((d for d in (here, here.parent) if d.name == "content"), None)
    return Workspace.at(content.parent if content else here)


def workspace_of(issue_dir: Path) -> Workspace:
    """The editors' folder an issue belongs to (see the module's rules)."""
    issue_dir = issue_dir.resolve()
    if (root := _with_config(issue_dir.parent)) is not None:
        return Workspace.at(root)
    if issue_dir.parent.name == "content":
        return Workspace.at(issue_dir.parent.parent)
    return find_workspace()
