"""Ranks and grades: 1-2-2-4 on published (rounded) totals; the survey ranked on its own."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .engine import Assessment


@dataclass
class Ranking:
    """The ranking table best first, and the separate survey ranking."""

    assessment: Assessment
    table: pd.DataFrame  # district, total, rank, grade, survey_rank, earned, available
    survey: pd.DataFrame  # district, satisfaction, rank


def published_rank(values: pd.Series, precision: int, descending: bool = True) -> pd.Series:
    """Competition ranks (1-2-2-4) on values rounded as published, so equal shown scores tie."""
    return values.round(precision).rank(method="min", ascending=not descending).astype("Int64")


def rank(assessment: Assessment) -> Ranking:
    scheme = assessment.scheme
    precision = scheme.precision
    table = pd.DataFrame(
        {
            "district": assessment.districts,
            "total": assessment.total.to_numpy(),
            "earned": assessment.earned.to_numpy(),
            "available": assessment.available.to_numpy(),
        }
    )
    table["rank"] = published_rank(table["total"], precision)
    table["grade"] = table["total"].map(scheme.grade_of)

    survey = assessment.survey[["district", "satisfaction"]].copy()
    if not survey.empty:
        descending = scheme.survey is None or scheme.survey.order == "desc"
        survey["rank"] = published_rank(survey["satisfaction"], precision, descending)
        survey = survey.sort_values("rank", kind="stable").reset_index(drop=True)
    else:
        survey["rank"] = pd.Series(dtype="Int64")
    table["survey_rank"] = (
        table["district"].map(dict(zip(survey["district"], survey["rank"]))).astype("Int64")
    )
    table = table.sort_values("rank", kind="stable").reset_index(drop=True)
    return Ranking(assessment, table, survey)


@dataclass
class Sensitivity:
    """How firm each district's rank and grade are when the weights move."""

    table: pd.DataFrame  # district, rank, median_rank, rank_p5, rank_p95, grade, grade_kept
    draws: int
    spread: float
    seed: int
    varied: dict[str, str]  # what the draws changed, zh and en
    held: dict[str, str]  # what they held fixed


def sensitivity(
    assessment: Assessment, draws: int = 2000, spread: float = 0.2, seed: int = 0
) -> Sensitivity:
    """Monte Carlo over the weights: each weight drawn uniformly within ±spread of its value,
    then all scaled so the total stays; each district's share of each project's points (得分率)
    held as scored. For every draw the totals are rescaled for suspended projects as the engine
    does, rounded as published and ranked 1-2-2-4. Vectorised: draws × items @ items × districts."""
    scheme = assessment.scheme
    weights = np.array([p.weight for p in scheme.projects], dtype=float)
    shares = (assessment.scores.to_numpy(dtype=float) / weights).T  # items × districts
    counted = ~assessment.suspended.to_numpy(dtype=bool).T
    shares = np.where(counted, shares, 0.0)
    rng = np.random.default_rng(seed)
    drawn = weights * rng.uniform(1 - spread, 1 + spread, size=(draws, len(weights)))
    drawn *= weights.sum() / drawn.sum(axis=1, keepdims=True)  # the total stays
    earned = drawn @ shares  # draws × districts
    available = drawn @ counted.astype(float)
    totals = np.round(scheme.total * earned / available, scheme.precision)
    # 1-2-2-4 per draw: one more than the number of totals above (sorted, so memory stays linear)
    ordered = np.sort(totals, axis=1)
    count = totals.shape[1]
    ranks = np.stack(
        [count - np.searchsorted(ordered[i], totals[i], side="right") + 1 for i in range(draws)]
    )
    grades = list(scheme.grades.items())
    nominal = assessment.total.round(scheme.precision).to_numpy()
    nominal_rank = (nominal[None, :] > nominal[:, None]).sum(axis=1) + 1

    def grade_index(values: np.ndarray) -> np.ndarray:
        index = np.full(values.shape, len(grades) - 1)
        for position in range(len(grades) - 1, -1, -1):  # the highest band reached wins
            floor = round(grades[position][1] * scheme.total, scheme.precision) - 1e-9
            index = np.where(values >= floor, position, index)
        return index

    kept = (grade_index(totals) == grade_index(nominal)[None, :]).mean(axis=0)
    table = (
        pd.DataFrame(
            {
                "district": assessment.districts,
                "rank": nominal_rank,
                "median_rank": np.median(ranks, axis=0),
                "rank_p5": np.percentile(ranks, 5, axis=0, method="lower"),
                "rank_p95": np.percentile(ranks, 95, axis=0, method="higher"),
                "grade": [grades[i][0] for i in grade_index(nominal)],
                "grade_kept": kept,
            }
        )
        .sort_values("rank", kind="stable")
        .reset_index(drop=True)
    )
    varied = {
        "zh": f"各项目分值在 ±{spread:.0%} 内均匀抽取，再按比例缩放使总分保持 {scheme.total:g}（{draws} 次，种子 {seed}）",
        "en": f"every weight drawn uniformly within ±{spread:.0%}, then scaled so the total stays {scheme.total:g} ({draws} draws, seed {seed})",
    }
    held = {
        "zh": "各地区每个项目的得分率（得分 ÷ 分值，扣分与加分已在其中）和暂缓实施的项目；计分方法的参数不变",
        "en": "each district's share of each project's points (deductions and bonuses included) and its suspended projects; method parameters unchanged",
    }
    return Sensitivity(table, draws, spread, seed, varied, held)


def rank_changes(before: Ranking, after: Ranking) -> pd.DataFrame:
    """Per district of the later period: rank and total then and now, and the move (+ is up)."""
    old = before.table.set_index("district")
    table = after.table[["district", "rank", "total", "grade"]].copy()
    table["rank_before"] = table["district"].map(old["rank"]).astype("Int64")
    table["total_before"] = table["district"].map(old["total"])
    table["move"] = (table["rank_before"] - table["rank"]).astype("Int64")
    return table


def behind_schedule(assessment: Assessment) -> pd.DataFrame:
    """Indicators scored against the time schedule (序时进度) that fall short of it: district,
    project, indicator, the share of the year's target done, and the share expected by now."""
    scheme = assessment.scheme
    details = assessment.details
    short = details[(details["method"] == "schedule") & (details["fraction"] < 1 - 1e-9)]
    expected = {}
    for project in scheme.projects:
        for indicator in scheme.rules_of(project).indicators or []:
            if indicator.method == "schedule":
                expected[(project.name, indicator.name)] = scheme.expected_progress(
                    assessment.month, indicator.expected
                )
    return pd.DataFrame(
        {
            "district": short["district"].to_numpy(dtype=object),
            "project": short["project"].to_numpy(dtype=object),
            "indicator": short["name"].to_numpy(dtype=object),
            "done": short["value"].to_numpy(dtype=float),
            "expected": [expected[(p, n)] for p, n in zip(short["project"], short["name"])],
        }
    )


def sparkline(values: list[float], low: float, high: float) -> str:
    """A row of block characters, one per value, on the common scale low..high."""
    blocks = "▁▂▃▄▅▆▇█"
    if high - low < 1e-12:
        return blocks[3] * len(values)
    return "".join(
        " " if v != v else blocks[min(7, int((v - low) / (high - low) * 7.999))] for v in values
    )
