"""Nothing injected, no nonsense accepted: hostile names and cells through every command and
report (issue 11)."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest
from conftest import ANHUI_HEADER, RULES, cli, flat, full_rows, write_xlsx

from scorer import assess
from scorer.intake import parse_number
from scorer.scheme import normalize_name

HOSTILE = {  # district name as written -> as the terminal must show it
    "\x1b[31m红市": "\\x1b[31m红市",
    "\x1b]8;;http://x\x1b\\链市\x1b]8;;\x1b\\": "\\x1b]8;;http://x\\x1b\\链市\\x1b]8;;\\x1b\\",
    "[link=http://x]x[/link]市": "[link=http://x]x[/link]市",
    "[bold]粗市": "[bold]粗市",
    "<script>alert(1)</script>": "<script>alert(1)</script>",
    "竖|线市": "竖|线市",
    "=1+1": "=1+1",
    "@SUM(A1)": "@SUM(A1)",
    ":thumbs_up:市": ":thumbs_up:市",
}
SHEET = "数据\n# 假标题<script>"


def hostile_rows(offset: int = 0) -> list[list]:
    rows = [ANHUI_HEADER]
    for number, name in enumerate(HOSTILE):
        rows += full_rows(name, **{"农村五保供养": {"完成": 80 + number + offset}})
    return rows


@pytest.fixture
def hostile(tmp_path):
    return write_xlsx(tmp_path / "2010.xlsx", {SHEET: hostile_rows()})


def raw_controls(text: str) -> list[str]:
    """Control, bidirectional and invisible characters that reached the output as they are."""
    return re.findall("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200f]", text)


def shows_every_name(output: str) -> None:
    assert raw_controls(output) == []
    for shown in HOSTILE.values():
        assert shown in output, (shown, output)


# ----------------------------------------------------------------------------- terminal


@pytest.mark.parametrize(
    "args",
    [["assess"], ["whatif", "--set", "资金保障=120"], ["sensitivity", "--draws", "20"]],
    ids=lambda a: a[0],
)
def test_terminal_prints_names_from_the_returns_as_text(hostile, args):
    result = cli(args[0], str(hostile), *args[1:], cwd=hostile.parent, width=250)
    assert result.exit_code == 0, result.output
    shows_every_name(result.output)


def test_compare_and_trend_print_names_as_text(tmp_path):
    earlier = write_xlsx(tmp_path / "2010-06.xlsx", {SHEET: hostile_rows()})
    later = write_xlsx(tmp_path / "2010-07.xlsx", {SHEET: hostile_rows(offset=5)})
    for command in ("compare", "trend"):
        result = cli(command, str(earlier), str(later), cwd=tmp_path, width=250)
        assert result.exit_code == 0, result.output
        shows_every_name(result.output)


def test_explain_prints_the_district_and_its_sheet_as_text(hostile):
    result = cli("explain", str(hostile), "[bold]粗市", cwd=hostile.parent, width=250)
    assert result.exit_code == 0, result.output
    assert "[bold]粗市：总分" in result.output
    assert "2010.xlsx › 数据\\x0a# 假标题<script>\n" in result.output
    assert raw_controls(result.output) == []


def test_problem_table_prints_cell_values_as_text(tmp_path):
    rows = [ANHUI_HEADER] + full_rows(
        "合肥市", **{"农村五保供养": {"完成": "[red]约100[/red]\x1b[2J"}}
    )
    path = write_xlsx(tmp_path / "2010.xlsx", {"数据\u202e": rows})
    result = cli("check", str(path), cwd=tmp_path, width=250)
    assert result.exit_code == 1
    assert "“完成”应为数字，读到“[red]约100[/red]\\x1b[2J”" in result.output
    assert "2010.xlsx › 数据\\u202e" in result.output
    assert raw_controls(result.output) == []


def hostile_scheme(tmp_path, name: str) -> str:
    text = (RULES / "anhui-2010.yaml").read_text(encoding="utf-8")
    text = text.replace("name: 安徽省2010年度民生工程实施情况考核", f"name: {json.dumps(name)}", 1)
    path = tmp_path / "hostile-2010.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_scheme_name_from_the_rule_file_is_printed_as_text(tmp_path):
    name = "=1+1 [link=http://x]方案[/link] \x1b[31m"
    rules = hostile_scheme(tmp_path, name)
    data = write_xlsx(tmp_path / "2010.xlsx", {"数据": [ANHUI_HEADER] + full_rows("合肥市")})
    shown = "=1+1 [link=http://x]方案[/link] \\x1b[31m"
    result = cli("assess", str(data), "--rules", rules, cwd=tmp_path, width=250)
    assert result.exit_code == 0, result.output
    assert f"考核方案：{shown}（hostile-2010.yaml；" in result.output
    assert f"{shown}  排名（满分 3,500）" in result.output
    shown_rules = cli("rules", "show", rules, cwd=tmp_path, width=250)
    assert shown_rules.exit_code == 0, shown_rules.output
    assert f"{shown}（hostile-2010.yaml）" in shown_rules.output
    assert raw_controls(result.output + shown_rules.output) == []


def test_visible_writes_out_every_control_character():
    from scorer.untrusted import visible

    assert visible("a\x1b[31m\n\t\x9b\u202e\u200bb") == "a\\x1b[31m\\x0a\\x09\\x9b\\u202e\\u200bb"
    assert visible("合肥市 [bold]") == "合肥市 [bold]"


# ----------------------------------------------------------------------------- Markdown


def test_markdown_report_escapes_names_sheet_names_and_line_breaks(hostile, tmp_path):
    out = tmp_path / "report.md"
    result = cli("assess", str(hostile), "-o", str(out), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert not any(line.startswith("# 假标题") for line in text.splitlines())
    assert "2010.xlsx › 数据\\\\x0a\\# 假标题&lt;script&gt;\n" in text
    assert raw_controls(text) == []
    row = next(line for line in text.splitlines() if line.startswith("| ") and "竖" in line)
    assert re.split(r"(?<!\\)\|", row)[2:4] == [" 竖\\|线市 ", " 3,482.00 "]  # still 4 cells
    assert "| \\[link=http://x\\]x\\[/link\\]市 |" in text


def test_md_text_escapes_what_markdown_and_html_would_read():
    from scorer.render.report import md_text

    assert md_text("a|b*c_d`e[f](g)#h~i\\j") == "a\\|b\\*c\\_d\\`e\\[f\\](g)\\#h\\~i\\\\j"
    assert md_text("<b>&</b>\nx") == "&lt;b&gt;&amp;&lt;/b&gt;\\\\x0ax"
    assert md_text(3.5) == 3.5


# ----------------------------------------------------------------------------- Excel


def test_template_writes_rule_file_texts_as_strings_never_formulas(tmp_path):
    rules = hostile_scheme(tmp_path, '=HYPERLINK("http://x","点击")')
    text = (tmp_path / "hostile-2010.yaml").read_text(encoding="utf-8")
    (tmp_path / "hostile-2010.yaml").write_text(
        text.replace("{name: 农村五保供养,", '{name: "@SUM(A1)",', 1), encoding="utf-8"
    )
    out = tmp_path / "填报表.xlsx"
    result = cli("template", "--rules", rules, "-d", "=1+1,合肥市", "-o", str(out), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(out)
    formulas = [
        (sheet.title, cell.coordinate, cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    data = workbook.worksheets[0]
    assert data["A1"].value == '=HYPERLINK("http://x","点击") 填报表'
    assert data["A1"].quotePrefix
    assert "@SUM(A1)" in [c.value for c in data["B"]]
    assert "=1+1" in [c.value for c in data["A"]]
    instructions = workbook["填报说明"]
    assert instructions["A1"].value == '=HYPERLINK("http://x","点击")'


def test_template_refuses_district_sheet_names_that_clash_at_31_characters(tmp_path):
    long = "甲" * 31
    result = cli("template", "--rules", str(RULES / "anhui-2010.yaml"), "--layout", "sheets",
                 "-d", f"{long}1,{long}2", "-o", str(tmp_path / "t.xlsx"),
                 cwd=tmp_path)  # fmt: skip
    assert result.exit_code == 2, result.output
    assert result.output == (
        f"scorer: “{long}2”与“{long}1”在填报表中的表名相同（“{long}”；Excel 表名最多 31 个字符、"
        "不分大小写、不能含 [ ] : * ? / \\）。请把名称写短或写得不同，或用 --layout long\n"
    )
    assert not (tmp_path / "t.xlsx").exists()


def test_template_refuses_a_district_named_like_the_instructions_sheet(tmp_path):
    result = cli("template", "--rules", str(RULES / "anhui-2010.yaml"), "--layout", "sheets",
                 "-d", "合肥市,社情民意", "-o", str(tmp_path / "t.xlsx"), cwd=tmp_path)  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "表名相同（“社情民意”" in result.output


def test_xlsx_report_quotes_formula_like_scheme_and_project_names(tmp_path):
    rules = hostile_scheme(tmp_path, "=1+1")
    data = write_xlsx(tmp_path / "2010.xlsx", {"数据": [ANHUI_HEADER] + full_rows("=2+2")})
    out = tmp_path / "report.xlsx"
    result = cli("assess", str(data), "--rules", rules, "-o", str(out), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(out)
    cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert workbook["排名"]["B2"].value == "=2+2" and workbook["排名"]["B2"].quotePrefix
    scheme_sheet = workbook.worksheets[-1]
    assert scheme_sheet["A1"].value == "=1+1" and scheme_sheet["A1"].quotePrefix


# ----------------------------------------------------------------------------- cells


def anhui_with(tmp_path, name: str, **changes) -> list:
    rows = [ANHUI_HEADER] + full_rows("合肥市", **changes) + full_rows("芜湖市")
    path = write_xlsx(tmp_path / name, {"数据": rows})
    return assess([path], RULES / "anhui-2010.yaml").issues


def test_a_number_beyond_computing_is_refused_at_its_cell(tmp_path):
    issues = anhui_with(
        tmp_path, "2010.xlsx", 农村五保供养={"完成": "1e999"}, 农家书屋={"目标任务": "-1E400"}
    )
    assert [(s, c, code) for s, c, code in flat(issues) if not code.startswith("identical")] == [
        ("数据", "C22", "number-not-finite"),
        ("数据", "D9", "number-not-finite"),
    ]
    found = [(i.cell, i.message()) for i in issues if i.code == "number-not-finite"]
    assert found == [
        ("C22", "“目标任务”应为数字，读到“-inf”，超出可以计算的范围"),
        ("D9", "“完成”应为数字，读到“inf”，超出可以计算的范围"),
    ]
    assert parse_number("1e999") == (None, False)
    assert parse_number(float("inf")) == (None, False)
    assert parse_number("1" + "0" * 400) == (None, False)


def test_a_number_beyond_computing_in_a_csv_is_refused(tmp_path):
    import csv

    rows = (
        [ANHUI_HEADER] + full_rows("合肥市", 农村五保供养={"完成": "1e999"}) + full_rows("芜湖市")
    )
    path = tmp_path / "2010.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["" if v is None else v for v in r] for r in rows])
    issues = assess([path], RULES / "anhui-2010.yaml").issues
    assert ("2010", "D9", "number-not-finite") in flat(issues)
    assert assess([path], RULES / "anhui-2010.yaml").ranking is None


def test_logical_values_in_a_number_column_are_refused(tmp_path):
    issues = anhui_with(
        tmp_path,
        "2010.xlsx",
        农村五保供养={"完成": True},
        农家书屋={"完成": "FALSE"},
        农村清洁工程={"督查评分": "是"},
    )
    found = [i for i in issues if i.code == "logical-value"]
    assert [(i.cell, i.message()) for i in found] == [
        ("D9", "“完成”应为数字，读到逻辑值 TRUE"),
        ("D22", "“完成”应为数字，读到逻辑值 FALSE"),
        ("H33", "“督查评分”应为数字，读到逻辑值 是"),
    ]
    assert found[0].hint() == "填写数字；TRUE/FALSE、是/否不会当作 1 和 0"


@pytest.mark.parametrize(
    "mark", ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad", "\u202e", "\u200f"]
)
def test_an_invisible_character_does_not_make_a_second_district(tmp_path, mark):
    rows = full_rows("合肥市")
    for row in rows[::2]:
        row[0] = f"合{mark}肥市"
    path = write_xlsx(tmp_path / "2010.xlsx", {"数据": [ANHUI_HEADER] + rows + full_rows("芜湖市")})
    result = assess([path], RULES / "anhui-2010.yaml")
    assert result.data.districts == ["合肥市", "芜湖市"]
    assert [
        (s, c, code) for s, c, code in flat(result.issues) if not code.startswith("identical")
    ] == [("数据", "A2", "invisible-characters")]
    warning = result.issues[0]
    assert warning.severity == "warning"
    assert warning.message() == f"名称“合{mark}肥市”含不可见字符，已忽略"
    assert warning.hint() == "删除名称中看不见的字符（如零宽空格）；已按“合肥市”读取"
    assert result.ranking is not None
    assert normalize_name(f"合{mark}肥市") == "合肥市"


# ----------------------------------------------------------------------------- options


def test_compare_refuses_two_periods_under_different_schemes():
    result = cli("compare", "samples/tongling-2015-06.xlsx", "samples/2010.xlsx")
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[-1] == (
        "scorer: 两期的考核方案不同，名次不能比较：6月按“铜陵市2015年民生工程月度考核”，"
        "2010按“安徽省2010年度民生工程实施情况考核”；不同之处：方案名称、年度、总分、输入列、"
        "社情民意、序时进度、计分模板、项目及分值、审核提示、排名规则、评奖、稳健性设置。"
        "请用 --rules 指定同一个方案"
    )


def test_compare_names_what_differs_between_schemes_of_one_name(tmp_path):
    text = (RULES / "anhui-2010.yaml").read_text(encoding="utf-8")
    changed = tmp_path / "anhui-2010-b.yaml"
    changed.write_text(text.replace("{name: 农村五保供养, weight: 100}",
                                    "{name: 农村五保供养, weight: 90}", 1)
                       .replace("total: 3500", "total: 3490", 1), encoding="utf-8")  # fmt: skip
    first = write_xlsx(tmp_path / "a.xlsx", {"数据": [ANHUI_HEADER] + full_rows("合肥市")})
    before = assess([first], RULES / "anhui-2010.yaml")
    after = assess([first], changed)
    assert after.ranking is not None, flat(after.issues)
    from scorer.cli.periods import same_scheme as _same_scheme
    from scorer.errors import UsageError

    with pytest.raises(UsageError, match="不同之处：总分、项目及分值。"):
        _same_scheme(before.scheme, after.scheme, "a.xlsx", "b.xlsx", "zh")
    _same_scheme(before.scheme, assess([first], RULES / "anhui-2010.yaml").scheme, "a", "b", "zh")


@pytest.mark.parametrize(
    "option, value, said",
    [
        ("--seed", "-1", "应为不小于 0 的整数，如 0 或 42，读到“-1”"),
        ("--seed", "abc", "应为不小于 0 的整数，如 0 或 42，读到“abc”"),
        ("--spread", "abc", "应为 0 与 100% 之间的数，如 20%，读到“abc”"),
        ("--spread", "nan", "应为 0 与 100% 之间的数，如 20%，读到“nan”"),
    ],
)
def test_sensitivity_options_are_usage_errors(option, value, said):
    result = cli("sensitivity", "samples/2010.xlsx", option, value)
    assert result.exit_code == 2, result.output
    assert f"错误：“{option}”的值有误：{said}\n" in result.output  # Chinese only (issue 17)
    assert "内部错误" not in result.output


def test_survey_refuses_logical_values_and_numbers_beyond_computing(tmp_path):
    from scorer.intake import read_data
    from scorer.scheme import load_scheme

    survey = [["地区", "满意度"], ["甲市", "是"], ["乙市", "1e999"], ["丙市", True]]
    rows = [ANHUI_HEADER, *full_rows("甲市"), *full_rows("乙市"), *full_rows("丙市")]
    path = write_xlsx(tmp_path / "a.xlsx", {"s": rows, "社情民意": survey})
    data = read_data([path], load_scheme(RULES / "anhui-2010.yaml"))
    found = [(i.cell, i.code, i.message()) for i in data.issues if i.sheet == "社情民意"]
    assert found == [
        ("B2", "logical-value", "“满意度”应为数字，读到逻辑值 是"),
        ("B3", "number-not-finite", "“满意度”应为数字，读到“inf”，超出可以计算的范围"),
        ("B4", "logical-value", "“满意度”应为数字，读到逻辑值 TRUE"),
    ]


def test_a_usage_error_keeps_its_own_lines_and_shows_the_name_given(tmp_path):
    data = write_xlsx(tmp_path / "2010.xlsx", {"数据": [ANHUI_HEADER] + full_rows("合肥市")})
    result = cli("assess", str(data), "--rules", "no\x1b[2Jsuch.yaml", cwd=tmp_path)
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert lines[0] == "scorer: 找不到考核方案 no\\x1b[2Jsuch.yaml"
    assert lines[1] == "已知的考核方案："
    assert raw_controls(result.output) == []


def test_trend_refuses_periods_under_different_schemes():
    result = cli("trend", "samples/tongling-2015-06.xlsx", "samples/2010.xlsx")
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[-1].startswith(
        "scorer: 两期的考核方案不同，名次不能比较：2010按“安徽省2010年度民生工程实施情况考核”，"
        "6月按“铜陵市2015年民生工程月度考核”；不同之处：方案名称、"
    )


def test_a_closing_tag_alone_in_a_cell_is_no_markup_error(tmp_path):
    """The fuzz suite found `[/]` as a cell's text crash the problem table (MarkupError)."""
    rows = [ANHUI_HEADER] + full_rows("[/]", **{"农村五保供养": {"完成": "[/]"}})
    path = write_xlsx(tmp_path / "2010.xlsx", {"数据": rows})
    result = cli("assess", str(path), "-o", str(tmp_path / "r.html"), cwd=tmp_path, width=200)
    assert result.exit_code == 1, result.output
    assert "“完成”应为数字，读到“[/]”" in result.output
    assert "内部错误" not in result.output
