"""The rule shapes of published 考核办法 (issue 13) as rule-file models: steps of gain and loss,
points by rank as a sequence, groups of units, items for some units only, and 一票否决."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ..messages import say
from .types import Number, RuleValueError, Whole, _one_of, _Strict


class Step(_Strict):
    """每增加（减少）一步加（扣）若干分：per 为一步的大小，按值的单位计（0.05 即 5%，10 即 10万元）。"""

    per: Number = Field(
        default=0.01,
        gt=0,
        description="一步的大小，按值的单位（0.05 为5%，10 为10万元）/ step size",
    )
    points: Number | None = Field(default=None, ge=0, description="每步的分数 / points per step")
    share: Number | None = Field(
        default=None, ge=0, description="每步的比例（占本指标分值）/ share per step"
    )
    whole: bool = Field(
        default=True, description="true 只计完整的步数（每增加5%：增加9%只算1步）；false 按比例"
    )
    by: str | None = Field(
        default=None,
        description="另用公式量出超出（不足）的多少，如“完成面积 - 目标面积”（公顷）/ distance formula",
    )
    unit: str | None = Field(default=None, description="by 量出的单位，如 公顷 / unit of by")
    max_points: Number | None = Field(default=None, ge=0, description="最多加（扣）的分数")
    max_share: Number | None = Field(
        default=None, ge=0, description="最多加（扣）的比例，1 为“加分至基本分值封顶”"
    )

    @model_validator(mode="after")
    def _amount(self) -> Step:
        if (self.points is None) == (self.share is None):
            raise RuleValueError(say("detail.step_points_or_share"))
        _one_of(self, ("max_points", "max_share"))
        return self

    def amount(self, indicator_points: float) -> float:
        """A step's worth as a share of the indicator."""
        return self.share if self.share is not None else (self.points or 0) / indicator_points

    def cap(self, indicator_points: float) -> float | None:
        if self.max_share is not None:
            return self.max_share
        if self.max_points is not None:
            return self.max_points / indicator_points
        return None


class RankSequence(_Strict):
    """依次赋分：从第1名（或倒数第1名）起得 points 分，每往后（往前）1名加减 step 分。"""

    start: Literal["first", "last"] = Field(
        default="first", description="first 从第1名起；last 从倒数第1名起"
    )
    points: Number = Field(ge=0, description="起始名次的得分 / points of the first rank counted")
    step: Number = Field(description="每一名的增减，如 -3（60、57、54分）/ change per rank")
    through: Whole | None = Field(
        default=None, ge=1, description="从起始名次算共几名得分，其余得 otherwise_points"
    )


# grouping name → group name → its units, e.g. 部门类别: {专业部门: [教育局, 卫健委], 综合部门: [...]}
UnitGroups = dict[str, dict[str, list[str]]]


class Applicability(_Strict):
    """项目只适用于部分单位：列出单位（units），或写一个分组及其中的组（group + in）。"""

    units: list[str] | None = Field(default=None, min_length=1, description="适用的单位名称")
    group: str | None = Field(default=None, description="分组名，见方案的 groups，如“部门类别”")
    in_: list[str] | None = Field(
        default=None, alias="in", min_length=1, description="适用的组，如 [专业部门]"
    )

    @model_validator(mode="after")
    def _one_way(self) -> Applicability:
        if (self.units is None) == (self.group is None):
            raise RuleValueError(say("detail.units_or_group"))
        if (self.group is None) != (self.in_ is None):
            raise RuleValueError(say("detail.group_needs_in"))
        return self


class Veto(_Strict):
    """一票否决：条件成立的单位按 grade 评定等次，可排在未被否决的单位之后，并取消评奖资格。"""

    name: str = Field(description="否决事项，如“发生特别重大安全事故” / what vetoes")
    when: str = Field(description="条件，如“重大事故数 > 0”；该单位任一行成立即否决")
    project: str | None = Field(
        default=None, description="只看此项目的数据行；缺省看该单位所有项目的行"
    )
    grade: str | None = Field(default=None, description="按此等次评定，如“不合格” / forced grade")
    rank: Literal["as_scored", "last"] = Field(
        default="as_scored", description="last：排在所有未被否决的单位之后 / ranked below the rest"
    )
    awards: list[str] | Literal["all", "none"] = Field(
        default="all", description="取消哪些评奖资格：all 全部，none 不取消，或列出奖项名称"
    )

    def removes(self, award: str) -> bool:
        if self.awards == "all":
            return True
        if self.awards == "none":
            return False
        return award in self.awards
