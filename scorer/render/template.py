"""The intake template: the workbook the districts fill in, made from a scheme."""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import Any

from ..messages import render
from ..scheme import RECORDED_PROPERTY, Scheme

FORMULA_START = ("=", "+", "-", "@")
# Every workbook's created/modified date (docProps/core.xml): fixed, so that the same input gives
# the same bytes, as the other formats do; xlsxwriter would put the wall clock there.
XLSX_CREATED = datetime(2000, 1, 1)


class SheetNameTaken(ValueError):
    """Two sheets of the template would have the same name once Excel's rules shorten them."""

    def __init__(self, name: str, other: str, sheet: str):
        super().__init__(f"{name!r} and {other!r} both make the sheet name {sheet!r}")
        self.name, self.other, self.sheet = name, other, sheet


def _sheet_name(name: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    cleaned = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "Sheet"
    return cleaned[:31]


class _SheetNames:
    """The sheets' names, each checked against those taken (Excel compares them ignoring case):
    a clash is refused, not renamed, since a district's sheet name is its name when read back."""

    def __init__(self) -> None:
        self.taken: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        sheet = _sheet_name(name)
        if sheet.casefold() in self.taken:
            raise SheetNameTaken(name, self.taken[sheet.casefold()], sheet)
        self.taken[sheet.casefold()] = name
        return sheet


_STYLES: dict[str | None, dict[str, Any]] = {
    None: {},
    "title": {"bold": True, "font_size": 14},
    "header": {
        "bold": True,
        "bg_color": "#DDEBF7",
        "border": 1,
        "text_wrap": True,
        "valign": "vcenter",
        "align": "center",
    },
    "name": {"border": 1, "bg_color": "#F2F2F2"},
    "input": {"border": 1, "num_format": "#,##0.00", "bg_color": "#FFFFE0"},
    "text": {"border": 1, "bg_color": "#FFFFE0"},
    "wrap": {"text_wrap": True, "valign": "top"},
    "bold": {"bold": True},
}


class _Template:
    """The template being written: its workbook, cell formats (each also with Excel's quote
    prefix), the sheet names taken, and the scheme's columns a row has."""

    def __init__(self, workbook, scheme: Scheme):
        self.workbook = workbook
        self.scheme = scheme
        self.formats = {k: workbook.add_format(v) if v else None for k, v in _STYLES.items()}
        self.guarded = {
            k: workbook.add_format({**v, "quote_prefix": True}) for k, v in _STYLES.items()
        }
        self.sheet_name = _SheetNames()
        self.projects = [p for p in scheme.projects if p.level == "project"]
        columns = scheme.columns
        # a column another source holds (督查评分 from the office) is not the districts' to fill
        measures = [k for k in scheme.measure_keys() if columns[k].source is None]
        texts = [k for k in scheme.text_keys() if columns[k].source is None]  # 部门类别
        self.keys = ["project", *texts, *measures] + (["status"] if "status" in columns else [])

    def write_text(self, sheet, row: int, col: int, text: str, style: str | None = None) -> None:
        """Every text as a string, never a formula; one that starts like a formula also gets
        Excel's quote prefix, so that editing the cell later cannot make it one either."""
        text = "" if text is None else str(text)
        if not text:  # as write() did: an empty text is a blank cell, not an empty string
            sheet.write_blank(row, col, None, self.formats[style])
            return
        chosen = self.guarded if text[:1] in FORMULA_START else self.formats
        sheet.write_string(row, col, text, chosen[style])

    def header_label(self, key: str) -> str:
        """A column's label with its unit: 拨付资金（万元）."""
        column = self.scheme.columns[key]
        return f"{column.label}（{column.unit}）" if column.unit else column.label


def template_xlsx(
    scheme: Scheme, districts: list[str], layout: str = "long", scheme_file: str | None = None
) -> bytes:
    """The workbook districts fill in: the scheme's columns with labels and units, a row per
    project, checks on numbers, a drop-down for 状态, a frozen header and an instructions sheet.

    ``layout`` is ``long`` (one sheet, a 地区 column) or ``sheets`` (a sheet per district).
    """
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"title": f"{scheme.name} 填报表", "created": XLSX_CREATED})
    if scheme_file:  # so that `scorer check` finds the scheme without --rules
        workbook.set_custom_property(RECORDED_PROPERTY, scheme_file)
    book = _Template(workbook, scheme)
    if layout == "sheets":
        for district in districts:
            _data_sheet(book, district, district, with_district=False, blocks=[None])
    else:
        name = f"{scheme.year}年度填报"
        _data_sheet(book, name, None, with_district=True, blocks=list(districts) or [None])
    if scheme.survey is not None:
        _survey_sheet(book, districts)
    instructions = workbook.add_worksheet(book.sheet_name("填报说明"))
    _instructions(instructions, book)
    workbook.close()
    return buffer.getvalue()


def _data_sheet(
    book: _Template, name: str, district: str | None, with_district: bool, blocks: list[str | None]
) -> None:
    """A sheet to fill in: title, signature line, header, a row per project (per district in
    ``blocks``), checks on each column, and A4 landscape printing."""
    scheme, write_text = book.scheme, book.write_text
    sheet = book.workbook.add_worksheet(book.sheet_name(name))
    columns = (["district"] if with_district else []) + book.keys
    title = f"{scheme.name} 填报表" + (f"（{district}）" if district else "")
    write_text(sheet, 0, 0, title, "title")
    write_text(sheet, 1, 0, "填报单位（盖章）：                填报人：                联系电话：")
    header_row = 2
    for col, key in enumerate(columns):
        write_text(sheet, header_row, col, book.header_label(key), "header")
    row = header_row + 1
    for block in blocks:
        for project in book.projects:
            for col, key in enumerate(columns):
                if key == "district":
                    write_text(sheet, row, col, block or "", "name" if block else "text")
                elif key == "project":
                    write_text(sheet, row, col, project.name, "name")
                elif key == "status" or scheme.columns[key].kind == "text":
                    sheet.write_blank(row, col, None, book.formats["text"])
                else:
                    sheet.write_blank(row, col, None, book.formats["input"])
            row += 1
    for col, key in enumerate(columns):
        rule = _validation(scheme, key)
        if rule:
            sheet.data_validation(header_row + 1, col, row - 1, col, rule)
        sheet.set_column(col, col, _width(key, book.header_label(key)))
    sheet.set_row(header_row, 32)
    sheet.freeze_panes(header_row + 1, columns.index("project") + 1)
    sheet.set_paper(9)  # A4, landscape, one page wide, the header on every page
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)


