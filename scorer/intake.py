"""The districts' sheets as one table of rows, with every problem located to its cell: names
matched, numbers checked, totals and blanks left out. The cells come from ``sheets``."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import Issue
from .formula import parse_formula
from .scheme import ProjectIndex, Scheme, normalize_name
from .sheets import (
    HEADER_SEARCH_ROWS,
    ExcelError,
    Header,
    Sheet,
    UnreadableSheet,
    Workbook,
    blank_texts,
    cell_text,
    coded,
    column_letter,
    find_header,
    label_table,
    locate,
    open_files,
    split_label,
)
from .untrusted import has_invisible

TOTAL_WORDS = ("合计", "总计", "小计")
NORMAL_STATUS = {
    normalize_name(w) for w in ("正常", "正常实施", "实施", "实施中", "在建", "已完成", "完成")
}
SKIPPED_SHEETS = {"说明", "填报说明", "instructions"}  # a template's own instructions
MONEY_UNITS = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
LOGICAL_WORDS = {"TRUE", "FALSE", "是", "否"}  # a tick box or a yes/no column: never 1 and 0
_SHEET_UNIT = re.compile(r"(?<![报送位])单位[:：]?\s*(亿元|万元|千元|元)")


@dataclass(frozen=True)
class Source:
    """One sheet that data came from, and the Excel column letter of each scheme column in it."""

    file: str
    sheet: str
    letters: dict[str, str]
    factors: dict[str, float] = field(default_factory=dict)  # money given in 元 where 万元 is due


@dataclass
class Dataset:
    """All districts' rows, one per district and project, and what was found wrong on the way."""

    rows: pd.DataFrame  # district, project, suspended, city, <measure keys>, _source, _row
    districts: list[str]
    survey: pd.DataFrame  # district, satisfaction, _source, _row
    sources: list[Source]
    files: list[Path]
    issues: list[Issue] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)  # district -> its city (所属市)
    members: pd.DataFrame | None = None  # rolled up to cities: the county rows summed


def _where(sources: list[Source], source: int, excel_row: int, key: str | None) -> dict[str, Any]:
    src = sources[source]
    letter = src.letters.get(key) if key else None
    return {
        "file": src.file,
        "sheet": src.sheet,
        "cell": f"{letter}{excel_row}" if letter else None,
    }


NOWHERE: dict[str, Any] = {"file": None, "sheet": None, "cell": None}


def span(data: Dataset, rows: pd.DataFrame, key: str | None) -> dict[str, Any]:
    """Where several rows' cells of one column are: file, sheet and cells ("D5:D7,D40") when
    they are on one sheet; blank when they are spread over several."""
    if rows.empty or rows["_source"].nunique() != 1:
        return dict(NOWHERE)
    src = data.sources[int(rows["_source"].iat[0])]
    letter = src.letters.get(key) if key else None
    runs: list[str] = []
    if letter:
        numbers = sorted(int(r) for r in rows["_row"])
        start = previous = numbers[0]
        for number in [*numbers[1:], None]:
            if number is not None and number == previous + 1:
                previous = number
                continue
            runs.append(
                f"{letter}{start}" if start == previous else f"{letter}{start}:{letter}{previous}"
            )
            if number is not None:
                start = previous = number
    return {"file": src.file, "sheet": src.sheet, "cell": ",".join(runs) or None}


class Locator:
    """The cell (or, for cities rolled up from counties, the cells) a district's project value
    came from; lookups prepared once."""

    def __init__(self, data: Dataset):
        self.data = data
        rows = data.rows
        self.position = {pair: i for i, pair in enumerate(zip(rows["district"], rows["project"]))}
        self.sources = rows["_source"].tolist()
        self.excel_rows = rows["_row"].tolist()
        if data.members is not None:
            members = data.members[~data.members["suspended"].astype(bool)]
            self.groups = members.groupby(["city", "project"], sort=False).indices
            self.members = members

    def __call__(self, district: str, project: str, key: str | None) -> dict[str, Any]:
        if self.data.members is not None:
            positions = self.groups.get((district, project))
            if positions is None:
                return dict(NOWHERE)
            return span(self.data, self.members.iloc[positions], key)
        at = self.position.get((district, project))
        if at is None:
            return dict(NOWHERE)
        return _where(self.data.sources, self.sources[at], self.excel_rows[at], key)

    def count(self, district: str, project: str) -> int:
        """How many counties' rows a rolled-up value sums (1 when not rolled up)."""
        if self.data.members is None:
            return 1
        return len(self.groups.get((district, project), ()))


# ----------------------------------------------------------------------------- cells


