"""Scoring: every district's points on every project, and the rescaled total."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from .errors import Issue
from .formula import parse_formula
from .intake import Dataset
from .methods import METHODS, Context
from .scheme import Adjustment, Project, Scheme

DETAIL_COLUMNS = ["district", "project", "part", "name", "method", "value", "fraction", "points"]
# text kept as Python objects: pandas would convert each to Arrow strings, at a cost
_DTYPES = {c: object for c in DETAIL_COLUMNS[:5]} | {c: float for c in DETAIL_COLUMNS[5:]}


@dataclass
class Assessment:
    """Points per district and project, how each came about, and the totals."""

    scheme: Scheme
    month: int
    districts: list[str]
    scores: pd.DataFrame  # district × item: points, NaN where the project is suspended
    suspended: pd.DataFrame  # district × item: True where suspended (left out, 折算)
    parts: list[dict]  # every indicator, deduction, bonus and floor, as column arrays
    earned: pd.Series
    available: pd.Series
    total: pd.Series
    survey: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)  # district -> city (所属市)
    level: str = "district"  # "city" when counties were rolled up into their cities

    @cached_property
    def details(self) -> pd.DataFrame:
        """One row per district and indicator (deduction, bonus, floor): DETAIL_COLUMNS. Made
        when first asked for: a ranking alone does not need it."""
        return _details_frame(self.parts)


def score(scheme: Scheme, data: Dataset, month: int | None = None) -> Assessment:
    """Score every district on every item of the scheme; rescale for suspended projects.

    The rules work on numpy arrays, a project's rows at a time; the frames are made at the end."""
    month = month or scheme.schedule.month
    # object indexes: pandas would make Arrow string ones, converted back on every lookup
    districts = pd.Index(data.districts, name="district", dtype=object)
    items = pd.Index([p.name for p in scheme.projects], dtype=object)
    # column-major, as a frame keeps its numbers: the frames below are made without a copy
    points = np.full((len(districts), len(items)), np.nan, order="F")
    held = np.zeros((len(districts), len(items)), dtype=bool, order="F")
    rows = data.rows
    issues: list[Issue] = []
    details: list[dict] = []  # column arrays, joined into one frame at the end

    by_project = rows.groupby("project", sort=False).indices  # positions of each project's rows
    flags = rows["suspended"].to_numpy(dtype=bool)
    place = districts.get_indexer(rows["district"])  # each row's district, as a position
    names = rows["district"].to_numpy(dtype=object)
    measures = {key: rows[key].to_numpy(dtype=float) for key in scheme.measure_keys()}
    active = np.flatnonzero(~flags)
    with np.errstate(divide="ignore", invalid="ignore"):  # x/0 is a located problem, not noise
        for column, project in enumerate(scheme.projects):
            if project.level == "district":
                points[:, column] = _district_item(
                    scheme, project, measures, active, place, districts, month, details, issues
                )
                continue
            positions = by_project.get(project.name, np.array([], dtype=int))
            held[place[positions[flags[positions]]], column] = True
            taken = positions[~flags[positions]]

            def values(name: str, taken=taken) -> np.ndarray:
                return measures[scheme.column_key(name)][taken]

            points[place[taken], column] = _apply_rules(
                scheme, project, names[taken], values, None, month, details, issues
            )

    scores = pd.DataFrame(points, index=districts, columns=items)
    suspended = pd.DataFrame(held, index=districts, columns=items)
    weights = np.array([p.weight for p in scheme.projects], dtype=float)
    earned = scores.where(~suspended).sum(axis=1, min_count=1)
    available = pd.Series((~held * weights).sum(axis=1), index=districts)
    for district in districts[available.to_numpy() == 0]:
        issues.append(Issue("all-suspended", {"district": district}))
    total = earned * scheme.total / available.where(available > 0)
    return Assessment(
        scheme,
        month,
        list(districts),
        scores,
        suspended,
        details,
        earned,
        available,
        total,
        data.survey,
        issues,
        data.groups,
        "district" if data.members is None else "city",
    )


