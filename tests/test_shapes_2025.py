"""The rule shapes 12–17 of issue 13 and their loose ends (rules/shapes-2025.yaml): each
checked against the published wording's arithmetic worked out by hand in plain Python, its
words in explain, and its typical mistakes refused by rules check at their line."""

from __future__ import annotations

import math
import os
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import scorer
from scorer import scheme as s
from scorer.formula import FormulaError, parse_formula
from scorer.sensitivity import sensitivity
from scorer.whatif import changed

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "shapes-2025.yaml"
SAMPLE = ROOT / "samples" / "shapes-2025.xlsx"
sys.path.insert(0, str(ROOT / "samples"))
from make_samples import SHAPES_MORE_AREA, SHAPES_MORE_ROWS  # noqa: E402

UNITS = list(SHAPES_MORE_AREA)


def by_hand() -> dict[str, dict[str, float]]:
    """Every unit's points per project, from the published wording of each rule."""
    rows = SHAPES_MORE_ROWS
    points: dict[str, dict[str, float]] = {u: {} for u in UNITS}
    for unit, (ledger, complaint) in rows["便民服务"].items():
        # 结果为“是”时，得满分（5分）；是否发生群体投诉：结果为“否”时得满分
        points[unit]["便民服务"] = (5 if ledger == "是" else 0) + (5 if complaint == "否" else 0)
    spending = {u: paid / planned for u, (_, planned, paid) in rows["财政收入与支出"].items()}
    best, worst = max(spending.values()), min(spending.values())
    for unit, (growth, _, _) in rows["财政收入与支出"].items():
        # 满意值12%，不允许值6%：(实际值−不允许值)÷(满意值−不允许值)×40+60，60-100之间
        income = min(max((growth / 100 - 0.06) / (0.12 - 0.06), 0), 1) * 40 + 60
        # 满意值取各单位的最大值，不允许值取其最小值
        paid_out = (spending[unit] - worst) / (best - worst) * 40 + 60
        points[unit]["财政收入与支出"] = income / 100 * 10 + paid_out / 100 * 10
    for unit, (target, done, planned, paid) in rows["项目绩效评价"].items():
        # 100%、90%、80%、60% 的得分为4、3、2、1，之间时线性计算，低于60%不得分
        rate = done / target
        if rate >= 1:
            standard = 4.0
        elif rate < 0.6:
            standard = 0.0
        else:
            marks = [(1.0, 4), (0.9, 3), (0.8, 2), (0.6, 1)]
            for (high, high_points), (low, low_points) in zip(marks, marks[1:]):
                if low <= rate <= high:
                    standard = low_points + (rate - low) / (high - low) * (high_points - low_points)
                    break
        # 完成目标的得满分，否则二者择其一：完成率与资金拨付率中较高者，按比例
        either = 1 if done >= target else max(rate, paid / planned)
        points[unit]["项目绩效评价"] = standard + 4 * min(either, 1)
    for unit, (due, held, open_issues) in rows["督查检查"].items():
        # 得5分，每少一次扣0.5分，扣完为止；未整改问题每个扣2分，扣完为止
        checks = max(5 - 0.5 * max(due - held, 0), 0)
        points[unit]["督查检查"] = checks + max(5 - 2 * open_issues, 0)
    for unit, (province, city, county) in rows["宣传报道"].items():
        # 省级媒体1篇得3分；市级媒体2篇得2分；县级媒体得1分（取最高一级）
        media = 3 if province >= 1 else 2 if city >= 2 else 1 if county >= 1 else 0
        points[unit]["宣传报道"] = media
    bonus_spent = {}
    for unit, (target, done, honours, practices, criticised, audits, _) in rows["综合考核"].items():
        bonus = min(3 * honours + 4 * practices, 10)  # 本项最多加减10分
        deduction = min(3 * criticised + 2 * audits, 10)
        bonus_spent[unit] = bonus
        points[unit]["综合考核"] = max(20 * min(done / target, 1) + bonus - deduction, 0)
    for unit, (target, done, honours) in rows["专项工作"].items():
        bonus = min(2 * honours, 12 - bonus_spent[unit])  # 全方案加分合计最多12分
        points[unit]["专项工作"] = 9 * min(done / target, 1) + bonus
    for project in ("城市管理", "农业农村"):
        for unit, (target, done) in rows[project].items():
            points[unit][project] = 20 * min(done / target, 1)
    return points


