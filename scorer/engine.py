"""Scoring: every district's points on every project, and the rescaled total.

Long because: the rule language's every shape is applied here, in one pass per project (the
indicators, the steps, the caps on sums of bonuses, the previous period, applies_to, vetoes);
the methods themselves live in methods.py, shape_methods.py and change.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .errors import Issue
from .formula import parse_formula
from .intake import Dataset
from .intake.dataset import column_values
from .intake.previous import PriorPeriod
from .messages import say
from .methods import METHODS, Context
from .scheme import Adjustment, Project, Scheme, normalize_name

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
    # district × item: True where the item does not apply (applies_to, others: excluded): left
    # out of both the points earned and available, and not rescaled for (不是暂缓实施)
    inapplicable: pd.DataFrame | None = None
    # district -> the vetoes (一票否决) that hold: (position in scheme.vetoes, row position)
    vetoes: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    # (project, indicator) -> the aggregates over the units its formula used, for explain:
    # {"index": units scored, "items": [(kind, grouping, formula text, values)]}
    aggregates: dict[tuple[str, str], dict] = field(default_factory=dict)
    # the previous period (上期), when a rule compares with it: for explain
    prior: PriorPeriod | None = None

    @cached_property
    def details(self) -> pd.DataFrame:
        """One row per district and indicator (deduction, bonus, floor): DETAIL_COLUMNS. Made
        when first asked for: a ranking alone does not need it."""
        return _details_frame(self.parts)


def score(
    scheme: Scheme, data: Dataset, month: int | None = None, prior: PriorPeriod | None = None
) -> Assessment:
    """Score every district on every item of the scheme; rescale for suspended projects.
    ``prior``: the previous period, for rules that compare with it (上期(…), change).

    The rules work on numpy arrays, a project's rows at a time; the frames are made at the end.

    Long because: one loop over the projects, every level taking its rows from the same dozen
    arrays made once above it; split, those arrays would be handed from function to function."""
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
    outside = np.zeros((len(districts), len(items)), dtype=bool, order="F")
    shapes = _Shapes(scheme, data, month, details, issues)
    allowance = _Allowance(scheme, districts) if scheme.caps is not None else None
    with np.errstate(divide="ignore", invalid="ignore"):  # x/0 is a located problem, not noise
        for column, project in enumerate(scheme.projects):
            if project.level == "district":
                points[:, column] = _district_item(
                    scheme, project, measures, active, place, districts, month, details, issues,
                    shapes, _prior_rows(prior, names[active], rows["project"], active),
                    allowance,
                )  # fmt: skip
                continue
            if project.level == "survey":
                points[:, column] = shapes.survey_item(project, districts)
                continue
            positions = by_project.get(project.name, np.array([], dtype=int))
            applies = shapes.applies(project, districts)
            if applies is not None:  # rows of units it does not apply to are not read
                positions = positions[applies[place[positions]]]
            held[place[positions[flags[positions]]], column] = True
            taken = positions[~flags[positions]]

            def values(name: str, taken=taken) -> np.ndarray:
                return measures[scheme.column_key(name) or name][taken]

            points[place[taken], column] = _apply_rules(
                scheme, project, names[taken], values, None, month, details, issues,
                shapes.peer(names[taken]), _prior_rows(prior, names[taken], project.name),
                allowance,
            )  # fmt: skip
            if applies is not None:
                shapes.others(project, column, points, held, outside, applies, districts)

    scores = pd.DataFrame(points, index=districts, columns=items)
    suspended = pd.DataFrame(held, index=districts, columns=items)
    weights = np.array([p.weight for p in scheme.projects], dtype=float)
    earned = scores.where(~suspended).sum(axis=1, min_count=1)
    available = pd.Series((~(held | outside) * weights).sum(axis=1), index=districts)
    for district in districts[available.to_numpy() == 0]:
        issues.append(Issue("all-suspended", {"district": district}))
    total = earned * scheme.total / available.where(available > 0)
    if prior is not None:
        issues.extend(prior.issues())
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
        pd.DataFrame(outside, index=districts, columns=items) if outside.any() else None,
        shapes.vetoes(rows, by_project, measures, names),
        shapes.aggregates,
        prior,
    )


def _prior_rows(prior: PriorPeriod | None, units: np.ndarray, projects, positions=None):
    """``prior(name)`` over these rows of this period (None: no previous period given)."""
    return None if prior is None else _PriorRows(prior, units, projects, positions)


class _PriorRows:
    """Last period's values of these rows of this period, looked up when a formula first asks
    for them; ``absent()``: the rows last period lacks (said by the PriorPeriod, not again)."""

    def __init__(self, prior: PriorPeriod, units: np.ndarray, projects, positions) -> None:
        self.prior, self.units, self.projects, self.positions = prior, units, projects, positions
        self._column: Callable[[str], np.ndarray] | None = None

    def _wanted(self) -> np.ndarray:
        if isinstance(self.projects, str):
            return np.full(len(self.units), self.projects, dtype=object)
        return self.projects.to_numpy(dtype=object)[self.positions]

    def __call__(self, name: str) -> np.ndarray:
        if self._column is None:
            self._column = self.prior.column(self.units, self._wanted())
        return self._column(name)

    def absent(self) -> np.ndarray:
        return self.prior.positions(self.units, self._wanted()) < 0


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
    shapes: _Shapes,
    prior=None,
    allowance: _Allowance | None = None,
) -> np.ndarray:
    """An item computed over all of a district's projects carried out (资金保障: Σ到位 ÷ Σ计划):
    ``sum()`` adds the rows of each district, a district without such rows has no value."""
    owner = place[active]

    def values(name: str) -> np.ndarray:
        return measures[scheme.column_key(name) or name][active]

    def group_sum(row_values) -> np.ndarray:
        row_values = np.broadcast_to(np.asarray(row_values, dtype=float), owner.shape)
        # pandas adds with Kahan's compensated summation: no float noise from the row order
        sums = pd.Series(row_values).groupby(owner).sum()
        result = np.full(len(districts), np.nan)
        result[sums.index.to_numpy()] = sums.to_numpy()
        return result

    index = districts.to_numpy(dtype=object)
    return _apply_rules(
        scheme, project, index, values, group_sum, month, details, issues, shapes.peer(index),
        prior, allowance,
    )  # fmt: skip


def _apply_rules(
    scheme,
    project,
    index,
    column,
    group_sum,
    month,
    details,
    issues,
    peer=None,
    prior=None,
    allowance=None,
) -> np.ndarray:
    """One project's points for the districts in ``index``: its indicators, deductions, bonuses
    and floor, each recorded in ``details``.

    Long because: indicators, bonuses, deductions, caps and the floor of one project, each
    recorded in ``details`` with the same arrays; split, they would be passed around."""
    rules = scheme.rules_of(project)
    earned = np.zeros(len(index))
    for indicator in rules.indicators or []:
        value = _evaluate(indicator.value, column, group_sum, len(index), peer, prior)
        if peer is not None and peer.used:
            peer.keep((project.name, indicator.name))
        undefined = ~np.isfinite(value)
        if prior is not None and parse_formula(indicator.value).previous:
            undefined &= ~prior.absent()  # a unit last period lacks is said once, as such
        for district in index[undefined]:
            if group_sum is None:
                params = {
                    "district": district,
                    "project": project.name,
                    "indicator": indicator.name,
                }
                issues.append(Issue("undefined-value", params))
            else:
                labels = [scheme.columns[k].label for k in _keys(scheme, indicator.value)]
                detail = say("detail.zero_denominator_sum")
                params = {
                    "district": district,
                    "project": project.name,
                    "detail": detail,
                    "labels": labels,
                }
                issues.append(Issue("undefined-district-item", params))
        value = np.where(undefined, np.nan, value)
        context = Context(
            points=project.weight * indicator.share,
            month=month,
            scheme=scheme,
            distances=_step_distances(indicator, column, group_sum, len(index), peer, prior),
            previous=_previous_value(indicator, column, group_sum, len(index), peer, prior),
        )
        fraction = METHODS[indicator.method](value, indicator, context)
        if context.previous is not None:
            _no_growth(index, project, indicator, value, context.previous, fraction, issues)
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
    limits = _Limits(rules, index, allowance) if adjustments else None
    for part, sign, item in adjustments:
        count, amount = _adjustment(item, column, group_sum, len(index), peer, prior)
        counted = None  # the share of the amount counted, where caps on the sums hold
        if limits is not None and limits.any:
            kept = limits.take(part, amount)
            counted, amount = np.where(amount > 0, kept / np.where(amount > 0, amount, 1), 1), kept
        details.append(
            _detail(index, project.name, part, item.name, None, count, counted, sign * amount)
        )
        earned = earned + sign * amount
    if limits is not None:
        limits.settle()
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


def _evaluate(text: str, column, group_sum, count: int, peer=None, prior=None) -> np.ndarray:
    value = parse_formula(text).evaluate(column, group_sum, peer, prior)
    return np.broadcast_to(np.asarray(value, dtype=float), (count,))  # constants: one per row


def _previous_value(indicator, column, group_sum, count: int, peer, prior) -> np.ndarray | None:
    """method: change: the indicator's formula over last period's data (NaN where missing)."""
    if indicator.method != "change":
        return None
    if prior is None:
        return np.full(count, np.nan)  # pipeline said that no previous period was given
    return _evaluate(f"上期({indicator.value})", column, group_sum, count, peer, prior)


def _no_growth(index, project, indicator, value, before, fraction, issues) -> None:
    """change by growth rate: a last period of 0 (or less) leaves no rate, said per unit (a
    unit missing from last period is said by the PriorPeriod)."""
    stuck = np.isnan(fraction) & np.isfinite(value) & np.isfinite(before)
    for unit in index[stuck]:
        params = {"unit": unit, "project": project.name, "indicator": indicator.name}
        issues.append(Issue("previous.undefined", params))


def _step_distances(indicator, column, group_sum, count: int, peer, prior=None) -> dict | None:
    """linear steps measured by formulas of their own (gain.by: 完成面积 - 目标面积, 公顷), and
    the count of each level of highest_level ("level:0": 省级媒体篇数)."""
    found = {}
    for side in ("gain", "loss"):
        step = getattr(indicator, side, None)
        if step is not None and step.by is not None:
            found[side] = _evaluate(step.by, column, group_sum, count, peer, prior)
    for number, level in enumerate(getattr(indicator, "levels", None) or []):
        found[f"level:{number}"] = _evaluate(level.count, column, group_sum, count, peer, prior)
    return found or None


class _Limits:
    """The caps on the sums of a project's bonuses and of its deductions ("本项最多加减10分"),
    and what is left of the scheme's (scheme.caps): items are counted in their order until a
    cap is reached, the rest of an item not counted (explain says which cap held)."""

    def __init__(self, rules, index, allowance: _Allowance | None):
        self.index = index
        self.allowance = allowance
        caps = rules.caps
        self.left: dict[str, np.ndarray] = {}
        self.spent = {side: np.zeros(len(index)) for side in ("bonus", "deduction")}
        for side in ("bonus", "deduction"):
            own = getattr(caps, f"max_{side}") if caps is not None else None
            scheme_left = allowance.left_for(side, index) if allowance is not None else None
            if own is None and scheme_left is None:
                continue
            limit = np.full(len(index), np.inf if own is None else float(own))
            self.left[side] = limit if scheme_left is None else np.minimum(limit, scheme_left)
        self.any = bool(self.left)

    def take(self, side: str, amount: np.ndarray) -> np.ndarray:
        """The part of ``amount`` still within the caps; what is left shrinks by it."""
        if side not in self.left:
            return amount
        kept = np.minimum(amount, self.left[side])
        self.left[side] = self.left[side] - kept
        self.spent[side] = self.spent[side] + kept
        return kept

    def settle(self) -> None:
        """What this project counted is spent from the scheme's caps."""
        if self.allowance is not None:
            for side, spent in self.spent.items():
                self.allowance.spend(side, self.index, spent)


