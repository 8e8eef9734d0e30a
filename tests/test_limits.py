"""Issue 11, the reading of workbooks: what no reader can hold is refused, named and placed,
before a reader sees it; nothing a workbook holds aborts the process or drops out unseen."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import xlsxwriter
from conftest import ANHUI_HEADER, RULES, flat, full_rows, write_xlsx

from scorer.cells import column_letter
from scorer.intake import read_data

_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _cell(ref: str, value) -> str:
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def sheet_xml(rows: list[list], after: str = "", dimension: str | None = None) -> str:
    """A sheet's XML with the given rows from A1, and raw XML ``after`` them."""
    body = "".join(
        f'<row r="{r + 1}">'
        + "".join(
            _cell(f"{column_letter(c)}{r + 1}", v) for c, v in enumerate(row) if v is not None
        )
        + "</row>"
        for r, row in enumerate(rows)
    )
    tag = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<worksheet xmlns="{_SHEET_NS}">{tag}<sheetData>{body}{after}</sheetData></worksheet>'


def write_zip_xlsx(path: Path, sheets: dict[str, str]) -> Path:
    """An xlsx written by hand (zipfile): sheet name -> the sheet's XML."""
    names = list(sheets)
    workbook = (
        f'<workbook xmlns="{_SHEET_NS}" xmlns:r="{_REL_NS}"><sheets>'
        + "".join(
            f'<sheet name="{escape(n)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
            for i, n in enumerate(names)
        )
        + "</sheets></workbook>"
    )
    rels = (
        f'<Relationships xmlns="{_PKG_NS}">'
        + "".join(
            f'<Relationship Id="rId{i + 1}" Type="{_REL_NS}/worksheet" '
            f'Target="worksheets/sheet{i + 1}.xml"/>'
            for i in range(len(names))
        )
        + "</Relationships>"
    )
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(len(names))
        )
        + "</Types>"
    )
    package = (
        f'<Relationships xmlns="{_PKG_NS}"><Relationship Id="rId1" '
        f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", package)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        for i, name in enumerate(names):
            archive.writestr(f"xl/worksheets/sheet{i + 1}.xml", sheets[name])
    return path


def a_return() -> list[list]:
    return [ANHUI_HEADER, *full_rows("合肥市")]


def run_scorer(path: Path, *args: str) -> tuple[int, str, int]:
    """scorer assess in a process of its own (a reader's abort would end pytest otherwise):
    exit status, stdout + stderr, and its peak resident memory in KiB."""
    command = [sys.executable, "-m", "scorer", "assess", str(path)]
    command += ["--rules", str(RULES / "anhui-2010.yaml"), *args]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=path.parent, text=True
    )
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    return os.waitstatus_to_exitcode(status), output, usage.ru_maxrss


def located(path: Path, anhui) -> list[tuple]:
    issues = read_data([path], anhui).issues
    assert all(i.file == str(path) for i in issues if i.severity == "error"), issues
    return [(*key, i.message()) for key, i in zip(flat(issues), issues)]


# ----------------------------------------------------------------------------- extent


def test_a_cell_at_xfd1048576_is_refused_at_its_cell_and_aborts_nothing(tmp_path):
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    path = write_zip_xlsx(tmp_path / "far-2010.xlsx", {"合肥市": sheet_xml(a_return(), far)})
    status, output, peak = run_scorer(path, "--format", "json")
    assert status == 1, output
    assert '"code":"sheet-too-large"' in output.replace(" ", "")
    assert '"cell":"XFD1048576"' in output.replace(" ", "")
    assert (
        "工作表的数据范围到 16,384 列、1,048,576 行（17,179,869,184 个单元格），超过上限" in output
    )
    assert "far-2010.xlsx" in output and "合肥市" in output
    assert peak < 1024 * 1024, peak  # KiB: under 1 GiB


def test_a_dimension_tag_that_lies_is_not_believed(tmp_path, anhui):
    """A small sheet is scanned in full: its <dimension> says A1:J34, a cell sits at XFD1048576."""
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    xml = sheet_xml(a_return(), far, dimension="A1:J34")
    path = write_zip_xlsx(tmp_path / "lie.xlsx", {"合肥市": xml})
    status, output, peak = run_scorer(path)
    assert status == 1, output
    assert "超过上限" in output and peak < 1024 * 1024
    assert located(path, anhui)[0][:3] == ("合肥市", "XFD1048576", "sheet-too-large")


