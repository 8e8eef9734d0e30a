"""Who must report (名单): every district name checked against the scheme's roster, a name not
on it refused at its cell with the name it probably means, and each unit without a return said."""

from __future__ import annotations

import difflib

import numpy as np

from ..messages import say
from ..scheme import District, Scheme, normalize_name
from .issues import CheckedRows
from .texts import unique_map


class Roster:
    """The roster's names and aliases, each written form (normalised) to its unit's name."""

    def __init__(self, units: list[District]):
        self.units = units
        self.by_key: dict[str, str] = {}
        self.aliases: set[str] = set()
        for unit in units:
            self.by_key.setdefault(normalize_name(unit.name), unit.name)
            for alias in unit.aliases:
                self.by_key.setdefault(normalize_name(alias), unit.name)
                self.aliases.add(normalize_name(alias))

    def suggestion(self, written: str) -> str | None:
        """The unit a name not on the roster probably means: the one name containing it (富顺 in
        富顺县) or contained in it (自贡市富顺县), else the closest."""
        key = normalize_name(written)
        names = [u.name for u in self.units]
        inside = {n for n in names if key and (key in n or n in key)}
        if len(inside) == 1:
            return inside.pop()
        close = difflib.get_close_matches(key, list(self.by_key), n=1, cutoff=0.5)
        return self.by_key[close[0]] if close else None


def check_roster(rows: CheckedRows) -> None:
    """With a roster, each district name is a unit on it (an alias read as its unit, with a
    note); a name not on it is an error at its first cell in each sheet, with 是否应为…？, and
    its rows are left out, never made a new district."""
    units = rows.scheme.roster_units()
    if units is None:
        return
    roster = Roster(units)
    frame = rows.frame
    names = frame["district"]
    canonical = unique_map(names, lambda n: roster.by_key.get(normalize_name(n), "\0" + n))
    unknown = canonical.astype(str).str.startswith("\0").to_numpy() & (names != "").to_numpy()
    said: set[tuple[int, str]] = set()
    written = names.astype(str).to_numpy()
    for position in np.flatnonzero(unknown).tolist():
        first = (int(frame["_source"].iat[position]), written[position])
        if first in said:
            continue
        said.add(first)
        guess = roster.suggestion(written[position])
        rows.suggested.add(guess or "")
        hint = say("did_you_mean", name=guess) if guess else say("not_on_roster")
        rows.add("unknown-district", position, "district", value=written[position],
                 suggestion=hint)  # fmt: skip
    aliased = ~unknown & names.isin(list(roster.aliases)).to_numpy()
    for position in np.flatnonzero(aliased).tolist():
        first = (int(frame["_source"].iat[position]), written[position])
        if first not in said:
            said.add(first)
            rows.add("district-alias", position, "district", severity="info",
                     value=written[position], name=str(canonical.iat[position]))  # fmt: skip
    frame["district"] = canonical
    rows.frame = frame[~unknown].reset_index(drop=True)


def check_missing_returns(rows: CheckedRows) -> None:
    """With a roster, each unit on it without a row of the districts' returns: 高新区未报送."""
    units = rows.scheme.roster_units()
    if units is None:
        return
    frame = rows.frame
    origins = np.array([s.origin is None for s in rows.sources], dtype=bool)
    returned = set(frame["district"][origins[frame["_source"].to_numpy()]].unique().tolist())
    for unit in units:  # (a unit whose return came under a wrong name is said at that name)
        if unit.name not in returned and unit.name not in rows.suggested:
            rows.issues.add("missing-return", {"district": unit.name})


def roster_cities(scheme: Scheme) -> dict[str, str]:
    """Each unit's city as the roster gives it (所属市), for awards by city."""
    return {u.name: u.city for u in scheme.roster_units() or [] if u.city}