@pytest.fixture(scope="module")
def result():
    return scorer.assess([str(SAMPLE)], str(RULES))


def test_every_unit_scores_as_the_published_wording_says(result):
    assert result.ranking is not None, [i.message() for i in result.issues]
    assessment = result.ranking.assessment
    for unit, projects in by_hand().items():
        for project, points in projects.items():
            assert assessment.scores.at[unit, project] == pytest.approx(points), (unit, project)
        # the items picked by the 地区类型 column: every unit out of 100, nothing rescaled
        assert assessment.available[unit] == 100
        assert assessment.total[unit] == pytest.approx(sum(projects.values()))
    assert math.isnan(assessment.scores.at["金安区", "农业农村"])
    assert math.isnan(assessment.scores.at["霍邱县", "城市管理"])


def test_the_veto_holds_and_the_award_rule_says_the_city(result):
    table = result.ranking.table.set_index("district")
    assert table.at["霍邱县", "grade"] == "不合格"
    assert list(result.ranking.table["district"])[-1] == "霍邱县"
    award = result.ranking.awards[0]
    assert "霍邱县" not in award.winners
    # a city's scheme: 全市, not 全省 (the scheme's name says 六安市)
    assert award.rule.render("zh").startswith("全市共2个")
    assert award.rule.render("en").startswith("2 in the city")


def words(result, unit: str, project: str, name: str, lang: str = "zh") -> str:
    explanation = result.explainer()(unit)
    item = next(i for i in explanation.items if i.project == project)
    return next(line for line in item.lines if line.name == name).words.render(lang)


@pytest.mark.parametrize(
    "unit, project, name, said",
    [
        # 12. yes/no answers
        ("金安区", "便民服务", "建立服务台账", "结果为“是”，得满分"),
        ("裕安区", "便民服务", "建立服务台账", "结果为“否”，得0分"),
        ("叶集区", "便民服务", "未发生群体投诉", "结果为“是”，得0分"),
        # 13. 功效系数法, fixed bounds and the best and worst unit
        ("舒城县", "财政收入与支出", "收入增长",
         "实际值7.5%，满意值12%，不允许值6%，功效系数 = (实际值 − 不允许值) ÷ (满意值 − 不允许值)"
         " = 0.25，得分 = 60 + 0.25 × 40 = 70（百分制），得7分"),
        ("金安区", "财政收入与支出", "收入增长", "优于满意值，按满分计"),
        ("叶集区", "财政收入与支出", "收入增长", "差于不允许值，按基础分计"),
        ("金安区", "财政收入与支出", "支出进度", "满意值99%（取各单位最好值），"
         "不允许值70%（取各单位最差值）"),
        # 14. interpolation between standards
        ("叶集区", "项目绩效评价", "目标完成",
         "85%，处于标准值90%（3分）与80%（2分）之间，采用线性方法计算，得2.5分"),
        ("霍山县", "项目绩效评价", "目标完成", "104%，达到最高标准值100%，得4分"),
        ("舒城县", "项目绩效评价", "目标完成", "55%，未达到最低标准值60%，得0分"),
        # 16. base points less per event, 扣完为止
        ("叶集区", "督查检查", "开展督查", "少督查3次，每次扣0.5分，共扣1.5分，得3.5分"),
        ("舒城县", "督查检查", "问题整改", "未整改问题3次，每次扣2分，共扣5分，得0分；扣完为止"),
        ("霍邱县", "督查检查", "开展督查", "少督查0次，不扣分，得5分"),
        # 17. the highest level reached
        ("裕安区", "宣传报道", "媒体宣传", "省级0、市级3、县级2；"
         "达到市级（至少2），按最高一级得2分"),
        ("霍山县", "宣传报道", "媒体宣传", "省级0、市级1、县级0；未达到县级（至少1），得0分"),
        # 15. caps on the sums of bonuses: the project's and the scheme's
        ("金安区", "综合考核", "经验推广", "2 次 × 4 分 = 加 8 分；本项加分最多10分，此项只计4分"),
        ("金寨县", "综合考核", "审计发现问题", None),  # no audit problem: no line
        ("裕安区", "综合考核", "审计发现问题", "3 次 × 2 分 = 扣 6 分；"
         "本项扣分最多10分，此项只扣4分"),
        ("金安区", "专项工作", "获得表彰",
         "2 次 × 2 分 = 加 4 分；全方案加分合计最多12分，此项只计2分"),
        ("金寨县", "专项工作", "获得表彰",
         "2 次 × 2 分 = 加 4 分；全方案加分合计最多12分，此项只计2分"),
    ],
)  # fmt: skip
def test_explain_words_each_shape_as_the_practice_does(result, unit, project, name, said):
    if said is None:
        explanation = result.explainer()(unit)
        item = next(i for i in explanation.items if i.project == project)
        assert name not in [line.name for line in item.lines]
        return
    assert said in words(result, unit, project, name)


