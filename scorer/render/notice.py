"""What an office's 通报 says, written from the results: heading fields, body, ranking table,
and 附件2 (every project behind) when the body names only the five most behind.

Long because: one document's words, part by part (basis, overall picture, results, problems,
requirements, attachments), all from the same figures (``Figures``); split, those figures and
the sentence helpers would travel between modules for no reader's gain."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..messages import render, words

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """A whole number as a 通报 writes a place: 1 一, 10 十, 15 十五, 20 二十, 105 一百零五."""
    if n < 0 or n >= 100_000:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    units = [(10_000, "万"), (1000, "千"), (100, "百"), (10, "十")]
    out, zero = "", False
    for size, word in units:
        digit, n = divmod(n, size)
        if digit:
            if zero:
                out += "零"
            out += ("" if (size == 10 and digit == 1 and not out) else _DIGITS[digit]) + word
            zero = False
        elif out:
            zero = True
    if n:
        out += ("零" if zero else "") + _DIGITS[n]
    return out


@dataclass
class Letterhead:
    """Who sends a document, when, to whom, on what basis: the options over the scheme's
    ``report:`` section, a visible placeholder for what neither gives."""

    issuer: str | None = None
    number: str | None = None
    recipients: str | None = None
    basis: str | None = None
    signature: str | None = None
    date: str | None = None
    full: bool = False

    def said(self, lang: str) -> dict[str, str]:
        """Every field as the document prints it, placeholders where not given."""
        t = words(lang)
        return {
            "issuer": self.issuer or t["ph_issuer"],
            "number": self.number or t["ph_number"],
            "recipients": self.recipients or t["ph_recipients"],
            "signature": self.signature or self.issuer or t["ph_issuer"],
            "date": date_words(self.date, lang) if self.date else t["ph_date"],
        }


def letterhead(scheme, given: dict[str, Any] | None = None) -> Letterhead:
    """The scheme's ``report:`` fields, each replaced by the option given for it."""
    report = scheme.report
    given = {k: v for k, v in (given or {}).items() if v not in (None, "")}
    fields = {
        name: given.get(name, getattr(report, name))
        for name in ("issuer", "number", "recipients", "basis", "signature", "date")
    }
    return Letterhead(**fields, full=bool(given.get("full", False)))


def parse_date(text: str) -> dt.date | None:
    """2011-03-08, 2011/3/8, 2011.3.8 or 2011年3月8日 as a date; None if it is none of these."""
    found = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*", text)
    if not found:
        return None
    try:
        return dt.date(*map(int, found.groups()))
    except ValueError:
        return None


def date_words(text: str, lang: str) -> str:
    """The 成文日期 as GB/T 9704-2012 writes it (Arabic numerals: 2011年3月8日)."""
    day = parse_date(str(text))
    if day is None:
        return str(text)
    return render(
        "date.day", lang, year=day.year, month=day.month, day=day.day, month_name=day.strftime("%B")
    )


def unit_word(scheme, lang: str) -> str:
    if lang != "zh":
        return render("notice.units", lang)
    return scheme.report.unit_word or scheme.columns["district"].label


def survey_word(scheme, lang: str) -> str | None:
    if scheme.survey is None:
        return None
    if lang != "zh":
        return render("notice.public_opinion", lang)
    return scheme.report.survey_name or scheme.survey.sheet


def period_words(scheme, month: int | None, lang: str) -> str:
    """年度 for an annual scheme, 2015年6月 for a monthly one."""
    if month is not None:
        return render("notice_period_month", lang, year=scheme.year, month=month)
    return render("notice_period_year", lang, year=scheme.year)


def shown_month(result) -> int | None:
    """The month a document names: only for a scheme that scores against the time schedule."""
    scheme = result.scheme
    every = [scheme.rules_of(p).indicators or [] for p in scheme.projects]
    timed = scheme.schedule.expected is not None or any(
        i.method == "schedule" for indicators in every for i in indicators
    )  # as pipeline.needs_month decides, which render may not import
    return result.month if timed else None


def sep(lang: str) -> str:
    return words(lang)["sep.list"]


