"""The indicator tree (issue 13 shape 19): 一级 / 二级 / 三级指标 with points at each level, the
subtotals in the JSON, explain and the reports, and ``rules check`` refusing a level whose
points do not add up, at its line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import openpyxl
import pytest
import yaml
from conftest import ROOT, SAMPLES, write_xlsx
from conftest import cli as run

from scorer import assess
from scorer.render.report import render
from scorer.scheme import check_scheme_text

RULES = ROOT / "rules" / "mof-tree-2021.yaml"
DATA = SAMPLES / "mof-tree-2021.xlsx"
IN_CI = bool(os.environ.get("CI"))


def read_sheet() -> dict[tuple[str, str], dict[str, float]]:
    """(county, 三级指标) -> figures, read with openpyxl (not through scorer)."""
    rows = list(openpyxl.load_workbook(DATA, read_only=True)["评分表"].iter_rows(values_only=True))
    header = list(rows[2])
    return {
        (r[0], r[1]): {k: v for k, v in zip(header[2:], r[2:]) if v is not None} for r in rows[3:]
    }


def published(project: str, weight: float, row: dict[str, float]) -> float:
    """A 三级指标's points by the rules written in rules/mof-tree-2021.yaml."""
    if project == "预算执行率":
        rate = row["执行数"] / row["预算数"]
        return 8.0 if rate >= 0.95 else 6.0 if rate >= 0.90 else 4.0 if rate >= 0.80 else 0.0
    if project == "实际完成率":
        rate = row["实际值"] / row["目标值"]
        return 15.0 if rate >= 1 else max(0.0, 15 - 0.5 * (1 - rate) * 100)
    if project == "质量达标率":
        return 12.0 if row["质量达标率"] >= 95 else 0.0
    if project == "受益群众满意度":
        value = row["满意度"]
        return 10.0 if value >= 90 else 9.0 if value >= 80 else 5.0
    return weight * min(1.0, row["专家评分"] / 100)


def expected() -> dict[str, dict[str, float]]:
    """Per county: each 三级指标's points and each 一级 / 二级指标's sum, from the YAML as data."""
    raw = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    figures = read_sheet()
    counties = list(dict.fromkeys(c for c, _ in figures))
    out: dict[str, dict[str, float]] = {}
    for county in counties:
        points = {
            p["name"]: published(p["name"], p["weight"], figures[(county, p["name"])])
            for p in raw["projects"]
        }
        for top in raw["tree"]:
            for second in top["children"]:
                below = [p["name"] for p in raw["projects"] if p["parent"] == second["name"]]
                points[second["name"]] = sum(points[n] for n in below)
            points[top["name"]] = sum(points[c["name"]] for c in top["children"])
        points["total"] = sum(points[t["name"]] for t in raw["tree"])
        out[county] = points
    return out


@pytest.fixture(scope="module")
def sample():
    return assess([DATA], RULES)


