"""Counties under their cities: ranks within the city, the roll-up to cities (sums first, then
rates), awards with per-city quotas, and the tie-break chain. Answers are worked out here from
the workbook's cells with openpyxl, apart from the engine."""

from __future__ import annotations

import json

import openpyxl
import pytest
import yaml
from conftest import RULES, SAMPLES, cli, flat, full_rows, write_xlsx

from scorer import assess
from scorer.scheme import check_scheme_text, load_scheme

COUNTIES = SAMPLES / "2010-counties.xlsx"


@pytest.fixture(scope="module")
def counties():
    return assess([COUNTIES], RULES / "anhui-2010.yaml")


@pytest.fixture(scope="module")
def cells():
    """The sample's rows as openpyxl reads them: the city written once per merged block."""
    sheet = openpyxl.load_workbook(COUNTIES, read_only=True).worksheets[0]
    rows, city = [], None
    for row in sheet.iter_rows(min_row=4, values_only=True):
        city = row[0] or city
        rows.append((city, *row[1:]))
    return rows


def scheme_with(tmp_path, **changes):
    """The Anhui scheme with top-level keys replaced, written to a file."""
    raw = yaml.safe_load((RULES / "anhui-2010.yaml").read_text(encoding="utf-8"))
    raw.update(changes)
    path = tmp_path / "scheme.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_scheme(path)


def test_the_sample_has_the_105_county_units_of_2010_under_their_cities(counties):
    groups = counties.data.groups
    assert len(counties.data.districts) == 105
    assert len(set(groups.values())) == 17
    assert groups["庐江县"] == groups["无为县"] == "巢湖市"  # the 2010 map, not today's
    assert groups["桐城市"] == "安庆市" and groups["界首市"] == "阜阳市"
    assert counties.issues == [] or all(i.severity == "info" for i in counties.issues)


def test_rank_within_the_city_is_the_competition_rank_among_its_counties(counties):
    table = counties.ranking.table
    for city, part in table.groupby("city"):
        shown = part["total"].round(2)
        expected = [int((shown > value).sum()) + 1 for value in shown]
        assert list(part["city_rank"]) == expected, city
    fuyang = table[table["city"] == "阜阳市"].set_index("district")["city_rank"]
    assert fuyang["界首市"] == 1 and fuyang["临泉县"] == fuyang["太和县"] == 2


def _linear(rate: float) -> float:
    return max(0.0, min(1.0, 1 - (1 - rate) * 100 * 0.02)) if rate < 1 else 1.0


def _tiers(rate: float) -> float:
    return 1.0 if rate >= 0.95 else 0.8 if rate >= 0.85 else 0.6 if rate >= 0.70 else 0.0


def test_city_roll_up_sums_quantities_then_computes_the_rates(cells):
    """Each city's project points from Σ完成 ÷ Σ目标任务 and Σ拨付 ÷ Σ计划 over its counties, the
    mean 督查评分 and mean 扣分, as the scheme's roll_up says; computed here from the cells."""
    result = assess([COUNTIES], RULES / "anhui-2010.yaml", level="city")
    assert result.ranking is not None
    assert len(result.ranking.table) == 17
    scheme = result.scheme
    weights = {p.name: p.weight for p in scheme.projects}
    sums: dict = {}
    for city, _, project, target, done, planned, _, paid, inspection, cut, status in cells:
        if status:
            continue
        s = sums.setdefault((city, project), [0, 0, 0, 0, 0, 0, 0])
        s[0] += target
        s[1] += done
        s[2] += planned
        s[3] += paid
        s[4] += inspection
        s[5] += cut or 0
        s[6] += 1
    scores = result.ranking.assessment.scores
    ratio_of_sums_differs = False
    for (city, project), (target, done, planned, paid, inspection, cut, n) in sums.items():
        w = weights[project]
        expected = w * (
            0.60 * _linear(done / target)
            + 0.25 * _tiers(paid / planned)
            + 0.15 * inspection / n / 100
        )
        expected = max(0.0, expected - cut / n)
        assert scores.at[city, project] == pytest.approx(expected, abs=1e-9), (city, project)
        # the mean of the counties' own rates is another number: the rule matters
        rates = [r[4] / r[3] for r in cells if r[0] == city and r[2] == project and not r[10]]
        if abs(sum(_linear(x) for x in rates) / len(rates) - _linear(done / target)) > 1e-6:
            ratio_of_sums_differs = True
    assert ratio_of_sums_differs


