"""Ranks and grades: 1-2-2-4 on published (rounded) totals; the survey ranked on its own."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .engine import Assessment


@dataclass
class Tie:
    """Districts sharing a published total, and how the tie-break chain ordered them."""

    total: float
    districts: list[str]  # in the order the chain gives
    values: list[list[float | None]]  # per district: its value of each chain entry
    ranks: list[int]  # the strict ranks given (equal where the chain could not decide)
    where: str = ""  # the city, for a tie within a city's ranking or on an award's quota line


@dataclass
class Winners:
    """One group's part of an award: its quota, the winners, and what happened on the line."""

    group: str  # the city, or "" for a province-wide award
    quota: int
    eligible: int
    winners: list[str]
    note: dict[str, str] | None = None  # zh, en: a tie on the quota line and how it was settled


@dataclass
class AwardResult:
    name: str
    groups: list[Winners]
    rule: dict[str, str]  # zh, en: the quotas, the floor and the tie rule, in words
    skipped: dict[str, str] | None = None  # zh, en: why it was not awarded on these data

    @property
    def winners(self) -> list[str]:
        return [d for g in self.groups for d in g.winners]


@dataclass
class Ranking:
    """The ranking table best first, and the separate survey ranking; with cities (所属市), the
    rank within the city; the ties the chain settled and the awards."""

    assessment: Assessment
    # district, total, earned, available, rank, grade, survey_rank[, city, city_rank]
    table: pd.DataFrame
    survey: pd.DataFrame  # district, satisfaction, rank
    chain: list[tuple[str, str | None]] = field(default_factory=list)  # the tie-break chain
    ties: list[Tie] = field(default_factory=list)  # where strict ranks used the chain
    awards: list[AwardResult] = field(default_factory=list)


def published_rank(values: pd.Series, precision: int, descending: bool = True) -> pd.Series:
    """Competition ranks (1-2-2-4) on values rounded as published, so equal shown scores tie."""
    return values.round(precision).rank(method="min", ascending=not descending).astype("Int64")


def rank(assessment: Assessment) -> Ranking:
    scheme = assessment.scheme
    precision = scheme.precision
    table = pd.DataFrame(
        {
            "district": assessment.districts,
            "total": assessment.total.to_numpy(),
            "earned": assessment.earned.to_numpy(),
            "available": assessment.available.to_numpy(),
        }
    )
    survey = assessment.survey[["district", "satisfaction"]].copy()
    descending = scheme.survey is None or scheme.survey.order == "desc"
    if not survey.empty:
        survey["rank"] = published_rank(survey["satisfaction"], precision, descending)
        survey = survey.sort_values("rank", kind="stable").reset_index(drop=True)
    else:
        survey["rank"] = pd.Series(dtype="Int64")
    table["survey_rank"] = (
        table["district"].map(dict(zip(survey["district"], survey["rank"]))).astype("Int64")
    )
    chain = scheme.tie_chain()
    keys = _chain_keys(assessment, chain, dict(zip(survey["district"], survey["satisfaction"])))
    ties: list[Tie] = []
    if scheme.ranking.strict:
        table["rank"] = _strict_rank(table, keys, precision, ties, "")
    else:
        table["rank"] = published_rank(table["total"], precision)
    table["grade"] = table["total"].map(scheme.grade_of)
    if assessment.groups:
        table["city"] = table["district"].map(assessment.groups)
        table["city_rank"] = pd.Series(pd.NA, index=table.index, dtype="Int64")
        for city, members in table.groupby("city", sort=False).groups.items():
            part = table.loc[members]
            if scheme.ranking.strict:
                ranks = _strict_rank(part, keys, precision, [], city)
            else:
                ranks = published_rank(part["total"], precision)
            table.loc[members, "city_rank"] = ranks.to_numpy()
    table = table.sort_values(["rank", "total"], ascending=[True, False], kind="stable")
    order = ["district", "total", "earned", "available", "rank", "grade", "survey_rank"]
    table = table[order + [c for c in ("city", "city_rank") if c in table]].reset_index(drop=True)
    cities = list(dict.fromkeys(assessment.groups.values()))  # in the data's order
    awards = [
        _award(award, table, keys, chain, scheme, cities, assessment.level)
        for award in scheme.awards
    ]
    return Ranking(assessment, table, survey, chain, ties, awards)


