"""What the HTML and PDF charts share: an axis that shows the differences, a colour scale that
people with red-green colour blindness can read, and text that fits."""

from __future__ import annotations

import math
import unicodedata

# ColorBrewer "Blues" (5 classes): one hue from light to dark, safe for every kind of colour
# blindness and readable in grey print; the value is written in each cell as well.
BLUES = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
SUSPENDED = "#d9d9d9"


def nice_step(span: float, count: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 × 10^n) giving about ``count`` ticks over ``span``."""
    if span <= 0:
        return 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def axis(values: list[float], total: float) -> tuple[float, float, list[float]]:
    """The range and ticks of the totals' axis: from a round number below the lowest to one
    above the highest (never past the scheme's total by a step), so that totals from 2,804 to
    3,275 are told apart; it does not start at 0, and the chart says so."""
    if not values:
        return 0.0, total, [0.0, total]
    low, high = min(values), max(values)
    if high - low < 1e-9:
        low, high = low - max(1.0, abs(low) * 0.01), high + max(1.0, abs(high) * 0.01)
    step = nice_step(high - low)
    start = math.floor(low / step) * step
    end = math.ceil(high / step) * step
    ticks = []
    tick = start
    while tick <= end + step * 1e-6:
        ticks.append(round(tick, 10))
        tick += step
    return start, end, ticks


def heat_colour(share: float | None, low: float = 0.5) -> tuple[str, str]:
    """The cell's fill and its text colour (white on the dark classes): ``low`` and below the
    lightest class, full marks the darkest; grey when suspended."""
    if share is None:
        return SUSPENDED, "#1f2933"
    position = min(1.0, max(0.0, (share - low) / (1 - low) if low < 1 else 1.0))
    index = min(len(BLUES) - 1, int(position * len(BLUES)))
    return BLUES[index], "#ffffff" if index >= 3 else "#1f2933"


def heat_floor(shares: list[float]) -> float:
    """Where the heat map's scale starts: the lowest share rounded down to 5% (at most 75%, so
    that the five classes span at least five points each); the classes then part the shares
    the data have, not a range nobody reached."""
    if not shares:
        return 0.5
    return max(0.0, min(0.75, math.floor(min(shares) * 20) / 20))


def legend(low: float) -> list[tuple[str, str, str]]:
    """The scale's classes: (fill, text colour, range in words) from the lowest to full marks."""
    step = (1 - low) / len(BLUES)
    out = []
    for index, fill in enumerate(BLUES):
        start = low + index * step
        label = f"<{start + step:.0%}" if index == 0 else f"≥{start:.0%}"
        out.append((fill, "#ffffff" if index >= 3 else "#1f2933", label))
    return out


def text_width(text: str, size: float) -> float:
    """About how wide ``text`` is at ``size`` (wide characters one em, others about half):
    enough to make room for the longest label, so that none is clipped."""
    wide = sum(1 for c in text if unicodedata.east_asian_width(c) in ("W", "F"))
    return (wide + 0.55 * (len(text) - wide)) * size
