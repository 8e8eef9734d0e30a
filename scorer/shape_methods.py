"""The scoring methods of issue 13's later shapes: yes/no answers, 功效系数法, interpolation
between standards, base points less per event, and the highest level reached; each registered
in methods.METHODS and worded from the message catalog."""

from __future__ import annotations

from typing import Any

import numpy as np

from .messages import Clauses, Given, Message, say
from .methods import EPS, Context, _missing_stays_missing, _num, _pct
from .scheme import shapes as sh

# ----------------------------------------------------------------------------- scoring


def _share(score: float | None, points: float | None, ctx: Context) -> float:
    """A standard's or level's worth as a share of the indicator: its score, or its points."""
    return float(score) if score is not None else float(points or 0) / ctx.points


def yes_no(value: np.ndarray, ind: sh.YesNo, ctx: Context) -> np.ndarray:
    """结果为“是”时得满分（full_for: 否 时为“否”得满分），另一答案得 otherwise。"""
    yes = value >= 0.5  # the intake reads 是/有/完成 as 1 and 否/无/未完成 as 0
    full = yes if ind.full_for == "是" else ~yes
    return _missing_stays_missing(value, np.where(full, 1.0, float(ind.otherwise)))


def efficacy_bounds(value: np.ndarray, ind: sh.Efficacy) -> tuple[float, float]:
    """(满意值, 不允许值): as written, or the best and the worst unit's value."""
    known = value[~np.isnan(value)]
    lower = ind.lower_is_better()
    best_unit = (known.min() if lower else known.max()) if len(known) else np.nan
    worst_unit = (known.max() if lower else known.min()) if len(known) else np.nan
    best = best_unit if ind.best == "unit" else float(ind.best)
    worst = worst_unit if ind.worst == "unit" else float(ind.worst)
    return float(best), float(worst)


def efficacy_coefficient(value: np.ndarray, best: float, worst: float) -> np.ndarray:
    """(实际值 − 不允许值) ÷ (满意值 − 不允许值), held within 0 and 1; every unit at the best
    where the best and the worst are the same value (all units alike)."""
    if abs(best - worst) <= EPS:
        return np.where(np.isnan(value), np.nan, 1.0)
    return np.clip((value - worst) / (best - worst), 0, 1)


def efficacy(value: np.ndarray, ind: sh.Efficacy, ctx: Context) -> np.ndarray:
    """功效系数法：基础分 +（实际值 − 不允许值）÷（满意值 − 不允许值）×（满分 − 基础分），
    介于基础分与满分之间。"""
    best, worst = efficacy_bounds(value, ind)
    coefficient = efficacy_coefficient(value, best, worst)
    return _missing_stays_missing(value, ind.base + (1 - ind.base) * coefficient)


