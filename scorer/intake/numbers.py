"""Numbers as clerks type them: a cell read as a number, or the reason it is none."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Any

from ..headers import cell_text
from ..sheets import ExcelError

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
LOGICAL_WORDS = {"TRUE", "FALSE", "是", "否"}  # a tick box or a yes/no column: never 1 and 0


def parse_number(
    raw: Any, percent: bool = False, unit: str | None = None
) -> tuple[float | None, bool]:
    """A cell as a number: (value, ok). Blank gives (None, True); text that is no number gives
    (None, False).

    Accepts 1,234.5, full-width digits and stray spaces; the column's own unit after the number
    ("1,234万元" in a 万元 column); "95%" only where ``percent`` \
(a column in % or on a 0–100 scale).
    A number too large to compute with (1e999, inf) is no number; nor are TRUE/FALSE or 是/否.
    """
    if isinstance(raw, ExcelError):
        return None, False
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, True
    if isinstance(raw, (bool, datetime, date, time, timedelta)):
        return None, False
    if isinstance(raw, (int, float)):
        return (float(raw), True) if math.isfinite(raw) else (None, False)
    text = _plain(raw)
    if unit and text.endswith(unit) and unit != "%":
        text = text[: -len(unit)]
    if percent and text.endswith("%"):
        text = text[:-1]
    if _NUMBER.fullmatch(text):
        value = float(text)
        return (value, True) if math.isfinite(value) else (None, False)
    return None, False


def _plain(raw: Any) -> str:
    """A cell's text with full-width forms folded, thousands separators and spaces taken out."""
    return unicodedata.normalize("NFKC", str(raw)).strip().replace(",", "").replace(" ", "")


def refused_as(raw: Any) -> str:
    """The issue code for a cell parse_number refused: why it is not a number."""
    if isinstance(raw, ExcelError):
        return "excel-error"
    if isinstance(raw, bool) or cell_text(raw).upper() in LOGICAL_WORDS:
        return "logical-value"
    if isinstance(raw, float) or _NUMBER.fullmatch(_plain(raw).rstrip("%")):
        return "number-not-finite"  # a number, but inf (1e999) or nan
    return "not-a-number"


def refused_value(raw: Any) -> str:
    """A refused cell as the problem table shows it: TRUE for a tick box, else as written."""
    if isinstance(raw, bool):
        return str(raw).upper()
    text = cell_text(raw)
    return text.upper() if text.upper() in ("TRUE", "FALSE") else text


def shown_number(value: float | None) -> str:
    """A bound or a value as an issue shows it: 1e+06, and ∞ for no bound."""
    if value is None:
        return "∞"
    return f"{value:g}"
