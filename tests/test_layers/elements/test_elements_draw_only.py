"""One-way flow: geo computes, layers draws. A map element takes from geo only types, errors, constants and
registry loading; the map is composed from one call of geo.map_data."""

import ast
from pathlib import Path

import pytest

import layers

ROOT = Path(layers.__file__).parent
#: What an element may take from geo: the types it is handed, its errors, a column name, the registry loader.
ALLOWED = {"DensityError", "DensitySurface", "HEAT_WEIGHT", "HeatmapError", "load_json"}


def geo_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "geo":
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.Import) and any(alias.name.split(".")[0] == "geo" for alias in node.names):
            found.add("<module>")
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "elements").glob("*.py")), ids=lambda path: path.name)
def test_an_element_computes_nothing_of_geo(path):
    assert geo_names(path) <= ALLOWED, path.name


def test_the_map_is_composed_from_one_call_of_map_data():
    source = (ROOT / "heatmap.py").read_text(encoding="utf-8")
    assert geo_names(ROOT / "heatmap.py") == {"MapData", "map_data", "Weight"}
    assert source.count("map_data(") == 1
