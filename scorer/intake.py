"""Reading the districts' workbooks into one table, with every problem located to its cell."""

from __future__ import annotations

import csv
import glob
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import DataFileError, Issue
from .formula import parse_formula
from .scheme import ProjectIndex, Scheme, normalize_name

DATA_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
HEADER_SEARCH_ROWS = 30
TOTAL_WORDS = ("合计", "总计", "小计")
NORMAL_STATUS = {
    normalize_name(w) for w in ("正常", "正常实施", "实施", "实施中", "在建", "已完成", "完成")
}
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_UNIT_SUFFIX = re.compile(r"[(\[【].*?[)\]】]$")


@dataclass(frozen=True)
class Source:
    """One sheet that data came from, and the Excel column letter of each scheme column in it."""

    file: str
    sheet: str
    letters: dict[str, str]


@dataclass
class Dataset:
    """All districts' rows, one per district and project, and what was found wrong on the way."""

    rows: pd.DataFrame  # district, project, suspended, city, <measure keys>, _source, _row
    districts: list[str]
    survey: pd.DataFrame  # district, satisfaction, _source, _row
    sources: list[Source]
    files: list[Path]
    issues: list[Issue] = field(default_factory=list)

    def where(self, position: int, key: str | None = None) -> dict[str, Any]:
        """file, sheet and cell of row ``position`` of ``rows`` (and column ``key``)."""
        row = self.rows.iloc[position]
        return _where(self.sources, int(row["_source"]), int(row["_row"]), key)


def _where(sources: list[Source], source: int, excel_row: int, key: str | None) -> dict[str, Any]:
    src = sources[source]
    letter = src.letters.get(key) if key else None
    return {
        "file": src.file,
        "sheet": src.sheet,
        "cell": f"{letter}{excel_row}" if letter else None,
    }


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ----------------------------------------------------------------------------- files


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, folders' data files, and glob patterns a shell left unexpanded."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if _is_data_file(p))
            if not inside:
                raise DataFileError(
                    f"文件夹 {path} 中没有 xlsx/xls/ods/csv 文件 (no data files in the folder)"
                )
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        elif any(ch in str(given) for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(str(given)) if _is_data_file(Path(p)))
            if not matches:
                raise DataFileError(f"没有与 {given} 匹配的文件 (no file matches)")
            found.extend(matches)
        else:
            raise DataFileError(f"找不到文件 {given} (no such file)")
    unique = list(dict.fromkeys(p.resolve() for p in found))
    return [next(p for p in found if p.resolve() == u) for u in unique]


def _is_data_file(path: Path) -> bool:
    return (
        path.is_file() and path.suffix.lower() in DATA_SUFFIXES and not path.name.startswith("~$")
    )


def read_sheets(path: Path) -> list[tuple[str, list[list[Any]]]]:
    """Every sheet of a workbook as rows of cell values anchored at A1 (a CSV is one sheet)."""
    if path.suffix.lower() == ".csv":
        return [(path.stem, _read_csv(path))]
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    try:
        sheets = []
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            sheets.append((name, sheet.to_python(skip_empty_area=False)))
        return sheets
    finally:
        workbook.close()


