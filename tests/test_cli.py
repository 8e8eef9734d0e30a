"""The command line: help everywhere, exit codes, JSON, scheme choice, determinism, the README."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner
from conftest import ANHUI_HEADER, ROOT, RULES, SAMPLES, anhui_projects, full_rows, write_xlsx

from scorer import __version__
from scorer.cli import main


def invoke(*args, cwd=None, terminal_width=80):
    """Run scorer in folder ``cwd`` with a terminal ``terminal_width`` columns wide \
(rich reads COLUMNS)."""
    previous = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        return CliRunner().invoke(
            main, list(args), env={"COLUMNS": str(terminal_width)}, terminal_width=terminal_width
        )
    finally:
        os.chdir(previous)


def all_commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [(), *all_commands(main)], ids=lambda p: " ".join(p) or "scorer")
def test_every_command_has_help(path):
    result = invoke(*path, "--help")
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) > 3


def test_assess_sample_prints_the_ranking():
    result = invoke("assess", str(SAMPLES / "2010.xlsx"), cwd=ROOT)
    assert result.exit_code == 0, result.output
    assert (
        "考核方案：安徽省2010年度民生工程实施情况考核"
        "（rules/anhui-2010.yaml；依据：数据文件名中的年份 2010）" in result.stderr
    )
    for city in ("合肥市", "巢湖市", "宣城市"):
        assert city in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "社情民意排名" in result.stdout


def test_top_n():
    result = invoke("assess", str(SAMPLES / "2010.xlsx"), "--top", "3", cwd=ROOT)
    assert result.exit_code == 0
    assert "另有 14 行" in result.stdout


def json_of(*args, cwd=ROOT):
    result = invoke("assess", *args, "--format", "json", cwd=cwd)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_shape():
    out = json.loads(json_of(str(SAMPLES / "2010.xlsx")))
    assert (
        out["scheme"]["name"] == "安徽省2010年度民生工程实施情况考核"
        and out["scheme"]["total"] == 3500
    )
    districts = out["districts"]
    assert len(districts) == 17
    assert [d["rank"] for d in districts] == sorted(d["rank"] for d in districts)
    first = districts[0]
    assert {"district", "total", "rank", "grade", "projects"} <= set(first)
    assert len(first["projects"]) == 34 and "资金保障" in first["projects"]
    tongling = next(d for d in districts if d["district"] == "铜陵市")
    assert tongling["projects"]["光荣院建设"] is None
    assert any(
        not float(d["total"]).is_integer() and len(repr(d["total"])) > 8 for d in districts
    )  # unrounded
    survey = {s["district"]: s for s in out["survey"]}
    assert len(survey) == 17
    assert all(
        isinstance(s["satisfaction"], float) and 80 < s["satisfaction"] < 100
        for s in survey.values()
    )
    assert out["issues"] == []


def test_same_input_same_output_byte_for_byte():
    assert json_of(str(SAMPLES / "2010.xlsx")) == json_of(str(SAMPLES / "2010.xlsx"))


def test_row_order_does_not_change_the_result(tmp_path):
    rows = [
        *full_rows("甲市", **{"农家书屋": {"完成": 80}}),
        *full_rows("乙市", **{"光荣院建设": {"扣分": 4}}),
    ]
    a = write_xlsx(tmp_path / "a.xlsx", {"s": [ANHUI_HEADER, *rows]})
    b = write_xlsx(tmp_path / "b.xlsx", {"s": [ANHUI_HEADER, *reversed(rows)]})
    rules = str(RULES / "anhui-2010.yaml")
    first = json.loads(json_of(str(a), "--rules", rules, cwd=tmp_path))
    second = json.loads(json_of(str(b), "--rules", rules, cwd=tmp_path))
    assert first["districts"] == sorted(second["districts"], key=lambda d: d["rank"])


def test_problems_exit_1_without_ranking(tmp_path):
    rows = full_rows("甲市", **{anhui_projects()[2]: {"目标任务": 0}})
    path = write_xlsx(tmp_path / "2010.xlsx", {"填报": [ANHUI_HEADER, *rows]})
    result = invoke("assess", str(path), cwd=tmp_path, terminal_width=200)
    assert result.exit_code == 1
    assert "排名" not in result.stdout
    assert "2010.xlsx › 填报" in result.stderr
    assert re.search(
        r"C4 +│ 0 +│ 项目“农村卫生服务体系建设”未暂缓实施，但“目标任务”为 0，无法计算比率",
        result.stderr,
    )
    assert "数据有 1 个错误，未排名" in result.stderr
    out = json.loads(invoke("assess", str(path), "--format", "json", cwd=tmp_path).stdout)
    assert [(i["sheet"], i["cell"], i["code"]) for i in out["issues"]] == [
        ("填报", "C4", "zero-denominator")
    ]


def test_scheme_chosen_from_the_only_file_in_local_rules(tmp_path):
    (tmp_path / "rules").mkdir()
    shutil.copy(RULES / "anhui-2010.yaml", tmp_path / "rules" / "mine.yaml")
    path = write_xlsx(tmp_path / "returns.xlsx", {"s": [ANHUI_HEADER, *full_rows("甲市")]})
    result = invoke("assess", str(path), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "rules/mine.yaml；依据：./rules/ 中唯一的方案" in result.stderr


def test_no_scheme_can_be_chosen_lists_the_known_ones(tmp_path):
    path = write_xlsx(tmp_path / "returns.xlsx", {"s": [ANHUI_HEADER, *full_rows("甲市")]})
    result = invoke("assess", str(path), cwd=tmp_path)
    assert result.exit_code == 2
    assert "无法确定考核方案：数据文件名中没有年份" in result.stderr
    assert (
        "anhui-2010.yaml  (2010)" in result.stderr and "tongling-2015.yaml  (2015)" in result.stderr
    )


def test_missing_file_is_a_clear_error(tmp_path):
    result = invoke("assess", "nowhere-2010.xlsx", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.strip().endswith("找不到文件 nowhere-2010.xlsx")
    assert "Traceback" not in result.output


def test_bad_rule_file_lists_its_problems(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (RULES / "anhui-2010.yaml")
        .read_text(encoding="utf-8")
        .replace("weight: 120}", "weight: 100}", 1),
        encoding="utf-8",
    )
    result = invoke(
        "assess", str(SAMPLES / "2010.xlsx"), "--rules", str(bad), cwd=tmp_path, terminal_width=200
    )
    assert result.exit_code == 1
    assert "各项目分值合计 3480 分，与方案总分 3500 分不符" in result.stderr


def test_editing_a_weight_changes_the_ranking(tmp_path):
    text = (RULES / "anhui-2010.yaml").read_text(encoding="utf-8")
    baseline = json.loads(
        json_of(str(SAMPLES / "2010.xlsx"), "--rules", str(RULES / "anhui-2010.yaml"))
    )
    # 资金保障 from 100 to 1000 points (and the total with it): fund discipline now decides the
    # order
    edited = text.replace("total: 3500", "total: 4400").replace(
        "  - name: 资金保障\n    weight: 100", "  - name: 资金保障\n    weight: 1000"
    )
    (tmp_path / "edited.yaml").write_text(edited, encoding="utf-8")
    changed = json.loads(
        json_of(str(SAMPLES / "2010.xlsx"), "--rules", str(tmp_path / "edited.yaml"))
    )
    assert changed["scheme"]["total"] == 4400
    assert [d["district"] for d in changed["districts"]] != [
        d["district"] for d in baseline["districts"]
    ]


def test_english_output():
    result = invoke("assess", str(SAMPLES / "2010.xlsx"), "--lang", "en", cwd=ROOT)
    assert result.exit_code == 0
    assert "Rank" in result.stdout and "Scheme:" in result.stderr


@pytest.mark.parametrize(
    "lang, said",
    [("zh", f"scorer 版本 {__version__}\n"), ("en", f"scorer, version {__version__}\n")],
)
def test_python_dash_m_and_version(lang, said):
    out = subprocess.run(
        [sys.executable, "-m", "scorer", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "SCORER_LANG": lang},
    )
    assert out.returncode == 0 and out.stdout == said


READMES = [("README.md", "zh"), ("README.en.md", "en")]


@pytest.mark.parametrize("name, lang", READMES)
def test_readme_commands_run_and_show_real_output(name, lang):
    """Every `$ scorer …` in each README runs, and the lines the README shows under it are real:
    README.md in the default Chinese, README.en.md with --lang en."""
    readme = (ROOT / name).read_text(encoding="utf-8")
    blocks = re.findall(r"```console\n(.*?)```", readme, flags=re.S)
    sessions = []
    for block in blocks:
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, shown = chunk.partition("\n")
            if command.startswith("scorer "):
                sessions.append((command, shown))
    assert len(sessions) >= 15
    for command, shown in sessions:
        args = shlex.split(command)[1:]
        assert ("--lang" in args) == (lang == "en"), command
        result = CliRunner().invoke(
            main, args, prog_name="scorer", env={"COLUMNS": "80", "SCORER_LANG": None}
        )
        assert result.exit_code in (0, 1), (command, result.output)
        actual = result.output
        for line in shown.splitlines():
            if line.strip() and not line.startswith("…"):
                assert line.rstrip() in actual, (command, line)


@pytest.mark.parametrize("name, lang", READMES)
def test_readme_tables_are_the_commands_real_options(name, lang, monkeypatch):
    """The command and option tables are what `python tests/update_readme.py` makes of the
    commands' --help records; an option added without regenerating them fails here."""
    import update_readme

    readme = (ROOT / name).read_text(encoding="utf-8")
    assert readme.count("<!-- generated: ") == 2
    assert update_readme.update_tables(readme, lang) == readme
    check = main.commands["check"]
    extra = click.Option(["--extra"], help="an option the README does not know")
    monkeypatch.setattr(check, "params", [*check.params, extra])
    assert update_readme.update_tables(readme, lang) != readme


