"""The ranking as CSV for other systems: UTF-8 with a BOM, so that Excel opens it in Chinese."""

from __future__ import annotations

import csv
import io

from ..messages import render, words
from ..untrusted import visible
from .context import ranking_rows
from .notice import survey_word


def _cell(text: object) -> str:
    """Text from the returns as a CSV cell a spreadsheet shows and never runs: one starting
    like a formula (= + - @, or a tab or return before one) gets a leading apostrophe."""
    said = visible(text)
    return "'" + said if said[:1] in ("=", "+", "-", "@", "\t", "\r") else said


def render_csv(result, lang: str = "zh") -> bytes:
    """A row per unit in rank order: rank, unit, total (as published), grade, earned,
    available, (city, rank in city), survey rank."""
    t = words(lang)
    scheme = result.scheme
    ranking = result.ranking
    rows = ranking_rows(ranking)
    unit = scheme.column_word("district", lang)
    header = [t["rank"], unit, t["total"], t["grade"], t["earned"], t["available"]]
    grouped = any(r["city"] for r in rows)
    if grouped:
        header += [t["city"], t["city_rank"]]
    survey = survey_word(scheme, lang)
    if survey is not None:
        header.append(render("survey_rank_of", lang, survey=survey))
    table = ranking.table.set_index("district")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    places = scheme.precision
    for r in rows:
        line = [
            r["rank"], _cell(r["district"]), f"{r['total']:.{places}f}", _cell(r["grade"]),
            f"{float(table.at[r['district'], 'earned']):.{places}f}",
            f"{float(table.at[r['district'], 'available']):g}",
        ]  # fmt: skip
        if grouped:
            line += [_cell(r["city"] or ""), r["city_rank"]]
        if survey is not None:
            line.append("" if r["survey_rank"] is None else r["survey_rank"])
        writer.writerow(line)
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
