"""The kinds of value a rule file holds: real YAML numbers within bounds, and strict models."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, AllowInfNan, BaseModel, ConfigDict, Strict

from ..messages import Message, say


class RuleValueError(ValueError):
    """A value of a rule file a validator refuses, with the Message that says why."""

    def __init__(self, said: Message):
        super().__init__(said.code)
        self.said = said

    def __str__(self) -> str:
        return self.said.render("zh")


# Every number of a rule file is a real YAML number: not text ("50", and 5e1, which YAML 1.1
# reads as text), not true/false, not .inf/.nan, and not so large that sums overflow.
LARGEST = 10**12


def _not_huge(value: float) -> float:
    if abs(value) > LARGEST:
        raise RuleValueError(say("detail.too_large", value=f"{value:g}"))
    return value


Number = Annotated[float, Strict(), AllowInfNan(False), AfterValidator(_not_huge)]
Whole = Annotated[int, Strict(), AfterValidator(_not_huge)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def _one_of(model: BaseModel, *pairs: tuple[str, str]) -> None:
    for a, b in pairs:
        if getattr(model, a) is not None and getattr(model, b) is not None:
            raise RuleValueError(say("detail.only_one", a=a, b=b))
