"""The page's work: uploads written into a private folder, each run read on a worker thread
with its progress, saved in the store, and its result kept for the pages that show it."""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ScorerError
from ..messages import Message, say
from ..store import Store, safe_name

if TYPE_CHECKING:
    from werkzeug.datastructures import FileStorage

    from ..pipeline import Result

ACCEPTED = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
RULE_SUFFIXES = (".yaml", ".yml")
KEPT_RESULTS = 8  # results held in memory; others are scored again from the store when shown


@dataclass
class Job:
    """One upload being read and scored: how far it is, and what came of it."""

    id: str
    done: float = 0.0
    total: int = 1
    finished: threading.Event = field(default_factory=threading.Event)
    run_id: int | None = None
    failure: Message | None = None
    started: float = field(default_factory=time.monotonic)

    def progress(self, done: float, total: int) -> None:
        self.done, self.total = done, max(total, 1)


@dataclass
class Upload:
    """The files of one request, as written into the job's folder, with the names given."""

    paths: list[Path]
    names: list[str]
    skipped: list[str]


class Work:
    """Jobs, their folders and the results they made. The store is opened per use (SQLite
    connections are per thread); its path is all that is kept."""

    def __init__(self, db: str | Path | None):
        self.db = db
        with Store(db) as store:  # made (and migrated) now: a bad path fails at start
            self.db_path = store.path
        self.root = Path(tempfile.mkdtemp(prefix="scorer-serve-"))  # 0700: this user's only
        self.jobs: dict[str, Job] = {}
        self.results: OrderedDict[int, Result] = OrderedDict()
        self.notes: dict[int, Message] = {}  # a run's note: a re-run that gave other numbers
        self.lock = threading.Lock()

    def store(self) -> Store:
        return Store(self.db_path)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # ------------------------------------------------------------------------- uploads

    def folder(self, kind: str) -> Path:
        """A new folder of our naming under the server's private one."""
        path = self.root / f"{kind}-{secrets.token_hex(8)}"
        path.mkdir(mode=0o700)
        return path

    def take_files(self, files: list[FileStorage], folder: Path) -> Upload:
        """Each uploaded data file written under a name of our making (its given name reduced to
        one safe component, in a numbered folder when two share it); the rest skipped."""
        paths: list[Path] = []
        names: list[str] = []
        skipped: list[str] = []
        used: set[str] = set()
        for number, storage in enumerate(files):
            given = storage.filename or ""
            name = safe_name(given, f"file-{number}")
            if Path(name).suffix.lower() not in ACCEPTED or name.startswith("~$"):
                if given:
                    skipped.append(given)
                continue
            place = folder if name not in used else folder / f"{number:04d}"
            place.mkdir(exist_ok=True)
            used.add(name)
            path = place / name
            storage.save(str(path))
            paths.append(path)
            names.append(given)
        return Upload(paths, names, skipped)

    def take_rule_file(self, storage: FileStorage, folder: Path) -> Path:
        name = safe_name(storage.filename or "", "scheme.yaml")
        if Path(name).suffix.lower() not in RULE_SUFFIXES:
            raise ScorerError(say("serve.not_a_rule_file", name=storage.filename or ""))
        path = folder / "rules" / name
        path.parent.mkdir()
        storage.save(str(path))
        return path

    def scheme_file(self, scheme_id: int) -> Path:
        """A stored scheme written out as a rule file (under the name it was saved from)."""
        with self.store() as store:
            scheme = store.scheme(scheme_id)
        path = self.folder("scheme") / safe_name(scheme.source, "scheme.yaml")
        path.write_text(scheme.text, encoding="utf-8")
        return path

    # ------------------------------------------------------------------------- runs

    def start(
        self,
        upload: Upload,
        rules: str | Path | None,
        month: int | None,
        level: str | None,
    ) -> Job:
        """Read, score and save the upload on a worker thread; the job tells how far it is."""
        job = Job(secrets.token_urlsafe(12))
        with self.lock:
            self.jobs[job.id] = job
        thread = threading.Thread(
            target=self._run, args=(job, upload, rules, month, level), daemon=True
        )
        thread.start()
        return job

    def _run(self, job: Job, upload: Upload, rules, month, level) -> None:
        from ..pipeline import MonthNeeded, prepare, run

        try:
            # one bar for both passes over the files, as the command line's
            plan = prepare(
                list[str | Path](upload.paths), rules, month, lambda d, t: job.progress(d / 2, t)
            )
            result = run(plan, lambda d, t: job.progress((t + d) / 2, t), level)
            with self.store() as store:
                saved = store.save(result, "web", upload.names)
            self.keep(saved.run_id, result)
            if saved.differs:
                key = "history.differs_published" if saved.published_differs else "history.differs"
                ids = [f"#{i}" for i in (saved.published_differs or saved.differs)]
                self.notes[saved.run_id] = say(key, id=saved.run_id, ids=ids)
            job.run_id = saved.run_id
        except MonthNeeded as exc:
            months = [str(m) for m in exc.found]
            key = "serve.month_several" if exc.found else "serve.month_needed"
            job.failure = say(key, name=exc.scheme, found=months)
        except ScorerError as exc:
            said = exc.said
            job.failure = said if isinstance(said, Message) else say("serve.failed", error=said)
        except Exception as exc:  # a bug: said, not a thread dying silently
            job.failure = say("internal", error=f"{type(exc).__name__}: {exc}")
        finally:
            job.finished.set()

    def job(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def keep(self, run_id: int, result: Result) -> None:
        with self.lock:
            self.results[run_id] = result
            self.results.move_to_end(run_id)
            while len(self.results) > KEPT_RESULTS:
                self.results.popitem(last=False)

    def result(self, run_id: int) -> Result:
        """A run's result: kept from its upload, else scored again from the store's files."""
        with self.lock:
            found = self.results.get(run_id)
        if found is not None:
            return found
        with self.store() as store:
            result = store.rerun(run_id, self.folder("stored"))
        self.keep(run_id, result)
        return result

    def shown_name(self, path: Any) -> str:
        """A file's name as the page shows it: its path within our folders left out."""
        text = str(path)
        root = str(self.root)
        if text.startswith(root):
            parts = Path(text).relative_to(self.root).parts
            return parts[-1] if parts else text
        return text
