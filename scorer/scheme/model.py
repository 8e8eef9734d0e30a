"""The rule file's format as pydantic models (考核方案), and the views derived from a Scheme.

Long because: the format is one tree of models read top down (columns, the indicator of each
method, projects, the scheme), each field with its description for the JSON Schema; the
shapes of issue 13 and the kinds of value are in shapes.py and types.py already."""

# No `from __future__ import annotations` here: pydantic would evaluate each of the ~120 field
# annotations from its text when the models are built (a compile() apiece), which is about a
# quarter of building them, paid by every command that reads a rule file.
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AllowInfNan, Field, PrivateAttr, Strict, model_validator

from ..messages import render, say
from .names import ProjectIndex, normalize_name
from .shapes import (
    Applicability,
    Caps,
    Efficacy,
    HighestLevel,
    Interpolate,
    PerEvent,
    RankSequence,
    Step,
    UnitGroups,
    Veto,
    YesNo,
)
from .tree import TreeNode
from .types import (
    LARGEST,  # noqa: F401  (its old home)
    Number,
    RuleValueError,
    Whole,
    _IndicatorBase,
    _one_of,
    _Strict,
)

ID_COLUMNS = ("district", "project", "status", "city")
# what ranking.tie_break may write for the survey (社情民意)
SURVEY_WORDS = ("社情民意", "满意度", "survey")

Month = Annotated[int, Strict(), Field(ge=1, le=12)]
Progress = Annotated[float, Strict(), AllowInfNan(False), Field(ge=0, le=1)]
POINTS_LIMIT = 1_000_000  # a scheme's total, and so each weight, is at most this
RULE_KEYS = ("indicators", "deductions", "bonuses", "floor", "caps")  # what a template gives


class Column(_Strict):
    """An input column: its Chinese label in the header, other labels accepted, and limits."""

    label: str = Field(min_length=1, description="表头上的列名，如“目标任务” / header label")
    aliases: list[str] = Field(default=[], description="也认可的列名 / other accepted labels")
    unit: str | None = Field(default=None, description="单位，如 万元、% / unit")
    blank: Literal["error", "zero"] = Field(
        default="error", description="空白单元格：error 报错，zero 按 0 计 / a blank cell is"
    )
    min: Number | None = Field(default=0, description="最小值（默认 0，不允许负数）")
    max: Number | None = Field(default=None, description="最大值 / largest value allowed")
    required: bool = Field(default=True, description="是否必须有此列 / the column must exist")
    roll_up: Literal["sum", "mean"] = Field(
        default="sum",
        description="汇总到市（--level city）时：sum 各县相加（数量、资金），mean 取平均（评分）",
    )
    suspended: list[str] = Field(
        default=["暂缓实施", "不适用"],
        description="（仅状态列）表示项目不参与考核的状态 / status words that suspend a project",
    )
    # --- issue 12: who holds a column, and columns of yes/no
    source: str | None = Field(
        default=None,
        description=(
            "谁提供此列：不写为各地区的填报表；如 office（督查组）、统计局，由该来源的工作表提供，"
            "填报表模板不含此列 / who supplies the column (blank: the districts' returns)"
        ),
    )
    kind: Literal["number", "yes_no", "text"] = Field(
        default="number",
        description=(
            "number 数值；yes_no 是/否列（是、有、完成 计 1，否、无、未完成 计 0）；"
            "text 文字（如 部门类别，供 applies_to 的 column 使用，不参与计算）"
        ),
    )

    def labels(self) -> list[str]:
        return [self.label, *self.aliases]

    def in_percent(self) -> bool:
        """Whether "95%" means 95 here: a column in %, or a score on a 0–100 scale."""
        return self.unit == "%" or (self.min == 0 and self.max == 100)


class District(_Strict):
    """A unit on the roster (名单): its name, other names it may be written as, its city."""

    name: str = Field(min_length=1, description="地区全称，如“富顺县” / the unit's name")
    aliases: list[str] = Field(default=[], description="也认可的写法 / other accepted names")
    city: str | None = Field(default=None, description="所属市 / the city it belongs to")


