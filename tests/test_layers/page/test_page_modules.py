"""The page's scripts are modules: each names its inputs on its first line, takes nothing else from the page, and
app.js calls each once, in order, with inputs defined before it (the page's own, or an earlier module's output)."""

import re
from importlib import resources

import pytest

from layers.page.app import PAYLOAD, SCRIPTS, _code, modules

FOLDER = resources.files("layers.page") / "js"
CALL = re.compile(r"^(?:var (\w+) = )?(\w+)Module\(([^)]*)\);$", re.M)


def source(name):
    return (FOLDER / f"{name}.js").read_text(encoding="utf-8")


def test_every_script_is_a_module_that_names_itself_and_its_inputs():
    assert sorted(path.name for path in FOLDER.iterdir() if path.name.endswith(".js")) == sorted(
        f"{name}.js" for name in SCRIPTS)
    found = modules()
    assert list(found) == list(SCRIPTS)
    assert found["text"] == ("config", "parks")
    assert set(PAYLOAD) <= set(found["app"]) and "map" in found["app"]
    for name in SCRIPTS:
        assert source(name).startswith(f"// Module {name}(")
        assert name == "app" or re.search(r"^return \{.*\};\n$", source(name), re.M | re.S), name


def test_app_calls_each_module_once_in_order_with_what_is_defined_before():
    calls = CALL.findall(source("app"))
    assert [module for _, module, _ in calls] == [name for name in SCRIPTS if name != "app"]
    defined = set(modules()["app"])
    for output, module, arguments in calls:
        given = tuple(argument.strip() for argument in arguments.split(","))
        assert given == modules()[module], module  # by the names the module's first line gives
        assert set(given) <= defined, (module, set(given) - defined)  # nothing used before it is defined
        if output:
            assert output == module
            defined.add(output)
    assert source("app").rstrip().endswith("api.start();")


@pytest.mark.parametrize("name", SCRIPTS)
def test_no_module_talks_through_window_globals_or_another_modules_internals(name):
    code = source(name)
    assert "window.__" not in code and "kh.parks" not in code
    assert re.findall(r"window\.(\w+) =", code) == (["KunshanHeatmap"] if name == "api" else [])
    assert "document.querySelector" not in code  # each module is handed the elements it draws in
    others = [other for other in SCRIPTS if other != name]
    assert name == "app" or not re.search(r"\b(" + "|".join(others) + r")Module\(", code)


def test_the_modules_run_in_strict_mode_each_in_a_scope_of_its_own():
    code = _code()
    assert code.startswith('(function () {\n"use strict";\n')
    for name, inputs in modules().items():
        assert f"function {name}Module({', '.join(inputs)}) {{\n// Module {name}(" in code
    assert code.endswith("return function (payload, page) { appModule(" + ", ".join(
        f"{'payload' if name in PAYLOAD else 'page'}.{name}" for name in modules()["app"]) + "); };\n})()")