def parse_number(
    raw: Any, percent: bool = False, unit: str | None = None
) -> tuple[float | None, bool]:
    """A cell as a number: (value, ok). Blank gives (None, True); text that is no number (None, False).

    Accepts 1,234.5, full-width digits and stray spaces; the column's own unit after the number
    ("1,234万元" in a 万元 column); "95%" only where ``percent`` (a column in % or on a 0–100 scale).
    A number too large to compute with (1e999, inf) is no number; nor are TRUE/FALSE or 是/否.
    """
    if isinstance(raw, ExcelError):
        return None, False
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, True
    if isinstance(raw, (bool, datetime, date, time, timedelta)):
        return None, False
    if isinstance(raw, (int, float)):
        return (float(raw), True) if math.isfinite(raw) else (None, False)
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace(",", "").replace(" ", "")
    if unit and text.endswith(unit) and unit != "%":
        text = text[: -len(unit)]
    if percent and text.endswith("%"):
        text = text[:-1]
    if _NUMBER.fullmatch(text):
        value = float(text)
        return (value, True) if math.isfinite(value) else (None, False)
    return None, False


def refused_as(raw: Any) -> str:
    """The issue code for a cell parse_number refused: why it is not a number."""
    if isinstance(raw, ExcelError):
        return "excel-error"
    if isinstance(raw, bool) or cell_text(raw).upper() in LOGICAL_WORDS:
        return "logical-value"
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace(",", "").replace(" ", "")
    if isinstance(raw, float) or _NUMBER.fullmatch(text.rstrip("%")):
        return "number-not-finite"  # a number, but inf (1e999) or nan
    return "not-a-number"


def _refused_value(raw: Any) -> str:
    """A refused cell as the problem table shows it: TRUE for a tick box, else as written."""
    if isinstance(raw, bool):
        return str(raw).upper()
    text = cell_text(raw)
    return text.upper() if text.upper() in ("TRUE", "FALSE") else text


def _sheet_unit(rows: list[list[Any]], header: Header) -> str | None:
    """A unit stated above the header for the whole sheet, as in “单位：万元”."""
    for row in rows[: header.top]:
        for cell in row:
            match = _SHEET_UNIT.search(normalize_name(cell_text(cell)))
            if match:
                return match.group(1)
    return None


# ----------------------------------------------------------------------------- reading


def read_data(
    paths: Iterable[str | Path],
    scheme: Scheme,
    progress: Callable[[int, int], None] | None = None,
    workbooks: list[Workbook] | None = None,
) -> Dataset:
    """Read every sheet of every file: district rows, the survey, and all their problems.

    ``progress(done, total)`` is called after each file, for a progress bar. ``workbooks`` are
    the files as ``sheets.open_files`` opened them (their parse begun), when it was called
    earlier to overlap the parse with loading the rest of the program."""
    if workbooks is None:
        workbooks = open_files(paths)
    locate(workbooks, scheme)
    files = [workbook.path for workbook in workbooks]
    labels = label_table(scheme)
    survey_labels = {k: v for k, v in labels.items() if v == "district"}
    if scheme.survey is not None:
        survey_labels.update(
            {
                split_label(x)[0]: "satisfaction"
                for x in [scheme.survey.label, *scheme.survey.aliases]
            }
        )
    issues: list[Issue] = []
    sources: list[Source] = []
    pieces: list[dict[str, Any]] = []  # each data sheet's columns
    survey_frames: list[pd.DataFrame] = []
    header_help = "、".join(c.label for c in scheme.columns.values() if c.required)

    odd: list[tuple[int, int, str, Any]] = []  # (source, Excel row, key, raw cell)
    for done, workbook in enumerate(workbooks, start=1):
        if progress is not None and done > 1:
            progress(done - 1, len(workbooks))
        path = workbook.path
        if workbook.refused is not None:
            refused = workbook.refused
            issues.append(
                Issue(refused.code, refused.params, file=str(path), sheet=refused.sheet,
                      cell=refused.cell)
            )  # fmt: skip
            continue
        if workbook.error is not None:
            issues.append(Issue("unreadable-file", {"detail": workbook.error}, file=str(path)))
            continue
        for sheet in workbook.sheets:
            rows = sheet.head
            header = sheet.header
            if header is not None:
                source = _source(path, sheet.name, rows, header, scheme, issues)
                try:
                    columns, odd_cells = _sheet_columns(
                        sheet, header, source, len(sources), scheme, issues
                    )
                except UnreadableSheet as exc:
                    issues.append(_unreadable(path, sheet, exc))
                    continue
                pieces.append(columns)
                odd.extend((len(sources), row, key, raw) for row, key, raw in odd_cells)
                sources.append(source)
                continue
            if scheme.survey is not None:
                survey_header = find_header(rows, survey_labels, "satisfaction", 2)
                if survey_header is not None:
                    letters = {k: column_letter(c) for k, c in survey_header.columns.items()}
                    try:
                        survey_frames.append(_survey_frame(sheet, survey_header, len(sources)))
                    except UnreadableSheet as exc:
                        issues.append(_unreadable(path, sheet, exc))
                        continue
                    sources.append(Source(str(path), sheet.name, letters))
                    continue
            if normalize_name(sheet.name).lower() not in SKIPPED_SHEETS and any(
                cell_text(c) for row in rows for c in row
            ):
                issues.append(_headless(path, sheet, header_help))

    if not pieces:
        if not any(i.file is not None and i.severity == "error" for i in issues):
            issues.append(
                Issue(
                    "no-data-sheet",
                    {"project_label": scheme.columns["project"].label, "labels": header_help},
                )
            )
        empty = pd.DataFrame(columns=["district", "project", "suspended", "_source", "_row"])
        return Dataset(empty, [], _empty_survey(), sources, files, issues)

    rows = _concat(pieces)
    rows = _check_rows(rows, odd, scheme, sources, issues)
    districts = rows["district"].unique().tolist()
    groups = _check_cities(rows, scheme, sources, issues)
    rows = _texts_as_objects(rows)
    survey = pd.concat(survey_frames, ignore_index=True) if survey_frames else _empty_survey()
    survey = _check_survey(survey, scheme, districts, sources, issues)
    return Dataset(rows, districts, survey, sources, files, issues, groups)