class Proportional(_IndicatorBase):
    """按完成比例计分，满分为止：得分 = 值 ÷ full_at，封顶 100%。"""

    method: Literal["proportional"]
    full_at: Number = Field(
        default=1.0, gt=0, description="达到此值得满分 / value giving full marks"
    )


class Linear(_IndicatorBase):
    """完成得满分，每少1个百分点扣若干，扣完为止；超额每多1个百分点加若干，加分封顶。"""

    method: Literal["linear"]
    full_at: Number = Field(default=1.0, description="达到此值得满分 / value giving full marks")
    loss_per_point: Number | None = Field(
        default=None, ge=0, description="每少1个百分点扣的比例（占本指标分值）"
    )
    loss_points_per_point: Number | None = Field(
        default=None, ge=0, description="每少1个百分点扣的分数 / points lost per point below"
    )
    gain_per_point: Number | None = Field(
        default=None, ge=0, description="每多1个百分点加的比例（占本指标分值）"
    )
    gain_points_per_point: Number | None = Field(
        default=None, ge=0, description="每多1个百分点加的分数 / points gained per point above"
    )
    max_gain: Number | None = Field(default=None, ge=0, description="最多加的比例（占本指标分值）")
    max_gain_points: Number | None = Field(default=None, ge=0, description="最多加的分数")
    floor: Number = Field(default=0, description="最低得分比例，默认 0（扣完为止）")
    loss: Step | None = Field(
        default=None, description="不足时每步扣分，如 {per: 0.1, points: 1}（每少10%扣1分）"
    )
    gain: Step | None = Field(
        default=None, description="超出时每步加分，如 {per: 0.05, points: 1}（每增加5%加1分）"
    )

    @model_validator(mode="after")
    def _pairs(self) -> "Linear":
        old_loss = self.loss_per_point is not None or self.loss_points_per_point is not None
        old_gain = self.gain_per_point is not None or self.gain_points_per_point is not None
        if not old_loss and self.loss is None and self.gain is None:
            raise RuleValueError(say("detail.linear_needs_loss"))
        if old_loss and self.loss is not None:
            raise RuleValueError(say("detail.loss_twice"))
        if (old_gain or self.max_gain is not None or self.max_gain_points is not None) and (
            self.gain is not None
        ):
            raise RuleValueError(say("detail.gain_twice"))
        _one_of(
            self,
            ("loss_per_point", "loss_points_per_point"),
            ("gain_per_point", "gain_points_per_point"),
            ("max_gain", "max_gain_points"),
        )
        return self

    def stepped(self) -> bool:
        """Whether the gain or loss is written as steps (loss: / gain:)."""
        return self.loss is not None or self.gain is not None


class Tier(_Strict):
    min: Number | None = Field(default=None, description="值不低于此数 / the value is at least")
    max: Number | None = Field(
        default=None, description="值不高于此数（better: lower 时）/ the value is at most"
    )
    score: Number | None = Field(default=None, description="得分比例 / share of the indicator")
    points: Number | None = Field(default=None, description="得分 / points")

    @model_validator(mode="after")
    def _exactly_one(self) -> "Tier":
        if (self.score is None) == (self.points is None):
            raise RuleValueError(say("detail.tier_score_or_points"))
        if (self.min is None) == (self.max is None):
            raise RuleValueError(say("detail.tier_min_or_max"))
        return self

    @property
    def bound(self) -> float:
        """The tier's threshold: its min, or (lower is better) its max."""
        return self.min if self.min is not None else self.max  # type: ignore[return-value]


