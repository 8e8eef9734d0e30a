"""The Excel results workbook: 排名, 评奖, 分项得分, 扣分明细, 数据问题 and 考核方案."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from ..messages import render, words
from ..scheme import rules_summary
from .context import method_summary
from .template import XLSX_CREATED


def _safe_text(worksheet, row: int, col: int, text: Any, fmt, guarded) -> None:
    """Text from the input is written as text; one that starts like a formula (= + - @) gets
    Excel's quote prefix, so it can never run, even when the cell is edited later."""
    text = "" if text is None else str(text)
    if text[:1] in ("=", "+", "-", "@"):
        worksheet.write_string(row, col, text, guarded)
    else:
        worksheet.write_string(row, col, text, fmt)


# Excel and WPS on a Chinese system have 宋体; LibreOffice maps it to the CJK font it has.
FONT = {"font_name": "宋体"}

# The totals and scores shaded as the HTML and PDF heat maps are: ColorBrewer Blues, lighter
# for lower, one hue (a red-to-green scale is lost on the one reader in twelve who cannot tell
# the two apart); the dark end stays light enough for black figures.
_COLOUR_SCALE = {
    "type": "2_color_scale",
    "min_color": "#EFF3FF",
    "max_color": "#6BAED6",
}


class _Book:
    """The workbook being written, its cell formats (made once, in a fixed order, so the same
    input gives the same bytes) and the report's words."""

    def __init__(self, workbook, lang: str, title: str = ""):
        self.workbook = workbook
        self.lang = lang
        self.t = words(lang)
        self.page_title = title
        heading = {
            **FONT,
            "bold": True,
            "bg_color": "#DDEBF7",
            "border": 1,
            "text_wrap": True,
            "valign": "vcenter",
        }

        def add(properties: dict):
            return workbook.add_format({**FONT, **properties})

        self.header = add(heading)
        self.guarded_header = add({**heading, "quote_prefix": True})
        self.text = add({"border": 1})
        self.guarded = add({"border": 1, "quote_prefix": True})
        self.number = add({"border": 1, "num_format": "#,##0.00"})
        self.integer = add({"border": 1, "num_format": "0"})
        self.muted = add({"border": 1, "font_color": "#808080"})
        self.title = add({"bold": True, "font_size": 13})
        self.guarded_title = add({"bold": True, "font_size": 13, "quote_prefix": True})

    def sheet(self, label: str, header_row: int = 0):
        """A new worksheet, named by the report's word ``label``, set up to print: A4
        landscape, one page wide, the header row repeated, the scheme and the sheet at the top
        of each page, page numbers at the foot."""
        sheet = self.workbook.add_worksheet(self.t[label])
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(header_row)
        sheet.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.6)
        title = self.page_title.replace("&", "&&")
        sheet.set_header(f'&L&"宋体,常规"{title}&R&"宋体,常规"{self.t[label]}')
        sheet.set_footer('&C&"宋体,常规"&P / &N')
        return sheet

    def write_text(self, sheet, row: int, col: int, text: Any) -> None:
        """A bordered cell of text from the input, never a formula."""
        _safe_text(sheet, row, col, text, self.text, self.guarded)

    def headers(self, sheet, names: list[str], widths: list[int], guard=None) -> None:
        """The header row (frozen, 30 high) with its columns' widths."""
        for col, (name, width) in enumerate(zip(names, widths)):
            _safe_text(sheet, 0, col, name, self.header, guard or self.header)
            sheet.set_column(col, col, width)
        sheet.freeze_panes(1, 0)
        sheet.set_row(0, 30)


def render_xlsx(result, lang: str = "zh") -> bytes:
    """Sheets 排名, 分项得分, 扣分明细, 数据问题 and 考核方案, formatted, ready for Excel or WPS."""
    import xlsxwriter

    t = words(lang)
    ranking = result.ranking
    scheme = ranking.assessment.scheme
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"title": f"{scheme.name} {t['report']}", "created": XLSX_CREATED})
    from .notice import period_words, shown_month

    period = period_words(scheme, shown_month(result), lang)
    book = _Book(workbook, lang, f"{scheme.name}  {period}")
    _ranking_sheet(book, ranking)
    _awards_sheet(book, ranking)
    _scores_sheet(book, ranking)
    _tree_sheet(book, ranking)
    _deductions_sheet(book, result)
    _problems_sheet(book, result.issues)
    _scheme_sheet(book, scheme)
    workbook.close()
    return buffer.getvalue()


