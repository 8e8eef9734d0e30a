"""The rule shapes of published 考核办法 (issue 13): each checked against the published wording's
arithmetic worked out by hand in plain Python, its words in explain, and its mistakes in rules
check at their line."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

import scorer
from scorer import scheme as s
from scorer.methods import METHODS, Context

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "shapes-2024.yaml"
SAMPLE = ROOT / "samples" / "shapes-2024.xlsx"

# The figures of samples/shapes-2024.xlsx, written out again: (目标任务, 完成, 计划资金, 拨付资金)
ROADS = {"金安区": (100, 112, 500, 520), "裕安区": (100, 109, 400, 395),
         "叶集区": (80, 76, 300, 270), "霍邱县": (120, 120, 600, 600),
         "舒城县": (90, 99, 450, 470), "金寨县": (110, 99, 500, 450),
         "霍山县": (100, 104, 350, 365)}  # fmt: skip
TREES = {"金安区": (20, 23), "裕安区": (20, 18), "叶集区": (15, 12), "霍邱县": (30, 37),
         "舒城县": (25, 25.5), "金寨县": (30, 26), "霍山县": (25, 27)}  # fmt: skip
CARRYOVER = {
    "金安区": (200, 0, 5),
    "裕安区": (200, 18, 10),
    "叶集区": (100, 12, 20),
    "霍邱县": (300, 27, 0),
    "舒城县": (250, 45, 7),
    "金寨县": (200, 10, 15),
    "霍山县": (150, 15, 8),
}  # fmt: skip  (计划资金, 结转结余, 整改天数)
COMMUNITY = {"金安区": (96, 5), "裕安区": (90, 7), "叶集区": (84, 9)}  # 覆盖率, 平均办理天数
WATER = {"霍邱县": (50, 50), "舒城县": (60, 57), "金寨县": (40, 38.8), "霍山县": (45, 45)}
FARMLAND = {"霍邱县": (10, 9.5), "舒城县": (8, 8), "金寨县": (12, 10.2), "霍山县": (6, 6.3)}
SURVEY = {"金安区": 92, "裕安区": 88, "叶集区": 95, "霍邱县": 90, "舒城县": 86, "金寨县": 93,
          "霍山县": 91}  # fmt: skip
# Σ拨付资金 / Σ计划资金 over each unit's rows (roads, trees, carry-over, community or water,
# farmland)
PAID = {"金安区": (520 + 100 + 180 + 950, 500 + 100 + 200 + 1000),
        "裕安区": (395 + 100 + 180 + 900, 400 + 100 + 200 + 1000),
        "叶集区": (270 + 100 + 90 + 800, 300 + 100 + 100 + 1000),
        "霍邱县": (600 + 100 + 270 + 980 + 180, 600 + 100 + 300 + 1000 + 200),
        "舒城县": (470 + 100 + 225 + 850 + 180, 450 + 100 + 250 + 1000 + 200),
        "金寨县": (450 + 100 + 180 + 700 + 180, 500 + 100 + 200 + 1000 + 200),
        "霍山县": (365 + 100 + 135 + 920 + 180, 350 + 100 + 150 + 1000 + 200)}  # fmt: skip
CITY = ["金安区", "裕安区", "叶集区"]


def by_hand() -> dict[str, dict[str, float]]:
    """Every unit's points per project, from the published wording."""
    points: dict[str, dict[str, float]] = {u: {} for u in SURVEY}
    for unit, (target, done, planned, paid) in ROADS.items():
        rate = done / target
        if rate >= 1:  # 每增加5%加1分，最高加2分（只计完整的5%）
            mileage = 9 + min(math.floor((rate - 1) / 0.05 + 1e-9) * 1, 2)
        else:  # 每少1%扣0.5分
            mileage = max(9 - math.floor((1 - rate) / 0.01 + 1e-9) * 0.5, 0)
        gap = paid - planned
        if gap >= 0:  # 每增加10万元加0.5分，最高加1分
            money = 6 + min(math.floor(gap / 10) * 0.5, 1)
        else:  # 每少10万元扣1分
            money = max(6 - math.floor(-gap / 10) * 1, 0)
        points[unit]["农村道路畅通工程"] = mileage + money
    for unit, (target, done) in TREES.items():
        if done >= target:  # 每增加1公顷加2分，加分至基本分值封顶（10分）
            points[unit]["植树造林"] = 10 + min(math.floor(done - target) * 2, 10)
        else:  # 每少完成目标值10%扣1分
            points[unit]["植树造林"] = 10 - math.floor((1 - done / target) / 0.1 + 1e-9) * 1
    for unit, (planned, carried, days) in CARRYOVER.items():
        rate = carried / planned  # ≤9%得满分，超过按比例得分
        share = 3 if rate <= 0.09 else 3 * 0.09 / rate
        points[unit]["资金结转结余"] = share + (2 if days <= 7 else 1 if days <= 15 else 0)
    ratios = {u: paid / planned for u, (paid, planned) in PAID.items()}
    order = sorted(ratios, key=lambda u: -ratios[u])  # 依次赋予10分、9分、8分……
    for place, unit in enumerate(order):
        points[unit]["资金拨付进度排名"] = 10 - place
    mean_days = sum(d for _, d in COMMUNITY.values()) / len(COMMUNITY)
    for unit, (coverage, days) in COMMUNITY.items():
        over = days - mean_days  # 不大于城区平均的得满分；每超1天扣2分
        efficiency = 20 if over <= 0 else max(20 - math.floor(over) * 2, 0)
        points[unit]["城市社区服务"] = 20 * coverage / 100 + efficiency
    for unit, (target, done) in WATER.items():  # 每少1个百分点扣1分
        points[unit]["农村饮水安全工程"] = max(40 - (1 - done / target) * 100, 0)
    for unit, (target, done) in FARMLAND.items():
        points[unit]["高标准农田建设"] = 10 * min(done / target, 1)
    mean_farmland = sum(points[u]["高标准农田建设"] for u in FARMLAND) / len(FARMLAND)
    for unit in CITY:  # 城区得分为各县得分的平均分
        points[unit]["高标准农田建设"] = mean_farmland
    for unit, satisfaction in SURVEY.items():  # 社会问卷调查成绩10分
        points[unit]["社会问卷调查"] = 10 * satisfaction / 100
    return points


