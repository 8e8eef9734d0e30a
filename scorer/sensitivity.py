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
            scored = score(changed(scheme, settings)[0], data, assessment.month, assessment.prior)
            rows = (picks == combination).all(axis=1)
            earned[rows] = drawn[rows] @ shares_of(scored)
    else:
        earned = drawn @ shares_of(assessment)  # draws × districts
    available = drawn @ counted.astype(float)
    totals = np.round(scheme.total * earned / available, scheme.precision)
    last, forced = veto_effects(assessment)
    nominal = assessment.total.round(scheme.precision).to_numpy()
    ranks, nominal_rank = _draw_ranks(totals, nominal, last, scheme.total)
    grades = list(scheme.grades.items())
    drawn_grades = np.maximum(grade_indexes(scheme, totals), forced)
    nominal_grades = np.maximum(grade_indexes(scheme, nominal), forced)
    kept = (drawn_grades == nominal_grades[None, :]).mean(axis=0)
    columns = {
        "district": assessment.districts,
        "rank": nominal_rank,
        "median_rank": np.median(ranks, axis=0),
        "rank_p5": np.percentile(ranks, 5, axis=0, method="lower"),
        "rank_p95": np.percentile(ranks, 95, axis=0, method="higher"),
        "grade": [grades[i][0] for i in nominal_grades],
        "grade_kept": kept,
    }
    # the first award decided on these data, as published; the draws decide it again
    published = next((r for r in rank(assessment).awards if not r.skipped), None)
    award = (
        next((a for a in scheme.awards if a.name == published.name), None) if published else None
    )
    if award is not None:
        columns["award"] = np.isin(assessment.districts, published.winners)
        columns["award_share"] = honoured(award, assessment, totals, forced).mean(axis=0)
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


def _draw_ranks(
    totals: np.ndarray, nominal: np.ndarray, last: np.ndarray, scheme_total: float
) -> tuple[np.ndarray, np.ndarray]:
    """1-2-2-4 ranks per draw (draws × districts) and as published. 一票否决 holds in every
    draw: a unit ranked last stays below every unit not vetoed (its total is ranked as if
    lowered below any total)."""
    below = 2.0 * (np.abs(totals).max(initial=0) + scheme_total + 1) if last.any() else 0.0
    ranked = totals - below * last
    # one more than the number of totals above (sorted, so memory stays linear)
    ordered = np.sort(ranked, axis=1)
    count = totals.shape[1]
    ranks = np.stack(
        [count - np.searchsorted(ordered[i], ranked[i], side="right") + 1
         for i in range(len(totals))]
    )  # fmt: skip
    nominal_ranked = nominal - below * last
    return ranks, (nominal_ranked[None, :] > nominal_ranked[:, None]).sum(axis=1) + 1


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
