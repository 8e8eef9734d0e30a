"""Reports (HTML, Markdown, Excel) and scorer explain, checked as a reader would see them."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess

import openpyxl
import pytest
from conftest import ANHUI_HEADER, SAMPLES, full_rows, write_xlsx
from conftest import cli as run
from update_golden import FIXTURES, sample_result, xlsx_values

from scorer import assess
from scorer.render.report import render, render_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SOFFICE = shutil.which("soffice")
IN_CI = bool(os.environ.get("CI"))


@pytest.fixture(scope="module")
def sample():
    return sample_result()


# ----------------------------------------------------------------------------- explain


def test_explainer_reads_the_details_as_the_details_frame_has_them(sample):
    # the explainer reads the engine's blocks, not the frame: the same rows, in the same order
    from scorer.engine import DETAIL_COLUMNS, Detail

    assert list(Detail._fields) == DETAIL_COLUMNS
    explain = sample.explainer()
    details = sample.ranking.assessment.details
    for district in sample.data.districts:
        mine = details[details["district"] == district]
        expected = [tuple(r) for r in mine.itertuples(index=False)]
        got = [tuple(r) for r in explain._blocks.rows(district)]
        assert repr(got) == repr(expected)
    indicators = details[details["part"] == "indicator"]
    for (project, name), rows in indicators.groupby(["project", "name"], sort=False):
        peers = explain.peers(project, name)
        assert peers.equals(rows["value"].reset_index(drop=True)), (project, name)
        assert peers.name == "value"
    position = explain.locate.position
    for i, (district, project) in enumerate(zip(sample.data.rows["district"],
                                                sample.data.rows["project"])):  # fmt: skip
        assert position.get((district, project)) == i
    assert position.get(("no such place", "x")) is None


def test_explanation_accounts_for_every_point_of_every_district(sample):
    explain = sample.explainer()
    for district in sample.data.districts:
        e = explain(district)
        for item in e.items:
            if item.suspended:
                assert item.lines == [] and item.score is None
                continue
            assert sum(line.points for line in item.lines) == pytest.approx(item.score, abs=1e-9), (
                district,
                item.project,
            )
        earned = sum(item.score for item in e.items if not item.suspended)
        assert earned == pytest.approx(e.earned, abs=1e-9)
        assert round(earned * e.scheme_total / e.available, 2) == round(e.total, 2)


def test_cli_explain_hefei_adds_up_to_its_total(sample):
    result = run("explain", "samples/2010.xlsx", "合肥市")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(
        "合肥市：总分 2,936.82，第 15 名，良好\n数据：samples/2010.xlsx › 2010年度民生工程"
    )
    line_points = [
        float(x) for x in re.findall(r"^   \S.*  ([+-]\d+\.\d\d)(?: / [\d.]+)?$", out, flags=re.M)
    ]
    assert len(line_points) == 33 * 3 + 1  # three indicators a project, and 资金保障
    total = sample.ranking.table.set_index("district").at["合肥市", "total"]
    assert sum(line_points) == pytest.approx(
        total, abs=0.01 * len(line_points)
    )  # each shown to 0.01
    assert "D4" in out and "C4" in out  # the input cells of the first project
    assert "各项合计 2,936.82 分（可考核分值 3,500 分）" in out


def test_cli_explain_shows_the_rescaling():
    out = run("explain", "samples/2010.xlsx", "铜陵").stdout
    assert "暂缓实施不计：光荣院建设（100分）" in out
    assert "折算：3,004.43 × 3,500 ÷ 3,400 = 3,092.80" in out


def test_cli_explain_unknown_district():
    result = run("explain", "samples/2010.xlsx", "合肥县")
    assert result.exit_code == 2
    assert "数据中没有地区“合肥县”。是否是：合肥市" in result.stderr


def test_words_of_each_rule(sample):
    e = sample.explainer()("合肥市")
    words = [line.words.render("zh") for item in e.items for line in item.lines]
    assert "96.43%，低于100%共3.57个百分点，每点扣2%，得92.86%" in words
    assert "92.65%，不低于85%，得80%" in words
    assert any(re.fullmatch(r"\d+(\.\d+)?%，按比例得\d+(\.\d+)?%", w) for w in words)


# ----------------------------------------------------------------------------- the three reports


def test_assess_writes_all_three_reports(tmp_path):
    outputs = [tmp_path / f"report.{s}" for s in ("html", "xlsx", "md")]
    result = run("assess", "samples/2010.xlsx", *[a for o in outputs for a in ("-o", str(o))])
    assert result.exit_code == 0, result.output
    for path in outputs:
        assert path.stat().st_size > 10_000
        assert f"已写出报告：{path}" in result.stderr
    assert not list(tmp_path.glob(".*.tmp"))


def test_output_that_is_an_input_is_refused(tmp_path):
    data = tmp_path / "2010.xlsx"
    shutil.copy(SAMPLES / "2010.xlsx", data)
    before = data.read_bytes()
    result = run("assess", str(data), "-o", str(data), cwd=tmp_path)
    assert result.exit_code == 2
    assert "是输入文件，不能用作报告输出" in result.stderr
    assert data.read_bytes() == before


def test_unknown_report_format_is_refused_before_any_work(tmp_path):
    result = run("assess", "samples/2010.xlsx", "-o", str(tmp_path / "report.doc"))
    assert result.exit_code == 2
    assert "报告可以是" in result.stderr
    assert "考核方案" not in result.stderr  # nothing was read


def test_report_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    from scorer.render import report

    def broken(*args, **kwargs):
        raise RuntimeError("disk full halfway")

    monkeypatch.setattr(report, "render_xlsx", broken)
    target = tmp_path / "report.xlsx"
    result = run("assess", "samples/2010.xlsx", "-o", str(target))
    assert result.exit_code == 1
    assert not target.exists() and list(tmp_path.iterdir()) == []


def hostile_workbook(tmp_path):
    rows = [
        *full_rows("<script>alert(1)</script>"),
        *full_rows('=HYPERLINK("http://x")', 农家书屋={"完成": 90}),
    ]
    return write_xlsx(tmp_path / "2010.xlsx", {"s": [ANHUI_HEADER, *rows]})


def test_names_are_escaped_in_html(tmp_path, anhui):
    html = render_html(assess([hostile_workbook(tmp_path)], anhui))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()


def test_formula_like_text_never_runs_in_excel(tmp_path, anhui):
    data = render(assess([hostile_workbook(tmp_path)], anhui), ".xlsx")
    path = tmp_path / "report.xlsx"
    path.write_bytes(data)
    sheet = openpyxl.load_workbook(path)["排名"]
    cells = [c for c in sheet["B"] if c.value and str(c.value).startswith("=")]
    assert cells, "the hostile name is in the ranking"
    for cell in cells:
        assert cell.data_type == "s" and cell.quotePrefix


def test_markdown_matches_golden(sample):
    assert render(sample, ".md").decode() == (FIXTURES / "report.md").read_text(encoding="utf-8"), (
        "the Markdown report changed: python tests/update_golden.py, then read the diff"
    )


def test_xlsx_values_match_golden(sample):
    golden = json.loads((FIXTURES / "report.xlsx.json").read_text(encoding="utf-8"))
    assert (
        json.loads(json.dumps(xlsx_values(render(sample, ".xlsx")), ensure_ascii=False)) == golden
    )


def test_xlsx_has_the_five_sheets_formatted(sample, tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(render(sample, ".xlsx"))
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["排名", "分项得分", "扣分明细", "数据问题", "考核方案"]
    ranking = workbook["排名"]
    assert ranking.freeze_panes == "A2"
    assert ranking["C2"].number_format == "#,##0.00"
    (scale,) = [rule for rules in ranking.conditional_formatting for rule in rules.rules]
    colours = [c.rgb[-6:].upper() for c in scale.colorScale.color]  # one hue, as the HTML's Blues
    assert colours == ["EFF3FF", "6BAED6"]
    deductions = workbook["扣分明细"]
    assert [c.value for c in deductions[2]][:5] == ["亳州市", "农村沼气建设", "督查扣分", 4, -4]


def test_english_report(sample):
    html = render(sample, ".html", "en").decode()
    assert "Ranking" in html and "Every point" in html and 'lang="en"' in html


# ----------------------------------------------------------------------------- as a person sees it


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None and not IN_CI:
        pytest.skip("needs Debian's chromium (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        "--disable-component-update",
        "--disable-sync",
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        yield browser
        browser.close()


def test_html_in_chromium_loads_alone_without_errors_and_prints(browser, sample, tmp_path):
    from PIL import Image

    path = tmp_path / "report.html"
    path.write_bytes(render(sample, ".html"))
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    requests, problems = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_load_state("networkidle")
    assert requests == [path.as_uri()], "nothing but the file itself may be fetched"
    assert problems == []
    assert page.locator("svg text").count() > 17 * 2  # charts carry real text
    shot = tmp_path / "shot.png"
    page.screenshot(path=str(shot))
    image = Image.open(shot).convert("L")
    histogram = image.histogram()
    assert max(histogram) < 0.97 * sum(histogram), "the page looks blank"
    assert len([count for count in histogram if count]) > 16  # shades of text, tables and charts
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    districts = len(sample.data.districts)
    assert districts + 1 <= pages <= 8 * (districts + 1), pages  # each district starts a page


def test_xlsx_opens_in_libreoffice_with_the_right_ranking(sample, tmp_path):
    if SOFFICE is None and not IN_CI:
        pytest.skip("needs LibreOffice (.ci/run installs it)")
    path = tmp_path / "report.xlsx"
    path.write_bytes(render(sample, ".xlsx"))
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    done = subprocess.run(
        [SOFFICE, profile, "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1",
         "--outdir", str(tmp_path / "out"), str(path)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with open(tmp_path / "out" / "report.csv", encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0][:4] == ["排名", "地区", "总分", "等次"]
    table = sample.ranking.table
    assert len(lines) == len(table) + 1
    for line, row in zip(lines[1:], table.itertuples(index=False)):
        rank, district, total, grade = line[:4]
        assert (int(rank), district, grade) == (int(row.rank), row.district, row.grade)
        assert float(total.replace(",", "")) == pytest.approx(row.total, abs=0.005)
