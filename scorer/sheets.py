"""Spreadsheet files as cells: each file's sheets, the header row in each, and the columns below
it, parsed in Rust by fastexcel.

The first stage of the intake. ``open_files`` reads every sheet's first rows and begins parsing
the rows below where its header seems to end, on worker threads, before the scheme is even
loaded: fastexcel lets go of Python while it parses, so the rest of the program (pydantic and
the scheme, then pandas: half a second in all) loads in the meantime. ``locate`` then finds
each header with the scheme's labels; a sheet whose header ends elsewhere than guessed is
parsed again. The scheme module, numpy and pandas are therefore imported only inside the
functions that need them."""

from __future__ import annotations

import csv
import glob
import itertools
import logging
import os
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .errors import DataFileError
from .messages import Message, say

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from .scheme import Scheme

# fastexcel logs a warning for a column it cannot type (an empty 状态 column): not the user's concern
logging.getLogger("fastexcel").setLevel(logging.ERROR)

DATA_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
HEADER_SEARCH_ROWS = 30
_BRACKETED = re.compile(r"^(.*?)[(\[【]([^()\[\]【】]*)[)\]】]$")


class UnreadableSheet(Exception):
    """A sheet whose first rows were read but whose body the reader could not parse."""


def complaint(exc: BaseException) -> str:
    """What a reader said about a damaged or encrypted file, in one line."""
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


class ExcelError(str):
    """A cell whose value is an Excel error (#DIV/0!, #N/A, …): a formula went wrong there."""


@dataclass(frozen=True)
class Header:
    """Where a sheet's header is: one row, or two when group cells sit over the labels."""

    top: int  # first header row (0-based)
    row: int  # last header row; the data start below it
    columns: dict[str, int]  # scheme column key -> column index
    units: dict[str, str]  # unit written in a label, or in its group cell above


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
                raise DataFileError(say("data.empty_folder", path=path))
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        elif any(ch in str(given) for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(str(given)) if _is_data_file(Path(p)))
            if not matches:
                raise DataFileError(say("data.no_match", given=given))
            found.extend(matches)
        else:
            raise DataFileError(say("data.no_file", given=given))
    first: dict[Path, Path] = {}  # a file named twice (a folder and a glob) is read once
    for path in found:
        first.setdefault(path.resolve(), path)
    return list(first.values())


def _is_data_file(path: Path) -> bool:
    return (
        path.is_file() and path.suffix.lower() in DATA_SUFFIXES and not path.name.startswith("~$")
    )


class Sheet(Protocol):
    """One sheet as the intake needs it: its first rows, to find the header, and its columns
    below the header on demand. Rows and columns count from A1 whatever the reader does."""

    name: str
    head: list[list[Any]]  # the first HEADER_SEARCH_ROWS rows, anchored at A1
    extent: int | None  # the rows the sheet spans from A1, when known
    header: Header | None  # a data sheet's header, found by locate

    def body(
        self, first_row: int, columns: dict[str, int], numeric: set[str]
    ) -> tuple[dict[str, Any], list[tuple[int, str, Any]], int]:
        """The columns from 0-based row ``first_row`` down: texts as a Categorical of str ('' when
        blank; see ``coded``), numbers as float (NaN when blank or not a plain number); the
        cells that are not plain numbers as (row position, key, raw value); the row count."""
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
        self.extent: int | None = len(rows)
        self.header: Header | None = None

    def body(self, first_row, columns, numeric):
        import numpy as np
        import pandas as pd

        body = self.rows[first_row:]
        arrays: dict[str, Any] = {}
        odd: list[tuple[int, str, Any]] = []
        for key, col in columns.items():
            cells = [r[col] if col < len(r) else None for r in body]
            if key not in numeric:
                codes, uniques = pd.factorize(np.array(cells, dtype=object), use_na_sentinel=False)
                arrays[key] = coded(codes, [cell_text(u) for u in uniques])
                continue
            values = np.full(len(cells), np.nan)
            for position, cell in enumerate(cells):
                if isinstance(cell, (int, float)) and not isinstance(cell, bool):
                    values[position] = cell
                elif cell is not None and cell_text(cell) != "":
                    odd.append((position, key, cell))
            arrays[key] = values
        return arrays, odd, len(body)

    def merged(self) -> list:
        return []


_EXCEL_ERRORS = {"Div0": "#DIV/0!", "NA": "#N/A", "Name": "#NAME?", "Null": "#NULL!", "Num": "#NUM!",
                 "Ref": "#REF!", "Value": "#VALUE!", "GettingData": "#GETTING_DATA"}  # fmt: skip
_CELL_ERROR = re.compile(r"got '(\w+)\((.*)\)'$", re.S)
_EXCEL_MOMENT = re.compile(r"value: ([-+\d.eE]+), datetime_type: (\w+)")