def _headless(path: Path, sheet: Sheet, labels: str) -> Issue:
    """A sheet without a header the scheme knows: a note for a sheet of text (remarks, a
    title), an error for one with data in it (numbers, or rows below the rows searched), which
    would otherwise drop out of the ranking unseen."""
    numbers = any(
        isinstance(c, (int, float)) and not isinstance(c, bool) for row in sheet.head for c in row
    )
    if not numbers and (sheet.extent or 0) <= HEADER_SEARCH_ROWS:
        return Issue("skipped-sheet", {"labels": labels}, severity="info", file=str(path),
                     sheet=sheet.name)  # fmt: skip
    return Issue("header-not-found", {"labels": labels, "rows": HEADER_SEARCH_ROWS},
                 file=str(path), sheet=sheet.name)  # fmt: skip


def _unreadable(path: Path, sheet: Sheet, exc: UnreadableSheet) -> Issue:
    return Issue("unreadable-file", {"detail": str(exc)}, file=str(path), sheet=sheet.name)


def _empty_survey() -> pd.DataFrame:
    return pd.DataFrame({"district": [], "satisfaction": [], "_source": [], "_row": []})


def _source(
    path: Path,
    sheet_name: str,
    rows: list[list[Any]],
    header: Header,
    scheme: Scheme,
    issues: list[Issue],
) -> Source:
    """The sheet's column letters, and the factor for money given in another unit (元 → 万元)."""
    letters = {k: column_letter(c) for k, c in header.columns.items()}
    sheet_unit = _sheet_unit(rows, header)
    factors: dict[str, float] = {}
    for key in header.columns:
        wanted = scheme.columns[key].unit
        if wanted is None:
            continue
        given = header.units.get(key) or (sheet_unit if wanted in MONEY_UNITS else None)
        if given is None or normalize_name(given) == normalize_name(wanted):
            continue
        where = {"file": str(path), "sheet": sheet_name, "cell": f"{letters[key]}{header.row + 1}"}
        params = {"label": scheme.columns[key].label, "given": given, "wanted": wanted}
        if given in MONEY_UNITS and wanted in MONEY_UNITS:
            factors[key] = MONEY_UNITS[given] / MONEY_UNITS[wanted]
            issues.append(
                Issue(
                    "unit-converted",
                    {**params, "factor": f"{factors[key]:g}"},
                    severity="info",
                    **where,
                )
            )
        else:
            issues.append(Issue("unit-mismatch", params, severity="warning", **where))
    return Source(str(path), sheet_name, letters, factors)


