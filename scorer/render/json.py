"""The JSON of ``assess --format json``: the ranking, the awards, a what-if, the problems."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..errors import Issue
from ..messages import Message
from ..ranking import Ranking


def _number(value: Any) -> float | None:
    """A number as a plain float, None when missing or not finite."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _plain(values: np.ndarray) -> list:
    """A float array (1-D or 2-D) as Python lists, None where a value is not finite."""
    values = np.asarray(values, dtype=float)
    plain = values.tolist()
    for place in zip(*np.nonzero(~np.isfinite(values))):
        if len(place) == 1:
            plain[place[0]] = None
        else:
            plain[place[0]][place[1]] = None
    return plain


def to_dict(ranking: Ranking, issues: list[Issue], lang: str = "zh") -> dict[str, Any]:
    """The assessment as one plain object; numbers unrounded, rounding is for display. Built
    column by column: 10,000 districts take a tenth of a second."""
    body = _body(ranking, issues, lang)
    body["districts"] = body["districts"].every()
    return body


def _body(ranking: Ranking, issues: list[Issue], lang: str) -> dict[str, Any]:
    """to_dict's object with its districts as ``Districts``, made a batch at a time."""
    assessment = ranking.assessment
    scheme = assessment.scheme
    survey = [
        {"district": r.district, "satisfaction": _number(r.satisfaction), "rank": int(r.rank)}
        for r in ranking.survey.itertuples(index=False)
    ]
    body = {
        "scheme": {
            "name": scheme.name,
            "year": scheme.year,
            "total": scheme.total,
            "month": assessment.month,
            "level": assessment.level,
            "tie_break": [name for name, _ in ranking.chain],
            "strict_ranks": scheme.ranking.strict,
        },
        "districts": Districts(ranking),
        "survey": survey,
        "awards": awards_list(ranking, lang),
        "ties": [
            {
                "total": t.total,
                "city": t.where or None,
                "districts": t.districts,
                "values": t.values,
                "ranks": t.ranks,
            }
            for t in ranking.ties
        ],  # fmt: skip
        "issues": [i.to_dict(lang) for i in issues],
    }
    if scheme.tree:  # the indicator tree: its indicators, and each unit's subtotals
        _add_tree(body, ranking, lang)
    return body


def _add_tree(body: dict[str, Any], ranking: Ranking, lang: str) -> None:
    """The tree's indicators under scheme.tree (level, parent, points, projects below), and
    each district's ``subtotals``: indicator → points (None: nothing below it was scored)."""
    from ..subtotals import level_name, subtotals

    assessment = ranking.assessment
    scheme = assessment.scheme
    found = subtotals(assessment)
    body["scheme"]["levels"] = [
        level_name(scheme.levels, depth, lang) for depth in range(max(s.depth for s in found) + 2)
    ]
    body["scheme"]["tree"] = [
        {
            "name": s.name,
            "level": level_name(scheme.levels, s.depth, lang),
            "depth": s.depth,
            "parent": s.parent,
            "weight": s.weight,
            "projects": s.projects,
        }
        for s in found
    ]
    columns = {s.name: s.points.reindex(ranking.table["district"]).to_numpy(dtype=float)
               for s in found}  # fmt: skip
    body["districts"].subtotals = {name: _plain(values) for name, values in columns.items()}


class Districts:
    """Each district in rank order: total, rank, grade, points earned and available, suspended
    projects, survey rank and each project's points (None when suspended); its city if any; the
    tree's subtotals. The columns are prepared once; the districts' objects are made a batch at
    a time, so that the JSON of 100,000 districts never holds them all."""

    def __init__(self, ranking: Ranking):
        assessment = ranking.assessment
        table = ranking.table
        order = assessment.scores.index.get_indexer(table["district"])
        held = assessment.suspended.to_numpy(dtype=bool)[order]
        points = assessment.scores.to_numpy(dtype=float)[order]
        points[held] = np.nan
        self.points, self.held = points, held
        self.names = list(assessment.scores.columns)
        self.with_held = set(np.flatnonzero(held.any(axis=1)).tolist())
        self.numbers = {
            k: _plain(table[k].to_numpy(dtype=float)) for k in ("total", "earned", "available")
        }
        self.survey_ranks = [
            None if r is None else int(r)
            for r in _plain(table["survey_rank"].to_numpy(dtype=float, na_value=np.nan))
        ]
        self.districts, self.grades = table["district"].tolist(), table["grade"].tolist()
        self.ranks = table["rank"].astype(int).tolist()
        self.grouped = "city" in table
        self.cities = table["city"].tolist() if self.grouped else []
        self.city_ranks = table["city_rank"].astype(int).tolist() if self.grouped else []
        self.subtotals: dict[str, list] | None = None  # indicator → each district's points
        self.size = 2000  # districts a batch

    def __len__(self) -> int:
        return len(self.districts)

    def every(self) -> list[dict[str, Any]]:
        return self.batch(0, len(self))

    def batches(self) -> Iterator[list[dict[str, Any]]]:
        for start in range(0, len(self), self.size):
            yield self.batch(start, min(start + self.size, len(self)))

    def batch(self, start: int, stop: int) -> list[dict[str, Any]]:
        """The objects of the districts in rank positions start to stop."""
        names, held, numbers = self.names, self.held, self.numbers
        districts = []
        for position, values in enumerate(_plain(self.points[start:stop]), start):
            district = {
                "district": self.districts[position],
                "total": numbers["total"][position],
                "rank": self.ranks[position],
                "grade": self.grades[position],
                "earned": numbers["earned"][position],
                "available": numbers["available"][position],
                "suspended": (
                    [n for n, h in zip(names, held[position]) if h]
                    if position in self.with_held
                    else []
                ),
                "survey_rank": self.survey_ranks[position],
                "projects": dict(zip(names, values)),
            }
            if self.grouped:
                district["city"] = self.cities[position]
                district["city_rank"] = self.city_ranks[position]
            if self.subtotals is not None:
                district["subtotals"] = {
                    name: values[position] for name, values in self.subtotals.items()
                }
            districts.append(district)
        return districts


