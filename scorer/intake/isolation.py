"""A large sheet parsed by fastexcel in a child process, so that a reader's abort there is an
error here.

calamine allocates the range its cells span only once it has read them all, and aborts the
process when that fails: no ``except`` catches it. A sheet packed small is scanned before it is
parsed (``limits.sheet_extent``); scanning a large one costs as much as a third of its parse,
and it would have to come first. So a large sheet is parsed in a forked child, alongside the
rest of the program as the parse always was, with its address space bounded: whatever its
cells do, the child returns the parse or dies, and this process goes on (``ReaderDied``).

Only where ``fork`` is (Linux): elsewhere the large sheet is scanned before it is parsed."""

from __future__ import annotations

import contextlib
import faulthandler
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MEMORY_FLOOR = 768 << 20  # the child's address space beyond its parent's: any parse of a
MEMORY_PER_CELL = 256  # sheet within its claim fits (calamine keeps ~100 bytes a cell at most)
# How long the child may take before it is given up (killed, and the sheet scanned and read
# here): a parse of a sheet within its claim takes well under a second per million cells. A
# child forked while another thread held a lock of the reader's can wait for it for ever.
SECONDS_FLOOR = 8.0
SECONDS_PER_CELL = 2e-6


def available() -> bool:
    """Whether sheets can be parsed apart here: a forking system that bounds a process's
    address space."""
    return sys.platform.startswith("linux") and hasattr(os, "memfd_create")


class ReaderDied(Exception):
    """The child parsing a sheet ended without a result: aborted, killed or out of memory."""


class ReaderComplaint(Exception):
    """What the reader said in the child about a sheet it could not parse (a damaged file)."""


@dataclass(frozen=True)
class CellError:
    """A cell not of its column's type, as fastexcel reports it."""

    offset_position: tuple[int, int]
    detail: str


@dataclass(frozen=True)
class CellErrors:
    errors: list[CellError]


def parse_or_scan(
    path: Path, member: str, claimed_cells: int, name: str, options: dict[str, Any]
) -> tuple[Any, CellErrors | None, list] | None:
    """The sheet ``name`` (the xlsx ``member``) parsed apart (``parse_apart``); if its child
    died, scanned here instead: ``limits.RefusedFile`` when it passes a limit, None when it is
    within them (and may be parsed in this process)."""
    import zipfile

    from . import limits
    from .opening import source

    try:
        return parse_apart(source(path), name, options, claimed_cells)
    except ReaderDied:
        pass
    with zipfile.ZipFile(path) as archive:
        limits.sheet_extent(archive, archive.getinfo(member), name)
    return None


def parse_apart(
    source: str | bytes, name: str, options: dict[str, Any], claimed_cells: int
) -> tuple[Any, CellErrors | None, list]:
    """``reader.load_sheet(name, **options).to_arrow_with_errors()`` in a forked child, with
    the columns selected: the Arrow batch, the cells not of their column's type, and each
    column's (name, index in the batch, index from A, type). ``ReaderComplaint`` when the
    reader refused the sheet, ``ReaderDied`` when the child ended without a word.

    The child writes its result to a file in memory, which this process maps: the batch's
    columns are read where the child wrote them, not copied through a pipe."""
    import warnings

    import pyarrow  # here, once: the child then has it, and this process needs it anyway

    budget = MEMORY_FLOOR + MEMORY_PER_CELL * claimed_cells
    shared = os.memfd_create("scorer-sheet", os.MFD_CLOEXEC)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # "fork() with threads": _child
            pid = os.fork()
    except OSError as exc:  # no child to be had (out of processes or memory): read it here
        os.close(shared)
        raise ReaderDied(name) from exc
    if pid == 0:
        _child(shared, source, name, options, budget)
    try:
        try:
            left = _end(pid, deadline=SECONDS_FLOOR + SECONDS_PER_CELL * claimed_cells)
        except BaseException:
            _end(pid, kill=True)
            raise
        result = _receive(shared, pyarrow) if left else None
    finally:
        os.close(shared)  # (a mapping of it stays, as long as the batch does)
    if isinstance(result, ReaderComplaint):
        raise result
    if result is None:
        raise ReaderDied(name)
    return result


def _child(shared: int, source, name, options, budget) -> None:
    """The child: parse, write the result (or the reader's complaint), and leave at once, with
    no clean-up of its parent's state (its threads are not here, their locks may be held)."""
    status = 1
    try:
        quiet = os.open(os.devnull, os.O_WRONLY)  # the reader's last words are not the user's
        os.dup2(quiet, 2)
        faulthandler.disable()  # (nor a traceback of the abort, where Python was asked for one)
        _bound_memory(budget)
        with os.fdopen(os.dup(shared), "wb", buffering=1 << 20) as stream:
            _send(stream, source, name, options)
        status = 0
    finally:
        os._exit(status)


def _bound_memory(budget: int) -> None:
    import resource

    with open("/proc/self/statm", "rb") as statm:
        used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = used + budget
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _send(stream, source, name: str, options: dict[str, Any]) -> None:
    import fastexcel
    import pyarrow as pa

    try:
        sheet = fastexcel.read_excel(source).load_sheet(name, **options)
        batch, errors = sheet.to_arrow_with_errors()
    except BaseException as exc:  # a complaint (or a panic) of the reader's: said, not died
        if isinstance(exc, MemoryError) or (
            not isinstance(exc, Exception) and type(exc).__name__ != "PanicException"
        ):
            raise
        stream.write(b"E" + json.dumps(str(exc)).encode())
        return
    meta = {
        "selected": [
            (c.name, c.index, c.absolute_index, str(c.dtype)) for c in sheet.selected_columns
        ],
        "errors": None
        if errors is None
        else [(list(e.offset_position), e.detail) for e in errors.errors],
    }
    encoded = json.dumps(meta).encode()
    encoded += b" " * (-(9 + len(encoded)) % 64)  # the columns start aligned, as Arrow reads them
    stream.write(b"K" + len(encoded).to_bytes(8, "little") + encoded)
    with pa.ipc.new_stream(stream, batch.schema) as writer:
        writer.write_batch(batch)


def _receive(shared: int, pa) -> tuple[Any, CellErrors | None, list] | ReaderComplaint | None:
    import mmap

    size = os.fstat(shared).st_size
    if size < 9:
        return None
    mapped = mmap.mmap(shared, size, prot=mmap.PROT_READ)
    try:
        if mapped[:1] == b"E":
            return ReaderComplaint(json.loads(mapped[1:]))
        if mapped[:1] != b"K":
            return None
        length = int.from_bytes(mapped[1:9], "little")
        meta = json.loads(mapped[9 : 9 + length])
        batch = pa.ipc.open_stream(pa.py_buffer(mapped)[9 + length :]).read_next_batch()
    except (ValueError, pa.ArrowException):  # cut short: the child died on the way
        return None
    errors = meta["errors"]
    if errors is not None:
        errors = CellErrors([CellError(tuple(place), detail) for place, detail in errors])
    return batch, errors, [tuple(column) for column in meta["selected"]]


def _end(pid: int, kill: bool = False, deadline: float | None = None) -> bool:
    """Wait for the child (ended first when ``kill``; ended when it is still at work after
    ``deadline`` seconds); whether it left as it should."""
    import signal
    import time

    if deadline is not None:
        until, pause = time.monotonic() + deadline, 0.002
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
            if time.monotonic() >= until:
                kill = True
                break
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
    if kill:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return not kill and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
