"""What if: a copy of a scheme with some weights (项目=分值) or method parameters changed."""

from __future__ import annotations

import functools
import math
from typing import Any

from pydantic import TypeAdapter, ValidationError

from .errors import UsageError
from .messages import Message, say
from .scheme.model import INDICATOR_MODELS, LARGEST, Indicator, Project, Scheme
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
        if name in templates and len(path) == 2:  # 模板.指标.参数: every project using it
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
    said += _settle_total(raw, scheme.total, keep_total)
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
    before = _set_parameter(template, path[0], path[1], value, setting)
    return say(
        "whatif.template", name=name, indicator=path[0], parameter=path[1], before=before,
        after=value,
    )  # fmt: skip


def _set_in_project(
    scheme: Scheme, target: Project, project: dict, path: list[str], value: float, setting: str
) -> Said:
    """A project's indicator parameter changed: the project takes its effective rules as its
    own, so a template it shares with others stays as it was."""
    if len(path) != 2:
        raise UsageError(say("set.indicator_form", setting=setting))
    rules = scheme.rules_of(target).model_dump()
    before = _set_parameter(rules, path[0], path[1], value, setting)
    project.update(
        {k: rules[k] for k in ("indicators", "deductions", "bonuses", "floor")}, template=None
    )
    return say(
        "whatif.project", name=target.name, indicator=path[0], parameter=path[1], before=before,
        after=value,
    )  # fmt: skip


def _set_parameter(
    rules: dict, indicator_name: str, parameter: str, value: float, setting: str
) -> Any:
    """Set one indicator parameter in a dumped Rules (a project's or a template's), validated
    as in a rule file; the value it had."""
    indicators = rules.get("indicators") or []
    found = [i for i in indicators if normalize_name(i["name"]) == normalize_name(indicator_name)]
    if not found:
        known = [i["name"] for i in indicators]
        raise UsageError(say("set.no_indicator", setting=setting, name=indicator_name, known=known))
    model = INDICATOR_MODELS[found[0]["method"]]
    if parameter in ("name", "method", "value") or parameter not in model.model_fields:
        raise UsageError(
            say("set.no_parameter", setting=setting, name=indicator_name, parameter=parameter)
        )
    before = found[0].get(parameter, model.model_fields[parameter].default)
    found[0][parameter] = value
    try:
        _indicator_adapter().validate_python(found[0])
    except ValidationError as exc:
        raise UsageError(
            say("set.bad_value", setting=setting, detail=describe_error(exc.errors()[0]))
        ) from None
    return before


@functools.cache
def _indicator_adapter() -> TypeAdapter:
    """The validator of one indicator, built once rather than for every parameter changed:
    building it costs about as much as validating a whole scheme."""
    return TypeAdapter(Indicator)


def _settle_total(raw: dict, total: float, keep_total: bool) -> list[Said]:
    """The total after the weights changed: scaled back to ``total`` with ``keep_total``, else
    the new sum of the weights (the grades follow it)."""
    weight_sum = sum(p["weight"] for p in raw["projects"])
    if abs(weight_sum - total) <= 1e-9:
        return []
    if keep_total:
        factor = total / weight_sum
        for p in raw["projects"]:
            p["weight"] *= factor
        return [say("whatif.scaled", factor=factor, total=total)]
    raw["total"] = weight_sum
    return [say("whatif.total", before=total, after=weight_sum)]
