"""The limits a workbook must pass before any reader opens it: what its first bytes say it is,
the sizes in its zip, and how far each sheet's cells reach.

calamine (under fastexcel and python-calamine) builds a dense range of (last row - first row
+ 1) x (column span) cells from the cells it finds, and aborts the whole process when that
allocation fails: one cell typed at XFD1048576 asks for 512 GB, and no ``except`` catches an
abort. So each sheet's extent is established here first, as calamine itself would find it.

A sheet packed smaller than ``SCAN_PACKED_BYTES`` (every district's return) is unpacked here
and scanned in full (``sheet_extent``), so that neither the zip's stated sizes nor the
``<dimension>`` tag can lie about it. A larger sheet is refused at once when its
``<dimension>`` claims too much; whether its cells keep to the claim is left to the child
process that parses it (``isolation``): an abort there is an error here, and only then is the
sheet scanned, to say where it goes wrong. Where no child process can be had, the large sheet
is scanned before it is read like any other.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..cells import column_index, column_letter
from ..messages import Message, say
from .xlsx import CellKinds, XlsxPackage

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
IRREGULAR_BYTES = 256 << 20  # an irregular sheet is read whole to be scanned: up to this size
LONGEST_TAG = 1 << 20  # no tag of a real sheet comes near this (a cell's text is not in a tag)
_SIGNATURES = {".xlsx": b"PK\x03\x04", ".xlsm": b"PK\x03\x04", ".ods": b"PK\x03\x04",
               ".xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"}  # fmt: skip


class RefusedFile(Exception):
    """A data file refused before a reader opens it: not what its name says, or larger than a
    reader could hold. ``code`` and ``params`` make its Issue, ``sheet`` and ``cell`` place it."""

    def __init__(self, code: str, params: dict[str, Any], sheet: str | None = None,
                 cell: str | None = None):  # fmt: skip
        super().__init__(code)
        self.code, self.params, self.sheet, self.cell = code, params, sheet, cell


# ----------------------------------------------------------------------------- the file itself


def check_signature(path: Path, suffix: str, data: bytes | None = None) -> None:
    """Refuse at once a file whose first bytes are not those of the format its name says
    (``data``: the file's bytes, when they have been read)."""
    if data is not None:
        start = data[:512]
    else:
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


def size(count: int) -> str:
    return f"{count / 2**20:,.0f} MB" if count >= 2**20 else f"{count / 1024:,.0f} KB"


def check_csv(path: Path) -> None:
    if path.stat().st_size > MAX_CSV_BYTES:
        raise RefusedFile(
            "workbook-too-large",
            {"member": path.name, "size": size(path.stat().st_size),
             "limit": size(MAX_CSV_BYTES)},
        )  # fmt: skip


# ----------------------------------------------------------------------------- the zip


def check_zip(archive, names: SheetNames | dict[str, str], scanned: Iterable[str]) -> None:
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
            "workbook-too-large", {"member": "*", "size": size(total),
                                   "limit": size(MAX_UNPACKED_BYTES)},
        )  # fmt: skip
    for member in scanned:
        try:
            info = archive.getinfo(member)
        except KeyError:
            continue
        if SAFE_PACKED_BYTES < info.compress_size <= SCAN_PACKED_BYTES:
            try:
                for _ in unpacked(archive, info, None):
                    pass
            except RefusedFile as refused:
                refused.sheet = names.get(member)
                raise


def _check_member(info, seen: int, sheet: str | None) -> None:
    if seen > MAX_MEMBER_BYTES:
        raise RefusedFile(
            "workbook-too-large",
            {"member": info.filename, "size": size(seen), "limit": size(MAX_MEMBER_BYTES)},
            sheet,
        )
    if seen > RATIO_FLOOR and seen > MAX_RATIO * max(info.compress_size, 1):
        raise RefusedFile(
            "workbook-ratio",
            {"member": info.filename, "size": size(seen),
             "packed": size(info.compress_size),
             "ratio": f"{seen / max(info.compress_size, 1):,.0f}", "limit": MAX_RATIO},
            sheet,
        )  # fmt: skip


