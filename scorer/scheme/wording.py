"""pydantic's validation errors in a clerk's words, and the YAML path they point at."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .model import METHOD_NAMES

_PYDANTIC_ZH = {
    "missing": "缺少必填项 (required)",
    "extra_forbidden": "不认识的键，是否拼写有误？ (unknown key)",
    "float_parsing": "应为数字 (must be a number)",
    "float_type": "应为数字 (must be a number)",
    "int_parsing": "应为整数 (must be a whole number)",
    "int_type": "应为整数 (must be a whole number)",
    "int_from_float": "应为整数 (must be a whole number)",
    "string_type": "应为文字 (must be text)",
    "list_type": "应为列表 (must be a list)",
    "dict_type": "应为键值表 (must be a mapping)",
    "model_type": "应为键值表 (must be a mapping)",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "too_short": "不能为空 (must not be empty)",
    "string_too_short": "不能为空 (must not be empty)",
    "union_tag_not_found": "缺少 method（计分方法） (method missing)",
}


def describe_error(error: Mapping[str, Any]) -> str:
    """A pydantic error in a clerk's words, Chinese first, English in brackets."""
    kind = error["type"]
    ctx = error.get("ctx", {})
    given = error.get("input")
    if kind in ("float_type", "int_type") and isinstance(given, bool):
        return f"应为数字，不能写 {str(given).lower()} (must be a number, not true/false)"
    if kind in ("float_type", "int_type") and isinstance(given, str) and numeric_text(given):
        return (
            f"“{given}”是文字，不是数字：去掉引号，写成 50、0.95 这样的普通数字"
            f"（YAML 把 5e1 这样的写法当作文字） (a quoted or 5e1-style number is text: write 50)"
        )
    if kind == "finite_number":
        return "应为有限的数字，不能是 .inf 或 .nan (must be a finite number)"
    if kind in _PYDANTIC_ZH:
        return _PYDANTIC_ZH[kind]
    bound = {k: plain_number(v) if isinstance(v, (int, float)) else v for k, v in ctx.items()}
    if kind == "greater_than":
        return f"应大于 {bound.get('gt')} (must be > {bound.get('gt')})"
    if kind == "greater_than_equal":
        return f"应不小于 {bound.get('ge')} (must be ≥ {bound.get('ge')})"
    if kind == "less_than_equal":
        return f"应不大于 {bound.get('le')} (must be ≤ {bound.get('le')})"
    if kind == "literal_error":
        return f"只能是 {ctx.get('expected')} (must be one of {ctx.get('expected')})"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"]


# fields counted in points, days or units, where "60%" is no share of anything
_COUNTED = {
    "weight", "total", "points", "per_event", "max_points", "max_gain_points",
    "loss_points_per_point", "gain_points_per_point", "otherwise_points", "min_total", "quota",
    "count", "year", "precision", "month", "ranks",
}  # fmt: skip
_PERCENT = r"([+-]?\d+(?:\.\d+)?)\s*[%％]"
_WITH_UNIT = r"([+-]?\d+(?:\.\d+)?)\s*([^\d\s.,+\-][^\d]*)"
_QUOTES = "\"'“”‘’「」"


def value_mistake(error: Mapping[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """A number typed as a clerk would on a Chinese keyboard (60%, 120分, １２０, 0。6, “120”):
    the Issue code and params that say what to write instead; None for any other error."""
    given = error.get("input")
    if error["type"] not in ("float_type", "int_type", "float_parsing", "int_parsing"):
        return None
    if not isinstance(given, str) or (numeric_text(given) and given.isascii()):
        return None  # a number in ASCII quotes (or 5e1) has its own wording
    field = dotted_path(error["loc"])
    text = unicodedata.normalize("NFKC", given).strip().strip(_QUOTES).strip()
    text = text.replace("。", ".")
    counted = str(next((p for p in reversed(error["loc"]) if isinstance(p, str)), "")) in _COUNTED
    percent = re.fullmatch(_PERCENT, text)
    if percent and not counted:
        fraction = _decimal(percent.group(1)) / 100
        return "number-percent", {"field": field, "text": given, "fraction": _plain(fraction)}
    unit = re.fullmatch(_WITH_UNIT, text)
    if unit:
        number = _plain(_decimal(unit.group(1)))
        return "number-with-unit", {"field": field, "text": given, "number": number,
                                    "unit": unit.group(2).strip()}  # fmt: skip
    digits = re.sub(r"(?<=\d)[,，](?=\d{3}\b)", "", text)
    if numeric_text(digits):
        return "number-as-text", {"field": field, "text": given, "number": _plain(_decimal(digits))}
    return None


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text.replace("_", ""))
    except InvalidOperation:  # numeric_text let it through, so this does not happen
        return Decimal(0)


def _plain(value: Decimal) -> str:
    """0.6, not 0.60 or 6E-1; 120, not 1.2E+2."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def numeric_text(text: str) -> bool:
    """Whether text is a number YAML left as text ("50", 5e1)."""
    try:
        float(text.strip().replace("_", ""))
    except ValueError:
        return False
    return True


def dotted_path(loc: Iterable) -> str:
    """A pydantic location as a rule file writes it: projects[3].indicators[0].share."""
    text = ""
    previous = None
    for part in loc:
        tag = part in METHOD_NAMES and isinstance(previous, int)  # pydantic's union tag
        previous = part
        if isinstance(part, int):
            text += f"[{part}]"
        elif tag or str(part).startswith("function-"):
            continue
        else:
            text += ("." if text else "") + str(part)
    return text or "(方案)"


def plain_number(value: float) -> str:
    """A number without trailing zeros: 0.95, 3500."""
    return f"{value:.6f}".rstrip("0").rstrip(".")
