"""Sensitivity: how firm each rank, grade and award is when the weights (and listed method
parameters) move: Monte Carlo as matrix products."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .awards import honoured
from .engine import Assessment
from .messages import Clauses, Message, say
from .ranking import grade_indexes, rank


@dataclass
class Sensitivity:
    """How firm each district's rank and grade are when the weights move."""

    table: pd.DataFrame  # district, rank, median_rank, rank_p5, rank_p95, grade, grade_kept
    draws: int
    spread: float
    seed: int
    varied: Clauses  # what the draws changed
    held: Message | Clauses  # what they held fixed
    award: str | None = None  # the award decided again in each draw (award, award_share)


def sensitivity(
    assessment: Assessment, draws: int = 2000, spread: float = 0.2, seed: int = 0, data=None
) -> Sensitivity:
    """Monte Carlo over the weights: each weight drawn uniformly within ±spread of its value,
    then all scaled so the total stays; each district's share of each project's points (得分率)
    held as scored. For every draw the totals are rescaled for suspended projects as the engine
    does, rounded as published and ranked 1-2-2-4. Vectorised: draws × items @ items × districts.

    Where the scheme lists ``sensitivity.alternatives`` (and ``data`` is given to score them),
    each draw also takes one value of each listed parameter: the data are scored once per
    combination drawn, and each draw uses its combination's shares.

    Long because: the draws, their totals, ranks, grades and the award decided again, one
    array flowing into the next; the words of what moved are said at its end."""
    scheme = assessment.scheme
    weights = np.array([p.weight for p in scheme.projects], dtype=float)
    counted = ~assessment.suspended.to_numpy(dtype=bool).T
    if assessment.inapplicable is not None:  # items for some units only (applies_to)
        counted &= ~assessment.inapplicable.to_numpy(dtype=bool).T

    def shares_of(scored: Assessment) -> np.ndarray:  # items × districts
        return np.where(counted, (scored.scores.to_numpy(dtype=float) / weights).T, 0.0)

    rng = np.random.default_rng(seed)
    drawn = weights * rng.uniform(1 - spread, 1 + spread, size=(draws, len(weights)))
    drawn *= weights.sum() / drawn.sum(axis=1, keepdims=True)  # the total stays
    alternatives = scheme.sensitivity.alternatives if data is not None else {}
    if alternatives:
        from .engine import score
        from .whatif import changed

        keys = list(alternatives)
        picks = np.stack([rng.integers(len(alternatives[k]), size=draws) for k in keys], axis=1)
        earned = np.empty((draws, len(assessment.districts)))
        for combination in np.unique(picks, axis=0):
            settings = [f"{k}={alternatives[k][i]}" for k, i in zip(keys, combination)]
            other = changed(scheme, settings)[0]
            # the scheme's own values among those listed: scored already
            scored = (
                assessment
                if other == scheme
                else score(other, data, assessment.month, assessment.prior)
            )
            rows = (picks == combination).all(axis=1)
            earned[rows] = drawn[rows] @ shares_of(scored)
    else:
        earned = drawn @ shares_of(assessment)  # draws × districts
    available = drawn @ counted.astype(float)
    # the totals, worked in place (earned × total ÷ available, as one expression would): the
    # draws × districts arrays are the memory of a large run, and each is held once
    totals = np.multiply(earned, scheme.total, out=earned)
    np.divide(totals, available, out=totals)
    del available
    np.round(totals, scheme.precision, out=totals)
    nominal = assessment.total.round(scheme.precision).to_numpy()
    # 一票否决 holds in every draw: a unit ranked last is ranked as if its total were below any
    last, forced = veto_effects(assessment)
    below = 2.0 * (np.nanmax(np.abs(totals), initial=0) + scheme.total + 1) if last.any() else 0.0
    lowered = nominal - below * last
    # 1-2-2-4: one more than the number of totals above (NaN above none, as with >)
    valid = np.sort(lowered[~np.isnan(lowered)])
    nominal_rank = len(valid) - np.searchsorted(valid, lowered, side="right") + 1
    # the first award decided on these data, as published; the draws decide it again
    published = next((r for r in rank(assessment).awards if not r.skipped), None)
    award = (
        next((a for a in scheme.awards if a.name == published.name), None) if published else None
    )
    ranks, kept, won = _draws(assessment, totals, award, last * below, forced)
    median, low, high = _spread_of(ranks)
    grades = list(scheme.grades.items())
    columns = {
        "district": assessment.districts,
        "rank": nominal_rank,
        "median_rank": median,
        "rank_p5": low,
        "rank_p95": high,
        "grade": [grades[i][0] for i in np.maximum(grade_indexes(scheme, nominal), forced)],
        "grade_kept": kept / draws,
    }
    if award is not None and published is not None:
        columns["award"] = np.isin(assessment.districts, published.winners)
        columns["award_share"] = won / draws
    table = pd.DataFrame(columns).sort_values("rank", kind="stable").reset_index(drop=True)
    varied = [say("sensitivity.varied", spread=spread, total=scheme.total, draws=draws, seed=seed)]
    held: Message | Clauses = say("sensitivity.held")
    if alternatives:
        listed = Clauses(
            say("sensitivity.alternative", name=k, values=[f"{v:g}" for v in vs])
            for k, vs in alternatives.items()
        )
        varied.append(say("sensitivity.varied_parameters", listed=listed))
        held = say("sensitivity.held_listed")
    elif scheme.sensitivity.alternatives:
        held = say("sensitivity.held_no_data")
    if award is not None:
        varied.append(say("sensitivity.varied_award", award=award.name))
    if assessment.vetoes:  # 一票否决 holds in every draw
        vetoed = [d for d in assessment.districts if d in assessment.vetoes]
        held = Clauses([held, say("shape.sensitivity_vetoes", districts=vetoed)])
    return Sensitivity(
        table, draws, spread, seed, Clauses(varied), held, award.name if award else None
    )


