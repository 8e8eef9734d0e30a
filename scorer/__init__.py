"""scorer: score, rank and report how districts carry out livelihood projects (民生工程考核)."""

from __future__ import annotations

from .bundled import bundled_dir
from .pipeline import Result, assess, rescore

__version__ = "0.1.0"

__all__ = ["Result", "__version__", "assess", "bundled_dir", "rescore"]
