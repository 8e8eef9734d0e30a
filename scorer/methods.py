"""Scoring methods: each turns measured values into the share of an indicator's points earned."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import scheme as s
from .messages import Given, Message, say
from .scheme.shapes import Step

# Rates shown to users are decimals; float noise (0.9499999999 for a published 95%) must never
# drop a district into a lower band, so every "at least" comparison allows this much.
EPS = 1e-9


@dataclass(frozen=True)
class Context:
    """What a method may need besides the values: the indicator's points and the month."""

    points: float  # the indicator's full points: project weight × share
    month: int
    scheme: s.Scheme
    # linear steps measured by a formula of their own (gain.by, loss.by), one value per unit
    distances: dict[str, np.ndarray] | None = None
    # method: change: the same formula over the previous period's data, one value per unit
    previous: np.ndarray | None = None


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
    """按完成比例计分，满分为止：值 ÷ full_at（越低越好时 full_at ÷ 值，不高于 full_at 得满分）。"""
    if ind.lower_is_better():
        result = np.clip(ind.full_at / np.where(value > ind.full_at, value, np.nan), 0, 1)
        return _missing_stays_missing(value, np.where(value <= ind.full_at + EPS, 1.0, result))
    return np.clip(value / ind.full_at, 0, 1)


def step_count(distance: np.ndarray, step: Step) -> np.ndarray:
    """How many steps a distance makes: whole steps only (每增加5%：增加9%为1步), \
or in proportion."""
    steps = np.maximum(distance, 0) / step.per
    return np.floor(steps + EPS) if step.whole else steps


def step_amount(distance: np.ndarray, step: Step, ctx: Context) -> np.ndarray:
    """The share of the indicator a distance moves: steps × each step's worth, held at the cap."""
    amount = step_count(distance, step) * step.amount(ctx.points)
    cap = step.cap(ctx.points)
    return amount if cap is None else np.minimum(amount, cap)


