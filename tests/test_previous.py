"""The previous period (issue 12: --previous, the scheme's previous:, 上期(…)) and the method
change (issue 13 shape 18: "对比上年度每增加1名加0.05分，加分不超过0.5分；每减少1名扣0.1分，扣分
不超过2分"), each against the published arithmetic worked out here in plain Python."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, SAMPLES, write_xlsx
from conftest import cli as run

from scorer import assess
from scorer.formula import FormulaError, parse_formula
from scorer.scheme import check_scheme_text, json_schema, load_scheme

RULES = ROOT / "rules" / "liuan-2023.yaml"
THIS, LAST = SAMPLES / "liuan-2023.xlsx", SAMPLES / "liuan-2022.xlsx"
HEADER = ["县区", "项目", "目标任务", "新增就业", "社工人数", "参保人数"]
ALIASES = {"叶集试验区": "叶集区"}  # the roster's alias, as the 2022 file signs


def read_sheet(path: Path) -> dict[tuple[str, str], dict[str, float]]:
    """(county, project) -> figures, read with openpyxl (not through scorer)."""
    sheet = openpyxl.load_workbook(path, read_only=True)["填报表"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[1])
    assert header == HEADER
    found = {}
    for row in rows[2:]:
        county = ALIASES.get(row[0], row[0])
        found[(county, row[1])] = {k: v for k, v in zip(header[2:], row[2:]) if v is not None}
    return found


def published(now: dict, before: dict, county: str) -> dict[str, float]:
    """Each project's points by the rules as written in rules/liuan-2023.yaml."""
    jobs = now[(county, "就业创业")]
    rate = jobs["新增就业"] / jobs["目标任务"]
    done = 48.0 if rate >= 1 else max(0.0, 48 * (1 - 0.02 * (1 - rate) * 100))
    growth = jobs["新增就业"] / before[(county, "就业创业")]["新增就业"]
    yearly = 12 * min(1.0, growth / 1.05)
    # 对比上年度每增加1名加0.05分，加分不超过0.5分；每减少1名扣0.1分，扣分不超过2分（持平9.5分）
    more = now[(county, "社会工作服务")]["社工人数"] - before[(county, "社会工作服务")]["社工人数"]
    workers = 9.5 + min(0.05 * more, 0.5) if more >= 0 else 9.5 - min(0.1 * -more, 2)
    # 参保人数比上年度每下降1%扣1分（整步），扣完为止
    insured_now = now[(county, "城乡居民养老保险")]["参保人数"]
    insured_then = before[(county, "城乡居民养老保险")]["参保人数"]
    fall = (insured_then - insured_now) / insured_then
    steps = math.floor(fall / 0.01 + 1e-9) if fall > 0 else 0
    insured = 30 - min(steps * 1.0, 30)
    return {"就业创业": done + yearly, "社会工作服务": workers, "城乡居民养老保险": insured}


@pytest.fixture(scope="module")
def sample():
    return assess([THIS], RULES)


def test_sample_scores_as_the_published_wording_against_last_year(sample):
    now, before = read_sheet(THIS), read_sheet(LAST)
    assert sample.ranking is not None, [i.message() for i in sample.issues]
    scores = sample.ranking.assessment.scores
    counties = sorted({c for c, _ in now})
    assert sorted(scores.index) == counties
    for county in counties:
        expected = published(now, before, county)
        for project, points in expected.items():
            assert scores.at[county, project] == pytest.approx(points, abs=1e-9), (county, project)
        total = sample.ranking.table.set_index("district").at[county, "total"]
        assert total == pytest.approx(sum(expected.values()), abs=1e-9)
    # the sample shows each edge: unchanged, the gain cap, the loss cap, a growth step
    assert scores.at["金安区", "社会工作服务"] == pytest.approx(9.5)
    assert scores.at["霍山县", "社会工作服务"] == pytest.approx(10.0)  # +15, capped at +0.5
    assert scores.at["舒城县", "社会工作服务"] == pytest.approx(7.5)  # −30, capped at −2


def test_previous_units_are_matched_by_name_with_the_rosters_aliases(sample):
    # 叶集区 signs 2022 as 叶集试验区: matched through the roster, never a missing unit
    assert not [i for i in sample.issues if i.code.startswith("previous.")]
    alias = [i for i in sample.issues if i.code == "district-alias"]
    assert alias and alias[0].file is not None and alias[0].file.endswith("liuan-2022.xlsx")


