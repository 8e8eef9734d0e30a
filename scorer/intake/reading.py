"""The districts' sheets as one table of rows, with every problem located to its cell: each
data sheet's columns read, units converted, blank and total rows left out, then checked. The
cells come from ``sheets``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Issue
from ..headers import HEADER_SEARCH_ROWS, Header, cell_text, find_header, label_table, split_label
from ..messages import Message, say
from ..scheme import Scheme, normalize_name
from ..sheets import (
    Sheet,
    UnreadableSheet,
    Workbook,
    blank_texts,
    column_letter,
    locate,
    open_files,
    texts,
)
from .checks import check_rows
from .dataset import Dataset, Source
from .issues import Issues, OddCell
from .layouts import ColumnNeeds, find_layout, read_layout, with_origin
from .levels import check_cities
from .roster import load_roster, roster_cities
from .survey import check_survey, empty_survey, survey_frame
from .texts import concat, judge, says_total, texts_as_objects

SKIPPED_SHEETS = {"说明", "填报说明", "instructions"}  # a template's own instructions
MONEY_UNITS = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}
_SHEET_UNIT = re.compile(r"(?<![报送位])单位[:：]?\s*(亿元|万元|千元|元)")


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
    reader = _Reader(scheme)
    reader.issues.extend(load_roster(scheme))
    workbooks = _without_roster(workbooks, scheme)
    files = [workbook.path for workbook in workbooks]
    for done, workbook in enumerate(workbooks, start=1):
        if progress is not None and done > 1:
            progress(done - 1, len(workbooks))
        reader.read_workbook(workbook)
    issues, sources = reader.issues, reader.sources
    if not reader.pieces:
        if not any(i.file is not None and i.severity == "error" for i in issues):
            issues.add(
                "no-data-sheet",
                {"project_label": scheme.columns["project"].label, "labels": reader.header_help},
            )
        empty = pd.DataFrame(columns=["district", "project", "suspended", "_source", "_row"])
        return Dataset(empty, [], empty_survey(), sources, files, list(issues))
    read = concat(reader.pieces)
    read_rows = (read["_source"].to_numpy(), read["_row"].to_numpy(), read["district"].array)
    rows = check_rows(read, reader.odd, scheme, sources, issues)
    if reader.laid_out:
        rows = _district_major(rows, scheme)
    districts = rows["district"].unique().tolist()
    groups = check_cities(rows, scheme, sources, issues)
    rows = texts_as_objects(rows)
    frames = reader.survey_frames
    survey = pd.concat(frames, ignore_index=True) if frames else empty_survey()
    survey = check_survey(survey, scheme, districts, sources, issues)
    groups = groups or roster_cities(scheme)
    held = {k: c.source for k, c in scheme.columns.items() if c.source is not None}
    roster = {
        normalize_name(name): unit.name
        for unit in scheme.roster_units() or []
        for name in (unit.name, *unit.aliases)
    }
    return Dataset(rows, districts, survey, sources, files, list(issues), groups, held=held,
                   read_rows=read_rows, roster=roster)  # fmt: skip


def _without_roster(workbooks: list[Workbook], scheme: Scheme) -> list[Workbook]:
    """The data files but the roster file, when it lies among them (名单.xlsx in the folder of
    returns): it says who must report and is no return."""
    roster = scheme.roster_path()
    if roster is None or not roster.is_file():
        return workbooks
    return [w for w in workbooks if not (w.path.is_file() and w.path.samefile(roster))]


def _district_major(rows: pd.DataFrame, scheme: Scheme) -> pd.DataFrame:
    """Rows of a wide, transposed or per-project table come project by project: put them
    district by district, projects in the scheme's order, as a long return lists them, so that
    sums over a district's projects (资金保障) add in the same order and give the same bits."""
    order = {p.name: i for i, p in enumerate(scheme.projects)}
    district_code = pd.factorize(rows["district"])[0]
    project_code = rows["project"].map(order).fillna(len(order)).to_numpy()
    keys = district_code * (len(order) + 1) + project_code
    return rows.iloc[np.argsort(keys, kind="stable")].reset_index(drop=True)


