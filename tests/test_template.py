"""scorer template: the intake workbook, and the round trip template → filled → check → assess."""

from __future__ import annotations

import json

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import RULES

from scorer import assess
from scorer.cli import main
from scorer.render.template import template_xlsx
from scorer.scheme import load_scheme

ANHUI = load_scheme(RULES / "anhui-2010.yaml")


def write_template(tmp_path, *args) -> tuple:
    out = tmp_path / "2011填报表.xlsx"
    result = CliRunner().invoke(
        main, ["template", "--rules", str(RULES / "anhui-2010.yaml"), *args, "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out, result


def fill(path, rows_per_sheet=None, satisfaction=93.5, change=None):
    """Fill every blank number of the template as a clerk would, with openpyxl."""
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        if sheet.title == "填报说明":
            continue
        header = (
            [c.value for c in sheet[3]]
            if sheet.title != "社情民意"
            else [c.value for c in sheet[1]]
        )
        if sheet.title == "社情民意":
            for row in sheet.iter_rows(min_row=2):
                row[1].value = satisfaction
            continue
        for index, row in enumerate(sheet.iter_rows(min_row=4)):
            values = {
                "目标任务": 100, "完成": 95 + index % 7, "计划资金（万元）": 1000,
                "到位资金（万元）": 980,
                "拨付资金（万元）": 900 + index % 50, "督查评分": 90,
            }  # fmt: skip
            for cell, label in zip(row, header):
                if label in values:
                    cell.value = values[label]
            if change:
                change(sheet, row, header)
    workbook.save(path)


def test_template_long_layout_contents(tmp_path):
    out, result = write_template(tmp_path, "--districts", "合肥市, 芜湖市")
    assert "已生成填报表" in result.output and "2 个地区 × 33 个项目" in result.output
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["2010年度填报", "社情民意", "填报说明"]
    sheet = workbook["2010年度填报"]
    header = [c.value for c in sheet[3]]
    assert header == [
        "地区",
        "项目",
        "目标任务",
        "完成",
        "计划资金（万元）",
        "到位资金（万元）",
        "拨付资金（万元）",
        "督查评分",
        "扣分",
        "状态",
    ]
    assert sheet.max_row == 3 + 2 * 33
    assert sheet["A4"].value == "合肥市" and sheet["B4"].value == "农村公路“村村通”"
    assert sheet.freeze_panes == "C4"
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert (
        validations["C4:C69"].type == "decimal"
        and validations["C4:C69"].operator == "greaterThanOrEqual"
    )
    # "between" is OOXML's default operator, so the file leaves it out
    assert (
        validations["H4:H69"].operator in (None, "between")
        and float(validations["H4:H69"].formula2) == 100
    )
    assert (
        validations["J4:J69"].type == "list"
        and validations["J4:J69"].formula1 == '"暂缓实施,不适用"'
    )


def test_template_sheet_per_district(tmp_path):
    out, _ = write_template(tmp_path, "--districts", "合肥市、芜湖市", "--layout", "sheets")
    assert openpyxl.load_workbook(out).sheetnames == ["合肥市", "芜湖市", "社情民意", "填报说明"]


def test_sheets_layout_needs_districts(tmp_path):
    result = CliRunner().invoke(
        main,
        ["template", "--rules", "anhui-2010", "--layout", "sheets", "-o", str(tmp_path / "t.xlsx")],
    )
    assert result.exit_code == 2
    assert (
        "--layout sheets 需要地区名单：用 --districts 给出，或在方案中列出应报送的单位"
        in result.output
    )


@pytest.mark.parametrize("layout", ["long", "sheets"])
def test_round_trip_template_filled_check_assess(tmp_path, layout):
    out, _ = write_template(tmp_path, "--districts", "合肥市,芜湖市,巢湖市", "--layout", layout)

    def suspend_one(sheet, row, header):
        if (
            row[header.index("项目")].value == "光荣院建设"
            and sheet.title in ("巢湖市", "2010年度填报")
            and (layout == "sheets" or row[0].value == "巢湖市")
        ):
            for cell in row[2:]:
                cell.value = None
            row[header.index("状态")].value = "暂缓实施"

    fill(out, change=suspend_one)
    runner = CliRunner()
    # no --rules: the template records its scheme (its name says 2011, for which there is none)
    checked = runner.invoke(main, ["check", str(out), "--format", "json"])
    assert "依据：填报表记录的方案 anhui-2010.yaml" in checked.stderr
    report = json.loads(checked.stdout)
    assert checked.exit_code == 0, report
    assert report["ok"] and report["districts"] == 3 and report["rows"] == 99
    # filled alike sheet by sheet, the districts are identical but for 巢湖市's suspension
    expected = {"identical-district"} if layout == "sheets" else set()
    assert {i["code"] for i in report["issues"]} == expected
    result = assess([out], ANHUI)
    assert result.ranking is not None
    table = result.ranking.table.set_index("district")
    assert table.at["巢湖市", "available"] == 3400
    assert list(result.ranking.survey["satisfaction"]) == [93.5] * 3


def test_unfilled_template_lists_every_blank(tmp_path):
    out, _ = write_template(tmp_path, "--districts", "合肥市")
    result = assess([out], ANHUI)
    assert result.ranking is None
    codes = {i.code for i in result.issues}
    assert codes == {"missing-value"}
    assert len(result.issues) == 33 * 6 + 1  # six numbers a project, and the satisfaction


def test_template_in_memory_is_deterministic():
    assert template_xlsx(ANHUI, ["合肥市"]) == template_xlsx(ANHUI, ["合肥市"])