def test_an_item_for_other_units_by_the_column_is_not_scored(result):
    explanation = result.explainer()("霍邱县")
    item = next(i for i in explanation.items if i.project == "城市管理")
    assert not item.applies and item.score is None


CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def test_english_words_hold_no_chinese_but_the_users_names(result):
    for unit in UNITS:
        for item in result.explainer()(unit).items:
            for line in item.lines:
                english = line.words.render("en")
                for name in [line.name, "省级", "市级", "县级"]:  # the levels are the user's names
                    english = english.replace(name, "")
                assert not CJK.search(english), (unit, item.project, line.words.render("en"))
    assert words(result, "金安区", "便民服务", "建立服务台账", "en") == "answer yes: full marks"


def test_english_explain_of_a_stepped_rule_says_days_not_tian():
    found = scorer.assess(
        [str(ROOT / "samples" / "shapes-2024.xlsx")], str(ROOT / "rules" / "shapes-2024.yaml")
    )
    said = words(found, "叶集区", "城市社区服务", "办事效率", "en")
    assert said.startswith("2 days short, 2 points per 1 days")
    assert not CJK.search(said)
    tiers = words(found, "叶集区", "资金结转结余", "问题整改", "en")
    assert tiers == "20 days, above 15 days: 0 points"


# ----------------------------------------------------------------------------- formulas


def values(**columns):
    arrays = {k: np.array(v, dtype=float) for k, v in columns.items()}
    return lambda name: arrays[name]


def test_max_min_and_if_choose_between_values():
    column = values(a=[1, 5, np.nan], b=[3, 2, 4], c=[0, 1, 1])
    assert list(parse_formula("max(a, b)").evaluate(column)) == [3, 5, 4]  # 二者择其一
    assert list(parse_formula("min(a, b, 2)").evaluate(column)) == [1, 2, 2]
    chosen = parse_formula("if(a >= b, a, b * 10)").evaluate(column)
    assert list(chosen[:2]) == [30, 5] and math.isnan(chosen[2])  # a missing: no choice
    assert list(parse_formula("如果(c > 0, 1, 0) + 较大值(c, 0.5)").evaluate(column)) == [0.5, 2, 2]


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('ls')",
        "完成.real",
        "(lambda: 1)()",
        "9 ** 9 ** 9",
        "2 ** 999999",
        "max(完成)",
        "max(*完成)",
        "if(完成, 1, 0)",
        "if(完成 > 1 > 0, 1, 0)",
        "open('x')",
        "[完成 for 完成 in 目标任务]",
    ],
)
def test_the_formula_language_stays_data(text):
    with pytest.raises(FormulaError):
        parse_formula(text)