def places(rows: list[dict[str, Any]], lang: str) -> str:
    """Ranks as published, equal ranks together: 第一名亳州市，第二名滁州市、六安市；第四名…"""
    groups: dict[int, list[str]] = {}
    for row in rows:
        groups.setdefault(row["rank"], []).append(row["district"])
    said = [
        render(
            "notice_place",
            lang,
            rank=chinese_number(rank) if lang == "zh" else rank,
            names=sep(lang).join(names),
        )
        for rank, names in groups.items()
    ]
    return words(lang)["sep.clause"].join(said)


def end_rows(rows: list[dict[str, Any]], k: int, last: bool = False) -> list[dict[str, Any]]:
    """The first k places (or the last k), ties included whole: a rank is never cut in two."""
    if not rows:
        return []
    ordered = rows[::-1] if last else rows
    edge = ordered[min(k, len(ordered)) - 1]["rank"]
    picked = [r for r in ordered if (r["rank"] >= edge if last else r["rank"] <= edge)]
    return picked[::-1] if last else picked


# ----------------------------------------------------------------------------- the figures


def _column(
    scheme, wanted: str | None, defaults: tuple[str, ...], rows: pd.DataFrame
) -> str | None:
    """The data column a figure sums: the one the scheme's report.figures names, else the
    first default key the scheme and the data have."""
    if wanted is not None:
        key = scheme.column_key(wanted)
        return key if key in rows else None
    return next((k for k in defaults if k in scheme.columns and k in rows), None)


@dataclass
class Figures:
    """The overall picture: tasks, completed, on schedule, suspended, money and its unit."""

    tasks: int = 0
    done: int | None = None
    on_schedule: int | None = None
    suspended: int = 0
    budget: float | None = None
    issued: float | None = None
    executed: float | None = None
    unit: str = ""
    # district, project, done, expected: every task behind (a frame: 10,000 units have 150,000)
    lagging: pd.DataFrame = field(default_factory=lambda: _lag_frame([], [], [], []))
    expected: float = 1.0
    scheduled: int = 0


def figures(result, month: int | None) -> Figures:
    """Sums over every district's project rows (suspended rows counted apart, never scored)."""
    scheme = result.scheme
    rows = result.data.rows
    want = scheme.report.figures
    target = _column(scheme, want.target, ("target",), rows)
    completed = _column(scheme, want.completed, ("completed",), rows)
    budget = _column(scheme, want.budget, ("funds_planned", "budget", "funds_budget"), rows)
    issued = _column(scheme, want.issued, ("funds_in_place", "funds_issued"), rows)
    executed = _column(
        scheme, want.executed, ("funds_disbursed", "funds_paid", "funds_executed"), rows
    )
    held = rows["suspended"].astype(bool) if "suspended" in rows else pd.Series(False, rows.index)
    live = rows[~held]
    found = Figures(tasks=len(live), suspended=int(held.sum()))
    money = next((c for c in (budget, issued, executed) if c), None)
    found.unit = want.unit or (scheme.columns[money].unit or "" if money else "")
    for name, key in (("budget", budget), ("issued", issued), ("executed", executed)):
        if key:
            setattr(found, name, float(pd.to_numeric(live[key], errors="coerce").sum()))
    if target and completed:
        goal = pd.to_numeric(live[target], errors="coerce").to_numpy(dtype=float)
        got = pd.to_numeric(live[completed], errors="coerce").to_numpy(dtype=float)
        valid = goal > 0
        rate = got[valid] / goal[valid]
        found.tasks = int(valid.sum())
        found.done = int((rate >= 1 - 1e-9).sum())
        if month is None:  # an annual scheme: a task is behind when its target is not met
            behind = rate < 1 - 1e-9
            short = live[valid][behind]
            found.lagging = _lag_frame(
                short["district"], short["project"], rate[behind], [1.0] * int(behind.sum())
            )
    if month is not None:  # the engine's own 序时进度 figures, as scorer compare gives them
        _behind_schedule(result, found)
    return found


def _lag_frame(districts, projects, done, expected) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "district": pd.Series(districts, dtype=object).to_numpy(),
            "project": pd.Series(projects, dtype=object).to_numpy(),
            "done": pd.Series(done, dtype=float).to_numpy(),
            "expected": pd.Series(expected, dtype=float).to_numpy(),
        }
    )


