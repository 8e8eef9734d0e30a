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
SKIPPED_SHEETS = {"说明", "填报说明", "instructions"}  # a template's own instructions
MONEY_UNITS = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_BRACKETED = re.compile(r"^(.*?)[(\[【]([^()\[\]【】]*)[)\]】]$")
_SHEET_UNIT = re.compile(r"(?<![报送位])单位[:：]?\s*(亿元|万元|千元|元)")


class ExcelError(str):
    """A cell whose value is an Excel error (#DIV/0!, #N/A, …): a formula went wrong there."""


@dataclass(frozen=True)
class Source:
    """One sheet that data came from, and the Excel column letter of each scheme column in it."""

    file: str
    sheet: str
    letters: dict[str, str]
    factors: dict[str, float] = field(default_factory=dict)  # money given in 元 where 万元 is due


@dataclass(frozen=True)
class Header:
    """Where a sheet's header is: one row, or two when group cells sit over the labels."""

    top: int  # first header row (0-based)
    row: int  # last header row; the data start below it
    columns: dict[str, int]  # scheme column key -> column index
    units: dict[str, str]  # unit written in a label, or in its group cell above


@dataclass
class Dataset:
    """All districts' rows, one per district and project, and what was found wrong on the way."""

    rows: pd.DataFrame  # district, project, suspended, city, <measure keys>, _source, _row
    districts: list[str]
    survey: pd.DataFrame  # district, satisfaction, _source, _row
    sources: list[Source]
    files: list[Path]
    issues: list[Issue] = field(default_factory=list)


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


def column_index(letters: str) -> int:
    """A -> 0, Z -> 25, AA -> 26."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


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
    """Every sheet of a workbook as rows of cell values anchored at A1 (a CSV is one sheet).

    Excel error cells come back as :class:`ExcelError`, not as the empty string the reader gives.
    """
    if path.suffix.lower() == ".csv":
        return [(path.stem, _read_csv(path))]
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    try:
        sheets = []
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            _fill_merged(rows, sheet.merged_cell_ranges or [])
            sheets.append((name, rows))
    finally:
        workbook.close()
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        errors = _xlsx_error_cells(path)
        for name, rows in sheets:
            for (r, c), text in errors.get(name, {}).items():
                if r < len(rows) and c < len(rows[r]) and rows[r][c] == "":
                    rows[r][c] = ExcelError(text)
    return sheets


def _fill_merged(rows: list[list[Any]], ranges: list) -> None:
    """Give every cell of a merged range its top-left value, as the eye reads it: a 地区 merged
    down a district's rows names each of them. (xlsx and xls report merges; ods does not.)"""
    for (top, left), (bottom, right) in ranges:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        if value == "":
            continue
        for r in range(top, bottom + 1):
            if r >= len(rows):
                rows.append([])
            row = rows[r]
            if len(row) <= right:
                row.extend([""] * (right + 1 - len(row)))
            for c in range(left, right + 1):
                if row[c] == "":
                    row[c] = value


_ERROR_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?\st="e"[^>]*>(.*?)</c>', re.S)
_CACHED_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _xlsx_error_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Cells holding an Excel error, by sheet name: python-calamine reads them as empty strings
    (dimastbk/python-calamine#105), so they are found in the sheet XML itself."""
    import zipfile
    from xml.etree import ElementTree

    found: dict[str, dict[tuple[int, int], str]] = {}
    relationship = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels}
            for sheet in workbook.iter(
                "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet"
            ):
                target = targets.get(sheet.get(relationship), "")
                member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                xml = archive.read(member)
                if b't="e"' not in xml:
                    continue
                cells = {}
                for letters, number, body in _ERROR_CELL.findall(xml):
                    value = _CACHED_VALUE.search(body)
                    text = value.group(1).decode("utf-8", "replace") if value else "#ERROR"
                    cells[(int(number) - 1, column_index(letters.decode()))] = text
                found[sheet.get("name", "")] = cells
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}  # not a standard workbook layout: calamine has read what it could
    return found


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