def _sheet_columns(
    sheet: Sheet,
    header: Header,
    source: Source,
    position: int,
    scheme: Scheme,
    issues: list[Issue],
) -> tuple[dict[str, Any], list[tuple[int, str, Any]]]:
    """One data sheet's rows under the scheme's column keys, blank and total rows dropped (texts
    as Categoricals, numbers as float arrays); and the cells that are not plain numbers, as
    (Excel row, key, raw value). Plain arrays, no frame: a folder of 1,000 districts' returns
    is 1,000 small sheets, and a frame per sheet would cost more than reading them."""
    columns = header.columns
    numeric = {k for k in scheme.measure_keys() if k in columns}
    arrays, odd, count = sheet.body(header.row + 1, columns, numeric)
    arrays["_row"] = np.arange(header.row + 2, header.row + 2 + count)
    arrays["_source"] = np.full(count, position)
    for key, column in scheme.columns.items():
        if key in columns:
            continue
        arrays[key] = np.full(count, np.nan) if key in scheme.measure_keys() else blank_texts(count)
        if key != "district" and column.required:  # without 地区, the sheet (or file) names it
            aliases = "、".join(column.aliases) or "—"
            issues.append(
                Issue(
                    "missing-column",
                    {"label": column.label, "aliases": aliases},
                    file=source.file,
                    sheet=source.sheet,
                )
            )
    filled = np.zeros(count, dtype=bool)
    for key in columns:
        filled |= _judge(arrays[key], bool) if key not in numeric else ~np.isnan(arrays[key])
    for row_position, _, _ in odd:
        filled[row_position] = True
    _fill_merged_names(sheet, header, arrays, filled)
    if "district" not in columns:
        name = (
            Path(source.file).stem
            if re.fullmatch(r"(?i)sheet\d*", sheet.name.strip())
            else sheet.name
        )
        arrays["district"] = coded(np.zeros(count, dtype=np.intp), [cell_text(name)])
    is_total = _judge(arrays["district"], _says_total) | _judge(arrays["project"], _says_total)
    letter = source.letters.get("project") or source.letters.get("district", "A")
    for row in arrays["_row"][is_total & filled]:
        issues.append(
            Issue(
                "total-row",
                severity="info",
                file=source.file,
                sheet=source.sheet,
                cell=f"{letter}{row}",
            )
        )
    keep = filled & ~is_total
    odd_cells = [(int(arrays["_row"][p]), key, raw) for p, key, raw in odd if keep[p]]
    return {k: v[keep] for k, v in arrays.items()}, odd_cells


def _judge(texts: pd.Categorical, test: Callable[[str], Any]) -> np.ndarray:
    """``test`` of each row's text as a bool array, judged once per distinct text."""
    verdicts = np.array([bool(test(t)) for t in texts.categories] + [False], dtype=bool)
    return verdicts[texts.codes]  # code -1 (missing) takes the last: False


def _says_total(text: str) -> bool:
    """A name that says 合计/总计/小计: a total row, not a district's or a project's."""
    return any(word in normalize_name(text) for word in TOTAL_WORDS)


def _concat(pieces: list[dict[str, Any]]) -> pd.DataFrame:
    """The sheets' columns one under another, as one frame; texts stay Categoricals."""
    if len(pieces) == 1:
        return pd.DataFrame(pieces[0])
    joined = {}
    for key, first in pieces[0].items():
        if isinstance(first, pd.Categorical):
            labels = [t for piece in pieces for t in piece[key].categories]
            offsets = np.cumsum([0] + [len(piece[key].categories) for piece in pieces])
            codes = [
                np.where(piece[key].codes >= 0, piece[key].codes + offset, -1)
                for piece, offset in zip(pieces, offsets)
            ]
            joined[key] = coded(np.concatenate(codes), labels)
        else:
            joined[key] = np.concatenate([piece[key] for piece in pieces])
    return pd.DataFrame(joined)


def _texts_as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    """The Categorical text columns as Python str: what the engine and the reports work with."""
    for key in frame.columns:
        if isinstance(frame[key].dtype, pd.CategoricalDtype):
            frame[key] = pd.Series(np.asarray(frame[key]), index=frame.index, dtype=object)
    return frame


def _fill_merged_names(
    sheet: Sheet, header: Header, arrays: dict[str, Any], filled: np.ndarray
) -> None:
    """A 地区 (or 项目) merged down several rows names each of them; the merges are read only
    when a filled row lacks a name."""
    keys = [k for k in ("district", "project", "city") if k in header.columns]
    blank = {k: ~_judge(arrays[k], bool) for k in keys}
    if not any((blank[k] & filled).any() for k in keys):
        return
    first = header.row + 1
    count = len(filled)
    codes = {k: arrays[k].codes.copy() for k in keys}
    for (top, left), (bottom, right) in sheet.merged():
        for key in keys:
            col = header.columns[key]
            if not left <= col <= right or top < first:
                continue
            start, stop = top - first, min(bottom - first, count - 1)
            if start >= count or blank[key][start]:
                continue
            span = slice(start, stop + 1)
            codes[key][span] = np.where(blank[key][span], codes[key][start], codes[key][span])
            filled[span] = True
    for key in keys:
        arrays[key] = pd.Categorical.from_codes(codes[key], dtype=arrays[key].dtype)


def _survey_frame(sheet: Sheet, header: Header, source: int) -> pd.DataFrame:
    arrays, odd, count = sheet.body(header.row + 1, header.columns, {"satisfaction"})
    raw = np.full(count, None, dtype=object)
    for position, _, value in odd:
        raw[position] = value
    names = arrays["district"]
    frame = pd.DataFrame(
        {
            "district": pd.Series(np.asarray(names), dtype=object),
            "satisfaction": arrays["satisfaction"],
            "raw": raw,
        }
    )
    frame["_row"] = np.arange(header.row + 2, header.row + 2 + count)
    frame["_source"] = source
    keep = _judge(names, bool) & ~_judge(names, _says_total)
    return frame[keep].reset_index(drop=True)