def test_a_formula_that_runs_code_is_refused_at_its_line():
    text = RULES.read_text(encoding="utf-8").replace(
        "value: 完成 / 目标任务\n        standards:",
        "value: __import__('os').getcwd()\n        standards:",
    )
    line = text.splitlines().index("        value: __import__('os').getcwd()") + 1
    scheme, issues = s.check_scheme_text(text, "x.yaml")
    assert scheme is None
    assert [(i.line, i.code) for i in issues] == [(line, "bad-formula")]
    assert "不允许" in issues[0].message()


# ----------------------------------------------------------------------------- rules check


def problems(text: str) -> list[tuple[int | None, str]]:
    scheme, issues = s.check_scheme_text(text, "x.yaml")
    assert scheme is None, "the mistake was not found"
    return [(i.line, i.code) for i in issues]


def base(indicator: str, extra: str = "") -> str:
    return f"""name: 六安市测试
year: 2024
total: 10
grades: {{优秀: 0.9, 不合格: 0}}
columns:
  district: {{label: 县区}}
  project: {{label: 项目}}
  kind: {{label: 地区类型, kind: text}}
  done: {{label: 完成}}
  ledger: {{label: 是否建立台账, kind: yes_no}}
projects:
  - name: 甲
    weight: 10
    indicators:
{indicator}
{extra}"""


MISTAKES = [
    # a yes/no indicator reading a number column
    ("      - {name: 台账, share: 1, method: yes_no, value: 完成}", "", 15, "shape.yes-no-value"),
    # 功效系数法: satisfactory equal to the worst allowed, or below it where higher is better
    ("      - {name: 增长, share: 1, method: efficacy, value: 完成, best: 0.06, worst: 0.06}", "",
     15, "shape.efficacy-bounds"),
    ("      - name: 增长\n        share: 1\n        method: efficacy\n        value: 完成\n"
     "        worst: 0.12\n        best: 0.06", "", 20, "shape.efficacy-bounds"),
    # standards not best first; a standard without its points
    ("      - name: 完成\n        share: 1\n        method: interpolate\n        value: 完成\n"
     "        standards:\n          - {at: 0.8, points: 2}\n          - {at: 0.9, points: 3}",
     "", 21, "shape.standards-order"),
    ("      - name: 完成\n        share: 1\n        method: interpolate\n        value: 完成\n"
     "        standards:\n          - {at: 0.9, points: 3}\n          - {at: 0.8}",
     "", 21, "shape.worth"),
    # per event without how much
    ("      - {name: 督查, share: 1, method: per_event, value: 完成}", "", 15,
     "shape.per-event-amount"),
    # levels listed lowest first
    ("      - name: 宣传\n        share: 1\n        method: highest_level\n        levels:\n"
     "          - {name: 县级, count: 完成, points: 1}\n"
     "          - {name: 省级, count: 完成, points: 3}", "", 20, "shape.levels-order"),
    # a negative cap; a cap with nothing to cap
    ("      - {name: 完成, share: 1, method: proportional, value: 完成}",
     "    bonuses:\n      - {name: 表彰, count: 完成, per_event: 1}\n"
     "    caps: {max_bonus: -10}", 18, "schema"),
    ("      - {name: 完成, share: 1, method: proportional, value: 完成}",
     "    caps:\n      max_deduction: 10", 17, "shape.cap-unused"),
    # applies_to by a column that is no text column
    ("      - {name: 完成, share: 1, method: proportional, value: 完成}",
     "    applies_to: {column: 部门类别, in: [专业部门]}", 16, "shape.applies-column"),
    # a veto whose grade does not exist
    ("      - {name: 完成, share: 1, method: proportional, value: 完成}",
     "vetoes:\n  - {name: 事故, when: 完成 > 1, grade: 合格}", 17, "schema"),
]  # fmt: skip


@pytest.mark.parametrize("indicator, extra, line, code", MISTAKES)
def test_rules_check_refuses_each_shapes_mistakes_at_their_line(indicator, extra, line, code):
    assert (line, code) in problems(base(indicator, extra))


