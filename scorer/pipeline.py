"""The service layer the command line and the library both call: choose the scheme, decide the
month, then scheme → intake → engine → ranking."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UsageError
from .messages import Message

if TYPE_CHECKING:  # the command line must start fast: pandas is imported only when used
    from .errors import Issue
    from .explain import Explainer
    from .intake import Dataset
    from .intake.previous import PriorPeriod
    from .ranking import Ranking
    from .scheme import Scheme
    from .sheets import Workbook


class MonthNeeded(UsageError):
    """The scheme scores progress against the time schedule and no month could be found."""

    def __init__(self, scheme: str, found: list[int]):
        super().__init__(f"{scheme}: no assessment month (found in the file names: {found})")
        self.scheme = scheme
        self.found = found


@dataclass
class Plan:
    """What a run will use, decided before its data are read: the scheme (and why it was
    chosen), the month (and where it came from), the files with their parse begun."""

    paths: list[str]
    scheme: Scheme
    scheme_path: Path | None
    reason: Message | None
    month: int
    month_source: str | None  # "option", "name", "scheme"; None: the scheme has no use for it
    workbooks: list[Workbook]
    # the previous period's files (--previous, or the scheme's ``previous:`` beside the rule file)
    previous: list[str] = field(default_factory=list)


@dataclass
class Result:
    """One run of the pipeline: the scheme, the data read, the ranking (None on errors)."""

    scheme: Scheme
    data: Dataset
    ranking: Ranking | None
    issues: list[Issue]
    month: int | None = None
    month_source: str | None = None
    scheme_path: Path | None = None  # the rule file the scheme was read from (None: given)
    level: str | None = None  # "city": counties rolled up into their cities
    prior: PriorPeriod | None = None  # the previous period (上期), when one was read

    def explainer(self) -> Explainer:
        """Explanations of every district's points (needs a ranking: data without errors)."""
        from .explain import Explainer

        if self.ranking is None:
            raise ValueError("the data have errors: nothing was scored")
        table = self.ranking.table.set_index("district")
        ranks = {d: int(r) for d, r in table["rank"].items()}
        return Explainer(self.ranking.assessment, self.data, ranks, table["grade"].to_dict())


def needs_month(scheme: Scheme) -> bool:
    """Whether the scheme scores anything against the time schedule (序时进度)."""
    if scheme.schedule.expected is not None:
        return True
    every = [scheme.rules_of(p) for p in scheme.projects]
    return any(i.method == "schedule" for rules in every for i in rules.indicators or [])


def decide_month(scheme: Scheme, paths: list[str], month: int | None) -> tuple[int, str | None]:
    """The assessment month and where it came from: --month; the data files' names (2015-06,
    1-9月, 第三季度, 上半年) when the scheme needs a month; the scheme's own ``schedule.month``.
    A scheme that needs a month and finds none is refused: it would be scored as December."""
    from .periods import month_of_name

    if month is not None:
        return month, "option"
    if not needs_month(scheme):
        return scheme.schedule.month, None
    found = sorted({m.month for m in map(month_of_name, paths) if m is not None})
    if len(found) == 1:
        return found[0], "name"
    if not found and "month" in scheme.schedule.model_fields_set:
        return scheme.schedule.month, "scheme"
    raise MonthNeeded(scheme.name, found)


def open_scheme(path: str | Path) -> Scheme:
    """A rule file read and checked, with the roster file it names (``roster:``) read too, for
    the commands that use the roster without reading data (template, rules show); a problem
    in either raises SchemeError listing each at its line or cell."""
    from .errors import SchemeError, has_errors
    from .scheme import load_scheme

    scheme = load_scheme(path)
    if scheme.roster is not None:
        from .intake.roster import load_roster

        problems = load_roster(scheme)
        if has_errors(problems):
            raise SchemeError(str(path), [p for p in problems if p.severity == "error"])
    return scheme


def prepare(
    paths: list[str | Path],
    rules: Scheme | str | Path | None = None,
    month: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    previous: list[str | Path] | None = None,
    roster: Path | None = None,
) -> Plan:
    """Open the files (their parse begins on worker threads), choose and load the scheme, and
    decide the month. The parse runs while the scheme, pandas and the later stages load: that
    takes half a second, which the parse hides."""
    from .sheets import open_files

    names = [str(p) for p in paths]
    workbooks = open_files(names, progress)
    from .scheme import Scheme, choose_scheme, load_scheme

    if isinstance(rules, Scheme):
        scheme, scheme_path, reason = rules, None, None
    else:
        scheme_path, reason = choose_scheme(names, None if rules is None else str(rules))
        scheme = load_scheme(scheme_path)
    if roster is not None and scheme.roster is not None:
        scheme.read_roster_at(roster)
    # the month is in the names of the files read, or of the folder they came in
    read = [str(w.path) for w in workbooks] + [n for n in names if Path(n).is_dir()]
    chosen, source = decide_month(scheme, read, month)
    earlier = previous_paths(scheme, scheme_path, previous)
    return Plan(names, scheme, scheme_path, reason, chosen, source, workbooks, earlier)


