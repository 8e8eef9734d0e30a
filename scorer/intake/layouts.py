"""Tables as departments and offices lay them out, read as rows of district × project: a sheet
per project (rows = districts; the project from the sheet or file name), wide (a row per
district, a column group per project) and transposed (indicators as rows, districts as columns).
Each becomes pieces like a long sheet's, so the same checks, messages and cells apply."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..formula import parse_formula
from ..headers import HEADER_SEARCH_ROWS, Header, cell_text, find_header, label_table, split_label
from ..scheme import ProjectIndex, Scheme
from ..sheets import Sheet, coded, column_letter
from .dataset import Source
from .issues import Issues
from .texts import says_total

if TYPE_CHECKING:
    from .reading import _Reader

_SEPARATORS = "-_·—－/／:： "
_FILE_NAME_PARTS = re.compile(r"[-_\s·—－（）()【】\[\]]+")


@dataclass
class Group:
    """One project's columns in a wide header: the project as written, its header cell."""

    project: str
    cell: str
    columns: dict[str, int]
    units: dict[str, str] = field(default_factory=dict)


@dataclass
class Layout:
    """How a sheet without a 项目 column is laid out, found from its first rows."""

    kind: str  # "project" | "wide" | "transposed"
    header: Header
    project: str | None = None  # a sheet of one project: the project as its name writes it
    groups: list[Group] = field(default_factory=list)  # wide
    # transposed: the label column, the project column (or None), the districts' columns
    label_col: int = 0
    project_col: int | None = None
    units: dict[int, str] = field(default_factory=dict)


class Needs(dict[str, list[str]]):
    """A sheet's needed column keys, each with the projects that need it; ``held``: the
    projects the sheet holds."""

    def __init__(self, needs: dict[str, list[str]], held: list[str]):
        super().__init__(needs)
        self.held = held


class ColumnNeeds:
    """Which columns a sheet must have, from the projects it holds: each project's formulas'
    columns, and everywhere the columns read from every project's rows (district-level items
    such as 资金保障, vetoes over all rows, and required columns no rule reads). A sheet is never
    refused for lacking another department's columns."""

    def __init__(self, scheme: Scheme):
        from .checks import needed_columns

        self.index = ProjectIndex(scheme.projects)
        per_project, everywhere, _ = needed_columns(scheme)
        self.per_project = {name: set(keys) for name, keys in per_project.items()}
        self.everywhere = set(everywhere)
        for veto in scheme.vetoes:
            keys = {k for k in map(scheme.column_key, parse_formula(veto.when).names) if k}
            if veto.project is None:
                self.everywhere |= keys
                continue
            match = self.index.match(veto.project).project
            if match is not None and match.name in self.per_project:
                self.per_project[match.name] |= keys
        read = self.everywhere.union(*self.per_project.values())
        self.everywhere |= {k for k in scheme.measure_keys() if k not in read}
        self._said: dict[tuple[str, ...], Needs | None] = {}

    def of(self, written: list[str]) -> Needs | None:
        """For a sheet holding the projects ``written`` (as the sheet writes them): each needed
        column key with the projects that need it (none for a column every project needs).
        None when none of them is a project of the scheme: the sheet needs every column."""
        key = tuple(written)  # a folder of returns writes the same projects in every sheet
        if key not in self._said:
            self._said[key] = self._needs(written)
        return self._said[key]

    def _needs(self, written: list[str]) -> Needs | None:
        projects = []
        for name in written:
            project = self.index.match(name).project if name else None
            if project is not None and project.name not in projects:
                projects.append(project.name)
        if not projects:
            return None
        needs = Needs({key: [] for key in self.everywhere}, projects)
        for name in projects:
            for key in self.per_project.get(name, ()):
                if key not in self.everywhere:
                    needs.setdefault(key, []).append(name)
        return needs


