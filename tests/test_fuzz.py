"""Fuzzing: mutated workbooks, rule files and command lines never crash, inject, lose or leak.

Every case asserts: exit 0, 1 or 2; no traceback and no internal error in the output; inputs
byte for byte as they were; each report written whole or not at all, and no other file left.
Cases that could take the process down (huge ranges, broken zips, raw bytes, alias bombs) run
``python -m scorer`` in a child with a memory limit and a timeout; the rest run in-process.
Seeded (derandomized): the same cases every run, about a minute in all on 2 cores.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import pytest
import yaml
from fuzzing import (
    CELL_KINDS,
    REFERENCE_FORMS,
    RULES,
    Bytes,
    Cell,
    Dimension,
    Grow,
    Member,
    Merged,
    MoveCell,
    Reference,
    SharedString,
    SheetName,
    assert_sound,
    build_workbook,
    cell_refs,
    digest,
    run_inprocess,
    run_subprocess,
    sample_bytes,
    workspace,
)
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

# Shrinking a failure to its minimal example can take minutes: off in the ordinary run (the first
# failing case is reported as found), on with SCORER_FUZZ_SHRINK=1 to get the minimal example.
PHASES = [Phase.explicit, Phase.generate] + (
    [Phase.shrink] if os.environ.get("SCORER_FUZZ_SHRINK") else []
)


def fuzz(examples: int):
    return settings(
        derandomize=True,
        max_examples=examples,
        deadline=None,
        database=None,
        phases=PHASES,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


# ----------------------------------------------------------------------------- odd values

NASTY_TEXT = [
    "", " ", "\x00", "\x01\x02\x1f", "\x7f", "\u202e反转", "\ufeff", "\u200b", "合肥市\n", "\r\n",
    "=1+1", '=HYPERLINK("http://example.invalid","点击")', "+cmd|' /C calc'!A0", "-2+3",
    "@SUM(1)", "\t=1+1", "[bold red]红[/]", "[/]", "[link=file:///etc/passwd]x[/link]",
    "<script>alert(1)</script>", "</td></tr><tr>", "<!--", "]]>", "{{ 7*7 }}", "{% raw %}",
    "{0}{district}", "%s%n", "🙂", "\U0010ffff", "A" * 5000, "中" * 40000, "\\", "'", '"', "&amp;",
    "NaN", "inf", "-inf", "1e309", "1,234.5", "１２０", "93.5%", "#DIV/0!", "暂缓实施", "合计",
    "Sheet1", "社情民意", "地区", "项目", "完成", "目标任务", "合肥市", "农村五保供养",
]  # fmt: skip

NUMBERS = [
    "0", "-0", "1", "-1", "1e308", "1e309", "-1e309", "NaN", "nan", "inf", "-INF", "4.9e-324",
    "1e-400", "123456789012345678901234567890", "0x1F", "1,5", " 7 ", "", "1e", "--1", "9" * 400,
    "2958465", "2958466", "-693594", "60", "0.5", "100", "150", "1e15",
]  # fmt: skip

PAYLOADS = {
    "number": st.sampled_from(NUMBERS),
    "shared": st.sampled_from(
        ["-1", "0", "2", "69", "70", "999999999", "18446744073709551616", "abc", ""]
    ),
    "inline": st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=20)),
    "str": st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=20)),
    "bool": st.sampled_from(["0", "1", "2", "-1", "true", "", "x"]),
    "error": st.sampled_from(
        ["#DIV/0!", "#N/A", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#BOGUS", ""]
    ),
    "formula": st.sampled_from(
        ["SUM(C4:C10)", "1/0", "A1", "=1+1", "cmd|' /C calc'!A0", 'HYPERLINK("x","y")', ""]
    ),
    "formula-no-value": st.sampled_from(["SUM(C4:C10)", "1/0", "NOW()", ""]),
    "iso-date": st.sampled_from(
        ["2010-06-30", "2010-06-30T12:00:00", "0000-00-00", "9999-12-31T23:59:59", "PT36H", "x"]
    ),
    "date": st.sampled_from(NUMBERS),
    "duration": st.sampled_from(NUMBERS),
    "percent": st.sampled_from(NUMBERS),
    "empty": st.just(""),
    "bad-style": st.sampled_from(["999", "-1", "abc", "7"]),
}

# The in-process samples: (file name in the workspace, sample, its data sheet, its survey sheet)
BOOKS = [
    ("2010.xlsx", "2010.xlsx", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"),
    ("tongling-2015-06.xlsx", "tongling-2015-06.xlsx", "xl/worksheets/sheet1.xml", None),
    ("2010-counties.xlsx", "2010-counties.xlsx", "xl/worksheets/sheet1.xml", None),
]


@st.composite
def cell_mutation(draw, sample: str, sheets: list[str]):
    member = draw(st.sampled_from(sheets))
    refs = cell_refs(sample, member)
    # an index, not sampled_from(refs): the counties' sheet has tens of thousands of cells
    ref = refs[
        draw(st.one_of(st.integers(0, min(79, len(refs) - 1)), st.integers(0, len(refs) - 1)))
    ]
    kind = draw(st.sampled_from(sorted(CELL_KINDS)))
    return Cell(member, ref, kind, draw(PAYLOADS[kind]))


@st.composite
def safe_workbook(draw):
    """A sample with one to three value-level changes: cells, shared strings, sheet names."""
    name, sample, data, survey = draw(st.sampled_from(BOOKS))
    sheets = [data] + ([survey] if survey else [])
    text = st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=12))
    mutation = st.one_of(
        cell_mutation(sample, sheets),
        cell_mutation(sample, sheets),
        st.builds(SharedString, st.integers(0, 80), text),
        st.builds(SheetName, st.integers(0, 1), text),
    )
    return name, sample, draw(st.lists(mutation, min_size=1, max_size=3))


def workbook_command(name: str, out: Path):
    """A command that reads the workbook, and the reports it writes (names in out/)."""
    return st.sampled_from(
        [
            (["assess", name], []),
            (["check", name], []),
            (["assess", name, "--format", "json"], []),
            (["assess", name, "-o", str(out / "r.html")], ["r.html"]),
            (["assess", name, "-o", str(out / "r.xlsx")], ["r.xlsx"]),
            (["assess", name, "-o", str(out / "r.md"), "-o", str(out / "r.json")],
             ["r.md", "r.json"]),
            (["assess", name, "--lang", "en", "--level", "city"], []),
            (["explain", name, "合肥市"], []),
        ]
    )  # fmt: skip


@fuzz(examples=100)
@given(book=safe_workbook(), data=st.data())
def test_mutated_workbooks_in_process(book, data):
    name, sample, mutations = book
    with workspace({name: build_workbook(sample, mutations)}) as (folder, out):
        before = digest(folder)
        args, outputs = data.draw(workbook_command(name, out))
        outcome = run_inprocess(args, folder)
        assert_sound(outcome, folder, before, outputs, out)


# --- structural damage: these may blow up, so they run in a child process with limits

HUGE_REFS = ["A1:XFD1048576", "A1:A1048576", "A1:XFD1", "XFD1048576", "A0:B0", "", "B5:A1",
             "ZZZZ99999999", "A1:A1", "A-1:J564", "A1:J4294967296"]  # fmt: skip


@st.composite
def dangerous_workbook(draw):
    name, sample = "2010.xlsx", "2010.xlsx"
    member = "xl/worksheets/sheet1.xml"
    refs = cell_refs(sample, member)
    members = ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/sharedStrings.xml",
               "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml",
               "xl/_rels/workbook.xml.rels", "docProps/core.xml", "docProps/app.xml"]  # fmt: skip
    mutation = st.one_of(
        st.builds(Dimension, st.just(member), st.sampled_from(HUGE_REFS)),
        st.builds(
            Merged, st.just(member), st.lists(st.sampled_from(HUGE_REFS + ["A3:A40", "C3:J4"]),
                                              min_size=1, max_size=3).map(tuple)
        ),
        st.builds(MoveCell, st.just(member), st.sampled_from(refs[:60]),
                  st.sampled_from(["XFD1048576", "A1048576", "A1048577", "A0", "AAAA1", "1A",
                                   "A99999999999", ""])),
        st.builds(Bytes, st.sampled_from(members), st.floats(0, 1),
                  st.sampled_from(["set", "insert", "delete"]),
                  st.sampled_from([b"\x00", b"<", b">", b'"', b"&", b"\xff\xfe", b"9999999999",
                                   b"<c r=", b"]]>", b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>"])),
        st.builds(Member, st.sampled_from(members),
                  st.sampled_from(["drop", "empty", "garbage", "pad", "duplicate"])),
    )  # fmt: skip
    return name, sample, draw(st.lists(mutation, min_size=1, max_size=2))


@fuzz(examples=10)
@given(book=dangerous_workbook(), command=st.sampled_from(["assess", "check"]))
def test_damaged_workbooks_in_a_subprocess(book, command):
    name, sample, mutations = book
    with workspace({name: build_workbook(sample, mutations)}) as (folder, out):
        before = digest(folder)
        args, outputs = [command, name], []
        if command == "assess":
            args, outputs = args + ["-o", str(out / "r.html")], ["r.html"]
        outcome = run_subprocess(args, folder)
        assert_sound(outcome, folder, before, outputs, out)


FAR_REFS = ["XFD1048576", "A1048576", "ZZ99999", "A4294967297", "AAAAA1"]  # refused
NEAR_REFS = ["XFD1", "J35"]  # within the limits: read


@st.composite
def far_reference(draw, member: str = "xl/worksheets/sheet1.xml"):
    ref = draw(st.sampled_from(cell_refs("2010.xlsx", member)[:60]))
    to = draw(st.sampled_from(FAR_REFS + NEAR_REFS))
    return Reference(member, ref, to, draw(st.sampled_from(sorted(REFERENCE_FORMS))))


@fuzz(examples=8)
@given(mutation=far_reference(), command=st.sampled_from(["assess", "check"]))
def test_references_however_written_in_a_subprocess(mutation, command):
    """A far reference in any form the reader takes is refused (or read, when near): never an
    abort. Before the fix, lower case, quotes and blanks hid it and the reader aborted."""
    with workspace({"2010.xlsx": build_workbook("2010.xlsx", [mutation])}) as (folder, out):
        before = digest(folder)
        outcome = run_subprocess([command, "2010.xlsx"], folder)
        assert_sound(outcome, folder, before)
        if mutation.to in FAR_REFS:
            assert outcome.exit_code == 1 and "超过上限" in outcome.output, outcome.describe()


@fuzz(examples=4)
@given(
    grow=st.builds(Grow, st.just("xl/worksheets/sheet1.xml"), st.sampled_from(["K", "Z", "AB"]),
                   st.sampled_from([40, 600, 5000]), st.integers(0, 3)),
    lie=st.one_of(st.none(), far_reference(),
                  st.builds(Dimension, st.just("xl/worksheets/sheet1.xml"),
                            st.sampled_from(["A1:J40", "", "A1:XFD1048576"]))),
)  # fmt: skip
def test_large_sheets_that_lie_in_a_subprocess(grow, lie):
    """A sheet packed over 2 MiB is parsed apart: whatever its cells and its <dimension>
    claim, the run ends 0, 1 or 2, with no abort, and a far cell is refused at its place."""
    mutations = [grow] + ([lie] if lie is not None else [])
    with workspace({"2010.xlsx": build_workbook("2010.xlsx", mutations)}) as (folder, out):
        before = digest(folder)
        outcome = run_subprocess(["assess", "2010.xlsx", "-o", str(out / "r.html")], folder)
        assert_sound(outcome, folder, before, ["r.html"], out)
        if isinstance(lie, Reference) and lie.to in FAR_REFS:
            assert outcome.exit_code == 1 and "超过上限" in outcome.output, outcome.describe()


@fuzz(examples=6)
@given(
    sample=st.sampled_from(["2010.xlsx", "tongling-2015-06.xlsx"]),
    cut=st.floats(0, 1, exclude_max=True),
    junk=st.sampled_from([b"", b"PK\x03\x04", b"\x00" * 100, b"<html>", b"a,b\n1,2\n"]),
)
def test_truncated_workbooks_in_a_subprocess(sample, cut, junk):
    data = sample_bytes(sample)
    damaged = data[: int(cut * len(data))] + junk
    with workspace({sample: damaged}) as (folder, out):
        before = digest(folder)
        outcome = run_subprocess(["assess", sample, "-o", str(out / "r.xlsx")], folder)
        assert_sound(outcome, folder, before, ["r.xlsx"], out)


# ----------------------------------------------------------------------------- rule files

ODD_SCALARS = [
    ".inf", "-.inf", ".nan", "1e309", "-1", "0", "-0", "1e-320", "99999999999999999999999",
    "9" * 5000, "'=1+1'", "~", "[]", "{}", "yes", "no", "'完成 / 0'", "完成 ** 2",
    "__import__('os').system('echo x')", "!!python/object/apply:os.system ['echo hi']",
    "!!binary aGk=", "!!float x", "!!int 1.5", "!!set {a}", "2010-01-01", '"\\0"', "*undefined",
    "&a x", '"\\x00"', "{a: b}", "[1, [2, [3]]]", "0x1F", "0o17", "1_000", "+.inf",
    "'<script>alert(1)</script>'", "'[bold]x[/]'", "'{{ 7*7 }}'", "?", "!", "%", "@x", "`x`",
    "|", ">", "'\u202e'", "''", "' '", "'" + "长" * 3000 + "'", "true", "null", "3500.0000001",
]  # fmt: skip

FORMULA_TOKENS = ["完成", "目标任务", "计划资金", "拨付资金", "到位资金", "督查评分", "扣分",
                  "未知列", "completed", "1", "0", "0.5", "1e309", "-", "+", "*", "/", "(", ")",
                  "sum(", "max(", "**", "%", "^", ",", "'x'", "__class__", ".", "=", ">",
                  "<"]  # fmt: skip


@cache
def scalars(rule_file: str) -> tuple[tuple[int, int], ...]:
    """The spans of every scalar (keys and values) of a rule file, from YAML's scanner."""
    text = (RULES / rule_file).read_text(encoding="utf-8")
    return tuple(
        (token.start_mark.index, token.end_mark.index)
        for token in yaml.scan(text)
        if isinstance(token, yaml.ScalarToken)
    )


