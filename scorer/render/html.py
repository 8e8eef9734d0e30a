"""The HTML reports: the assessment report with its charts, and the trend across periods."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..messages import words
from .charts import axis, heat_colour, heat_floor, legend, text_width
from .context import DETAIL_LIMIT, file_digests, report_context
from .jinja import environment


def render_html(result, lang: str = "zh", robustness=None) -> str:
    context = report_context(result, lang, robustness)
    context["chart"] = _dot_chart(context["rows"][:DETAIL_LIMIT], context["scheme"])
    context["heat"] = _heat_layout(context["shares"], context["items"])
    return environment().get_template("report.html.j2").render(**context)


def _dot_chart(rows: list[dict], scheme) -> dict[str, Any]:
    """A dot per district on an axis from a round number below the lowest total to one above
    the highest: totals from 2,804 to 3,275 are told apart (the chart says where the axis
    starts). The left margin takes the longest name, so that none is clipped."""
    row, width = 22, 520
    left = max((text_width(r["district"], 12) for r in rows), default=40) + 14
    low, high, ticks = axis([r["total"] for r in rows], scheme.total)

    def x(value: float) -> float:
        return round(left + (value - low) / ((high - low) or 1) * width, 1)

    dots = [{**r, "y": i * row + row / 2, "x": x(r["total"])} for i, r in enumerate(rows)]
    return {
        "dots": dots,
        "left": left,
        "width": width,
        "low": f"{low:,g}",
        "height": len(rows) * row + 24,
        "ticks": [{"x": x(t), "label": f"{t:,g}"} for t in ticks],
    }


def _heat_layout(shares: list[dict], items: list[str]) -> dict[str, Any]:
    """The heat map's geometry: cells wide enough for their value, the left margin the longest
    district name, the top the longest project name at 60°: no label is clipped."""
    cell = 26
    left = max((text_width(s["district"], 11) for s in shares), default=40) + 12
    longest = max((text_width(name, 10) for name in items), default=40)
    top = round(longest * 0.87 + 16)
    every = [c["share"] for s in shares for c in s["cells"] if c["share"] is not None]
    low = heat_floor(every)
    for entry in shares:
        for c in entry["cells"]:
            c["fill"], c["ink"] = heat_colour(c["share"], low)
    return {
        "cell": cell,
        "left": left,
        "top": top,
        "width": round(left + cell * len(items) + longest * 0.5 + 10),
        "height": top + cell * len(shares) + 10,
        "legend": legend(low),
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