class Tiers(_IndicatorBase):
    """分档计分：值达到某档下限即得该档分数（如 ≥95% 满分，≥85% 得80%），都不到得 otherwise。"""

    method: Literal["tiers"]
    tiers: list[Tier] = Field(min_length=1, description="各档，从高到低 / bands, highest first")
    otherwise: Number = Field(default=0, description="低于所有档时的得分比例")

    @model_validator(mode="after")
    def _descending(self) -> "Tiers":
        if self.lower_is_better():
            if any(t.max is None for t in self.tiers):
                raise RuleValueError(say("detail.tiers_need_max"))
            maxes = [t.max for t in self.tiers]
            if any(a >= b for a, b in zip(maxes, maxes[1:])):  # type: ignore[operator]
                raise RuleValueError(say("detail.tiers_max_order"))
            return self
        if any(t.min is None for t in self.tiers):
            raise RuleValueError(say("detail.tiers_need_min"))
        mins = [t.min for t in self.tiers]
        if any(a <= b for a, b in zip(mins, mins[1:])):  # type: ignore[operator]
            raise RuleValueError(say("detail.tiers_min_order"))
        return self


class PassFail(_IndicatorBase):
    """完成得满分，未完成不得分。"""

    method: Literal["pass_fail"]
    full_at: Number = Field(default=1.0, description="达到此值为完成 / value that counts as done")


class Schedule(_IndicatorBase):
    """序时进度：完成率与考核月份应达进度比较，达到得满分，否则按比例（或每落后1个百分点扣若干）。"""

    method: Literal["schedule"]
    expected: dict[Month, Progress] | None = Field(
        default=None, description="各月应达进度（占全年），缺省用方案的 schedule 或 月份÷12"
    )
    loss_per_point: Number | None = Field(default=None, ge=0, description="每落后1个百分点扣的比例")
    loss_points_per_point: Number | None = Field(
        default=None, ge=0, description="每落后1个百分点扣的分数"
    )

    @model_validator(mode="after")
    def _pairs(self) -> "Schedule":
        _one_of(self, ("loss_per_point", "loss_points_per_point"))
        if self.lower_is_better():
            raise RuleValueError(say("detail.schedule_not_lower"))
        return self


class RankBand(_Strict):
    ranks: str | Whole = Field(description='名次，如 1、“1-3” / ranks, e.g. 1 or "1-3"')
    points: Number = Field(description="得分 / points")

    def bounds(self) -> tuple[int, int]:
        text = str(self.ranks).replace("－", "-").replace("—", "-").replace("~", "-")
        match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", text)
        if not match:
            raise RuleValueError(say("detail.ranks_written", ranks=self.ranks))
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if low < 1 or high < low:
            raise RuleValueError(say("detail.ranks_range", ranks=self.ranks))
        return low, high

    @model_validator(mode="after")
    def _valid(self) -> "RankBand":
        self.bounds()
        return self


class RankPoints(_IndicatorBase):
    """按名次计分：如“排名1-3名7分，4-6名5分”，并列名次得同分，名次外得 otherwise_points。"""

    method: Literal["rank_points"]
    order: Literal["desc", "asc"] = Field(default="desc", description="desc 值越大越好")
    bands: list[RankBand] | None = Field(default=None, min_length=1)
    sequence: RankSequence | None = Field(
        default=None,
        description="按名次依次赋分，如“依次赋予60分、57分、54分”或“倒数第1名2分，每进1名扣0.1分”",
    )
    otherwise_points: Number = Field(default=0)

    @model_validator(mode="after")
    def _one_rule(self) -> "RankPoints":
        if (self.bands is None) == (self.sequence is None):
            raise RuleValueError(say("detail.bands_or_sequence"))
        return self

    def descending(self) -> bool:
        return self.order == "desc" and not self.lower_is_better()


class RelativeToBest(_IndicatorBase):
    """以最高值为满分，其余按与最高值的比例计分（asc 时以最低值为满分）。"""

    method: Literal["relative_to_best"]
    order: Literal["desc", "asc"] = Field(default="desc", description="desc 值越大越好")

    def descending(self) -> bool:
        return self.order == "desc" and not self.lower_is_better()


