"""The PDF report (assess -o report.pdf), the ranking CSV and the workbook's print setup, read
back as poppler reads and draws them."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess

import openpyxl
import pytest
from conftest import ANHUI_HEADER, RULES, SAMPLES, full_rows, write_xlsx
from conftest import cli as run
from update_golden import sample_result

from scorer import assess
from scorer.render import pdf as pdf_module
from scorer.render.charts import axis, heat_colour
from scorer.render.notice import letterhead
from scorer.render.pdf import render_pdf
from scorer.render.report import render

POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts") and shutil.which("pdfinfo")
IN_CI = bool(os.environ.get("CI"))


@pytest.fixture(scope="module")
def sample():
    return sample_result()


@pytest.fixture(scope="module")
def poppler():
    if not POPPLER and not IN_CI:
        pytest.skip("needs poppler-utils (.ci/run installs it)")


def tool(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pages(path) -> list[tuple[float, float]]:
    info = tool("pdfinfo", "-f", "1", "-l", "9999", str(path))
    return [
        (float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    ]


@pytest.fixture(scope="module")
def summary(sample, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(render(sample, ".pdf"))
    return path


@pytest.fixture(scope="module")
def full(sample, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "full.pdf"
    path.write_bytes(render_pdf(sample, letterhead(sample.scheme, {"full": True})))
    return path


def test_the_summary_is_at_most_six_a4_pages_and_the_full_report_at_most_sixty(
    poppler, summary, full
):
    short, long = pages(summary), pages(full)
    assert 2 <= len(short) <= 6, len(short)
    assert len(short) + 17 <= len(long) <= 60, len(long)
    assert all(abs(w - 595.3) < 1 and abs(h - 841.9) < 1 for w, h in short + long)  # A4 portrait


def test_the_font_is_the_bundled_one_subset_and_embedded(poppler, summary):
    rows = tool("pdffonts", str(summary)).splitlines()[2:]
    assert len(rows) == 1, rows
    assert "NotoSansCJKSC" in rows[0] and re.search(r"\byes\s+yes\s+yes\b", rows[0]), rows[0]
    assert summary.stat().st_size < 400_000  # the subset: the glyphs used, not the font's 2.9 MB


def test_the_text_reads_back_as_the_json_ranking(poppler, summary):
    text = tool("pdftotext", "-layout", str(summary), "-")
    published = json.loads(run("assess", "samples/2010.xlsx", "--format", "json").stdout)
    lines = [re.sub(r"\s+", " ", line.strip()) for line in text.splitlines()]
    found = []
    for d in published["districts"]:
        wanted = f"{d['rank']} {d['district']} {d['total']:,.2f} {d['grade']}"
        found.append(next(i for i, line in enumerate(lines) if line.startswith(wanted)))
    assert found == sorted(found)  # in rank order
    assert "安徽省2010年度民生工程实施情况考核" in text
    squeezed = text.replace(" ", "")
    assert "〔发文机关〕〔成文日期〕" in squeezed and "第1页/共5页" in squeezed  # the footer


def test_internal_material_is_in_a_final_appendix_marked_as_such(poppler, summary, sample):
    text = tool("pdftotext", "-layout", str(summary), "-")
    official, appendix = text.split("附录（内部资料，不对外印发）")
    assert "SHA-256" not in official and "SHA-256" in appendix
    assert "数据问题与提醒" in appendix
    page = next(p for p in text.split("\f") if "附录（内部资料" in p)
    assert page.lstrip().startswith("内部资料")  # the mark at the top of each appendix page
    digest = tool("sha256sum", str(SAMPLES / "2010.xlsx")).split()[0]
    assert digest[:40] in appendix.replace("\n", "").replace(" ", "")


def test_the_full_report_has_contents_with_links_and_every_unit(poppler, full, sample):
    data = full.read_bytes()
    assert b"/Outlines" in data and data.count(b"/Subtype /Link") >= 17
    text = tool("pdftotext", "-layout", str(full), "-")
    contents = text.split("\f")[0]
    assert "目录" in contents
    for district in sample.ranking.table["district"]:
        assert district in contents
    assert "折算：3,004.43 × 3,500 ÷ 3,400 = 3,092.80" in text


def test_the_pages_are_drawn_and_not_blank(poppler, summary, tmp_path):
    if shutil.which("pdftoppm") is None and not IN_CI:
        pytest.skip("needs pdftoppm")
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "40", "-png", str(summary), str(tmp_path / "p")], check=True)
    shots = sorted(tmp_path.glob("p*.png"))
    assert len(shots) == len(pages(summary))
    for shot in shots:
        image = Image.open(shot).convert("RGB")
        assert image.width < image.height  # portrait
        histogram = image.convert("L").histogram()
        assert max(histogram) < 0.995 * sum(histogram), shot.name
    colours = {c for _, c in Image.open(shots[2]).convert("RGB").getcolors(1 << 20) or []}
    assert (8, 81, 156) in colours  # the heat map's darkest class, ColorBrewer Blues


def test_the_pdf_is_byte_identical_run_to_run(sample):
    assert render(sample, ".pdf") == render(sample, ".pdf")


def test_a_character_the_subset_lacks_comes_from_a_system_font_or_is_named(
    tmp_path, anhui, monkeypatch
):
    rows = [*full_rows("㐀县"), *full_rows("合肥市")]
    result = assess([write_xlsx(tmp_path / "2010.xlsx", {"s": [ANHUI_HEADER, *rows]})], anhui)
    monkeypatch.setattr(pdf_module, "SYSTEM_FONTS", ())
    path = tmp_path / "none.pdf"
    path.write_bytes(render_pdf(result))
    if POPPLER:
        assert "字库中没有以下字符，显示为空白：U+3400" in tool("pdftotext", str(path), "-")
    monkeypatch.undo()
    if pdf_module._system_font() is None:
        return
    path.write_bytes(render_pdf(result))
    if POPPLER:
        assert len(tool("pdffonts", str(path)).splitlines()[2:]) == 2  # the system font joins
        assert "㐀县" in tool("pdftotext", str(path), "-")


def test_charts_axis_shows_the_differences_and_the_scale_is_one_hue():
    low, high, ticks = axis([2804.33, 3274.74], 3500)
    assert (low, high) == (2800, 3300) and ticks[0] == 2800 and ticks[-1] == 3300
    fills = [heat_colour(s, 0.5)[0] for s in (0.5, 0.6, 0.7, 0.8, 0.95, 1.0)]
    assert fills == sorted(fills, reverse=True)  # darker (smaller hex) as the share rises
    assert heat_colour(None)[0] == "#d9d9d9"


def test_english_pdf(poppler, sample, tmp_path):
    path = tmp_path / "en.pdf"
    path.write_bytes(render(sample, ".pdf", "en"))
    text = tool("pdftotext", str(path), "-")
    assert "Ranking" in text and "page 1 of" in text and "考核报告" not in text


# ----------------------------------------------------------------------------- CSV and xlsx


def test_the_ranking_csv_is_utf8_with_a_bom_and_reads_in_order(sample):
    data = render(sample, ".csv")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["排名", "地区", "总分", "等次", "实得分", "可考核分值", "社情民意排名"]
    table = sample.ranking.table
    assert [r[1] for r in rows[1:]] == list(table["district"])
    assert rows[1][:4] == ["1", "亳州市", "3274.74", "优秀"]


def test_the_csv_never_carries_a_formula(tmp_path, anhui):
    rows = [*full_rows('=HYPERLINK("http://x")'), *full_rows("合肥市")]
    result = assess([write_xlsx(tmp_path / "2010.xlsx", {"s": [ANHUI_HEADER, *rows]})], anhui)
    text = render(result, ".csv").decode("utf-8-sig")
    names = [r[1] for r in csv.reader(io.StringIO(text))][1:]
    assert any(n.startswith("'=HYPERLINK(") for n in names) and not any(
        n.startswith("=") for n in names
    )


def test_the_workbook_prints_landscape_one_page_wide_with_header_rows(sample, tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(render(sample, ".xlsx"))
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.page_setup.paperSize in (9, "9")
        assert sheet.page_setup.fitToWidth in (None, 1, "1")  # None: Excel's default, 1
        assert (
            sheet.page_setup.fitToHeight in (0, "0")
            and sheet.sheet_properties.pageSetUpPr.fitToPage
        )
        assert sheet.print_title_rows, sheet.title
        assert "安徽省2010年度民生工程实施情况考核" in sheet.oddHeader.left.text
    assert book["排名"].print_title_rows == "$1:$1"
    assert book["排名"]["A1"].font.name == "宋体"


def test_reports_of_every_new_kind_from_the_command_line(tmp_path):
    outputs = [tmp_path / f"r.{s}" for s in ("docx", "pdf", "csv")]
    result = run(
        "assess", "samples/2010.xlsx", *[a for o in outputs for a in ("-o", str(o))], "--full"
    )
    assert result.exit_code == 0, result.output
    for output in outputs:
        assert output.stat().st_size > 500 and f"已写出报告：{output}" in result.stderr
    assert outputs[1].read_bytes().startswith(b"%PDF-")
    counties = assess([SAMPLES / "2010-counties.xlsx"], RULES / "anhui-2010.yaml")
    text = render(counties, ".csv").decode("utf-8-sig").splitlines()
    assert text[0].split(",")[6:8] == ["所属市", "市内名次"]


def test_explain_writes_a_pdf_to_send_to_the_unit(poppler, tmp_path):
    out = tmp_path / "铜陵市.pdf"
    result = run("explain", "samples/2010.xlsx", "铜陵", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = tool("pdftotext", "-layout", str(out), "-")
    assert "铜陵市：总分 3,092.80，第 11 名，良好" in text
    assert "折算：3,004.43 × 3,500 ÷ 3,400 = 3,092.80" in text
    assert "D202" in text  # the cells the points came from
    assert len(tool("pdffonts", str(out)).splitlines()[2:]) == 1


def test_an_unknown_suffix_for_explain_is_refused_with_the_known_ones(tmp_path):
    result = run("explain", "samples/2010.xlsx", "铜陵", "-o", str(tmp_path / "a.html"))
    assert result.exit_code == 2
    assert "报告可以是 .docx、.pdf、.md" in result.stderr


def test_a_tree_schemes_pdf_has_its_subtotals_by_level_and_per_unit(poppler, tmp_path):
    """分级得分: a table per level of the indicator tree after the ranking, and in each unit's
    section its points at every level, the numbers the JSON gives."""
    from scorer.render import to_dict

    result = assess([SAMPLES / "mof-tree-2021.xlsx"], RULES / "mof-tree-2021.yaml")
    path = tmp_path / "tree.pdf"
    path.write_bytes(render_pdf(result, letterhead(result.scheme, {"full": True})))
    text = tool("pdftotext", "-layout", str(path), "-")
    assert "分级得分" in text and "一级指标得分" in text and "二级指标得分" in text
    districts = to_dict(result.ranking, result.issues)["districts"]
    assert len(districts) == 7
    for unit in districts:
        shown = text[text.index(f"{unit['district']}：总分") :]
        for name, points in unit["subtotals"].items():  # (a line may break anywhere)
            said = r"\s*".join(map(re.escape, f"“{name}”：{points:.2f}分"))
            assert re.search(said, shown), (unit["district"], name)
    flat = tmp_path / "flat.pdf"
    plain = sample_result()
    flat.write_bytes(render_pdf(plain, letterhead(plain.scheme, {"full": True})))
    assert "分级得分" not in tool("pdftotext", str(flat), "-")
