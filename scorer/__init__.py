"""scorer: score, rank and report how districts carry out livelihood projects (民生工程考核)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .bundled import bundled_dir

if TYPE_CHECKING:
    from .pipeline import Result, assess, rescore

__version__ = "0.1.0"

__all__ = ["Result", "__version__", "assess", "bundled_dir", "rescore"]


def __getattr__(name: str) -> Any:
    """The pipeline's names, loaded when first asked for: `scorer --help` needs none of them."""
    if name in ("Result", "assess", "rescore"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'scorer' has no attribute {name!r}")