def test_a_wide_but_short_sheet_is_read(tmp_path, anhui):
    """16,384 columns over 35 rows is 573,440 cells: within the limits, read as usual."""
    path = write_zip_xlsx(
        tmp_path / "wide.xlsx",
        {"合肥市": sheet_xml(a_return(), '<row r="35"><c r="XFD35"><v>1</v></c></row>')},
    )
    data = read_data([path], anhui)
    assert [i.code for i in data.issues if i.severity == "error"] == []
    assert data.districts == ["合肥市"]


def test_cells_out_of_order_are_refused_not_a_crash(tmp_path, anhui):
    late_first = '<row r="900"><c r="A900"><v>1</v></c></row>'
    xml = sheet_xml(a_return()).replace("<sheetData>", "<sheetData>" + late_first)
    path = write_zip_xlsx(tmp_path / "order.xlsx", {"合肥市": xml})
    assert [x[:3] for x in located(path, anhui)][:1] == [("合肥市", None, "sheet-out-of-order")]


# ----------------------------------------------------------------------------- zip


def test_a_zip_bomb_is_refused_by_its_ratio(tmp_path, anhui):
    padding = " " * (60 << 20)  # 60 MB of blanks pack into some 60 KB
    path = write_zip_xlsx(tmp_path / "bomb.xlsx", {"合肥市": sheet_xml(a_return(), padding)})
    assert located(path, anhui) == [
        (
            "合肥市",
            None,
            "workbook-ratio",
            "文件中的 xl/worksheets/sheet1.xml 压缩后 62 KB，解压后有 60 MB（997 倍，上限 100 倍）"
            "，不像正常的工作簿（可能是“压缩炸弹”），未读取",
        )
    ]


def test_a_zip_bomb_that_states_small_sizes_is_measured_not_believed(tmp_path, anhui):
    """The zip says the sheet unpacks to 1,000 bytes; its real size is found by unpacking it."""
    padding = " " * (60 << 20)
    path = write_zip_xlsx(tmp_path / "liar.xlsx", {"合肥市": sheet_xml(a_return(), padding)})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    struct.pack_into("<I", data, info.header_offset + 22, 1000)  # the local header's size
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + length] == b"xl/worksheets/sheet1.xml":
            struct.pack_into("<I", data, central + 24, 1000)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 1000
    status, output, peak = run_scorer(path)
    assert status == 1 and peak < 1024 * 1024, output
    assert [x[:3] for x in located(path, anhui)] == [("合肥市", None, "workbook-ratio")]


# ----------------------------------------------------------------------------- signature


def test_a_huge_file_that_is_no_zip_is_refused_at_once(tmp_path, anhui):
    path = tmp_path / "2010.xlsx"
    with open(path, "wb") as stream:
        stream.truncate(20 << 30)  # 20 GB, sparse: nothing but zero bytes
    assert located(path, anhui) == [
        (
            None,
            None,
            "not-a-workbook",
            "文件扩展名为 .xlsx，但内容不是 Excel 工作簿，看起来是全是零字节"
            "（文件可能没有下载或复制完整）",
        )
    ]


def test_an_xls_that_is_a_web_page_or_a_zip_is_named_for_what_it_is(tmp_path, anhui):
    page = tmp_path / "网页.xls"
    page.write_text("<html><body><table><tr><td>地区</td></tr></table></body></html>")
    zipped = tmp_path / "zip.xls"
    zipped.write_bytes(write_xlsx(tmp_path / "real.xlsx", {"s": a_return()}).read_bytes())
    messages = [located(p, anhui)[0][2:] for p in (page, zipped)]
    assert messages == [
        (
            "not-a-workbook",
            "文件扩展名为 .xls，但内容不是 Excel 97-2003 (.xls) 工作簿，看起来是网页（HTML）表格",
        ),
        (
            "not-a-workbook",
            "文件扩展名为 .xls，但内容不是 Excel 97-2003 (.xls) 工作簿，"
            "看起来是zip 压缩包（可能是 .xlsx 或 .ods 文件）",
        ),
    ]


