"""Ranks and grades: 1-2-2-4 on published (rounded) totals; the survey ranked on its own."""

from __future__ import annotations

from dataclasses import dataclass

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
