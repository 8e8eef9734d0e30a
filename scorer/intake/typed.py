"""A small sheet's columns from its rows as python-calamine gave them (the rows its header was
found in), typed as fastexcel types them, so that the sheet is parsed once, not twice.

``_WorkbookSheet.body`` gives the same arrays, odd cells and row count from these rows as from
fastexcel's parse: a column's type is inferred as fastexcel infers it (fastexcel 0.21,
``get_dtype_for_column``: its first 1,000 rows; blank cells and texts such as "NA" do not count;
numbers and texts make a column of texts, a number written there as Excel shows it with nine
decimals at most), and its cells are read as the Arrow path reads them (``sheets._numbers``,
``sheets._texts``). A sheet holding what only fastexcel reads in its own way (a date, a duration,
a logical cell, a text among numbers, an empty text or an error value, which python-calamine
gives as a blank: ``CellKinds.fastexcel_only``) gets None, and is parsed by fastexcel."""

from __future__ import annotations

import math
import re
from decimal import ROUND_FLOOR, Decimal
from typing import Any

SAMPLE_ROWS = 1000  # fastexcel's schema_sample_rows
# fastexcel's NULL_STRING_VALUES: texts a column's type is inferred without
_NULL_TEXTS = frozenset({"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
                         "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a",
                         "nan", "null"})  # fmt: skip
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_HALF = Decimal("0.5")


class _ReaderOnly(Exception):
    """A cell this module does not read as fastexcel would: the sheet is left to fastexcel."""


def rows_body(
    rows: list[list[Any]],
    first_row: int,
    wanted: dict[int, str],
    numeric: set[str],
    first_col: int = 0,
) -> tuple[dict[str, Any], list[tuple[int, str, Any]], int] | None:
    """The columns ``wanted`` (index from A -> key) from 0-based row ``first_row`` down, as
    ``_WorkbookSheet.body`` has them from fastexcel's parse before it adds the columns the
    sheet lacks: numbers as floats, texts as ``Texts``; the cells of numeric columns that are
    not plain numbers (row position, key, raw); the row count. None when fastexcel must read it
    (see the module's docstring). ``first_col``: the first column with a cell (fastexcel has no
    column left of it)."""
    import numpy as np

    from ..headers import _cleaned
    from ..sheets import texts

    width = len(rows[0]) if rows else 0
    selected = sorted(col for col in wanted if first_col <= col < width)
    if first_row > len(rows) or not selected:
        return None  # (fastexcel refuses the first, and gives no rows for the second)
    body = rows[first_row:]
    arrays: dict[str, Any] = {}
    odd: list[tuple[int, str, Any]] = []
    try:
        for col in selected:
            key = wanted[col]
            cells = [row[col] for row in body]
            kind = _column_kind(cells)
            if key in numeric:
                arrays[key], found = _numbers(cells, kind)
                odd.extend((position, key, raw) for position, raw in found)
            elif kind == "float":
                raise _ReaderOnly  # numbers read as texts: Arrow writes them its own way
            else:
                codes, labels = _codes([_text(cell) for cell in cells])
                arrays[key] = texts(np.asarray(codes, dtype=np.intp), [_cleaned(t) for t in labels])
    except _ReaderOnly:
        return None
    return arrays, odd, len(body)


def _column_kind(cells: list[Any]) -> str:
    """fastexcel's type of a column: "float" (numbers only), "string", or "null" (no rows)."""
    sample = cells[:SAMPLE_ROWS]
    if not _TYPES.issuperset(map(type, sample)):
        raise _ReaderOnly  # an integer, a date, a duration, a logical cell
    if not cells:
        return "null"
    kinds = {"string" if type(c) is str else "float" for c in sample if c not in _NULL_TEXTS}
    return "string" if "string" in kinds or not kinds else "float"


_TYPES = frozenset({float, str})
_NAN = float("nan")


def _numbers(cells: list[Any], kind: str) -> tuple[Any, list[tuple[int, Any]]]:
    """A numeric column's floats (NaN where blank or not a plain number) and its cells that
    are not plain numbers (their text), as ``sheets._numbers`` reads fastexcel's column."""
    import numpy as np

    odd: list[tuple[int, Any]] = []
    if kind == "float":
        if not _TYPES.issuperset(map(type, cells)) or any(c for c in cells if type(c) is str):
            raise _ReaderOnly  # a text fastexcel does not type ("NA"): it reads it its way
        return np.array([_NAN if c == "" else c for c in cells], dtype=float), odd
    values = np.full(len(cells), np.nan)
    for position, cell in enumerate(cells):
        if type(cell) is float:
            cell = excel_float_text(cell)
        elif type(cell) is not str:
            raise _ReaderOnly
        elif cell == "":
            continue  # blank
        trimmed = cell.strip()
        if _PLAIN_NUMBER.fullmatch(trimmed):
            values[position] = float(trimmed)
        else:
            odd.append((position, cell))
    return values, odd


def _text(cell: Any) -> str | None:
    """A cell of a column of texts as fastexcel gives it (None: blank)."""
    if type(cell) is float:
        return excel_float_text(cell)
    if type(cell) is not str:
        raise _ReaderOnly
    return None if cell == "" else cell


def _codes(values: list[str | None]) -> tuple[list[int], list[str]]:
    """Each value's code in the distinct values, in the order they first come (Arrow's
    dictionary encoding); a blank takes the code after the last."""
    distinct: dict[str, int] = {}
    codes = [-1 if v is None else distinct.setdefault(v, len(distinct)) for v in values]
    blank = len(distinct)
    return [blank if c < 0 else c for c in codes], [*distinct, ""]


def excel_float_text(value: float) -> str:
    """A number in a column of texts as fastexcel writes it (``excel_float_to_string``: nine
    decimals at most, trailing zeros dropped). A number exactly halfway between two ninth
    decimals is left to fastexcel (how Rust rounds it is its own affair), as is one not
    finite (a cell's XML may say inf)."""
    if not math.isfinite(value):
        raise _ReaderOnly
    scaled = Decimal(value).scaleb(9)
    if scaled - scaled.to_integral_value(ROUND_FLOOR) == _HALF:
        raise _ReaderOnly
    return f"{value:.9f}".rstrip("0").rstrip(".")
