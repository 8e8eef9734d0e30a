"""The rule file's format as pydantic models (考核方案), and the views derived from a Scheme."""

# No `from __future__ import annotations` here: pydantic would evaluate each of the ~120 field
# annotations from its text when the models are built (a compile() apiece), which is about a
# quarter of building them, paid by every command that reads a rule file.
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AllowInfNan,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    model_validator,
)

from .names import ProjectIndex, normalize_name

ID_COLUMNS = ("district", "project", "status", "city")
# what ranking.tie_break may write for the survey (社情民意)
SURVEY_WORDS = ("社情民意", "满意度", "survey")

# Every number of a rule file is a real YAML number: not text ("50", and 5e1, which YAML 1.1
# reads as text), not true/false, not .inf/.nan, and not so large that sums overflow.
LARGEST = 10**12


def _not_huge(value: float) -> float:
    if abs(value) > LARGEST:
        raise ValueError(f"数值 {value:g} 过大，绝对值不能超过 10^12 (at most 10^12 in size)")
    return value


Number = Annotated[float, Strict(), AllowInfNan(False), AfterValidator(_not_huge)]
Whole = Annotated[int, Strict(), AfterValidator(_not_huge)]
Month = Annotated[int, Strict(), Field(ge=1, le=12)]
Progress = Annotated[float, Strict(), AllowInfNan(False), Field(ge=0, le=1)]
POINTS_LIMIT = 1_000_000  # a scheme's total, and so each weight, is at most this


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


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

    def labels(self) -> list[str]:
        return [self.label, *self.aliases]

    def in_percent(self) -> bool:
        """Whether "95%" means 95 here: a column in %, or a score on a 0–100 scale."""
        return self.unit == "%" or (self.min == 0 and self.max == 100)


class _IndicatorBase(_Strict):
    name: str = Field(description="指标名称 / indicator name")
    share: Number = Field(gt=0, le=1, description="占项目分值的比例 / share of the project weight")
    value: str = Field(description="计算公式，如“完成 / 目标任务” / formula of the measured value")


class Proportional(_IndicatorBase):
    """按完成比例计分，满分为止：得分 = 值 ÷ full_at，封顶 100%。"""

    method: Literal["proportional"]
    full_at: Number = Field(
        default=1.0, gt=0, description="达到此值得满分 / value giving full marks"
    )


def _one_of(model: BaseModel, *pairs: tuple[str, str]) -> None:
    for a, b in pairs:
        if getattr(model, a) is not None and getattr(model, b) is not None:
            raise ValueError(f"{a} 与 {b} 只能写一个 (give {a} or {b}, not both)")


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

    @model_validator(mode="after")
    def _pairs(self) -> "Linear":
        if self.loss_per_point is None and self.loss_points_per_point is None:
            raise ValueError(
                "linear 需要 loss_per_point 或 loss_points_per_point（每少1个百分点扣多少）"
            )
        _one_of(
            self,
            ("loss_per_point", "loss_points_per_point"),
            ("gain_per_point", "gain_points_per_point"),
            ("max_gain", "max_gain_points"),
        )
        return self


class Tier(_Strict):
    min: Number = Field(description="值不低于此数 / the value is at least")
    score: Number | None = Field(default=None, description="得分比例 / share of the indicator")
    points: Number | None = Field(default=None, description="得分 / points")

    @model_validator(mode="after")
    def _exactly_one(self) -> "Tier":
        if (self.score is None) == (self.points is None):
            raise ValueError("每档写 score（比例）或 points（分数）之一 (give score or points)")
        return self


class Tiers(_IndicatorBase):
    """分档计分：值达到某档下限即得该档分数（如 ≥95% 满分，≥85% 得80%），都不到得 otherwise。"""

    method: Literal["tiers"]
    tiers: list[Tier] = Field(min_length=1, description="各档，从高到低 / bands, highest first")
    otherwise: Number = Field(default=0, description="低于所有档时的得分比例")

    @model_validator(mode="after")
    def _descending(self) -> "Tiers":
        mins = [t.min for t in self.tiers]
        if any(a <= b for a, b in zip(mins, mins[1:])):
            raise ValueError("各档 min 须从高到低排列 (list tiers highest first)")
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
        return self


