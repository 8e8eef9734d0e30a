"""Cells that read as plain numbers but are not (TRUE/FALSE, percent-formatted), found in the XML
the limits scan already unpacked, and a district's return read from disk once."""

from __future__ import annotations

import builtins
import io

from conftest import ANHUI_HEADER, RULES, flat, full_rows, write_xlsx

from scorer import assess, sheets
from scorer.intake import limits, xlsx

CELLS = (
    b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="b"><v>1</v></c>'
    b'<c r="C1" s="3"><v>0.935</v></c><c r="D1" s="3" t="s"><v>2</v></c></row>'
    b'<row r="2"><c r="A2" t="b"><v>0</v></c><c r="B2" s="7"><v>12</v></c>'
    b'<c r="AB2" s="3"/><c r="C2" t="inlineStr"><is><r><rPr><color rgb="FF0000"/></rPr>'
    b"<t>x</t></r></is></c></row></sheetData>"
)


def test_marked_cells_are_the_same_however_the_xml_is_cut():
    styles = {b' s="3"'}
    whole = xlsx.marks(CELLS, styles)
    assert whole == {(0, 1): True, (0, 2): 0.935, (1, 0): False}
    assert isinstance(whole[(0, 2)], sheets.PercentCell)
    for cut in range(1, len(CELLS)):
        kinds = xlsx.CellKinds()
        kinds.styles = styles
        passed = b"".join(kinds.watch("m", iter([CELLS[:cut], CELLS[cut:]])))
        assert passed == CELLS
        assert kinds.by_member["m"] == whole, cut


def anhui(tmp_path, **changes):
    rows = [ANHUI_HEADER] + full_rows("合肥市", **changes) + full_rows("芜湖市")
    return write_xlsx(tmp_path / "2010.xlsx", {"数据": rows})


def logical(issues) -> list[tuple]:
    return [(i.cell, i.message()) for i in issues if i.code == "logical-value"]


def test_true_false_in_a_large_sheet_without_percent_formats(tmp_path, monkeypatch):
    """A sheet packed over SCAN_PACKED_BYTES is not unpacked by the limits scan: its TRUE/FALSE
    cells are found all the same (they used to be only when the workbook had percent formats),
    with the same problems as a small sheet's."""
    path = anhui(tmp_path, 农村五保供养={"完成": True}, 农家书屋={"目标任务": False})
    small = assess([path], RULES / "anhui-2010.yaml").issues
    assert logical(small) == [
        ("C22", "“目标任务”应为数字，读到逻辑值 FALSE"),
        ("D9", "“完成”应为数字，读到逻辑值 TRUE"),
    ]
    monkeypatch.setattr(limits, "SCAN_PACKED_BYTES", 0)  # every sheet large: parsed apart
    monkeypatch.setattr(sheets, "_LARGE_XLSX", 0)
    large = assess([path], RULES / "anhui-2010.yaml").issues
    assert flat(large) == flat(small)
    assert logical(large) == logical(small)


def test_a_large_sheet_is_not_read_again_when_no_cell_can_be_true_or_false(tmp_path, monkeypatch):
    """Only a parse giving 0 or 1 (or "true"/"false") in a number column sends a large sheet
    without percent formats to be read for its TRUE/FALSE cells."""
    read = []
    original = xlsx.sheet_marks

    def reading(*args):
        read.append(args)
        return original(*args)

    monkeypatch.setattr(xlsx, "sheet_marks", reading)
    monkeypatch.setattr(limits, "SCAN_PACKED_BYTES", 0)
    monkeypatch.setattr(sheets, "_LARGE_XLSX", 0)
    rows = [ANHUI_HEADER] + full_rows("合肥市") + full_rows("芜湖市")
    for row in rows[1:]:  # no number 0 or 1 anywhere
        row[2:] = [None if v in (0, 1) else v for v in row[2:]]
    path = write_xlsx(tmp_path / "2010.xlsx", {"数据": rows})
    assess([path], RULES / "anhui-2010.yaml")
    assert read == []
    rows[5][3] = 1
    write_xlsx(path, {"数据": rows})
    assess([path], RULES / "anhui-2010.yaml")
    assert len(read) == 1


def test_a_districts_return_is_read_from_disk_once(tmp_path, monkeypatch):
    """The limits, the cell kinds, calamine's first rows and fastexcel's parse share one read."""
    path = anhui(tmp_path, 农村五保供养={"完成": True})
    opened = []

    def counting(opener):
        def open_(file, *args, **kwargs):
            if str(file) == str(path):
                opened.append(args[:1])
            return opener(file, *args, **kwargs)

        return open_

    monkeypatch.setattr(builtins, "open", counting(builtins.open))
    monkeypatch.setattr(io, "open", counting(io.open))
    issues = assess([path], RULES / "anhui-2010.yaml").issues
    assert len(opened) == 1, opened
    assert logical(issues) == [("D9", "“完成”应为数字，读到逻辑值 TRUE")]
