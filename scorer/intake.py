"""Reading the districts' workbooks into one table, with every problem located to its cell."""

from __future__ import annotations

import csv
import glob
import logging
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from .errors import DataFileError, Issue
from .formula import parse_formula
from .scheme import ProjectIndex, Scheme, normalize_name

# fastexcel logs a warning for a column it cannot type (an empty 状态 column): not the user's concern
logging.getLogger("fastexcel").setLevel(logging.ERROR)

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
        rows = self.data.rows
        return _where(
            self.data.sources, int(rows["_source"].iat[at]), int(rows["_row"].iat[at]), key
        )

    def count(self, district: str, project: str) -> int:
        """How many counties' rows a rolled-up value sums (1 when not rolled up)."""
        if self.data.members is None:
            return 1
        return len(self.groups.get((district, project), ()))


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
    first: dict[Path, Path] = {}  # a file named twice (a folder and a glob) is read once
    for path in found:
        first.setdefault(path.resolve(), path)
    return list(first.values())


def _is_data_file(path: Path) -> bool:
    return (
        path.is_file() and path.suffix.lower() in DATA_SUFFIXES and not path.name.startswith("~$")
    )


class _Sheet(Protocol):
    """One sheet as the intake needs it: its first rows, to find the header, and its columns
    below the header on demand. Rows and columns count from A1 whatever the reader does."""

    name: str
    head: list[list[Any]]  # the first HEADER_SEARCH_ROWS rows, anchored at A1

    def body(
        self, first_row: int, columns: dict[str, int], numeric: set[str]
    ) -> tuple[dict[str, Any], list[tuple[int, str, Any]], int]:
        """The columns from 0-based row ``first_row`` down: texts as a Categorical of str ('' when
        blank; see ``_coded``), numbers as float (NaN when blank or not a plain number); the cells that are not plain numbers as
        (row position, key, raw value); and the number of rows."""
        ...

    def merged(self) -> list:
        """Merged ranges ((top, left), (bottom, right)), 0-based from A1."""
        ...


class _RowsSheet:
    """A sheet already in memory as rows of cell values (a CSV file, which has no merges)."""

    def __init__(self, name: str, rows: list[list[Any]]):
        self.name = name
        self.rows = rows
        self.head = rows[:HEADER_SEARCH_ROWS]

    def body(self, first_row, columns, numeric):
        body = self.rows[first_row:]
        arrays: dict[str, Any] = {}
        odd: list[tuple[int, str, Any]] = []
        for key, col in columns.items():
            cells = [r[col] if col < len(r) else None for r in body]
            if key not in numeric:
                codes, uniques = pd.factorize(np.array(cells, dtype=object), use_na_sentinel=False)
                arrays[key] = _coded(codes, [_text(u) for u in uniques])
                continue
            values = np.full(len(cells), np.nan)
            for position, cell in enumerate(cells):
                if isinstance(cell, (int, float)) and not isinstance(cell, bool):
                    values[position] = cell
                elif cell is not None and _text(cell) != "":
                    odd.append((position, key, cell))
            arrays[key] = values
        return arrays, odd, len(body)

    def merged(self) -> list:
        return []


_EXCEL_ERRORS = {"Div0": "#DIV/0!", "NA": "#N/A", "Name": "#NAME?", "Null": "#NULL!", "Num": "#NUM!",
                 "Ref": "#REF!", "Value": "#VALUE!", "GettingData": "#GETTING_DATA"}  # fmt: skip
_CELL_ERROR = re.compile(r"got '(\w+)\((.*)\)'$", re.S)


def _odd_value(detail: str) -> Any:
    """The raw cell in fastexcel's conversion error: String("约100") or Error(Div0)."""
    match = _CELL_ERROR.search(detail)
    if not match:
        return detail
    kind, inner = match.groups()
    if kind == "Error":
        return ExcelError(_EXCEL_ERRORS.get(inner, f"#{inner.upper()}"))
    if kind == "String" and len(inner) >= 2 and inner[0] == inner[-1] == '"':
        inner = inner[1:-1]
        for escaped, plain in (
            ('\\"', '"'),
            ("\\n", "\n"),
            ("\\t", "\t"),
            ("\\r", "\r"),
            ("\\\\", "\\"),
        ):
            inner = inner.replace(escaped, plain)
        return inner
    return inner