def _ranking_sheet(book: _Book, ranking) -> None:
    """排名: rank, district, total, grade, survey rank, earned, available, rescaled (and city)."""
    t, scheme = book.t, ranking.assessment.scheme
    sheet = book.sheet("ranking_sheet")
    names = ["rank", "district", "total", "grade", "survey_rank", "earned", "available", "rescaled"]
    book.headers(sheet, [t[n] for n in names], [6, 14, 12, 8, 12, 12, 12, 8])
    yes = t["word.yes"]
    for row, r in enumerate(ranking.table.itertuples(index=False), start=1):
        sheet.write_number(row, 0, int(r.rank), book.integer)
        book.write_text(sheet, row, 1, r.district)
        sheet.write_number(row, 2, float(r.total), book.number)
        book.write_text(sheet, row, 3, r.grade)
        if pd.isna(r.survey_rank):
            sheet.write_blank(row, 4, None, book.text)
        else:
            sheet.write_number(row, 4, int(r.survey_rank), book.integer)
        sheet.write_number(row, 5, float(r.earned), book.number)
        sheet.write_number(row, 6, float(r.available), book.number)
        sheet.write_string(row, 7, yes if r.available != scheme.total else "", book.text)
    count = len(ranking.table)
    if count:
        sheet.conditional_format(1, 2, count, 2, _COLOUR_SCALE)
    last = 7
    if "city" in ranking.table:
        sheet.write_string(0, 8, t["city"], book.header)
        sheet.write_string(0, 9, t["city_rank"], book.header)
        sheet.set_column(8, 9, 10)
        for row, r in enumerate(ranking.table.itertuples(index=False), start=1):
            book.write_text(sheet, row, 8, r.city)
            sheet.write_number(row, 9, int(r.city_rank), book.integer)
        last = 9
    sheet.autofilter(0, 0, count, last)


def _awards_sheet(book: _Book, ranking) -> None:
    """评奖, when an award was made: per award and city the quota, the eligible, the winners."""
    awarded = [a for a in ranking.awards if not a.skipped]
    if not awarded:
        return
    t, lang = book.t, book.lang
    sheet = book.sheet("awards_sheet")
    book.headers(sheet, [t["name"], t["city"], t["quota"], t["eligible"], t["winners"],
                         t["tie_note"]], [16, 10, 6, 8, 30, 80])  # fmt: skip
    row = 1
    for award in awarded:
        for group in award.groups:
            book.write_text(sheet, row, 0, award.name)
            book.write_text(sheet, row, 1, group.group)
            sheet.write_number(row, 2, group.quota, book.integer)
            sheet.write_number(row, 3, group.eligible, book.integer)
            book.write_text(sheet, row, 4, book.t["sep.list"].join(group.winners))
            book.write_text(sheet, row, 5, group.note.render(lang) if group.note else "")
            row += 1
        book.write_text(sheet, row, 0, award.rule.render(lang))
        row += 2


def _scores_sheet(book: _Book, ranking) -> None:
    """分项得分: every district's points on every project, in rank order, colour-scaled."""
    t = book.t
    assessment = ranking.assessment
    items = list(assessment.scheme.projects)
    sheet = book.sheet("scores_sheet")
    book.headers(
        sheet,
        [t["rank"], t["district"], *[f"{p.name}（{p.weight:g}）" for p in items], t["total"]],
        [6, 14, *[11] * len(items), 12],
        book.guarded_header,
    )
    sheet.freeze_panes(1, 2)
    order = assessment.scores.index.get_indexer(ranking.table["district"])
    points = assessment.scores.to_numpy(dtype=float)[order].tolist()
    held = assessment.suspended.to_numpy(dtype=bool)[order].tolist()
    word, not_applicable = book.t["word.suspended"], book.t["word.not_applicable"]
    for row, r in enumerate(ranking.table.itertuples(index=False), start=1):
        sheet.write_number(row, 0, int(r.rank), book.integer)
        book.write_text(sheet, row, 1, r.district)
        for col, (value, suspended) in enumerate(zip(points[row - 1], held[row - 1]), start=2):
            if suspended:
                sheet.write_string(row, col, word, book.muted)
            elif value != value:  # NaN: an item for other units only (applies_to)
                sheet.write_string(row, col, not_applicable, book.muted)
            else:
                sheet.write_number(row, col, value, book.number)
        sheet.write_number(row, len(items) + 2, float(r.total), book.number)
    count = len(ranking.table)
    for col in range(2, len(items) + 2):
        if count:
            sheet.conditional_format(1, col, count, col, _COLOUR_SCALE)


def _tree_sheet(book: _Book, ranking) -> None:
    """分级得分, when the scheme has an indicator tree: a row per unit in rank order, a column
    per indicator, level by level (一级指标 over its columns, merged), colour-scaled."""
    from ..subtotals import level_tables

    tables = level_tables(ranking.assessment, list(ranking.table["district"]), book.lang)
    if not tables:
        return
    t = book.t
    sheet = book.sheet("tree.title", header_row=1)
    for col, name in enumerate([t["rank"], t["district"]]):
        sheet.merge_range(0, col, 1, col, name, book.header)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 14)
    col = 2
    for table in tables:
        first, last = col, col + len(table["columns"]) - 1
        if first == last:
            _safe_text(sheet, 0, first, table["level"], book.header, book.guarded_header)
        else:
            sheet.merge_range(0, first, 0, last, "", book.header)
            _safe_text(sheet, 0, first, table["level"], book.header, book.guarded_header)
        for offset, column in enumerate(table["columns"]):
            label = f"{column['name']}（{column['weight']:g}）"
            _safe_text(sheet, 1, first + offset, label, book.header, book.guarded_header)
        sheet.set_column(first, last, 11)
        for row, (r, unit) in enumerate(zip(ranking.table.itertuples(index=False),
                                            table["rows"]), start=2):  # fmt: skip
            sheet.write_number(row, 0, int(r.rank), book.integer)
            book.write_text(sheet, row, 1, r.district)
            for offset, value in enumerate(unit["cells"]):
                if value is None:
                    sheet.write_string(row, first + offset, "—", book.muted)
                else:
                    sheet.write_number(row, first + offset, value, book.number)
        count = len(table["rows"])
        for place in range(first, last + 1):
            if count:
                sheet.conditional_format(2, place, count + 1, place, _COLOUR_SCALE)
        col = last + 1
    sheet.set_row(1, 30)
    sheet.freeze_panes(2, 2)