def _behind_schedule(result, found: Figures) -> Figures:
    from ..periods import behind_schedule

    assessment = result.ranking.assessment
    details = assessment.details
    scheduled = details[details["method"] == "schedule"]
    behind = behind_schedule(assessment)
    found.lagging = _lag_frame(
        behind["district"], behind["project"], behind["done"], behind["expected"]
    )
    if len(scheduled):
        found.on_schedule = len(scheduled) - len(behind)
        found.scheduled = len(scheduled)
        found.expected = float(behind["expected"].iat[0]) if len(behind) else found.expected
    return found


def money_words(value: float, unit: str, lang: str) -> str:
    """An amount as the seeds write it: 万元 beyond 10,000 in 亿元 (36亿元, 18.22亿元)."""
    if unit == "万元" and lang != "zh":
        return render("notice.million_yuan", lang, amount=f"{value / 100:,.2f}")
    if unit == "万元" and abs(value) >= 10_000:
        return f"{value / 10_000:,.2f}亿元"
    return f"{value:,.2f}{words(lang)['sep.unit']}{unit}".rstrip()


def share(part: float, whole: float) -> str:
    return f"{part / whole:.2%}" if whole else "—"


# ----------------------------------------------------------------------------- the notice


@dataclass
class Notice:
    """A 通报 as plain values: heading fields, the body in blocks, the attachment's table."""

    head: dict[str, str]
    title: str
    blocks: list[tuple[str, str]]  # ("heading" | "para", text)
    attachment_title: str
    columns: list[str]
    table: list[list[str]]
    rows: list[dict[str, Any]]
    lagging: list[dict[str, Any]]
    annex: tuple[str, list[str], list[list[str]]] | None = None  # 附件2: every project behind


@dataclass
class Opening:
    """What the 通报 says before its shortcomings, which the HTML and Markdown reports open
    with: the ranking's rows, the figures, the projects behind (by 牵头单位), the blocks."""

    rows: list[dict[str, Any]]
    found: Figures
    lagging: list[dict[str, Any]]
    month: int | None
    unit: str
    blocks: list[tuple[str, str]]  # basis, overall picture, results


def opening(
    result, head: Letterhead, lang: str = "zh", rows: list[dict[str, Any]] | None = None
) -> Opening:
    """The 通报's basis, overall picture and results (``rows``: the ranking's rows, when the
    caller has made them), without the shortcomings, requirements and attachments."""
    from .context import ranking_rows

    t = words(lang)
    scheme = result.scheme
    month = shown_month(result)
    unit = unit_word(scheme, lang)
    rows = ranking_rows(result.ranking) if rows is None else rows
    found = figures(result, month)
    lagging = lagging_by_lead(result, found, lang)
    basis = head.basis or render("notice_basis_none", lang, name=scheme.name)
    blocks: list[tuple[str, str]] = [
        ("para", render("notice_basis", lang, basis=basis, period=period_words(scheme, month, lang),
                        n=len(rows), unit=unit)),
        ("heading", t["notice_h_overall"]),
        ("para", _overall(scheme, found, len(rows), unit, lang)),
        ("heading", t["notice_h_results"]),
        *[("para", text) for text in _results(result, rows, unit, lang)],
    ]  # fmt: skip
    return Opening(rows, found, lagging, month, unit, blocks)


def notice(result, head: Letterhead, lang: str = "zh") -> Notice:
    """The 通报 of an assessment: basis, overall picture, results, shortcomings, requirements."""
    t = words(lang)
    scheme = result.scheme
    begun = opening(result, head, lang)
    rows, found, lagging, month, unit = (
        begun.rows, begun.found, begun.lagging, begun.month, begun.unit
    )  # fmt: skip
    period = render("notice_month", lang, month=month) if month else ""
    named = most_behind(lagging)  # the projects behind the body names; the rest go to 附件2
    blocks: list[tuple[str, str]] = [
        *begun.blocks,
        ("heading", t["notice_h_problems"]),
        *[("para", text) for text in _problems(result, found, lagging, named, month, unit, lang)],
        ("heading", t["notice_h_next"]),
        ("para", render("notice_next", lang, unit=unit)),
    ]  # fmt: skip
    attachment = render("attachment_title", lang, name=scheme.name, period=period)
    columns, table = attachment_table(result, rows, lang)
    return Notice(
        head=head.said(lang),
        title=render("notice_title", lang, name=scheme.name, period=period),
        blocks=blocks,
        attachment_title=attachment,
        columns=columns,
        table=table,
        rows=rows,
        lagging=lagging,
        annex=lag_annex(result, lagging, named, month, lang),
    )


