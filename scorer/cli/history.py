"""scorer history (list, show, compare, publish, delete the stored runs) and saving a run."""

from __future__ import annotations

import tempfile
from typing import TYPE_CHECKING

import click

from ..messages import render, words
from ..untrusted import visible
from .help import Group
from .options import argument, db_option, lang_option, top_option
from .terminal import console, number, print_rank_changes, require_ranking, table

if TYPE_CHECKING:
    from ..pipeline import Result
    from ..store import Store


def open_store(db: str | None) -> Store:
    """The database --db names, or the default one."""
    from ..store import Store

    return Store(db)


def save_run(result: Result, db: str | None, lang: str) -> int:
    """Store a command-line run and say its number; say too when an earlier run on the same
    inputs gave other numbers (a published one above all)."""
    with open_store(db) as store:
        saved = store.save(result, "cli")
        click.echo(render("history.saved", lang, id=saved.run_id, path=str(store.path)), err=True)
    if saved.differs:
        key = "history.differs_published" if saved.published_differs else "history.differs"
        ids = [f"#{i}" for i in (saved.published_differs or saved.differs)]
        click.echo(click.style(render(key, lang, id=saved.run_id, ids=ids), fg="yellow"), err=True)
    return saved.run_id


def stored_result(store: Store, run_id: int, ctx: click.Context | None = None) -> Result:
    """A stored run scored again from its stored files (kept until the command ends)."""
    ctx = ctx or click.get_current_context()
    folder = ctx.with_resource(tempfile.TemporaryDirectory(prefix="scorer-history-"))
    return store.rerun(run_id, folder)


@click.group(cls=Group, help="help_history", short_help="help_short_history")
def history() -> None:
    """The stored runs: list, show, compare, publish, delete."""


@history.command("list", help="help_history_list", short_help="help_short_history_list")
@db_option
@lang_option
def history_list(db: str | None, lang: str) -> None:
    """List the stored runs, newest first."""
    from . import settings

    settings().lang = lang
    text = words(lang)
    from ..store import local_time

    with open_store(db) as store:
        runs = store.runs()
        path = str(store.path)
    if not runs:
        click.echo(render("history.none", lang, path=path), err=True)
        return
    shown = table(
        [("#", "right"), (text["history.when"], "left"), (text["history.scheme"], "left"),
         (text["month"], "right"), (text["files"], "right"), (text["history.districts"], "right"),
         (text["history.state"], "left"), (text["history.by"], "left")]
    )  # fmt: skip
    for run in runs:
        state = text["history.published"] if run.published else (
            text["history.ranked"] if run.ranked else text["history.errors"])  # fmt: skip
        shown.add_row(
            str(run.id), local_time(run.created_at), run.scheme_name,
            "" if run.month_source is None else str(run.month), str(len(run.files)),
            str(run.districts), state, f"{run.created_by} ({text['history.origin_' + run.origin]})",
        )  # fmt: skip
    console().print(shown)


@history.command("show", help="help_history_show", short_help="help_short_history_show")
@argument("run_id", type=click.IntRange(min=1), metavar="metavar_n")
@top_option
@db_option
@lang_option
def history_show(run_id: int, top: int | None, db: str | None, lang: str) -> None:
    """One run: scheme, files, ranking, issues."""
    from . import settings

    settings().lang = lang
    from ..store import local_time

    text = words(lang)
    with open_store(db) as store:
        run = store.run(run_id)
        scheme = store.scheme(run.scheme_id)
        totals = store.totals(run_id)
        issues = store.issues(run_id, lang)
    out = console()
    out.print(render("history.title", lang, id=run.id, name=scheme.name), style="bold")
    said = render("history.made", lang, when=local_time(run.created_at), by=run.created_by,
                  origin=text["history.origin_" + run.origin])  # fmt: skip
    out.print(said)
    out.print(
        f"{text['history.scheme']}: {visible(scheme.source)}  SHA-256 {scheme.sha256}",
        soft_wrap=True,
    )
    if run.month_source is not None:
        out.print(f"{text['month']}: {run.month}")
    if run.published:
        out.print(render("history.published_on", lang, when=local_time(run.published_at),
                         by=run.published_by), style="bold green")  # fmt: skip
    for file in run.files:
        out.print(f"  {visible(file.name)}  {file.size:,} B  {file.sha256}", soft_wrap=True)
    for file in run.read_beside:  # the roster file and the previous period's, said as such
        role = text[f"history.role_{file.role}"] + text["punct.colon"]
        out.print(f"  {role}{visible(file.name)}  {file.size:,} B  {file.sha256}", soft_wrap=True)
    if totals:
        ranked = sorted(totals.items(), key=lambda item: (item[1][0], item[0]))
        shown = table([(text["rank"], "right"), (text["district"], "left"),
                       (text["total"], "right"), (text["grade"], "left")])  # fmt: skip
        for district, (rank, total, grade) in ranked[:top] if top else ranked:
            shown.add_row(str(rank), district, number(total, 2), grade)
        out.print(shown)
        if top is not None and len(ranked) > top:
            out.print(render("more", lang, n=len(ranked) - top), style="dim")
    errors = sum(1 for i in issues if i["severity"] == "error")
    out.print(render("history.issues", lang, n=len(issues), errors=errors))


@history.command("compare", help="help_history_compare", short_help="help_short_history_compare")
@argument("earlier", type=click.IntRange(min=1), metavar="metavar_n")
@argument("later", type=click.IntRange(min=1), metavar="metavar_n")
@top_option
@db_option
@lang_option
def history_compare(earlier: int, later: int, top: int | None, db: str | None, lang: str) -> None:
    """Rank and total changes between two stored runs."""
    from ..periods import rank_changes
    from . import settings

    settings().lang = lang
    with open_store(db) as store:
        before, after = stored_result(store, earlier), stored_result(store, later)
    changes = rank_changes(require_ranking(before), require_ranking(after))
    title = render("history.compare_title", lang, a=earlier, b=later, name=after.scheme.name)
    print_rank_changes(changes, after.scheme.precision, title, lang, top)


@history.command("publish", help="help_history_publish", short_help="help_short_history_publish")
@argument("run_id", type=click.IntRange(min=1), metavar="metavar_n")
@db_option
@lang_option
def history_publish(run_id: int, db: str | None, lang: str) -> None:
    """Publish a run: it can no longer change."""
    from . import settings

    settings().lang = lang
    with open_store(db) as store:
        store.publish(run_id)
    click.echo(render("history.publish_done", lang, id=run_id), err=True)


@history.command("delete", help="help_history_delete", short_help="help_short_history_delete")
@argument("run_id", type=click.IntRange(min=1), metavar="metavar_n")
@db_option
@lang_option
def history_delete(run_id: int, db: str | None, lang: str) -> None:
    """Delete a run that is not published."""
    from . import settings

    settings().lang = lang
    with open_store(db) as store:
        store.delete(run_id)
    click.echo(render("history.deleted", lang, id=run_id), err=True)
