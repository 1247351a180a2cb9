"""The patch offered to WeasyPrint (tools/upstream/column-balancing.patch): it applies to the
installed WeasyPrint and lays a document out box for box as that WeasyPrint does, in fewer
column layouts, and its height search finds the height of WeasyPrint's step-by-step loop (the
timing is the benchmark's: tools/upstream/column_balancing_bench.py)."""

from __future__ import annotations

import ast
import importlib.util
from math import floor, inf, log2
from pathlib import Path

import pytest

from .render.test_weasy_columns import upstream_search

BENCH = Path(__file__).resolve().parents[1] / "tools" / "upstream" / "column_balancing_bench.py"


def _bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("column_balancing_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_patched_weasyprint_lays_out_the_same_boxes_in_fewer_column_layouts(tmp_path: Path) -> None:
    bench = _bench()
    patched = bench.patched_copy(tmp_path / "patched")
    html = bench.documents()["latin-3col"]
    stock = bench.lay_out(html, 1, None, tmp_path)
    mine = bench.lay_out(html, 1, patched, tmp_path)
    assert mine["file"].startswith(str(patched)) and not stock["file"].startswith(str(patched))
    assert len(stock["pages"]) > 5
    assert mine["pages"] == stock["pages"]
    assert mine["columns"] < stock["columns"] * 0.9


@pytest.fixture(scope="module")
def patched_search(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The patch's own _HeightSearch, read from the patched column.py."""
    folder = _bench().patched_copy(tmp_path_factory.mktemp("patched"))
    tree = ast.parse((folder / "weasyprint" / "layout" / "column.py").read_text(encoding="utf-8"))
    source = next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "_HeightSearch")
    namespace: dict = {"floor": floor, "inf": inf}
    exec(compile(ast.Module([source], []), "column.py", "exec"), namespace)  # the patch's own class
    return namespace["_HeightSearch"]


@pytest.mark.parametrize("start", [45.5, 100.0, 7.25])
@pytest.mark.parametrize("need", [0, 1, 3, 17, 45.5, 90, 301.4])
@pytest.mark.parametrize("lack", [inf, 22.4, 0.75])
def test_the_patchs_search_finds_the_step_by_step_height(patched_search, start, need, lack) -> None:  # type: ignore[no-untyped-def]
    """Every trial fails until a height is reached: where no box says by how much, the patch's
    search finds the height WeasyPrint's 1 px steps find, in a logarithmic number of trials;
    where a box says, it steps as WeasyPrint does."""
    threshold = start + need

    def fits(h: float) -> bool:
        return h >= threshold

    search, height, lost, trials = patched_search(), start, inf, 0
    while True:
        trials += 1
        ok = fits(height)
        if not ok:
            lost = min(lost, lack)
        following = search.next(height, ok, lost, 350.0)
        if following is None or following > 350.0:
            found = (height if following is None else 350.0, following is not None, trials)
            break
        height = following
    expected = upstream_search(start, fits, lambda h: lack, 350.0)
    assert found[:2] == expected[:2]
    if lack == inf and need >= 16 and not expected[1]:
        assert found[2] <= 2 * log2(need) + 4 < expected[2]