def veto_effects(assessment: Assessment) -> tuple[np.ndarray, np.ndarray]:
    """Per district, what the vetoes (一票否决) that hold do in any draw: whether it is ranked
    below every unit not vetoed (rank: last), and the grade it gets at best, as a position in
    the scheme's grades (0: no veto's grade holds)."""
    scheme = assessment.scheme
    names = list(scheme.grades)
    last = np.zeros(len(assessment.districts), dtype=bool)
    forced = np.zeros(len(assessment.districts), dtype=int)
    for position, district in enumerate(assessment.districts):
        for number, _ in assessment.vetoes.get(district, []):
            veto = scheme.vetoes[number]
            last[position] |= veto.rank == "last"
            if veto.grade in scheme.grades:
                forced[position] = max(forced[position], names.index(veto.grade))
    return last, forced


# Draws are worked in chunks of this many: a chunk's sorts and grades stay within a few megabytes,
# and the chunks are shared among the cores (numpy lets go of the interpreter while it sorts).
CHUNK = 128


def _draws(
    assessment: Assessment, totals: np.ndarray, award, lowered: np.ndarray, forced: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per district, from the draws × districts totals: its rank in each draw (districts × draws,
    in the smallest integer type that holds them), how many draws keep its grade and how many
    give it the award. The vetoes hold in each: ``lowered`` is taken off a unit's total for its
    rank (ranked below every unit not vetoed), ``forced`` is the grade it gets at best."""
    scheme = assessment.scheme
    draws, count = totals.shape
    nominal = np.maximum(
        grade_indexes(scheme, assessment.total.round(scheme.precision).to_numpy()), forced
    )
    ranks = np.empty((count, draws), dtype=np.uint16 if count < 2**16 else np.int64)

    last = lowered > 0

    def chunk(start: int) -> tuple[np.ndarray, np.ndarray | None]:
        rows = totals[start : start + CHUNK]
        counted = _ranks_counted(rows, scheme.precision, last)
        if counted is None:
            counted = _ranks_in(rows - lowered if lowered.any() else rows)
        ranks[:, start : start + CHUNK] = counted.T
        graded = np.maximum(grade_indexes(scheme, rows), forced)
        kept = (graded == nominal[None, :]).sum(axis=0)
        won = honoured(award, assessment, rows, forced).sum(axis=0) if award is not None else None
        return kept, won

    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        parts = list(pool.map(chunk, range(0, draws, CHUNK)))
    kept = np.sum([k for k, _ in parts], axis=0)
    won = np.sum([w for _, w in parts if w is not None], axis=0) if award else np.zeros(count)
    return ranks, kept, won


def _ranks_in(totals: np.ndarray) -> np.ndarray:
    """Each row's 1-2-2-4 ranks: one more than the number of totals above (NaN sorted last, as
    numpy sorts it). The totals looked up in sorted order, which is the quick way to search."""
    count = totals.shape[1]
    order = np.argsort(totals, axis=1)
    ordered = np.take_along_axis(totals, order, axis=1)
    ranks = np.empty(totals.shape, dtype=np.int64)
    for row in range(len(totals)):
        found = np.searchsorted(ordered[row], ordered[row], side="right")
        ranks[row, order[row]] = count - found + 1
    return ranks


def _ranks_counted(totals: np.ndarray, precision: int, last: np.ndarray) -> np.ndarray | None:
    """``_ranks_in`` of totals rounded to ``precision`` decimals, by counting: each total is a
    whole number of its last decimal, so the totals above it are counted from a tally of those
    numbers, row by row, without sorting. Units ranked last (``last``, 一票否决) are counted
    below every other, NaN above all (as ``_ranks_in`` sorts them). None where the numbers span
    too wide a range to tally (then sort: ``_ranks_in``)."""
    rows, count = totals.shape
    if not count:
        return np.empty(totals.shape, dtype=np.int64)
    steps = np.rint(totals * 10.0**precision)
    known = ~np.isnan(steps)
    if not known.any():
        return np.ones(totals.shape, dtype=np.int64)
    low, high = steps[known].min(), steps[known].max()
    span = high - low + 1
    if span > 4 * count + 4096 or abs(low) > 2**50 or abs(high) > 2**50:
        return None
    groups = 2 * int(span) + 1  # the units ranked last, the others, NaN
    keys = np.where(known, steps - low, 2 * span).astype(np.int64)
    if last.any():
        keys[:, ~last] += int(span) * known[:, ~last]
    else:
        keys += int(span) * known
    keys += (np.arange(rows, dtype=np.int64) * groups)[:, None]
    tally = np.bincount(keys.ravel(), minlength=rows * groups).reshape(rows, groups)
    at_most = np.cumsum(tally, axis=1)  # per row, how many totals are at or below each number
    keys -= (np.arange(rows, dtype=np.int64) * groups)[:, None]
    return count - np.take_along_axis(at_most, keys, axis=1) + 1


def _spread_of(ranks: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each district's median rank over the draws and its 5th (lower) and 95th (higher)
    percentile, as numpy's median and percentile give them: each block of districts' ranks
    sorted once and the three read from their places (numpy would partition it three times)."""
    count, draws = ranks.shape
    median = np.empty(count)
    low = np.empty(count, dtype=np.int64)
    high = np.empty(count, dtype=np.int64)
    if not draws:
        median[:], low[:], high[:] = np.median(ranks, axis=1), 0, 0
        return median, low, high
    # the positions numpy's percentiles take in a sorted row (asked of the positions themselves)
    positions = np.arange(draws)
    first = int(np.percentile(positions, 5, method="lower"))
    last = int(np.percentile(positions, 95, method="higher"))
    radix = ranks.dtype.itemsize <= 2  # numpy sorts 16-bit numbers by radix when stable
    for start in range(0, count, 1024):
        block = ranks[start : start + 1024]
        block = np.sort(block, axis=1, kind="stable") if radix else np.sort(block, axis=1)
        middle = block[:, (draws - 1) // 2].astype(float)
        median[start : start + 1024] = (middle + block[:, draws // 2]) / 2
        low[start : start + 1024] = block[:, first]
        high[start : start + 1024] = block[:, last]
    return median, low, high
