"""Regenerate the Zigong 2011 samples (deterministic): python samples/make_layouts.py

The same invented figures of Zigong's 7 districts on 5 projects (rules/zigong-2011.yaml), laid
out as a city office receives them, so that every layout scores alike:

- zigong-2011.xlsx            long: a row per district and project (the reference);
- zigong-2011-部门报表.xlsx    a sheet per project, rows = districts (what each department sends);
- zigong-2011-wide.xlsx       wide: a row per district, a merged project name over its columns;
- zigong-2011-wide-flat.xlsx  wide with one header row written 项目名+列名 (农村公路建设完成);
- zigong-2011-transposed.xlsx indicators as rows, districts as columns (a printed table);
- zigong-2011-督查.xlsx        the inspection team's 督查评分 and 扣分 (``source: office``);
- zigong-2011-returns/        each district's own workbook, as they come in: 高新区 has not
  reported, 富顺县 signed its sheet 富顺, and 荣县 sent a stamped and a corrected version;
- zigong-2011-部门长表/        long sheets as departments send them: each holds its own projects'
  rows with only the columns those projects' 细则 use (交通局 has no 计划资金, 文化局 no 通达率);
- zigong-2011-名单.xlsx        the roster as an office keeps it (区县, 别名), and
  zigong-2011-roster.yaml     the same scheme naming that file (``roster:``) instead of
  listing its ``districts:``.

In every layout one 通达率 cell is a percentage typed in Excel's % format (0.935 shown as 93.5%)
among plain numbers, and 建立台账 is 是/否. Needs xlsxwriter.
"""

from __future__ import annotations

import random
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent

DISTRICTS = ["自流井区", "贡井区", "大安区", "沿滩区", "荣县", "富顺县", "高新区"]
PROJECTS = ["农村公路建设", "农村低保", "农村饮水安全", "廉租住房", "农家书屋"]
# the columns each department's table holds for its project (its own 细则)
OWN = {
    "农村公路建设": ["目标任务", "完成", "通达率"],
    "农村低保": ["目标任务", "完成", "计划资金", "拨付资金"],
    "农村饮水安全": ["目标任务", "完成", "计划资金", "拨付资金"],
    "廉租住房": ["目标任务", "完成", "计划资金", "拨付资金"],
    "农家书屋": ["目标任务", "完成", "建立台账"],
}
RETURN_COLUMNS = ["目标任务", "完成", "计划资金", "拨付资金", "通达率", "建立台账"]
PERCENT_CELL = ("大安区", "农村公路建设")  # 通达率 typed as 93.5% in Excel's percent format


def figures() -> dict[tuple[str, str], dict[str, object]]:
    """Each district's figures on each project, and the office's 督查评分 and 扣分."""
    rng = random.Random(2011)
    data: dict[tuple[str, str], dict[str, object]] = {}
    for district in DISTRICTS:
        for project in PROJECTS:
            target = rng.randint(20, 400)
            planned = round(rng.uniform(200, 3000), 1)
            row: dict[str, object] = {
                "目标任务": target,
                "完成": round(target * rng.uniform(0.8, 1.1)),
                "督查评分": round(rng.uniform(70, 98), 1),
                "扣分": rng.choice([None, None, None, 1, 2]),
            }
            if "计划资金" in OWN[project]:
                row["计划资金"] = planned
                row["拨付资金"] = round(planned * rng.uniform(0.6, 1.0), 1)
            if project == "农村公路建设":
                row["通达率"] = (
                    93.5 if (district, project) == PERCENT_CELL else round(rng.uniform(80, 100), 1)
                )
            if project == "农家书屋":
                row["建立台账"] = rng.choice(["是", "是", "是", "否"])
            data[(district, project)] = row
    return data


class Book:
    """A workbook being written, with the formats the samples use."""

    def __init__(self, path: Path):
        self.workbook = xlsxwriter.Workbook(str(path))
        self.workbook.set_properties({"created": __import__("datetime").datetime(2011, 12, 31)})
        self.bold = self.workbook.add_format({"bold": True, "border": 1, "align": "center",
                                              "valign": "vcenter", "text_wrap": True})  # fmt: skip
        self.percent = self.workbook.add_format({"num_format": "0.0%"})

    def value(self, sheet, row: int, col: int, district: str, project: str, label: str,
              data: dict) -> None:  # fmt: skip
        value = data[(district, project)].get(label)
        if value is None:
            return
        if label == "通达率" and (district, project) == PERCENT_CELL:
            sheet.write_number(row, col, float(value) / 100, self.percent)
        else:
            sheet.write(row, col, value)

    def close(self) -> None:
        self.workbook.close()


