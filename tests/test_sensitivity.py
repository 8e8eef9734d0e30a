"""scorer sensitivity: Monte Carlo over the weights, checked against a plain loop over the draws."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import ANHUI_HEADER, ROOT, RULES, SAMPLES, full_rows, write_xlsx

from scorer import assess
from scorer.cli import main
from scorer.scheme import load_scheme
from scorer.sensitivity import sensitivity

ANHUI = load_scheme(RULES / "anhui-2010.yaml")


@pytest.fixture(scope="module")
def sample():
    return assess([SAMPLES / "2010.xlsx"], ANHUI).ranking.assessment


def reference(assessment, draws: int, spread: float, seed: int, totals_too: bool = False):
    """The same draws, scored one by one with the rescaling written out."""
    scheme = assessment.scheme
    weights = np.array([p.weight for p in scheme.projects])
    rng = np.random.default_rng(seed)
    drawn = weights * rng.uniform(1 - spread, 1 + spread, size=(draws, len(weights)))
    ranks, every = [], []
    for w in drawn:
        w = w * weights.sum() / w.sum()
        totals = {}
        for district in assessment.districts:
            earned = available = 0.0
            for i, project in enumerate(scheme.projects):
                if assessment.suspended.at[district, project.name]:
                    continue
                share = assessment.scores.at[district, project.name] / project.weight
                earned += w[i] * share
                available += w[i]
            totals[district] = round(scheme.total * earned / available, scheme.precision)
        ranks.append({d: 1 + sum(1 for t in totals.values() if t > totals[d]) for d in totals})
        every.append(totals)
    if totals_too:
        return every
    return {d: sorted(r[d] for r in ranks) for d in assessment.districts}


def test_matches_a_plain_loop_over_the_draws(sample):
    found = sensitivity(sample, draws=60, spread=0.3, seed=7).table.set_index("district")
    expected = reference(sample, 60, 0.3, 7)
    for district, ranks in expected.items():
        assert found.at[district, "median_rank"] == np.median(ranks), district
        assert found.at[district, "rank_p5"] == np.percentile(ranks, 5, method="lower")
        assert found.at[district, "rank_p95"] == np.percentile(ranks, 95, method="higher")


def test_no_spread_changes_nothing(sample):
    table = sensitivity(sample, draws=50, spread=0.0).table
    assert (table["median_rank"] == table["rank"]).all()
    assert (table["rank_p5"] == table["rank"]).all() and (table["rank_p95"] == table["rank"]).all()
    assert (table["grade_kept"] == 1).all()


def test_a_district_best_everywhere_keeps_rank_one(tmp_path):
    rows = [*full_rows("甲市"), *full_rows("乙市", 农家书屋={"完成": 80}, 光荣院建设={"完成": 70})]
    assessment = assess(
        [write_xlsx(tmp_path / "a.xlsx", {"s": [ANHUI_HEADER, *rows]})], ANHUI
    ).ranking.assessment
    table = sensitivity(assessment, draws=500, spread=0.5, seed=1).table.set_index("district")
    assert table.at["甲市", "rank_p95"] == 1 and table.at["乙市", "rank_p5"] == 2


def test_same_seed_same_result(sample):
    a = sensitivity(sample, draws=200, spread=0.2, seed=3).table
    b = sensitivity(sample, draws=200, spread=0.2, seed=3).table
    assert a.equals(b)


def test_cli_says_what_it_varied_and_held(tmp_path):
    previous = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(
            main,
            [
                "sensitivity",
                "samples/2010.xlsx",
                "--draws",
                "300",
                "--spread",
                "20%",
                "--format",
                "json",
            ],
        )
        table = CliRunner().invoke(
            main,
            ["sensitivity", "samples/2010.xlsx", "--draws", "100", "--top", "3"],
            env={"COLUMNS": "100"},
        )
    finally:
        os.chdir(previous)
    assert result.exit_code == 0, result.output
    assert (
        "变动: 各项目分值在 ±20% 内均匀抽取，再按比例缩放使总分保持 3500（300 次，种子 0）"
        in result.stderr
    )
    assert "不变: 各地区每个项目的得分率" in result.stderr
    body = json.loads(result.stdout)
    assert body["draws"] == 300 and len(body["districts"]) == 17
    assert {"rank", "median_rank", "rank_p5", "rank_p95", "grade_kept"} <= set(body["districts"][0])
    assert table.exit_code == 0 and "中位排名" in table.stdout


def test_report_with_rank_interval_bars(tmp_path):
    import re

    from conftest import cli

    out = tmp_path / "report.html"
    result = cli("sensitivity", "samples/2010.xlsx", "--draws", "300", "-o", str(out), "-o",
                 str(tmp_path / "report.md"), "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = {r["district"]: r for r in json.loads(result.stdout)["districts"]}
    html = out.read_text(encoding="utf-8")
    ranges = re.findall(r'<line class="range" x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)"', html)
    titles = re.findall(r"<title>([^<：]+)：(\d+)–(\d+)</title>", html)
    assert len(ranges) == len(titles) == 17
    for (x5, x95), (district, p5, p95) in zip(ranges, titles):
        row = rows[district]
        assert (int(p5), int(p95)) == (row["rank_p5"], row["rank_p95"])
        # rank 1 at x = 110, rank 17 at 110 + 480
        assert float(x5) == pytest.approx(110 + (row["rank_p5"] - 1) / 16 * 480, abs=0.06)
        assert float(x95) >= float(x5)
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "## 排名稳健性" in markdown and "| 保持等次 |" in markdown


def test_award_share_matches_a_plain_loop_over_the_draws():
    """Each draw decides 民生工程先进县 again: per city, counties graded 良好 or better (2,800)
    with fewer eligible counties of their city above them than the city's quota."""
    result = assess([SAMPLES / "2010-counties.xlsx"], ANHUI)
    assessment = result.ranking.assessment
    found = sensitivity(assessment, draws=40, spread=0.3, seed=5)
    assert found.award == "民生工程先进县"
    table = found.table.set_index("district")
    quotas = {"阜阳市": 2, "滁州市": 2, "安庆市": 2}
    wins = dict.fromkeys(assessment.districts, 0)
    for totals in reference(assessment, 40, 0.3, 5, totals_too=True):
        for city in set(assessment.groups.values()):
            eligible = [d for d, c in assessment.groups.items() if c == city and totals[d] >= 2800]
            for d in eligible:
                if sum(1 for e in eligible if totals[e] > totals[d]) < quotas.get(city, 1):
                    wins[d] += 1
    for district, count in wins.items():
        assert table.at[district, "award_share"] == count / 40, district
    assert set(table.index[table["award"]]) == set(result.ranking.awards[0].winners)


