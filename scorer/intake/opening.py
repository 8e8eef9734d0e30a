"""A file as the readers take it: a path (or, for a name that is not UTF-8, the file's bytes),
calamine opened on a workbook, a CSV file's rows in the encodings offices save them in."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any


def source(path: Path) -> str | bytes:
    """What the Rust readers take for a file: its path, or where the path is not UTF-8 (a name
    made on another system, which they cannot take), the file's bytes."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return path.read_bytes()
    return str(path)


def calamine(path: Path, data: bytes | None = None):
    """python-calamine's workbook of a file (of its bytes, ``data``, when they were read)."""
    from python_calamine import CalamineWorkbook

    found = source(path) if data is None else data
    if isinstance(found, bytes):
        import io

        return CalamineWorkbook.from_filelike(io.BytesIO(found))
    return CalamineWorkbook.from_path(found)


def read_csv(path: Path) -> list[list[Any]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # offices save CSV from Excel in GBK as often as not
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        from ..messages import say
        from .limits import RefusedFile

        raise RefusedFile("unreadable-file", {"detail": say("detail.unknown_encoding")})
    return [list(r) for r in csv.reader(text.splitlines())]