class _Allowance:
    """What is left, per district, of the scheme's caps on the sums of bonuses and deductions
    (scheme.caps): spent by the projects in their order."""

    def __init__(self, scheme: Scheme, districts: pd.Index):
        self.districts = districts
        caps = scheme.caps
        self.left = {
            side: np.full(len(districts), float(limit))
            for side in ("bonus", "deduction")
            if caps is not None and (limit := getattr(caps, f"max_{side}")) is not None
        }

    def left_for(self, side: str, index) -> np.ndarray | None:
        """What is left of the scheme's cap for the districts in ``index`` (None: no cap)."""
        if side not in self.left:
            return None
        return self.left[side][self._positions(index)]

    def spend(self, side: str, index, amounts: np.ndarray) -> None:
        if side in self.left:
            position = self._positions(index)
            self.left[side][position] = self.left[side][position] - amounts

    def _positions(self, index) -> np.ndarray:
        return self.districts.get_indexer(pd.Index(index, dtype=object))


def _adjustment(
    item: Adjustment, column, group_sum, count: int, peer=None, prior=None
) -> tuple[np.ndarray, np.ndarray]:
    """(the counted value, the points it moves), capped at max_points, never negative."""
    if item.points is not None:
        value = _blank_is_zero(_evaluate(item.points, column, group_sum, count, peer, prior))
        amount = value
    else:
        value = _blank_is_zero(_evaluate(str(item.count), column, group_sum, count, peer, prior))
        amount = value * float(item.per_event or 0)
    amount = np.maximum(amount, 0)
    if item.max_points is not None:
        amount = np.minimum(amount, item.max_points)
    return value, amount


