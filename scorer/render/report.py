"""The assessment report: self-contained HTML, Markdown, and the Excel results workbook."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from typing import Any

import pandas as pd

from ..explain import district_view, explanation_summary, inputs_text, item_title
from ..scheme import rules_summary
from ..untrusted import visible
from .template import XLSX_CREATED

REPORT_SUFFIXES = (".html", ".htm", ".md", ".xlsx", ".json")
# Past this many districts the HTML and Markdown reports keep the ranking whole but show charts
# and district sections for the first ones only: nobody reads 10,000 sections, and the file
# would run to hundreds of MB. scorer explain and the Excel workbook have every district.
DETAIL_LIMIT = 100

LABELS = {
    "zh": {
        "report": "考核报告",
        "scheme": "考核方案",
        "year": "年度",
        "total_points": "总分",
        "projects": "考核项目",
        "districts": "参评地区",
        "grades": "等次",
        "ranking": "排名",
        "rank": "排名",
        "district": "地区",
        "total": "总分",
        "grade": "等次",
        "survey_rank": "社情民意排名",
        "rescaled": "折算",
        "rescaled_note": "含暂缓实施项目的地区按可考核分值折算为满分 {total}。",
        "chart_totals": "总分",
        "heatmap": "各项目得分率",
        "heatmap_note": "每格为该项目得分占其分值的比例（120 分与 100 分的项目可以比较）；灰色为暂缓实施。",
        "survey": "社情民意（单独排名，不计入总分）",
        "satisfaction": "满意度",
        "district_sections": "各地区得分说明",
        "strongest": "得分率最高的项目",
        "weakest": "得分率最低的项目",
        "deductions": "扣分及原因",
        "no_deductions": "无扣分。",
        "suspended": "暂缓实施的项目",
        "none": "无。",
        "lost": "失分最多的项目",
        "lost_points": "失分",
        "item": "项目 / 指标",
        "inputs": "数据（单元格）",
        "rule": "计分",
        "points": "得分",
        "share": "得分率",
        "explanation": "逐项计分",
        "data_from": "数据：",
        "cut_note": "共 {n} 个地区：图表和各地区说明只列前 {limit} 名；每个地区的逐项计分见 Excel 报告或 scorer explain。",
        "problems": "数据问题与提醒",
        "no_problems": "没有发现数据问题。",
        "severity": "类别",
        "where": "位置",
        "value": "读到的值",
        "what": "问题",
        "todo": "处理",
        "weights": "考核方案分值表",
        "weight": "分值",
        "method": "计分方法",
        "sum": "合计",
        "files": "输入文件",
        "file": "文件",
        "sha256": "SHA-256",
        "error": "错误",
        "warning": "提醒",
        "info": "说明",
        "month": "考核月份",
        "template": "模板",
        "deduction_sheet": "扣分明细",
        "scores_sheet": "分项得分",
        "scheme_sheet": "考核方案",
        "problems_sheet": "数据问题",
        "ranking_sheet": "排名",
        "earned": "实得分",
        "available": "可考核分值",
        "project": "项目",
        "name": "名称",
        "count": "次数或分数",
        "cell": "单元格",
        "sheet": "工作表",
        "city": "所属市",
        "city_rank": "市内名次",
        "quota": "名额",
        "eligible": "符合条件",
        "winners": "评上",
        "ties": "同分名次按 {chain} 依次比较确定",
        "robust": "排名稳健性（分值浮动时）",
        "robust_note": "每行是一个地区在各次抽样中名次的 5%–95% 区间（蓝条）、中位名次（圆点）和实际名次（红线）；右侧为区间和保持等次的比例。",
        "robust_legend": "条越短，名次越不受分值设定的影响；条很长的地区，名次取决于分值怎么定。",
        "varied": "变动",
        "held": "不变",
        "median_rank": "中位名次",
        "grade_kept": "保持等次",
        "tie_note": "名额线上同分",
        "award_share_head": "评上比例",
        "award_share_note": "评上比例：各次抽样中评上“{award}”的比例；★ 为本次评上。",
        "awards_sheet": "评奖",
        "trend": "各期走势",
        "trend_note": "每格为该期总分（名次）；右侧小图为总分走势，点上标注名次。",
        "period": "期",
    },
    "en": {
        "report": "assessment report",
        "scheme": "Scheme",
        "year": "Year",
        "total_points": "Total points",
        "projects": "Projects",
        "districts": "Districts",
        "grades": "Grades",
        "ranking": "Ranking",
        "rank": "Rank",
        "district": "District",
        "total": "Total",
        "grade": "Grade",
        "survey_rank": "Survey rank",
        "rescaled": "Rescaled",
        "rescaled_note": "Districts with suspended projects are rescaled to {total} on the points they could earn.",
        "chart_totals": "Totals",
        "heatmap": "Share of each project's points",
        "heatmap_note": "Each cell is the points earned as a share of the project's weight, so 120- and 100-point projects compare; grey: suspended.",
        "survey": "Public opinion survey (ranked separately, not added to the total)",
        "satisfaction": "Satisfaction",
        "district_sections": "District by district",
        "strongest": "Strongest projects",
        "weakest": "Weakest projects",
        "deductions": "Deductions and why",
        "no_deductions": "No deductions.",
        "suspended": "Suspended projects",
        "none": "None.",
        "lost": "Where points were lost",
        "lost_points": "Lost",
        "item": "Project / indicator",
        "inputs": "Data (cells)",
        "rule": "Rule applied",
        "points": "Points",
        "share": "Share",
        "explanation": "Every point",
        "data_from": "Data: ",
        "cut_note": "{n} districts: the charts and district sections show the first {limit}; every district's points are in the Excel report and scorer explain.",
        "problems": "Data problems and warnings",
        "no_problems": "No problems found in the data.",
        "severity": "Kind",
        "where": "Where",
        "value": "Found",
        "what": "Problem",
        "todo": "What to do",
        "weights": "Weight table",
        "weight": "Points",
        "method": "Scoring",
        "sum": "Total",
        "files": "Input files",
        "file": "File",
        "sha256": "SHA-256",
        "error": "error",
        "warning": "warning",
        "info": "note",
        "month": "Assessment month",
        "template": "template",
        "deduction_sheet": "Deductions",
        "scores_sheet": "Project scores",
        "scheme_sheet": "Scheme",
        "problems_sheet": "Data problems",
        "ranking_sheet": "Ranking",
        "earned": "Earned",
        "available": "Available",
        "project": "Project",
        "name": "Name",
        "count": "Count or points",
        "city": "City",
        "city_rank": "In city",
        "quota": "Quota",
        "eligible": "Eligible",
        "winners": "Honoured",
        "ties": "Equal totals ordered by {chain}",
        "robust": "How firm the ranks are when the weights move",
        "robust_note": "Each row shows a district's 5–95% range of ranks over the draws (blue bar), its median rank (dot) and its rank (red tick); on the right, the range and the share of draws keeping its grade.",
        "robust_legend": "A short bar: the rank hardly depends on how the weights are set. A long bar: it does.",
        "varied": "Varied",
        "held": "Held fixed",
        "median_rank": "Median rank",
        "grade_kept": "Grade kept",
        "tie_note": "Tie on the quota line",
        "award_share_head": "Honoured",
        "award_share_note": "Honoured: share of draws in which it wins “{award}”; ★ won it as scored.",
        "awards_sheet": "Awards",
        "trend": "Trend across periods",
        "trend_note": "Each cell is the period's total (rank); the small chart on the right is the total over time, ranks at the points.",
        "period": "Period",
        "cell": "Cell",
        "sheet": "Sheet",
    },
}


# ----------------------------------------------------------------------------- shared pieces


def file_digests(files: list[Path]) -> list[tuple[str, str]]:
    """(name, SHA-256) of each input file, so the report can be audited later."""
    out = []
    for path in files:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        out.append((str(path), digest.hexdigest()))
    return out


def method_summary(scheme, project, lang: str) -> str:
    """How a project is scored, in a line: its template's name, or its indicators and shares."""
    template = scheme.template_name(project)
    if template is not None and project.indicators is None:
        return (
            f"{LABELS[lang]['template']}“{template}”" if lang == "zh" else f"template “{template}”"
        )
    return rules_summary(scheme.rules_of(project))