def test_parameter_alternatives_are_drawn_and_scored_as_declared():
    """Each draw takes one of the scheme's loss_per_point values; the totals of each draw are
    the plain-loop totals of the data scored with that value (via whatif's changed scheme)."""
    from scorer import rescore
    from scorer.whatif import changed

    result = assess([SAMPLES / "2010.xlsx"], ANHUI)
    values = ANHUI.sensitivity.alternatives["标准.目标任务完成.loss_per_point"]
    assert values == [0.01, 0.02, 0.03]
    found = sensitivity(result.ranking.assessment, draws=30, spread=0.2, seed=4, data=result.data)
    assert "loss_per_point" in found.varied.render("zh")
    rng = np.random.default_rng(4)
    weights = np.array([p.weight for p in ANHUI.projects])
    drawn = weights * rng.uniform(0.8, 1.2, size=(30, len(weights)))
    picks = rng.integers(3, size=30)
    scored = {
        i: rescore(result, changed(ANHUI, [f"标准.目标任务完成.loss_per_point={v}"])[0])
        for i, v in enumerate(values)
    }
    ranks = {d: [] for d in result.data.districts}
    for w, pick in zip(drawn, picks):
        w = w * weights.sum() / w.sum()
        a = scored[pick].ranking.assessment
        totals = {}
        for district in a.districts:
            earned = available = 0.0
            for i, project in enumerate(ANHUI.projects):
                if not a.suspended.at[district, project.name]:
                    earned += w[i] * a.scores.at[district, project.name] / project.weight
                    available += w[i]
            totals[district] = round(ANHUI.total * earned / available, 2)
        for d in totals:
            ranks[d].append(1 + sum(1 for t in totals.values() if t > totals[d]))
    table = found.table.set_index("district")
    for district, got in ranks.items():
        assert table.at[district, "median_rank"] == np.median(got), district
        assert table.at[district, "rank_p95"] == np.percentile(got, 95, method="higher")
    without = sensitivity(result.ranking.assessment, draws=30, spread=0.2, seed=4)
    assert not (without.table["median_rank"] == found.table["median_rank"]).all()


def test_a_bad_alternative_is_refused_at_its_line():
    from scorer.scheme import check_scheme_text

    text = (ROOT / "rules" / "anhui-2010.yaml").read_text(encoding="utf-8")
    text = text.replace("标准.目标任务完成.loss_per_point:", "标准.目标任务完成.loss_per_pt:")
    _, issues = check_scheme_text(text, "x.yaml")
    line = next(n for n, s in enumerate(text.splitlines(), 1) if "loss_per_pt" in s)
    assert [(i.line, i.code) for i in issues] == [(line, "schema")]
    assert "loss_per_pt" in issues[0].message("zh")
