"""Rule files (考核方案): the YAML format, its validation with line numbers, and finding one."""

from __future__ import annotations

import codecs
import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    AllowInfNan,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from .bundled import bundled_dir
from .errors import Issue, SchemeError, SchemeNotFound, UsageError
from .formula import FormulaError, parse_formula
from .untrusted import INVISIBLE

# ----------------------------------------------------------------------------- names

_QUOTES = "\"'“”‘’「」『』"
# every character str.isspace() calls whitespace (a test checks the list is complete)
WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_DROPPED = str.maketrans("", "", WHITESPACE + _QUOTES + INVISIBLE)


@lru_cache(maxsize=1 << 16)  # the same names and labels come back in every sheet and row
def normalize_name(text: object) -> str:
    """The form names are compared in: NFKC, no whitespace, no quote marks of any style, no
    character that shows nothing (a zero-width space must not make a second 合肥市)."""
    return unicodedata.normalize("NFKC", str(text)).translate(_DROPPED)


# ----------------------------------------------------------------------------- the format

ID_COLUMNS = ("district", "project", "status", "city")

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
    def _pairs(self) -> Linear:
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
    def _exactly_one(self) -> Tier:
        if (self.score is None) == (self.points is None):
            raise ValueError("每档写 score（比例）或 points（分数）之一 (give score or points)")
        return self


class Tiers(_IndicatorBase):
    """分档计分：值达到某档下限即得该档分数（如 ≥95% 满分，≥85% 得80%），都不到得 otherwise。"""

    method: Literal["tiers"]
    tiers: list[Tier] = Field(min_length=1, description="各档，从高到低 / bands, highest first")
    otherwise: Number = Field(default=0, description="低于所有档时的得分比例")

    @model_validator(mode="after")
    def _descending(self) -> Tiers:
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
    def _pairs(self) -> Schedule:
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
    def _valid(self) -> RankBand:
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
INDICATOR_MODELS = {
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
    def _shape(self) -> Adjustment:
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
    def _status_column(self) -> Scheme:
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


# ----------------------------------------------------------------------------- project names


@dataclass(frozen=True)
class NameMatch:
    """What a written project name resolves to."""

    project: Project | None
    exact: bool = True  # False: a shortened name found inside exactly one project's names
    ambiguous: tuple[str, ...] = ()  # the projects a shortened name could mean
    suggestion: str | None = None  # for an unknown name: the closest project


class ProjectIndex:
    """Looks up a project by any written form of its name or aliases."""

    def __init__(self, projects: Iterable[Project]):
        self.by_key: dict[str, Project] = {}
        for project in projects:
            for name in (project.name, *project.aliases):
                self.by_key.setdefault(normalize_name(name), project)

    def match(self, written: str) -> NameMatch:
        key = normalize_name(written)
        if key in self.by_key:
            return NameMatch(self.by_key[key])
        # A shortened name that sits inside exactly one project's name or alias is that project;
        # inside several (村村通: roads or broadcasting) it is ambiguous and refused.
        if len(key) >= 3:
            hits = {p.name: p for k, p in self.by_key.items() if key in k}
            if len(hits) == 1:
                return NameMatch(next(iter(hits.values())), exact=False)
            if len(hits) > 1:
                return NameMatch(None, ambiguous=tuple(sorted(hits)))
        close = difflib.get_close_matches(key, list(self.by_key), n=1, cutoff=0.5)
        return NameMatch(None, suggestion=self.by_key[close[0]].name if close else None)


# ----------------------------------------------------------------------------- loading


# libyaml's loader (in PyYAML's wheels) parses ten times as fast as the pure-Python one; both
# give the same values and the same line numbers.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# ---- limits on rule files (issue 11): a rule file is a few dozen KB; these are far above any
# real one and far below what would take minutes or gigabytes (a YAML "billion laughs").
MAX_RULE_BYTES = 1_000_000
MAX_YAML_VALUES = 100_000  # nodes with every alias expanded, as validation would see them
MAX_YAML_DEPTH = 40


class _YamlLimit(Exception):
    """A rule file beyond a limit, found before its values are built."""

    def __init__(self, code: str, params: dict, line: int | None):
        super().__init__(code)
        self.code, self.params, self.line = code, params, line


def read_rule_file(path: str | Path) -> tuple[str | None, list[Issue]]:
    """A rule file's text: UTF-8 with or without BOM, or UTF-16 with BOM; else the problem."""
    path, file = Path(path), str(path)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_RULE_BYTES + 1)
    except OSError as exc:
        return None, [Issue("yaml-syntax", {"detail": exc.strerror or str(exc)}, file=file)]
    if len(data) > MAX_RULE_BYTES:
        size = path.stat().st_size if path.is_file() else len(data)
        params = {"size": _bytes(max(size, len(data))), "limit": _bytes(MAX_RULE_BYTES)}
        return None, [Issue("rule-file-too-large", params, file=file)]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1 if encoding != "utf-16" else None
        return None, [Issue("not-utf8", {"line": line or 1}, file=file, line=line)]


