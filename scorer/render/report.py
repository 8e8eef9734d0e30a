"""The assessment report in the format its file's suffix names: HTML, Markdown, Excel, JSON."""

# The names below are also re-exported: the command line and the tests import them from here.

from __future__ import annotations

from .context import DETAIL_LIMIT, report_context
from .html import render_html, render_trend
from .json import to_json
from .markdown import md_text, render_markdown
from .xlsx import render_xlsx

__all__ = [
    "DETAIL_LIMIT",
    "REPORT_SUFFIXES",
    "md_text",
    "render",
    "render_html",
    "render_markdown",
    "render_trend",
    "render_xlsx",
    "report_context",
]

REPORT_SUFFIXES = (".html", ".htm", ".md", ".xlsx", ".json")


def render(result, suffix: str, lang: str = "zh", robustness=None) -> bytes:
    """The report in the format its file suffix names; with ``robustness`` (a sensitivity run)
    the HTML and Markdown reports add its rank intervals."""
    suffix = suffix.lower()
    if suffix in (".html", ".htm"):
        return render_html(result, lang, robustness).encode("utf-8")
    if suffix == ".md":
        return render_markdown(result, lang, robustness).encode("utf-8")
    if suffix == ".xlsx":
        return render_xlsx(result, lang)
    if suffix == ".json":
        return to_json(result.ranking, result.issues, lang)
    raise ValueError(suffix)