def formula():
    return st.lists(st.sampled_from(FORMULA_TOKENS), min_size=1, max_size=10).map(
        lambda tokens: json.dumps(" ".join(tokens), ensure_ascii=False)
    )


def scalar_value():
    return st.one_of(
        st.sampled_from(ODD_SCALARS),
        formula(),
        st.text(max_size=10).map(lambda t: json.dumps(t, ensure_ascii=False)),
    )


class RuleEdit:
    """A rule file changed by ``edits`` and written in ``encoding``; shown by what was done."""

    def __init__(self, rule_file: str, edits: list[tuple], encoding: str, bad_at: int = 0):
        self.rule_file, self.edits, self.encoding, self.bad_at = rule_file, edits, encoding, bad_at

    def __repr__(self) -> str:
        return f"RuleEdit({self.rule_file!r}, {self.edits!r}, {self.encoding!r})"

    def data(self) -> bytes:
        text = (RULES / self.rule_file).read_text(encoding="utf-8")
        spans = scalars(self.rule_file)
        # scalars first, from the end, so earlier spans keep their offsets
        replaced = sorted((e for e in self.edits if e[0] == "scalar"), key=lambda e: -e[1])
        for _, i, _old, value in replaced:
            start, end = spans[i]
            text = text[:start] + value + text[end:]
        lines = text.split("\n")
        for edit in self.edits:
            action, i = edit[0], edit[1] % len(lines) if edit[0] != "scalar" else 0
            if action == "delete":
                del lines[i]
            elif action == "duplicate":
                lines.insert(i, lines[i])
            elif action == "indent":
                lines[i] = "  " + lines[i]
            elif action == "dedent":
                lines[i] = lines[i].lstrip()
            elif action == "junk":
                lines[i] = lines[i] + edit[2]
        text = "\n".join(lines)
        if self.encoding == "crlf":
            return text.replace("\n", "\r\n").encode("utf-8", "surrogatepass")
        if self.encoding == "bad-bytes":
            raw = text.encode("utf-8", "surrogatepass")
            at = self.bad_at % (len(raw) + 1)
            return raw[:at] + b"\xff\xfe\xc3" + raw[at:]
        return text.encode(self.encoding, "replace")


