"""The intake: the districts' sheets as one table of rows, every problem located to its cell.

``reading`` reads the sheets, ``checks`` and ``review`` check the rows one rule at a time,
``survey`` and ``levels`` handle the survey and the cities; ``dataset`` says where each value
came from and ``numbers`` reads numbers as clerks type them. ``limits`` refuses what no reader
could hold, ``isolation`` parses a large sheet in a child process, ``xlsx`` and ``opening``
open the files for the readers.

The names below are loaded when first asked for: ``sheets`` uses ``limits`` as it opens the
files, before the rest of the program (pandas and the scheme, which ``reading`` needs) loads."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .checks import NORMAL_STATUS, check_rows
    from .dataset import NOWHERE, Dataset, Locator, Source, span, units_of_issues, where
    from .issues import CheckedRows, Issues
    from .levels import check_cities, roll_up
    from .numbers import LOGICAL_WORDS, parse_number, refused_as
    from .reading import MONEY_UNITS, SKIPPED_SHEETS, read_data
    from .survey import check_survey
    from .texts import TOTAL_WORDS

_HOMES = {
    "checks": ["NORMAL_STATUS", "check_rows"],
    "dataset": ["NOWHERE", "Dataset", "Locator", "Source", "span", "units_of_issues", "where"],
    "issues": ["CheckedRows", "Issues"],
    "levels": ["check_cities", "roll_up"],
    "numbers": ["LOGICAL_WORDS", "parse_number", "refused_as"],
    "reading": ["MONEY_UNITS", "SKIPPED_SHEETS", "read_data"],
    "survey": ["check_survey"],
    "texts": ["TOTAL_WORDS"],
}
_HOME = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "LOGICAL_WORDS",
    "MONEY_UNITS",
    "NORMAL_STATUS",
    "NOWHERE",
    "SKIPPED_SHEETS",
    "TOTAL_WORDS",
    "CheckedRows",
    "Dataset",
    "Issues",
    "Locator",
    "Source",
    "check_cities",
    "check_rows",
    "check_survey",
    "parse_number",
    "read_data",
    "refused_as",
    "roll_up",
    "span",
    "units_of_issues",
    "where",
]


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
