"""The peer of issue 15: a hand-written polars script that reads the long workbook and computes
the Anhui 2010 formula (rules/anhui-2010.yaml) for every district, printing the totals as JSON.
It does none of scorer's validation: it is what a user might write instead, and what the time of
``scorer assess --format json`` is compared with.

    pip install '.[bench]'
    python tests/benchmarks/polars_peer.py .bench/long-10000-2010.xlsx

Title row above the header (row 2), as ``workbooks.long_workbook`` writes it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polars as pl
import yaml

ROOT = Path(__file__).resolve().parents[2]


def weights() -> dict[str, float]:
    scheme = yaml.safe_load((ROOT / "rules" / "anhui-2010.yaml").read_text(encoding="utf-8"))
    found = {}
    for project in scheme["projects"]:
        for name in [project["name"], *project.get("aliases", [])]:
            found[name] = project["weight"]
    return found


def linear(rate: pl.Expr) -> pl.Expr:
    """完成率100%得满分，每低1个百分点扣2%，扣完为止."""
    return (1 - (1 - rate.clip(upper_bound=1)) * 100 * 0.02).clip(lower_bound=0)


def main(path: str) -> None:
    frame = pl.read_excel(path, sheet_id=1, read_options={"header_row": 1})
    projects = weights()
    frame = frame.with_columns(
        pl.col("项目").replace_strict(projects, default=None).alias("weight"),
        pl.col("扣分").fill_null(0),
    )
    paid = pl.col("拨付资金") / pl.col("计划资金")
    tiers = (
        pl.when(paid >= 0.95).then(1.0).when(paid >= 0.85).then(0.8).when(paid >= 0.70)
        .then(0.6).otherwise(0.0)
    )  # fmt: skip
    share = (
        0.60 * linear(pl.col("完成") / pl.col("目标任务"))
        + 0.25 * tiers
        + 0.15 * pl.col("督查评分") / 100
    )
    scored = frame.with_columns(
        (pl.col("weight") * share - pl.col("扣分")).clip(lower_bound=0).alias("score")
    )
    totals = scored.group_by("地区", maintain_order=True).agg(
        pl.col("score").sum(),
        (100 * linear(pl.col("到位资金").sum() / pl.col("计划资金").sum())).alias("funds"),
    )
    totals = totals.with_columns((pl.col("score") + pl.col("funds")).round(2).alias("total"))
    totals = totals.with_columns(pl.col("total").rank("min", descending=True).alias("rank"))
    rows = totals.select("地区", "total", "rank").to_dicts()
    sys.stdout.write(json.dumps(rows, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