def unpacked(archive, info, sheet: str | None, chunk: int = 1 << 20) -> Iterator[bytes]:
    """A member's real bytes, unpacked here from its raw data whatever sizes the zip states,
    in pieces; refused as soon as they pass the limits."""
    import struct
    import zlib

    if info.compress_type not in (0, 8):  # Excel, WPS and LibreOffice only store or deflate
        raise RefusedFile(
            "workbook-ratio", {"member": info.filename, "size": "?", "packed":
                               size(info.compress_size), "ratio": "?", "limit": MAX_RATIO}, sheet
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


def check_ods(archive) -> None:
    check_zip(archive, {}, ["content.xml"])


# ----------------------------------------------------------------------------- which sheet

_WORKSHEET_TARGET = re.compile(
    rb'<Relationship\b(?=[^>]*\bType="[^"]*/worksheet")[^>]*\bTarget="([^"]+)"'
)


def sheet_members(archive) -> list[str]:
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


class SheetNames:
    """Member → sheet name, read from workbook.xml only when a refusal must name its sheet."""

    def __init__(self, archive, package: XlsxPackage | None = None):
        self.archive = archive
        self.names = None if package is None else _names_of(package)

    def get(self, member: str, default: str | None = None) -> str | None:
        if self.names is None:
            try:
                self.names = _names_of(XlsxPackage(self.archive))
            except Exception:  # no workbook.xml, or damaged: the member's path says where
                self.names = {}
        return self.names.get(member, default)


def _names_of(package: XlsxPackage) -> dict[str, str]:
    return {member: name for name, member in package.members.items()}


def check_xlsx(
    archive, package: XlsxPackage | None, scan_all: bool, kinds: CellKinds | None = None
) -> tuple[dict, dict]:
    """An xlsx file's zip and each sheet's extent checked: the rows each sheet spans from A1
    (None when not known), by member; and the large sheets not scanned (none with
    ``scan_all``), with the cells they claim (0 for no claim), for a child process to parse.
    ``kinds`` notes the marked cells of each sheet scanned, from the same unpacking."""
    names = SheetNames(archive, package)
    check_zip(archive, names, ["xl/sharedStrings.xml", "xl/styles.xml"])
    if kinds is not None:
        kinds.read_styles(archive)
    rows: dict[str, int | None] = {}
    unscanned: dict[str, int] = {}
    for member in sheet_members(archive):
        try:
            info = archive.getinfo(member)
        except KeyError:
            continue
        try:
            if info.compress_size > SCAN_PACKED_BYTES and not scan_all:
                claim = claimed_extent(archive, info, None)
                rows[member] = None if claim is None else claim[0]
                unscanned[member] = 0 if claim is None else claim[0] * claim[1]
            else:
                watch = None if kinds is None else functools.partial(kinds.watch, member)
                rows[member] = sheet_extent(archive, info, None, watch)[0]
        except RefusedFile as refused:
            refused.sheet = refused.sheet or names.get(member, member)
            raise
    return rows, unscanned


# ----------------------------------------------------------------------------- a sheet's extent

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="\$?([A-Z]{1,4})\$?(\d{1,10})'
                        rb'(?::\$?([A-Z]{1,4})\$?(\d{1,10}))?"')  # fmt: skip
_WS = rb"[ \t\n\r\x0c]"  # what the reader takes for a blank between an attribute's parts
# Every attribute r="..." as the reader could see it, wherever it stands (in a tag or not): a
# cell's reference is always among these. Single or double quotes, blanks around "=".
_R_VALUE = re.compile(rb"r" + _WS + rb"*=" + _WS + rb"*[\"']([A-Za-z]*)([0-9]*)")
# What sends a sheet to be followed tag by tag (``_follow_tags``): a cell tag whose first
# attribute is not written r="..." (a cell without a reference takes its place from the cells
# before it), a prefixed cell tag, an r attribute written otherwise than r="...".
_IRREGULAR = [
    re.compile(rb'<c(?=[\s>])(?! r=")'),
    re.compile(rb":c[\s>]"),
    re.compile(rb"r" + _WS + rb"+=|r=[ \t\n\r\x0c']"),
]
_REFERENCE_AT = re.compile(rb'r="([A-Za-z]*)([0-9]+)"')
_WIDE = re.compile(rb'r="([A-Za-z]{2,})[0-9]')
_ROW_AT = re.compile(rb'r="[A-Za-z]*([0-9]+)')


def claimed_extent(archive, info, sheet: str | None) -> tuple[int, int] | None:
    """The rows and columns a large sheet's <dimension> tag claims, refused when the claim
    passes the limits; None when it has none (or is damaged: the reader says so)."""
    import zlib

    try:
        start = next(unpacked(archive, info, sheet), b"")
    except (zlib.error, OSError):
        return None
    found = _DIMENSION.search(start[:4096])
    if not found:
        return None
    left, top, right, bottom = found.groups()
    rows, columns = int(bottom or top), column_index((right or left).decode()) + 1
    return check_extent(rows, columns, sheet)