class Change(_IndicatorBase):
    """对比上期（同比、环比）：值与上期同一公式的值相比，持平得 base，
    每增加一步加分、每减少一步扣分，加（扣）分封顶；步长与封顶的写法同 linear 的 gain / loss。"""

    method: Literal["change"]
    compare: Literal["difference", "growth"] = Field(
        default="difference",
        description="difference 按增减量（值的单位，如名、万元）；growth 按增长率（0.05 为5%）",
    )
    base: Number = Field(
        default=1, ge=0, description="与上期持平时的得分比例（占本指标分值），默认 1 / unchanged"
    )
    floor: Number = Field(default=0, description="最低得分比例，默认 0（扣完为止）")
    gain: Step | None = Field(
        default=None, description="比上期每增加一步加分，如 {per: 1, points: 0.05, max_points: 0.5}"
    )
    loss: Step | None = Field(
        default=None, description="比上期每减少一步扣分，如 {per: 1, points: 0.1, max_points: 2}"
    )

    @model_validator(mode="after")
    def _sides(self) -> "Change":
        if self.gain is None and self.loss is None:
            raise ValueError("change 需要 gain（每增加一步加分）或 loss（每减少一步扣分）")
        for step in (self.gain, self.loss):
            if step is not None and step.by is not None:
                raise ValueError("change 的增减由 value 与上期比较得出，不写 by")
        return self


Indicator = Annotated[
    Proportional
    | Linear
    | Tiers
    | PassFail
    | Schedule
    | RankPoints
    | RelativeToBest
    | Change
    | YesNo
    | Efficacy
    | Interpolate
    | PerEvent
    | HighestLevel,
    Field(discriminator="method"),
]
INDICATOR_MODELS: dict[str, type[_IndicatorBase]] = {
    "proportional": Proportional,
    "linear": Linear,
    "tiers": Tiers,
    "pass_fail": PassFail,
    "schedule": Schedule,
    "rank_points": RankPoints,
    "relative_to_best": RelativeToBest,
    "change": Change,
    "yes_no": YesNo,
    "efficacy": Efficacy,
    "interpolate": Interpolate,
    "per_event": PerEvent,
    "highest_level": HighestLevel,
}
METHOD_NAMES = tuple(INDICATOR_MODELS)


def method_label(method: str, lang: str) -> str:
    """A method's name for people: 线性扣分 (zh), linear deduction (en)."""
    if method not in INDICATOR_MODELS:
        return method
    return render(f"method.{method}", lang)


class Adjustment(_Strict):
    """A deduction (扣分) or bonus (加分): points from a column, or a count × points per event."""

    name: str
    points: str | None = Field(default=None, description="分数公式，如“扣分” / formula of points")
    count: str | None = Field(default=None, description="次数公式，如“问题数” / number of events")
    per_event: Number | None = Field(
        default=None, ge=0, description="每次的分数 / points per event"
    )
    max_points: Number | None = Field(default=None, ge=0, description="本项最多扣（加）的分数")

    @model_validator(mode="after")
    def _shape(self) -> "Adjustment":
        if (self.points is None) == (self.count is None):
            raise RuleValueError(say("detail.points_or_count"))
        if self.count is not None and self.per_event is None:
            raise RuleValueError(say("detail.count_needs_per_event"))
        return self

    def formula_text(self) -> str:
        return self.points if self.points is not None else str(self.count)


class Rules(_Strict):
    """How a project is scored; shared by templates and projects."""

    indicators: list[Indicator] | None = None
    deductions: list[Adjustment] | None = None
    bonuses: list[Adjustment] | None = None
    floor: Number | None = Field(
        default=0, description="项目最低分：0 为扣完为止；null 为扣分不封底（可为负）"
    )
    caps: Caps | None = Field(
        default=None, description="本项加分、扣分合计的上限，如“本项最多加减10分” / caps on sums"
    )


