"""The Markdown report: the HTML report's content without the charts, every text escaped."""

from __future__ import annotations

import re
from typing import Any

from ..untrusted import visible
from .context import report_context
from .jinja import environment


def render_markdown(result, lang: str = "zh", robustness=None) -> str:
    """The Markdown report; with ``robustness``, its rank intervals as a table."""
    # every {{ … }} of the template is escaped on its way out (finalize), as autoescape does
    # for HTML: names, sheet names and rule texts come from the users' files
    markdown = environment(autoescape=False, finalize=md_text)
    context = report_context(result, lang, robustness)
    return markdown.get_template("report.md.j2").render(**context)


_MD_SPECIAL = re.compile(r"[\\`*_\[\]|#~]")
_HTML_SPECIAL = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def md_text(value: Any) -> Any:
    """A text as Markdown that shows it and nothing else, in a line or a table cell: HTML's
    ``& < >`` as entities (no tag, no script), Markdown's ``\\ ` * _ [ ] | # ~`` escaped (no
    emphasis, link, cell break or heading), and no line break (written out as ``\\x0a``, as
    every control character). Numbers pass as they are."""
    if not isinstance(value, str):
        return value
    text = visible(value).translate(_HTML_SPECIAL)
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(), text)


def render_explanation_markdown(explanation, lang: str = "zh") -> str:
    """One district's explanation in Markdown: a row per indicator with its cells and rule."""
    from ..explain import explanation_summary, inputs_text, item_title, sources_text
    from ..messages import words

    t = words(lang)
    out = [f"# {md_text(explanation_summary(explanation, lang))}", ""]
    out.append(md_text(t["data_from"] + sources_text(explanation, lang)))
    out += [
        "",
        f"| {t['item']} | {t['inputs']} | {t['rule']} | {t['points']} |",
        "|---|---|---|---:|",
    ]
    for number, item in enumerate(explanation.items, 1):
        score = t["suspended"] if item.suspended else f"{item.score:.2f}"
        out.append(
            f"| **{number}. {md_text(item_title(item, lang))}** | | | **{md_text(score)}** |"
        )
        for line in item.lines:
            out.append(f"| {md_text(line.name)} | {md_text(inputs_text(line, lang))} | "
                       f"{md_text(line.words.render(lang))} | {line.points:+.2f} |")  # fmt: skip
    out.append("")
    if explanation.subtotals:  # the indicator tree (指标体系): each level's subtotals
        from ..subtotals import subtotal_words

        out += [md_text(t["tree.title"]), ""]
        for said, s in zip(subtotal_words(explanation.subtotals, lang), explanation.subtotals):
            out.append("  " * s["depth"] + "- " + md_text(said))
        out.append("")
    out += [
        md_text(s) + "  " for s in explanation_summary(explanation, lang, closing=True).split("\n")
    ]
    return "\n".join(out).rstrip() + "\n"