def with_origin(
    source: Source, columns: dict[str, int], scheme: Scheme, issues: Issues, header_row: int
) -> Source:
    """The source a sheet holds, from its number columns: the office's when they are all
    office-held (``source: office``), else the districts' returns. A return that carries a
    column another source holds has it left out, and said so at its header cell: a column
    comes from exactly one source."""
    measures = [k for k in columns if k in scheme.measure_keys()]
    origins = {scheme.held_by(k) for k in measures}
    origin = origins.pop() if len(origins) == 1 else None
    source = replace(source, origin=origin, fixed=dict(source.fixed))
    for key in measures:
        held = scheme.held_by(key)
        if held != origin:
            label = scheme.columns[key].label
            issues.add("column-of-other-source", {"label": label, "source": held or "—"},
                       severity="warning", file=source.file, sheet=source.sheet,
                       cell=f"{source.letters.get(key, column_letter(columns[key]))}"
                            f"{header_row + 1}")  # fmt: skip
            source.letters.pop(key, None)
            columns.pop(key)
    return source


# ----------------------------------------------------------------------------- finding


def find_layout(sheet: Sheet, path: Path, data_sheets: int, scheme: Scheme) -> Layout | None:
    """The layout of a sheet whose header has no 项目 column: wide, of one project, or
    transposed; None when it is none of them."""
    head = sheet.head
    if not head:
        return None
    labels = label_table(scheme)
    index = ProjectIndex(scheme.projects)
    wide = _wide(head, labels, index)
    if wide is not None:
        return wide
    least = 1 + min(2, len(scheme.measure_keys()))
    header = find_header(head, labels, "district", least)
    if header is not None and "project" not in header.columns:
        return Layout("project", header, project=_project_name(sheet, path, data_sheets, index))
    return _transposed(head, labels, index)


def _project_name(sheet: Sheet, path: Path, data_sheets: int, index: ProjectIndex) -> str:
    """The project a sheet of one project is about: its sheet name when that is a project's
    name, else (a one-sheet file) its file name or a part of it (交通局-农村公路.xlsx); else the
    sheet name as written, which the project check then refuses with a suggestion."""
    candidates = [sheet.name]
    if data_sheets <= 1 or re.fullmatch(r"(?i)sheet\d*", sheet.name.strip()):
        stem = path.stem
        candidates += [stem, *[p for p in _FILE_NAME_PARTS.split(stem) if p]]
    for candidate in candidates:
        if index.match(candidate).project is not None:
            return candidate
    if re.fullmatch(r"(?i)sheet\d*", sheet.name.strip()):
        return path.stem
    return sheet.name


def _split_pair(text: str, labels: dict[str, str], index: ProjectIndex) -> tuple[str, str] | None:
    """A header cell written 项目名+列名 (农村公路完成, 农村公路-完成): \
(project as written, key)."""
    for label in sorted(labels, key=len, reverse=True):
        if len(text) > len(label) and text.endswith(label):
            prefix = text[: -len(label)].rstrip(_SEPARATORS)
            if prefix and index.match(prefix).project is not None:
                return prefix, labels[label]
    return None


def _wide(head: list[list[Any]], labels: dict[str, str], index: ProjectIndex) -> Layout | None:
    """A wide header: a district column and, per project, a group of columns: a project name
    over its labels (merged across them), or labels written 项目名+列名."""
    best: Layout | None = None
    for bottom in range(min(len(head), HEADER_SEARCH_ROWS)):
        lower = head[bottom]
        upper = head[bottom - 1] if bottom else []
        district = _district_column(upper, lower, labels)
        if district is None:
            continue
        groups = _merged_groups(upper, lower, labels, index, bottom)
        top = bottom - 1
        if not groups:
            groups, top = _flat_groups(lower, labels, index, bottom), bottom
        if not groups:
            continue
        columns = {"district": district}
        for key in ("status", "city"):
            for col, raw in enumerate(lower):
                if labels.get(split_label(raw)[0]) == key:
                    columns.setdefault(key, col)
        found = Layout("wide", Header(top, bottom, columns, {}), groups=groups)
        if best is None or len(groups) > len(best.groups):
            best = found
    return best


def _district_column(upper: list[Any], lower: list[Any], labels: dict[str, str]) -> int | None:
    for row in (lower, upper):
        for col, raw in enumerate(row):
            if labels.get(split_label(raw)[0]) == "district":
                return col
    return None


