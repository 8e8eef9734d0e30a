"""Explanations: every point of one district's total, and the words that tell it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .engine import Assessment, DetailBlocks
from .formula import parse_formula
from .intake import Dataset, Locator, span
from .intake.dataset import where
from .messages import Clauses, Items, Message, render, say, words
from .methods import Context, in_words
from .scheme import Adjustment, Project
from .shape_methods import Written
from .subtotals import subtotals, unit_subtotals


@dataclass(frozen=True)
class Input:
    """An input a line used: the cell (or, for a district item, the column range summed)."""

    label: str | Message  # a column's label, or words of ours (上期…, an aggregate)
    value: float | None
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None


@dataclass
class Line:
    """One indicator, deduction, bonus or floor of a project, for one district."""

    part: str  # indicator | deduction | bonus | floor
    name: str
    points: float
    full: float | None  # an indicator's full points (weight × share)
    formula: str | None
    value: float | None
    inputs: list[Input]
    words: Message | Clauses  # what the rule did with the value
    method: str | None = None  # an indicator's scoring method (its key)


@dataclass
class Item:
    """A project (or district item) of one district: its lines add up to its score."""

    project: str
    weight: float
    level: str
    suspended: bool
    score: float | None
    lines: list[Line]
    applies: bool = True  # False: the item is for other units only (applies_to, not scored)

    @property
    def lost(self) -> float:
        return 0.0 if self.score is None else self.weight - self.score


@dataclass
class Explanation:
    """Every point of one district's total: items, their sum, and the rescaling (折算)."""

    district: str
    rank: int | None
    grade: str | None
    earned: float
    available: float
    total: float
    scheme_total: float
    items: list[Item]
    vetoes: list[Message] = field(default_factory=list)  # 一票否决 that hold, in words
    # the indicator tree's subtotals (指标体系, issue 13 shape 19); none for a flat scheme
    subtotals: list[dict] = field(default_factory=list)

    @property
    def rescaled(self) -> bool:
        return abs(self.available - self.scheme_total) > 1e-9


