"""The kinds of value a rule file holds: real YAML numbers within bounds, and strict models."""

from typing import Annotated, Literal

from pydantic import AfterValidator, AllowInfNan, BaseModel, ConfigDict, Field, Strict

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


class _IndicatorBase(_Strict):
    """What every indicator has: its name, share, formula, direction and unit (the methods
    in scheme/model.py and scheme/shapes.py add their own settings)."""

    name: str = Field(description="指标名称 / indicator name")
    share: Number = Field(gt=0, le=1, description="占项目分值的比例 / share of the project weight")
    value: str = Field(description="计算公式，如“完成 / 目标任务” / formula of the measured value")
    better: Literal["higher", "lower"] = Field(
        default="higher",
        description="higher 越高越好；lower 越低越好（如结转结余率），0 为最好 / lower is better",
    )
    unit: str | None = Field(
        default=None, description="值的单位，如 万元、公顷、岁（说明计分时显示）/ the value's unit"
    )

    def lower_is_better(self) -> bool:
        return self.better == "lower"
