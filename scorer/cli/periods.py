"""scorer compare (two periods: rank changes, who fell behind) and scorer trend (many)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..messages import render, say, words
from .help import Command
from .options import (
    argument,
    db_option,
    format_option,
    lang_option,
    level_option,
    output_option,
    rules_option,
)
from .outputs import check_outputs, names_in_report, write_report
from .run import run, runs
from .terminal import (
    console,
    number,
    print_rank_changes,
    print_table,
    require_ranking,
    sparkline,
)

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import JustifyMethod

    from ..periods import Trend
    from ..pipeline import Result
    from ..scheme import Scheme


def _period(path: str, rules: str | None, lang: str, db: str | None = None) -> Result:
    """One period's assessment, of a file or of a stored run (run:12, scored again from its
    stored files); stops with the problems if its data cannot be scored."""
    from ..store import STORED_RUN

    stored = STORED_RUN.match(path)
    if stored and not Path(path).exists():
        from . import settings
        from .history import open_store, stored_result

        settings().lang = lang
        with open_store(db) as store:
            result = stored_result(store, int(stored.group(1)))
    else:
        result = run((path,), rules, None, lang)
    require_ranking(result)
    return result


def _periods(paths: list[str], rules: str | None, lang: str, db: str | None) -> list[Result]:
    """Each period's assessment, as _period gives it, in order; the files read one ahead of
    their turn (runs), so the parse of the next overlaps the checks of this one."""
    from ..store import STORED_RUN

    def stored(path: str) -> bool:
        return bool(STORED_RUN.match(path)) and not Path(path).exists()

    read = runs([(p,) for p in paths if not stored(p)], rules, None, lang)
    found = []
    try:
        for path in paths:
            result = _period(path, rules, lang, db) if stored(path) else next(read)
            require_ranking(result)
            found.append(result)
    finally:
        read.close()  # (the workers of periods not reached, ended)
    return found


def same_scheme(a: Scheme, b: Scheme, earlier: str, later: str, lang: str) -> None:
    """Periods compare (and follow in a trend) only under one scheme: else a usage error
    naming what differs."""
    # the report: section says who issues the documents, not how anything is scored
    scored = [f for f in type(a).model_fields if f != "report"]
    if all(getattr(a, f) == getattr(b, f) for f in scored):
        return
    from ..errors import UsageError

    text = words(lang)
    sep = words(lang)["sep.list"]
    fields = [f for f in scored if getattr(a, f) != getattr(b, f)]
    what = sep.join(text.get(f"scheme_parts.{f}", f) for f in fields)
    raise UsageError(
        render(
            "schemes_differ",
            lang,
            a=_period_label(earlier, lang),
            b=_period_label(later, lang),
            name_a=a.name,
            name_b=b.name,
            what=what,
        )
    )


def _period_label(path: str, lang: str, month: int | None = None) -> str:
    from ..periods import month_in_name

    month = month or month_in_name([path])
    return render("month.label", lang, month=month) if month else Path(path).stem


@click.command(cls=Command, help="help_compare", short_help="help_short_compare")
@argument("earlier", metavar="metavar_earlier")
@argument("later", metavar="metavar_later")
@rules_option()
@format_option
@output_option("help_opt_output_compare")
@db_option
@level_option
@lang_option
def compare(
    earlier: str,
    later: str,
    rules: str | None,
    fmt: str,
    outputs: tuple[str, ...],
    db: str | None,
    lang: str,
) -> None:
    """Compare two periods (files or stored runs such as run:12): rank changes, who fell behind
    the time schedule, whom to notify."""
    from ..periods import behind_schedule, newly_behind, rank_changes
    from ..render import dumps

    check_outputs(outputs, (earlier, later), lang, (".docx", ".xlsx", ".json"), rules)
    before, after = _periods([earlier, later], rules, lang, db)
    same_scheme(before.scheme, after.scheme, earlier, later, lang)
    ranking_before, ranking_after = require_ranking(before), require_ranking(after)
    changes = rank_changes(ranking_before, ranking_after)
    behind_now = behind_schedule(ranking_after.assessment)
    fell = newly_behind(behind_schedule(ranking_before.assessment), behind_now)
    read = [*before.data.files, *after.data.files]
    for output in outputs:
        with names_in_report(output, read, lang):
            data = _lagging_document(
                output, after.scheme, earlier, later, changes, fell, behind_now, lang
            )
        write_report(output, data, lang)
    if fmt == "json":
        click.echo(dumps(_compare_json(earlier, later, changes, fell, behind_now)), nl=False)
        return
    scheme = after.scheme
    title = render(
        "compare_title",
        lang,
        name=scheme.name,
        a=_period_label(earlier, lang, _stored_month(earlier, before)),
        b=_period_label(later, lang, _stored_month(later, after)),
    )
    print_rank_changes(changes, scheme.precision, title, lang)
    _print_behind(fell, behind_now, lang)


def _lagging_document(
    output: str, scheme: Scheme, earlier: str, later: str, changes: pd.DataFrame,
    fell: pd.DataFrame, behind: pd.DataFrame, lang: str,
) -> bytes:  # fmt: skip
    """The list to notify as the output's suffix says: Word, Excel (with the rank changes), JSON."""
    from ..render import dumps

    suffix = Path(output).suffix.lower()
    if suffix == ".json":
        return dumps(_compare_json(earlier, later, changes, fell, behind)).encode("utf-8")
    period = render("punct.bracketed", lang, text=_period_label(later, lang))
    title = render("lagging_title", lang, name=scheme.name, period=period)
    if suffix == ".docx":
        from ..render.lagging import render_lagging_docx

        return render_lagging_docx(title, scheme, behind, fell, lang)
    from ..render.lagging import render_lagging_xlsx

    return render_lagging_xlsx(title, scheme, behind, fell, changes, lang)


