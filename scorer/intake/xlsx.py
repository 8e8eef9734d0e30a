"""An xlsx file's own parts, read without a spreadsheet library: which XML holds each sheet, the
shared strings, and a sheet's first rows from the start of its XML (calamine would parse the
whole sheet for them, and the limits need the sheets' names before any reader opens the file)."""

from __future__ import annotations

import re
from collections.abc import Iterator
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


def open_xlsx(
    path: Path, large: int, count: int, data: bytes | None = None
) -> tuple[dict, dict, dict, CellKinds]:
    """An xlsx file's limits checked, its sheets found once for all of them: the first rows of
    a large file's sheets read from the start of their XML on the way (calamine would parse
    each whole sheet for them), the rows each such sheet spans, and its large sheets left to
    be parsed apart, with the cells they claim. (A small file's rows are counted by calamine
    as it reads the first rows.) A file larger than ``large`` bytes is large; ``count`` rows
    are read. The cells of other kinds (``CellKinds``) are found in the XML the limits scan
    unpacks. ``data``: the file's bytes, when they have been read (a small file is read once
    for the limits, the kinds and the readers)."""
    import io
    import zipfile

    from . import isolation, limits

    heads: dict[str, list[list[Any]]] = {}
    extents: dict[str, int | None] = {}
    apart: dict[str, tuple[str, int]] = {}
    kinds = CellKinds()
    with zipfile.ZipFile(path if data is None else io.BytesIO(data)) as archive:
        package = None
        if (path.stat().st_size if data is None else len(data)) > large:
            try:
                package = XlsxPackage(archive)
            except Exception:  # no workbook.xml, or damaged: the reader says what is wrong
                package = None
        scan_all = package is None or not isolation.available()
        rows, unscanned = limits.check_xlsx(archive, package, scan_all, kinds)
        kinds.complete = not unscanned
        kinds.name_members(archive, package)
        if package is None:
            kinds.read_texts(archive)
            return heads, extents, apart, kinds
        for name, member in package.members.items():
            head, below = read_head(package, name, count)
            extents[name] = rows.get(member)
            if head is not None:
                heads[name] = head
                if extents[name] is None:  # no claim: at least the rows read, and one below
                    extents[name] = len(head) + below
            if member in unscanned:
                apart[name] = (member, unscanned[member])
    return heads, extents, apart, kinds


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
# and its styles do. They are found in the XML as the limits scan unpacks it (``watch``), so
# the file is not read again for them. A sheet packed larger than ``limits.SCAN_PACKED_BYTES``
# (a national workbook, not a district's return) is not unpacked by the scan: it is read for
# them only when the workbook has percent formats, or when its parse has cells that may be
# TRUE/FALSE (``_WorkbookSheet.marked_cells``).

_PERCENT_BUILTIN = {9, 10}
_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_CELL_START = b'<c r="'
# A cell python-calamine gives as a blank though fastexcel tells it apart (an error value; a
# formula's or an inline text, which may be empty), or gives as a date, or a logical cell (one
# with an odd value reads differently): ``CellKinds.blurred``.
_BLURRED = re.compile(rb't[ \t\r\n]*=[ \t\r\n]*["\'](?:e|str|inlineStr|d|b)["\']')
_EMPTY_TEXT = re.compile(rb"<t(?:\s[^>]*)?/>|<t(?:\s[^>]*)?>\s*</t>|<si\s*/>|<si>\s*</si>"
                         rb"|<[A-Za-z_][\w.-]*:(?:si|t)[\s>/]")  # fmt: skip


