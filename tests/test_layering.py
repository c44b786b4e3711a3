"""One-way layering: geo never imports folium or layers; layers (but its CLI) never reads registers."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ("." * node.level) + (node.module or "")
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def test_geo_never_imports_folium_branca_or_layers():
    for path in sorted((ROOT / "geo").rglob("*.py")):
        bad = {name for name in imported_modules(path)
               if name.split(".")[0] in ("folium", "branca", "layers", "xyzservices")}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_layers_never_reads_registers_except_the_cli():
    reading = ("geo.register", "geo.read_register", "geo.load_parks", "geo.kunshan", "geo._files",
               "geo.geocoding", "geo.providers")
    for path in sorted((ROOT / "layers").rglob("*.py")):
        if path.name == "cli.py":
            continue
        bad = {name for name in imported_modules(path) if name.startswith(reading)}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_imports_are_detected():
    # the checker itself must see both import forms, or the tests above could never fail
    sample = ROOT / "layers" / "cli.py"
    assert {"geo", "geo.errors.HeatmapError"} <= imported_modules(sample)