class RankBand(_Strict):
    ranks: str | Whole = Field(description='名次，如 1、“1-3” / ranks, e.g. 1 or "1-3"')
    points: Number = Field(description="得分 / points")

    def bounds(self) -> tuple[int, int]:
        text = str(self.ranks).replace("－", "-").replace("—", "-").replace("~", "-")
        match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", text)
        if not match:
            raise ValueError(f"名次“{self.ranks}”应写成 3 或 “1-3”")
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if low < 1 or high < low:
            raise ValueError(f"名次“{self.ranks}”的范围不对")
        return low, high

    @model_validator(mode="after")
    def _valid(self) -> "RankBand":
        self.bounds()
        return self


class RankPoints(_IndicatorBase):
    """按名次计分：如“排名1-3名7分，4-6名5分”，并列名次得同分，名次外得 otherwise_points。"""

    method: Literal["rank_points"]
    order: Literal["desc", "asc"] = Field(default="desc", description="desc 值越大越好")
    bands: list[RankBand] = Field(min_length=1)
    otherwise_points: Number = Field(default=0)


class RelativeToBest(_IndicatorBase):
    """以最高值为满分，其余按与最高值的比例计分（asc 时以最低值为满分）。"""

    method: Literal["relative_to_best"]
    order: Literal["desc", "asc"] = Field(default="desc", description="desc 值越大越好")


Indicator = Annotated[
    Proportional | Linear | Tiers | PassFail | Schedule | RankPoints | RelativeToBest,
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
}
METHOD_NAMES = tuple(INDICATOR_MODELS)


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
            raise ValueError("写 points（分数）或 count + per_event（次数×每次分数）之一")
        if self.count is not None and self.per_event is None:
            raise ValueError("count 需要 per_event（每次扣/加几分）")
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


class Project(Rules):
    name: str = Field(description="项目名称 / project name")
    aliases: list[str] = Field(default=[], description="别名 / other names")
    weight: Number = Field(gt=0, le=POINTS_LIMIT, description="分值 / points")
    level: Literal["project", "district"] = Field(
        default="project",
        description="district：按地区汇总全部项目计算（如资金保障），不单独填报",
    )
    template: str | None = Field(default=None, description="计分模板名 / template name")


class Survey(_Strict):
    """社情民意: satisfaction per district, ranked on its own and never added to the total."""

    sheet: str = "社情民意"
    label: str = "满意度"
    aliases: list[str] = ["满意率", "群众满意度"]
    order: Literal["desc", "asc"] = "desc"


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
        base = self._template_of(project)
        if base is None:
            return project
        merged = base.model_dump()
        for key in ("indicators", "deductions", "bonuses", "floor"):
            if key in project.model_fields_set:
                merged[key] = getattr(project, key)
        return Rules.model_validate(merged)

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

    def column_key(self, name: str) -> str | None:
        """The column a formula name means: a column key, or a label or alias of one."""
        if name in self.columns:
            return name
        wanted = normalize_name(name)
        for key, column in self.columns.items():
            if wanted in {normalize_name(x) for x in column.labels()}:
                return key
        return None

    def measure_keys(self) -> list[str]:
        return [k for k in self.columns if k not in ID_COLUMNS]

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


def rules_summary(rules: Rules) -> str:
    """How a project is scored, in one line: 目标任务完成 60%（linear） · 资金拨付 25%（tiers） · −督查扣分."""
    parts = [f"{i.name} {i.share:.0%}（{i.method}）" for i in rules.indicators or []]
    parts += [f"−{d.name}" for d in rules.deductions or []]
    parts += [f"+{b.name}" for b in rules.bonuses or []]
    return " · ".join(parts)


def json_schema() -> dict[str, Any]:
    schema = Scheme.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "scorer 考核方案 (scheme)"
    return schema
