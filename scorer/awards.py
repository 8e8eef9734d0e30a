"""Awards (民生工程先进县…): winners per city within its quota, eligibility, ties on the quota line.

Two implementations of one rule: ``decide`` on the published ranking (pandas, with the tie
settled and said in words), and ``honoured`` over many draws of totals at once (numpy, for
sensitivity). A test checks that they agree."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .engine import Assessment
from .messages import Clauses, Items, Message, say
from .ranking import Tie, _strict_rank, grade_indexes


@dataclass
class Winners:
    """One group's part of an award: its quota, the winners, and what happened on the line."""

    group: str  # the city, or "" for a province-wide award
    quota: int
    eligible: int
    winners: list[str]
    note: Message | None = None  # a tie on the quota line and how it was settled


@dataclass
class AwardResult:
    name: str
    groups: list[Winners]
    rule: Message  # the quotas, the floor and the tie rule, in words
    skipped: Message | None = None  # why it was not awarded on these data
    # units a veto (一票否决) removed from the award, and why: (district, the reason)
    removed: list[tuple[str, Message]] = field(default_factory=list)

    @property
    def winners(self) -> list[str]:
        return [d for g in self.groups for d in g.winners]


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


def decide(
    award,
    table: pd.DataFrame,
    keys: pd.DataFrame,
    chain,
    scheme,
    cities: list,
    level: str,
    vetoes: dict | None = None,
) -> AwardResult:
    """Winners per city within its quota, among the eligible, best published total first; a tie
    on the quota line settled as the scheme says (tie_break / all / none). A unit a veto
    (一票否决) removes from the award is not eligible, and the result says why."""
    names = [name for name, _ in chain]
    if award.per == "city" and not cities:  # city-level data, or counties without 所属市
        skipped = say("awards.skip_city_level" if level == "city" else "awards.skip_no_city")
        return AwardResult(award.name, [], _award_rule(award, names, scheme), skipped)
    precision = scheme.precision
    grades = list(scheme.grades)
    eligible = pd.Series(True, index=table.index)
    if award.min_grade is not None:
        eligible &= table["grade"].map(grades.index) <= grades.index(award.min_grade)
    if award.min_total is not None:
        eligible &= table["total"].round(precision) >= award.min_total - 1e-9
    removed = _removed(award, scheme, vetoes or {})
    eligible &= ~table["district"].isin([d for d, _ in removed])
    pool = table[eligible]
    if award.per == "city":
        parts = [(c, pool[pool["city"] == c], award.quota_of(c)) for c in cities]
    else:
        parts = [("", pool, award.count or 0)]
    groups = []
    for group, part, quota in parts:
        groups.append(_winners(group, part, quota, award.tie, keys, names, precision))
    return AwardResult(award.name, groups, _award_rule(award, names, scheme), None, removed)


def _removed(award, scheme, vetoes: dict) -> list[tuple[str, Message]]:
    """The units a veto removes from this award, with the reason in words."""
    removed = []
    for district, hits in vetoes.items():
        names = [scheme.vetoes[k].name for k, _ in hits if scheme.vetoes[k].removes(award.name)]
        if names:
            said = say("awards.vetoed", district=district, vetoes=Items(names), award=award.name)
            removed.append((district, said))
    return removed


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
    settled: Message | str
    if tie == "all":
        winners = tied
        settled = say("awards.tie_all")
    elif tie == "none":
        winners = []
        settled = say("awards.tie_none")
    else:
        ties: list[Tie] = []
        ranks = _strict_rank(at_line, keys, precision, ties, group)
        cut = ranks.to_numpy()
        winners = [d for d, r in zip(at_line["district"], cut) if r <= seats]

        compared: Message | str = ""
        if names:  # each district's chain values
            values = Clauses(
                say("awards.tie_values", district=d,
                    values=["—" if v is None else f"{v:,.2f}" for v in vals])
                for d, vals in zip(ties[0].districts, ties[0].values)
            ) if ties else ""  # fmt: skip
            compared = say("awards.tie_compared", names=names, values=values)
        outcome = "awards.tie_still" if len(winners) > seats else "awards.tie_won"
        settled = say("awards.tie_chain", compared=compared, outcome=say(outcome, winners=winners))
    note = say("awards.tie", tied=tied, total=total, seats=seats, settled=settled)
    return Winners(group, quota, len(part), list(above["district"]) + winners, note)


def _award_rule(award, names: list[str], scheme) -> Message:
    if award.per == "city":
        special: Message | str = ""
        if award.quotas:
            quotas = [say("awards.rule_quota", city=c, count=q) for c, q in award.quotas.items()]
            special = say("awards.rule_special", quotas=quotas)
        quotas_said = say("awards.rule_per_city", special=special, quota=award.quota)
    else:
        quotas_said = say("shape.award_count", scope=scope_word(scheme), count=award.count)
    grade = "" if award.min_grade is None else say("awards.rule_grade", grade=award.min_grade)
    floor = (
        "" if award.min_total is None else say("awards.rule_floor", total=f"{award.min_total:g}")
    )
    settle = {
        "tie_break": say("awards.settle_chain", names=names) if names else say("awards.settle_all"),
        "all": say("awards.settle_all"),
        "none": say("awards.settle_none"),
    }[award.tie]
    tie = say("awards.rule_tie", settle=settle)
    return say("awards.rule", quotas=quotas_said, grade=grade, floor=floor, tie=tie)


def honoured(
    award, assessment: Assessment, totals: np.ndarray, forced: np.ndarray | None = None
) -> np.ndarray:
    """draws × districts: True where the district wins the award with these (rounded) totals:
    eligible, and fewer eligible districts of its city above it than the city's quota.
    ``forced``: per district, the grade a veto gives at best (a position in the grades)."""
    scheme = assessment.scheme
    eligible = np.ones(totals.shape, dtype=bool)
    if award.min_grade is not None:
        grades = grade_indexes(scheme, totals)
        if forced is not None:
            grades = np.maximum(grades, forced)
        eligible &= grades <= list(scheme.grades).index(award.min_grade)
    if award.min_total is not None:
        eligible &= totals >= award.min_total - 1e-9
    out = {d for d, _ in _removed(award, scheme, assessment.vetoes)}
    if out:
        eligible &= ~np.isin(np.array(assessment.districts, dtype=object), list(out))
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


_SCOPE = re.compile(r"^\s*\d{0,4}\s*(?:年度?)?\s*[^\s\d（(]{1,10}?(省|自治区|市|州|盟|县|区)")


def scope_word(scheme) -> Message:
    """The level a scheme assesses at, for 全省 / 全市 / 全县: the report's ``scope``, else the
    first 省/市/县/区 of the scheme's name (安徽省… → 省, 六安市… → 市); 省 when it names none."""
    level = scheme.report.scope
    if level is None:
        found = _SCOPE.match(scheme.name)
        word = found.group(1) if found else "省"
        level = {"自治区": "区", "州": "市", "盟": "市"}.get(word, word)
    return say(f"shape.scope.{level}")