# ----------------------------------------------------------------------------- cells, headers


def test_a_duration_cell_is_refused_at_its_cell(tmp_path, anhui):
    path = tmp_path / "duration.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("合肥市")
    for r, row in enumerate(a_return()):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    sheet.write_number(5, 3, 1.5, workbook.add_format({"num_format": "[h]:mm:ss"}))
    workbook.close()
    assert located(path, anhui) == [
        ("合肥市", "D6", "not-a-number", "“完成”应为数字，读到“1 day, 12:00:00”")
    ]


def test_a_header_below_the_rows_searched_is_an_error_not_a_note(tmp_path, anhui):
    rows = [["2010年民生工程考核填报表"]] * 30 + a_return()  # the header on row 31
    path = write_xlsx(tmp_path / "late.xlsx", {"合肥市": rows, "填报说明": [["按项目逐行填写"]]})
    issues = read_data([path], anhui).issues
    assert [(i.file, i.sheet, i.code, i.severity) for i in issues] == [
        (str(path), "合肥市", "header-not-found", "error")
    ]
    assert issues[0].message() == (
        "工作表有数据，但前 30 行中没有找到含方案列名的表头，整张表未参与考核"
    )


def test_a_sheet_of_numbers_without_a_header_is_an_error_a_sheet_of_text_a_note(tmp_path, anhui):
    path = write_xlsx(
        tmp_path / "a.xlsx",
        {"合肥市": a_return(), "草稿": [["地", "项"], ["合肥", 12]], "备注": [["3月报送"]]},
    )
    issues = read_data([path], anhui).issues
    assert [(i.sheet, i.code, i.severity) for i in issues] == [
        ("草稿", "header-not-found", "error"),
        ("备注", "skipped-sheet", "info"),
    ]


# ----------------------------------------------------------------------------- many sheets


def test_many_sheets_open_the_workbook_once(tmp_path, monkeypatch, anhui):
    """Each sheet's first rows came from reopening the zip and parsing workbook.xml again:
    quadratic in the sheets (1,000 sheets 17 s, 5,000 sheets 593 s). Now once per file."""
    from scorer import sheets

    header = ANHUI_HEADER[1:]
    book = {f"区{i}": [header, *[r[1:] for r in full_rows(f"区{i}")]] for i in range(40)}
    path = write_xlsx(tmp_path / "many.xlsx", book)
    monkeypatch.setattr(sheets, "_LARGE_XLSX", 0)  # the first rows from the XML
    reads = []
    real_read = zipfile.ZipFile.read

    def read(self, name, *args):
        reads.append(name if isinstance(name, str) else name.filename)
        return real_read(self, name, *args)

    monkeypatch.setattr(zipfile.ZipFile, "read", read)
    data = read_data([path], anhui)
    assert reads.count("xl/workbook.xml") == 1
    assert len(data.districts) == 40


# ----------------------------------------------------------------------------- the reader's view
#
# calamine takes a reference in lower case, in single quotes, with blanks around "=" or none
# before "r", and places a cell by its largest row wherever it stands: each of these hid a cell at
# XFD1048576 from the scan, and the reader aborted the process (exit 134). Each runs in a child
# process first, so that an abort fails the test instead of ending pytest.

FAR_CELLS = {
    "lower case": '<row r="35"><c r="xfd1048576"><v>1</v></c></row>',
    "single quotes": "<row r='35'><c r='XFD1048576'><v>1</v></c></row>",
    "a tab before r": '<row r="35"><c\tr="XFD1048576"><v>1</v></c></row>',
    "no blank before r": '<row r="35"><c s="0"r="XFD1048576"><v>1</v></c></row>',
    "blanks around =": '<row r="35"><c r = "XFD1048576"><v>1</v></c></row>',
    "a second r": '<row r="35"><c r="A35" r="XFD1048576"><v>1</v></c></row>',
    "in the middle": '<row r="35"><c r="A35"><v>1</v></c></row><row r="1048576"><c '
    'r="XFD1048576"><v>1</v></c></row><row r="36"><c r="A36"><v>1</v></c></row>',
    "prefixed": '<x:row r="35"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>',
}