def long_layout(path: Path, data: dict) -> None:
    book = Book(path)
    sheet = book.workbook.add_worksheet("2011年民生工程")
    sheet.write(0, 0, "自贡市2011年民生工程目标任务完成情况汇总表")
    sheet.write(1, 0, "资金单位：万元")
    sheet.write_row(2, 0, ["区县", "项目", *RETURN_COLUMNS], book.bold)
    row = 3
    for district in DISTRICTS:
        for project in PROJECTS:
            sheet.write(row, 0, district)
            sheet.write(row, 1, project)
            for col, label in enumerate(RETURN_COLUMNS, start=2):
                book.value(sheet, row, col, district, project, label, data)
            row += 1
    book.close()


def office(path: Path, data: dict) -> None:
    """The inspection team's workbook: a row per district and project."""
    book = Book(path)
    sheet = book.workbook.add_worksheet("督查评分")
    sheet.write(0, 0, "自贡市民生工程督查组评分表")
    sheet.write_row(1, 0, ["区县", "项目", "督查评分", "扣分"], book.bold)
    row = 2
    for district in DISTRICTS:
        for project in PROJECTS:
            sheet.write(row, 0, district)
            sheet.write(row, 1, project)
            book.value(sheet, row, 2, district, project, "督查评分", data)
            book.value(sheet, row, 3, district, project, "扣分", data)
            row += 1
    book.close()


def per_project(path: Path, data: dict) -> None:
    """A sheet per project (the sheet name is the project), each with its own columns."""
    book = Book(path)
    short = {"农村公路建设": "农村公路", "廉租住房": "廉租房"}
    for project in PROJECTS:
        sheet = book.workbook.add_worksheet(short.get(project, project))
        sheet.write(0, 0, f"{project}目标任务完成情况（牵头单位报送）")
        sheet.write_row(1, 0, ["区县", *OWN[project]], book.bold)
        for row, district in enumerate(DISTRICTS, start=2):
            sheet.write(row, 0, district)
            for col, label in enumerate(OWN[project], start=1):
                book.value(sheet, row, col, district, project, label, data)
    book.close()


def wide(path: Path, data: dict) -> None:
    """A row per district; each project's name merged over its own columns."""
    book = Book(path)
    sheet = book.workbook.add_worksheet("汇总")
    sheet.write(0, 0, "自贡市2011年民生工程目标任务完成情况（横表）")
    sheet.merge_range(1, 0, 2, 0, "区县", book.bold)
    col = 1
    for project in PROJECTS:
        labels = OWN[project]
        sheet.merge_range(1, col, 1, col + len(labels) - 1, project, book.bold)
        sheet.write_row(2, col, labels, book.bold)
        col += len(labels)
    for row, district in enumerate(DISTRICTS, start=3):
        sheet.write(row, 0, district)
        col = 1
        for project in PROJECTS:
            for label in OWN[project]:
                book.value(sheet, row, col, district, project, label, data)
                col += 1
    book.close()


def wide_flat(path: Path, data: dict) -> None:
    """A row per district under one header row of labels written 项目名+列名."""
    book = Book(path)
    sheet = book.workbook.add_worksheet("汇总")
    header = ["区县"] + [f"{p}{label}" for p in PROJECTS for label in OWN[p]]
    sheet.write_row(0, 0, header, book.bold)
    for row, district in enumerate(DISTRICTS, start=1):
        sheet.write(row, 0, district)
        col = 1
        for project in PROJECTS:
            for label in OWN[project]:
                book.value(sheet, row, col, district, project, label, data)
                col += 1
    book.close()


def transposed(path: Path, data: dict) -> None:
    """Indicators as rows (the project merged down its rows), districts as columns."""
    book = Book(path)
    sheet = book.workbook.add_worksheet("考核表")
    sheet.write(0, 0, "自贡市2011年民生工程目标任务完成情况")
    sheet.write_row(1, 0, ["项目", "指标", *DISTRICTS], book.bold)
    row = 2
    for project in PROJECTS:
        labels = OWN[project]
        if len(labels) > 1:
            sheet.merge_range(row, 0, row + len(labels) - 1, 0, project, book.bold)
        else:
            sheet.write(row, 0, project)
        for label in labels:
            sheet.write(row, 1, label)
            for col, district in enumerate(DISTRICTS, start=2):
                book.value(sheet, row, col, district, project, label, data)
            row += 1
    book.close()


