"""The command line in two languages: click's own messages word for word, --help aligned in
display columns and never cut, and the console as Windows offices meet it (GBK, Chinese paths)."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import ANHUI_HEADER, RULES, SAMPLES, full_rows, write_xlsx
from hypothesis import given, settings
from hypothesis import strategies as st

from scorer import __version__
from scorer.cli import main
from scorer.cli.help import _NO_END, _NO_START, _segments, display_width, wrap
from scorer.cli.language import _zh_list, _zh_range, lang_in, speaking
from scorer.messages import CATALOGS
from scorer.messages.zh import CLICK


def invoke(*args: str, lang: str | None = None, cwd: Path | None = None):
    """scorer as a person runs it, 80 columns wide; ``lang`` sets $SCORER_LANG (None: unset)."""
    previous = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        return CliRunner().invoke(
            main,
            list(args),
            prog_name="scorer",
            env={"COLUMNS": "80", "SCORER_LANG": lang},
            terminal_width=80,
        )
    finally:
        os.chdir(previous)


def usage(command: str, args: str, lang: str) -> str:
    if lang == "zh":
        return f"用法：scorer {command}[选项] {args}\n运行“scorer {command}--help”查看帮助。\n\n"
    return f"Usage: scorer {command}[OPTIONS] {args}\nTry 'scorer {command}--help' for help.\n\n"


ASSESS = {"zh": usage("assess ", "数据…", "zh"), "en": usage("assess ", "DATA...", "en")}
ROOT_USAGE = {
    "zh": usage("", "命令 [参数]…", "zh"),
    "en": usage("", "COMMAND [ARGS]...", "en"),
}

# (arguments, Chinese, English): every kind of message click can print for our commands
MESSAGES = [
    (
        ["asess", "x"],
        ROOT_USAGE["zh"] + "错误：没有“asess”这个命令。是否应为“assess”？\n",
        ROOT_USAGE["en"] + "Error: No such command 'asess'. Did you mean 'assess'?\n",
    ),
    (
        ["rules", "sho"],
        usage("rules ", "命令 [参数]…", "zh") + "错误：没有“sho”这个命令。是否应为“show”？\n",
        usage("rules ", "COMMAND [ARGS]...", "en")
        + "Error: No such command 'sho'. Did you mean 'show'?\n",
    ),
    (
        ["--bogus"],
        ROOT_USAGE["zh"] + "错误：没有“--bogus”这个选项。\n",
        ROOT_USAGE["en"] + "Error: No such option '--bogus'.\n",
    ),
    (
        ["assess"],
        ASSESS["zh"] + "错误：缺少参数“数据…”。\n",
        ASSESS["en"] + "Error: Missing argument 'DATA...'.\n",
    ),
    (
        ["template"],
        usage("template ", "", "zh").replace("[选项] ", "[选项]") + "错误：缺少选项“--rules”。\n",
        usage("template ", "", "en").replace("[OPTIONS] ", "[OPTIONS]")
        + "Error: Missing option '--rules' / '-r'.\n",
    ),
    (
        ["assess", "--bogus", "x"],
        ASSESS["zh"] + "错误：没有“--bogus”这个选项。\n",
        ASSESS["en"] + "Error: No such option '--bogus'.\n",
    ),
    (
        ["assess", "--formt", "json", "x"],
        ASSESS["zh"] + "错误：没有“--formt”这个选项。是否应为“--format”？\n",
        ASSESS["en"] + "Error: No such option '--formt'. Did you mean '--format'?\n",
    ),
    (
        ["assess", "x", "--month", "13"],
        ASSESS["zh"] + "错误：“--month”的值有误：13 超出了允许的范围（1～12）。\n",
        ASSESS["en"] + "Error: Invalid value for '--month': 13 is not in the range 1<=x<=12.\n",
    ),
    (
        ["assess", "x", "--top", "0"],
        ASSESS["zh"] + "错误：“--top”的值有误：0 超出了允许的范围（不小于 1）。\n",
        ASSESS["en"] + "Error: Invalid value for '--top': 0 is not in the range x>=1.\n",
    ),
    (
        ["assess", "x", "--month", "六"],
        ASSESS["zh"] + "错误：“--month”的值有误：“六”不是有效的整数。\n",
        ASSESS["en"] + "Error: Invalid value for '--month': '六' is not a valid integer range.\n",
    ),
    (
        ["assess", "x", "--format", "xml"],
        ASSESS["zh"] + "错误：“--format”的值有误：“xml”不是可选的值，应为“table”、“json”之一。\n",
        ASSESS["en"]
        + "Error: Invalid value for '--format': 'xml' is not one of 'table', 'json'.\n",
    ),
    (
        ["assess", "x", "--level", "county"],
        ASSESS["zh"] + "错误：“--level”的值有误：“county”不是可选的值，只能是“city”。\n",
        ASSESS["en"] + "Error: Invalid value for '--level': 'county' is not 'city'.\n",
    ),
    (
        ["assess", "x", "-o", "/"],
        ASSESS["zh"] + "错误：“--output”的值有误：“/”是文件夹，这里应为文件。\n",
        ASSESS["en"] + "Error: Invalid value for '--output' / '-o': File '/' is a directory.\n",
    ),
    (
        ["rules", "check", "不存在.yaml"],
        usage("rules check ", "方案文件…", "zh")
        + "错误：“方案文件…”的值有误：文件“不存在.yaml”不存在。\n",
        usage("rules check ", "FILE...", "en")
        + "Error: Invalid value for 'FILE...': File '不存在.yaml' does not exist.\n",
    ),
    (
        ["sensitivity", "x", "--draws", "0"],
        usage("sensitivity ", "数据…", "zh")
        + "错误：“--draws”的值有误：0 超出了允许的范围（1～1000000）。\n",
        usage("sensitivity ", "DATA...", "en")
        + "Error: Invalid value for '--draws': 0 is not in the range 1<=x<=1000000.\n",
    ),
    (
        ["sensitivity", "x", "--spread", "2"],
        usage("sensitivity ", "数据…", "zh")
        + "错误：“--spread”的值有误：应为 0 与 100% 之间的数，如 20%，读到“2”\n",
        usage("sensitivity ", "DATA...", "en")
        + "Error: Invalid value for '--spread': a number between 0 and 100%, such as 20%; "
        "found “2”\n",
    ),
    (
        ["compare", "a.xlsx", "b.xlsx", "c.xlsx"],
        usage("compare ", "前一期 后一期", "zh") + "错误：多余的参数：c.xlsx。\n",
        usage("compare ", "EARLIER LATER", "en")
        + "Error: Got unexpected extra argument (c.xlsx)\n",
    ),
    (
        ["assess", "x", "--rules"],
        "错误：选项“--rules”后面需要一个值。\n",
        "Error: Option '--rules' requires an argument.\n",
    ),
    (
        ["--debug"],
        ROOT_USAGE["zh"] + "错误：缺少命令。\n",
        ROOT_USAGE["en"] + "Error: Missing command.\n",
    ),
    (
        ["--debug=yes", "assess", "x"],
        "错误：选项“--debug”后面不能带值。\n",
        "Error: Option '--debug' does not take a value.\n",
    ),
]


@pytest.mark.parametrize("args, zh, en", MESSAGES, ids=lambda v: " ".join(v)[:40])
def test_click_messages_in_both_languages(args, zh, en):
    chinese = invoke(*args)
    assert (chinese.exit_code, chinese.stderr, chinese.stdout) == (2, zh, "")
    english = invoke(*args, lang="en")
    assert (english.exit_code, english.stderr, english.stdout) == (2, en, "")


def test_an_interrupted_run_says_so_in_its_language(monkeypatch):
    import scorer.scheme

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(scorer.scheme, "json_schema", interrupted)
    assert invoke("rules", "schema").stderr == "\n已中止。\n"
    assert invoke("rules", "schema", lang="en").stderr == "\nAborted!\n"


@pytest.mark.parametrize(
    "args",
    [["assess", "x", "--month", "13", "--lang", "en"], ["--lang", "en", "assess", "x", "-o", "/"]],
)
def test_lang_on_the_command_line_answers_the_usage_error_in_english(args):
    result = invoke(*args)
    assert result.exit_code == 2 and "Error: Invalid value for '--" in result.stderr
    assert not re.search(r"[\u4e00-\u9fff]", result.stderr)


def test_a_wrong_value_is_shown_not_obeyed():
    result = invoke("assess", "x", "--format", "x\x1b[31m")
    assert "“x\\x1b[31m”不是可选的值" in result.stderr and "\x1b" not in result.stderr


def test_version_and_help_option_in_both_languages():
    assert invoke("--version").stdout == f"scorer 版本 {__version__}\n"
    assert invoke("--version", lang="en").stdout == f"scorer, version {__version__}\n"
    # the help option is made once and kept: each run still says it in its own language
    for lang, said in [("zh", "显示本帮助并退出。"), ("en", "Show this message and exit."),
                       ("zh", "显示本帮助并退出。")]:  # fmt: skip
        assert re.search(
            rf"-h, --help +{re.escape(said)}\n", invoke("check", "-h", lang=lang).stdout
        )


def test_lang_is_read_before_click_parses():
    assert lang_in(["assess", "x", "--lang", "en"]) == "en"
    assert lang_in(["--lang=en", "assess"]) == "en"
    assert lang_in(["assess", "--", "--lang", "en"]) == "zh"  # after --, a file's name
    assert lang_in(["assess", "--lang"]) == "zh"
    assert lang_in(["assess", "--lang", "fr"]) == "zh"


def test_lists_of_names_in_chinese_quotes():
    assert _zh_list("'table', 'json'") == "“table”、“json”"
    assert _zh_list("table,\n\tjson") == "“table”、“json”"  # Choose from:\n\t…


def test_ranges_in_words():
    assert [_zh_range(r) for r in ("1<=x<=12", "x>=1", "x>0", "0<=x<1", "x<=5")] == [
        "1～12",
        "不小于 1",
        "大于 0",
        "不小于 0、小于 1",
        "不大于 5",
    ]


# --- the help pages


def command_paths(group: click.Group = main, prefix: tuple[str, ...] = ()):
    yield prefix
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from command_paths(command, (*prefix, name))
        else:
            yield (*prefix, name)


PAGES = [(path, lang) for path in command_paths() for lang in ("zh", "en")]


def help_page(path: tuple[str, ...], lang: str) -> str:
    result = invoke(*path, "--help", lang=lang)
    assert result.exit_code == 0, result.output
    return result.stdout


def section(page: str, *names: str) -> list[str]:
    """The lines of the section headed by one of ``names`` (up to the next blank line)."""
    lines = page.splitlines()
    for name in names:
        if name in lines:
            start = lines.index(name) + 1
            end = next((i for i in range(start, len(lines)) if not lines[i]), len(lines))
            return lines[start:end]
    return []


def rows(lines: list[str]) -> list[tuple[str, int, list[str]]]:
    """A definition list as (term, column its text starts at, the text's lines)."""
    found: list[tuple[str, int, list[str]]] = []
    for line in lines:
        if not line.startswith("   "):  # a term, maybe with its text after two spaces
            term, gap, text = re.match(r"  (\S(?:.*?\S)?)( {2,}|$)(.*)", line).groups()
            column = display_width(line[: len(line) - len(text)]) if text else -1
            found.append((term, column, [text] if text else []))
        else:  # the text going on, below
            column = len(line) - len(line.lstrip(" "))
            term, first, texts = found[-1]
            found[-1] = (term, first if first >= 0 else column, [*texts, line.strip()])
            assert column == found[-1][1], (line, found[-1])
    return found


@pytest.mark.parametrize(
    "path, lang", PAGES, ids=lambda v: "-".join(v) if isinstance(v, tuple) else v
)
def test_help_columns_align_and_lines_fit(path, lang):
    page = help_page(path, lang)
    assert max(display_width(line) for line in page.splitlines()) <= 80, page
    for names in (("选项：", "Options:"), ("命令：", "Commands:")):
        found = rows(section(page, *names))
        assert len({column for _, column, _ in found}) <= 1, page  # one column for every text
    assert rows(section(page, "选项：", "Options:")), page


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(
    "path, lang", PAGES, ids=lambda v: "-".join(v) if isinstance(v, tuple) else v
)
def test_help_says_every_sentence_whole(path, lang):
    """No text is shortened ("…" where a sentence went on): each option's help, each command's
    summary and the description appear in full, in the language asked for."""
    page = help_page(path, lang)
    command = main
    for name in path:
        command = command.commands[name]
    with speaking(lang):
        ctx = click.Context(command, info_name="scorer")
        records = dict(filter(None, (p.get_help_record(ctx) for p in command.get_params(ctx))))
        assert _squeezed(command.help) in _squeezed(page)
    for term, _, texts in rows(section(page, "选项：", "Options:")):
        assert _squeezed(" ".join(texts)) == _squeezed(records[term])
    if isinstance(command, click.Group):
        for name, _, texts in rows(section(page, "命令：", "Commands:")):
            short = CATALOGS[lang][f"help_short_{'_'.join((*path, name))}"]
            assert _squeezed(" ".join(texts)) == _squeezed(short)
    cjk = re.findall(r"[\u4e00-\u9fff]", page)
    if lang == "en":
        assert not cjk, page
    else:
        english = (
            r"\b(Usage|Options|Commands|Show|default|required|"
            r"OPTIONS|COMMAND|ARGS|DATA|FILE|TEXT|INTEGER|RANGE)\b"
        )
        assert not re.search(english, page), page


def test_every_help_text_is_a_key_in_both_languages():
    keys = set(CATALOGS["zh"]) & set(CATALOGS["en"])
    for path in command_paths():
        command = main
        for name in path:
            command = command.commands[name]
        said = [command.__dict__.get("_said_help"), command.__dict__.get("_said_short_help")]
        said += [p.__dict__.get(f"_said_{a}") for p in command.params for a in ("help", "metavar")]
        assert set(filter(None, said)) <= keys, path


def test_help_in_a_real_terminal_of_80_columns():
    """Outside the test runner click leaves two columns free: 78 used of 80."""
    out = subprocess.run(
        [sys.executable, "-m", "scorer", "whatif", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80", "SCORER_LANG": "zh"},
        check=True,
    )
    widths = [display_width(line) for line in out.stdout.splitlines()]
    assert max(widths) <= 78 and max(widths) > 70, out.stdout
    assert "  --set 项目=分值        改分值（项目=分值）或参数" in out.stdout


# --- lines broken as Chinese is broken

CHINESE = "考核方案计分排名县区市目标完成资金到位率"


def test_wrap_measures_display_columns_and_keeps_marks_with_their_words():
    text = "不用 --rules 时依次选用：填报表中记录的方案、./rules/ 中唯一的方案。"
    lines = wrap(text, 20)
    assert all(display_width(line) <= 20 for line in lines)
    assert "--rules" in "".join(lines) and "./rules/" in "".join(lines)  # words whole
    assert not any(line[0] in _NO_START for line in lines[1:])
    assert wrap("一二三四五六七八九，十", 18) == ["一二三四五六七八", "九，十"]  # ， never first
    assert wrap("一二三四五六七“八”", 16) == ["一二三四五六七", "“八”"]  # “ never last


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from([*CHINESE, "，", "。", "（", "）", "“", "”", " ", "abc", "1.5"]),
        max_size=60,
    ).map("".join),
    st.integers(6, 40),
)
def test_wrap_loses_nothing_and_fits(text, width):
    lines = wrap(text, width)
    assert _squeezed("".join(lines)) == _squeezed(text)
    assert all(display_width(line) <= width for line in lines)
    if all(display_width(s) <= width for s in _segments(text)):  # no segment had to be cut
        assert not any(line[0] in _NO_START for line in lines[1:])
        assert not any(line[-1] in _NO_END for line in lines[:-1])