class Project(Rules):
    name: str = Field(description="项目名称 / project name")
    aliases: list[str] = Field(default=[], description="别名 / other names")
    weight: Number = Field(gt=0, le=POINTS_LIMIT, description="分值 / points")
    level: Literal["project", "district", "survey"] = Field(
        default="project",
        description=(
            "district：按地区汇总全部项目计算（如资金保障），不单独填报；"
            "survey：按社情民意（问卷调查）计分，计入总分"
        ),
    )
    template: str | None = Field(default=None, description="计分模板名 / template name")
    applies_to: Applicability | None = Field(
        default=None, description="只适用于部分单位（如部门履职差异考核项目） / for some units only"
    )
    others: Literal["excluded", "mean"] = Field(
        default="excluded",
        description=(
            "不适用的单位：excluded 不计分也不计入可得分值（不折算）；mean 得适用单位的平均分"
        ),
    )

    def applies(self, district: str, groups: UnitGroups) -> bool:
        """Whether the project applies to ``district`` (names compared as users write them)."""
        rule = self.applies_to
        if rule is None:
            return True
        wanted = normalize_name(district)
        if rule.units is not None:
            return wanted in {normalize_name(u) for u in rule.units}
        if rule.column is not None:
            return True  # decided on the data (engine: the unit's value in the column)
        grouping = groups.get(rule.group or "", {})
        return any(
            wanted in {normalize_name(u) for u in grouping.get(g, [])} for g in rule.in_ or []
        )

    lead: str | None = Field(
        default=None,
        description="牵头单位，如“交通运输局”；通报按牵头单位列出落后的项目 / lead department",
    )
    parent: str | None = Field(
        default=None,
        description="指标体系（tree）中所属的上级指标，如“项目立项” / its node in the tree",
    )


class Survey(_Strict):
    """社情民意: satisfaction per district, ranked on its own and never added to the total."""

    sheet: str = "社情民意"
    label: str = "满意度"
    aliases: list[str] = ["满意率", "群众满意度"]
    order: Literal["desc", "asc"] = "desc"
    rank_apart: bool = Field(
        default=True, description="是否另行排名（计入总分的项目见 level: survey）/ ranked apart"
    )


class Check(_Strict):
    """审核提示: a condition a reviewer would question; a warning, it never stops the scoring."""

    when: str = Field(description="条件，如“完成 > 1.5 * 目标任务” / condition")
    message: str = Field(description="提示语 / what to tell the clerk")
    message_en: str | None = Field(default=None, description="English message")
    column: str | None = Field(default=None, description="提示指向的列（默认为条件中的第一列）")


class RankRules(_Strict):
    """How ranks are given: shared on equal published totals (1、2、2、4), or strict with a
    tie-break chain."""

    strict: bool = Field(
        default=False,
        description="true：名次不并列，同分按 tie_break 依次比较 / no shared ranks",
    )
    tie_break: list[str] = Field(
        default=[],
        description="同分时依次比较的项目得分（高者在前），可含“社情民意” / tie-break chain",
    )


class SensitivityRules(_Strict):
    """What scorer sensitivity may vary besides the weights."""

    alternatives: dict[str, Annotated[list[Number], Field(min_length=1)]] = Field(
        default={},
        description=(
            "可互换的参数取值，每次抽样各取其一，如 标准.目标任务完成.loss_per_point: "
            "[0.01, 0.02, 0.03]（写法同 whatif --set：项目或模板.指标.参数）"
        ),
    )


class Award(_Strict):
    """评奖：名额按所属市分配（或全省统一），有资格线，名额线上同分如何处理。"""

    name: str = Field(description="奖项名称，如“民生工程先进县” / award name")
    per: Literal["city"] | None = Field(
        default="city", description="city：按所属市分配名额；null：全省统一排名"
    )
    quota: Whole = Field(default=1, ge=0, description="每个市的名额（未在 quotas 中列出的市）")
    quotas: dict[str, Annotated[Whole, Field(ge=0)]] = Field(
        default={}, description="个别市的名额，如 阜阳市: 2"
    )
    count: Whole | None = Field(default=None, ge=1, description="名额总数，用于核对 / total awards")
    min_grade: str | None = Field(default=None, description="等次不低于 / lowest grade eligible")
    min_total: Number | None = Field(default=None, description="总分不低于 / lowest total eligible")
    tie: Literal["tie_break", "all", "none"] = Field(
        default="tie_break",
        description=(
            "名额线上同分：tie_break 按 ranking.tie_break 比较（仍同分则都评上）；"
            "all 都评上（超出名额）；none 都不评上（名额空出）"
        ),
    )

    def quota_of(self, group: str) -> int:
        return self.quotas.get(group, self.quota)


