"""Finding a district or a city the user typed (合肥 for 合肥市) among those in the data."""

from __future__ import annotations

import difflib

from .scheme import normalize_name


def find_city(wanted: str, cities: list[str]) -> str | None:
    """The city meant by ``wanted``: its full name, or the name without its 市."""
    key = normalize_name(wanted)
    return next((c for c in cities if c == key or c == key + "市"), None)


def find_district(wanted: str, districts: list[str]) -> tuple[str | None, list[str]]:
    """The district meant by ``wanted`` (its name, or the one name containing it: 合肥 for
    合肥市), and when there is none, the names it is closest to."""
    by_key = {normalize_name(d): d for d in districts}
    key = normalize_name(wanted)
    if key in by_key:
        return by_key[key], []
    inside = [d for k, d in by_key.items() if key in k]
    if len(inside) == 1:
        return inside[0], []
    close = difflib.get_close_matches(key, list(by_key), n=3, cutoff=0.3)
    return None, [by_key[c] for c in close]
