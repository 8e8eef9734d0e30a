"""A sheet's header: the one (or two) of its first rows that name the scheme's columns, found
with the labels, aliases and units the scheme gives (计划资金（万元）), each distinct header read
once for all the files that share it. ``sheets`` finds the header of every sheet it opens here."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .scheme import Scheme

HEADER_SEARCH_ROWS = 30
_BRACKETED = re.compile(r"^(.*?)[(\[【]([^()\[\]【】]*)[)\]】]$")


@dataclass(frozen=True)
class Header:
    """Where a sheet's header is: one row, or two when group cells sit over the labels."""

    top: int  # first header row (0-based)
    row: int  # last header row; the data start below it
    columns: dict[str, int]  # scheme column key -> column index
    units: dict[str, str]  # unit written in a label, or in its group cell above


def cell_text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return unicodedata.normalize("NFKC", str(raw)).strip()


# a text column's distinct texts, cleaned once for all files: the 33 projects of 1,000 returns
_cleaned = lru_cache(maxsize=1 << 16)(cell_text)


@lru_cache(maxsize=1 << 14)
def split_label(raw: Any) -> tuple[str, str | None]:
    """A header cell as (name, unit): 计划资金（万元） -> (计划资金, 万元); names normalised."""
    from .scheme import normalize_name

    text = normalize_name(cell_text(raw))
    match = _BRACKETED.match(text)
    if match and match.group(1):
        unit = re.sub(r"^单位[:：]?", "", match.group(2)) or None
        return match.group(1), unit
    return text, None


def label_table(scheme: Scheme) -> dict[str, str]:
    table: dict[str, str] = {}
    for key, column in scheme.columns.items():
        for label in column.labels():
            table.setdefault(split_label(label)[0], key)
    return table


def _read_header(
    rows: list[list[Any]], top: int, bottom: int, labels: dict[str, str]
) -> tuple[dict[str, int], dict[str, str]]:
    """Scheme columns named in rows top..bottom (one or two rows).

    With two rows, a label in the lower row may sit under a group cell (资金情况（万元）) whose unit
    it takes; a column merged down both rows has its label in the upper row only.
    """
    upper = rows[top] if top < bottom else []
    lower = rows[bottom]
    found: dict[str, int] = {}
    units: dict[str, str] = {}
    group_unit: str | None = None
    for col in range(max(len(upper), len(lower))):
        up_name, up_unit = split_label(upper[col]) if col < len(upper) else ("", None)
        if up_name:
            group_unit = up_unit  # a group (or a merged-down label) starts here
        low_name, low_unit = split_label(lower[col]) if col < len(lower) else ("", None)
        if low_name:
            name, unit = low_name, low_unit or group_unit
        elif up_name:
            name, unit = up_name, up_unit
        else:
            continue
        key = labels.get(name)
        if key and key not in found:
            found[key] = col
            if unit:
                units[key] = unit
    return found, units


def find_header(
    rows: list[list[Any]],
    labels: dict[str, str],
    must: str,
    least: int,
    memo: dict | None = None,
) -> Header | None:
    """The header among the first rows: the one (or two) naming most scheme columns, with
    ``must`` among them and at least ``least`` in all. ``memo`` (one per ``labels``) keeps
    the headers found by the rows they were found in: 1,000 returns of one template have one
    header, read once."""
    searched = min(len(rows), HEADER_SEARCH_ROWS)
    # ``must`` is found only in a row that names it: the other rows (the data below the header,
    # titles above it) need not be read as headers at all. A row under one that names it is
    # read with it as a header of two rows only if it names a scheme column itself: else the
    # two find no column the upper row alone does not (``_read_header``), and the data row
    # under a header, different in every return, is not part of the memo's key.
    naming = _naming(
        rows[:searched], labels, must, None if memo is None else memo.setdefault(must, {})
    )
    pairs = [
        (top, bottom)
        for bottom in range(searched)
        for top in ((bottom, bottom - 1) if bottom else (bottom,))
        if naming[bottom] or naming[top]
    ]
    if any(top < bottom for top, bottom in pairs):
        named = _names_any(rows, labels, None if memo is None else memo.setdefault(None, {}))
        pairs = [(top, bottom) for top, bottom in pairs if top == bottom or named(bottom)]
    if not pairs:
        return None
    key = None
    if memo is not None:
        try:
            rows_read = tuple((r, tuple(rows[r])) for r in sorted({*sum(pairs, ())}))
            key = (must, least, tuple(pairs), rows_read)
            known = memo.get(key, False)
        except TypeError:  # a cell that cannot be a key: looked at anew
            key, known = None, False
        if known is not False:
            return _copy(known)
    best: Header | None = None
    for top, bottom in pairs:
        found, units = _read_header(rows, top, bottom, labels)
        if (
            must in found
            and len(found) >= least
            and (best is None or len(found) > len(best.columns))
        ):
            best = Header(top, bottom, found, units)
    if key is not None and memo is not None:
        memo[key] = _copy(best)
    return best


def _names_any(rows: list[list[Any]], labels: dict[str, str], known: dict | None):
    """Whether a row has a cell that names a scheme column (a number too, as ``_read_header``
    reads it), each distinct cell looked at once for all sheets with ``known``."""
    known = {} if known is None else known

    def names(row: int) -> bool:
        for cell in rows[row]:
            says: bool | None = None
            if type(cell) is str:  # (1.0 and True are one key: only texts are kept)
                says = known.get(cell)
            if says is None:
                says = labels.get(split_label(cell)[0]) is not None
                if type(cell) is str:
                    known[cell] = says
            if says:
                return True
        return False

    return names


def _copy(header: Header | None) -> Header | None:
    """A header of its own, for a sheet (its dicts are not shared with another sheet's)."""
    if header is None:
        return None
    return replace(header, columns=dict(header.columns), units=dict(header.units))


def _naming(
    rows: list[list[Any]], labels: dict[str, str], must: str, known: dict | None = None
) -> list[bool]:
    """Which rows have a cell whose text names ``must``: each distinct text looked at once, and
    once for all sheets with ``known`` (a label is a text: the numbers need no look)."""
    try:
        cells = set().union(*rows)
    except TypeError:  # a cell that cannot be in a set: each cell looked at
        return [
            any(isinstance(c, str) and labels.get(split_label(c)[0]) == must for c in row)
            for row in rows
        ]
    known = {} if known is None else known
    names = set()
    for cell in cells:
        if isinstance(cell, str):
            says = known.get(cell)
            if says is None:
                says = known[cell] = labels.get(split_label(cell)[0]) == must
            if says:
                names.add(cell)
    return [not names.isdisjoint(row) for row in rows]