# ----------------------------------------------------------------------------- the report's content


def report_context(result, lang: str = "zh", robustness=None) -> dict[str, Any]:
    """Everything the HTML and Markdown reports show, as plain values."""
    from . import awards_list

    ranking = result.ranking
    assessment = ranking.assessment
    scheme = assessment.scheme
    explain = result.explainer()
    shown = list(ranking.table["district"][:DETAIL_LIMIT])
    explanations = [explain(d) for d in shown]
    items = [p.name for p in scheme.projects]
    weights = {p.name: p.weight for p in scheme.projects}
    rows = []
    for r in ranking.table.itertuples(index=False):
        rescaled = bool(assessment.suspended.loc[r.district].any())
        survey = None if pd.isna(r.survey_rank) else int(r.survey_rank)
        grade_index = list(scheme.grades).index(r.grade)
        rows.append(
            {
                "rank": int(r.rank),
                "district": r.district,
                "total": r.total,
                "grade": r.grade,
                "grade_index": grade_index,
                "survey_rank": survey,
                "rescaled": rescaled,
                "city": getattr(r, "city", None),
                "city_rank": int(r.city_rank) if hasattr(r, "city_rank") else None,
            }
        )
    shares = []
    for r in rows[:DETAIL_LIMIT]:
        cells = []
        for name in items:
            suspended = bool(assessment.suspended.at[r["district"], name])
            score = assessment.scores.at[r["district"], name]
            share = None if suspended else float(score) / weights[name]
            cells.append(
                {
                    "project": name,
                    "share": share,
                    "points": None if suspended else float(score),
                    "weight": weights[name],
                }
            )
        shares.append({"district": r["district"], "cells": cells})
    templates_used = {}
    weight_rows = []
    for number, project in enumerate(scheme.projects, 1):
        template = scheme.template_name(project)
        if template is not None and project.indicators is None:
            templates_used[template] = rules_summary(scheme.templates[template])
        weight_rows.append(
            {
                "number": number,
                "name": project.name,
                "aliases": project.aliases,
                "weight": project.weight,
                "method": method_summary(scheme, project, lang),
            }
        )
    survey = [
        {"rank": int(s.rank), "district": s.district, "satisfaction": s.satisfaction}
        for s in ranking.survey.itertuples(index=False)
    ]
    return {
        "lang": lang,
        "t": LABELS[lang],
        "scheme": scheme,
        "month": assessment.month if scheme.schedule.expected is not None else None,
        "grades": [(g, f * scheme.total) for g, f in scheme.grades.items()],
        "rows": rows,
        "any_rescaled": any(r["rescaled"] for r in rows),
        "items": items,
        "shares": shares,
        "survey": survey,
        "districts": [district_view(e) for e in explanations],
        "cut": len(rows) > DETAIL_LIMIT,
        "limit": DETAIL_LIMIT,
        "issues": sorted(
            result.issues,
            key=lambda i: (
                {"error": 0, "warning": 1}.get(i.severity, 2),
                i.file or "",
                i.sheet or "",
            ),
        ),
        "weights": weight_rows,
        "weight_sum": sum(weights.values()),
        "templates": templates_used,
        "files": file_digests(result.data.files),
        "precision": scheme.precision,
        "grouped": "city" in ranking.table,
        "awards": awards_list(ranking, lang),
        "ties": ranking.ties,
        "chain": "、".join(name for name, _ in ranking.chain),
        "robust": _robust_layout(robustness, lang) if robustness is not None else None,
    }