def test_the_command_line_and_the_library_agree(sample, tmp_path):
    # the scheme's previous: names last year's file beside the rule file; --previous instead
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES.read_text(encoding="utf-8").replace(
        "previous: ../samples/liuan-2022.xlsx\n", ""), encoding="utf-8")  # fmt: skip
    result = run("assess", str(THIS), "--rules", str(rules), "--previous", str(LAST),
                 "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    table = sample.ranking.table.set_index("district")
    for district in body["districts"]:
        assert district["total"] == pytest.approx(table.at[district["district"], "total"])
    library = assess([THIS], load_scheme(rules), previous=[LAST])
    assert library.ranking.table["total"].tolist() == sample.ranking.table["total"].tolist()
    # without either, the scheme that needs last period's data says so
    bare = run("assess", str(THIS), "--rules", str(rules), width=300)
    assert bare.exit_code == 1
    assert (
        "方案“六安市2023年度就业和社会保障民生工程考核”有对比上期的计分规则，但没有给出上期数据"
        in (bare.output)
    )


def test_the_schemes_previous_is_read_relative_to_the_rule_file_and_never_written(tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    (tmp_path / "samples").mkdir()
    shutil.copy(LAST, tmp_path / "samples" / "liuan-2022.xlsx")
    rules = folder / "liuan-2023.yaml"
    shutil.copy(RULES, rules)
    before = rules.read_bytes(), (tmp_path / "samples" / "liuan-2022.xlsx").read_bytes()
    result = run("assess", str(THIS), "--rules", str(rules), cwd=tmp_path / "samples")
    assert result.exit_code == 0, result.output
    assert (rules.read_bytes(), (tmp_path / "samples" / "liuan-2022.xlsx").read_bytes()) == before


def _previous_file(path: Path, drop=(), change=None, suspended=()) -> Path:
    """Last year's sample rewritten: rows of ``drop`` (county, or (county, project)) left out,
    ``change``: {(county, project, column): value}; ``suspended`` rows 暂缓实施 (a 状态 column)."""
    sheet = openpyxl.load_workbook(LAST, read_only=True)["填报表"]
    rows = [[*r, None] for r in sheet.iter_rows(values_only=True)]
    rows[1][-1] = "状态"
    kept = []
    for row in rows[2:]:
        county = ALIASES.get(row[0], row[0])
        if county in drop or (county, row[1]) in drop:
            continue
        for (c, p, column), value in (change or {}).items():
            if (county, row[1]) == (c, p):
                row[HEADER.index(column)] = value
        if (county, row[1]) in suspended:
            row[-1] = "暂缓实施"
        kept.append(row)
    return write_xlsx(path, {"填报表": [rows[0], rows[1], *kept]})


def test_a_unit_missing_from_last_period_is_an_issue_naming_the_file_and_the_unit(tmp_path):
    last = _previous_file(tmp_path / "2022年报表.xlsx", drop=("霍山县",))
    result = assess([THIS], RULES, previous=[last])
    assert result.ranking is None
    said = [i for i in result.issues if i.code == "previous.missing-unit"]
    assert [i.message() for i in said] == [
        "上期数据（2022年报表.xlsx）中没有“霍山县”，无法与上期比较"
    ]
    assert said[0].severity == "error"
    # said once, as such: not also as a value that cannot be computed
    assert [i.code for i in result.issues if i.severity == "error"] == ["previous.missing-unit"]
    assert "previous period's data (2022年报表.xlsx)" in said[0].message("en")
    shown = run("assess", str(THIS), "--rules", str(RULES), "--previous", str(last))
    assert shown.exit_code == 1
    assert "霍山县" in shown.output and "2022年报表.xlsx" in shown.output


def test_a_project_missing_for_a_unit_is_named_too(tmp_path):
    # a row left out of last year's file: the intake's own problem, located to that file
    last = _previous_file(tmp_path / "上年.xlsx", drop=(("金寨县", "社会工作服务"),))
    result = assess([THIS], RULES, previous=[last])
    assert result.ranking is None
    said = [(Path(i.file).name, i.message()) for i in result.issues if i.severity == "error"]
    assert said == [("上年.xlsx", "“金寨县”缺少项目“社会工作服务”")]
    # suspended last year (暂缓实施): nothing to compare with, said as such
    last = _previous_file(tmp_path / "上年.xlsx", suspended=(("金寨县", "社会工作服务"),))
    result = assess([THIS], RULES, previous=[last])
    assert result.ranking is None
    said = [i.message() for i in result.issues if i.code.startswith("previous.")]
    assert said == [
        "上期数据（上年.xlsx）中没有“金寨县”的“社会工作服务”一行（或该项目上期暂缓实施），"
        "无法与上期比较"
    ]


def test_last_periods_data_go_through_the_same_intake(tmp_path):
    last = _previous_file(
        tmp_path / "上年.xlsx", change={("裕安区", "社会工作服务", "社工人数"): "七十"}
    )
    result = assess([THIS], RULES, previous=[last])
    assert result.ranking is None
    bad = [i for i in result.issues if i.severity == "error"]
    assert [(Path(i.file).name, i.sheet, i.cell) for i in bad] == [("上年.xlsx", "填报表", "E7")]


def test_previous_given_to_a_scheme_without_such_rules_is_a_warning():
    result = run("assess", "samples/2010.xlsx", "--previous", "samples/2010.xlsx", width=300)
    assert result.exit_code == 0, result.output
    assert "没有对比上期的计分规则，上期数据未使用" in result.output


def test_explain_words_the_change_in_chinese_with_both_periods_cells(sample):
    now, before = read_sheet(THIS), read_sheet(LAST)
    result = run("explain", str(THIS), "舒城县", "--rules", str(RULES), width=200)
    assert result.exit_code == 0, result.output
    this = now[("舒城县", "社会工作服务")]["社工人数"]
    last = before[("舒城县", "社会工作服务")]["社工人数"]
    assert (this, last) == (69, 99)
    assert (
        "计分（对比上期）：本期69名，上期99名，减少30名；每减少1名扣0.1分，扣分不超过2分，"
        "扣2分，得7.5分"
    ) in result.output
    assert "上期（liuan-2022.xlsx）社工人数 99（E16）" in result.output
    assert "上期（liuan-2022.xlsx）新增就业" in result.output  # 上期() in a proportional rule
    explanation = sample.explainer()("金安区")
    words = {
        line.name: line.words.render("zh") for item in explanation.items for line in item.lines
    }
    assert "与上期" in words["专职社工人数"] and "持平，得9.5分" in words["专职社工人数"]
    english = run("explain", str(THIS), "霍山县", "--rules", str(RULES), "--lang", "en", width=200)
    assert "0.05 points for each 1名 up, at most 0.5 points added: 0.5 points added" in (
        english.output
    )


def test_whatif_and_check_take_previous_too(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES.read_text(encoding="utf-8").replace(
        "previous: ../samples/liuan-2022.xlsx\n", ""), encoding="utf-8")  # fmt: skip
    checked = run("check", str(THIS), "--rules", str(rules), "--previous", str(LAST))
    assert checked.exit_code == 0, checked.output
    changed = run("whatif", str(THIS), "--rules", str(rules), "--previous", str(LAST),
                  "--set", "社会工作服务=20", "--keep-total")  # fmt: skip
    assert changed.exit_code == 0, changed.output


# ----------------------------------------------------------------------------- the method


SCHEME = """\
name: 对比上期
year: 2023
total: 10
grades: {合格: 0.6, 不合格: 0}
columns:
  district: {label: 地区}
  project: {label: 项目}
  workers: {label: 人数}
projects:
  - name: 社工
    weight: 10
    indicators:
      - name: 人数变化
        share: 1
        method: change
        value: 人数
{extra}
"""


def _score(tmp_path, extra: str, now: list, before: list):
    rules = tmp_path / "rules.yaml"
    rules.write_text(SCHEME.replace("{extra}", extra), encoding="utf-8")
    header = ["地区", "项目", "人数"]
    this = write_xlsx(tmp_path / "2023.xlsx", {"表": [header, *[[d, "社工", v] for d, v in now]]})
    last = write_xlsx(
        tmp_path / "2022.xlsx", {"表": [header, *[[d, "社工", v] for d, v in before]]}
    )
    result = assess([this], load_scheme(rules), previous=[last])
    return result


def test_growth_steps_by_share_lower_is_better_and_floor(tmp_path):
    extra = """\
        compare: growth
        better: lower
        floor: 0.2
        gain: {per: 0.1, share: 0.05, max_share: 0.1}
        loss: {per: 0.1, share: 0.5}"""
    # 甲 fell 25% (better: 2 whole steps, capped at +10%), 乙 grew 15% (1 step, −50%),
    # 丙 grew 40% (4 steps, −200%, held at the floor of 20%)
    result = _score(tmp_path, extra, [["甲", 75], ["乙", 115], ["丙", 140]],
                    [["甲", 100], ["乙", 100], ["丙", 100]])  # fmt: skip
    scores = result.ranking.assessment.scores["社工"]
    assert scores.to_dict() == pytest.approx({"甲": 11.0, "乙": 5.0, "丙": 2.0})


def test_a_growth_rate_from_zero_is_a_located_problem(tmp_path):
    extra = "        compare: growth\n        loss: {per: 0.01, points: 1}"
    result = _score(tmp_path, extra, [["甲", 5], ["乙", 7]], [["甲", 0], ["乙", 7]])
    assert result.ranking is None
    said = [i.message() for i in result.issues if i.code == "previous.undefined"]
    assert said == ["“甲”的“社工”指标“人数变化”无法与上期比较：上期值为 0 或负数，不能计算增长率"]


def _check(text: str) -> list[tuple[int | None, str]]:
    _, issues = check_scheme_text(text, "rules.yaml")
    return [(i.line, i.code) for i in issues]


def test_rules_check_refuses_the_typical_mistakes_at_their_line():
    base = SCHEME.replace("{extra}", "        loss: {per: 1, points: 0.1, max_points: 2}")
    assert _check(base) == []
    negative = base.replace("max_points: 2", "max_points: -2")
    assert _check(negative) == [(17, "schema")]
    nothing = SCHEME.replace("{extra}", "")
    assert [code for _, code in _check(nothing)] == ["schema"]
    inside = base.replace("value: 人数", "value: 人数 - 上期(人数)")
    assert _check(inside) == [(16, "previous.in-change")]
    checks = base + "checks:\n  - {when: 人数 > 2 * 上期(人数), message: 人数翻倍}\n"
    assert _check(checks) == [(19, "previous.not-here")]
    nested = base.replace("value: 人数", "value: 上期(上期(人数))")
    assert _check(nested) == [(16, "bad-formula")]
    unknown = base.replace("value: 人数", "value: 人数 / 上期(人员)")
    assert (16, "bad-formula") in _check(unknown)


@pytest.mark.parametrize(
    "text",
    [
        "上期(__import__('os'))",
        "上期(人数.real)",
        "上期()",
        "上期(人数, 2)",
        "上期(lambda: 1)",
        "上期(2 ** 99999)",
        "上期",
    ],  # fmt: skip
)
def test_previous_in_a_formula_stays_data(text):
    with pytest.raises(FormulaError):
        parse_formula(text)


def test_json_schema_knows_the_new_keys():
    schema = json.dumps(json_schema(), ensure_ascii=False)
    for key in ('"change"', '"previous"', '"compare"', '"base"'):
        assert key in schema


CITY_OF = {"金安区": "东市", "裕安区": "东市", "叶集区": "东市", "霍邱县": "西市", "舒城县": "西市",
           "金寨县": "西市", "霍山县": "西市"}  # fmt: skip


def _with_cities(source: Path, path: Path) -> Path:
    """A year's sample with a 所属市 column: the counties in two made-up cities."""
    sheet = openpyxl.load_workbook(source, read_only=True)["填报表"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    rows[1].append("所属市")
    for row in rows[2:]:
        row.append(CITY_OF[ALIASES.get(row[0], row[0])])
    return write_xlsx(path, {"填报表": rows})


def test_the_city_roll_up_compares_with_last_periods_cities(tmp_path):
    """--level city with the previous period: both periods' counties are summed into their
    cities, and each city is compared with its own sums of last year."""
    text = (
        RULES.read_text(encoding="utf-8")
        .replace("previous: ../samples/liuan-2022.xlsx\n", "")
        .replace("  district: {label: 县区", "  city: {label: 所属市}\n  district: {label: 县区")
    )
    rules = tmp_path / "liuan-cities.yaml"
    rules.write_text(text, encoding="utf-8")
    this = _with_cities(THIS, tmp_path / "2023.xlsx")
    last = _with_cities(LAST, tmp_path / "2022.xlsx")
    result = assess([this], rules, level="city", previous=[last])
    assert result.ranking is not None, [i.message() for i in result.issues]

    def summed(figures: dict) -> dict:
        out: dict = {}
        for (county, project), values in figures.items():
            into = out.setdefault((CITY_OF[county], project), {})
            for key, value in values.items():
                into[key] = into.get(key, 0) + value
        return out

    now, before = summed(read_sheet(THIS)), summed(read_sheet(LAST))
    scores = result.ranking.assessment.scores
    assert sorted(scores.index) == ["东市", "西市"]
    for city in ("东市", "西市"):
        for project, points in published(now, before, city).items():
            assert scores.at[city, project] == pytest.approx(points, abs=1e-9), (city, project)
    # the county ranking of the same files still compares county with county
    counties = assess([this], rules, previous=[last])
    assert sorted(counties.ranking.assessment.scores.index) == sorted(CITY_OF)
