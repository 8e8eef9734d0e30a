"""Finding the rule file for some data: --rules, the one a template records, ./rules/, the year."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..bundled import bundled_dir
from ..errors import SchemeNotFound
from ..messages import Message, say
from .load import YamlLimit, parse_yaml, read_rule_file


def _scheme_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def known_schemes() -> list[Path]:
    """The rule files bundled with scorer."""
    return _scheme_files(bundled_dir("rules"))


def _year_of(path: Path) -> int | None:
    """The year a rule file says it is for; None when it cannot be read."""
    text = read_rule_file(path)[0]
    try:
        raw = parse_yaml(text)[1] if text is not None else None
    except (yaml.YAMLError, YamlLimit, RecursionError):
        return None
    year = raw.get("year") if isinstance(raw, dict) else None
    return year if isinstance(year, int) else None


def choose_scheme(
    data_paths: list[str], rules: str | None, cwd: Path | None = None
) -> tuple[Path, Message]:
    """The rule file to use and why: --rules; the scheme a template made by
    ``scorer template`` records; the only one in ./rules/; or the bundled scheme of the year in
    the data file's name."""
    cwd = cwd or Path.cwd()
    if rules:
        path = Path(rules)
        if path.is_file():
            return path, say("reason.rules")
        for candidate in _candidates(cwd):
            if candidate.stem == rules or candidate.name == rules:
                return candidate, say("reason.rules")
        raise SchemeNotFound(_not_found_message(say("scheme.not_found", name=rules), cwd))
    recorded = recorded_schemes(data_paths)
    if len(recorded) == 1:
        name = recorded.pop()
        for candidate in _candidates(cwd):
            if candidate.name == name:
                return candidate, say("reason.recorded", name=name)
    local = _scheme_files(cwd / "rules")
    if len(local) == 1:
        return local[0], say("reason.local")
    years = years_in_names(data_paths)
    if len(years) == 1:
        year = years.pop()
        matching = [p for p in _candidates(cwd) if _year_of(p) == year]
        if len(matching) == 1:
            return matching[0], say("reason.year", year=year)
        reason = say("scheme.many_of_year", n=len(matching), year=year)
    elif years:
        reason = say("scheme.several_years")
    else:
        reason = say("scheme.no_year")
    raise SchemeNotFound(_not_found_message(say("scheme.undecided", reason=reason), cwd))


def years_in_names(data_paths: list[str]) -> set[int]:
    """The years (19xx, 20xx) the data files' names give, as in 2010.xlsx or 合肥2010年.xlsx."""
    return {
        int(m)
        for p in data_paths
        for m in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", Path(p).name)
    }


RECORDED_PROPERTY = "scorer_scheme"  # custom document property set by ``scorer template``


def recorded_schemes(data_paths: list[str]) -> set[str]:
    """The rule-file names recorded in the workbooks (files, or those in folders) by
    ``scorer template``, read from docProps/custom.xml without opening the sheets."""
    import zipfile
    from xml.etree import ElementTree

    files: list[Path] = []
    for given in data_paths:
        path = Path(given)
        files.extend(sorted(path.glob("*.xlsx")) if path.is_dir() else [path])
    names: set[str] = set()
    for path in files:
        if path.suffix.lower() != ".xlsx" or not path.is_file():
            continue
        try:
            with zipfile.ZipFile(path) as archive:
                root = ElementTree.fromstring(archive.read("docProps/custom.xml"))
        except (KeyError, OSError, zipfile.BadZipFile, ElementTree.ParseError):
            continue
        for prop in root:
            if prop.get("name") == RECORDED_PROPERTY and len(prop) and prop[0].text:
                names.add(prop[0].text)
    return names


def _candidates(cwd: Path) -> list[Path]:
    """The bundled schemes, each replaced by a file of the same name in ./rules/, and the rest
    of ./rules/: a copy of a bundled scheme edited locally stands in for the original."""
    by_name = {p.name: p for p in known_schemes()}
    by_name.update({p.name: p for p in _scheme_files(cwd / "rules")})
    return sorted(by_name.values(), key=lambda p: p.name)


def _not_found_message(head: Message, cwd: Path) -> Message:
    known = "\n".join(f"  {path}  ({_year_of(path) or '?'})" for path in _candidates(cwd))
    return say("scheme.known", head=head, known=known)
