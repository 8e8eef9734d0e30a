"""scorer assess (score and rank, print the ranking and awards) and scorer check (no ranking)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ..messages import render, words
from . import EXIT_PROBLEMS
from .help import Command
from .options import (
    data_options,
    db_option,
    format_option,
    lang_option,
    level_option,
    option,
    output_option,
    previous_option,
    top_option,
)
from .outputs import check_outputs, document_options, write_reports
from .run import run
from .terminal import GRADE_STYLE, console, errors, number, print_issues, print_table, say_units

if TYPE_CHECKING:
    from rich.console import JustifyMethod

    from ..pipeline import Result
    from ..ranking import Ranking
    from ..scheme import Scheme


@click.command(cls=Command, help="help_assess", short_help="help_short_assess")
@data_options
@format_option
@top_option
@output_option("help_opt_output_assess")
@document_options
@option("--city", metavar="metavar_city", help="help_opt_city")
@option("--save", is_flag=True, help="help_opt_save")
@db_option
@level_option
@previous_option
@lang_option
@click.pass_context
def assess(
    ctx: click.Context,
    data: tuple[str, ...],
    rules: str | None,
    month: int | None,
    fmt: str,
    top: int | None,
    outputs: tuple[str, ...],
    city: str | None,
    save: bool,
    db: str | None,
    lang: str,
) -> None:
    """Score and rank the districts in DATA; print the ranking and awards, write reports."""
    check_outputs(outputs, data, lang, rules=rules)
    result = run(data, rules, month, lang)
    from ..render import issues_json, to_json_chunks  # after the run: it imports pandas

    say_units(result, lang)
    shown_city = _city(result, city, lang) if fmt != "json" else None
    if result.ranking is not None:  # before the ranking is printed: a closed stdout loses nothing
        write_reports(result, outputs, lang)
    if save:
        from .history import save_run

        save_run(result, db, lang)

    if fmt == "json":
        if result.ranking is None:
            click.echo(issues_json(result.issues, lang), nl=False)
        else:
            # written a batch of districts at a time: 100,000 districts' objects and their whole
            # JSON are never held at once (the run's peak memory was there)
            for chunk in to_json_chunks(result.ranking, result.issues, lang):
                click.echo(chunk, nl=False)
    else:
        if result.ranking is not None:
            print_ranking(result.ranking, lang, top, shown_city)
        if result.issues:
            print_issues(result.issues, lang)
        if result.ranking is None:
            click.echo(render("no_ranking", lang, n=errors(result.issues)), err=True)
    if result.ranking is None:
        ctx.exit(EXIT_PROBLEMS)


def _city(result: Result, wanted: str | None, lang: str) -> str | None:
    """The city --city names (安庆 for 安庆市), or a usage error listing the cities."""
    from ..errors import UsageError
    from ..names import find_city

    if wanted is None or result.ranking is None:
        return None
    cities = list(dict.fromkeys(result.data.groups.values()))
    found = find_city(wanted, cities)
    if found is None:
        known = cities or "—"
        raise UsageError(render("no_city", lang, name=wanted, known=known))
    return found


def print_ranking(ranking: Ranking, lang: str, top: int | None, city: str | None = None) -> None:
    """The ranking table (one city's counties with --city), what was rescaled, the awards."""
    text = words(lang)
    scheme = ranking.assessment.scheme
    out = console()
    out.print(render("title", lang, name=scheme.name, total=number(scheme.total, 0)), style="bold")
    columns: list[tuple[str, JustifyMethod]] = [
        (text["rank"], "right"),
        (scheme.column_word("district", lang), "left"),
        (text["total"], "right"),
        (text["grade"], "left"),
    ]
    grouped = "city" in ranking.table
    if grouped:
        columns.append((scheme.column_word("city", lang), "left"))
        columns.append((text["city_rank"], "right"))
    has_survey = ranking.table["survey_rank"].notna().any()
    if has_survey:
        columns.append((text["survey_rank"], "right"))
    shown = ranking.table
    if city is not None:
        shown = shown[shown["city"] == city]
    shown = shown if top is None else shown.head(top)
    print_table(out, columns, _ranking_rows(shown, scheme, grouped, has_survey))
    wanted = len(ranking.table) if city is None else int((ranking.table["city"] == city).sum())
    if top is not None and wanted > top:
        out.print(render("more", lang, n=wanted - top), style="dim")
    suspended = ranking.assessment.suspended
    rescaled = [d for d in shown["district"] if suspended.loc[d].any()]
    if rescaled:
        out.print(render("suspended_note", lang, names=rescaled), style="dim")
    _print_awards(ranking, lang, city)


def _ranking_rows(
    shown: Any, scheme: Scheme, grouped: bool, has_survey: bool
) -> list[list[str | tuple[str, str]]]:
    """The ranking table's cells: rank, district, total, grade in its colour, city and rank in
    the city, survey rank."""
    grades = list(scheme.grades)
    styles = {g: GRADE_STYLE.get(i, "red") for i, g in enumerate(grades)}
    rows: list[list[str | tuple[str, str]]] = []
    for row in shown.itertuples(index=False):
        cells: list[str | tuple[str, str]] = [
            str(row.rank),
            row.district,
            number(row.total, scheme.precision),
            (row.grade, styles.get(row.grade, "")),
        ]
        if grouped:
            cells += [row.city, str(row.city_rank)]
        if has_survey:
            no_rank = row.survey_rank is None or str(row.survey_rank) == "<NA>"
            cells.append("" if no_rank else str(row.survey_rank))
        rows.append(cells)
    return rows


def _print_awards(ranking: Ranking, lang: str, city: str | None = None) -> None:
    """Each award's winners per city, with the rule and any tie on a quota line; then the ties
    strict ranks settled with the tie-break chain."""
    out = console()
    sep = words(lang)["sep.list"]
    for award in ranking.awards:
        if award.skipped:
            out.print(
                award.name + words(lang)["punct.colon"] + award.skipped.render(lang),
                style="dim",
                soft_wrap=True,
            )
            continue
        quota = sum(g.quota for g in award.groups)
        out.print(
            render("award_title", lang, name=award.name, n=len(award.winners), quota=quota),
            style="bold",
        )
        out.print(award.rule.render(lang), style="dim", soft_wrap=True)
        for group in award.groups:
            if city is not None and group.group != city:
                continue
            names = sep.join(group.winners) or render("award_none", lang, eligible=group.eligible)
            # a province-wide award has one group with no city: its quota is in the title
            label = (
                render("award_group", lang, city=group.group, quota=group.quota)
                if group.group
                else ""
            )
            out.print(f"  {label}{names}", soft_wrap=True)
            if group.note:
                out.print(f"    {group.note.render(lang)}", style="yellow", soft_wrap=True)
        for _, reason in award.removed:
            out.print(f"  {reason.render(lang)}", style="yellow", soft_wrap=True)
    if ranking.vetoed:
        for district, vetoing in ranking.vetoed.items():
            note = render("vetoed_note", lang, district=district, names=sep.join(vetoing))
            out.print(note, style="yellow", soft_wrap=True)
    if ranking.ties:
        _print_ties(ranking, lang, city)


def _print_ties(ranking: Ranking, lang: str, city: str | None) -> None:
    """The equal totals strict ranks settled, and the tie-break chain that settled them."""
    out = console()
    sep = words(lang)["sep.list"]
    chain = sep.join(name for name, _ in ranking.chain) or "—"
    out.print(render("ties_title", lang, chain=chain), style="bold")
    precision = ranking.assessment.scheme.precision
    for tie in ranking.ties:
        if city is not None and tie.where not in ("", city):
            continue
        order = sep.join(f"{d}（{r}）" for d, r in zip(tie.districts, tie.ranks))
        where = f"{tie.where}: " if tie.where else ""
        out.print(f"  {where}{number(tie.total, precision)} → {order}", soft_wrap=True)
