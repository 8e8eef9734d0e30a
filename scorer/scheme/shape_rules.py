"""Checking the settings of issue 13's later shapes, each at its line: a yes/no indicator reads
a yes/no column, 功效系数法's satisfactory value lies beyond the worst allowed, standards and
levels are listed best first with one worth each, and caps have something to cap."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .names import normalize_name
from .wording import plain_number

Add = Callable[[str, dict, Iterable], None]


def _number(value: Any) -> float | None:
    return None if isinstance(value, bool) or not isinstance(value, (int, float)) else value


def _entries(value: Any) -> list[tuple[int, dict]]:
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]


def _rule_sets(raw: dict) -> list[tuple[tuple, dict]]:
    """Every mapping that holds rules, with its place: the templates and the projects."""
    found: list[tuple[tuple, dict]] = []
    templates = raw.get("templates")
    for name, template in templates.items() if isinstance(templates, dict) else []:
        if isinstance(template, dict):
            found.append((("templates", name), template))
    found += [(("projects", i), project) for i, project in _entries(raw.get("projects"))]
    return found


def check_methods(raw: dict, columns: dict, add: Add) -> None:
    """The cross-field rules of yes_no, efficacy, interpolate, per_event, highest_level and
    caps, wherever rules are written."""
    yes_no = {
        normalize_name(name)
        for key, column in columns.items()
        if isinstance(column, dict) and column.get("kind") == "yes_no"
        for name in [key, column.get("label"), *(column.get("aliases") or [])]
        if isinstance(name, str)
    }
    for loc, rules in _rule_sets(raw):
        for index, indicator in _entries(rules.get("indicators")):
            at = (*loc, "indicators", index)
            method = indicator.get("method")
            name = indicator.get("name")
            if method == "yes_no":
                _check_yes_no(indicator, yes_no, at, add)
            elif method == "efficacy":
                _check_efficacy(indicator, at, add)
            elif method == "interpolate":
                _check_ordered(indicator, "standards", "at", at, add)
            elif method == "per_event":
                given = [k for k in ("loss_points_per_event", "loss_per_event") if k in indicator]
                if len(given) != 1:
                    add("shape.per-event-amount", {"indicator": name}, at)
            elif method == "highest_level":
                _check_levels(indicator, at, add)
        _check_caps(rules, loc, add)
        _check_applies_column(rules, columns, loc, add)
    caps = raw.get("caps")
    if isinstance(caps, dict) and not any(
        rules.get("bonuses") or rules.get("deductions") for _, rules in _rule_sets(raw)
    ):
        add("shape.cap-unused", {"where": "caps"}, ("caps",))


def _check_yes_no(indicator: dict, yes_no: set[str], at: tuple, add: Add) -> None:
    """A yes/no indicator's value is one column of ``kind: yes_no``."""
    value = indicator.get("value")
    if isinstance(value, str) and normalize_name(value.strip()) not in yes_no:
        known = sorted(yes_no) or ["—"]
        params = {"indicator": indicator.get("name"), "value": value, "known": known}
        add("shape.yes-no-value", params, (*at, "value"))


def _check_efficacy(indicator: dict, at: tuple, add: Add) -> None:
    """满意值 beyond 不允许值 in the indicator's direction (not equal: nothing to scale)."""
    best, worst = _number(indicator.get("best")), _number(indicator.get("worst"))
    if best is None or worst is None:
        return
    lower = indicator.get("better") == "lower"
    if best == worst or (best < worst) != lower:
        params = {
            "indicator": indicator.get("name"),
            "best": plain_number(best),
            "worst": plain_number(worst),
            "direction": "lower" if lower else "higher",
        }
        add("shape.efficacy-bounds", params, (*at, "best"))


def _worth_given(entry: dict) -> bool:
    return ("points" in entry) != ("score" in entry)


def _check_ordered(indicator: dict, key: str, field: str, at: tuple, add: Add) -> None:
    """Standards best first (at falling; rising where lower is better), one worth each."""
    lower = indicator.get("better") == "lower"
    previous: float | None = None
    for index, entry in _entries(indicator.get(key)):
        where = (*at, key, index)
        if not _worth_given(entry):
            add("shape.worth", {"indicator": indicator.get("name"), "position": index + 1}, where)
        value = _number(entry.get(field))
        if (
            value is not None
            and previous is not None
            and (value >= previous if not lower else value <= previous)
        ):
            params = {"indicator": indicator.get("name"), "position": index + 1,
                      "value": plain_number(value), "previous": plain_number(previous),
                      "direction": "lower" if lower else "higher"}  # fmt: skip
            add("shape.standards-order", params, (*where, field))
        previous = value if value is not None else previous


def _check_levels(indicator: dict, at: tuple, add: Add) -> None:
    """Levels highest first: each with one worth, none worth more than the one above it."""
    previous: float | None = None
    for index, level in _entries(indicator.get("levels")):
        where = (*at, "levels", index)
        if not _worth_given(level):
            add("shape.worth", {"indicator": indicator.get("name"), "position": index + 1}, where)
            continue
        worth = _number(level.get("points", level.get("score")))
        if worth is not None and previous is not None and worth > previous:
            params = {"indicator": indicator.get("name"), "level": level.get("name"),
                      "worth": plain_number(worth), "previous": plain_number(previous)}  # fmt: skip
            add("shape.levels-order", params, where)
        previous = worth if worth is not None else previous


def _check_caps(rules: dict, loc: tuple, add: Add) -> None:
    """A project's (template's) caps on the sums of bonuses or deductions need such items."""
    caps = rules.get("caps")
    if not isinstance(caps, dict):
        return
    for side, items in (("max_bonus", "bonuses"), ("max_deduction", "deductions")):
        if side in caps and not rules.get(items):
            add("shape.cap-unused", {"where": f"caps.{side}"}, (*loc, "caps", side))


def _check_applies_column(project: dict, columns: dict, loc: tuple, add: Add) -> None:
    """applies_to by a column names a text column (kind: text) of the scheme."""
    rule = project.get("applies_to")
    if not isinstance(rule, dict) or not isinstance(rule.get("column"), str):
        return
    wanted = normalize_name(rule["column"])
    texts = []
    for key, column in columns.items():
        if not isinstance(column, dict) or column.get("kind") != "text":
            continue
        names = [key, column.get("label"), *(column.get("aliases") or [])]
        texts.append(str(column.get("label") or key))
        if wanted in {normalize_name(n) for n in names if isinstance(n, str)}:
            return
    params = {"column": rule["column"], "known": texts or ["—"]}
    add("shape.applies-column", params, (*loc, "applies_to", "column"))
