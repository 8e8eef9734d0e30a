"""Warnings a reviewer would raise over rows without errors: the scheme's own checks, and
districts whose data are identical (a return copied for another district)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..formula import parse_formula
from ..messages import Given
from .dataset import where
from .issues import CheckedRows


def review(rows: CheckedRows) -> None:
    """The scheme's checks (on rows without errors, where they would only repeat them), then
    districts with identical data."""
    check_scheme_reviews(rows)
    check_identical_districts(rows)


def check_scheme_reviews(rows: CheckedRows) -> None:
    """Each of the scheme's ``checks`` (a formula that flags a row) as a warning at its cell."""
    frame, scheme = rows.frame, rows.scheme
    clean = np.ones(len(frame), dtype=bool)
    if rows.faulty:
        faulty = rows.faulty
        clean = np.array(
            [(s, r) not in faulty for s, r in zip(frame["_source"], frame["_row"])], dtype=bool
        )
    active = frame[~frame["suspended"].astype(bool).to_numpy() & clean]
    for check in scheme.checks:
        formula = parse_formula(check.when)
        keys = [scheme.column_key(n) for n in formula.names]
        flagged = formula.evaluate(lambda name: active[scheme.column_key(name)].astype(float))
        key = scheme.column_key(check.column) if check.column else keys[0]
        params = {"message": Given(check.message, check.message_en)}
        for position in np.flatnonzero(np.asarray(flagged, dtype=bool)):
            row = active.iloc[position]
            rows.issues.add(
                "review", params, severity="warning", value=float(row[key]),
                **where(rows.sources, int(row["_source"]), int(row["_row"]), key),
            )  # fmt: skip


def check_identical_districts(rows: CheckedRows) -> None:
    """A district whose rows (project, status, figures) are those of an earlier district."""
    frame = rows.frame
    if frame["district"].nunique() < 2 or not rows.scheme.measure_keys():
        return
    fingerprints = _fingerprints(frame, rows.scheme.measure_keys())
    firsts = frame.drop_duplicates("district").set_index("district")
    seen: dict[tuple[int, int], str] = {}
    for district in frame["district"].unique():
        fingerprint = fingerprints[district]
        if fingerprint not in seen:
            seen[fingerprint] = district
            continue
        rows.issues.add(
            "identical-district",
            {"district": district, "other": seen[fingerprint]},
            severity="warning",
            **where(
                rows.sources,
                int(firsts.at[district, "_source"]),
                int(firsts.at[district, "_row"]),
                None,
            ),
        )


def _fingerprints(frame: pd.DataFrame, measures: list[str]) -> dict[str, tuple[int, int]]:
    """A district's fingerprint: the hashes of its rows (project, status, figures) weighted by
    their place in project order, summed, and the number of rows."""
    ordered = frame.sort_values(["district", "project"], kind="stable")
    content = ordered[["project", "suspended"]].copy()
    for key in measures:
        content[key] = ordered[key].astype(float).round(9)
    row_hashes = pd.util.hash_pandas_object(content, index=False).to_numpy()
    districts = ordered["district"].to_numpy()
    starts = np.flatnonzero(
        np.r_[True, districts[1:] != districts[:-1]]
    )  # sorted: groups are contiguous
    place = np.arange(len(districts)) - np.repeat(starts, np.diff(np.r_[starts, len(districts)]))
    with np.errstate(over="ignore"):  # arithmetic modulo 2**64 on purpose
        weighted = row_hashes * (
            place.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(1)
        )
        sums = np.add.reduceat(weighted, starts)
    sizes = np.diff(np.r_[starts, len(districts)])
    return dict(zip(districts[starts], zip(sums.tolist(), sizes.tolist())))
