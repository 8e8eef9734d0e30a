"""The method ``change`` (对比上期, issue 13 shape 18): the value against last period's, with the
gain and loss steps and caps of ``linear`` ("对比上年度每增加1名加0.05分，加分不超过0.5分")."""

from __future__ import annotations

import numpy as np

from . import scheme as s
from .messages import Given, render
from .methods import Context, step_amount


def change_of(value: np.ndarray, ind: s.Change, ctx: Context) -> np.ndarray:
    """How much better than last period each value is: the difference in the value's unit, or
    the growth rate (a last period of 0 or less has none); turned round when lower is better."""
    before = ctx.previous if ctx.previous is not None else np.full(len(value), np.nan)
    if ind.compare == "growth":
        moved = (value - before) / np.where(before > 0, before, np.nan)
    else:
        moved = value - before
    return -moved if ind.lower_is_better() else moved


def change(value: np.ndarray, ind: s.Change, ctx: Context) -> np.ndarray:
    """对比上期：持平得 base，比上期每增加一步加若干分、每减少一步扣若干分（越低越好时相反），
    加分、扣分各自封顶，最低得 floor。"""
    moved = change_of(value, ind, ctx)
    gained = step_amount(moved, ind.gain, ctx) if ind.gain is not None else 0.0
    lost = step_amount(-moved, ind.loss, ctx) if ind.loss is not None else 0.0
    result = np.maximum(ind.base + gained - lost, ind.floor)
    return np.where(np.isnan(moved), np.nan, result)


def _num(x: float) -> str:
    return f"{x:,.4f}".rstrip("0").rstrip(".")


def _pct(x: float) -> str:
    return f"{x * 100:.2f}".rstrip("0").rstrip(".") + "%"


def words_change(ind: s.Change, value: float, fraction: float, ctx: Context, peers) -> Given:
    """What change did with one unit's value, said in each language from the catalog."""
    return Given(_words(ind, value, fraction, ctx, "zh"), _words(ind, value, fraction, ctx, "en"))


def _words(ind: s.Change, value: float, fraction: float, ctx: Context, lang: str) -> str:
    unit = ind.unit or ""
    before = float(ctx.previous[0]) if ctx.previous is not None else float("nan")
    points = _num(fraction * ctx.points) if np.isfinite(fraction) else "—"
    common = {"now": _num(value) + unit, "before": _num(before) + unit, "points": points}
    if not np.isfinite(before):
        return render("previous.change.no_previous", lang, **common)
    moved = float(change_of(np.array([value]), ind, ctx)[0])
    if not np.isfinite(moved):
        return render("previous.change.no_base", lang, **common)
    growth = ind.compare == "growth"
    size = abs(value - before)
    shown = _pct(abs(moved)) if growth else _num(size) + unit
    up = (value > before) if not growth else moved * (-1 if ind.lower_is_better() else 1) > 0
    if abs(moved) < 1e-12:
        return render("previous.change.same", lang, **common)
    better = moved > 0
    step = ind.gain if better else ind.loss
    verb = render(f"previous.word.{'up' if up else 'down'}{'_growth' if growth else ''}", lang)
    if step is None:
        key = "previous.change.no_gain" if better else "previous.change.no_loss"
        return render(key, lang, verb=verb, change=shown, **common)
    per = _pct(step.per) if growth else _num(step.per) + unit
    worth = (
        render("previous.word.points", lang, n=_num(step.points))
        if step.points is not None
        else _pct(step.share or 0)
    )
    cap = ""
    if step.max_points is not None or step.max_share is not None:
        limit = step.max_points if step.max_points is not None else None
        shown_cap = (
            render("previous.word.points", lang, n=_num(limit))
            if limit is not None
            else _pct(step.max_share or 0)
        )
        cap = render(f"previous.change.cap_{'gain' if better else 'loss'}", lang, cap=shown_cap)
    moved_points = _num(abs(fraction - ind.base) * ctx.points)
    key = "previous.change.gain" if better else "previous.change.loss"
    return render(key, lang, verb=verb, change=shown, per=per, worth=worth, cap=cap,
                  moved=moved_points, **common)  # fmt: skip