class Explainer:
    """Builds explanations from an assessment and the data it came from (lookups made once)."""

    def __init__(
        self,
        assessment: Assessment,
        data: Dataset,
        ranks: dict | None = None,
        grades: dict | None = None,
    ):
        self.assessment = assessment
        self.data = data
        self.ranks = ranks or {}
        self.grades = grades or {}
        self.locate = Locator(data)
        self.subtotals = subtotals(assessment)  # [] without a tree
        # the engine's detail blocks, read a district at a time: the details frame of 10,000
        # districts (1.3 million rows) and its grouping cost more than the report's 100
        # explanations
        self._blocks = DetailBlocks(assessment.parts)
        active = ~data.rows["suspended"].to_numpy(dtype=bool)
        self.carried_out = {
            name: positions[active[positions]] for name, positions in self.locate.rows_of.items()
        }
        if data.members is not None:
            self.counties = self._positions(data.members, "city")
        # a report asks for a few cells of every district: each column read out of the frame
        # once, each rule and formula name resolved once (a pandas lookup per cell was half the
        # time of a 10,000-district report)
        self._columns: dict[str, np.ndarray] = {}
        self._keys: dict[str, str | None] = {}
        self._rules: dict[str, Any] = {}
        self._peers: dict[tuple[str, str], pd.Series] = {}
        self._formulas: dict[int, tuple[Any, list[tuple[str, str]]]] = {}
        # the district × item frames as arrays, looked up by position
        self._row_of = {district: i for i, district in enumerate(assessment.scores.index)}
        self._scores = {p: assessment.scores[p].to_numpy() for p in assessment.scores.columns}
        self._suspended = {
            p: assessment.suspended[p].to_numpy(dtype=bool) for p in assessment.suspended.columns
        }
        inapplicable = assessment.inapplicable
        self._outside = (
            None
            if inapplicable is None
            else {p: inapplicable[p].to_numpy(dtype=bool) for p in inapplicable.columns}
        )

    def peers(self, project: str, indicator: str) -> pd.Series:
        """Every district's value of an indicator, in the order of the details (the field of a
        rank or best-value rule)."""
        key = (project, indicator)
        if key not in self._peers:
            self._peers[key] = self._blocks.values(project, indicator)
        return self._peers[key]

    def _cell(self, key: str, position: Any) -> Any:
        """The value of column ``key`` in the data's row ``position`` (or, at an array of
        positions, their values)."""
        values = self._columns.get(key)
        if values is None:
            values = self._columns[key] = self.data.rows[key].to_numpy()
        return values[position]

    def _rows_at(self, positions: np.ndarray, key: str) -> pd.DataFrame:
        """The data's rows at these positions, with the columns an input reads (its value and
        where it came from): a take of every column of the data per district cost more."""
        columns = dict.fromkeys((key, "_source", "_row"))
        return pd.DataFrame({c: self._cell(c, positions) for c in columns})

    def _key(self, name: str) -> str | None:
        """scheme.column_key, remembered."""
        if name not in self._keys:
            self._keys[name] = self.assessment.scheme.column_key(name)
        return self._keys[name]

    @staticmethod
    def _positions(rows: pd.DataFrame, key: str) -> dict:
        """Each district's (or city's) rows of projects carried out, as positions."""
        active = ~rows["suspended"].to_numpy(dtype=bool)
        return {
            name: positions[active[positions]]
            for name, positions in rows.groupby(key, sort=False).indices.items()
        }

    def __call__(self, district: str) -> Explanation:
        """Every point of ``district``'s total, item by item."""
        a = self.assessment
        scheme = a.scheme
        by_project: dict[str, list] = {}
        for row in self._blocks.rows(district):
            by_project.setdefault(row.project, []).append(row)
        items = []
        at = self._row_of[district]
        for project in scheme.projects:
            suspended = bool(self._suspended[project.name][at])
            outside = self._outside is not None and bool(self._outside[project.name][at])
            score_ = self._scores[project.name][at]
            lines = (
                []
                if suspended or outside
                else self._lines(district, project, by_project.get(project.name, []))
            )
            items.append(
                Item(
                    project.name,
                    project.weight,
                    project.level,
                    suspended,
                    None if suspended or outside else float(score_),
                    lines,
                    not outside,
                )
            )
        return Explanation(
            district, self.ranks.get(district), self.grades.get(district),
            float(a.earned[district]), float(a.available[district]), float(a.total[district]),
            scheme.total, items, self._vetoes(district),
            unit_subtotals(self.subtotals, district, scheme.levels) if self.subtotals else [],
        )  # fmt: skip

    def _vetoes(self, district: str) -> list[Message]:
        """The vetoes (一票否决) that hold for a district, with the cell that set them off."""
        scheme = self.assessment.scheme
        said = []
        rows = self.data.rows
        for number, position in self.assessment.vetoes.get(district, []):
            veto = scheme.vetoes[number]
            cells = []
            for name in parse_formula(veto.when).names:
                key = scheme.column_key(name)
                if key is None:  # rules check refuses a veto naming no column
                    continue
                value = rows[key].iat[position]
                at = where(self.data.sources, int(rows["_source"].iat[position]),
                           int(rows["_row"].iat[position]), key)  # fmt: skip
                shown = "—" if pd.isna(value) else f"{float(value):,.6g}"
                cell = say("explain.at_cell", cell=at["cell"]) if at["cell"] else ""
                cells.append(
                    say("explain.cell", label=scheme.columns[key].label, value=shown, at=cell)
                )
            said.append(
                say("explain.vetoed", name=veto.name, project=rows["project"].iat[position],
                    cells=Items(cells),
                    grade=say("explain.vetoed_grade", grade=veto.grade) if veto.grade else "",
                    rank=say("explain.vetoed_last") if veto.rank == "last" else "",
                    awards=say("explain.vetoed_awards") if veto.awards != "none" else "")
            )  # fmt: skip
        return said

    def _lines(self, district: str, project: Project, rows: list) -> list[Line]:
        """A project's indicator, deduction, bonus and floor lines, from its detail rows."""
        scheme = self.assessment.scheme
        rules = self._rules.get(project.name)
        if rules is None:
            rules = self._rules[project.name] = scheme.rules_of(project)
        indicators = {i.name: i for i in rules.indicators or []}
        adjustments = {a.name: a for a in (rules.deductions or []) + (rules.bonuses or [])}
        lines = []
        for row in rows:  # the district's detail rows of this project
            value = None if pd.isna(row.value) else float(row.value)
            if row.part == "indicator":
                indicator = indicators[row.name]
                context = Context(project.weight * indicator.share, self.assessment.month, scheme)
                peers = self.peers(project.name, row.name)
                distances = self._distances(district, project, indicator)
                if distances:
                    context = Context(context.points, context.month, scheme, distances)
                if indicator.method == "change":
                    before = self._previous_value(district, project, indicator.value)
                    context = Context(context.points, context.month, scheme, distances,
                                      np.array([before]))  # fmt: skip
                said = np.nan if value is None else value  # in_words: "cannot be computed"
                words: Message | Clauses = in_words(
                    indicator.method, indicator, said, float(row.fraction), context, peers
                )
                formula = indicator.value
                full = context.points
            elif row.part == "mean":
                count = int(row.value) if value is not None else 0
                words = say("explain.mean", count=count, points=f"{row.points:.2f}")
                formula, full = None, None
            elif row.part == "floor":
                words = say("explain.floor", points=f"{row.points:.2f}")
                formula, full = None, None
            elif row.points == 0 and (pd.isna(row.fraction) or row.fraction >= 1):
                continue  # a deduction or bonus that did not apply (and no cap cut it)
            else:
                item = adjustments[row.name]
                formula, full = item.formula_text(), None
                words = _adjustment_words(row.part, item, value, float(row.points))
                if not pd.isna(row.fraction) and row.fraction < 1 - 1e-9:  # a cap held
                    words = capped_words(words, row.part, rules, scheme, rows, float(row.points))
            inputs = self._inputs(district, project, formula) if formula else []
            if row.part == "indicator" and indicators[row.name].method == "change":
                inputs += self._previous_inputs(district, project, f"上期({formula})")
            elif formula:
                inputs += self._previous_inputs(district, project, formula)
            if row.part == "indicator":
                inputs += self._aggregates(district, project, row.name)
            method = indicators[row.name].method if row.part == "indicator" else None
            lines.append(
                Line(row.part, row.name, float(row.points), full, formula, value, inputs, words,
                     method)
            )  # fmt: skip
        return lines

    def _aggregates(self, district: str, project: Project, indicator: str) -> list[Input]:
        """The aggregates over the units an indicator's formula used: \
城区平均值（平均办理天数） 7."""
        found = self.assessment.aggregates.get((project.name, indicator))
        if not found:
            return []
        index = list(found["index"])
        if district not in index:
            return []
        position = index.index(district)
        inputs = []
        for kind, grouping, text, values in found["items"]:
            name = self._group_name(grouping, district) if grouping is not None else None
            group = Written(name, name) if name else say("shape.aggregate.all")
            label = say(f"shape.aggregate.{kind}", group=group, formula=text)
            value = values[position]
            inputs.append(Input(label, None if np.isnan(value) else float(value)))
        return inputs

    def _group_name(self, grouping: str, district: str) -> str | None:
        scheme = self.assessment.scheme
        if grouping == "city" or scheme.column_key(grouping) == "city":
            return self.assessment.groups.get(district)
        from .scheme import normalize_name

        wanted = normalize_name(district)
        for group, units in scheme.groups.get(grouping, {}).items():
            if wanted in {normalize_name(u) for u in units}:
                return group
        return None

    def _distances(self, district: str, project: Project, indicator) -> dict | None:
        """A stepped rule's own distance (gain.by) for this district, from its row."""
        position = self.locate.position.get((district, project.name))
        if position is None:
            return None

        def column(name: str) -> float:
            key = self._key(name)
            assert key is not None, name  # the scheme's checks made every formula name a column
            return float(self._cell(key, position))

        found = {}
        for name, formula in self._distance_formulas(indicator):
            found[name] = np.array([float(parse_formula(formula).evaluate(column))])
        return found or None

    def _distance_formulas(self, indicator) -> list[tuple[str, str]]:
        """A stepped rule's distances (gain.by, loss.by, each level's count) by name, found
        once per indicator: an attribute a rule lacks is slow to ask a pydantic model for."""
        known = self._formulas.get(id(indicator))
        if known is None or known[0] is not indicator:
            formulas = []
            for side in ("gain", "loss"):
                step = getattr(indicator, side, None)
                if step is not None and step.by is not None:
                    formulas.append((side, step.by))
            for number, level in enumerate(getattr(indicator, "levels", None) or []):
                formulas.append((f"level:{number}", level.count))
            known = self._formulas[id(indicator)] = (indicator, formulas)
        return known[1]

    def _inputs(self, district: str, project: Project, formula: str) -> list[Input]:
        """The cells (or, for a district item, the column ranges) a line's formula read."""
        scheme = self.assessment.scheme
        inputs = []
        members = self.data.members
        if project.level == "survey":
            return self._survey_input(district)
        for name in parse_formula(formula).current_names:
            key = self._key(name)
            assert key is not None, name  # the scheme's checks made every formula name a column
            column = scheme.columns[key]
            if project.level == "district":
                none = np.array([], dtype=int)
                mine = self._rows_at(self.carried_out.get(district, none), key)
                if members is not None:  # a city: its counties' rows
                    counties = members.iloc[self.counties.get(district, none)]
                    where = span(self.data, counties, key)
                else:
                    where = span(self.data, mine, key)
                inputs.append(Input(f"Σ{column.label}", float(mine[key].sum()), **where))
                continue
            position = self.locate.position.get((district, project.name))
            if position is None:
                continue
            value = self._cell(key, position)
            label: str | Message = column.label
            counties = self.locate.count(district, project.name)
            if members is not None:
                rolled = "explain.rolled_sum" if column.roll_up == "sum" else "explain.rolled_mean"
                label = say(rolled, label=column.label, n=counties)
            inputs.append(
                Input(
                    label,
                    None if pd.isna(value) else float(value),
                    **self.locate(district, project.name, key),
                )
            )
        return inputs

    def _previous_value(self, district: str, project: Project, formula: str) -> float:
        """A formula's value over the district's row of the previous period (NaN: none)."""
        prior = self.assessment.prior
        if prior is None:
            return float("nan")
        scheme = self.assessment.scheme

        def column(name: str) -> float:
            key = scheme.column_key(name)
            assert key is not None, name
            value, _ = prior.value(district, project.name, key)
            return float("nan") if value is None else value

        with np.errstate(divide="ignore", invalid="ignore"):
            return float(parse_formula(formula).evaluate(column, prior=column))

    def _previous_inputs(self, district: str, project: Project, formula: str) -> list[Input]:
        """The previous period's cells a formula read through 上期(…): 上期社工人数 72（E16）."""
        prior = self.assessment.prior
        parsed = parse_formula(formula)
        if prior is None or not parsed.previous or project.level != "project":
            return []
        scheme = self.assessment.scheme
        inputs = []
        for name in parsed.previous_names:
            key = scheme.column_key(name)
            assert key is not None, name
            value, at = prior.value(district, project.name, key)
            file = Path(at["file"]).name if at.get("file") else "—"
            label = Message("previous.input", {"label": scheme.columns[key].label, "file": file})
            inputs.append(Input(label, value, **at))
        return inputs

    def _survey_input(self, district: str) -> list[Input]:
        """A survey item's input: the district's satisfaction and its cell on the survey sheet."""
        survey = self.data.survey
        mine = survey[survey["district"] == district]
        label = self.assessment.scheme.survey.label if self.assessment.scheme.survey else "满意度"
        if mine.empty:
            return [Input(label, None)]
        first = mine.iloc[0]
        at = where(self.data.sources, int(first["_source"]), int(first["_row"]), "satisfaction")
        return [Input(label, float(first["satisfaction"]), **at)]


