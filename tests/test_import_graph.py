"""The import graph follows the flow: load → model → transforms → renderers / checks.

Every import in src/ is read from the syntax tree, those inside functions and under
TYPE_CHECKING too, so a lazy import cannot hide an arrow against the flow.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parents[1] / "src" / "qhgy_publish"


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The qhgy_publish modules (or names in them) ``path`` imports."""
    package = _module(path) if path.name == "__init__.py" else _module(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            found |= {f"{target}.{a.name}" for a in node.names} if node.module is None else {target}
    return {t for t in found if t == "qhgy_publish" or t.startswith("qhgy_publish.")}


GRAPH = {_module(p): _imports(p) for p in SRC.rglob("*.py")}


def _arrows(source: str, targets: tuple[str, ...]) -> list[str]:
    def within(name: str, prefix: str) -> bool:
        return name == prefix or name.startswith(prefix + ".")

    return sorted(
        f"{module} -> {target}"
        for module, imported in GRAPH.items()
        if within(module, source)
        for target in imported
        if any(within(target, t) for t in targets)
    )


P = "qhgy_publish"
ABOVE_THE_SOURCES = tuple(
    f"{P}.{m}"
    for m in ("transforms", "render", "check", "pipeline", "cli", "preview", "workflow", "output", "summary")
)


def test_the_graph_was_read() -> None:
    # the rules below would pass on an empty graph: prove the walk sees known arrows
    assert f"{P}.load" in GRAPH[f"{P}.pipeline"]
    assert f"{P}.render.print_pdf" in GRAPH[f"{P}.pipeline"]  # a lazy import inside a function
    assert f"{P}.errors" in GRAPH[f"{P}.load.issue"]  # a relative one


def test_check_never_imports_the_pipeline_or_the_renderers() -> None:
    assert _arrows(f"{P}.check", (f"{P}.pipeline", f"{P}.render")) == []


def test_renderers_never_import_the_checks() -> None:
    assert _arrows(f"{P}.render", (f"{P}.check",)) == []


def test_load_and_model_import_nothing_above_them() -> None:
    assert _arrows(f"{P}.load", ABOVE_THE_SOURCES) == []
    assert _arrows(f"{P}.model", (*ABOVE_THE_SOURCES, f"{P}.load")) == []
