"""Several sources for one district and project, merged by district + project: the districts'
returns, and the columns others hold (督查评分 and 扣分 from the office's inspection workbook,
满意度 from the statistics bureau: ``source:`` on a column). A return sent twice (盖章版 and
修改版) is one error naming both files; two values for one office cell, one naming both cells."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .dataset import where
from .issues import CheckedRows, location_columns


def check_returns_once(rows: CheckedRows) -> None:
    """A district's rows of the returns found in two sheets (two files, as 盖章版 and 修改版):
    one error per district and pair of sheets, naming both; the later sheet's rows left out.
    (The same district and project twice on one sheet is a duplicate row, said as today.)"""
    frame, sources = rows.frame, rows.sources
    origin = np.array([s.origin for s in sources], dtype=object)[frame["_source"].to_numpy()]
    returns = pd.isna(origin) if len(origin) else np.zeros(0, dtype=bool)
    keyed = returns & (frame["project"].notna() & (frame["district"] != "")).to_numpy()
    if not keyed.any():
        return
    pairs = frame.loc[keyed, ["district", "project", "_source"]]
    first = pairs.drop_duplicates(["district", "project"]).set_index(["district", "project"])
    first_source = first["_source"].reindex(
        pd.MultiIndex.from_frame(pairs[["district", "project"]])
    )
    other = first_source.to_numpy() != pairs["_source"].to_numpy()
    if not other.any():
        return
    drop = np.zeros(len(frame), dtype=bool)
    said: set[tuple[str, int, int]] = set()
    positions = np.flatnonzero(keyed)[other]
    for position, kept in zip(positions.tolist(), first_source.to_numpy()[other].tolist()):
        district = str(frame["district"].iat[position])
        here = int(frame["_source"].iat[position])
        drop[position] = True
        if (district, int(kept), here) in said:
            continue
        said.add((district, int(kept), here))
        kept_src, here_src = sources[int(kept)], sources[here]
        rows.issues.add(
            "duplicate-return",
            {"district": district, "file": _named(kept_src.file, kept_src.sheet),
             "other": _named(here_src.file, here_src.sheet)},
            file=here_src.file, sheet=here_src.sheet,
        )  # fmt: skip
        rows.faulty.add((here, int(frame["_row"].iat[position])))
    rows.frame = frame[~drop].reset_index(drop=True)


def _named(file: str, sheet: str) -> str:
    return f"{Path(file).name} › {sheet}"


def merge_sources(rows: CheckedRows) -> None:
    """The rows of each other source joined to the returns' rows by district + project: each
    of its columns taken from it, with where it was. Two sheets of one source giving one cell
    two values is an error naming both cells; a row of another source with no return row for
    it is left out (the return's missing project or missing return is said)."""
    frame, sources, scheme = rows.frame, rows.sources, rows.scheme
    origins = sorted({s.origin for s in sources if s.origin is not None})
    if not origins:
        return
    origin = np.array([s.origin for s in sources], dtype=object)[frame["_source"].to_numpy()]
    keyed = (frame["project"].notna() & (frame["district"] != "")).to_numpy()
    merged = frame[pd.isna(origin)].reset_index(drop=True)
    for name in origins:
        keys = [k for k in scheme.measure_keys() if scheme.held_by(k) == name]
        theirs = frame[(origin == name) & keyed]
        theirs = _one_row_each(rows, theirs, keys)
        at_source, at_row = location_columns(name)
        lookup = theirs.set_index(["district", "project"])
        index = pd.MultiIndex.from_frame(merged[["district", "project"]].astype(object))
        found = lookup.reindex(index)
        for key in keys:
            merged[key] = found[key].to_numpy(dtype=float)
        merged[at_source] = found["_source"].fillna(-1).to_numpy(dtype=np.int64)
        merged[at_row] = found["_row"].fillna(-1).to_numpy(dtype=np.int64)
    rows.frame = merged


def _one_row_each(rows: CheckedRows, theirs: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per district and project of one source: a second row's values fill the first's
    blanks; a value that differs from the first's is a conflict, said at both cells."""
    theirs = theirs.astype({"district": object, "project": object})
    repeated = theirs.duplicated(["district", "project"], keep="first").to_numpy()
    if not repeated.any():
        return theirs
    firsts = theirs[~repeated].set_index(["district", "project"])
    firsts = firsts.copy()
    for position in np.flatnonzero(repeated).tolist():
        row = theirs.iloc[position]
        pair = (row["district"], row["project"])
        kept = firsts.loc[pair]
        for key in keys:
            value, before = float(row[key]), float(kept[key])
            if np.isnan(value):
                continue
            if np.isnan(before):
                firsts.loc[pair, key] = value
                continue
            if abs(value - before) > 1e-9:
                cell = where(rows.sources, int(kept["_source"]), int(kept["_row"]), key)
                here = where(rows.sources, int(row["_source"]), int(row["_row"]), key)
                label = rows.scheme.columns[key].label
                rows.issues.add(
                    "source-conflict",
                    {"district": pair[0], "project": pair[1], "label": label,
                     "other": f"{Path(cell['file']).name} › {cell['sheet']} › {cell['cell']}",
                     "first": f"{before:g}"},
                    value=f"{value:g}", **here,
                )  # fmt: skip
                rows.faulty.add((int(row["_source"]), int(row["_row"])))
    return firsts.reset_index()