def _robust_layout(found, lang: str) -> dict[str, Any]:
    """Rank-interval bars of a sensitivity run, for the first DETAIL_LIMIT districts: x is the
    rank (1 on the left), the bar spans the 5th–95th percentile ranks."""
    table = found.table.head(DETAIL_LIMIT)
    left, width, row = 110, 480, 20
    count = max(int(found.table["rank_p95"].max()), int(found.table["rank"].max()), 2)

    def x(rank: float) -> float:
        return round(left + (rank - 1) / (count - 1) * width, 1)

    bars = [
        {"district": r.district, "y": i * row + 6, "rank": int(r.rank), "median": f"{r.median_rank:g}",
         "p5": int(r.rank_p5), "p95": int(r.rank_p95), "kept": float(r.grade_kept),
         "award": bool(r.award) if found.award else None,
         "award_share": float(r.award_share) if found.award else None,
         "x5": x(r.rank_p5), "x95": x(r.rank_p95), "xm": x(r.median_rank), "xn": x(r.rank)}
        for i, r in enumerate(table.itertuples(index=False))
    ]  # fmt: skip
    step = max(1, round(count / 10))
    ticks = [{"x": x(k), "label": str(k)} for k in [1, *range(step, count + 1, step)] if k <= count]
    return {"bars": bars, "left": left, "width": width, "height": len(bars) * row + 30,
            "ticks": ticks, "varied": found.varied[lang], "held": found.held[lang],
            "award": found.award}  # fmt: skip