def _merged_groups(
    upper: list[Any], lower: list[Any], labels: dict[str, str], index: ProjectIndex, bottom: int
) -> list[Group]:
    """Groups under project names in the row above the labels (a merge keeps its text in its
    first cell): each label takes the project written last to its left."""
    groups: list[Group] = []
    current: Group | None = None
    for col in range(max(len(upper), len(lower))):
        above = cell_text(upper[col]) if col < len(upper) else ""
        if above:
            name, _ = split_label(above)
            current = None
            if labels.get(name) is None and not says_total(name):
                current = Group(name, f"{column_letter(col)}{bottom}", {})
                groups.append(current)
        if current is None or col >= len(lower):
            continue
        name, unit = split_label(lower[col])
        key = labels.get(name)
        if key is not None and key not in ("district", "project", "city"):
            current.columns.setdefault(key, col)
            if unit:
                current.units[key] = unit
    groups = [g for g in groups if g.columns]
    known = [g for g in groups if index.match(g.project).project is not None]
    return groups if known else []


def _flat_groups(
    lower: list[Any], labels: dict[str, str], index: ProjectIndex, bottom: int
) -> list[Group]:
    """Groups from labels written 项目名+列名 in one header row."""
    by_project: dict[str, Group] = {}
    for col, raw in enumerate(lower):
        name, unit = split_label(raw)
        pair = _split_pair(name, labels, index) if name else None
        if pair is None or pair[1] in ("district", "project", "city"):
            continue
        project, key = pair
        group = by_project.setdefault(
            project, Group(project, f"{column_letter(col)}{bottom + 1}", {})
        )
        group.columns.setdefault(key, col)
        if unit:
            group.units[key] = unit
    return list(by_project.values())


def _transposed(
    head: list[list[Any]], labels: dict[str, str], index: ProjectIndex
) -> Layout | None:
    """Indicators as rows and districts as columns: a column of the scheme's labels (with the
    project beside it, merged down its rows, or written 项目名+列名), the districts' names in
    the row above the first label."""
    for label_col in range(3):
        rows = [r for r in range(len(head)) if _label_at(head, r, label_col, labels, index)]
        if len(rows) < 2:
            continue
        first = rows[0]
        if first == 0:
            continue
        header_row = first - 1
        names = head[header_row]
        units = {
            col: cell_text(names[col])
            for col in range(label_col + 1, len(names))
            if cell_text(names[col]) and not says_total(cell_text(names[col]))
        }
        if not units:
            continue
        project_col = label_col - 1 if label_col > 0 else None
        columns = {"label": label_col}
        if project_col is not None:
            columns["project"] = project_col
        return Layout(
            "transposed", Header(header_row, header_row, columns, {}),
            label_col=label_col, project_col=project_col, units=units,
        )  # fmt: skip
    return None


def _label_at(
    head: list[list[Any]], row: int, col: int, labels: dict[str, str], index: ProjectIndex
) -> bool:
    if col >= len(head[row]):
        return False
    name = split_label(head[row][col])[0]
    key = labels.get(name)
    if key is not None:
        return key not in ("district", "project", "status", "city")
    return bool(name) and _split_pair(name, labels, index) is not None


# ----------------------------------------------------------------------------- reading


def read_layout(reader: _Reader, path: Path, sheet: Sheet, layout: Layout) -> None:
    """A sheet in one of the layouts, as pieces of the reader."""
    if layout.kind == "project":
        reader._data_sheet(path, sheet, layout.header, project=layout.project)
    elif layout.kind == "wide":
        _read_wide(reader, path, sheet, layout)
    else:
        _read_transposed(reader, path, sheet, layout)