def _district_item(
    scheme: Scheme,
    project: Project,
    measures: dict[str, np.ndarray],
    active: np.ndarray,
    place: np.ndarray,
    districts: pd.Index,
    month: int,
    details: list,
    issues: list[Issue],
) -> np.ndarray:
    """An item computed over all of a district's projects carried out (资金保障: Σ到位 ÷ Σ计划):
    ``sum()`` adds the rows of each district, a district without such rows has no value."""
    owner = place[active]

    def values(name: str) -> np.ndarray:
        return measures[scheme.column_key(name)][active]

    def group_sum(row_values) -> np.ndarray:
        row_values = np.broadcast_to(np.asarray(row_values, dtype=float), owner.shape)
        # pandas adds with Kahan's compensated summation: no float noise from the row order
        sums = pd.Series(row_values).groupby(owner).sum()
        result = np.full(len(districts), np.nan)
        result[sums.index.to_numpy()] = sums.to_numpy()
        return result

    index = districts.to_numpy(dtype=object)
    return _apply_rules(scheme, project, index, values, group_sum, month, details, issues)


def _apply_rules(scheme, project, index, column, group_sum, month, details, issues) -> np.ndarray:
    """One project's points for the districts in ``index``: its indicators, deductions, bonuses
    and floor, each recorded in ``details``."""
    rules = scheme.rules_of(project)
    earned = np.zeros(len(index))
    for indicator in rules.indicators or []:
        value = _evaluate(indicator.value, column, group_sum, len(index))
        undefined = ~np.isfinite(value)
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
        value = np.where(undefined, np.nan, value)
        context = Context(points=project.weight * indicator.share, month=month, scheme=scheme)
        fraction = METHODS[indicator.method](value, indicator, context)
        points = fraction * context.points
        details.append(
            _detail(
                index, project.name, "indicator", indicator.name, indicator.method, value,
                fraction, points,
            )
        )  # fmt: skip
        earned = earned + points
    adjustments = [("deduction", -1.0, item) for item in rules.deductions or []]
    adjustments += [("bonus", 1.0, item) for item in rules.bonuses or []]
    for part, sign, item in adjustments:
        count, amount = _adjustment(item, column, group_sum, len(index))
        details.append(
            _detail(index, project.name, part, item.name, None, count, None, sign * amount)
        )
        earned = earned + sign * amount
    if rules.floor is not None:
        floored = np.maximum(earned, rules.floor)
        lifted = floored - earned
        if (lifted > 0).any():
            details.append(
                _detail(
                    index, project.name, "floor", "扣完为止", None, None, None,
                    np.where(lifted > 0, lifted, 0.0),
                )
            )  # fmt: skip
        earned = floored
    return earned


def _evaluate(text: str, column, group_sum, count: int) -> np.ndarray:
    value = parse_formula(text).evaluate(column, group_sum)
    return np.broadcast_to(np.asarray(value, dtype=float), (count,))  # constants: one per row


def _adjustment(item: Adjustment, column, group_sum, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(the counted value, the points it moves), capped at max_points, never negative."""
    if item.points is not None:
        value = _blank_is_zero(_evaluate(item.points, column, group_sum, count))
        amount = value
    else:
        value = _blank_is_zero(_evaluate(str(item.count), column, group_sum, count))
        amount = value * float(item.per_event or 0)
    amount = np.maximum(amount, 0)
    if item.max_points is not None:
        amount = np.minimum(amount, item.max_points)
    return value, amount


def _blank_is_zero(values: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(values), 0.0, values)


def _keys(scheme: Scheme, text: str) -> list[str]:
    return [scheme.column_key(n) for n in parse_formula(text).names]


def _detail(index, project, part, name, method, value, fraction, points) -> dict:
    """One indicator's (deduction's, …) row per district, as column arrays."""
    n = len(points)

    def numbers(values):
        return np.asarray(values, dtype=float) if values is not None else np.full(n, np.nan)

    return {
        "district": np.asarray(index, dtype=object),
        "project": project,  # the same for every row: repeated once, when the frame is made
        "part": part,
        "name": name,
        "method": method,
        "value": numbers(value),
        "fraction": numbers(fraction),
        "points": numbers(points),
    }


def _details_frame(details: list[dict]) -> pd.DataFrame:
    if not details:
        return pd.DataFrame(columns=DETAIL_COLUMNS)
    counts = [len(d["points"]) for d in details]
    columns = {}
    for c in DETAIL_COLUMNS:
        if c in ("project", "part", "name", "method"):
            columns[c] = pd.Series(
                np.repeat(np.array([d[c] for d in details], dtype=object), counts), dtype=object
            )
        else:
            columns[c] = pd.Series(np.concatenate([d[c] for d in details]), dtype=_DTYPES[c])
    return pd.DataFrame(columns)