def _environment(**options: Any):
    from jinja2 import Environment, PackageLoader, select_autoescape

    settings: dict[str, Any] = {
        "autoescape": select_autoescape(["html", "j2"], default_for_string=True),
        **options,
    }
    env = Environment(
        loader=PackageLoader("scorer", "templates"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        **settings,
    )
    env.filters["num"] = lambda v, places=2: "" if v is None else f"{v:,.{places}f}"
    env.filters["pct"] = lambda v: "" if v is None else f"{v:.1%}"
    env.filters["heat"] = heat_colour
    env.globals.update(
        item_title=item_title, inputs_text=inputs_text, explanation_summary=explanation_summary
    )
    return env


def heat_colour(share: float | None) -> str:
    """Red below half the points, through yellow, to green at full marks; grey when suspended."""
    if share is None:
        return "#d9d9d9"
    position = min(1.0, max(0.0, (share - 0.5) / 0.5))
    hue = 120 * position
    return f"hsl({hue:.0f}, 65%, {72 - 20 * position:.0f}%)"


def render_html(result, lang: str = "zh", robustness=None) -> str:
    context = report_context(result, lang, robustness)
    context["chart"] = _bar_chart(context["rows"][:DETAIL_LIMIT], context["scheme"].total)
    context["heat"] = _heat_layout(context["shares"], context["items"])
    return _environment().get_template("report.html.j2").render(**context)


def render_markdown(result, lang: str = "zh", robustness=None) -> str:
    # every {{ … }} of the template is escaped on its way out (finalize), as autoescape does
    # for HTML: names, sheet names and rule texts come from the users' files
    environment = _environment(autoescape=False, finalize=md_text)
    context = report_context(result, lang, robustness)
    return environment.get_template("report.md.j2").render(**context)


_MD_SPECIAL = re.compile(r"[\\`*_\[\]|#~]")
_HTML_SPECIAL = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def md_text(value: Any) -> Any:
    """A text as Markdown that shows it and nothing else, in a line or a table cell: HTML's
    ``& < >`` as entities (no tag, no script), Markdown's ``\\ ` * _ [ ] | # ~`` escaped (no
    emphasis, link, cell break or heading), and no line break (written out as ``\\x0a``, as
    every control character). Numbers pass as they are."""
    if not isinstance(value, str):
        return value
    text = visible(value).translate(_HTML_SPECIAL)
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(), text)


