"""Deductions (capped and 不封底), bonuses with caps, district items, suspension and rescaling."""

from __future__ import annotations

import pytest
import yaml
from conftest import RULES, SAMPLES, TONGLING_HEADER, write_xlsx

from scorer import assess
from scorer.scheme import Scheme, load_scheme

BASE = {
    "name": "测试",
    "year": 2015,
    "total": 30,
    "grades": {"合格": 0.6, "不合格": 0},
    "columns": {
        "district": {"label": "地区"},
        "project": {"label": "项目"},
        "target": {"label": "目标"},
        "done": {"label": "完成"},
        "planned": {"label": "计划资金"},
        "in_place": {"label": "到位资金"},
        "problems": {"label": "问题数", "blank": "zero"},
        "honours": {"label": "表彰数", "blank": "zero"},
        "status": {"label": "状态", "required": False},
    },
    "templates": {
        "t": {
            "indicators": [
                {"name": "完成", "share": 1, "method": "proportional", "value": "完成 / 目标"}
            ],
            "deductions": [{"name": "问题", "count": "问题数", "per_event": 3}],
            "bonuses": [{"name": "表彰", "count": "表彰数", "per_event": 2, "max_points": 2}],
        }
    },
    "projects": [
        {"name": "甲项目", "weight": 10},
        {"name": "乙项目", "weight": 10},
        {
            "name": "资金保障",
            "weight": 10,
            "level": "district",
            "indicators": [
                {
                    "name": "到位率",
                    "share": 1,
                    "method": "proportional",
                    "value": "sum(到位资金) / sum(计划资金)",
                }
            ],
        },
    ],
}
HEADER = ["地区", "项目", "目标", "完成", "计划资金", "到位资金", "问题数", "表彰数", "状态"]


def scheme(**changes) -> Scheme:
    raw = yaml.safe_load(yaml.safe_dump(BASE, allow_unicode=True))
    for key, value in changes.items():
        raw["templates"]["t"][key] = value
    return Scheme.model_validate(raw)


def scores(tmp_path, rows, sch):
    path = write_xlsx(tmp_path / "d.xlsx", {"d": [HEADER, *rows]})
    result = assess([path], sch)
    assert result.ranking is not None, [(i.cell, i.message()) for i in result.issues]
    return result.ranking.assessment


def test_deduction_per_event_capped_at_project_points(tmp_path):
    rows = [
        ["A", "甲项目", 10, 10, 100, 100, 5, None, None],
        ["A", "乙项目", 10, 5, 100, 100, None, None, None],
    ]
    a = scores(tmp_path, rows, scheme())
    assert a.scores.at["A", "甲项目"] == 0  # 10 − 5×3, 扣完为止
    assert a.scores.at["A", "乙项目"] == 5
    assert a.total["A"] == pytest.approx(15)


def test_uncapped_deduction_goes_below_zero(tmp_path):
    rows = [
        ["A", "甲项目", 10, 10, 100, 100, 5, None, None],
        ["A", "乙项目", 10, 10, 100, 100, None, None, None],
    ]
    a = scores(tmp_path, rows, scheme(floor=None))
    assert a.scores.at["A", "甲项目"] == -5  # 扣分不封底
    assert a.total["A"] == pytest.approx(15)


def test_bonus_is_capped(tmp_path):
    rows = [
        ["A", "甲项目", 10, 5, 100, 100, None, 3, None],
        ["A", "乙项目", 10, 5, 100, 100, None, 1, None],
    ]
    a = scores(tmp_path, rows, scheme())
    assert a.scores.at["A", "甲项目"] == 7  # 5 + min(3×2, 2)
    assert a.scores.at["A", "乙项目"] == 7


