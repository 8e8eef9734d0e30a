"""scorer whatif: changed weights or parameters, the total kept or moved, rank changes, JSON."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner
from conftest import ANHUI_HEADER, RULES, full_rows, write_xlsx

from scorer import assess, rescore
from scorer.cli import main
from scorer.errors import UsageError
from scorer.scheme import load_scheme
from scorer.whatif import changed

ANHUI = load_scheme(RULES / "anhui-2010.yaml")
ROADS = "农村公路“村村通”"


@pytest.fixture()
def two(tmp_path):
    """甲 falls short on 农家书屋 (100 points), 乙 on the roads (120): 甲 leads, by 12."""
    rows = [*full_rows("甲市", 农家书屋={"完成": 50}), *full_rows("乙市", **{ROADS: {"完成": 50}})]
    return write_xlsx(tmp_path / "2010.xlsx", {"s": [ANHUI_HEADER, *rows]})


def totals(result):
    return dict(zip(result.ranking.table["district"], result.ranking.table["total"]))


def test_a_weight_moves_the_total_and_the_ranking(two):
    before = assess([two], ANHUI)
    assert totals(before) == pytest.approx({"甲市": 3500 - 60, "乙市": 3500 - 72})
    scheme, said = changed(ANHUI, [f"{ROADS}=60"])
    assert scheme.total == 3440  # 120 -> 60 takes 60 off the total
    assert [s.render("zh") for s in said] == [
        f"{ROADS} 分值 120 → 60",
        "总分 3500 → 3440（等次按新总分）",
    ]
    after = rescore(before, scheme)
    # 乙 now loses 0.6 × 60 = 36 on the roads, 甲 still 60 on 农家书屋
    assert totals(after) == pytest.approx({"乙市": 3440 - 36, "甲市": 3440 - 60})
    assert list(after.ranking.table["district"]) == ["乙市", "甲市"]
    # grade bands follow the new total: 优秀 from 0.9 × 3440
    assert scheme.grade_of(0.9 * 3440) == "优秀" and scheme.grade_of(0.9 * 3440 - 0.01) == "良好"


def test_keep_total_rescales_every_weight(two):
    scheme, said = changed(ANHUI, [f"{ROADS}=60"], keep_total=True)
    assert scheme.total == 3500
    assert sum(p.weight for p in scheme.projects) == pytest.approx(3500)
    factor = 3500 / 3440
    assert next(p.weight for p in scheme.projects if p.name == ROADS) == pytest.approx(60 * factor)
    after = rescore(assess([two], ANHUI), scheme)
    assert totals(after) == pytest.approx({"乙市": 3500 - 36 * factor, "甲市": 3500 - 60 * factor})
    assert "总分保持 3500" in said[-1].render("zh")


def test_a_method_parameter(two):
    # 每少1个百分点扣1%（not 2%）: 乙's roads completion of 50% now keeps half the 72 points
    scheme, said = changed(ANHUI, [f"{ROADS}.目标任务完成.loss_per_point=0.01"])
    assert scheme.total == 3500
    after = rescore(assess([two], ANHUI), scheme)
    assert totals(after)["乙市"] == pytest.approx(3500 - 36)
    assert totals(after)["甲市"] == pytest.approx(
        3500 - 60
    )  # other projects keep the template's rule
    assert said[0].render("zh") == f"{ROADS}·目标任务完成 loss_per_point 0.02 → 0.01"


@pytest.mark.parametrize(
    "setting, words",
    [
        ("村村通=100", "没有项目“村村通”"),
        ("农村五宝供养=100", "是否应为“农村五保供养”"),
        (f"{ROADS}=-5", "分值应大于 0"),
        (f"{ROADS}=很多", "应写成 项目=分值"),
        (f"{ROADS}.完成率.loss_per_point=0.01", "没有指标“完成率”"),
        (f"{ROADS}.目标任务完成.colour=1", "没有可改的参数“colour”"),
        (f"{ROADS}.目标任务完成.loss_per_point=-1", "应不小于 0"),
    ],
)
def test_bad_settings_are_refused_with_reasons(setting, words):
    with pytest.raises(UsageError, match=words):
        changed(ANHUI, [setting])


def test_cli_table_and_json(two, tmp_path):
    previous = os.getcwd()
    os.chdir(tmp_path)
    try:
        runner = CliRunner()
        table = runner.invoke(
            main, ["whatif", str(two), "--set", f"{ROADS}=60"], env={"COLUMNS": "100"}
        )
        out = runner.invoke(main, ["whatif", str(two), "--set", f"{ROADS}=60", "--format", "json"])
        edited = tmp_path / "b.yaml"
        edited.write_text(
            (RULES / "anhui-2010.yaml")
            .read_text(encoding="utf-8")
            .replace("weight: 120}", "weight: 60}", 1)
            .replace("total: 3500", "total: 3440"),
            encoding="utf-8",
        )
        other = runner.invoke(
            main, ["whatif", str(two), "--rules-b", str(edited), "--format", "json"]
        )
        nothing = runner.invoke(main, ["whatif", str(two)])
    finally:
        os.chdir(previous)
    assert table.exit_code == 0, table.output
    assert "改动: 总分 3500 → 3440（等次按新总分）" in table.stderr
    lines = [line for line in table.stdout.splitlines() if "市" in line]
    assert (
        "乙市" in lines[0]
        and "↑1" in lines[0]
        and "3,428.00" in lines[0]
        and "3,404.00" in lines[0]
    )
    assert "甲市" in lines[1] and "↓1" in lines[1]
    body = json.loads(out.stdout)
    assert body["scheme"]["total"] == 3440 and body["scheme"]["total_before"] == 3500
    first = body["districts"][0]
    assert (first["district"], first["rank"], first["rank_before"]) == ("乙市", 1, 2)
    assert first["total"] == pytest.approx(3404) and first["total_before"] == pytest.approx(3428)
    assert {"projects", "grade", "grade_before"} <= set(first)
    assert (
        json.loads(other.stdout)["districts"] == body["districts"]
    )  # the same change, as a whole scheme
    assert nothing.exit_code == 2 and "--set" in nothing.stderr