def _blank_is_zero(values: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(values), 0.0, values)


def _keys(scheme: Scheme, text: str) -> list[str]:
    return [scheme.column_key(n) or n for n in parse_formula(text).names]


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


class Detail(NamedTuple):
    """A row of the engine's details (its columns: engine.DETAIL_COLUMNS)."""

    district: str
    project: str
    part: str
    name: str
    method: str | None
    value: float
    fraction: float
    points: float


class DetailBlocks:
    """The engine's details as it made them: blocks of one project's indicator (deduction,
    bonus, floor) over its units, in arrays. A district's rows are read from them as the details
    frame would give them, in its order (Python scalars, as itertuples gives them)."""

    def __init__(self, parts: list[dict]):
        self.parts = parts
        # per array of units (a project's blocks share theirs): unit → its positions there
        self.places: dict[int, dict[Any, Any]] = {}

    def _places(self, units: np.ndarray) -> dict[Any, Any]:
        """Each unit's position in ``units`` (a list of them, for a unit there twice over)."""
        found = self.places.get(id(units))
        if found is None:
            names = units.tolist()
            found = dict(zip(names, range(len(names))))
            if len(found) < len(names):
                found = {}
                for position, unit in enumerate(names):
                    found.setdefault(unit, []).append(position)
            self.places[id(units)] = found
        return found

    def rows(self, district: str) -> list[Any]:
        """The details rows of ``district``."""
        rows = []
        for part in self.parts:
            units = part["district"]
            at = self._places(units).get(district)
            if at is None:
                continue
            for i in [at] if isinstance(at, int) else at:
                rows.append(
                    Detail(units[i], part["project"], part["part"], part["name"], part["method"],
                           float(part["value"][i]), float(part["fraction"][i]),
                           float(part["points"][i]))
                )  # fmt: skip
        return rows

    def values(self, project: str, indicator: str) -> pd.Series:
        """Every unit's value of an indicator, in the order of the details (its column
        ``value`` at the rows of that indicator)."""
        wanted = ("indicator", project, indicator)
        found = [p["value"] for p in self.parts if (p["part"], p["project"], p["name"]) == wanted]
        if not found:
            raise KeyError((project, indicator))
        return pd.Series(np.concatenate(found), dtype=float, name="value")


