"""The assessment report in the format its file's suffix names: HTML, Markdown, Excel, JSON,
the Word 通报, the PDF report and the ranking as CSV."""

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

REPORT_SUFFIXES = (".html", ".htm", ".md", ".xlsx", ".json", ".docx", ".pdf", ".csv")


def render(result, suffix: str, lang: str = "zh", robustness=None, head=None) -> bytes:
    """The report in the format its file suffix names; with ``robustness`` (a sensitivity run)
    the HTML and Markdown reports add its rank intervals. ``head`` (a notice.Letterhead): who
    issues the 通报 and the PDF, when, and whether the PDF is the full report."""
    suffix = suffix.lower()
    if suffix in (".docx", ".pdf"):
        from .notice import letterhead

        head = head or letterhead(result.scheme)
        if suffix == ".docx":
            from .docx import render_notice_docx

            return render_notice_docx(result, head, lang)
        from .pdf import render_pdf

        return render_pdf(result, head, lang)
    if suffix == ".csv":
        from .ranking_csv import render_csv

        return render_csv(result, lang)
    if suffix in (".html", ".htm"):
        return render_html(result, lang, robustness).encode("utf-8")
    if suffix == ".md":
        return render_markdown(result, lang, robustness).encode("utf-8")
    if suffix == ".xlsx":
        return render_xlsx(result, lang)
    if suffix == ".json":
        return to_json(result.ranking, result.issues, lang)
    raise ValueError(suffix)