def _needed_columns(scheme: Scheme) -> tuple[dict[str, set[str]], set[str], dict[str, set[str]]]:
    """Per project: the columns its formulas read, and those on the right of a division;
    plus the columns district-level items read from every project's rows."""
    needed: dict[str, set[str]] = {}
    denominators: dict[str, set[str]] = {}
    everywhere: set[str] = set()
    for project in scheme.projects:
        rules = scheme.rules_of(project)
        texts = [i.value for i in rules.indicators or []]
        texts += [a.formula_text() for a in (rules.deductions or []) + (rules.bonuses or [])]
        keys = {scheme.column_key(n) for t in texts for n in parse_formula(t).names}
        if project.level == "district":
            everywhere |= keys
            continue
        needed[project.name] = keys
        denominators[project.name] = {
            scheme.column_key(n)
            for i in rules.indicators or []
            for n in parse_formula(i.value).denominator_names()
        }
    return needed, everywhere, denominators


def _unique_map(values: pd.Series, function) -> pd.Series:
    """``function`` of each text of a Categorical column, computed once per distinct text; a
    Categorical again (a result of None is missing)."""
    mapped = [function(u) for u in values.cat.categories]
    return pd.Series(coded(values.cat.codes.to_numpy(), mapped), index=values.index)


def _check_rows(
    rows: pd.DataFrame,
    odd: list[tuple[int, int, str, Any]],
    scheme: Scheme,
    sources: list[Source],
    issues: list[Issue],
) -> pd.DataFrame:
    """Names, statuses and numbers of all rows, checked column by column; problems located.

    ``odd`` are the cells that were not plain numbers, (source, Excel row, key, raw)."""

    def add(
        code: str,
        position: int,
        key: str | None,
        severity: str = "error",
        value: Any = None,
        **params: Any,
    ) -> None:
        source, excel_row = int(rows["_source"].iat[position]), int(rows["_row"].iat[position])
        if severity == "error":
            faulty.add((source, excel_row))
        issues.append(
            Issue(
                code,
                params,
                severity=severity,
                value=value,
                **_where(sources, source, excel_row, key),
            )
        )

    faulty: set[tuple[int, int]] = set()  # (source, Excel row) of rows with an error

    # names holding characters that show nothing (合\u200b肥市): read without them, and said
    # once per sheet, at the first cell of each such name
    said_hidden: set[tuple[int, str, str]] = set()
    for key in ("district", "project"):
        names = rows[key].array
        if not has_invisible("\n".join(map(str, names.categories))):
            continue  # the usual case, found in one pass over the distinct names
        hidden = _judge(names, lambda x: has_invisible(cell_text(x)))
        for position in np.flatnonzero(hidden):
            written_name = cell_text(rows[key].iat[position])
            first = (int(rows["_source"].iat[position]), key, written_name)
            if first not in said_hidden:
                said_hidden.add(first)
                add("invisible-characters", position, key, severity="warning", value=written_name,
                    name=normalize_name(written_name))  # fmt: skip

    # districts
    rows["district"] = _unique_map(rows["district"], lambda x: normalize_name(cell_text(x)))
    for position in np.flatnonzero((rows["district"] == "").to_numpy()):
        add("missing-district", position, "district")

    # projects
    index = ProjectIndex(scheme.projects)
    district_items = {p.name for p in scheme.projects if p.level == "district"}
    written = _unique_map(rows["project"], cell_text)
    resolved: dict[str, str | None] = {}
    for name in written.unique():
        if name == "":
            resolved[name] = None
            continue
        match = index.match(name)
        resolved[name] = match.project.name if match.project else None
    rows["project"] = _unique_map(written, resolved.get)
    matches = {name: index.match(name) for name in resolved if name}
    said = {
        "",
        *(
            n
            for n, m in matches.items()
            if m.project is None or not m.exact or m.project.name in district_items
        ),
    }
    for position in np.flatnonzero(written.isin(said).to_numpy()):
        name = written.iat[position]
        if name == "":
            add("missing-project-name", position, "project")
            continue
        match = matches[name]
        if match.project is None and match.ambiguous:
            add(
                "ambiguous-project",
                position,
                "project",
                value=name,
                candidates="、".join(match.ambiguous),
            )
        elif match.project is None:
            suggestion = (
                f"是否应为“{match.suggestion}”？"
                if match.suggestion
                else "检查项目名称是否与考核方案一致"
            )
            suggestion_en = (
                f"did you mean “{match.suggestion}”?"
                if match.suggestion
                else "check the name against the scheme"
            )
            add(
                "unknown-project",
                position,
                "project",
                value=name,
                suggestion=suggestion,
                suggestion_en=suggestion_en,
            )
        elif match.project.name in district_items:
            add(
                "district-level-row",
                position,
                "project",
                severity="info",
                project=match.project.name,
            )
        elif not match.exact:
            add(
                "project-matched",
                position,
                "project",
                severity="info",
                value=name,
                project=match.project.name,
            )
    rows = rows[~rows["project"].isin(district_items)].reset_index(drop=True)

    # status
    suspended_words = scheme.suspended_words()
    status = _unique_map(rows["status"], lambda x: normalize_name(cell_text(x)))
    rows["suspended"] = status.isin(suspended_words).to_numpy()
    unknown_status = ~(status.isin(suspended_words) | status.isin(NORMAL_STATUS) | (status == ""))
    known = (
        "、".join(scheme.columns["status"].suspended) if "status" in scheme.columns else "暂缓实施"
    )
    for position in np.flatnonzero(unknown_status.to_numpy()):
        add(
            "bad-status",
            position,
            "status",
            value=cell_text(rows["status"].iat[position]),
            known=known,
        )

    # numbers
    needed, everywhere, denominators = _needed_columns(scheme)
    active = ~rows["suspended"]
    odd_by_key: dict[str, list[tuple[int, Any]]] = {}
    if odd:  # each odd cell's row position, found through (source, Excel row) as one number
        span = max(int(rows["_row"].max()), max(excel_row for _, excel_row, _, _ in odd)) + 1
        here = pd.Index(rows["_source"].to_numpy() * span + rows["_row"].to_numpy())
        wanted = np.array([source * span + excel_row for source, excel_row, _, _ in odd])
        for position, (_, _, key, raw) in zip(here.get_indexer(wanted).tolist(), odd):
            if position >= 0:  # rows left out (district items) are not checked
                odd_by_key.setdefault(key, []).append((position, raw))
    for key in scheme.measure_keys():
        column = scheme.columns[key]
        label = column.label
        values = rows[key].to_numpy(dtype=float, copy=True)
        bad = np.zeros(len(rows), dtype=bool)
        raw_of: dict[int, Any] = {}
        for position, raw in odd_by_key.get(key, []):
            value, ok = parse_number(raw, percent=column.in_percent(), unit=column.unit)
            if value is not None:
                values[position] = value
            elif not ok:
                bad[position] = True
                raw_of[position] = raw
        factors = {i: s.factors[key] for i, s in enumerate(sources) if key in s.factors}
        if factors:  # money in 元 where the scheme counts in 万元, and the like
            values *= rows["_source"].map(lambda s, f=factors: f.get(s, 1.0)).to_numpy(dtype=float)
        wanting = [p for p, keys in needed.items() if key in keys or key in everywhere]
        needed_here = rows["project"].isin(wanting).to_numpy() & active.to_numpy()
        blank = np.isnan(values) & ~bad
        if column.blank == "zero":
            values[blank] = 0.0
        else:
            for position in np.flatnonzero(blank & needed_here):
                add("missing-value", position, key, label=label)
        for position in np.flatnonzero(bad & (needed_here | ~active.to_numpy())):
            cell = raw_of[position]
            add(refused_as(cell), position, key, value=_refused_value(cell), label=label)
        beyond = np.isinf(values)  # a number the sheet reader took as inf, or too large in 万元
        for position in np.flatnonzero(beyond):
            add("number-not-finite", position, key, value=_num(values[position]), label=label)
        values[beyond] = np.nan
        low, high = column.min, column.max
        below = values < low if low is not None else np.zeros(len(values), dtype=bool)
        above = values > high if high is not None else np.zeros(len(values), dtype=bool)
        for position in np.flatnonzero(below | above):
            value = values[position]
            if below[position] and low == 0:
                add("negative-value", position, key, value=value, label=label)
            else:
                add(
                    "out-of-range",
                    position,
                    key,
                    value=value,
                    label=label,
                    low=_num(low),
                    high=_num(high),
                )
        rows[key] = values

    # a zero under a division leaves a rate undefined
    by_project = rows.groupby("project", sort=False, observed=True).indices
    carried_out = active.to_numpy()
    for project_name, keys in denominators.items():
        positions = by_project.get(project_name, np.array([], dtype=int))
        positions = positions[carried_out[positions]]
        for key in sorted(keys):
            for position in positions[rows[key].to_numpy()[positions] == 0]:
                add(
                    "zero-denominator",
                    position,
                    key,
                    value=0,
                    project=project_name,
                    label=scheme.columns[key].label,
                )

    # one row per district and project
    keyed = (rows["project"].notna() & (rows["district"] != "")).to_numpy()
    duplicate = keyed & rows.duplicated(["district", "project"], keep="first").to_numpy()
    if duplicate.any():
        first_row = rows[keyed & ~duplicate].set_index(["district", "project"])["_row"]
        for position in np.flatnonzero(duplicate):
            pair = (rows["district"].iat[position], rows["project"].iat[position])
            add(
                "duplicate-row",
                position,
                "project",
                district=pair[0],
                project=pair[1],
                other_row=int(first_row[pair]),
            )
    rows = rows[keyed & ~duplicate].reset_index(drop=True)

    _missing_projects(rows, scheme, sources, issues)
    _review(rows, scheme, sources, issues, faulty)
    return rows


