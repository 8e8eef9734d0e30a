"""The assessment month: read from file names, said where it came from, the same in the library
and on the command line."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import ROOT, SAMPLES, cli

import scorer
from scorer.periods import month_in_name, month_of_name
from scorer.render import to_json


@pytest.mark.parametrize(
    ("name", "month"),
    [
        ("tongling-2015-06.xlsx", 6),
        ("2015_07.xlsx", 7),
        ("铜陵2015年8月.xlsx", 8),
        ("狮子山区6月.xlsx", 6),
        ("荣县十一月份.xlsx", 11),
        ("荣县1-9月.xlsx", 9),
        ("荣县1～12月.xlsx", 12),
        ("2019年1至7月预算执行.xlsx", 7),
        ("荣县第三季度.xlsx", 9),
        ("前三季度.xlsx", 9),
        ("2015Q2.xlsx", 6),
        ("荣县上半年.xlsx", 6),
        ("下半年.xlsx", 12),
        ("预算执行-2019年7月.xlsx", 7),
        ("2010.xlsx", None),
        ("2010-counties.xlsx", None),
        ("六安市.xlsx", None),
        ("2015-13.xlsx", None),
    ],
)
def test_month_of_name(name, month):
    found = month_of_name(name)
    assert (found.month if found else None) == month


def test_files_that_disagree_give_no_month():
    assert month_in_name(["合肥-6月.xlsx", "芜湖-6月.xlsx"]) == 6
    assert month_in_name(["合肥-6月.xlsx", "芜湖-7月.xlsx"]) is None


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.xlsx")))
def test_library_and_command_agree_on_every_sample(sample):
    """scorer.assess chooses the scheme and the month as `scorer assess` does: the same JSON."""
    path = f"samples/{sample}"
    command = cli("assess", path, "--format", "json")
    result = scorer.assess([ROOT / path])
    if result.ranking is None:
        assert command.exit_code == 1
        return
    assert command.exit_code == 0, command.output
    assert json.loads(command.stdout) == json.loads(to_json(result.ranking, result.issues))


def test_the_library_scores_the_month_in_the_name():
    """Was December (铜陵县 55.02) in the library while the command scored June (95.66)."""
    result = scorer.assess([SAMPLES / "tongling-2015-06.xlsx"], ROOT / "rules/tongling-2015.yaml")
    assert (result.month, result.month_source) == (6, "name")
    table = result.ranking.table.set_index("district")
    assert round(table.at["铜陵县", "total"], 2) == 95.66


def test_a_cumulative_return_is_scored_for_its_last_month(tmp_path):
    shutil.copy(SAMPLES / "tongling-2015-06.xlsx", tmp_path / "铜陵2015年1-6月.xlsx")
    result = cli("assess", "铜陵2015年1-6月.xlsx", "--rules", "tongling-2015", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "考核月份：6月（取自数据文件名；可用 --month 指定）" in result.stderr
    assert "铜陵县   │ 95.66" in result.stdout


def test_a_schedule_scheme_without_a_month_is_refused(tmp_path):
    """Was silently scored as December."""
    shutil.copy(SAMPLES / "tongling-2015-06.xlsx", tmp_path / "铜陵.xlsx")
    result = cli("assess", "铜陵.xlsx", "--rules", "tongling-2015", cwd=tmp_path)
    assert result.exit_code == 2
    assert (
        "scorer: 考核方案“铜陵市2015年民生工程月度考核”按序时进度计分，需要考核月份，"
        "但数据文件名中没有月份。请用 --month 指定（如 --month 6），或在文件名中写明月份"
        "（如 2015-06.xlsx、1-9月.xlsx、第三季度.xlsx）"
    ) in result.stderr
    with pytest.raises(scorer.pipeline.MonthNeeded):
        scorer.assess([tmp_path / "铜陵.xlsx"], "tongling-2015")


def test_files_of_several_months_are_refused(tmp_path):
    for month in (6, 7):
        shutil.copy(SAMPLES / f"tongling-2015-0{month}.xlsx", tmp_path)
    result = cli("check", ".", "--rules", "tongling-2015", cwd=tmp_path)
    assert result.exit_code == 2
    assert "各数据文件名中的月份不一致（6月、7月）" in result.stderr


def test_the_month_given_is_said(tmp_path):
    result = cli("assess", "samples/tongling-2015-06.xlsx", "--month", "9")
    assert result.exit_code == 0, result.output
    assert "考核月份：9月（--month 指定）" in result.stderr
    english = cli("check", "samples/tongling-2015-06.xlsx", "--month", "9", "--lang", "en")
    assert "assessment month: 9 (--month)" in english.stderr


def test_a_scheme_without_schedule_needs_no_month():
    result = cli("assess", "samples/2010.xlsx")
    assert result.exit_code == 0, result.output
    assert "考核月份" not in result.stderr
    assert (
        json.loads(cli("assess", "samples/2010.xlsx", "--format", "json").stdout)["scheme"]["month"]
        == 12
    )