def _odd_value(detail: str) -> Any:
    """The raw cell in fastexcel's conversion error: String("约100") or Error(Div0)."""
    match = _CELL_ERROR.search(detail)
    if not match:
        return detail
    kind, inner = match.groups()
    moment = _EXCEL_MOMENT.search(inner) if kind == "DateTime" else None
    if moment:  # a duration, date or time typed where a number is due
        from datetime import datetime, timedelta

        days = float(moment.group(1))
        if moment.group(2) == "TimeDelta":
            return timedelta(days=days)
        return datetime(1899, 12, 30) + timedelta(days=days)
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
    Its first rows (``head``) are read by ``read_sheets``."""

    def __init__(self, reader, path: Path, name: str, head: list[list[Any]], turn: threading.Lock,
                 extent: int | None = None):  # fmt: skip
        self.reader = reader
        self.extent = extent  # the rows the sheet spans from A1, when known
        self.turn = turn  # the reader's, shared by its sheets: one parse at a time
        self.path = path
        self.name = name
        self.head = head
        self.header: Header | None = None
        self.parsing: tuple[int, Future] | None = None  # (first row, its parse) begun by open_files

    def parse(
        self, first_row: int, columns: Iterable[int] | None = None, floats: Iterable[int] = ()
    ) -> tuple[Any, Any, list]:
        """The given columns (indexes from A; all when None) from row ``first_row`` down, parsed
        by fastexcel: an Arrow batch, the cells not of their column's type, and each column's
        (name, index in the batch, index from A, type). ``floats`` are read as numbers whatever
        their cells hold. Python is let go while it parses."""
        wanted = None if columns is None else set(columns)
        dtypes = {index: "float" for index in floats} or None
        with self.turn:  # a reader parses one sheet at a time (it refuses a second thread)
            sheet = self.reader.load_sheet(
                self.name, header_row=None, skip_rows=first_row,  # with no header row: from A1
                use_columns=None if wanted is None else (lambda c: c.absolute_index in wanted),
                dtypes=dtypes,
            )  # fmt: skip
            batch, errors = sheet.to_arrow_with_errors()
        selected = [
            (c.name, c.index, c.absolute_index, str(c.dtype)) for c in sheet.selected_columns
        ]
        return batch, errors, selected

    def body(self, first_row, columns, numeric):
        import numpy as np

        wanted = {col: key for key, col in columns.items()}
        parsed = None
        if self.parsing is not None:  # begun by open_files, all columns below the guessed header
            guessed, future = self.parsing
            self.parsing = None
            try:
                result = future.result()
                parsed = result if guessed == first_row else None
            except BaseException as exc:  # parsed again below; its complaint is the one reported
                if not _reader_failure(exc):
                    raise
                parsed = None
        if parsed is None:
            floats = [col for key, col in columns.items() if key in numeric]
            try:
                try:
                    parsed = self.parse(first_row, wanted)
                except BaseException as exc:
                    if not _reader_failure(exc) or "type combination" not in str(exc):
                        raise
                    # a column of numbers and durations (or dates) has no one type: the numbers
                    # read as numbers, and the other cells come back one by one, at their cells
                    parsed = self.parse(first_row, wanted, floats)
            except BaseException as exc:  # a damaged file: its first rows read, the rest not
                if not _reader_failure(exc):
                    raise
                raise UnreadableSheet(complaint(exc)) from exc
        batch, errors, selected = parsed
        arrays: dict[str, Any] = {}
        odd: list[tuple[int, str, Any]] = []
        by_index = {}
        for name, index, absolute, dtype in selected:
            if absolute not in wanted:
                continue  # a column the scheme does not read
            key = wanted[absolute]
            by_index[index] = key
            values = batch.column(name)
            if key in numeric:
                arrays[key], found = _numbers(values, dtype)
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
                arrays[key] = np.full(count, np.nan) if key in numeric else blank_texts(count)
        return arrays, odd, count

    def merged(self) -> list:
        if self.path.suffix.lower() == ".ods":
            return []  # calamine does not report merged cells of .ods files

        try:
            workbook = _calamine(self.path)
            try:
                return workbook.get_sheet_by_name(self.name).merged_cell_ranges or []
            finally:
                workbook.close()
        except BaseException as exc:
            if not _reader_failure(exc):
                raise
            raise UnreadableSheet(complaint(exc)) from exc


def _reader_failure(exc: BaseException) -> bool:
    """Whether an exception is a reader's complaint about a file: an error, or a panic in Rust
    (pyo3 raises those as BaseException), not an interrupt."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _texts(values) -> pd.Categorical:
    """An Arrow column as clean text ('' for blank), each distinct value cleaned once."""
    import pyarrow as pa

    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = values.cast(pa.string())
    encoded = values.dictionary_encode()  # names repeat: clean each distinct one once
    cleaned = [cell_text(v) for v in encoded.dictionary.to_pylist()] + [""]
    indices = encoded.indices.fill_null(len(encoded.dictionary)).to_numpy(zero_copy_only=False)
    return coded(indices, cleaned)


