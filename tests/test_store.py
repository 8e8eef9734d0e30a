"""Every run kept: the SQLite store, scorer history, assess --save, stored runs in compare and
trend, published runs that cannot change, and a save that survives being killed."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SAMPLES, cli

from scorer import assess
from scorer.store import MIGRATIONS, SCHEMA_VERSION, Store, StoreError, safe_name


@pytest.fixture
def db(tmp_path):
    return tmp_path / "runs.sqlite"


def test_a_saved_run_holds_scheme_files_results_and_issues(db):
    result = assess([SAMPLES / "2010.xlsx"])
    with Store(db) as store:
        saved = store.save(result)
        run = store.run(saved.run_id)
        assert run.ranked and run.districts == 17 and run.origin == "cli"
        (file,) = run.files
        data = (SAMPLES / "2010.xlsx").read_bytes()
        assert store.file_content(file.sha256) == data and file.size == len(data)
        scheme = store.scheme(run.scheme_id)
        assert scheme.text == (SAMPLES.parent / "rules" / "anhui-2010.yaml").read_text("utf-8")
        totals = store.totals(saved.run_id)
        assert totals["亳州市"] == (1, pytest.approx(3274.742444774548), "优秀")
    # plain tables, readable with any SQLite tool
    plain = sqlite3.connect(db)
    count = plain.execute("SELECT count(*) FROM points WHERE run_id = 1").fetchone()[0]
    assert count == 17 * 34
    assert plain.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)


def test_stored_files_are_read_only_and_published_runs_immutable(db):
    with Store(db) as store:
        run_id = store.save(assess([SAMPLES / "2010.xlsx"])).run_id
        with pytest.raises(sqlite3.DatabaseError, match="read-only"):
            store.db.execute("UPDATE files SET content = x'00'")
        store.publish(run_id)
        for statement in (
            "DELETE FROM runs WHERE id = ?",
            "UPDATE runs SET month = 3 WHERE id = ?",
            "DELETE FROM results WHERE run_id = ?",
            "UPDATE points SET points = 0 WHERE run_id = ?",
            "DELETE FROM run_files WHERE run_id = ?",
        ):
            with pytest.raises(sqlite3.DatabaseError, match="published run"):
                store.db.execute(statement, (run_id,))
        with pytest.raises(StoreError, match="定稿"):
            store.delete(run_id)
        with pytest.raises(StoreError, match="定稿"):
            store.publish(run_id)
        assert store.run(run_id).published


def test_a_run_with_errors_is_kept_with_its_issues_and_cannot_be_published(db):
    result = assess([SAMPLES / "2010-errors.xlsx"])
    with Store(db) as store:
        run_id = store.save(result).run_id
        stored = store.issues(run_id)
        assert [(i["sheet"], i["cell"], i["message"]) for i in stored] == [
            (i.sheet, i.cell, i.message("zh")) for i in result.issues
        ]
        assert store.issues(run_id, "en")[0]["message"] == result.issues[0].message("en")
        with pytest.raises(StoreError, match="不能定稿"):
            store.publish(run_id)


def test_a_stored_run_scored_again_gives_the_same_numbers(db, tmp_path):
    result = assess([SAMPLES / "tongling-2015-06.xlsx"])
    with Store(db) as store:
        run_id = store.save(result).run_id
        again = store.rerun(run_id, tmp_path / "work")
    assert again.month == 6 and again.month_source == "name"
    assert again.ranking.table[["district", "total"]].equals(
        result.ranking.table[["district", "total"]]
    )


def test_a_newer_database_is_refused(db):
    Store(db).close()
    plain = sqlite3.connect(db)
    plain.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    plain.close()
    with pytest.raises(StoreError, match="更新版本"):
        Store(db)


def test_a_database_that_is_not_one_is_refused(tmp_path):
    bad = tmp_path / "runs.sqlite"
    bad.write_bytes(b"not a database" * 100)
    with pytest.raises(StoreError, match="无法使用运行记录数据库"):
        Store(bad)


def test_safe_names():
    assert safe_name("../../etc/passwd.xlsx", "x") == "passwd.xlsx"
    assert safe_name("C:\\Users\\a\\2010.xlsx", "x") == "2010.xlsx"
    assert safe_name("..", "fallback") == "fallback"
    assert safe_name(".hidden.xlsx", "x") == "hidden.xlsx"
    assert "\x00" not in safe_name("a\x00b.xlsx", "x") and "/" not in safe_name("a/b", "x")
    assert len(safe_name("长" * 500 + ".xlsx", "x")) <= 120


# ----------------------------------------------------------------------------- the command line


def test_assess_save_history_list_show_compare_publish(db, monkeypatch):
    monkeypatch.setenv("SCORER_DB", str(db))
    first = cli("assess", str(SAMPLES / "tongling-2015-06.xlsx"), "--save")
    assert first.exit_code == 0, first.output
    assert "已保存为第 1 次运行" in first.stderr
    second = cli("assess", str(SAMPLES / "tongling-2015-07.xlsx"), "--save", "--db", str(db))
    assert "已保存为第 2 次运行" in second.stderr
    listed = cli("history", "list", "--db", str(db))
    assert listed.exit_code == 0 and "铜陵市" in listed.stdout and "已排名" in listed.stdout
    shown = cli("history", "show", "1", "--db", str(db))
    assert "铜陵县" in shown.stdout and "95.66" in shown.stdout
    compared = cli("history", "compare", "1", "2", "--db", str(db))
    assert "↑3" in compared.stdout and "第 1 次 → 第 2 次运行" in compared.stdout
    # compare and trend take stored runs as they take files
    stored = cli("compare", "run:1", "run:2", "--db", str(db))
    files = cli(
        "compare", str(SAMPLES / "tongling-2015-06.xlsx"), str(SAMPLES / "tongling-2015-07.xlsx")
    )
    assert stored.stdout == files.stdout
    trend = cli("trend", "run:2", "run:1", str(SAMPLES / "tongling-2015-08.xlsx"), "--db", str(db))
    assert trend.exit_code == 0 and "6月" in trend.stdout.split("\n")[1]
    published = cli("history", "publish", "1", "--db", str(db))
    assert published.exit_code == 0 and "已定稿" in published.stderr
    refused = cli("history", "delete", "1", "--db", str(db))
    assert refused.exit_code == 1 and "不能再修改或删除" in refused.stderr
    missing = cli("history", "show", "9", "--db", str(db))
    assert missing.exit_code == 2 and "没有第 9 次运行" in missing.stderr


def test_a_rerun_that_differs_from_a_published_run_says_so(db):
    with Store(db) as store:
        first = store.save(assess([SAMPLES / "2010.xlsx"])).run_id
        store.db.execute("UPDATE results SET total = total - 1 WHERE run_id = ?", (first,))
        store.publish(first)
    again = cli("assess", str(SAMPLES / "2010.xlsx"), "--save", "--db", str(db))
    assert "与已定稿的运行 #1" in again.stderr and "结果不同" in again.stderr


# ----------------------------------------------------------------------------- a crash mid-write

SAVER = """
import sys
from scorer import assess
from scorer.store import Store
result = assess([sys.argv[2]])
store = Store(sys.argv[1])
print("ready", flush=True)
while True:
    store.save(result)
    print("saved", flush=True)
