"""Reading returns: layouts, and every kind of bad input reported with its file, sheet and cell."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys

import pytest
from conftest import ANHUI_HEADER, ROOT, anhui_projects, flat, full_rows, write_xlsx

from scorer import assess, sheets
from scorer.intake import parse_number, read_data
from scorer.sheets import column_letter


def errors(issues):
    return [x for x, i in zip(flat(issues), issues) if i.severity == "error"]


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_parse_number_accepts_what_clerks_type():
    assert parse_number("1,234.5") == (1234.5, True)
    assert parse_number("１２０") == (120.0, True)
    assert parse_number("  95 ") == (95.0, True)
    assert parse_number("93.5%", percent=True) == (93.5, True)
    assert parse_number("") == (None, True)
    assert parse_number("1,234万元", unit="万元") == (1234.0, True)
    for word in ("约100", "—", "95%", "#DIV/0!", "1.2.3", "nan", "inf", "1234元"):
        assert parse_number(word, unit="万元") == (None, False), word
    assert parse_number(True) == (None, False)


def test_title_rows_above_the_header_are_skipped(tmp_path, anhui):
    sheet = [
        ["安徽省2010年度民生工程实施情况汇总表"],
        ["单位：万元"],
        [],
        ANHUI_HEADER,
        *full_rows("甲市"),
    ]
    data = read_data([write_xlsx(tmp_path / "a.xlsx", {"汇总": sheet})], anhui)
    assert errors(data.issues) == []
    assert data.districts == ["甲市"]
    assert data.rows["_row"].iloc[0] == 5  # Excel row of the first data row


def test_each_bad_cell_is_located(tmp_path, anhui):
    projects = anhui_projects()
    rows = full_rows(
        "甲市",
        **{
            projects[0]: {"目标任务": None},  # C2 missing
            projects[1]: {"完成": "约100"},  # D3 text
            projects[2]: {"计划资金": -5},  # E4 negative
            projects[3]: {"目标任务": 0},  # C5 zero target, not suspended
            projects[4]: {"状态": "缓建"},  # J6 unknown status
            projects[5]: {"督查评分": 130},  # H7 above 100
        },
    )
    rows[6][1] = "农村五宝供养"  # B8: typo -> did you mean
    rows[7][1] = "村村通"  # B9: ambiguous
    rows.append(list(rows[10]))  # B35 duplicate of row 12
    path = write_xlsx(tmp_path / "a.xlsx", {"填报": [ANHUI_HEADER, *rows]})
    data = read_data([path], anhui)
    found = errors(data.issues)
    assert ("填报", "C2", "missing-value") in found
    assert ("填报", "D3", "not-a-number") in found
    assert ("填报", "E4", "negative-value") in found
    assert ("填报", "C5", "zero-denominator") in found
    assert ("填报", "J6", "bad-status") in found
    assert ("填报", "H7", "out-of-range") in found
    assert ("填报", "B8", "unknown-project") in found
    assert ("填报", "B9", "ambiguous-project") in found
    assert ("填报", "B35", "duplicate-row") in found
    # the typo and the ambiguous name leave their projects without a row
    assert sum(1 for f in found if f[2] == "missing-project") == 2
    by_code = {i.code: i for i in data.issues}
    assert by_code["unknown-project"].hint() == "是否应为“农村五保供养”？"
    assert (
        by_code["ambiguous-project"].message()
        == "项目名称“村村通”有歧义，可能是：农村公路“村村通”、广播电视“村村通”"
    )
    assert by_code["duplicate-row"].message().endswith("另见第 12 行")
    assert all(i.file == str(path) for i in data.issues)


def test_problems_stop_the_ranking(tmp_path, anhui):
    rows = full_rows("甲市", **{anhui_projects()[0]: {"完成": "—"}})
    result = assess([write_xlsx(tmp_path / "a.xlsx", {"s": [ANHUI_HEADER, *rows]})], anhui)
    assert result.ranking is None
    assert flat(result.issues) == [("s", "D2", "not-a-number")]


def test_suspended_rows_need_no_numbers(tmp_path, anhui):
    rows = full_rows(
        "甲市",
        **{"光荣院建设": {"状态": " 暂缓实施 ", "目标任务": None, "完成": 0, "计划资金": None}},
    )
    data = read_data([write_xlsx(tmp_path / "a.xlsx", {"s": [ANHUI_HEADER, *rows]})], anhui)
    assert errors(data.issues) == []
    assert data.rows["suspended"].sum() == 1


def test_names_with_spaces_quotes_and_full_width(tmp_path, anhui):
    rows = full_rows("甲市")
    rows[0][0] = " 甲市 "
    rows[0][1] = '农村公路 "村村通"'
    rows[3][1] = "廉租房"
    rows[4][1] = "「校舍安全工程」"
    data = read_data([write_xlsx(tmp_path / "a.xlsx", {"s": [ANHUI_HEADER, *rows]})], anhui)
    assert errors(data.issues) == []
    assert data.districts == ["甲市"]


def test_numbers_typed_as_text(tmp_path, anhui):
    rows = full_rows(
        "甲市",
        **{
            anhui_projects()[0]: {
                "计划资金": "1,000",
                "目标任务": "１００",
                "完成": " 100 ",
                "督查评分": "100%",
                "到位资金": "1000万元",
            }
        },
    )
    result = assess([write_xlsx(tmp_path / "a.xlsx", {"s": [ANHUI_HEADER, *rows]})], anhui)
    assert result.ranking.table["total"].iloc[0] == 3500


def test_total_row_is_left_out_and_said(tmp_path, anhui):
    rows = [*full_rows("甲市"), ["合计", None, 3300, 3300, 33000, 33000, 33000, None, None, None]]
    data = read_data([write_xlsx(tmp_path / "a.xlsx", {"s": [ANHUI_HEADER, *rows]})], anhui)
    assert errors(data.issues) == []
    assert [(i.cell, i.code, i.severity) for i in data.issues] == [("B35", "total-row", "info")]


def test_blank_rows_are_skipped(tmp_path, anhui):
    rows = full_rows("甲市")
    rows.insert(5, [None] * len(ANHUI_HEADER))
    data = read_data([write_xlsx(tmp_path / "a.xlsx", {"s": [ANHUI_HEADER, *rows]})], anhui)
    assert errors(data.issues) == []
    assert len(data.rows) == 33


def test_one_sheet_per_district(tmp_path, anhui):
    header = ANHUI_HEADER[1:]
    sheets = {
        "合肥市": [header, *[r[1:] for r in full_rows("合肥市")]],
        "芜湖市": [header, *[r[1:] for r in full_rows("芜湖市", 农家书屋={"完成": 90})]],
    }
    sheets["填报说明"] = [["列名", "说明"], ["项目", "按项目逐行填写"], ["目标任务", "全年目标"]]
    sheets["备注"] = [["2010年3月报送"]]
    data = read_data([write_xlsx(tmp_path / "a.xlsx", sheets)], anhui)
    assert errors(data.issues) == []
    assert data.districts == ["合肥市", "芜湖市"]
    # an instructions sheet is passed over quietly; any other sheet without a header is said
    assert [(i.sheet, i.code) for i in data.issues] == [("备注", "skipped-sheet")]


def test_several_files_and_a_folder_and_a_survey_file(tmp_path, anhui):
    folder = tmp_path / "returns"
    folder.mkdir()
    write_xlsx(
        folder / "合肥市.xlsx",
        {"Sheet1": [ANHUI_HEADER[1:], *[r[1:] for r in full_rows("合肥市")]]},
    )
    write_xlsx(
        folder / "芜湖.xlsx", {"芜湖市": [ANHUI_HEADER[1:], *[r[1:] for r in full_rows("芜湖市")]]}
    )
    write_xlsx(
        folder / "社情民意.xlsx",
        {"Sheet1": [["地区", "满意度"], ["合肥市", 0.935], ["芜湖市", 0.95]]},
    )
    (folder / "~$合肥市.xlsx").write_bytes(b"lock file of an open workbook")
    result = assess([folder], anhui)
    assert result.ranking is not None, result.issues
    assert result.data.districts == ["合肥市", "芜湖市"]  # "Sheet1" takes its file's name
    # Excel's percentage format stores 0.935 for 93.5%
    assert list(result.ranking.survey["satisfaction"]) == [95.0, 93.5]


def test_district_without_a_project_row(tmp_path, anhui):
    rows = full_rows("甲市")[:-1]
    data = read_data([write_xlsx(tmp_path / "a.xlsx", {"s": [ANHUI_HEADER, *rows]})], anhui)
    assert [(i.code, i.params["project"]) for i in data.issues] == [
        ("missing-project", "乡镇敬老院建设")
    ]


def test_missing_column(tmp_path, anhui):
    header = [h for h in ANHUI_HEADER if h != "督查评分"]
    rows = [[v for h, v in zip(ANHUI_HEADER, r) if h != "督查评分"] for r in full_rows("甲市")]
    data = read_data([write_xlsx(tmp_path / "a.xlsx", {"s": [header, *rows]})], anhui)
    assert ("s", None, "missing-column") in flat(data.issues)


def test_csv_in_gbk(tmp_path, anhui):
    lines = [",".join(ANHUI_HEADER)] + [
        ",".join("" if v is None else str(v) for v in r) for r in full_rows("甲市")
    ]
    path = tmp_path / "2010.csv"
    path.write_bytes("\n".join(lines).encode("gb18030"))
    result = assess([path], anhui)
    assert result.ranking.table["total"].iloc[0] == 3500


def test_input_files_are_never_modified(tmp_path, anhui):
    path = write_xlsx(tmp_path / "a.xlsx", {"s": [ANHUI_HEADER, *full_rows("甲市")]})
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assess([path], anhui)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_survey_problems(tmp_path, anhui):
    survey = [["地区", "满意度"], ["甲市", "很满意"], ["甲市", 90], ["丙市", 80]]
    data = read_data(
        [
            write_xlsx(
                tmp_path / "a.xlsx", {"s": [ANHUI_HEADER, *full_rows("甲市")], "社情民意": survey}
            )
        ],
        anhui,
    )
    assert flat(data.issues) == [
        ("社情民意", "B2", "not-a-number"),
        ("社情民意", "A3", "survey-duplicate"),
        ("社情民意", "A4", "survey-unknown-district"),
    ]


def test_two_row_header_with_merged_groups(tmp_path, anhui):
    """地区/项目/督查评分/扣分/状态 merged down two rows; groups over targets and money."""
    upper = [
        "地区",
        "项目",
        "任务完成情况",
        None,
        "资金情况（万元）",
        None,
        None,
        "督查评分",
        "扣分",
        "状态",
    ]
    lower = [None, None, "目标任务", "完成", "计划资金", "到位资金", "拨付资金", None, None, None]
    title = [["2010年度民生工程实施情况汇总表"], []]
    path = write_xlsx(tmp_path / "a.xlsx", {"汇总": [*title, upper, lower, *full_rows("甲市")]})
    result = assess([path], anhui)
    assert result.ranking is not None, flat(result.issues)
    assert result.ranking.table["total"].iloc[0] == 3500
    assert result.data.rows["_row"].iloc[0] == 5


def test_money_in_yuan_is_converted_and_reported(tmp_path, anhui):
    header = [
        h if h not in ("计划资金", "到位资金", "拨付资金") else f"{h}（元）" for h in ANHUI_HEADER
    ]
    rows = full_rows("甲市")
    for row in rows:
        row[4:7] = [v * 10_000 for v in row[4:7]]
    rows[0][6] = 9_000_000  # 900 万元 of 1000: 90% disbursed, the 0.85 tier
    data = read_data([write_xlsx(tmp_path / "a.xlsx", {"s": [header, *rows]})], anhui)
    assert errors(data.issues) == []
    assert [(i.cell, i.code) for i in data.issues] == [
        ("E1", "unit-converted"),
        ("F1", "unit-converted"),
        ("G1", "unit-converted"),
    ]
    assert data.issues[0].message() == "“计划资金”按元填报，已换算为万元（×0.0001）"
    assert data.rows["funds_planned"].iloc[0] == 1000
    assert data.rows["funds_disbursed"].iloc[0] == 900


def test_unit_stated_above_the_header(tmp_path, anhui):
    rows = full_rows("甲市")
    for row in rows:
        row[4:7] = [v * 10_000 for v in row[4:7]]
    sheet = [["2010年度民生工程实施情况汇总表"], ["单位：元"], ANHUI_HEADER, *rows]
    data = read_data([write_xlsx(tmp_path / "a.xlsx", {"s": sheet})], anhui)
    assert [(i.cell, i.code) for i in data.issues] == [
        ("E3", "unit-converted"),
        ("F3", "unit-converted"),
        ("G3", "unit-converted"),
    ]
    assert data.rows["funds_planned"].iloc[0] == 1000


def test_units_in_headers_are_recognised(tmp_path, anhui):
    header = [
        h + "（万元）" if h in ("计划资金", "到位资金", "拨付资金") else h for h in ANHUI_HEADER
    ]
    header[7] = "督查评分(分)"
    data = read_data([write_xlsx(tmp_path / "a.xlsx", {"s": [header, *full_rows("甲市")]})], anhui)
    assert data.issues == []


def test_excel_error_cells_are_problems_not_blanks(tmp_path, anhui):
    import xlsxwriter

    path = tmp_path / "a.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("填报")
    for r, row in enumerate([ANHUI_HEADER, *full_rows("甲市")]):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    sheet.write_formula("D3", "=1/0", None, "#DIV/0!")
    sheet.write_formula("E4", "=NA()", None, "#N/A")
    workbook.close()
    data = read_data([path], anhui)
    assert flat(data.issues) == [("填报", "D3", "excel-error"), ("填报", "E4", "excel-error")]
    assert data.issues[0].message() == "“完成”是 Excel 错误值 #DIV/0!（公式出错）"


def test_review_warnings_do_not_stop_the_ranking(tmp_path, anhui):
    projects = anhui_projects()
    rows = full_rows(
        "甲市",
        **{
            projects[0]: {"完成": 151},
            projects[1]: {"拨付资金": 1000, "到位资金": 900},
            projects[2]: {"到位资金": 1200},
        },
    )
    result = assess([write_xlsx(tmp_path / "a.xlsx", {"s": [ANHUI_HEADER, *rows]})], anhui)
    assert result.ranking is not None
    assert [(i.cell, i.code, i.severity) for i in result.issues] == [
        ("D2", "review", "warning"),
        ("G3", "review", "warning"),
        ("F4", "review", "warning"),
    ]
    assert result.issues[0].message() == "完成数超过目标任务的150%，请核实"
    assert result.issues[0].message("en") == "completed is more than 150% of the target"


def test_identical_districts_are_flagged(tmp_path, anhui):
    rows = [
        *full_rows("甲市", 农家书屋={"完成": 90}),
        *full_rows("乙市"),
        *full_rows("丙市", 农家书屋={"完成": 90}),
    ]
    result = assess([write_xlsx(tmp_path / "a.xlsx", {"s": [ANHUI_HEADER, *rows]})], anhui)
    assert result.ranking is not None
    assert [(i.code, i.params["district"], i.params["other"]) for i in result.issues] == [
        ("identical-district", "丙市", "甲市")
    ]


SOFFICE = shutil.which("soffice")


# skipped on a developer's machine without LibreOffice; in CI (.ci/run installs it) it must run
@pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"), reason="needs LibreOffice to write .ods/.xls"
)
@pytest.mark.parametrize("suffix", ["ods", "xls"])
def test_ods_and_old_excel_read_like_xlsx(tmp_path, anhui, suffix):
    rows = [
        *full_rows(
            "甲市", 农家书屋={"完成": 80, "扣分": 3}, 光荣院建设={"状态": "暂缓实施", "完成": None}
        ),
        *full_rows("乙市", 农家书屋={"计划资金": "1,000", "拨付资金": 850}),
    ]
    # the first row and column left empty: each reader must count rows and columns from A1
    sheet = [[], [None, "2010年度汇总表"], [None, *ANHUI_HEADER], *([None, *r] for r in rows)]
    source = write_xlsx(tmp_path / "2010.xlsx", {"填报": sheet})
    converted = convert(source, suffix, tmp_path / suffix)
    expected = assess([source], anhui)
    got = assess([converted], anhui)
    assert got.ranking is not None, flat(got.issues)
    assert list(got.ranking.table["district"]) == list(expected.ranking.table["district"])
    assert list(got.ranking.table["total"]) == pytest.approx(
        list(expected.ranking.table["total"]), abs=1e-9
    )


def convert(path, suffix, folder):
    """Convert with headless LibreOffice, in a profile of its own (no clash with another one)."""
    folder.mkdir()
    profile = f"-env:UserInstallation=file://{folder / 'profile'}"
    subprocess.run(
        [SOFFICE, profile, "--headless", "--convert-to", suffix,
         "--outdir", str(folder), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return folder / f"{path.stem}.{suffix}"


def test_district_merged_down_its_rows(tmp_path, anhui):
    import xlsxwriter

    path = tmp_path / "a.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("汇总")
    sheet.write_row(0, 0, ANHUI_HEADER)
    for block, district in enumerate(("合肥市", "芜湖市")):
        rows = full_rows(district, 农家书屋={"完成": 90 + block})
        first = 1 + block * len(rows)
        for offset, row in enumerate(rows):
            for col, value in enumerate(row[1:], start=1):
                if value is not None:
                    sheet.write(first + offset, col, value)
        sheet.merge_range(first, 0, first + len(rows) - 1, 0, district)
    workbook.close()
    result = assess([path], anhui)
    assert result.ranking is not None, flat(result.issues)
    assert result.data.districts == ["合肥市", "芜湖市"]


@pytest.mark.parametrize(
    "sample", ["2010.xlsx", "2010-errors.xlsx", "2010-counties.xlsx", "tongling-2015-06.xlsx"]
)
def test_first_rows_from_the_xml_read_as_calamine_reads_them(sample, monkeypatch):
    """Large xlsx files have their header rows read from the start of the sheet XML, small ones
    by calamine: both give the same header rows, hence the same data and the same problems."""
    import fastexcel

    from scorer import sheets
    from scorer.intake.xlsx import xlsx_head
    from scorer.scheme import choose_scheme, load_scheme

    path = ROOT / "samples" / sample
    names = fastexcel.read_excel(path).sheet_names
    monkeypatch.setattr(sheets, "_LARGE_XLSX", 2**40)  # no file "large": calamine's rows
    by_calamine = sheets._heads(path, names)
    for name in names:
        assert xlsx_head(path, name, sheets.HEADER_SEARCH_ROWS) == by_calamine[name], name
    scheme = load_scheme(choose_scheme([str(path)], None)[0])
    small = read_data([path], scheme)
    monkeypatch.setattr(sheets, "_LARGE_XLSX", 0)  # every file "large": heads from the XML
    large = read_data([path], scheme)
    assert small.rows.equals(large.rows)
    assert small.issues == large.issues


def test_sheet_starting_below_and_right_of_a1(tmp_path, anhui, monkeypatch):
    """A sheet whose first row and column are empty (its used range starts at C2), with 地区
    merged down its rows: the header is found and the rows below it read, not the header."""
    import xlsxwriter

    from scorer import sheets

    path = tmp_path / "offset.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("汇总")
    sheet.write(1, 2, "2010年民生工程考核数据")
    sheet.write_row(3, 2, ANHUI_HEADER)
    rows = full_rows("合肥市", 农家书屋={"完成": 90})
    for offset, row in enumerate(rows):
        for col, value in enumerate(row[1:], start=3):
            if value is not None:
                sheet.write(4 + offset, col, value)
    sheet.merge_range(4, 2, 4 + len(rows) - 1, 2, "合肥市")
    workbook.close()
    for large in (False, True):  # the first rows read by calamine, then from the XML
        monkeypatch.setattr(sheets, "_LARGE_XLSX", 0 if large else 2**40)
        result = assess([path], anhui)
        assert result.ranking is not None, flat(result.issues)
        assert result.data.districts == ["合肥市"]
        assert result.data.rows["_row"].tolist()[:2] == [5, 6]


@pytest.mark.parametrize("small", [False, True])
def test_parsing_begins_before_the_scheme_and_pandas_are_loaded(tmp_path, small):
    """``sheets.open_files`` begins the parse without the scheme (pydantic), numpy or pandas,
    so that loading them (half a second) overlaps the parse; the body then comes from it. A
    sheet of at most ``WHOLE_ROWS_CELLS`` cells (``small``) needs no parse: its body is read
    from the rows calamine gave for its head (issue 15: each file parsed once)."""
    code = (
        "import sys\n"
        "from scorer import sheets\n"
        f"sheets.WHOLE_ROWS_CELLS = {sheets.WHOLE_ROWS_CELLS if small else 0}\n"
        "from scorer.sheets import locate, open_files\n"
        f"workbooks = open_files([{str(ROOT / 'samples' / '2010.xlsx')!r}])\n"
        "heavy = sorted(m for m in ('numpy', 'pandas', 'pydantic') if m in sys.modules)\n"
        "begun = [s.name for s in workbooks[0].sheets if s.parsing is not None]\n"
        "from scorer.scheme import load_scheme\n"
        f"scheme = load_scheme({str(ROOT / 'rules' / 'anhui-2010.yaml')!r})\n"
        "locate(workbooks, scheme)\n"
        "sheet = next(s for s in workbooks[0].sheets if s.header is not None)\n"
        "guessed = sheet.rows is not None or sheet.parsing[0] == sheet.header.row + 1\n"
        "numeric = set(scheme.measure_keys()) & set(sheet.header.columns)\n"
        "arrays, odd, count = sheet.body(sheet.header.row + 1, sheet.header.columns, numeric)\n"
        "print(heavy, begun, guessed, sheet.parsing, count, 'fastexcel' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    begun = ["[]"] if small else ["['2010年度民生工程',", "'社情民意']"]
    assert out.stdout.split() == ["[]", *begun, "True", "None", "561", str(not small)], (
        out.stdout + out.stderr
    )


def test_sheet_damaged_below_its_header_is_a_problem_not_a_crash(tmp_path, anhui, monkeypatch):
    """A file cut off in the middle of its rows: the header reads, the parse fails; the sheet
    is reported as unreadable at its file and sheet, and nothing is scored."""
    import zipfile

    from scorer import sheets

    whole = write_xlsx(
        tmp_path / "whole.xlsx",
        {"汇总": [ANHUI_HEADER, *full_rows("合肥市"), *full_rows("芜湖市")]},
    )
    cut = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(cut, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = data[: len(data) * 3 // 5]
            target.writestr(info, data)
    monkeypatch.setattr(sheets, "_LARGE_XLSX", 0)  # the header from the XML's first rows
    result = assess([cut], anhui)
    assert result.ranking is None
    assert ("汇总", None, "unreadable-file") in flat(result.issues)


def test_where_the_data_begin_is_guessed_before_the_scheme_is_known():
    from scorer.sheets import _guess_first_row

    header = ["地区", "项目", "目标任务", "完成"]
    row = ["甲市", "农家书屋", 100.0, 90.0]
    assert _guess_first_row([header, row]) == 1
    assert _guess_first_row([["2010年度考核表"], [], header, row, row]) == 3
    groups = ["地区", "项目", "资金情况（万元）", "", "状态"]
    assert _guess_first_row([groups, ["", "", "计划", "到位", ""], row]) == 2
    assert _guess_first_row([["填报说明"], ["1. 按项目逐行填写", "2. 金额单位万元"]]) is None
    assert _guess_first_row([]) is None


@pytest.mark.parametrize("small", [False, True])
def test_a_wrong_guess_costs_a_second_parse_not_a_wrong_result(tmp_path, anhui, monkeypatch,
                                                               small):  # fmt: skip
    """Notes above the header with more texts than the header, a blank row between: the parse
    begun below the notes starts two rows above the data; the header found with the scheme
    ends lower, so the rows are parsed again from there and read as without the notes. (A
    ``small`` sheet, read from calamine's rows, is not parsed before its header is found.)"""
    from scorer.pipeline import prepare, run

    if not small:
        monkeypatch.setattr(sheets, "WHOLE_ROWS_CELLS", 0)

    notes = [f"说明{i}" for i in range(len(ANHUI_HEADER) + 2)]
    rows = [*full_rows("合肥市", 农家书屋={"完成": 80}), *full_rows("芜湖市")]
    plain = write_xlsx(tmp_path / "plain.xlsx", {"汇总": [ANHUI_HEADER, *rows]})
    noted = write_xlsx(tmp_path / "noted.xlsx", {"汇总": [notes, [], ANHUI_HEADER, *rows]})
    plan = prepare([noted], anhui)
    begun = plan.workbooks[0].sheets[0].parsing
    assert begun is None if small else begun[0] == 1  # below the notes: the blank row
    got = run(plan)
    expected = assess([plain], anhui)
    assert got.ranking is not None, flat(got.issues)
    assert got.ranking.table["total"].tolist() == expected.ranking.table["total"].tolist()
    assert got.data.rows["_row"].tolist()[:2] == [4, 5]


def test_sheets_parsed_again_while_the_worker_parses_the_next(tmp_path, anhui, monkeypatch):
    """A sheet per district, each with notes above its header (a wrong guess): each is parsed
    again on the main thread while the worker may still be parsing the file's later sheets
    with the same reader. The two take turns; every sheet reads whole. (Sheets over
    ``WHOLE_ROWS_CELLS``: a smaller one is read from calamine's rows, with no worker.)"""
    monkeypatch.setattr(sheets, "WHOLE_ROWS_CELLS", 0)
    notes = [f"说明{i}" for i in range(len(ANHUI_HEADER) + 2)]
    districts = [f"县{i:02d}" for i in range(30)]
    book = {d: [notes, [], ANHUI_HEADER, *full_rows(d)] for d in districts}
    result = assess([write_xlsx(tmp_path / "2010.xlsx", book)], anhui)
    assert result.ranking is not None, flat(result.issues)
    assert result.data.districts == districts
