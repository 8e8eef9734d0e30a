"""The PDF report, written directly with the Chinese font the package brings (subset, embedded):
the official summary by default, the full report on request, internal material in an appendix.

Long because: one document laid out section by section with one writer (_Writer), which the
one-unit explanation PDF at the end shares; each section is a function of its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..messages import render, words
from ..untrusted import visible
from .charts import axis, heat_colour, heat_floor, legend, text_width
from .context import DETAIL_LIMIT, file_digests
from .notice import (
    Letterhead,
    attachment_table,
    chinese_number,
    letterhead,
    opening,
    survey_word,
    suspended_by_project,
)

FONT = Path(__file__).resolve().parent.parent / "fonts" / "NotoSansSC-Regular-subset.otf"
# Used only for characters the bundled subset lacks (a rare name in a user's data), if present.
SYSTEM_FONTS = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
)
INK, MUTED, LINE, HEAD, ACCENT = (
    (31, 41, 51),
    (97, 110, 124),
    (190, 200, 210),
    (238, 243, 248),
    (31, 95, 153),
)
MM = 1.0


def _lines(text: str, width: float, size: float) -> int:
    """How many lines ``text`` takes in a cell ``width`` mm wide at ``size`` pt (a little room
    to spare, so that a wrapped cell never runs past its border)."""
    import math

    return max(1, math.ceil(text_width(text, size * 0.3528) * 1.06 / max(width, 1)))


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _document_class():
    from fpdf import FPDF

    class Document(FPDF):
        """An A4 document whose every text goes through ``text()``: characters kept visible,
        the characters used remembered (to name any the fonts lack)."""

        def __init__(self, footer: str, lang: str):
            super().__init__(format="A4", unit="mm")
            self.lang = lang
            self.t = words(lang)
            self.footer_text = footer
            self.internal = False
            self.used: set[str] = set()
            self.set_margins(16, 16, 16)
            self.set_auto_page_break(True, 16)
            self.set_creation_date(dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))
            self.set_creator("scorer")
            self.add_font("scorer", "", str(FONT))
            self.set_font("scorer", size=10)
            self.set_text_color(*INK)
            self.set_draw_color(*LINE)

        def text_of(self, value: Any) -> str:
            said = visible(value)
            self.used.update(said)
            return said

        def header(self) -> None:
            if self.internal:
                self.set_font("scorer", size=8)
                self.set_text_color(192, 57, 43)
                self.set_xy(self.l_margin, 8)
                self.cell(self.epw, 4, self.text_of(self.t["internal_material"]), align="R")
                self.set_text_color(*INK)
                self.set_xy(self.l_margin, self.t_margin)

        def footer(self) -> None:
            self.set_y(-11)
            self.set_font("scorer", size=8)
            self.set_text_color(*MUTED)
            self.cell(self.epw / 2, 4, self.text_of(self.footer_text))
            page = self.t["page_of"].format(page=self.page_no(), pages="{nb}")
            self.cell(self.epw / 2, 4, self.text_of(page), align="R")
            self.set_text_color(*INK)

    return Document


# ----------------------------------------------------------------------------- writing helpers


class _Writer:
    """Headings (numbered 一、二、, in the outline and the contents), paragraphs and tables."""

    def __init__(self, pdf, lang: str):
        self.pdf = pdf
        self.lang = lang
        self.t = words(lang)
        self.number = 0

    def heading(self, text: str, level: int = 0, new_page: bool = False) -> None:
        pdf = self.pdf
        if new_page or pdf.get_y() > pdf.h - 50:
            pdf.add_page()
        if level == 0:
            self.number += 1
            number = chinese_number(self.number) if self.lang == "zh" else self.number
            text = render("heading.number", self.lang, number=number) + text
        pdf.start_section(pdf.text_of(text), level=level)
        pdf.ln(2 if level else 4)
        pdf.set_font("scorer", size=13 if level == 0 else 11)
        pdf.set_text_color(*(ACCENT if level == 0 else INK))
        pdf.multi_cell(pdf.epw, 7 if level == 0 else 6, pdf.text_of(text), wrapmode="CHAR",
                       new_x="LMARGIN", new_y="NEXT")  # fmt: skip
        pdf.set_text_color(*INK)
        pdf.set_font("scorer", size=10)

    def para(self, text: str, size: float = 10, muted: bool = False, indent: bool = False) -> None:
        pdf = self.pdf
        pdf.set_font("scorer", size=size)
        if muted:
            pdf.set_text_color(*MUTED)
        pdf.multi_cell(pdf.epw, size * 0.55, pdf.text_of(text), wrapmode="CHAR",
                       new_x="LMARGIN", new_y="NEXT")  # fmt: skip
        pdf.ln(1)
        pdf.set_text_color(*INK)

    def table(self, columns: list[str], rows: list[list[str]], widths: list[float],
              aligns: str = "", size: float = 8.5, wrap: bool = False) -> None:  # fmt: skip
        """A table with its header repeated on each page; ``wrap`` lets long cells wrap (the
        rules of an explanation), else each row is one line (fast for 10,000 units)."""
        pdf = self.pdf
        aligns = aligns or "L" * len(columns)
        height = size * 0.46
        scale = pdf.epw / sum(widths)
        widths = [w * scale for w in widths]

        def header() -> None:
            pdf.set_fill_color(*HEAD)
            pdf.set_font("scorer", size=size)
            for text, width, align in zip(columns, widths, aligns):
                pdf.cell(width, height + 1.5, pdf.text_of(text), border=1, align=align, fill=True)
            pdf.ln()

        header()
        bottom = pdf.h - pdf.b_margin
        for row in rows:
            if wrap:  # lines estimated from the text's width (a dry run of each cell is slow)
                lines = [_lines(pdf.text_of(c), w - 2, size) for c, w in zip(row, widths)]
                row_height = max(lines) * height + 1
            else:
                row_height = height + 1
            if pdf.get_y() + row_height > bottom:
                pdf.add_page()
                header()
            y = pdf.get_y()
            x = pdf.l_margin
            for text, width, align in zip(row, widths, aligns):
                if wrap:
                    pdf.rect(x, y, width, row_height)
                    pdf.set_xy(x + 1, y + 0.5)
                    pdf.multi_cell(
                        width - 2, height, pdf.text_of(text), align=align, wrapmode="CHAR"
                    )
                else:  # text() and rect(): a tenth of what cell() costs, for 10,000 rows
                    said = pdf.text_of(text)
                    pdf.rect(x, y, width, row_height)
                    if align == "R":
                        left = x + width - 1 - pdf.get_string_width(said)
                    elif align == "C":
                        left = x + (width - pdf.get_string_width(said)) / 2
                    else:
                        left = x + 1
                    pdf.text(left, y + row_height / 2 + size * 0.3528 * 0.36, said)
                x += width
            pdf.set_xy(pdf.l_margin, y + row_height)
        pdf.ln(2)


# ----------------------------------------------------------------------------- the report


def render_pdf(result, head: Letterhead | None = None, lang: str = "zh") -> bytes:
    """The report as a PDF: the summary (ranking, grades, awards, charts, lagging projects),
    with ``head.full`` every unit's explanation and the weight table, then the appendix of
    internal material. Characters the bundled font lacks are taken from a system CJK font
    when there is one; any still missing are named in the appendix."""
    head = head or letterhead(result.scheme)
    pdf = _build(result, head, lang, fallback=False)
    missing = pdf.used_missing
    if missing and _system_font():
        pdf = _build(result, head, lang, fallback=True)
    return bytes(pdf.output())


def _system_font() -> tuple[str, int] | None:
    return next(((p, i) for p, i in SYSTEM_FONTS if Path(p).is_file()), None)


def _missing(pdf) -> list[str]:
    names = [name for name in pdf.fonts]
    cmap: set[int] = set()
    for name in names:
        cmap.update(getattr(pdf.fonts[name], "cmap", {}) or {})
    return sorted(c for c in pdf.used if c.strip() and ord(c) not in cmap)


def _build(result, head: Letterhead, lang: str, fallback: bool):
    said = head.said(lang)
    Document = _document_class()
    pdf = Document(f"{said['issuer']}  {said['date']}", lang)
    if fallback:
        path, number = _system_font()  # type: ignore[misc]
        pdf.add_font("fallback", "", path, collection_font_number=number)
        pdf.set_fallback_fonts(["fallback"], exact_match=False)
    pdf.set_title(visible(result.scheme.name))
    pdf.set_lang(words(lang)["lang.tag"])
    write = _Writer(pdf, lang)
    pdf.add_page()
    _title(pdf, result, head, lang)
    if head.full:
        pdf.insert_toc_placeholder(_contents(lang), pages=1, allow_extra_pages=True)
    _summary(write, result, head, lang)
    if head.full:
        _districts(write, result, lang)
        _weights(write, result, lang)
    _appendix(write, result, lang)
    pdf.used_missing = _missing(pdf)
    if pdf.used_missing:
        pdf.set_font("scorer", size=8)
        chars = " ".join(f"U+{ord(c):04X}" for c in pdf.used_missing)
        write.para(render("missing_glyphs", lang, chars=chars), 8, muted=True)
    return pdf


def _title(pdf, result, head: Letterhead, lang: str) -> None:
    t = words(lang)
    said = head.said(lang)
    pdf.set_font("scorer", size=18)
    pdf.ln(4)
    pdf.multi_cell(pdf.epw, 9, pdf.text_of(result.scheme.name), align="C", wrapmode="CHAR",
                   new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_font("scorer", size=13)
    pdf.cell(pdf.epw, 8, pdf.text_of(t["full_report" if head.full else "summary_report"]),
             align="C", new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_font("scorer", size=10)
    pdf.set_text_color(*MUTED)
    pdf.cell(pdf.epw, 6, pdf.text_of(f"{said['issuer']}    {said['date']}"), align="C",
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_text_color(*INK)
    pdf.ln(2)


def _contents(lang: str):
    def render(pdf, outline) -> None:
        pdf.set_font("scorer", size=14)
        pdf.set_x(pdf.l_margin)
        pdf.cell(
            pdf.epw,
            10,
            pdf.text_of(words(lang)["contents"]),
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("scorer", size=10)
        for section in outline:
            if section.level > 1:
                continue
            link = pdf.add_link(page=section.page_number)
            indent = 6 * section.level
            pdf.set_x(pdf.l_margin + indent)
            pdf.cell(pdf.epw - indent - 14, 6, section.name, link=link)
            pdf.cell(
                14, 6, str(section.page_number), align="R", link=link, new_x="LMARGIN", new_y="NEXT"
            )

    return render


def _summary(write: _Writer, result, head: Letterhead, lang: str) -> None:
    t = words(lang)
    begun = opening(result, head, lang)  # the 通报's opening: its shortcomings are not shown
    write.heading(t["summary"])
    for kind, text in begun.blocks:
        if kind == "para":
            write.para(text, indent=True)
    rows = begun.rows
    columns, table = attachment_table(result, rows, lang)
    write.heading(t["ranking"])
    write.table(columns, table, [0.8, 2.2, 1.4, 1, 1.2, 1, 1][: len(columns)],
                "RLRLRLR"[: len(columns)])  # fmt: skip
    if any(r["rescaled"] for r in rows):
        write.para(
            render("rescaled_note", lang, total=f"{result.scheme.total:,g}"), 8.5, muted=True
        )
    _tree(write, result, rows[:DETAIL_LIMIT], lang)
    write.heading(t["charts"], new_page=write.pdf.get_y() > write.pdf.h - 110)
    _dot_chart(write, rows[:DETAIL_LIMIT], result.scheme, lang)
    _heat_map(write, result, rows[:DETAIL_LIMIT], lang)
    _awards(write, result, lang)
    _lagging(write, result, begun.lagging, head, lang)
    _survey(write, result, lang)


def _tree(write: _Writer, result, rows: list[dict], lang: str) -> None:
    """分级得分, when the scheme has an indicator tree: a table per level, a column per
    indicator of the level with its points, a row per unit in rank order."""
    from ..subtotals import level_tables

    tables = level_tables(result.ranking.assessment, [r["district"] for r in rows], lang)
    if not tables:
        return
    t = words(lang)
    precision = result.scheme.precision
    write.heading(t["tree.title"])
    for table in tables:
        write.para(table["title"], 9.5)
        columns = [result.scheme.column_word("district", lang)]
        columns += [f"{c['name']} {c['weight']:g}" for c in table["columns"]]
        cells = [
            [r["district"], *("—" if v is None else f"{v:,.{precision}f}" for v in r["cells"])]
            for r in table["rows"]
        ]
        size = 8.5 if len(columns) <= 7 else 7
        write.table(columns, cells, [2.0] + [1.4] * (len(columns) - 1),
                    "L" + "R" * (len(columns) - 1), size=size)  # fmt: skip


def _dot_chart(write: _Writer, rows: list[dict], scheme, lang: str) -> None:
    """A dot per unit on an axis from a round number below the lowest total: the differences
    show, and the axis says where it starts."""
    pdf = write.pdf
    totals = [r["total"] for r in rows]
    low, high, ticks = axis(totals, scheme.total)
    label = max((text_width(r["district"], 3.0) for r in rows), default=10) + 3
    row = 5.0 if len(rows) <= 40 else 3.6
    width = pdf.epw - label - 18
    if pdf.get_y() + min(len(rows), 48) * row + 18 > pdf.h - pdf.b_margin:
        pdf.add_page()  # the caption stays with its chart
    write.para(render("dot_chart", lang, low=f"{low:,g}"), 9, muted=True)
    left = pdf.l_margin + label

    def x(value: float) -> float:
        return left + (value - low) / ((high - low) or 1) * width

    for start in range(0, len(rows), 48):
        part = rows[start : start + 48]
        needed = len(part) * row + 10
        if pdf.get_y() + needed > pdf.h - pdf.b_margin:
            pdf.add_page()
        top = pdf.get_y() + 2

        pdf.set_font("scorer", size=7)
        for tick in ticks:
            pdf.set_draw_color(*LINE)
            pdf.line(x(tick), top, x(tick), top + len(part) * row)
            pdf.set_xy(x(tick) - 10, top + len(part) * row + 0.5)
            pdf.cell(20, 3.5, pdf.text_of(f"{tick:,g}"), align="C")
        pdf.set_font("scorer", size=8 if row > 4 else 6.5)
        for index, r in enumerate(part):
            y = top + index * row + row / 2
            pdf.set_xy(pdf.l_margin, y - row / 2)
            pdf.cell(label - 2, row, pdf.text_of(r["district"]), align="R")
            pdf.set_draw_color(*LINE)
            pdf.line(left, y, x(r["total"]), y)
            pdf.set_fill_color(*ACCENT)
            pdf.circle(x(r["total"]), y, 1.1, style="F")
            pdf.set_xy(x(r["total"]) + 1.8, y - row / 2)
            pdf.cell(16, row, pdf.text_of(f"{r['total']:,.{scheme.precision}f}"))
        pdf.set_xy(pdf.l_margin, top + len(part) * row + 6)
    pdf.set_draw_color(*LINE)


def _heat_map(write: _Writer, result, rows: list[dict], lang: str) -> None:
    """Projects down, units across (17 to a page), each cell its share of the project's points
    written in it, on a single-hue scale readable with colour blindness and in grey print."""
    pdf = write.pdf
    t = words(lang)
    assessment = result.ranking.assessment
    projects = list(assessment.scheme.projects)
    districts = [r["district"] for r in rows]
    scores = assessment.scores
    held = assessment.suspended
    weights = {p.name: p.weight for p in projects}
    shares = {
        (d, p.name): None if held.at[d, p.name] else float(scores.at[d, p.name]) / weights[p.name]
        for d in districts for p in projects
    }  # fmt: skip
    low = heat_floor([s for s in shares.values() if s is not None])
    label = min(70.0, max(text_width(p.name, 2.6) for p in projects) + 2)
    per_page = max(1, int((pdf.epw - label) // 7))
    cell_w = min(12.0, (pdf.epw - label) / min(per_page, len(districts) or 1))
    cell_h = 4.6
    longest = max((len(d) for d in districts), default=2)
    for start in range(0, len(districts), per_page):
        part = districts[start : start + per_page]
        pdf.add_page()
        write.para(
            t["heatmap"] + t["punct.colon"] + t["heat_values"],
            9,
        )
        top = pdf.get_y() + 1
        pdf.set_font("scorer", size=7)
        head_h = longest * 2.9 + 2
        for column, district in enumerate(part):
            x = pdf.l_margin + label + column * cell_w
            for index, char in enumerate(district):  # written top to bottom, as Chinese can be
                pdf.set_xy(x, top + index * 2.9)
                pdf.cell(cell_w, 2.9, pdf.text_of(char), align="C")
        y = top + head_h
        for project in projects:
            pdf.set_font("scorer", size=6.5)
            pdf.set_xy(pdf.l_margin, y)
            pdf.cell(label - 1, cell_h, pdf.text_of(project.name), align="R")
            for column, district in enumerate(part):
                share = shares[(district, project.name)]
                fill, ink = heat_colour(share, low)
                x = pdf.l_margin + label + column * cell_w
                pdf.set_fill_color(*_rgb(fill))
                pdf.rect(x, y, cell_w - 0.4, cell_h - 0.4, style="F")
                pdf.set_text_color(*_rgb(ink))
                pdf.set_xy(x, y)
                pdf.cell(
                    cell_w - 0.4,
                    cell_h - 0.4,
                    "" if share is None else f"{share * 100:.0f}",
                    align="C",
                )
            pdf.set_text_color(*INK)
            y += cell_h
        pdf.set_xy(pdf.l_margin, y + 2)
        _legend(pdf, low, t)


def _legend(pdf, low: float, t: Mapping[str, str]) -> None:
    pdf.set_font("scorer", size=7)
    for fill, ink, label in [*legend(low), ("#d9d9d9", "#1f2933", t["suspended"])]:
        pdf.set_fill_color(*_rgb(fill))
        pdf.set_text_color(*_rgb(ink))
        pdf.cell(22, 4.5, pdf.text_of(label), align="C", fill=True)
    pdf.set_text_color(*INK)
    pdf.ln(7)


def _awards(write: _Writer, result, lang: str) -> None:
    t = words(lang)
    sep = t["sep.list"]
    for award in result.ranking.awards:
        if award.skipped:
            continue
        write.heading(
            award.name
            + render(
                "punct.bracketed",
                lang,
                text=f"{len(award.winners)} / {sum(g.quota for g in award.groups)}",
            )
        )
        write.para(award.rule.render(lang), 8.5, muted=True)
        rows = [[g.group or "—", str(g.quota), str(g.eligible), sep.join(g.winners)
                 + (render("punct.bracketed", lang, text=g.note) if g.note else "")]
                for g in award.groups]  # fmt: skip
        write.table([t["city"], t["quota"], t["eligible"], t["winners"]], rows, [1.2, 0.6, 0.8, 5],
                    "LRRL", wrap=True)  # fmt: skip


def _lagging(write: _Writer, result, entries: list[dict], head: Letterhead, lang: str) -> None:
    """The projects behind their progress requirement, by 牵头单位: how many units, the lowest
    three (the full report lists every unit)."""

    t = words(lang)
    write.heading(t["lagging"])
    if not entries:
        write.para(t["lagging_none"])
    else:
        sep = t["sep.list"]
        rows = [
            [e["lead"], e["project"], str(e["count"]),
             sep.join(f"{d} {r:.1%}" for d, r in (e["units"] if head.full else e["worst"]))]
            for e in entries
        ]  # fmt: skip
        columns, widths, aligns = (
            [t["lead"], t["project"], t["count_units"], t["done"]],
            [1.6, 2.4, 0.6, 4],
            "LLRL",
        )
        if not any(e["given_lead"] for e in entries):  # the scheme names no 牵头单位
            rows, columns, widths, aligns = (
                [r[1:] for r in rows],
                columns[1:],
                widths[1:],
                aligns[1:],
            )
        write.table(columns, rows, widths, aligns, size=8, wrap=True)
    items = [
        p + render("punct.bracketed", lang, text=t["sep.list"].join(units))
        for p, units in suspended_by_project(result.ranking)
    ]
    if items:
        write.para(t["suspended"] + t["punct.colon"] + t["sep.clause"].join(items), 9)


def _survey(write: _Writer, result, lang: str) -> None:
    t = words(lang)
    survey = result.ranking.survey
    if not len(survey):
        return
    write.heading(render("pdf.survey_heading", lang, survey=survey_word(result.scheme, lang)))
    rows = [
        [str(int(s.rank)), s.district, f"{s.satisfaction:,.2f}%"]
        for s in survey.itertuples(index=False)
    ]
    write.table([t["rank"], t["district"], t["satisfaction"]], rows, [1, 3, 2], "RLR")


def _districts(write: _Writer, result, lang: str) -> None:
    """Every unit's explanation: a section each, its cells, rules and points."""
    from ..explain import explanation_summary

    t = words(lang)
    explain = result.explainer()
    write.heading(t["district_sections"], new_page=True)
    for index, district in enumerate(result.ranking.table["district"][:DETAIL_LIMIT]):
        e = explain(district)
        write.heading(explanation_summary(e, lang), level=1, new_page=index > 0 and pdf_low(write))
        _explanation_table(write, e, lang, 6.5)
        _unit_subtotals(write, e, lang)
        for sentence in explanation_summary(e, lang, closing=True).split("\n"):
            write.para(sentence, 8.5)


