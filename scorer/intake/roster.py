"""Who must report (名单): the roster from the scheme or from the roster file it names, every
district name checked against it, a name not on it refused at its cell with the name it
probably means, and each unit without a return said."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import Issue
from ..headers import find_header, split_label
from ..messages import say
from ..scheme import District, Scheme, normalize_name
from ..sheets import DATA_SUFFIXES, Sheet, UnreadableSheet, column_letter, open_files
from .issues import CheckedRows, Issues
from .texts import says_total, unique_map

# the headers a roster file's columns are known by, beside the scheme's own district and city
# labels (a roster is the office's list, often kept apart from any one scheme)
ROSTER_LABELS = {
    "name": ("名称", "单位名称", "单位", "地区名称", "地区", "区县", "name"),
    "aliases": ("别名", "简称", "其他写法", "也认可的写法", "aliases"),
    "city": ("所属市", "市", "city"),
}
_ALIAS_SEPARATORS = re.compile(r"[,，、;；/／\n]+")


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
    scheme = rows.scheme
    path = scheme.roster_path()
    kept_in = say("roster.scheme_list") if path is None else say("roster.from_file", path=str(path))
    for unit in units:  # (a unit whose return came under a wrong name is said at that name)
        if unit.name not in returned and unit.name not in rows.suggested:
            rows.issues.add("missing-return", {"district": unit.name, "roster": kept_in})


def roster_cities(scheme: Scheme) -> dict[str, str]:
    """Each unit's city as the roster gives it (所属市), for awards by city."""
    return {u.name: u.city for u in scheme.roster_units() or [] if u.city}


# ----------------------------------------------------------------------------- the roster file


def load_roster(scheme: Scheme) -> list[Issue]:
    """Read the roster file the scheme names (``roster:``), once: its units become the
    scheme's roster; a problem with the file or one of its cells is an issue at that cell.
    Nothing to do for a scheme with its roster inline, without one, or already read."""
    path = scheme.roster_path()
    if path is None or scheme._roster_units is not None or scheme._roster_failed:
        return []
    issues = Issues()
    units = _read_roster(path, scheme, issues)
    # a file that gave no unit (missing, unreadable, no header) is one error, not one more
    # for every district as “not on the roster”: no roster is checked, and nothing is ranked
    scheme._roster_units = units if units else None
    scheme._roster_failed = not units
    return list(issues)


def _read_roster(path: Path, scheme: Scheme, issues: Issues) -> list[District]:
    """The units of a roster file, through the same limits as the returns; each problem said."""
    rule_file, line = scheme._rule_file, scheme._roster_line
    if path.suffix.lower() not in DATA_SUFFIXES:
        issues.add("roster.file-kind", {"path": str(path)}, file=rule_file, line=line)
        return []
    if not path.is_file():
        issues.add("roster.file-missing", {"path": str(path)}, file=rule_file, line=line)
        return []
    (workbook,) = open_files([path])
    if workbook.refused is not None:
        refused = workbook.refused
        issues.add(refused.code, refused.params, file=str(path), sheet=refused.sheet,
                   cell=refused.cell)  # fmt: skip
        return []
    if workbook.error is not None:
        issues.add("roster.unreadable", {"detail": workbook.error}, file=str(path))
        return []
    labels = _roster_labels(scheme)
    for sheet in workbook.sheets:
        header = find_header(sheet.head, labels, "name", 1)
        if header is not None:
            try:
                return _roster_units(path, sheet, header.row, header.columns, issues)
            except UnreadableSheet as exc:
                issues.add("roster.unreadable", {"detail": str(exc)}, file=str(path),
                           sheet=sheet.name)  # fmt: skip
                return []
    shown = [scheme.columns["district"].label, *ROSTER_LABELS["name"][:2]]
    issues.add("roster.no-header", {"labels": shown}, file=str(path))
    return []


def _roster_labels(scheme: Scheme) -> dict[str, str]:
    """Header text (as split_label gives it) -> roster column: name, aliases or city."""
    table: dict[str, str] = {}
    district, city = scheme.columns["district"], scheme.columns.get("city")
    for label in district.labels():
        table.setdefault(split_label(label)[0], "name")
    for label in city.labels() if city is not None else ():
        table.setdefault(split_label(label)[0], "city")
    for key, written in ROSTER_LABELS.items():
        for label in written:
            table.setdefault(split_label(label)[0], key)
    return table


def _roster_units(
    path: Path, sheet: Sheet, header_row: int, columns: dict[str, int], issues: Issues
) -> list[District]:
    """One unit per filled row below the header (a 合计 row left out): a row without a name,
    and a name (or alias) given twice, are errors at their cells; the rows after them are
    still read."""
    arrays, _, count = sheet.body(header_row + 1, columns, set())
    blank = [""] * count
    names = np.asarray(arrays["name"], dtype=object)
    aliases = np.asarray(arrays["aliases"], dtype=object) if "aliases" in arrays else blank
    cities = np.asarray(arrays["city"], dtype=object) if "city" in arrays else blank
    letters = {key: column_letter(col) for key, col in columns.items()}
    seen: dict[str, str] = {}  # a name or alias (normalised) -> the cell that gave it first
    units: list[District] = []
    for position in range(count):
        row = header_row + 2 + position
        name = normalize_name(names[position])
        others = [normalize_name(a) for a in _ALIAS_SEPARATORS.split(str(aliases[position]))]
        others = [a for a in others if a and a != name]
        city = normalize_name(cities[position])
        where: dict[str, Any] = {"file": str(path), "sheet": sheet.name}
        if says_total(name):
            continue  # a 合计 row under the list counts the units, and is none of them
        if not name:
            if others or city:
                issues.add("roster.blank-name", cell=f"{letters['name']}{row}", **where)
            continue
        kept = []  # a name or alias already given is said at its cell and not taken again
        for written, key in [(name, "name"), *((a, "aliases") for a in others)]:
            cell = f"{letters[key]}{row}"
            first = seen.setdefault(written, cell)
            if first == cell:
                kept.append(written)
                continue
            issues.add("roster.duplicate-name", {"name": written, "other": first},
                       value=written, cell=cell, **where)  # fmt: skip
        if kept and kept[0] == name:
            units.append(District(name=name, aliases=list(dict.fromkeys(kept[1:])),
                                  city=city or None))  # fmt: skip
    if not units and not issues:
        issues.add("roster.empty", file=str(path), sheet=sheet.name)
    return units