def _read_csv(path: Path) -> list[list[Any]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # offices save CSV from Excel in GBK as often as not
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError("无法识别文件编码 (unknown text encoding)")
    return [list(r) for r in csv.reader(text.splitlines())]


# ----------------------------------------------------------------------------- cells


def parse_number(raw: Any, percent: bool = False) -> tuple[float | None, bool]:
    """A cell as a number: (value, ok). Blank gives (None, True); text that is no number (None, False).

    Accepts 1,234.5, full-width digits and stray spaces; "95%" only where the column is in %.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, True
    if isinstance(raw, (bool, datetime, date, time, timedelta)):
        return None, False
    if isinstance(raw, (int, float)):
        return (float(raw), True) if math.isfinite(raw) else (None, False)
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace(",", "").replace(" ", "")
    if percent and text.endswith("%"):
        text = text[:-1]
    if _NUMBER.fullmatch(text):
        return float(text), True
    return None, False


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return unicodedata.normalize("NFKC", str(raw)).strip()


def _header_key(raw: Any) -> str:
    """A header cell as compared with labels: normalised, without a unit in brackets."""
    return _UNIT_SUFFIX.sub("", normalize_name(_text(raw)))


def _label_table(scheme: Scheme) -> dict[str, str]:
    table: dict[str, str] = {}
    for key, column in scheme.columns.items():
        for label in column.labels():
            table.setdefault(_header_key(label), key)
    return table


def _find_header(
    rows: list[list[Any]], labels: dict[str, str], must: str
) -> tuple[int, dict[str, int]] | None:
    """The row among the first ones that names the most scheme columns, ``must`` among them."""
    best: tuple[int, dict[str, int]] | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for col, cell in enumerate(row):
            key = labels.get(_header_key(cell))
            if key and key not in found:
                found[key] = col
        if must in found and (best is None or len(found) > len(best[1])):
            best = (index, found)
    return best


# ----------------------------------------------------------------------------- reading


def read_data(paths: Iterable[str | Path], scheme: Scheme) -> Dataset:
    """Read every sheet of every file: district rows, the survey, and all their problems."""
    files = expand_paths(paths)
    labels = _label_table(scheme)
    survey_labels = {
        _header_key(x): "satisfaction"
        for x in ([scheme.survey.label, *scheme.survey.aliases] if scheme.survey else [])
    }
    survey_labels.update({k: v for k, v in labels.items() if v == "district"})
    issues: list[Issue] = []
    sources: list[Source] = []
    frames: list[pd.DataFrame] = []
    survey_frames: list[pd.DataFrame] = []
    header_help = "、".join(c.label for k, c in scheme.columns.items() if c.required)

    for path in files:
        try:
            sheets = read_sheets(path)
        except Exception as exc:  # calamine raises several kinds for damaged or encrypted files
            issues.append(
                Issue("unreadable-file", {"detail": str(exc).splitlines()[0][:200]}, file=str(path))
            )
            continue
        for sheet_name, rows in sheets:
            is_survey_sheet = scheme.survey is not None and normalize_name(
                sheet_name
            ) == normalize_name(scheme.survey.sheet)
            header = None if is_survey_sheet else _find_header(rows, labels, "project")
            if header is not None:
                frame = _sheet_frame(rows, header, path, sheet_name, len(sources), scheme, issues)
                sources.append(
                    Source(
                        str(path), sheet_name, {k: column_letter(c) for k, c in header[1].items()}
                    )
                )
                frames.append(frame)
                continue
            if scheme.survey is not None:
                survey_header = _find_header(rows, survey_labels, "satisfaction")
                if survey_header is not None and "district" in survey_header[1]:
                    letters = {k: column_letter(c) for k, c in survey_header[1].items()}
                    survey_frames.append(_survey_frame(rows, survey_header, len(sources)))
                    sources.append(Source(str(path), sheet_name, letters))
                    continue
            if any(_text(c) for row in rows for c in row):
                issues.append(
                    Issue(
                        "skipped-sheet",
                        {"labels": header_help},
                        severity="info",
                        file=str(path),
                        sheet=sheet_name,
                    )
                )

    project_label = scheme.columns["project"].label
    if not frames:
        if not any(i.code == "unreadable-file" for i in issues):
            issues.append(
                Issue("no-data-sheet", {"project_label": project_label, "labels": header_help})
            )
        empty = pd.DataFrame(columns=["district", "project", "suspended", "_source", "_row"])
        return Dataset(empty, [], _empty_survey(), sources, files, issues)

    rows = pd.concat(frames, ignore_index=True)
    rows = _check_rows(rows, scheme, sources, issues)
    districts = list(dict.fromkeys(rows["district"]))
    survey = pd.concat(survey_frames, ignore_index=True) if survey_frames else _empty_survey()
    survey = _check_survey(survey, scheme, districts, sources, issues)
    return Dataset(rows, districts, survey, sources, files, issues)


def _empty_survey() -> pd.DataFrame:
    return pd.DataFrame({"district": [], "satisfaction": [], "_source": [], "_row": []})


def _sheet_frame(
    rows: list[list[Any]],
    header: tuple[int, dict[str, int]],
    path: Path,
    sheet_name: str,
    source: int,
    scheme: Scheme,
    issues: list[Issue],
) -> pd.DataFrame:
    """The raw cells of one data sheet under the scheme's column keys, blank rows dropped."""
    header_row, columns = header
    body = rows[header_row + 1 :]
    width = max((len(r) for r in body), default=0)
    frame = pd.DataFrame(
        {key: [r[col] if col < len(r) else None for r in body] for key, col in columns.items()}
    )
    frame["_row"] = np.arange(header_row + 2, header_row + 2 + len(body))
    frame["_source"] = source
    for key, column in scheme.columns.items():
        if key in columns:
            continue
        frame[key] = None
        if key == "district":
            continue  # one sheet per district: the sheet (or file) names it
        if column.required:
            issues.append(
                Issue(
                    "missing-column",
                    {"label": column.label, "aliases": "、".join(column.aliases) or "—"},
                    file=str(path),
                    sheet=sheet_name,
                )
            )
    if width == 0 or frame.empty:
        return frame.iloc[0:0]
    texts = {key: frame[key].map(_text) for key in ("district", "project")}
    filled = pd.Series(False, index=frame.index)
    for key in columns:
        filled |= frame[key].map(_text) != ""
    if "district" not in columns:
        name = sheet_name if not re.fullmatch(r"(?i)sheet\d*", sheet_name.strip()) else path.stem
        frame["district"] = name
        texts["district"] = pd.Series(_text(name), index=frame.index)
    is_total = pd.Series(False, index=frame.index)
    for word in TOTAL_WORDS:
        for key in ("district", "project"):
            is_total |= texts[key].map(normalize_name).str.contains(word, regex=False)
    for position in np.flatnonzero((is_total & filled).to_numpy()):
        letter = column_letter(columns.get("project", columns.get("district", 0)))
        issues.append(
            Issue(
                "total-row",
                severity="info",
                file=str(path),
                sheet=sheet_name,
                cell=f"{letter}{frame['_row'].iat[position]}",
            )
        )
    return frame[filled & ~is_total].reset_index(drop=True)


def _survey_frame(
    rows: list[list[Any]], header: tuple[int, dict[str, int]], source: int
) -> pd.DataFrame:
    header_row, columns = header
    body = [r for r in rows[header_row + 1 :]]
    district = [_text(r[columns["district"]]) if columns["district"] < len(r) else "" for r in body]
    value = [r[columns["satisfaction"]] if columns["satisfaction"] < len(r) else None for r in body]
    frame = pd.DataFrame({"district": district, "raw": value})
    frame["_row"] = np.arange(header_row + 2, header_row + 2 + len(body))
    frame["_source"] = source
    keep = (frame["district"] != "") & ~frame["district"].map(normalize_name).str.contains(
        "|".join(TOTAL_WORDS)
    )
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


def _check_rows(
    rows: pd.DataFrame, scheme: Scheme, sources: list[Source], issues: list[Issue]
) -> pd.DataFrame:
    """Names, statuses and numbers of all rows, checked column by column; problems located."""

    def add(
        code: str,
        position: int,
        key: str | None,
        severity: str = "error",
        value: Any = None,
        **params: Any,
    ) -> None:
        where = _where(
            sources, int(rows["_source"].iat[position]), int(rows["_row"].iat[position]), key
        )
        issues.append(Issue(code, params, severity=severity, value=value, **where))

    # districts
    rows["district"] = rows["district"].map(lambda x: normalize_name(_text(x)))
    for position in np.flatnonzero((rows["district"] == "").to_numpy()):
        add("missing-district", position, "district")

    # projects
    index = ProjectIndex(scheme.projects)
    district_items = {p.name for p in scheme.projects if p.level == "district"}
    written = rows["project"].map(_text)
    resolved: dict[str, str | None] = {}
    for name in written.unique():
        if name == "":
            resolved[name] = None
            continue
        match = index.match(name)
        resolved[name] = match.project.name if match.project else None
    rows["project"] = written.map(resolved)
    matches = {name: index.match(name) for name in resolved if name}
    for position, name in enumerate(written):
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
    status = rows["status"].map(lambda x: normalize_name(_text(x)))
    rows["suspended"] = status.isin(suspended_words).to_numpy()
    unknown_status = ~(status.isin(suspended_words) | status.isin(NORMAL_STATUS) | (status == ""))
    known = (
        "、".join(scheme.columns["status"].suspended) if "status" in scheme.columns else "暂缓实施"
    )
    for position in np.flatnonzero(unknown_status.to_numpy()):
        add(
            "bad-status", position, "status", value=_text(rows["status"].iat[position]), known=known
        )

    # numbers
    needed, everywhere, denominators = _needed_columns(scheme)
    active = ~rows["suspended"]
    for key in scheme.measure_keys():
        column = scheme.columns[key]
        label = column.label
        raw = rows[key]
        values = np.full(len(rows), np.nan)
        is_number = raw.map(lambda x: isinstance(x, (int, float)) and not isinstance(x, bool))
        values[is_number.to_numpy()] = raw[is_number].astype(float).to_numpy()
        bad = np.zeros(len(rows), dtype=bool)
        for position in np.flatnonzero(~is_number.to_numpy()):
            value, ok = parse_number(raw.iat[position], percent=column.unit == "%")
            if value is not None:
                values[position] = value
            elif not ok:
                bad[position] = True
        needed_here = rows["project"].map(
            lambda p, k=key: p is not None and (k in needed.get(p, ()) or k in everywhere)
        )
        needed_here = needed_here.to_numpy() & active.to_numpy()
        blank = np.isnan(values) & ~bad
        if column.blank == "zero":
            values[blank] = 0.0
        else:
            for position in np.flatnonzero(blank & needed_here):
                add("missing-value", position, key, label=label)
        for position in np.flatnonzero(bad & (needed_here | ~active.to_numpy())):
            shown = _text(raw.iat[position])
            add("not-a-number", position, key, value=shown, label=label)
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
    for project_name, keys in denominators.items():
        mine = (rows["project"] == project_name).to_numpy() & active.to_numpy()
        for key in sorted(keys):
            for position in np.flatnonzero(mine & (rows[key].to_numpy() == 0)):
                add(
                    "zero-denominator",
                    position,
                    key,
                    value=0,
                    project=project_name,
                    label=scheme.columns[key].label,
                )

    # one row per district and project
    keyed = rows["project"].notna() & (rows["district"] != "")
    first_seen: dict[tuple[str, str], int] = {}
    duplicate = np.zeros(len(rows), dtype=bool)
    for position in np.flatnonzero(keyed.to_numpy()):
        pair = (rows["district"].iat[position], rows["project"].iat[position])
        if pair in first_seen:
            duplicate[position] = True
            add(
                "duplicate-row",
                position,
                "project",
                district=pair[0],
                project=pair[1],
                other_row=int(rows["_row"].iat[first_seen[pair]]),
            )
        else:
            first_seen[pair] = position
    rows = rows[keyed.to_numpy() & ~duplicate].reset_index(drop=True)

    project_names = [p.name for p in scheme.projects if p.level == "project"]
    present = rows.groupby("district", sort=False)["project"].agg(set)
    for district, have in present.items():
        first = int(np.flatnonzero((rows["district"] == district).to_numpy())[0])
        where = _where(sources, int(rows["_source"].iat[first]), int(rows["_row"].iat[first]), None)
        for project_name in project_names:
            if project_name not in have:
                issues.append(
                    Issue(
                        "missing-project", {"district": district, "project": project_name}, **where
                    )
                )
    return rows


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
    values = []
    for position, raw in enumerate(survey["raw"]):
        value, ok = parse_number(raw, percent=True)
        where = _where(
            sources,
            int(survey["_source"].iat[position]),
            int(survey["_row"].iat[position]),
            "satisfaction",
        )
        if value is None:
            code = "missing-value" if ok else "not-a-number"
            issues.append(Issue(code, {"label": label}, value=_text(raw) or None, **where))
        values.append(np.nan if value is None else value)
    survey["satisfaction"] = values
    # A column formatted as a percentage in Excel holds 0.935 for 93.5%.
    numeric = survey["raw"].map(lambda x: isinstance(x, (int, float)) and not isinstance(x, bool))
    if numeric.all() and survey["satisfaction"].notna().any() and survey["satisfaction"].max() <= 1:
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
