"""The rows' checks, one function per rule, run in order over the same columns: names, projects,
statuses, numbers, divisions by zero, duplicates and missing projects; each problem located."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..formula import parse_formula
from ..headers import cell_text
from ..messages import say
from ..scheme import Column, NameMatch, ProjectIndex, Scheme, normalize_name
from ..sheets import PercentCell
from ..untrusted import has_invisible
from .dataset import Source, applies_here, where
from .issues import CheckedRows, Issues, OddCell
from .numbers import parse_number, refused_as, refused_value, shown_number
from .review import review
from .roster import check_missing_returns, check_roster
from .sources import check_returns_once, merge_sources
from .texts import judge, unique_map

NORMAL_STATUS = {
    normalize_name(w) for w in ("正常", "正常实施", "实施", "实施中", "在建", "已完成", "完成")
}


def check_rows(
    rows: pd.DataFrame,
    odd: list[OddCell],
    scheme: Scheme,
    sources: list[Source],
    issues: Issues,
) -> pd.DataFrame:
    """Names, statuses and numbers of all rows, checked rule by rule; problems located.

    ``odd`` are the cells that were not plain numbers, (source, Excel row, key, raw)."""
    checked = CheckedRows(rows, odd, scheme, sources, issues, needed_columns(scheme))
    for check in (*ROW_CHECKS, review):
        check(checked)
    return checked.frame


Needed = tuple[dict[str, frozenset[str]], frozenset[str], dict[str, frozenset[str]]]


def needed_columns(scheme: Scheme) -> Needed:
    """Per project: the columns its formulas read, and those on the right of a division;
    plus the columns district-level items read from every project's rows (once a scheme)."""
    return scheme.derived("needed_columns", lambda: _needed_columns(scheme))


def _needed_columns(scheme: Scheme) -> Needed:
    needed: dict[str, frozenset[str]] = {}
    denominators: dict[str, frozenset[str]] = {}
    everywhere: frozenset[str] = frozenset()
    for project in scheme.projects:
        rules = scheme.rules_of(project)
        texts = [i.value for i in rules.indicators or []]
        texts += [a.formula_text() for a in (rules.deductions or []) + (rules.bonuses or [])]
        keys = _column_keys(scheme, [n for t in texts for n in parse_formula(t).names])
        if project.level == "district":
            everywhere |= keys
            continue
        needed[project.name] = keys
        denominators[project.name] = _column_keys(
            scheme,
            [n for i in rules.indicators or [] for n in parse_formula(i.value).denominator_names()],
        )
    return needed, everywhere, denominators


def _column_keys(scheme: Scheme, names: list[str]) -> frozenset[str]:
    """The column keys formula names mean (a loaded scheme's formulas name only its columns)."""
    return frozenset(key for key in map(scheme.column_key, names) if key is not None)


# ----------------------------------------------------------------------------- names


def check_invisible_characters(rows: CheckedRows) -> None:
    """Names holding characters that show nothing (合\u200b肥市) are read without them, and said
    once per sheet, at the first cell of each such name."""
    frame = rows.frame
    said_hidden: set[tuple[int, str, str]] = set()
    for key in ("district", "project"):
        names = frame[key].array
        if not has_invisible("\n".join(map(str, names.categories))):
            continue  # the usual case, found in one pass over the distinct names
        hidden = judge(names, lambda x: has_invisible(cell_text(x)))
        for position in np.flatnonzero(hidden).tolist():
            written_name = cell_text(frame[key].iat[position])
            first = (int(frame["_source"].iat[position]), key, written_name)
            if first not in said_hidden:
                said_hidden.add(first)
                rows.add("invisible-characters", position, key, severity="warning",
                         value=written_name, name=normalize_name(written_name))  # fmt: skip


def check_districts(rows: CheckedRows) -> None:
    """Every row names its district (names normalised: spaces, full-width forms)."""
    frame = rows.frame
    frame["district"] = unique_map(frame["district"], lambda x: normalize_name(cell_text(x)))
    for position in np.flatnonzero((frame["district"] == "").to_numpy()).tolist():
        rows.add("missing-district", position, "district")


