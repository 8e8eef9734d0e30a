"""Finding the rule file for some data: --rules, the one a template records, ./rules/, the year."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..bundled import bundled_dir
from ..errors import SchemeNotFound
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
) -> tuple[Path, dict[str, str]]:
    """The rule file to use and why ({"zh": …, "en": …}): --rules; the scheme a template made by
    ``scorer template`` records; the only one in ./rules/; or the bundled scheme of the year in
    the data file's name."""
    cwd = cwd or Path.cwd()
    if rules:
        path = Path(rules)
        if path.is_file():
            return path, {"zh": "--rules", "en": "--rules"}
        for candidate in _candidates(cwd):
            if candidate.stem == rules or candidate.name == rules:
                return candidate, {"zh": "--rules", "en": "--rules"}
        raise SchemeNotFound(_not_found_message(f"找不到考核方案 {rules} (no such rule file)", cwd))
    recorded = recorded_schemes(data_paths)
    if len(recorded) == 1:
        name = recorded.pop()
        for candidate in _candidates(cwd):
            if candidate.name == name:
                return candidate, {
                    "zh": f"填报表记录的方案 {name}",
                    "en": f"the scheme the template records, {name}",
                }
    local = _scheme_files(cwd / "rules")
    if len(local) == 1:
        return local[0], {"zh": "./rules/ 中唯一的方案", "en": "the only scheme in ./rules/"}
    years = years_in_names(data_paths)
    if len(years) == 1:
        year = years.pop()
        matching = [p for p in _candidates(cwd) if _year_of(p) == year]
        if len(matching) == 1:
            return matching[0], {
                "zh": f"数据文件名中的年份 {year}",
                "en": f"the year {year} in the data file's name",
            }
        reason = f"有 {len(matching)} 个 {year} 年度的方案 ({len(matching)} schemes for {year})"
    elif years:
        reason = "数据文件名中有多个年份 (the file names give several years)"
    else:
        reason = "数据文件名中没有年份 (no year in the data file's name)"
    raise SchemeNotFound(
        _not_found_message(f"无法确定考核方案：{reason}。请用 --rules 指定 (use --rules)", cwd)
    )


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


def _not_found_message(head: str, cwd: Path) -> str:
    lines = [head, "已知的考核方案 (known schemes):"]
    for path in _candidates(cwd):
        lines.append(f"  {path}  ({_year_of(path) or '?'})")
    return "\n".join(lines)