def _overall(scheme, found: Figures, units: int, unit: str, lang: str) -> str:
    t = words(lang)
    comma, stop, clause = t["punct.comma"], t["punct.stop_more"], t["sep.clause"]
    projects = sum(1 for p in scheme.projects if p.level == "project")
    text = render("notice_scope", lang, projects=projects, n=units, unit=unit, tasks=found.tasks)
    parts = []
    if found.done is not None and (found.done or found.on_schedule is None):
        parts.append(
            render(
                "notice_completed",
                lang,
                tasks=found.tasks,
                done=found.done,
                share=share(found.done, found.tasks),
            )
        )
    if found.on_schedule is not None:
        parts.append(
            render(
                "notice_on_schedule",
                lang,
                done=found.on_schedule,
                share=share(found.on_schedule, found.scheduled),
            )
        )
    if found.suspended:
        parts.append(render("notice_suspended_count", lang, n=found.suspended))
    if parts:
        text += clause.join(parts) + stop
    money = []
    if found.budget is not None:
        money.append(
            render("notice_funds", lang, budget=money_words(found.budget, found.unit, lang))
        )
        if found.issued is not None:
            money.append(
                render(
                    "notice_issued",
                    lang,
                    issued=money_words(found.issued, found.unit, lang),
                    share=share(found.issued, found.budget),
                )
            )
        if found.executed is not None:
            said = render(
                "notice_executed",
                lang,
                executed=money_words(found.executed, found.unit, lang),
                share=share(found.executed, found.budget),
            )
            if found.issued:
                said += comma + render(
                    "notice_executed_of_issued", lang, share=share(found.executed, found.issued)
                )
            money.append(said)
    if money:
        text += clause.join(money) + stop
    return text.strip()  # fmt: skip


def _results(result, rows: list[dict[str, Any]], unit: str, lang: str) -> list[str]:
    """The spread of totals, the grades with names, the first and last places as published,
    who was rescaled, the survey and the awards."""
    scheme = result.scheme
    ranking = result.ranking
    k = scheme.report.top
    precision = scheme.precision
    out = []
    totals = [r["total"] for r in rows]
    spread = render("notice_spread", lang, n=len(rows), unit=unit,
        low=f"{min(totals):,.{precision}f}", high=f"{max(totals):,.{precision}f}",
        total=f"{scheme.total:,g}")  # fmt: skip
    grades = []
    for grade in scheme.grades:
        names = [r["district"] for r in rows if r["grade"] == grade]
        if names:
            grades.append(
                render("notice_grade", lang, grade=grade, n=len(names), names=_names(names, lang))
            )
    t = words(lang)
    out.append(spread + t["sep.sentence"] + t["sep.clause"].join(grades) + t["punct.stop"])
    ends = render("notice_top", lang, k=k, places=places(end_rows(rows, k), lang))
    if len(rows) > 2 * k:
        ends += t["sep.clause"] + render(
            "notice_bottom", lang, k=k, places=places(end_rows(rows, k, last=True), lang)
        )
    out.append(ends + t["punct.stop"])
    rescaled = [r["district"] for r in rows if r["rescaled"]]
    if rescaled:
        out.append(
            render(
                "notice_rescaled", lang, names=_names(rescaled, lang), total=f"{scheme.total:,g}"
            )
        )
    survey = survey_word(scheme, lang)
    if survey and len(ranking.survey):
        first = [
            {"rank": int(s.rank), "district": s.district}
            for s in ranking.survey.itertuples(index=False)
        ]
        out.append(
            render(
                "notice_survey", lang, survey=survey, k=k, places=places(end_rows(first, k), lang)
            )
        )
    for award in ranking.awards:
        if award.skipped:
            continue
        groups = [
            render("notice_award_group", lang, city=g.group, names=sep(lang).join(g.winners))
            for g in award.groups
            if g.winners
        ]
        out.append(
            render(
                "notice_award",
                lang,
                award=award.name,
                n=len(award.winners),
                groups=t["sep.clause"].join(groups),
            )
        )
    return out  # fmt: skip