class CellKinds:
    """An xlsx file's cells that read as plain numbers but are not, by sheet: (row, column),
    0-based from A1 -> ``PercentCell(value)`` for a number shown as a percentage, True/False
    for a logical cell. Filled by the limits scan (``read_styles``, then ``watch`` for each
    sheet it unpacks); a sheet it did not unpack is not in ``by_member``."""

    def __init__(self) -> None:
        self.styles: set[bytes] = set()  # ' s="N"' of each percent style
        self.by_member: dict[str, dict[tuple[int, int], Any]] = {}
        self.by_name: dict[str, dict[tuple[int, int], Any]] = {}  # the sheets with such cells
        self.member_of: dict[str, str] = {}  # sheet name -> member, once named
        self.complete = True  # every sheet unpacked by the scan
        self.blurring: set[str] = set()  # members with cells python-calamine blurs (_BLURRED)
        self.empty_text = False  # the shared strings may hold an empty text (read_texts)
        self.dated: list[bytes] | None = []  # ' s="N"' of each style that may show a date

    def found_in(self, name: str) -> dict[tuple[int, int], Any] | None:
        """A sheet's marked cells; None when the scan did not unpack it (a large sheet)."""
        if self.complete:
            return self.by_name.get(name, {})
        member = self.member_of.get(name)
        if member is None or member not in self.by_member:
            return None
        return self.by_member[member]

    def blurred(self, name: str) -> bool:
        """Whether python-calamine's rows of a sheet may blur cells fastexcel tells apart: an
        error value or an empty text (both given as a blank), a date; or may, for all the scan
        saw (a sheet not unpacked, the shared strings not read)."""
        if self.empty_text or not self.complete:
            return True
        if not self.blurring:
            return False
        member = self.member_of.get(name)
        return member is None or member in self.blurring

    def read_texts(self, archive) -> None:
        """Whether the shared strings may hold an empty text (a cell python-calamine gives as
        a blank, fastexcel as a text): an empty <t>, an empty <si>, or a prefixed tag."""
        try:
            strings = archive.read("xl/sharedStrings.xml")
        except KeyError:
            return
        except Exception:  # damaged: the reader says what is wrong with the file
            self.empty_text = True
            return
        self.empty_text = _EMPTY_TEXT.search(strings) is not None

    def read_styles(self, archive) -> None:
        """The percent styles, from styles.xml (once the zip's sizes have been checked)."""
        try:
            percent = percent_styles(archive)
        except Exception:  # damaged styles: the reader says what is wrong with the file
            percent = set()
        self.styles = {f' s="{n}"'.encode() for n in percent}
        try:
            dated = dated_styles(archive)
        except Exception:  # damaged styles: any cell with a style may be a date
            dated = None
        self.dated = None if dated is None else [f' s="{n}"'.encode() for n in dated]

    def _blurs(self, data: bytes, start: int = 0, stop: int | None = None) -> bool:
        """Whether whole cells of a sheet's XML hold what python-calamine blurs: an error value,
        a formula's or an inline text, a date (a cell of a style that may show one: calamine
        gives some as numbers, and may fail on them), or a style written otherwise."""
        piece = data[start:stop] if start or stop is not None else data
        if _BLURRED.search(piece):
            return True
        if self.dated is None:
            return _STYLED.search(piece) is not None
        return any(style in piece for style in self.dated) or (
            bool(self.dated) and _ODD_STYLE.search(piece) is not None
        )

    def watch(self, member: str, pieces: Iterator[bytes]) -> Iterator[bytes]:
        """The pieces of a sheet's XML passed on as they are, its marked cells noted on the
        way (a cell cut between two pieces is looked at whole, with the next)."""
        found: dict[tuple[int, int], Any] = {}
        self.by_member[member] = found  # (a second pass over the sheet starts afresh)
        carry = b""
        for piece in pieces:
            yield piece
            data = carry + piece if carry else piece
            cut = data.rfind(_CELL_START)
            if cut <= 0:
                carry = data
                continue
            found.update(marks(data[:cut], self.styles))
            if member not in self.blurring and self._blurs(data, 0, cut):
                self.blurring.add(member)
            carry = data[cut:]
        if carry:
            found.update(marks(carry, self.styles))
            if member not in self.blurring and self._blurs(carry):
                self.blurring.add(member)

    def name_members(self, archive, package: XlsxPackage | None) -> None:
        """The sheets' names for the members that have marked cells, or for all when some
        sheets were not unpacked (workbook.xml is read only when needed)."""
        if package is None and not any(self.by_member.values()) and not self.blurring:
            return
        try:
            members = (package or XlsxPackage(archive)).members
        except Exception:  # no workbook.xml, or damaged: the reader says what is wrong
            return
        self.member_of = dict(members)
        for name, member in members.items():
            if self.by_member.get(member):
                self.by_name[name] = self.by_member[member]


# Number formats that show no date or time (General, numbers, currency, percentages, fractions,
# scientific, accounting, text): a cell of any other may be read by calamine as a date.
_UNDATED_FORMATS = {*range(14), *range(37, 45), 48, 49}
_FORMAT_ID = re.compile(rb'numFmtId="(\d+)"')
_STYLED = re.compile(rb"\ss[ \t\r\n]*=")
_ODD_STYLE = re.compile(rb"\ss[ \t\r\n]*=[ \t\r\n]*'|\ss[ \t\r\n]+=|\ss=[ \t\r\n]+")