def sheet_extent(
    archive,
    info,
    sheet: str | None,
    watch: Callable[[Iterator[bytes]], Iterator[bytes]] | None = None,
) -> tuple[int, int]:
    """A sheet's rows and columns counted from A1, at least as far as calamine will span
    them, found from its XML; refused when they pass the limits, at the cell farthest out.

    Cells whose tags all begin <c r="..." (every writer's) are placed by their references
    alone, so the largest of every r="..." in the XML bounds them (``_scan_references``);
    a sheet with other cell tags is followed tag by tag as the reader does (``_follow_tags``).
    ``watch`` sees the XML's pieces on their way (the cell kinds: ``xlsx.CellKinds``)."""
    import zipfile
    import zlib

    def pieces() -> Iterator[bytes]:
        found = unpacked(archive, info, sheet)
        return found if watch is None else watch(found)

    try:
        found = _scan_references(pieces())
        if found is None:
            found = _follow_tags(_whole(pieces(), sheet))
    except (zlib.error, zipfile.BadZipFile, OSError):
        return 0, 0  # a damaged sheet: the reader says so, and it has not got far enough to abort
    rows, columns, first, last = found
    if last < first:
        raise RefusedFile("sheet-out-of-order", {}, sheet)
    return check_extent(rows, columns, sheet)


def check_extent(rows: int, columns: int, sheet: str | None) -> tuple[int, int]:
    if rows > MAX_ROWS or columns > MAX_COLUMNS or rows * columns > MAX_SHEET_CELLS:
        raise RefusedFile(
            "sheet-too-large",
            {"rows": f"{rows:,}", "columns": f"{columns:,}", "cells": f"{rows * columns:,}",
             "limit": f"{MAX_SHEET_CELLS:,}", "max_rows": f"{MAX_ROWS:,}",
             "max_columns": f"{MAX_COLUMNS:,}"},
            sheet, f"{column_letter(min(max(columns, 1), MAX_COLUMNS << 4) - 1)}{max(rows, 1)}",
        )  # fmt: skip
    return rows, columns


_FAR = 10**12  # a reference beyond anything a reader keeps: refused, whatever it wraps to


def _place(letters: bytes, digits: bytes) -> tuple[int, int]:
    """A reference's row and column counted from 1 (column 0: none written)."""
    if len(digits) > 10 or len(letters) > 4:
        return _FAR, _FAR
    return int(digits), column_index(letters.decode()) + 1 if letters else 0


def _scan_references(pieces: Iterator[bytes]) -> tuple[int, int, int, int] | None:
    """Rows, columns, and the rows of the first and last references (of a cell or a row) of a
    sheet whose cell tags all begin <c r="..." and whose r attributes are all written \
r="...": the largest
    of them all (a superset of what the reader places its cells by), found without reading each
    one. None as soon as the sheet is written otherwise."""
    rows = first = last = 0
    columns = 26  # references of one letter: 26 columns at most, counted so
    carry = b""
    for piece in itertools.chain(pieces, [None]):
        if piece is None:  # the end: what was carried is whole
            piece, carry = carry, b""
        else:  # the tag cut off at the end goes with the next piece (no reference holds "<")
            piece = carry + piece
            cut = piece.rfind(b"<")
            piece, carry = (piece, b"") if cut < 0 else (piece[:cut], piece[cut:])
            if len(carry) > LONGEST_TAG:
                return None
        if any(pattern.search(piece) for pattern in _IRREGULAR):
            return None
        found = _last_reference(piece)
        if found is None:
            continue
        rows = max(rows, _largest_row(piece, found[1]))
        wide = set(_WIDE.findall(piece))
        if wide:
            columns = max(columns, *(_place(w, b"1")[1] for w in wide))
        if not first:
            head = _REFERENCE_AT.search(piece)
            first = _place(b"", head.group(2))[0] if head else 0
        last = _place(b"", found[1])[0]
    return rows, columns, first, last


def _last_reference(piece: bytes) -> tuple[bytes, bytes] | None:
    at = len(piece)
    while (at := piece.rfind(b'r="', 0, at)) >= 0:
        found = _REFERENCE_AT.match(piece, at)
        if found:
            return found.group(1), found.group(2)
    return None


def _largest_row(piece: bytes, candidate: bytes) -> int:
    """The largest row any r="..." of the piece names, ``candidate`` (the last one's, in a
    sheet in order the largest) unless a search for a larger one finds it."""
    for _ in range(3):  # then the rows are out of order: read them all
        larger = _larger(candidate.lstrip(b"0") or b"0").search(piece)
        if larger is None:
            return _place(b"", candidate)[0]
        candidate = larger.group(1)
    return max(_place(b"", digits)[0] for digits in set(_ROW_AT.findall(piece)))


