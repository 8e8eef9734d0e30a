"""Files the user names with -o: never an input, written whole and safely, refused clearly."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES
from conftest import cli as run

from scorer import render

ANHUI = str(ROOT / "rules" / "anhui-2010.yaml")


def returns_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "returns"
    folder.mkdir()
    shutil.copy(SAMPLES / "2010.xlsx", folder / "2010.xlsx")
    return folder


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# ----------------------------------------------------------------------------- inputs are kept


@pytest.mark.parametrize(
    "data, output",
    [
        ("returns", "returns/2010.xlsx"),  # a folder
        ("returns/", "./returns/2010.xlsx"),
        ("returns/*.xlsx", "returns/2010.xlsx"),  # a glob the shell left alone
        ("returns/2010.xlsx", "hard.xlsx"),  # a hard link to the input
        ("linked", "returns/2010.xlsx"),  # a folder named through a symlink
    ],
)
def test_output_that_is_a_file_read_is_refused_however_named(tmp_path, data, output):
    folder = returns_folder(tmp_path)
    os.link(folder / "2010.xlsx", tmp_path / "hard.xlsx")
    os.symlink(folder, tmp_path / "linked")
    before = (folder / "2010.xlsx").read_bytes()
    result = run("assess", data, "-r", ANHUI, "-o", output, cwd=tmp_path)
    assert result.exit_code == 2, result.output
    assert result.stderr == (f"scorer: {output} 是输入文件，不能用作报告输出。请换一个报告文件名\n")
    assert (folder / "2010.xlsx").read_bytes() == before


def test_rule_file_cannot_be_the_template(tmp_path):
    rules = tmp_path / "rules.xlsx"  # a rule file with an odd name is still a file read
    shutil.copy(ANHUI, rules)
    before = rules.read_bytes()
    result = run("template", "-r", str(rules), "-o", str(rules), cwd=tmp_path)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"scorer: {rules} 是输入文件，不能用作报告输出。请换一个报告文件名\n"
    assert rules.read_bytes() == before


def test_a_planted_link_at_the_temporary_name_is_not_followed(tmp_path):
    victim = returns_folder(tmp_path) / "2010.xlsx"
    before = victim.read_bytes()
    # the old temporary name was .NAME.PID.tmp: anyone could plant a link there
    os.symlink(victim, tmp_path / f".report.html.{os.getpid()}.tmp")
    result = run("assess", "samples/2010.xlsx", "-o", str(tmp_path / "report.html"))
    assert result.exit_code == 0, result.output
    assert victim.read_bytes() == before
    assert (tmp_path / "report.html").read_bytes().startswith(b"<!DOCTYPE html>")


def test_a_killed_write_leaves_no_temporary_file_behind(tmp_path):
    # a run killed (kill -9) after its temporary file is written, before the rename
    code = (
        "import os, sys, time\n"
        "from scorer.render import write_atomic\n"
        "def hang(*args):\n"
        "    print('ready', flush=True)\n"
        "    time.sleep(600)\n"
        "os.replace = hang\n"
        f"write_atomic({str(tmp_path / 'report.html')!r}, b'x' * 4_000_000)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, cwd=ROOT)
    try:
        assert child.stdout.readline() == b"ready\n"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert len(temporaries(tmp_path)) == 1  # what the killed run left
    render.write_atomic(tmp_path / "report.html", b"<html></html>")
    assert temporaries(tmp_path) == []
    assert (tmp_path / "report.html").read_bytes() == b"<html></html>"


def test_only_our_own_stale_temporaries_are_removed(tmp_path):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)  # fmt: skip
    gone = int(finished.stdout)  # a process that has ended
    stale = tmp_path / f".scorer-{gone}-abcd1234.tmp"
    stale.write_bytes(b"left by a killed run")
    alive = tmp_path / f".scorer-{os.getppid()}-abcd1234.tmp"  # another run, still writing
    alive.write_bytes(b"being written")
    link = tmp_path / f".scorer-{gone}-zzzz9999.tmp"
    os.symlink(alive, link)
    other = tmp_path / f".report.html.{gone}.tmp"  # not our naming
    other.write_bytes(b"someone else's")
    assert render.remove_stale_temporaries(tmp_path) == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, link.name, other.name])


def test_a_replaced_report_keeps_its_permissions_and_a_new_one_follows_the_umask(tmp_path):
    target = tmp_path / "report.md"
    target.write_bytes(b"old")
    target.chmod(0o640)
    render.write_atomic(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # as open(..., "w") would keep it
    previous = os.umask(0o027)
    try:
        render.write_atomic(tmp_path / "fresh.md", b"new")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "fresh.md").stat().st_mode) == 0o640  # not 0600


def test_closed_stdout_still_writes_the_reports_quietly(tmp_path):
    reader, writer = os.pipe()
    os.close(reader)  # `| head -1` gone before the ranking is printed
    try:
        done = subprocess.run(
            [sys.executable, "-m", "scorer", "assess", "samples/2010.xlsx", "-o",
             str(tmp_path / "report.html"), "-o", str(tmp_path / "report.json")],
            stdout=writer, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=300,
        )  # fmt: skip
    finally:
        os.close(writer)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "内部错误" not in done.stderr
    assert "Exception ignored" not in done.stderr
    assert (tmp_path / "report.html").stat().st_size > 10_000
    assert (tmp_path / "report.json").stat().st_size > 10_000


# ----------------------------------------------------------------------------- clear refusals


def _readonly(monkeypatch, folder: Path):
    """A folder nobody may write in (chmod does not stop root, who runs these tests in CI)."""
    real = os.open

    def guarded(path, flags, *args, **kwargs):
        if Path(os.fsdecode(path)).parent.resolve() == folder and flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded)


@pytest.mark.parametrize(
    "output, message",
    [
        ("missing/report.html",
         "无法写出 missing/report.html：文件夹 missing 不存在。"
         "请先建立该文件夹，或换一个已有的文件夹"),
        ("data.csv/report.html",
         "无法写出 data.csv/report.html：data.csv 不是文件夹。请换一个文件夹存放报告"),
        ("locked/report.html",
         "无法写出 locked/report.html：没有在文件夹 locked 中写文件的权限。"
         "请换一个有写入权限的文件夹，或请管理员开通权限"),
        ("r" * 251 + ".html",
         "无法写出 " + "r" * 60 + "…" + "r" * 75 + ".html：文件名或路径太长，超过系统上限。"
         "请用短一些的文件名或路径"),
    ],
)  # fmt: skip
def test_unwritable_outputs_are_refused_before_any_work(tmp_path, monkeypatch, output, message):
    (tmp_path / "data.csv").write_text("x\n")
    (tmp_path / "locked").mkdir()
    _readonly(monkeypatch, tmp_path / "locked")
    shutil.copy(SAMPLES / "2010.xlsx", tmp_path / "2010.xlsx")
    result = run("assess", "2010.xlsx", "-o", output, cwd=tmp_path)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"scorer: {message}\n"  # and nothing read: no 考核方案 line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2010.xlsx", "data.csv", "locked"]


def test_unwritable_output_in_english(tmp_path):
    result = run("assess", "samples/2010.xlsx", "--lang", "en", "-o", str(tmp_path / "no/r.md"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"scorer: cannot write {tmp_path}/no/r.md: the folder {tmp_path}/no does not exist; "
        "create it first, or choose a folder that exists\n"
    )


@pytest.mark.parametrize(
    "command",
    [
        ("template", "-r", ANHUI, "-o"),
        ("trend", "samples/tongling-2015-*.xlsx", "-o"),
        ("sensitivity", "samples/2010.xlsx", "--draws", "5", "-o"),
    ],
)
def test_every_command_checks_its_output_first(tmp_path, command):
    suffix = ".xlsx" if command[0] == "template" else ".html"
    output = str(tmp_path / "missing" / f"out{suffix}")
    result = run(*command, output)
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"scorer: 无法写出 {output}：文件夹 {tmp_path}/missing 不存在。"
        "请先建立该文件夹，或换一个已有的文件夹\n"
    )


def test_a_full_disk_is_said_with_the_path_and_leaves_no_partial_file(tmp_path, monkeypatch):
    def full(descriptor, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    target = tmp_path / "report.xlsx"
    result = run("assess", "samples/2010.xlsx", "-o", str(target))
    assert result.exit_code == 1, result.output
    assert result.stderr.endswith(
        f"scorer: 无法写出 {target}：磁盘空间不足，报告没有写出（也没有留下不完整的文件）。"
        "请腾出磁盘空间后重新运行\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_paths_longer_than_path_max(tmp_path):
    long = "/".join(["d" * 200] * 25) + "/2010.xlsx"  # 5,000 bytes; PATH_MAX is 4,096
    shown = long[:60] + "…" + long[-80:]
    result = run("assess", long, cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"scorer: 无法使用路径 {shown}：文件名或路径太长，超过系统上限。请检查路径后重新运行\n"
    )
    result = run("assess", "samples/2010.xlsx", "-o", long.replace(".xlsx", ".html"))
    assert result.exit_code == 2, result.output
    assert "文件名或路径太长" in result.stderr and "内部错误" not in result.stderr


def test_non_utf8_output_names(tmp_path):
    name = os.fsdecode(b"\xff\xfe.html")  # as a Linux shell passes bytes that are not UTF-8
    result = run("assess", "samples/2010.xlsx", "-o", str(tmp_path / name))
    assert result.exit_code == 0, result.output
    assert f"已写出报告：{tmp_path}/\\xff\\xfe.html\n" in result.stderr
    assert os.listdir(os.fsencode(tmp_path)) == [b"\xff\xfe.html"]
    result = run("assess", "samples/2010.xlsx", "-o", str(tmp_path / name / "r.md"))
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"scorer: 无法写出 {tmp_path}/\\xff\\xfe.html/r.md：{tmp_path}/\\xff\\xfe.html 不是文件夹。"
        "请换一个文件夹存放报告\n"
    )


# ----------------------------------------------------------------------------- the same bytes


def test_the_xlsx_report_is_byte_identical_run_to_run(tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for target in (first, second):
        assert run("assess", "samples/2010.xlsx", "-o", str(target)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    core = zipfile.ZipFile(first).read("docProps/core.xml").decode()
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z' in core
    assert '<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z' in core


def test_the_template_is_byte_identical_run_to_run(tmp_path):
    """It carried the wall clock in docProps/core.xml."""
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for target in (first, second):
        result = run("template", "--rules", "anhui-2010", "-d", "合肥市", "-o", str(target))
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()


def test_a_non_utf8_input_name_that_a_report_cannot_hold_is_said(tmp_path):
    import csv

    from conftest import ANHUI_HEADER, full_rows

    name = os.fsdecode(b"2010-\xff.csv")
    with open(tmp_path / name, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([ANHUI_HEADER, *full_rows("甲县"), *full_rows("乙县")])
    for suffix in ("html", "md", "xlsx"):
        result = run("assess", name, "-r", ANHUI, "-o", f"r.{suffix}", cwd=tmp_path)
        assert result.exit_code == 1, result.output
        assert result.stderr.endswith(
            f"scorer: 无法写出 r.{suffix}：文件名 2010-\\xff.csv 不是 UTF-8 编码，"
            "报告中写不出这些名字。请把这些文件改名后重新运行\n"
        )
    assert os.listdir(os.fsencode(tmp_path)) == [b"2010-\xff.csv"]


def test_a_workbook_whose_name_is_not_utf8_is_read(tmp_path):
    """The Rust readers take no such path ("source must be a string or bytes"): its bytes are
    read instead, and the ranking is made."""
    from conftest import ANHUI_HEADER, full_rows, write_xlsx

    name = os.fsdecode(b"2010-\xff.xlsx")
    write_xlsx(tmp_path / name, {"汇总": [ANHUI_HEADER, *full_rows("甲县"), *full_rows("乙县")]})
    result = run("assess", name, "-r", ANHUI, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "甲县" in result.stdout and "乙县" in result.stdout
