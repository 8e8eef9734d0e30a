"""Scoring invariants over generated data: bounds, monotonicity, row order, determinism."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import RULES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorer.engine import score
from scorer.intake import Dataset
from scorer.ranking import rank
from scorer.render import to_json
from scorer.scheme import load_scheme

SCHEME = load_scheme(RULES / "anhui-2010.yaml")
PROJECTS = [p.name for p in SCHEME.projects if p.level == "project"]
WEIGHTS = {p.name: p.weight for p in SCHEME.projects}

row = st.fixed_dictionaries(
    {
        "target": st.floats(1, 1e4),
        "rate": st.floats(0, 2),
        "funds_planned": st.floats(1, 1e5),
        "in_place_rate": st.floats(0, 1.2),
        "paid_rate": st.floats(0, 1.2),
        "inspection": st.floats(0, 100),
        "deduction": st.sampled_from([0.0, 0.0, 0.0, 2.5, 40.0, 500.0]),
        "suspended": st.sampled_from([False] * 12 + [True]),
    }
)
districts = st.lists(
    st.lists(row, min_size=len(PROJECTS), max_size=len(PROJECTS)), min_size=1, max_size=4
)


def dataset(generated) -> Dataset:
    records = []
    for d, rows in enumerate(generated):
        for project, r in zip(PROJECTS, rows):
            records.append(
                {
                    "district": f"县{d}",
                    "project": project,
                    "suspended": r["suspended"],
                    "target": r["target"],
                    "completed": r["target"] * r["rate"],
                    "funds_planned": r["funds_planned"],
                    "funds_in_place": r["funds_planned"] * r["in_place_rate"],
                    "funds_disbursed": r["funds_planned"] * r["paid_rate"],
                    "inspection": r["inspection"],
                    "deduction": r["deduction"],
                    "_source": 0,
                    "_row": len(records) + 2,
                }
            )
    frame = pd.DataFrame(records)
    survey = pd.DataFrame({"district": [], "satisfaction": [], "_source": [], "_row": []})
    return Dataset(frame, list(dict.fromkeys(frame["district"])), survey, [], [], [])


def not_all_suspended(generated) -> bool:
    return all(not all(r["suspended"] for r in rows) for rows in generated)


FAST = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(districts)
def test_scores_stay_within_their_bounds(generated):
    assessment = score(SCHEME, dataset(generated))
    for name, weight in WEIGHTS.items():
        column = assessment.scores[name].where(~assessment.suspended[name]).dropna()
        assert ((column >= 0) & (column <= weight + 1e-9)).all(), name
    totals = assessment.total.dropna()
    assert ((totals >= 0) & (totals <= SCHEME.total + 1e-6)).all()


@FAST
@given(districts, st.integers(0, len(PROJECTS) - 1), st.floats(0, 1))
def test_more_completion_never_lowers_a_score(generated, project_index, extra):
    before = score(SCHEME, dataset(generated))
    generated[0][project_index] = {
        **generated[0][project_index],
        "rate": generated[0][project_index]["rate"] + extra,
    }
    after = score(SCHEME, dataset(generated))
    name = PROJECTS[project_index]
    if not generated[0][project_index]["suspended"]:
        assert after.scores.at["县0", name] >= before.scores.at["县0", name] - 1e-9
    assert after.total["县0"] >= before.total["县0"] - 1e-9 or pd.isna(before.total["县0"])


@FAST
@given(districts, st.randoms(use_true_random=False))
def test_row_order_never_changes_a_result(generated, random):
    data = dataset(generated)
    shuffled = dataset(generated)
    shuffled.rows = shuffled.rows.sample(frac=1, random_state=random.randint(0, 2**31)).reset_index(
        drop=True
    )
    a, b = score(SCHEME, data), score(SCHEME, shuffled)
    pd.testing.assert_series_equal(a.total.sort_index(), b.total.sort_index(), rtol=1e-12)


@FAST
@given(districts.filter(not_all_suspended))
def test_same_input_gives_byte_identical_output(generated):
    first = to_json(rank(score(SCHEME, dataset(generated))), [])
    second = to_json(rank(score(SCHEME, dataset(generated))), [])
    assert first == second


@pytest.mark.parametrize("deduction", [0, 10, 10_000])
def test_more_deduction_never_raises_a_score(deduction):
    generated = [[{"target": 10, "rate": 1, "funds_planned": 10, "in_place_rate": 1,
                   "paid_rate": 1, "inspection": 90, "deduction": 0.0, "suspended": False}
                  for _ in PROJECTS]]  # fmt: skip
    base = score(SCHEME, dataset(generated)).total["县0"]
    generated[0][0]["deduction"] = float(deduction)
    assert score(SCHEME, dataset(generated)).total["县0"] <= base
