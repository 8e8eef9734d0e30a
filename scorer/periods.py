"""Periods: the month read from file names (2015-06, 1-9月, 第三季度, 上半年); rank changes and
projects behind schedule between two periods; each district's trend across periods."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from .engine import Assessment
    from .ranking import Ranking

_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
             "十": 10, "十一": 11, "十二": 12}  # fmt: skip
_MONTH = r"(1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_QUARTER = r"([1-4一二三四])"

# Each pattern gives the last month the file covers: a cumulative 1-9月 return is September's,
# a quarter ends in its third month, 上半年 in June. Tried in order; the first that matches wins.
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"(?<!\d){_MONTH}\s*[-–—~～至到]\s*{_MONTH}\s*月"), "range"),
    (re.compile(rf"(?:前|第)?{_QUARTER}\s*季度"), "quarter"),
    (re.compile(r"(?<![A-Za-z])[Qq]([1-4])(?!\d)"), "quarter"),
    (re.compile(r"([上下])半年"), "half"),
    (re.compile(r"(?<!\d)(?:19|20)\d\d[-_.年]?(1[0-2]|0?[1-9])(?:月|(?!\d))"), "month"),
    (re.compile(rf"(?<!\d){_MONTH}\s*月(?:份)?"), "month"),
]


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _NUMERALS[text]


@dataclass(frozen=True)
class MonthInName:
    """A month found in a file name, and the part of the name it was read from."""

    month: int
    words: str


def month_of_name(name: str) -> MonthInName | None:
    """The month a file name says its data are for, or None when it names none."""
    stem = Path(name).stem
    for pattern, kind in _PATTERNS:
        found = pattern.search(stem)
        if found is None:
            continue
        if kind == "range":
            month = _number(found.group(2))
        elif kind == "quarter":
            month = 3 * _number(found.group(1))
        elif kind == "half":
            month = 6 if found.group(1) == "上" else 12
        else:
            month = _number(found.group(1))
        if 1 <= month <= 12:
            return MonthInName(month, found.group(0))
    return None


def month_in_name(data_paths: list[str]) -> int | None:
    """The month the data files' names give, if they all agree on one."""
    found = {m.month for m in map(month_of_name, map(str, data_paths)) if m is not None}
    return found.pop() if len(found) == 1 else None


# ----------------------------------------------------------------------------- two periods


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
    import pandas as pd

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


def newly_behind(before: pd.DataFrame, now: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``behind_schedule`` now that were not behind in the earlier period."""
    was = set(zip(before["district"], before["project"], before["indicator"]))
    keys = zip(now["district"], now["project"], now["indicator"])
    return now[[k not in was for k in keys]]


# ----------------------------------------------------------------------------- many periods


@dataclass
class Trend:
    """Totals and ranks of each district across periods (NaN / None where it is absent)."""

    periods: list[str]
    districts: list[str]  # in the order of the last period's ranking
    totals: dict[str, list[float]]
    ranks: dict[str, list[int | None]]


def trend(periods: list[str], rankings: list[Ranking]) -> Trend:
    """Each district's total and rank in each period, the districts in the order of the last
    period's ranking (those absent from it after, in the order they were first seen). A
    period's column is looked up at once for all districts (12 periods of 10,000 units)."""
    import numpy as np
    import pandas as pd

    districts = pd.Index(
        list(dict.fromkeys(d for r in rankings for d in r.table["district"].tolist())),
        dtype=object,
    )
    total_columns, rank_columns = [], []
    for ranking in rankings:
        table = ranking.table
        place = pd.Index(table["district"], dtype=object).get_indexer(districts)
        known = place >= 0
        totals = table["total"].to_numpy(dtype=float)[place]
        totals[~known] = np.nan
        total_columns.append(totals.tolist())
        ranks = table["rank"].to_numpy()[place].tolist()
        rank_columns.append([int(r) if k else None for r, k in zip(ranks, known.tolist())])
    last = rankings[-1].table
    place = pd.Index(last["district"], dtype=object).get_indexer(districts)
    order = np.where(place >= 0, last["rank"].to_numpy(dtype=np.int64)[place], 1 << 30)
    names = districts.tolist()
    ordered = [names[i] for i in np.argsort(order, kind="stable").tolist()]
    totals_of = {d: list(column) for d, column in zip(names, zip(*total_columns))}
    ranks_of = {d: list(column) for d, column in zip(names, zip(*rank_columns))}
    return Trend(periods, ordered, totals_of, ranks_of)