def _names(names: list[str], lang: str, limit: int = 60) -> str:
    """Names in a sentence; past ``limit`` the first ones and how many more (a 通报 of 10,000
    units lists them in its attachment)."""
    if len(names) <= limit:
        return sep(lang).join(names)
    more = len(names) - limit
    tail = render("names.more", lang, total=len(names), more=more)
    return sep(lang).join(names[:limit]) + tail


BODY_PROJECTS = 5  # projects behind named in the body; past it, the rest go to 附件2


def _problems(
    result,
    found: Figures,
    lagging: list[dict],
    shown: list[dict],
    month: int | None,
    unit: str,
    lang: str,
) -> list[str]:
    """The project tasks behind (by lead department), the units with most, the suspended. Past
    ``BODY_PROJECTS`` projects behind, the body names those with the most units behind and sends
    the reader to 附件2 for the rest (a 通报 is read, not searched)."""
    out = []
    if found.lagging.empty:
        if found.done is not None or found.scheduled:
            out.append(render("notice_lag_none", lang, unit=unit))
    else:
        short = lag_words(month, lang)
        led = any(e["given_lead"] for e in shown)
        kind = (
            "notice_lag_intro_most" if len(shown) < len(lagging)
            else "notice_lag_intro_lead" if led
            else "notice_lag_intro"
        )  # fmt: skip
        n = len(found.lagging)
        out.append(render(kind, lang, short=short, n=n, unit=unit, projects=len(lagging),
                          k=len(shown)))  # fmt: skip
        by_lead: dict[str | None, list[str]] = {}
        for entry in shown:
            worst = sep(lang).join(
                render("notice_lag_worst", lang, district=d, done=f"{r:.1%}")
                for d, r in entry["worst"]
            )
            line = render(
                "notice_lag_line",
                lang,
                project=entry["project"],
                count=entry["count"],
                unit=unit,
                worst=worst,
                short=short.removeprefix("are ").removeprefix("fall "),
            )
            by_lead.setdefault(entry["given_lead"], []).append(line)  # fmt: skip
        for lead, lines in by_lead.items():
            if lead:
                joined = words(lang)["sep.clause"].join(lines)
                out.append(render("notice_lag_lead", lang, lead=lead, items=joined))
            else:
                out += [render("notice_lag_end", lang, line=line) for line in lines]
        if len(shown) < len(lagging):
            out.append(render("notice_lag_rest", lang, rest=len(lagging) - len(shown)))
        counts = found.lagging["district"].value_counts(sort=False)
        counts = counts.sort_values(ascending=False, kind="stable").head(result.scheme.report.top)
        names = sep(lang).join(
            render("notice_lag_unit", lang, district=d, n=int(n)) for d, n in counts.items()
        )
        out.append(render("notice_lag_units", lang, unit=unit, names=names, short=short))
    items = [
        render(
            "notice_suspended_item", lang, project=project, districts=_names(districts, lang, 20)
        )
        for project, districts in suspended_by_project(result.ranking)
    ]
    if items:
        out.append(render("notice_suspended", lang, items=sep(lang).join(items)))
    return out


def lag_words(month: int | None, lang: str) -> str:
    """未全面完成目标任务, or 落后于6月序时进度 when the month is known."""
    if month:
        return render("notice_lag_schedule", lang, month=month)
    return words(lang)["notice_lag_target"]


def most_behind(lagging: list[dict]) -> list[dict]:
    """The projects the body names, in the order of ``lagging``: all of them up to
    ``BODY_PROJECTS``, else those with the most units behind (then the lowest completion)."""
    if len(lagging) <= BODY_PROJECTS:
        return lagging
    ranked = sorted(
        range(len(lagging)), key=lambda i: (-lagging[i]["count"], lagging[i]["worst"][0][1])
    )
    keep = set(ranked[:BODY_PROJECTS])
    return [e for i, e in enumerate(lagging) if i in keep]


