"""The structure rule of issue 17: no module over 600 lines and no function over 80 lines,
unless its docstring says why in a line of its own beginning "Long because:"."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "scorer"
MODULE_LINES = 600
FUNCTION_LINES = 80
REASON = "Long because:"


def _gives_a_reason(docstring: str | None) -> bool:
    """Whether a docstring has a line that starts with "Long because:" and says something."""
    for line in (docstring or "").splitlines():
        text = line.strip()
        if text.startswith(REASON) and len(text) > len(REASON) + 10:
            return True
    return False


def _function_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """A function's length from its first decorator (or def) to its last line."""
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    return (node.end_lineno or node.lineno) - first + 1


def too_long(path: Path) -> list[str]:
    """The module itself and each function in it that is over its limit without a reason."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    where = path.relative_to(PACKAGE.parent)
    found = []
    lines = len(text.splitlines())
    if lines > MODULE_LINES and not _gives_a_reason(ast.get_docstring(tree)):
        found.append(f"{where}: {lines} lines")
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = _function_lines(node)
            if length > FUNCTION_LINES and not _gives_a_reason(ast.get_docstring(node)):
                found.append(f"{where}:{node.lineno} {node.name}(): {length} lines")
    return found


def test_no_module_or_function_is_long_without_a_reason():
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 50  # the walk found the package
    found = [entry for path in modules for entry in too_long(path)]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("def f():\n" + "    x = 1\n" * 80, ["scorer/probe.py:1 f(): 81 lines"]),
        ("def f():\n" + "    x = 1\n" * 79, []),
        (
            "class C:\n    @staticmethod\n    def f():\n" + "        x = 1\n" * 80,
            ["scorer/probe.py:3 f(): 82 lines"],
        ),
        (
            'def f():\n    """Sum.\n\n    Long because: one table of 80 cases, read top down."""\n'
            + "    x = 1\n" * 80,
            [],
        ),
        ('def f():\n    """Long because: short."""\n' + "    x = 1\n" * 80, ["*"]),
        ("x = 1\n" * 601, ["scorer/probe.py: 601 lines"]),
        (
            '"""A catalog.\n\nLong because: one sentence a line, 900 of them."""\n'
            + "x = 1\n" * 601,
            [],
        ),
    ],
)
def test_the_rule_finds_what_is_long_and_accepts_a_reason(tmp_path, monkeypatch, source, expected):
    probe = tmp_path / "scorer" / "probe.py"
    probe.parent.mkdir()
    probe.write_text(source, encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path / "scorer")
    found = too_long(probe)
    if expected == ["*"]:  # a reason too short to be one
        assert len(found) == 1
    else:
        assert found == expected