# ----------------------------------------------------------------------------- rule shapes
# What published 考核办法 add to the plain rules (issue 13): aggregates over the units
# ("不大于各部门平均年龄"), items for some units only, the survey weighted in, 一票否决.


class _Peers:
    """The ``peer`` of a formula over one project's units: mean_of(x[, grouping]) and its kin,
    remembered for the explanation."""

    def __init__(self, shapes: _Shapes, index: np.ndarray):
        self.shapes = shapes
        self.index = index
        self.found: list[tuple[str, str | None, str, np.ndarray]] = []

    def __call__(self, kind: str, values, grouping: str | None, text: str) -> np.ndarray:
        values = np.broadcast_to(np.asarray(values, dtype=float), (len(self.index),))
        if grouping is None:
            known = values[~np.isnan(values)]
            one = getattr(np, kind)(known) if len(known) else np.nan
            result = np.full(len(self.index), float(one))
        else:
            codes = self.shapes.group_codes(grouping, self.index)
            result = _group_aggregate(kind, values, codes)
        self.found.append((kind, grouping, text, result))
        return result

    @property
    def used(self) -> bool:
        return bool(self.found)

    def keep(self, key: tuple[str, str]) -> None:
        self.shapes.aggregates[key] = {"index": self.index, "items": self.found}
        self.found = []


