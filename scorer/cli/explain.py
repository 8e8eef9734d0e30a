"""scorer explain: every point of one district, traced to its cells and its rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..messages import render, words
from .help import Command
from .options import (
    argument,
    lang_option,
    level_option,
    month_option,
    output_option,
    previous_option,
    rules_option,
)
from .outputs import check_outputs, names_in_report, said, write_output
from .run import run
from .terminal import console, line, require_ranking

if TYPE_CHECKING:
    from ..explain import Explanation, Item


@click.command(cls=Command, help="help_explain", short_help="help_short_explain")
@argument("args", nargs=-1, required=True, metavar="metavar_explain")
@rules_option()
@month_option
@output_option("help_opt_output_explain")
@level_option
@previous_option
@lang_option
def explain(
    args: tuple[str, ...], rules: str | None, month: int | None, outputs: tuple[str, ...], lang: str
) -> None:
    """Account for every point of DISTRICT: cells, rule, points, deductions, rescaling, sum."""
    from ..errors import UsageError
    from ..names import find_district

    if len(args) < 2:
        raise UsageError(words(lang)["explain_usage"])
    *data, wanted = args
    check_outputs(outputs, tuple(data), lang, (".docx", ".pdf", ".md"), rules)
    result = run(tuple(data), rules, month, lang)
    require_ranking(result)
    district, close = find_district(wanted, result.data.districts)
    if district is None:
        known = close or result.data.districts
        raise UsageError(render("no_district", lang, name=wanted, known=known))
    explanation = result.explainer()(district)
    for output in outputs:
        with names_in_report(output, result.data.files, lang):
            document = _explanation_document(output, result, district, explanation, lang)
        write_output(output, document, lang)
        click.echo(render("explain_written", lang, district=district, path=said(output)), err=True)
    _print_explanation(explanation, lang)


def _explanation_document(output: str, result, district: str, explanation, lang: str) -> bytes:
    """One district's explanation in the format the output's suffix names."""
    from pathlib import Path

    suffix = Path(output).suffix.lower()
    if suffix == ".docx":
        from ..render.docx import render_explanation_docx

        return render_explanation_docx(explanation, lang)
    if suffix == ".pdf":
        from ..render.pdf import render_explanation_pdf

        return render_explanation_pdf(result, district, lang)
    from ..render.markdown import render_explanation_markdown

    return render_explanation_markdown(explanation, lang).encode("utf-8")


def _print_explanation(explanation: Explanation, lang: str) -> None:
    """A line per project with its points; under each indicator its cells and its rule."""
    from ..explain import explanation_summary, inputs_text, item_title, sources_text
    from ..scheme import method_label

    text = words(lang)
    out = console()
    out.print(explanation_summary(explanation, lang), style="bold")
    sources = sources_text(explanation, lang)
    out.print(f"{text['inputs_short']}{sources}", style="dim")
    if explanation.subtotals:  # the indicator tree (指标体系): each level's subtotals first
        from ..subtotals import subtotal_words

        out.print()
        out.print(text["tree.title"], style="bold")
        for said, s in zip(subtotal_words(explanation.subtotals, lang), explanation.subtotals):
            out.print("   " * s["depth"] + said)
    for number, item in enumerate(explanation.items, 1):
        out.print()
        out.print(
            line((f"{number}. {item_title(item, lang)}", "bold"), f"  {_item_points(item, lang)}")
        )
        for indicator in item.lines:
            full = f" / {indicator.full:.2f}" if indicator.full is not None else ""
            out.print(line(f"   {indicator.name}  ", (f"{indicator.points:+.2f}", "bold"), full))
            if indicator.inputs:
                said = inputs_text(indicator, lang)
                out.print(f"      {text['inputs_short']}{said}", style="dim")
            if indicator.method is not None:
                said = render("rule_method", lang, method=method_label(indicator.method, lang))
            else:
                said = text["rule_short"]
            out.print(f"      {said}{indicator.words.render(lang)}")
    out.print()
    for sentence in explanation_summary(explanation, lang, closing=True).split("\n"):
        out.print(sentence, style="bold")


def _item_points(item: Item, lang: str) -> str:
    if item.suspended:
        return words(lang)["suspended_left_out"]
    if not item.applies:
        return words(lang)["not_applicable"]
    return f"{item.score:.2f} / {item.weight:g}"