def _check_cities(
    rows: pd.DataFrame, scheme: Scheme, sources: list[Source], issues: list[Issue]
) -> dict[str, str]:
    """Each district's city (所属市), when the data give cities: one city per district, and
    every district given one."""
    if "city" not in rows or "city" not in scheme.columns:
        return {}
    rows["city"] = _unique_map(rows["city"], lambda x: normalize_name(cell_text(x)))
    named = rows[rows["city"] != ""]
    if named.empty:
        return {}
    label = scheme.columns["city"].label
    firsts = named.drop_duplicates(["district", "city"])
    groups: dict[str, str] = {}
    first_row: dict[str, int] = {}
    for district, city, source, row in zip(
        firsts["district"], firsts["city"], firsts["_source"], firsts["_row"]
    ):
        if district not in groups:
            groups[district], first_row[district] = city, int(row)
            continue
        issues.append(
            Issue(
                "city-conflict",
                {"district": district, "city": city, "other": groups[district],
                 "other_row": first_row[district]},
                value=city,
                **_where(sources, int(source), int(row), "city"),
            )
        )  # fmt: skip
    unnamed = rows[~rows["district"].isin(groups)].drop_duplicates("district")
    for district, source, row in zip(unnamed["district"], unnamed["_source"], unnamed["_row"]):
        issues.append(
            Issue(
                "missing-city",
                {"district": district, "label": label},
                **_where(sources, int(source), int(row), "city"),
            )
        )
    return groups