@lru_cache(maxsize=256)
def _larger(number: bytes) -> re.Pattern:
    """A pattern for an r="..." whose row (leading zeros aside) is larger than ``number``."""
    digits = number.decode()
    choices = [rf"[1-9][0-9]{{{len(digits)},}}"]
    for at, digit in enumerate(digits):
        if digit != "9":
            choices.append(digits[:at] + f"[{int(digit) + 1}-9]" + "[0-9]" * (len(digits) - at - 1))
    return re.compile(rb'r="[A-Za-z]*0*(' + "|".join(choices).encode() + rb")(?![0-9])")


def _whole(pieces: Iterator[bytes], sheet: str | None) -> bytes:
    """An irregular sheet's XML in one piece, if it is not too large to be followed whole."""
    parts, seen = [], 0
    for piece in pieces:
        seen += len(piece)
        if seen > IRREGULAR_BYTES:
            raise RefusedFile("sheet-malformed", {}, sheet)
        parts.append(piece)
    return b"".join(parts)


_TAG = re.compile(rb"<(/?)([^\s<>/]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTRIBUTE = re.compile(_WS + rb"*([^=]*?)" + _WS + rb"*=" + _WS + rb"*(?:\"([^\"]*)\"|'([^']*)')")
_REFERENCE = re.compile(rb"([A-Za-z]*)([0-9]*)")
_NOT_TAGS = re.compile(rb"<!|<\?(?!xml\s)")  # comments, character data, doctypes, instructions


def _follow_tags(xml: bytes, sheet: str | None = None) -> tuple[int, int, int, int]:
    """Rows, columns, and the first and last rows referenced, of a sheet followed tag by tag as
    calamine reads it: a cell without a reference (or with one the reader may not take) goes
    where the reader would put it, after the cell before it in its row, in the row after the
    last; every reference counts, and no bound ever goes down but at the end of a row, where
    the reader's does. A sheet with markup the reader skips (comments, character data) is
    refused: no writer puts it there, and followed otherwise it could hide a cell."""
    start = xml.lstrip(b"\xef\xbb\xbf \t\r\n")
    if _NOT_TAGS.search(start, 1 if start.startswith(b"<?xml") else 0):
        raise RefusedFile("sheet-malformed", {}, sheet)
    row_next = column_next = 0  # where a cell without a reference goes (0-based), at most
    rows = columns = first = last = 0
    for end, name, attributes in _TAG.findall(xml):
        local = name.rsplit(b":", 1)[-1]
        if local not in (b"row", b"c") or (attributes.endswith(b"/") and not end):
            continue  # another element, or an empty one: the reader passes over it
        if end:
            if local == b"row":
                row_next, column_next = row_next + 1, 0
            continue
        found = (_REFERENCE.match(v) for v in _references(attributes))
        places = [_place(*m.groups()) for m in found if m is not None]
        places = [p for p in places if p[0]]
        if places:
            first, last = first or places[0][0], places[-1][0]
        if local == b"row":
            row_next = max([row_next, *(p[0] - 1 for p in places)])
            rows = max([rows, *(p[0] for p in places)])
            continue
        if not places or not _clean(attributes):
            places.append((row_next + 1, column_next + 1))
        rows = max(rows, *(p[0] for p in places))
        columns = max(columns, *(p[1] for p in places))
        column_next = max(column_next, *(p[1] for p in places))
    return rows, columns, first, last


def _references(attributes: bytes) -> list[bytes]:
    """The values of the attributes named exactly r, as the reader parses them; and where the
    attributes are not cleanly written, of everything that looks like one."""
    values = [m.group(2) if m.group(2) is not None else m.group(3)
              for m in _attributes(attributes) if m.group(1) == b"r"]  # fmt: skip
    if not _clean(attributes):
        values += [letters + digits for letters, digits in _R_VALUE.findall(attributes)]
    return values


def _attributes(attributes: bytes) -> list[re.Match]:
    found: list[re.Match] = []
    at = 0
    while True:
        match = _ATTRIBUTE.match(attributes, at)
        if not match:
            return found
        found.append(match)
        at = match.end()


def _clean(attributes: bytes) -> bool:
    """Whether the attributes are all key="value" pairs (the reader's own reading of them)."""
    matches = _attributes(attributes)
    rest = attributes[matches[-1].end() :] if matches else attributes
    return rest.strip(b" \t\n\r\x0c/") == b""
