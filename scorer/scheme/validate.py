"""Checking a rule file: its structure (pydantic) and every rule across fields, each at its line."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import Issue, SchemeError, UsageError
from ..formula import FormulaError, parse_formula
from ..messages import Message, say
from .load import LineMap, parse_rule_text, read_rule_file
from .model import ID_COLUMNS, METHOD_NAMES, SURVEY_WORDS, Scheme
from .names import normalize_name
from .shape_checks import check_shapes, uses_applies_to
from .tree import check_tree
from .wording import describe_error, dotted_path, plain_number, value_mistake

# column keys the data table uses for itself (intake adds them to every row)
RESERVED_COLUMN_KEYS = ("suspended",)

Add = Callable[[str, dict, Iterable], None]  # report an issue: code, params, YAML path


def check_scheme_text(text: str, file: str) -> tuple[Scheme | None, list[Issue]]:
    """Every problem of a rule file, each with its line; the Scheme when there are none."""
    raw, lines, issues = parse_rule_text(text, file)
    if lines is None:
        return None, issues
    if not isinstance(raw, dict):
        issues.append(
            Issue(
                "schema",
                {"field": say("detail.whole_scheme"), "detail": say("detail.mapping")},
                file=file,
                line=1,
            )
        )
        return None, issues
    scheme, structure = _structure_issues(raw, lines, file, text)
    issues += structure
    issues.extend(_semantic_issues(raw, lines, file))
    if scheme is not None and not issues:
        issues += _alternative_issues(scheme, lines, file)
    if scheme is not None:
        # where the roster file is found from (relative to the rule file), and which line names
        # it, for the intake that reads it
        scheme._rule_file = file
        scheme._roster_line = lines.line(("roster",)) if scheme.roster is not None else None
    return (scheme if not issues else None), _dedupe(issues)


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


def _structure_issues(
    raw: dict, lines: LineMap, file: str, text: str
) -> tuple[Scheme | None, list[Issue]]:
    """The Scheme pydantic builds from the values, or every structural problem it found; where
    a clerk's typing made the wrong value (120分, 60%, a key "share:1" written without its
    space), what to write instead."""
    try:
        return Scheme.model_validate(raw), []
    except ValidationError as exc:
        errors = exc.errors()
    issues = []
    explained: set[int | None] = set()  # lines whose typing mistake says it all
    layout: list | None = None
    for error in errors:
        loc = error["loc"]
        line = lines.line(loc)
        if error["type"] == "union_tag_invalid":
            params = {"method": error["ctx"]["tag"], "known": ", ".join(METHOD_NAMES)}
            line = lines.line((*loc, "method"))
            issues.append(Issue("unknown-method", params, file=file, line=line))
            continue
        mistake = value_mistake(error)
        if mistake is not None:
            issues.append(Issue(*mistake, file=file, line=line))
            continue
        if line is not None and _typed(error):
            from .yaml_errors import line_mistake, read_layout

            layout = layout if layout is not None else read_layout(text)
            found = line_mistake(layout, line)
            if found is not None:
                issues.append(found.issue(file))
                explained.add(line)
                continue
        params = {"field": dotted_path(loc), "detail": describe_error(error)}
        issues.append(Issue("schema", params, file=file, line=line))
    return None, [i for i in issues if i.code != "schema" or i.line not in explained]


def _typed(error: Mapping[str, Any]) -> bool:
    """Whether the value or key pydantic refused holds what a Chinese keyboard types in place of
    YAML's signs (："，“”‘’ and the full-width space) or a colon with no space after it."""
    given, last = error.get("input"), error["loc"][-1] if error["loc"] else None
    texts = [
        t
        for t in (given, last if error["type"] == "extra_forbidden" else None)
        if isinstance(t, str)
    ]
    return any(re.search(r"[：，“”‘’\u3000]|:\S", t) for t in texts)


def _alternative_issues(scheme: Scheme, lines: LineMap, file: str) -> list[Issue]:
    """Each sensitivity.alternatives value must be a change whatif could make."""
    # imported here: whatif builds on this package, which must be whole before it loads
    from ..whatif import changed

    issues = []
    for key, values in scheme.sensitivity.alternatives.items():
        try:
            changed(scheme, [f"{key}={v}" for v in values])
        except UsageError as exc:
            params = {"field": f"sensitivity.alternatives.{key}", "detail": exc.said}
            line = lines.line(("sensitivity", "alternatives", key))
            issues.append(Issue("schema", params, file=file, line=line))
    return issues


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