@pytest.fixture(scope="module")
def result():
    return scorer.assess([str(SAMPLE)], str(RULES))


def test_every_unit_scores_as_the_published_wording_says(result):
    assert result.ranking is not None, [i.message() for i in result.issues]
    expected = by_hand()
    scores = result.ranking.assessment.scores
    for unit, projects in expected.items():
        for project, points in projects.items():
            assert scores.at[unit, project] == pytest.approx(points), (unit, project)
        # items for some units only: every unit's total is out of 100, nothing rescaled (×1)
        assert result.ranking.assessment.available[unit] == 100
        assert result.ranking.assessment.total[unit] == pytest.approx(sum(projects.values()))
    assert math.isnan(scores.at["金安区", "农村饮水安全工程"])
    assert math.isnan(scores.at["霍邱县", "城市社区服务"])


def test_a_veto_forces_the_grade_the_rank_and_the_award(result):
    table = result.ranking.table.set_index("district")
    # 霍邱县 has the best total but a 重大事故: 按不合格评定, ranked below every other unit
    assert table.at["霍邱县", "total"] > table["total"].drop("霍邱县").max()
    assert table.at["霍邱县", "grade"] == "不合格"
    assert table.at["霍邱县", "rank"] == 7
    assert list(result.ranking.table["district"])[-1] == "霍邱县"
    assert result.ranking.vetoed == {"霍邱县": ["发生重大安全责任事故"]}
    award = result.ranking.awards[0]
    assert "霍邱县" not in award.winners
    assert award.winners == ["金安区", "霍山县"]
    assert award.removed[0][1].render("zh") == (
        "霍邱县：发生重大安全责任事故，一票否决，取消“民生工程先进单位”评选资格"
    )


def words(result, unit: str, project: str, name: str) -> str:
    explanation = result.explainer()(unit)
    item = next(i for i in explanation.items if i.project == project)
    return next(line for line in item.lines if line.name == name).words.render("zh")


