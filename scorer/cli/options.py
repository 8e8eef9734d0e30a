"""The options several commands share, each defined once: DATA, --rules, --month, --lang..."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..messages import render
from ..untrusted import visible
from .help import Argument, Option
from .language import LANGS, current

F = TypeVar("F", bound=Callable[..., Any])


def option(*decls: str, **attrs: Any) -> Callable[[F], F]:
    """click.option with our Option: ``help`` and ``metavar`` are catalog keys."""
    return click.option(*decls, cls=Option, **attrs)


def argument(*decls: str, **attrs: Any) -> Callable[[F], F]:
    """click.argument with our Argument: ``metavar`` is a catalog key."""
    return click.argument(*decls, cls=Argument, **attrs)


def lang_option(func: F) -> F:
    """--lang zh|en, by default the language the command line was read in ($SCORER_LANG or
    zh, or a --lang given before the command)."""
    return option("--lang", type=click.Choice(LANGS), default=current, help="help_opt_lang")(func)


def rules_option(required: bool = False, help: str = "help_opt_rules") -> Callable[[F], F]:
    """--rules/-r FILE: the rule file, or a bundled scheme's name."""
    return option("--rules", "-r", "rules", metavar="metavar_scheme", required=required, help=help)


def month_option(func: F) -> F:
    """--month 1..12: the assessment month, for progress against the time schedule."""
    return option(
        "--month", type=click.IntRange(1, 12), metavar="metavar_month", help="help_opt_month"
    )(func)


def data_options(func: F) -> F:
    """DATA, --rules and --month: what assess, check and sensitivity share."""
    func = month_option(func)
    func = rules_option()(func)
    return argument("data", nargs=-1, required=True, metavar="metavar_data")(func)


def level_option(func: F) -> F:
    """--level city: counties rolled up into their cities (kept in Settings for the run)."""

    def remember(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        from . import Settings

        ctx.ensure_object(Settings).level = value
        return value

    return option(
        "--level",
        type=click.Choice(["city"]),
        callback=remember,
        expose_value=False,
        help="help_opt_level",
    )(func)


def previous_option(func: F) -> F:
    """--previous FILE (repeatable): last period's data, for 同比/环比 rules (kept in Settings
    for the run, as --level is)."""

    def remember(
        ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
    ) -> tuple[str, ...]:
        from . import Settings

        ctx.ensure_object(Settings).previous = list(value)
        return value

    return option(
        "--previous",
        multiple=True,
        type=click.Path(),
        metavar="metavar_previous",
        callback=remember,
        expose_value=False,
        help="help_opt_previous",
    )(func)


def output_option(help_key: str) -> Callable[[F], F]:
    """--output/-o FILE, repeatable: the reports to write."""
    return option(
        "--output",
        "-o",
        "outputs",
        multiple=True,
        type=click.Path(dir_okay=False),
        metavar="metavar_file",
        help=help_key,
    )


def top_option(func: F) -> F:
    """--top N: show the first N rows only."""
    return option("--top", type=click.IntRange(min=1), metavar="metavar_n", help="help_opt_top")(
        func
    )


def format_option(func: F) -> F:
    """--format table|json."""
    return option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json"]),
        default="table",
        show_default=True,
        help="help_opt_format",
    )(func)


def db_option(func: F) -> F:
    """--db FILE: the database of runs (default: $SCORER_DB, else in the user's data folder)."""
    return option(
        "--db", metavar="metavar_file", type=click.Path(dir_okay=False), help="help_opt_db"
    )(func)


def _said(key: str, **params: object) -> str:
    """A usage message in the language the command line was read in (options are checked
    before --lang itself is)."""
    return render(key, current(), **params)


def spread(text: str) -> float:
    """--spread: a share below 1, as 0.2 or 20%."""
    try:
        value = float(text.strip().rstrip("%")) / (100 if text.strip().endswith("%") else 1)
    except ValueError:
        value = math.nan
    if not 0 <= value < 1:  # nan and inf too
        raise click.BadParameter(_said("bad_spread", value=visible(text)))
    return value


def seed(text: str) -> int:
    """--seed: a whole number of 0 or more."""
    try:
        value = int(str(text).strip())
    except ValueError:
        value = -1
    if value < 0:
        raise click.BadParameter(_said("bad_seed", value=visible(text)))
    return value
