"""Text columns kept as Categoricals: judged and mapped once per distinct text, joined, and
turned into Python str at the end."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from ..scheme import normalize_name
from ..sheets import Texts, coded

TOTAL_WORDS = ("合计", "总计", "小计")


def judge(texts: pd.Categorical | Texts, test: Callable[[str], Any]) -> np.ndarray:
    """``test`` of each row's text as a bool array, judged once per distinct text."""
    verdicts = np.array([bool(test(t)) for t in texts.categories] + [False], dtype=bool)
    return verdicts[texts.codes]  # code -1 (missing) takes the last: False


@lru_cache(maxsize=1 << 16)  # the same names in every sheet
def says_total(text: str) -> bool:
    """A name that says 合计/总计/小计: a total row, not a district's or a project's."""
    return any(word in normalize_name(text) for word in TOTAL_WORDS)


def unique_map(values: pd.Series, function: Callable[[Any], Any]) -> pd.Series:
    """``function`` of each text of a Categorical column, computed once per distinct text; a
    Categorical again (a result of None is missing)."""
    mapped = [function(u) for u in values.cat.categories]
    return pd.Series(coded(values.cat.codes.to_numpy(), mapped), index=values.index)


def concat(pieces: list[dict[str, Any]]) -> pd.DataFrame:
    """The sheets' columns one under another, as one frame; texts become Categoricals. The
    pieces are emptied on the way, each column let go once joined (3M rows are 300 MB a copy),
    and the frame takes the joined arrays as they are."""
    joined: dict[str, Any] = {}
    for key, first in list(pieces[0].items()):
        if isinstance(first, (pd.Categorical, Texts)):
            labels = [t for piece in pieces for t in piece[key].categories]
            offsets = np.cumsum([0] + [len(piece[key].categories) for piece in pieces])
            codes = [
                np.where(piece[key].codes >= 0, piece[key].codes + offset, -1)
                if offset
                else piece[key].codes
                for piece, offset in zip(pieces, offsets)
            ]
            joined[key] = coded(np.concatenate(codes) if len(codes) > 1 else codes[0], labels)
        else:
            joined[key] = (
                np.concatenate([piece[key] for piece in pieces]) if len(pieces) > 1 else first
            )
        for piece in pieces:
            del piece[key]
    return pd.DataFrame(joined, copy=False)


def texts_as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    """The Categorical text columns as Python str: what the engine and the reports work with."""
    for key in frame.columns:
        if isinstance(frame[key].dtype, pd.CategoricalDtype):
            frame[key] = pd.Series(np.asarray(frame[key]), index=frame.index, dtype=object)
    return frame