def parse_number(
    raw: Any, percent: bool = False, unit: str | None = None
) -> tuple[float | None, bool]:
    """A cell as a number: (value, ok). Blank gives (None, True); text that is no number (None, False).

    Accepts 1,234.5, full-width digits and stray spaces; the column's own unit after the number
    ("1,234万元" in a 万元 column); "95%" only where ``percent`` (a column in % or on a 0–100 scale).
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
        return float(text), True
    return None, False


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return unicodedata.normalize("NFKC", str(raw)).strip()


def split_label(raw: Any) -> tuple[str, str | None]:
    """A header cell as (name, unit): 计划资金（万元） -> (计划资金, 万元); names normalised."""
    text = normalize_name(_text(raw))
    match = _BRACKETED.match(text)
    if match and match.group(1):
        unit = re.sub(r"^单位[:：]?", "", match.group(2)) or None
        return match.group(1), unit
    return text, None


def _label_table(scheme: Scheme) -> dict[str, str]:
    table: dict[str, str] = {}
    for key, column in scheme.columns.items():
        for label in column.labels():
            table.setdefault(split_label(label)[0], key)
    return table


def _read_header(
    rows: list[list[Any]], top: int, bottom: int, labels: dict[str, str]
) -> tuple[dict[str, int], dict[str, str]]:
    """Scheme columns named in rows top..bottom (one or two rows).

    With two rows, a label in the lower row may sit under a group cell (资金情况（万元）) whose unit
    it takes; a column merged down both rows has its label in the upper row only.
    """
    upper = rows[top] if top < bottom else []
    lower = rows[bottom]
    found: dict[str, int] = {}
    units: dict[str, str] = {}
    group_unit: str | None = None
    for col in range(max(len(upper), len(lower))):
        up_name, up_unit = split_label(upper[col]) if col < len(upper) else ("", None)
        if up_name:
            group_unit = up_unit  # a group (or a merged-down label) starts here
        low_name, low_unit = split_label(lower[col]) if col < len(lower) else ("", None)
        if low_name:
            name, unit = low_name, low_unit or group_unit
        elif up_name:
            name, unit = up_name, up_unit
        else:
            continue
        key = labels.get(name)
        if key and key not in found:
            found[key] = col
            if unit:
                units[key] = unit
    return found, units


def _find_header(
    rows: list[list[Any]], labels: dict[str, str], must: str, least: int
) -> Header | None:
    """The header among the first rows: the one (or two) naming most scheme columns, with
    ``must`` among them and at least ``least`` in all."""
    best: Header | None = None
    for bottom in range(min(len(rows), HEADER_SEARCH_ROWS)):
        for top in (bottom, bottom - 1) if bottom else (bottom,):
            found, units = _read_header(rows, top, bottom, labels)
            if (
                must in found
                and len(found) >= least
                and (best is None or len(found) > len(best.columns))
            ):
                best = Header(top, bottom, found, units)
    return best


def _sheet_unit(rows: list[list[Any]], header: Header) -> str | None:
    """A unit stated above the header for the whole sheet, as in “单位：万元”."""
    for row in rows[: header.top]:
        for cell in row:
            match = _SHEET_UNIT.search(normalize_name(_text(cell)))
            if match:
                return match.group(1)
    return None


# ----------------------------------------------------------------------------- reading


def read_data(paths: Iterable[str | Path], scheme: Scheme) -> Dataset:
    """Read every sheet of every file: district rows, the survey, and all their problems."""
    files = expand_paths(paths)
    labels = _label_table(scheme)
    survey_labels = {k: v for k, v in labels.items() if v == "district"}
    if scheme.survey is not None:
        survey_labels.update(
            {
                split_label(x)[0]: "satisfaction"
                for x in [scheme.survey.label, *scheme.survey.aliases]
            }
        )
    least = 2 + min(2, len(scheme.measure_keys()))  # project (or district) and a few measures
    issues: list[Issue] = []
    sources: list[Source] = []
    frames: list[pd.DataFrame] = []
    survey_frames: list[pd.DataFrame] = []
    header_help = "、".join(c.label for c in scheme.columns.values() if c.required)

    for path in files:
        try:
            sheets = read_sheets(path)
        except Exception as exc:  # calamine raises several kinds for damaged or encrypted files
            detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            issues.append(Issue("unreadable-file", {"detail": detail}, file=str(path)))
            continue
        for sheet_name, rows in sheets:
            survey_sheet = scheme.survey is not None and normalize_name(
                sheet_name
            ) == normalize_name(scheme.survey.sheet)
            header = None if survey_sheet else _find_header(rows, labels, "project", least - 1)
            if header is not None:
                source = _source(path, sheet_name, rows, header, scheme, issues)
                frames.append(_sheet_frame(rows, header, source, len(sources), scheme, issues))
                sources.append(source)
                continue
            if scheme.survey is not None:
                survey_header = _find_header(rows, survey_labels, "satisfaction", 2)
                if survey_header is not None:
                    letters = {k: column_letter(c) for k, c in survey_header.columns.items()}
                    survey_frames.append(_survey_frame(rows, survey_header, len(sources)))
                    sources.append(Source(str(path), sheet_name, letters))
                    continue
            if normalize_name(sheet_name).lower() not in SKIPPED_SHEETS and any(
                _text(c) for row in rows for c in row
            ):
                issues.append(
                    Issue(
                        "skipped-sheet",
                        {"labels": header_help},
                        severity="info",
                        file=str(path),
                        sheet=sheet_name,
                    )
                )

    if not frames:
        if not any(i.code == "unreadable-file" for i in issues):
            issues.append(
                Issue(
                    "no-data-sheet",
                    {"project_label": scheme.columns["project"].label, "labels": header_help},
                )
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


def _sheet_frame(
    rows: list[list[Any]],
    header: Header,
    source: Source,
    position: int,
    scheme: Scheme,
    issues: list[Issue],
) -> pd.DataFrame:
    """The raw cells of one data sheet under the scheme's column keys, blank and total rows dropped."""
    columns = header.columns
    body = rows[header.row + 1 :]
    frame = pd.DataFrame(
        {key: [r[col] if col < len(r) else None for r in body] for key, col in columns.items()}
    )
    frame["_row"] = np.arange(header.row + 2, header.row + 2 + len(body))
    frame["_source"] = position
    for key, column in scheme.columns.items():
        if key in columns:
            continue
        frame[key] = None
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
    if frame.empty:
        return frame
    texts = {key: frame[key].map(_text) for key in ("district", "project")}
    filled = pd.Series(False, index=frame.index)
    for key in columns:
        filled |= frame[key].map(_text) != ""
    if "district" not in columns:
        sheet = source.sheet
        name = Path(source.file).stem if re.fullmatch(r"(?i)sheet\d*", sheet.strip()) else sheet
        frame["district"] = name
        texts["district"] = pd.Series(_text(name), index=frame.index)
    is_total = pd.Series(False, index=frame.index)
    for key in ("district", "project"):
        normalised = texts[key].map(normalize_name)
        for word in TOTAL_WORDS:
            is_total |= normalised.str.contains(word, regex=False)
    letter = source.letters.get("project") or source.letters.get("district", "A")
    for row in frame["_row"][is_total & filled]:
        issues.append(
            Issue(
                "total-row",
                severity="info",
                file=source.file,
                sheet=source.sheet,
                cell=f"{letter}{row}",
            )
        )
    return frame[filled & ~is_total].reset_index(drop=True)