def capped_words(words: Message, part: str, rules, scheme, rows: list, points: float) -> Clauses:
    """An item cut by a cap on the sum of bonuses (deductions): its own words, then the cap's:
    本项加分最多10分，此项只计4分 (or the scheme's cap, where the project's did not hold)."""
    caps = rules.caps
    limit = getattr(caps, f"max_{part}") if caps is not None else None
    spent = sum(abs(r.points) for r in rows if r.part == part)
    where = "project" if limit is not None and abs(spent - limit) <= 1e-9 else "scheme"
    if where == "scheme":
        limit = getattr(scheme.caps, f"max_{part}") if scheme.caps is not None else 0
    said = say(f"shape.words.cap_{part}_{where}", limit=f"{limit or 0:g}", kept=f"{abs(points):g}")
    return Clauses([words, said])


def _adjustment_words(part: str, item: Adjustment, value: float | None, points: float) -> Message:
    """A deduction or bonus in words: 3 次 × 2 分 = 扣 6 分（最多 10 分）."""
    way = "off" if part == "deduction" else "added"
    amount = abs(points)
    if item.points is not None:
        said = say(f"explain.points_{way}", amount=f"{amount:g}")
    else:
        count = value or 0
        moved = count * (item.per_event or 0)
        said = say(f"explain.events_{way}", count=f"{count:g}", per=f"{item.per_event:g}",
                   moved=f"{moved:g}")  # fmt: skip
    if item.max_points is not None and amount >= item.max_points - 1e-9 and (value or 0) > 0:
        return say(
            "words.then", first=said, then=say("explain.at_most", most=f"{item.max_points:g}")
        )
    return said