def _bar_chart(rows: list[dict], total: float) -> dict[str, Any]:
    """Geometry of a horizontal bar chart of the totals, in rank order (the template draws it)."""
    bar, gap, left, width = 18, 6, 110, 520
    top = max((r["total"] for r in rows), default=total) or total
    scale = max(total, top)
    bars = []
    for index, row in enumerate(rows):
        length = max(0.0, row["total"]) / scale * width
        bars.append({**row, "y": index * (bar + gap), "length": length})
    ticks = [scale * f for f in (0, 0.25, 0.5, 0.75, 1.0)]
    return {"bars": bars, "bar": bar, "left": left, "width": width, "height": len(rows) * (bar + gap) + 24,
            "ticks": [{"x": left + t / scale * width, "label": f"{t:,.0f}"} for t in ticks]}  # fmt: skip


def _heat_layout(shares: list[dict], items: list[str]) -> dict[str, Any]:
    cell, left, top = 20, 90, 190
    return {
        "cell": cell,
        "left": left,
        "top": top,
        "width": left + cell * len(items) + 10,
        "height": top + cell * len(shares) + 10,
    }


# ----------------------------------------------------------------------------- Excel results


def _safe_text(worksheet, row: int, col: int, text: Any, fmt, guarded) -> None:
    """Text from the input is written as text; one that starts like a formula (= + - @) gets
    Excel's quote prefix, so it can never run, even when the cell is edited later."""
    text = "" if text is None else str(text)
    if text[:1] in ("=", "+", "-", "@"):
        worksheet.write_string(row, col, text, guarded)
    else:
        worksheet.write_string(row, col, text, fmt)