def _missing_projects(
    rows: pd.DataFrame, scheme: Scheme, sources: list[Source], issues: list[Issue]
) -> None:
    """A district without a row for a project: located at the district's first row's sheet."""
    project_names = [p.name for p in scheme.projects if p.level == "project"]
    expected = len(project_names)
    counts = rows.groupby("district", sort=False, observed=True)["project"].nunique()
    short = counts[counts < expected].index
    if len(short) == 0:
        return
    firsts = rows.drop_duplicates("district").set_index("district")
    have = (
        rows[rows["district"].isin(short)]
        .groupby("district", sort=False, observed=True)["project"]
        .agg(set)
    )
    for district, present in have.items():
        where = _where(
            sources, int(firsts.at[district, "_source"]), int(firsts.at[district, "_row"]), None
        )
        for project_name in project_names:
            if project_name not in present:
                issues.append(
                    Issue(
                        "missing-project", {"district": district, "project": project_name}, **where
                    )
                )


def _review(
    rows: pd.DataFrame,
    scheme: Scheme,
    sources: list[Source],
    issues: list[Issue],
    faulty: set[tuple[int, int]],
) -> None:
    """Warnings a reviewer would raise: the scheme's checks (on rows without errors, where they
    would only repeat them), and districts with identical data."""
    clean = np.ones(len(rows), dtype=bool)
    if faulty:
        clean = np.array(
            [(s, r) not in faulty for s, r in zip(rows["_source"], rows["_row"])], dtype=bool
        )
    active = rows[~rows["suspended"].astype(bool).to_numpy() & clean]
    for check in scheme.checks:
        formula = parse_formula(check.when)
        keys = [scheme.column_key(n) for n in formula.names]
        flagged = formula.evaluate(lambda name: active[scheme.column_key(name)].astype(float))
        key = scheme.column_key(check.column) if check.column else keys[0]
        params = {"message": check.message, "message_en": check.message_en or check.message}
        for position in np.flatnonzero(np.asarray(flagged, dtype=bool)):
            row = active.iloc[position]
            where = _where(sources, int(row["_source"]), int(row["_row"]), key)
            issues.append(
                Issue("review", params, severity="warning", value=float(row[key]), **where)
            )
    measures = scheme.measure_keys()
    if rows["district"].nunique() < 2 or not measures:
        return
    # a district's fingerprint: the hashes of its rows (project, status, figures), in project order
    ordered = rows.sort_values(["district", "project"], kind="stable")
    content = ordered[["project", "suspended"]].copy()
    for key in measures:
        content[key] = ordered[key].astype(float).round(9)
    row_hashes = pd.util.hash_pandas_object(content, index=False).to_numpy()
    districts = ordered["district"].to_numpy()
    starts = np.flatnonzero(
        np.r_[True, districts[1:] != districts[:-1]]
    )  # sorted: groups are contiguous
    place = np.arange(len(districts)) - np.repeat(starts, np.diff(np.r_[starts, len(districts)]))
    with np.errstate(over="ignore"):  # arithmetic modulo 2**64 on purpose
        weighted = row_hashes * (
            place.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(1)
        )
        sums = np.add.reduceat(weighted, starts)
    sizes = np.diff(np.r_[starts, len(districts)])
    fingerprints = dict(zip(districts[starts], zip(sums.tolist(), sizes.tolist())))
    firsts = rows.drop_duplicates("district").set_index("district")
    seen: dict[int, str] = {}
    for district in rows["district"].unique():
        fingerprint = fingerprints[district]
        if fingerprint in seen:
            where = _where(
                sources, int(firsts.at[district, "_source"]), int(firsts.at[district, "_row"]), None
            )
            issues.append(
                Issue(
                    "identical-district",
                    {"district": district, "other": seen[fingerprint]},
                    severity="warning",
                    **where,
                )
            )
        else:
            seen[fingerprint] = district


