"""YAML mistakes a clerk makes typing a rule file on a Chinese keyboard, each explained at its
line with what to write instead, in Chinese and English (issue 17); and rule files of any shape
refused with issues, never a traceback."""

# ruff: noqa: E501 (the expected lines are whole lines as `scorer rules check` prints them)
from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT, cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorer.scheme import check_scheme_text, load, read_rule_file
from scorer.scheme.model import Scheme

BASE = """\
name: 测试方案
year: 2011
total: 220
grades: {优秀: 0.9, 良好: 0.8, 合格: 0.6, 不合格: 0}
columns:
  district: {label: 地区}
  project: {label: 项目}
  target: {label: 目标任务, unit: 个}
  completed: {label: 完成}
projects:
  - name: 农村公路“村村通”
    weight: 120
    indicators:
      - {name: 完成, share: 1, method: proportional, value: 完成 / 目标任务}
  - name: 广播电视“村村通”
    weight: 100
    indicators:
      - name: 完成
        share: 1
        method: pass_fail
        value: 完成 / 目标任务
"""

# (what, the text changed, what a clerk typed instead, the zh line, the en line), each line as
# ``scorer rules check`` prints it after the file name
MISTAKES = [
    (
        "full-width-colon",
        "total: 220",
        "total：220",
        "3: 用了全角冒号“：”（第 6 列）：total：220 — YAML 只识别半角冒号“:”，冒号后还要空一格，应写成：total: 220",
        "3: a full-width colon “：” (column 6): total：220 — YAML needs an ASCII colon followed by a space: write total: 220",
    ),
    (
        "full-width-colon-in-braces",
        "{name: 完成, share: 1,",
        "{name: 完成, share：1,",
        "14: 用了全角冒号“：”（第 25 列）：- {name: 完成, share：1, method: proportional, value: 完成 / 目标任务} — YAML 只识别半角冒号“:”，冒号后还要空一格，应写成：- {name: 完成, share: 1, method: proportional, value: 完成 / 目标任务}",
        "14: a full-width colon “：” (column 25): - {name: 完成, share：1, method: proportional, value: 完成 / 目标任务} — YAML needs an ASCII colon followed by a space: write - {name: 完成, share: 1, method: proportional, value: 完成 / 目标任务}",
    ),
    (
        "full-width-colon-list-item",
        "      - name: 完成",
        "      - name：完成",
        "18: 用了全角冒号“：”（第 13 列）：- name：完成 — YAML 只识别半角冒号“:”，冒号后还要空一格，应写成：- name: 完成",
        "18: a full-width colon “：” (column 13): - name：完成 — YAML needs an ASCII colon followed by a space: write - name: 完成",
    ),
    (
        "full-width-comma",
        "{name: 完成, share: 1,",
        "{name: 完成，share: 1,",
        "14: 括号中用了全角逗号“，”分隔（第 18 列）：- {name: 完成，share: 1, method: proportional, value: 完成 / 目标任务} — 各项之间用半角逗号“,”加一个空格分隔，应写成：- {name: 完成, share: 1, method: proportional, value: 完成 / 目标任务}",
        "14: a full-width comma “，” separates the items in brackets (column 18): - {name: 完成，share: 1, method: proportional, value: 完成 / 目标任务} — separate the items with an ASCII comma and a space: write - {name: 完成, share: 1, method: proportional, value: 完成 / 目标任务}",
    ),
    (
        "full-width-comma-grades",
        "{优秀: 0.9, 良好: 0.8, 合格: 0.6,",
        "{优秀: 0.9，良好: 0.8，合格: 0.6,",
        "4: 括号中用了全角逗号“，”分隔（第 17 列）：grades: {优秀: 0.9，良好: 0.8，合格: 0.6, 不合格: 0} — 各项之间用半角逗号“,”加一个空格分隔，应写成：grades: {优秀: 0.9, 良好: 0.8, 合格: 0.6, 不合格: 0}",
        "4: a full-width comma “，” separates the items in brackets (column 17): grades: {优秀: 0.9，良好: 0.8，合格: 0.6, 不合格: 0} — separate the items with an ASCII comma and a space: write grades: {优秀: 0.9, 良好: 0.8, 合格: 0.6, 不合格: 0}",
    ),
    (
        "full-width-space",
        "    weight: 100",
        "    weight:\u3000100",
        "16: 冒号后是全角空格（第 12 列）：weight:\u3000100 — 冒号后要用半角空格，应写成：weight: 100",
        "16: a full-width space after the colon (column 12): weight:\u3000100 — use an ASCII space after the colon: write weight: 100",
    ),
    (
        "full-width-space-indent",
        "    weight: 100",
        "\u3000\u3000weight: 100",
        "16: 行首用全角空格缩进：weight: 100 — 缩进只能用半角空格：删去全角空格，改为 4 个半角空格",
        "16: the line is indented with full-width spaces: weight: 100 — indent with ASCII spaces only: replace them by 4 spaces",
    ),
    (
        "tab-indent",
        "        share: 1",
        "\t\tshare: 1",
        "19: 行首用 Tab 键缩进：share: 1 — YAML 只能用空格缩进：把 Tab 换成 8 个空格（编辑器可设置按 Tab 键插入空格）",
        "19: the line is indented with a tab: share: 1 — YAML indents with spaces only: replace the tab by 8 spaces (editors can insert spaces for the Tab key)",
    ),
    (
        "full-width-quotes",
        "name: 测试方案",
        "name: “2011年考核: 试行”",
        '1: 值外面用了中文引号“”（第 7 列）：name: “2011年考核: 试行” — YAML 的引号须是半角的 " 或 \'，应写成：name: "2011年考核: 试行"',
        '1: the value is put in Chinese quotation marks “” (column 7): name: “2011年考核: 试行” — YAML\'s quotes are the ASCII " and \': write name: "2011年考核: 试行"',
    ),
    (
        "full-width-quotes-formula",
        "        value: 完成 / 目标任务",
        "        value: “完成 / 目标任务”",
        "21: 公式外面加了中文引号：“完成 / 目标任务” — 公式不需要引号，直接写：完成 / 目标任务",
        "21: the formula is put in Chinese quotation marks: “完成 / 目标任务” — a formula needs no quotes: write 完成 / 目标任务",
    ),
    (
        "full-width-quotes-number",
        "    weight: 100",
        "    weight: “100”",
        "16: projects[1].weight：“100” 不是 YAML 能识别的数字（全角数字、中文句号“。”、千位分隔符或引号都会使它成为文字） — 用半角数字写成 100，不加引号",
        "16: projects[1].weight: “100” is no number YAML reads (full-width digits, a Chinese full stop, thousands separators or quotes make it text) — write 100, in ASCII digits and without quotes",
    ),
    (
        "percent",
        "        share: 1",
        "        share: 60%",
        "19: projects[1].indicators[0].share：“60%”是百分数，方案中的比例要写成小数 — 写 0.6",
        "19: projects[1].indicators[0].share: “60%” is a percentage; shares and rates are written as fractions — write 0.6",
    ),
    (
        "percent-grade",
        "{优秀: 0.9,",
        "{优秀: 90%,",
        "4: grades.优秀：“90%”是百分数，方案中的比例要写成小数 — 写 0.9",
        "4: grades.优秀: “90%” is a percentage; shares and rates are written as fractions — write 0.9",
    ),
    (
        "unit",
        "    weight: 100",
        "    weight: 120分",
        "16: projects[1].weight：“120分”带了单位“分”，这里只写数字 — 写 120",
        "16: projects[1].weight: “120分” carries the unit “分”; write the number alone — write 120",
    ),
    (
        "full-width-digits",
        "    weight: 100",
        "    weight: １００",
        "16: projects[1].weight：１００ 不是 YAML 能识别的数字（全角数字、中文句号“。”、千位分隔符或引号都会使它成为文字） — 用半角数字写成 100，不加引号",
        "16: projects[1].weight: １００ is no number YAML reads (full-width digits, a Chinese full stop, thousands separators or quotes make it text) — write 100, in ASCII digits and without quotes",
    ),
    (
        "chinese-full-stop",
        "        share: 1",
        "        share: 0。6",
        "19: projects[1].indicators[0].share：0。6 不是 YAML 能识别的数字（全角数字、中文句号“。”、千位分隔符或引号都会使它成为文字） — 用半角数字写成 0.6，不加引号",
        "19: projects[1].indicators[0].share: 0。6 is no number YAML reads (full-width digits, a Chinese full stop, thousands separators or quotes make it text) — write 0.6, in ASCII digits and without quotes",
    ),
    (
        "no-space-after-colon",
        "    weight: 100",
        "    weight:120",
        "16: “weight:”的冒号后缺少空格：weight:120 — YAML 的冒号后必须空一格，应写成：weight: 120",
        "16: no space after the colon of “weight:”: weight:120 — YAML needs a space after the colon: write weight: 120",
    ),
    (
        "no-space-after-colon-in-braces",
        "{name: 完成, share: 1,",
        "{name: 完成, share:1,",
        "14: “share:”的冒号后缺少空格：- {name: 完成, share:1, method: proportional, value: 完成 / 目标任务} — YAML 的冒号后必须空一格，应写成：- {name: 完成, share: 1, method: proportional, value: 完成 / 目标任务}",
        "14: no space after the colon of “share:”: - {name: 完成, share:1, method: proportional, value: 完成 / 目标任务} — YAML needs a space after the colon: write - {name: 完成, share: 1, method: proportional, value: 完成 / 目标任务}",
    ),
    (
        "indent-too-deep",
        "    weight: 100",
        "     weight: 100",
        "16: 这一行缩进 5 格，与上下文对不齐：weight: 100 — 同一级的键要左端对齐：改为缩进 4 格，与第 15 行的“name”对齐",
        "16: the line is indented 5 spaces, which matches no level above it: weight: 100 — keys of one level line up: indent it 4 spaces, like “name” on line 15",
    ),
    (
        "indent-too-shallow",
        "        share: 1",
        "       share: 1",
        "19: 这一行缩进 7 格，与上下文对不齐：share: 1 — 同一级的键要左端对齐：改为缩进 8 格，与第 18 行的“name”对齐",
        "19: the line is indented 7 spaces, which matches no level above it: share: 1 — keys of one level line up: indent it 8 spaces, like “name” on line 18",
    ),
    (
        "list-item-too-deep",
        "  - name: 广播电视“村村通”",
        "    - name: 广播电视“村村通”",
        "15: 列表项“- ”缩进 4 格，与同一列表的其他项没有对齐：- name: 广播电视“村村通” — 同一列表各项的“- ”要上下对齐：改为缩进 2 格，与第 11 行的“- ”对齐",
        "15: the list item “- ” is indented 4 spaces, out of line with the other items: - name: 广播电视“村村通” — the “- ” of one list line up: indent it 2 spaces, like line 11",
    ),
    (
        "list-item-too-shallow",
        "  - name: 广播电视“村村通”",
        "- name: 广播电视“村村通”",
        "15: 列表项“- ”缩进 0 格，与同一列表的其他项没有对齐：- name: 广播电视“村村通” — 同一列表各项的“- ”要上下对齐：改为缩进 2 格，与第 11 行的“- ”对齐",
        "15: the list item “- ” is indented 0 spaces, out of line with the other items: - name: 广播电视“村村通” — the “- ” of one list line up: indent it 2 spaces, like line 11",
    ),
    (
        "unclosed-quote",
        "name: 测试方案",
        'name: "测试方案',
        '1: 第 7 列的引号 " 没有闭合：name: "测试方案 — 在值的末尾补上 "，应写成：name: "测试方案"',
        '1: the quote " at column 7 is never closed: name: "测试方案 — close it at the end of the value: write name: "测试方案"',
    ),
    (
        "mixed-quotes",
        "name: 测试方案",
        'name: "测试方案”',
        '1: 引号前后不一致：第 7 列以半角 " 开头，却以中文引号 ” 结尾：name: "测试方案” — 两头都用半角 "，应写成：name: "测试方案"',
        '1: the quotes do not match: ASCII " at column 7, but a Chinese ” at the end: name: "测试方案” — use " at both ends: write name: "测试方案"',
    ),
    (
        "unclosed-bracket",
        "不合格: 0}",
        "不合格: 0",
        "4: 第 9 列的“{”没有对应的“}”：grades: {优秀: 0.9, 良好: 0.8, 合格: 0.6, 不合格: 0 — 在末尾补上“}”，应写成：grades: {优秀: 0.9, 良好: 0.8, 合格: 0.6, 不合格: 0}",
        "4: the “{” at column 9 is never closed by “}”: grades: {优秀: 0.9, 良好: 0.8, 合格: 0.6, 不合格: 0 — close it at the end: write grades: {优秀: 0.9, 良好: 0.8, 合格: 0.6, 不合格: 0}",
    ),
    (
        "unclosed-bracket-item",
        "value: 完成 / 目标任务}",
        "value: 完成 / 目标任务",
        "14: 第 9 列的“{”没有对应的“}”：- {name: 完成, share: 1, method: proportional, value: 完成 / 目标任务 — 在末尾补上“}”，应写成：- {name: 完成, share: 1, method: proportional, value: 完成 / 目标任务}",
        "14: the “{” at column 9 is never closed by “}”: - {name: 完成, share: 1, method: proportional, value: 完成 / 目标任务 — close it at the end: write - {name: 完成, share: 1, method: proportional, value: 完成 / 目标任务}",
    ),
    (
        "extra-bracket",
        "不合格: 0}",
        "不合格: 0}}",
        "4: 第 44 列多了一个“}”，前面没有与之对应的“{”：grades: {优秀: 0.9, 良好: 0.8, 合格: 0.6, 不合格: 0}} — 删去多余的“}”，或在前面补上“{”",
        "4: the “}” at column 44 closes nothing: no “{” comes before it: grades: {优秀: 0.9, 良好: 0.8, 合格: 0.6, 不合格: 0}} — delete it, or add the missing “{”",
    ),
    (
        "duplicate-key",
        "year: 2011\n",
        "year: 2011\nyear: 2012\n",
        "3: 键“year”重复：第 2 行已经写过 — 同一层中每个键只能写一次：删去其中一处，或把两处的内容合并到一处",
        "3: the key “year” appears twice: it is already on line 2 — each key may appear once at its level: delete one, or merge the two",
    ),
    (
        "colon-in-value",
        "name: 测试方案",
        "name: 测试方案: 2011年",
        '1: 值中有“: ”（冒号加空格），YAML 会把它当作又一个键（第 11 列）：name: 测试方案: 2011年 — 给整个值加上半角引号，应写成：name: "测试方案: 2011年"',
        '1: the value holds “: ” (a colon and a space), which YAML reads as another key (column 11): name: 测试方案: 2011年 — put the whole value in ASCII quotes: write name: "测试方案: 2011年"',
    ),
    (
        "value-starts-with-percent",
        "unit: 个}",
        "unit: %}",
        '8: 值不能以“%”开头：target: {label: 目标任务, unit: %} — 给整个值加上半角引号，应写成：target: {label: 目标任务, unit: "%"}',
        '8: a value cannot start with “%”: target: {label: 目标任务, unit: %} — put the whole value in ASCII quotes: write target: {label: 目标任务, unit: "%"}',
    ),
    (
        "missing-colon",
        "    weight: 100",
        "    weight 100",
        "16: “weight”后缺少冒号：weight 100 — 写成“键: 值”，用半角冒号，冒号后空一格，应写成：weight: 100",
        "16: no colon after “weight”: weight 100 — write “key: value”, with an ASCII colon and a space: write weight: 100",
    ),
]


