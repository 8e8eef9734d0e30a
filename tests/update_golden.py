"""Regenerate the golden report files in tests/fixtures/ from the bundled sample:

    python tests/update_golden.py

Then read the diff: a change there is a change every office will see in its report.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(ROOT))


def sample_result():
    import scorer

    os.chdir(ROOT)  # the report names its input files as given: samples/2010.xlsx
    return scorer.assess(["samples/2010.xlsx"], "rules/anhui-2010.yaml")


def xlsx_values(data: bytes) -> dict[str, list[list]]:
    """Every sheet's cell values, as a reader of the workbook would get them."""
    import io

    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


def main() -> None:
    from scorer.render.report import render

    result = sample_result()
    FIXTURES.mkdir(exist_ok=True)
    (FIXTURES / "report.md").write_bytes(render(result, ".md"))
    values = xlsx_values(render(result, ".xlsx"))
    (FIXTURES / "report.xlsx.json").write_text(
        json.dumps(values, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print("wrote", *(str(p.relative_to(ROOT)) for p in sorted(FIXTURES.iterdir())))


if __name__ == "__main__":
    main()
