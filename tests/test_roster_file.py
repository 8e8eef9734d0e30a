"""Issue 12: the roster kept in a file the scheme names (roster: 名单.xlsx or .csv), read as the
returns are, and doing everything the districts: list does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from scorer.cli import main
from scorer.pipeline import assess

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
INLINE = ROOT / "rules" / "zigong-2011.yaml"
FROM_FILE = SAMPLES / "zigong-2011-roster.yaml"
OFFICE = str(SAMPLES / "zigong-2011-督查.xlsx")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def checked(rules: Path, *files: str) -> tuple[int, list[dict]]:
    code, out, _ = run("check", *files, "--rules", str(rules), "--format", "json")
    return code, json.loads(out)["issues"]


def scheme_with_roster(tmp_path: Path, rows: list[list], name: str = "名单.xlsx") -> Path:
    """The sample scheme in tmp_path naming a roster written there with ``rows`` (header
    first): an xlsx by openpyxl, or a CSV in GBK, as Excel saves it on a Chinese system."""
    roster = tmp_path / name
    if roster.suffix == ".csv":
        text = "\r\n".join(",".join(str(c) for c in row) for row in rows) + "\r\n"
        roster.write_bytes(text.encode("gb18030"))
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "名单"
        for row in rows:
            sheet.append(row)
        book.save(roster)
    text = FROM_FILE.read_text(encoding="utf-8").replace("zigong-2011-名单.xlsx", name)
    rules = tmp_path / "方案.yaml"
    rules.write_text(text, encoding="utf-8")
    return rules


ALL = [["区县", "别名"], ["自流井区", ""], ["贡井区", ""], ["大安区", ""], ["沿滩区", ""],
       ["荣县", ""], ["富顺县", ""], ["高新区", "高新技术产业开发区、自贡高新区"]]  # fmt: skip


@pytest.mark.parametrize("rules", [INLINE, FROM_FILE], ids=["districts", "roster-file"])
def test_missing_return_wrong_name_and_two_versions_alike(rules):
    code, issues = checked(rules, str(SAMPLES / "zigong-2011-returns"))
    assert code == 1
    roster_file = SAMPLES / "zigong-2011-名单.xlsx"  # (the hint says where to take a unit off)
    kept_in = "考核方案的地区名单" if rules == INLINE else f"名单文件“{roster_file}”"
    said = [(Path(i["file"]).name if i["file"] else None, i["sheet"], i["message"], i["hint"])
            for i in issues if i["severity"] == "error"]  # fmt: skip
    assert said == [
        ("富顺.xlsx", "富顺", "“富顺”不在应报送的地区名单中",
         "是否应为“富顺县”？名单外的名称不会作为新地区计分"),
        ("荣县（盖章版）.xlsx", "荣县",
         "“荣县”报送了两份：荣县（修改版）.xlsx › 荣县 与 荣县（盖章版）.xlsx › 荣县",
         "只保留一个版本（如修改后的盖章版），把另一个文件移出数据文件夹后重新运行"),
        (None, None, "高新区未报送",
         f"请催报；如该地区确实不参加考核，请从{kept_in}中删去"),
    ]  # fmt: skip


def test_the_roster_file_scores_exactly_as_the_inline_roster():
    inline = assess([SAMPLES / "zigong-2011.xlsx", OFFICE], INLINE)
    from_file = assess([SAMPLES / "zigong-2011.xlsx", OFFICE], FROM_FILE)
    assert inline.ranking is not None and from_file.ranking is not None
    assert from_file.data.roster == inline.data.roster
    assert from_file.ranking.table.equals(inline.ranking.table)


def test_an_alias_in_the_roster_file_is_read_as_its_unit(tmp_path):
    path = tmp_path / "zigong-2011.xlsx"
    shutil.copy(SAMPLES / "zigong-2011.xlsx", path)
    book = openpyxl.load_workbook(path)
    for row in book.worksheets[0].iter_rows(min_row=4):
        if row[0].value == "高新区":
            row[0].value = "自贡高新区"
    book.save(path)
    code, issues = checked(FROM_FILE, str(path), OFFICE)
    assert code == 0
    notes = [(i["cell"], i["message"]) for i in issues if i["code"] == "district-alias"]
    assert notes == [("A34", "“自贡高新区”按名单中的“高新区”计")]


def test_a_bad_roster_cell_is_an_error_at_its_cell(tmp_path):
    rows = [["自贡市2011年应报送单位"], ["序号", "区县", "别名"], [1, "自流井区", ""],
            [2, "贡井区", "自流井区"], [3, None, "大安"], [4, "大安区", ""], [5, "大安区", ""],
            [6, "沿滩区", ""], [7, "荣县", ""], [8, "富顺县", ""], [9, "高新区", ""]]  # fmt: skip
    rules = scheme_with_roster(tmp_path, rows)
    code, out, _ = run("rules", "check", str(rules))
    assert code == 1
    roster = tmp_path / "名单.xlsx"
    assert out.splitlines()[1:] == [
        f"{roster} › 名单 › C4: “自流井区”在名单中出现了两次（另见 B3） — "
        "每个单位只列一次，其他写法写在“别名”列",
        f"{roster} › 名单 › B5: 这一行有别名或所属市，但没有单位名称 — "
        "填上单位的全称，或删去这一行",
        f"{roster} › 名单 › B7: “大安区”在名单中出现了两次（另见 B6） — "
        "每个单位只列一次，其他写法写在“别名”列",
    ]  # fmt: skip
    # check lists the same problems at the same cells, and no ranking is made
    code, issues = checked(rules, str(SAMPLES / "zigong-2011.xlsx"), OFFICE)
    assert code == 1
    errors = [(Path(i["file"]).name, i["sheet"], i["cell"], i["code"])
              for i in issues if i["severity"] == "error"]  # fmt: skip
    assert errors == [
        ("名单.xlsx", "名单", "C4", "roster.duplicate-name"),
        ("名单.xlsx", "名单", "B5", "roster.blank-name"),
        ("名单.xlsx", "名单", "B7", "roster.duplicate-name"),
    ]
    # an alias already another unit's name is not taken as an alias: 自流井区 is itself
    assert not [i for i in issues if i["code"] == "district-alias"]


def test_a_missing_roster_file_is_one_error_at_the_rule_files_line(tmp_path):
    rules = scheme_with_roster(tmp_path, ALL)
    (tmp_path / "名单.xlsx").unlink()
    code, out, _ = run("rules", "check", str(rules))
    assert code == 1
    line = next(n for n, t in enumerate(rules.read_text("utf-8").splitlines(), 1)
                if t.startswith("roster:"))  # fmt: skip
    assert out.splitlines()[1] == (
        f"{rules}:{line}: 找不到名单文件“{tmp_path / '名单.xlsx'}” — "
        "名单文件的路径从方案文件所在的文件夹算起；请检查文件名和位置"
    )
    code, issues = checked(rules, str(SAMPLES / "zigong-2011.xlsx"), OFFICE)
    assert code == 1
    assert [i["code"] for i in issues if i["severity"] == "error"] == ["roster.file-missing"]


def test_a_file_that_is_not_a_workbook_is_refused_by_the_intakes_limits(tmp_path):
    rules = scheme_with_roster(tmp_path, ALL)
    (tmp_path / "名单.xlsx").write_text("区县\n自流井区\n", encoding="utf-8")
    code, issues = checked(rules, str(SAMPLES / "zigong-2011.xlsx"), OFFICE)
    assert code == 1
    assert [(Path(i["file"]).name, i["code"]) for i in issues if i["severity"] == "error"] == [
        ("名单.xlsx", "not-a-workbook")
    ]


def test_a_roster_without_a_name_column_says_which_header_it_wants(tmp_path):
    rules = scheme_with_roster(tmp_path, [["序号", "单位代码"], [1, "510301"]])
    code, out, _ = run("rules", "check", str(rules))
    assert code == 1
    assert out.splitlines()[1] == (
        f"{tmp_path / '名单.xlsx'}: 名单文件中找不到表头（应有“区县、名称、单位名称”等列） — "
        "在表头写上单位名称列（如“区县、名称、单位名称”），别名、所属市两列可选"
    )


def test_districts_and_a_roster_file_together_are_refused(tmp_path):
    text = INLINE.read_text(encoding="utf-8").replace("districts:", "roster: 名单.xlsx\ndistricts:")
    rules = tmp_path / "s.yaml"
    rules.write_text(text, encoding="utf-8")
    code, out, _ = run("rules", "check", str(rules))
    assert code == 1
    line = text.splitlines().index("roster: 名单.xlsx") + 1
    assert out.splitlines()[1] == (
        f"{rules}:{line}: 方案既列出了应报送的地区名单，又指定了名单文件 — "
        "只保留一处：把名单写在方案里，或写在名单文件里"
    )


def test_a_csv_roster_in_gbk_with_cities(tmp_path):
    rows = [["区县", "所属市"], *[[u[0], "自贡市"] for u in ALL[1:]], ["合计", "7 个"]]
    rules = scheme_with_roster(tmp_path, rows, "名单.csv")
    result = assess([SAMPLES / "zigong-2011.xlsx", OFFICE], rules)
    assert [i.code for i in result.issues if i.severity == "error"] == []
    assert set(result.data.groups.values()) == {"自贡市"} and len(result.data.groups) == 7


def test_the_roster_file_among_the_returns_is_not_read_as_one(tmp_path):
    shutil.copytree(SAMPLES / "zigong-2011-returns", tmp_path / "returns")
    rules = scheme_with_roster(tmp_path / "returns", ALL)
    code, issues = checked(rules, str(tmp_path / "returns"))
    assert code == 1
    assert not [i for i in issues if i["file"] and Path(i["file"]).name == "名单.xlsx"]
    assert [i["message"] for i in issues if i["severity"] == "error"][-1] == "高新区未报送"


def test_rules_show_and_template_use_the_roster_file(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = run("rules", "show", "samples/zigong-2011-roster.yaml")
    assert code == 0
    assert out.splitlines()[-1] == (
        "应报送的单位（7 个，名单文件“samples/zigong-2011-名单.xlsx”）："
        "自流井区、贡井区、大安区、沿滩区、荣县、富顺县、高新区"
    )
    code, out, _ = run("rules", "show", str(INLINE), "--lang", "en")
    assert out.splitlines()[-1] == (
        "units that must report (7, the scheme's roster): "
        "自流井区, 贡井区, 大安区, 沿滩区, 荣县, 富顺县, 高新区"
    )
    out_file = tmp_path / "填报表.xlsx"
    code, _, err = run("template", "--rules", str(FROM_FILE), "-o", str(out_file))
    assert code == 0, err
    sheet = openpyxl.load_workbook(out_file).worksheets[0]
    names = [row[0].value for row in sheet.iter_rows(min_row=4) if row[0].value]
    assert list(dict.fromkeys(names)) == [u[0] for u in ALL[1:]]
    out_file = tmp_path / "分表.xlsx"
    code, _, err = run("template", "--rules", str(FROM_FILE), "--layout", "sheets",
                       "-o", str(out_file))  # fmt: skip
    assert code == 0, err
    assert openpyxl.load_workbook(out_file).sheetnames[:7] == [u[0] for u in ALL[1:]]


def test_template_and_rules_show_refuse_a_bad_roster_at_its_cell(tmp_path):
    rules = scheme_with_roster(tmp_path, [["区县"], ["荣县"], ["荣县"]])
    for args in (["rules", "show", str(rules)], ["template", "--rules", str(rules), "-o",
                                                 str(tmp_path / "t.xlsx")]):  # fmt: skip
        code, _, err = run(*args)
        assert code == 1
        assert f"{tmp_path / '名单.xlsx'} › 名单 › A3: “荣县”在名单中出现了两次（另见 A2）" in err
    assert not (tmp_path / "t.xlsx").exists()