def edited(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


@pytest.mark.parametrize("what, old, new, zh, en", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_rules_check_explains_the_mistake_at_its_line(tmp_path, what, old, new, zh, en):
    (tmp_path / "scheme.yaml").write_text(edited(old, new), encoding="utf-8")
    result = cli("rules", "check", "scheme.yaml", cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert result.output == f"✗ scheme.yaml：1 个问题\nscheme.yaml:{zh}\n"
    result = cli("rules", "check", "scheme.yaml", "--lang", "en", cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert result.output == f"✗ scheme.yaml: 1 problem(s)\nscheme.yaml:{en}\n"


def test_the_base_of_the_mistakes_is_a_good_scheme():
    scheme, issues = check_scheme_text(BASE, "scheme.yaml")
    assert issues == [] and scheme is not None


@pytest.mark.parametrize("what, old, new, zh, en", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_the_pure_python_parser_gives_the_same_explanations(monkeypatch, what, old, new, zh, en):
    """Without libyaml (a platform with no wheel) pyyaml words its problems differently and
    puts some marks elsewhere: the explanation is the same."""
    monkeypatch.setattr(load, "_YAML_LOADER", yaml.SafeLoader)
    _, issues = check_scheme_text(edited(old, new), "scheme.yaml")
    assert [f"{i.line}: {i.message()} — {i.hint()}" for i in issues] == [zh]


# pyyaml's problem, by its kind, where no known mistake is found on the line: (text, line, code)
KINDS = [
    ('a: "x\\q"\n', 1, "yaml-escape"),
    ('a: "\\xZZ"\n', 1, "yaml-escape"),
    ("a: *b\n", 1, "yaml-anchor"),
    ("a: &x 1\nb: &x 2\n", 2, "yaml-anchor"),
    ("a: &\n", 1, "yaml-anchor"),
    ("<<: 3\n", 1, "yaml-anchor"),
    ("a: !foo x\n", 1, "yaml-tag"),
    ("a: !<x\n", 1, "yaml-tag"),
    ("name: !!python/object/apply:os.system ['echo hacked']\n", 1, "yaml-tag"),
    ("a: 1\n---\nb: 2\n", 2, "yaml-documents"),
    ("%YAML 1.1\n%YAML 1.1\n---\na: 1\n", 2, "yaml-directive"),
    ("a: |0\n x\n", 1, "yaml-block-text"),
    ("a: >x\n  y\n", 1, "yaml-block-text"),
    ("? [a]\n: 1\n", 1, "yaml-key-not-text"),
    ("a: b\n- c\n", 2, "yaml-structure"),
    ("- a\nb: 1\n", 2, "yaml-structure"),
    ("a: |\n  x\n y: 1\n", 3, "yaml-structure"),
    ("a: 1\nb: x\x07y\n", 2, "yaml-control-character"),
    ("a: 1\nb: \ud800\n", 2, "yaml-control-character"),
]


@pytest.mark.parametrize("text, line, code", KINDS)
@pytest.mark.parametrize("loader", [yaml.CSafeLoader, yaml.SafeLoader], ids=["libyaml", "python"])
def test_pyyaml_problems_are_told_by_their_kind(monkeypatch, loader, text, line, code):
    monkeypatch.setattr(load, "_YAML_LOADER", loader)
    _, issues = check_scheme_text(text, "t.yaml")
    assert [(i.line, i.code) for i in issues] == [(line, code)]
    assert not _PYYAML_WORDS.search(issues[0].message("zh") + issues[0].hint("zh"))


def test_the_control_character_is_named_with_its_column():
    _, issues = check_scheme_text("name: 测试\x07方案\n", "t.yaml")
    assert [(i.line, i.message(), i.hint()) for i in issues] == [
        (
            1,
            "第 9 列有看不见的控制字符 U+0007",
            "删去这个字符再保存；从网页、Word 或聊天软件复制来的文字常带有这类字符",
        )
    ]


def test_an_unreadable_rule_file_says_so_in_chinese(tmp_path):
    text, issues = read_rule_file(tmp_path)  # a folder
    assert text is None
    assert [(i.code, i.message("zh")) for i in issues] == [
        ("rule-file-unreadable", "无法读取考核方案文件")
    ]
    assert issues[0].message("en").startswith("cannot read the rule file: ")


# ----------------------------------------------------------------------------- never a traceback

# what pyyaml's problems are made of: none may reach a Chinese message
_PYYAML_WORDS = re.compile(
    r"\b(found|expected|while|could not|did not|scanning|parsing|mapping|scalar|token|stream)\b"
)
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
TYPED = ["：", "，", "\u3000", "“", "”", "‘", "’", "\t", ":", " ", "- ", "  ", "{", "}", "[",
         "]", '"', "'", "%", "。", "#", "&", "*", "!", "|", ">", "\n", ","]  # fmt: skip


def fuzz(examples: int):
    return settings(
        derandomize=True,
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def assert_told_well(text: str) -> None:
    """check_scheme_text answers with issues (or a scheme), and every issue reads whole in
    both languages: no placeholder left unfilled, none of pyyaml's English in the Chinese."""
    scheme, issues = check_scheme_text(text, "t.yaml")
    assert (scheme is None) == bool(issues)
    for issue in issues:
        for lang in ("zh", "en"):
            said = issue.message(lang) + issue.hint(lang)
            for value in issue.params.values():  # the user's own line may hold "{l}"
                said = said.replace(str(value), "")
            assert not _PLACEHOLDER.search(said), (issue, said)
        if issue.code.startswith("yaml-"):
            assert not _PYYAML_WORDS.search(issue.message("zh") + issue.hint("zh")), issue
        assert issue.code != "yaml-error", issue  # every problem pyyaml gives has its kind


@fuzz(examples=400)
@given(data=st.data())
def test_typing_mistakes_anywhere_are_told_well(data):
    """Up to three of what a clerk types by mistake, anywhere in the rule file."""
    text = BASE
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 2))
        text = text[:at] + data.draw(st.sampled_from(TYPED)) + text[at + cut :]
    assert_told_well(text)


# ----------------------------------------------------------------------------- wrong shapes


def _field_names(schema: object) -> set[str]:
    if isinstance(schema, dict):
        names = (
            set(schema.get("properties", {}))
            if isinstance(schema.get("properties"), dict)
            else set()
        )
        return names.union(*(_field_names(v) for v in schema.values()))
    if isinstance(schema, list):
        return set().union(*(_field_names(v) for v in schema))
    return set()


# every key the format knows, at any level, and a few it does not
KEYS = sorted(_field_names(Scheme.model_json_schema())) + ["x", "标准", "优秀", "1"]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 200),
    st.floats(-2, 200, allow_nan=False),
    st.sampled_from(["", "完成", "完成 / 目标任务", "linear", "tiers", "city", "优秀", "标准"]),
)
SHAPES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)
    ),
    max_leaves=12,
)


