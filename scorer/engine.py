"""Scoring: every district's points on every project, and the rescaled total."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import Issue
from .formula import parse_formula
from .intake import Dataset
from .methods import METHODS, Context
from .scheme import Adjustment, Project, Scheme

DETAIL_COLUMNS = ["district", "project", "part", "name", "method", "value", "fraction", "points"]


@dataclass
class Assessment:
    """Points per district and project, how each came about, and the totals."""

    scheme: Scheme
    month: int
    districts: list[str]
    scores: pd.DataFrame  # district × item: points, NaN where the project is suspended
    suspended: pd.DataFrame  # district × item: True where suspended (left out, 折算)
    details: pd.DataFrame  # one row per indicator, deduction, bonus and floor: DETAIL_COLUMNS
    earned: pd.Series
    available: pd.Series
    total: pd.Series
    survey: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)


def score(scheme: Scheme, data: Dataset, month: int | None = None) -> Assessment:
    """Score every district on every item of the scheme; rescale for suspended projects."""
    month = month or scheme.schedule.month
    districts = pd.Index(data.districts, name="district")
    items = [p.name for p in scheme.projects]
    scores = pd.DataFrame(np.nan, index=districts, columns=items)
    suspended = pd.DataFrame(False, index=districts, columns=items)
    rows = data.rows
    active = rows[~rows["suspended"].astype(bool)]
    issues: list[Issue] = []
    details: list[dict] = []  # column arrays, joined into one frame at the end

    for project in scheme.projects:
        if project.level == "district":
            points = _district_item(scheme, project, active, districts, month, details, issues)
        else:
            mine = rows[rows["project"] == project.name]
            held = mine.loc[mine["suspended"].astype(bool), "district"]
            suspended.loc[held, project.name] = True
            sub = active[active["project"] == project.name].set_index("district")
            points = _project_item(scheme, project, sub, month, details, issues)
        scores.loc[points.index, project.name] = points

    weights = pd.Series({p.name: p.weight for p in scheme.projects})
    earned = scores.where(~suspended).sum(axis=1, min_count=1)
    available = (~suspended).mul(weights, axis=1).sum(axis=1)
    for district in districts[available == 0]:
        issues.append(Issue("all-suspended", {"district": district}))
    total = earned * scheme.total / available.where(available > 0)
    detail = (
        pd.DataFrame({c: np.concatenate([d[c] for d in details]) for c in DETAIL_COLUMNS})
        if details
        else pd.DataFrame(columns=DETAIL_COLUMNS)
    )
    return Assessment(
        scheme,
        month,
        list(districts),
        scores,
        suspended,
        detail,
        earned,
        available,
        total,
        data.survey,
        issues,
    )


def _project_item(
    scheme: Scheme,
    project: Project,
    sub: pd.DataFrame,
    month: int,
    details: list,
    issues: list[Issue],
) -> pd.Series:
    """One project's points for the districts carrying it out (rows indexed by district)."""

    def column(name: str) -> pd.Series:
        return sub[scheme.column_key(name)].astype(float)

    return _apply_rules(scheme, project, sub.index, column, None, month, details, issues)


def _district_item(
    scheme: Scheme,
    project: Project,
    active: pd.DataFrame,
    districts: pd.Index,
    month: int,
    details: list,
    issues: list[Issue],
) -> pd.Series:
    """An item computed over all of a district's projects carried out (资金保障: Σ到位 ÷ Σ计划)."""
    grouping = active["district"]

    def column(name: str) -> pd.Series:
        return active[scheme.column_key(name)].astype(float)

    def group_sum(values: pd.Series) -> pd.Series:
        return values.groupby(grouping, sort=False).sum().reindex(districts)

    return _apply_rules(scheme, project, districts, column, group_sum, month, details, issues)


def _apply_rules(scheme, project, index, column, group_sum, month, details, issues) -> pd.Series:
    rules = scheme.rules_of(project)
    earned = pd.Series(0.0, index=index)
    for indicator in rules.indicators or []:
        value = _evaluate(indicator.value, column, group_sum, index)
        undefined = ~np.isfinite(value.to_numpy(dtype=float))
        for district in index[undefined]:
            if group_sum is None:
                params = {
                    "district": district,
                    "project": project.name,
                    "indicator": indicator.name,
                }
                issues.append(Issue("undefined-value", params))
            else:
                labels = "、".join(scheme.columns[k].label for k in _keys(scheme, indicator.value))
                detail = "分母合计为 0 (the denominator adds up to 0)"
                params = {
                    "district": district,
                    "project": project.name,
                    "detail": detail,
                    "labels": labels,
                }
                issues.append(Issue("undefined-district-item", params))
        value = value.where(~undefined)
        context = Context(points=project.weight * indicator.share, month=month, scheme=scheme)
        fraction = METHODS[indicator.method](value, indicator, context)
        points = fraction * context.points
        details.append(
            _detail(
                project.name, "indicator", indicator.name, indicator.method, value, fraction, points
            )
        )
        earned = earned + points
    adjustments = [("deduction", -1.0, item) for item in rules.deductions or []]
    adjustments += [("bonus", 1.0, item) for item in rules.bonuses or []]
    for part, sign, item in adjustments:
        count, amount = _adjustment(item, column, group_sum, index)
        details.append(_detail(project.name, part, item.name, None, count, None, sign * amount))
        earned = earned + sign * amount
    if rules.floor is not None:
        floored = earned.clip(lower=rules.floor)
        lifted = floored - earned
        if (lifted > 0).any():
            details.append(
                _detail(
                    project.name,
                    "floor",
                    "扣完为止",
                    None,
                    None,
                    None,
                    lifted.where(lifted > 0, 0.0),
                )
            )
        earned = floored
    return earned


def _evaluate(text: str, column, group_sum, index: pd.Index) -> pd.Series:
    value = parse_formula(text).evaluate(column, group_sum)
    if not isinstance(value, pd.Series):  # a formula of constants only
        value = pd.Series(float(value), index=index)
    return value.astype(float)


def _adjustment(
    item: Adjustment, column, group_sum, index: pd.Index
) -> tuple[pd.Series, pd.Series]:
    """(the counted value, the points it moves), capped at max_points, never negative."""
    if item.points is not None:
        value = _evaluate(item.points, column, group_sum, index).fillna(0.0)
        amount = value
    else:
        value = _evaluate(str(item.count), column, group_sum, index).fillna(0.0)
        amount = value * float(item.per_event or 0)
    amount = amount.clip(lower=0)
    if item.max_points is not None:
        amount = amount.clip(upper=item.max_points)
    return value, amount


def _keys(scheme: Scheme, text: str) -> list[str]:
    return [scheme.column_key(n) for n in parse_formula(text).names]


def _detail(project, part, name, method, value, fraction, points: pd.Series) -> dict:
    """One indicator's (deduction's, …) row per district, as column arrays."""
    n = len(points)

    def same(item):
        return np.full(n, item, dtype=object)

    def numbers(series):
        return series.to_numpy(dtype=float) if series is not None else np.full(n, np.nan)

    return {
        "district": points.index.to_numpy(dtype=object),
        "project": same(project),
        "part": same(part),
        "name": same(name),
        "method": same(method),
        "value": numbers(value),
        "fraction": numbers(fraction),
        "points": numbers(points),
    }
