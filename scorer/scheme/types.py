"""The kinds of value a rule file holds: real YAML numbers within bounds, and strict models."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, AllowInfNan, BaseModel, ConfigDict, Strict

# Every number of a rule file is a real YAML number: not text ("50", and 5e1, which YAML 1.1
# reads as text), not true/false, not .inf/.nan, and not so large that sums overflow.
LARGEST = 10**12


def _not_huge(value: float) -> float:
    if abs(value) > LARGEST:
        raise ValueError(f"数值 {value:g} 过大，绝对值不能超过 10^12 (at most 10^12 in size)")
    return value


Number = Annotated[float, Strict(), AllowInfNan(False), AfterValidator(_not_huge)]
Whole = Annotated[int, Strict(), AfterValidator(_not_huge)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def _one_of(model: BaseModel, *pairs: tuple[str, str]) -> None:
    for a, b in pairs:
        if getattr(model, a) is not None and getattr(model, b) is not None:
            raise ValueError(f"{a} 与 {b} 只能写一个 (give {a} or {b}, not both)")