def previous_paths(
    scheme: Scheme, scheme_path: Path | None, given: list[str | Path] | None
) -> list[str]:
    """The previous period's files: those given (--previous), else those the scheme names,
    relative to the rule file (the rule file is only read, never written)."""
    if given:
        return [str(p) for p in given]
    base = scheme_path.parent if scheme_path is not None else Path.cwd()
    return [short_path(base / name) for name in scheme.previous_files()]


def short_path(path: str | Path) -> str:
    """A path as short as it can be said: relative to the current folder where it is inside
    (rules/../samples/x.xlsx → samples/x.xlsx), else as given, with its ``..`` resolved."""
    import os

    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return os.path.normpath(path)


def run(
    plan: Plan, progress: Callable[[int, int], None] | None = None, level: str | None = None
) -> Result:
    """Read and check the data, score, rank. No ranking when the data have errors.

    ``progress(done, total)`` is called as the files' rows are checked. ``level="city"`` rolls
    county rows up to their cities (所属市) before scoring."""
    from .awards import award_issues
    from .engine import score
    from .errors import Issue, has_errors
    from .intake import read_data, roll_up
    from .ranking import rank

    scheme = plan.scheme

    prior: PriorPeriod | None = None

    def result(data: Dataset, ranking: Ranking | None, issues: list[Issue]) -> Result:
        return Result(
            scheme, data, ranking, issues, plan.month, plan.month_source, plan.scheme_path, level,
            prior,
        )  # fmt: skip

    data = read_data(plan.paths, scheme, progress, plan.workbooks)
    issues = list(data.issues)
    if plan.previous or scheme.previous is not None or _uses_previous(scheme):
        prior, said = read_previous(plan, level)
        issues.extend(said)
    if has_errors(issues) or not data.districts:
        if not data.districts and not has_errors(issues):
            issues.append(Issue("no-districts"))
        return result(data, None, issues)
    if level == "city":
        if not data.groups:
            label = scheme.columns["city"].label if "city" in scheme.columns else "所属市"
            issues.append(Issue("no-cities", {"label": label}))
            return result(data, None, issues)
        data = roll_up(data, scheme)
    assessment = score(scheme, data, plan.month, prior)
    issues.extend(assessment.issues)
    issues.extend(award_issues(scheme, data.groups))  # rolled up: no groups, nothing to say
    return result(data, None if has_errors(issues) else rank(assessment), issues)


def _uses_previous(scheme: Scheme) -> bool:
    from .intake.previous import uses_previous

    return uses_previous(scheme)


def read_previous(plan: Plan, level: str | None) -> tuple[PriorPeriod | None, list[Issue]]:
    """The previous period's data through the same intake (limits, checks, roster) as this
    period's, and what is wrong with them; none given for a scheme that needs them is an
    error, given to a scheme that has no use for them a warning."""
    from .errors import Issue, has_errors
    from .intake import read_data, roll_up
    from .intake.previous import PriorPeriod, previous_issues, uses_previous

    scheme = plan.scheme
    needed = uses_previous(scheme)
    if not plan.previous:
        return None, [Issue("previous.none", {"scheme": scheme.name})] if needed else []
    data = read_data(plan.previous, scheme)
    said = previous_issues(data, plan.previous)
    if not needed:
        said.append(Issue("previous.unused", {"scheme": scheme.name}, severity="warning"))
    if has_errors(said):
        return None, said
    if level == "city" and data.groups:
        data = roll_up(data, scheme)
    return PriorPeriod(data, scheme, data.files), said


def assess(
    paths: list[str | Path],
    rules: Scheme | str | Path | None = None,
    month: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    level: str | None = None,
    previous: list[str | Path] | None = None,
    roster: Path | None = None,
) -> Result:
    """scheme → intake → engine → ranking, choosing the scheme and the month exactly as
    ``scorer assess`` does. ``rules``: a Scheme, a rule file, a bundled scheme's name, or None
    to choose as the command line does. ``previous``: last period's data files, for 同比/环比
    rules (上期(…), method: change); without it, the files the scheme's ``previous:`` names.
    ``roster``: a copy of the roster file the scheme names, read in its place (a stored run)."""
    return run(prepare(paths, rules, month, previous=previous, roster=roster), progress, level)


