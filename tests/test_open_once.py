"""Issue 15: each workbook opened and parsed once, the header found once per distinct header.

A small xlsx sheet's body is read from the rows calamine gave for its head (``intake.typed``);
it must be what fastexcel's parse gives, cell for cell: random sheets of every kind of cell are
read both ways here. A large sheet (or one with cells calamine blurs) is still parsed by
fastexcel."""

from __future__ import annotations

import datetime
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xlsxwriter

from scorer import headers, sheets
from scorer.sheets import Texts, read_sheets

ROOT = Path(__file__).resolve().parent.parent

_TEXTS = ["约100", " 12 ", "1,000", "NA", "null", "nan", " ", "１２", "95%", "\u3000 5", "1e3",
          ".5", "5.", "true", "-", "合肥市", "合肥市 ", "ｘ", "+7", "1e400", "\xa03", "0x10",
          "完成"]  # fmt: skip
_NUMBERS = [0.0, -0.0, 1.0, 713.0, -12.5, 0.1, 1e16, 123456789012345.0, 0.0009765625, 2.5e-7,
            1234.5678901234, 1e-10, 29.020000000000003, 5e-10, 1.5e-9]  # fmt: skip


def _cell(rng: random.Random, mode: str):
    """One cell's content: ('n', number), ('s', text), or a kind calamine blurs or types."""
    roll = rng.random()
    if roll < 0.15:
        return None
    if mode == "numbers" and roll < 0.9 or mode == "texts" and roll > 0.85:
        if rng.random() < 0.3:
            return ("n", rng.choice(_NUMBERS))
        return ("n", round(rng.uniform(-1e4, 1e4), rng.randint(0, 4)))
    if mode == "odd" and roll > 0.8:
        return rng.choice([("b", True), ("b", False), ("d", datetime.datetime(2020, 1, 2)),
                           ("e", "=1/0"), ("f", '=""'), ("f", '="x"'), ("s", "")])  # fmt: skip
    return ("s", rng.choice(_TEXTS))


def _workbook(path: Path, rng: random.Random) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for number in range(rng.randint(1, 2)):
        sheet = workbook.add_worksheet(f"S{number}")
        width, height = rng.randint(1, 6), rng.randint(0, 14)
        modes = [rng.choice(["numbers", "numbers", "texts", "mixed", "odd"]) for _ in range(width)]
        odd = rng.random() < 0.3
        for row in range(height):
            for col in range(width):
                mode = modes[col] if odd or modes[col] != "odd" else "mixed"
                cell = _cell(rng, mode)
                if cell is None:
                    continue
                kind, value = cell
                if kind == "n":
                    sheet.write_number(row, col, value)
                elif kind == "s":
                    sheet.write_string(row, col, value)
                elif kind == "b":
                    sheet.write_boolean(row, col, value)
                elif kind == "d":
                    sheet.write_datetime(row, col, value, date)
                elif kind == "e":
                    sheet.write_formula(row, col, value, None, "#DIV/0!")
                else:
                    sheet.write_formula(row, col, value, None, value[2:-1])
        if height > 2 and width > 1 and rng.random() < 0.3:
            sheet.merge_range(1, 0, 2, 0, "合并")
    workbook.close()


def _same(left, right) -> bool:
    if isinstance(left, Texts):
        return (
            isinstance(right, Texts)
            and left.categories == right.categories
            and np.array_equal(left.codes, right.codes)
        )
    return left.dtype == right.dtype and left.tobytes() == right.tobytes()


def _odd(cells):
    return [(p, k, type(raw).__name__, raw) for p, k, raw in cells]