@pytest.mark.parametrize(
    "text, field",
    [
        ("projects: 3\n", "projects"),
        ("projects: {a: 1}\n", "projects"),
        ("projects: [1, [2]]\n", "projects[0]"),
        ("projects: [{indicators: 3}]\n", "projects[0].indicators"),
        ("projects: [{deductions: 3}]\n", "projects[0].deductions"),
        ("projects: [{name: [1], template: [1]}]\n", "projects[0].template"),
        ("templates: {a: {indicators: 3}}\n", "templates.a.indicators"),
        ("ranking: {tie_break: 3}\n", "ranking.tie_break"),
        ("ranking: {tie_break: [1, [2]]}\n", "ranking.tie_break[1]"),
        ("awards: 3\n", "awards"),
        ("checks: 3\n", "checks"),
        ("grades: {1: 0.5}\nawards: [{min_grade: [x]}]\n", "awards[0].min_grade"),
        ("- a\n- b\n", "(方案)"),
        ("just text\n", "(方案)"),
        ("", "(方案)"),
    ],
)
def test_a_rule_file_of_the_wrong_shape_gets_the_clear_issue(text, field):
    """These raised TypeError (int is not iterable, unhashable list) in the checks across
    fields, which assumed a list where the file had a number."""
    scheme, issues = check_scheme_text(text, "t.yaml")
    assert scheme is None
    fields = [i.message().split("：")[0] for i in issues if i.code == "schema"]
    assert field in fields, issues


