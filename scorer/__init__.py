"""scorer: score, rank and report how districts carry out livelihood projects (民生工程考核)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:  # the command line must start fast: pandas is imported only when used
    from .engine import Explainer
    from .errors import Issue
    from .intake import Dataset
    from .ranking import Ranking
    from .scheme import Scheme
    from .sheets import Workbook


def bundled_dir(kind: str) -> Path:
    """Where the bundled ``rules`` or ``samples`` are: inside the wheel, or the source tree."""
    package = Path(__file__).resolve().parent
    installed = package / "_bundled" / kind
    return installed if installed.is_dir() else package.parent / kind


@dataclass
class Result:
    """One run of the pipeline: the scheme, the data read, the ranking (None on errors)."""

    scheme: Scheme
    data: Dataset
    ranking: Ranking | None
    issues: list[Issue]

    def explainer(self) -> Explainer:
        """Explanations of every district's points (needs a ranking: data without errors)."""
        from .engine import Explainer

        if self.ranking is None:
            raise ValueError("the data have errors: nothing was scored")
        table = self.ranking.table.set_index("district")
        ranks = {d: int(r) for d, r in table["rank"].items()}
        return Explainer(self.ranking.assessment, self.data, ranks, table["grade"].to_dict())


def assess(
    paths: list[str | Path],
    scheme: Scheme | str | Path,
    month: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    level: str | None = None,
    workbooks: list[Workbook] | None = None,
) -> Result:
    """scheme → intake → engine → ranking. No ranking when the data have errors.

    ``progress(done, total)`` is called as the files are read. ``level="city"`` rolls county
    rows up to their cities (所属市) before scoring. ``workbooks``: the files as
    ``sheets.open_files`` opened them, when the caller began their parse earlier still."""
    from .sheets import open_files

    # The files' parse begins on worker threads before the scheme, pandas and the later stages
    # are loaded: that takes half a second, which the parse hides.
    if workbooks is None:
        workbooks = open_files(paths)
    from .scheme import Scheme, load_scheme

    if not isinstance(scheme, Scheme):
        scheme = load_scheme(scheme)
    from .engine import score
    from .errors import has_errors
    from .intake import read_data, roll_up
    from .ranking import award_issues, rank

    data = read_data(paths, scheme, progress, workbooks)
    issues = list(data.issues)
    if has_errors(issues) or not data.districts:
        if not data.districts and not has_errors(issues):
            from .errors import Issue

            issues.append(Issue("no-districts"))
        return Result(scheme, data, None, issues)
    if level == "city":
        if not data.groups:
            from .errors import Issue

            label = scheme.columns["city"].label if "city" in scheme.columns else "所属市"
            issues.append(Issue("no-cities", {"label": label}))
            return Result(scheme, data, None, issues)
        data = roll_up(data, scheme)
    assessment = score(scheme, data, month)
    issues.extend(assessment.issues)
    issues.extend(award_issues(scheme, data.groups))  # rolled up: no groups, nothing to say
    ranking = None if has_errors(issues) else rank(assessment)
    return Result(scheme, data, ranking, issues)


def rescore(result: Result, scheme: Scheme, month: int | None = None) -> Result:
    """The same data scored with another scheme of the same columns (a what-if), read once."""
    from .engine import score
    from .errors import has_errors
    from .ranking import rank

    assessment = score(scheme, result.data, month)
    issues = [*result.data.issues, *assessment.issues]
    return Result(scheme, result.data, None if has_errors(issues) else rank(assessment), issues)