def _num(value: float | None) -> str:
    if value is None:
        return "∞"
    return f"{value:g}"


def _check_survey(
    survey: pd.DataFrame,
    scheme: Scheme,
    districts: list[str],
    sources: list[Source],
    issues: list[Issue],
) -> pd.DataFrame:
    if survey.empty or scheme.survey is None:
        return _empty_survey()
    label = scheme.survey.label
    survey = survey.copy()
    survey["district"] = survey["district"].map(normalize_name)
    values = survey["satisfaction"].to_numpy(dtype=float, copy=True)
    typed = survey["raw"].isna().to_numpy()  # cells that were plain numbers (or blank)
    for position in range(len(survey)):
        raw = None if typed[position] else survey["raw"].iat[position]
        if raw is not None:
            value, ok = parse_number(raw, percent=True)
            values[position] = np.nan if value is None else value
        if not np.isfinite(values[position]):
            where = _where(
                sources,
                int(survey["_source"].iat[position]),
                int(survey["_row"].iat[position]),
                "satisfaction",
            )
            if np.isinf(values[position]):  # a number the sheet reader took as inf
                code, shown = "number-not-finite", _num(values[position])
            elif raw is not None:
                code, shown = refused_as(raw), _refused_value(raw)
            else:
                code, shown = "missing-value", None
            values[position] = np.nan
            issues.append(Issue(code, {"label": label}, value=shown, **where))
    survey["satisfaction"] = values
    # A column formatted as a percentage in Excel holds 0.935 for 93.5%.
    if typed.all() and survey["satisfaction"].notna().any() and survey["satisfaction"].max() <= 1:
        survey["satisfaction"] = survey["satisfaction"] * 100
    known = set(districts)
    seen: set[str] = set()
    keep = []
    for position, district in enumerate(survey["district"]):
        where = _where(
            sources,
            int(survey["_source"].iat[position]),
            int(survey["_row"].iat[position]),
            "district",
        )
        if district in seen:
            issues.append(Issue("survey-duplicate", {"district": district}, **where))
            keep.append(False)
            continue
        seen.add(district)
        if district not in known:
            issues.append(
                Issue(
                    "survey-unknown-district", {"district": district}, severity="warning", **where
                )
            )
        keep.append(True)
    return survey[keep].drop(columns=["raw"]).reset_index(drop=True)


# ----------------------------------------------------------------------------- levels


def roll_up(data: Dataset, scheme: Scheme) -> Dataset:
    """Counties rolled up into their cities (--level city). Each measure is summed over the
    counties carrying the project out, or averaged where the scheme's column says ``roll_up:
    mean`` (scores); rates are then computed by the engine on the sums, never averaged. A
    city's project is suspended only when every county suspended it. The survey is averaged."""
    rows = data.rows.copy()
    rows["city"] = rows["district"].map(data.groups)
    measures = scheme.measure_keys()
    active = rows[~rows["suspended"].astype(bool)]
    keys = ["city", "project"]
    frame = rows.groupby(keys, sort=False).agg(
        suspended=("suspended", "all"), _source=("_source", "first"), _row=("_row", "first")
    )
    sums = [k for k in measures if scheme.columns[k].roll_up == "sum"]
    means = [k for k in measures if scheme.columns[k].roll_up == "mean"]
    grouped = active.groupby(keys, sort=False)
    if sums:
        frame = frame.join(grouped[sums].sum(min_count=1))
    if means:
        frame = frame.join(grouped[means].mean())
    frame = frame.reset_index()
    frame["district"] = frame["city"]
    cities = list(dict.fromkeys(rows["city"]))
    survey = data.survey
    if not survey.empty:
        survey = survey.assign(city=survey["district"].map(data.groups))
        survey = (
            survey.dropna(subset=["city"])
            .groupby("city", sort=False)
            .agg(
                satisfaction=("satisfaction", "mean"),
                _source=("_source", "first"),
                _row=("_row", "first"),
            )  # fmt: skip
            .reset_index()
            .rename(columns={"city": "district"})
        )
    return Dataset(
        frame, cities, survey, data.sources, data.files, list(data.issues),
        {}, rows,
    )  # fmt: skip
