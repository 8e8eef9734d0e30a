"""What if: a copy of a scheme with some weights (项目=分值) or method parameters changed."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from .errors import UsageError
from .messages import Message, say
from .scheme.model import INDICATOR_MODELS, LARGEST, RULE_KEYS, Indicator, Project, Scheme
from .scheme.names import ProjectIndex, normalize_name
from .scheme.wording import describe_error, dotted_path

Said = Message  # what a change did


def changed(
    scheme: Scheme, settings: list[str], keep_total: bool = False
) -> tuple[Scheme, list[Said]]:
    """A copy of ``scheme`` with weights (项目=分值) or method parameters (项目.指标.参数=值)
    changed, and what changed in words. A changed weight changes the total by as much, unless
    ``keep_total`` scales every weight so the total stays; grades are shares of the total, so
    their bands follow it."""
    index = ProjectIndex(scheme.projects)
    # exclude_unset: a field a project leaves to its template must stay unset, or the copy would
    # take it as its own (no indicators) and lose the template's
    projects = {p.name: p.model_dump(exclude_unset=True) for p in scheme.projects}
    templates = {n: r.model_dump(exclude_unset=True) for n, r in scheme.templates.items()}
    said: list[Said] = []
    for setting in settings:
        name, path, value = _parse_setting(setting)
        if name in templates and len(path) >= 2:  # 模板.指标.参数: every project using it
            said.append(_set_in_template(templates[name], name, path, value, setting))
            continue
        match = index.match(name)
        if match.project is None:
            hint = (
                say("did_you_mean", name=match.suggestion)
                if match.suggestion
                else say("set.ambiguous", names=list(match.ambiguous))
                if match.ambiguous
                else say("check_project_name")
            )
            raise UsageError(say("set.no_project", setting=setting, name=name, hint=hint))
        project = projects[match.project.name]
        if not path:
            said.append(_set_weight(project, match.project.name, value, setting))
        else:
            said.append(_set_in_project(scheme, match.project, project, path, value, setting))
    raw = scheme.model_dump(exclude_unset=True)
    raw["projects"] = [projects[p.name] for p in scheme.projects]
    raw["templates"] = templates
    said += _settle_total(raw, scheme.total, keep_total, sum(p.weight for p in scheme.projects))
    try:
        return Scheme.model_validate(raw).read_like(scheme), said
    except ValidationError as exc:  # e.g. a total beyond POINTS_LIMIT
        error = exc.errors()[0]
        where = dotted_path(error["loc"])
        raise UsageError(
            say("set.invalid", settings=settings, where=where, detail=describe_error(error))
        ) from None


def _parse_setting(setting: str) -> tuple[str, list[str], float]:
    """项目=分值 or 项目.指标.参数=值 taken apart: the project or template, the path, the value."""
    target, sep, text = setting.rpartition("=")
    try:
        value: float | None = float(text)
    except ValueError:
        value = None
    if not sep or value is None:
        raise UsageError(say("set.form", setting=setting))
    if not math.isfinite(value) or abs(value) > LARGEST:
        raise UsageError(say("set.not_a_number", setting=setting, text=text))
    name, *path = target.split(".")
    return name, path, value


def _set_weight(project: dict, name: str, value: float, setting: str) -> Said:
    """A project's weight changed in its dumped form."""
    if value <= 0:
        raise UsageError(say("set.weight_positive", setting=setting))
    said = say("whatif.weight", name=name, before=project["weight"], after=value)
    project["weight"] = value
    return said


def _set_in_template(
    template: dict, name: str, path: list[str], value: float, setting: str
) -> Said:
    """A template's indicator parameter changed, for every project that uses it."""
    before = _set_parameter(template, path[0], path[1:], value, setting)
    return say(
        "whatif.template", name=name, indicator=path[0], parameter=".".join(path[1:]),
        before=before, after=value,
    )  # fmt: skip


def _set_in_project(
    scheme: Scheme, target: Project, project: dict, path: list[str], value: float, setting: str
) -> Said:
    """A project's indicator parameter changed: the project takes its effective rules as its
    own, so a template it shares with others stays as it was."""
    if len(path) < 2:
        raise UsageError(say("set.indicator_form", setting=setting))
    rules = scheme.rules_of(target).model_dump()
    before = _set_parameter(rules, path[0], path[1:], value, setting)
    project.update({k: rules[k] for k in RULE_KEYS}, template=None)
    return say(
        "whatif.project", name=target.name, indicator=path[0], parameter=".".join(path[1:]),
        before=before, after=value,
    )  # fmt: skip


