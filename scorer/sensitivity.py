"""Sensitivity: how firm each rank, grade and award is when the weights (and listed method
parameters) move: Monte Carlo as matrix products."""

from __future__ import annotations

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
    held: Message  # what they held fixed
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
    combination drawn, and each draw uses its combination's shares."""
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
            scored = score(changed(scheme, settings)[0], data, assessment.month, assessment.prior)
            rows = (picks == combination).all(axis=1)
            earned[rows] = drawn[rows] @ shares_of(scored)
    else:
        earned = drawn @ shares_of(assessment)  # draws × districts
    available = drawn @ counted.astype(float)
    totals = np.round(scheme.total * earned / available, scheme.precision)
    ranks = _draw_ranks(totals)
    grades = list(scheme.grades.items())
    nominal = assessment.total.round(scheme.precision).to_numpy()
    nominal_rank = (nominal[None, :] > nominal[:, None]).sum(axis=1) + 1

    kept = (grade_indexes(scheme, totals) == grade_indexes(scheme, nominal)[None, :]).mean(axis=0)
    columns = {
        "district": assessment.districts,
        "rank": nominal_rank,
        "median_rank": np.median(ranks, axis=0),
        "rank_p5": np.percentile(ranks, 5, axis=0, method="lower"),
        "rank_p95": np.percentile(ranks, 95, axis=0, method="higher"),
        "grade": [grades[i][0] for i in grade_indexes(scheme, nominal)],
        "grade_kept": kept,
    }
    # the first award decided on these data, as published; the draws decide it again
    published = next((r for r in rank(assessment).awards if not r.skipped), None)
    award = (
        next((a for a in scheme.awards if a.name == published.name), None) if published else None
    )
    if award is not None:
        columns["award"] = np.isin(assessment.districts, published.winners)
        columns["award_share"] = honoured(award, assessment, totals).mean(axis=0)
    table = pd.DataFrame(columns).sort_values("rank", kind="stable").reset_index(drop=True)
    name = award.name if award is not None else None
    varied, held = _what_moved(scheme, draws, spread, seed, alternatives, name)
    return Sensitivity(table, draws, spread, seed, varied, held, name)


def _draw_ranks(totals: np.ndarray) -> np.ndarray:
    """1-2-2-4 per draw: one more than the number of totals above (sorted, so memory stays
    linear)."""
    ordered = np.sort(totals, axis=1)
    count = totals.shape[1]
    return np.stack(
        [
            count - np.searchsorted(ordered[i], totals[i], side="right") + 1
            for i in range(len(totals))
        ]
    )


def _what_moved(
    scheme, draws: int, spread: float, seed: int, alternatives: dict, award: str | None
) -> tuple[Clauses, Message]:
    """What the draws changed and what they held fixed, in words."""
    varied = [say("sensitivity.varied", spread=spread, total=scheme.total, draws=draws, seed=seed)]
    held = say("sensitivity.held")
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
        varied.append(say("sensitivity.varied_award", award=award))
    return Clauses(varied), held
