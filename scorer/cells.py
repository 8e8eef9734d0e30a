"""Excel's cells as the whole program names them: column letters (A, Z, AA, XFD), the error
values a formula leaves in a cell (#DIV/0!, #N/A), and a cell's value as a reader reports it
when the cell is not of its column's type."""

from __future__ import annotations

import re
from typing import Any


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """A -> 0, Z -> 25, AA -> 26; lower case as upper (a reader takes both)."""
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


class ExcelError(str):
    """A cell whose value is an Excel error (#DIV/0!, #N/A, …): a formula went wrong there."""


_EXCEL_ERRORS = {"Div0": "#DIV/0!", "NA": "#N/A", "Name": "#NAME?", "Null": "#NULL!",
                 "Num": "#NUM!", "Ref": "#REF!", "Value": "#VALUE!",
                 "GettingData": "#GETTING_DATA"}  # fmt: skip
_CELL_ERROR = re.compile(r"got '(\w+)\((.*)\)'$", re.S)
_EXCEL_MOMENT = re.compile(r"value: ([-+\d.eE]+), datetime_type: (\w+)")


def odd_value(detail: str) -> Any:
    """The raw cell in fastexcel's conversion error: String("约100") or Error(Div0)."""
    match = _CELL_ERROR.search(detail)
    if not match:
        return detail
    kind, inner = match.groups()
    moment = _EXCEL_MOMENT.search(inner) if kind == "DateTime" else None
    if moment:  # a duration, date or time typed where a number is due
        from datetime import datetime, timedelta

        days = float(moment.group(1))
        if moment.group(2) == "TimeDelta":
            return timedelta(days=days)
        return datetime(1899, 12, 30) + timedelta(days=days)
    if kind == "Error":
        return ExcelError(_EXCEL_ERRORS.get(inner, f"#{inner.upper()}"))
    if kind == "String" and len(inner) >= 2 and inner[0] == inner[-1] == '"':
        inner = inner[1:-1]
        for escaped, plain in (
            ('\\"', '"'),
            ("\\n", "\n"),
            ("\\t", "\t"),
            ("\\r", "\r"),
            ("\\\\", "\\"),
        ):
            inner = inner.replace(escaped, plain)
        return inner
    return inner


class PercentCell(float):
    """A number Excel shows as a percentage: 0.935 shown as 93.5%."""