JUNK = [": :", "{", "[", '"', "\t", "- ", "&a", "*a", "<<: *a", "---", "...", "%YAML 1.1", "? x",
        "\x00", "\x85"]  # fmt: skip


@st.composite
def rule_edit(draw, rule_file: str) -> RuleEdit:
    """A rule file with up to three scalars (keys or values) and two lines changed, in some
    encoding."""
    text = (RULES / rule_file).read_text(encoding="utf-8")
    spans = scalars(rule_file)
    edits: list[tuple] = []
    for i in draw(st.lists(st.integers(0, len(spans) - 1), max_size=3, unique=True)):
        start, end = spans[i]
        edits.append(("scalar", i, text[start:end][:40], draw(scalar_value())))
    for _ in range(draw(st.integers(0, 2))):
        action = draw(st.sampled_from(["delete", "duplicate", "indent", "dedent", "junk"]))
        line = draw(st.integers(0, text.count("\n")))
        edits.append((action, line, draw(st.sampled_from(JUNK))) if action == "junk" else
                     (action, line))  # fmt: skip
    encoding = draw(st.sampled_from(
        ["utf-8"] * 6 + ["utf-8-sig", "utf-16", "utf-16-le", "gbk", "latin-1", "crlf", "bad-bytes"]
    ))  # fmt: skip
    return RuleEdit(rule_file, edits, encoding, draw(st.integers(0, 10**6)))


