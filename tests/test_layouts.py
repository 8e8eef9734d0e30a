"""Issue 12: every layout scores exactly like the same data in long layout (the same JSON)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner

from scorer.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
OFFICE = str(SAMPLES / "zigong-2011-督查.xlsx")
RULES = ["--rules", str(ROOT / "rules" / "zigong-2011.yaml")]


def assessed(*files: str) -> dict:
    result = CliRunner().invoke(main, ["assess", *files, *RULES, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def long_json() -> dict:
    return assessed(str(SAMPLES / "zigong-2011.xlsx"), OFFICE)


@pytest.mark.parametrize(
    "sample",
    [
        "zigong-2011-部门报表.xlsx",
        "zigong-2011-wide.xlsx",
        "zigong-2011-wide-flat.xlsx",
        "zigong-2011-transposed.xlsx",
        "zigong-2011-部门长表",
    ],
)
def test_each_layout_scores_as_the_long_one(long_json, sample):
    found = assessed(str(SAMPLES / sample), OFFICE)
    assert len(found["districts"]) == 7
    assert found == long_json  # the whole JSON: every score, rank, award and note


def test_flat_wide_headers_project_plus_label(tmp_path, long_json):
    """A wide header written 项目名+列名 (农村公路完成) in one row."""
    import sys

    sys.path.insert(0, str(SAMPLES))
    import make_layouts as make

    data = make.figures()
    path = tmp_path / "flat-2011.xlsx"
    book = make.Book(path)
    sheet = book.workbook.add_worksheet("汇总")
    header = ["区县"] + [f"{p}{label}" for p in make.PROJECTS for label in make.OWN[p]]
    sheet.write_row(0, 0, header)
    for row, district in enumerate(make.DISTRICTS, start=1):
        sheet.write(row, 0, district)
        col = 1
        for project in make.PROJECTS:
            for label in make.OWN[project]:
                book.value(sheet, row, col, district, project, label, data)
                col += 1
    book.close()
    assert assessed(str(path), OFFICE)["districts"] == long_json["districts"]


def test_a_cell_in_a_wide_sheet_is_named_at_its_group(tmp_path):
    """A word where a number belongs, in a wide sheet: its own cell, under its project."""
    path = tmp_path / "wide-2011.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("汇总")
    sheet.merge_range(0, 0, 1, 0, "区县")
    sheet.merge_range(0, 1, 0, 2, "农村低保")
    sheet.merge_range(0, 3, 0, 4, "农家书屋")
    sheet.write_row(1, 1, ["目标任务", "完成", "目标任务", "完成"])
    sheet.write_row(2, 0, ["自流井区", 100, "约90", 50, 50])
    workbook.close()
    result = CliRunner().invoke(main, ["check", str(path), *RULES, "--format", "json"])
    issues = json.loads(result.stdout)["issues"]
    cells = {(i["cell"], i["code"]) for i in issues}
    assert ("C3", "not-a-number") in cells


def test_sheet_named_for_no_project_is_refused_with_a_suggestion(tmp_path):
    path = tmp_path / "dept-2011.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("农村低报")
    sheet.write_row(0, 0, ["区县", "目标任务", "完成", "计划资金", "拨付资金"])
    sheet.write_row(1, 0, ["自流井区", 100, 90, 10, 9])
    workbook.add_worksheet("农家书屋").write_row(0, 0, ["区县", "目标任务", "完成"])
    workbook.close()
    result = CliRunner().invoke(main, ["check", str(path), *RULES, "--format", "json"])
    issues = json.loads(result.stdout)["issues"]
    unknown = [i for i in issues if i["code"] == "unknown-project"]
    assert unknown[0]["sheet"] == "农村低报"
    assert unknown[0]["hint"] == "是否应为“农村低保”？"
