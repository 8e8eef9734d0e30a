"""The problem list to send back (问题清单): a workbook with a sheet per district, or one
workbook per district, each problem with its file, sheet, cell, value found, what is wrong,
what to do and its severity."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from ..messages import words
from .template import XLSX_CREATED, _SheetNames, _Template

if TYPE_CHECKING:
    from ..errors import Issue
    from ..intake import Dataset
    from ..scheme import Scheme

_COLUMNS = ("returned_file", "returned_sheet", "returned_cell", "returned_value",
            "returned_what", "returned_todo", "returned_severity")  # fmt: skip
_WIDTHS = (28, 16, 10, 16, 48, 40, 8)


def group_by_unit(issues: list[Issue], units: list[str | None], lang: str) -> dict[str, list]:
    """The problems per district, in the order found; those of no district under 其他."""
    groups: dict[str, list[Issue]] = {}
    other = words(lang)["returned_other"]
    for issue, unit in zip(issues, units):
        groups.setdefault(unit or other, []).append(issue)
    if other in groups:  # last, after the districts
        groups[other] = groups.pop(other)
    return groups


def problems_of(issues: list[Issue], data: Dataset, lang: str) -> dict[str, list[Issue]]:
    """A run's problems per district, as ``check -o`` and the web page send them back."""
    from ..intake import units_of_issues

    return group_by_unit(issues, units_of_issues(data, issues), lang)


def unit_file_name(unit: str) -> str:
    """The name of one district's workbook in a folder of problem lists (富顺县.xlsx)."""
    from .template import _sheet_name

    return f"{_sheet_name(unit)}.xlsx"


def problems_xlsx(scheme: Scheme, groups: dict[str, list[Issue]], lang: str) -> bytes:
    """One workbook, a sheet per district (Excel's rules shorten its name)."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"title": words(lang)["returned_title"], "created": XLSX_CREATED})
    book = _Template(workbook, scheme)
    names = _SheetNames()
    for unit, issues in groups.items():
        _problem_sheet(book, names(unit), unit, issues, lang)
    workbook.close()
    return buffer.getvalue()


def _problem_sheet(book: _Template, sheet_name: str, unit: str, issues: list, lang: str) -> None:
    labels = words(lang)
    sheet = book.workbook.add_worksheet(sheet_name)
    book.write_text(sheet, 0, 0, f"{unit} {labels['returned_title']}", "title")
    for col, key in enumerate(_COLUMNS):
        book.write_text(sheet, 1, col, labels[key], "header")
        sheet.set_column(col, col, _WIDTHS[col])
    for row, issue in enumerate(issues, start=2):
        value = "" if issue.value is None else issue.value
        cells = (Path(issue.file).name if issue.file else "", issue.sheet or "", issue.cell or "—",
                 f"{value:g}" if isinstance(value, float) else str(value),
                 issue.message(lang), issue.hint(lang),
                 labels[f"returned_{issue.severity}"])  # fmt: skip
        for col, text in enumerate(cells):
            book.write_text(sheet, row, col, text, "wrap" if col >= 4 else None)
    sheet.freeze_panes(2, 0)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