def _chain_keys(
    assessment: Assessment, chain: list[tuple[str, str | None]], satisfaction: dict
) -> pd.DataFrame:
    """Per district, each chain entry's value, made so that higher is better (NaN: missing)."""
    scheme = assessment.scheme
    sign = -1.0 if scheme.survey is not None and scheme.survey.order == "asc" else 1.0
    columns = {}
    for position, (_, item) in enumerate(chain):
        if item is None:
            columns[position] = [sign * satisfaction.get(d, np.nan) for d in assessment.districts]
        else:
            columns[position] = assessment.scores[item].to_numpy(dtype=float)
    return pd.DataFrame(columns, index=pd.Index(assessment.districts, dtype=object), dtype=float)


def _order(part: pd.DataFrame, keys: pd.DataFrame, precision: int) -> tuple[list, np.ndarray]:
    """Districts best first by published total then the chain (missing values last); and for
    each, the tuple the order was decided on."""
    published = part["total"].round(precision).to_numpy()
    chain = keys.loc[part["district"]].to_numpy()
    sortable = np.where(np.isnan(chain), -np.inf, chain).round(9)
    # lexsort is stable, and its last key is the primary one
    order = np.lexsort(
        [*(-sortable[:, i] for i in range(sortable.shape[1] - 1, -1, -1)), -published]
    )
    decided = np.column_stack([published, sortable])
    return order, decided


def _strict_rank(
    part: pd.DataFrame, keys: pd.DataFrame, precision: int, ties: list[Tie], where: str
) -> pd.Series:
    """Ranks 1, 2, 3… ordered by published total, then the tie-break chain; districts equal on
    the total and on every chain entry still share a rank. Each tie on the total is recorded."""
    order, decided = _order(part, keys, precision)
    ranks = np.empty(len(part), dtype=int)
    previous = None
    for position, index in enumerate(order):
        key = tuple(decided[index])
        ranks[index] = ranks[order[position - 1]] if key == previous else position + 1
        previous = key
    published = decided[:, 0]
    runs: list[list[int]] = []  # equal published totals stand together in the order
    for index in order:
        if runs and published[runs[-1][0]] == published[index]:
            runs[-1].append(index)
        else:
            runs.append([index])
    for members in runs:
        total = published[members[0]]
        if len(members) > 1:
            ties.append(
                Tie(
                    float(total),
                    [part["district"].iat[i] for i in members],
                    [[None if np.isnan(v) else float(v) for v in keys.loc[part["district"].iat[i]]]
                     for i in members],
                    [int(ranks[i]) for i in members],
                    where,
                )
            )  # fmt: skip
    return pd.Series(ranks, index=part.index, dtype="Int64")


def award_issues(scheme, groups: dict[str, str]) -> list:
    """What the data say about the scheme's awards: quotas for cities the data do not have, and
    quotas that do not add up to the declared count. (Without cities, the ranking says why the
    award was not decided.)"""
    from .errors import Issue

    issues = []
    cities = list(dict.fromkeys(groups.values()))
    for award in scheme.awards:
        if award.per != "city":
            continue
        if not cities:
            continue  # not awarded: the ranking says why
        for city in award.quotas:
            if city not in cities:
                issues.append(
                    Issue(
                        "quota-city-unknown",
                        {"award": award.name, "city": city},
                        severity="warning",
                    )
                )
        total = sum(award.quota_of(c) for c in cities)
        if award.count is not None and total != award.count:
            issues.append(
                Issue("award-count", {"award": award.name, "sum": total, "count": award.count},
                      severity="warning")
            )  # fmt: skip
    return issues


