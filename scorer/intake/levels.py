"""Districts and their cities: each district's city (所属市) checked, and counties rolled up
into cities for an assessment at city level."""

from __future__ import annotations

import pandas as pd

from ..headers import cell_text
from ..scheme import Scheme, normalize_name
from .dataset import Dataset, Source, where
from .issues import Issues
from .texts import unique_map


def check_cities(
    rows: pd.DataFrame, scheme: Scheme, sources: list[Source], issues: Issues
) -> dict[str, str]:
    """Each district's city (所属市), when the data give cities: one city per district, and
    every district given one."""
    if "city" not in rows or "city" not in scheme.columns:
        return {}
    rows["city"] = unique_map(rows["city"], lambda x: normalize_name(cell_text(x)))
    named = rows[rows["city"] != ""]
    if named.empty:
        return {}
    label = scheme.columns["city"].label
    firsts = named.drop_duplicates(["district", "city"])
    groups: dict[str, str] = {}
    first_row: dict[str, int] = {}
    for district, city, source, row in zip(
        firsts["district"], firsts["city"], firsts["_source"], firsts["_row"]
    ):
        if district not in groups:
            groups[district], first_row[district] = city, int(row)
            continue
        issues.add(
            "city-conflict",
            {"district": district, "city": city, "other": groups[district],
             "other_row": first_row[district]},
            value=city,
            **where(sources, int(source), int(row), "city"),
        )  # fmt: skip
    unnamed = rows[~rows["district"].isin(groups)].drop_duplicates("district")
    for district, source, row in zip(unnamed["district"], unnamed["_source"], unnamed["_row"]):
        issues.add(
            "missing-city",
            {"district": district, "label": label},
            **where(sources, int(source), int(row), "city"),
        )
    return groups


def roll_up(data: Dataset, scheme: Scheme) -> Dataset:
    """Counties rolled up into their cities (--level city). Each measure is summed over the
    counties carrying the project out, or averaged where the scheme's column says ``roll_up:
    mean`` (scores); rates are then computed by the engine on the sums, never averaged. A
    city's project is suspended only when every county suspended it. The survey is averaged."""
    rows = data.rows.copy()
    rows["city"] = rows["district"].map(data.groups)
    measures = scheme.measure_keys()
    active = rows[~rows["suspended"].astype(bool)]
    keys = ["city", "project"]
    frame = rows.groupby(keys, sort=False).agg(
        suspended=("suspended", "all"), _source=("_source", "first"), _row=("_row", "first")
    )
    sums = [k for k in measures if scheme.columns[k].roll_up == "sum"]
    means = [k for k in measures if scheme.columns[k].roll_up == "mean"]
    grouped = active.groupby(keys, sort=False)
    if sums:
        frame = frame.join(grouped[sums].sum(min_count=1))
    if means:
        frame = frame.join(grouped[means].mean())
    frame = frame.reset_index()
    frame["district"] = frame["city"]
    cities = list(dict.fromkeys(rows["city"]))
    return Dataset(
        frame, cities, _survey_of_cities(data), data.sources, data.files, list(data.issues),
        {}, rows,
    )  # fmt: skip


def _survey_of_cities(data: Dataset) -> pd.DataFrame:
    """The survey averaged over each city's counties."""
    survey = data.survey
    if survey.empty:
        return survey
    survey = survey.assign(city=survey["district"].map(data.groups))
    return (
        survey.dropna(subset=["city"])
        .groupby("city", sort=False)
        .agg(
            satisfaction=("satisfaction", "mean"),
            _source=("_source", "first"),
            _row=("_row", "first"),
        )  # fmt: skip
        .reset_index()
        .rename(columns={"city": "district"})
    )