def _mapping(raw: dict, key: str) -> dict:
    """raw[key] when it is a mapping, else an empty one (pydantic reports what it is instead)."""
    value = raw.get(key)
    return value if isinstance(value, dict) else {}


def _listed(raw: dict, key: str) -> list:
    """raw[key] when it is a list, else an empty one."""
    value = raw.get(key)
    return value if isinstance(value, list) else []


def _entries(raw: dict, key: str) -> list[tuple[int, dict]]:
    """The mappings in the list raw[key], with their indexes; whatever else a clerk wrote there
    (a number, a text, a list in a list) pydantic reports, and the checks across fields skip."""
    return [(i, item) for i, item in enumerate(_listed(raw, key)) if isinstance(item, dict)]


# ----------------------------------------------------------------------------- across fields


def _semantic_issues(raw: dict, lines: LineMap, file: str) -> list[Issue]:
    """Checks on the raw mapping, so they run even where the structure has other problems."""
    issues: list[Issue] = []

    def add(code: str, params: dict, loc: Iterable) -> None:
        issues.append(Issue(code, params, file=file, line=lines.line(loc)))

    templates, columns = _mapping(raw, "templates"), _mapping(raw, "columns")
    _check_weights(raw, add)
    _check_shares(raw, templates, add)
    _check_project_names(raw, add)
    _check_grades(raw, add)
    _check_columns(columns, add)
    _check_formulas(raw, templates, _FormulaCheck(columns, add, _mapping(raw, "groups"), raw))
    _check_templates(raw, templates, add)
    _check_tie_break(raw, add)
    _check_awards(raw, columns, add)
    _check_text_columns(columns, add)
    _check_roster(raw, add)
    check_shapes(raw, columns, add)
    check_tree(raw, add)  # issue 13 shape 19: the indicator tree
    return issues


def _check_weights(raw: dict, add: Add) -> None:
    """The projects' weights add up to the total."""
    projects = [p for _, p in _entries(raw, "projects")]
    total = _number(raw.get("total"))
    weights = [_number(p.get("weight")) for p in projects]
    known = [w for w in weights if w is not None]
    if uses_applies_to(raw):
        return  # items for some units only: checked per unit (shape_checks)
    if total is not None and projects and len(known) == len(weights):
        weight_sum = sum(known)
        if abs(weight_sum - total) > 1e-6:
            params = {"sum": plain_number(weight_sum), "total": plain_number(total)}
            add("weights-total", params, ("total",))


def _check_shares(raw: dict, templates: dict, add: Add) -> None:
    """The shares of each list of indicators, a template's or a project's, add up to 1."""

    def check(indicators: Any, owner: str | Message, loc: tuple) -> None:
        if not isinstance(indicators, list) or not indicators:
            return
        shares = [_number(i.get("share")) if isinstance(i, dict) else None for i in indicators]
        known = [s for s in shares if s is not None]
        if len(known) == len(shares):
            share_sum = sum(known)
            if abs(share_sum - 1) > 1e-6:
                add("shares-total", {"project": owner, "sum": plain_number(share_sum)}, loc)

    for name, template in templates.items():
        if isinstance(template, dict):
            said = say("detail.template_owner", name=name)
            check(template.get("indicators"), said, ("templates", name, "indicators"))
    for index, project in _entries(raw, "projects"):
        owner = str(project.get("name"))
        check(project.get("indicators"), owner, ("projects", index, "indicators"))


