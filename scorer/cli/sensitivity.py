"""scorer sensitivity: how firm each rank and grade are when the weights move."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ..messages import render, words
from ..untrusted import visible
from .help import Command
from .options import (
    data_options,
    format_option,
    lang_option,
    level_option,
    option,
    output_option,
    seed,
    spread,
    top_option,
)
from .outputs import check_outputs, write_reports
from .run import run
from .terminal import console, print_table, require_ranking

if TYPE_CHECKING:
    from rich.console import JustifyMethod

    from ..sensitivity import Sensitivity


@click.command(cls=Command, help="help_sensitivity", short_help="help_short_sensitivity")
@data_options
@option(
    "--draws",
    type=click.IntRange(1, 1_000_000),
    default=2000,
    show_default=True,
    metavar="metavar_n",
    help="help_opt_draws",
)
@option(
    "--spread",
    default="20%",
    show_default=True,
    callback=lambda ctx, param, value: spread(value),
    metavar="metavar_share",
    help="help_opt_spread",
)
@option(
    "--seed",
    default="0",
    show_default=True,
    callback=lambda ctx, param, value: seed(value),
    metavar="metavar_seed",
    help="help_opt_seed",
)
@format_option
@top_option
@output_option("help_opt_output_sensitivity")
@level_option
@lang_option
def sensitivity(
    data: tuple[str, ...],
    rules: str | None,
    month: int | None,
    draws: int,
    spread: float,
    seed: int,
    fmt: str,
    top: int | None,
    outputs: tuple[str, ...],
    lang: str,
) -> None:
    """How firm is each rank when the weights move? Monte Carlo over the weights (total kept)."""
    check_outputs(outputs, data, lang, (".html", ".htm", ".md"), rules)
    result = run(data, rules, month, lang)
    from ..render import dumps
    from ..sensitivity import sensitivity as simulate

    ranking = require_ranking(result)
    found = simulate(ranking.assessment, draws, spread, seed, result.data)
    text = words(lang)
    click.echo(visible(f"{text['varied']}: {found.varied.render(lang)}"), err=True)
    click.echo(visible(f"{text['held']}: {found.held.render(lang)}"), err=True)
    write_reports(result, outputs, lang, found)
    if fmt == "json":
        click.echo(dumps(_as_json(found, lang)), nl=False)
        return
    _print_firmness(found, lang, top)


def _as_json(found: Sensitivity, lang: str) -> dict[str, Any]:
    """The run's settings and, per district, its rank, median rank, range and grade kept."""
    rows = [
        {
            "district": r.district,
            "rank": int(r.rank),
            "median_rank": float(r.median_rank),
            "rank_p5": int(r.rank_p5),
            "rank_p95": int(r.rank_p95),
            "grade": r.grade,
            "grade_kept": float(r.grade_kept),
        }
        for r in found.table.itertuples(index=False)
    ]
    if found.award:
        for row, r in zip(rows, found.table.itertuples(index=False)):
            row.update(award=bool(r.award), award_share=float(r.award_share))
    return {
        "draws": found.draws,
        "spread": found.spread,
        "seed": found.seed,
        "varied": found.varied.render(lang),
        "held": found.held.render(lang),
        "districts": rows,
    }


def _print_firmness(found: Sensitivity, lang: str, top: int | None) -> None:
    """The table of ranks and grades under the draws, with the award's share if one is drawn."""
    text = words(lang)
    columns: list[tuple[str, JustifyMethod]] = [
        (text["rank"], "right"), (text["district"], "left"), (text["median_rank"], "right"),
        (text["rank_range"], "right"), (text["grade"], "left"), (text["grade_kept"], "right")
    ]  # fmt: skip
    if found.award:
        columns.append((render("award_share", lang, award=found.award), "right"))
    shown = found.table if top is None else found.table.head(top)
    rows: list[list[str | tuple[str, str]]] = []
    for r in shown.itertuples(index=False):
        cells: list[str | tuple[str, str]] = [
            str(r.rank), r.district, f"{r.median_rank:g}", f"{r.rank_p5}–{r.rank_p95}",
            r.grade, f"{r.grade_kept:.0%}"
        ]  # fmt: skip
        if found.award:
            cells.append(f"{'★ ' if r.award else ''}{r.award_share:.0%}")
        rows.append(cells)
    print_table(console(), columns, rows)
    if found.award:
        console().print(render("award_share_note", lang, award=found.award), style="dim")
