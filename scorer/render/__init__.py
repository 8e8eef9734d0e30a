"""Rendering results: the JSON of ``assess --format json``, and writing files whole or not at all."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import Issue
from ..ranking import Ranking


def _number(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def to_dict(ranking: Ranking, issues: list[Issue], lang: str = "zh") -> dict[str, Any]:
    """The assessment as one plain object; numbers unrounded, rounding is for display."""
    assessment = ranking.assessment
    scheme = assessment.scheme
    scores = assessment.scores.where(~assessment.suspended)
    districts = []
    for row in ranking.table.itertuples(index=False):
        projects = {name: _number(scores.at[row.district, name]) for name in scores.columns}
        districts.append(
            {
                "district": row.district,
                "total": _number(row.total),
                "rank": int(row.rank),
                "grade": row.grade,
                "earned": _number(row.earned),
                "available": _number(row.available),
                "suspended": [
                    n for n in scores.columns if assessment.suspended.at[row.district, n]
                ],
                "survey_rank": None if pd.isna(row.survey_rank) else int(row.survey_rank),
                "projects": projects,
            }
        )
    survey = [
        {"district": r.district, "satisfaction": _number(r.satisfaction), "rank": int(r.rank)}
        for r in ranking.survey.itertuples(index=False)
    ]
    return {
        "scheme": {
            "name": scheme.name,
            "year": scheme.year,
            "total": scheme.total,
            "month": assessment.month,
        },
        "districts": districts,
        "survey": survey,
        "issues": [i.to_dict(lang) for i in issues],
    }


def to_json(ranking: Ranking, issues: list[Issue], lang: str = "zh") -> str:
    return json.dumps(to_dict(ranking, issues, lang), ensure_ascii=False, indent=2) + "\n"


def issues_json(issues: list[Issue], lang: str = "zh", **summary: Any) -> str:
    """The problems alone (when there is no ranking, or for ``scorer check``)."""
    body = {**summary, "issues": [i.to_dict(lang) for i in issues]}
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


# ----------------------------------------------------------------------------- files


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write a whole file or nothing: a temporary file beside it, then a rename."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