# --- click's messages we translate are messages click has


def click_msgids() -> set[str]:
    """Every literal given to _() or ngettext() in the installed click."""
    found = set()
    for source in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("_", "ngettext"):
                found |= {a.value for a in node.args[:2] if isinstance(a, ast.Constant)}
    return found


def test_every_translated_click_message_is_still_one_of_clicks():
    """A click release that rewords a message makes this fail, instead of leaving English in
    the Chinese output."""
    assert set(CLICK) <= click_msgids()


def test_the_usage_errors_click_can_raise_are_all_translated():
    for module in ("exceptions.py", "parser.py", "formatting.py"):
        source = (Path(click.__file__).parent / module).read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("_", "ngettext"):
                for arg in node.args[:2]:
                    if isinstance(arg, ast.Constant) and "Invalid start character" not in arg.value:
                        assert arg.value in CLICK, (module, arg.value)


# --- Windows offices: a GBK console, Chinese names with spaces


def test_gbk_console_gets_chinese_and_no_crash(tmp_path):
    """A console or file in GBK (code page 936) shows the Chinese, and a name GBK lacks as an
    escape: nothing crashes, nothing is called an internal error."""
    data = write_xlsx(
        tmp_path / "2010.xlsx", {"s": [ANHUI_HEADER, *full_rows("𠀀市"), *full_rows("甲市")]}
    )
    env = {**os.environ, "PYTHONIOENCODING": "gbk", "COLUMNS": "80", "SCORER_LANG": "zh"}
    for args in (
        [str(SAMPLES / "2010.xlsx")],
        [str(data), "--rules", str(RULES / "anhui-2010.yaml")],
    ):
        out = subprocess.run(
            [sys.executable, "-m", "scorer", "assess", *args], capture_output=True, env=env
        )
        stdout, stderr = out.stdout.decode("gbk"), out.stderr.decode("gbk")
        assert out.returncode == 0, stderr
        assert "排名" in stdout and "内部错误" not in stderr and "Traceback" not in stderr
    assert "\\U00020000市" in stdout and "甲市" in stdout
    as_json = subprocess.run(
        [sys.executable, "-m", "scorer", "assess", *args, "--format", "json"],
        capture_output=True,
        env=env,
    )
    assert "𠀀市" in as_json.stdout.decode("utf-8")  # JSON is UTF-8 whatever the console
    help_text = subprocess.run(
        [sys.executable, "-m", "scorer", "--help"], capture_output=True, env=env, check=True
    )
    assert "用法：" in help_text.stdout.decode("gbk")


def test_chinese_folder_and_rule_file_names_with_spaces(tmp_path):
    folder = tmp_path / "2010年 各市 填报"
    folder.mkdir()
    for district in ("甲市", "乙市"):
        write_xlsx(
            folder / f"{district} 填报表.xlsx", {"填报": [ANHUI_HEADER, *full_rows(district)]}
        )
    rules = tmp_path / "我的 方案 2010.yaml"
    shutil.copy(RULES / "anhui-2010.yaml", rules)
    report = tmp_path / "报告 输出" / "考核 报告.html"
    report.parent.mkdir()
    result = invoke("assess", str(folder), "--rules", str(rules), "-o", str(report))
    assert result.exit_code == 0, result.output
    assert "甲市" in result.stdout and "乙市" in result.stdout
    assert f"（{rules}；" in result.stderr.replace("\n", "")
    assert report.read_text(encoding="utf-8").count("甲市") > 1
    missing = invoke("assess", str(tmp_path / "没有 这个 文件夹" / "2010.xlsx"))
    assert missing.exit_code == 1 and "没有 这个 文件夹" in missing.stderr