@pytest.mark.parametrize(
    "unit, project, name, said",
    [
        # 1. whole steps: 12% over is two steps of 5%
        ("金安区", "农村道路畅通工程", "建设里程完成",
         "112%，达到100%，得满分；超出12个百分点，每增加5%加1分，计2步（不足一步的不计），加2分，共得11分"),
        ("裕安区", "农村道路畅通工程", "建设里程完成",
         "109%，达到100%，得满分；超出9个百分点，每增加5%加1分，计1步（不足一步的不计），加1分，共得10分"),
        # 2. steps in the value's unit (万元)
        ("叶集区", "农村道路畅通工程", "资金拨付",
         "少30万元，每少10万元扣1分，计3步，扣3分，得3分"),
        ("金安区", "农村道路畅通工程", "资金拨付",
         "20万元，未少于要求，得满分；超出20万元，每增加10万元加0.5分，计2步，加1分，共得7分"),
        # 3. gain in 公顷 capped at the base points, loss in steps of 10% of the target
        ("霍邱县", "植树造林", "造林面积完成",
         "123.33%，达到100%，得满分；超出7公顷，每增加1公顷加2分，计7步，加10分（加分至基本分值封顶），共得20分"),
        ("金寨县", "植树造林", "造林面积完成",
         "86.67%，低于100%；少13.33个百分点，每少10%扣1分，计1步（不足一步的不计），扣1分，得9分"),
        # 4. points by rank in sequence
        ("叶集区", "资金拨付进度排名", "拨付进度排名",
         "84%，在7个地区中排第6名；第1名10分，每后1名减1分，得5分"),
        # 5. against the average of the units of its group
        ("叶集区", "城市社区服务", "办事效率",
         "超出2天，每超1天扣2分，计2步，扣4分，得16分"),
        # 11. lower is better, 0 the best
        ("金安区", "资金结转结余", "结转结余率", "0%，不高于9%，得满分"),
        ("叶集区", "资金结转结余", "结转结余率", "12%，高于9%，按比例得 9% ÷ 12% = 75%"),
        ("霍山县", "资金结转结余", "问题整改", "8天，不高于15天，得1分"),
        ("叶集区", "资金结转结余", "问题整改", "20天，高于15天，得0分"),
        # 10. the survey weighted in
        ("叶集区", "社会问卷调查", "群众满意度", "95%，按比例得95%"),
        # 6. the mean for a unit an item does not apply to
        ("叶集区", "高标准农田建设", "适用单位平均分",
         "本项不适用于本单位，取适用单位（4个）得分的平均分 9.50 分"),
    ],
)  # fmt: skip
def test_explain_words_each_rule_as_published(result, unit, project, name, said):
    assert words(result, unit, project, name) == said


def test_explain_shows_the_group_average_and_the_veto(result):
    explanation = result.explainer()("叶集区")
    item = next(i for i in explanation.items if i.project == "城市社区服务")
    line = next(x for x in item.lines if x.name == "办事效率")
    assert [(str(i.label), i.value) for i in line.inputs] == [
        ("平均办理天数", 9.0),
        ("城区平均值（平均办理天数）", 7.0),
    ]
    # in English the aggregate is said in English, the group and the column as the user wrote
    assert line.inputs[1].label.render("en") == "mean of 平均办理天数 over 城区"
    water = next(i for i in explanation.items if i.project == "农村饮水安全工程")
    assert not water.applies and water.score is None
    vetoed = result.explainer()("霍邱县").vetoes
    assert vetoed[0].render("zh") == (
        "一票否决：发生重大安全责任事故（农村道路畅通工程：重大事故数 1（K16）），"
        "按不合格评定，排在未被否决的单位之后，取消评奖资格"
    )


# ----------------------------------------------------------------------------- one method


INDICATOR = TypeAdapter(s.Indicator)


def run(spec: dict, values: list, points: float = 10.0) -> list:
    indicator = INDICATOR.validate_python({"name": "x", "share": 1, "value": "v", **spec})
    scheme, issues = s.check_scheme_text(RULES.read_text(encoding="utf-8"), "t.yaml")
    assert scheme is not None, issues
    out = METHODS[indicator.method](
        pd.Series(values, dtype=float), indicator, Context(points, 12, scheme)
    )
    return [None if math.isnan(v) else round(float(v) * points, 10) for v in out]


def test_rank_points_from_the_last_place():
    # 倒数第1名2分、1.9分、1.8分……每进1名扣0.1分
    spec = {"method": "rank_points", "sequence": {"start": "last", "points": 2, "step": -0.1}}
    assert run(spec, [50, 10, 30, 20, 40], points=2) == [1.6, 2.0, 1.8, 1.9, 1.7]
    # 在全市排名1-5名的依次赋予60分、57分、54分、51分、48分；ties share a place
    spec = {"method": "rank_points", "sequence": {"points": 60, "step": -3, "through": 5}}
    assert run(spec, [9, 8, 8, 7, 6, 5, 4], points=60) == [60, 57, 57, 51, 48, 0, 0]