@pytest.mark.parametrize("how", sorted(FAR_CELLS))
def test_a_far_cell_however_written_is_refused_at_its_cell(tmp_path, anhui, how):
    xml = sheet_xml(a_return(), FAR_CELLS[how]).replace(
        "<worksheet ", f'<worksheet xmlns:x="{_SHEET_NS}" '
    )
    path = write_zip_xlsx(tmp_path / "far.xlsx", {"合肥市": xml})
    status, output, peak = run_scorer(path)
    assert status == 1, output
    assert "超过上限" in output and peak < 1024 * 1024
    assert located(path, anhui)[0][:3] == ("合肥市", "XFD1048576", "sheet-too-large")


def test_cells_without_references_are_placed_as_the_reader_places_them(tmp_path, anhui):
    """Cells written without r="…" go after the cell before them: 16,385 of them in one row reach
    past XFD, and are refused; a return written so (as some writers do) is read."""
    rows = "".join(
        "<row>"
        + "".join("<c></c>" if v is None else _cell("", v).replace(' r=""', "") for v in row)
        + "</row>"
        for row in a_return()
    )
    plain = f'<worksheet xmlns="{_SHEET_NS}"><sheetData>{rows}</sheetData></worksheet>'
    path = write_zip_xlsx(tmp_path / "plain.xlsx", {"合肥市": plain})
    data = read_data([path], anhui)
    assert [i.code for i in data.issues if i.severity == "error"] == []
    assert data.districts == ["合肥市"]
    wide = "<row>" + "<c><v>1</v></c>" * 16_385 + "</row>"
    path = write_zip_xlsx(
        tmp_path / "wide.xlsx", {"合肥市": plain.replace("</sheetData>", wide + "</sheetData>")}
    )
    status, output, _ = run_scorer(path)
    assert status == 1 and "超过上限" in output, output
    assert located(path, anhui)[0][:3] == ("合肥市", "XFE35", "sheet-too-large")


def test_a_sheet_with_comments_among_irregular_cells_is_refused(tmp_path, anhui):
    """Followed tag by tag, a sheet must hold nothing the reader skips: a comment could hide a
    cell from the scan, or show one the reader does not see."""
    xml = sheet_xml(a_return(), "<!-- </row> --><row><c><v>1</v></c></row>")
    path = write_zip_xlsx(tmp_path / "comment.xlsx", {"合肥市": xml})
    assert [x[:3] for x in located(path, anhui)] == [("合肥市", None, "sheet-malformed")]


# ----------------------------------------------------------------------------- large sheets
#
# A sheet packed larger than 2 MiB is not scanned before it is read: its <dimension> is checked,
# and it is parsed in a child process, whose abort is an error here. Then it is scanned, and
# refused at its cell.


@pytest.fixture(scope="module")
def filler() -> str:
    """Rows of random text in column K (no scheme column): over 2 MiB packed."""
    import random

    draw = random.Random(11)
    return "".join(
        f'<row r="{r}"><c r="K{r}" t="inlineStr"><is><t>{draw.getrandbits(64):x}</t></is></c></row>'
        for r in range(40, 160_000)
    )


def large_return(tmp_path: Path, filler: str, far: str = "", dimension: str | None = None):
    path = write_zip_xlsx(
        tmp_path / "large.xlsx", {"合肥市": sheet_xml(a_return(), filler + far, dimension)}
    )
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").compress_size > 2 << 20
    return path


LATE = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
MIDDLE = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row><row r="170000"><c r="K170000">'
MIDDLE += "<v>1</v></c></row>"


@pytest.mark.parametrize(
    "far, dimension",
    [(LATE, "A1:K160000"), (LATE, None), (MIDDLE, "A1:K170000")],
    ids=["a dimension that lies", "no dimension", "rows out of order"],
)
def test_a_large_sheet_whose_cells_pass_its_claim_is_refused_never_aborts(
    tmp_path, anhui, filler, far, dimension
):
    path = large_return(tmp_path, filler, far, dimension)
    status, output, peak = run_scorer(path, "--format", "json")
    assert status == 1, output
    assert '"code":"sheet-too-large"' in output.replace(" ", "")
    assert '"cell":"XFD1048576"' in output.replace(" ", "")
    assert "large.xlsx" in output and "合肥市" in output
    assert "memory allocation" not in output  # the child's last words are not shown
    assert peak < 1024 * 1024, peak  # KiB, the child's included
    assert located(path, anhui)[0][:3] == ("合肥市", "XFD1048576", "sheet-too-large")