def render_xlsx(result, lang: str = "zh") -> bytes:
    """Sheets 排名, 分项得分, 扣分明细, 数据问题 and 考核方案, formatted, ready for Excel or WPS."""
    import xlsxwriter

    t = LABELS[lang]
    ranking = result.ranking
    assessment = ranking.assessment
    scheme = assessment.scheme
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"title": f"{scheme.name} {t['report']}", "created": XLSX_CREATED})
    heading = {
        "bold": True,
        "bg_color": "#DDEBF7",
        "border": 1,
        "text_wrap": True,
        "valign": "vcenter",
    }
    header = workbook.add_format(heading)
    guarded_header = workbook.add_format({**heading, "quote_prefix": True})
    text = workbook.add_format({"border": 1})
    guarded = workbook.add_format({"border": 1, "quote_prefix": True})
    number = workbook.add_format({"border": 1, "num_format": "#,##0.00"})
    integer = workbook.add_format({"border": 1, "num_format": "0"})
    muted = workbook.add_format({"border": 1, "font_color": "#808080"})
    title = workbook.add_format({"bold": True, "font_size": 13})
    guarded_title = workbook.add_format({"bold": True, "font_size": 13, "quote_prefix": True})

    def headers(sheet, names: list[str], widths: list[int], guard=None) -> None:
        for col, (name, width) in enumerate(zip(names, widths)):
            _safe_text(sheet, 0, col, name, header, guard or header)
            sheet.set_column(col, col, width)
        sheet.freeze_panes(1, 0)
        sheet.set_row(0, 30)

    # 排名
    sheet = workbook.add_worksheet(t["ranking_sheet"])
    headers(
        sheet,
        [
            t["rank"],
            t["district"],
            t["total"],
            t["grade"],
            t["survey_rank"],
            t["earned"],
            t["available"],
            t["rescaled"],
        ],
        [6, 14, 12, 8, 12, 12, 12, 8],
    )
    for row, r in enumerate(ranking.table.itertuples(index=False), start=1):
        sheet.write_number(row, 0, int(r.rank), integer)
        _safe_text(sheet, row, 1, r.district, text, guarded)
        sheet.write_number(row, 2, float(r.total), number)
        _safe_text(sheet, row, 3, r.grade, text, guarded)
        if pd.isna(r.survey_rank):
            sheet.write_blank(row, 4, None, text)
        else:
            sheet.write_number(row, 4, int(r.survey_rank), integer)
        sheet.write_number(row, 5, float(r.earned), number)
        sheet.write_number(row, 6, float(r.available), number)
        sheet.write_string(
            row,
            7,
            "是"
            if lang == "zh" and r.available != scheme.total
            else ("yes" if r.available != scheme.total else ""),
            text,
        )
    count = len(ranking.table)
    if count:
        sheet.conditional_format(
            1,
            2,
            count,
            2,
            {
                "type": "3_color_scale",
                "min_color": "#F8696B",
                "mid_color": "#FFEB84",
                "max_color": "#63BE7B",
            },
        )
    last = 7
    if "city" in ranking.table:
        sheet.write_string(0, 8, t["city"], header)
        sheet.write_string(0, 9, t["city_rank"], header)
        sheet.set_column(8, 9, 10)
        for row, r in enumerate(ranking.table.itertuples(index=False), start=1):
            _safe_text(sheet, row, 8, r.city, text, guarded)
            sheet.write_number(row, 9, int(r.city_rank), integer)
        last = 9
    sheet.autofilter(0, 0, count, last)

    # 评奖
    awarded = [a for a in ranking.awards if not a.skipped]
    if awarded:
        sheet = workbook.add_worksheet(t["awards_sheet"])
        headers(sheet, [t["name"], t["city"], t["quota"], t["eligible"], t["winners"], t["tie_note"]],
                [16, 10, 6, 8, 30, 80])  # fmt: skip
        row = 1
        for award in awarded:
            for group in award.groups:
                _safe_text(sheet, row, 0, award.name, text, guarded)
                _safe_text(sheet, row, 1, group.group, text, guarded)
                sheet.write_number(row, 2, group.quota, integer)
                sheet.write_number(row, 3, group.eligible, integer)
                _safe_text(sheet, row, 4, "、".join(group.winners), text, guarded)
                _safe_text(sheet, row, 5, group.note[lang] if group.note else "", text, guarded)
                row += 1
            _safe_text(sheet, row, 0, award.rule[lang], text, guarded)
            row += 2

    # 分项得分
    sheet = workbook.add_worksheet(t["scores_sheet"])
    items = [p for p in scheme.projects]
    headers(
        sheet,
        [t["rank"], t["district"], *[f"{p.name}（{p.weight:g}）" for p in items], t["total"]],
        [6, 14, *[11] * len(items), 12],
        guarded_header,
    )
    sheet.freeze_panes(1, 2)
    order = assessment.scores.index.get_indexer(ranking.table["district"])
    points = assessment.scores.to_numpy(dtype=float)[order].tolist()
    held = assessment.suspended.to_numpy(dtype=bool)[order].tolist()
    word = "暂缓实施" if lang == "zh" else "suspended"
    for row, r in enumerate(ranking.table.itertuples(index=False), start=1):
        sheet.write_number(row, 0, int(r.rank), integer)
        _safe_text(sheet, row, 1, r.district, text, guarded)
        for col, (value, suspended) in enumerate(zip(points[row - 1], held[row - 1]), start=2):
            if suspended:
                sheet.write_string(row, col, word, muted)
            else:
                sheet.write_number(row, col, value, number)
        sheet.write_number(row, len(items) + 2, float(r.total), number)
    for col in range(2, len(items) + 2):
        if count:
            sheet.conditional_format(
                1,
                col,
                count,
                col,
                {
                    "type": "3_color_scale",
                    "min_color": "#F8696B",
                    "mid_color": "#FFEB84",
                    "max_color": "#63BE7B",
                },
            )

    # 扣分明细
    sheet = workbook.add_worksheet(t["deduction_sheet"])
    headers(
        sheet,
        [
            t["district"],
            t["project"],
            t["name"],
            t["count"],
            t["points"],
            t["file"],
            t["sheet"],
            t["cell"],
        ],
        [14, 30, 16, 12, 10, 24, 16, 10],
    )
    for row, entry in enumerate(_adjustments(result), start=1):
        for col, value in enumerate(entry):
            if isinstance(value, float):
                sheet.write_number(row, col, value, number)
            else:
                _safe_text(sheet, row, col, value, text, guarded)

    # 数据问题
    sheet = workbook.add_worksheet(t["problems_sheet"])
    headers(
        sheet,
        [t["severity"], t["file"], t["sheet"], t["cell"], t["value"], t["what"], t["todo"]],
        [8, 24, 16, 10, 14, 48, 36],
    )
    for row, issue in enumerate(result.issues, start=1):
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
            _safe_text(sheet, row, col, value, text, guarded)

    # 考核方案
    sheet = workbook.add_worksheet(t["scheme_sheet"])
    _safe_text(sheet, 0, 0, scheme.name, title, guarded_title)
    for col, (name, width) in enumerate(
        zip(["#", t["project"], t["weight"], t["method"]], [5, 36, 8, 70])
    ):
        sheet.write_string(2, col, name, header)
        sheet.set_column(col, col, width)
    for row, project in enumerate(scheme.projects, start=3):
        sheet.write_number(row, 0, row - 2, integer)
        _safe_text(sheet, row, 1, project.name, text, guarded)
        sheet.write_number(row, 2, project.weight, number)
        _safe_text(sheet, row, 3, method_summary(scheme, project, lang), text, guarded)
    end = 3 + len(scheme.projects)
    sheet.write_string(end, 1, t["sum"], header)
    sheet.write_number(end, 2, sum(p.weight for p in scheme.projects), number)
    grades = "  ".join(
        f"{g} ≥ {f * scheme.total:,.{scheme.precision}f}" for g, f in scheme.grades.items()
    )
    sheet.write_string(end + 2, 1, f"{t['grades']}: {grades}")
    for offset, (name, rules) in enumerate(scheme.templates.items(), start=3):
        sheet.write_string(end + offset, 1, f"{t['template']}“{name}”: {rules_summary(rules)}")
    workbook.close()
    return buffer.getvalue()


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


