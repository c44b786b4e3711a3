"""One-way layering: geo never imports folium or layers; layers (but its CLI) never reads registers or
geocodes; no import cycle; no module imports another module's private name or a private module."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("geo", "layers")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[str, str | None, bool]]:
    """(module, imported name or None, at module level) of every import in a file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    top = set(map(id, tree.body))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            found += [(module, alias.name, id(node) in top) for alias in node.names]
    return found


def sources(*packages: str) -> list[Path]:
    return sorted(path for package in packages for path in (ROOT / package).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, and ``module.name`` for each name imported from one."""
    return {name for module, member, _ in imports(path) for name in (module, f"{module}.{member}" if member else module)}


def _private_parts(dotted: str) -> list[str]:
    return [part for part in dotted.split(".") if part.startswith("_") and not part.startswith("__")]


def private_imports(path: Path) -> list[str]:
    """Imports of a private module (``geo._io``) or of another module's private name (``from x import _y``)."""
    own = module_name(path)
    bad = []
    for module, member, _ in imports(path):
        if module.split(".")[0] not in PACKAGES:
            continue
        if _private_parts(module) or (member and member.startswith("_") and module != own):
            bad.append(f"{module}.{member}" if member else module)
    return bad


def import_graph() -> dict[str, set[str]]:
    """Project module -> project modules it imports anywhere (a lazy import inside a function counts too)."""
    modules = {module_name(path): path for path in sources(*PACKAGES)}
    graph = {}
    for name, path in modules.items():
        targets = set()
        for module, member, _ in imports(path):
            if f"{module}.{member}" in modules:
                targets.add(f"{module}.{member}")
            elif module in modules:
                targets.add(module)
        targets.discard(name)
        graph[name] = {t for t in targets if not name.startswith(t + ".") and not _is_package_of(t, name)}
    return graph


def _is_package_of(package: str, module: str) -> bool:
    """A package's ``__init__`` re-exports its modules; the modules importing the package's siblings is no cycle."""
    return module.startswith(package + ".")


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle between modules (found once each, by depth-first search)."""
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                found.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_geo_never_imports_folium_branca_or_layers():
    for path in sources("geo"):
        bad = {name for name in imported_modules(path)
               if name.split(".")[0] in ("folium", "branca", "layers", "xyzservices", "jinja2")}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


READING = ("geo.read", "geo.geocode", "geo.load", "geo.read_register", "geo.load_parks", "geo.kunshan_default",
           "geo.geocode_addresses", "geo.geocode_register", "geo.geocode_offline", "geo.locate_parks",
           "geo.place.locate", "geo.place.offline", "geo.place.convert", "geo.convert_file")


def test_layers_never_reads_registers_or_geocodes_except_the_cli():
    for path in sources("layers"):
        if path.relative_to(ROOT / "layers").parts[0] == "cli":  # the top of the stack
            continue
        bad = {name for name in imported_modules(path) if name.startswith(READING)}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_no_private_module_or_name_is_imported_from_another_module():
    bad = {str(path.relative_to(ROOT)): found for path in sources(*PACKAGES) if (found := private_imports(path))}
    assert not bad, f"private imports: {bad}"


def test_no_module_is_private_by_name():
    # a module another stage needs is public; one nobody else needs has no reason to exist apart
    private = [str(p.relative_to(ROOT)) for p in sources(*PACKAGES) if _private_parts(module_name(p))]
    assert not private, private


def test_no_import_cycle():
    found = cycles(import_graph())
    assert not found, "import cycles: " + "; ".join(" -> ".join(cycle) for cycle in found)


# --- the checker itself must see what it forbids, or the tests above could never fail ------------------------


def test_imports_are_detected_in_both_forms():
    sample = ROOT / "layers" / "cli" / "commands.py"
    assert {"geo", "geo.errors.HeatmapError"} <= imported_modules(sample)


def test_relative_and_private_imports_are_detected(tmp_path, monkeypatch):
    package = tmp_path / "geo" / "place"
    package.mkdir(parents=True)
    (tmp_path / "geo" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    sample = package / "sample.py"
    sample.write_text("from ..read.register import _header_index\nfrom geo import _io\n"
                      "def f():\n    from .locate import x\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert private_imports(sample) == ["geo.read.register._header_index", "geo._io"]
    assert ("geo.place.locate", "x", False) in imports(sample)


@pytest.mark.parametrize("graph, expected", [
    ({"a": {"b"}, "b": {"a"}}, [["a", "b", "a"]]),
    ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c", "a"]]),
])
def test_cycles_are_found(graph, expected):
    assert cycles(graph) == expected
