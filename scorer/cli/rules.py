"""scorer rules check / show / schema: work with rule files."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..messages import render, say, words
from ..untrusted import visible
from . import EXIT_PROBLEMS
from .help import Group
from .options import argument, lang_option
from .terminal import console, echo_scheme_issues, number, shown

if TYPE_CHECKING:
    from ..scheme import District, Scheme


@click.group(cls=Group, help="help_rules", short_help="help_short_rules")
def rules() -> None:
    """Work with rule files: check, show, schema."""


@rules.command("check", help="help_rules_check", short_help="help_short_rules_check")
@argument(
    "files",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    metavar="metavar_rule_files",
)
@lang_option
@click.pass_context
def rules_check(ctx: click.Context, files: tuple[str, ...], lang: str) -> None:
    """List every problem of each rule file with its line."""
    from ..scheme import check_scheme_file

    failed = False
    for file in files:
        scheme, issues = check_scheme_file(file)
        if scheme is not None and scheme.roster is not None:
            from ..intake.roster import load_roster  # the roster file, read as assess reads it

            issues = [i for i in load_roster(scheme) if i.severity == "error"]
            scheme = None if issues else scheme
        if scheme is not None:
            ok = render(
                "check_ok", lang, file=file, n=len(scheme.projects), total=number(scheme.total, 0)
            )
            click.echo(click.style("✓ ", fg="green") + ok)
            continue
        failed = True
        echo_scheme_issues(file, issues, lang)
    if failed:
        ctx.exit(EXIT_PROBLEMS)


@rules.command("show", help="help_rules_show", short_help="help_short_rules_show")
@argument("file", required=False, metavar="metavar_rule")
@lang_option
def rules_show(file: str | None, lang: str) -> None:
    """Print the weight table; FILE may name a bundled scheme."""
    from rich.table import Table

    from ..pipeline import open_scheme
    from ..scheme import choose_scheme, rules_summary

    path, _ = choose_scheme([], file) if file else (None, None)
    if path is None:
        from ..scheme import known_schemes

        for known in known_schemes():
            click.echo(str(known))
        return
    scheme = open_scheme(path)
    text = words(lang)
    out = console()
    out.print(render("rules_title", lang, name=scheme.name, path=shown(path)), style="bold")
    table = Table(header_style="bold", show_edge=False)
    table.add_column("#", justify="right")
    table.add_column(text["project"], overflow="fold")
    table.add_column(text["weight"], justify="right")
    table.add_column(text["indicators"], overflow="fold")
    used: dict[str, str] = {}
    for count, project in enumerate(scheme.projects, 1):
        template = scheme.template_name(project)
        if template is not None and project.indicators is None:
            used[template] = rules_summary(scheme.templates[template], lang)
            method = f"{text['template']}“{template}”"
        else:
            method = rules_summary(scheme.rules_of(project), lang)
        name = (
            render("with_aliases", lang, name=project.name, aliases=project.aliases)
            if project.aliases
            else project.name
        )
        table.add_row(str(count), name, number(project.weight, 0), method)
    weight_sum = sum(p.weight for p in scheme.projects)
    table.add_section()
    table.add_row("", text["sum"], number(weight_sum, 0), "")
    out.print(table)
    bands = "  ".join(
        f"{g} ≥ {number(f * scheme.total, scheme.precision)}" for g, f in scheme.grades.items()
    )
    out.print(f"{text['grades']}: {bands}")
    for template, summary in used.items():
        out.print(f"{text['template']}“{template}”: {summary}")
    if scheme.tree:  # the indicator tree (指标体系): each indicator and what is below it
        from ..scheme.tree import walk
        from ..subtotals import level_name

        out.print(text["tree.outline"], style="bold")
        from ..scheme import normalize_name

        below = {normalize_name(n.name): [f"{c.name} {c.weight:g}" for c in n.children]
                 for n, _ in walk(scheme.tree)}  # fmt: skip
        for project in scheme.projects:
            key = normalize_name(project.parent or "")
            if key in below:
                below[key].append(f"{project.name} {project.weight:g}")
        for node, depth in walk(scheme.tree):
            said = render(
                "tree.outline.node", lang, level=level_name(scheme.levels, depth, lang),
                name=node.name, weight=f"{node.weight:g}",
                children=below[normalize_name(node.name)],
            )  # fmt: skip
            out.print("   " * depth + said)
    units = scheme.roster_units()
    if units is not None:
        click.echo(roster_line(scheme, units, lang))  # (long; the terminal wraps it)


def roster_line(scheme: Scheme, units: list[District], lang: str, first: int = 30) -> str:
    """Who must report, as rules show says it: how many, from where, and the first names."""
    source = (
        say("roster.from_file", path=shown(scheme.roster_path() or ""))
        if scheme.roster is not None
        else say("roster.from_scheme")
    )
    names = words(lang)["sep.list"].join(u.name for u in units[:first])
    if len(units) > first:
        names += render("units_more", lang, n=len(units))
    return visible(render("roster.listed", lang, n=len(units), source=source, names=names))


@rules.command("schema", help="help_rules_schema", short_help="help_short_rules_schema")
def rules_schema() -> None:
    """Print the rule files' JSON Schema."""
    import json

    from ..scheme import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))
