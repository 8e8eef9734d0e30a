"""scorer compare and scorer trend: monthly returns against the time schedule (序时进度)."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, RULES, TONGLING_HEADER, write_xlsx
from conftest import cli as run

from scorer import assess
from scorer.cli import sparkline
from scorer.scheme import load_scheme

TONGLING = load_scheme(RULES / "tongling-2015.yaml")
PROJECTS = [p.name for p in TONGLING.projects if p.level == "project"]
HEADER = TONGLING_HEADER


def month(tmp_path, number: int, done: dict[str, dict[str, float]]) -> str:
    """Returns of 甲区 and 乙区: every project's completion is \
``done[district].get(project, on schedule)``."""
    due = {6: 0.5, 7: 0.6}[number]
    rows = [
        [d, p, 100, 100 * done.get(d, {}).get(p, due), 90, None, None, 100, 50]
        for d in ("甲区", "乙区")
        for p in PROJECTS
    ]
    path = tmp_path / f"tongling-2015-{number:02d}.xlsx"
    write_xlsx(path, {"s": [HEADER, *rows]})
    return str(path)


@pytest.fixture()
def two_months(tmp_path):
    june = month(tmp_path, 6, {"乙区": {"农家书屋": 0.40}})  # 乙 10 points behind on 农家书屋
    july = month(tmp_path, 7, {"甲区": {"农家书屋": 0.55}})  # now 甲 falls 5 points behind
    return june, july


def test_schedule_scores_behind_and_totals(two_months):
    june, july = (assess([p], TONGLING, month=m).ranking for p, m in zip(two_months, (6, 7)))
    # 10 points behind, 2% a point, on the 60% schedule part of 农家书屋's 10 points: 1.2 lost
    assert dict(zip(june.table["district"], june.table["total"])) == pytest.approx(
        {"甲区": 100, "乙区": 98.8}
    )
    # July: 甲 loses 0.6 (5 points behind); both gain the capped 1 point of 农民工技能培训,
    # whose own rule is full at 50% with 0.1 a point above (60% done: +1, at most 1)
    assert dict(zip(july.table["district"], july.table["total"])) == pytest.approx(
        {"乙区": 101, "甲区": 100.4}
    )


def test_compare_rank_moves_and_who_fell_behind(two_months):
    result = run("compare", *two_months, "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    moves = {d["district"]: (d["rank_before"], d["rank"], d["move"]) for d in body["districts"]}
    assert moves == {"乙区": (2, 1, 1), "甲区": (1, 2, -1)}
    assert [(x["district"], x["project"]) for x in body["fell_behind"]] == [("甲区", "农家书屋")]
    lag = body["behind"][0]
    assert (lag["district"], lag["project"], lag["done"], lag["expected"]) == (
        "甲区",
        "农家书屋",
        pytest.approx(0.55),
        0.6,
    )
    table = run("compare", *two_months)
    assert "甲区：农家书屋，完成 55.0%，应达 60.0%" in table.stdout
    assert "甲区（1）：农家书屋 55.0%/60.0%" in table.stdout


def test_trend_over_the_bundled_months():
    result = run("trend", "samples/tongling-2015-*.xlsx", "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["periods"] == ["6月", "7月", "8月"]
    for number, column in zip((6, 7, 8), range(3)):
        ranking = assess(
            [ROOT / f"samples/tongling-2015-{number:02d}.xlsx"], TONGLING, month=number
        ).ranking
        totals = dict(zip(ranking.table["district"], ranking.table["total"]))
        for district in body["districts"]:
            assert district["totals"][column] == pytest.approx(totals[district["district"]])
    table = run(
        "trend",
        "samples/tongling-2015-06.xlsx",
        "samples/tongling-2015-08.xlsx",
        "samples/tongling-2015-07.xlsx",
    )
    assert (
        table.stdout.index("6月") < table.stdout.index("7月") < table.stdout.index("8月")
    )  # by month


def test_sparkline():
    assert sparkline([0, 50, 100], 0, 100) == "▁▄█"
    assert sparkline([5, 5], 5, 5) == "▄▄"


def test_trend_html_draws_each_district_on_one_scale(tmp_path):
    import re

    out = tmp_path / "trend.html"
    result = run("trend", "samples/tongling-2015-*.xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    lines = re.findall(r'<polyline points="([^"]+)"', html)
    assert len(lines) == 4  # one chart per district
    body = json.loads(run("trend", "samples/tongling-2015-*.xlsx", "--format", "json").stdout)
    totals = [t for d in body["districts"] for t in d["totals"]]
    low, high = min(totals), max(totals)
    for district, points in zip(body["districts"], lines):
        ys = [float(p.split(",")[1]) for p in points.split()]
        for y, total in zip(ys, district["totals"]):  # 10 px margins on a 40 px chart
            assert y == pytest.approx(10 + (1 - (total - low) / (high - low)) * 20, abs=0.06)
        assert f"{district['district']}</td>" in html
    assert "default-src 'none'" in html  # the same closed page as the report
    assert (
        run("trend", "samples/tongling-2015-*.xlsx", "-o", str(tmp_path / "t.pdf")).exit_code == 2
    )


# ----------------------------------------------------------------------------- periods apart


@pytest.fixture(params=[1, 2], ids=["here", "apart"])
def processes(request, monkeypatch):
    """compare and trend with their periods read here, one after another, and shared with a
    forked worker (forced: the test's own threads would make the command read them here)."""
    import scorer.pipeline

    monkeypatch.setattr(scorer.pipeline, "parallel_processes", lambda count: request.param)
    return request.param


@pytest.mark.parametrize(
    "args",
    [
        ["trend", "samples/tongling-2015-*.xlsx", "--format", "json"],
        ["trend", "samples/tongling-2015-08.xlsx", "samples/tongling-2015-06.xlsx",
         "samples/tongling-2015-07.xlsx", "--lang", "en"],
        ["compare", "samples/2010.xlsx", "samples/2010-errors.xlsx"],  # the worker's has errors
        ["compare", "samples/2010.xlsx", "samples/missing.xlsx"],  # the worker's cannot be read
        ["trend", "samples/tongling-2015-06.xlsx", "samples/2010.xlsx"],  # two schemes
    ],
)  # fmt: skip
def test_periods_apart_say_what_they_said_here(args, processes, monkeypatch):
    import scorer.pipeline

    result = run(*args)
    monkeypatch.setattr(scorer.pipeline, "parallel_processes", lambda count: 1)
    here = run(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (
        here.exit_code, here.stdout, here.stderr,
    )  # fmt: skip
    assert "Traceback" not in result.stderr


def test_a_job_apart_that_fails_or_dies_is_given_as_none(tmp_path):
    import os

    from scorer.pipeline import Apart

    def job(index: int) -> object:
        if index == 3:
            raise ValueError("this one is done by the caller")
        if index == 5:
            os._exit(9)  # the worker dies: its later jobs are not to be had either
        return {"index": index, "pid": os.getpid()}

    apart = Apart(8, job, 2)
    try:
        given = [None if apart.mine(i) else apart.take(i) for i in range(8)]
    finally:
        apart.close()
    assert [g if g is None else g["index"] for g in given] == [None, 1, None, None, None,
                                                                None, None, None]  # fmt: skip
    assert given[1]["pid"] != os.getpid()
    assert [apart.mine(i) for i in range(4)] == [True, False, True, False]
