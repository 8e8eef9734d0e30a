"""Issue 12: a column is required only for the projects whose rules read it. A long sheet (or a
district's own sheet) holding some projects' rows needs only their columns; a needed column
that is missing is an error naming the sheet and the projects that need it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from click.testing import CliRunner

from scorer.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
OFFICE = str(SAMPLES / "zigong-2011-督查.xlsx")
RULES = ["--rules", str(ROOT / "rules" / "zigong-2011.yaml")]

sys.path.insert(0, str(SAMPLES))
import make_layouts as make  # noqa: E402  (the samples' own figures and formats)


def run(command: str, *files: Path | str) -> tuple[int, dict]:
    result = CliRunner().invoke(main, [command, *map(str, files), *RULES, "--format", "json"])
    return result.exit_code, json.loads(result.stdout)


def department_sheet(path: Path, projects: list[str], *args) -> Path:
    """A long sheet of some projects' rows, with only the columns those projects' 细则 use."""
    return make.long_of_projects(path, make.figures(), projects, *args)


def test_long_sheets_of_some_projects_need_only_their_columns():
    """The departments' long sheets (samples/zigong-2011-部门长表), each with its own projects'
    columns only, score exactly as the one long workbook of all columns."""
    code, found = run("assess", SAMPLES / "zigong-2011-部门长表", OFFICE)
    assert code == 0, found["issues"]
    assert not [i for i in found["issues"] if "missing-column" in i["code"]]
    code, long = run("assess", SAMPLES / "zigong-2011.xlsx", OFFICE)
    assert code == 0
    assert found == long


def test_a_districts_own_sheet_of_some_projects_needs_only_their_columns(tmp_path):
    """Sheets named for their district (no 区县 column), each holding one department's rows."""
    files = []
    for district in make.DISTRICTS:
        files.append(department_sheet(tmp_path / f"{district}-公路.xlsx", ["农村公路建设"], False,
                                      district, [district]))  # fmt: skip
        rest = ["农村低保", "农村饮水安全", "廉租住房", "农家书屋"]
        files.append(department_sheet(tmp_path / f"{district}-其他.xlsx", rest, False, district,
                                      [district]))  # fmt: skip
    code, found = run("assess", *files, OFFICE)
    assert code == 0, found["issues"]
    _, long = run("assess", SAMPLES / "zigong-2011.xlsx", OFFICE)
    assert found["districts"] == long["districts"]


def test_a_missing_column_names_the_sheet_and_the_projects_that_need_it(tmp_path):
    """通达率 is read by 农村公路建设 alone: a sheet of its rows and 农村低保's without that
    column names the project; 完成, read by every project the sheet holds, is plainly missing."""
    path = tmp_path / "汇总.xlsx"
    book = make.Book(path)
    sheet = book.workbook.add_worksheet("部门汇总")
    sheet.write_row(0, 0, ["区县", "项目", "目标任务", "计划资金", "拨付资金"])
    sheet.write_row(1, 0, ["自流井区", "农村公路建设", 100])
    sheet.write_row(2, 0, ["自流井区", "农村低保", 100, 50, 40])
    book.close()
    code, found = run("check", path)
    assert code == 1
    missing = [(Path(i["file"]).name, i["sheet"], i["code"], i["message"], i["hint"])
               for i in found["issues"] if "missing-column" in i["code"]]  # fmt: skip
    assert missing == [
        ("汇总.xlsx", "部门汇总", "missing-column", "缺少“完成”列",
         "在表头加上“完成”列（也可用：完成数）"),
        ("汇总.xlsx", "部门汇总", "intake.missing-column-for",
         "缺少“通达率”列（本表中农村公路建设的计分要用到）", "在表头加上“通达率”列（也可用：—）"),
    ]  # fmt: skip
    result = CliRunner().invoke(main, ["check", str(path), *RULES, "--format", "json",
                                       "--lang", "en"])  # fmt: skip
    english = [i["message"] for i in json.loads(result.stdout)["issues"]
               if i["code"] == "intake.missing-column-for"]  # fmt: skip
    assert english == [
        "the “通达率” column is missing (the scoring of 农村公路建设 in this sheet needs it)"
    ]


def test_a_wide_group_missing_its_projects_column_names_the_project(tmp_path):
    path = tmp_path / "wide-2011.xlsx"
    book = make.Book(path)
    sheet = book.workbook.add_worksheet("汇总")
    sheet.merge_range(0, 0, 1, 0, "区县")
    sheet.merge_range(0, 1, 0, 2, "农村公路建设")
    sheet.merge_range(0, 3, 0, 4, "农家书屋")
    sheet.write_row(1, 1, ["目标任务", "完成", "目标任务", "完成"])
    sheet.write_row(2, 0, ["自流井区", 100, 90, 50, 50])
    book.close()
    code, found = run("check", path)
    assert code == 1
    missing = [(i["sheet"], i["message"]) for i in found["issues"] if "missing-column" in i["code"]]
    assert missing == [
        ("汇总", "缺少“通达率”列（本表中农村公路建设的计分要用到）"),
        ("汇总", "缺少“建立台账”列（本表中农家书屋的计分要用到）"),
    ]


def test_a_column_every_project_needs_is_plainly_missing_and_many_are_counted(tmp_path):
    """计划资金 read by six of the eight projects a sheet holds: five named and the count; 完成,
    read by all eight, said without names."""
    text = (ROOT / "rules" / "zigong-2011.yaml").read_text(encoding="utf-8")
    text = text.replace("total: 500", "total: 800")
    extra = "".join(f"  - {{name: {n}, weight: 100, template: 标准}}\n" for n in "甲乙丙")
    rules = tmp_path / "s.yaml"
    rules.write_text(text.rstrip("\n") + "\n" + extra, encoding="utf-8")
    projects = [*make.PROJECTS, "甲", "乙", "丙"]
    path = tmp_path / "all.xlsx"
    book = make.Book(path)
    sheet = book.workbook.add_worksheet("全部")
    sheet.write_row(0, 0, ["区县", "项目", "目标任务", "拨付资金", "通达率", "建立台账"])
    for row, project in enumerate(projects, start=1):
        sheet.write_row(row, 0, ["自流井区", project, 100, 10, 90, "是"])
    book.close()
    result = CliRunner().invoke(main, ["check", str(path), "--rules", str(rules), "--format",
                                       "json"])  # fmt: skip
    said = [i["message"] for i in json.loads(result.stdout)["issues"]
            if "missing-column" in i["code"]]  # fmt: skip
    assert said == [
        "缺少“完成”列",
        "缺少“计划资金”列（本表中农村低保、农村饮水安全、廉租住房、甲、乙等 6 个项目的计分要用到）",
    ]