def awards_list(ranking: Ranking, lang: str = "zh") -> list[dict[str, Any]]:
    """Each award: its rule in words, the winners, and per city the quota, how many were
    eligible, the winners and any tie on the quota line."""
    listed = [
        {
            "award": award.name,
            "rule": award.rule.render(lang),
            "skipped": award.skipped.render(lang) if award.skipped else None,
            "quota": sum(g.quota for g in award.groups),
            "winners": award.winners,
            "groups": [
                {
                    "city": g.group or None,
                    "quota": g.quota,
                    "eligible": g.eligible,
                    "winners": g.winners,
                    "tie": g.note.render(lang) if g.note else None,
                }
                for g in award.groups
            ],  # fmt: skip
        }
        for award in ranking.awards
    ]
    for entry, award in zip(listed, ranking.awards):
        if award.removed:  # only where a veto (一票否决) removed a unit: other output unchanged
            removed: Any = [{"district": d, "reason": r.render(lang)} for d, r in award.removed]
            entry["removed"] = removed
    return listed


def whatif_dict(
    before: Ranking,
    after: Ranking,
    changes: list[Message],
    issues: list[Issue],
    lang: str = "zh",
) -> dict[str, Any]:
    """The object of ``assess --format json`` for the changed scheme, each district with its
    rank, total and grade before the change, and the changes in words."""
    body = to_dict(after, issues, lang)
    old = before.table.set_index("district")
    for district in body["districts"]:
        name = district["district"]
        known = name in old.index
        district["rank_before"] = int(old.at[name, "rank"]) if known else None
        district["total_before"] = _number(old.at[name, "total"]) if known else None
        district["grade_before"] = old.at[name, "grade"] if known else None
    body["scheme"]["total_before"] = before.assessment.scheme.total
    body["changes"] = [c.render(lang) for c in changes]
    return body


def json_chunks(body: dict[str, Any]) -> Iterator[bytes]:
    """JSON in UTF-8 with one line per key, and per element of a list: readable and grep-able;
    in pieces (a batch of districts each, for ``Districts``). orjson writes it (the standard
    encoder takes 20 times as long for 10,000 districts); NaN and infinities become null, numpy
    numbers plain numbers."""
    import orjson

    options = orjson.OPT_SERIALIZE_NUMPY

    def one(value: Any) -> bytes:
        return orjson.dumps(value, option=options)

    yield b"{\n"
    for number, (key, value) in enumerate(body.items()):
        lead = (b",\n  " if number else b"  ") + one(key)
        if isinstance(value, Districts) and len(value) or isinstance(value, list) and value:
            yield lead + b": [\n    "
            batches = value.batches() if isinstance(value, Districts) else [value]
            for count, batch in enumerate(batches):
                items = b",\n    ".join([one(item) for item in batch])
                yield b",\n    " + items if count else items
            yield b"\n  ]"
        else:
            yield lead + b": " + one([] if isinstance(value, Districts) else value)
    yield b"\n}\n"


def json_bytes(body: dict[str, Any]) -> bytes:
    """``json_chunks`` joined."""
    return b"".join(json_chunks(body))


def dumps(body: dict[str, Any]) -> str:
    """``json_bytes`` as text."""
    return json_bytes(body).decode("utf-8")


def to_json_chunks(ranking: Ranking, issues: list[Issue], lang: str = "zh") -> Iterator[bytes]:
    """The JSON of ``assess --format json`` in pieces, its districts made a batch at a time."""
    return json_chunks(_body(ranking, issues, lang))


def to_json(ranking: Ranking, issues: list[Issue], lang: str = "zh") -> bytes:
    """The JSON of ``assess --format json``, as the UTF-8 bytes written out."""
    return b"".join(to_json_chunks(ranking, issues, lang))


def issues_json(issues: list[Issue], lang: str = "zh", **summary: Any) -> str:
    """The problems alone (when there is no ranking, or for ``scorer check``)."""
    return dumps({**summary, "issues": [i.to_dict(lang) for i in issues]})