def _bytes(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB" if count >= 100_000 else f"{count / 1000:.0f} KB"


def _check_yaml_limits(text: str) -> None:
    """Walk the parser's events once, counting nesting and the values aliases expand to, and
    raise _YamlLimit at the line where a limit is passed or an alias refers to itself."""
    sizes: dict[str, int] = {}  # anchor -> values its node expands to
    open_anchors: set[str] = set()
    stack: list[list] = []  # open collections: [values so far, anchor]
    values = 0
    for event in yaml.parse(text, Loader=_YAML_LOADER):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in open_anchors:
                raise _YamlLimit("yaml-recursive-alias", {"anchor": event.anchor}, line)
            count = sizes.get(event.anchor, 0)  # an unknown anchor: the composer says so
        elif isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= MAX_YAML_DEPTH:
                raise _YamlLimit("yaml-too-deep", {"limit": MAX_YAML_DEPTH}, line)
            stack.append([1, event.anchor])
            if event.anchor:
                open_anchors.add(event.anchor)
            values += 1
            continue
        elif isinstance(event, yaml.CollectionEndEvent):
            count, anchor = stack.pop()
            if anchor:
                sizes[anchor] = count
                open_anchors.discard(anchor)
            if stack:
                stack[-1][0] += count
            continue
        elif isinstance(event, yaml.ScalarEvent):
            count = 1
            if event.anchor:
                sizes[event.anchor] = 1
        else:
            continue
        if stack:
            stack[-1][0] += count
        values += count
        if values > MAX_YAML_VALUES:
            raise _YamlLimit("yaml-too-large", {"limit": f"{MAX_YAML_VALUES:,}"}, line)


def _parse_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """A YAML document parsed once: its node tree (for line numbers) and its values."""
    _check_yaml_limits(text)
    loader = _YAML_LOADER(text)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()


class _LineMap:
    """YAML path (keys and list indexes) -> line number, built from the composed node tree."""

    def __init__(self, root: yaml.Node | None, file: str):
        self.lines: dict[tuple, int] = {}
        self.issues: list[Issue] = []
        self.file = file
        if root is not None:
            self._walk(root, ())

    def _walk(self, node: yaml.Node, path: tuple) -> None:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = key_node.value
                if key in seen:
                    self.issues.append(
                        Issue(
                            "duplicate-key",
                            {"key": key},
                            file=self.file,
                            line=key_node.start_mark.line + 1,
                        )
                    )
                seen.add(key)
                sub = (*path, _yaml_key(key))
                self.lines[sub] = key_node.start_mark.line + 1
                self._walk(value_node, sub)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.lines[(*path, index)] = item.start_mark.line + 1
                self._walk(item, (*path, index))

    def line(self, loc: Iterable) -> int | None:
        """The line of the deepest part of ``loc`` the file has (pydantic adds tag names)."""
        path: tuple = ()
        best = self.lines.get(())
        for part in loc:
            candidate = (*path, part)
            if candidate in self.lines:
                path = candidate
                best = self.lines[path]
        return best


def _yaml_key(key: str) -> Any:
    """Keys as safe_load gives them (month tables have int keys)."""
    return int(key) if re.fullmatch(r"-?\d+", key) else key


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


def _describe(error: dict[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx", {})
    given = error.get("input")
    if kind in ("float_type", "int_type") and isinstance(given, bool):
        return f"应为数字，不能写 {str(given).lower()} (must be a number, not true/false)"
    if kind in ("float_type", "int_type") and isinstance(given, str) and _numeric_text(given):
        return (
            f"“{given}”是文字，不是数字：去掉引号，写成 50、0.95 这样的普通数字"
            f"（YAML 把 5e1 这样的写法当作文字） (a quoted or 5e1-style number is text: write 50)"
        )
    if kind == "finite_number":
        return "应为有限的数字，不能是 .inf 或 .nan (must be a finite number)"
    if kind in _PYDANTIC_ZH:
        return _PYDANTIC_ZH[kind]
    bound = {k: _fmt(v) if isinstance(v, (int, float)) else v for k, v in ctx.items()}
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


def _numeric_text(text: str) -> bool:
    try:
        float(text.strip().replace("_", ""))
    except ValueError:
        return False
    return True


def _dotted(loc: Iterable) -> str:
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


def check_scheme_text(text: str, file: str) -> tuple[Scheme | None, list[Issue]]:
    """Every problem of a rule file, each with its line; the Scheme when there are none."""
    if len(text) > MAX_RULE_BYTES:
        size = {"size": _bytes(len(text.encode())), "limit": _bytes(MAX_RULE_BYTES)}
        return None, [Issue("rule-file-too-large", size, file=file)]
    try:
        root, raw = _parse_yaml(text)
        lines = _LineMap(root, file)
    except _YamlLimit as exc:
        return None, [Issue(exc.code, exc.params, file=file, line=exc.line)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        detail = getattr(exc, "problem", None) or str(exc)
        if "maximum nesting depth" in detail:  # libyaml's own limit, met while scanning ahead
            line = mark.line + 1 if mark else None
            return None, [Issue("yaml-too-deep", {"limit": MAX_YAML_DEPTH}, file=file, line=line)]
        context, start = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and start is not None and (mark is None or start.line != mark.line):
            detail += (
                f"（{context}，始于第 {start.line + 1} 行 / started on line {start.line + 1}）"
            )
        return None, [
            Issue(
                "yaml-syntax",
                {"detail": detail},
                file=file,
                line=mark.line + 1 if mark else None,
            )
        ]
    issues = list(lines.issues)
    if not isinstance(raw, dict):
        issues.append(
            Issue(
                "schema",
                {"field": "(方案)", "detail": "应为键值表 (must be a mapping)"},
                file=file,
                line=1,
            )
        )
        return None, issues

    scheme: Scheme | None = None
    try:
        scheme = Scheme.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            loc = error["loc"]
            if error["type"] == "union_tag_invalid":
                issues.append(
                    Issue(
                        "unknown-method",
                        {"method": error["ctx"]["tag"], "known": ", ".join(METHOD_NAMES)},
                        file=file,
                        line=lines.line((*loc, "method")),
                    )
                )
                continue
            issues.append(
                Issue(
                    "schema",
                    {"field": _dotted(loc), "detail": _describe(error)},
                    file=file,
                    line=lines.line(loc),
                )
            )
    issues.extend(_semantic_issues(raw, lines, file))
    if scheme is not None and not issues:
        for key, values in scheme.sensitivity.alternatives.items():
            try:
                changed(scheme, [f"{key}={v}" for v in values])
            except UsageError as exc:
                issues.append(
                    Issue("schema", {"field": f"sensitivity.alternatives.{key}", "detail": str(exc)},
                          file=file, line=lines.line(("sensitivity", "alternatives", key)))
                )  # fmt: skip
    return (scheme if not issues else None), _dedupe(issues)


def _dedupe(issues: list[Issue]) -> list[Issue]:
    seen: set[tuple] = set()
    unique = []
    for issue in issues:
        key = (issue.code, issue.line, issue.message("en"))
        if key not in seen:
            seen.add(key)
            unique.append(issue)
    return sorted(unique, key=lambda i: (i.line or 0, i.code))


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    return None


def _fmt(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _semantic_issues(raw: dict, lines: _LineMap, file: str) -> list[Issue]:
    """Checks on the raw mapping, so they run even where the structure has other problems."""
    issues: list[Issue] = []

    def add(code: str, params: dict, loc: Iterable) -> None:
        issues.append(Issue(code, params, file=file, line=lines.line(loc)))

    projects = [p for p in raw.get("projects") or [] if isinstance(p, dict)]
    templates = raw.get("templates") if isinstance(raw.get("templates"), dict) else {}

    # weights against the total
    total = _number(raw.get("total"))
    weights = [_number(p.get("weight")) for p in projects]
    if total is not None and projects and all(w is not None for w in weights):
        weight_sum = sum(weights)  # type: ignore[arg-type]
        if abs(weight_sum - total) > 1e-6:
            add("weights-total", {"sum": _fmt(weight_sum), "total": _fmt(total)}, ("total",))

    # shares of each indicator list
    def check_shares(indicators: Any, owner: str, loc: tuple) -> None:
        if not isinstance(indicators, list) or not indicators:
            return
        shares = [_number(i.get("share")) if isinstance(i, dict) else None for i in indicators]
        if all(s is not None for s in shares):
            share_sum = sum(shares)  # type: ignore[arg-type]
            if abs(share_sum - 1) > 1e-6:
                add("shares-total", {"project": owner, "sum": _fmt(share_sum)}, loc)

    for name, template in templates.items():
        if isinstance(template, dict):
            check_shares(
                template.get("indicators"), f"模板 {name}", ("templates", name, "indicators")
            )
    for index, project in enumerate(raw.get("projects") or []):
        if isinstance(project, dict):
            check_shares(
                project.get("indicators"),
                str(project.get("name")),
                ("projects", index, "indicators"),
            )

    # names and aliases, compared as users write them
    seen: dict[str, str] = {}
    for index, project in enumerate(raw.get("projects") or []):
        if not isinstance(project, dict):
            continue
        aliases = project.get("aliases") if isinstance(project.get("aliases"), list) else []
        own: set[str] = set()
        for position, name in enumerate([project.get("name"), *aliases]):
            if not isinstance(name, str):
                continue
            key = normalize_name(name)
            loc = (
                ("projects", index, "name")
                if position == 0
                else ("projects", index, "aliases", position - 1)
            )
            if key in seen and key not in own:
                add("duplicate-name", {"name": name, "other": seen[key], "key": key}, loc)
            elif key in own:
                add("duplicate-name", {"name": name, "other": project.get("name"), "key": key}, loc)
            seen.setdefault(key, name)
            own.add(key)

    # grade table
    grades = raw.get("grades")
    if isinstance(grades, dict) and grades:
        values = [_number(v) for v in grades.values()]
        if any(v is None for v in values):
            pass  # pydantic reports the non-number
        elif any(not 0 <= v <= 1 for v in values):  # type: ignore[operator]
            add(
                "bad-grades",
                {"detail": "比例须在 0 与 1 之间 (fractions must be within 0–1)"},
                ("grades",),
            )
        elif any(a <= b for a, b in zip(values, values[1:])):  # type: ignore[operator]
            add(
                "bad-grades",
                {"detail": "须从高到低、依次递减 (list them best first, decreasing)"},
                ("grades",),
            )
        elif values[-1] != 0:
            add(
                "bad-grades",
                {"detail": "最后一档须为 0，否则低分无等次 (the last band must be 0)"},
                ("grades",),
            )
    elif isinstance(grades, dict):
        add("bad-grades", {"detail": "等次表为空 (no grades)"}, ("grades",))

    # templates, indicators present, formulas name real columns
    columns = raw.get("columns") if isinstance(raw.get("columns"), dict) else {}
    known_names: set[str] = set()  # what a formula may name: the number columns
    text_columns: dict[str, str] = {}  # names of the district, project, status and city columns
    for key, column in columns.items():
        names = {normalize_name(key)}
        if isinstance(column, dict):
            labels = column.get("aliases") if isinstance(column.get("aliases"), list) else []
            names |= {
                normalize_name(x) for x in [column.get("label"), *labels] if isinstance(x, str)
            }
        if key in ID_COLUMNS:
            text_columns.update(dict.fromkeys(names, key))
        else:
            known_names |= names
    _check_columns(columns, add)

    def check_formula(text: Any, loc: tuple, aggregated: bool, comparison: bool = False) -> None:
        if not isinstance(text, str):
            return
        try:
            formula = parse_formula(text)
        except FormulaError as exc:
            shown = text if len(text) <= 60 else text[:60] + "…"  # a huge one is not repeated
            add("bad-formula", {"formula": shown, "detail": str(exc)}, loc)
            return
        if formula.comparison != comparison:
            detail = "审核条件须是比较，如 完成 > 目标任务" if comparison else "比较只能用于 checks"
            add("bad-formula", {"formula": text, "detail": detail}, loc)
        if formula.aggregated and not aggregated:
            detail = "sum() 只能用于 level: district 的项目 (sum() is for district items)"
            add("bad-formula", {"formula": text, "detail": detail}, loc)
        texts = [n for n in formula.names if normalize_name(n) in text_columns]
        if texts:
            key = text_columns[normalize_name(texts[0])]
            detail = (
                f"“{texts[0]}”是 {key} 列，填的是文字，不能参与计算；公式只能用数值列"
                f" (the {key} column holds text; a formula may use number columns only)"
            )
            add("bad-formula", {"formula": text, "detail": detail}, loc)
            return
        unknown = [n for n in formula.names if normalize_name(n) not in known_names]
        if unknown:
            detail = f"没有名为“{unknown[0]}”的列 (no column named {unknown[0]})"
            add("bad-formula", {"formula": text, "detail": detail}, loc)

    def check_rules(rules: dict, loc: tuple, aggregated: bool) -> None:
        for i, indicator in enumerate(rules.get("indicators") or []):
            if isinstance(indicator, dict):
                check_formula(indicator.get("value"), (*loc, "indicators", i, "value"), aggregated)
        for kind in ("deductions", "bonuses"):
            for i, item in enumerate(rules.get(kind) or []):
                if isinstance(item, dict):
                    for field in ("points", "count"):
                        check_formula(item.get(field), (*loc, kind, i, field), aggregated)

    for name, template in templates.items():
        if isinstance(template, dict):
            check_rules(template, ("templates", name), aggregated=False)
    for index, project in enumerate(raw.get("projects") or []):
        if not isinstance(project, dict):
            continue
        loc = ("projects", index)
        aggregated = project.get("level") == "district"
        check_rules(project, loc, aggregated)
        template = project.get("template")
        if template is not None and template not in templates:
            add(
                "unknown-template",
                {
                    "project": project.get("name"),
                    "template": template,
                    "known": ", ".join(templates) or "（无）",
                },
                (*loc, "template"),
            )
        elif template is None and not project.get("indicators") and len(templates) != 1:
            add("no-indicators", {"project": project.get("name")}, loc)
    for index, check in enumerate(raw.get("checks") or []):
        if isinstance(check, dict):
            check_formula(check.get("when"), ("checks", index, "when"), False, comparison=True)
    _check_ranking(raw, columns, add)
    return issues


# column keys the data table uses for itself (intake adds them to every row)
RESERVED_COLUMN_KEYS = ("suspended",)


def _check_columns(columns: dict, add: Callable) -> None:
    """What reading the data relies on: the district and project columns, keys of its own, each
    label meaning one column, and limits that some number can meet."""
    for key in ("district", "project"):
        if columns and key not in columns:
            detail = f"columns 须有 {key} 列 (columns needs a {key} entry)"
            add("schema", {"field": "columns", "detail": detail}, ("columns",))
    owner: dict[str, str] = {}
    for key, column in columns.items():
        if not isinstance(key, str):
            continue
        if key in RESERVED_COLUMN_KEYS or key.startswith("_"):
            detail = f"列的键“{key}”由程序内部使用，请换一个 (the key {key} is reserved)"
            add("schema", {"field": f"columns.{key}", "detail": detail}, ("columns", key))
        if not isinstance(column, dict):
            continue
        low, high = _number(column.get("min")), _number(column.get("max"))
        if low is not None and high is not None and low > high:
            detail = f"min {_fmt(low)} 大于 max {_fmt(high)}，没有数能通过 (min is above max)"
            add("schema", {"field": f"columns.{key}", "detail": detail}, ("columns", key))
        aliases = column.get("aliases") if isinstance(column.get("aliases"), list) else []
        for position, label in enumerate([column.get("label"), *aliases]):
            if not isinstance(label, str):
                continue
            name = normalize_name(label)
            if owner.get(name, key) != key:
                where = (
                    ("columns", key, "label")
                    if position == 0
                    else ("columns", key, "aliases", position - 1)
                )
                detail = (
                    f"列名“{label}”同时用于 {owner[name]} 和 {key}，表头无法区分"
                    f" (the label {label} is given to two columns)"
                )
                add("schema", {"field": f"columns.{key}", "detail": detail}, where)
            owner.setdefault(name, key)


SURVEY_WORDS = ("社情民意", "满意度", "survey")


def _check_ranking(raw: dict, columns: dict, add: Callable) -> None:
    """tie_break names an item or the survey; awards name real grades and have a 所属市 column."""
    ranking = raw.get("ranking") if isinstance(raw.get("ranking"), dict) else {}
    names = set()
    for project in raw.get("projects") or []:
        if isinstance(project, dict):
            aliases = project.get("aliases") if isinstance(project.get("aliases"), list) else []
            names |= {normalize_name(n) for n in [project.get("name"), *aliases] if n}
    survey = raw.get("survey")
    for index, name in enumerate(ranking.get("tie_break") or []):
        key = normalize_name(name)
        if key in names:
            continue
        if key in SURVEY_WORDS:
            if survey is None:
                detail = "方案没有 survey（社情民意）一节 (the scheme has no survey)"
                add("schema", {"field": f"ranking.tie_break[{index}]", "detail": detail},
                    ("ranking", "tie_break", index))  # fmt: skip
            continue
        detail = f"没有名为“{name}”的项目；可写项目名称或“社情民意” (no such item)"
        add("schema", {"field": f"ranking.tie_break[{index}]", "detail": detail},
            ("ranking", "tie_break", index))  # fmt: skip
    grades = raw.get("grades") if isinstance(raw.get("grades"), dict) else {}
    for index, award in enumerate(raw.get("awards") or []):
        if not isinstance(award, dict):
            continue
        grade = award.get("min_grade")
        if grade is not None and grades and grade not in grades:
            detail = f"没有等次“{grade}”，可选：{'、'.join(grades)} (no such grade)"
            add("schema", {"field": f"awards[{index}].min_grade", "detail": detail},
                ("awards", index, "min_grade"))  # fmt: skip
        if award.get("per", "city") == "city" and columns and "city" not in columns:
            detail = "按市分配名额需要 columns 中的 city（所属市）列 (needs a city column)"
            add("schema", {"field": f"awards[{index}].per", "detail": detail},
                ("awards", index))  # fmt: skip
        quotas = award.get("quotas") if isinstance(award.get("quotas"), dict) else {}
        if award.get("per", "city") is None and quotas:
            detail = "全省统一评选（per: null）不能按市给名额 (quotas need per: city)"
            add("schema", {"field": f"awards[{index}].quotas", "detail": detail},
                ("awards", index, "quotas"))  # fmt: skip
        if award.get("per", "city") is None and award.get("count") is None:
            detail = "全省统一评选须写 count（名额） (per: null needs a count)"
            add("schema", {"field": f"awards[{index}]", "detail": detail}, ("awards", index))


def check_scheme_file(path: str | Path) -> tuple[Scheme | None, list[Issue]]:
    """Every problem of a rule file on disk, each with its line; the Scheme when there are none."""
    text, issues = read_rule_file(path)
    if text is None:
        return None, issues
    return check_scheme_text(text, str(path))


def load_scheme(path: str | Path) -> Scheme:
    """Read and validate a rule file; raise SchemeError listing every problem."""
    scheme, issues = check_scheme_file(path)
    if scheme is None:
        raise SchemeError(str(path), issues)
    return scheme


# ----------------------------------------------------------------------------- finding one


def _scheme_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def known_schemes() -> list[Path]:
    return _scheme_files(bundled_dir("rules"))


def _year_of(path: Path) -> int | None:
    text = read_rule_file(path)[0]
    try:
        raw = _parse_yaml(text)[1] if text is not None else None
    except (yaml.YAMLError, _YamlLimit, RecursionError):
        return None
    year = raw.get("year") if isinstance(raw, dict) else None
    return year if isinstance(year, int) else None


def choose_scheme(
    data_paths: list[str], rules: str | None, cwd: Path | None = None
) -> tuple[Path, dict[str, str]]:
    """The rule file to use and why ({"zh": …, "en": …}): --rules; the scheme a template made by
    ``scorer template`` records; the only one in ./rules/; or the bundled scheme of the year in
    the data file's name."""
    cwd = cwd or Path.cwd()
    if rules:
        path = Path(rules)
        if path.is_file():
            return path, {"zh": "--rules", "en": "--rules"}
        for candidate in _candidates(cwd):
            if candidate.stem == rules or candidate.name == rules:
                return candidate, {"zh": "--rules", "en": "--rules"}
        raise SchemeNotFound(_not_found_message(f"找不到考核方案 {rules} (no such rule file)", cwd))
    recorded = recorded_schemes(data_paths)
    if len(recorded) == 1:
        name = recorded.pop()
        for candidate in _candidates(cwd):
            if candidate.name == name:
                return candidate, {
                    "zh": f"填报表记录的方案 {name}",
                    "en": f"the scheme the template records, {name}",
                }
    local = _scheme_files(cwd / "rules")
    if len(local) == 1:
        return local[0], {"zh": "./rules/ 中唯一的方案", "en": "the only scheme in ./rules/"}
    years = {
        int(m)
        for p in data_paths
        for m in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", Path(p).name)
    }
    if len(years) == 1:
        year = years.pop()
        matching = [p for p in _candidates(cwd) if _year_of(p) == year]
        if len(matching) == 1:
            return matching[0], {
                "zh": f"数据文件名中的年份 {year}",
                "en": f"the year {year} in the data file's name",
            }
        reason = f"有 {len(matching)} 个 {year} 年度的方案 ({len(matching)} schemes for {year})"
    elif years:
        reason = "数据文件名中有多个年份 (the file names give several years)"
    else:
        reason = "数据文件名中没有年份 (no year in the data file's name)"
    raise SchemeNotFound(
        _not_found_message(f"无法确定考核方案：{reason}。请用 --rules 指定 (use --rules)", cwd)
    )


def month_in_name(data_paths: list[str]) -> int | None:
    """The month in names like 2015-06.xlsx or 2015年6月.xlsx, if all files agree on one."""
    pattern = r"(?<!\d)(?:19|20)\d\d[-_.年]?(0?[1-9]|1[0-2])(?:月|(?!\d))"
    months = {int(m) for p in data_paths for m in re.findall(pattern, Path(p).stem)}
    return months.pop() if len(months) == 1 else None


RECORDED_PROPERTY = "scorer_scheme"  # custom document property set by ``scorer template``


def recorded_schemes(data_paths: list[str]) -> set[str]:
    """The rule-file names recorded in the workbooks (files, or those in folders) by
    ``scorer template``, read from docProps/custom.xml without opening the sheets."""
    import zipfile
    from xml.etree import ElementTree

    files: list[Path] = []
    for given in data_paths:
        path = Path(given)
        files.extend(sorted(path.glob("*.xlsx")) if path.is_dir() else [path])
    names: set[str] = set()
    for path in files:
        if path.suffix.lower() != ".xlsx" or not path.is_file():
            continue
        try:
            with zipfile.ZipFile(path) as archive:
                root = ElementTree.fromstring(archive.read("docProps/custom.xml"))
        except (KeyError, OSError, zipfile.BadZipFile, ElementTree.ParseError):
            continue
        for prop in root:
            if prop.get("name") == RECORDED_PROPERTY and len(prop) and prop[0].text:
                names.add(prop[0].text)
    return names


def _candidates(cwd: Path) -> list[Path]:
    """The bundled schemes, each replaced by a file of the same name in ./rules/, and the rest
    of ./rules/: a copy of a bundled scheme edited locally stands in for the original."""
    by_name = {p.name: p for p in known_schemes()}
    by_name.update({p.name: p for p in _scheme_files(cwd / "rules")})
    return sorted(by_name.values(), key=lambda p: p.name)


def _not_found_message(head: str, cwd: Path) -> str:
    lines = [head, "已知的考核方案 (known schemes):"]
    for path in _candidates(cwd):
        lines.append(f"  {path}  ({_year_of(path) or '?'})")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- what-if


def _set_parameter(rules: dict, indicator_name: str, parameter: str, value: float, setting: str):
    """Set one indicator parameter in a dumped Rules (a project's or a template's), validated
    as in a rule file; the value it had."""
    indicators = rules.get("indicators") or []
    found = [i for i in indicators if normalize_name(i["name"]) == normalize_name(indicator_name)]
    if not found:
        known = "、".join(i["name"] for i in indicators)
        raise UsageError(f"--set {setting}：没有指标“{indicator_name}”；有：{known}")
    model = INDICATOR_MODELS[found[0]["method"]]
    if parameter in ("name", "method", "value") or parameter not in model.model_fields:
        raise UsageError(
            f"--set {setting}：指标“{indicator_name}”没有可改的参数“{parameter}” (no such parameter)"
        )
    before = found[0].get(parameter, model.model_fields[parameter].default)
    found[0][parameter] = value
    try:
        TypeAdapter(Indicator).validate_python(found[0])
    except ValidationError as exc:
        raise UsageError(f"--set {setting}：{_describe(exc.errors()[0])}") from None
    return before


def changed(
    scheme: Scheme, settings: list[str], keep_total: bool = False
) -> tuple[Scheme, list[dict[str, str]]]:
    """A copy of ``scheme`` with weights (项目=分值) or method parameters (项目.指标.参数=值)
    changed, and what changed in words. A changed weight changes the total by as much, unless
    ``keep_total`` scales every weight so the total stays; grades are shares of the total, so
    their bands follow it."""

    from .errors import UsageError

    index = ProjectIndex(scheme.projects)
    # exclude_unset: a field a project leaves to its template must stay unset, or the copy would
    # take it as its own (no indicators) and lose the template's
    projects = {p.name: p.model_dump(exclude_unset=True) for p in scheme.projects}
    templates = {n: r.model_dump(exclude_unset=True) for n, r in scheme.templates.items()}
    said: list[dict[str, str]] = []
    for setting in settings:
        target, sep, text = setting.rpartition("=")
        try:
            value = float(text)
        except ValueError:
            value = None
        if not sep or value is None:
            raise UsageError(
                f"--set {setting}：应写成 项目=分值 或 项目.指标.参数=值 (write PROJECT=POINTS or PROJECT.INDICATOR.PARAM=VALUE)"
            )
        if not math.isfinite(value) or abs(value) > LARGEST:
            raise UsageError(
                f"--set {setting}：“{text}”不是可用的数字，请写普通的有限数字，如 120"
                f" (the value must be a finite number such as 120)"
            )
        name, *path = target.split(".")
        if name in templates and len(path) == 2:  # 模板.指标.参数: every project using it
            before = _set_parameter(templates[name], *path, value, setting)
            said.append(
                {
                    "zh": f"模板“{name}”·{path[0]} {path[1]} {before} → {value:g}",
                    "en": f"template {name} · {path[0]}: {path[1]} {before} → {value:g}",
                }
            )
            continue
        match = index.match(name)
        if match.project is None:
            hint = (
                f"是否应为“{match.suggestion}”？"
                if match.suggestion
                else "、".join(match.ambiguous) or "检查项目名称"
            )
            raise UsageError(f"--set {setting}：没有项目“{name}” (no such project). {hint}")
        project = projects[match.project.name]
        if not path:
            if value <= 0:
                raise UsageError(f"--set {setting}：分值应大于 0 (points must be above 0)")
            said.append(
                {
                    "zh": f"{match.project.name} 分值 {project['weight']:g} → {value:g}",
                    "en": f"{match.project.name}: {project['weight']:g} → {value:g} points",
                }
            )
            project["weight"] = value
            continue
        if len(path) != 2:
            raise UsageError(
                f"--set {setting}：参数应写成 项目.指标.参数=值 (PROJECT.INDICATOR.PARAM=VALUE)"
            )
        rules = scheme.rules_of(match.project).model_dump()
        before = _set_parameter(rules, *path, value, setting)
        project.update(
            {k: rules[k] for k in ("indicators", "deductions", "bonuses", "floor")}, template=None
        )
        said.append(
            {
                "zh": f"{match.project.name}·{path[0]} {path[1]} {before} → {value:g}",
                "en": f"{match.project.name} · {path[0]}: {path[1]} {before} → {value:g}",
            }
        )
    raw = scheme.model_dump(exclude_unset=True)
    raw["projects"] = [projects[p.name] for p in scheme.projects]
    raw["templates"] = templates
    weight_sum = sum(p["weight"] for p in raw["projects"])
    if keep_total and abs(weight_sum - scheme.total) > 1e-9:
        factor = scheme.total / weight_sum
        for p in raw["projects"]:
            p["weight"] *= factor
        said.append(
            {
                "zh": f"各项目分值按比例缩放（×{factor:.4f}），总分保持 {scheme.total:g}",
                "en": f"every weight scaled by {factor:.4f}; the total stays {scheme.total:g}",
            }
        )
    elif abs(weight_sum - scheme.total) > 1e-9:
        said.append(
            {
                "zh": f"总分 {scheme.total:g} → {weight_sum:g}（等次按新总分）",
                "en": f"total {scheme.total:g} → {weight_sum:g} (grades follow it)",
            }
        )
        raw["total"] = weight_sum
    try:
        return Scheme.model_validate(raw), said
    except ValidationError as exc:  # e.g. a total beyond POINTS_LIMIT
        error = exc.errors()[0]
        where = _dotted(error["loc"])
        raise UsageError(f"--set {'、'.join(settings)}：{where} {_describe(error)}") from None
