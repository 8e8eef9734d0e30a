"""Scoring methods: each turns measured values into the share of an indicator's points earned."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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


def _missing_stays_missing(value: np.ndarray, result) -> np.ndarray:
    """A district without a value gets no fraction (NaN), whatever the method would give."""
    return np.where(np.isnan(value), np.nan, result)


def proportional(value: np.ndarray, ind: s.Proportional, ctx: Context) -> np.ndarray:
    """按完成比例计分，满分为止：值 ÷ full_at，在 0 与 1 之间。"""
    return np.clip(value / ind.full_at, 0, 1)


def linear(value: np.ndarray, ind: s.Linear, ctx: Context) -> np.ndarray:
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
    below = np.maximum(1 - loss * points_below, ind.floor)
    above = 1 + np.minimum(np.maximum(gain * -points_below, 0), cap)
    return np.where(value < ind.full_at - EPS, below, above)


def tiers(value: np.ndarray, ind: s.Tiers, ctx: Context) -> np.ndarray:
    """分档计分：值不低于某档 min 得该档分数，从最高档起比较；都不到得 otherwise。"""
    result = np.full(len(value), float(ind.otherwise))
    for tier in reversed(ind.tiers):  # lowest first, so the highest band reached wins
        score = _per_point(tier.score, tier.points, ctx)  # a share, or points as one
        result = np.where(value >= tier.min - EPS, score, result)
    return _missing_stays_missing(value, result)


def pass_fail(value: np.ndarray, ind: s.PassFail, ctx: Context) -> np.ndarray:
    """完成（值不低于 full_at）得满分，未完成不得分。"""
    return _missing_stays_missing(value, (value >= ind.full_at - EPS).astype(float))


def schedule(value: np.ndarray, ind: s.Schedule, ctx: Context) -> np.ndarray:
    """序时进度：完成率达到考核月应达进度得满分；未达到按比例计，或每落后1个百分点扣 loss。"""
    expected = ctx.scheme.expected_progress(ctx.month, ind.expected)
    if ind.loss_per_point is None and ind.loss_points_per_point is None:
        behind = np.clip(value / expected, 0, 1)
    else:
        loss = _per_point(ind.loss_per_point, ind.loss_points_per_point, ctx)
        behind = np.clip(1 - loss * (expected - value) * 100, 0, 1)
    return _missing_stays_missing(value, np.where(value < expected - EPS, behind, 1.0))


def competition_rank(value, descending: bool = True) -> np.ndarray:
    """1-2-2-4 ranks; values equal to 9 decimals share a rank, so float noise never splits one."""
    values = pd.Series(np.asarray(value, dtype=float)).round(9)
    return values.rank(method="min", ascending=not descending).to_numpy()


def rank_points(value: np.ndarray, ind: s.RankPoints, ctx: Context) -> np.ndarray:
    """按名次计分：名次落在某档（如1-3名）得该档分数，并列同分，其余得 otherwise_points。"""
    ranks = competition_rank(value, descending=ind.order == "desc")
    points = np.full(len(value), float(ind.otherwise_points))
    for band in reversed(ind.bands):  # earlier bands win where they overlap
        low, high = band.bounds()
        points = np.where((ranks >= low) & (ranks <= high), band.points, points)
    return _missing_stays_missing(value, points / ctx.points)


def relative_to_best(value: np.ndarray, ind: s.RelativeToBest, ctx: Context) -> np.ndarray:
    """以最高值为满分，其余按 值÷最高值 计分（asc：以最低值为满分，按 最低值÷值）；最高值为 0 时均不得分。"""
    clean = np.maximum(value, 0)
    known = clean[~np.isnan(clean)]
    if ind.order == "desc":
        best = known.max() if len(known) else np.nan
        if not best > 0:
            return _missing_stays_missing(value, 0.0)
        return np.clip(clean / best, 0, 1)
    best = known.min() if len(known) else np.nan
    result = np.clip(best / np.where(clean > 0, clean, np.nan), 0, 1)
    return _missing_stays_missing(value, np.where(clean <= best + EPS, 1.0, result))


# Each method takes the indicator's values (one float per district, NaN where there is none)
# and gives the share of the indicator's points earned; numpy arrays, not Series: a province's
# 33 projects × 3 indicators are 100 calls, and pandas' overhead per operation adds up.
# (Any: each method takes its own indicator model, the one its key names)
METHODS: dict[str, Callable[[np.ndarray, Any, Context], np.ndarray]] = {
    "proportional": proportional,
    "linear": linear,
    "tiers": tiers,
    "pass_fail": pass_fail,
    "schedule": schedule,
    "rank_points": rank_points,
    "relative_to_best": relative_to_best,
}


# ----------------------------------------------------------------------------- in words
# Each method also says, for one district, what it did with the value: "完成率92.0%，低于100%共
# 8个百分点，每点扣2%，得84%". Rates (thresholds up to 2) are shown in percent, others as numbers.


def _num(x: float) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def _pct(x: float) -> str:
    return f"{x * 100:.2f}".rstrip("0").rstrip(".") + "%"


def _show(x: float, rate: bool) -> str:
    return _pct(x) if rate else _num(x)


def _per(share: float | None, points: float | None) -> tuple[str, str]:
    if points is not None:
        return f"{_num(points)}分", f"{_num(points)} points"
    return _pct(share or 0), _pct(share or 0)


def _said(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def _words_proportional(ind, value, fraction, ctx, peers):
    rate = ind.full_at <= 2
    ratio = value / ind.full_at
    if ind.full_at == 1:
        zh, en = (
            f"{_pct(value)}，按比例得{_pct(fraction)}",
            f"{_pct(value)}: {_pct(fraction)} in proportion",
        )
    else:
        quotient = f"{_show(value, rate)} ÷ {_show(ind.full_at, rate)} = {_pct(ratio)}"
        zh = f"{quotient}，按比例得{_pct(fraction)}"
        en = f"{quotient}: {_pct(fraction)} in proportion"
    if ratio > 1:
        zh, en = zh + "（满分为止）", en + " (capped at full marks)"
    return _said(zh, en)


def _words_linear(ind, value, fraction, ctx, peers):
    rate = ind.full_at <= 2
    v, full = _show(value, rate), _show(ind.full_at, rate)
    if value < ind.full_at - EPS:
        gap = _num((ind.full_at - value) * 100)
        loss_zh, loss_en = _per(ind.loss_per_point, ind.loss_points_per_point)
        zh = f"{v}，低于{full}共{gap}个百分点，每点扣{loss_zh}，得{_pct(fraction)}"
        en = f"{v}, {gap} points below {full}, {loss_en} off per point: {_pct(fraction)}"
        if fraction <= ind.floor + EPS:
            zh, en = zh + "（扣完为止）", en + " (no lower)"
        return _said(zh, en)
    zh, en = f"{v}，达到{full}，得满分", f"{v}, at least {full}: full marks"
    if fraction > 1 + EPS:
        gain_zh, gain_en = _per(ind.gain_per_point, ind.gain_points_per_point)
        over = _num((value - ind.full_at) * 100)
        zh += f"；超出{over}个百分点，每点加{gain_zh}，共得{_pct(fraction)}"
        en += f"; {over} points above, {gain_en} more per point: {_pct(fraction)} in all"
    return _said(zh, en)


def _words_tiers(ind, value, fraction, ctx, peers):
    rate = max(abs(t.min) for t in ind.tiers) <= 2
    v = _show(value, rate)
    for tier in ind.tiers:
        if value >= tier.min - EPS:
            got = f"{_num(tier.points)}分" if tier.points is not None else _pct(tier.score)
            return _said(
                f"{v}，不低于{_show(tier.min, rate)}，得{got}",
                f"{v}, at least {_show(tier.min, rate)}: {got}",
            )
    lowest = _show(ind.tiers[-1].min, rate)
    return _said(
        f"{v}，低于{lowest}，得{_pct(ind.otherwise)}", f"{v}, below {lowest}: {_pct(ind.otherwise)}"
    )


def _words_pass_fail(ind, value, fraction, ctx, peers):
    rate = ind.full_at <= 2
    v, full = _show(value, rate), _show(ind.full_at, rate)
    if fraction >= 1:
        return _said(f"{v}，达到{full}，得满分", f"{v}, at least {full}: full marks")
    return _said(f"{v}，未达到{full}，不得分", f"{v}, below {full}: no points")


def _words_schedule(ind, value, fraction, ctx, peers):
    expected = ctx.scheme.expected_progress(ctx.month, ind.expected)
    zh = f"{ctx.month}月应完成{_pct(expected)}，实际{_pct(value)}"
    en = f"by month {ctx.month} {_pct(expected)} is due, {_pct(value)} done"
    if value >= expected - EPS:
        return _said(zh + "，达到序时进度，得满分", en + ": on schedule, full marks")
    if ind.loss_per_point is None and ind.loss_points_per_point is None:
        return _said(zh + f"，按比例得{_pct(fraction)}", en + f": {_pct(fraction)} in proportion")
    gap = _num((expected - value) * 100)
    loss_zh, loss_en = _per(ind.loss_per_point, ind.loss_points_per_point)
    zh += f"，落后{gap}个百分点，每点扣{loss_zh}，得{_pct(fraction)}"
    en += f": {gap} points behind, {loss_en} off per point, {_pct(fraction)}"
    return _said(zh, en)


def _words_rank_points(ind, value, fraction, ctx, peers):
    ranks = competition_rank(peers, descending=ind.order == "desc")
    rank = int(ranks[(peers.round(9) == round(value, 9)).to_numpy()][0])
    rate = peers.abs().max() <= 2
    points = _num(fraction * ctx.points)
    zh = f"{_show(value, rate)}，在{int(peers.notna().sum())}个地区中排第{rank}名，得{points}分"
    en = f"{_show(value, rate)}, ranked {rank} of {int(peers.notna().sum())}: {points} points"
    return _said(zh, en)


def _words_relative_to_best(ind, value, fraction, ctx, peers):
    best = peers.max() if ind.order == "desc" else peers.min()
    rate = peers.abs().max() <= 2
    word_zh, word_en = ("最高", "best") if ind.order == "desc" else ("最低", "lowest")
    zh = f"{word_zh}{_show(best, rate)}，本地区{_show(value, rate)}，得{_pct(fraction)}"
    en = f"{word_en} {_show(best, rate)}, this district {_show(value, rate)}: {_pct(fraction)}"
    return _said(zh, en)


WORDS = {
    "proportional": _words_proportional,
    "linear": _words_linear,
    "tiers": _words_tiers,
    "pass_fail": _words_pass_fail,
    "schedule": _words_schedule,
    "rank_points": _words_rank_points,
    "relative_to_best": _words_relative_to_best,
}


def in_words(
    method: str, indicator, value: float, fraction: float, ctx: Context, peers: pd.Series
) -> dict[str, str]:
    """What the method did with one district's value, in Chinese and English."""
    if value is None or np.isnan(value):
        return _said("无法计算", "cannot be computed")
    return WORDS[method](indicator, value, fraction, ctx, peers)
