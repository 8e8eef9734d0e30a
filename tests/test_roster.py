"""Issue 12: who must report, returns sent twice, conflicting sources, cells read as meant."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from scorer.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
RULES = ["--rules", str(ROOT / "rules" / "zigong-2011.yaml")]


def checked(*args: str) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(main, ["check", *args, *RULES, "--format", "json"])
    return result.exit_code, json.loads(result.stdout)["issues"]


def test_roster_missing_return_wrong_name_and_two_versions():
    code, issues = checked(str(SAMPLES / "zigong-2011-returns"))
    assert code == 1
    said = [(Path(i["file"]).name if i["file"] else None, i["sheet"], i["message"], i["hint"])
            for i in issues if i["severity"] == "error"]  # fmt: skip
    assert said == [
        ("富顺.xlsx", "富顺", "“富顺”不在应报送的地区名单中",
         "是否应为“富顺县”？名单外的名称不会作为新地区计分"),
        ("荣县（盖章版）.xlsx", "荣县",
         "“荣县”报送了两份：荣县（修改版）.xlsx › 荣县 与 荣县（盖章版）.xlsx › 荣县",
         "只保留一个版本（如修改后的盖章版），把另一个文件移出数据文件夹后重新运行"),
        (None, None, "高新区未报送",
         "请催报；如该地区确实不参加考核，请从考核方案的地区名单中删去"),
    ]  # fmt: skip


def test_an_alias_on_the_roster_is_read_as_its_unit(tmp_path):
    path = tmp_path / "zigong-2011.xlsx"
    shutil.copy(SAMPLES / "zigong-2011.xlsx", path)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=4):
        if row[0].value == "高新区":
            row[0].value = "自贡高新区"
    book.save(path)
    code, issues = checked(str(path), str(SAMPLES / "zigong-2011-督查.xlsx"))
    assert code == 0
    notes = [i for i in issues if i["code"] == "district-alias"]
    assert [(n["cell"], n["message"]) for n in notes] == [
        ("A34", "“自贡高新区”按名单中的“高新区”计")
    ]


def test_two_values_for_one_office_cell_name_both_cells(tmp_path):
    second = tmp_path / "督查补充.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "补充"
    sheet.append(["区县", "项目", "督查评分"])
    sheet.append(["贡井区", "农村低保", 60])
    book.save(second)
    code, issues = checked(
        str(SAMPLES / "zigong-2011.xlsx"), str(SAMPLES / "zigong-2011-督查.xlsx"), str(second)
    )
    assert code == 1
    conflict = [i for i in issues if i["code"] == "source-conflict"]
    assert len(conflict) == 1
    assert (Path(conflict[0]["file"]).name, conflict[0]["sheet"], conflict[0]["cell"]) == (
        "督查补充.xlsx", "补充", "C2",
    )  # fmt: skip
    assert conflict[0]["message"] == (
        "“贡井区”“农村低保”的“督查评分”有两个值：此处为 60，"
        "zigong-2011-督查.xlsx › 督查评分 › C9 为 82.4"
    )


def test_office_columns_in_a_return_are_not_used_and_said(tmp_path):
    path = tmp_path / "zigong-2011.xlsx"
    shutil.copy(SAMPLES / "zigong-2011.xlsx", path)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    sheet.cell(3, 9, "督查评分")
    sheet.cell(4, 9, 10)
    book.save(path)
    code, issues = checked(str(path), str(SAMPLES / "zigong-2011-督查.xlsx"))
    assert code == 0
    said = [(i["cell"], i["message"]) for i in issues if i["code"] == "column-of-other-source"]
    assert said == [("I3", "“督查评分”由 office 提供，此表中的该列未采用")]


def test_without_the_office_workbook_its_figures_are_missing():
    code, issues = checked(str(SAMPLES / "zigong-2011.xlsx"))
    assert code == 1
    missing = {i["code"] for i in issues if i["severity"] == "error"}
    assert missing == {"missing-from-source"}


def test_percent_formatted_cell_true_false_and_yes_no(tmp_path):
    path = tmp_path / "zigong-2011.xlsx"
    shutil.copy(SAMPLES / "zigong-2011.xlsx", path)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    sheet["D4"] = True  # a tick box in 完成
    sheet["H8"] = "也许"  # 建立台账 of a 农家书屋 row: neither yes nor no
    book.save(path)
    code, issues = checked(str(path), str(SAMPLES / "zigong-2011-督查.xlsx"))
    errors = [(i["cell"], i["code"], i["value"]) for i in issues if i["severity"] == "error"]
    assert errors == [("D4", "logical-value", "TRUE"), ("H8", "not-yes-no", "也许")]


def test_check_lists_units_and_counts_match_rows(tmp_path):
    out = tmp_path / "问题清单.xlsx"
    result = CliRunner().invoke(
        main, ["check", str(SAMPLES / "zigong-2011-returns"), *RULES, "-o", str(out)]
    )
    assert result.exit_code == 1
    assert "共 3 条：3 个错误、0 个提醒、0 个说明" in result.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["富顺", "荣县", "高新区"]
    assert book["高新区"]["E3"].value == "高新区未报送"
    assert book["荣县"]["G3"].value == "错误"


def test_units_found_without_a_roster():
    result = CliRunner().invoke(main, ["check", str(SAMPLES / "2010.xlsx")])
    assert result.exit_code == 0, result.output
    assert "找到 17 个地区：合肥市、芜湖市、" in result.stderr


def test_rules_check_refuses_a_number_setting_on_a_text_key(tmp_path):
    text = (ROOT / "rules" / "zigong-2011.yaml").read_text(encoding="utf-8")
    text = text.replace("  status: {label: 状态, required: false}",
                        "  status: {label: 状态, required: false}\n"
                        "  city: {label: 人口, unit: 万人}")  # fmt: skip
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["rules", "check", str(path)])
    assert result.exit_code == 1
    assert "columns.city：键“city”是文字列" in result.output


def test_template_leaves_office_held_columns_out(tmp_path):
    out = tmp_path / "t.xlsx"
    result = CliRunner().invoke(main, ["template", *RULES, "-o", str(out)])
    assert result.exit_code == 0, result.output
    header = [c.value for c in openpyxl.load_workbook(out).worksheets[0][3]]
    assert "督查评分" not in header and "扣分" not in header
    assert header[:3] == ["区县", "项目", "目标任务"]
