"""Ranks and grades: 1-2-2-4 on published (rounded) totals, strict ranks by the tie-break chain;
the survey ranked on its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .engine import Assessment

if TYPE_CHECKING:
    from .awards import AwardResult


@dataclass
class Tie:
    """Districts sharing a published total, and how the tie-break chain ordered them."""

    total: float
    districts: list[str]  # in the order the chain gives
    values: list[list[float | None]]  # per district: its value of each chain entry
    ranks: list[int]  # the strict ranks given (equal where the chain could not decide)
    where: str = ""  # the city, for a tie within a city's ranking or on an award's quota line


@dataclass
class Ranking:
    """The ranking table best first, and the separate survey ranking; with cities (所属市), the
    rank within the city; the ties the chain settled and the awards."""

    assessment: Assessment
    # district, total, earned, available, rank, grade, survey_rank[, city, city_rank]
    table: pd.DataFrame
    survey: pd.DataFrame  # district, satisfaction, rank
    chain: list[tuple[str, str | None]] = field(default_factory=list)  # the tie-break chain
    ties: list[Tie] = field(default_factory=list)  # where strict ranks used the chain
    awards: list[AwardResult] = field(default_factory=list)  # decided in awards.py
    # district -> the names of the vetoes (一票否决) that hold for it
    vetoed: dict[str, list[str]] = field(default_factory=dict)


def published_rank(values: pd.Series, precision: int, descending: bool = True) -> pd.Series:
    """Competition ranks (1-2-2-4) on values rounded as published, so equal shown scores tie."""
    return values.round(precision).rank(method="min", ascending=not descending).astype("Int64")


def grade_indexes(scheme, totals: np.ndarray) -> np.ndarray:
    """The grade of each (rounded) total as its position in the scheme's grades, 0 the best:
    ``Scheme.grade_of`` over an array of any shape."""
    grades = list(scheme.grades.values())
    index = np.full(totals.shape, len(grades) - 1)
    for position in range(len(grades) - 1, -1, -1):  # the highest band reached wins
        floor = round(grades[position] * scheme.total, scheme.precision) - 1e-9
        index = np.where(totals >= floor, position, index)
    return index


def grades_of(scheme, totals: np.ndarray) -> list[str]:
    """``Scheme.grade_of`` of each total, over the array: a total further than a rounding step
    from every grade's floor is graded unrounded (rounding cannot carry it across); the few
    nearer are graded one by one, as ``grade_of`` rounds them."""
    names = list(scheme.grades)
    totals = np.asarray(totals, dtype=float)
    graded = [names[i] for i in grade_indexes(scheme, totals).tolist()]
    step = 10.0**-scheme.precision
    near = np.zeros(totals.shape, dtype=bool)
    for fraction in scheme.grades.values():
        floor = round(fraction * scheme.total, scheme.precision) - 1e-9
        near |= np.abs(totals - floor) <= step
    for i in np.flatnonzero(near).tolist():
        graded[i] = scheme.grade_of(float(totals[i]))
    return graded


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
    survey = assessment.survey[["district", "satisfaction"]].copy()
    if scheme.survey is not None and not scheme.survey.rank_apart:  # only weighted in
        survey = survey.iloc[0:0]
    descending = scheme.survey is None or scheme.survey.order == "desc"
    if not survey.empty:
        survey["rank"] = published_rank(survey["satisfaction"], precision, descending)
        survey = survey.sort_values("rank", kind="stable").reset_index(drop=True)
    else:
        survey["rank"] = pd.Series(dtype="Int64")
    table["survey_rank"] = (
        table["district"].map(dict(zip(survey["district"], survey["rank"]))).astype("Int64")
    )
    chain = scheme.tie_chain()
    keys = _chain_keys(assessment, chain, dict(zip(survey["district"], survey["satisfaction"])))
    ties: list[Tie] = []
    last = _ranked_last(assessment, table)
    table["rank"] = _ranks(table, keys, scheme, ties, "", last)
    table["grade"] = grades_of(scheme, table["total"].to_numpy())
    vetoed = _vetoed_grades(assessment, table)
    if assessment.groups:
        table["city"] = table["district"].map(assessment.groups)
        table["city_rank"] = pd.Series(pd.NA, index=table.index, dtype="Int64")
        for city, members in table.groupby("city", sort=False).groups.items():
            part = table.loc[members]
            ranks = _ranks(part, keys, scheme, [], city, last.loc[members])
            table.loc[members, "city_rank"] = ranks.to_numpy()
    table = table.sort_values(["rank", "total"], ascending=[True, False], kind="stable")
    order = ["district", "total", "earned", "available", "rank", "grade", "survey_rank"]
    table = table[order + [c for c in ("city", "city_rank") if c in table]].reset_index(drop=True)
    from .awards import decide

    cities = list(dict.fromkeys(assessment.groups.values()))  # in the data's order
    awards = [
        decide(award, table, keys, chain, scheme, cities, assessment.level, assessment.vetoes)
        for award in scheme.awards
    ]
    return Ranking(assessment, table, survey, chain, ties, awards, vetoed)


def _ranks(part, keys, scheme, ties: list[Tie], where: str, last: pd.Series) -> pd.Series:
    """Ranks as the scheme gives them (shared 1-2-2-4 or strict); units a veto ranks last
    (一票否决) come after every other unit, ranked among themselves."""
    precision = scheme.precision

    def ranked(rows: pd.DataFrame) -> pd.Series:
        if scheme.ranking.strict:
            return _strict_rank(rows, keys, precision, ties, where)
        return published_rank(rows["total"], precision)

    if not last.any():
        return ranked(part)
    first, behind = part[~last.to_numpy()], part[last.to_numpy()]
    ranks = (
        pd.concat([ranked(first), ranked(behind) + len(first)]) if len(first) else ranked(behind)
    )
    return ranks.reindex(part.index).astype("Int64")


def _ranked_last(assessment: Assessment, table: pd.DataFrame) -> pd.Series:
    """Per row of the table, whether a veto that holds for it says rank: last."""
    vetoes = assessment.scheme.vetoes
    last = {
        d for d, hits in assessment.vetoes.items() if any(vetoes[k].rank == "last" for k, _ in hits)
    }
    return table["district"].isin(last)


def _vetoed_grades(assessment: Assessment, table: pd.DataFrame) -> dict[str, list[str]]:
    """Force the grade a veto gives (the lowest, where several hold); the vetoes per district."""
    scheme = assessment.scheme
    grades = list(scheme.grades)
    vetoed: dict[str, list[str]] = {}
    for position, district in enumerate(table["district"]):
        hits = assessment.vetoes.get(district)
        if not hits:
            continue
        vetoed[district] = [scheme.vetoes[k].name for k, _ in hits]
        forced = [scheme.vetoes[k].grade for k, _ in hits if scheme.vetoes[k].grade]
        if forced:
            worst = max([table["grade"].iat[position], *forced], key=grades.index)
            table.iat[position, table.columns.get_loc("grade")] = worst
    return vetoed


def _chain_keys(
    assessment: Assessment, chain: list[tuple[str, str | None]], satisfaction: dict
) -> pd.DataFrame:
    """Per district, each chain entry's value, made so that higher is better (NaN: missing)."""
    scheme = assessment.scheme
    sign = -1.0 if scheme.survey is not None and scheme.survey.order == "asc" else 1.0
    columns = {}
    for position, (_, item) in enumerate(chain):
        if item is None:
            columns[position] = [sign * satisfaction.get(d, np.nan) for d in assessment.districts]
        else:
            columns[position] = assessment.scores[item].to_numpy(dtype=float)
    return pd.DataFrame(columns, index=pd.Index(assessment.districts, dtype=object), dtype=float)


