"""scorer whatif: the rank changes if the weights, a parameter or the whole scheme changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..messages import Message, render, say, words
from ..untrusted import visible
from .help import Command
from .options import (
    argument,
    format_option,
    lang_option,
    level_option,
    month_option,
    option,
    previous_option,
    rules_option,
    top_option,
)
from .run import resolve_data, run
from .terminal import number, print_rank_changes, require_ranking, shown

if TYPE_CHECKING:
    from ..pipeline import Result
    from ..scheme import Scheme


@click.command(cls=Command, help="help_whatif", short_help="help_short_whatif")
@argument("data", nargs=-1, required=True, metavar="metavar_data")
@rules_option()
@option("--set", "edits", multiple=True, metavar="metavar_set", help="help_opt_set")
@option("--keep-total", is_flag=True, help="help_opt_keep_total")
@option("--rules-b", "rules_b", metavar="metavar_scheme", help="help_opt_rules_b")
@month_option
@format_option
@top_option
@level_option
@previous_option
@lang_option
def whatif(
    data: tuple[str, ...],
    rules: str | None,
    edits: tuple[str, ...],
    keep_total: bool,
    rules_b: str | None,
    month: int | None,
    fmt: str,
    top: int | None,
    lang: str,
) -> None:
    """What if the weights, a parameter or the whole scheme were different? The rank changes."""
    from ..errors import UsageError
    from ..whatif import changed

    text = words(lang)
    if not edits and not rules_b:
        raise UsageError(text["whatif_needs"])
    before = run(data, rules, month, lang)
    from ..render import dumps, whatif_dict

    ranking_before = require_ranking(before)
    month = ranking_before.assessment.month
    changes: list[Message] = []
    base = _scheme_b(rules_b, changes) if rules_b else before.scheme
    if edits:
        base, said = changed(base, list(edits), keep_total)
        changes.extend(said)
    after = _after(before, data, base, month, lang, rescore=not rules_b)
    ranking_after = require_ranking(after)
    for change in changes:
        click.echo(visible(f"{text['change']}: {change.render(lang)}"), err=True)
    if fmt == "json":
        body = whatif_dict(ranking_before, ranking_after, changes, after.issues, lang)
        click.echo(dumps(body), nl=False)
        return
    from ..periods import rank_changes

    scheme = after.scheme
    title = render("whatif_title", lang, name=scheme.name, total=number(scheme.total, 0))
    print_rank_changes(
        rank_changes(ranking_before, ranking_after), scheme.precision, title, lang, top
    )


def _scheme_b(rules_b: str, changes: list[Message]) -> Scheme:
    """The other whole scheme --rules-b names, its name and file added to the changes."""
    from ..scheme import choose_scheme, load_scheme

    path, _ = choose_scheme([], rules_b)
    scheme_b = load_scheme(path)
    changes.append(say("whatif.scheme_b", name=scheme_b.name, path=shown(path)))
    return scheme_b


def _after(
    before: Result, data: tuple[str, ...], scheme: Scheme, month: int, lang: str, rescore: bool
) -> Result:
    """The data scored under the changed scheme: rescored as read, or (another whole scheme,
    with columns of its own) read again."""
    from ..pipeline import assess
    from ..pipeline import rescore as score_again
    from . import settings

    if rescore:
        return score_again(before, scheme, month)
    state = settings()
    previous = resolve_data(tuple(state.previous), lang, quiet=True) if state.previous else None
    return assess(resolve_data(data, lang), scheme, month, level=state.level, previous=previous)
