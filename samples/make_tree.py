"""Regenerate the sample of the three-level indicator tree (deterministic):
python samples/make_tree.py

rules/mof-tree-2021.yaml is the Ministry of Finance framework (财预〔2020〕10号): 一级指标
决策 / 过程 / 产出 / 效益, their 二级指标, and the 三级指标 that are scored. mof-tree-2021.xlsx
is the evaluation team's sheet: a row per county and 三级指标, each with the figure it is
scored on (专家评分, 预算数 and 执行数, 目标值 and 实际值, 质量达标率, 满意度). Needs xlsxwriter.
"""

from __future__ import annotations

import datetime
import random
from pathlib import Path

import xlsxwriter
import yaml

HERE = Path(__file__).resolve().parent
RULES = HERE.parent / "rules" / "mof-tree-2021.yaml"

COUNTIES = ["怀宁县", "潜山市", "太湖县", "宿松县", "望江县", "岳西县", "桐城市"]
COLUMNS = ["专家评分", "目标值", "实际值", "质量达标率", "预算数", "执行数", "满意度"]


def figures(rng: random.Random, project: str) -> dict[str, float]:
    """The figures one 三级指标 is scored on."""
    if project == "预算执行率":
        budget = round(rng.uniform(800, 5000), 1)
        return {"预算数": budget, "执行数": round(budget * rng.uniform(0.78, 1.0), 1)}
    if project == "实际完成率":
        target = rng.randint(3000, 9000)
        return {"目标值": target, "实际值": round(target * rng.uniform(0.9, 1.05))}
    if project == "质量达标率":
        return {"质量达标率": round(rng.uniform(90, 99.5), 1)}
    if project == "受益群众满意度":
        return {"满意度": round(rng.uniform(78, 97), 1)}
    return {"专家评分": round(rng.uniform(70, 98), 1)}


def main() -> None:
    scheme = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    projects = [p["name"] for p in scheme["projects"]]
    rng = random.Random(2021)
    path = HERE / "mof-tree-2021.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": datetime.datetime(2021, 12, 31)})
    bold = workbook.add_format({"bold": True, "border": 1, "align": "center"})
    sheet = workbook.add_worksheet("评分表")
    sheet.write(0, 0, "2021年度农村饮水安全工程项目支出绩效评价评分表（三级指标）")
    sheet.write(1, 0, "资金单位：万元")
    for col, label in enumerate(["评价对象", "三级指标", *COLUMNS]):
        sheet.write(2, col, label, bold)
    row = 3
    for county in COUNTIES:
        for project in projects:
            sheet.write(row, 0, county)
            sheet.write(row, 1, project)
            for label, value in figures(rng, project).items():
                sheet.write_number(row, 2 + COLUMNS.index(label), value)
            row += 1
    sheet.set_column(0, 1, 16)
    workbook.close()
    print(path)


if __name__ == "__main__":
    main()