def _standards(ind: sh.Interpolate, ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """The standards' values and shares, in increasing order of value (for np.interp)."""
    at = np.array([s.at for s in ind.standards], dtype=float)
    shares = np.array([_share(s.score, s.points, ctx) for s in ind.standards], dtype=float)
    order = np.argsort(at, kind="stable")
    return at[order], shares[order]


def interpolate(value: np.ndarray, ind: sh.Interpolate, ctx: Context) -> np.ndarray:
    """实际值处于两个标准值之间时，采用线性方法计算；达到最好的标准得其分，差于最差的标准
    得 otherwise。"""
    at, shares = _standards(ind, ctx)
    result = np.interp(value, at, shares)  # held at the end standards beyond them
    worst = ind.standards[-1].at
    if ind.otherwise is not None:
        beyond = value > worst + EPS if ind.lower_is_better() else value < worst - EPS
        result = np.where(beyond, float(ind.otherwise), result)
    return _missing_stays_missing(value, result)


def _per_event_share(ind: sh.PerEvent, ctx: Context) -> float:
    if ind.loss_per_event is not None:
        return float(ind.loss_per_event)
    return float(ind.loss_points_per_event or 0) / ctx.points


def per_event(value: np.ndarray, ind: sh.PerEvent, ctx: Context) -> np.ndarray:
    """得满分，每发生（每少）一次扣若干分，扣完为止。"""
    events = np.maximum(value, 0)
    return _missing_stays_missing(value, np.maximum(1 - events * _per_event_share(ind, ctx), 0))


def level_counts(ctx: Context, count: int) -> list[np.ndarray]:
    """Each level's count (the engine evaluates them into ``ctx.distances``)."""
    given = ctx.distances or {}
    return [given.get(f"level:{i}", np.full(1, np.nan)) for i in range(count)]


def level_reached(counts: list[np.ndarray], ind: sh.HighestLevel) -> np.ndarray:
    """The position of the highest level each unit reached (-1: none)."""
    reached = np.full(len(counts[0]) if counts else 0, -1)
    for i in reversed(range(len(ind.levels))):  # the highest listed first wins
        reached = np.where(counts[i] >= ind.levels[i].min - EPS, i, reached)
    return reached


def highest_level(value: np.ndarray, ind: sh.HighestLevel, ctx: Context) -> np.ndarray:
    """按达到的最高级别计分：如省级1篇得3分，市级2篇得2分，县级得1分，只取最高一级；都未达到
    得 otherwise。"""
    counts = [np.broadcast_to(c, value.shape) for c in level_counts(ctx, len(ind.levels))]
    reached = level_reached(counts, ind)
    shares = np.array([_share(level.score, level.points, ctx) for level in ind.levels] + [0.0])
    result = np.where(reached >= 0, shares[reached], float(ind.otherwise))
    return _missing_stays_missing(value, result)


METHODS: dict[str, Any] = {
    "yes_no": yes_no,
    "efficacy": efficacy,
    "interpolate": interpolate,
    "per_event": per_event,
    "highest_level": highest_level,
}

# ----------------------------------------------------------------------------- in words


def shown(x: float, ind, rate: bool | None = None) -> Message:
    """A value as the practice writes it: in percent for rates, else with its unit (a Chinese
    unit is not shown in English: see shape.unit)."""
    if ind.unit == "%":
        return say("shape.value", number=f"{_num(x)}%")
    if ind.unit:
        return say("shape.value_unit", number=_num(x), unit=unit_word(ind.unit))
    if rate is None:
        rate = abs(x) <= 2
    return say("shape.value", number=_pct(x) if rate else _num(x))


class Written(Given):
    """Words of the rule file (a unit, an event) in each language: as written in Chinese; in
    English the English given, which may be nothing (a Chinese word left out)."""

    def render(self, lang: str = "zh") -> str:
        return self.en or "" if lang == "en" else self.zh


def unit_word(unit: str) -> Written:
    """A unit in each language: 天 / days; a Chinese unit of no known English word is shown as
    written in Chinese and left out in English, where it would be the only Chinese."""
    return Written(unit, _UNITS_EN.get(unit, "" if _cjk(unit) else unit))


_UNITS_EN = {
    "天": " days",
    "岁": " years",
    "公顷": " ha",
    "亩": " mu",
    "万元": " × 10,000 yuan",
    "亿元": " × 100 million yuan",
    "元": " yuan",
    "公里": " km",
    "人": " people",
    "次": " times",
    "篇": " articles",
    "个": "",
    "项": "",
}


def _cjk(text: str) -> bool:
    return any("\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text)


def _got(fraction: float, ctx: Context) -> str:
    return _num(fraction * ctx.points)


def _words_yes_no(
    ind: sh.YesNo, value: float, fraction: float, ctx: Context, peers
) -> Message | Clauses:
    answer = say("shape.answer.yes" if value >= 0.5 else "shape.answer.no")
    if fraction >= 1 - EPS:
        return say("shape.words.yes_no_full", answer=answer)
    return say("shape.words.yes_no_other", answer=answer, points=_got(fraction, ctx))


def _words_efficacy(
    ind: sh.Efficacy, value: float, fraction: float, ctx: Context, peers
) -> Message | Clauses:
    known = peers.to_numpy(dtype=float)
    best, worst = efficacy_bounds(known, ind)
    rate = ind.unit is None and max(abs(best), abs(worst), abs(value)) <= 2
    coefficient = float(efficacy_coefficient(np.array([value]), best, worst)[0])
    best_said = shown(best, ind, rate)
    worst_said = shown(worst, ind, rate)
    if ind.best == "unit":
        best_said = say("shape.words.best_unit", value=best_said)
    if ind.worst == "unit":
        worst_said = say("shape.words.worst_unit", value=worst_said)
    params = {
        "value": shown(value, ind, rate),
        "best": best_said,
        "worst": worst_said,
        "coefficient": _num(coefficient),
        "base": _num(ind.base * 100),
        "span": _num((1 - ind.base) * 100),
        "share": _num(fraction * 100),
        "points": _got(fraction, ctx),
    }
    said = [say("shape.words.efficacy", **params)]
    if abs(best - worst) > EPS:
        ratio = (value - worst) / (best - worst)
        if ratio > 1 + EPS:
            said.append(say("shape.words.efficacy_above"))
        elif ratio < -EPS:
            said.append(say("shape.words.efficacy_below"))
    return Clauses(said)


def _words_interpolate(ind: sh.Interpolate, value: float, fraction: float, ctx: Context, peers):
    rate = ind.unit is None and max(abs(s.at) for s in ind.standards) <= 2
    lower = ind.lower_is_better()
    standards = ind.standards  # best first
    points = _got(fraction, ctx)
    v = shown(value, ind, rate)

    def better_or_equal(x: float, than: float) -> bool:
        return x <= than + EPS if lower else x >= than - EPS

    def worth(s: sh.Standard) -> str:
        return _num(_share(s.score, s.points, ctx) * ctx.points)

    if better_or_equal(value, standards[0].at):
        bound = shown(standards[0].at, ind, rate)
        return say("shape.words.standard_best", value=v, at=bound, points=points)
    for upper, lower_standard in zip(standards, standards[1:]):
        if better_or_equal(value, lower_standard.at):
            params = {
                "value": v,
                "upper": shown(upper.at, ind, rate),
                "upper_points": worth(upper),
                "lower": shown(lower_standard.at, ind, rate),
                "lower_points": worth(lower_standard),
                "points": points,
            }
            return say("shape.words.standard_between", **params)
    bound = shown(standards[-1].at, ind, rate)
    return say("shape.words.standard_worst", value=v, at=bound, points=points)


def _words_per_event(ind: sh.PerEvent, value: float, fraction: float, ctx: Context, peers):
    events = max(value, 0)
    share = _per_event_share(ind, ctx)
    each = _num(share * ctx.points)
    lost = _num(min(events * share, 1) * ctx.points)
    event = Written(ind.event or "", "")  # the user's Chinese: said in Chinese only
    unit = unit_word(ind.unit or "次")
    if events <= EPS:
        none = say("shape.words.per_event_none", event=event, unit=unit, full=_num(ctx.points))
        return none
    params = {"event": event, "count": _num(events), "unit": unit, "each": each, "lost": lost}
    said = [say("shape.words.per_event", **params, points=_got(fraction, ctx))]
    if fraction <= EPS and events * share > 1 + EPS:
        said.append(say("shape.words.no_lower"))
    return Clauses(said)


def _words_highest_level(ind: sh.HighestLevel, value: float, fraction: float, ctx: Context, peers):
    counts = [float(c[0]) for c in level_counts(ctx, len(ind.levels))]
    listed = [
        say("shape.words.level_count", level=level.name, count=_num(count))
        for level, count in zip(ind.levels, counts)
    ]
    reached = int(level_reached([np.array([c]) for c in counts], ind)[0])
    points = _got(fraction, ctx)
    if reached < 0:
        lowest = ind.levels[-1]
        said = say(
            "shape.words.level_none", counts=listed, level=lowest.name, min=_num(lowest.min),
            points=points,
        )  # fmt: skip
        return said
    level = ind.levels[reached]
    said = say(
        "shape.words.level_reached", counts=listed, level=level.name, min=_num(level.min),
        points=points,
    )  # fmt: skip
    return said


WORDS: dict[str, Any] = {
    "yes_no": _words_yes_no,
    "efficacy": _words_efficacy,
    "interpolate": _words_interpolate,
    "per_event": _words_per_event,
    "highest_level": _words_highest_level,
}