def coded(codes: np.ndarray, labels: list) -> pd.Categorical:
    """The texts ``labels[codes]`` as a Categorical, each distinct text once (None: missing).

    Names repeat on every row (10,000 districts × 33 projects): the intake cleans, compares,
    matches and groups them as small integer codes, and each distinct name only once."""
    import numpy as np
    import pandas as pd

    distinct: dict[str, int] = {}
    relabel = np.array(
        [-1 if t is None else distinct.setdefault(t, len(distinct)) for t in labels] + [-1],
        dtype=np.intp,
    )
    merged = relabel[np.asarray(codes, dtype=np.intp)]  # code -1 takes the last: -1
    dtype = pd.CategoricalDtype(pd.Index(list(distinct), dtype=object))
    return pd.Categorical.from_codes(merged, dtype=dtype, validate=False)


def blank_texts(count: int) -> pd.Categorical:
    import numpy as np

    return coded(np.zeros(count, dtype=np.intp), [""])


def _numbers(values, dtype: str) -> tuple[np.ndarray, list[tuple[int, Any]]]:
    """An Arrow column as floats; for a column of text, the cells that are not plain numbers
    (their text, for the intake to read as clerks write numbers: 1,000, １２, 95%)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if dtype in ("float", "int"):
        return values.to_numpy(zero_copy_only=False).astype(float), []
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = values.cast(pa.string())
    trimmed = pc.utf8_trim_whitespace(values)
    plain = pc.match_substring_regex(trimmed, _PLAIN_NUMBER)  # null where the cell is blank
    numbers = pc.cast(pc.if_else(plain, trimmed, pa.scalar(None, pa.string())), pa.float64())
    not_plain = ~plain.fill_null(True).to_numpy(zero_copy_only=False)  # a blank is not odd
    odd = np.flatnonzero(not_plain)
    raws = values.take(pa.array(odd, type=pa.int64())).to_pylist() if len(odd) else []
    return numbers.to_numpy(zero_copy_only=False), list(zip(odd.tolist(), raws))


_PLAIN_NUMBER = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"  # ASCII digits only (RE2)


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REF = re.compile(r"([A-Z]+)(\d+)")


class _XlsxPackage:
    """An xlsx file opened once for all its sheets: which XML holds each sheet, and the shared
    strings read as far as the sheets' first rows need them (each read once)."""

    def __init__(self, archive):
        from xml.etree import ElementTree

        relationship = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        self.archive = archive
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels}
        self.members: dict[str, str] = {}  # sheet name -> path inside the xlsx
        for sheet in workbook.iter(f"{_MAIN}sheet"):
            target = targets.get(sheet.get(relationship), "")
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            self.members.setdefault(sheet.get("name", ""), member)
        self._strings: list[str] = []
        self._stream = None  # sharedStrings.xml, read on as far as asked

    def strings(self, last: int) -> list[str]:
        """The shared strings up to index ``last`` (or all there are)."""
        from xml.etree import ElementTree

        if len(self._strings) > last:
            return self._strings
        if self._stream is None:
            if "xl/sharedStrings.xml" not in self.archive.namelist():
                return self._strings
            self._stream = ElementTree.iterparse(
                self.archive.open("xl/sharedStrings.xml"), events=("end",)
            )
        for _, element in self._stream:
            if element.tag != f"{_MAIN}si":
                continue
            parts = [child.text or "" for child in element if child.tag == f"{_MAIN}t"]
            parts += [
                t.text or "" for r in element.findall(f"{_MAIN}r") for t in r.findall(f"{_MAIN}t")
            ]
            self._strings.append("".join(parts))
            element.clear()
            if len(self._strings) > last:
                break
        return self._strings


def _xlsx_head(package: _XlsxPackage | Path, sheet_name: str, count: int) -> list[list[Any]] | None:
    """The first ``count`` rows of an xlsx sheet, anchored at A1, read from the start of its XML
    (and the shared strings they use). None if unreadable."""
    import zipfile
    from xml.etree import ElementTree

    if not isinstance(package, _XlsxPackage):  # one sheet of a file not yet opened
        try:
            with zipfile.ZipFile(package) as archive:
                return _xlsx_head(_XlsxPackage(archive), sheet_name, count)
        except (KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError):
            return None

    cells: dict[tuple[int, int], Any] = {}
    shared: dict[tuple[int, int], int] = {}
    try:
        member = package.members.get(sheet_name)
        if member is None:
            return None
        with package.archive.open(member) as stream:
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
            strings = package.strings(max(shared.values()))
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


# ----------------------------------------------------------------------------- limits
#
# calamine (under fastexcel and python-calamine) builds a dense range of (last row - first row
# + 1) x (column span) cells from the cells it finds, and aborts the whole process when that
# allocation fails: one cell typed at XFD1048576 asks for 512 GB. So each workbook is checked
# before a reader sees it: its signature, the sizes in its zip, and each sheet's extent.
#
# What is trusted: a sheet whose XML is small when compressed (every district's return; the
# limit below) is checked in full, its XML unpacked here and its real cell references scanned,
# so neither the zip's stated sizes nor the <dimension> tag can lie about it. A larger sheet is
# trusted to be what its zip entry and its <dimension> tag say (Excel, WPS, LibreOffice and
# the libraries all write them truly): unpacking and scanning the benchmark's 330,000-row sheet
# (114 MB of XML) costs 0.3 s more than the 2.0 s the whole assessment takes. A large sheet
# without a <dimension> tag is scanned in full all the same.

