"""The options several commands share, each defined once: DATA, --rules, --month, --lang..."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..messages import render
from ..untrusted import visible

F = TypeVar("F", bound=Callable[..., Any])

RULES_HELP = "考核方案（YAML）；缺省时自动选择 / rule file."


def lang_option(func: F) -> F:
    """--lang zh|en, by default $SCORER_LANG or zh."""
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default=lambda: os.environ.get("SCORER_LANG", "zh"),
        show_default="zh",
        help="输出语言 / output language.",
    )(func)


def rules_option(required: bool = False, help: str = RULES_HELP) -> Callable[[F], F]:
    """--rules/-r FILE: the rule file, or a bundled scheme's name."""
    return click.option("--rules", "-r", "rules", metavar="FILE", required=required, help=help)


def month_option(func: F) -> F:
    """--month 1..12: the assessment month, for progress against the time schedule."""
    return click.option(
        "--month", type=click.IntRange(1, 12), help="考核月份（序时进度用）/ assessment month."
    )(func)


def data_options(func: F) -> F:
    """DATA, --rules and --month: what assess, check and sensitivity share."""
    func = month_option(func)
    func = rules_option()(func)
    return click.argument("data", nargs=-1, required=True)(func)


def level_option(func: F) -> F:
    """--level city: counties rolled up into their cities (kept in Settings for the run)."""

    def remember(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        from . import Settings

        ctx.ensure_object(Settings).level = value
        return value

    return click.option(
        "--level",
        type=click.Choice(["city"]),
        callback=remember,
        expose_value=False,
        help="city：把各县数量、资金按所属市相加后按市计分排名 / roll counties up to cities.",
    )(func)


def output_option(help_text: str) -> Callable[[F], F]:
    """--output/-o FILE, repeatable: the reports to write."""
    return click.option(
        "--output", "-o", "outputs", multiple=True, type=click.Path(dir_okay=False), help=help_text
    )


def top_option(func: F) -> F:
    """--top N: show the first N rows only."""
    return click.option(
        "--top", type=click.IntRange(min=1), help="只显示前 N 名 / show the first N only."
    )(func)


def format_option(func: F) -> F:
    """--format table|json."""
    return click.option(
        "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
    )(func)


def db_option(func: F) -> F:
    """--db FILE: the database of runs (default: $SCORER_DB, else in the user's data folder)."""
    return click.option(
        "--db",
        metavar="FILE",
        type=click.Path(dir_okay=False),
        help="运行记录数据库（SQLite），缺省在用户数据文件夹 / the database of runs.",
    )(func)


def _both(key: str, **params: object) -> str:
    """A usage message in Chinese and English, for option checks that run before --lang is read."""
    return f"{render(key, 'zh', **params)} ({render(key, 'en', **params)})"


def spread(text: str) -> float:
    """--spread: a share below 1, as 0.2 or 20%."""
    try:
        value = float(text.strip().rstrip("%")) / (100 if text.strip().endswith("%") else 1)
    except ValueError:
        value = math.nan
    if not 0 <= value < 1:  # nan and inf too
        raise click.BadParameter(_both("bad_spread", value=visible(text)))
    return value


def seed(text: str) -> int:
    """--seed: a whole number of 0 or more."""
    try:
        value = int(str(text).strip())
    except ValueError:
        value = -1
    if value < 0:
        raise click.BadParameter(_both("bad_seed", value=visible(text)))
    return value
