"""scorer template: the intake workbook (xlsx) the districts fill in."""

from __future__ import annotations

import re
from pathlib import Path

import click

from ..messages import render, words
from .options import lang_option, rules_option
from .outputs import guard_outputs, said, write_output


@click.command()
@rules_option(required=True, help="考核方案 / rule file (or a bundled scheme's name).")
@click.option("--districts", "-d", help="地区名单，以逗号或顿号分隔 / districts, comma-separated.")
@click.option("--layout", type=click.Choice(["long", "sheets"]), default="long", show_default=True,
              help="long：一张表含地区列；sheets：每个地区一张表 / one sheet, or a sheet per district.")  # fmt: skip
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False),
    help="输出的 xlsx 文件 / the workbook to write.",
)
@lang_option
def template(rules: str, districts: str | None, layout: str, output: str, lang: str) -> None:
    """生成各地区填写的填报表（xlsx）/ write the intake workbook districts fill in.

    The scheme's columns with Chinese labels and units, a row per project, checks on numeric
    cells, a drop-down for 状态, a frozen header and an instructions sheet. A filled-in template
    passes `scorer check` with no further setup.
    """
    from ..errors import UsageError
    from ..render.template import SheetNameTaken, template_xlsx
    from ..scheme import choose_scheme, load_scheme
    from . import settings

    settings().lang = lang
    names = [n.strip() for n in re.split(r"[,，、;；\s]+", districts or "") if n.strip()]
    if layout == "sheets" and not names:
        raise UsageError(words(lang)["sheets_need_districts"])
    if Path(output).suffix.lower() != ".xlsx":
        raise UsageError(render("xlsx_only", lang, path=output))
    path, _ = choose_scheme([], rules)
    guard_outputs((output,), [path], lang)
    scheme = load_scheme(path)
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
