"""The intake: the districts' sheets as one table of rows, every problem located to its cell.

``reading`` reads the sheets, ``checks`` and ``review`` check the rows one rule at a time,
``survey`` and ``levels`` handle the survey and the cities; ``dataset`` says where each value
came from and ``numbers`` reads numbers as clerks type them."""

from .checks import NORMAL_STATUS, check_rows
from .dataset import NOWHERE, Dataset, Locator, Source, span, units_of_issues, where
from .issues import CheckedRows, Issues
from .levels import check_cities, roll_up
from .numbers import LOGICAL_WORDS, parse_number, refused_as
from .reading import MONEY_UNITS, SKIPPED_SHEETS, read_data
from .survey import check_survey
from .texts import TOTAL_WORDS

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