@pytest.mark.parametrize(
    "method, extra, values, expected",
    [
        ("proportional", {"full_at": 0.09}, [0, 0.09, 0.18, None], [10, 10, 5, None]),
        ("pass_fail", {"full_at": 0.09}, [0, 0.0900000000001, 0.1], [10, 10, 0]),
        ("linear", {"full_at": 0.09, "loss_per_point": 0.1}, [0, 0.1, 0.2], [10, 9, 0]),
        ("tiers", {"tiers": [{"max": 0.05, "score": 1}, {"max": 0.1, "score": 0.5}]},
         [0, 0.07, 0.2], [10, 5, 0]),
        ("relative_to_best", {}, [0, 5, 10], [10, 0, 0]),
        ("rank_points", {"bands": [{"ranks": 1, "points": 10}]}, [3, 1, 2], [0, 10, 0]),
    ],
)  # fmt: skip
def test_lower_is_better_for_every_method(method, extra, values, expected):
    spec = {"method": method, "better": "lower", **extra}
    assert run(spec, values) == expected


# ----------------------------------------------------------------------------- invariants

STEP_RULE = {
    "method": "linear",
    "gain": {"per": 0.05, "points": 1, "max_points": 2},
    "loss": {"per": 0.01, "points": 0.5},
}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 3, allow_nan=False), min_size=2, max_size=30), st.booleans())
def test_more_never_lowers_a_stepped_score_and_it_stays_in_bounds(values, lower):
    spec = {**STEP_RULE, "better": "lower" if lower else "higher"}
    scored = run(spec, sorted(values))
    assert all(0 <= p <= 12 + 1e-9 for p in scored)  # floor 0, gain at most 2 points
    pairs = list(zip(scored, scored[1:]))
    assert all((b <= a + 1e-9) if lower else (b >= a - 1e-9) for a, b in pairs)


@settings(max_examples=100, deadline=None)
@given(st.permutations(list(range(7))))
def test_row_order_never_changes_a_peer_average(order):
    spec = {
        "method": "linear",
        "better": "lower",
        "full_at": 0,
        "loss": {"per": 1, "points": 2},
    }
    days = [5.0, 7.0, 9.0, 4.0, 12.0, 6.0, 8.0]
    mean = sum(days) / len(days)
    straight = run(spec, [d - mean for d in days])
    shuffled = run(spec, [days[i] - mean for i in order])
    assert [shuffled[order.index(i)] for i in range(7)] == straight


# ----------------------------------------------------------------------------- rules check


def problems(text: str) -> list[tuple[int | None, str, str]]:
    scheme, issues = s.check_scheme_text(text, "x.yaml")
    assert scheme is None
    return [(i.line, i.code, i.message()) for i in issues]


def base(projects: str, extra: str = "") -> str:
    return f"""name: t
year: 2024
total: 100
grades: {{优秀: 0.9, 不合格: 0}}
columns:
  district: {{label: 县区}}
  project: {{label: 项目}}
  city: {{label: 所属市, required: false}}
  target: {{label: 目标任务}}
  completed: {{label: 完成}}
  days: {{label: 平均办理天数}}
groups:
  类别: {{城区: [金安区], 县: [霍邱县]}}
projects:
{projects}
{extra}"""


ONE = """  - name: 道路
    weight: 100
    indicators:
      - name: 完成
        share: 1
"""


def test_a_negative_cap_is_refused_at_its_line():
    text = base(
        ONE
        + """        method: linear
        value: 完成 / 目标任务
        gain: {per: 0.05, points: 1, max_points: -2}
"""
    )
    assert problems(text) == [
        (22, "schema", "projects[0].indicators[0].gain.max_points：应不小于 0")
    ]


def test_a_veto_whose_grade_does_not_exist_is_refused_at_its_line():
    text = base(
        ONE + "        method: pass_fail\n        value: 完成 / 目标任务\n",
        "vetoes:\n  - {name: 重大事故, when: 完成 > 0}\n  - name: 事故\n    when: 完成 > 1\n"
        "    grade: 不及格\n    project: 桥梁\n",
    )
    assert problems(text) == [
        (27, "schema", "vetoes[1].grade：没有等次“不及格”，可选：优秀、不合格"),
        (28, "schema", "vetoes[1].project：没有名为“桥梁”的项目"),
    ]


def test_a_peer_aggregate_over_a_grouping_that_does_not_exist_is_refused():
    text = base(
        ONE
        + """        method: linear
        better: lower
        full_at: 0
        value: 平均办理天数 - mean_of(平均办理天数, 部门类别)
        loss: {per: 1, points: 0.5}
"""
    )
    [(line, code, message)] = problems(text)
    assert (line, code) == (23, "bad-formula")
    assert "没有名为“部门类别”的分组；可用所属市（city 列）或方案 groups 中的分组" in message
    # within the 所属市 column, or a grouping of groups:, it is accepted
    for grouping in ("所属市", "类别"):
        scheme, issues = s.check_scheme_text(text.replace("部门类别", grouping), "x.yaml")
        assert scheme is not None, issues