def test_sample_subtotals_at_every_level_match_the_arithmetic():
    result = run("assess", str(DATA), "--rules", str(RULES), "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    want = expected()
    assert body["scheme"]["levels"] == ["一级指标", "二级指标", "三级指标"]
    tops = [n["name"] for n in body["scheme"]["tree"] if n["depth"] == 0]
    assert tops == ["决策", "过程", "产出", "效益"]
    node = {n["name"]: n for n in body["scheme"]["tree"]}
    assert node["资金管理"] == {
        "name": "资金管理", "level": "二级指标", "depth": 1, "parent": "过程", "weight": 12.0,
        "projects": ["预算执行率", "资金使用合规性"],
    }  # fmt: skip
    assert len(body["districts"]) == len(want)
    for district in body["districts"]:
        mine = want[district["district"]]
        assert district["total"] == pytest.approx(mine["total"], abs=1e-9)
        for name, points in district["projects"].items():
            assert points == pytest.approx(mine[name], abs=1e-9), name
        assert set(district["subtotals"]) == set(node)
        for name, points in district["subtotals"].items():
            assert points == pytest.approx(mine[name], abs=1e-9), name


def test_explain_words_each_level_in_chinese(sample):
    want = expected()["潜山市"]
    result = run("explain", str(DATA), "潜山市", "--rules", str(RULES), width=200)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index("分级得分")
    shown = lines[start + 1 : start + 15]
    assert shown[0] == f"一级指标“决策”：{want['决策']:.2f} 分（满分 15 分）"
    assert shown[1] == f"   二级指标“项目立项”：{want['项目立项']:.2f} 分（满分 6 分）"
    assert shown[-1] == f"   二级指标“满意度”：{want['满意度']:.2f} 分（满分 10 分）"
    english = run("explain", str(DATA), "潜山市", "--rules", str(RULES), "--lang", "en", width=200)
    # the level names are the scheme's own (levels:), as written
    assert f"一级指标 “过程”: {want['过程']:.2f} points (of 20)" in english.output


def _check(text: str) -> list[tuple[int | None, str]]:
    _, issues = check_scheme_text(text, "rules.yaml")
    return [(i.line, i.code) for i in issues]


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


TEXT = RULES.read_text(encoding="utf-8")


def test_the_bundled_tree_passes_rules_check():
    assert _check(TEXT) == []
    result = run("rules", "check", str(RULES))
    assert result.exit_code == 0, result.output


# fmt: off
@pytest.mark.parametrize(
    ("old", "new", "code", "at"),
    [
        # a 二级指标 worth more than its projects: refused at its own weight, and its parent
        # (决策) no longer adds up either, at 决策's weight
        ("{name: 绩效目标, weight: 5}", "{name: 绩效目标, weight: 6}", "tree.weights",
         "{name: 绩效目标, weight: 6}"),
        ("{name: 立项依据充分性, parent: 项目立项, weight: 3",
         "{name: 立项依据充分性, parent: 项目立项, weight: 4",
         "tree.weights", "{name: 项目立项, weight: 6}"),
        ("  - name: 效益\n    weight: 30", "  - name: 效益\n    weight: 31", "tree.weights-total",
         "tree:"),
        ("{name: 预算编制科学性, parent: 资金投入", "{name: 预算编制科学性, parent: 资金投放",
         "tree.unknown-parent", "parent: 资金投放"),
        ("{name: 完成及时性, parent: 产出时效, weight: 8,", "{name: 完成及时性, weight: 8,",
         "tree.no-parent", "{name: 完成及时性, weight: 8,"),
        ("{name: 社会效益, parent: 项目效益,", "{name: 社会效益, parent: 效益,",
         "tree.parent-has-children", "{name: 社会效益, parent: 效益,"),
        ("levels: [一级指标, 二级指标, 三级指标]", "levels: [一级指标, 二级指标]", "tree.levels",
         "levels:"),
        ("{name: 资金投入, weight: 4}",
         "{name: 资金投入, weight: 4}\n      - {name: 项目立项, weight: 4}",
         "tree.duplicate-node", "{name: 项目立项, weight: 4}"),
    ],
)
# fmt: on
def test_rules_check_refuses_a_tree_that_does_not_add_up_at_its_line(old, new, code, at):
    assert old in TEXT
    text = TEXT.replace(old, new, 1)
    found = _check(text)
    needle = at.split("\n")[0]
    last = [n for n, line in enumerate(text.splitlines(), 1) if needle in line][-1]
    assert (last, code) in found, (found, last)


def test_the_refusal_in_words_names_the_parent_and_its_children():
    text = TEXT.replace("{name: 绩效目标, weight: 5}", "{name: 绩效目标, weight: 6}")
    _, issues = check_scheme_text(text, "rules.yaml")
    said = {i.message() for i in issues if i.code == "tree.weights"}
    assert said == {
        "指标“决策”分值 15 分，其下级合计 16 分（项目立项 6、绩效目标 6、资金投入 4），二者不等",
        "指标“绩效目标”分值 6 分，其下级合计 5 分（绩效目标合理性 3、绩效指标明确性 2），二者不等",
    }


def test_a_parent_without_a_tree_is_refused():
    flat = (ROOT / "rules" / "mof-performance-2022.yaml").read_text(encoding="utf-8")
    text = flat.replace("  - name: 决策\n    weight: 15\n", "  - name: 决策\n    weight: 15\n"
                        "    parent: 一级\n")  # fmt: skip
    assert _check(text) == [(_line(text, "  - name: 决策"), "tree.no-tree")]


DEEP = """\
name: 四级指标
year: 2024
total: 10
grades: {合格: 0.6, 不合格: 0}
levels: [一级, 二级, 三级, 四级]
columns:
  district: {label: 地区}
  project: {label: 指标}
  status: {label: 状态, required: false}
  score: {label: 评分, max: 100}
templates:
  评分:
    indicators:
      - {name: 评分, share: 1, method: proportional, value: 评分 / 100}
tree:
  - name: 甲
    weight: 10
    children:
      - name: 甲一
        weight: 6
        children:
          - {name: 甲一1, weight: 4}
          - {name: 甲一2, weight: 2}
      - {name: 甲二, weight: 4}
projects:
  - {name: 子1, parent: 甲一1, weight: 3, template: 评分}
  - {name: 子2, parent: 甲一1, weight: 1, template: 评分}
  - {name: 子3, parent: 甲一2, weight: 2, template: 评分}
  - {name: 子4, parent: 甲二, weight: 4, template: 评分}
"""


def test_a_deeper_tree_with_a_suspended_project(tmp_path):
    assert _check(DEEP) == []
    wrong = DEEP.replace("{name: 甲一2, weight: 2}", "{name: 甲一2, weight: 3}")
    assert _check(wrong) == [(_line(wrong, "- name: 甲一") + 1, "tree.weights"),
                             (_line(wrong, "{name: 甲一2"), "tree.weights")]  # fmt: skip
    rules = tmp_path / "deep.yaml"
    rules.write_text(DEEP, encoding="utf-8")
    rows = [["地区", "指标", "评分", "状态"], ["东区", "子1", 50, None], ["东区", "子2", 100, None],
            ["东区", "子3", 80, "暂缓实施"], ["东区", "子4", 75, None]]  # fmt: skip
    data = write_xlsx(tmp_path / "数据.xlsx", {"表": rows})
    result = assess([data], rules)
    assert result.ranking is not None, [i.message() for i in result.issues]
    explanation = result.explainer()("东区")
    got = {(s["name"], s["depth"]): (s["points"], s["available"]) for s in explanation.subtotals}
    assert got == {
        ("甲", 0): (1.5 + 1 + 3, 8.0),
        ("甲一", 1): (2.5, 4.0),
        ("甲一1", 2): (2.5, 4.0),
        ("甲一2", 2): (None, 0.0),
        ("甲二", 1): (3.0, 4.0),
    }
    from scorer.subtotals import subtotal_words

    said = subtotal_words(explanation.subtotals, "zh")
    assert said[0] == "一级“甲”：5.50 分（可得 8 分，满分 10 分）"
    assert said[3] == "三级“甲一2”：全部暂缓实施或不适用，不计分"


# ----------------------------------------------------------------------------- the reports


def test_markdown_and_xlsx_carry_a_table_per_level(sample, tmp_path):
    want = expected()
    text = render(sample, ".md").decode("utf-8")
    assert "## 分级得分" in text and "### 一级指标得分" in text and "### 二级指标得分" in text
    assert "| 地区 | 决策（15） | 过程（20） | 产出（35） | 效益（30） |" in text
    first = sample.ranking.table["district"].iloc[0]
    row = " | ".join(f"{want[first][n]:,.1f}" for n in ("决策", "过程", "产出", "效益"))
    assert f"| {first} | {row} |" in text
    assert f"- 一级指标“决策”：{want[first]['决策']:.2f} 分（满分 15 分）" in text
    path = tmp_path / "report.xlsx"
    path.write_bytes(render(sample, ".xlsx"))
    book = openpyxl.load_workbook(path)
    assert "分级得分" in book.sheetnames
    sheet = book["分级得分"]
    assert sheet["C1"].value == "一级指标" and sheet["G1"].value == "二级指标"
    assert [sheet.cell(2, c).value for c in range(3, 7)] == [
        "决策（15）", "过程（20）", "产出（35）", "效益（30）"
    ]  # fmt: skip
    for r in range(3, 3 + len(want)):
        county = sheet.cell(r, 2).value
        assert sheet.cell(r, 3).value == pytest.approx(want[county]["决策"])
        assert sheet.cell(r, 16).value == pytest.approx(want[county]["满意度"])


def test_a_flat_scheme_has_no_tree_anywhere():
    result = run("assess", "samples/2010.xlsx", "--format", "json")
    body = json.loads(result.stdout)
    assert "tree" not in body["scheme"] and "subtotals" not in body["districts"][0]


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SOFFICE = shutil.which("soffice")


def test_html_tree_tables_as_chromium_shows_them(sample, tmp_path):
    if CHROMIUM is None and not IN_CI:
        pytest.skip("needs Debian's chromium (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    path = tmp_path / "report.html"
    path.write_bytes(render(sample, ".html"))
    want = expected()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(path.as_uri())
        tree = page.locator("section.tree")
        assert tree.locator("h3").all_inner_texts() == ["一级指标得分", "二级指标得分"]
        first = tree.locator("table").first
        assert first.locator("th").all_inner_texts()[:2] == ["地区", "决策\n15"]
        cells = first.locator("tbody tr").first.locator("td").all_inner_texts()
        county = cells[0]
        assert cells[1:] == [f"{want[county][n]:.1f}" for n in ("决策", "过程", "产出", "效益")]
        assert tree.is_visible()
        tree.screenshot(path=str(tmp_path / "tree.png"))
        outline = page.locator("section.district ul.tree").first
        assert outline.locator(":scope > li").count() == 4  # 一级, each with its 二级 inside
        browser.close()
    assert problems == []


def test_xlsx_tree_sheet_opens_in_libreoffice(sample, tmp_path):
    if SOFFICE is None and not IN_CI:
        pytest.skip("needs LibreOffice (.ci/run installs it)")
    path = tmp_path / "report.xlsx"
    path.write_bytes(render(sample, ".xlsx"))
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    # every sheet to its own CSV (the last option, -1), as LibreOffice reads the workbook
    done = subprocess.run(
        [SOFFICE, profile, "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
         "--outdir", str(tmp_path / "out"), str(path)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    found = sorted(p.name for p in (tmp_path / "out").iterdir())
    sheet = next(name for name in found if "分级得分" in name)
    lines = (tmp_path / "out" / sheet).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("排名,地区,一级指标")
    assert lines[1].startswith(",,决策（15）,过程（20）,产出（35）,效益（30）,项目立项（6）")
    want = expected()
    first = lines[2].split(",")
    assert float(first[2]) == pytest.approx(want[first[1]]["决策"], abs=0.005)


def test_rules_show_outlines_the_tree_and_explain_md_carries_the_subtotals(tmp_path):
    shown = run("rules", "show", str(RULES), width=200)
    assert shown.exit_code == 0, shown.output
    assert "一级指标“决策”15分：项目立项 6、绩效目标 5、资金投入 4" in shown.output
    assert "   二级指标“资金管理”12分：预算执行率 8、资金使用合规性 4" in shown.output
    flat = run("rules", "show", "rules/anhui-2010.yaml", width=200)
    assert "指标体系" not in flat.output
    want = expected()["潜山市"]
    path = tmp_path / "潜山市.md"
    done = run("explain", str(DATA), "潜山市", "--rules", str(RULES), "-o", str(path))
    assert done.exit_code == 0, done.output
    text = path.read_text(encoding="utf-8")
    assert f"  - 二级指标“产出质量”：{want['产出质量']:.2f} 分（满分 12 分）" in text