def _group_aggregate(kind: str, values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Each unit's mean (max, min, sum) over the units of its group, missing values left out;
    a unit in no group (code -1) or a group without values gets none."""
    inside = codes >= 0
    known = inside & ~np.isnan(values)
    size = int(codes.max()) + 1 if inside.any() else 0
    where, taken = codes[known], values[known]
    counts = np.bincount(where, minlength=size)
    if kind in ("mean", "sum"):
        sums = np.bincount(where, weights=taken, minlength=size)
        with np.errstate(invalid="ignore", divide="ignore"):
            per_group = sums / counts if kind == "mean" else sums
    else:
        per_group = np.full(size, -np.inf if kind == "max" else np.inf)
        (np.maximum if kind == "max" else np.minimum).at(per_group, where, taken)
    per_group = np.where(counts > 0, per_group, np.nan)
    return np.where(inside, per_group[np.where(inside, codes, 0)] if size else np.nan, np.nan)


class _Shapes:
    """Scoring the rule shapes for one assessment; what explain needs is kept on the way."""

    def __init__(self, scheme: Scheme, data: Dataset, month: int, details: list, issues: list):
        self.scheme = scheme
        self.data = data
        self.month = month
        self.details = details
        self.issues = issues
        self.aggregates: dict[tuple[str, str], dict] = {}
        self._groupings: dict = {}  # grouping -> district -> group; and its codes

    def grouping(self, name: str) -> dict[str, str]:
        """Each district's group in a grouping: the 所属市 column, or one of the scheme's
        ``groups`` (names compared as users write them, once per district)."""
        if name not in self._groupings:
            if name == "city" or self.scheme.column_key(name) == "city":
                self._groupings[name] = dict(self.data.groups)
            else:
                listed = self.scheme.groups.get(name, {})
                given = {normalize_name(u): g for g, units in listed.items() for u in units}
                self._groupings[name] = {
                    d: given[normalize_name(d)]
                    for d in self.data.districts
                    if normalize_name(d) in given
                }
        return self._groupings[name]

    def group_codes(self, name: str, index: np.ndarray) -> np.ndarray:
        """Each unit's group in a grouping as a number (-1: in none), looked up by position."""
        if ("codes", name) not in self._groupings:
            groups = self.grouping(name)
            numbers = {g: k for k, g in enumerate(dict.fromkeys(groups.values()))}
            known = pd.Index(self.data.districts, dtype=object)
            codes = np.array([numbers.get(groups.get(d, ""), -1) for d in known], dtype=np.int64)
            self._groupings[("codes", name)] = (known, codes)
        known, codes = self._groupings[("codes", name)]
        position = known.get_indexer(pd.Index(index, dtype=object))
        return np.where(position < 0, -1, codes[position])

    def peer(self, index: np.ndarray) -> _Peers:
        return _Peers(self, index)

    def applies(self, project: Project, districts: pd.Index) -> np.ndarray | None:
        """Per district, whether the project applies to it (None: to every one)."""
        rule = project.applies_to
        if rule is None:
            return None
        if rule.column is not None:
            values = self.column_values(rule.column)
            wanted = {normalize_name(v) for v in rule.in_ or []}
            return np.array([values.get(d) in wanted for d in districts], dtype=bool)
        groups = self.scheme.groups
        return np.array([project.applies(d, groups) for d in districts], dtype=bool)

    def column_values(self, name: str) -> dict[str, str]:
        """Each district's value in a text column (部门类别), as users write it."""
        return column_values(self.data.rows, self.scheme.column_key(name))

    def others(self, project, column, points, held, outside, applies, districts) -> None:
        """The units a project does not apply to: left out (others: excluded), or given the mean
        of the units it applies to and carries out (others: mean, 取平均分)."""
        rest = ~applies
        if project.others == "excluded":
            outside[rest, column] = True
            return
        scored = points[applies & ~held[:, column], column]
        scored = scored[~np.isnan(scored)]
        mean = float(scored.mean()) if len(scored) else np.nan
        points[rest, column] = mean
        index = districts.to_numpy(dtype=object)[rest]
        if np.isnan(mean):
            for district in index:
                params = {"district": district, "project": project.name, "indicator": "平均分"}
                self.issues.append(Issue("undefined-value", params))
        self.details.append(
            _detail(index, project.name, "mean", "适用单位平均分", None,
                    np.full(len(index), float(len(scored))), None, np.full(len(index), mean))
        )  # fmt: skip

    def survey_item(self, project: Project, districts: pd.Index) -> np.ndarray:
        """An item scored on the survey (社会问卷调查成绩10分): its formula names the survey's
        satisfaction; a district without one cannot be scored."""
        survey = self.data.survey
        given = dict(zip(survey["district"], survey["satisfaction"]))
        values = np.array([given.get(d, np.nan) for d in districts], dtype=float)
        index = districts.to_numpy(dtype=object)
        return _apply_rules(
            self.scheme, project, index, lambda name: values, None, self.month, self.details,
            self.issues, self.peer(index),
        )  # fmt: skip

    def vetoes(self, rows, by_project, measures, names) -> dict[str, list[tuple[int, int]]]:
        """Per district, the vetoes (一票否决) whose condition holds on one of its rows, with the
        first such row."""
        scheme = self.scheme
        found: dict[str, list[tuple[int, int]]] = {}
        if not scheme.vetoes:
            return found
        from .scheme import ProjectIndex

        index = ProjectIndex(scheme.projects)
        for number, veto in enumerate(scheme.vetoes):
            if veto.project is not None:
                name = index.by_key[normalize_name(veto.project)].name
                positions = by_project.get(name, np.array([], dtype=int))
            else:
                positions = np.arange(len(rows))

            def values(name: str, positions=positions) -> np.ndarray:
                return measures[scheme.column_key(name)][positions]

            with np.errstate(invalid="ignore"):
                result = parse_formula(veto.when).evaluate(values)
            hit = np.broadcast_to(np.asarray(result, dtype=bool), positions.shape)
            for position in positions[hit].tolist():
                held = found.setdefault(names[position], [])
                if all(k != number for k, _ in held):
                    held.append((number, int(position)))
        return found