def test_items_for_some_units_must_add_up_per_unit():
    projects = """  - {name: 通用, weight: 40, indicators: \
[{name: a, share: 1, method: pass_fail, value: 完成}]}
  - name: 城区项目
    weight: 60
    applies_to: {group: 类别, in: [城区]}
    indicators: [{name: a, share: 1, method: pass_fail, value: 完成}]
  - name: 县项目
    weight: 50
    applies_to: {group: 类别, in: [县, 乡镇]}
    indicators: [{name: a, share: 1, method: pass_fail, value: 完成}]
"""
    assert problems(base(projects)) == [
        (3, "unit-weights-total", "“霍邱县”适用的项目分值合计 90 分，与方案总分 100 分不符"),
        (22, "schema", "projects[2].applies_to.in：分组“类别”中没有“乡镇”，可用：城区、县"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "formula, refused",
    [
        ("__import__('os').system('true')", "不允许"),
        ("完成.real", "不允许"),
        ("(lambda: 1)()", "不允许"),
        ("完成 ** 999999", "不允许"),
        ("mean_of(mean_of(完成))", "不能写在 sum() 或另一个汇总函数内"),
    ],
)
def test_formulas_stay_data_never_code(formula, refused):
    text = base(ONE + f'        method: pass_fail\n        value: "{formula}"\n')
    [(line, code, message)] = problems(text)
    assert (line, code) == (21, "bad-formula")
    assert refused in message


def test_the_json_schema_knows_the_shapes():
    schema = s.json_schema()
    defs = schema["$defs"]
    assert {"Step", "RankSequence", "Veto", "Applicability"} <= set(defs)
    assert "vetoes" in defs["Scheme"]["properties"] if "Scheme" in defs else schema["properties"]
    assert set(defs["Linear"]["properties"]) >= {"gain", "loss", "better", "unit"}


def test_the_survey_weighted_in_can_also_be_left_unranked(tmp_path):
    text = RULES.read_text(encoding="utf-8").replace(
        "survey: {sheet: 社情民意, label: 满意度}",
        "survey: {sheet: 社情民意, label: 满意度, rank_apart: false}",
    )
    rules = tmp_path / "apart.yaml"
    rules.write_text(text, encoding="utf-8")
    apart = scorer.assess([str(SAMPLE)], str(rules))
    assert apart.ranking.survey.empty
    assert apart.ranking.table["survey_rank"].isna().all()
    # the points stay: 社会问卷调查 is still 10 × satisfaction / 100
    assert apart.ranking.assessment.scores.at["叶集区", "社会问卷调查"] == pytest.approx(9.5)


def test_a_survey_item_needs_a_survey_and_names_only_the_satisfaction():
    projects = """  - name: 问卷
    weight: 100
    level: survey
    indicators: [{name: a, share: 1, method: proportional, value: 完成 / 100}]
"""
    found = problems(base(projects))
    assert [(line, code) for line, code, _ in found] == [(17, "schema"), (18, "bad-formula")]
    assert "方案须有 survey 一节" in found[0][2]
    assert "只能用社情民意的满意度，不能用“完成”" in found[1][2]


def test_aggregates_are_refused_in_conditions():
    extra = "vetoes:\n  - {name: 超龄, when: 平均办理天数 > mean_of(平均办理天数)}\n"
    text = base(ONE + "        method: pass_fail\n        value: 完成\n", extra)
    [(line, code, message)] = problems(text)
    assert (line, code) == (24, "bad-formula")
    assert "汇总函数只能用于计分公式" in message


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-1, 4), st.one_of(st.none(), st.floats(-1e6, 1e6))),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from(["mean", "max", "min", "sum"]),
)
def test_group_aggregates_agree_with_pandas(rows, kind):
    from scorer.engine import _group_aggregate

    codes = pd.array([c for c, _ in rows]).to_numpy(dtype="int64")
    values = pd.Series([float("nan") if v is None else v for _, v in rows], dtype=float)
    got = _group_aggregate(kind, values.to_numpy(), codes)
    frame = pd.DataFrame({"g": codes, "v": values})
    frame = frame[frame["g"] >= 0]
    per_group = frame.groupby("g")["v"].agg(kind)
    if kind == "sum":  # a group with no values at all has none (pandas would say 0)
        per_group = per_group.where(frame.groupby("g")["v"].count() > 0)
    expected = [per_group.get(c, float("nan")) if c >= 0 else float("nan") for c in codes]
    assert got == pytest.approx(expected, nan_ok=True, rel=1e-9, abs=1e-6)
