"""Spreadsheet files as cells: each file's sheets, the header row in each, and the columns below
it, parsed in Rust by fastexcel.

The first stage of the intake. ``open_files`` reads every sheet's first rows and begins parsing
the rows below where its header seems to end, on worker threads, before the scheme is even
loaded: fastexcel lets go of Python while it parses, so the rest of the program (pydantic and
the scheme, then pandas: half a second in all) loads in the meantime. ``locate`` then finds
each header with the scheme's labels; a sheet whose header ends elsewhere than guessed is
parsed again. The scheme module, numpy and pandas are therefore imported only inside the
functions that need them. A small xlsx file (a district's return) is not parsed twice: calamine
parses each of its sheets whole for the first rows anyway, and a sheet's body is read from the
rows it gave (``_small_sheets``, ``intake.typed``), with no parse begun and no fastexcel.

Long because: one responsibility, files to sheets, and its parts (the sheet classes, the
threaded parse, the small file read once) share the sheet objects and the thread pool; the
header search is in headers.py, an xlsx file's own parts (cell kinds, limits) in intake/xlsx.py."""

from __future__ import annotations

import glob
import logging
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .cells import ExcelError as ExcelError  # the intake takes it from here
from .cells import PercentCell as PercentCell  # the intake takes it from here
from .cells import column_letter as column_letter  # the intake takes it from here
from .cells import odd_value
from .errors import DataFileError
from .headers import HEADER_SEARCH_ROWS, Header, _cleaned, cell_text, find_header, label_table
from .messages import say

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from .intake.limits import RefusedFile
    from .intake.xlsx import CellKinds
    from .scheme import Scheme

# fastexcel logs a warning for a column it cannot type (an empty 状态 column):
# not the user's concern
logging.getLogger("fastexcel").setLevel(logging.ERROR)

DATA_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


class UnreadableSheet(Exception):
    """A sheet whose first rows were read but whose body the reader could not parse; or, with
    ``refused``, one found to pass a limit only once its parse had begun (``_parse_apart``)."""

    refused: RefusedFile | None = None


def complaint(exc: BaseException) -> str:
    """What a reader said about a damaged or encrypted file, in one line."""
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


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

    def marked_cells(self) -> dict[tuple[int, int], Any]:
        """The cells that read as plain numbers but are not: (row, column), 0-based from A1 ->
        ``PercentCell`` for a number shown as a percentage, True/False for a logical cell."""
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
                arrays[key] = texts(codes, [cell_text(u) for u in uniques])
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

    def marked_cells(self) -> dict[tuple[int, int], Any]:
        return {}  # a CSV file's cells are texts


# An xlsx file larger than this has its first rows read from the start of its XML: calamine
# parses a whole sheet even for a few rows. A district's own return (10-30 KB) is smaller, and
# calamine reads all of it in a fraction of the time Python takes over the first rows' XML.
_LARGE_XLSX = 256 * 1024