RULE_CASES = [  # (rule file, the sample it scores)
    ("anhui-2010.yaml", "2010.xlsx"),
    ("tongling-2015.yaml", "tongling-2015-06.xlsx"),
    ("mof-performance-2022.yaml", "mof-2022.xlsx"),
]


@st.composite
def rule_case(draw):
    rule_file, sample = draw(st.sampled_from(RULE_CASES))
    return sample, draw(rule_edit(rule_file))


@fuzz(examples=150)
@given(case=rule_case(), command=st.sampled_from(["check", "assess", "show", "whatif"]))
def test_mutated_rule_files_in_process(case, command):
    sample, edit = case
    with workspace({"my.yaml": edit.data(), sample: sample_bytes(sample)}) as (folder, out):
        before = digest(folder)
        args = {
            "check": ["rules", "check", "my.yaml"],
            "assess": ["assess", sample, "--rules", "my.yaml", "-o", str(out / "r.html")],
            "show": ["rules", "show", "my.yaml"],
            "whatif": ["whatif", sample, "--rules", "anhui-2010", "--rules-b", "my.yaml"],
        }[command]
        outputs = ["r.html"] if command == "assess" else []
        assert_sound(run_inprocess(args, folder), folder, before, outputs, out)


def billion_laughs(levels: int) -> str:
    lines = ['l0: &l0 "ha"']
    for n in range(1, levels + 1):
        lines.append(f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@fuzz(examples=3)
@given(
    where=st.sampled_from(["total", "name", "projects", "grades", "year"]),
    bomb=st.sampled_from(["laughs", "deep-list", "deep-map", "deep-formula", "long-formula"]),
)
def test_rule_file_bombs_in_a_subprocess(where, bomb):
    text = (RULES / "anhui-2010.yaml").read_text(encoding="utf-8")
    if bomb == "laughs":
        prefix, value = billion_laughs(9), "*l9"
    elif bomb == "deep-list":
        prefix, value = "", "[" * 5000 + "]" * 5000
    elif bomb == "deep-map":
        prefix, value = "", "{a: " * 3000 + "1" + "}" * 3000
    elif bomb == "deep-formula":
        prefix, value = "", json.dumps("(" * 5000 + "完成" + ")" * 5000, ensure_ascii=False)
    else:
        prefix, value = "", json.dumps(" + ".join(["完成"] * 20000), ensure_ascii=False)
    if where in ("total", "name", "grades", "year"):
        lines = text.split("\n")
        i = next(n for n, line in enumerate(lines) if line.startswith(where + ":"))
        lines[i] = f"{where}: {value}"
        text = "\n".join(lines)
    else:  # a project's value formula
        text = text.replace("value: 完成 / 目标任务", f"value: {value}", 1)
    with workspace({"bomb.yaml": (prefix + text).encode(), "2010.xlsx": sample_bytes("2010.xlsx")}
                   ) as (folder, out):  # fmt: skip
        before = digest(folder)
        for args in (["rules", "check", "bomb.yaml"], ["assess", "2010.xlsx", "-r", "bomb.yaml"]):
            assert_sound(run_subprocess(args, folder), folder, before, [], out)


# ----------------------------------------------------------------------------- command lines

PATHS = ["2010.xlsx", "tongling-2015-06.xlsx", "tongling-2015-07.xlsx", "", " ", "-", "--",
         "missing.xlsx", "empty.xlsx", "notes.txt", "junk.xlsx", "emptydir", "emptydir/",
         "2010.xlsx/", ".", "*.xlsx", "[bold]2010[/].xlsx", "a\x00b.xlsx", "x" * 300 + ".xlsx",
         "名单\n.xlsx", "my.yaml", "/dev/null", "2010.XLSX", "~/2010.xlsx", "<b>.xlsx",
         "survey.csv"]  # fmt: skip

RULE_VALUES = ["anhui-2010", "tongling-2015", "my.yaml", "missing.yaml", "", "emptydir",
               "2010.xlsx", "/dev/null", "anhui", "../rules/x.yaml", "notes.txt",
               "\x00"]  # fmt: skip

OUTPUT_NAMES = ["r.html", "r.xlsx", "r.md", "r.json", "r.txt", "r", ".html", "r.HTML",
                "sub/r.html", "", "r.htm", "[bold]r[/].html", "r\n.html",
                "x" * 300 + ".html"]  # fmt: skip

COMMON = {
    "--rules": RULE_VALUES,
    "--month": ["0", "13", "-1", "6", "abc", "1e1", "", "６"],
    "--format": ["json", "table", "xml", ""],
    "--lang": ["zh", "en", "fr", ""],
    "--level": ["city", "county", ""],
}
OPTIONS = {
    "assess": {**COMMON, "--top": ["0", "-1", "1", "99999999999999999999999", "abc"],
               "--city": ["阜阳", "", "[bold]x", "不存在"], "-o": OUTPUT_NAMES},
    "check": COMMON,
    "explain": {"--rules": RULE_VALUES, "--month": COMMON["--month"], "--lang": COMMON["--lang"]},
    "whatif": {"--rules": RULE_VALUES, "--rules-b": RULE_VALUES,
               "--set": ["资金保障=300", "资金保障=-1", "资金保障=0", "资金保障=1e309",
                         "资金保障=nan",
                         "资金保障=inf", "=", "x=1", "资金保障=", "资金保障=1e9999",
                         "标准.目标任务完成.loss_per_point=0.5",
                         "标准.目标任务完成.loss_per_point=-1", "标准.目标任务完成.nope=1",
                         "a.b.c.d=1", "农家书屋=abc", "农家书屋.督查评分.method=tiers"],
               "--keep-total": None, "--format": COMMON["--format"], "--top": ["0", "2"]},
    "sensitivity": {"--rules": RULE_VALUES,
                    "--draws": ["0", "-1", "1", "3", "abc", "1e3"],
                    "--spread": ["20%", "0", "0%", "-5%", "100%", "1000%", "abc", "nan", "inf", "%",
                                 "1e309%"],
                    "--seed": ["0", "-1", "abc", "99999999999999999999999"],
                    "-o": OUTPUT_NAMES},
    "compare": {"--rules": RULE_VALUES, "--format": COMMON["--format"],
                "--month": COMMON["--month"]},
    "trend": {"--rules": RULE_VALUES, "--format": COMMON["--format"], "-o": OUTPUT_NAMES},
    "template": {"--rules": RULE_VALUES,
                 "--districts": ["合肥市,芜湖市", "", ",,,", "[bold]x", "=cmd|' /C calc'!A0",
                                 "长" * 40, "合肥市,合肥市", "a/b", "社情民意", "填报说明",
                                 "Sheet1,sheet1", "'"],
                 "--layout": ["long", "sheets", "x"], "-o": OUTPUT_NAMES},
}  # fmt: skip


def workspace_files() -> dict[str, bytes]:
    return {
        "2010.xlsx": sample_bytes("2010.xlsx"),
        "tongling-2015-06.xlsx": sample_bytes("tongling-2015-06.xlsx"),
        "tongling-2015-07.xlsx": sample_bytes("tongling-2015-07.xlsx"),
        "[bold]2010[/].xlsx": sample_bytes("2010.xlsx"),
        "<b>.xlsx": sample_bytes("tongling-2015-06.xlsx"),
        "empty.xlsx": b"",
        "junk.xlsx": "地区,项目\n合肥市,农家书屋\n".encode(),
        "notes.txt": "备注".encode(),
        "survey.csv": "地区,满意度\n合肥市,93.5%\n芜湖市,=1+1\n".encode(),
        "my.yaml": (RULES / "tongling-2015.yaml").read_bytes(),
        "emptydir/.keep": b"",
    }


@st.composite
def command_line(draw, out: Path):
    """A command, its paths and options, each from a pool of ordinary and odd values."""
    command = draw(st.sampled_from(sorted(OPTIONS)))
    args = [command]
    positional = draw(st.lists(st.sampled_from(PATHS), min_size=0, max_size=3))
    if command == "explain":
        positional.append(draw(st.sampled_from(["合肥市", "合肥", "", "[bold]", "不存在市", "市"])))
    outputs = []
    options = []
    pool = OPTIONS[command]
    for name in draw(st.lists(st.sampled_from(sorted(pool)), max_size=4)):
        if pool[name] is None:
            options.append([name])
            continue
        value = draw(st.sampled_from(pool[name]))
        if name == "-o":
            outputs.append(value)
            value = str(out / value) if value else value
        options.append([name, value])
    if command == "sensitivity" and not any(o[0] == "--draws" for o in options):
        options.append(["--draws", "5"])  # the default 2,000 draws is the benchmark's job
    if draw(st.booleans()):
        args += positional + [token for option in options for token in option]
    else:
        args += [token for option in options for token in option] + positional
    return args, [o for o in outputs if o and "\x00" not in o]


@fuzz(examples=200)
@given(data=st.data())
def test_odd_command_lines_in_process(data):
    with workspace(workspace_files()) as (folder, out):
        before = digest(folder)
        args, outputs = data.draw(command_line(out))
        outcome = run_inprocess(args, folder)
        assert_sound(outcome, folder, before, outputs, out)


DANGEROUS_COMMANDS = [
    ["assess", "zero.xlsx"],  # a symlink to /dev/zero: endless bytes
    ["check", "zero.csv"],
    ["sensitivity", "2010.xlsx", "--draws", "100000000000"],
    ["sensitivity", "2010.xlsx", "--draws", "50000000", "--spread", "1e308%"],
    ["assess", "2010.xlsx", "--top", "99999999999999999999999999999"],
    ["rules", "check", "zero.yaml"],
]


@pytest.mark.parametrize("args", DANGEROUS_COMMANDS, ids=lambda a: " ".join(a))
def test_dangerous_command_lines_in_a_subprocess(args, tmp_path):
    (tmp_path / "2010.xlsx").write_bytes(sample_bytes("2010.xlsx"))
    for name in ("zero.xlsx", "zero.csv", "zero.yaml"):
        os.symlink("/dev/zero", tmp_path / name)
    before = digest(tmp_path)
    assert_sound(run_subprocess(args, tmp_path), tmp_path, before)
