"""Rule files (考核方案): the format, reading and checking one with line numbers, and finding it."""

from __future__ import annotations

from typing import Any

from ..errors import SchemeNotFound
from .discovery import RECORDED_PROPERTY, choose_scheme, known_schemes, recorded_schemes
from .load import MAX_RULE_BYTES, MAX_YAML_DEPTH, MAX_YAML_VALUES, read_rule_file
from .model import (
    ID_COLUMNS,
    INDICATOR_MODELS,
    LARGEST,
    METHOD_NAMES,
    POINTS_LIMIT,
    SURVEY_WORDS,
    Adjustment,
    Award,
    Check,
    Column,
    Indicator,
    Linear,
    PassFail,
    Project,
    Proportional,
    RankBand,
    RankPoints,
    RankRules,
    RelativeToBest,
    Rules,
    Schedule,
    ScheduleTable,
    Scheme,
    SensitivityRules,
    Survey,
    Tier,
    Tiers,
    json_schema,
    rules_summary,
)
from .names import WHITESPACE, NameMatch, ProjectIndex, normalize_name
from .validate import RESERVED_COLUMN_KEYS, check_scheme_file, check_scheme_text, load_scheme

__all__ = [
    "ID_COLUMNS",
    "INDICATOR_MODELS",
    "LARGEST",
    "MAX_RULE_BYTES",
    "MAX_YAML_DEPTH",
    "MAX_YAML_VALUES",
    "METHOD_NAMES",
    "POINTS_LIMIT",
    "RECORDED_PROPERTY",
    "RESERVED_COLUMN_KEYS",
    "SURVEY_WORDS",
    "WHITESPACE",
    "Adjustment",
    "Award",
    "Check",
    "Column",
    "Indicator",
    "Linear",
    "NameMatch",
    "PassFail",
    "Project",
    "ProjectIndex",
    "Proportional",
    "RankBand",
    "RankPoints",
    "RankRules",
    "RelativeToBest",
    "Rules",
    "Schedule",
    "ScheduleTable",
    "Scheme",
    "SchemeNotFound",
    "SensitivityRules",
    "Survey",
    "Tier",
    "Tiers",
    "check_scheme_file",
    "check_scheme_text",
    "choose_scheme",
    "json_schema",
    "known_schemes",
    "load_scheme",
    "normalize_name",
    "read_rule_file",
    "recorded_schemes",
    "rules_summary",
]


def __getattr__(name: str) -> Any:
    """``from .scheme import changed`` still works (sensitivity.py and cli.py use it) until
    they import it from ``.whatif``, its home; loaded on first use, as it was."""
    if name == "changed":
        from ..whatif import changed

        return changed
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
