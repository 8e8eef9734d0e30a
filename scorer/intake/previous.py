"""The previous period (上期, issue 12): last period's data, read by the same intake, looked up by
unit and project for 同比/环比 rules; a unit or project missing there is a located problem."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..errors import Issue
from ..scheme import Scheme, normalize_name
from .dataset import Dataset

# what the previous period's own intake says that is no problem of this period's scoring: a
# roster unit absent from last period is said by ``PriorPeriod`` if a rule needs it
_NOT_SAID = {"missing-return", "no-districts"}


def uses_previous(scheme: Scheme) -> bool:
    """Whether some rule of the scheme reads last period's values (上期(…), method: change)."""
    from ..formula import parse_formula

    for project in scheme.projects:
        rules = scheme.rules_of(project)
        for indicator in rules.indicators or []:
            if indicator.method == "change" or parse_formula(indicator.value).previous:
                return True
            for side in ("gain", "loss"):
                step = getattr(indicator, side, None)
                if step is not None and step.by is not None and parse_formula(step.by).previous:
                    return True
        for item in (rules.deductions or []) + (rules.bonuses or []):
            if parse_formula(item.formula_text()).previous:
                return True
    return False


def previous_issues(data: Dataset, files: list[str]) -> list[Issue]:
    """The previous period's intake problems that matter here, each naming its file: one
    that names none (a unit lacking a project) is given last period's files."""
    names = "、".join(str(f) for f in files)
    return [
        i if i.file is not None else replace(i, file=names)
        for i in data.issues
        if i.code not in _NOT_SAID
    ]


class PriorPeriod:
    """Last period's rows by (unit, project): each name's values aligned to this period's rows,
    and the units and projects asked for and not found, said once each."""

    def __init__(self, data: Dataset, scheme: Scheme, files: Iterable[str | Path]):
        self.data = data
        self.scheme = scheme
        self.files = [Path(f).name for f in files]
        rows = data.rows
        active = ~rows["suspended"].to_numpy(dtype=bool) if len(rows) else np.array([], bool)
        self.position: dict[tuple[str, str], int] = {}
        for place, (unit, project) in enumerate(zip(rows["district"], rows["project"])):
            if active[place]:
                self.position.setdefault((normalize_name(unit), project), place)
        self.units = {normalize_name(u) for u in rows["district"]}
        self._measures: dict[str, np.ndarray] = {}
        self.missing: dict[tuple[str, str | None], None] = {}  # (unit, project or None)

    def values_of(self, key: str) -> np.ndarray:
        """One measure column of last period's rows, with a NaN at the end for rows not found."""
        if key not in self._measures:
            column = self.data.rows[key].to_numpy(dtype=float)
            self._measures[key] = np.append(column, np.nan)
        return self._measures[key]

    def positions(self, units: Iterable[str], projects: Iterable[str]) -> np.ndarray:
        """Last period's row of each (unit, project); -1 where there is none."""
        return np.array(
            [self.position.get((normalize_name(u), p), -1) for u, p in zip(units, projects)],
            dtype=np.int64,
        )

    def column(self, units: np.ndarray, projects: np.ndarray) -> Callable[[str], np.ndarray]:
        """``prior(name)`` for a formula over rows of these units and projects: last period's
        values, NaN (and a problem said) where the unit or its project is not found."""
        found = self.positions(units, projects)

        def prior(name: str) -> np.ndarray:
            absent = found < 0
            if absent.any():
                for unit, project in zip(units[absent], projects[absent]):
                    self._note(str(unit), str(project))
            key = self.scheme.column_key(name)
            assert key is not None, name  # the rules check made every formula name a column
            return self.values_of(key)[found]

        return prior

    def _note(self, unit: str, project: str) -> None:
        if normalize_name(unit) in self.units:
            self.missing.setdefault((unit, project), None)
        else:
            self.missing.setdefault((unit, None), None)

    def issues(self) -> list[Issue]:
        """A problem per unit absent from last period's data, and per project absent for a unit
        that is there; each names the files read as last period's."""
        said = []
        for unit, project in self.missing:
            if project is None:
                said.append(Issue("previous.missing-unit", {"unit": unit, "files": self.files}))
            else:
                params = {"unit": unit, "project": project, "files": self.files}
                said.append(Issue("previous.missing-project", params))
        return said

    def value(self, unit: str, project: str, key: str) -> tuple[float | None, dict]:
        """One unit's last-period value of a column, and where it was read (file, sheet, cell)."""
        from .dataset import where

        place = self.position.get((normalize_name(unit), project))
        if place is None:
            return None, {}
        rows = self.data.rows
        number = float(rows[key].iat[place])
        at = where(self.data.sources, int(rows["_source"].iat[place]), int(rows["_row"].iat[place]),
                   key)  # fmt: skip
        return (None if np.isnan(number) else number), at