class _Reader:
    """What the sheets gave, in reading order: each data sheet's columns, the survey sheets,
    the sources of both, the cells that were not plain numbers, and the problems."""

    def __init__(self, scheme: Scheme):
        self.scheme = scheme
        self.issues = Issues()
        self.sources: list[Source] = []
        self.pieces: list[dict[str, Any]] = []  # each data sheet's columns
        self.survey_frames: list[pd.DataFrame] = []
        self.odd: list[OddCell] = []
        self.laid_out = False  # a sheet in another layout than long was read
        self.needs = ColumnNeeds(scheme)  # the columns each project's sheet must have
        self.header_help = [c.label for c in scheme.columns.values() if c.required]
        labels = label_table(scheme)
        self.survey_labels = {k: v for k, v in labels.items() if v == "district"}
        if scheme.survey is not None:
            self.survey_labels.update(
                {
                    split_label(x)[0]: "satisfaction"
                    for x in [scheme.survey.label, *scheme.survey.aliases]
                }
            )

    def read_workbook(self, workbook: Workbook) -> None:
        """Each sheet of a file: data, survey, or (with something in it) said to be skipped."""
        path = workbook.path
        if workbook.refused is not None:
            refused = workbook.refused
            self.issues.add(refused.code, refused.params, file=str(path), sheet=refused.sheet,
                            cell=refused.cell)  # fmt: skip
            return
        if workbook.error is not None:
            self.issues.add("unreadable-file", {"detail": workbook.error}, file=str(path))
            return
        data_sheets = sum(1 for sheet in workbook.sheets if _worth_saying(sheet))
        for sheet in workbook.sheets:
            if sheet.header is not None:
                self._data_sheet(path, sheet, sheet.header)
            elif self._survey_sheet(path, sheet):
                continue
            elif (layout := find_layout(sheet, path, data_sheets, self.scheme)) is not None:
                self.laid_out = True
                try:
                    read_layout(self, path, sheet, layout)
                except UnreadableSheet as exc:
                    self.issues.append(_unreadable(path, sheet, exc))
            elif _worth_saying(sheet):
                self.issues.append(_headless(path, sheet, self.header_help))

    def _data_sheet(
        self, path: Path, sheet: Sheet, header: Header, project: str | None = None
    ) -> None:
        """A sheet in long layout (a row per district and project), or of one district (the
        sheet names it), or of one project (``project``: the sheet or file names it)."""
        source = _source(path, sheet.name, sheet.head, header, self.scheme, self.issues)
        source = with_origin(source, header.columns, self.scheme, self.issues, header.row)
        if project is not None:
            source.fixed["project"] = None
        try:
            columns, odd_cells = _sheet_columns(
                sheet, header, source, len(self.sources), self.scheme, self.issues, project,
                self.needs,
            )  # fmt: skip
        except UnreadableSheet as exc:
            self.issues.append(_unreadable(path, sheet, exc))
            return
        odd_cells += self.marked(path, sheet, header.columns, columns["_row"])
        self.add_piece(columns, odd_cells, source)

    def marked(
        self, path: Path, sheet: Sheet, columns: dict[str, int], kept_rows: np.ndarray
    ) -> list[tuple[int, str, Any]]:
        """The number cells of kept rows that are not plain numbers though they read as such
        (percent-formatted, TRUE/FALSE), as odd cells (Excel row, key, raw)."""
        marks = self.marks_of(path, sheet)
        if not marks:
            return []
        by_column = {col: key for key, col in columns.items() if key in self.scheme.measure_keys()}
        kept = set(kept_rows.tolist())
        return [
            (row + 1, by_column[col], raw)
            for (row, col), raw in marks.items()
            if col in by_column and row + 1 in kept
        ]

    def marks_of(self, path: Path, sheet: Sheet) -> dict[tuple[int, int], Any]:
        """A sheet's percent-formatted and TRUE/FALSE cells (found as its file was opened)."""
        return sheet.marked_cells()

    def add_piece(
        self, columns: dict[str, Any], odd_cells: list[tuple[int, str, Any]], source: Source
    ) -> None:
        """One sheet's (or one column group's) rows, their odd cells and where they came from."""
        self.pieces.append(columns)
        self.odd.extend((len(self.sources), row, key, raw) for row, key, raw in odd_cells)
        self.sources.append(source)

    def _survey_sheet(self, path: Path, sheet: Sheet) -> bool:
        """The sheet read as the survey when its header is the survey's; whether it was."""
        if self.scheme.survey is None:
            return False
        header = find_header(sheet.head, self.survey_labels, "satisfaction", 2)
        if header is None:
            return False
        letters = {k: column_letter(c) for k, c in header.columns.items()}
        try:
            marks = {
                row + 1: raw
                for (row, col), raw in self.marks_of(path, sheet).items()
                if col == header.columns["satisfaction"]
            }
            self.survey_frames.append(survey_frame(sheet, header, len(self.sources), marks))
        except UnreadableSheet as exc:
            self.issues.append(_unreadable(path, sheet, exc))
            return True
        self.sources.append(Source(str(path), sheet.name, letters))
        return True


