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
    order = assessment.scores.index.get_indexer(ranking.table["district"])
    held = assessment.suspended.to_numpy(dtype=bool)[order]
    points = assessment.scores.to_numpy(dtype=float)[order]
    names = list(assessment.scores.columns)
    grouped = "city" in ranking.table
    districts = []
    for position, row in enumerate(ranking.table.itertuples(index=False)):
        values = [
            None if held[position, i] or not math.isfinite(v) else v
            for i, v in enumerate(points[position].tolist())
        ]
        districts.append(
            {
                "district": row.district,
                "total": _number(row.total),
                "rank": int(row.rank),
                "grade": row.grade,
                "earned": _number(row.earned),
                "available": _number(row.available),
                "suspended": [n for n, h in zip(names, held[position]) if h],
                "survey_rank": None if pd.isna(row.survey_rank) else int(row.survey_rank),
                "projects": dict(zip(names, values)),
            }
        )
        if grouped:
            districts[-1]["city"] = row.city
            districts[-1]["city_rank"] = int(row.city_rank)
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
            "level": assessment.level,
            "tie_break": [name for name, _ in ranking.chain],
            "strict_ranks": scheme.ranking.strict,
        },
        "districts": districts,
        "survey": survey,
        "awards": awards_list(ranking, lang),
        "ties": [
            {
                "total": t.total,
                "city": t.where or None,
                "districts": t.districts,
                "values": t.values,
                "ranks": t.ranks,
            }
            for t in ranking.ties
        ],  # fmt: skip
        "issues": [i.to_dict(lang) for i in issues],
    }


def awards_list(ranking: Ranking, lang: str = "zh") -> list[dict[str, Any]]:
    """Each award: its rule in words, the winners, and per city the quota, how many were
    eligible, the winners and any tie on the quota line."""
    return [
        {
            "award": award.name,
            "rule": award.rule[lang],
            "skipped": award.skipped[lang] if award.skipped else None,
            "quota": sum(g.quota for g in award.groups),
            "winners": award.winners,
            "groups": [
                {
                    "city": g.group or None,
                    "quota": g.quota,
                    "eligible": g.eligible,
                    "winners": g.winners,
                    "tie": g.note[lang] if g.note else None,
                }
                for g in award.groups
            ],  # fmt: skip
        }
        for award in ranking.awards
    ]


def whatif_dict(
    before: Ranking,
    after: Ranking,
    changes: list[dict[str, str]],
    issues: list[Issue],
    lang: str = "zh",
) -> dict[str, Any]:
    """The object of ``assess --format json`` for the changed scheme, each district with its
    rank, total and grade before the change, and the changes in words."""
    body = to_dict(after, issues, lang)
    old = before.table.set_index("district")
    for district in body["districts"]:
        name = district["district"]
        known = name in old.index
        district["rank_before"] = int(old.at[name, "rank"]) if known else None
        district["total_before"] = _number(old.at[name, "total"]) if known else None
        district["grade_before"] = old.at[name, "grade"] if known else None
    body["scheme"]["total_before"] = before.assessment.scheme.total
    body["changes"] = [c[lang] for c in changes]
    return body


def dumps(body: dict[str, Any]) -> str:
    """JSON with one line per key, and per element of a list: readable, grep-able, and written
    by the C encoder (an indented dump falls back to pure Python: seconds for 10,000 districts)."""

    one = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode

    parts = []
    for key, value in body.items():
        if isinstance(value, list) and value:
            items = ",\n".join("    " + one(item) for item in value)
            parts.append(f"  {one(key)}: [\n{items}\n  ]")
        else:
            parts.append(f"  {one(key)}: {one(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def to_json(ranking: Ranking, issues: list[Issue], lang: str = "zh") -> str:
    return dumps(to_dict(ranking, issues, lang))


def issues_json(issues: list[Issue], lang: str = "zh", **summary: Any) -> str:
    """The problems alone (when there is no ranking, or for ``scorer check``)."""
    return dumps({**summary, "issues": [i.to_dict(lang) for i in issues]})


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
