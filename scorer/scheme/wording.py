"""pydantic's validation errors in a clerk's words, and the YAML path they point at."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from ..messages import Message, say
from .model import METHOD_NAMES
from .types import RuleValueError

# pydantic's error types a clerk meets, each with the catalog's sentence for it
_PYDANTIC = {
    "missing": "detail.required",
    "extra_forbidden": "detail.unknown_key",
    "float_parsing": "detail.number",
    "float_type": "detail.number",
    "int_parsing": "detail.whole_number",
    "int_type": "detail.whole_number",
    "int_from_float": "detail.whole_number",
    "string_type": "detail.text",
    "list_type": "detail.list",
    "dict_type": "detail.mapping",
    "model_type": "detail.mapping",
    "bool_type": "detail.true_false",
    "bool_parsing": "detail.true_false",
    "too_short": "detail.not_empty",
    "string_too_short": "detail.not_empty",
    "union_tag_not_found": "detail.method_missing",
    "finite_number": "detail.finite",
}
# pydantic's bounds: the error type, the catalog's sentence and the key of the bound in ctx
_BOUNDS = {
    "greater_than": ("detail.greater_than", "gt"),
    "greater_than_equal": ("detail.at_least", "ge"),
    "less_than": ("detail.less_than", "lt"),
    "less_than_equal": ("detail.at_most", "le"),
}


def describe_error(error: Mapping[str, Any]) -> Message:
    """A pydantic error in a clerk's words, as a Message (Chinese or English when rendered)."""
    kind = error["type"]
    ctx = error.get("ctx", {})
    given = error.get("input")
    if kind in ("float_type", "int_type") and isinstance(given, bool):
        return say("detail.not_true_false", given=str(given).lower())
    if kind in ("float_type", "int_type") and isinstance(given, str) and numeric_text(given):
        return say("detail.quoted_number", given=given)
    if kind in _PYDANTIC:
        return say(_PYDANTIC[kind])
    if kind in _BOUNDS:
        code, key = _BOUNDS[kind]
        bound = ctx.get(key)
        return say(code, bound=plain_number(bound) if isinstance(bound, (int, float)) else bound)
    if kind == "literal_error":
        expected = str(ctx.get("expected"))  # pydantic's own English: "'desc' or 'asc'"
        return say("detail.one_of", expected=re.findall(r"'([^']*)'", expected) or [expected])
    if kind in ("too_long", "list_too_long") and "max_length" in ctx:
        return say("detail.too_long", most=ctx["max_length"])
    if kind == "value_error" and isinstance(ctx.get("error"), RuleValueError):
        return ctx["error"].said
    return say("detail.other", text=str(ctx.get("error", error["msg"])))


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


def dotted_path(loc: Iterable) -> str | Message:
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
    return text or say("detail.whole_scheme")


def plain_number(value: float) -> str:
    """A number without trailing zeros: 0.95, 3500."""
    return f"{value:.6f}".rstrip("0").rstrip(".")