def test_every_new_issue_says_what_to_do_in_both_languages():
    for indicator, extra, _, _ in MISTAKES:
        _, issues = s.check_scheme_text(base(indicator, extra), "x.yaml")
        for issue in issues:
            if issue.code.startswith("shape."):
                assert issue.message("zh") and issue.hint("zh")
                english = issue.message("en")
                for given in issue.params.values():  # the user's own names
                    for name in given if isinstance(given, list) else [given]:
                        english = english.replace(str(name), "")
                assert not CJK.search(english), english


def test_the_bundled_scheme_checks_clean():
    scheme, issues = s.check_scheme_text(RULES.read_text(encoding="utf-8"), "x.yaml")
    assert issues == [] and scheme is not None


def test_the_json_schema_follows():
    schema = s.json_schema()
    methods = {
        branch["properties"]["method"]["const"]
        for branch in schema["$defs"].values()
        if "method" in branch.get("properties", {}) and "const" in branch["properties"]["method"]
    }
    assert {"yes_no", "efficacy", "interpolate", "per_event", "highest_level"} <= methods
    assert "caps" in schema["properties"] and "caps" in schema["$defs"]["Project"]["properties"]
    assert "column" in schema["$defs"]["Applicability"]["properties"]


# ----------------------------------------------------------------------------- loose ends


def test_vetoes_hold_inside_the_sensitivity_draws(result):
    data = result.data
    found = sensitivity(result.ranking.assessment, draws=300, seed=1, data=data)
    table = found.table.set_index("district")
    # 霍邱县 is vetoed: 不合格 and last in every draw, never honoured, whatever the weights
    assert table.at["霍邱县", "grade"] == "不合格"
    assert table.at["霍邱县", "grade_kept"] == 1
    assert table.at["霍邱县", "rank_p5"] == table.at["霍邱县", "rank_p95"] == 7
    assert table.at["霍邱县", "award_share"] == 0
    assert "霍邱县" in found.held.render("zh")


def test_set_changes_a_step_setting_and_keeps_the_total():
    scheme = s.load_scheme(ROOT / "rules" / "shapes-2024.yaml")
    after, said = changed(scheme, ["农村道路畅通工程.建设里程完成.gain.per=0.04"])
    indicator = after.rules_of(after.projects[0]).indicators[0]
    assert indicator.gain.per == 0.04
    assert after.total == 100  # items for some units only: the weights add up to more
    assert [m.render("zh") for m in said] == ["农村道路畅通工程·建设里程完成 gain.per 0.05 → 0.04"]
    with pytest.raises(scorer.errors.UsageError):
        changed(scheme, ["农村道路畅通工程.建设里程完成.gain.per=-1"])
    with pytest.raises(scorer.errors.UsageError):
        changed(scheme, ["植树造林.造林面积完成.sequence.step=1"])  # no such setting there


def test_veto_removals_show_in_the_html_and_markdown_award_sections(result, tmp_path):
    from scorer.render.html import render_html
    from scorer.render.markdown import render_markdown

    for render in (render_markdown, render_html):
        text = render(result)
        assert "因一票否决取消评选资格" in text
        assert "霍邱县：发生重大安全责任事故，一票否决，取消“民生工程先进单位”评选资格" in text
        assert "全市共2个" in text


def test_veto_removals_are_seen_in_the_html_award_section_in_chromium(result, tmp_path):
    """The removal and its reason are visible on the page as a person sees it."""
    import shutil

    from scorer.render.html import render_html

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None and not os.environ.get("CI"):
        pytest.skip("needs Debian's chromium (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    path = tmp_path / "report.html"
    path.write_text(render_html(result), encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        page.goto(path.as_uri())
        section = page.locator("section.award")
        removed = section.locator("ul.vetoed li")
        assert removed.count() == 1 and removed.first.is_visible()
        seen = section.inner_text()
        browser.close()
    assert "全市共2个" in seen
    assert "因一票否决取消评选资格" in seen
    assert "霍邱县：发生重大安全责任事故，一票否决，取消“民生工程先进单位”评选资格" in seen
