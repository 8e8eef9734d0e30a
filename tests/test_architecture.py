"""The shape of the package: imports point down the pipeline, and only the command line knows
click and rich."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "scorer"

# scheme → intake → engine → ranking → features → render → service → command line. A module
# may import its own stage and those before it, never one after.
STAGES = [
    {"messages"},
    {"errors", "bundled", "formula", "untrusted", "cells"},
    # whatif: Scheme -> Scheme; validate checks alternatives; change (对比上期) and shape_methods:
    # methods in rooms of their own
    {"scheme", "methods", "shape_methods", "change", "whatif"},
    {"sheets", "headers", "intake"},
    {"engine"},
    {"ranking", "awards"},
    {"sensitivity", "periods", "explain", "names", "subtotals"},
    {"render"},
    {"pipeline", "store"},  # store: keeps the pipeline's runs; reruns them through it
    {"cli", "web", "__main__", "__init__"},  # web: the page, a front end beside the command line
]
STAGE = {name: number for number, names in enumerate(STAGES) for name in names}


def _module(path: Path) -> str:
    """The name a module's stage is known by: render/report.py is "render", cli/x.py "cli"."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0] if len(parts) > 1 else parts[0]


def _is_module(name: str) -> bool:
    return (PACKAGE / f"{name}.py").exists() or (PACKAGE / name).is_dir()


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, top-level name) of every import in a module, inside functions too."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = path.relative_to(PACKAGE).parts[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found.append((node.lineno, node.module or ""))
                continue
            base = list(package[: len(package) - node.level + 1])
            target = [*base, *(node.module or "").split(".")] if node.module else base
            if not [t for t in target if t]:  # `from . import x`: a module, or a name of __init__
                found += [
                    (node.lineno, f"scorer.{a.name}" if _is_module(a.name) else "scorer.__init__")
                    for a in node.names
                ]
            else:
                found.append((node.lineno, "scorer." + ".".join(t for t in target if t)))
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_pipeline(path):
    own = _module(path)
    assert own in STAGE, f"{own}: give the new module a stage in STAGES"
    wrong = []
    for line, name in _imports(path):
        if not name.startswith("scorer."):
            continue
        other = name.split(".")[1]
        assert other in STAGE, f"{path.name}:{line}: unknown module {other}"
        if STAGE[other] > STAGE[own]:
            wrong.append(f"{path.name}:{line} imports {other}")
    assert not wrong, wrong


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_command_line_uses_click_and_rich(path):
    if _module(path) == "cli":
        return
    used = [
        f"{path.name}:{line} {name}"
        for line, name in _imports(path)
        if name.split(".")[0] in ("click", "rich")
    ]
    assert not used, used


def test_the_checks_would_catch_an_upward_import(tmp_path):
    """The test itself can fail: an engine that imports the renderer is reported."""
    engine = tmp_path / "scorer" / "engine.py"
    engine.parent.mkdir()
    engine.write_text("from .render import to_json\nimport rich\n")
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path / "scorer"
    try:
        with pytest.raises(AssertionError, match="imports render"):
            test_imports_point_down_the_pipeline(engine)
        with pytest.raises(AssertionError, match="rich"):
            test_only_the_command_line_uses_click_and_rich(engine)
    finally:
        PACKAGE = saved
