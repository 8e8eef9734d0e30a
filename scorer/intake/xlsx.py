"""An xlsx file's own parts, read without a spreadsheet library: which XML holds each sheet, the
shared strings, and a sheet's first rows from the start of its XML (calamine would parse the
whole sheet for them, and the limits need the sheets' names before any reader opens the file)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..cells import ExcelError, PercentCell, column_index

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REF = re.compile(r"([A-Za-z]+)(\d+)")  # a reader takes lower case too


class XlsxPackage:
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


def xlsx_head(package: XlsxPackage | Path, sheet_name: str, count: int) -> list[list[Any]] | None:
    """The first ``count`` rows of an xlsx sheet, anchored at A1, read from the start of its XML
    (and the shared strings they use). None if unreadable."""
    import zipfile
    from xml.etree import ElementTree

    if not isinstance(package, XlsxPackage):  # one sheet of a file not yet opened
        try:
            with zipfile.ZipFile(package) as archive:
                return xlsx_head(XlsxPackage(archive), sheet_name, count)
        except (KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError):
            return None
    return read_head(package, sheet_name, count)[0]


def read_head(
    package: XlsxPackage, sheet_name: str, count: int
) -> tuple[list[list[Any]] | None, bool]:
    """The first ``count`` rows of a sheet of the package (None if unreadable, or if a cell has
    no reference or one beyond Excel's range), and whether the sheet has cells below them."""
    import zipfile
    from xml.etree import ElementTree

    cells: dict[tuple[int, int], Any] = {}
    shared: dict[tuple[int, int], int] = {}
    below = False
    try:
        member = package.members.get(sheet_name)
        if member is None:
            return None, False
        with package.archive.open(member) as stream:
            for _, element in ElementTree.iterparse(stream, events=("end",)):
                if element.tag != f"{_MAIN}c":
                    continue
                match = _REF.fullmatch(element.get("r", ""))
                if not match or len(match.group(1)) > 3 or len(match.group(2)) > 7:
                    return None, False  # no reference, or a wild one: let the reader work it out
                row, col = int(match.group(2)) - 1, column_index(match.group(1))
                if row < 0:
                    return None, False
                if row >= count:
                    below = True
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
        return None, False
    if not cells:
        return [], below
    rows = [[""] * (max(c for _, c in cells) + 1) for _ in range(max(r for r, _ in cells) + 1)]
    for (r, c), value in cells.items():
        rows[r][c] = value
    return rows, below


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


def open_xlsx(path: Path, large: int, count: int) -> tuple[dict, dict, dict]:
    """An xlsx file's limits checked, its sheets found once for all of them: the first rows of
    a large file's sheets read from the start of their XML on the way (calamine would parse
    each whole sheet for them), the rows each such sheet spans, and its large sheets left to
    be parsed apart, with the cells they claim. (A small file's rows are counted by calamine
    as it reads the first rows.) A file larger than ``large`` bytes is large; ``count`` rows
    are read."""
    import zipfile

    from . import isolation, limits

    heads: dict[str, list[list[Any]]] = {}
    extents: dict[str, int | None] = {}
    apart: dict[str, tuple[str, int]] = {}
    with zipfile.ZipFile(path) as archive:
        package = None
        if path.stat().st_size > large:
            try:
                package = XlsxPackage(archive)
            except Exception:  # no workbook.xml, or damaged: the reader says what is wrong
                package = None
        scan_all = package is None or not isolation.available()
        rows, unscanned = limits.check_xlsx(archive, package, scan_all)
        if package is None:
            return heads, extents, apart
        for name, member in package.members.items():
            head, below = read_head(package, name, count)
            extents[name] = rows.get(member)
            if head is not None:
                heads[name] = head
                if extents[name] is None:  # no claim: at least the rows read, and one below
                    extents[name] = len(head) + below
            if member in unscanned:
                apart[name] = (member, unscanned[member])
    return heads, extents, apart


def scan_apart(path: Path, apart: dict[str, tuple[str, int]], names: list[str]) -> None:
    """The sheets among ``names`` left to be parsed apart, scanned now instead (refused when
    they pass the limits), and so no longer apart."""
    import zipfile

    from . import limits

    with zipfile.ZipFile(path) as archive:
        for name in names:
            if name in apart:
                member, _ = apart.pop(name)
                limits.sheet_extent(archive, archive.getinfo(member), name)


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

    from .limits import SCAN_PACKED_BYTES, sheet_members

    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    found: dict[str, dict[tuple[int, int], Any]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            percent = _percent_styles(archive)
            styles = {f' s="{n}"'.encode() for n in percent}
            by_member: dict[str, dict[tuple[int, int], Any]] = {}
            for member in sheet_members(archive):
                info = archive.getinfo(member)
                if info.compress_size > SCAN_PACKED_BYTES and not percent:
                    continue
                marks = _marks(archive.read(member), styles)
                if marks:
                    by_member[member] = marks
            if by_member:  # the sheets' names only for the sheets that have such cells
                for name, member in XlsxPackage(archive).members.items():
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