def render(result, suffix: str, lang: str = "zh", robustness=None) -> bytes:
    """The report in the format its file suffix names; with ``robustness`` (a sensitivity run)
    the HTML and Markdown reports add its rank intervals."""
    suffix = suffix.lower()
    if suffix in (".html", ".htm"):
        return render_html(result, lang, robustness).encode("utf-8")
    if suffix == ".md":
        return render_markdown(result, lang, robustness).encode("utf-8")
    if suffix == ".xlsx":
        return render_xlsx(result, lang)
    if suffix == ".json":
        from . import to_json

        return to_json(result.ranking, result.issues, lang)
    raise ValueError(suffix)


# ----------------------------------------------------------------------------- trend


def render_trend(found, scheme, files: list[str], lang: str = "zh") -> str:
    """The trend report: a row per district with each period's total (rank), and an inline SVG
    of its totals on one scale shared by all rows, so the rows compare."""
    width, height, pad = 180, 40, 10
    every = [v for d in found.districts for v in found.totals[d] if v == v]
    low, high = (min(every), max(every)) if every else (0.0, 1.0)
    span = (high - low) or 1.0
    count = len(found.periods)

    def point(index: int, value: float) -> tuple[float, float]:
        x = pad + (index / (count - 1) if count > 1 else 0.5) * (width - 2 * pad)
        y = pad + (1 - (value - low) / span) * (height - 2 * pad)
        return round(x, 1), round(y, 1)

    rows = []
    for district in found.districts:
        totals, ranks = found.totals[district], found.ranks[district]
        points = [(*point(i, v), r) for i, (v, r) in enumerate(zip(totals, ranks)) if v == v]
        rows.append(
            {
                "district": district,
                "cells": list(zip(totals, ranks)),
                "points": points,
                "path": " ".join(f"{x},{y}" for x, y, _ in points),
            }
        )
    context = {
        "lang": lang,
        "t": LABELS[lang],
        "scheme": scheme,
        "periods": found.periods,
        "rows": rows,
        "width": width,
        "height": height,
        "precision": scheme.precision,
        "files": file_digests([Path(f) for f in files]),
    }
    return _environment().get_template("trend.html.j2").render(**context)