MAX_ROWS = 1_048_576  # Excel's own limits
MAX_COLUMNS = 16_384
MAX_SHEET_CELLS = 24_000_000  # 1,048,576 rows x 22 columns; the dense range is ~32 bytes a cell
MAX_MEMBER_BYTES = 1 << 30  # one XML inside the zip, unpacked (a 1,000,000-row sheet: ~350 MB)
MAX_UNPACKED_BYTES = 3 << 30  # all of them
MAX_RATIO = 100  # unpacked / packed; real sheets pack 5-20 to 1, zip bombs 1,000 to 1
RATIO_FLOOR = 1 << 20  # below this an XML may pack as tightly as it likes
SCAN_PACKED_BYTES = 2 << 20  # a sheet packed smaller than this is checked in full
SAFE_PACKED_BYTES = 64 << 10  # deflate packs 1,032 to 1 at most: this unpacks to 66 MB at most
MAX_CSV_BYTES = 1 << 30
_SIGNATURES = {".xlsx": b"PK\x03\x04", ".xlsm": b"PK\x03\x04", ".ods": b"PK\x03\x04",
               ".xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"}  # fmt: skip


class RefusedFile(Exception):
    """A data file refused before a reader opens it: not what its name says, or larger than a
    reader could hold. ``code`` and ``params`` make its Issue, ``sheet`` and ``cell`` place it."""

    def __init__(self, code: str, params: dict[str, Any], sheet: str | None = None,
                 cell: str | None = None):  # fmt: skip
        super().__init__(code)
        self.code, self.params, self.sheet, self.cell = code, params, sheet, cell


def _check_signature(path: Path, suffix: str) -> None:
    """Refuse at once a file whose first bytes are not those of the format its name says."""
    with open(path, "rb") as stream:
        start = stream.read(512)
    if start.startswith(_SIGNATURES[suffix]):
        return
    kind = {".xls": "Excel 97-2003 (.xls)", ".ods": "OpenDocument (.ods)"}.get(suffix, "Excel")
    raise RefusedFile(
        "not-a-workbook", {"suffix": suffix, "kind": kind, "seems": _what_it_seems(start)}
    )


def _what_it_seems(start: bytes) -> Message:
    """What a file that is no workbook looks like, from its first bytes."""
    text = start.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not start:
        return say("seems.empty")
    if start.startswith(b"PK\x03\x04"):
        return say("seems.zip")
    if start.startswith(_SIGNATURES[".xls"]):
        return say("seems.ole")
    if start.startswith(b"%PDF"):
        return say("seems.pdf")
    if text.startswith((b"<html", b"<!doctype", b"<table", b"<meta")):
        return say("seems.html")
    if text.startswith(b"<"):
        return say("seems.xml")
    if not start.strip(b"\0"):
        return say("seems.zeros")
    try:
        start.decode("utf-8")
        return say("seems.text")
    except UnicodeDecodeError:
        return say("seems.unknown")


def _size(count: int) -> str:
    return f"{count / 2**20:,.0f} MB" if count >= 2**20 else f"{count / 1024:,.0f} KB"