class _WorkbookSheet:
    """A sheet of an xlsx/xls/ods workbook. The body is read once with fastexcel (numbers parsed
    in Rust; only cells that are not plain numbers come back to Python, with their content).
    Its first rows (``head``) are read by ``read_sheets``. A large sheet whose cells were not
    scanned (``apart``: its member and the cells it claims) is parsed in a child process."""

    def __init__(self, reader, path: Path, name: str, head: list[list[Any]], turn: threading.Lock,
                 extent: int | None = None, apart: tuple[str, int] | None = None):  # fmt: skip
        self.reader = reader
        self.extent = extent  # the rows the sheet spans from A1, when known
        self.turn = turn  # the reader's, shared by its sheets: one parse at a time
        self.path = path
        self.name = name
        self.head = head
        self.header: Header | None = None
        self.parsing: tuple[int, Future] | None = None  # (first row, its parse) begun by open_files
        self.apart = apart
        self.refused: UnreadableSheet | None = None  # found, once its child died, to pass a limit
        self.kinds: CellKinds | None = None  # the workbook's percent styles, marked cells
        self.marks: dict[tuple[int, int], Any] | None = {}  # None: not yet read (a large sheet)
        self.maybe_logical: bool | None = None  # whether a parse gave cells TRUE/FALSE may read as
        self.rows: list[list[Any]] | None = None  # a small sheet's rows, its body read from them
        self.merges: list | None = None  # its merged ranges, read with them
        self.first_col = 0  # with them: its first column with a cell

    def marked_cells(self) -> dict[tuple[int, int], Any]:
        """The cells that read as plain numbers but are not (``intake.xlsx.CellKinds``). A large
        sheet the limits scan did not unpack is read for them now, if the workbook has percent
        formats or a parse of it gave numbers 0 or 1 (or texts such as "true"): a TRUE/FALSE
        cell reads as one of those. (Unparsed, it may have them.)"""
        if self.marks is not None:
            return self.marks
        kinds = self.kinds
        member = None if kinds is None else kinds.member_of.get(self.name)
        if kinds is None or member is None:
            return {}
        if not kinds.styles and self.maybe_logical is False:
            return {}  # (not kept: a parse of other columns may give such cells)
        from .intake.xlsx import sheet_marks

        self.marks = sheet_marks(self.path, member, kinds.styles)
        return self.marks

    def parse(
        self, first_row: int, columns: Iterable[int] | None = None, floats: Iterable[int] = ()
    ) -> tuple[Any, Any, list]:
        """The given columns (indexes from A; all when None) from row ``first_row`` down, parsed
        by fastexcel: an Arrow batch, the cells not of their column's type, and each column's
        (name, index in the batch, index from A, type). ``floats`` are read as numbers whatever
        their cells hold. Python is let go while it parses."""
        wanted = None if columns is None else set(columns)
        options = dict(
            header_row=None, skip_rows=first_row,  # with no header row: from A1
            use_columns=None if wanted is None else (lambda c: c.absolute_index in wanted),
            dtypes={index: "float" for index in floats} or None,
        )  # fmt: skip
        if self.refused is not None:
            raise self.refused
        if self.apart is not None:  # in a child of its own, alongside the file's other sheets
            parsed = self._parse_apart(options)
            if parsed is not None:
                return parsed
        with self.turn:  # a reader parses one sheet at a time (it refuses a second thread)
            sheet = self.reader.load_sheet(self.name, **options)
            batch, errors = sheet.to_arrow_with_errors()
        selected = [
            (c.name, c.index, c.absolute_index, str(c.dtype)) for c in sheet.selected_columns
        ]
        return batch, errors, selected

    def _parse_apart(self, options: dict[str, Any]) -> tuple[Any, Any, list] | None:
        """The parse from a child process; None when it died and the sheet, scanned here, is
        within the limits (parse it here), ``UnreadableSheet`` with the refusal when not."""
        from .intake import isolation, limits

        assert self.apart is not None
        try:
            parsed = isolation.parse_or_scan(self.path, *self.apart, self.name, options)
        except limits.RefusedFile as refused:
            self.refused = UnreadableSheet(refused.code)
            self.refused.refused = refused
            raise self.refused from None
        if parsed is None:
            self.apart = None
        return parsed

    def body(self, first_row, columns, numeric):
        import numpy as np

        wanted = {col: key for key, col in columns.items()}
        read = None
        if self.rows is not None:  # a small sheet: its rows, read as fastexcel would read them
            from .intake.typed import rows_body

            read = rows_body(self.rows, first_row, wanted, numeric, self.first_col)
        if read is None:
            read = self._arrow_body(first_row, wanted, columns, numeric)
        arrays, odd, count = read
        if self.marks is None and not self.maybe_logical:
            self.maybe_logical = _maybe_logical(arrays, numeric, odd)
        for key in columns:
            if key not in arrays:  # a column the sheet's range does not reach: empty
                arrays[key] = np.full(count, np.nan) if key in numeric else blank_texts(count)
        return arrays, odd, count

    def _arrow_body(self, first_row, wanted, columns, numeric):
        """``body``'s columns as fastexcel parses them (begun by ``open_files`` when the header
        ends where it was guessed), but for the columns the sheet lacks."""
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
            parsed = self._parse_body(
                first_row, wanted, [c for k, c in columns.items() if k in numeric]
            )
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
                odd.append((position, by_index[index], odd_value(error.detail)))
        return arrays, odd, batch.num_rows

    def _parse_body(self, first_row: int, wanted: dict, floats: list[int]) -> tuple:
        try:
            try:
                return self.parse(first_row, wanted)
            except BaseException as exc:
                if not _reader_failure(exc) or "type combination" not in str(exc):
                    raise
                # a column of numbers and durations (or dates) has no one type: the numbers
                # read as numbers, and the other cells come back one by one, at their cells
                return self.parse(first_row, wanted, floats)
        except UnreadableSheet:
            raise
        except BaseException as exc:  # a damaged file: its first rows read, the rest not
            if not _reader_failure(exc):
                raise
            raise UnreadableSheet(complaint(exc)) from exc

    def merged(self) -> list:
        if self.merges is not None:
            return self.merges
        member = None if self.kinds is None else self.kinds.member_of.get(self.name)
        if member is not None:  # a large xlsx sheet: its <mergeCell> tags, not a parse
            from .intake.xlsx import sheet_merges

            self.merges = sheet_merges(self.path, member)
            if self.merges is not None:
                return self.merges
        if self.path.suffix.lower() == ".ods":
            return []  # calamine does not report merged cells of .ods files

        from .intake.opening import calamine

        try:
            workbook = calamine(self.path)
            try:
                return workbook.get_sheet_by_name(self.name).merged_cell_ranges or []
            finally:
                workbook.close()
        except BaseException as exc:
            if not _reader_failure(exc):
                raise
            raise UnreadableSheet(complaint(exc)) from exc