def _deductions_sheet(book: _Book, result) -> None:
    """扣分明细: every deduction and bonus applied, with the cell it came from."""
    t = book.t
    sheet = book.sheet("deduction_sheet")
    names = ["district", "project", "name", "count", "points", "file", "sheet", "cell"]
    book.headers(sheet, [t[n] for n in names], [14, 30, 16, 12, 10, 24, 16, 10])
    for row, entry in enumerate(_adjustments(result), start=1):
        for col, value in enumerate(entry):
            if isinstance(value, float):
                sheet.write_number(row, col, value, book.number)
            else:
                book.write_text(sheet, row, col, value)


def _problems_sheet(book: _Book, issues) -> None:
    """数据问题: every problem and warning, where it is, what was read and what to do."""
    t, lang = book.t, book.lang
    sheet = book.sheet("problems_sheet")
    names = ["severity", "file", "sheet", "cell", "value", "what", "todo"]
    book.headers(sheet, [t[n] for n in names], [8, 24, 16, 10, 14, 48, 36])
    for row, issue in enumerate(issues, start=1):
        values = [
            t.get(issue.severity, issue.severity),
            issue.file,
            issue.sheet,
            issue.cell,
            "" if issue.value is None else issue.value,
            issue.message(lang),
            issue.hint(lang),
        ]
        for col, value in enumerate(values):
            book.write_text(sheet, row, col, value)


def _scheme_sheet(book: _Book, scheme) -> None:
    """考核方案: the weight table with each project's scoring, the grades and the templates."""
    t = book.t
    sheet = book.sheet("scheme_sheet", header_row=2)
    _safe_text(sheet, 0, 0, scheme.name, book.title, book.guarded_title)
    for col, (name, width) in enumerate(
        zip(["#", t["project"], t["weight"], t["method"]], [5, 36, 8, 70])
    ):
        sheet.write_string(2, col, name, book.header)
        sheet.set_column(col, col, width)
    for row, project in enumerate(scheme.projects, start=3):
        sheet.write_number(row, 0, row - 2, book.integer)
        book.write_text(sheet, row, 1, project.name)
        sheet.write_number(row, 2, project.weight, book.number)
        book.write_text(sheet, row, 3, method_summary(scheme, project, book.lang))
    end = 3 + len(scheme.projects)
    sheet.write_string(end, 1, t["sum"], book.header)
    sheet.write_number(end, 2, sum(p.weight for p in scheme.projects), book.number)
    grades = "  ".join(
        f"{g} ≥ {f * scheme.total:,.{scheme.precision}f}" for g, f in scheme.grades.items()
    )
    sheet.write_string(end + 2, 1, t["grades"] + t["punct.colon"] + grades)
    for offset, (name, rules) in enumerate(scheme.templates.items(), start=3):
        named = render("template_named", book.lang, template=name)
        summary = rules_summary(rules, book.lang)
        sheet.write_string(end + offset, 1, named + t["punct.colon"] + summary)


def _adjustments(result) -> list[tuple]:
    """Every deduction and bonus applied, from the engine's details: district (in rank order),
    project, item, count or points, points, and the cell it came from."""
    from ..formula import parse_formula
    from ..intake import Locator

    assessment = result.ranking.assessment
    scheme = assessment.scheme
    details = assessment.details
    applied = details[details["part"].isin(["deduction", "bonus"]) & (details["points"] != 0)]
    rank_of = {d: i for i, d in enumerate(result.ranking.table["district"])}
    applied = applied.assign(_rank=applied["district"].map(rank_of)).sort_values(
        "_rank", kind="stable"
    )
    keys = {}
    for project in scheme.projects:
        rules = scheme.rules_of(project)
        for item in (rules.deductions or []) + (rules.bonuses or []):
            names = parse_formula(item.formula_text()).names
            keys[(project.name, item.name)] = scheme.column_key(names[0]) if names else None
    locate = Locator(result.data)
    entries = []
    for entry in applied.itertuples(index=False):
        where = locate(entry.district, entry.project, keys.get((entry.project, entry.name)))
        value = 0.0 if pd.isna(entry.value) else float(entry.value)
        entries.append(
            (
                entry.district,
                entry.project,
                entry.name,
                value,
                float(entry.points),
                where["file"] or "",
                where["sheet"] or "",
                where["cell"] or "",
            )
        )
    return entries