def _award(
    award, table: pd.DataFrame, keys: pd.DataFrame, chain, scheme, cities: list, level: str
) -> AwardResult:
    """Winners per city within its quota, among the eligible, best published total first; a tie
    on the quota line settled as the scheme says (tie_break / all / none)."""
    names = [name for name, _ in chain]
    if award.per == "city" and not cities:  # city-level data, or counties without 所属市
        skipped = (
            {"zh": "名额按市分给县；按市汇总（--level city）的排名不评选",
             "en": "quotas go to each city's counties: not awarded on a ranking of cities"}
            if level == "city"
            else {"zh": "按所属市分配名额，在带“所属市”列的县级数据上评选；本次数据没有所属市，未评选",
                  "en": "quotas are per city: awarded on county data with a 所属市 column; these data have none"}
        )  # fmt: skip
        return AwardResult(award.name, [], _award_rule(award, names, scheme), skipped)
    precision = scheme.precision
    grades = list(scheme.grades)
    eligible = pd.Series(True, index=table.index)
    if award.min_grade is not None:
        eligible &= table["grade"].map(grades.index) <= grades.index(award.min_grade)
    if award.min_total is not None:
        eligible &= table["total"].round(precision) >= award.min_total - 1e-9
    pool = table[eligible]
    if award.per == "city":
        parts = [(c, pool[pool["city"] == c], award.quota_of(c)) for c in cities]
    else:
        parts = [("", pool, award.count or 0)]
    groups = []
    for group, part, quota in parts:
        groups.append(_winners(group, part, quota, award.tie, keys, names, precision))
    return AwardResult(award.name, groups, _award_rule(award, names, scheme))


def _winners(group, part, quota, tie, keys, names, precision) -> Winners:
    published = part["total"].round(precision)
    ordered = part.assign(_p=published).sort_values("_p", ascending=False, kind="stable")
    if len(ordered) <= quota:
        return Winners(group, quota, len(part), list(ordered["district"]))
    line = ordered["_p"].iat[quota - 1] if quota else np.inf
    above = ordered[ordered["_p"] > line + 1e-9]
    at_line = ordered[(ordered["_p"] - line).abs() <= 1e-9]
    seats = quota - len(above)
    if len(at_line) <= seats:
        return Winners(group, quota, len(part), list(above["district"]) + list(at_line["district"]))
    tied = list(at_line["district"])
    total = f"{line:,.{precision}f}"
    zh = f"{'、'.join(tied)}总分同为 {total}，争 {seats} 个名额"
    en = f"{', '.join(tied)} tie at {total} for {seats} place(s)"
    if tie == "all":
        winners = tied
        zh += "：按方案都评上（超出名额）"
        en += ": all honoured, as the scheme says (over the quota)"
    elif tie == "none":
        winners = []
        zh += "：按方案都不评上（名额空出）"
        en += ": none honoured, as the scheme says (places left empty)"
    else:
        ties: list[Tie] = []
        ranks = _strict_rank(at_line, keys, precision, ties, group)
        cut = ranks.to_numpy()
        winners = [d for d, r in zip(at_line["district"], cut) if r <= seats]

        def listed(outer: str, inner: str) -> str:  # each district's chain values
            if not (ties and names):
                return ""
            return outer.join(
                f"{d} " + inner.join("—" if v is None else f"{v:,.2f}" for v in vals)
                for d, vals in zip(ties[0].districts, ties[0].values)
            )

        if names:
            zh += f"；依次比较{'、'.join(names)}（{listed('；', '、')}）"
            en += f"; compared on {', '.join(names)} ({listed('; ', ', ')})"
        if len(winners) > seats:
            zh += f"，仍相同，{'、'.join(winners)}都评上（超出名额）"
            en += f", still equal: {', '.join(winners)} all honoured (over the quota)"
        else:
            zh += f"，{'、'.join(winners)}评上"
            en += f": {', '.join(winners)} honoured"
    return Winners(group, quota, len(part), list(above["district"]) + winners, {"zh": zh, "en": en})