def dated_styles(archive) -> set[int]:
    """The cell styles (indexes into cellXfs) whose number format may show a date or a time:
    a built-in one but those known to show none, or a custom one with a letter of a date or a
    time in it (``_may_show_date``)."""
    import html
    from xml.etree import ElementTree

    try:
        styles = archive.read("xl/styles.xml")
    except KeyError:
        return set()
    codes = {int(n): html.unescape(c.decode()) for n, c in _CUSTOM_FORMAT.findall(styles)}
    if all(
        int(n) in _UNDATED_FORMATS or (int(n) in codes and not _may_show_date(codes[int(n)]))
        for n in _FORMAT_ID.findall(styles)
    ):
        return set()  # the usual case, seen without parsing the XML
    root = ElementTree.fromstring(styles)
    codes = {
        int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in root.iter(f"{_MAIN}numFmt")
    }
    xfs = root.find(f"{_MAIN}cellXfs")
    if xfs is None:
        return set()
    found = set()
    for number, xf in enumerate(xfs.findall(f"{_MAIN}xf")):
        fmt = int(xf.get("numFmtId", "0"))
        if fmt not in _UNDATED_FORMATS and (fmt not in codes or _may_show_date(codes[fmt])):
            found.add(number)
    return found


_CUSTOM_FORMAT = re.compile(rb'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"')


def _may_show_date(code: str) -> bool:
    """Whether a custom number format may show a date or a time (as calamine judges it, or
    more often): a letter d, m, h, y or s outside quotes, escapes and brackets, or [h], [mm]."""
    code = re.sub(r'"[^"]*"|\\.|_.', "", code)
    if any(re.fullmatch(r"[hmsHMS]+", group) for group in re.findall(r"\[([^\]]*)\]", code)):
        return True
    return re.search(r"[dmhysDMHYS]", re.sub(r"\[[^\]]*\]", "", code)) is not None


def percent_styles(archive) -> set[int]:
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


def marks(data: bytes, styles: set[bytes]) -> dict[tuple[int, int], Any]:
    """The marked cells among the whole cells of a piece of a sheet's XML."""
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


def sheet_marks(path: Path, member: str, styles: set[bytes]) -> dict[tuple[int, int], Any]:
    """The marked cells of a large sheet the limits scan did not unpack, read now (the sheet's
    XML streamed, in pieces); {} for a damaged file (the reader says what is wrong with it)."""
    import zipfile
    import zlib

    from . import limits

    kinds = CellKinds()
    kinds.styles = styles
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo(member)
            for _ in kinds.watch(member, limits.unpacked(archive, info, None)):
                pass
    except (KeyError, OSError, zlib.error, zipfile.BadZipFile, limits.RefusedFile):
        return {}
    return kinds.by_member.get(member, {})


_MERGE_TAG = b"mergeCell"
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"\s*/>')


def sheet_merges(path: Path, member: str) -> list | None:
    """A large sheet's merged ranges ((top, left), (bottom, right)), 0-based from A1, as
    calamine gives them, from the <mergeCell> tags of its XML, streamed: calamine would parse
    every cell of the sheet for them. None when a tag is written otherwise than Excel writes
    it (calamine then reads them) or the file is damaged (the reader says what is wrong)."""
    import zipfile
    import zlib

    from . import limits

    found: list = []
    carry = b""
    try:
        with zipfile.ZipFile(path) as archive:
            for piece in limits.unpacked(archive, archive.getinfo(member), None):
                data = carry + piece
                cut = data.rfind(b"<")  # a tag cut between two pieces is looked at whole
                if cut < 0:
                    carry = data
                    continue
                whole, carry = data[:cut], data[cut:]
                if not found and _MERGE_TAG not in whole:
                    continue
                if not _merges(whole, found):
                    return None
            if not _merges(carry, found):
                return None
    except (KeyError, OSError, zlib.error, zipfile.BadZipFile, limits.RefusedFile):
        return None
    return found


def _merges(data: bytes, found: list) -> bool:
    """The <mergeCell> tags of a piece of XML added to ``found``; False if one is irregular."""
    matches = _MERGE.findall(data)
    if len(matches) != data.count(_MERGE_TAG) - data.count(b"<mergeCells") - data.count(
        b"</mergeCells"
    ):
        return False
    for left, top, right, bottom in matches:
        found.append(
            (
                (int(top) - 1, column_index(left.decode())),
                (int(bottom) - 1, column_index(right.decode())),
            )
        )
    return True
