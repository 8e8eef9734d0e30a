"""A command's run of the pipeline: the scheme and the month said, one progress bar over it."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from ..messages import render, words
from ..untrusted import visible
from .terminal import ProgressBar, shown

if TYPE_CHECKING:
    from ..pipeline import Plan, Result


def resolve_data(paths: tuple[str, ...], lang: str, quiet: bool = False) -> list[str | Path]:
    """A missing samples/… path falls back to the bundled sample, so the README works anywhere
    (said on stderr unless ``quiet``)."""
    from ..bundled import bundled_dir

    resolved: list[str | Path] = []
    for given in paths:
        path = Path(given)
        bundled = bundled_dir("samples") / path.name
        if (
            not path.exists()
            and not path.is_absolute()
            and path.parts[:1] == ("samples",)
            and bundled.exists()
        ):
            if not quiet:
                click.echo(render("sample_used", lang, path=bundled), err=True)
            resolved.append(str(bundled))
        else:
            resolved.append(given)
    return resolved


def run(data: tuple[str, ...], rules: str | None, month: int | None, lang: str) -> Result:
    """Choose and load the scheme and decide the month (saying which), then read, check and
    score the data: the pipeline's prepare and run, with one progress bar over both."""
    from ..pipeline import run as run_plan
    from . import settings

    state = settings()
    state.lang = lang
    paths = resolve_data(data, lang)
    with ProgressBar(words(lang)["reading"]) as progress:
        # one bar, counting files, for both passes over them: opening a file (its parse begins
        # then, while the scheme loads) counts half, checking its rows the other half
        plan = _prepare(
            paths, rules, month, lang, lambda done, total: progress(done / 2, total),
            resolve_data(tuple(state.previous), lang),
        )  # fmt: skip
        _say_plan(plan, lang)

        def checked(done: int, total: int) -> None:
            progress((total + done) / 2, total)

        return run_plan(plan, checked, state.level)


def runs(
    datas: Sequence[tuple[str, ...]], rules: str | None, month: int | None, lang: str
) -> Generator[Result, None, None]:
    """run() of each data in turn (the periods of a trend), each next one's files opened, and
    so their parse begun on the reader's threads, before the one before is checked and scored:
    the main thread checks one period while a worker parses the next. What goes wrong in
    opening one is said in its turn, as run() would say it, and so is its scheme and month.
    With more than one core, the periods are shared among processes (``_runs_apart``)."""
    from ..pipeline import parallel_processes
    from ..pipeline import run as run_plan
    from . import settings

    state = settings()
    state.lang = lang
    processes = parallel_processes(len(datas))
    if processes > 1:
        yield from _runs_apart(datas, rules, month, lang, processes)
        return

    def begin(index: int) -> tuple[Plan | None, Exception | None]:
        try:
            return _prepare(resolve_data(datas[index], lang, True), rules, month, lang, None), None
        except Exception as exc:  # (raised in its turn, after the runs before it)
            return None, exc

    ahead = begin(0) if datas else (None, None)
    for index, data in enumerate(datas):
        resolve_data(data, lang)  # a bundled sample's path, said in its turn
        plan, failed = ahead
        if failed is not None:
            raise failed
        assert plan is not None
        ahead = begin(index + 1) if index + 1 < len(datas) else (None, None)
        _say_plan(plan, lang)
        with ProgressBar(words(lang)["reading"]) as progress:
            yield run_plan(plan, progress, state.level)


def _runs_apart(
    datas: Sequence[tuple[str, ...]], rules: str | None, month: int | None, lang: str,
    processes: int,
) -> Generator[Result, None, None]:  # fmt: skip
    """runs() with the periods shared among ``processes`` processes (``pipeline.Apart``): this
    one reads, checks and scores its share as run() does, forked workers the others at the
    same time. Each period is said (its scheme and month) and given in its turn; one a worker
    could not do (its file has a problem that stops the run) is done here, so that it stops
    the run as it always did."""
    from dataclasses import replace

    from ..pipeline import Apart, import_stages, prepare
    from ..pipeline import run as run_plan
    from . import settings

    state = settings()

    def job(index: int) -> tuple[Plan, Result]:  # in a worker
        plan = prepare(resolve_data(datas[index], lang, True), rules, month)
        return replace(plan, workbooks=[]), run_plan(plan, None, state.level)

    import_stages()
    apart = Apart(len(datas), job, processes)
    try:
        for index, data in enumerate(datas):
            resolve_data(data, lang)  # a bundled sample's path, said in its turn
            taken = None if apart.mine(index) else apart.take(index)
            if taken is not None:
                done, result = cast("tuple[Plan, Result]", taken)
                _say_plan(done, lang)
                yield result
                continue
            plan = _prepare(resolve_data(data, lang, True), rules, month, lang, None)
            _say_plan(plan, lang)
            with ProgressBar(words(lang)["reading"]) as progress:
                yield run_plan(plan, progress, state.level)
    finally:
        apart.close()


def _prepare(
    paths, rules: str | None, month: int | None, lang: str, progress, previous=None
) -> Plan:
    """The pipeline's prepare; a month it needs and cannot find, said as a usage error."""
    from ..errors import UsageError
    from ..pipeline import MonthNeeded, prepare

    try:
        return prepare(paths, rules, month, progress, previous)
    except MonthNeeded as exc:
        months = [render("month.short", lang, month=m) for m in exc.found]
        found = words(lang)["sep.list"].join(months)
        key = "month_several" if exc.found else "month_needed"
        raise UsageError(render(key, lang, name=exc.scheme, found=found)) from None


def _say_plan(plan: Plan, lang: str) -> None:
    """Which scheme and why, and where the month came from, on stderr."""
    assert plan.scheme_path is not None and plan.reason is not None  # chosen by name, not given
    chosen = render("scheme_chosen", lang, name=plan.scheme.name, path=shown(plan.scheme_path),
                    reason=plan.reason.render(lang))  # fmt: skip
    click.echo(visible(chosen), err=True)
    if plan.month_source is not None:
        click.echo(render(f"month_from_{plan.month_source}", lang, month=plan.month), err=True)
