"""scorer check: read and check the returns without ranking; every problem with its severity,
counts that match the rows listed, and the problem list to send back (-o 问题清单.xlsx or a folder
with one workbook per district)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..messages import render
from . import EXIT_PROBLEMS
from .help import Command
from .options import data_options, format_option, lang_option, option, previous_option
from .outputs import guard_outputs, said, write_output
from .run import resolve_data, run
from .terminal import errors, print_issues, say_units

if TYPE_CHECKING:
    from ..pipeline import Result


@click.command(cls=Command, help="help_check", short_help="help_short_check")
@data_options
@format_option
@previous_option
@option(
    "--output", "-o", "output", type=click.Path(), metavar="metavar_file",
    help="help_opt_output_check",
)  # fmt: skip
@lang_option
@click.pass_context
def check(
    ctx: click.Context,
    data: tuple[str, ...],
    rules: str | None,
    month: int | None,
    fmt: str,
    output: str | None,
    lang: str,
) -> None:
    """检查填报数据，列出全部问题及所在单元格（不排名）；能计分时退出码为 0。

    Check DATA without ranking: every problem with its file, sheet, cell and severity. Exit 0
    when the data can be scored, 1 otherwise. -o writes the problems to send back.
    """
    folder = _check_output(output, data, lang)
    result = run(data, rules, month, lang)
    from ..render import issues_json

    ok = result.ranking is not None
    if output is not None:
        _write_problems(result, output, folder, lang)
    if fmt == "json":
        summary = {"ok": ok, "districts": len(result.data.districts), "rows": len(result.data.rows)}
        click.echo(issues_json(result.issues, lang, **summary), nl=False)
    else:
        say_units(result, lang)
        if result.issues:
            print_issues(result.issues, lang, severity=True)
            count = {s: sum(1 for i in result.issues if i.severity == s) for s in
                     ("error", "warning", "info")}  # fmt: skip
            click.echo(
                render("check_counts", lang, total=len(result.issues), errors=count["error"],
                    warnings=count["warning"], infos=count["info"],
                ),
                err=True,
            )  # fmt: skip
        warnings = sum(1 for i in result.issues if i.severity == "warning")
        if ok:
            done = render(
                "check_data_ok",
                lang,
                districts=len(result.data.districts),
                rows=len(result.data.rows),
                warnings=warnings,
            )
            click.echo(click.style("✓ ", fg="green") + done, err=True)
        else:
            click.echo(
                click.style("✗ ", fg="red")
                + render("check_data_bad", lang, n=errors(result.issues)),
                err=True,
            )
    if not ok:
        ctx.exit(EXIT_PROBLEMS)


def _check_output(output: str | None, data: tuple[str, ...], lang: str) -> bool:
    """Before any work: -o is an .xlsx file or a folder (ending in / or one that exists), and
    not a file read; whether it is a folder."""
    if output is None:
        return False
    from ..errors import UsageError
    from ..sheets import expand_paths

    folder = output.endswith(("/", "\\")) or Path(output).is_dir()
    if not folder and Path(output).suffix.lower() != ".xlsx":
        raise UsageError(render("problems_output", lang, path=said(output)))
    read = expand_paths(resolve_data(data, lang, quiet=True))
    if folder:
        Path(output).mkdir(parents=True, exist_ok=True)
        guard_outputs([str(Path(output) / "x.xlsx")], read, lang)
    else:
        guard_outputs([output], read, lang)
    return folder


def _write_problems(result: Result, output: str, folder: bool, lang: str) -> None:
    """The problems grouped by district: one workbook of a sheet each, or a workbook each."""
    from ..render.problems import problems_of, problems_xlsx, unit_file_name

    groups = problems_of(result.issues, result.data, lang)
    if folder:
        for unit, issues in groups.items():
            path = str(Path(output) / unit_file_name(unit))
            write_output(path, problems_xlsx(result.scheme, {unit: issues}, lang), lang)
    else:
        write_output(output, problems_xlsx(result.scheme, groups, lang), lang)
    click.echo(render("problems_written", lang, path=said(output), units=len(groups)), err=True)