def check_projects(rows: CheckedRows) -> None:
    """Every row names one of the scheme's projects: unknown, ambiguous and missing names are
    errors, an alias matched is a note; rows of district-level items are left out."""
    frame, scheme = rows.frame, rows.scheme
    index = ProjectIndex(scheme.projects)
    district_items = {p.name for p in scheme.projects if p.level == "district"}
    written = unique_map(frame["project"], cell_text)
    matches = {name: index.match(name) for name in written.unique() if name != ""}
    resolved = {name: m.project.name if m.project else None for name, m in matches.items()}
    frame["project"] = unique_map(written, resolved.get)
    said = {
        "",
        *(
            n
            for n, m in matches.items()
            if m.project is None or not m.exact or m.project.name in district_items
        ),
    }
    for position in np.flatnonzero(written.isin(said).to_numpy()).tolist():
        name = written.iat[position]
        if name == "":
            rows.add("missing-project-name", position, "project")
        else:
            _project_issue(rows, position, name, matches[name], district_items)
    rows.frame = frame[~frame["project"].isin(district_items)].reset_index(drop=True)


def _project_issue(
    rows: CheckedRows, position: int, name: str, match: NameMatch, district_items: set[str]
) -> None:
    """What is said of a project name that is not one of the scheme's names exactly."""
    if match.project is None and match.ambiguous:
        rows.add("ambiguous-project", position, "project", value=name,
                 candidates=list(match.ambiguous))  # fmt: skip
    elif match.project is None:
        suggestion = (
            say("did_you_mean", name=match.suggestion)
            if match.suggestion
            else say("check_project_name")
        )
        rows.add("unknown-project", position, "project", value=name, suggestion=suggestion)
    elif match.project.name in district_items:
        rows.add("district-level-row", position, "project", severity="info",
                 project=match.project.name)  # fmt: skip
    elif not match.exact:
        rows.add("project-matched", position, "project", severity="info", value=name,
                 project=match.project.name)  # fmt: skip


def check_statuses(rows: CheckedRows) -> None:
    """A status is blank, a normal one (正常, 在建, …) or a word for suspended (暂缓实施), which
    marks the row suspended."""
    frame, scheme = rows.frame, rows.scheme
    suspended_words = scheme.suspended_words()
    status = unique_map(frame["status"], lambda x: normalize_name(cell_text(x)))
    frame["suspended"] = status.isin(suspended_words).to_numpy()
    unknown_status = ~(status.isin(suspended_words) | status.isin(NORMAL_STATUS) | (status == ""))
    known = (
        list(scheme.columns["status"].suspended)
        if "status" in scheme.columns
        else say("word.suspended")
    )
    for position in np.flatnonzero(unknown_status.to_numpy()).tolist():
        rows.add("bad-status", position, "status",
                 value=cell_text(frame["status"].iat[position]), known=known)  # fmt: skip


# ----------------------------------------------------------------------------- numbers


def check_numbers(rows: CheckedRows) -> None:
    """Each measure column as numbers (text as clerks type it, money in the scheme's unit),
    then checked rule by rule: blanks, text, numbers too large, values out of range."""
    frame, scheme = rows.frame, rows.scheme
    needed, everywhere, _ = rows.needs
    active = ~frame["suspended"].to_numpy()
    odd_by_key = _odd_cells_by_key(rows)
    for key in scheme.measure_keys():
        column = scheme.columns[key]
        values, bad, raw_of = _parsed(rows, key, column, odd_by_key.get(key, []))
        wanting = [p for p, keys in needed.items() if key in keys or key in everywhere]
        needed_here = frame["project"].isin(wanting).to_numpy() & active
        _check_blanks(rows, key, column, values, np.isnan(values) & ~bad, needed_here)
        for position in np.flatnonzero(bad & (needed_here | ~active)).tolist():
            cell = raw_of[position]
            code = "not-yes-no" if column.kind == "yes_no" else refused_as(cell)
            rows.add(code, position, key, value=refused_value(cell),
                     label=column.label)  # fmt: skip
        _check_too_large(rows, key, column, values)
        _check_range(rows, key, column, values)
        frame[key] = values


