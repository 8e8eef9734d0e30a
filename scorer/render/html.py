"""The HTML reports: the assessment report with its charts, and the trend across periods."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..messages import words
from .context import DETAIL_LIMIT, file_digests, report_context
from .jinja import environment


def render_html(result, lang: str = "zh", robustness=None) -> str:
    context = report_context(result, lang, robustness)
    context["chart"] = _bar_chart(context["rows"][:DETAIL_LIMIT], context["scheme"].total)
    context["heat"] = _heat_layout(context["shares"], context["items"])
    return environment().get_template("report.html.j2").render(**context)


def _bar_chart(rows: list[dict], total: float) -> dict[str, Any]:
    """Geometry of a horizontal bar chart of the totals, in rank order (the template draws it)."""
    bar, gap, left, width = 18, 6, 110, 520
    top = max((r["total"] for r in rows), default=total) or total
    scale = max(total, top)
    bars = []
    for index, row in enumerate(rows):
        length = max(0.0, row["total"]) / scale * width
        bars.append({**row, "y": index * (bar + gap), "length": length})
    ticks = [scale * f for f in (0, 0.25, 0.5, 0.75, 1.0)]
    return {
        "bars": bars,
        "bar": bar,
        "left": left,
        "width": width,
        "height": len(rows) * (bar + gap) + 24,
        "ticks": [{"x": left + t / scale * width, "label": f"{t:,.0f}"} for t in ticks],
    }


def _heat_layout(shares: list[dict], items: list[str]) -> dict[str, Any]:
    cell, left, top = 20, 90, 190
    return {
        "cell": cell,
        "left": left,
        "top": top,
        "width": left + cell * len(items) + 10,
        "height": top + cell * len(shares) + 10,
    }


def render_trend(found, scheme, files: list[str], lang: str = "zh") -> str:
    """The trend report: a row per district with each period's total (rank), and an inline SVG
    of its totals on one scale shared by all rows, so the rows compare."""
    width, height, pad = 180, 40, 10
    every = [v for d in found.districts for v in found.totals[d] if v == v]
    low, high = (min(every), max(every)) if every else (0.0, 1.0)
    span = (high - low) or 1.0
    count = len(found.periods)

    def point(index: int, value: float) -> tuple[float, float]:
        x = pad + (index / (count - 1) if count > 1 else 0.5) * (width - 2 * pad)
        y = pad + (1 - (value - low) / span) * (height - 2 * pad)
        return round(x, 1), round(y, 1)

    rows = []
    for district in found.districts:
        totals, ranks = found.totals[district], found.ranks[district]
        points = [(*point(i, v), r) for i, (v, r) in enumerate(zip(totals, ranks)) if v == v]
        rows.append(
            {
                "district": district,
                "cells": list(zip(totals, ranks)),
                "points": points,
                "path": " ".join(f"{x},{y}" for x, y, _ in points),
            }
        )
    context = {
        "lang": lang,
        "t": words(lang),
        "scheme": scheme,
        "periods": found.periods,
        "rows": rows,
        "width": width,
        "height": height,
        "precision": scheme.precision,
        "files": file_digests([Path(f) for f in files]),
    }
    return environment().get_template("trend.html.j2").render(**context)