def _distances(value: np.ndarray, ind: s.Linear, ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """How far short of and how far beyond full_at each value is, in the value's unit (or as a
    step's own ``by`` formula measures it)."""
    short = value - ind.full_at if ind.lower_is_better() else ind.full_at - value
    given = ctx.distances or {}
    return given.get("loss", short), given.get("gain", -short)


def _linear_steps(value: np.ndarray, ind: s.Linear, ctx: Context) -> np.ndarray:
    """linear written as steps: the value against full_at decides short or beyond; each side
    counts its steps (in the value's unit, or as its own ``by`` formula measures)."""
    short, over = _distances(value, ind, ctx)
    below = 1 - (step_amount(short, ind.loss, ctx) if ind.loss is not None else 0)
    above = 1 + (step_amount(over, ind.gain, ctx) if ind.gain is not None else 0)
    result = np.where(_short_of(value, ind), np.maximum(below, ind.floor), above)
    return _missing_stays_missing(value, result)


def _short_of(value: np.ndarray, ind) -> np.ndarray:
    """Whether the value misses full_at (is above it, when lower is better)."""
    if ind.lower_is_better():
        return value > ind.full_at + EPS
    return value < ind.full_at - EPS


def linear(value: np.ndarray, ind: s.Linear, ctx: Context) -> np.ndarray:
    """完成得满分，每少1个百分点（或每少一步）扣若干，扣至 floor 为止；\
超额每多1个百分点（或每多一步）加若干，加分封顶。"""
    if ind.stepped():
        return _linear_steps(value, ind, ctx)
    if ind.lower_is_better():
        return _linear_lower(value, ind, ctx)
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


def _linear_lower(value: np.ndarray, ind: s.Linear, ctx: Context) -> np.ndarray:
    """linear where lower is better: each point above full_at loses, each point below gains."""
    loss = _per_point(ind.loss_per_point, ind.loss_points_per_point, ctx)
    gain = _per_point(ind.gain_per_point, ind.gain_points_per_point, ctx)
    cap = ind.max_gain if ind.max_gain is not None else np.inf
    if ind.max_gain_points is not None:
        cap = ind.max_gain_points / ctx.points
    points_above = (value - ind.full_at) * 100
    below = np.maximum(1 - loss * points_above, ind.floor)
    above = 1 + np.minimum(np.maximum(gain * -points_above, 0), cap)
    return np.where(value > ind.full_at + EPS, below, above)


def tiers(value: np.ndarray, ind: s.Tiers, ctx: Context) -> np.ndarray:
    """分档计分：值不低于某档 min（越低越好时不高于某档 max）得该档分数，都不到得 otherwise。"""
    result = np.full(len(value), float(ind.otherwise))
    lower = ind.lower_is_better()
    for tier in reversed(ind.tiers):  # the last listed first, so the best band reached wins
        score = _per_point(tier.score, tier.points, ctx)  # a share, or points as one
        reached = value <= tier.max + EPS if lower else value >= tier.min - EPS  # type: ignore[operator]
        result = np.where(reached, score, result)
    return _missing_stays_missing(value, result)


def pass_fail(value: np.ndarray, ind: s.PassFail, ctx: Context) -> np.ndarray:
    """完成（值不低于 full_at；越低越好时不高于 full_at）得满分，未完成不得分。"""
    if ind.lower_is_better():
        return _missing_stays_missing(value, (value <= ind.full_at + EPS).astype(float))
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


def sequence_ranks(value: np.ndarray, ind: s.RankPoints) -> np.ndarray:
    """Each unit's place counted from where the sequence starts: 1 for the first (or the last)."""
    start_first = ind.sequence is None or ind.sequence.start == "first"
    return competition_rank(value, descending=ind.descending() == start_first)


def rank_points(value: np.ndarray, ind: s.RankPoints, ctx: Context) -> np.ndarray:
    """按名次计分：名次落在某档（如1-3名）得该档分数，\
或从第1名（倒数第1名）起依次赋分，并列同分，其余得 otherwise_points。"""
    if ind.sequence is not None:
        seq = ind.sequence
        places = sequence_ranks(value, ind)
        points = np.maximum(seq.points + seq.step * (places - 1), 0)
        if seq.through is not None:
            points = np.where(places <= seq.through, points, float(ind.otherwise_points))
        return _missing_stays_missing(value, points / ctx.points)
    ranks = competition_rank(value, descending=ind.descending())
    points = np.full(len(value), float(ind.otherwise_points))
    for band in reversed(ind.bands or []):  # earlier bands win where they overlap
        low, high = band.bounds()
        points = np.where((ranks >= low) & (ranks <= high), band.points, points)
    return _missing_stays_missing(value, points / ctx.points)


def relative_to_best(value: np.ndarray, ind: s.RelativeToBest, ctx: Context) -> np.ndarray:
    """以最高值为满分，其余按 值÷最高值 计分（越低越好：以最低值为满分，按 最低值÷值）；\
最高值为 0 时均不得分。"""
    clean = np.maximum(value, 0)
    known = clean[~np.isnan(clean)]
    if ind.descending():
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


def _per(share: float | None, points: float | None) -> Message | str:
    if points is not None:
        return say("words.points", n=_num(points))
    return _pct(share or 0)


def _then(first: Message, then: Message | str) -> Message:
    """One sentence and what follows it: 得84%（扣完为止）."""
    return say("words.then", first=first, then=then)


def _words_proportional(ind, value, fraction, ctx, peers):
    if ind.lower_is_better():
        return _words_lower(ind, value, fraction, "proportional")
    rate = ind.full_at <= 2
    ratio = value / ind.full_at
    if ind.full_at == 1:
        said = say("words.in_proportion", value=_pct(value), got=_pct(fraction))
    else:
        quotient = f"{_show(value, rate)} ÷ {_show(ind.full_at, rate)} = {_pct(ratio)}"
        said = say("words.in_proportion", value=quotient, got=_pct(fraction))
    if ratio > 1:
        said = _then(said, say("words.capped"))
    return said


def _words_linear(ind, value, fraction, ctx, peers):
    if ind.stepped():
        return _words_steps(ind, value, fraction, ctx)
    if ind.lower_is_better():
        return _words_lower(ind, value, fraction, "linear")
    rate = ind.full_at <= 2
    v, full = _show(value, rate), _show(ind.full_at, rate)
    if value < ind.full_at - EPS:
        gap = _num((ind.full_at - value) * 100)
        loss = _per(ind.loss_per_point, ind.loss_points_per_point)
        said = say("words.linear_below", value=v, full=full, gap=gap, loss=loss, got=_pct(fraction))
        if fraction <= ind.floor + EPS:
            said = _then(said, say("words.no_lower"))
        return said
    said = say("words.reached", value=v, full=full)
    if fraction > 1 + EPS:
        gain = _per(ind.gain_per_point, ind.gain_points_per_point)
        over = _num((value - ind.full_at) * 100)
        said = _then(said, say("words.linear_gain", over=over, gain=gain, got=_pct(fraction)))
    return said


def _tier_got(tier) -> Message | str:
    return say("words.points", n=_num(tier.points)) if tier.points is not None else _pct(tier.score)


def _words_tiers(ind, value, fraction, ctx, peers):
    if ind.lower_is_better():
        return _words_lower_tiers(ind, value, ctx)
    rate = max(abs(t.min) for t in ind.tiers) <= 2
    v = _show(value, rate)
    for tier in ind.tiers:
        if value >= tier.min - EPS:
            bound = _show(tier.min, rate)
            return say("words.tier_at_least", value=v, bound=bound, got=_tier_got(tier))
    lowest = _show(ind.tiers[-1].min, rate)
    return say("words.tier_below", value=v, bound=lowest, got=_pct(ind.otherwise))


def _words_pass_fail(ind, value, fraction, ctx, peers):
    if ind.lower_is_better():
        return _words_lower(ind, value, fraction, "pass_fail")
    rate = ind.full_at <= 2
    v, full = _show(value, rate), _show(ind.full_at, rate)
    if fraction >= 1:
        return say("words.reached", value=v, full=full)
    return say("words.not_reached", value=v, full=full)


def _words_schedule(ind, value, fraction, ctx, peers):
    expected = ctx.scheme.expected_progress(ctx.month, ind.expected)
    due = say("words.schedule_due", month=ctx.month, expected=_pct(expected), done=_pct(value))
    if value >= expected - EPS:
        return _then(due, say("words.on_schedule"))
    if ind.loss_per_point is None and ind.loss_points_per_point is None:
        return _then(due, say("words.schedule_in_proportion", got=_pct(fraction)))
    gap = _num((expected - value) * 100)
    loss = _per(ind.loss_per_point, ind.loss_points_per_point)
    return _then(due, say("words.schedule_behind", gap=gap, loss=loss, got=_pct(fraction)))


def _words_rank_points(ind, value, fraction, ctx, peers):
    if ind.sequence is not None:
        return _words_sequence(ind, value, fraction, ctx, peers)
    ranks = competition_rank(peers, descending=ind.descending())
    rank = int(ranks[(peers.round(9) == round(value, 9)).to_numpy()][0])
    rate = peers.abs().max() <= 2
    points = _num(fraction * ctx.points)
    count = int(peers.notna().sum())
    return say("words.ranked", value=_show(value, rate), count=count, rank=rank, points=points)


def _words_relative_to_best(ind, value, fraction, ctx, peers):
    best = peers.max() if ind.descending() else peers.min()
    rate = peers.abs().max() <= 2
    word = say("words.highest" if ind.descending() else "words.lowest")
    return say("words.relative", best_word=word, best=_show(best, rate),
               value=_show(value, rate), got=_pct(fraction))  # fmt: skip


# ---- the shapes of issue 13 in words: steps, lower is better, points by rank in sequence


def _shown(x: float, ind, unit: str | None = None, lang: str = "zh") -> str:
    """A value as the practice writes it: a rate in percent, else the number with its unit
    (in English the unit's English word, never a Chinese one: "2 days", not "2天")."""
    unit = unit if unit is not None else ind.unit
    if unit == "%":
        return f"{_num(x)}%"
    if unit:
        if lang == "en":
            from .shape_methods import unit_word

            return f"{_num(x)}{unit_word(unit).render('en')}"
        return f"{_num(x)}{unit}"
    return _show(x, getattr(ind, "full_at", 2) <= 2 and abs(x) <= 10)


def _both(x: float, ind, unit: str | None = None) -> Given:
    """A value in each language: "2天", "2 days"."""
    return Given(_shown(x, ind, unit), _shown(x, ind, unit, "en"))


def _step_size(step, ind, unit: str | None, lang: str = "zh") -> str:
    """每少“1%”、每增加“10万元”、每增加“1公顷”."""
    if unit:
        return _shown(step.per, ind, unit, lang)
    return _pct(step.per) if ind.full_at <= 2 else _num(step.per)


def _step_worth(step) -> Message:
    if step.points is not None:
        return say("words.points", n=_num(step.points))
    return say("words.share_of_indicator", share=_pct(step.share))


# which way a step goes: (gain, lower is better) -> the sentence of one side of the rule
_STEP_WORDS = {
    (True, False): "words.step_gain",
    (True, True): "words.step_gain_lower",
    (False, False): "words.step_loss",
    (False, True): "words.step_loss_lower",
}


def _side_words(step, distance: float, ind, ctx: Context, gain: bool) -> Message:
    """One side of a stepped rule: 超出12个百分点，每增加5%加1分，计2步（不足一步的不计），加2分."""
    unit = step.unit if step.by is not None else ind.unit
    rate = unit is None and ind.full_at <= 2
    gap: Message | Given = (
        say("words.percentage_points", n=_num(distance * 100))
        if rate
        else _both(distance, ind, unit or "")
    )
    raw = max(distance, 0) / step.per
    count = step_count(np.array([distance]), step)[0]
    moved = float(step_amount(np.array([distance]), step, ctx)[0]) * ctx.points
    part = say("words.part_step") if step.whole and raw - count > EPS else ""
    said = say(_STEP_WORDS[(gain, ind.lower_is_better())], gap=gap,
               size=Given(_step_size(step, ind, unit), _step_size(step, ind, unit, "en")),
               worth=_step_worth(step), count=_num(count),
               part=part, moved=_num(moved))  # fmt: skip
    cap = step.cap(ctx.points)
    if cap is not None and count * step.amount(ctx.points) > cap + EPS:
        if step.max_share is not None and abs(step.max_share - 1) <= EPS and gain:
            return _then(said, say("words.capped_base"))
        limit = _num(cap * ctx.points)
        return _then(said, say("words.at_most_gain" if gain else "words.at_most_loss", limit=limit))
    return said


def _words_steps(ind, value, fraction, ctx):
    """linear as steps: 112%，达到100%；超出12个百分点，每增加5%加1分，计2步…，共得11分."""
    v, full = _both(value, ind), _both(ind.full_at, ind)
    points = _num(fraction * ctx.points)
    lower = ind.lower_is_better()
    given = ctx.distances or {}
    short = (value - ind.full_at) if lower else (ind.full_at - value)
    if bool(_short_of(np.array([value]), ind)[0]):
        if ind.loss is None:
            return say("words.short_of", value=v, full=full, points=points)
        distance = float(given["loss"][0]) if "loss" in given else short
        side = _side_words(ind.loss, distance, ind, ctx, gain=False)
        code = "words.steps_above" if lower else "words.steps_below"
        said = say(code, value=v, full=full, side=side, points=points)
        if ind.full_at == 0 and ind.unit:  # the value is the difference itself (拨付 − 计划)
            said = say("words.side_points", side=side, points=points)
        if fraction <= ind.floor + EPS:
            said = _then(said, say("words.no_lower"))
        return said
    said = say("words.at_most_full" if lower else "words.reached", value=v, full=full)
    if ind.full_at == 0 and ind.unit:
        said = say("words.not_above_mark" if lower else "words.not_below_mark", value=v)
    distance = float(given["gain"][0]) if "gain" in given else -short
    if ind.gain is not None and distance > EPS:
        side = _side_words(ind.gain, distance, ind, ctx, gain=True)
        said = _then(said, say("words.steps_gain", side=side, points=points))
    return said


def _words_lower(ind, value, fraction, method):
    """Lower is better: 结转结余率12%，高于9%，按比例得 9% ÷ 12% = 75%."""
    v, full = _both(value, ind), _both(ind.full_at, ind)
    if value <= ind.full_at + EPS:
        return say("words.at_most_full", value=v, full=full)
    if method == "pass_fail":
        return say("words.above_no_points", value=v, full=full)
    if method == "proportional":
        return say("words.lower_in_proportion", value=v, full=full, got=_pct(fraction))
    gap = _num((value - ind.full_at) * 100)
    loss = _per(ind.loss_per_point, ind.loss_points_per_point)
    return say("words.lower_linear", value=v, full=full, gap=gap, loss=loss, got=_pct(fraction))


def _words_lower_tiers(ind, value, ctx):
    """Tiers with upper bounds: 整改8天，不高于15天，得1分."""
    v = _both(value, ind)
    for tier in ind.tiers:
        if value <= tier.max + EPS:
            bound = _both(tier.max, ind)
            return say("words.tier_at_most", value=v, bound=bound, got=_tier_got(tier))
    highest = _both(ind.tiers[-1].max, ind)
    got = say("words.points", n=_num(ind.otherwise * ctx.points))
    return say("words.tier_above", value=v, bound=highest, got=got)


def _words_sequence(ind, value, fraction, ctx, peers):
    """Points by rank in sequence: 排第3名；第1名10分，每后1名减1分，得8分."""
    seq = ind.sequence
    places = sequence_ranks(peers.to_numpy(dtype=float), ind)
    place = int(places[(peers.round(9) == round(value, 9)).to_numpy()][0])
    ranks = competition_rank(peers, descending=ind.descending())
    rank = int(ranks[(peers.round(9) == round(value, 9)).to_numpy()][0])
    count = int(peers.notna().sum())
    rate = peers.abs().max() <= 2
    points = _num(fraction * ctx.points)
    start = "first" if seq.start == "first" else "last"
    way = "down" if seq.step < 0 else "up"
    rule = say(f"words.sequence_{start}_{way}", points=_num(seq.points),
               step=_num(abs(seq.step)), signed=_num(seq.step))  # fmt: skip
    where = say(f"words.place_{start}", rank=rank, count=count, place=place)
    shown = _show(value, rate)
    if seq.through is not None and place > seq.through:
        return say("words.sequence_beyond", value=shown, count=count, place=where,
                   through=seq.through, points=points)  # fmt: skip
    return say("words.sequence", value=shown, count=count, place=where, rule=rule, points=points)


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
) -> Message:
    """What the method did with one district's value, as a Message (Chinese or English)."""
    if value is None or np.isnan(value):
        return say("words.cannot_compute")
    return WORDS[method](indicator, value, fraction, ctx, peers)


# method: change (对比上期, issue 13 shape 18) lives in its own module; it reuses step_amount
from .change import change, words_change  # noqa: E402

METHODS["change"] = change
WORDS["change"] = words_change
# the methods of issue 13's later shapes live in their own room; registered here, where the
# engine and explain look methods up (imported last: shape_methods uses the helpers above)
from .shape_methods import METHODS as _SHAPE_METHODS  # noqa: E402
from .shape_methods import WORDS as _SHAPE_WORDS  # noqa: E402

METHODS.update(_SHAPE_METHODS)
WORDS.update(_SHAPE_WORDS)