class ScheduleTable(_Strict):
    month: Month = Field(default=12, description="考核月份 / assessment month")
    expected: dict[Month, Progress] | None = Field(
        default=None, description="各月应达进度（占全年），缺省为 月份÷12"
    )


class ReportFigures(_Strict):
    """Which columns the 通报's overall picture sums: targets, completion and the money."""

    target: str | None = Field(default=None, description="目标任务列（键或列名）/ target column")
    completed: str | None = Field(default=None, description="完成列 / completed column")
    budget: str | None = Field(default=None, description="计划资金（预算）列 / budget column")
    issued: str | None = Field(default=None, description="到位（下达）资金列 / funds issued")
    executed: str | None = Field(default=None, description="拨付（执行）资金列 / funds paid out")
    unit: str | None = Field(default=None, description="资金单位，缺省取资金列的 unit，如 万元")


class ReportRules(_Strict):
    """The documents an office sends (通报, PDF): who issues them, to whom, on what basis, and
    the words the scheme uses. What is not given shows as a visible placeholder."""

    issuer: str | None = Field(
        default=None, description="发文机关，如“安徽省民生工程领导小组办公室”"
    )
    number: str | None = Field(default=None, description="文号，如“皖民生办〔2011〕1号”")
    recipients: str | None = Field(
        default=None, description="主送机关，如“各市人民政府，省直有关单位” / addressees"
    )
    basis: str | None = Field(
        default=None,
        description="考核依据，如“《安徽省2010年度民生工程考核办法》（皖政办秘〔2010〕72号）”",
    )
    signature: str | None = Field(default=None, description="署名，缺省为发文机关 / signed by")
    date: str | None = Field(default=None, description="成文日期，如 2011-03-08 / date")
    unit_word: str | None = Field(
        default=None, description="参评单位的称谓，缺省为地区列的列名，如 地区、县区 / unit word"
    )
    survey_name: str | None = Field(
        default=None, description="满意度调查的名称，如 社情民意、群众满意度 / survey name"
    )
    scope: Literal["省", "市", "县", "区"] | None = Field(
        default=None,
        description="考核的范围（全省、全市…），缺省由方案名称看出，如“六安市…”为 市 / scope word",
    )
    top: Whole = Field(default=3, ge=1, description="通报点名靠前、靠后的个数 / named at each end")
    figures: ReportFigures = ReportFigures()