def returns(folder: Path, data: dict) -> None:
    """Each district's own workbook, its sheet named after it; as the office receives them."""
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.xlsx"):
        old.unlink()
    sent = {
        "自流井区": "自流井区", "贡井区": "贡井区", "大安区": "大安区", "沿滩区": "沿滩区",
        "荣县（盖章版）": "荣县", "荣县（修改版）": "荣县", "富顺": "富顺县",
    }  # fmt: skip
    for file_name, district in sent.items():
        book = Book(folder / f"{file_name}.xlsx")
        sheet = book.workbook.add_worksheet(file_name.split("（")[0])
        sheet.write_row(0, 0, ["项目", *RETURN_COLUMNS], book.bold)
        for row, project in enumerate(PROJECTS, start=1):
            sheet.write(row, 0, project)
            for col, label in enumerate(RETURN_COLUMNS, start=1):
                book.value(sheet, row, col, district, project, label, data)
        if file_name == "荣县（修改版）":
            sheet.write(1, 2, data[(district, PROJECTS[0])]["完成"] + 3)  # the correction
        book.close()
    office(folder / "督查组评分.xlsx", data)


DEPARTMENTS = {
    "交通局": ["农村公路建设"],
    "民政局": ["农村低保", "农村饮水安全", "廉租住房"],
    "文化局": ["农家书屋"],
}


def long_of_projects(
    path: Path,
    data: dict,
    projects: list[str],
    district_column: bool = True,
    sheet_name: str = "报表",
    districts: list[str] | None = None,
) -> Path:
    """A long sheet of some projects' rows, with only the columns those projects use; without
    ``district_column`` a district's own sheet (the sheet named after it)."""
    labels = list(dict.fromkeys(label for p in projects for label in OWN[p]))
    book = Book(path)
    sheet = book.workbook.add_worksheet(sheet_name)
    sheet.write_row(0, 0, [*(["区县"] if district_column else []), "项目", *labels], book.bold)
    row = 1
    for district in districts or DISTRICTS:
        for project in projects:
            cells = [district] if district_column else []
            sheet.write_row(row, 0, [*cells, project])
            for col, label in enumerate(labels, start=len(cells) + 1):
                if label in OWN[project]:
                    book.value(sheet, row, col, district, project, label, data)
            row += 1
    book.close()
    return path


def department_long(folder: Path, data: dict) -> None:
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.xlsx"):
        old.unlink()
    for department, projects in DEPARTMENTS.items():
        long_of_projects(folder / f"{department}.xlsx", data, projects, sheet_name=department)


ALIASES = {"高新区": ["高新技术产业开发区", "自贡高新区"]}


def roster(path: Path) -> None:
    """The units that must report, with a title row, a 序号 column and their other names."""
    book = Book(path)
    sheet = book.workbook.add_worksheet("应报送单位")
    sheet.write(0, 0, "自贡市2011年民生工程考核应报送单位名单")
    sheet.write_row(1, 0, ["序号", "区县", "别名"], book.bold)
    for number, district in enumerate(DISTRICTS, start=1):
        sheet.write_row(number + 1, 0, [number, district, "、".join(ALIASES.get(district, []))])
    book.close()


def roster_scheme(path: Path) -> None:
    """rules/zigong-2011.yaml with its districts: list replaced by the roster file's name."""
    text = (HERE.parent / "rules" / "zigong-2011.yaml").read_text(encoding="utf-8")
    start = text.index("districts:")
    end = text.index("\ncolumns:", start)
    text = (
        "# rules/zigong-2011.yaml 的副本（samples/make_layouts.py 生成）："
        "应报送的区县不写在方案里，\n"
        "# 而写在名单文件 zigong-2011-名单.xlsx 中（路径相对于本文件）。\n"
        + text[:start]
        + "roster: zigong-2011-名单.xlsx   # 应报送的区县及其别名\n"
        + text[end:]
    )
    path.write_text(text, encoding="utf-8")


def main() -> None:
    data = figures()
    long_layout(HERE / "zigong-2011.xlsx", data)
    office(HERE / "zigong-2011-督查.xlsx", data)
    per_project(HERE / "zigong-2011-部门报表.xlsx", data)
    wide(HERE / "zigong-2011-wide.xlsx", data)
    wide_flat(HERE / "zigong-2011-wide-flat.xlsx", data)
    transposed(HERE / "zigong-2011-transposed.xlsx", data)
    returns(HERE / "zigong-2011-returns", data)
    department_long(HERE / "zigong-2011-部门长表", data)
    roster(HERE / "zigong-2011-名单.xlsx")
    roster_scheme(HERE / "zigong-2011-roster.yaml")


if __name__ == "__main__":
    main()
