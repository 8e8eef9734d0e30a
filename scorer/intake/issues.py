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
        needs: tuple[dict[str, set[str]], set[str], dict[str, set[str]]],
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
        frame = self.frame
        source, excel_row = int(frame["_source"].iat[position]), int(frame["_row"].iat[position])
        if severity == "error":
            self.faulty.add((source, excel_row))
        self.issues.add(
            code, params, severity=severity, value=value,
            **where(self.sources, source, excel_row, key),
        )  # fmt: skip