def test_readmes_link_each_other():
    assert "[English](README.en.md)" in (ROOT / "README.md").read_text(encoding="utf-8")[:200]
    assert "[中文](README.md)" in (ROOT / "README.en.md").read_text(encoding="utf-8")[:200]


def test_check_lists_every_problem_with_value_and_exits_1():
    result = invoke("check", str(SAMPLES / "2010-errors.xlsx"), cwd=ROOT, terminal_width=160)
    assert result.exit_code == 1
    assert "samples/2010-errors.xlsx › 2010年度民生工程" in result.stderr
    assert re.search(
        r"D7 +│ 约1000 +│ “完成”应为数字，读到“约1000” +│ 改为纯数字，如 1234.5", result.stderr
    )
    assert re.search(
        r"B74 +│ 农村五宝供养 +│ 未知项目“农村五宝供养” +│ 是否应为“农村五保供养”？", result.stderr
    )
    assert "✗ 有 7 个错误，不能计分。请按上表修改。" in result.stderr
    assert result.stdout == ""


def test_check_clean_data_exits_0():
    result = invoke("check", str(SAMPLES / "2010.xlsx"), cwd=ROOT)
    assert result.exit_code == 0, result.output
    assert "✓ 可以计分：17 个地区，561 行数据；0 个提醒" in result.stderr