def _award_rule(award, names: list[str], scheme) -> dict[str, str]:
    if award.per == "city":
        special = "、".join(f"{c}{q}个" for c, q in award.quotas.items())
        zh = f"按所属市分配名额：{special + '，' if special else ''}其他各市{award.quota}个"
        en_special = ", ".join(f"{c} {q}" for c, q in award.quotas.items())
        en = f"quotas per city: {en_special + ', ' if en_special else ''}{award.quota} for every other city"
    else:
        zh, en = f"全省共{award.count}个", f"{award.count} in the province"
    if award.min_grade is not None:
        zh += f"；等次须为{award.min_grade}及以上"
        en += f"; grade {award.min_grade} or better"
    if award.min_total is not None:
        zh += f"；总分须不低于 {award.min_total:g}"
        en += f"; total at least {award.min_total:g}"
    settle = {
        "tie_break": (f"按{'、'.join(names)}依次比较，仍相同的都评上" if names else "都评上",
                      f"settled on {', '.join(names)}, then all still equal honoured" if names else "all honoured"),
        "all": ("都评上", "all honoured"),
        "none": ("都不评上", "none honoured"),
    }[award.tie]  # fmt: skip
    zh += f"；名额线上同分：{settle[0]}"
    en += f"; a tie on the quota line: {settle[1]}"
    return {"zh": zh, "en": en}


@dataclass
class Sensitivity:
    """How firm each district's rank and grade are when the weights move."""

    table: pd.DataFrame  # district, rank, median_rank, rank_p5, rank_p95, grade, grade_kept
    draws: int
    spread: float
    seed: int
    varied: dict[str, str]  # what the draws changed, zh and en
    held: dict[str, str]  # what they held fixed
    award: str | None = None  # the award decided again in each draw (award, award_share)


