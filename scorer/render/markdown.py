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
