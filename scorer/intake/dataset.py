"""Where a value came from: the sheets read (Source), the rows read (Dataset), and the cells
(Excel addresses) a row, a column or a district's project value is at."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import Issue


@dataclass(frozen=True)
class Source:
    """One sheet that data came from, and the Excel column letter of each scheme column in it."""

    file: str
    sheet: str
    letters: dict[str, str]
    factors: dict[str, float] = field(default_factory=dict)  # money given in 元 where 万元 is due


@dataclass
class Dataset:
    """All districts' rows, one per district and project, and what was found wrong on the way."""

    rows: pd.DataFrame  # district, project, suspended, city, <measure keys>, _source, _row
    districts: list[str]
    survey: pd.DataFrame  # district, satisfaction, _source, _row
    sources: list[Source]
    files: list[Path]
    issues: list[Issue] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)  # district -> its city (所属市)
    members: pd.DataFrame | None = None  # rolled up to cities: the county rows summed


NOWHERE: dict[str, Any] = {"file": None, "sheet": None, "cell": None}


def where(sources: list[Source], source: int, excel_row: int, key: str | None) -> dict[str, Any]:
    """The file, sheet and cell of one row's column (no cell when ``key`` is None or the sheet
    has no such column): the location an issue is given."""
    src = sources[source]
    letter = src.letters.get(key) if key else None
    return {
        "file": src.file,
        "sheet": src.sheet,
        "cell": f"{letter}{excel_row}" if letter else None,
    }


def span(data: Dataset, rows: pd.DataFrame, key: str | None) -> dict[str, Any]:
    """Where several rows' cells of one column are: file, sheet and cells ("D5:D7,D40") when
    they are on one sheet; blank when they are spread over several."""
    if rows.empty or rows["_source"].nunique() != 1:
        return dict(NOWHERE)
    src = data.sources[int(rows["_source"].iat[0])]
    letter = src.letters.get(key) if key else None
    runs: list[str] = []
    if letter:
        numbers = sorted(int(r) for r in rows["_row"])
        start = previous = numbers[0]
        for number in [*numbers[1:], None]:
            if number is not None and number == previous + 1:
                previous = number
                continue
            runs.append(
                f"{letter}{start}" if start == previous else f"{letter}{start}:{letter}{previous}"
            )
            if number is not None:
                start = previous = number
    return {"file": src.file, "sheet": src.sheet, "cell": ",".join(runs) or None}


class Locator:
    """The cell (or, for cities rolled up from counties, the cells) a district's project value
    came from; lookups prepared once."""

    def __init__(self, data: Dataset):
        self.data = data
        rows = data.rows
        self.position = {pair: i for i, pair in enumerate(zip(rows["district"], rows["project"]))}
        self.sources = rows["_source"].tolist()
        self.excel_rows = rows["_row"].tolist()
        if data.members is not None:
            members = data.members[~data.members["suspended"].astype(bool)]
            self.groups = members.groupby(["city", "project"], sort=False).indices
            self.members = members

    def __call__(self, district: str, project: str, key: str | None) -> dict[str, Any]:
        if self.data.members is not None:
            positions = self.groups.get((district, project))
            if positions is None:
                return dict(NOWHERE)
            return span(self.data, self.members.iloc[positions], key)
        at = self.position.get((district, project))
        if at is None:
            return dict(NOWHERE)
        return where(self.data.sources, self.sources[at], self.excel_rows[at], key)

    def count(self, district: str, project: str) -> int:
        """How many counties' rows a rolled-up value sums (1 when not rolled up)."""
        if self.data.members is None:
            return 1
        return len(self.groups.get((district, project), ()))
