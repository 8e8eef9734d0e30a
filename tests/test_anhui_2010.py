"""The bundled Anhui 2010 scheme scores exactly as the issue states, \
checked by a separate calculation."""

from __future__ import annotations

import random

import pytest
from conftest import ANHUI_HEADER, SAMPLES, anhui_projects, full_rows, write_xlsx
from python_calamine import CalamineWorkbook

from scorer import assess
from scorer.render import to_dict

WEIGHT_120 = {
    "农村公路“村村通”",
    "农村饮水安全工程",
    "农村卫生服务体系建设",
    "廉租住房保障",
    "中小学校舍安全工程",
}


def reference(rows: list[dict]) -> dict[str, dict]:
    """The issue's formulas, written out plainly, independent of scorer's engine."""
    by_district: dict[str, list[dict]] = {}
    for row in rows:
        by_district.setdefault(row["地区"], []).append(row)
    result = {}
    for district, items in by_district.items():
        earned = available = 0.0
        in_place = planned = 0.0
        projects = {}
        for r in items:
            weight = 120 if r["项目"] in WEIGHT_120 else 100
            if r["状态"] in ("暂缓实施", "不适用"):
                projects[r["项目"]] = None
                continue
            rate = r["完成"] / r["目标任务"]
            c = 1.0 if rate >= 1 else max(0.0, 1 - 2 * (1 - rate))
            paid = r["拨付资金"] / r["计划资金"]
            d = 1.0 if paid >= 0.95 else 0.8 if paid >= 0.85 else 0.6 if paid >= 0.70 else 0.0
            s = min(1.0, max(0.0, r["督查评分"] / 100))
            score = max(0.0, weight * (0.60 * c + 0.25 * d + 0.15 * s) - (r["扣分"] or 0))
            projects[r["项目"]] = score
            earned += score
            available += weight
            in_place += r["到位资金"]
            planned += r["计划资金"]
        a = in_place / planned
        fund = 100 * max(0.0, min(1.0, 1 - 2 * (1 - a)))
        projects["资金保障"] = fund
        earned += fund
        available += 100
        total = earned * 3500 / available
        grade = (
            "优秀"
            if total >= 3150
            else "良好"
            if total >= 2800
            else "合格"
            if total >= 2100
            else "不合格"
        )
        result[district] = {"total": total, "grade": grade, "projects": projects}
    totals = {d: round(v["total"], 2) for d, v in result.items()}
    for district, v in result.items():
        v["rank"] = 1 + sum(1 for t in totals.values() if t > totals[district])
    return result


def sheet_rows(path, sheet: str, header_row: int) -> list[dict]:
    workbook = CalamineWorkbook.from_path(str(path))
    table = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    header = table[header_row]
    rows = []
    for raw in table[header_row + 1 :]:
        if not any(v != "" for v in raw):
            continue
        row = {h: (None if v == "" else v) for h, v in zip(header, raw)}
        rows.append(row)
    return rows


def compare(path, rows: list[dict]) -> dict:
    result = assess([path], SCHEME)
    assert result.ranking is not None, [i.message() for i in result.issues]
    got = {d["district"]: d for d in to_dict(result.ranking, result.issues)["districts"]}
    expected = reference(rows)
    assert set(got) == set(expected)
    for district, want in expected.items():
        have = got[district]
        assert have["total"] == pytest.approx(want["total"], abs=0.005), district
        assert have["grade"] == want["grade"], district
        assert have["rank"] == want["rank"], district
        for project, points in want["projects"].items():
            if points is None:
                assert have["projects"][project] is None
            else:
                assert have["projects"][project] == pytest.approx(points, abs=1e-9), (
                    district,
                    project,
                )
    return got


SCHEME = str(SAMPLES.parent / "rules" / "anhui-2010.yaml")


def test_bundled_sample_matches_the_reference_calculation():
    got = compare(SAMPLES / "2010.xlsx", sheet_rows(SAMPLES / "2010.xlsx", "2010年度民生工程", 2))
    assert len(got) == 17
    assert "巢湖市" in got  # 2010's map: 巢湖 still a city
    suspended = [d for d, v in got.items() if any(p is None for p in v["projects"].values())]
    assert sorted(suspended) == ["淮北市", "铜陵市", "马鞍山市"]


