"""Rendering results: JSON, reports, the intake template, files written whole or not at all."""

# json.py and files.py hold these; the names others import from scorer.render are re-exported.

from __future__ import annotations

from .files import (
    TEMP_PREFIX,
    TEMP_SUFFIX,
    probe_folder,
    remove_stale_temporaries,
    write_atomic,
)
from .json import (
    awards_list,
    dumps,
    issues_json,
    json_bytes,
    to_dict,
    to_json,
    to_json_chunks,
    whatif_dict,
)

__all__ = [
    "TEMP_PREFIX",
    "TEMP_SUFFIX",
    "awards_list",
    "dumps",
    "issues_json",
    "json_bytes",
    "probe_folder",
    "remove_stale_temporaries",
    "to_dict",
    "to_json",
    "to_json_chunks",
    "whatif_dict",
    "write_atomic",
]
