"""Where a value came from: the sheets read (Source), the rows read (Dataset), and the cells
(Excel addresses) a row, a column or a district's project value is at."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..cells import column_letter
from ..errors import Issue


@dataclass(frozen=True)
class Source:
    """One sheet that data came from, and the Excel column letter of each scheme column in it."""

    file: str
    sheet: str
    letters: dict[str, str]
    factors: dict[str, float] = field(default_factory=dict)  # money given in 元 where 万元 is due
    # --- issue 12: who sent the sheet, and cells that are not at (column letter, row)
    origin: str | None = None  # the source (columns' ``source:``) the sheet holds; None: returns
    fixed: dict[str, str | None] = field(default_factory=dict)  # key -> its one cell (a header)
    # a transposed table: key -> the Excel row holding it; a row's "_row" is then its column
    transposed: dict[str, int] | None = None

    def cell(self, excel_row: int, key: str | None) -> str | None:
        """The Excel address of one row's column ``key`` in this sheet (None: no such cell)."""
        if key is None:
            return None
        if key in self.fixed:
            return self.fixed[key]
        if self.transposed is not None:
            row = self.transposed.get(key)
            return None if row is None else f"{column_letter(excel_row - 1)}{row}"
        letter = self.letters.get(key)
        return f"{letter}{excel_row}" if letter else None


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
    held: dict[str, str] = field(default_factory=dict)  # column key -> the source holding it
    # every row read, before the checks: (source, Excel row, district as written), to say which
    # district a problem at a cell belongs to
    read_rows: tuple[Any, Any, Any] | None = None
    roster: dict[str, str] = field(default_factory=dict)  # written form -> unit on the roster


_ROW = re.compile(r"[A-Z]+(\d+)")


def units_of_issues(data: Dataset, issues: list[Issue]) -> list[str | None]:
    """The district each problem belongs to (None: the whole file, sheet or scheme): the one
    it names, else the one on the row of its cell, else the one its sheet is about."""
    from ..scheme import normalize_name

    by_sheet: dict[tuple[str, str], list[int]] = {}
    for index, src in enumerate(data.sources):
        by_sheet.setdefault((src.file, src.sheet), []).append(index)
    rows: dict[tuple[int, int], str] = {}
    single: dict[int, str] = {}
    if data.read_rows is not None:
        sources, excel_rows, names = data.read_rows
        names = [normalize_name(str(n)) for n in names]
        for source, row, name in zip(sources.tolist(), excel_rows.tolist(), names):
            rows.setdefault((source, row), name)
            single.setdefault(source, name if single.get(source, name) == name else "")
            if single[source] != name:
                single[source] = ""
    found: list[str | None] = []
    for issue in issues:
        unit = issue.params.get("district") if isinstance(issue.params, dict) else None
        if unit is None and issue.file is not None:
            indexes = by_sheet.get((issue.file, issue.sheet or ""), [])
            match = _ROW.match(issue.cell or "")
            for index in indexes:
                if match and (index, int(match.group(1))) in rows:
                    unit = rows[(index, int(match.group(1)))]
                    break
            if unit is None and indexes and len({single.get(i) for i in indexes}) == 1:
                unit = single.get(indexes[0]) or None
        if unit is not None:
            unit = data.roster.get(unit, unit)
        found.append(unit or None)
    return found


NOWHERE: dict[str, Any] = {"file": None, "sheet": None, "cell": None}


def where(sources: list[Source], source: int, excel_row: int, key: str | None) -> dict[str, Any]:
    """The file, sheet and cell of one row's column (no cell when ``key`` is None or the sheet
    has no such column): the location an issue is given."""
    src = sources[source]
    return {"file": src.file, "sheet": src.sheet, "cell": src.cell(excel_row, key)}


def span(data: Dataset, rows: pd.DataFrame, key: str | None) -> dict[str, Any]:
    """Where several rows' cells of one column are: file, sheet and cells ("D5:D7,D40") when
    they are on one sheet; blank when they are spread over several."""
    if rows.empty or rows["_source"].nunique() != 1:
        return dict(NOWHERE)
    src = data.sources[int(rows["_source"].iat[0])]
    letter = src.letters.get(key) if key else None
    runs: list[str] = []
    if src.transposed is not None or (key in src.fixed):
        cells = dict.fromkeys(src.cell(int(r), key) for r in rows["_row"])
        return {
            "file": src.file,
            "sheet": src.sheet,
            "cell": ",".join(c for c in cells if c) or None,
        }
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


class _Positions:
    """(district, project) → the position of its row in the data (the last, were there two), a
    district's pairs made when one of them is first asked for."""

    def __init__(self, rows_of: dict[Any, np.ndarray], projects: np.ndarray):
        self.rows_of = rows_of
        self.projects = projects
        self.made: dict[Any, dict[Any, int]] = {}

    def get(self, pair: tuple[Any, Any], default: int | None = None) -> int | None:
        district, project = pair
        mine = self.made.get(district)
        if mine is not None:
            return mine.get(project, default)
        positions = self.rows_of.get(district)
        if positions is None:
            return default
        projects = self.projects[positions].tolist()
        mine = self.made[district] = dict(zip(projects, positions.tolist()))
        return mine.get(project, default)


class Locator:
    """The cell (or, for cities rolled up from counties, the cells) a district's project value
    came from; lookups prepared once."""

    def __init__(self, data: Dataset):
        self.data = data
        rows = data.rows
        # each district's row positions; (district, project) → position made a district at a
        # time, when first asked for: a report explains 100 districts of 10,000
        self.rows_of: dict[Any, np.ndarray] = rows.groupby("district", sort=False).indices
        self.position = _Positions(self.rows_of, rows["project"].to_numpy())
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
        origin = self.data.held.get(key) if key else None
        if origin is not None and f"_source@{origin}" in self.data.rows:
            source = int(self.data.rows[f"_source@{origin}"].iat[at])
            if source >= 0:
                return where(
                    self.data.sources, source, int(self.data.rows[f"_row@{origin}"].iat[at]), key
                )
        return where(self.data.sources, self.sources[at], self.excel_rows[at], key)

    def count(self, district: str, project: str) -> int:
        """How many counties' rows a rolled-up value sums (1 when not rolled up)."""
        if self.data.members is None:
            return 1
        return len(self.groups.get((district, project), ()))


def column_values(rows: pd.DataFrame, key: str | None) -> dict[str, str]:
    """Each district's value in a text column (部门类别), compared as users write it: the first
    filled cell of its rows; a district that fills none has none (applies_to: column)."""
    if key is None or key not in rows:
        return {}
    from ..headers import cell_text
    from ..scheme import normalize_name

    texts = rows[key].map(lambda x: normalize_name(cell_text(x)))
    filled = (texts != "").to_numpy()
    firsts = pd.DataFrame({"d": rows["district"].to_numpy()[filled], "v": texts.to_numpy()[filled]})
    firsts = firsts.drop_duplicates("d")
    return dict(zip(firsts["d"], firsts["v"]))


def applies_here(project, district: str, scheme, rows: pd.DataFrame, cache: dict) -> bool:
    """Whether a project applies to a district: by the scheme's lists and groups, or by the
    district's value in a text column (``cache`` keeps each column's values)."""
    from ..scheme import normalize_name

    rule = project.applies_to
    if rule is None or rule.column is None:
        return project.applies(district, scheme.groups)
    key = scheme.column_key(rule.column)
    if key not in cache:
        cache[key] = column_values(rows, key)
    return cache[key].get(district) in {normalize_name(v) for v in rule.in_ or []}
