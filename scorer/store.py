"""Every run kept: a local SQLite database of the assessments, their schemes, input files and
results, readable with any SQLite tool. The tables are documented in ``MIGRATIONS`` below.

Long because: the tables' SQL (some 120 lines of migrations, with their comments) is kept
beside the one class that reads and writes them, so that a column and its use are read together."""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import os
import re
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from .errors import ScorerError
from .messages import say

if TYPE_CHECKING:
    from .pipeline import Result

# ----------------------------------------------------------------------------- the tables

# Each migration takes the database from version N to N + 1 (PRAGMA user_version), in one
# transaction: a database is at one version or the next, never between. Add new ones at the end;
# never change one that has shipped.
MIGRATIONS: list[str] = [
    """
    -- a rule file's text as it was used (every version the office saved, every file a run used)
    CREATE TABLE schemes (
        id          INTEGER PRIMARY KEY,
        sha256      TEXT NOT NULL UNIQUE,     -- SHA-256 of the text in UTF-8
        name        TEXT NOT NULL,            -- the scheme's own name (name: in the file)
        source      TEXT NOT NULL,            -- the file it came from, as the user named it
        parent_id   INTEGER REFERENCES schemes(id),  -- the version it was edited from, if any
        saved       INTEGER NOT NULL DEFAULT 0,      -- 1: listed among the office's schemes
        text        TEXT NOT NULL,
        created_at  TEXT NOT NULL,            -- ISO 8601, UTC
        created_by  TEXT NOT NULL
    );
    -- the input files themselves, by content; read-only once stored
    CREATE TABLE files (
        sha256   TEXT PRIMARY KEY,
        size     INTEGER NOT NULL,
        content  BLOB NOT NULL
    );
    -- one assessment: who ran it, when, on what, and whether it is published (定稿)
    CREATE TABLE runs (
        id            INTEGER PRIMARY KEY,
        created_at    TEXT NOT NULL,          -- ISO 8601, UTC
        created_by    TEXT NOT NULL,          -- the user's login name
        origin        TEXT NOT NULL,          -- 'cli' or 'web'
        scheme_id     INTEGER NOT NULL REFERENCES schemes(id),
        month         INTEGER,                -- the assessment month used
        month_source  TEXT,                   -- option, name, scheme; NULL: not needed
        level         TEXT,                   -- NULL, or 'city' (counties rolled up)
        ranked        INTEGER NOT NULL,       -- 1: ranked; 0: the data had errors
        districts     INTEGER NOT NULL,       -- districts read
        file_count    INTEGER NOT NULL,       -- rows in run_files (a complete save has them all)
        result_json   BLOB,                   -- `scorer assess --format json` of the run
        published_at  TEXT,                   -- set once: the run is 定稿 and can never change
        published_by  TEXT
    );
    CREATE TABLE run_files (
        run_id    INTEGER NOT NULL REFERENCES runs(id),
        position  INTEGER NOT NULL,
        name      TEXT NOT NULL,              -- the file's name as given (a path on the CLI)
        size      INTEGER NOT NULL,
        sha256    TEXT NOT NULL REFERENCES files(sha256),
        PRIMARY KEY (run_id, position)
    );
    -- one row per district of a ranked run, best first
    CREATE TABLE results (
        run_id       INTEGER NOT NULL REFERENCES runs(id),
        district     TEXT NOT NULL,
        rank         INTEGER NOT NULL,
        total        REAL NOT NULL,
        grade        TEXT NOT NULL,
        earned       REAL NOT NULL,
        available    REAL NOT NULL,
        survey_rank  INTEGER,
        PRIMARY KEY (run_id, district)
    );
    -- each district's points on each project (NULL: suspended, 暂缓实施)
    CREATE TABLE points (
        run_id    INTEGER NOT NULL REFERENCES runs(id),
        district  TEXT NOT NULL,
        project   TEXT NOT NULL,
        points    REAL,
        PRIMARY KEY (run_id, district, project)
    );
    -- the problems found, with their place, in both languages
    CREATE TABLE issues (
        run_id      INTEGER NOT NULL REFERENCES runs(id),
        position    INTEGER NOT NULL,
        code        TEXT NOT NULL,
        severity    TEXT NOT NULL,
        file        TEXT,
        sheet       TEXT,
        cell        TEXT,
        line        INTEGER,
        value       TEXT,
        message_zh  TEXT NOT NULL,
        hint_zh     TEXT NOT NULL,
        message_en  TEXT NOT NULL,
        hint_en     TEXT NOT NULL,
        PRIMARY KEY (run_id, position)
    );
    CREATE INDEX run_files_sha256 ON run_files(sha256);

    -- stored files never change, and are never removed while a run uses them
    CREATE TRIGGER files_read_only BEFORE UPDATE ON files
    BEGIN SELECT RAISE(ABORT, 'stored files are read-only'); END;
    CREATE TRIGGER files_kept BEFORE DELETE ON files
    WHEN EXISTS (SELECT 1 FROM run_files WHERE sha256 = OLD.sha256)
    BEGIN SELECT RAISE(ABORT, 'stored files are read-only'); END;
    CREATE TRIGGER schemes_read_only BEFORE UPDATE OF text, sha256 ON schemes
    BEGIN SELECT RAISE(ABORT, 'a stored scheme text is read-only: save a new version'); END;

    -- a published run (定稿) can be neither changed nor deleted, nor its rows
    CREATE TRIGGER runs_published_update BEFORE UPDATE ON runs
    WHEN OLD.published_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'published run'); END;
    CREATE TRIGGER runs_published_delete BEFORE DELETE ON runs
    WHEN OLD.published_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'published run'); END;
    """
    + "".join(
        f"""
    CREATE TRIGGER {table}_published_{what} BEFORE {what.upper()} ON {table}
    WHEN (SELECT published_at FROM runs WHERE id = {row}.run_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'published run'); END;
    """
        for table in ("run_files", "results", "points", "issues")
        for what, row in (("insert", "NEW"), ("update", "OLD"), ("delete", "OLD"))
    ),
    """
    -- what each file was to its run: the returns ('data'), the roster file the scheme names
    -- ('roster') or the previous period's returns ('previous'); a run scored again reads them all
    ALTER TABLE run_files ADD COLUMN role TEXT NOT NULL DEFAULT 'data'
        CHECK (role IN ('data', 'roster', 'previous'));
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)

STORED_RUN = re.compile(r"(?:run|运行):(\d+)\Z")  # how the command line names a stored run


class StoreError(ScorerError):
    """The database cannot be used as asked (a published run changed, a run that is not there)."""


class StoreUsageError(StoreError):
    """A stored run named that the database does not hold."""

    exit_code = 2


def default_path() -> Path:
    """The database in the user's data folder: $SCORER_DB, else the platform's data folder."""
    given = os.environ.get("SCORER_DB")
    if given:
        return Path(given)
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "scorer" / "runs.sqlite"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def local_time(stamp: str | None) -> str:
    """A stored UTC time as the user's clock shows it: 2026-03-01 14:05."""
    if not stamp:
        return ""
    return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")


def who() -> str:
    """The user's login name, as runs record who made them."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (a container without an entry in passwd)
        return str(os.getuid()) if hasattr(os, "getuid") else "?"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ----------------------------------------------------------------------------- what comes back


@dataclass(frozen=True)
class StoredFile:
    position: int
    name: str
    size: int
    sha256: str
    role: str = "data"  # data | roster | previous


@dataclass(frozen=True)
class StoredScheme:
    id: int
    sha256: str
    name: str
    source: str
    parent_id: int | None
    saved: bool
    text: str
    created_at: str
    created_by: str


@dataclass(frozen=True)
class StoredRun:
    """A run as the database holds it (its rows in results, points and issues are read apart)."""

    id: int
    created_at: str
    created_by: str
    origin: str
    scheme_id: int
    scheme_name: str
    month: int | None
    month_source: str | None
    level: str | None
    ranked: bool
    districts: int
    published_at: str | None
    published_by: str | None
    files: tuple[StoredFile, ...]  # the returns
    read_beside: tuple[StoredFile, ...] = ()  # the roster file and the previous period's files

    @property
    def published(self) -> bool:
        return self.published_at is not None


@dataclass(frozen=True)
class Saved:
    """What saving a run did: its id, and the earlier runs on the same inputs that disagree."""

    run_id: int
    differs: tuple[int, ...]  # earlier runs on the same scheme, files and month, other numbers
    published_differs: tuple[int, ...]  # of those, the published ones


# ----------------------------------------------------------------------------- the database


class Store:
    """The database of runs. Each save is one transaction (WAL, synchronous=FULL): a crash
    mid-write leaves the database as it was before that save."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else default_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                      check_same_thread=False)  # fmt: skip
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = FULL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(say("store.unusable", path=str(self.path), detail=str(exc))) from exc
        except OSError as exc:
            detail = exc.strerror or str(exc)
            raise StoreError(say("store.unusable", path=str(self.path), detail=detail)) from exc

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any failure: all of it or none of it."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        """Bring the database to SCHEMA_VERSION, one migration per transaction; refuse a
        database made by a newer scorer rather than guess at its tables."""
        current = self.version()
        if current > SCHEMA_VERSION:
            raise StoreError(
                say("store.too_new", path=str(self.path), found=current, known=SCHEMA_VERSION)
            )
        for number in range(current, SCHEMA_VERSION):
            with self._transaction() as db:
                for statement in _statements(MIGRATIONS[number]):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number + 1}")

    # ------------------------------------------------------------------------- schemes

    def add_scheme(
        self,
        text: str,
        name: str,
        source: str,
        parent_id: int | None = None,
        saved: bool = False,
    ) -> int:
        """The id of a scheme text (stored once by its SHA-256; ``saved`` lists it)."""
        with self._transaction() as db:
            return self._scheme_id(db, text, name, source, parent_id, saved)

    def _scheme_id(self, db, text: str, name: str, source: str, parent_id, saved: bool) -> int:
        digest = sha256_of(text.encode("utf-8"))
        row = db.execute("SELECT id, saved FROM schemes WHERE sha256 = ?", (digest,)).fetchone()
        if row is not None:
            if saved and not row["saved"]:
                db.execute("UPDATE schemes SET saved = 1 WHERE id = ?", (row["id"],))
            return int(row["id"])
        cursor = db.execute(
            "INSERT INTO schemes (sha256, name, source, parent_id, saved, text, created_at,"
            " created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (digest, name, source, parent_id, int(saved), text, _now(), who()),
        )
        return int(cursor.lastrowid)

    def scheme(self, scheme_id: int) -> StoredScheme:
        row = self.db.execute("SELECT * FROM schemes WHERE id = ?", (scheme_id,)).fetchone()
        if row is None:
            raise StoreUsageError(say("store.no_scheme", id=scheme_id))
        return StoredScheme(**dict(row) | {"saved": bool(row["saved"])})

    def saved_schemes(self) -> list[StoredScheme]:
        """The office's schemes, newest first."""
        rows = self.db.execute("SELECT id FROM schemes WHERE saved = 1 ORDER BY id DESC")
        return [self.scheme(r["id"]) for r in rows.fetchall()]

    # ------------------------------------------------------------------------- runs

    def save(self, result: Result, origin: str = "cli", names: list[str] | None = None) -> Saved:
        """Store a run: its scheme, every input file (copied in), its results and issues, in
        one transaction. ``names``: what to call each file read (else its path as read)."""
        from .render.json import to_json

        scheme_path = result.scheme_path
        if scheme_path is None:
            raise StoreError(say("store.no_scheme_file"))
        text = Path(scheme_path).read_bytes().decode("utf-8-sig")
        files = [Path(f) for f in result.data.files]
        names = list(names) if names else [str(f) for f in files]  # (the caller's list kept)
        roles = ["data"] * len(files)
        for role, beside in _read_beside(result):
            files.append(beside)
            names.append(str(beside))
            roles.append(role)
        contents = [f.read_bytes() for f in files]
        ranking = result.ranking
        body = to_json(ranking, result.issues, "zh") if ranking is not None else None
        with self._transaction() as db:
            scheme_id = self._scheme_id(db, text, result.scheme.name, str(scheme_path), None, False)
            cursor = db.execute(
                "INSERT INTO runs (created_at, created_by, origin, scheme_id, month, month_source,"
                " level, ranked, districts, file_count, result_json)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (_now(), who(), origin, scheme_id, result.month, result.month_source,
                 result.level, int(ranking is not None), len(result.data.districts),
                 len(files), body),
            )  # fmt: skip
            run_id = int(cursor.lastrowid or 0)  # an INSERT always sets it
            for position, (name, data, role) in enumerate(zip(names, contents, roles)):
                digest = sha256_of(data)
                db.execute(
                    "INSERT OR IGNORE INTO files (sha256, size, content) VALUES (?, ?, ?)",
                    (digest, len(data), data),
                )
                db.execute(
                    "INSERT INTO run_files (run_id, position, name, size, sha256, role)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (run_id, position, name, len(data), digest, role),
                )
            if ranking is not None:
                _insert_results(db, run_id, ranking)
            _insert_issues(db, run_id, result.issues)
        differs, published = self._disagreeing(run_id)
        return Saved(run_id, differs, published)

    def _disagreeing(self, run_id: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Earlier runs on the same scheme text, files, month and level whose numbers differ."""
        run = self.run(run_id)
        mine = self.totals(run_id)
        differs, published = [], []
        for other in self.runs():
            if other.id == run_id or other.scheme_id != run.scheme_id:
                continue
            same = (other.month, other.level, _read(other)) == (run.month, run.level, _read(run))
            if same and self.totals(other.id) != mine:
                differs.append(other.id)
                if other.published:
                    published.append(other.id)
        return tuple(differs), tuple(published)

    def totals(self, run_id: int) -> dict[str, tuple[int, float, str]]:
        """Each district's rank, total and grade in a stored run."""
        rows = self.db.execute(
            "SELECT district, rank, total, grade FROM results WHERE run_id = ?", (run_id,)
        )
        return {r["district"]: (r["rank"], r["total"], r["grade"]) for r in rows.fetchall()}

    def runs(self, limit: int | None = None) -> list[StoredRun]:
        """The stored runs, newest first."""
        query = "SELECT id FROM runs ORDER BY id DESC" + (f" LIMIT {int(limit)}" if limit else "")
        return [self.run(r["id"]) for r in self.db.execute(query).fetchall()]

    def run(self, run_id: int) -> StoredRun:
        row = self.db.execute(
            "SELECT runs.*, schemes.name AS scheme_name FROM runs"
            " JOIN schemes ON schemes.id = runs.scheme_id WHERE runs.id = ?",
            (run_id,),
        ).fetchone()
        if row is None:
            raise StoreUsageError(say("store.no_run", id=run_id, path=str(self.path)))
        every = [
            StoredFile(f["position"], f["name"], f["size"], f["sha256"], f["role"])
            for f in self.db.execute(
                "SELECT * FROM run_files WHERE run_id = ? ORDER BY position", (run_id,)
            ).fetchall()
        ]
        files = tuple(f for f in every if f.role == "data")
        beside = tuple(f for f in every if f.role != "data")
        return StoredRun(
            row["id"], row["created_at"], row["created_by"], row["origin"], row["scheme_id"],
            row["scheme_name"], row["month"], row["month_source"], row["level"],
            bool(row["ranked"]), row["districts"], row["published_at"], row["published_by"], files,
            beside,
        )  # fmt: skip

    def issues(self, run_id: int, lang: str = "zh") -> list[dict[str, Any]]:
        """A stored run's problems as rows (message and hint in ``lang``)."""
        rows = self.db.execute(
            "SELECT * FROM issues WHERE run_id = ? ORDER BY position", (run_id,)
        ).fetchall()
        return [
            {k: r[k] for k in ("code", "severity", "file", "sheet", "cell", "line", "value")}
            | {"message": r[f"message_{lang}"], "hint": r[f"hint_{lang}"]}
            for r in rows
        ]

    def result_json(self, run_id: int) -> bytes | None:
        row = self.db.execute("SELECT result_json FROM runs WHERE id = ?", (run_id,)).fetchone()
        return None if row is None else row["result_json"]

    def publish(self, run_id: int, by: str | None = None) -> None:
        """Mark a run 定稿: from now on it can be neither changed nor deleted."""
        run = self.run(run_id)
        if run.published:
            raise StoreError(say("store.published", id=run_id, when=local_time(run.published_at)))
        if not run.ranked:
            raise StoreError(say("store.publish_unranked", id=run_id))
        with self._transaction() as db:
            db.execute(
                "UPDATE runs SET published_at = ?, published_by = ? WHERE id = ?",
                (_now(), by or who(), run_id),
            )

    def delete(self, run_id: int) -> None:
        """Remove a run that is not published (its files stay while another run uses them)."""
        run = self.run(run_id)
        if run.published:
            raise StoreError(say("store.published", id=run_id, when=local_time(run.published_at)))
        with self._transaction() as db:
            for table in ("issues", "points", "results", "run_files"):
                db.execute(f"DELETE FROM {table} WHERE run_id = ?", (run_id,))
            db.execute("DELETE FROM runs WHERE id = ?", (run_id,))
            db.execute(
                "DELETE FROM files WHERE sha256 NOT IN (SELECT sha256 FROM run_files)"
            )  # a file no run uses any more

    def file_content(self, sha256: str) -> bytes:
        row = self.db.execute("SELECT content FROM files WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            raise StoreError(say("store.no_file", sha256=sha256))
        return bytes(row["content"])

    # ------------------------------------------------------------------------- runs again

    def extract(self, run_id: int, folder: str | Path) -> Extracted:
        """Write a stored run's files and scheme into ``folder``, each checked against its
        SHA-256 and named by its safe base name: the returns in ``folder``, the roster file and
        the previous period's in folders of their own (.roster, .previous: no safe name starts
        with a dot), two files of one name each in a numbered folder."""
        run = self.run(run_id)
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written: dict[str, list[Path]] = {"data": [], "roster": [], "previous": []}
        for file in (*run.files, *run.read_beside):
            data = self.file_content(file.sha256)
            if sha256_of(data) != file.sha256:
                raise StoreError(say("store.file_changed", name=file.name, sha256=file.sha256))
            place = folder if file.role == "data" else folder / f".{file.role}"
            path = place / safe_name(file.name, f"file-{file.position}")
            if path in written[file.role]:  # two files of one name (from two folders)
                path = place / f"{file.position:04d}" / path.name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written[file.role].append(path)
        scheme = self.scheme(run.scheme_id)
        rules = folder / "scheme" / safe_name(scheme.source, "scheme.yaml")
        rules.parent.mkdir(parents=True, exist_ok=True)
        rules.write_text(scheme.text, encoding="utf-8")
        roster = written["roster"][0] if written["roster"] else None
        return Extracted(written["data"], rules, roster, written["previous"])

    def rerun(self, run_id: int, folder: str | Path) -> Result:
        """A stored run scored again by the pipeline from its stored files and scheme text,
        written into ``folder`` (which must outlive the result: reports read the files)."""
        from .pipeline import assess

        run = self.run(run_id)
        found = self.extract(run_id, Path(folder) / f"run-{run_id}")
        month = run.month if run.month_source is not None else None
        result = assess(list[str | Path](found.paths), found.rules, month, level=run.level,
                        previous=list[str | Path](found.previous) or None,
                        roster=found.roster)  # fmt: skip
        result.month_source = run.month_source
        return result


@dataclass(frozen=True)
class Extracted:
    """A stored run's files written out again: the returns, the rule file, the roster file
    (None: the run read none) and the previous period's files."""

    paths: list[Path]
    rules: Path
    roster: Path | None
    previous: list[Path]


def _read_beside(result: Result) -> list[tuple[str, Path]]:
    """The files a run read besides its returns, by role: the roster file the scheme names
    (when it was there to read) and the previous period's returns."""
    found: list[tuple[str, Path]] = []
    roster = result.scheme.roster_path()
    if roster is not None and roster.is_file():
        found.append(("roster", roster))
    if result.prior is not None:
        found += [("previous", Path(f)) for f in result.prior.data.files]
    return found


def _read(run: StoredRun) -> list[tuple[str, str]]:
    """What a run read, as content: each file's role and SHA-256, in order."""
    return [(f.role, f.sha256) for f in (*run.files, *run.read_beside)]


def safe_name(name: str, fallback: str) -> str:
    """A file name given by a user made into one plain path component: its last part only, no
    control or reserved characters, no leading dot, at most 120 characters, its suffix kept."""
    base = PurePosixPath(str(name).replace("\\", "/")).name
    base = re.sub(r'[\x00-\x1f\x7f<>:"|?*\u200b-\u200f\u202a-\u202e\u2066-\u2069]', "_", base)
    base = base.strip(" .")
    if not base:
        return fallback
    stem, dot, suffix = base.rpartition(".")
    if dot and len(suffix) <= 8:
        return f"{stem[:110]}.{suffix}" if stem else fallback + f".{suffix}"
    return base[:120]


def _statements(script: str) -> list[str]:
    """A migration's statements, a trigger's BEGIN … END kept whole."""
    statements, current = [], []
    for line in script.splitlines():
        stripped = line.split("--", 1)[0].strip()
        if not stripped:
            continue
        current.append(stripped)
        text = " ".join(current)
        if text.endswith(";") and (not text.upper().startswith("CREATE TRIGGER")
                                   or text.upper().endswith("END;")):  # fmt: skip
            statements.append(text)
            current = []
    return statements


def _insert_results(db: sqlite3.Connection, run_id: int, ranking) -> None:
    table = ranking.table
    assessment = ranking.assessment
    scores = assessment.scores
    suspended = assessment.suspended
    for row in table.itertuples(index=False):
        survey = row.survey_rank
        survey = None if survey is None or str(survey) == "<NA>" else int(survey)
        db.execute(
            "INSERT INTO results (run_id, district, rank, total, grade, earned, available,"
            " survey_rank) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, row.district, int(row.rank), float(row.total), str(row.grade),
             float(assessment.earned[row.district]), float(assessment.available[row.district]),
             survey),
        )  # fmt: skip
        for project in scores.columns:
            value = (
                None if suspended.loc[row.district, project] else scores.loc[row.district, project]
            )
            db.execute(
                "INSERT INTO points (run_id, district, project, points) VALUES (?, ?, ?, ?)",
                (run_id, row.district, str(project), None if value is None else float(value)),
            )


def _insert_issues(db: sqlite3.Connection, run_id: int, issues) -> None:
    for position, issue in enumerate(issues):
        value = None if issue.value is None else str(issue.value)
        db.execute(
            "INSERT INTO issues (run_id, position, code, severity, file, sheet, cell, line, value,"
            " message_zh, hint_zh, message_en, hint_en)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, position, issue.code, issue.severity, issue.file, issue.sheet, issue.cell,
             issue.line, value, issue.message("zh"), _hint(issue, "zh"), issue.message("en"),
             _hint(issue, "en")),
        )  # fmt: skip


def _hint(issue, lang: str) -> str:
    from .messages import CATALOGS

    return issue.hint(lang) if f"{issue.code}.todo" in CATALOGS[lang] else ""