def _weights(write: _Writer, result, lang: str) -> None:
    from .context import weight_rows

    t = words(lang)
    weights, templates = weight_rows(result.scheme, lang)
    write.heading(t["weights"], new_page=True)
    rows = [[str(w["number"]), w["name"], f"{w['weight']:,g}", w["method"]] for w in weights]
    write.table(
        ["#", t["project"], t["weight"], t["method"]], rows, [0.5, 3, 0.8, 5], "RLRL", wrap=True
    )
    for name, summary in templates.items():
        write.para(f"{t['template']}“{name}”：{summary}", 8.5)


def _appendix(write: _Writer, result, lang: str) -> None:
    """Internal material, marked on every page: the data problems and the inputs' SHA-256."""
    t = words(lang)
    pdf = write.pdf
    pdf.internal = True
    pdf.add_page()
    pdf.start_section(pdf.text_of(t["appendix"]), level=0)
    pdf.set_font("scorer", size=13)
    pdf.set_text_color(192, 57, 43)
    pdf.multi_cell(pdf.epw, 7, pdf.text_of(t["appendix"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font("scorer", size=11)
    pdf.start_section(pdf.text_of(t["problems_heading"]), level=1)
    pdf.cell(pdf.epw, 7, pdf.text_of(t["problems_heading"]), new_x="LMARGIN", new_y="NEXT")
    from .context import _issue_order

    issues = sorted(result.issues, key=_issue_order)
    if issues:
        rows = [[t.get(i.severity, i.severity), i.location(),
                 "" if i.value is None else str(i.value), i.message(lang), i.hint(lang)]
                for i in issues]  # fmt: skip
        write.table([t["severity"], t["where"], t["value"], t["what"], t["todo"]], rows,
                    [0.7, 2.4, 1.2, 3, 2.4], size=7.5, wrap=True)  # fmt: skip
    else:
        write.para(t["no_problems"], 9)
    pdf.set_font("scorer", size=11)
    pdf.start_section(pdf.text_of(t["files"]), level=1)
    pdf.cell(pdf.epw, 7, pdf.text_of(t["files"]), new_x="LMARGIN", new_y="NEXT")
    rows = [[name, digest] for name, digest in file_digests(result.data.files)]
    write.table([t["file"], t["sha256"]], rows, [2, 3.2], size=7, wrap=True)


# ----------------------------------------------------------------------------- one unit


def render_explanation_pdf(result, district: str, lang: str = "zh") -> bytes:
    """One unit's explanation as a PDF, to send to it."""
    from ..explain import explanation_summary

    head = letterhead(result.scheme)
    said = head.said(lang)
    Document = _document_class()
    pdf = Document(f"{said['issuer']}  {said['date']}", lang)
    write = _Writer(pdf, lang)
    pdf.add_page()
    e = result.explainer()(district)
    pdf.set_font("scorer", size=15)
    pdf.multi_cell(
        pdf.epw, 8, pdf.text_of(result.scheme.name), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    write.para(explanation_summary(e, lang), 11)
    _one_district(write, result, e, lang)
    return bytes(pdf.output())


def _one_district(write: _Writer, result, e, lang: str) -> None:
    from ..explain import explanation_summary, sources_text

    t = words(lang)
    write.para(t["data_from"] + sources_text(e, lang), 8.5, muted=True)
    _explanation_table(write, e, lang, 7.5)
    _unit_subtotals(write, e, lang)
    for sentence in explanation_summary(e, lang, closing=True).split("\n"):
        write.para(sentence, 9)


def _unit_subtotals(write: _Writer, e, lang: str) -> None:
    """A unit's points at each level of the indicator tree (指标体系), parents before their
    children, as the Markdown and HTML reports say them; nothing for a flat scheme."""
    if not e.subtotals:
        return
    from ..subtotals import subtotal_words

    t = words(lang)
    write.para(t["tree.title"], 9)
    groups: list[list[str]] = []  # a paragraph per first-level indicator, its own below it
    for said, s in zip(subtotal_words(e.subtotals, lang), e.subtotals):
        if s["depth"] == 0 or not groups:
            groups.append([])
        groups[-1].append(said)
    for group in groups:
        write.para(t["sep.clause"].join(group), 8.5)


def pdf_low(write: _Writer) -> bool:
    """Whether too little of the page is left to begin a unit's section on it."""
    return write.pdf.get_y() > write.pdf.h - 70


def _explanation_table(write: _Writer, e, lang: str, size: float) -> None:
    """A row per indicator; the project, its weight and points in the first column of its
    first row (a suspended project: one row saying so)."""
    from ..explain import inputs_text, item_title

    t = words(lang)
    rows = []
    for number, item in enumerate(e.items, 1):
        score = t["suspended"] if item.suspended else f"{item.score:.2f}"
        title = f"{number}. {item_title(item, lang)}  {score}"
        if not item.lines:
            rows.append([title, "", "", "", ""])
        for index, line in enumerate(item.lines):
            rows.append([title if index == 0 else "", line.name, inputs_text(line, lang),
                         line.words.render(lang), f"{line.points:+.2f}"])  # fmt: skip
    write.table([t["project"], t["item"], t["inputs"], t["rule"], t["points"]], rows,
                [2.4, 1.3, 3.2, 2.9, 0.7], "LLLLR", size=size, wrap=True)  # fmt: skip