# ----------------------------------------------------------------------------- in words


def _num(value: float, places: int = 2) -> str:
    return f"{value:,.{places}f}"


def item_title(item: Item, lang: str) -> str:
    """A project with its weight: 农家书屋（100分）."""
    return render("explain.item_title", lang, project=item.project, weight=f"{item.weight:g}")


def inputs_text(line: Line, lang: str) -> str:
    """The cells a line read: 完成 354（D202）、目标任务 324（C202）."""
    parts = []
    for cell in line.inputs:
        value = "—" if cell.value is None else f"{cell.value:,.6g}"
        at = render("explain.at_cell", lang, cell=cell.cell) if cell.cell else ""
        label = cell.label.render(lang) if isinstance(cell.label, Message) else cell.label
        parts.append(render("explain.cell", lang, label=label, value=value, at=at))
    return render("sep.items", lang).join(parts)


def explanation_summary(e: Explanation, lang: str, closing: bool = False) -> str:
    """The heading of an explanation, or (closing) the sum and the rescaling to the total."""
    if not closing:
        return render("explain.heading", lang, district=e.district, total=_num(e.total),
                      rank=e.rank, grade=e.grade)  # fmt: skip
    suspended = [i for i in e.items if i.suspended]
    vetoes = [veto.render(lang) for veto in e.vetoes]  # 一票否决: said before the sum
    lines = [
        *vetoes,
        render("explain.sum", lang, earned=_num(e.earned), available=f"{e.available:,g}"),
    ]
    if e.rescaled:
        names = [
            say("explain.suspended_item", project=i.project, weight=f"{i.weight:g}")
            for i in suspended
        ]
        lines.append(render("explain.suspended", lang, names=names))
        lines.append(
            render("explain.rescaled", lang, earned=_num(e.earned), total=f"{e.scheme_total:,g}",
                   available=f"{e.available:,g}", result=_num(e.total))
        )  # fmt: skip
    else:
        lines.append(render("explain.total", lang, total=_num(e.total)))
    return "\n".join(lines)