# An xlsx file larger than this has its first rows read from the start of its XML: calamine
# parses a whole sheet even for a few rows. A district's own return (10-30 KB) is smaller, and
# calamine reads all of it in a fraction of the time Python takes over the first rows' XML.
_LARGE_XLSX = 256 * 1024


class _WorkbookSheet:
    """A sheet of an xlsx/xls/ods workbook. The body is read once with fastexcel (numbers parsed
    in Rust; only cells that are not plain numbers come back to Python, with their content).
    A large xlsx sheet's first rows are read from the start of its XML, which costs next to
    nothing; fastexcel would parse the whole sheet for them."""

    def __init__(self, reader, path: Path, name: str):
        self.reader = reader
        self.path = path
        self.name = name
        head = None
        if path.suffix.lower() in (".xlsx", ".xlsm") and path.stat().st_size > _LARGE_XLSX:
            head = _xlsx_head(path, name, HEADER_SEARCH_ROWS)
        self.head = head if head is not None else self._head_by_calamine()

    def _head_by_calamine(self) -> list[list[Any]]:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(str(self.path))
        try:
            sheet = workbook.get_sheet_by_name(self.name)
            return sheet.to_python(skip_empty_area=False, nrows=HEADER_SEARCH_ROWS)
        finally:
            workbook.close()

    def body(self, first_row, columns, numeric):
        wanted = {col: key for key, col in columns.items()}
        sheet = self.reader.load_sheet(
            self.name, header_row=None, skip_rows=first_row,  # with no header row: counted from A1
            use_columns=lambda column: column.absolute_index in wanted,
        )  # fmt: skip
        batch, errors = sheet.to_arrow_with_errors()
        arrays: dict[str, Any] = {}
        odd: list[tuple[int, str, Any]] = []
        by_index = {}
        for column in sheet.selected_columns:
            key = wanted[column.absolute_index]
            by_index[column.index] = key
            values = batch.column(column.name)
            if key in numeric:
                arrays[key], found = _numbers(values, str(column.dtype))
                odd.extend((position, key, raw) for position, raw in found)
            else:
                arrays[key] = _texts(values)
        for error in errors.errors if errors is not None else []:  # cells not of the column's type
            position, index = error.offset_position
            if index in by_index and by_index[index] in numeric:
                odd.append((position, by_index[index], _odd_value(error.detail)))
        count = batch.num_rows
        for key in columns:
            if key not in arrays:  # a column the sheet's range does not reach: empty
                arrays[key] = np.full(count, np.nan) if key in numeric else _blank(count)
        return arrays, odd, count

    def merged(self) -> list:
        if self.path.suffix.lower() == ".ods":
            return []  # calamine does not report merged cells of .ods files
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(str(self.path))
        try:
            return workbook.get_sheet_by_name(self.name).merged_cell_ranges or []
        finally:
            workbook.close()


def _texts(values) -> pd.Categorical:
    """An Arrow column as clean text ('' for blank), each distinct value cleaned once."""
    import pyarrow as pa

    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = values.cast(pa.string())
    encoded = values.dictionary_encode()  # names repeat: clean each distinct one once
    cleaned = [_text(v) for v in encoded.dictionary.to_pylist()] + [""]
    indices = encoded.indices.fill_null(len(encoded.dictionary)).to_numpy(zero_copy_only=False)
    return _coded(indices, cleaned)


def _coded(codes: np.ndarray, labels: list) -> pd.Categorical:
    """The texts ``labels[codes]`` as a Categorical, each distinct text once (None: missing).

    Names repeat on every row (10,000 districts × 33 projects): the intake cleans, compares,
    matches and groups them as small integer codes, and each distinct name only once."""
    distinct: dict[str, int] = {}
    relabel = np.array(
        [-1 if t is None else distinct.setdefault(t, len(distinct)) for t in labels] + [-1],
        dtype=np.intp,
    )
    merged = relabel[np.asarray(codes, dtype=np.intp)]  # code -1 takes the last: -1
    dtype = pd.CategoricalDtype(pd.Index(list(distinct), dtype=object))
    return pd.Categorical.from_codes(merged, dtype=dtype, validate=False)