def _maybe_logical(arrays: dict[str, Any], numeric: set[str], odd: list) -> bool:
    """Whether numeric columns as parsed hold a cell that may be TRUE/FALSE: fastexcel reads
    one as 1 or 0 in a column of numbers, "true"/"false" in a column of texts."""
    for key in numeric:
        values = arrays.get(key)
        if values is not None and bool(((values == 0) | (values == 1)).any()):
            return True
    return any(
        not isinstance(raw, str) or raw.strip().lower() in ("true", "false") for _, _, raw in odd
    )


def _reader_failure(exc: BaseException) -> bool:
    """Whether an exception is a reader's complaint about a file: an error, or a panic in Rust
    (pyo3 raises those as BaseException), not an interrupt."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _texts(values) -> Texts:
    """An Arrow column as clean text ('' for blank), each distinct value cleaned once."""
    import pyarrow as pa

    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = values.cast(pa.string())
    encoded = values.dictionary_encode()  # names repeat: clean each distinct one once
    cleaned = [_cleaned(v) for v in encoded.dictionary.to_pylist()] + [""]
    indices = encoded.indices.fill_null(len(encoded.dictionary)).to_numpy(zero_copy_only=False)
    return texts(indices, cleaned)


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


class Texts:
    """A sheet's text column as read, before the sheets are joined: ``labels[codes]``, each
    label a cleaned text, not necessarily distinct (None: missing). A Categorical costs more
    to build than a district's return of 33 rows costs to read; the sheets' texts become one
    Categorical when they are joined (``texts.concat``). It is indexed as a Categorical is:
    ``texts[i]`` a text, ``texts[mask]`` the rows kept."""

    __slots__ = ("codes", "categories")

    def __init__(self, codes: np.ndarray, labels: list):
        self.codes = codes  # into labels; -1 for missing
        self.categories = labels

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, where):
        if not hasattr(where, "__len__") and not isinstance(where, slice):  # one row
            code = int(self.codes[where])
            return None if code < 0 else self.categories[code]
        return Texts(self.codes[where], self.categories)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        import numpy as np

        labels = np.array([*self.categories, None], dtype=object)
        return labels[self.codes]  # code -1 takes the last: None

    def categorical(self) -> pd.Categorical:
        return coded(self.codes, self.categories)


def texts(codes: np.ndarray, labels: list) -> Texts:
    """The texts ``labels[codes]`` of one sheet (see ``Texts``)."""
    import numpy as np

    return Texts(np.asarray(codes, dtype=np.intp), labels)


def blank_texts(count: int) -> Texts:
    import numpy as np

    return Texts(np.zeros(count, dtype=np.intp), [""])


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


def read_sheets(path: Path) -> list[Sheet]:
    """The sheets of a workbook (a CSV file is one sheet), once the file has passed the limits;
    ``RefusedFile`` when it does not. A small xlsx file (a district's return) is read from disk
    once: its bytes serve the limits, the cell kinds and both readers."""
    from .intake import limits
    from .intake.opening import read_csv, source

    suffix = path.suffix.lower()
    if suffix == ".csv":
        limits.check_csv(path)
        return [_RowsSheet(path.stem, read_csv(path))]
    data = None
    if suffix in (".xlsx", ".xlsm") and path.stat().st_size <= _LARGE_XLSX:
        data = path.read_bytes()
    limits.check_signature(path, suffix, data)
    heads: dict[str, list[list[Any]]] = {}
    extents: dict[str, int | None] = {}
    apart: dict[str, tuple[str, int]] = {}
    kinds = None
    if suffix in (".xlsx", ".xlsm"):
        from .intake.xlsx import open_xlsx

        heads, extents, apart, kinds = open_xlsx(path, _LARGE_XLSX, HEADER_SEARCH_ROWS, data)
        if data is not None:  # a small file: calamine gives its sheets' rows, all it needs
            small = _small_sheets(path, data, kinds)
            if small is not None:
                return small
    elif suffix == ".ods":
        import zipfile

        with zipfile.ZipFile(path) as archive:
            limits.check_ods(archive)
    import fastexcel

    try:
        reader = fastexcel.read_excel(source(path) if data is None else data)
        names = reader.sheet_names
    except BaseException as exc:  # a panic in the reader is no reason to stop the program
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        raise ValueError(complaint(exc)) from None
    missing = [n for n in names if n not in heads]
    if any(n in apart for n in missing):  # calamine would parse them whole in this process
        from .intake.xlsx import scan_apart

        scan_apart(path, apart, missing)
    heads.update(_heads(path, missing, extents, data))
    turn = threading.Lock()
    found: list[Sheet] = []
    for name in names:
        sheet = _WorkbookSheet(reader, path, name, heads[name], turn, extents.get(name),
                               apart.get(name))  # fmt: skip
        if kinds is not None:
            sheet.kinds = kinds
            sheet.marks = kinds.found_in(name)
        else:
            sheet.marks = {}  # (xls, ods: their cells' kinds are not read)
        found.append(sheet)
    return found


# A small file's sheet of at most this many cells (from A1 to its last) is read from the rows
# calamine gives (``intake.typed``): parsed once. A larger one is parsed again by fastexcel,
# whose Arrow columns cost less than Python's reading of so many cells.
WHOLE_ROWS_CELLS = 50_000


def _small_sheets(path: Path, data: bytes, kinds: CellKinds) -> list[Sheet] | None:
    """A small xlsx file's sheets as calamine reads them, the file parsed once: every sheet's
    first rows and merged ranges, and for a sheet of at most WHOLE_ROWS_CELLS cells that
    calamine reads as fastexcel does (``CellKinds.blurred``), all its rows, to read its body
    from; fastexcel opens the file (its bytes, kept for it) only if a sheet needs it. None
    when calamine cannot read the file: the readers then open it as for any other, and say
    what is wrong."""
    from .intake.opening import calamine

    found: list[_WorkbookSheet] = []
    reader = _LazyReader(path, data)
    turn = threading.Lock()
    try:
        workbook = calamine(path, data)
        try:
            for name in workbook.sheet_names:
                cells = workbook.get_sheet_by_name(name)
                end = cells.end
                extent = end[0] + 1 if end is not None else 0
                whole = extent * (
                    end[1] + 1 if end is not None else 0
                ) <= WHOLE_ROWS_CELLS and not kinds.blurred(name)
                rows = cells.to_python(
                    skip_empty_area=False, nrows=None if whole else HEADER_SEARCH_ROWS
                )
                sheet = _WorkbookSheet(reader, path, name, rows[:HEADER_SEARCH_ROWS], turn, extent)
                sheet.merges = cells.merged_cell_ranges or []
                if whole:
                    sheet.rows = rows
                    sheet.first_col = cells.start[1] if cells.start is not None else 0
                sheet.kinds, sheet.marks = kinds, kinds.found_in(name)
                found.append(sheet)
        finally:
            workbook.close()
    except BaseException as exc:
        if not _reader_failure(exc):
            raise
        return None
    if all(sheet.rows is not None for sheet in found):
        reader.data = None  # (no sheet will be parsed: the file's bytes are not kept)
    return list(found)


class _LazyReader:
    """fastexcel's reader of a file, opened when a sheet is first parsed (``_small_sheets``:
    a small sheet's body is read from its rows, and its file may not be opened at all)."""

    def __init__(self, path: Path, data: bytes | None):
        self.path = path
        self.data = data  # the file's bytes, as read once for the limits and calamine
        self.opened: Any = None

    def load_sheet(self, name: str, **options):
        if self.opened is None:
            import fastexcel

            from .intake.opening import source

            given = source(self.path) if self.data is None else self.data
            self.opened = fastexcel.read_excel(given)
            self.data = None
        return self.opened.load_sheet(name, **options)


def _heads(
    path: Path,
    names: list[str],
    extents: dict[str, int | None] | None = None,
    data: bytes | None = None,
) -> dict[str, list[list[Any]]]:
    """Each named sheet's first HEADER_SEARCH_ROWS rows, anchored at A1, read by calamine, the
    workbook opened once for all its sheets (from ``data``, its bytes, when they were read);
    the rows each sheet spans go in ``extents``."""
    heads: dict[str, list[list[Any]]] = {}
    extents = {} if extents is None else extents
    if names:
        from .intake.opening import calamine

        workbook = calamine(path, data)
        try:
            for name in names:
                sheet = workbook.get_sheet_by_name(name)
                heads[name] = sheet.to_python(skip_empty_area=False, nrows=HEADER_SEARCH_ROWS)
                extents[name] = sheet.end[0] + 1 if sheet.end is not None else 0
        finally:
            workbook.close()
    return heads


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
    """Every file's sheets with their first rows; for each sheet fastexcel reads (not a small
    one read from its rows), the parse of all its columns below where the header seems to end
    (``_guess_first_row``) begun on a worker thread. ``sheet.body()`` takes that parse when the
    header found by ``locate`` ends there, and parses again when it does not.

    One task per file, and one per sheet parsed in a child process (a large one), as many
    threads as cores; a file's reader parses one sheet at a time, whichever thread asks
    (``_WorkbookSheet.turn``). ``progress(done, total)`` is called as
    the files are opened."""
    from .intake import limits  # (intake's modules import this one: theirs are imported here)

    workbooks = []
    files = expand_paths(paths)
    for done, path in enumerate(files):
        if progress is not None and done:
            progress(done, len(files))
        try:
            sheets = read_sheets(path)
        except limits.RefusedFile as refused:
            workbooks.append(Workbook(path, error=str(refused), refused=refused))
            continue
        except BaseException as exc:  # the readers raise several kinds for damaged files
            if not _reader_failure(exc):
                raise
            workbooks.append(Workbook(path, error=complaint(exc)))
            continue
        begun = []
        for sheet in sheets:
            if not isinstance(sheet, _WorkbookSheet) or sheet.rows is not None:
                continue  # (a small sheet's body is read from its rows)
            first_row = _guess_first_row(sheet.head)
            if first_row is not None:
                sheet.parsing = (first_row, Future())
                if sheet.apart is not None:  # parsed in a child: on a core of its own
                    _workers().submit(_parse_in_turn, [(sheet, *sheet.parsing)])
                else:
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
    memo: dict = {}
    for workbook in workbooks:
        for sheet in workbook.sheets:
            if normalize_name(sheet.name) != survey:
                sheet.header = find_header(sheet.head, labels, "project", least - 1, memo)


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


# a forked child has none of these threads: it starts a pool of its own when it parses
os.register_at_fork(after_in_child=_workers.cache_clear)


def _parse_in_turn(begun: list[tuple[_WorkbookSheet, int, Future]]) -> None:
    """A file's sheets parsed one after another, each result (or failure) in its future."""
    for sheet, first_row, future in begun:
        try:
            future.set_result(sheet.parse(first_row))
        except BaseException as exc:  # handed to whoever asks for the sheet's body
            future.set_exception(exc if _reader_failure(exc) else RuntimeError(str(exc)))