def _check_project_names(raw: dict, add: Add) -> None:
    """No two projects share a name or alias, compared as users write them."""
    seen: dict[str, str] = {}
    for index, project in _entries(raw, "projects"):
        own: set[str] = set()
        for position, name in enumerate([project.get("name"), *_listed(project, "aliases")]):
            if not isinstance(name, str):
                continue
            key = normalize_name(name)
            loc: tuple = (
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


def _check_grades(raw: dict, add: Add) -> None:
    """The grade table: fractions within 0–1, best first, decreasing, ending at 0."""
    grades = raw.get("grades")
    if not isinstance(grades, dict):
        return
    if not grades:
        add("bad-grades", {"detail": say("detail.no_grades")}, ("grades",))
        return
    values = [_number(v) for v in grades.values()]
    numbers = [v for v in values if v is not None]
    if len(numbers) != len(values):
        return  # pydantic reports the non-number
    if any(not 0 <= v <= 1 for v in numbers):
        detail = say("detail.grade_fractions")
    elif any(a <= b for a, b in zip(numbers, numbers[1:])):
        detail = say("detail.grades_decreasing")
    elif numbers[-1] != 0:
        detail = say("detail.grades_last_zero")
    else:
        return
    add("bad-grades", {"detail": detail}, ("grades",))


def _check_columns(columns: dict, add: Add) -> None:
    """What reading the data relies on: the district and project columns, keys of its own, each
    label meaning one column, and limits that some number can meet."""
    for key in ("district", "project"):
        if columns and key not in columns:
            detail = say("detail.columns_need", key=key)
            add("schema", {"field": "columns", "detail": detail}, ("columns",))
    owner: dict[str, str] = {}
    for key, column in columns.items():
        if not isinstance(key, str):
            continue
        if key in RESERVED_COLUMN_KEYS or key.startswith("_"):
            detail = say("detail.reserved_key", key=key)
            add("schema", {"field": f"columns.{key}", "detail": detail}, ("columns", key))
        if not isinstance(column, dict):
            continue
        low, high = _number(column.get("min")), _number(column.get("max"))
        if low is not None and high is not None and low > high:
            detail = say("detail.min_above_max", low=plain_number(low), high=plain_number(high))
            add("schema", {"field": f"columns.{key}", "detail": detail}, ("columns", key))
        for position, label in enumerate([column.get("label"), *_listed(column, "aliases")]):
            if not isinstance(label, str):
                continue
            name = normalize_name(label)
            if owner.get(name, key) != key:
                where: tuple = (
                    ("columns", key, "label")
                    if position == 0
                    else ("columns", key, "aliases", position - 1)
                )
                detail = say("detail.label_twice", label=label, first=owner[name], second=key)
                add("schema", {"field": f"columns.{key}", "detail": detail}, where)
            owner.setdefault(name, key)


class _FormulaCheck:
    """Checks one formula: it parses, compares only in checks, sums only at district level, and
    names number columns that exist."""

    def __init__(
        self, columns: dict, add: Add, groups: dict | None = None, raw: dict | None = None
    ):
        self.add = add
        # what mean_of(x, grouping) may name: the scheme's groups, and the 所属市 column
        self.groupings = {normalize_name(g) for g in groups or {}}
        # what a survey item's formula may name: the survey's satisfaction
        survey = (raw or {}).get("survey")
        survey = survey if isinstance(survey, dict) else {}
        labels = [
            survey.get("label", "满意度"),
            *(survey.get("aliases") or ["满意率", "群众满意度"]),
        ]
        self.survey_names = {
            normalize_name(x) for x in [*labels, "satisfaction"] if isinstance(x, str)
        }
        self.known_names: set[str] = set()  # what a formula may name: the number columns
        self.text_columns: dict[str, str] = {}  # names of the district, project, status, city
        for key, column in columns.items():
            names = {normalize_name(key)}
            if isinstance(column, dict):
                labels = [column.get("label"), *_listed(column, "aliases")]
                names |= {normalize_name(x) for x in labels if isinstance(x, str)}
            if key == "city":
                self.groupings |= names
            if key in ID_COLUMNS:
                self.text_columns.update(dict.fromkeys(names, key))
            else:
                self.known_names |= names

    def __call__(
        self, text: Any, loc: tuple, aggregated: bool, comparison: bool = False, survey=False
    ) -> None:
        if not isinstance(text, str):
            return
        try:
            formula = parse_formula(text)
        except FormulaError as exc:
            inner = text.strip()
            if len(inner) > 2 and (inner[0], inner[-1]) in (("“", "”"), ("‘", "’")):
                self.add("formula-in-quotes", {"formula": text, "inner": inner[1:-1].strip()}, loc)
                return
            shown = text if len(text) <= 60 else text[:60] + "…"  # a huge one is not repeated
            self.add("bad-formula", {"formula": shown, "detail": exc.said}, loc)
            return
        if formula.comparison != comparison:
            detail = say(
                "detail.check_is_comparison" if comparison else "detail.comparison_in_checks"
            )
            self.add("bad-formula", {"formula": text, "detail": detail}, loc)
        if formula.aggregated and not aggregated:
            detail = say("detail.sum_for_district")
            self.add("bad-formula", {"formula": text, "detail": detail}, loc)
        if formula.previous and (comparison or survey):
            self.add("previous.not-here", {"formula": text}, loc)  # task C: 上期() scores only
        if formula.peers and comparison:
            detail = say("detail.peers_for_scoring")
            self.add("bad-formula", {"formula": text, "detail": detail}, loc)
        for grouping in formula.groupings:
            if normalize_name(grouping) not in self.groupings:
                detail = say("detail.no_grouping", grouping=grouping)
                self.add("bad-formula", {"formula": text, "detail": detail}, loc)
        if survey:
            other = [n for n in formula.names if normalize_name(n) not in self.survey_names]
            if other:
                detail = say("detail.survey_formula", name=other[0])
                self.add("bad-formula", {"formula": text, "detail": detail}, loc)
            return
        texts = [n for n in formula.names if normalize_name(n) in self.text_columns]
        if texts:
            key = self.text_columns[normalize_name(texts[0])]
            detail = say("detail.text_column_in_formula", name=texts[0], key=key)
            self.add("bad-formula", {"formula": text, "detail": detail}, loc)
            return
        unknown = [n for n in formula.names if normalize_name(n) not in self.known_names]
        if unknown:
            detail = say("detail.no_column", name=unknown[0])
            self.add("bad-formula", {"formula": text, "detail": detail}, loc)


def _check_formulas(raw: dict, templates: dict, check: _FormulaCheck) -> None:
    """Every formula of the templates, the projects and the checks."""

    def check_rules(rules: dict, loc: tuple, aggregated: bool, survey: bool = False) -> None:
        for i, indicator in _entries(rules, "indicators"):
            at = (*loc, "indicators", i)
            check(indicator.get("value"), (*at, "value"), aggregated, survey=survey)
            _check_change(indicator, at, check.add)  # task C: method change
            for side in ("gain", "loss"):
                step = indicator.get(side)
                if isinstance(step, dict):
                    check(step.get("by"), (*at, side, "by"), aggregated, survey=survey)
            levels = indicator.get("levels")
            for j, level in enumerate(levels if isinstance(levels, list) else []):
                if isinstance(level, dict):
                    where = (*at, "levels", j, "count")
                    check(level.get("count"), where, aggregated, survey=survey)
        for kind in ("deductions", "bonuses"):
            for i, item in _entries(rules, kind):
                for field in ("points", "count"):
                    check(item.get(field), (*loc, kind, i, field), aggregated)

    for name, template in templates.items():
        if isinstance(template, dict):
            check_rules(template, ("templates", name), aggregated=False)
    for index, project in _entries(raw, "projects"):
        level = project.get("level")
        check_rules(project, ("projects", index), level == "district", level == "survey")
    for index, item in _entries(raw, "checks"):
        check(item.get("when"), ("checks", index, "when"), False, comparison=True)
    for index, item in _entries(raw, "vetoes"):
        check(item.get("when"), ("vetoes", index, "when"), False, comparison=True)


def _check_change(indicator: dict, at: tuple, add: Add) -> None:
    """method: change compares its value with the same formula last period: the value itself
    must not read last period's (上期(…) inside it would be compared with itself)."""
    value = indicator.get("value")
    if indicator.get("method") != "change" or not isinstance(value, str):
        return
    try:
        uses = parse_formula(value).previous
    except FormulaError:
        return  # said as bad-formula
    if uses:
        add("previous.in-change", {"formula": value}, (*at, "value"))


def _check_templates(raw: dict, templates: dict, add: Add) -> None:
    """A project names a template that exists, or has indicators of its own, or there is one
    template for it to use."""
    for index, project in _entries(raw, "projects"):
        loc = ("projects", index)
        template = project.get("template")
        if not isinstance(template, (str, type(None))):
            continue  # pydantic reports what it is instead
        if template is not None and template not in templates:
            # a YAML key may be a number
            known = ", ".join(map(str, templates)) or say("detail.none")
            params = {"project": project.get("name"), "template": template, "known": known}
            add("unknown-template", params, (*loc, "template"))
        elif template is None and not project.get("indicators") and len(templates) != 1:
            add("no-indicators", {"project": project.get("name")}, loc)


def _check_tie_break(raw: dict, add: Add) -> None:
    """ranking.tie_break names a project or the survey, and the survey only if there is one."""
    names = set()
    for _, project in _entries(raw, "projects"):
        written = [project.get("name"), *_listed(project, "aliases")]
        names |= {normalize_name(n) for n in written if isinstance(n, str) and n}
    survey = raw.get("survey")
    for index, name in enumerate(_listed(_mapping(raw, "ranking"), "tie_break")):
        if not isinstance(name, str):
            continue  # pydantic reports what it is instead
        key = normalize_name(name)
        if key in names:
            continue
        if key in SURVEY_WORDS:
            if survey is None:
                detail = say("detail.no_survey")
                add("schema", {"field": f"ranking.tie_break[{index}]", "detail": detail},
                    ("ranking", "tie_break", index))  # fmt: skip
            continue
        detail = say("detail.no_tie_item", name=name)
        add("schema", {"field": f"ranking.tie_break[{index}]", "detail": detail},
            ("ranking", "tie_break", index))  # fmt: skip


def _check_awards(raw: dict, columns: dict, add: Add) -> None:
    """Awards name real grades, have a 所属市 column to share quotas by, or a count when not."""
    grades = _mapping(raw, "grades")
    for index, award in _entries(raw, "awards"):
        grade = award.get("min_grade")
        if isinstance(grade, str) and grades and grade not in grades:
            detail = say("detail.no_grade", grade=grade, grades=[str(g) for g in grades])
            add("schema", {"field": f"awards[{index}].min_grade", "detail": detail},
                ("awards", index, "min_grade"))  # fmt: skip
        if award.get("per", "city") == "city" and columns and "city" not in columns:
            detail = say("detail.quotas_need_city")
            add("schema", {"field": f"awards[{index}].per", "detail": detail},
                ("awards", index))  # fmt: skip
        if award.get("per", "city") is None and _mapping(award, "quotas"):
            detail = say("detail.province_no_quotas")
            add("schema", {"field": f"awards[{index}].quotas", "detail": detail},
                ("awards", index, "quotas"))  # fmt: skip
        if award.get("per", "city") is None and award.get("count") is None:
            detail = say("detail.province_needs_count")
            add("schema", {"field": f"awards[{index}]", "detail": detail}, ("awards", index))


# ----------------------------------------------------------------------------- issue 12

# what only a number column may say: a text column (地区, 项目, 状态, 所属市) saying it would be
# read as text all the same, and scored as nothing
_NUMBER_ONLY = ("unit", "blank", "roll_up", "source", "kind")


def _check_text_columns(columns: dict, add: Add) -> None:
    """The keys district, project, status and city are the text columns the intake reads
    names from: a column under one of them with a number's settings (a unit, a maximum, a
    source…) was meant as a number column, and would be read as names."""
    for key in ID_COLUMNS:
        column = columns.get(key)
        if not isinstance(column, dict):
            continue
        said = [name for name in _NUMBER_ONLY if name in column]
        if said:
            detail = say("detail.text_key", key=key, said=said)
            add("schema", {"field": f"columns.{key}", "detail": detail}, ("columns", key, said[0]))


def _check_roster(raw: dict, add: Add) -> None:
    """The roster (districts): each name and alias once; or a roster file of a kind the intake
    reads, never both."""
    roster = raw.get("roster")
    if isinstance(roster, str):
        if "districts" in raw:
            add("roster.both", {}, ("roster",))
        elif Path(roster).suffix.lower() not in (".xlsx", ".xlsm", ".xls", ".ods", ".csv"):
            add("roster.file-kind", {"path": roster}, ("roster",))
    listed = raw.get("districts")
    if not isinstance(listed, list):
        return
    seen: dict[str, str] = {}
    for index, entry in enumerate(listed):
        names: list = [entry] if isinstance(entry, str) else []
        if isinstance(entry, dict):
            names = [entry.get("name"), *_listed(entry, "aliases")]
        for position, name in enumerate(names):
            if not isinstance(name, str):
                continue
            key = normalize_name(name)
            owner = names[0] if isinstance(names[0], str) else name
            if key in seen and (seen[key] != owner or position > 0):
                loc: tuple = ("districts", index)
                if isinstance(entry, dict):
                    loc = (*loc, "name") if position == 0 else (*loc, "aliases", position - 1)
                add("duplicate-name", {"name": name, "other": seen[key], "key": key}, loc)
            seen.setdefault(key, owner)
