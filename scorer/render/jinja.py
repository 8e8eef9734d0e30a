"""The Jinja environment the HTML and Markdown reports share: templates, filters, helpers."""

from __future__ import annotations

from typing import Any

from ..explain import explanation_summary, inputs_text, item_title
from ..subtotals import subtotal_outline, subtotal_words


def environment(**options: Any):
    """The environment: templates from scorer/templates, autoescape on unless told otherwise."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    settings: dict[str, Any] = {
        "autoescape": select_autoescape(["html", "j2"], default_for_string=True),
        **options,
    }
    env = Environment(
        loader=PackageLoader("scorer", "templates"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        **settings,
    )
    env.filters["num"] = lambda v, places=2: "" if v is None else f"{v:,.{places}f}"
    env.filters["pct"] = lambda v: "" if v is None else f"{v:.1%}"
    env.filters["heat"] = heat_colour
    env.globals.update(
        item_title=item_title, inputs_text=inputs_text, explanation_summary=explanation_summary,
        subtotal_words=subtotal_words, subtotal_outline=subtotal_outline,
    )  # fmt: skip
    return env


def heat_colour(share: float | None) -> str:
    """Red below half the points, through yellow, to green at full marks; grey when suspended."""
    if share is None:
        return "#d9d9d9"
    position = min(1.0, max(0.0, (share - 0.5) / 0.5))
    hue = 120 * position
    return f"hsl({hue:.0f}, 65%, {72 - 20 * position:.0f}%)"
