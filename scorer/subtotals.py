"""Subtotals of the indicator tree (指标体系, issue 13 shape 19): each 一级 / 二级 … 指标's
points per unit, the sum of the projects below it; none for a scheme without a tree."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .engine import Assessment
from .messages import render
from .scheme import Scheme
from .scheme.tree import node_projects, walk


@dataclass
class Subtotal:
    """One indicator of the tree: its place, its points, and each unit's points under it."""

    name: str
    depth: int  # 0: 一级指标
    parent: str | None
    weight: float
    projects: list[str]  # the projects below it, in the scheme's order
    points: Any  # pandas Series, unit -> points earned below it; NaN: nothing below was scored
    available: Any  # pandas Series, unit -> the points of what was scored below (not suspended)


def level_name(levels: list[str] | None, depth: int, lang: str) -> str:
    """What a level is called: the scheme's ``levels`` (as written), else 一级指标, 二级指标…"""
    if levels is not None and depth < len(levels):
        return levels[depth]
    return render(f"tree.level.{min(depth, 5) + 1}", lang)


def project_depth(scheme: Scheme) -> int:
    """The level the projects are at: one below the deepest indicator of the tree."""
    if not scheme.tree:
        return 0
    return max(depth for _, depth in walk(scheme.tree)) + 1


def subtotals(assessment: Assessment) -> list[Subtotal]:
    """Every indicator of the tree, parents before their children, with each unit's points
    (the projects below it, as scored: suspended ones and those not applying left out)."""
    scheme = assessment.scheme
    if not scheme.tree:
        return []
    parents = {p.name: p.parent for p in scheme.projects}
    below = node_projects(scheme.tree, parents)
    order = {p.name: i for i, p in enumerate(scheme.projects)}
    weights = {p.name: float(p.weight) for p in scheme.projects}
    scored = ~assessment.suspended
    if assessment.inapplicable is not None:
        scored = scored & ~assessment.inapplicable
    found = []
    up: dict[str, str | None] = {}
    for node, depth in walk(scheme.tree):
        for child in node.children:
            up[child.name] = node.name
        names = sorted(below.get(node.name, []), key=order.__getitem__)
        taken = scored[names]
        points = assessment.scores[names].where(taken).sum(axis=1, min_count=1)
        available = taken.astype(float).dot(np.array([weights[n] for n in names], dtype=float))
        found.append(
            Subtotal(node.name, depth, up.get(node.name), float(node.weight), names, points,
                     available)
        )  # fmt: skip
    return found


def level_tables(assessment: Assessment, order: list[str], lang: str) -> list[dict] | None:
    """The reports' tables of subtotals, one per level of the tree: a column per indicator of
    that level (with its points), a row per unit in ``order`` (rank order). None: no tree."""
    found = subtotals(assessment)
    if not found:
        return None
    scheme = assessment.scheme
    tables = []
    for depth in sorted({s.depth for s in found}):
        here = [s for s in found if s.depth == depth]
        level = level_name(scheme.levels, depth, lang)
        rows = []
        for unit in order:
            cells = []
            for s in here:
                value = s.points.get(unit)
                cells.append(None if value is None or math.isnan(value) else float(value))
            rows.append({"district": unit, "cells": cells})
        tables.append(
            {
                "level": level,
                "title": render("tree.table", lang, level=level),
                "columns": [{"name": s.name, "weight": s.weight, "parent": s.parent} for s in here],
                "rows": rows,
            }
        )
    return tables


def unit_subtotals(found: list[Subtotal], unit: str, levels: list[str] | None) -> list[dict]:
    """One unit's subtotals, parents before their children: depth, name, weight, points (None:
    nothing below was scored) and the points available below it."""
    said = []
    for s in found:
        points = s.points.get(unit)
        said.append(
            {
                "depth": s.depth,
                "levels": levels,
                "name": s.name,
                "weight": s.weight,
                "points": None if points is None or math.isnan(points) else float(points),
                "available": float(s.available.get(unit, 0.0)),
            }
        )
    return said


def subtotal_words(lines: list[dict], lang: str) -> list[str]:
    """A unit's subtotals in words: 一级指标“决策”：13.20 分（满分 15 分）."""
    said = []
    for s in lines:
        points, available = s["points"], s["available"]
        level = level_name(s["levels"], s["depth"], lang)
        params = {"level": level, "name": s["name"], "weight": _plain(s["weight"])}
        if points is None:
            said.append(render("tree.subtotal.none", lang, **params))
        elif abs(available - s["weight"]) > 1e-9:
            said.append(
                render("tree.subtotal.rescaled", lang, points=f"{points:.2f}",
                       available=_plain(available), **params)
            )  # fmt: skip
        else:
            said.append(render("tree.subtotal", lang, points=f"{points:.2f}", **params))
    return said


def _plain(value: float) -> str:
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def subtotal_outline(lines: list[dict], lang: str) -> list[dict]:
    """A unit's subtotals as an outline for the HTML report: {"said", "children"} per
    indicator, its children the indicators below it."""
    top: list[dict] = []
    stack: list[tuple[int, list[dict]]] = [(-1, top)]
    for said, s in zip(subtotal_words(lines, lang), lines):
        while stack[-1][0] >= s["depth"]:
            stack.pop()
        node: dict = {"said": said, "children": []}
        stack[-1][1].append(node)
        stack.append((s["depth"], node["children"]))
    return top