def lag_annex(
    result, lagging: list[dict], named: list[dict], month: int | None, lang: str
) -> tuple[str, list[str], list[list[str]]] | None:
    """附件2, when the body names only some (``named``) of the projects behind: every project
    behind with its lead department, how many units and each unit's completion, lowest first."""
    if len(named) == len(lagging):
        return None
    t = words(lang)
    scheme = result.scheme
    unit = scheme.column_word("district", lang)
    period = render("notice_month", lang, month=month) if month else ""
    short = lag_words(month, lang)
    led = any(e["given_lead"] for e in lagging)
    columns = [t["lag_annex_no"], t["project"], *([t["lead"]] if led else []),
               render("lag_annex_count", lang, unit=unit),
               render("lag_annex_units", lang, unit=unit)]  # fmt: skip
    rows = []
    for number, entry in enumerate(lagging, 1):
        units = [
            render("notice_lag_worst", lang, district=d, done=f"{r:.1%}") for d, r in entry["units"]
        ]
        rows.append([str(number), entry["project"],
                     *([entry["given_lead"] or ""] if led else []),
                     str(entry["count"]), _names(units, lang)])  # fmt: skip
    title = render("lag_annex_title", lang, name=scheme.name, period=period, short=short)
    return title, columns, rows


def suspended_by_project(ranking) -> list[tuple[str, list[str]]]:
    """Each project suspended somewhere, with its units in rank order."""
    order = list(ranking.table["district"])
    held = ranking.assessment.suspended.reindex(order)
    return [
        (project, [d for d, h in zip(order, held[project].to_numpy(dtype=bool)) if h])
        for project in held.columns
        if held[project].any()
    ]


def lagging_by_lead(result, found: Figures, lang: str) -> list[dict[str, Any]]:
    """Per project behind (grouped by lead department, in the scheme's order of leads): how
    many units, the lowest three, and every unit with its completion."""
    t = words(lang)
    scheme = result.scheme
    given = {p.name: p.lead for p in scheme.projects}
    lead = {p.name: p.lead or t["notice_no_lead"] for p in scheme.projects}
    order = {p.name: i for i, p in enumerate(scheme.projects)}
    leads = list(dict.fromkeys(lead[p.name] for p in scheme.projects))
    out = []
    frame = found.lagging.sort_values("done", kind="stable")
    for project, group in frame.groupby("project", sort=False):
        units = list(zip(group["district"].tolist(), group["done"].tolist()))
        out.append({"lead": lead.get(project, t["notice_no_lead"]), "project": project,
                    "given_lead": given.get(project),
                    "count": len(units), "worst": units[:3], "units": units,
                    "expected": float(group["expected"].iat[0])})  # fmt: skip
    out.sort(
        key=lambda e: (
            leads.index(e["lead"]) if e["lead"] in leads else 0,
            order.get(e["project"], 0),
        )
    )
    return out


def attachment_table(
    result, rows: list[dict[str, Any]], lang: str
) -> tuple[list[str], list[list[str]]]:
    """The ranking as the attachment prints it: rank, unit, total, grade, (city), survey."""
    t = words(lang)
    scheme = result.scheme
    precision = scheme.precision
    unit = scheme.column_word("district", lang)
    columns = [t["rank"], unit, t["total"], t["grade"]]
    grouped = any(r["city"] for r in rows)
    has_survey = any(r["survey_rank"] is not None for r in rows)
    if grouped:
        columns += [t["city"], t["city_rank"]]
    if has_survey:
        survey = survey_word(scheme, lang) or ""
        columns.append(render("survey_rank_of", lang, survey=survey))
    table = []
    for r in rows:
        line = [str(r["rank"]), r["district"], f"{r['total']:,.{precision}f}", r["grade"]]
        if grouped:
            line += [r["city"] or "", str(r["city_rank"] or "")]
        if has_survey:
            line.append("" if r["survey_rank"] is None else str(r["survey_rank"]))
        table.append(line)
    return columns, table