@dataclass
class DistrictView:
    """What a district's section shows, derived from its explanation."""

    explanation: Explanation
    strongest: list[Item]
    weakest: list[Item]
    deductions: list[tuple[Item, Line]]
    suspended: list[Item]
    lost: list[Item]
    sources: list[str]  # file › sheet the district's cells are in


def _share(item: Item) -> float:
    """The share of its points a scored item earned."""
    return (item.score or 0.0) / item.weight


def sources_text(e: Explanation, lang: str) -> str:
    """The files and sheets a district's points came from, in a line: 2010.xlsx › 表1；…"""
    return words(lang)["sep.clause"].join(district_view(e).sources)


def district_view(e: Explanation, top: int = 3) -> DistrictView:
    """A district's strongest and weakest items, deductions, suspended items, losses, sources."""
    scored = [i for i in e.items if not i.suspended and i.score is not None]
    by_share = sorted(scored, key=lambda i: (_share(i), -i.weight))
    deductions = [(i, line) for i in scored for line in i.lines if line.part == "deduction"]
    lost = sorted([i for i in scored if i.lost > 0.005], key=lambda i: -i.lost)
    sources = [
        f"{c.file} › {c.sheet}" for i in e.items for line in i.lines for c in line.inputs if c.file
    ]
    suspended = [i for i in e.items if i.suspended]
    return DistrictView(
        e,
        by_share[::-1][:top],
        by_share[:top],
        deductions,
        suspended,
        lost,
        list(dict.fromkeys(sources)),
    )
