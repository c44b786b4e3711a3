"""Small functions and modules: no function over 60 lines of code (Python or the page's JavaScript; blank lines,
comments and docstrings not counted), no module over 400 lines."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 400


def _code_lines(lines: list[str]) -> int:
    """Lines that hold code: not blank, not only a comment."""
    return sum(1 for line in lines if line.strip() and not line.strip().startswith(("#", "//")))


def python_functions(path: Path) -> list[tuple[str, int]]:
    """(qualified name, lines of code without its docstring) of every function and method of a file."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    tree = ast.parse(text)
    found = []

    def size(node) -> int:
        first = node.lineno
        body = node.body[0]
        if isinstance(body, ast.Expr) and isinstance(body.value, ast.Constant) and isinstance(body.value.value, str):
            docstring = set(range(body.lineno, body.end_lineno + 1))
        else:
            docstring = set()
        kept = [lines[n - 1] for n in range(first, node.end_lineno + 1) if n not in docstring]
        return _code_lines(kept)

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    found.append((name, size(child)))
                visit(child, name + ".")
    visit(tree, "")
    return found


_JS_FUNCTION = re.compile(r"\bfunction\b\s*([\w$]*)\s*\([^)]*\)\s*\{")
_BEFORE_REGEX = set("(,=:[!&|?{};")


def _skip(text: str, position: int) -> int:
    """Position after the string, comment or regular expression starting at ``position`` (itself if none)."""
    char = text[position]
    if text.startswith("//", position):
        return text.find("\n", position)
    if text.startswith("/*", position):
        return text.find("*/", position) + 2
    if char == "/" and text[:position].rstrip()[-1:] in _BEFORE_REGEX:
        match = re.compile(r"/(?:\\.|\[(?:\\.|[^\]\\])*\]|[^/\\\n\[])+/").match(text, position)
        return match.end() if match else position + 1
    if char in "\"'`":
        match = re.compile(rf"{char}(?:\\.|[^\\{char}])*{char}", re.S).match(text, position)
        return match.end() if match else position + 1
    return position


def js_functions(text: str) -> list[tuple[str, int]]:
    """(name, lines) of every ``function`` in a script, its body found by matching braces outside strings,
    comments and regular expressions."""
    found = []
    for match in _JS_FUNCTION.finditer(text):
        depth, position = 0, match.end() - 1
        while position < len(text):
            after = _skip(text, position)
            if after != position:
                position = after
                continue
            depth += {"{": 1, "}": -1}.get(text[position], 0)
            if depth == 0:
                break
            position += 1
        lines = _code_lines(text[match.start():position + 1].splitlines())
        found.append((match.group(1) or f"<anonymous at line {text.count(chr(10), 0, match.start()) + 1}>", lines))
    return found


def sources(suffix: str) -> list[Path]:
    return sorted(p for package in ("geo", "layers") for p in (ROOT / package).rglob(f"*{suffix}"))


def test_no_python_function_is_over_60_lines():
    long = [(str(p.relative_to(ROOT)), name, n) for p in sources(".py") for name, n in python_functions(p)
            if n > MAX_FUNCTION_LINES]
    assert long == []


def test_no_page_script_function_is_over_60_lines():
    long = [(str(p.relative_to(ROOT)), name, n) for p in sources(".js")
            for name, n in js_functions(p.read_text(encoding="utf-8")) if n > MAX_FUNCTION_LINES]
    assert long == []


def test_no_module_is_over_400_lines():
    long = [(str(p.relative_to(ROOT)), n) for p in [*sources(".py"), *sources(".js")]
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert long == []


def test_the_measures_see_long_functions(tmp_path):
    body = "\n".join(f"        x = {i}" for i in range(70))
    sample = tmp_path / "sample.py"
    sample.write_text(f'class A:\n    def f(self):\n        """Doc\n\n        string."""\n{body}\n\n'
                      f"def g():\n    # a comment\n\n    return 1\n")
    assert python_functions(sample) == [("A.f", 71), ("g", 2)]
    script = ("function a() {\n  var s = '}', r = /[{\"'`]/g; // }\n  if (x) { y(); }\n}\n"
              "var b = function (q) { return '{' + `}`; };\n")
    assert js_functions(script) == [("a", 4), ("<anonymous at line 5>", 1)]
