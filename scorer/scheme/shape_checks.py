"""Checking the rule shapes of issue 13 across fields, each at its line: vetoes naming real
grades, projects and awards; items for some units naming real groups and adding up per unit;
groupings without a unit in two groups; survey items with a survey to score."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..messages import Message, say
from .names import normalize_name
from .shape_rules import check_methods
from .wording import plain_number

Add = Callable[[str, dict, Iterable], None]


def _dicts(value: Any) -> list[tuple[int, dict]]:
    return (
        [(i, v) for i, v in enumerate(value or []) if isinstance(v, dict)]
        if isinstance(value, list)
        else []
    )


def _schema(add: Add, field: str, detail: Message, loc: tuple) -> None:
    add("schema", {"field": field, "detail": detail}, loc)


def uses_applies_to(raw: dict) -> bool:
    """Whether some project is for some units only and left out for the others: the weights
    then add up to the total per unit, not over all projects."""
    return any(
        isinstance(p.get("applies_to"), dict) and p.get("others", "excluded") == "excluded"
        for _, p in _dicts(raw.get("projects"))
    )


def check_shapes(raw: dict, columns: dict, add: Add) -> None:
    """Every cross-field rule of the shapes."""
    groups: dict = raw["groups"] if isinstance(raw.get("groups"), dict) else {}
    _check_groups(groups, add)
    _check_applies_to(raw, groups, add)
    _check_unit_weights(raw, groups, add)
    _check_vetoes(raw, add)
    _check_survey_items(raw, add)
    check_methods(raw, columns, add)


def _check_groups(groups: dict, add: Add) -> None:
    """A unit belongs to at most one group of each grouping."""
    for grouping, members in groups.items():
        if not isinstance(members, dict):
            continue
        seen: dict[str, str] = {}
        for group, units in members.items():
            for position, unit in enumerate(units if isinstance(units, list) else []):
                if not isinstance(unit, str):
                    continue
                key = normalize_name(unit)
                if key in seen and seen[key] != group:
                    detail = say(
                        "detail.unit_in_two_groups", unit=unit, first=seen[key], second=group
                    )
                    _schema(
                        add, f"groups.{grouping}", detail, ("groups", grouping, group, position)
                    )
                seen.setdefault(key, group)


def _check_applies_to(raw: dict, groups: dict, add: Add) -> None:
    """applies_to names a grouping of ``groups`` and groups in it; others needs applies_to."""
    for index, project in _dicts(raw.get("projects")):
        rule = project.get("applies_to")
        loc = ("projects", index)
        if "others" in project and rule is None:
            detail = say("detail.others_needs_applies_to")
            _schema(add, f"projects[{index}].others", detail, (*loc, "others"))
        if not isinstance(rule, dict) or not isinstance(rule.get("group"), str):
            continue
        grouping = rule["group"]
        if grouping not in groups:
            known = list(groups) or say("detail.no_groups")
            detail = say("detail.no_such_grouping", grouping=grouping, known=known)
            _schema(
                add, f"projects[{index}].applies_to.group", detail, (*loc, "applies_to", "group")
            )
            continue
        members = groups[grouping] if isinstance(groups[grouping], dict) else {}
        for position, name in enumerate(rule.get("in") or []):
            if name not in members:
                detail = say(
                    "detail.no_such_group", grouping=grouping, name=name, known=list(members)
                )
                _schema(add, f"projects[{index}].applies_to.in", detail,
                        (*loc, "applies_to", "in", position))  # fmt: skip


def _units_named(raw: dict, groups: dict) -> list[str]:
    units: list[str] = []
    for members in groups.values():
        for listed in (members or {}).values() if isinstance(members, dict) else []:
            units += [u for u in listed or [] if isinstance(u, str)]
    for _, project in _dicts(raw.get("projects")):
        rule = project.get("applies_to")
        if isinstance(rule, dict):
            units += [u for u in rule.get("units") or [] if isinstance(u, str)]
    return list(dict.fromkeys(units))


def _applies(project: dict, unit: str, groups: dict) -> bool:
    rule = project.get("applies_to")
    if not isinstance(rule, dict) or project.get("others", "excluded") != "excluded":
        return True
    wanted = normalize_name(unit)
    if isinstance(rule.get("units"), list):
        return wanted in {normalize_name(u) for u in rule["units"] if isinstance(u, str)}
    members = groups.get(rule.get("group"), {}) if isinstance(groups, dict) else {}
    return any(
        wanted in {normalize_name(u) for u in members.get(g, []) or [] if isinstance(u, str)}
        for g in rule.get("in") or []
        if isinstance(members, dict)
    )


def _check_unit_weights(raw: dict, groups: dict, add: Add) -> None:
    """With items for some units only, each unit's items add up to the total (40 + 60 = 100),
    so that no unit's total is rescaled: checked for every unit the scheme names."""
    if not uses_applies_to(raw):
        return
    rules = [p.get("applies_to") for _, p in _dicts(raw.get("projects"))]
    if any(isinstance(rule, dict) and "column" in rule for rule in rules):
        return  # which units a column picks is known from the data only
    total = raw.get("total")
    if isinstance(total, bool) or not isinstance(total, (int, float)):
        return
    projects = [p for _, p in _dicts(raw.get("projects"))]
    weights = [p.get("weight") for p in projects]
    if any(isinstance(w, bool) or not isinstance(w, (int, float)) for w in weights):
        return
    for unit in _units_named(raw, groups):
        weight_sum = sum(p["weight"] for p in projects if _applies(p, unit, groups))
        if abs(weight_sum - total) > 1e-6:
            params = {"unit": unit, "sum": plain_number(weight_sum), "total": plain_number(total)}
            add("unit-weights-total", params, ("total",))


def _check_vetoes(raw: dict, add: Add) -> None:
    """A veto's grade, project and awards exist."""
    grades: dict = raw["grades"] if isinstance(raw.get("grades"), dict) else {}
    names = set()
    for _, project in _dicts(raw.get("projects")):
        aliases: list = project["aliases"] if isinstance(project.get("aliases"), list) else []
        names |= {normalize_name(n) for n in [project.get("name"), *aliases] if isinstance(n, str)}
    award_names = [a.get("name") for _, a in _dicts(raw.get("awards"))]
    for index, veto in _dicts(raw.get("vetoes")):
        loc = ("vetoes", index)
        grade = veto.get("grade")
        if isinstance(grade, str) and grades and grade not in grades:
            detail = say("detail.no_grade", grade=grade, grades=list(grades))
            _schema(add, f"vetoes[{index}].grade", detail, (*loc, "grade"))
        wanted = veto.get("project")
        if isinstance(wanted, str) and normalize_name(wanted) not in names:
            detail = say("detail.no_such_project", name=wanted)
            _schema(add, f"vetoes[{index}].project", detail, (*loc, "project"))
        listed = veto.get("awards")
        for position, name in enumerate(listed if isinstance(listed, list) else []):
            if name not in award_names:
                known = [str(n) for n in award_names] or say("detail.no_awards")
                detail = say("detail.no_such_award", name=name, known=known)
                _schema(add, f"vetoes[{index}].awards", detail, (*loc, "awards", position))


def _check_survey_items(raw: dict, add: Add) -> None:
    """A project scored on the survey needs the scheme's survey section."""
    for index, project in _dicts(raw.get("projects")):
        if project.get("level") == "survey" and not isinstance(raw.get("survey"), dict):
            detail = say("detail.survey_item_needs_survey")
            _schema(add, f"projects[{index}].level", detail, ("projects", index, "level"))