def test_city_roll_up_explains_which_cells_were_summed():
    result = assess([COUNTIES], RULES / "anhui-2010.yaml", level="city")
    item = result.explainer()("巢湖市").items[0]
    inputs = item.lines[0].inputs
    assert inputs[0].label.render("zh") == "Σ完成（5个县区）"
    assert inputs[0].label.render("en") == "Σ完成 (5 counties)"  # the label is the data's own
    assert inputs[0].cell.count(",") == 4  # five counties' cells, one per county
    assert inputs[0].sheet == "2010年度县级民生工程"


def test_level_city_needs_the_city_column(tmp_path):
    result = assess([SAMPLES / "2010.xlsx"], RULES / "anhui-2010.yaml", level="city")
    assert result.ranking is None
    assert [i.code for i in result.issues if i.severity == "error"] == ["no-cities"]
    out = cli("assess", str(SAMPLES / "2010.xlsx"), "--level", "city")
    assert out.exit_code == 1 and "所属市" in out.output


def test_awards_follow_the_quotas_the_floor_and_the_survey_at_the_tie(counties, cells):
    award = counties.ranking.awards[0]
    assert award.name == "民生工程先进县"
    table = counties.ranking.table
    quotas = {"阜阳市": 2, "滁州市": 2, "安庆市": 2}
    expected = {}
    for city, part in table.groupby("city"):
        eligible = part[part["total"].round(2) >= 2800].sort_values("total", ascending=False)
        expected[city] = list(eligible["district"][: quotas.get(city, 1)])
    expected["阜阳市"] = ["界首市", "太和县"]  # 临泉县 ties with 太和县; the survey parts them
    got = {g.group: g.winners for g in award.groups}
    assert {k: sorted(v) for k, v in got.items()} == {k: sorted(v) for k, v in expected.items()}
    assert got["淮北市"] == [] and len(award.winners) == 19
    fuyang = next(g for g in award.groups if g.group == "阜阳市")
    note = fuyang.note.render("zh")
    assert "临泉县、太和县总分同为" in note and "太和县评上" in note


@pytest.mark.parametrize(
    ("tie", "winners"), [("all", ["界首市", "临泉县", "太和县"]), ("none", ["界首市"])]
)
def test_the_tie_rule_on_the_quota_line_is_the_schemes(tmp_path, tie, winners):
    raw = yaml.safe_load((RULES / "anhui-2010.yaml").read_text(encoding="utf-8"))
    award = {**raw["awards"][0], "tie": tie}
    scheme = scheme_with(tmp_path, awards=[award])
    result = assess([COUNTIES], scheme)
    fuyang = next(g for g in result.ranking.awards[0].groups if g.group == "阜阳市")
    assert sorted(fuyang.winners) == sorted(winners)


def test_strict_ranks_use_the_tie_break_chain(tmp_path):
    scheme = scheme_with(tmp_path, ranking={"strict": True, "tie_break": ["资金保障", "社情民意"]})
    result = assess([COUNTIES], scheme)
    ranks = result.ranking.table.set_index("district")["rank"]
    assert (ranks["太和县"], ranks["临泉县"]) == (3, 4)  # equal 资金保障, higher satisfaction
    assert sorted(ranks) == list(range(1, 106))
    tie = next(t for t in result.ranking.ties if "太和县" in t.districts and not t.where)
    assert tie.districts == ["太和县", "临泉县"] and tie.ranks == [3, 4]
    assert tie.values[0][0] == tie.values[1][0]  # 资金保障 could not part them
    assert tie.values[0][1] == 92.5 and tie.values[1][1] == 91.0