@fuzz(examples=300)
@given(shape=SHAPES)
def test_any_shape_of_rule_file_is_told_well(shape):
    assert_told_well(yaml.safe_dump(shape, allow_unicode=True))


@st.composite
def base_with_a_part_replaced(draw) -> object:
    """The base scheme with one of its values (at any depth) replaced by any shape."""
    whole = yaml.safe_load(BASE)
    parent, key = None, None
    node = whole
    while isinstance(node, (dict, list)) and node and draw(st.booleans()):
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        parent, key = node, draw(st.sampled_from(keys))
        node = node[key]
    if parent is None:
        return draw(SHAPES)
    parent[key] = draw(SHAPES)
    return whole


@fuzz(examples=300)
@given(scheme=base_with_a_part_replaced())
def test_a_scheme_with_any_part_of_any_shape_is_told_well(scheme):
    assert_told_well(yaml.safe_dump(scheme, allow_unicode=True))


def test_a_good_rule_file_is_checked_without_the_mistake_explainer():
    """Explaining mistakes (and difflib, for suggesting a name) is loaded only for a file that
    needs it: `rules check` and `rules show` start as quickly as before (issue 17)."""
    code = (
        "import sys\n"
        "from scorer.cli import main\n"
        "try:\n"
        "    main(['rules', 'check', 'rules/anhui-2010.yaml'], standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "lazy = ('scorer.scheme.yaml_errors', 'difflib')\n"
        "print('loaded:' + ','.join(m for m in lazy if m in sys.modules), file=sys.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stderr.strip().splitlines()[-1] == "loaded:", out.stderr