def sensitivity(
    assessment: Assessment, draws: int = 2000, spread: float = 0.2, seed: int = 0, data=None
) -> Sensitivity:
    """Monte Carlo over the weights: each weight drawn uniformly within ±spread of its value,
    then all scaled so the total stays; each district's share of each project's points (得分率)
    held as scored. For every draw the totals are rescaled for suspended projects as the engine
    does, rounded as published and ranked 1-2-2-4. Vectorised: draws × items @ items × districts.

    Where the scheme lists ``sensitivity.alternatives`` (and ``data`` is given to score them),
    each draw also takes one value of each listed parameter: the data are scored once per
    combination drawn, and each draw uses its combination's shares."""
    scheme = assessment.scheme
    weights = np.array([p.weight for p in scheme.projects], dtype=float)
    counted = ~assessment.suspended.to_numpy(dtype=bool).T

    def shares_of(scored: Assessment) -> np.ndarray:  # items × districts
        return np.where(counted, (scored.scores.to_numpy(dtype=float) / weights).T, 0.0)

    rng = np.random.default_rng(seed)
    drawn = weights * rng.uniform(1 - spread, 1 + spread, size=(draws, len(weights)))
    drawn *= weights.sum() / drawn.sum(axis=1, keepdims=True)  # the total stays
    alternatives = scheme.sensitivity.alternatives if data is not None else {}
    if alternatives:
        from .engine import score
        from .scheme import changed

        keys = list(alternatives)
        picks = np.stack([rng.integers(len(alternatives[k]), size=draws) for k in keys], axis=1)
        earned = np.empty((draws, len(assessment.districts)))
        for combination in np.unique(picks, axis=0):
            settings = [f"{k}={alternatives[k][i]}" for k, i in zip(keys, combination)]
            scored = score(changed(scheme, settings)[0], data, assessment.month)
            rows = (picks == combination).all(axis=1)
            earned[rows] = drawn[rows] @ shares_of(scored)
    else:
        earned = drawn @ shares_of(assessment)  # draws × districts
    available = drawn @ counted.astype(float)
    totals = np.round(scheme.total * earned / available, scheme.precision)
    # 1-2-2-4 per draw: one more than the number of totals above (sorted, so memory stays linear)
    ordered = np.sort(totals, axis=1)
    count = totals.shape[1]
    ranks = np.stack(
        [count - np.searchsorted(ordered[i], totals[i], side="right") + 1 for i in range(draws)]
    )
    grades = list(scheme.grades.items())
    nominal = assessment.total.round(scheme.precision).to_numpy()
    nominal_rank = (nominal[None, :] > nominal[:, None]).sum(axis=1) + 1

    def grade_index(values: np.ndarray) -> np.ndarray:
        index = np.full(values.shape, len(grades) - 1)
        for position in range(len(grades) - 1, -1, -1):  # the highest band reached wins
            floor = round(grades[position][1] * scheme.total, scheme.precision) - 1e-9
            index = np.where(values >= floor, position, index)
        return index

    kept = (grade_index(totals) == grade_index(nominal)[None, :]).mean(axis=0)
    columns = {
        "district": assessment.districts,
        "rank": nominal_rank,
        "median_rank": np.median(ranks, axis=0),
        "rank_p5": np.percentile(ranks, 5, axis=0, method="lower"),
        "rank_p95": np.percentile(ranks, 95, axis=0, method="higher"),
        "grade": [grades[i][0] for i in grade_index(nominal)],
        "grade_kept": kept,
    }
    # the first award decided on these data, as published; the draws decide it again
    published = next((r for r in rank(assessment).awards if not r.skipped), None)
    award = (
        next((a for a in scheme.awards if a.name == published.name), None) if published else None
    )
    if award is not None:
        columns["award"] = np.isin(assessment.districts, published.winners)
        columns["award_share"] = _honoured(award, assessment, totals, grade_index).mean(axis=0)
    table = pd.DataFrame(columns).sort_values("rank", kind="stable").reset_index(drop=True)
    varied = {
        "zh": f"各项目分值在 ±{spread:.0%} 内均匀抽取，再按比例缩放使总分保持 {scheme.total:g}（{draws} 次，种子 {seed}）",
        "en": f"every weight drawn uniformly within ±{spread:.0%}, then scaled so the total stays {scheme.total:g} ({draws} draws, seed {seed})",
    }
    held = {
        "zh": "各地区每个项目的得分率（得分 ÷ 分值，扣分与加分已在其中）和暂缓实施的项目；计分方法的参数不变",
        "en": "each district's share of each project's points (deductions and bonuses included) and its suspended projects; method parameters unchanged",
    }
    if alternatives:
        listed = "；".join(
            f"{k} 取 {'、'.join(f'{v:g}' for v in vs)} 之一" for k, vs in alternatives.items()
        )
        varied["zh"] += f"；参数每次随机取：{listed}"
        varied["en"] += "; parameters drawn each time: " + "; ".join(
            f"{k} one of {', '.join(f'{v:g}' for v in vs)}" for k, vs in alternatives.items()
        )
        held["zh"] = held["zh"].replace("；计分方法的参数不变", "；未列出的参数不变")
        held["en"] = held["en"].replace(
            "; method parameters unchanged", "; parameters not listed unchanged"
        )
    elif scheme.sensitivity.alternatives:
        held["zh"] += "（方案列出的可选参数未变动：未提供数据）"
        held["en"] += " (the scheme's parameter alternatives were not drawn: no data given)"
    if award is not None:
        varied["zh"] += f"；每次重新评选“{award.name}”（名额线上同分都计为评上）"
        varied["en"] += (
            f"; “{award.name}” decided again in every draw (a tie on a quota line counts as honoured)"
        )
    return Sensitivity(table, draws, spread, seed, varied, held, award.name if award else None)


