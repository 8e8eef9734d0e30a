"""Scoring methods: each turns measured values into the share of an indicator's points earned."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import scheme as s

# Rates shown to users are decimals; float noise (0.9499999999 for a published 95%) must never
# drop a district into a lower band, so every "at least" comparison allows this much.
EPS = 1e-9


@dataclass(frozen=True)
class Context:
    """What a method may need besides the values: the indicator's points and the month."""

    points: float  # the indicator's full points: project weight × share
    month: int
    scheme: s.Scheme


def _per_point(share: float | None, points: float | None, ctx: Context) -> float:
    """A rate per percentage point given as a share of the indicator, or as points."""
    if share is not None:
        return share
    if points is not None:
        return points / ctx.points
    return 0.0


def proportional(value: pd.Series, ind: s.Proportional, ctx: Context) -> pd.Series:
    """按完成比例计分，满分为止：值 ÷ full_at，在 0 与 1 之间。"""
    return (value / ind.full_at).clip(0, 1)


def linear(value: pd.Series, ind: s.Linear, ctx: Context) -> pd.Series:
    """完成得满分，每少1个百分点扣 loss，扣至 floor 为止；超额每多1个百分点加 gain，最多加 max_gain。"""
    loss = _per_point(ind.loss_per_point, ind.loss_points_per_point, ctx)
    gain = _per_point(ind.gain_per_point, ind.gain_points_per_point, ctx)
    if ind.max_gain is not None:
        cap = ind.max_gain
    elif ind.max_gain_points is not None:
        cap = ind.max_gain_points / ctx.points
    else:
        cap = np.inf
    points_below = (ind.full_at - value) * 100
    below = (1 - loss * points_below).clip(lower=ind.floor)
    above = 1 + np.minimum((gain * -points_below).clip(lower=0), cap)
    return below.where(value < ind.full_at - EPS, above)


def tiers(value: pd.Series, ind: s.Tiers, ctx: Context) -> pd.Series:
    """分档计分：值不低于某档 min 得该档分数，从最高档起比较；都不到得 otherwise。"""
    result = pd.Series(float(ind.otherwise), index=value.index)
    for tier in reversed(ind.tiers):  # lowest first, so the highest band reached wins
        score = tier.score if tier.score is not None else tier.points / ctx.points
        result = result.mask(value >= tier.min - EPS, score)
    return result.where(value.notna())


def pass_fail(value: pd.Series, ind: s.PassFail, ctx: Context) -> pd.Series:
    """完成（值不低于 full_at）得满分，未完成不得分。"""
    return (value >= ind.full_at - EPS).astype(float).where(value.notna())


def schedule(value: pd.Series, ind: s.Schedule, ctx: Context) -> pd.Series:
    """序时进度：完成率达到考核月应达进度得满分；未达到按比例计，或每落后1个百分点扣 loss。"""
    expected = ctx.scheme.expected_progress(ctx.month, ind.expected)
    if ind.loss_per_point is None and ind.loss_points_per_point is None:
        behind = (value / expected).clip(0, 1)
    else:
        loss = _per_point(ind.loss_per_point, ind.loss_points_per_point, ctx)
        behind = (1 - loss * (expected - value) * 100).clip(0, 1)
    return behind.where(value < expected - EPS, 1.0).where(value.notna())


def competition_rank(value: pd.Series, descending: bool = True) -> pd.Series:
    """1-2-2-4 ranks; values equal to 9 decimals share a rank, so float noise never splits one."""
    return value.round(9).rank(method="min", ascending=not descending)


def rank_points(value: pd.Series, ind: s.RankPoints, ctx: Context) -> pd.Series:
    """按名次计分：名次落在某档（如1-3名）得该档分数，并列同分，其余得 otherwise_points。"""
    ranks = competition_rank(value, descending=ind.order == "desc")
    points = pd.Series(float(ind.otherwise_points), index=value.index)
    for band in reversed(ind.bands):  # earlier bands win where they overlap
        low, high = band.bounds()
        points = points.mask((ranks >= low) & (ranks <= high), band.points)
    return (points / ctx.points).where(value.notna())


def relative_to_best(value: pd.Series, ind: s.RelativeToBest, ctx: Context) -> pd.Series:
    """以最高值为满分，其余按 值÷最高值 计分（asc：以最低值为满分，按 最低值÷值）；最高值为 0 时均不得分。"""
    clean = value.clip(lower=0)
    if ind.order == "desc":
        best = clean.max()
        if not best > 0:
            return pd.Series(0.0, index=value.index).where(value.notna())
        return (clean / best).clip(0, 1)
    best = clean.min()
    result = (best / clean.where(clean > 0)).clip(0, 1)
    return result.mask(clean <= best + EPS, 1.0).where(value.notna())


METHODS: dict[str, Callable[[pd.Series, object, Context], pd.Series]] = {
    "proportional": proportional,
    "linear": linear,
    "tiers": tiers,
    "pass_fail": pass_fail,
    "schedule": schedule,
    "rank_points": rank_points,
    "relative_to_best": relative_to_best,
}


def describe(method: str) -> str:
    """The method's rule in one sentence, as its docstring states it."""
    doc = METHODS[method].__doc__ or ""
    return doc.strip().splitlines()[0]
