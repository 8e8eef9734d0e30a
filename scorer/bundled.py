"""Where the rule files and samples that come with the package are."""

from __future__ import annotations

from pathlib import Path


def bundled_dir(kind: str) -> Path:
    """Where the bundled ``rules`` or ``samples`` are: inside the wheel, or the source tree."""
    package = Path(__file__).resolve().parent
    installed = package / "_bundled" / kind
    return installed if installed.is_dir() else package.parent / kind