def _set_parameter(
    rules: dict, indicator_name: str, parameter: list[str], value: float, setting: str
) -> Any:
    """Set one indicator parameter in a dumped Rules (a project's or a template's), validated
    as in a rule file; the value it had. ``parameter`` is a field (full_at), or a path into one:
    a step's field (gain.per), a tier's (tiers.2.min, tiers counted from 1), a month's expected
    progress (expected.7)."""
    indicators = rules.get("indicators") or []
    found = [i for i in indicators if normalize_name(i["name"]) == normalize_name(indicator_name)]
    if not found:
        known = [i["name"] for i in indicators]
        raise UsageError(say("set.no_indicator", setting=setting, name=indicator_name, known=known))
    model = INDICATOR_MODELS[found[0]["method"]]
    field = parameter[0]
    if field in ("name", "method", "value") or field not in model.model_fields:
        raise UsageError(
            say("set.no_parameter", setting=setting, name=indicator_name, parameter=field)
        )
    if len(parameter) == 1:
        before = found[0].get(field, model.model_fields[field].default)
        found[0][field] = value
    else:
        before = _set_inside(found[0].get(field), parameter[1:], value)
        if before is _MISSING:
            shown = ".".join(parameter)
            raise UsageError(
                say("set.no_parameter", setting=setting, name=indicator_name, parameter=shown)
            )
    try:
        _indicator_adapter().validate_python(found[0])
    except ValidationError as exc:
        raise UsageError(
            say("set.bad_value", setting=setting, detail=describe_error(exc.errors()[0]))
        ) from None
    return before


_MISSING = object()


def _set_inside(node: Any, path: list[str], value: float) -> Any:
    """Set the number at ``path`` inside a dumped step, tier list or month table; the number
    it replaced, or _MISSING when the path names nothing there (nothing is then changed)."""
    for position, part in enumerate(path):
        last = position == len(path) - 1
        if isinstance(node, list):
            if not part.isdigit() or not 1 <= int(part) <= len(node):
                return _MISSING
            key: Any = int(part) - 1
        elif isinstance(node, dict):
            key = int(part) if part.isdigit() and int(part) in node else part
            if key not in node:
                return _MISSING
        else:
            return _MISSING
        if last:
            before = node[key]
            if isinstance(before, (dict, list, str, bool)):
                return _MISSING
            node[key] = value
            return before
        node = node[key]
    return _MISSING


@dataclass(frozen=True)
class Parameter:
    """One number of an indicator's rule a what-if can change, and the setting that names it
    (项目.指标.参数, or 模板.指标.参数 for every project that uses the template)."""

    owner: str  # the project, or the template
    indicator: str
    path: tuple[str, ...]  # ("full_at",), ("tiers", "2", "min"), ("gain", "per"), ("expected", "7")
    value: float
    template: bool = False

    @property
    def setting(self) -> str:
        return ".".join((self.owner, self.indicator, *self.path))


# Not offered: the indicator's share (a project's shares must add up to 1, so one alone cannot
# change), the words of a rule (its formula, unit, order) and a rank band's ranks (1-3).
_NOT_PARAMETERS = {"name", "method", "value", "unit", "better", "share", "order", "ranks", "by"}


def parameters(scheme: Scheme) -> list[Parameter]:
    """Every number of every indicator's rule, as ``--set`` names it: each template's (changed
    for all its projects), then each project's own (changed for that project only)."""
    found: list[Parameter] = []
    for name, rules in scheme.templates.items():
        for indicator in rules.indicators or []:
            found += _numbers_of(name, indicator, template=True)
    for project in scheme.projects:
        for indicator in scheme.rules_of(project).indicators or []:
            found += _numbers_of(project.name, indicator)
    return found


def _numbers_of(owner: str, indicator: Any, template: bool = False) -> list[Parameter]:
    found: list[Parameter] = []

    def walk(node: Any, path: tuple[str, ...]) -> None:
        if isinstance(node, bool) or node is None or isinstance(node, str):
            return
        if isinstance(node, (int, float)):
            found.append(Parameter(owner, indicator.name, path, float(node), template))
        elif isinstance(node, dict):
            for key, inner in node.items():
                if key not in _NOT_PARAMETERS:
                    walk(inner, (*path, str(key)))
        elif isinstance(node, list):
            for number, inner in enumerate(node, start=1):
                walk(inner, (*path, str(number)))

    for field, value in indicator.model_dump().items():
        if field not in _NOT_PARAMETERS:
            walk(value, (field,))
    return found


@functools.cache
def _indicator_adapter() -> TypeAdapter:
    """The validator of one indicator, built once rather than for every parameter changed:
    building it costs about as much as validating a whole scheme."""
    return TypeAdapter(Indicator)


def _settle_total(raw: dict, total: float, keep_total: bool, before: float) -> list[Said]:
    """The total after the weights changed (``before``: their sum as written): scaled back to
    ``total`` with ``keep_total``, else moved by as much as the weights (the grades follow it).
    Compared with the weights as written, not with the total: where items are for some units
    only (applies_to) the weights add up to more than the total, and a change of a method's
    parameter must leave the total as it is."""
    weight_sum = sum(p["weight"] for p in raw["projects"])
    if abs(weight_sum - before) <= 1e-9:
        return []
    if keep_total:
        factor = before / weight_sum
        for p in raw["projects"]:
            p["weight"] *= factor
        return [say("whatif.scaled", factor=factor, total=total)]
    after = total + weight_sum - before
    raw["total"] = after
    return [say("whatif.total", before=total, after=after)]