def test_district_item_sums_before_dividing_and_skips_suspended(tmp_path):
    rows = [
        ["A", "甲项目", 10, 10, 100, 90, None, None, None],
        ["A", "乙项目", 10, 10, 300, 210, None, None, None],
        ["B", "甲项目", 10, 10, 100, 100, None, None, None],
        ["B", "乙项目", None, None, 500, 0, None, None, "暂缓实施"],
    ]
    a = scores(tmp_path, rows, scheme())
    assert a.scores.at["A", "资金保障"] == pytest.approx(
        10 * 300 / 400
    )  # not the mean of 0.9 and 0.7
    assert a.scores.at["B", "资金保障"] == pytest.approx(10)
    assert a.available["B"] == 20
    assert a.total["B"] == pytest.approx(30)


def test_every_point_is_in_the_details(tmp_path):
    rows = [
        ["A", "甲项目", 10, 8, 100, 90, 1, 1, None],
        ["A", "乙项目", 10, 10, 100, 100, 9, None, None],
    ]
    a = scores(tmp_path, rows, scheme())
    by_item = a.details.groupby(["district", "project"])["points"].sum()
    for project in ("甲项目", "乙项目", "资金保障"):
        assert by_item[("A", project)] == pytest.approx(a.scores.at["A", project])
    parts = set(a.details["part"])
    assert {"indicator", "deduction", "bonus", "floor"} <= parts


def test_tongling_sample_uses_the_month_in_its_name_and_known_answers(tmp_path):
    tongling = load_scheme(RULES / "tongling-2015.yaml")
    rows = [
        # 县区, 项目, 年度目标, 累计完成, 满意度, 问题, 表彰, 计划, 拨付
        ["X", p, 100, 50, 90, None, None, 100, 60]
        for p in [q.name for q in tongling.projects if q.level == "project"]
    ] + [
        ["Y", p, 100, 40, 90, 1, 1, 100, 40]
        for p in [q.name for q in tongling.projects if q.level == "project"]
    ]
    header = TONGLING_HEADER
    path = write_xlsx(tmp_path / "t.xlsx", {"d": [header, *rows]})
    result = assess([path], tongling, month=6)
    a = result.ranking.assessment
    # June: 50% is on schedule. X: full marks on every project, and first in funds paid (15).
    assert a.total["X"] == pytest.approx(100)
    # Y: 40% is 10 points behind: 1 − 0.02×10 = 0.8 of the 60% part; −1 + 2 per project;
    # rank 2 → 12.
    assert a.scores.at["Y", "农村道路畅通工程"] == pytest.approx(15 * (0.6 * 0.8 + 0.4) - 1 + 2)
    # 农民工技能培训: own linear rule, full at 50%, 0.2 points lost per point below: 6 − 2 = 4
    assert a.scores.at["Y", "农民工技能培训"] == pytest.approx(4 + 4 - 1 + 2)
    assert a.scores.at["Y", "资金拨付进度"] == 12


@pytest.mark.parametrize("sample", ["2010.xlsx", "tongling-2015-06.xlsx", "mof-2022.xlsx"])
def test_bundled_samples_assess_cleanly(sample):
    from scorer.scheme import choose_scheme

    path, _ = choose_scheme([str(SAMPLES / sample)], None, cwd=SAMPLES)
    result = assess([SAMPLES / sample], path)
    assert result.ranking is not None
    assert [i for i in result.issues if i.severity != "info"] == []


def test_grades_over_an_array_are_grade_of_each_total():
    # totals on and about every grade's floor, where the rounding to the scheme's precision
    # decides the grade, and those no grade reaches
    import numpy as np

    from scorer.ranking import grades_of

    scheme = load_scheme(RULES / "anhui-2010.yaml")
    floors = np.array([f * scheme.total for f in scheme.grades.values()])
    offsets = np.array([-0.011, -0.005, -0.0049, -1e-10, 0, 1e-10, 0.0049, 0.005, 0.011])
    totals = np.concatenate(
        [(floors[:, None] + offsets).ravel(), [np.nan, np.inf, -np.inf, -5.0, 1234.5678]]
    )
    assert grades_of(scheme, totals) == [scheme.grade_of(float(t)) for t in totals]
