"""Each scoring method, including its edges: zero and missing values, caps, floors, ties."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from pydantic import TypeAdapter, ValidationError

from scorer import scheme as s
from scorer.methods import METHODS, Context

INDICATOR = TypeAdapter(s.Indicator)


def run(spec: dict, values: list, points: float = 10.0, month: int = 12, expected=None) -> list:
    indicator = INDICATOR.validate_python({"name": "x", "share": 1, "value": "v", **spec})
    scheme = s.Scheme.model_validate(
        {
            "name": "t",
            "year": 2015,
            "total": 10,
            "grades": {"合格": 0.6, "不合格": 0},
            "columns": {"district": {"label": "地区"}, "project": {"label": "项目"}},
            "schedule": {"month": 12, "expected": expected},
            "projects": [
                {
                    "name": "p",
                    "weight": 10,
                    "indicators": [{"name": "x", "share": 1, "method": "pass_fail", "value": "1"}],
                }
            ],
        }
    )
    out = METHODS[indicator.method](
        pd.Series(values, dtype=float), indicator, Context(points, month, scheme)
    )
    return [None if math.isnan(v) else round(v, 10) for v in out]


def test_registry_matches_the_scheme_language():
    assert set(METHODS) == set(s.METHOD_NAMES)
    for name, method in METHODS.items():
        assert (method.__doc__ or "").strip().splitlines()[0], (
            name
        )  # each states its rule in a sentence


def test_proportional_caps_at_full_and_floors_at_zero():
    assert run({"method": "proportional"}, [0, 0.5, 1, 1.3, -0.2, None]) == [0, 0.5, 1, 1, 0, None]
    assert run({"method": "proportional", "full_at": 0.8}, [0.4, 0.8]) == [0.5, 1]


def test_linear_loss_per_point_and_floor():
    spec = {"method": "linear", "loss_per_point": 0.02}
    assert run(spec, [1, 0.92, 0.5, 0.4, 0, 1.2, None]) == [1, 0.84, 0, 0, 0, 1, None]


def test_linear_in_points_with_gain_and_cap():
    # 完成得满分，每少1%扣1分；每增加1%加1分，最高加2分 (10-point indicator)
    spec = {
        "method": "linear",
        "loss_points_per_point": 1,
        "gain_points_per_point": 1,
        "max_gain_points": 2,
    }
    assert run(spec, [1, 0.97, 1.01, 1.05, 0.5]) == [1, 0.7, 1.1, 1.2, 0]
    assert run({**spec, "floor": 0.6}, [0.5]) == [0.6]


def test_linear_needs_a_loss_and_refuses_both_units():
    with pytest.raises(ValidationError):
        INDICATOR.validate_python({"name": "x", "share": 1, "value": "v", "method": "linear"})
    with pytest.raises(ValidationError):
        INDICATOR.validate_python(
            {
                "name": "x",
                "share": 1,
                "value": "v",
                "method": "linear",
                "loss_per_point": 0.1,
                "loss_points_per_point": 1,
            }
        )


def test_linear_float_noise_at_full_mark_is_full():
    assert run({"method": "linear", "loss_per_point": 0.02}, [0.1 + 0.2 + 0.7 - 1e-12]) == [1]


def test_tiers_inclusive_lower_bounds_and_otherwise():
    spec = {
        "method": "tiers",
        "tiers": [{"min": 0.95, "score": 1}, {"min": 0.85, "score": 0.8}],
        "otherwise": 0.1,
    }
    assert run(spec, [0.95, 0.9499, 0.85, 0.5, 19 / 20, None]) == [1, 0.8, 0.8, 0.1, 1, None]


def test_tiers_in_points():
    # 满意度90分以上满分(10分)，90分以下扣1分；80分以下扣5分
    spec = {
        "method": "tiers",
        "tiers": [{"min": 90, "points": 10}, {"min": 80, "points": 9}, {"min": 0, "points": 5}],
    }
    assert run(spec, [95, 90, 85, 60]) == [1, 1, 0.9, 0.5]


def test_tiers_must_be_listed_highest_first():
    with pytest.raises(ValidationError):
        INDICATOR.validate_python(
            {
                "name": "x",
                "share": 1,
                "value": "v",
                "method": "tiers",
                "tiers": [{"min": 1, "score": 1}, {"min": 2, "score": 1}],
            }
        )


def test_pass_fail():
    assert run({"method": "pass_fail"}, [1, 0.999, 2, 0, None]) == [1, 0, 1, 0, None]


def test_schedule_against_month_table_and_default():
    table = {6: 0.5, 12: 1.0}
    # June: half the year's target is on schedule
    assert run({"method": "schedule"}, [0.5, 0.25, 0.6, 0], month=6, expected=table) == [
        1,
        0.5,
        1,
        0,
    ]
    # without a table: elapsed months ÷ 12 (March: 25%)
    assert run({"method": "schedule"}, [0.25, 0.125], month=3) == [1, 0.5]
    # 每落后1个百分点扣2%
    assert run(
        {"method": "schedule", "loss_per_point": 0.02}, [0.5, 0.45, 0.0], month=6, expected=table
    ) == [1, 0.9, 0]


def test_rank_points_bands_and_ties():
    spec = {
        "method": "rank_points",
        "bands": [{"ranks": "1-3", "points": 7}, {"ranks": "4-6", "points": 5}],
    }
    values = [10, 9, 9, 8, 7, 6, 5, None]
    # 9 and 9 tie at rank 2; ranks 1,2,2,4,5,6,7; rank 7 gets nothing
    assert run(spec, values, points=7) == [1, 1, 1, *[round(5 / 7, 10)] * 3, 0, None]


def test_rank_points_per_rank_and_ascending():
    bands = [{"ranks": r, "points": p} for r, p in zip(range(1, 6), [60, 57, 54, 51, 48])]
    assert run({"method": "rank_points", "bands": bands}, [5, 4, 3, 2, 1], points=60) == [
        1,
        0.95,
        0.9,
        0.85,
        0.8,
    ]
    spec = {"method": "rank_points", "order": "asc", "bands": [{"ranks": 1, "points": 10}]}
    assert run(spec, [3, 1, 2]) == [0, 1, 0]


def test_rank_band_text_is_checked():
    with pytest.raises(ValidationError):
        INDICATOR.validate_python(
            {
                "name": "x",
                "share": 1,
                "value": "v",
                "method": "rank_points",
                "bands": [{"ranks": "3-1", "points": 1}],
            }
        )


def test_relative_to_best():
    assert run({"method": "relative_to_best"}, [80, 100, 50, None]) == [0.8, 1, 0.5, None]
    assert run({"method": "relative_to_best"}, [0, 0]) == [
        0,
        0,
    ]  # nobody did anything: nobody scores
    assert run({"method": "relative_to_best", "order": "asc"}, [2, 4, 0]) == [0, 0, 1]
    assert run({"method": "relative_to_best", "order": "asc"}, [2, 4, 8]) == [1, 0.5, 0.25]
