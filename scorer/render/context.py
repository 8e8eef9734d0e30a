"""What the HTML and Markdown reports show, as plain values: the report's context."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..explain import district_view
from ..messages import render, words
from ..scheme import rules_summary
from ..subtotals import level_tables
from .json import awards_list

# Past this many districts the HTML and Markdown reports keep the ranking whole but show charts
# and district sections for the first ones only: nobody reads 10,000 sections, and the file
# would run to hundreds of MB. scorer explain and the Excel workbook have every district.
DETAIL_LIMIT = 100


def file_digests(files: list[Path]) -> list[tuple[str, str]]:
    """(name, SHA-256) of each input file, so the report can be audited later."""
    out = []
    for path in files:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        out.append((str(path), digest.hexdigest()))
    return out


def method_summary(scheme, project, lang: str) -> str:
    """How a project is scored, in a line: its template's name, or its indicators and shares."""
    template = scheme.template_name(project)
    if template is not None and project.indicators is None:
        return render("template_named", lang, template=template)
    return rules_summary(scheme.rules_of(project), lang)


# ----------------------------------------------------------------------------- the report's content


def report_context(result, lang: str = "zh", robustness=None) -> dict[str, Any]:
    """Everything the HTML and Markdown reports show, as plain values."""
    ranking = result.ranking
    assessment = ranking.assessment
    scheme = assessment.scheme
    explain = result.explainer()
    rows = ranking_rows(ranking)
    weights, templates_used = weight_rows(scheme, lang)
    labels: Mapping[str, str] = words(lang)
    if any(p.level == "survey" for p in scheme.projects):  # the survey is also in the total
        labels = {**labels, "survey": labels["survey_weighted"]}
    return {
        "lang": lang,
        "t": labels,
        "scheme": scheme,
        "month": assessment.month if scheme.schedule.expected is not None else None,
        "grades": [(g, f * scheme.total) for g, f in scheme.grades.items()],
        "rows": rows,
        "any_rescaled": any(r["rescaled"] for r in rows),
        "items": [p.name for p in scheme.projects],
        "shares": project_shares(assessment, rows[:DETAIL_LIMIT]),
        "survey": [
            {"rank": int(s.rank), "district": s.district, "satisfaction": s.satisfaction}
            for s in ranking.survey.itertuples(index=False)
        ],
        "districts": [
            district_view(explain(d)) for d in list(ranking.table["district"][:DETAIL_LIMIT])
        ],
        "cut": len(rows) > DETAIL_LIMIT,
        "limit": DETAIL_LIMIT,
        "issues": sorted(result.issues, key=_issue_order),
        "weights": weights,
        "weight_sum": sum(p.weight for p in scheme.projects),
        # each template a project uses, in a line: 模板“标准”：目标任务完成 60%（线性扣分） · …
        "templates": [
            render("template_named", lang, template=name) + labels["punct.colon"] + summary
            for name, summary in templates_used.items()
        ],
        "files": file_digests(result.data.files),
        "precision": scheme.precision,
        "grouped": "city" in ranking.table,
        "awards": awards_list(ranking, lang),
        "ties": ranking.ties,
        "chain": words(lang)["sep.list"].join(name for name, _ in ranking.chain),
        "robust": robust_layout(robustness, lang) if robustness is not None else None,
        # the indicator tree's subtotals, a table per level (None: a flat scheme)
        "tree": level_tables(assessment, [r["district"] for r in rows], lang),
        **_summary(result, lang, rows),
    }