@pytest.mark.parametrize("seed", range(60))
def test_rows_read_as_fastexcel_parses_them(tmp_path, monkeypatch, seed):
    """Each sheet's body from its rows equals fastexcel's parse of it, for any header row and
    any columns read as numbers; its head and merged ranges equal those read apart."""
    rng = random.Random(seed)
    path = tmp_path / f"r{seed}.xlsx"
    _workbook(path, rng)
    once = read_sheets(path)
    monkeypatch.setattr(sheets, "WHOLE_ROWS_CELLS", -1)  # every sheet parsed by fastexcel
    twice = read_sheets(path)
    monkeypatch.undo()
    assert [s.name for s in once] == [s.name for s in twice]
    for small, parsed in zip(once, twice):
        assert small.head == parsed.head and small.extent == parsed.extent
        assert parsed.rows is None
        assert small.merged() == parsed.merged()
        width = max((len(r) for r in small.head), default=0) + 1
        for _ in range(4):
            columns = {f"k{c}": c for c in range(width) if rng.random() < 0.8}
            numeric = {k for k in columns if rng.random() < 0.6}
            first = rng.randint(0, (small.extent or 0) + 1)
            try:
                expected = parsed.body(first, columns, numeric)
            except sheets.UnreadableSheet as exc:
                with pytest.raises(sheets.UnreadableSheet, match=str(exc)[:30] or None):
                    small.body(first, columns, numeric)
                continue
            arrays, odd, count = small.body(first, columns, numeric)
            assert count == expected[2]
            assert list(arrays) == list(expected[0])
            for key in arrays:
                assert _same(arrays[key], expected[0][key]), (seed, key, first)
            assert _odd(odd) == _odd(expected[1])


def test_a_small_return_is_parsed_once(monkeypatch):
    """The sample's sheets are read from calamine's rows: fastexcel never opens the file."""
    opened = []
    monkeypatch.setattr(sheets._LazyReader, "load_sheet", lambda *a, **k: opened.append(a))
    found = read_sheets(ROOT / "samples" / "2010.xlsx")
    assert all(sheet.rows is not None for sheet in found)
    for sheet in found:
        sheet.body(1, {"a": 0, "b": 1}, {"b"})
    assert opened == []


def _two_sheets(path: Path, *names: str):
    """A workbook of sheets with a header and a row each, left open for more cells."""
    workbook = xlsxwriter.Workbook(str(path))
    made = [workbook.add_worksheet(name) for name in names]
    for sheet in made:
        sheet.write_row(0, 0, ["项目", "完成"])
        sheet.write_row(1, 0, ["x", 1.0])
    return workbook, made


def test_blurred_cells_go_to_fastexcel(tmp_path):
    """A sheet with an error value or a formula's text (calamine gives both as blanks) is left
    to fastexcel; the other sheets of the file are not."""
    path = tmp_path / "blurred.xlsx"
    workbook, (plain, blurred) = _two_sheets(path, "plain", "blurred")
    blurred.write_formula(2, 1, "=1/0", None, "#DIV/0!")
    workbook.close()
    found = {sheet.name: sheet for sheet in read_sheets(path)}
    assert found["plain"].rows is not None and found["blurred"].rows is None
    arrays, odd, count = found["blurred"].body(1, {"project": 0, "done": 1}, {"done"})
    assert count == 2 and [raw for _, _, raw in odd] == ["#DIV/0!"]


@pytest.mark.parametrize("header_rows", [1, 2])
def test_header_found_once_per_distinct_header(tmp_path, monkeypatch, header_rows):
    """Returns of one template have one header, whatever their data: the rows naming the
    scheme's columns are read as a header once for 1 return or 30 (a counter on
    ``_read_header``), and once more for a second template, its columns in another order. (The
    title above the header is not part of it; the data row under a header,
    different in every return, is not read with it as a header of two rows: it names no
    column.) ``header_rows``: a header of one row, or labels under group cells."""
    from scorer.scheme import load_scheme

    scheme = load_scheme(ROOT / "rules" / "anhui-2010.yaml")
    labels = ["项目", "目标任务", "完成", "计划资金", "到位资金", "拨付资金"]
    rng = random.Random(header_rows)

    def returns(count: int, title: str) -> list[Path]:
        header = labels if title == "甲" else [*labels[:4], labels[5], labels[4]]
        made = []
        for number in range(count):
            path = tmp_path / f"{title}{number}.xlsx"
            workbook = xlsxwriter.Workbook(str(path))
            sheet = workbook.add_worksheet(f"县{number}")
            sheet.write_row(0, 0, [title])
            if header_rows == 2:
                sheet.write_row(1, 0, ["", "任务", "", "资金情况（万元）"])
            sheet.write_row(header_rows, 0, header)
            for row in range(header_rows + 1, header_rows + 6):
                data = [rng.choice(["农村公路", "农家书屋", "合计", ""])]
                sheet.write_row(row, 0, data + [rng.randint(0, 999) for _ in labels[1:]])
            workbook.close()
            made.append(path)
        return made

    calls = []
    real = headers._read_header
    monkeypatch.setattr(headers, "_read_header", lambda *a: calls.append(a[1:3]) or real(*a))
    counted = {}
    for count in (1, 30):
        books = sheets.open_files(returns(count, "甲") + returns(count, "乙表"))
        calls.clear()
        sheets.locate(books, scheme)
        assert all(s.header is not None for w in books for s in w.sheets)
        assert {s.header.row for w in books for s in w.sheets} == {header_rows}
        counted[count] = len(calls)
    assert counted[30] == counted[1] > 0
    one_template = sheets.open_files(returns(1, "甲"))
    calls.clear()
    sheets.locate(one_template, scheme)
    assert 2 * len(calls) == counted[1]