def _honoured(award, assessment: Assessment, totals: np.ndarray, grade_index) -> np.ndarray:
    """draws × districts: True where the district wins the award with these (rounded) totals:
    eligible, and fewer eligible districts of its city above it than the city's quota."""
    scheme = assessment.scheme
    eligible = np.ones(totals.shape, dtype=bool)
    if award.min_grade is not None:
        eligible &= grade_index(totals) <= list(scheme.grades).index(award.min_grade)
    if award.min_total is not None:
        eligible &= totals >= award.min_total - 1e-9
    if award.per == "city":
        city = np.array([assessment.groups[d] for d in assessment.districts], dtype=object)
        parts = [(np.flatnonzero(city == c), award.quota_of(c)) for c in dict.fromkeys(city)]
    else:
        parts = [(np.arange(totals.shape[1]), award.count or 0)]
    won = np.zeros(totals.shape, dtype=bool)
    for members, quota in parts:
        values = np.where(eligible[:, members], totals[:, members], -np.inf)
        ordered = np.sort(values, axis=1)
        above = np.stack(
            [
                len(members) - np.searchsorted(row, v, side="right")
                for row, v in zip(ordered, values)
            ]
        )
        won[:, members] = eligible[:, members] & (above < quota)
    return won


def rank_changes(before: Ranking, after: Ranking) -> pd.DataFrame:
    """Per district of the later period: rank and total then and now, and the move (+ is up)."""
    old = before.table.set_index("district")
    table = after.table[["district", "rank", "total", "grade"]].copy()
    table["rank_before"] = table["district"].map(old["rank"]).astype("Int64")
    table["total_before"] = table["district"].map(old["total"])
    table["move"] = (table["rank_before"] - table["rank"]).astype("Int64")
    return table


def behind_schedule(assessment: Assessment) -> pd.DataFrame:
    """Indicators scored against the time schedule (序时进度) that fall short of it: district,
    project, indicator, the share of the year's target done, and the share expected by now."""
    scheme = assessment.scheme
    details = assessment.details
    short = details[(details["method"] == "schedule") & (details["fraction"] < 1 - 1e-9)]
    expected = {}
    for project in scheme.projects:
        for indicator in scheme.rules_of(project).indicators or []:
            if indicator.method == "schedule":
                expected[(project.name, indicator.name)] = scheme.expected_progress(
                    assessment.month, indicator.expected
                )
    return pd.DataFrame(
        {
            "district": short["district"].to_numpy(dtype=object),
            "project": short["project"].to_numpy(dtype=object),
            "indicator": short["name"].to_numpy(dtype=object),
            "done": short["value"].to_numpy(dtype=float),
            "expected": [expected[(p, n)] for p, n in zip(short["project"], short["name"])],
        }
    )


@dataclass
class Trend:
    """Totals and ranks of each district across periods (NaN / None where it is absent)."""

    periods: list[str]
    districts: list[str]  # in the order of the last period's ranking
    totals: dict[str, list[float]]
    ranks: dict[str, list[int | None]]


def trend(periods: list[str], rankings: list[Ranking]) -> Trend:
    districts = list(dict.fromkeys(d for r in rankings for d in r.table["district"]))
    totals: dict[str, list[float]] = {d: [] for d in districts}
    ranks: dict[str, list[int | None]] = {d: [] for d in districts}
    for ranking in rankings:
        table = ranking.table.set_index("district")
        for district in districts:
            known = district in table.index
            totals[district].append(float(table.at[district, "total"]) if known else float("nan"))
            ranks[district].append(int(table.at[district, "rank"]) if known else None)
    last = rankings[-1].table.set_index("district")["rank"]
    districts.sort(key=lambda d: last.get(d, 1 << 30))
    return Trend(periods, districts, totals, ranks)


def sparkline(values: list[float], low: float, high: float) -> str:
    """A row of block characters, one per value, on the common scale low..high."""
    blocks = "▁▂▃▄▅▆▇█"
    if high - low < 1e-12:
        return blocks[3] * len(values)
    return "".join(
        " " if v != v else blocks[min(7, int((v - low) / (high - low) * 7.999))] for v in values
    )