def _worth_saying(sheet: Sheet) -> bool:
    """A sheet left unread is said unless it is a template's instructions or empty."""
    return normalize_name(sheet.name).lower() not in SKIPPED_SHEETS and any(
        cell_text(c) for row in sheet.head for c in row
    )


def _headless(path: Path, sheet: Sheet, labels: list[str]) -> Issue:
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
    refused = exc.refused  # a limit found passed only once the sheet's parse had begun
    if refused is not None:
        return Issue(refused.code, refused.params, file=str(path), sheet=sheet.name,
                     cell=refused.cell)  # fmt: skip
    return Issue("unreadable-file", {"detail": str(exc)}, file=str(path), sheet=sheet.name)


def _sheet_unit(rows: list[list[Any]], header: Header) -> str | None:
    """A unit stated above the header for the whole sheet, as in “单位：万元”."""
    for row in rows[: header.top]:
        for cell in row:
            match = _SHEET_UNIT.search(normalize_name(cell_text(cell)))
            if match:
                return match.group(1)
    return None


def _source(
    path: Path,
    sheet_name: str,
    rows: list[list[Any]],
    header: Header,
    scheme: Scheme,
    issues: Issues,
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
            issues.add("unit-converted", {**params, "factor": f"{factors[key]:g}"},
                       severity="info", **where)  # fmt: skip
        else:
            issues.add("unit-mismatch", params, severity="warning", **where)
    return Source(str(path), sheet_name, letters, factors)


def _sheet_columns(
    sheet: Sheet,
    header: Header,
    source: Source,
    position: int,
    scheme: Scheme,
    issues: Issues,
    project: str | None = None,
    needs: ColumnNeeds | None = None,
) -> tuple[dict[str, Any], list[tuple[int, str, Any]]]:
    """One data sheet's rows under the scheme's column keys, blank and total rows dropped (texts
    as Categoricals, numbers as float arrays); and the cells that are not plain numbers, as
    (Excel row, key, raw value). Plain arrays, no frame: a folder of 1,000 districts' returns
    is 1,000 small sheets, and a frame per sheet would cost more than reading them.

    ``project``: the project of every row, for a sheet of one project (no 项目 column)."""
    columns = header.columns
    numeric = {k for k in scheme.measure_keys() if k in columns}
    arrays, odd, count = sheet.body(header.row + 1, columns, numeric)
    return finish_piece(
        sheet, header, arrays, odd, count, source, position, scheme, issues, project, needs
    )


def finish_piece(
    sheet: Sheet,
    header: Header,
    arrays: dict[str, Any],
    odd: list[tuple[int, str, Any]],
    count: int,
    source: Source,
    position: int,
    scheme: Scheme,
    issues: Issues,
    project: str | None = None,
    needs: ColumnNeeds | None = None,
) -> tuple[dict[str, Any], list[tuple[int, str, Any]]]:
    """The columns read from one sheet (or one project's column group of a wide sheet) made a
    piece: Excel rows and source noted, absent columns blank, blank and total rows dropped."""
    columns = header.columns
    arrays["_row"] = np.arange(header.row + 2, header.row + 2 + count)
    arrays["_source"] = np.full(count, position)
    if project is not None:
        arrays["project"] = texts(np.zeros(count, dtype=np.intp), [project])
    _absent_columns(arrays, count, header, source, scheme, issues, project, needs)
    filled = np.zeros(count, dtype=bool)
    numeric = {k for k in scheme.measure_keys() if k in columns}
    for key in columns:
        if key == "district" and project is not None and len(columns) > 1:
            continue  # a sheet of one project: a row with only a name is an empty row
        filled |= judge(arrays[key], bool) if key not in numeric else ~np.isnan(arrays[key])
    for row_position, _, _ in odd:
        filled[row_position] = True
    _fill_merged_names(sheet, header, arrays, filled)
    if "district" not in columns:
        name = (
            Path(source.file).stem
            if re.fullmatch(r"(?i)sheet\d*", sheet.name.strip())
            else sheet.name
        )
        arrays["district"] = texts(np.zeros(count, dtype=np.intp), [cell_text(name)])
    is_total = judge(arrays["district"], says_total) | judge(arrays["project"], says_total)
    letter = source.letters.get("project") or source.letters.get("district", "A")
    for row in arrays["_row"][is_total & filled]:
        issues.add("total-row", severity="info", file=source.file, sheet=source.sheet,
                   cell=f"{letter}{row}")  # fmt: skip
    keep = filled & ~is_total
    odd_cells = [(int(arrays["_row"][p]), key, raw) for p, key, raw in odd if keep[p]]
    if keep.all():  # (a national table has no blank row: 330k rows need no copy)
        return arrays, odd_cells
    return {k: v[keep] for k, v in arrays.items()}, odd_cells


def _absent_columns(
    arrays: dict[str, Any],
    count: int,
    header: Header,
    source: Source,
    scheme: Scheme,
    issues: Issues,
    project: str | None = None,
    needs: ColumnNeeds | None = None,
) -> None:
    """The scheme's columns the sheet lacks, as blanks; a required one said missing. A column
    another source holds (督查评分 from the office) is not missing from a return, and a sheet
    lacks only what the rules of the projects it holds read (a long sheet of some projects'
    rows, a sheet of one project): then the projects that need the column are named."""
    needs = needs or ColumnNeeds(scheme)
    if project is not None:
        wanted = needs.of([project])
    elif "project" in header.columns:
        names = arrays["project"]
        wanted = needs.of([str(names.categories[c]) for c in np.unique(names.codes) if c >= 0])
    else:
        wanted = None
    for key, column in scheme.columns.items():
        if key in header.columns or key in arrays:
            continue
        arrays[key] = np.full(count, np.nan) if key in scheme.measure_keys() else blank_texts(count)
        if key in ("district", "project") and (key == "district" or project is not None):
            continue  # without 地区 (项目), the sheet or file names it
        if column.source != source.origin and key not in ("project", "status", "city"):
            continue
        if not column.required:
            continue
        unneeded = wanted is not None and key not in wanted
        if unneeded and (project is not None or key in scheme.measure_keys()):
            continue  # (a sheet of one project needs no 状态 column either)
        aliases = list(column.aliases) or "—"
        where = {"file": source.file, "sheet": source.sheet}
        needing = wanted.get(key) if wanted is not None else None
        if wanted is not None and needing and (project or len(needing) < len(wanted.held)):
            issues.add("intake.missing-column-for", {"label": column.label, "aliases": aliases,
                       "projects": _some(needing)}, **where)  # fmt: skip
        else:  # (every project of a long sheet needs it)
            issues.add("missing-column", {"label": column.label, "aliases": aliases}, **where)


def _some(names: list[str], shown: int = 5) -> list[str] | Message:
    """Project names as a sentence lists them: all of a few, else the first and how many."""
    if len(names) <= shown:
        return names
    return say("intake.projects_more", names=names[:shown], n=len(names))


def _fill_merged_names(
    sheet: Sheet, header: Header, arrays: dict[str, Any], filled: np.ndarray
) -> None:
    """A 地区 (or 项目) merged down several rows names each of them; the merges are read only
    when a filled row lacks a name."""
    keys = [k for k in ("district", "project", "city") if k in header.columns]
    blank = {k: ~judge(arrays[k], bool) for k in keys}
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
            rows = slice(start, stop + 1)
            codes[key][rows] = np.where(blank[key][rows], codes[key][start], codes[key][rows])
            filled[rows] = True
    for key in keys:
        arrays[key] = texts(codes[key], list(arrays[key].categories))