def _check_zip(archive, names: _SheetNames | dict[str, str], scanned: Iterable[str]) -> None:
    """The sizes the zip states for each member, and for ``scanned`` members their real size;
    ``names`` maps a member to the sheet it holds, to name it."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        try:
            _check_member(info, info.file_size, None)
        except RefusedFile as refused:  # named only now: most files pass, unnamed
            refused.sheet = names.get(info.filename)
            raise
    if total > MAX_UNPACKED_BYTES:
        raise RefusedFile(
            "workbook-too-large", {"member": "*", "size": _size(total),
                                   "limit": _size(MAX_UNPACKED_BYTES)},
        )  # fmt: skip
    for member in scanned:
        try:
            info = archive.getinfo(member)
        except KeyError:
            continue
        if SAFE_PACKED_BYTES < info.compress_size <= SCAN_PACKED_BYTES:
            try:
                for _ in _unpacked(archive, info, None):
                    pass
            except RefusedFile as refused:
                refused.sheet = names.get(member)
                raise


def _check_member(info, size: int, sheet: str | None) -> None:
    if size > MAX_MEMBER_BYTES:
        raise RefusedFile(
            "workbook-too-large",
            {"member": info.filename, "size": _size(size), "limit": _size(MAX_MEMBER_BYTES)},
            sheet,
        )
    if size > RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1):
        raise RefusedFile(
            "workbook-ratio",
            {"member": info.filename, "size": _size(size),
             "packed": _size(info.compress_size), "ratio": f"{size / max(info.compress_size, 1):,.0f}",
             "limit": MAX_RATIO},
            sheet,
        )  # fmt: skip


def _unpacked(archive, info, sheet: str | None, chunk: int = 1 << 20):
    """A member's real bytes, unpacked here from its raw data whatever sizes the zip states,
    in pieces; refused as soon as they pass the limits."""
    import struct
    import zlib

    if info.compress_type not in (0, 8):  # Excel, WPS and LibreOffice only store or deflate
        raise RefusedFile(
            "workbook-ratio", {"member": info.filename, "size": "?", "packed":
                               _size(info.compress_size), "ratio": "?", "limit": MAX_RATIO}, sheet
        )  # fmt: skip
    stream = archive.fp
    stream.seek(info.header_offset)
    local = stream.read(30)
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    stream.seek(info.header_offset + 30 + name_length + extra_length)
    left = info.compress_size
    inflate = zlib.decompressobj(-15) if info.compress_type == 8 else None
    seen = 0
    pending = b""
    while left > 0 or pending:
        if not pending:
            pending = stream.read(min(chunk, left))
            left -= len(pending)
            if not pending:
                break
        if inflate is None:
            piece, pending = pending, b""
        else:
            piece = inflate.decompress(pending, chunk)
            pending = inflate.unconsumed_tail
            if inflate.eof:
                pending, left = b"", 0
        seen += len(piece)
        _check_member(info, seen, sheet)
        if piece:
            yield piece


_CELL_REF = re.compile(rb' r="([A-Z]{0,4})(\d{1,10})"')  # a cell's (or a row's) reference
_WIDE_REF = re.compile(rb' r="([A-Z]{2,4})\d')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="\$?([A-Z]{1,4})\$?(\d{1,10})'
                        rb'(?::\$?([A-Z]{1,4})\$?(\d{1,10}))?"')  # fmt: skip


def _sheet_extent(archive, info, sheet: str | None) -> tuple[int, int]:
    """A sheet's rows and columns counted from A1, as calamine will span them; refused when
    they pass the limits, at the cell farthest out."""
    import zipfile
    import zlib

    pieces = _unpacked(archive, info, sheet)
    try:
        start = next(pieces, b"")
    except (zlib.error, OSError):
        return 0, 0  # a damaged sheet: the reader says so
    if info.compress_size > SCAN_PACKED_BYTES:
        found = _DIMENSION.search(start[:4096])
        if found:
            left, top, right, bottom = found.groups()
            rows, columns = int(bottom or top), column_index((right or left).decode()) + 1
            return _check_extent(rows, columns, sheet)
    prefix = re.match(rb"(?:<\?[^>]*>\s*)?<(\w+:)?worksheet", start.lstrip(b"\xef\xbb\xbf"))
    cell_open = (prefix.group(1) if prefix and prefix.group(1) else b"") + b"c"
    first = last = 0
    widest = b"Z"  # references of one letter: 26 columns at most, counted so
    unreferenced = 0  # cells (or rows) without a reference take the next place after the last
    carry = b""
    try:
        for piece in itertools.chain([start], pieces):
            piece = carry + piece
            cut = piece.rfind(b"<")
            piece, carry = piece[:cut], piece[cut:]
            first, last, widest, unreferenced = _scan_piece(
                piece, cell_open, first, last, widest, unreferenced
            )
        first, last, widest, unreferenced = _scan_piece(
            carry, cell_open, first, last, widest, unreferenced
        )
    except (zlib.error, zipfile.BadZipFile, OSError):
        return 0, 0  # a damaged sheet: the reader says so, and it has not got far enough to abort
    if last < first:
        raise RefusedFile("sheet-out-of-order", {}, sheet)
    columns = column_index(widest.decode()) + 1 + unreferenced
    return _check_extent(last + unreferenced, columns, sheet)


def _scan_piece(piece: bytes, cell_open: bytes, first, last, widest, unreferenced):
    wide = _WIDE_REF.findall(piece)
    if wide:
        widest = max([widest, *set(wide)], key=lambda w: (len(w), w))
    references = piece.count(b' r="')
    cells = piece.count(b"<" + cell_open + b" ") + piece.count(b"row ")  # rows, prefixed or not
    unreferenced += max(0, cells - references) + piece.count(b"<" + cell_open + b">")
    unreferenced += piece.count(b"<row>")
    if references:
        found = _CELL_REF.search(piece)
        if found and not first:
            first = int(found.group(2))
        at = piece.rfind(b' r="')
        while at >= 0:
            found = _CELL_REF.match(piece, at)
            if found:
                last = int(found.group(2))
                break
            at = piece.rfind(b' r="', 0, at)
    return first, last, widest, unreferenced


def _check_extent(rows: int, columns: int, sheet: str) -> tuple[int, int]:
    if rows > MAX_ROWS or columns > MAX_COLUMNS or rows * columns > MAX_SHEET_CELLS:
        raise RefusedFile(
            "sheet-too-large",
            {"rows": f"{rows:,}", "columns": f"{columns:,}", "cells": f"{rows * columns:,}",
             "limit": f"{MAX_SHEET_CELLS:,}", "max_rows": f"{MAX_ROWS:,}",
             "max_columns": f"{MAX_COLUMNS:,}"},
            sheet, f"{column_letter(max(columns, 1) - 1)}{max(rows, 1)}",
        )  # fmt: skip
    return rows, columns


def _check_ods(archive) -> None:
    _check_zip(archive, {}, ["content.xml"])


def read_sheets(path: Path) -> list[Sheet]:
    """The sheets of a workbook (a CSV file is one sheet), once the file has passed the limits;
    ``RefusedFile`` when it does not."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if path.stat().st_size > MAX_CSV_BYTES:
            raise RefusedFile(
                "workbook-too-large",
                {"member": path.name, "size": _size(path.stat().st_size),
                 "limit": _size(MAX_CSV_BYTES)},
            )  # fmt: skip
        return [_RowsSheet(path.stem, _read_csv(path))]
    _check_signature(path, suffix)
    heads: dict[str, list[list[Any]]] = {}
    extents: dict[str, int] = {}
    if suffix in (".xlsx", ".xlsm", ".ods"):
        import zipfile

        with zipfile.ZipFile(path) as archive:
            if suffix == ".ods":
                _check_ods(archive)
            else:
                heads, extents = _check_xlsx(path, archive)
    import fastexcel

    try:
        reader = fastexcel.read_excel(_source(path))
        names = reader.sheet_names
    except BaseException as exc:  # a panic in the reader is no reason to stop the program
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        raise ValueError(complaint(exc)) from None
    heads.update(_heads(path, [n for n in names if n not in heads], extents))
    turn = threading.Lock()
    return [
        _WorkbookSheet(reader, path, name, heads[name], turn, extents.get(name)) for name in names
    ]


