"""The indicator tree (指标体系, issue 13 shape 19): 一级 / 二级 / 三级指标 with points at each
level, the projects as its leaves, and the checks that each level's points add up."""

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pydantic import Field

from .names import normalize_name
from .types import Number, _Strict

Add = Callable[[str, dict, Iterable], None]
MAX_LEVELS = 6  # the tree's levels with the projects: 一级 … 六级指标


class TreeNode(_Strict):
    """An indicator above the projects (如 决策 15分): its points and the indicators below it;
    the projects that name it as their ``parent`` are its children at the lowest level."""

    name: str = Field(min_length=1, description="指标名称，如“决策”“项目立项” / indicator name")
    weight: Number = Field(gt=0, description="分值 / points")
    children: list["TreeNode"] = Field(default=[], description="下级指标 / the indicators below")


TreeNode.model_rebuild()


def walk(nodes: Iterable[TreeNode], depth: int = 0) -> Iterator[tuple[TreeNode, int]]:
    """Every node with its depth (0 for 一级指标), parents before their children."""
    for node in nodes:
        yield node, depth
        yield from walk(node.children, depth + 1)


def node_projects(nodes: Iterable[TreeNode], parents: dict[str, str | None]) -> dict[str, list]:
    """Each node's projects (by name), from the projects' ``parent``: a node's own and those of
    every node below it. ``parents`` maps each project to its parent as written."""
    below: dict[str, list[str]] = {}

    def collect(node: TreeNode) -> list[str]:
        key = normalize_name(node.name)
        mine = [p for p, parent in parents.items() if parent and normalize_name(parent) == key]
        for child in node.children:
            mine += collect(child)
        below[node.name] = mine
        return mine

    for node in nodes:
        collect(node)
    return below


# ----------------------------------------------------------------------------- rules check


def plain_number(value: float) -> str:
    from .wording import plain_number as plain  # wording reads the model, which reads this

    return plain(value)


def _dicts(value: Any) -> list[tuple[int, dict]]:
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def check_tree(raw: dict, add: Add) -> None:
    """The tree's names, each project's parent, the depth, and the points of every level: the
    children of a node add up to its points, the 一级指标 to the total."""
    projects = _dicts(raw.get("projects"))
    tree = raw.get("tree")
    if not isinstance(tree, list):
        for index, project in projects:
            if project.get("parent") is not None:
                add("tree.no-tree", {"project": str(project.get("name"))}, ("projects", index))
        return
    nodes: dict[str, tuple[tuple, dict]] = {}  # name -> (location, node)
    params: dict[str, Any]
    depth = _check_nodes(tree, ("tree",), nodes, add, 0, raw)
    names = {normalize_name(str(p.get("name"))) for _, p in projects}
    for key, (loc, node) in nodes.items():
        if key in names:
            add("tree.node-is-project", {"name": node.get("name")}, (*loc, "name"))
    with_children = {k for k, (_, node) in nodes.items() if _dicts(node.get("children"))}
    under: dict[str, list[tuple[str, float | None]]] = {}
    for index, project in projects:
        name, parent = str(project.get("name")), project.get("parent")
        if parent is None:
            add("tree.no-parent", {"project": name}, ("projects", index))
            continue
        key = normalize_name(str(parent))
        if key not in nodes:
            known = [str(n.get("name")) for k, (_, n) in nodes.items() if k not in with_children]
            params = {"project": name, "parent": str(parent), "known": known}
            add("tree.unknown-parent", params, ("projects", index, "parent"))
        elif key in with_children:
            params = {"project": name, "parent": str(parent)}
            add("tree.parent-has-children", params, ("projects", index, "parent"))
        else:
            under.setdefault(key, []).append((name, _number(project.get("weight"))))
    for key, (loc, node) in nodes.items():
        if key in with_children:
            continue
        if key not in under:
            add("tree.empty-node", {"name": node.get("name")}, (*loc, "name"))
            continue
        _check_sum(node, under[key], loc, add)
    levels = raw.get("levels")
    if isinstance(levels, list) and len(levels) < depth + 1:
        params = {"given": len(levels), "needed": depth + 1}
        add("tree.levels", params, ("levels",))
    if depth + 1 > MAX_LEVELS:
        add("tree.too-deep", {"levels": depth + 1, "limit": MAX_LEVELS}, ("tree",))


def _check_nodes(entries: Any, loc: tuple, nodes: dict, add: Add, depth: int, raw: dict) -> int:
    """Record each node by name; check that each node's children add up to it; the deepest
    level of projects (0: the projects sit under the 一级指标)."""
    deepest = depth + 1
    listed = _dicts(entries)
    for index, node in listed:
        at = (*loc, index)
        key = normalize_name(str(node.get("name")))
        if key in nodes:
            add("tree.duplicate-node", {"name": node.get("name")}, (*at, "name"))
        else:
            nodes[key] = (at, node)
        children = _dicts(node.get("children"))
        if children:
            parts = [(str(c.get("name")), _number(c.get("weight"))) for _, c in children]
            _check_sum(node, parts, at, add)
            deepest = max(deepest, _check_nodes(node.get("children"), (*at, "children"), nodes,
                                                add, depth + 1, raw))  # fmt: skip
    if depth == 0 and listed:
        total = _number(raw.get("total"))
        weights = [_number(n.get("weight")) for _, n in listed]
        if total is not None and None not in weights:
            found = sum(w for w in weights if w is not None)
            if abs(found - total) > 1e-6:
                params = {"sum": plain_number(found), "total": plain_number(total)}
                add("tree.weights-total", params, ("tree",))
    return deepest


def _check_sum(node: dict, parts: list[tuple[str, float | None]], loc: tuple, add: Add) -> None:
    """A node's children (nodes or projects) add up to its points."""
    weight = _number(node.get("weight"))
    if weight is None or any(w is None for _, w in parts):
        return  # the model reports a missing or wrong number
    found = sum(w for _, w in parts if w is not None)
    if abs(found - weight) > 1e-6:
        params = {
            "name": node.get("name"),
            "weight": plain_number(weight),
            "sum": plain_number(found),
            "children": [f"{n} {plain_number(w or 0)}" for n, w in parts],
        }
        add("tree.weights", params, (*loc, "weight"))
