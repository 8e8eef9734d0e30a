"""Shared test helpers: writing workbooks, flattening issues, the bundled schemes."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from scorer.scheme import load_scheme

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
SAMPLES = ROOT / "samples"

ANHUI_HEADER = [
    "地区",
    "项目",
    "目标任务",
    "完成",
    "计划资金",
    "到位资金",
    "拨付资金",
    "督查评分",
    "扣分",
    "状态",
]

TONGLING_HEADER = [
    "县区",
    "项目",
    "年度目标",
    "累计完成",
    "满意度",
    "督查问题数",
    "表彰次数",
    "计划资金",
    "已拨付资金",
]  # the Tongling 2015 monthly return's columns


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook with the given sheets; None leaves a cell empty."""
    workbook = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write(r, c, value)
    workbook.close()
    return path


def flat(issues) -> list[tuple]:
    """Issues as (sheet, cell, code), to assert locations in one line.

    Also checks that every message and hint was filled in completely, in both languages.
    """
    for issue in issues:
        for lang in ("zh", "en"):
            text = issue.message(lang) + issue.hint(lang)
            assert "{" not in text and "}" not in text, (issue.code, text)
    return [(i.sheet, i.cell, i.code) for i in issues]


def anhui_projects() -> list[str]:
    scheme = load_scheme(RULES / "anhui-2010.yaml")
    return [p.name for p in scheme.projects if p.level == "project"]


def full_rows(district: str, **overrides) -> list[list]:
    """One district's 33 rows in the Anhui long layout, every project done exactly on plan.

    overrides: project name -> dict of column label -> value.
    """
    rows = []
    for name in anhui_projects():
        row = {"地区": district, "项目": name, "目标任务": 100, "完成": 100, "计划资金": 1000,
               "到位资金": 1000, "拨付资金": 1000, "督查评分": 100, "扣分": None,
               "状态": None}  # fmt: skip
        row.update(overrides.get(name, {}))
        rows.append([row[h] for h in ANHUI_HEADER])
    return rows


@pytest.fixture(scope="session")
def anhui():
    return load_scheme(RULES / "anhui-2010.yaml")


def cli(*args, cwd=ROOT, width: int = 120):
    """Run scorer in folder ``cwd`` with a terminal ``width`` columns wide (rich reads COLUMNS)."""
    import os

    from click.testing import CliRunner

    from scorer.cli import main

    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(
            main, list(args), env={"COLUMNS": str(width)}, terminal_width=width
        )
    finally:
        os.chdir(previous)
