"""Rule files (考核方案): the YAML format, its validation with line numbers, and finding one."""

from __future__ import annotations

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
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from . import bundled_dir
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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Column(_Strict):
    """An input column: its Chinese label in the header, other labels accepted, and limits."""

    label: str = Field(description="表头上的列名，如“目标任务” / header label")
    aliases: list[str] = Field(default=[], description="也认可的列名 / other accepted labels")
    unit: str | None = Field(default=None, description="单位，如 万元、% / unit")
    blank: Literal["error", "zero"] = Field(
        default="error", description="空白单元格：error 报错，zero 按 0 计 / a blank cell is"
    )
    min: float | None = Field(default=0, description="最小值（默认 0，不允许负数）")
    max: float | None = Field(default=None, description="最大值 / largest value allowed")
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
    share: float = Field(gt=0, le=1, description="占项目分值的比例 / share of the project weight")
    value: str = Field(description="计算公式，如“完成 / 目标任务” / formula of the measured value")


class Proportional(_IndicatorBase):
    """按完成比例计分，满分为止：得分 = 值 ÷ full_at，封顶 100%。"""

    method: Literal["proportional"]
    full_at: float = Field(
        default=1.0, gt=0, description="达到此值得满分 / value giving full marks"
    )


def _one_of(model: BaseModel, *pairs: tuple[str, str]) -> None:
    for a, b in pairs:
        if getattr(model, a) is not None and getattr(model, b) is not None:
            raise ValueError(f"{a} 与 {b} 只能写一个 (give {a} or {b}, not both)")


class Linear(_IndicatorBase):
    """完成得满分，每少1个百分点扣若干，扣完为止；超额每多1个百分点加若干，加分封顶。"""

    method: Literal["linear"]
    full_at: float = Field(default=1.0, description="达到此值得满分 / value giving full marks")
    loss_per_point: float | None = Field(
        default=None, ge=0, description="每少1个百分点扣的比例（占本指标分值）"
    )
    loss_points_per_point: float | None = Field(
        default=None, ge=0, description="每少1个百分点扣的分数 / points lost per point below"
    )
    gain_per_point: float | None = Field(
        default=None, ge=0, description="每多1个百分点加的比例（占本指标分值）"
    )
    gain_points_per_point: float | None = Field(
        default=None, ge=0, description="每多1个百分点加的分数 / points gained per point above"
    )
    max_gain: float | None = Field(default=None, ge=0, description="最多加的比例（占本指标分值）")
    max_gain_points: float | None = Field(default=None, ge=0, description="最多加的分数")
    floor: float = Field(default=0, description="最低得分比例，默认 0（扣完为止）")

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
    min: float = Field(description="值不低于此数 / the value is at least")
    score: float | None = Field(default=None, description="得分比例 / share of the indicator")
    points: float | None = Field(default=None, description="得分 / points")

    @model_validator(mode="after")
    def _exactly_one(self) -> Tier:
        if (self.score is None) == (self.points is None):
            raise ValueError("每档写 score（比例）或 points（分数）之一 (give score or points)")
        return self


class Tiers(_IndicatorBase):
    """分档计分：值达到某档下限即得该档分数（如 ≥95% 满分，≥85% 得80%），都不到得 otherwise。"""

    method: Literal["tiers"]
    tiers: list[Tier] = Field(min_length=1, description="各档，从高到低 / bands, highest first")
    otherwise: float = Field(default=0, description="低于所有档时的得分比例")

    @model_validator(mode="after")
    def _descending(self) -> Tiers:
        mins = [t.min for t in self.tiers]
        if any(a <= b for a, b in zip(mins, mins[1:])):
            raise ValueError("各档 min 须从高到低排列 (list tiers highest first)")
        return self


class PassFail(_IndicatorBase):
    """完成得满分，未完成不得分。"""

    method: Literal["pass_fail"]
    full_at: float = Field(default=1.0, description="达到此值为完成 / value that counts as done")


class Schedule(_IndicatorBase):
    """序时进度：完成率与考核月份应达进度比较，达到得满分，否则按比例（或每落后1个百分点扣若干）。"""

    method: Literal["schedule"]
    expected: dict[int, float] | None = Field(
        default=None, description="各月应达进度（占全年），缺省用方案的 schedule 或 月份÷12"
    )
    loss_per_point: float | None = Field(default=None, ge=0, description="每落后1个百分点扣的比例")
    loss_points_per_point: float | None = Field(
        default=None, ge=0, description="每落后1个百分点扣的分数"
    )

    @model_validator(mode="after")
    def _pairs(self) -> Schedule:
        _one_of(self, ("loss_per_point", "loss_points_per_point"))
        return self