def _stored_month(path: str, result: Result) -> int | None:
    """A stored run's month, when it has one, to label its period."""
    from ..store import STORED_RUN

    stored = STORED_RUN.match(path) and not Path(path).exists()
    return result.month if stored and result.month_source is not None else None


def _lag(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {
            "district": r.district,
            "project": r.project,
            "indicator": r.indicator,
            "done": r.done,
            "expected": r.expected,
        }
        for r in frame.itertuples(index=False)
    ]


def _compare_json(
    earlier: str, later: str, changes: pd.DataFrame, fell: pd.DataFrame, behind: pd.DataFrame
) -> dict[str, Any]:
    """The rank changes, who fell behind since the earlier period, who is behind now."""
    import pandas as pd

    def known(value: Any, kind: type) -> Any:
        return None if pd.isna(value) else kind(value)

    districts = [
        {
            "district": r.district,
            "rank": int(r.rank),
            "rank_before": known(r.rank_before, int),
            "move": known(r.move, int),
            "total": float(r.total),
            "total_before": known(r.total_before, float),
            "grade": r.grade,
        }
        for r in changes.itertuples(index=False)
    ]
    return {
        "earlier": earlier,
        "later": later,
        "districts": districts,
        "fell_behind": _lag(fell),
        "behind": _lag(behind),
    }


def _print_behind(fell: pd.DataFrame, behind_now: pd.DataFrame, lang: str) -> None:
    """Who fell behind the time schedule since the earlier period; then, by district, every
    project behind it now, to notify."""
    text = words(lang)
    out = console()
    out.print()
    out.print(text["fell_behind"], style="bold")
    for r in fell.itertuples(index=False) if len(fell) else []:
        out.print(
            render(
                "lag_line",
                lang,
                district=r.district,
                project=r.project,
                done=r.done,
                expected=r.expected,
            )
        )
    if not len(fell):
        out.print(text["nothing"])
    out.print()
    out.print(text["notice"], style="bold")
    for district, group in behind_now.groupby("district", sort=False):
        items = [
            say("lag_item", project=r.project, done=r.done, expected=r.expected)
            for r in group.itertuples(index=False)
        ]
        out.print(render("lag_unit", lang, district=district, n=len(group), items=items))
    if not len(behind_now):
        out.print(text["nothing"])


@click.command(cls=Command, help="help_trend", short_help="help_short_trend")
@argument("files", nargs=-1, required=True, metavar="metavar_periods")
@rules_option()
@format_option
@output_option("help_opt_output_trend")
@db_option
@level_option
@lang_option
def trend(
    files: tuple[str, ...],
    rules: str | None,
    fmt: str,
    outputs: tuple[str, ...],
    db: str | None,
    lang: str,
) -> None:
    """Each district's total and rank across periods, ordered by the month in the names; a
    stored run (run:12) may stand for a file."""
    import glob as globbing

    from ..periods import month_in_name
    from ..periods import trend as follow
    from ..render import dumps
    from ..store import STORED_RUN

    files_named = tuple(f for f in files if not STORED_RUN.match(f) or Path(f).exists())
    check_outputs(outputs, files_named, lang, (".html", ".htm", ".json"), rules)
    paths = [p for given in files for p in (sorted(globbing.glob(given)) or [given])]
    paths.sort(key=lambda p: (month_in_name([p]) or 0, p))
    periods = list(zip(paths, _periods(paths, rules, lang, db)))
    periods.sort(key=lambda pr: (_stored_month(*pr) or month_in_name([pr[0]]) or 0, pr[0]))
    paths = [p for p, _ in periods]
    for path, period in periods[1:]:
        same_scheme(periods[0][1].scheme, period.scheme, periods[0][0], path, lang)
    rankings = [require_ranking(r) for _, r in periods]
    found = follow([_period_label(p, lang, _stored_month(p, r)) for p, r in periods], rankings)
    scheme = periods[-1][1].scheme
    body = {"periods": found.periods, "files": paths,
            "districts": [{"district": d, "totals": found.totals[d], "ranks": found.ranks[d]}
                          for d in found.districts]}  # fmt: skip
    from ..render.report import render_trend

    read = [f for _, r in periods for f in r.data.files]
    for output in outputs:
        with names_in_report(output, read, lang):
            data = (
                dumps(body)
                if output.lower().endswith(".json")
                else render_trend(found, scheme, [str(f) for f in read], lang)
            ).encode("utf-8")
        write_report(output, data, lang)
    if fmt == "json":
        click.echo(dumps(body), nl=False)
        return
    _print_trend(found, scheme, lang)


def _print_trend(found: Trend, scheme: Scheme, lang: str) -> None:
    """A row per district: its total (rank) in each period and a sparkline of the totals."""
    text = words(lang)
    every = [v for d in found.districts for v in found.totals[d] if v == v]
    low, high = (min(every), max(every)) if every else (0.0, 1.0)
    columns: list[tuple[str, JustifyMethod]] = [(text["district"], "left")]
    columns += [(label, "right") for label in found.periods]
    columns.append((text["trend"], "left"))
    rows: list[list[str | tuple[str, str]]] = []
    for district in found.districts:
        totals, ranks = found.totals[district], found.ranks[district]
        cells = [
            ("" if r is None else f"{number(t, scheme.precision)} ({r})")
            for t, r in zip(totals, ranks)
        ]
        rows.append([district, *cells, sparkline(totals, low, high)])
    out = console()
    out.print(render("trend_title", lang, name=scheme.name), style="bold")
    print_table(out, columns, rows)
