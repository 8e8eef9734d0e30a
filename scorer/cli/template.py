"""scorer template: the intake workbook (xlsx) the districts fill in."""

from __future__ import annotations

import re
from pathlib import Path

import click

from ..messages import render, words
from .help import Command
from .options import lang_option, option, rules_option
from .outputs import guard_outputs, said, write_output


@click.command(cls=Command, help="help_template", short_help="help_short_template")
@rules_option(required=True, help="help_opt_rules_template")
@option("--districts", "-d", metavar="metavar_districts", help="help_opt_districts")
@option("--layout", type=click.Choice(["long", "sheets"]), default="long", show_default=True,
        help="help_opt_layout")  # fmt: skip
@option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False),
    metavar="metavar_file",
    help="help_opt_output_template",
)
@lang_option
def template(rules: str, districts: str | None, layout: str, output: str, lang: str) -> None:
    """Write the intake workbook (xlsx) the districts fill in; see the catalog's help_template."""
    from ..errors import UsageError
    from ..pipeline import open_scheme
    from ..render.template import SheetNameTaken, template_xlsx
    from ..scheme import choose_scheme
    from . import settings

    settings().lang = lang
    names = [n.strip() for n in re.split(r"[,，、;；\s]+", districts or "") if n.strip()]
    if Path(output).suffix.lower() != ".xlsx":
        raise UsageError(render("xlsx_only", lang, path=output))
    path, _ = choose_scheme([], rules)
    guard_outputs((output,), [path], lang)
    scheme = open_scheme(path)
    if not names:  # without --districts, the units on the scheme's roster
        names = [unit.name for unit in scheme.roster_units() or []]
    if layout == "sheets" and not names:
        raise UsageError(words(lang)["sheets_need_districts"])
    try:
        workbook = template_xlsx(scheme, list(dict.fromkeys(names)), layout, path.name)
    except SheetNameTaken as clash:
        raise UsageError(
            render("sheet_name_taken", lang, name=clash.name, other=clash.other, sheet=clash.sheet)
        ) from None
    write_output(output, workbook, lang)
    projects = sum(1 for p in scheme.projects if p.level == "project")
    click.echo(
        render(
            "template_done", lang, path=said(output), districts=len(names) or 1, projects=projects
        ),
        err=True,
    )