def _odd_cells_by_key(rows: CheckedRows) -> dict[str, list[tuple[int, Any]]]:
    """Each odd cell's row position, per column, found through (source, Excel row) as one
    number (another source's own, for its columns); cells of rows left out are dropped."""
    frame, odd = rows.frame, rows.odd
    odd_by_key: dict[str, list[tuple[int, Any]]] = {}
    if not odd or frame.empty:
        return odd_by_key
    span = max(int(frame["_row"].max()), max(excel_row for _, excel_row, _, _ in odd)) + 1
    places: dict[tuple[str, str], pd.Index] = {}
    by_columns: dict[tuple[str, str], list[OddCell]] = {}
    for cell in odd:
        by_columns.setdefault(rows.columns_of(cell[2]), []).append(cell)
    for (at_source, at_row), cells in by_columns.items():
        if (at_source, at_row) not in places:
            places[(at_source, at_row)] = pd.Index(
                frame[at_source].to_numpy() * span + frame[at_row].to_numpy()
            )
        here = places[(at_source, at_row)]
        wanted = np.array([source * span + excel_row for source, excel_row, _, _ in cells])
        for position, (_, _, key, raw) in zip(here.get_indexer(wanted).tolist(), cells):
            if position >= 0:
                odd_by_key.setdefault(key, []).append((position, raw))
    return odd_by_key


def _parsed(
    rows: CheckedRows, key: str, column: Column, cells: list[tuple[int, Any]]
) -> tuple[np.ndarray, np.ndarray, dict[int, Any]]:
    """A column's values with its odd cells read as numbers and its money in the scheme's
    unit; which cells are no number, and those cells as written."""
    frame = rows.frame
    values = frame[key].to_numpy(dtype=float, copy=True)
    bad = np.zeros(len(frame), dtype=bool)
    raw_of: dict[int, Any] = {}
    if column.kind == "yes_no":
        _yes_no(values, bad, raw_of, cells)
        return values, bad, raw_of
    for position, raw in cells:
        value, ok = parse_number(raw, percent=column.in_percent(), unit=column.unit)
        if value is not None and isinstance(raw, PercentCell) and column.in_percent():
            value *= 100  # a cell Excel shows as 93.5% holds 0.935
        if value is not None:
            values[position] = value
        elif not ok:
            bad[position] = True
            raw_of[position] = raw
    factors = {i: s.factors[key] for i, s in enumerate(rows.sources) if key in s.factors}
    if factors:  # money in 元 where the scheme counts in 万元, and the like
        values *= frame["_source"].map(lambda s: factors.get(s, 1.0)).to_numpy(dtype=float)
    return values, bad, raw_of


YES_WORDS = {
    normalize_name(w) for w in ("是", "有", "完成", "已完成", "达标", "√", "✓", "Y", "YES")
}
NO_WORDS = {
    normalize_name(w) for w in ("否", "无", "未完成", "没有", "不达标", "×", "✗", "N", "NO")
}


def _yes_no(
    values: np.ndarray, bad: np.ndarray, raw_of: dict[int, Any], cells: list[tuple[int, Any]]
) -> None:
    """A yes/no column: 是/有/完成 (and a ticked box) as 1, 否/无/未完成 as 0; typed 1 and 0
    as they are; anything else refused at its cell."""
    for position, raw in cells:
        word = normalize_name(cell_text(raw)).upper() if not isinstance(raw, bool) else ""
        if isinstance(raw, bool):
            values[position] = float(raw)
        elif word in YES_WORDS:
            values[position] = 1.0
        elif word in NO_WORDS:
            values[position] = 0.0
        else:
            bad[position] = True
            raw_of[position] = raw
            values[position] = np.nan
    typed = ~np.isnan(values) & ~bad
    other = typed & (values != 0) & (values != 1)
    for position in np.flatnonzero(other).tolist():
        bad[position] = True
        raw_of[position] = values[position]
        values[position] = np.nan


def _check_blanks(
    rows: CheckedRows,
    key: str,
    column: Column,
    values: np.ndarray,
    blank: np.ndarray,
    needed_here: np.ndarray,
) -> None:
    """A blank cell a formula needs is missing, unless the column counts a blank as zero."""
    if column.blank == "zero":
        values[blank] = 0.0
        return
    at_source, _ = rows.columns_of(key)
    if at_source != "_source":
        absent = rows.frame[at_source].to_numpy() < 0
    else:  # held by a source none of whose sheets was given, or by the returns
        absent = np.full(len(values), column.source is not None)
    for position in np.flatnonzero(blank & needed_here).tolist():
        if absent[position]:  # another source holds the column and sent nothing for the row
            rows.add("missing-from-source", position, None, label=column.label,
                     source=column.source, district=rows.frame["district"].iat[position],
                     project=rows.frame["project"].iat[position])  # fmt: skip
        else:
            rows.add("missing-value", position, key, label=column.label)


