"""The rule shapes of published 考核办法 (issue 13) as rule-file models: steps of gain and loss,
points by rank as a sequence, groups of units, items for some units only, and 一票否决."""

from typing import Literal

from pydantic import Field, model_validator

from ..messages import say
from .types import Number, RuleValueError, Whole, _IndicatorBase, _one_of, _Strict


class Step(_Strict):
    """每增加（减少）一步加（扣）若干分：per 为一步的大小，\
按值的单位计（0.05 即 5%，10 即 10万元）。"""

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
        description=(
            "另用公式量出超出（不足）的多少，如“完成面积 - 目标面积”（公顷）/ distance formula"
        ),
    )
    unit: str | None = Field(default=None, description="by 量出的单位，如 公顷 / unit of by")
    max_points: Number | None = Field(default=None, ge=0, description="最多加（扣）的分数")
    max_share: Number | None = Field(
        default=None, ge=0, description="最多加（扣）的比例，1 为“加分至基本分值封顶”"
    )

    @model_validator(mode="after")
    def _amount(self) -> "Step":
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


# grouping name → group name → its units,
# e.g. 部门类别: {专业部门: [教育局, 卫健委], 综合部门: [...]}
UnitGroups = dict[str, dict[str, list[str]]]


class Applicability(_Strict):
    """项目只适用于部分单位：列出单位（units），或写一个分组及其中的组（group + in），或写数据中
    的一列及其取值（column + in，如 部门类别 为 专业部门 的单位）。"""

    units: list[str] | None = Field(default=None, min_length=1, description="适用的单位名称")
    group: str | None = Field(default=None, description="分组名，见方案的 groups，如“部门类别”")
    column: str | None = Field(
        default=None,
        description="数据中的文字列（kind: text），如“部门类别”：该列取 in 中之一的单位适用",
    )
    in_: list[str] | None = Field(
        default=None, alias="in", min_length=1, description="适用的组（或列的取值），如 [专业部门]"
    )

    @model_validator(mode="after")
    def _one_way(self) -> "Applicability":
        ways = [self.units, self.group, self.column]
        if sum(way is not None for way in ways) != 1:
            raise RuleValueError(say("detail.units_or_group"))
        if (self.units is None) == (self.in_ is None):
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


# ---- the shapes 12–17 of issue 13: indicators scored by methods of their own


class YesNo(_IndicatorBase):
    """是否类指标：结果为“是”时得满分，为“否”时得 otherwise（默认不得分）；full_for: 否 反之。"""

    method: Literal["yes_no"]
    full_for: Literal["是", "否"] = Field(
        default="是", description="哪个答案得满分：是（默认），或 否（如“是否发生…”）"
    )
    otherwise: Number = Field(
        default=0,
        ge=0,
        le=1,
        description="另一个答案的得分比例，默认 0 / share for the other answer",
    )


class Efficacy(_IndicatorBase):
    """功效系数法：得分 = 基础分 + (实际值 − 不允许值) ÷ (满意值 − 不允许值) × (满分 − 基础分)，
    介于基础分与满分之间；满意值、不允许值为给定的数，或取各单位中最好、最差的值。"""

    method: Literal["efficacy"]
    best: Number | Literal["unit"] = Field(
        description="满意值：一个数（如 0.12），或 unit 取各单位中最好的值 / the satisfactory value"
    )
    worst: Number | Literal["unit"] = Field(
        description="不允许值：一个数（如 0.06），或 unit 取各单位中最差的值 / the worst allowed"
    )
    base: Number = Field(
        default=0.6,
        ge=0,
        lt=1,
        description="不允许值（及更差）的得分比例，如 0.6（60-100之间）/ share at the worst value",
    )


class Standard(_Strict):
    """一个标准值及其得分：达到 at 得 score（比例）或 points（分数）。"""

    at: Number = Field(description="标准值，如 0.95 / the standard's value")
    score: Number | None = Field(default=None, ge=0, description="得分比例（得分系数）/ share")
    points: Number | None = Field(default=None, ge=0, description="得分 / points")


class Interpolate(_IndicatorBase):
    """按标准值插值：实际值处于两个标准值之间时采用线性方法计算，达到最好的标准得其分，
    差于最差的标准得 otherwise（默认为最差标准的分）。"""

    method: Literal["interpolate"]
    standards: list[Standard] = Field(
        min_length=2, description="各标准值及得分，从最好到最差排列 / standards, best first"
    )
    otherwise: Number | None = Field(
        default=None, ge=0, description="差于最差标准时的得分比例，缺省为最差标准的得分"
    )


class PerEvent(_IndicatorBase):
    """基本分减按次扣分：得满分，每发生（每少）一次扣若干分，扣完为止。"""

    method: Literal["per_event"]
    loss_points_per_event: Number | None = Field(
        default=None, ge=0, description="每次扣的分数，如 0.5 / points off per event"
    )
    loss_per_event: Number | None = Field(
        default=None, ge=0, description="每次扣的比例（占本指标分值）/ share off per event"
    )
    event: str | None = Field(
        default=None, description="一次指什么，说明计分时显示，如“少一次督查” / what one event is"
    )


class Level(_Strict):
    """一个级别：count 公式数出的次数（篇数）不少于 min 即达到此级，得 points 或 score。"""

    name: str = Field(description="级别名称，如 省级 / the level's name")
    count: str = Field(description="次数公式，如“省级媒体篇数” / formula counting at this level")
    min: Number = Field(default=1, gt=0, description="至少几次（篇）达到此级 / count needed")
    points: Number | None = Field(default=None, ge=0, description="得分 / points")
    score: Number | None = Field(default=None, ge=0, description="得分比例 / share")


class HighestLevel(_IndicatorBase):
    """按达到的最高级别计分：如省级媒体1篇得3分、市级2篇得2分、县级得1分，只取最高一级。"""

    method: Literal["highest_level"]
    value: str = Field(
        default="", description="不必写：缺省为各级次数之和（说明计分时列出各级的单元格）"
    )
    levels: list[Level] = Field(
        min_length=1, description="各级别，从高到低 / levels, highest first"
    )
    otherwise: Number = Field(default=0, ge=0, description="一级都未达到的得分比例")

    @model_validator(mode="after")
    def _counted(self) -> "HighestLevel":
        if not self.value:
            self.value = " + ".join(
                f"({c})" if any(sign in c for sign in "+-*/,") else c
                for c in (level.count.strip() for level in self.levels)
            )
        return self


class Caps(_Strict):
    """加分、扣分合计的上限：项目（模板）内或全方案，如“最多加减10分”。"""

    max_bonus: Number | None = Field(default=None, ge=0, description="加分合计最多 / most bonus")
    max_deduction: Number | None = Field(
        default=None, ge=0, description="扣分合计最多 / most deducted"
    )
