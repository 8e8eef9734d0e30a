"""The public-opinion survey (社情民意): its sheet read, its figures and districts checked."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..headers import Header
from ..scheme import Scheme, normalize_name
from ..sheets import PercentCell, Sheet
from .dataset import Source, where
from .issues import Issues
from .numbers import parse_number, refused_as, refused_value, shown_number
from .texts import judge, says_total


def empty_survey() -> pd.DataFrame:
    """A survey of no district: the columns a survey has."""
    return pd.DataFrame({"district": [], "satisfaction": [], "_source": [], "_row": []})


def survey_frame(
    sheet: Sheet, header: Header, source: int, marks: dict[int, Any] | None = None
) -> pd.DataFrame:
    """A survey sheet's named rows (totals left out), with the cells that were not plain
    numbers kept as written in ``raw`` (``marks``: Excel row -> a percent-formatted or
    TRUE/FALSE cell, which reads as a plain number)."""
    arrays, odd, count = sheet.body(header.row + 1, header.columns, {"satisfaction"})
    raw = np.full(count, None, dtype=object)
    for position, _, value in odd:
        raw[position] = value
    for excel_row, value in (marks or {}).items():
        position = excel_row - header.row - 2
        if 0 <= position < count:
            raw[position] = value
    names = arrays["district"]
    frame = pd.DataFrame(
        {
            "district": pd.Series(np.asarray(names), dtype=object),
            "satisfaction": arrays["satisfaction"],
            "raw": raw,
        }
    )
    frame["_row"] = np.arange(header.row + 2, header.row + 2 + count)
    frame["_source"] = source
    keep = judge(names, bool) & ~judge(names, says_total)
    return frame[keep].reset_index(drop=True)


def check_survey(
    survey: pd.DataFrame,
    scheme: Scheme,
    districts: list[str],
    sources: list[Source],
    issues: Issues,
) -> pd.DataFrame:
    """The survey's figures as numbers (a percent-formatted column's 0.935 as 93.5) and each
    district once; what is not a number, repeated or not a district of the data, said."""
    if survey.empty or scheme.survey is None:
        return empty_survey()
    survey = survey.copy()
    survey["district"] = survey["district"].map(normalize_name)
    typed = survey["raw"].isna().to_numpy()  # cells that were plain numbers (or blank)
    survey["satisfaction"] = _satisfaction(survey, typed, scheme.survey.label, sources, issues)
    # A column formatted as a percentage in Excel holds 0.935 for 93.5%.
    if typed.all() and survey["satisfaction"].notna().any() and survey["satisfaction"].max() <= 1:
        survey["satisfaction"] = survey["satisfaction"] * 100
    keep = _once_each(survey, set(districts), sources, issues)
    return survey[keep].drop(columns=["raw"]).reset_index(drop=True)


def _satisfaction(
    survey: pd.DataFrame, typed: np.ndarray, label: str, sources: list[Source], issues: Issues
) -> np.ndarray:
    """Each row's figure as a number, or NaN where it is blank or none (and said so)."""
    values = survey["satisfaction"].to_numpy(dtype=float, copy=True)
    for position in range(len(survey)):
        raw = None if typed[position] else survey["raw"].iat[position]
        if raw is not None:
            value, ok = parse_number(raw, percent=True)
            if value is not None and isinstance(raw, PercentCell):
                value *= 100  # 0.935 shown as 93.5%
            values[position] = np.nan if value is None else value
        if np.isfinite(values[position]):
            continue
        shown: Any
        if np.isinf(values[position]):  # a number the sheet reader took as inf
            code, shown = "number-not-finite", shown_number(values[position])
        elif raw is not None:
            code, shown = refused_as(raw), refused_value(raw)
        else:
            code, shown = "missing-value", None
        values[position] = np.nan
        issues.add(
            code, {"label": label}, value=shown, **_at(survey, position, sources, "satisfaction")
        )
    return values


def _once_each(
    survey: pd.DataFrame, known: set[str], sources: list[Source], issues: Issues
) -> list[bool]:
    """Which rows to keep: each district's first; a district not in the data is warned of."""
    seen: set[str] = set()
    keep = []
    for position, district in enumerate(survey["district"]):
        at = _at(survey, position, sources, "district")
        if district in seen:
            issues.add("survey-duplicate", {"district": district}, **at)
            keep.append(False)
            continue
        seen.add(district)
        if district not in known:
            issues.add("survey-unknown-district", {"district": district}, severity="warning", **at)
        keep.append(True)
    return keep


def _at(survey: pd.DataFrame, position: int, sources: list[Source], key: str) -> dict[str, Any]:
    return where(
        sources, int(survey["_source"].iat[position]), int(survey["_row"].iat[position]), key
    )