def _source(path: Path) -> str | bytes:
    """What the Rust readers take for a file: its path, or where the path is not UTF-8 (a name
    made on another system, which they cannot take), the file's bytes."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return path.read_bytes()
    return str(path)


def _calamine(path: Path):
    from python_calamine import CalamineWorkbook

    source = _source(path)
    if isinstance(source, bytes):
        import io

        return CalamineWorkbook.from_filelike(io.BytesIO(source))
    return CalamineWorkbook.from_path(source)


_WORKSHEET_TARGET = re.compile(
    rb'<Relationship\b(?=[^>]*\bType="[^"]*/worksheet")[^>]*\bTarget="([^"]+)"'
)


def _sheet_members(archive) -> list[str]:
    """The members that hold sheets: those the workbook's relationships name as worksheets,
    and any under xl/worksheets/. Found with a pattern, not an XML parse: this runs on every
    file, and a name is needed only to say which sheet a refusal is about."""
    members = {n for n in archive.namelist() if n.startswith("xl/worksheets/") and
               n.endswith(".xml")}  # fmt: skip
    try:
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        rels = b""
    for target in _WORKSHEET_TARGET.findall(rels):
        text = target.decode("utf-8", "replace")
        members.add(text.lstrip("/") if text.startswith("/") else f"xl/{text}")
    return sorted(members)


class _SheetNames:
    """Member → sheet name, read from workbook.xml only when a refusal must name its sheet."""

    def __init__(self, archive, package: _XlsxPackage | None = None):
        self.archive = archive
        self.names = None if package is None else _names_of(package)

    def get(self, member: str, default: str | None = None) -> str | None:
        if self.names is None:
            try:
                self.names = _names_of(_XlsxPackage(self.archive))
            except Exception:  # no workbook.xml, or damaged: the member's path says where
                self.names = {}
        return self.names.get(member, default)


def _names_of(package: _XlsxPackage) -> dict[str, str]:
    return {member: name for name, member in package.members.items()}


def _check_xlsx(path: Path, archive) -> tuple[dict[str, list[list[Any]]], dict[str, int]]:
    """An xlsx file's limits checked, its sheets found once for all of them; the first rows of
    a large file's sheets read from the start of their XML on the way (calamine would parse
    each whole sheet for them), and each such sheet's rows. (A small file's rows are counted
    by calamine as it reads the first rows.)"""
    large = path.stat().st_size > _LARGE_XLSX
    package = None
    if large:
        try:
            package = _XlsxPackage(archive)
        except Exception:  # no workbook.xml, or damaged: the reader says what is wrong
            return {}, {}
    names = _SheetNames(archive, package)
    _check_zip(archive, names, ["xl/sharedStrings.xml", "xl/styles.xml"])
    rows: dict[str, int] = {}
    for member in _sheet_members(archive):
        try:
            info = archive.getinfo(member)
        except KeyError:
            continue
        try:
            rows[member] = _sheet_extent(archive, info, None)[0]
        except RefusedFile as refused:
            refused.sheet = refused.sheet or names.get(member, member)
            raise
    if package is None:
        return {}, {}
    extents = {name: rows[member] for name, member in package.members.items() if member in rows}
    heads: dict[str, list[list[Any]]] = {}
    for name in package.members:
        head = _xlsx_head(package, name, HEADER_SEARCH_ROWS)
        if head is not None:
            heads[name] = head
    return heads, extents


def _heads(
    path: Path, names: list[str], extents: dict[str, int] | None = None
) -> dict[str, list[list[Any]]]:
    """Each named sheet's first HEADER_SEARCH_ROWS rows, anchored at A1, read by calamine, the
    workbook opened once for all its sheets; the rows each sheet spans go in ``extents``."""
    heads: dict[str, list[list[Any]]] = {}
    extents = {} if extents is None else extents
    if names:
        workbook = _calamine(path)
        try:
            for name in names:
                sheet = workbook.get_sheet_by_name(name)
                heads[name] = sheet.to_python(skip_empty_area=False, nrows=HEADER_SEARCH_ROWS)
                extents[name] = sheet.end[0] + 1 if sheet.end is not None else 0
        finally:
            workbook.close()
    return heads


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


def cell_text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return unicodedata.normalize("NFKC", str(raw)).strip()


@lru_cache(maxsize=1 << 14)
def split_label(raw: Any) -> tuple[str, str | None]:
    """A header cell as (name, unit): 计划资金（万元） -> (计划资金, 万元); names normalised."""
    from .scheme import normalize_name

    text = normalize_name(cell_text(raw))
    match = _BRACKETED.match(text)
    if match and match.group(1):
        unit = re.sub(r"^单位[:：]?", "", match.group(2)) or None
        return match.group(1), unit
    return text, None


def label_table(scheme: Scheme) -> dict[str, str]:
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


def find_header(
    rows: list[list[Any]], labels: dict[str, str], must: str, least: int
) -> Header | None:
    """The header among the first rows: the one (or two) naming most scheme columns, with
    ``must`` among them and at least ``least`` in all."""
    best: Header | None = None
    searched = min(len(rows), HEADER_SEARCH_ROWS)
    # ``must`` is found only in a row that names it: the other rows (the data below the header,
    # titles above it) need not be read as headers at all
    naming = [
        any(isinstance(c, str) and labels.get(split_label(c)[0]) == must for c in rows[r])
        for r in range(searched)
    ]  # (a label is a text: the numbers of the data rows need no look)
    for bottom in range(searched):
        for top in (bottom, bottom - 1) if bottom else (bottom,):
            if not (naming[bottom] or naming[top]):
                continue
            found, units = _read_header(rows, top, bottom, labels)
            if (
                must in found
                and len(found) >= least
                and (best is None or len(found) > len(best.columns))
            ):
                best = Header(top, bottom, found, units)
    return best


# ----------------------------------------------------------------------------- opening


@dataclass
class Workbook:
    """A data file as opened: its sheets, or why it could not be read."""

    path: Path
    sheets: list[Sheet] = field(default_factory=list)
    error: str | None = None  # the reader's complaint about a damaged or encrypted file
    refused: RefusedFile | None = None  # refused before a reader saw it (the limits)


def open_files(
    paths: Iterable[str | Path], progress: Callable[[int, int], None] | None = None
) -> list[Workbook]:
    """Every file's sheets with their first rows; for each sheet fastexcel reads, the parse of
    all its columns below where the header seems to end (``_guess_first_row``) begun on a
    worker thread. ``sheet.body()`` takes that parse when the header found by ``locate`` ends
    there, and parses again when it does not.

    One task per file, as many threads as cores; a file's reader parses one sheet at a time,
    whichever thread asks (``_WorkbookSheet.turn``). ``progress(done, total)`` is called as
    the files are opened."""
    workbooks = []
    files = expand_paths(paths)
    for done, path in enumerate(files):
        if progress is not None and done:
            progress(done, len(files))
        try:
            sheets = read_sheets(path)
        except RefusedFile as refused:
            workbooks.append(Workbook(path, error=str(refused), refused=refused))
            continue
        except BaseException as exc:  # the readers raise several kinds for damaged files
            if not _reader_failure(exc):
                raise
            workbooks.append(Workbook(path, error=complaint(exc)))
            continue
        begun = []
        for sheet in sheets:
            first_row = _guess_first_row(sheet.head) if isinstance(sheet, _WorkbookSheet) else None
            if first_row is not None:
                sheet.parsing = (first_row, Future())
                begun.append((sheet, *sheet.parsing))
        if begun:
            _workers().submit(_parse_in_turn, begun)
        workbooks.append(Workbook(path, sheets))
    return workbooks


def locate(workbooks: list[Workbook], scheme: Scheme) -> None:
    """Each data sheet's header (``sheet.header``), found with the scheme's column labels; the
    survey sheet, named in the scheme, is left to the intake."""
    from .scheme import normalize_name

    labels = label_table(scheme)
    least = 2 + min(2, len(scheme.measure_keys()))  # project (or district) and a few measures
    survey = normalize_name(scheme.survey.sheet) if scheme.survey is not None else None
    for workbook in workbooks:
        for sheet in workbook.sheets:
            if normalize_name(sheet.name) != survey:
                sheet.header = find_header(sheet.head, labels, "project", least - 1)


def _guess_first_row(head: list[list[Any]]) -> int | None:
    """Where a sheet's data probably begin, judged without the scheme: below the row with the
    most texts among the first rows (the header's labels), and below a second row of labels
    under it (labels under group cells) when the row after that has numbers and it has none.
    None for a sheet without numbers there (instructions, an empty sheet)."""

    def texts(row) -> int:
        return sum(1 for cell in row if isinstance(cell, str) and cell.strip())

    def numbers(row) -> bool:
        return any(isinstance(c, (int, float)) and not isinstance(c, bool) for c in row)

    widest = max(range(len(head)), key=lambda r: (texts(head[r]), -r), default=None)
    if widest is None or texts(head[widest]) < 2:
        return None
    first = widest + 1
    if first + 1 < len(head) and not numbers(head[first]) and numbers(head[first + 1]):
        first += 1
    return first if any(numbers(row) for row in head[first:]) else None


@lru_cache(maxsize=1)
def _workers() -> ThreadPoolExecutor:
    """The threads that parse: idle between runs, ended when the program ends."""
    return ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="scorer-parse")


def _parse_in_turn(begun: list[tuple[_WorkbookSheet, int, Future]]) -> None:
    """A file's sheets parsed one after another, each result (or failure) in its future."""
    for sheet, first_row, future in begun:
        try:
            future.set_result(sheet.parse(first_row))
        except BaseException as exc:  # handed to whoever asks for the sheet's body
            future.set_exception(exc if _reader_failure(exc) else RuntimeError(str(exc)))


# ----------------------------------------------------------------------------- cell kinds
#
# (issue 12) fastexcel gives a cell formatted as a percentage (0.935 shown as 93.5%) as 0.935,
# and a TRUE/FALSE cell as 1/0, with nothing to tell them from typed numbers; the sheet's XML
# and its styles do. Read only for xlsx files, only for a sheet whose styles hold a percent
# format or whose XML has boolean cells; a sheet packed larger than SCAN_PACKED_BYTES (a
# national workbook, not a district's return) is scanned only when it has percent formats.

_PERCENT_BUILTIN = {9, 10}
_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _percent_styles(archive) -> set[int]:
    """The cell styles (indexes into cellXfs) whose number format shows a percentage."""
    from xml.etree import ElementTree

    try:
        styles = archive.read("xl/styles.xml")
        if b"%" not in styles and b'numFmtId="9"' not in styles and b'numFmtId="10"' not in styles:
            return set()  # the usual case, seen without parsing the XML
        root = ElementTree.fromstring(styles)
    except (KeyError, ElementTree.ParseError):
        return set()
    percent = set(_PERCENT_BUILTIN)
    for fmt in root.iter(f"{_MAIN}numFmt"):
        code = re.sub(r'"[^"]*"|\\.', "", fmt.get("formatCode", ""))
        if "%" in code:
            percent.add(int(fmt.get("numFmtId", "0")))
    xfs = root.find(f"{_MAIN}cellXfs")
    if xfs is None:
        return set()
    return {
        number
        for number, xf in enumerate(xfs.findall(f"{_MAIN}xf"))
        if int(xf.get("numFmtId", "0")) in percent
    }


def marked_cells(path: Path) -> dict[str, dict[tuple[int, int], Any]]:
    """Per sheet of an xlsx file, the cells that read as plain numbers but are not: (row,
    column), 0-based from A1 -> ``PercentCell(value)`` for a number shown as a percentage,
    True/False for a logical cell. The file is opened once for all its sheets; sheets with
    neither, and other formats, are left out."""
    import zipfile

    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    found: dict[str, dict[tuple[int, int], Any]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            percent = _percent_styles(archive)
            styles = {f' s="{n}"'.encode() for n in percent}
            by_member: dict[str, dict[tuple[int, int], Any]] = {}
            for member in _sheet_members(archive):
                info = archive.getinfo(member)
                if info.compress_size > SCAN_PACKED_BYTES and not percent:
                    continue
                marks = _marks(archive.read(member), styles)
                if marks:
                    by_member[member] = marks
            if by_member:  # the sheets' names only for the sheets that have such cells
                for name, member in _XlsxPackage(archive).members.items():
                    if member in by_member:
                        found[name] = by_member[member]
    except Exception:  # a damaged file: the reader says what is wrong with it
        return found
    return found


def _marks(data: bytes, styles: set[bytes]) -> dict[tuple[int, int], Any]:
    if b't="b"' not in data and not any(s in data for s in styles):
        return {}
    found: dict[tuple[int, int], Any] = {}
    for match in _CELL.finditer(data):
        attributes, inner = match.group(3), match.group(4) or b""
        logical = b't="b"' in attributes
        styled = any(s in attributes for s in styles) and b't="' not in attributes
        if not (logical or styled):
            continue
        value = _VALUE.search(inner)
        if value is None:
            continue
        place = (int(match.group(2)) - 1, column_index(match.group(1).decode()))
        try:
            found[place] = value.group(1) == b"1" if logical else PercentCell(value.group(1))
        except ValueError:
            continue
    return found


class PercentCell(float):
    """A number Excel shows as a percentage: 0.935 shown as 93.5%."""
