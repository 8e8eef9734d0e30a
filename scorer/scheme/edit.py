"""Editing a rule file's numbers in its text: the weights and method parameters it writes,
changed in place so that every comment, key order and quote stays as the author wrote it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import yaml

from ..errors import Issue
from .load import _YAML_LOADER, YamlLimit, _check_yaml_limits
from .validate import check_scheme_text
from .wording import plain_number

# the numbers the form offers: a project's weight, and the numbers of its (or a template's)
# indicators, deductions and bonuses; the scheme's total
_PARTS = ("indicators", "deductions", "bonuses")


@dataclass(frozen=True)
class Field:
    """One number written in the rule file, where it stands and what it belongs to."""

    key: str  # the form's name for it: "projects.3.weight"
    owner: str  # the project or template it belongs to ("" for the scheme's total)
    part: str  # the indicator, deduction or bonus named (“” for a weight or the total)
    name: str  # weight, total, or the parameter's key (loss_per_point)
    value: float
    line: int
    start: int  # the value's characters in the text
    end: int


def _number(node: yaml.Node) -> float | None:
    if not isinstance(node, yaml.ScalarNode) or node.style not in (None, ""):
        return None  # quoted: a string, not a number
    try:
        value = float(node.value)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _mapping(node: yaml.Node | None) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _field(key: str, owner: str, part: str, name: str, node: yaml.Node) -> Field | None:
    value = _number(node)
    if value is None:
        return None
    mark, end = node.start_mark, node.end_mark
    return Field(key, owner, part, name, value, mark.line + 1, mark.index, end.index)


def _rule_fields(rules: dict[str, yaml.Node], prefix: str, owner: str) -> list[Field]:
    """The numbers of a project's or template's indicators, deductions and bonuses."""
    found: list[Field] = []
    for part in _PARTS:
        items = rules.get(part)
        if not isinstance(items, yaml.SequenceNode):
            continue
        for index, item in enumerate(items.value):
            values = _mapping(item)
            label = values["name"].value if isinstance(values.get("name"), yaml.ScalarNode) else ""
            for name, node in values.items():
                field = _field(f"{prefix}.{part}.{index}.{name}", owner, label, name, node)
                if field is not None:
                    found.append(field)
    return found


def numeric_fields(text: str) -> list[Field]:
    """Every number the form may change, in the order the file writes them: the total, each
    project's weight and its rules' numbers, each template's numbers."""
    try:
        _check_yaml_limits(text)
        root = yaml.compose(text, Loader=_YAML_LOADER)
    except (yaml.YAMLError, YamlLimit):
        return []
    top = _mapping(root)
    found: list[Field] = []
    if "total" in top and (total := _field("total", "", "", "total", top["total"])):
        found.append(total)
    projects = top.get("projects")
    for index, node in enumerate(projects.value if isinstance(projects, yaml.SequenceNode) else []):
        values = _mapping(node)
        owner = values["name"].value if isinstance(values.get("name"), yaml.ScalarNode) else ""
        prefix = f"projects.{index}"
        if "weight" in values and (weight := _field(f"{prefix}.weight", owner, "", "weight",
                                                    values["weight"])):  # fmt: skip
            found.append(weight)
        found += _rule_fields(values, prefix, owner)
    for name, node in _mapping(top.get("templates")).items():
        found += _rule_fields(_mapping(node), f"templates.{name}", name)
    return found


def edit_numbers(text: str, values: dict[str, float]) -> str:
    """The text with the numbers named by field key changed in place; nothing else touched."""
    fields = {f.key: f for f in numeric_fields(text)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise KeyError(unknown)
    edits = sorted((fields[k] for k in values), key=lambda f: f.start, reverse=True)
    for field in edits:
        text = text[: field.start] + plain_number(values[field.key]) + text[field.end :]
    return text


def check_edit(
    text: str, values: dict[str, float], file: str
) -> tuple[str, dict[str, list[Issue]], list[Issue]]:
    """The edited text checked as ``scorer rules check`` checks a file: the new text, each
    problem at the field on its line, and the problems on no field's line."""
    edited = edit_numbers(text, values)
    _, issues = check_scheme_text(edited, file)
    by_line: dict[int, str] = {}
    for field in numeric_fields(edited):
        by_line.setdefault(field.line, field.key)  # several on one line: the first
    at: dict[str, list[Issue]] = {}
    elsewhere: list[Issue] = []
    for issue in issues:
        key = by_line.get(issue.line) if issue.line is not None else None
        if key is None:
            elsewhere.append(issue)
        else:
            at.setdefault(key, []).append(issue)
    return edited, at, elsewhere