def _width(key: str, label: str) -> int:
    """A column's width: the project's name is long, a number's header sets its width."""
    if key == "project":
        return 38
    if key == "district":
        return 12
    return max(10, len(label) * 2)


def _survey_sheet(book: _Template, districts: list[str]) -> None:
    """The survey sheet (社情民意): a row per district, its satisfaction in percent."""
    survey = book.scheme.survey
    assert survey is not None
    sheet = book.workbook.add_worksheet(book.sheet_name(survey.sheet))
    book.write_text(sheet, 0, 0, book.scheme.columns["district"].label, "header")
    book.write_text(sheet, 0, 1, f"{survey.label}（%）", "header")
    for row, district in enumerate(districts or [""], start=1):
        book.write_text(sheet, row, 0, district, "name" if district else "text")
        sheet.write_blank(row, 1, None, book.formats["input"])
    rule = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100,
            "error_title": "数值有误",
            "error_message": "满意度请填写 0 到 100 之间的数（如 93.5）"}  # fmt: skip
    sheet.data_validation(1, 1, max(1, len(districts)), 1, rule)
    sheet.set_column(0, 1, 14)
    sheet.freeze_panes(1, 1)


def _validation(scheme: Scheme, key: str) -> dict[str, Any] | None:
    column = scheme.columns[key]
    if key == "status":
        words = column.suspended
        return {"validate": "list", "source": words, "ignore_blank": True,
                "input_title": "状态",
                "input_message": "正常实施留空；不实施的项目选择：" + "、".join(words),
                "error_title": "状态有误",
                "error_message": "请留空，或选择：" + "、".join(words)}  # fmt: skip
    if key in ("district", "project", "city") or column.kind == "text":
        return None
    low, high = column.min, column.max
    if low is not None and high is not None:
        rule: dict[str, Any] = {"criteria": "between", "minimum": low, "maximum": high}
        said = f"{low:g} 到 {high:g} 之间的数"
    elif low is not None:
        rule, said = {"criteria": ">=", "value": low}, f"不小于 {low:g} 的数"
    elif high is not None:
        rule, said = {"criteria": "<=", "value": high}, f"不大于 {high:g} 的数"
    else:
        rule, said = {"criteria": "between", "minimum": -1e15, "maximum": 1e15}, "数字"
    blank = "；没有的留空（按 0 计）" if column.blank == "zero" else ""
    return {"validate": "decimal", **rule, "ignore_blank": True,
            "input_title": column.label[:32], "input_message": f"请填写{said}{blank}"[:255],
            "error_title": "数值有误",
            "error_message": f"“{column.label}”请填写{said}，不要带单位或文字"[:255]}  # fmt: skip


def _instructions(sheet, book: _Template) -> None:
    """The instructions sheet: how to fill in, each column's requirements, the weight table."""
    scheme, write_text, bold, keys = book.scheme, book.write_text, book.formats["bold"], book.keys
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, 2, 60)
    lines = [
        (scheme.name, "title"),
        ("", None),
        ("1. 每个项目一行，项目名称已列出，请勿修改表头和项目名称。", None),
        ("2. 数字直接填写，不要带单位或文字（如“约100”“—”）；金额单位见表头。", None),
        (
            "3. 不实施的项目在“状态”列选择“暂缓实施”或“不适用”，"
            "该行数字可不填；正常实施的项目“状态”留空。",
            None,
        ),
        ("4. 填好后可用 scorer check 检查：scorer check 本文件.xlsx", None),
        ("", None),
    ]
    row = 0
    for text, style in lines:
        write_text(sheet, row, 0, text, style)
        row += 1
    for col, title in enumerate(("列", "单位", "填写要求")):
        write_text(sheet, row, col, title, "header")
    row += 1
    for key in ["district", *keys]:
        column = scheme.columns[key]
        if key == "district":
            need = "地区名称（每个地区一张表时由表名给出）"
        elif key == "project":
            need = "项目名称，已列出"
        elif key == "status":
            need = "留空为正常实施；可选：" + "、".join(column.suspended)
        elif column.kind == "text":
            need = render("shape.template_text", "zh")
        else:
            rule = _validation(scheme, key)
            need = rule["input_message"].removeprefix("请填写") if rule else ""
            need = "必填，" + need if column.blank == "error" else need
        write_text(sheet, row, 0, column.label)
        write_text(sheet, row, 1, column.unit or "")
        write_text(sheet, row, 2, need, "wrap")
        row += 1
    row += 1
    for col, title in enumerate(("考核项目", "分值")):
        write_text(sheet, row, col, title, "header")
    row += 1
    for project in scheme.projects:
        note = "（按地区汇总计算，不需填报）" if project.level == "district" else ""
        write_text(sheet, row, 0, project.name + note)
        sheet.write_number(row, 1, project.weight)
        row += 1
    write_text(sheet, row, 0, "合计", "bold")
    sheet.write_number(row, 1, sum(p.weight for p in scheme.projects), bold)