def _survey_frame(rows: list[list[Any]], header: Header, source: int) -> pd.DataFrame:
    columns = header.columns
    body = rows[header.row + 1 :]
    district = [_text(r[columns["district"]]) if columns["district"] < len(r) else "" for r in body]
    value = [r[columns["satisfaction"]] if columns["satisfaction"] < len(r) else None for r in body]
    frame = pd.DataFrame({"district": district, "raw": value})
    frame["_row"] = np.arange(header.row + 2, header.row + 2 + len(body))
    frame["_source"] = source
    normalised = frame["district"].map(normalize_name)
    keep = (frame["district"] != "") & ~normalised.str.contains("|".join(TOTAL_WORDS))
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
            value, ok = parse_number(
                raw.iat[position], percent=column.in_percent(), unit=column.unit
            )
            if value is not None:
                values[position] = value
            elif not ok:
                bad[position] = True
        factors = {i: s.factors[key] for i, s in enumerate(sources) if key in s.factors}
        if factors:  # money in 元 where the scheme counts in 万元, and the like
            values *= rows["_source"].map(lambda s, f=factors: f.get(s, 1.0)).to_numpy(dtype=float)
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
            cell = raw.iat[position]
            code = "excel-error" if isinstance(cell, ExcelError) else "not-a-number"
            add(code, position, key, value=_text(cell), label=label)
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


def _missing_projects(
    rows: pd.DataFrame, scheme: Scheme, sources: list[Source], issues: list[Issue]
) -> None:
    """A district without a row for a project: located at the district's first row's sheet."""
    project_names = [p.name for p in scheme.projects if p.level == "project"]
    expected = len(project_names)
    counts = rows.groupby("district", sort=False)["project"].nunique()
    short = counts[counts < expected].index
    if len(short) == 0:
        return
    firsts = rows.drop_duplicates("district").set_index("district")
    have = rows[rows["district"].isin(short)].groupby("district", sort=False)["project"].agg(set)
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
    clean = [(s, r) not in faulty for s, r in zip(rows["_source"], rows["_row"])]
    active = rows[~rows["suspended"].astype(bool).to_numpy() & np.array(clean, dtype=bool)]
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
    ordered = rows.sort_values(["district", "project"], kind="stable")
    fingerprints = ordered.groupby("district", sort=False).apply(
        lambda g: hash(
            (
                tuple(g["project"]),
                tuple(g["suspended"]),
                g[measures].to_numpy(dtype=float).round(9).tobytes(),
            )
        )
    )
    firsts = rows.drop_duplicates("district").set_index("district")
    seen: dict[int, str] = {}
    for district in dict.fromkeys(rows["district"]):
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