def _check_too_large(rows: CheckedRows, key: str, column: Column, values: np.ndarray) -> None:
    """A number the sheet reader took as inf, or too large once in the scheme's unit, is said
    and left blank."""
    beyond = np.isinf(values)
    for position in np.flatnonzero(beyond).tolist():
        rows.add("number-not-finite", position, key, value=shown_number(values[position]),
                 label=column.label)  # fmt: skip
    values[beyond] = np.nan


def _check_range(rows: CheckedRows, key: str, column: Column, values: np.ndarray) -> None:
    """A value below the column's minimum (negative, where that is 0) or above its maximum."""
    low, high = column.min, column.max
    below = values < low if low is not None else np.zeros(len(values), dtype=bool)
    above = values > high if high is not None else np.zeros(len(values), dtype=bool)
    for position in np.flatnonzero(below | above).tolist():
        value = values[position]
        if below[position] and low == 0:
            rows.add("negative-value", position, key, value=value, label=column.label)
        else:
            rows.add("out-of-range", position, key, value=value, label=column.label,
                     low=shown_number(low), high=shown_number(high))  # fmt: skip


def check_zero_denominators(rows: CheckedRows) -> None:
    """A zero under a division leaves a rate undefined, unless the project is suspended."""
    frame, scheme = rows.frame, rows.scheme
    _, _, denominators = rows.needs
    by_project = frame.groupby("project", sort=False, observed=True).indices
    carried_out = ~frame["suspended"].to_numpy()
    for project_name, keys in denominators.items():
        positions = by_project.get(project_name, np.array([], dtype=int))
        positions = positions[carried_out[positions]]
        for key in sorted(keys):
            for position in positions[frame[key].to_numpy()[positions] == 0].tolist():
                rows.add("zero-denominator", position, key, value=0, project=project_name,
                         label=scheme.columns[key].label)  # fmt: skip


# ----------------------------------------------------------------------------- rows


def check_duplicates(rows: CheckedRows) -> None:
    """One row per district and project: a repeated pair is an error and left out, as are
    rows without a district or a known project."""
    frame = rows.frame
    keyed = (frame["project"].notna() & (frame["district"] != "")).to_numpy()
    duplicate = keyed & frame.duplicated(["district", "project"], keep="first").to_numpy()
    if duplicate.any():
        first_row = frame[keyed & ~duplicate].set_index(["district", "project"])["_row"]
        for position in np.flatnonzero(duplicate).tolist():
            pair = (frame["district"].iat[position], frame["project"].iat[position])
            rows.add("duplicate-row", position, "project", district=pair[0], project=pair[1],
                     other_row=int(first_row[pair]))  # fmt: skip
    rows.frame = frame[keyed & ~duplicate].reset_index(drop=True)


def check_missing_projects(rows: CheckedRows) -> None:
    """A district without a row for a project: located at the district's first row's sheet."""
    frame, scheme = rows.frame, rows.scheme
    projects = [p for p in scheme.projects if p.level == "project"]
    project_names = [p.name for p in projects]
    counts = frame.groupby("district", sort=False, observed=True)["project"].nunique()
    short = counts[counts < len(project_names)].index
    if len(short) == 0:
        return
    firsts = frame.drop_duplicates("district").set_index("district")
    have = (
        frame[frame["district"].isin(short)]
        .groupby("district", sort=False, observed=True)["project"]
        .agg(set)
    )
    values: dict = {}  # text columns' values per district (applies_to: column)
    for district, present in have.items():
        at = where(
            rows.sources,
            int(firsts.at[district, "_source"]),
            int(firsts.at[district, "_row"]),
            None,
        )
        for project in projects:  # an item for some units only is not missing elsewhere
            project_name = project.name
            if project_name not in present and applies_here(
                project, district, scheme, frame, values
            ):
                rows.issues.add(
                    "missing-project", {"district": district, "project": project_name}, **at
                )


ROW_CHECKS: tuple[Callable[[CheckedRows], None], ...] = (
    check_invisible_characters,
    check_districts,
    check_roster,
    check_projects,
    check_statuses,
    check_returns_once,
    merge_sources,
    check_numbers,
    check_zero_denominators,
    check_duplicates,
    check_missing_projects,
    check_missing_returns,
)