def test_a_chain_that_cannot_decide_leaves_the_rank_shared(tmp_path, anhui):
    header = ["所属市", "地区", "项目", "目标任务", "完成", "计划资金", "到位资金", "拨付资金",
              "督查评分", "扣分", "状态"]  # fmt: skip
    rows = [header]
    for county in ("甲县", "乙县", "丙县"):
        rows += [["某市", *r] for r in full_rows(county)]
    path = write_xlsx(tmp_path / "2010.xlsx", {"Sheet1": rows})
    scheme = scheme_with(tmp_path, ranking={"strict": True, "tie_break": ["资金保障"]})
    result = assess([path], scheme)
    assert list(result.ranking.table["rank"]) == [1, 1, 1]


def test_each_county_has_one_city(tmp_path):
    header = ["所属市", "地区", "项目", "目标任务", "完成", "计划资金", "到位资金", "拨付资金",
              "督查评分", "扣分", "状态"]  # fmt: skip
    rows = [header]
    rows += [["甲市", *r] for r in full_rows("一县")]
    rows += [["乙市" if i == 5 else "甲市", *r] for i, r in enumerate(full_rows("二县"))]
    rows += [[None, *r] for r in full_rows("三县")]
    path = write_xlsx(tmp_path / "2010.xlsx", {"Sheet1": rows})
    result = assess([path], RULES / "anhui-2010.yaml")
    problems = [x for x in flat(result.issues) if x[2] in ("city-conflict", "missing-city")]
    assert problems == [("Sheet1", "A40", "city-conflict"), ("Sheet1", "A68", "missing-city")]
    assert result.ranking is None


def test_scheme_checks_of_ranking_and_awards():
    text = (RULES / "anhui-2010.yaml").read_text(encoding="utf-8")
    text = text.replace("tie_break: [资金保障, 社情民意]", "tie_break: [资金保障, 群众评议]")
    text = text.replace("min_grade: 良好", "min_grade: 良")
    _, issues = check_scheme_text(text, "x.yaml")
    lines = text.splitlines()
    found = {(i.line, i.message("zh").split("：")[0]) for i in issues}
    assert (
        next(n for n, line in enumerate(lines, 1) if "群众评议" in line),
        "ranking.tie_break[1]",
    ) in found
    assert (
        next(n for n, line in enumerate(lines, 1) if "min_grade" in line),
        "awards[0].min_grade",
    ) in found


def test_quota_for_a_city_not_in_the_data_is_a_warning(tmp_path):
    raw = yaml.safe_load((RULES / "anhui-2010.yaml").read_text(encoding="utf-8"))
    award = {**raw["awards"][0], "quotas": {"阜阳": 2, "滁州市": 2, "安庆市": 2}}
    result = assess([COUNTIES], scheme_with(tmp_path, awards=[award]))
    codes = [i.code for i in result.issues if i.severity == "warning"]
    assert codes == ["quota-city-unknown", "award-count"]  # 阜阳 ≠ 阜阳市: quotas add up to 19


def test_cli_city_filter_and_json(counties):
    out = cli("assess", str(COUNTIES), "--city", "阜阳")
    assert out.exit_code == 0, out.output
    lines = [line for line in out.output.splitlines() if "│" in line]
    assert len(lines) == 8 and all("阜阳市" in line for line in lines)
    assert "太和县评上" in out.output
    out = cli("assess", str(COUNTIES), "--city", "苏州")
    assert out.exit_code == 2 and "阜阳市" in out.output
    body = json.loads(cli("assess", str(COUNTIES), "--format", "json").stdout)
    first = body["districts"][0]
    assert (first["district"], first["city"], first["city_rank"]) == ("界首市", "阜阳市", 1)
    assert body["scheme"]["tie_break"] == ["资金保障", "社情民意"]
    assert len(body["awards"][0]["winners"]) == 19
    city = json.loads(cli("assess", str(COUNTIES), "--level", "city", "--format", "json").stdout)
    assert city["scheme"]["level"] == "city" and len(city["districts"]) == 17
    assert city["awards"][0]["skipped"]  # quotas per city need counties: said, not skipped silently
