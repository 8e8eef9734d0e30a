"""Synthetic returns at national scale for the benchmark: deterministic, written once, cached."""

from __future__ import annotations

import random
from pathlib import Path

import xlsxwriter
import yaml

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".bench"
ALIASES = {
    "廉租住房保障": "廉租房",
    "中小学校舍安全工程": "校舍安全工程",
    "新型农村合作医疗": "新农合",
}


SCHEME = yaml.safe_load((ROOT / "rules" / "anhui-2010.yaml").read_text(encoding="utf-8"))
# the scheme's column labels, in its order (所属市 left out: a province-wide long return)
HEADER = [c["label"] for key, c in SCHEME["columns"].items() if key != "city"]


def projects() -> list[str]:
    return [p["name"] for p in SCHEME["projects"] if p.get("level") != "district"]


def _row(rng: random.Random, district: str, project: str, messy: bool) -> list:
    target = rng.randint(50, 2000)
    planned = round(rng.uniform(100, 20000), 1)
    in_place = round(planned * rng.uniform(0.8, 1.0), 1)
    row = [district, project, target, round(target * rng.uniform(0.7, 1.2)), planned, in_place,
           round(in_place * rng.uniform(0.7, 1.0), 1), round(rng.uniform(60, 100), 1),
           rng.choice([None] * 20 + [2, 3]), None]  # fmt: skip
    if messy:  # 10% of the cells typed as text, the way clerks type them, and aliases
        for col in range(2, 8):
            if rng.random() < 0.1:
                value = row[col]
                row[col] = rng.choice(
                    [
                        f"{value:,}",
                        f" {value} ",
                        str(value).translate(
                            str.maketrans("0123456789.", "０１２３４５６７８９．")
                        ),
                    ]
                )
        if project in ALIASES and rng.random() < 0.5:
            row[1] = ALIASES[project]
    return row


def long_workbook(districts: int, messy: bool = False, seed: int = 6) -> Path:
    """districts × 33 rows in one sheet, with a title row above the header."""
    path = CACHE / f"long-{districts}{'-messy' if messy else ''}-2010.xlsx"
    if path.exists():
        return path
    CACHE.mkdir(exist_ok=True)
    rng = random.Random(seed)
    names = projects()
    temporary = path.with_suffix(".part")
    workbook = xlsxwriter.Workbook(str(temporary), {"constant_memory": True})
    sheet = workbook.add_worksheet("汇总")
    sheet.write(0, 0, "2010年度民生工程实施情况汇总表")
    sheet.write_row(1, 0, HEADER)
    row = 2
    for d in range(districts):
        for project in names:
            sheet.write_row(row, 0, _row(rng, f"县{d:05d}", project, messy))
            row += 1
    workbook.close()
    temporary.rename(path)
    return path


def folder_of_workbooks(count: int, seed: int = 7) -> Path:
    """``count`` workbooks, one per district, 33 rows each (the sheet named after the district)."""
    folder = CACHE / f"folder-{count}-2010"
    if (folder / ".done").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = projects()
    for d in range(count):
        district = f"县{d:05d}"
        workbook = xlsxwriter.Workbook(str(folder / f"{district}.xlsx"))
        sheet = workbook.add_worksheet(district)
        sheet.write_row(0, 0, HEADER[1:])
        for r, project in enumerate(names, start=1):
            sheet.write_row(r, 0, _row(rng, district, project, False)[1:])
        workbook.close()
    (folder / ".done").write_text("")
    return folder


def wide_workbook(districts: int, seed: int = 6) -> Path:
    """(issue 12) The same figures as long_workbook(districts), laid out wide: a row per
    district, each project's name merged over its columns."""
    path = CACHE / f"wide-{districts}-2010.xlsx"
    if path.exists():
        return path
    CACHE.mkdir(exist_ok=True)
    rng = random.Random(seed)
    names = projects()
    labels = HEADER[2:]
    temporary = path.with_suffix(".part")
    workbook = xlsxwriter.Workbook(str(temporary), {"constant_memory": True})
    sheet = workbook.add_worksheet("汇总")
    sheet.write(0, 0, "地区")
    for number, project in enumerate(names):
        first = 1 + number * len(labels)
        sheet.merge_range(0, first, 0, first + len(labels) - 1, project)
    sheet.write(1, 0, "")
    for number in range(len(names)):
        sheet.write_row(1, 1 + number * len(labels), labels)
    for d in range(districts):
        cells = [f"县{d:05d}"]
        for project in names:
            cells += _row(rng, f"县{d:05d}", project, False)[2:]
        sheet.write_row(2 + d, 0, cells)
    workbook.close()
    temporary.rename(path)
    return path


def sheets_workbook(districts: int, sheets: int = 3, seed: int = 8) -> Path:
    """(issue 15) ``sheets`` sheets of districts × 33 rows each in one workbook (the rows of a
    province's cities, a sheet a region): 3 × 30,304 districts are 3,000,096 rows."""
    path = CACHE / f"sheets-{sheets}x{districts}-2010.xlsx"
    if path.exists():
        return path
    CACHE.mkdir(exist_ok=True)
    rng = random.Random(seed)
    names = projects()
    temporary = path.with_suffix(".part")
    workbook = xlsxwriter.Workbook(str(temporary), {"constant_memory": True})
    for number in range(sheets):
        sheet = workbook.add_worksheet(f"片区{number + 1}")
        sheet.write_row(0, 0, HEADER)
        row = 1
        for d in range(districts):
            district = f"县{number}{d:05d}"
            for project in names:
                sheet.write_row(row, 0, _row(rng, district, project, False))
                row += 1
    workbook.close()
    temporary.rename(path)
    return path