class Scheme(_Strict):
    """A whole 考核方案."""

    name: str = Field(description="方案名称 / scheme name")
    year: Annotated[int, Strict()] = Field(ge=1900, le=2100, description="考核年度 / year")
    total: Number = Field(gt=0, le=POINTS_LIMIT, description="总分 / total points")
    precision: Annotated[int, Strict()] = Field(
        default=2, ge=0, le=6, description="显示的小数位数 / decimals shown"
    )
    grades: dict[str, Number] = Field(
        description="等次及其最低得分比例，从高到低，如 优秀: 0.90 … 不合格: 0"
    )
    columns: dict[str, Column] = Field(description="输入列：district、project、status 及各数值列")
    survey: Survey | None = None
    schedule: ScheduleTable = ScheduleTable()
    templates: dict[str, Rules] = Field(default={}, description="计分模板 / shared scoring rules")
    projects: list[Project] = Field(min_length=1)
    checks: list[Check] = Field(default=[], description="审核提示（只提醒，不影响计分）")
    ranking: RankRules = RankRules()
    awards: list[Award] = Field(default=[], description="评奖及名额 / awards with quotas")
    sensitivity: SensitivityRules = SensitivityRules()
    # --- issue 12: the roster of units that must report
    districts: list[District | str] | None = Field(
        default=None,
        description="应报送的地区名单（名称，或 {name, aliases, city}）；有名单时缺报、错名均报错",
    )
    roster: str | None = Field(
        default=None,
        min_length=1,
        description=(
            "名单文件（.xlsx、.xls、.ods 或 .csv，相对于方案文件），列出应报送的单位及其别名、"
            "所属市；与 districts 只写一个 / a roster file, relative to the rule file"
        ),
    )
    # the rule file this scheme was read from, and the roster file's units once the intake has
    # read them (intake.roster.load_roster): a Scheme alone cannot open a workbook
    _rule_file: str | None = PrivateAttr(default=None)
    _roster_line: int | None = PrivateAttr(default=None)
    _roster_units: list[District] | None = PrivateAttr(default=None)
    _roster_failed: bool = PrivateAttr(default=False)
    _roster_at: Path | None = PrivateAttr(default=None)  # a copy of the roster file, read instead
    # views derived on first use (a scheme is not changed once made: a what-if validates anew)
    _rules: dict[str, tuple[Project, Rules]] = PrivateAttr(default_factory=dict)
    _keys: dict[str, str | None] = PrivateAttr(default_factory=dict)
    _derived: dict[str, Any] = PrivateAttr(default_factory=dict)
    groups: UnitGroups = Field(
        default={},
        description="单位分组：分组名 → 各组 → 单位，如 部门类别: {专业部门: [教育局, 卫健委]}",
    )
    vetoes: list[Veto] = Field(default=[], description="一票否决事项 / conditions that veto")
    caps: Caps | None = Field(
        default=None, description="全方案加分、扣分合计的上限（每个单位）/ caps over the scheme"
    )
    report: ReportRules = ReportRules()
    # --- issue 12: the previous period; issue 13: the indicator tree
    previous: list[str] | str | None = Field(
        default=None,
        description=(
            "上期数据文件（相对于本方案文件），供 上期(…) 公式和 change（对比上期）使用；"
            "命令行 --previous 优先 / last period's data files, relative to the rule file"
        ),
    )
    levels: list[str] | None = Field(
        default=None,
        min_length=1,
        description="指标体系各级的名称，如 [一级指标, 二级指标, 三级指标] / names of the levels",
    )
    tree: list[TreeNode] | None = Field(
        default=None,
        min_length=1,
        description=(
            "指标体系：上级指标及其分值，下级指标写在 children 中；项目用 parent 写明所属的指标，"
            "各下级分值之和须等于上级分值 / the indicator tree above the projects"
        ),
    )

    def previous_files(self) -> list[str]:
        """The previous period's files the scheme names, as written."""
        if self.previous is None:
            return []
        return [self.previous] if isinstance(self.previous, str) else list(self.previous)

    @model_validator(mode="after")
    def _status_column(self) -> "Scheme":
        # reading the data asks every row for its status (暂缓实施): a scheme that names no
        # status column gets the usual optional one
        if "status" not in self.columns:
            self.columns["status"] = Column(label="状态", required=False)
        return self

    # ---- derived views (valid once check_scheme found no problem)

    def rules_of(self, project: Project) -> Rules:
        """The project's effective rules: its own fields over its template's."""
        known = self._rules.get(project.name)
        if known is not None and known[0] is project:
            return known[1]
        base = self._template_of(project)
        if base is None:
            return project
        merged = base.model_dump()
        for key in RULE_KEYS:
            if key in project.model_fields_set:
                merged[key] = getattr(project, key)
        rules = Rules.model_validate(merged)
        self._rules[project.name] = (project, rules)
        return rules

    def derived(self, key: str, make: Callable[[], Any]) -> Any:
        """What ``make`` derives from this scheme, made once (the intake asks more than once)."""
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]

    def _template_of(self, project: Project) -> Rules | None:
        name = self.template_name(project)
        return None if name is None else self.templates.get(name)

    def template_name(self, project: Project) -> str | None:
        """The template a project uses: the one it names, or the only one when it has no rules."""
        if project.template is not None:
            return project.template
        if project.indicators is None and len(self.templates) == 1:
            return next(iter(self.templates))
        return None

    def column_word(self, key: str, lang: str) -> str:
        """A column's name in a heading: the rule file's own label in Chinese (a 县区 scheme says
        县区), the catalog's word for the column in another language."""
        return self.columns[key].label if lang == "zh" else render(key, lang)

    def column_key(self, name: str) -> str | None:
        """The column a formula name means: a column key, or a label or alias of one."""
        if name in self.columns:
            return name
        known = self._keys  # (one look-up: pydantic's private attributes are slow to reach)
        if name not in known:
            wanted = normalize_name(name)
            known[name] = next(
                (
                    key
                    for key, column in self.columns.items()
                    if wanted in {normalize_name(x) for x in column.labels()}
                ),
                None,
            )
        return known[name]

    def roster_units(self) -> list[District] | None:
        """The roster as District entries (a bare name is a District of no alias); None when
        the scheme lists no units. A roster file must have been read first (its units are
        then those it lists without a problem)."""
        if self.roster is not None:
            if self._roster_units is None and not self._roster_failed:
                raise RuntimeError(f"the roster file {self.roster} has not been read")
            return self._roster_units  # (None: the file could not be read, which was said)
        if self.districts is None:
            return None
        return [d if isinstance(d, District) else District(name=d) for d in self.districts]

    def read_like(self, other: "Scheme") -> "Scheme":
        """This scheme, made from ``other`` (a what-if), with its rule file and roster file."""
        self._rule_file, self._roster_line = other._rule_file, other._roster_line
        self._roster_units, self._roster_failed = other._roster_units, other._roster_failed
        self._roster_at = other._roster_at
        return self

    def read_roster_at(self, path: Path) -> None:
        """Read the roster from ``path``, a copy of the file the scheme names (a stored run's)."""
        self._roster_at = path

    def has_roster(self) -> bool:
        """Whether the scheme says who must report (districts: or a roster file)."""
        return self.districts is not None or self.roster is not None

    def roster_path(self) -> Path | None:
        """The roster file, resolved relative to the rule file (the working folder for a
        scheme not read from a file)."""
        if self.roster is None:
            return None
        if self._roster_at is not None:
            return self._roster_at
        written = Path(self.roster).expanduser()
        if written.is_absolute() or self._rule_file is None:
            return written
        return Path(self._rule_file).parent / written

    def held_by(self, key: str) -> str | None:
        """Who supplies a column: None for the districts' returns, else the source's name."""
        column = self.columns.get(key)
        return None if column is None else column.source

    def measure_keys(self) -> list[str]:
        return [k for k, c in self.columns.items() if k not in ID_COLUMNS and c.kind != "text"]

    def text_keys(self) -> list[str]:
        """Columns of words the data carry besides the ids (kind: text, e.g. 部门类别)."""
        return [k for k, c in self.columns.items() if k not in ID_COLUMNS and c.kind == "text"]

    def suspended_words(self) -> set[str]:
        status = self.columns.get("status")
        return {normalize_name(w) for w in (status.suspended if status else ["暂缓实施", "不适用"])}

    def expected_progress(self, month: int, table: dict[int, float] | None = None) -> float:
        table = table or self.schedule.expected
        if table and month in table:
            return table[month]
        return month / 12

    def tie_chain(self) -> list[tuple[str, str | None]]:
        """ranking.tie_break resolved: (the name as written, the item's name; None: the survey)."""
        index = ProjectIndex(self.projects)
        return [
            (
                name,
                None
                if normalize_name(name) in SURVEY_WORDS
                else index.by_key[normalize_name(name)].name,
            )
            for name in self.ranking.tie_break
        ]

    def grade_of(self, total: float) -> str:
        rounded = round(total, self.precision)
        for grade, fraction in self.grades.items():
            if rounded >= round(fraction * self.total, self.precision) - 1e-9:
                return grade
        return list(self.grades)[-1]


def rules_summary(rules: Rules, lang: str) -> str:
    """How a project is scored, in one line, the methods by their practice names: 目标任务完成
    60%（线性扣分） · 资金拨付 25%（分档计分） · −督查扣分."""
    parts = [
        f"{i.name} {i.share:.0%}"
        + render("punct.bracketed", lang, text=method_label(i.method, lang))
        for i in rules.indicators or []
    ]
    parts += [f"−{d.name}" for d in rules.deductions or []]
    parts += [f"+{b.name}" for b in rules.bonuses or []]
    return " · ".join(parts)


def json_schema() -> dict[str, Any]:
    schema = Scheme.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "scorer 考核方案 (scheme)"
    return schema
