"""Rule files: validation lists every problem with its YAML line; a rule file never runs code."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import RULES
from hypothesis import given
from hypothesis import strategies as st

from scorer.cli import main
from scorer.formula import FormulaError, parse_formula
from scorer.scheme import METHOD_NAMES, check_scheme_text, json_schema, normalize_name

GOOD = """\
name: 测试方案
year: 2011
total: 220
grades: {优秀: 0.9, 良好: 0.8, 合格: 0.6, 不合格: 0}
columns:
  district: {label: 地区}
  project: {label: 项目}
  target: {label: 目标任务}
  completed: {label: 完成}
projects:
  - name: 农村公路“村村通”
    weight: 120
    indicators:
      - {name: 完成, share: 1, method: proportional, value: 完成 / 目标任务}
  - name: 广播电视“村村通”
    weight: 100
    indicators:
      - {name: 完成, share: 1, method: pass_fail, value: 完成 / 目标任务}
"""


def problems(text: str) -> list[tuple[int | None, str]]:
    scheme, issues = check_scheme_text(text, "t.yaml")
    assert (scheme is None) == bool(issues)
    return [(i.line, i.code) for i in issues]


def test_good_scheme_has_no_problems():
    assert problems(GOOD) == []


@pytest.mark.parametrize("path", sorted(RULES.glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_schemes_are_valid(path):
    assert problems(path.read_text(encoding="utf-8")) == []


def test_weights_not_adding_up_name_both_sums():
    text = GOOD.replace("total: 220", "total: 3500")
    scheme, issues = check_scheme_text(text, "t.yaml")
    assert [(i.line, i.code) for i in issues] == [(3, "weights-total")]
    assert issues[0].message() == "各项目分值合计 220 分，与方案总分 3500 分不符"
    assert "220" in issues[0].message("en") and "3500" in issues[0].message("en")


def test_shares_not_adding_up_to_one():
    text = GOOD.replace(
        "{name: 完成, share: 1, method: pass_fail", "{name: 完成, share: 0.7, method: pass_fail"
    )
    assert problems(text) == [(17, "shares-total")]


def test_unknown_method_names_the_known_ones():
    text = GOOD.replace("method: pass_fail", "method: passfail")
    scheme, issues = check_scheme_text(text, "t.yaml")
    assert [(i.line, i.code) for i in issues] == [(18, "unknown-method")]
    assert "pass_fail" in issues[0].hint()


def test_duplicate_names_and_aliases_after_normalising():
    text = GOOD.replace("  - name: 广播电视“村村通”\n", '  - name: 农村公路 "村村通"\n')
    assert problems(text) == [(15, "duplicate-name")]
    text = GOOD.replace(
        "    weight: 100\n", "    aliases: [公路村村通, 农村公路村村通]\n    weight: 100\n"
    )
    assert problems(text) == [(16, "duplicate-name")]


def test_duplicate_yaml_key():
    text = GOOD.replace("year: 2011\n", "year: 2011\nyear: 2012\n")
    assert problems(text) == [(3, "yaml-duplicate-key")]
    assert check_scheme_text(text, "t.yaml")[1][0].message() == "键“year”重复：第 2 行已经写过"


@pytest.mark.parametrize(
    "grades",
    [
        "{优秀: 0.8, 良好: 0.9, 合格: 0.6, 不合格: 0}",  # not decreasing
        "{优秀: 90, 良好: 80, 合格: 60, 不合格: 0}",  # percent, not fractions
        "{优秀: 0.9, 良好: 0.8, 合格: 0.6}",  # no band for the lowest scores
        "{}",
    ],
)
def test_bad_grade_tables(grades):
    assert problems(GOOD.replace("{优秀: 0.9, 良好: 0.8, 合格: 0.6, 不合格: 0}", grades)) == [
        (4, "bad-grades")
    ]


def test_several_problems_are_all_listed_in_line_order():
    text = GOOD.replace("total: 220", "total: 200").replace("method: pass_fail", "method: nope")
    text = text.replace("share: 1, method: proportional", "share: 1.5, method: proportional")
    assert problems(text) == [
        (3, "weights-total"),
        (13, "shares-total"),
        (14, "schema"),
        (18, "unknown-method"),
    ]


def test_schema_errors_have_lines_and_chinese_words():
    text = GOOD.replace("weight: 100", "weight: 一百")
    scheme, issues = check_scheme_text(text, "t.yaml")
    assert [(i.line, i.code) for i in issues] == [(16, "schema")]
    assert issues[0].message() == "projects[1].weight：应为数字"
    text = GOOD.replace("    weight: 100\n", "    wieght: 100\n")
    assert ("schema", 16) in {(i.code, i.line) for i in check_scheme_text(text, "t.yaml")[1]}


def test_formula_naming_an_unknown_column():
    assert problems(GOOD.replace("value: 完成 / 目标任务}", "value: 完成量 / 目标任务}", 1)) == [
        (14, "bad-formula")
    ]


def test_unknown_template():
    text = GOOD.replace(
        "    weight: 100\n    indicators:\n"
        "      - {name: 完成, share: 1, method: pass_fail, value: 完成 / 目标任务}\n",
        "    weight: 100\n    template: 标准\n",
    )
    assert problems(text) == [(17, "unknown-template")]


def test_yaml_syntax_error_has_its_line():
    # pyyaml finds it on line 3; the bracket left open is on line 2
    scheme, issues = check_scheme_text(GOOD.replace("year: 2011", "year: [2011"), "t.yaml")
    assert [(i.line, i.code) for i in issues] == [(2, "yaml-unclosed-bracket")]
    assert issues[0].hint() == "在末尾补上“]”，应写成：year: [2011]"


@pytest.mark.parametrize(
    "formula",
    [
        "__import__('os').system('echo hacked')",
        "完成.__class__",
        "open('x')",
        "[x for x in 完成]",
        "lambda: 1",
        "完成 ** 2",
        "sum(sum(完成))",
        "sum",
    ],
)
def test_formulas_cannot_run_code(formula):
    with pytest.raises(FormulaError):
        parse_formula(formula)


def test_python_yaml_tags_are_refused():
    text = GOOD.replace("name: 测试方案", "name: !!python/object/apply:os.system ['echo hacked']")
    assert problems(text) == [(1, "yaml-tag")]


def test_formula_evaluates_arithmetic_and_district_sums():
    import pandas as pd

    f = parse_formula("(完成 - 1) / 目标 * 2")
    assert f.names == ["完成", "目标"]
    assert f.denominator_names() == ["目标"]
    assert f.evaluate({"完成": 3.0, "目标": 4.0}.__getitem__) == 1.0
    g = parse_formula("sum(到位) / sum(计划)")
    assert g.aggregated
    rows = pd.DataFrame({"d": ["a", "a", "b"], "到位": [1.0, 2.0, 3.0], "计划": [2.0, 4.0, 3.0]})
    out = g.evaluate(rows.__getitem__, lambda s: s.groupby(rows["d"]).sum())
    assert out.to_dict() == {"a": 0.5, "b": 1.0}


def test_normalize_name():
    assert (
        normalize_name(" 农村公路 “村村通” ")
        == normalize_name('农村公路"村村通"')
        == "农村公路村村通"
    )
    assert normalize_name("「廉租房」") == "廉租房"
    assert normalize_name("１２０") == "120"


def test_json_schema_covers_methods():
    schema = json_schema()
    text = json.dumps(schema, ensure_ascii=False)
    for method in METHOD_NAMES:
        assert f'"{method}"' in text
    assert schema["title"].startswith("scorer")


def test_cli_rules_check_reports_lines_and_exits_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("total: 220", "total: 3500"), encoding="utf-8")
    result = CliRunner().invoke(main, ["rules", "check", str(bad)])
    assert result.exit_code == 1
    assert (
        f"{bad}:3: 各项目分值合计 220 分，与方案总分 3500 分不符 — 调整项目分值或 total，使二者相等"
        in result.output
    )


def test_cli_rules_check_ok():
    result = CliRunner().invoke(main, ["rules", "check", str(RULES / "anhui-2010.yaml")])
    assert result.exit_code == 0, result.output
    assert "34 个项目，合计 3,500 分" in result.output


def test_cli_rules_show_prints_the_weight_table():
    result = CliRunner().invoke(
        main, ["rules", "show", str(RULES / "anhui-2010.yaml")], terminal_width=100
    )
    assert result.exit_code == 0, result.output
    assert "农村公路“村村通”" in result.output and "资金保障" in result.output
    assert "3,500" in result.output
    assert "优秀 ≥ 3,150.00" in result.output


def test_cli_rules_schema_is_json():
    result = CliRunner().invoke(main, ["rules", "schema"])
    assert result.exit_code == 0
    assert json.loads(result.output)["type"] == "object"


def test_local_copy_of_a_bundled_scheme_stands_in_for_it(tmp_path, monkeypatch):
    """As after a non-editable install run in the source folder: ./rules/ and the wheel both hold
    anhui-2010.yaml. The local one is used, not refused as a second 2010 scheme."""
    import shutil

    from scorer.scheme import discovery as scheme_module

    bundled = tmp_path / "site" / "rules"
    bundled.mkdir(parents=True)
    for path in RULES.glob("*.yaml"):
        shutil.copy(path, bundled)
    monkeypatch.setattr(scheme_module, "bundled_dir", lambda kind: bundled)
    work = tmp_path / "work"
    shutil.copytree(bundled, work / "rules")
    chosen, _ = scheme_module.choose_scheme(["samples/2010.xlsx"], None, cwd=work)
    assert chosen == work / "rules" / "anhui-2010.yaml"
    # a second 2010 scheme under another name cannot be decided between
    shutil.copy(bundled / "anhui-2010.yaml", work / "rules" / "anhui-2010-revised.yaml")
    with pytest.raises(scheme_module.SchemeNotFound, match="有 2 个 2010 年度的方案"):
        scheme_module.choose_scheme(["samples/2010.xlsx"], None, cwd=work)


def test_whitespace_list_is_every_character_python_calls_whitespace():
    from scorer.scheme import WHITESPACE

    assert set(WHITESPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}


@given(st.text())
def test_names_compare_without_whitespace_and_quotes_after_nfkc(text):
    import unicodedata

    from scorer.untrusted import INVISIBLE

    folded = unicodedata.normalize("NFKC", text)
    dropped = "\"'“”‘’「」『』" + INVISIBLE  # quotes, and characters that show nothing
    expected = "".join(ch for ch in folded if not ch.isspace() and ch not in dropped)
    assert normalize_name(text) == expected
