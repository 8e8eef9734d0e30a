"""Periods: the assessment month read from file names (2015-06, 1-9月, 第三季度, 上半年)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

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