def _summary(result, lang: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The summary the report opens with, as the 通报 words it: the overall picture and the
    results in sentences, and the projects behind (by 牵头单位). Only the 通报's opening is
    written: its shortcomings and attachments (附件2 names 150,000 tasks) are not shown here."""
    from .notice import letterhead, opening

    begun = opening(result, letterhead(result.scheme), lang, rows)
    return {
        "summary": [text for kind, text in begun.blocks if kind == "para"],
        "lagging": begun.lagging,
    }


def _issue_order(issue) -> tuple[int, str, str]:
    """Errors first, then warnings, then notes; within each, by file and sheet."""
    return ({"error": 0, "warning": 1}.get(issue.severity, 2), issue.file or "", issue.sheet or "")


def ranking_rows(ranking) -> list[dict[str, Any]]:
    """A row per district in rank order: rank, total, grade (and its place), survey rank,
    whether it was rescaled (折算), and its city and rank there when the data have cities."""
    assessment = ranking.assessment
    grades = list(assessment.scheme.grades)
    rescaled = assessment.suspended.any(axis=1).reindex(ranking.table["district"]).to_numpy()
    rows = []
    for r, any_suspended in zip(ranking.table.itertuples(index=False), rescaled):
        rows.append(
            {
                "rank": int(r.rank),
                "district": r.district,
                "total": r.total,
                "grade": r.grade,
                "grade_index": grades.index(r.grade),
                "survey_rank": None if pd.isna(r.survey_rank) else int(r.survey_rank),
                "rescaled": bool(any_suspended),
                "city": getattr(r, "city", None),
                "city_rank": int(r.city_rank) if hasattr(r, "city_rank") else None,
            }
        )
    return rows


def project_shares(assessment, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The heat map's cells: for each district shown, each project's points and their share of
    the project's weight (None when suspended)."""
    weights = {p.name: p.weight for p in assessment.scheme.projects}
    shares = []
    for r in rows:
        cells = []
        for name, weight in weights.items():
            score = assessment.scores.at[r["district"], name]
            # an item for other units only (applies_to) has no points either
            suspended = bool(assessment.suspended.at[r["district"], name]) or bool(pd.isna(score))
            cells.append(
                {
                    "project": name,
                    "share": None if suspended else float(score) / weight,
                    "points": None if suspended else float(score),
                    "weight": weight,
                }
            )
        shares.append({"district": r["district"], "cells": cells})
    return shares


def weight_rows(scheme, lang: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The weight table (number, project, aliases, weight, how it is scored), and the rules of
    each template a project uses."""
    templates_used = {}
    rows = []
    for number, project in enumerate(scheme.projects, 1):
        template = scheme.template_name(project)
        if template is not None and project.indicators is None:
            templates_used[template] = rules_summary(scheme.templates[template], lang)
        rows.append(
            {
                "number": number,
                "name": project.name,
                "aliases": project.aliases,
                "weight": project.weight,
                "method": method_summary(scheme, project, lang),
            }
        )
    return rows, templates_used


def robust_layout(found, lang: str) -> dict[str, Any]:
    """Rank-interval bars of a sensitivity run, for the first DETAIL_LIMIT districts: x is the
    rank (1 on the left), the bar spans the 5th–95th percentile ranks."""
    table = found.table.head(DETAIL_LIMIT)
    left, width, row = 110, 480, 20
    count = max(int(found.table["rank_p95"].max()), int(found.table["rank"].max()), 2)

    def x(rank: float) -> float:
        return round(left + (rank - 1) / (count - 1) * width, 1)

    bars = [
        {"district": r.district, "y": i * row + 6, "rank": int(r.rank),
         "median": f"{r.median_rank:g}", "p5": int(r.rank_p5), "p95": int(r.rank_p95),
         "kept": float(r.grade_kept),
         "award": bool(r.award) if found.award else None,
         "award_share": float(r.award_share) if found.award else None,
         "x5": x(r.rank_p5), "x95": x(r.rank_p95), "xm": x(r.median_rank), "xn": x(r.rank)}
        for i, r in enumerate(table.itertuples(index=False))
    ]  # fmt: skip
    step = max(1, round(count / 10))
    ticks = [{"x": x(k), "label": str(k)} for k in [1, *range(step, count + 1, step)] if k <= count]
    return {"bars": bars, "left": left, "width": width, "height": len(bars) * row + 30,
            "ticks": ticks, "varied": found.varied.render(lang), "held": found.held.render(lang),
            "award": found.award}  # fmt: skip