def _blank(count: int) -> pd.Categorical:
    return _coded(np.zeros(count, dtype=np.intp), [""])


def _numbers(values, dtype: str) -> tuple[np.ndarray, list[tuple[int, Any]]]:
    """An Arrow column as floats; for a column of text, the cells that are not plain numbers."""
    if dtype in ("float", "int"):
        return values.to_numpy(zero_copy_only=False).astype(float), []
    texts = values.to_pandas().astype(object)
    numbers = pd.to_numeric(texts, errors="coerce").to_numpy(dtype=float)
    odd_positions = np.flatnonzero(np.isnan(numbers) & texts.notna().to_numpy())
    return numbers, [(int(p), texts.iat[p]) for p in odd_positions]


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REF = re.compile(r"([A-Z]+)(\d+)")


def _xlsx_member(archive, sheet_name: str) -> str | None:
    """The path inside the xlsx of the named sheet's XML."""
    from xml.etree import ElementTree

    relationship = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        if sheet.get("name") == sheet_name:
            target = targets.get(sheet.get(relationship), "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _xlsx_head(path: Path, sheet_name: str, count: int) -> list[list[Any]] | None:
    """The first ``count`` rows of an xlsx sheet, anchored at A1, read from the start of its XML
    (and the shared strings they use). None if unreadable."""
    import zipfile
    from xml.etree import ElementTree

    cells: dict[tuple[int, int], Any] = {}
    shared: dict[tuple[int, int], int] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            member = _xlsx_member(archive, sheet_name)
            if member is None:
                return None
            with archive.open(member) as stream:
                for _, element in ElementTree.iterparse(stream, events=("end",)):
                    if element.tag != f"{_MAIN}c":
                        continue
                    match = _REF.fullmatch(element.get("r", ""))
                    if not match:
                        return None  # cells without references: let the reader work it out
                    row, col = int(match.group(2)) - 1, column_index(match.group(1))
                    if row >= count:
                        break
                    value = _xml_cell(element, shared, (row, col))
                    element.clear()
                    if value is None:
                        continue
                    cells[(row, col)] = value
            if shared:
                strings = _shared_strings(archive, max(shared.values()))
                for place, index in shared.items():
                    cells[place] = strings[index] if index < len(strings) else ""
    except (KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError):
        return None
    if not cells:
        return []
    rows = [[""] * (max(c for _, c in cells) + 1) for _ in range(max(r for r, _ in cells) + 1)]
    for (r, c), value in cells.items():
        rows[r][c] = value
    return rows


def _xml_cell(element, shared: dict, place: tuple[int, int]) -> Any:
    """A <c> element's value; a shared string is noted in ``shared`` to be looked up later."""
    kind = element.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in element.iter(f"{_MAIN}t"))
    value = element.find(f"{_MAIN}v")
    if value is None:
        return None
    if kind == "s":
        shared[place] = int(value.text)
        return ""
    if kind == "e":
        return ExcelError(value.text or "")
    if kind == "b":
        return value.text == "1"
    if kind == "str":
        return value.text or ""
    return float(value.text) if value.text else ""


def _shared_strings(archive, last: int) -> list[str]:
    """The workbook's shared strings up to index ``last`` (read no further)."""
    from xml.etree import ElementTree

    strings: list[str] = []
    with archive.open("xl/sharedStrings.xml") as stream:
        for _, element in ElementTree.iterparse(stream, events=("end",)):
            if element.tag != f"{_MAIN}si":
                continue
            parts = [child.text or "" for child in element if child.tag == f"{_MAIN}t"]
            parts += [
                t.text or "" for r in element.findall(f"{_MAIN}r") for t in r.findall(f"{_MAIN}t")
            ]
            strings.append("".join(parts))
            element.clear()
            if len(strings) > last:
                break
    return strings


def read_sheets(path: Path) -> list[_Sheet]:
    """The sheets of a workbook (a CSV file is one sheet)."""
    if path.suffix.lower() == ".csv":
        return [_RowsSheet(path.stem, _read_csv(path))]
    import fastexcel

    reader = fastexcel.read_excel(str(path))
    return [_WorkbookSheet(reader, path, name) for name in reader.sheet_names]


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


@lru_cache(maxsize=1 << 14)
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


