"""Regenerate the 六安 2023 samples against the previous year (deterministic):
python samples/make_previous.py

rules/liuan-2023.yaml scores 2023 against 2022 (同比): the new jobs' growth, the change in the
number of social workers ("对比上年度每增加1名加0.05分…每减少1名扣0.1分") and the insured's
growth. Two long workbooks, a row per county and project:

- liuan-2022.xlsx  the previous year, as the scheme's ``previous:`` names it; 叶集区 still
  signs as 叶集试验区 there (an alias on the roster, so it is matched by name);
- liuan-2023.xlsx  this year.

Needs xlsxwriter.
"""

from __future__ import annotations

import datetime
import random
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent

COUNTIES = ["金安区", "裕安区", "叶集区", "霍邱县", "舒城县", "金寨县", "霍山县"]
PROJECTS = ["就业创业", "社会工作服务", "城乡居民养老保险"]
COLUMNS = ["目标任务", "新增就业", "社工人数", "参保人数"]
OWN = {
    "就业创业": ["目标任务", "新增就业"],
    "社会工作服务": ["社工人数"],
    "城乡居民养老保险": ["参保人数"],
}
# 2023 against 2022, set for the sample to show each rule's edges: 霍山县 gains 15 workers
# (capped at +0.5), 舒城县 loses 30 (capped at −2), 金安区 keeps the same number
WORKER_CHANGE = {"金安区": 0, "裕安区": 4, "叶集区": -3, "霍邱县": 7, "舒城县": -30,
                 "金寨县": 1, "霍山县": 15}  # fmt: skip


def figures() -> dict[int, dict[tuple[str, str], dict[str, float]]]:
    """Each year's figures per county and project."""
    rng = random.Random(2024)  # the seed the sample was first made with
    years: dict[int, dict[tuple[str, str], dict[str, float]]] = {2022: {}, 2023: {}}
    for county in COUNTIES:
        target = rng.randint(3000, 9000)
        jobs_2022 = round(target * rng.uniform(0.9, 1.1))
        workers = rng.randint(40, 120)
        insured = rng.randint(150_000, 600_000)
        growth = rng.choice([-0.034, -0.012, 0.0, 0.008, 0.021])
        before = {
            "目标任务": target,
            "新增就业": jobs_2022,
            "社工人数": workers,
            "参保人数": insured,
        }
        after = {
            "目标任务": round(target * 1.05),
            "新增就业": round(jobs_2022 * rng.uniform(0.95, 1.12)),
            "社工人数": workers + WORKER_CHANGE[county],
            "参保人数": round(insured * (1 + growth)),
        }
        for project in PROJECTS:
            years[2022][(county, project)] = {k: before[k] for k in OWN[project]}
            years[2023][(county, project)] = {k: after[k] for k in OWN[project]}
    return years


def write(path: Path, year: int, data: dict[tuple[str, str], dict[str, float]]) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": datetime.datetime(year, 12, 31)})
    bold = workbook.add_format({"bold": True, "border": 1, "align": "center"})
    sheet = workbook.add_worksheet("填报表")
    sheet.write(0, 0, f"六安市{year}年度就业和社会保障民生工程完成情况表")
    header = ["县区", "项目", *COLUMNS]
    for col, label in enumerate(header):
        sheet.write(1, col, label, bold)
    row = 2
    for county in COUNTIES:
        written = "叶集试验区" if (year == 2022 and county == "叶集区") else county
        for project in PROJECTS:
            sheet.write(row, 0, written)
            sheet.write(row, 1, project)
            for col, label in enumerate(COLUMNS, start=2):
                value = data[(county, project)].get(label)
                if value is not None:
                    sheet.write_number(row, col, value)
            row += 1
    sheet.set_column(0, 1, 16)
    workbook.close()


def main() -> None:
    years = figures()
    for year, data in years.items():
        write(HERE / f"liuan-{year}.xlsx", year, data)
        print(HERE / f"liuan-{year}.xlsx")


if __name__ == "__main__":
    main()
