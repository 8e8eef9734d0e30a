"""Helpers for the fuzz suite: mutating workbooks and rule files, running scorer, judging runs."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
RULES = ROOT / "rules"

MEMORY_LIMIT = 2 * 1024**3  # address space of a subprocess run: a blow-up fails, pytest lives
SUBPROCESS_TIMEOUT = 20  # seconds; a normal run takes one or two: only so a hang fails

FORBIDDEN = ("Traceback", "内部错误", "internal error")

# ----------------------------------------------------------------------------- workbooks


def zip_members(data: bytes) -> dict[str, bytes]:
    """A workbook's members, in their order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def build_zip(members: dict[str, bytes] | list[tuple[str, bytes]]) -> bytes:
    items = members.items() if isinstance(members, dict) else members
    buffer = io.BytesIO()
    with warnings_off(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in items:
            archive.writestr(name, content)
    return buffer.getvalue()


@contextlib.contextmanager
def warnings_off():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns on a duplicate member name: we mean it
        yield


@cache
def sample_bytes(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@cache
def sample_members(name: str) -> dict[str, bytes]:
    return zip_members(sample_bytes(name))


CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*?(?:/>|>.*?</c>)', re.S)


@cache
def cell_refs(name: str, member: str) -> tuple[str, ...]:
    """The references of the cells a sample's sheet has, in order."""
    return tuple(m.group(1).decode() for m in CELL.finditer(sample_members(name)[member]))


def replace_cell(xml: bytes, ref: str, cell: bytes) -> bytes:
    """The sheet XML with cell ``ref`` replaced by ``cell`` (``{ref}`` in it becomes the ref)."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', re.S)
    return pattern.sub(lambda _: cell.replace(b"{ref}", ref.encode()), xml, count=1)


def xml_text(text: str) -> bytes:
    """Text for an XML element, escaped as a writer would; control characters stay (as bytes a
    broken writer leaves), since a reader must not crash on them either."""
    return escape(text).encode("utf-8", "surrogatepass")


# Cells of every kind a workbook can hold; {ref} is the cell's reference, {v} the payload.
CELL_KINDS = {
    "number": b'<c r="{ref}"><v>{v}</v></c>',
    "shared": b'<c r="{ref}" t="s"><v>{v}</v></c>',
    "inline": b'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{v}</t></is></c>',
    "str": b'<c r="{ref}" t="str"><v>{v}</v></c>',
    "bool": b'<c r="{ref}" t="b"><v>{v}</v></c>',
    "error": b'<c r="{ref}" t="e"><v>{v}</v></c>',
    "formula": b'<c r="{ref}" t="str"><f>{v}</f><v>{v}</v></c>',
    "formula-no-value": b'<c r="{ref}"><f>{v}</f></c>',
    "iso-date": b'<c r="{ref}" t="d"><v>{v}</v></c>',
    "date": b'<c r="{ref}" s="4"><v>{v}</v></c>',  # numFmtId 14 (added by with_styles)
    "duration": b'<c r="{ref}" s="5"><v>{v}</v></c>',  # numFmtId 46, [h]:mm:ss
    "percent": b'<c r="{ref}" s="6"><v>{v}</v></c>',  # numFmtId 10, 0.00%
    "empty": b'<c r="{ref}"/>',
    "bad-style": b'<c r="{ref}" s="{v}"><v>1</v></c>',
}

EXTRA_XFS = (
    b'<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    b'<xf numFmtId="46" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    b'<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
)


def with_styles(styles: bytes) -> bytes:
    """styles.xml with three more cell formats (date, duration, percent) as xf 4, 5 and 6."""
    if EXTRA_XFS in styles:
        return styles
    styles = re.sub(rb'<cellXfs count="\d+">', b'<cellXfs count="7">', styles)
    return styles.replace(b"</cellXfs>", EXTRA_XFS + b"</cellXfs>", 1)


@dataclass(frozen=True)
class Cell:
    """Put a cell of ``kind`` holding ``value`` at ``ref`` of ``member``."""

    member: str
    ref: str
    kind: str
    value: str

    def apply(self, members: dict[str, bytes]) -> None:
        cell = CELL_KINDS[self.kind].replace(b"{v}", xml_text(self.value))
        members[self.member] = replace_cell(members[self.member], self.ref, cell)
        members["xl/styles.xml"] = with_styles(members["xl/styles.xml"])


@dataclass(frozen=True)
class SharedString:
    """Replace the text of shared string ``index`` (headers, districts, projects)."""

    index: int
    text: str

    def apply(self, members: dict[str, bytes]) -> None:
        sst = members["xl/sharedStrings.xml"]
        items = list(re.finditer(rb"<si>.*?</si>", sst, re.S))
        item = items[self.index % len(items)]
        new = b'<si><t xml:space="preserve">' + xml_text(self.text) + b"</t></si>"
        members["xl/sharedStrings.xml"] = sst[: item.start()] + new + sst[item.end() :]


@dataclass(frozen=True)
class SheetName:
    """Rename sheet ``index`` of the workbook to ``name``."""

    index: int
    name: str

    def apply(self, members: dict[str, bytes]) -> None:
        book = members["xl/workbook.xml"]
        sheets = list(re.finditer(rb'<sheet name="([^"]*)"', book))
        found = sheets[self.index % len(sheets)]
        quoted = escape(self.name, {'"': "&quot;"}).encode("utf-8", "surrogatepass")
        members["xl/workbook.xml"] = book[: found.start(1)] + quoted + book[found.end(1) :]


@dataclass(frozen=True)
class Dimension:
    """Set the sheet's <dimension ref> (calamine may size its range by it)."""

    member: str
    ref: str

    def apply(self, members: dict[str, bytes]) -> None:
        xml = members[self.member]
        members[self.member] = re.sub(
            rb'<dimension ref="[^"]*"/>', b'<dimension ref="' + self.ref.encode() + b'"/>', xml
        )


@dataclass(frozen=True)
class Merged:
    """Add merged ranges to the sheet."""

    member: str
    refs: tuple[str, ...]

    def apply(self, members: dict[str, bytes]) -> None:
        cells = b"".join(b'<mergeCell ref="' + r.encode() + b'"/>' for r in self.refs)
        block = b'<mergeCells count="%d">' % len(self.refs) + cells + b"</mergeCells>"
        xml = re.sub(rb"<mergeCells.*?</mergeCells>", b"", members[self.member], flags=re.S)
        members[self.member] = xml.replace(b"</sheetData>", b"</sheetData>" + block, 1)


@dataclass(frozen=True)
class MoveCell:
    """Give one cell another reference, far away or malformed (A0, XFD1048576, AAAA1)."""

    member: str
    ref: str
    to: str

    def apply(self, members: dict[str, bytes]) -> None:
        xml = members[self.member]
        members[self.member] = xml.replace(
            b'<c r="' + self.ref.encode() + b'"', b'<c r="' + self.to.encode() + b'"', 1
        )


@dataclass(frozen=True)
class Bytes:
    """Overwrite, insert or delete bytes at ``at`` (a share of the member's length)."""

    member: str
    at: float
    action: str  # "set", "insert", "delete"
    payload: bytes

    def apply(self, members: dict[str, bytes]) -> None:
        data = members[self.member]
        i = int(self.at * len(data))
        n = len(self.payload)
        if self.action == "set":
            data = data[:i] + self.payload + data[i + n :]
        elif self.action == "insert":
            data = data[:i] + self.payload + data[i:]
        else:
            data = data[:i] + data[i + max(n, 1) :]
        members[self.member] = data


@dataclass(frozen=True)
class Member:
    """Drop a zip member, duplicate it, empty it, or make it huge but well-compressed."""

    member: str
    action: str  # "drop", "empty", "garbage", "pad", "duplicate"

    def apply(self, members: dict[str, bytes]) -> None:
        if self.member not in members:
            return
        if self.action == "drop":
            del members[self.member]
        elif self.action == "empty":
            members[self.member] = b""
        elif self.action == "garbage":
            members[self.member] = bytes(range(256)) * 4
        elif self.action == "pad":  # 64 MiB of blanks between the XML declaration and the root
            data = members[self.member]
            end = data.find(b"?>") + 2
            members[self.member] = data[:end] + b" " * (64 << 20) + data[end:]
        elif self.action == "duplicate":
            members[self.member + "\0dup"] = members[self.member]


# How a reader may find an attribute r written: each form once hid a cell from the scan.
REFERENCE_FORMS = {
    "plain": b' r="{ref}"',
    "lower": b' r="{lower}"',
    "single": b" r='{ref}'",
    "tab": b'\tr="{ref}"',
    "glued": b' s="0"r="{ref}"',
    "blanks": b' r = "{ref}"',
    "second": b' r="A1" r="{ref}"',
}


@dataclass(frozen=True)
class Reference:
    """Give one cell the reference ``to``, its r attribute written in ``form``."""

    member: str
    ref: str
    to: str
    form: str

    def apply(self, members: dict[str, bytes]) -> None:
        xml = members[self.member]
        written = REFERENCE_FORMS[self.form].replace(b"{ref}", self.to.encode())
        written = written.replace(b"{lower}", self.to.lower().encode())
        old = b'<c r="' + self.ref.encode() + b'"'
        members[self.member] = xml.replace(old, b"<c" + written, 1)


@dataclass(frozen=True)
class Grow:
    """Rows of random text added to the sheet in column ``column``, from row ``start``, until it
    packs larger than 2 MiB (read apart, not scanned first); the <dimension> left as it was."""

    member: str
    column: str
    start: int
    seed: int

    def apply(self, members: dict[str, bytes]) -> None:
        import random

        draw = random.Random(self.seed)
        rows = b"".join(
            b'<row r="%d"><c r="%s%d" t="inlineStr"><is><t>%x</t></is></c></row>'
            % (r, self.column.encode(), r, draw.getrandbits(64))
            for r in range(self.start, self.start + 150_000)
        )
        members[self.member] = members[self.member].replace(
            b"</sheetData>", rows + b"</sheetData>", 1
        )


def build_workbook(sample: str, mutations) -> bytes:
    """The sample with every mutation applied, zipped again (Member duplicates kept)."""
    members = dict(sample_members(sample))
    for mutation in mutations:
        mutation.apply(members)
    items = []
    for name, content in members.items():
        if name.endswith("\0dup"):
            name = name[: -len("\0dup")]
        items.append((name, content))
    return build_zip(items)


# ----------------------------------------------------------------------------- running


@dataclass
class Outcome:
    """How a run ended: exit status and everything it printed, both streams."""

    exit_code: int
    output: str
    args: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return f"scorer {' '.join(self.args)!s} -> exit {self.exit_code}\n{self.output[-3000:]}"


def run_inprocess(args: list[str], cwd: Path) -> Outcome:
    """scorer in this process with click's runner; an exception escapes (a failure)."""
    from click.testing import CliRunner

    from scorer.cli import main

    previous = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(
            main, args, env={"COLUMNS": "120"}, terminal_width=120, catch_exceptions=False
        )
    finally:
        os.chdir(previous)
    return Outcome(result.exit_code, result.output, list(args))


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_subprocess(args: list[str], cwd: Path) -> Outcome:
    """scorer in a child process with a memory limit and a timeout: an abort, a blow-up or a hang
    fails the test instead of taking pytest with it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV_"))}
    env.update(COLUMNS="120", PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "scorer", *args],
            cwd=cwd,
            capture_output=True,
            timeout=SUBPROCESS_TIMEOUT,
            preexec_fn=_limit_memory,
            env=env,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        output = (exc.stdout or b"") + (exc.stderr or b"")
        out = output.decode("utf-8", "replace")
        raise AssertionError(
            f"scorer {args} did not finish in {SUBPROCESS_TIMEOUT} s\n{out[-2000:]}"
        ) from None
    output = (done.stdout + done.stderr).decode("utf-8", "replace")
    return Outcome(done.returncode, output, list(args))


# ----------------------------------------------------------------------------- judging


def digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``, by relative path."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():  # never read through one (it may point at /dev/zero)
            found[str(path.relative_to(folder))] = "-> " + os.readlink(path)
        elif path.is_file():
            try:
                found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                found[str(path.relative_to(folder))] = "unreadable"
    return found


def complete(path: Path) -> str | None:
    """Why the report at ``path`` is not whole, or None when it is."""
    data = path.read_bytes()
    if not data:
        return "empty"
    suffix = path.suffix.lower()
    try:
        if suffix in (".html", ".htm"):
            return None if data.rstrip().endswith(b"</html>") else "no closing </html>"
        if suffix == ".md":
            data.decode("utf-8")
            return None
        if suffix == ".json":
            import orjson

            orjson.loads(data)
            return None
        if suffix == ".xlsx":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                bad = archive.testzip()
                if bad is not None:
                    return f"broken member {bad}"
            from python_calamine import CalamineWorkbook

            CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names  # noqa: B018
            return None
    except Exception as exc:  # the report is judged, never trusted
        return f"unreadable: {type(exc).__name__}: {exc}"
    return None


def assert_sound(
    outcome: Outcome,
    workdir: Path,
    before: dict[str, str],
    outputs: list[str] = (),
    outdir: Path | None = None,
    allowed: tuple[int, ...] = (0, 1, 2),
) -> None:
    """Every case: exit 0, 1 or 2; no traceback or internal error; inputs untouched; each report
    whole or absent (all there on exit 0); no other file left in the folders."""
    what = outcome.describe()
    assert outcome.exit_code in allowed, what
    for word in FORBIDDEN:
        assert word.lower() not in outcome.output.lower(), what
    after = digest(workdir)
    changed = {k: v for k, v in before.items() if after.get(k) != v}
    assert not changed, f"inputs changed or removed: {sorted(changed)}\n{what}"
    stray = sorted(set(after) - set(before))
    assert not stray, f"stray files left: {stray}\n{what}"
    if outdir is not None:
        wanted = {Path(o).name for o in outputs}
        present = {p.name for p in outdir.iterdir()}
        extra = sorted(present - wanted)
        assert not extra, f"stray files beside the reports: {extra}\n{what}"
        for name in sorted(wanted):
            path = outdir / name
            if not _exists(path):
                assert outcome.exit_code != 0, f"exit 0 but {name} not written\n{what}"
                continue
            why = complete(path)
            assert why is None, f"partial report {name}: {why}\n{what}"


def _exists(path: Path) -> bool:
    """Whether a file is there; a name too long for the system names none (Path.exists raises)."""
    try:
        return path.exists()
    except OSError:
        return False


@contextlib.contextmanager
def workspace(files: dict[str, bytes]):
    """A fresh folder holding ``files`` (name -> content) and an empty out/ for reports."""
    folder = Path(tempfile.mkdtemp(prefix="scorer-fuzz-"))
    try:
        for name, content in files.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        out = Path(tempfile.mkdtemp(prefix="scorer-fuzz-out-"))
        try:
            yield folder, out
        finally:
            shutil.rmtree(out, ignore_errors=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
