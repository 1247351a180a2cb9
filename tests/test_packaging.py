"""The package as an editor gets it: a wheel installed in a venv of its own, outside the checkout.

The wheel is built from a copy of the files it is made of (a build in the
checkout would leave build/ there) and installed without its dependencies:
the fresh venv sees this test environment's packages through a .pth file, so
nothing is downloaded and the install takes a second.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

CHECKOUT = Path(__file__).resolve().parents[1]
MINI = CHECKOUT / "tests" / "fixtures" / "mini-issue"
WHEEL_SOURCES = ("src", "layouts", "fonts", "pyproject.toml", "setup.py", "README.md", "LICENSE")
PYPROJECT = tomllib.loads((CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))


def _run(cmd: list, **kw) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    assert result.returncode == 0, f"{' '.join(map(str, cmd))}\n{result.stdout}\n{result.stderr}"
    return result


SKIPPED = frozenset({".git", ".venv", ".cache"})


def _tree(root: Path, skip: frozenset[str] = frozenset()) -> dict[str, tuple[int, int]]:
    """Every file below ``root`` (but the top-level ``skip``) with its size and mtime."""
    files = {}
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if rel.parts[0] not in skip and path.is_file():
            files[str(rel)] = (path.stat().st_size, path.stat().st_mtime_ns)
    return files


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv outside the checkout with the project's wheel installed; returns its bin/."""
    work = tmp_path_factory.mktemp("packaging")
    sources = work / "sources"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in WHEEL_SOURCES:
        if (CHECKOUT / name).is_dir():
            shutil.copytree(CHECKOUT / name, sources / name, ignore=ignore)
        else:
            shutil.copy2(CHECKOUT / name, sources / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    _run([*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", work / "dist", sources])
    (wheel,) = (work / "dist").glob("qhgy_publish-*.whl")
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    site = Path(
        _run(
            [venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
        ).stdout.strip()
    )
    (site / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run([*pip, "--python", venv / "bin" / "python", "install", "-q", "--no-deps", "--no-index", wheel])
    return venv / "bin"


def test_wheel_builds_checks_and_scaffolds_in_the_editors_folder(venv: Path, tmp_path: Path) -> None:
    where = _run([venv / "python", "-c", "import qhgy_publish; print(qhgy_publish.__file__)"])
    package = Path(where.stdout.strip()).parent
    assert package.is_relative_to(venv.parent) and (package / "data" / "layouts" / "print").is_dir()
    package_before = _tree(package)
    # The checkout's own cache (.cache) is left out: the suite's other workers write there meanwhile.
    # The installed package's cache is looked for in the user's cache folder instead (below).
    checkout_before = _tree(CHECKOUT, SKIPPED)

    editors, elsewhere, cache = tmp_path / "editors", tmp_path / "elsewhere", tmp_path / "cache"
    shutil.copytree(MINI, editors / "content" / "2025-02")
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("QHGY_CACHE_DIR", "VIRTUAL_ENV")}
    env["XDG_CACHE_HOME"] = str(cache)
    qhgy = venv / "qhgy"

    _run([qhgy, "new", "2025-03"], cwd=editors, env=env)
    assert (editors / "content" / "2025-03" / "issue.yaml").is_file()

    # Built from another folder: the products go to the issue's editors' folder all the same.
    _run([qhgy, "build", editors / "content" / "2025-02"], cwd=elsewhere, env=env)
    out = editors / "output" / "2025-02"
    names = ["qhgy-2025-02-print.pdf", "qhgy-2025-02-screen.pdf", "qhgy-2025-02.epub"]
    assert sorted(p.name for p in out.iterdir()) == sorted([*names, "qhgy-2025-02-makeup.json"])
    assert (out / names[0]).read_bytes().startswith(b"%PDF-") and (out / names[2]).stat().st_size > 10_000
    built = {n: (out / n).stat().st_mtime_ns for n in names}

    # Checked from inside the issue folder: the products are read where the build left them.
    check = _run([qhgy, "check", "--json"], cwd=editors / "content" / "2025-02", env=env)
    codes = {f["code"] for f in json.loads(check.stdout)}
    assert "S-202" in codes  # the fixture's placeholder photos: the sources were checked
    assert {n: (out / n).stat().st_mtime_ns for n in names} == built  # read, not built again

    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in editors.iterdir()) == ["content", "output"]
    assert any((cache / "qhgy-publish").rglob("*.otf"))  # font faces and subsets: the user's cache
    assert any((cache / "qhgy-publish" / "makeup").glob("*.pickle"))  # and the make-up's decisions
    assert _tree(package) == package_before
    assert _tree(CHECKOUT, SKIPPED) == checkout_before


def _imported_distributions(folder: Path) -> set[str]:
    """Distributions whose modules the Python files below ``folder`` import."""
    names: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    provided = packages_distributions()
    return {
        canonicalize_name(dist)
        for name in names - set(sys.stdlib_module_names) - {"qhgy_publish", "tests"}
        for dist in provided.get(name, [name])
    }


def _declared(*groups: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for group in groups for r in group}


def test_every_imported_package_is_declared() -> None:
    runtime = _declared(PYPROJECT["project"]["dependencies"])
    test = _declared(PYPROJECT["project"]["optional-dependencies"]["test"])
    # httpx: only preview.server.serve_in_thread imports it, a helper of the tests and the benchmark.
    assert _imported_distributions(CHECKOUT / "src") - runtime - {"httpx"} == set()
    assert _imported_distributions(CHECKOUT / "tests") - runtime - test == set()


def test_lock_pins_every_declared_package_within_its_range() -> None:
    pins = {}
    for line in (CHECKOUT / "tools" / "requirements-test.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith(("#", " ")):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version.strip()
    project = PYPROJECT["project"]
    for text in project["dependencies"] + project["optional-dependencies"]["test"]:
        req = Requirement(text)
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not in tools/requirements-test.txt: run `make lock`"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"{req.name}=={pins[name]} is outside {req.specifier}: run `make lock`"
        )