def test_a_return_imports_no_fastexcel():
    """``scorer assess`` of the sample (small sheets) loads neither fastexcel nor, through it,
    its Arrow conversion."""
    code = (
        "import sys, runpy; sys.argv = ['scorer', 'assess', 'samples/2010.xlsx', '--format',"
        " 'json']\ntry:\n    runpy.run_module('scorer', run_name='__main__')\n"
        "except SystemExit:\n    pass\nprint('fastexcel' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.stderr.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("seed", range(8))
def test_merges_of_a_large_sheet_from_its_xml(tmp_path, monkeypatch, seed):
    """A large sheet's merged ranges are read from its <mergeCell> tags (calamine would parse
    the whole sheet again for them): the same ranges, in the same order, as calamine's."""
    from scorer.intake.opening import calamine
    from scorer.intake.xlsx import sheet_merges

    rng = random.Random(seed)
    path = tmp_path / "merged.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("S")
    for row in range(0, 3000, 3):
        sheet.write_row(row, 0, [f"地区{row}", 1.0, 2.0])
    taken: set[tuple[int, int]] = set()
    for _ in range(rng.randint(0, 40)):
        top, left = rng.randint(0, 2990), rng.randint(0, 700)
        bottom, right = top + rng.randint(0, 5), left + rng.randint(0, 3)
        cells = {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)}
        if len(cells) < 2 or cells & taken:
            continue
        taken |= cells
        sheet.merge_range(top, left, bottom, right, "合并")
    workbook.close()
    monkeypatch.setattr(sheets, "_LARGE_XLSX", 0)  # read as a large file: no calamine parse
    found = read_sheets(path)[0]
    assert found.merges is None
    expected = calamine(path).get_sheet_by_name("S").merged_cell_ranges or []
    assert sheet_merges(path, "xl/worksheets/sheet1.xml") == expected
    assert found.merged() == expected and found.merges == expected


def test_a_sheet_with_dates_goes_to_fastexcel(tmp_path):
    """A cell of a date style: calamine gives one past 9999-12-31 as a plain number (fastexcel
    as a date), and fails on some durations; its sheet is read by fastexcel. A custom format
    of numbers ("#,##0.00", "0.0"万元"") is no date: its sheet is read from its rows."""
    from scorer.intake.xlsx import _may_show_date

    path = tmp_path / "dates.xlsx"
    workbook, (dated, money) = _two_sheets(path, "dated", "money")
    dated.write_number(2, 1, 3e6, workbook.add_format({"num_format": "yyyy-mm-dd"}))
    money.write_number(2, 1, 3e6, workbook.add_format({"num_format": '#,##0.00"万元"'}))
    workbook.close()
    found = {sheet.name: sheet for sheet in read_sheets(path)}
    assert found["dated"].rows is None and found["money"].rows is not None
    _, odd, _ = found["dated"].body(1, {"project": 0, "done": 1}, {"done"})
    assert len(odd) == 1  # (read from the rows, 3e6 would be a plain number)
    assert [_may_show_date(c) for c in ("[h]:mm", 'yyyy"年"m"月"', "0.00_ ", '"d"0')] == [
        True, True, False, False
    ]  # fmt: skip