def test_check_json():
    result = invoke("check", str(SAMPLES / "2010-errors.xlsx"), "--format", "json", cwd=ROOT)
    out = json.loads(result.stdout)
    assert result.exit_code == 1 and out["ok"] is False
    assert [(i["cell"], i["code"]) for i in out["issues"]][:2] == [
        ("B74", "unknown-project"),
        ("B104", "ambiguous-project"),
    ]
    assert len(out["issues"]) == 7


def test_one_progress_bar_over_opening_and_checking_the_files(tmp_path, monkeypatch):
    """The bar counts files: half of each as it is opened (its parse begun), half as its rows
    are checked; it only ever moves forward."""
    from scorer.cli import terminal as cli_module

    folder = tmp_path / "returns"
    folder.mkdir()
    for district in ("甲县", "乙县", "丙县"):
        write_xlsx(folder / f"{district}.xlsx", {"填报": [ANHUI_HEADER, *full_rows(district)]})
    seen: list[tuple[int, int]] = []
    monkeypatch.setattr(cli_module.ProgressBar, "__call__", lambda self, d, t: seen.append((d, t)))
    result = CliRunner().invoke(
        main, ["assess", str(folder), "--rules", str(RULES / "anhui-2010.yaml")]
    )
    assert result.exit_code == 0, result.output
    assert {total for _, total in seen} == {3}  # the bar counts files
    assert [d for d, _ in seen] == [0.5, 1.0, 2.0, 2.5]


@pytest.mark.parametrize(
    "args, allowed",
    [(["--help"], set()), (["rules", "show", "anhui-2010"], {"pydantic", "yaml", "rich"})],
)
def test_quick_commands_load_only_what_they_need(args, allowed):
    """--help loads none of the heavy libraries, rules show none of the data ones (issue 6:
    the command line answers at once)."""
    heavy = ("pandas", "numpy", "pyarrow", "fastexcel", "pydantic", "yaml", "rich")
    code = (
        "import sys\n"
        "from scorer.cli import main\n"
        "try:\n"
        f"    main({args!r}, standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('loaded:' + ','.join(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    line = out.stderr.strip().splitlines()[-1]
    assert line.startswith("loaded:"), out.stderr
    loaded = set(filter(None, line.removeprefix("loaded:").split(",")))
    assert loaded == allowed, out.stderr


@pytest.mark.parametrize(
    "data, rules",
    [("2010-counties.xlsx", "anhui-2010.yaml"), ("mof-tree-2021.xlsx", "mof-tree-2021.yaml")],
)
def test_json_written_in_batches_is_the_whole_documents_bytes(data, rules):
    # the CLI writes the districts a batch at a time: batches of 7 (and the tree's subtotals)
    # give the bytes of the document made whole
    from scorer import assess
    from scorer.render.json import _body, json_bytes, json_chunks, to_dict

    result = assess([SAMPLES / data], ROOT / "rules" / rules)
    whole = json_bytes(to_dict(result.ranking, result.issues))
    body = _body(result.ranking, result.issues, "zh")
    body["districts"].size = 7
    chunks = list(json_chunks(body))
    assert len(chunks) > 4 and b"".join(chunks) == whole
    assert json_of(str(SAMPLES / data), "--rules", str(ROOT / "rules" / rules)).encode() == whole