def read_data(
    paths: Iterable[str | Path], scheme: Scheme, progress: Callable[[int, int], None] | None = None
) -> Dataset:
    """Read every sheet of every file: district rows, the survey, and all their problems.

    ``progress(done, total)`` is called after each file, for a progress bar."""
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
    pieces: list[dict[str, Any]] = []  # each data sheet's columns
    survey_frames: list[pd.DataFrame] = []
    header_help = "、".join(c.label for c in scheme.columns.values() if c.required)

    odd: list[tuple[int, int, str, Any]] = []  # (source, Excel row, key, raw cell)
    for done, path in enumerate(files, start=1):
        if progress is not None and done > 1:
            progress(done - 1, len(files))
        try:
            sheets = read_sheets(path)
        except Exception as exc:  # the readers raise several kinds for damaged or encrypted files
            detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            issues.append(Issue("unreadable-file", {"detail": detail}, file=str(path)))
            continue
        for sheet in sheets:
            rows = sheet.head
            survey_sheet = scheme.survey is not None and normalize_name(
                sheet.name
            ) == normalize_name(scheme.survey.sheet)
            header = None if survey_sheet else _find_header(rows, labels, "project", least - 1)
            if header is not None:
                source = _source(path, sheet.name, rows, header, scheme, issues)
                columns, odd_cells = _sheet_columns(
                    sheet, header, source, len(sources), scheme, issues
                )
                pieces.append(columns)
                odd.extend((len(sources), row, key, raw) for row, key, raw in odd_cells)
                sources.append(source)
                continue
            if scheme.survey is not None:
                survey_header = _find_header(rows, survey_labels, "satisfaction", 2)
                if survey_header is not None:
                    letters = {k: column_letter(c) for k, c in survey_header.columns.items()}
                    survey_frames.append(_survey_frame(sheet, survey_header, len(sources)))
                    sources.append(Source(str(path), sheet.name, letters))
                    continue
            if normalize_name(sheet.name).lower() not in SKIPPED_SHEETS and any(
                _text(c) for row in rows for c in row
            ):
                issues.append(
                    Issue(
                        "skipped-sheet",
                        {"labels": header_help},
                        severity="info",
                        file=str(path),
                        sheet=sheet.name,
                    )
                )

    if not pieces:
        if not any(i.code == "unreadable-file" for i in issues):
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
    sheet: _Sheet,
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
        arrays[key] = np.full(count, np.nan) if key in scheme.measure_keys() else _blank(count)
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
        arrays["district"] = _coded(np.zeros(count, dtype=np.intp), [_text(name)])
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
            joined[key] = _coded(np.concatenate(codes), labels)
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
    sheet: _Sheet, header: Header, arrays: dict[str, Any], filled: np.ndarray
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


def _survey_frame(sheet: _Sheet, header: Header, source: int) -> pd.DataFrame:
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
    return pd.Series(_coded(values.cat.codes.to_numpy(), mapped), index=values.index)


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

    # districts
    rows["district"] = _unique_map(rows["district"], lambda x: normalize_name(_text(x)))
    for position in np.flatnonzero((rows["district"] == "").to_numpy()):
        add("missing-district", position, "district")

    # projects
    index = ProjectIndex(scheme.projects)
    district_items = {p.name for p in scheme.projects if p.level == "district"}
    written = _unique_map(rows["project"], _text)
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
    status = _unique_map(rows["status"], lambda x: normalize_name(_text(x)))
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
    position_of = (
        {pair: i for i, pair in enumerate(zip(rows["_source"], rows["_row"]))} if odd else {}
    )
    odd_by_key: dict[str, list[tuple[int, Any]]] = {}
    for source, excel_row, key, raw in odd:
        position = position_of.get((source, excel_row))
        if position is not None:  # rows left out (district items) are not checked
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
    rows["city"] = _unique_map(rows["city"], lambda x: normalize_name(_text(x)))
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
        if np.isnan(values[position]):
            where = _where(
                sources,
                int(survey["_source"].iat[position]),
                int(survey["_row"].iat[position]),
                "satisfaction",
            )
            code = (
                "excel-error"
                if isinstance(raw, ExcelError)
                else "not-a-number"
                if raw is not None
                else "missing-value"
            )
            issues.append(
                Issue(code, {"label": label}, value=None if raw is None else _text(raw), **where)
            )
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