def rescore(result: Result, scheme: Scheme, month: int | None = None) -> Result:
    """The same data scored with another scheme of the same columns (a what-if), read once."""
    from .engine import score
    from .errors import has_errors
    from .ranking import rank

    month = result.month if month is None else month
    assessment = score(scheme, result.data, month, result.prior)
    issues = [*result.data.issues, *assessment.issues]
    ranking = None if has_errors(issues) else rank(assessment)
    return Result(scheme, result.data, ranking, issues, month, result.month_source, None,
                  result.level, result.prior)  # fmt: skip


# ----------------------------------------------------------------------------- many periods


def import_stages() -> None:
    """The modules a run of the pipeline needs, imported now (before workers are forked, which
    then have them)."""
    from . import awards, engine, ranking, sheets  # noqa: F401
    from .intake import isolation, limits, reading, xlsx  # noqa: F401


def parallel_processes(count: int) -> int:
    """How many processes ``Apart`` would share ``count`` periods among: one per core, where
    this process can be forked safely (Linux, no thread started yet); 1: do them here."""
    import os
    import sys
    import threading

    if count < 2 or not sys.platform.startswith("linux") or threading.active_count() > 1:
        return 1
    return max(1, min(count, os.cpu_count() or 1))


class Apart:
    """Jobs 0..count-1 shared among ``processes`` processes: this one does those whose number
    is a multiple of ``processes`` itself, when it comes to them; forked workers do the others
    (worker k those k, k + processes, …), each result pickled into a file in memory of its own
    as soon as it is done, so a worker never waits for this process to read it.

    Forked before any thread is started (``parallel_processes``) and after the modules the jobs
    need are imported: the workers share them, imported once. A job that raised, a result that
    would not pickle, a worker that died: ``take`` gives None for it, and the caller does that
    job itself, as it would have without workers, so that what it says (a file's problem at
    its cell, a usage error) is said here, in its turn, exactly as before. Nothing a worker
    writes on stderr reaches the user."""

    def __init__(self, count: int, job: Callable[[int], object], processes: int):
        import os

        self.processes = processes
        self.files = {
            i: os.memfd_create(f"scorer-period-{i}") for i in range(count) if not self.mine(i)
        }
        self.workers: dict[int, tuple[int, int]] = {}  # worker -> (pid, its pipe's read end)
        self.done: set[int] = set()
        for worker in range(1, processes):
            ours = list(range(worker, count, processes))
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read)
                self._work(ours, job, write)
            os.close(write)
            self.workers[worker] = (pid, read)

    def mine(self, index: int) -> bool:
        """Whether job ``index`` is this process's to do."""
        return index % self.processes == 0

    def _work(self, ours: list[int], job: Callable[[int], object], status: int) -> None:
        """A worker: its jobs in turn, each result written to its file and its number sent."""
        import os
        import pickle

        try:
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 1)
            os.dup2(quiet, 2)
            for index, file in self.files.items():
                if index not in ours:
                    os.close(file)
            for index in ours:
                try:
                    value = job(index)
                    with os.fdopen(self.files.pop(index), "wb", buffering=1 << 20) as stream:
                        pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
                    del value
                    os.write(status, index.to_bytes(4, "little"))
                except Exception:  # done again by the caller, who says what went wrong
                    continue
        finally:
            os._exit(0)

    def take(self, index: int) -> object | None:
        """Job ``index``'s result from its worker, once it is done; None when it is not to be had
        (the job raised, its worker died): do it here."""
        import os
        import pickle

        file = self.files.pop(index)
        try:
            pid, status = self.workers[index % self.processes]
            while index not in self.done:
                said = os.read(status, 4) if status >= 0 else b""
                if len(said) < 4:  # the worker ended: nothing more from it
                    return None
                finished = int.from_bytes(said, "little")
                self.done.add(finished)
                if finished > index:  # index failed: its worker went on to the next
                    return None
            with os.fdopen(os.dup(file), "rb") as stream:
                stream.seek(0)
                return pickle.load(stream)
        except Exception:
            return None
        finally:
            os.close(file)

    def close(self) -> None:
        """End the workers (whatever they still do is not needed) and let go of their files."""
        import contextlib
        import os
        import signal

        for pid, status in self.workers.values():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(status)
        self.workers = {}
        for file in self.files.values():
            os.close(file)
        self.files = {}