def test_a_large_sheet_within_its_claim_is_parsed_apart_and_read_as_a_small_one(
    tmp_path, anhui, filler, monkeypatch
):
    from scorer.intake import isolation

    small = write_zip_xlsx(tmp_path / "small.xlsx", {"合肥市": sheet_xml(a_return())})
    large = large_return(tmp_path, filler, dimension="A1:K159999")
    apart = []
    real = isolation.parse_apart
    monkeypatch.setattr(isolation, "parse_apart", lambda *a: apart.append(a[1]) or real(*a))
    expected, found = read_data([small], anhui), read_data([large], anhui)
    assert apart == ["合肥市"] if isolation.available() else apart == []
    assert [i.code for i in found.issues if i.severity == "error"] == []
    columns = [c for c in expected.rows.columns if c not in ("_source",)]
    assert found.rows[columns].equals(expected.rows[columns])


def test_a_child_that_dies_on_a_sheet_within_the_limits_leaves_it_to_be_read_here(
    tmp_path, anhui, filler, monkeypatch
):
    """The child's address space too small for the parse: it dies, the sheet is scanned, found
    within the limits and parsed in this process."""
    from scorer.intake import isolation, limits

    if not isolation.available():
        pytest.skip("no child processes here")
    monkeypatch.setattr(isolation, "MEMORY_FLOOR", 1 << 20)
    monkeypatch.setattr(isolation, "MEMORY_PER_CELL", 0)
    scanned = []
    real = limits.sheet_extent
    monkeypatch.setattr(limits, "sheet_extent", lambda *a: scanned.append(a[2]) or real(*a))
    data = read_data([large_return(tmp_path, filler, dimension="A1:K159999")], anhui)
    assert scanned == ["合肥市"]
    assert [i.code for i in data.issues if i.severity == "error"] == []
    assert data.districts == ["合肥市"]


def test_a_child_that_hangs_is_given_up_and_the_sheet_read_here(
    tmp_path, anhui, filler, monkeypatch
):
    """A child that never finishes (forked while another thread held a lock it then waits for)
    is killed at its deadline; the sheet is scanned and parsed in this process."""
    import time

    from scorer.intake import isolation, limits

    if not isolation.available():
        pytest.skip("no child processes here")

    def hang(*args):
        while True:
            time.sleep(1)

    monkeypatch.setattr(isolation, "_child", hang)
    monkeypatch.setattr(isolation, "SECONDS_FLOOR", 0.5)
    monkeypatch.setattr(isolation, "SECONDS_PER_CELL", 0)
    scanned = []
    real = limits.sheet_extent
    monkeypatch.setattr(limits, "sheet_extent", lambda *a: scanned.append(a[2]) or real(*a))
    started = time.monotonic()
    data = read_data([large_return(tmp_path, filler, dimension="A1:K159999")], anhui)
    assert time.monotonic() - started < 30  # (the deadline, not the test's patience, ended it)
    assert scanned == ["合肥市"]
    assert [i.code for i in data.issues if i.severity == "error"] == []
    assert data.districts == ["合肥市"]


def test_without_child_processes_a_large_sheet_is_scanned_before_it_is_read(
    tmp_path, anhui, filler, monkeypatch
):
    from scorer.intake import isolation

    monkeypatch.setattr(isolation, "available", lambda: False)
    monkeypatch.setattr(isolation, "parse_apart", None)  # would fail if called
    path = large_return(tmp_path, filler, LATE, "A1:K160000")
    assert located(path, anhui)[0][:3] == ("合肥市", "XFD1048576", "sheet-too-large")
    path = large_return(tmp_path, filler, dimension="A1:K159999")
    assert read_data([path], anhui).districts == ["合肥市"]