@pytest.mark.parametrize("seed", range(6))
def test_random_workbooks_match_the_reference_calculation(tmp_path, seed):
    rng = random.Random(seed)
    rows = []
    for d in range(rng.randint(2, 12)):
        for name in anhui_projects():
            target = rng.choice([1, 7, 50, 100, 333, 2000])
            status = rng.choice([None] * 30 + ["暂缓实施", "不适用"])
            if status:
                rows.append({"地区": f"县{d}", "项目": name, "目标任务": None, "完成": None,
                             "计划资金": None, "到位资金": None, "拨付资金": None,
                             "督查评分": None, "扣分": None, "状态": status})  # fmt: skip
                continue
            planned = rng.choice([1, 10, 999.9, 20000])
            rows.append(
                {
                    "地区": f"县{d}",
                    "项目": name,
                    "目标任务": target,
                    # edges on purpose: exactly on target, just below, far below (floor), above
                    "完成": rng.choice([target, target * 0.995, target * 0.2, target * 1.3, 0]),
                    "计划资金": planned,
                    "到位资金": planned * rng.choice([1, 0.99, 0.7, 0.3]),
                    "拨付资金": planned
                    * rng.choice([0.95, 0.9499, 0.85, 0.8499, 0.7, 0.6999, 0.1, 1.0]),
                    "督查评分": rng.choice([0, 55.5, 100, 88]),
                    "扣分": rng.choice([None] * 8 + [3, 200]),  # 200: the floor at 0 must hold
                    "状态": None,
                }
            )
    path = write_xlsx(
        tmp_path / "2010.xlsx",
        {"data": [ANHUI_HEADER] + [[r[h] for h in ANHUI_HEADER] for r in rows]},
    )
    compare(path, rows)


def test_everything_on_plan_scores_full_marks(tmp_path):
    path = write_xlsx(
        tmp_path / "a.xlsx", {"d": [ANHUI_HEADER, *full_rows("甲市"), *full_rows("乙市")]}
    )
    result = assess([path], SCHEME)
    assert list(result.ranking.table["total"]) == [3500.0, 3500.0]
    assert list(result.ranking.table["rank"]) == [1, 1]
    assert list(result.ranking.table["grade"]) == ["优秀", "优秀"]


def test_suspended_project_is_rescaled_not_counted_against(tmp_path):
    rows = full_rows("甲市", **{"光荣院建设": {"状态": "暂缓实施", "目标任务": None, "完成": None}})
    path = write_xlsx(tmp_path / "a.xlsx", {"d": [ANHUI_HEADER, *rows]})
    result = assess([path], SCHEME)
    row = result.ranking.table.iloc[0]
    assert row["available"] == 3400
    assert row["total"] == pytest.approx(3500)


def test_deduction_floors_the_project_at_zero_and_rescale_uses_available(tmp_path):
    rows = full_rows("甲市", **{"农家书屋": {"扣分": 150}, "光荣院建设": {"状态": "不适用"}})
    path = write_xlsx(tmp_path / "a.xlsx", {"d": [ANHUI_HEADER, *rows]})
    result = assess([path], SCHEME)
    assert result.ranking.assessment.scores.at["甲市", "农家书屋"] == 0
    assert result.ranking.table.iloc[0]["total"] == pytest.approx(3300 * 3500 / 3400)


def test_equal_published_totals_share_a_rank(tmp_path):
    # 甲 and 乙 differ by far less than 0.005 points: published alike, ranked alike (1-1-3).
    a = full_rows("甲市", **{"农家书屋": {"督查评分": 99.99999}})
    b = full_rows("乙市", **{"农家书屋": {"督查评分": 99.999995}})
    c = full_rows("丙市", **{"农家书屋": {"督查评分": 50}})
    path = write_xlsx(tmp_path / "a.xlsx", {"d": [ANHUI_HEADER, *a, *b, *c]})
    table = assess([path], SCHEME).ranking.table
    assert dict(zip(table["district"], table["rank"])) == {"甲市": 1, "乙市": 1, "丙市": 3}


def test_grade_boundary_is_inclusive(tmp_path):
    # 90% of 3500 exactly is 优秀: lose 350 points through 扣分 spread over projects (no rescale).
    overrides = {name: {"扣分": 35} for name in anhui_projects()[5:15]}
    path = write_xlsx(tmp_path / "a.xlsx", {"d": [ANHUI_HEADER, *full_rows("甲市", **overrides)]})
    row = assess([path], SCHEME).ranking.table.iloc[0]
    assert row["total"] == pytest.approx(3150)
    assert row["grade"] == "优秀"


def test_survey_is_ranked_separately_and_not_added(tmp_path):
    survey = [["地区", "满意度"], ["甲市", "93.5%"], ["乙市", 95], ["丙市", "93.5"]]
    rows = [*full_rows("甲市"), *full_rows("乙市"), *full_rows("丙市")]
    path = write_xlsx(tmp_path / "a.xlsx", {"d": [ANHUI_HEADER, *rows], "社情民意": survey})
    result = assess([path], SCHEME)
    out = to_dict(result.ranking, result.issues)
    assert out["survey"] == [
        {"district": "乙市", "satisfaction": 95.0, "rank": 1},
        {"district": "甲市", "satisfaction": 93.5, "rank": 2},
        {"district": "丙市", "satisfaction": 93.5, "rank": 2},
    ]
    assert all(d["total"] == 3500 for d in out["districts"])
