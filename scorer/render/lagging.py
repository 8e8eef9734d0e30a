"""The 通报 list of lagging projects that scorer compare writes: Word and Excel."""

from __future__ import annotations

import io
from typing import Any

from ..messages import words
from .template import XLSX_CREATED


def lagging_table(scheme, behind, fell, lang: str) -> tuple[list[str], list[list[Any]]]:
    """A row per project behind the time schedule now, by unit: lead department, completion,
    expected, and whether it fell behind since the earlier period."""
    t = words(lang)
    lead = {p.name: p.lead or "" for p in scheme.projects}
    new = set(zip(fell["district"], fell["project"], fell["indicator"]))
    unit = scheme.column_word("district", lang)
    columns = [unit, t["lead"], t["project"], t["item"], t["done"], t["expected"], t["fell_new"]]
    yes = t["word.yes"]
    rows = [
        [r.district, lead.get(r.project, ""), r.project, r.indicator, float(r.done),
         float(r.expected), yes if (r.district, r.project, r.indicator) in new else ""]
        for r in behind.itertuples(index=False)
    ]  # fmt: skip
    return columns, rows


def render_lagging_docx(title: str, scheme, behind, fell, lang: str = "zh") -> bytes:
    from .docx import render_table_docx

    t = words(lang)
    columns, rows = lagging_table(scheme, behind, fell, lang)
    shown = [[*r[:4], f"{r[4]:.1%}", f"{r[5]:.1%}", r[6]] for r in rows]
    lines = [] if rows else [t["lagging_none"]]
    return render_table_docx(title, lines, columns if rows else [], shown, landscape=True)


def render_lagging_xlsx(title: str, scheme, behind, fell, changes, lang: str = "zh") -> bytes:
    """Sheets 落后项目 (the list to notify) and 名次变化, titled, printing on A4 landscape."""
    import xlsxwriter

    t = words(lang)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    book.set_properties({"title": title, "created": XLSX_CREATED})
    font = {"font_name": "宋体"}
    head = book.add_format(
        {**font, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}
    )
    text = book.add_format({**font, "border": 1})
    share = book.add_format({**font, "border": 1, "num_format": "0.0%"})
    number = book.add_format({**font, "border": 1, "num_format": "#,##0.00"})
    bold = book.add_format({**font, "bold": True, "font_size": 13})
    columns, rows = lagging_table(scheme, behind, fell, lang)
    sheet = book.add_worksheet(t["lagging_sheet"])
    sheet.write_string(0, 0, title, bold)
    for col, (name, width) in enumerate(zip(columns, [12, 18, 30, 14, 9, 9, 10])):
        sheet.write_string(2, col, name, head)
        sheet.set_column(col, col, width)
    for row, values in enumerate(rows, start=3):
        for col, value in enumerate(values):
            if isinstance(value, float):
                sheet.write_number(row, col, value, share)
            else:
                sheet.write_string(row, col, str(value), text)
    _print_setup(sheet, 2, len(columns) - 1)
    moves = book.add_worksheet(t["moves_sheet"])
    names = [t["rank"], columns[0], t["rank_before"], t["total_before"], t["total"], t["grade"]]
    moves.write_string(0, 0, title, bold)
    for col, name in enumerate(names):
        moves.write_string(2, col, name, head)
        moves.set_column(col, col, 12)
    for row, r in enumerate(changes.itertuples(index=False), start=3):
        moves.write_number(row, 0, int(r.rank), text)
        moves.write_string(row, 1, str(r.district), text)
        for col, value in ((2, r.rank_before), (3, r.total_before)):
            if value is None or value != value or str(value) == "<NA>":
                moves.write_blank(row, col, None, text)
            else:
                moves.write_number(row, col, float(value), number if col == 3 else text)
        moves.write_number(row, 4, float(r.total), number)
        moves.write_string(row, 5, str(r.grade), text)
    _print_setup(moves, 2, len(names) - 1)
    book.close()
    return buffer.getvalue()


def _print_setup(sheet, header_row: int, last_col: int) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)
    sheet.freeze_panes(header_row + 1, 0)
    sheet.set_footer("&C&P / &N")