class RankBand(_Strict):
    ranks: str | int = Field(description='名次，如 1、“1-3” / ranks, e.g. 1 or "1-3"')
    points: float = Field(description="得分 / points")

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
    otherwise_points: float = Field(default=0)


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
    per_event: float | None = Field(default=None, ge=0, description="每次的分数 / points per event")
    max_points: float | None = Field(default=None, ge=0, description="本项最多扣（加）的分数")

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
    floor: float | None = Field(
        default=0, description="项目最低分：0 为扣完为止；null 为扣分不封底（可为负）"
    )


class Project(Rules):
    name: str = Field(description="项目名称 / project name")
    aliases: list[str] = Field(default=[], description="别名 / other names")
    weight: float = Field(gt=0, description="分值 / points")
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

    alternatives: dict[str, list[float]] = Field(
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
    quota: int = Field(default=1, ge=0, description="每个市的名额（未在 quotas 中列出的市）")
    quotas: dict[str, int] = Field(default={}, description="个别市的名额，如 阜阳市: 2")
    count: int | None = Field(default=None, ge=1, description="名额总数，用于核对 / total awards")
    min_grade: str | None = Field(default=None, description="等次不低于 / lowest grade eligible")
    min_total: float | None = Field(default=None, description="总分不低于 / lowest total eligible")
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
    month: int = Field(default=12, ge=1, le=12, description="考核月份 / assessment month")
    expected: dict[int, float] | None = Field(
        default=None, description="各月应达进度（占全年），缺省为 月份÷12"
    )


class Scheme(_Strict):
    """A whole 考核方案."""

    name: str = Field(description="方案名称 / scheme name")
    year: int = Field(description="考核年度 / year")
    total: float = Field(gt=0, description="总分 / total points")
    precision: int = Field(default=2, ge=0, le=6, description="显示的小数位数 / decimals shown")
    grades: dict[str, float] = Field(
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


def _parse_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """A YAML document parsed once: its node tree (for line numbers) and its values."""
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
    "union_tag_not_found": "缺少 method（计分方法） (method missing)",
}


def _describe(error: dict[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx", {})
    if kind in _PYDANTIC_ZH:
        return _PYDANTIC_ZH[kind]
    if kind == "greater_than":
        return f"应大于 {ctx.get('gt')} (must be > {ctx.get('gt')})"
    if kind == "greater_than_equal":
        return f"应不小于 {ctx.get('ge')} (must be ≥ {ctx.get('ge')})"
    if kind == "less_than_equal":
        return f"应不大于 {ctx.get('le')} (must be ≤ {ctx.get('le')})"
    if kind == "literal_error":
        return f"只能是 {ctx.get('expected')} (must be one of {ctx.get('expected')})"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"]


def _dotted(loc: Iterable) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in METHOD_NAMES or str(part).startswith("function-"):
            continue
        else:
            text += ("." if text else "") + str(part)
    return text or "(方案)"


def check_scheme_text(text: str, file: str) -> tuple[Scheme | None, list[Issue]]:
    """Every problem of a rule file, each with its line; the Scheme when there are none."""
    try:
        root, raw = _parse_yaml(text)
        lines = _LineMap(root, file)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        detail = getattr(exc, "problem", None) or str(exc)
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
    known_names: set[str] = set()
    for key, column in columns.items():
        known_names.add(normalize_name(key))
        if isinstance(column, dict):
            for label in [column.get("label"), *(column.get("aliases") or [])]:
                if isinstance(label, str):
                    known_names.add(normalize_name(label))

    def check_formula(text: Any, loc: tuple, aggregated: bool, comparison: bool = False) -> None:
        if not isinstance(text, str):
            return
        try:
            formula = parse_formula(text)
        except FormulaError as exc:
            add("bad-formula", {"formula": text, "detail": str(exc)}, loc)
            return
        if formula.comparison != comparison:
            detail = "审核条件须是比较，如 完成 > 目标任务" if comparison else "比较只能用于 checks"
            add("bad-formula", {"formula": text, "detail": detail}, loc)
        if formula.aggregated and not aggregated:
            detail = "sum() 只能用于 level: district 的项目 (sum() is for district items)"
            add("bad-formula", {"formula": text, "detail": detail}, loc)
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
    for key in ("district", "project"):
        if columns and key not in columns:
            detail = f"columns 须有 {key} 列 (columns needs a {key} entry)"
            add("schema", {"field": "columns", "detail": detail}, ("columns",))
    return issues


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


def load_scheme(path: str | Path) -> Scheme:
    """Read and validate a rule file; raise SchemeError listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemeError(
            str(path), [Issue("yaml-syntax", {"detail": str(exc)}, file=str(path))]
        ) from None
    scheme, issues = check_scheme_text(text, str(path))
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
    try:
        raw = _parse_yaml(path.read_text(encoding="utf-8-sig"))[1]
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
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
    return Scheme.model_validate(raw), said
