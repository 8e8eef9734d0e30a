"""The one collector the intake's problems go to, in the order found, and the rows under check
that locate each problem to its cell."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..errors import Issue
from ..scheme import Scheme
from .dataset import Source, where


class Issues(list[Issue]):
    """The problems found in the user's files, in the order found: a list of ``Issue`` that
    the intake passes down once, each step adding what it finds."""

    def add(
        self,
        code: str,
        params: dict[str, Any] | None = None,
        severity: str = "error",
        value: Any = None,
        **where: Any,
    ) -> None:
        """One problem: its code, the values its message names, and where it is (``file``,
        ``sheet``, ``cell``)."""
        self.append(
            Issue(code, {} if params is None else params, severity=severity, value=value, **where)
        )


def location_columns(origin: str) -> tuple[str, str]:
    """The frame's columns that say where another source's values of a row are."""
    return f"_source@{origin}", f"_row@{origin}"


OddCell = tuple[int, int, str, Any]  # (source, Excel row, column key, the cell as written)


class CheckedRows:
    """The rows under check and where their problems go: an issue at a row's position is
    located to its cell, and a row with an error is remembered (the review leaves it out)."""

    def __init__(
        self,
        frame: pd.DataFrame,
        odd: list[OddCell],
        scheme: Scheme,
        sources: list[Source],
        issues: Issues,
        needs: tuple[dict[str, frozenset[str]], frozenset[str], dict[str, frozenset[str]]],
    ):
        self.frame = frame
        self.odd = odd  # the cells that were not plain numbers
        self.scheme = scheme
        self.sources = sources
        self.issues = issues
        # per project the columns its formulas read, those district-level items read from every
        # project's rows, and per project the columns on the right of a division
        self.needs = needs
        self.faulty: set[tuple[int, int]] = set()  # (source, Excel row) of rows with an error
        self.suggested: set[str] = set()  # roster units an unknown name was taken to mean

    def add(
        self,
        code: str,
        position: int,
        key: str | None,
        severity: str = "error",
        value: Any = None,
        **params: Any,
    ) -> None:
        """An issue at the row ``position`` of the frame, in its column ``key``."""
        source, excel_row = self.at(position, key)
        if severity == "error":
            self.faulty.add((source, excel_row))
        self.issues.add(
            code, params, severity=severity, value=value,
            **where(self.sources, source, excel_row, key),
        )  # fmt: skip

    def columns_of(self, key: str | None) -> tuple[str, str]:
        """The frame's (source, Excel row) columns for a key: another source's own, once its
        rows are merged in (``sources.merge_sources``), else the row's."""
        origin = self.scheme.held_by(key) if key else None
        if origin is not None:
            at_source, at_row = location_columns(origin)
            if at_source in self.frame:
                return at_source, at_row
        return "_source", "_row"

    def at(self, position: int, key: str | None) -> tuple[int, int]:
        """The sheet (source) and Excel row of one row's column ``key``."""
        at_source, at_row = self.columns_of(key)
        source = int(self.frame[at_source].iat[position])
        if source < 0:  # the other source gave nothing for this row: the row itself
            at_source, at_row = "_source", "_row"
            source = int(self.frame[at_source].iat[position])
        return source, int(self.frame[at_row].iat[position])