def _order(part: pd.DataFrame, keys: pd.DataFrame, precision: int) -> tuple[np.ndarray, np.ndarray]:
    """Districts best first by published total then the chain (missing values last); and for
    each, the tuple the order was decided on."""
    published = part["total"].round(precision).to_numpy()
    chain = keys.loc[part["district"]].to_numpy()
    sortable = np.where(np.isnan(chain), -np.inf, chain).round(9)
    # lexsort is stable, and its last key is the primary one
    order = np.lexsort(
        [*(-sortable[:, i] for i in range(sortable.shape[1] - 1, -1, -1)), -published]
    )
    decided = np.column_stack([published, sortable])
    return order, decided


def _strict_rank(
    part: pd.DataFrame, keys: pd.DataFrame, precision: int, ties: list[Tie], where: str
) -> pd.Series:
    """Ranks 1, 2, 3… ordered by published total, then the tie-break chain; districts equal on
    the total and on every chain entry still share a rank. Each tie on the total is recorded."""
    order, decided = _order(part, keys, precision)
    ranks = np.empty(len(part), dtype=int)
    previous = None
    for position, index in enumerate(order):
        key = tuple(decided[index])
        ranks[index] = ranks[order[position - 1]] if key == previous else position + 1
        previous = key
    published = decided[:, 0]
    runs: list[list[int]] = []  # equal published totals stand together in the order
    for index in order:
        if runs and published[runs[-1][0]] == published[index]:
            runs[-1].append(index)
        else:
            runs.append([index])
    for members in runs:
        total = published[members[0]]
        if len(members) > 1:
            ties.append(
                Tie(
                    float(total),
                    [part["district"].iat[i] for i in members],
                    [[None if np.isnan(v) else float(v) for v in keys.loc[part["district"].iat[i]]]
                     for i in members],
                    [int(ranks[i]) for i in members],
                    where,
                )
            )  # fmt: skip
    return pd.Series(ranks, index=part.index, dtype="Int64")