def _read_wide(reader: _Reader, path: Path, sheet: Sheet, layout: Layout) -> None:
    """A wide sheet read once, then one piece per project group, each with its own columns."""
    from .reading import _source, finish_piece

    scheme = reader.scheme
    header = layout.header
    wanted: dict[str, int] = dict(header.columns)
    numeric: set[str] = set()
    for number, group in enumerate(layout.groups):
        for key, col in group.columns.items():
            wanted[f"{key}\t{number}"] = col
            if key in scheme.measure_keys():
                numeric.add(f"{key}\t{number}")
    arrays, odd, count = sheet.body(header.row + 1, wanted, numeric)
    shared = {k: arrays[k] for k in header.columns}
    for number, group in enumerate(layout.groups):
        columns = {**header.columns, **group.columns}
        group_header = Header(header.top, header.row, columns, group.units)
        source = _source(path, sheet.name, sheet.head, group_header, scheme, reader.issues)
        source = with_origin(source, columns, scheme, reader.issues, header.row)
        source.fixed["project"] = group.cell
        suffix = f"\t{number}"
        piece = dict(shared)
        piece.update({k: arrays[k + suffix] for k in group.columns if k in columns})
        group_odd = [(p, k[: -len(suffix)], raw) for p, k, raw in odd if k.endswith(suffix)]
        group_odd = [(p, k, raw) for p, k, raw in group_odd if k in columns]
        cells, odd_cells = finish_piece(
            sheet, group_header, piece, group_odd, count, source, len(reader.sources), scheme,
            reader.issues, group.project, reader.needs,
        )  # fmt: skip
        odd_cells += reader.marked(path, sheet, group.columns, cells["_row"])
        reader.add_piece(cells, odd_cells, source)


def _read_transposed(reader: _Reader, path: Path, sheet: Sheet, layout: Layout) -> None:
    """A transposed table: per project (a block of label rows), a piece of one row per
    district column; each value's cell is at the label's row and the district's column."""
    scheme = reader.scheme
    labels = label_table(scheme)
    index = ProjectIndex(scheme.projects)
    first = layout.header.row + 1
    wanted = {"label": layout.label_col}
    if layout.project_col is not None:
        wanted["project"] = layout.project_col
    unit_keys = {f"u{col}": col for col in layout.units}
    arrays, odd, count = sheet.body(first, {**wanted, **unit_keys}, set(unit_keys))
    raw_of = {(p, k): raw for p, k, raw in odd}
    marks = reader.marks_of(path, sheet)
    blocks: dict[str, dict[str, int]] = {}  # project as written -> key -> body position
    project_cells: dict[str, str] = {}
    current = ""
    for position in range(count):
        written = cell_text(arrays["project"][position]) if "project" in arrays else ""
        name = split_label(arrays["label"][position])[0]
        if written:
            current = written
        project, key = current, labels.get(name)
        if key is None and name:
            pair = _split_pair(name, labels, index)
            if pair is not None:
                project, key = pair
        if key is None or key in ("district", "project", "status", "city") or not project:
            continue
        excel_row = first + position + 1
        if project not in project_cells:
            col = layout.label_col
            if written and key == labels.get(name) and layout.project_col is not None:
                col = layout.project_col
            project_cells[project] = f"{column_letter(col)}{excel_row}"
        blocks.setdefault(project, {}).setdefault(key, position)
    names = list(layout.units.values())
    columns = list(layout.units)
    for project, rows in blocks.items():
        transposed = {key: first + position + 1 for key, position in rows.items()}
        transposed["district"] = layout.header.row + 1
        letters = {key: column_letter(columns[0]) for key in rows}
        source = Source(str(path), sheet.name, letters, origin=_block_origin(scheme, rows),
                        transposed=transposed)  # fmt: skip
        source.fixed["project"] = project_cells[project]
        piece: dict[str, Any] = {
            "district": coded(np.arange(len(names)), names),
            "project": coded(np.zeros(len(names), dtype=np.intp), [project]),
        }
        odd_cells: list[tuple[int, str, Any]] = []
        for key in scheme.measure_keys():
            values = np.full(len(names), np.nan)
            if key in rows and scheme.held_by(key) == source.origin:
                at = rows[key]
                for place, col in enumerate(columns):
                    values[place] = arrays[f"u{col}"][at]
                    raw = raw_of.get((at, f"u{col}"), marks.get((first + at, col)))
                    if raw is not None:
                        odd_cells.append((col + 1, key, raw))
            piece[key] = values
        for key in ("status", "city"):
            if key in scheme.columns:
                piece[key] = coded(np.zeros(len(names), dtype=np.intp), [""])
        piece["_row"] = np.array([col + 1 for col in columns])
        piece["_source"] = np.full(len(names), len(reader.sources))
        reader.add_piece(piece, odd_cells, source)


def _block_origin(scheme: Scheme, rows: dict[str, int]) -> str | None:
    origins = {scheme.held_by(k) for k in rows}
    return origins.pop() if len(origins) == 1 else None