"""


def test_the_database_survives_being_killed_while_it_saves(db):
    """A process saving run after run is killed (SIGKILL) at moments spread over its saves:
    every time the database opens, passes its integrity check, and every run in it is whole."""
    counties = SAMPLES / "2010-counties.xlsx"  # 105 districts: a save takes a while
    # the last kill comes after a save is known to be done: on a busy machine the fixed delays
    # alone may all fall inside the first save, and then no run would be left to check
    for delay, after_a_save in ((0.05, False), (0.2, False), (0.37, False), (0.61, False),
                                (0.13, True)):  # fmt: skip
        saver = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(db), str(counties)], stdout=subprocess.PIPE, text=True
        )
        assert saver.stdout.readline().strip() == "ready"
        if after_a_save:
            assert saver.stdout.readline().strip() == "saved"
        time.sleep(delay)
        os.kill(saver.pid, signal.SIGKILL)
        saver.wait()
        with Store(db) as store:
            assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            for run in store.runs():
                assert len(run.files) == 1
                results = store.db.execute(
                    "SELECT count(*) FROM results WHERE run_id = ?", (run.id,)
                )
                assert results.fetchone()[0] == run.districts == 105
                points = store.db.execute("SELECT count(*) FROM points WHERE run_id = ?", (run.id,))
                assert points.fetchone()[0] == 105 * 34
    with Store(db) as store:
        assert len(store.runs()) >= 1


def test_a_run_with_a_roster_file_and_a_previous_period_is_scored_again_the_same(db, tmp_path):
    """The roster file the scheme names and the previous period's returns are stored with the
    run: scored again from the store alone, with the originals gone, the numbers are the same."""
    import shutil

    work = tmp_path / "office"
    (work / "rules").mkdir(parents=True)
    shutil.copy(SAMPLES / "zigong-2011-roster.yaml", work / "rules" / "zigong.yaml")
    shutil.copy(SAMPLES / "zigong-2011-名单.xlsx", work / "rules" / "zigong-2011-名单.xlsx")
    returns = [work / "zigong-2011.xlsx", work / "zigong-2011-督查.xlsx"]
    for path in returns:
        shutil.copy(SAMPLES / path.name, path)
    rostered = assess(list(returns), work / "rules" / "zigong.yaml")
    assert rostered.ranking is not None and rostered.scheme.roster is not None
    rules = SAMPLES.parent / "rules"
    earlier = assess([SAMPLES / "liuan-2023.xlsx"], rules / "liuan-2023.yaml")
    assert earlier.ranking is not None and earlier.prior is not None
    with Store(db) as store:
        ids = [store.save(r).run_id for r in (rostered, earlier)]
        kept = [store.run(i) for i in ids]
        assert [f.role for f in kept[0].read_beside] == ["roster"]
        assert [f.role for f in kept[1].read_beside] == ["previous"]
        assert [Path(f.name).name for f in kept[1].read_beside] == ["liuan-2022.xlsx"]
        shutil.rmtree(work)  # the roster file is gone: only the store holds it
        again = [store.rerun(i, tmp_path / "again") for i in ids]
    for before, after in zip((rostered, earlier), again):
        assert after.ranking is not None, [i.code for i in after.issues]
        assert after.ranking.table[["district", "total"]].equals(
            before.ranking.table[["district", "total"]]
        )
    assert again[0].scheme.roster_path().parent.name == ".roster"
    assert again[1].prior is not None


def test_a_database_of_the_version_before_roles_is_migrated(db):
    """A database made before files had roles gets the column, every file a run's return."""
    connection = sqlite3.connect(db)
    for script in MIGRATIONS[:-1]:
        connection.executescript(script)
    connection.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")
    connection.commit()
    connection.close()
    result = assess([SAMPLES / "2010.xlsx"])
    with Store(db) as store:
        assert store.version() == SCHEMA_VERSION
        run = store.run(store.save(result).run_id)
    assert [f.role for f in run.files] == ["data"] and run.read_beside == ()
