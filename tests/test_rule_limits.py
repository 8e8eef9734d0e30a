"""Rule files and option numbers within limits: nothing lost, nothing injected, nothing crashes.

Each case goes through ``scorer rules check`` (exact message and line, exit 1) and, where it used
to crash or score wrongly, through ``assess --rules`` too."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RULES, SAMPLES, cli

ANHUI = (RULES / "anhui-2010.yaml").read_text(encoding="utf-8")
DATA = str(SAMPLES / "2010.xlsx")
SMALL = """\
name: 测试方案
year: 2011
total: 220
grades: {优秀: 0.9, 良好: 0.8, 合格: 0.6, 不合格: 0}
columns:
  district: {label: 地区}
  project: {label: 项目}
  city: {label: 所属市, required: false}
  target: {label: 目标任务}
  completed: {label: 完成}
projects:
  - name: 甲项目
    weight: 120
    indicators:
      - {name: 完成, share: 1, method: proportional, value: 完成 / 目标任务}
  - name: 乙项目
    weight: 100
    indicators:
      - {name: 完成, share: 1, method: pass_fail, value: 完成 / 目标任务}
"""
SCHEMA_HINT = "按 README 的考核方案说明修改"
FORMULA_HINT = "公式只能包含列名、数字、+ - * / 和括号（汇总项可用 sum()）"


def write(tmp_path: Path, text: str | bytes, name: str = "scheme.yaml") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def anhui_with(old: str, new: str) -> str:
    assert ANHUI.count(old) == 1, old
    return ANHUI.replace(old, new)


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def check(path: str) -> list[str]:
    """``scorer rules check``: exit 1, the problem lines after the ✗ head line."""
    result = cli("rules", "check", path)
    assert result.exit_code == 1, result.output
    assert "内部错误" not in result.output, result.output
    return result.output.splitlines()[1:]


def assess_refuses(path: str) -> list[str]:
    """``scorer assess --rules``: exit 1 with the rule file's problems, never an internal error."""
    result = cli("assess", "--rules", path, DATA)
    assert result.exit_code == 1, result.output
    assert "内部错误" not in result.output, result.output
    return [line for line in result.output.splitlines() if line.startswith(path)]


# ----------------------------------------------------------------------------- YAML limits


def test_billion_laughs_is_refused_at_the_alias_that_passes_the_limit(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 7)]
    path = write(tmp_path, "\n".join(lines) + "\n")
    assert check(path) == [
        f"{path}:6: 方案的值超过 100,000 个（别名“*锚点”按展开后计），远超任何考核方案"
        " — 确认选对了文件；如用了别名，减少别名或把内容直接写出来"
    ]


@pytest.mark.parametrize(
    "old, new",
    [
        ("survey:            #", "loop: &a [1, *a]\nsurvey:            #"),
        ("  inspection: {label: 督查评分,", "  inspection: &a {again: *a, label: 督查评分,"),
    ],
)
def test_recursive_alias_is_refused_at_its_line(tmp_path, old, new):
    text = anhui_with(old, new)
    path = write(tmp_path, text)
    expected = [
        f"{path}:{line_of(text, '*a')}: 别名“*a”引用了包含它自身的“&a”，形成无限循环"
        " — 删除这个别名，或把内容直接写出来"
    ]
    assert check(path) == expected
    assert assess_refuses(path) == expected


@pytest.mark.parametrize("opening, closing", [("{a: ", "}"), ("[", "]"), ("- ", "")])
def test_deep_nesting_is_refused(tmp_path, opening, closing):
    if opening == "- ":
        body = "".join("  " * i + "- \n" for i in range(60)) + "  " * 60 + "- 1\n"
        text = SMALL + "deep:\n" + body
        line = line_of(text, "deep:") + 40  # the 41st list
    else:
        text = SMALL + "deep: " + opening * 5000 + "1" + closing * 5000 + "\n"
        line = line_of(text, "deep:")
    path = write(tmp_path, text)
    assert check(path) == [
        f"{path}:{line}: 嵌套超过 40 层 — 检查括号和缩进；考核方案不需要这么多层"
    ]


def test_oversized_rule_file_is_refused(tmp_path):
    path = write(tmp_path, ANHUI + "# " + "说明" * 200_000 + "\n")
    expected = [
        f"{path}: 考核方案文件有 1.2 MB，超过上限 1.0 MB，不像是考核方案"
        " — 确认选对了文件；考核方案通常只有几十 KB"
    ]
    assert check(path) == expected
    assert assess_refuses(path) == expected


# ----------------------------------------------------------------------------- encodings


def test_gbk_rule_file_says_it_is_not_utf8_and_how_to_save_it(tmp_path):
    path = write(tmp_path, ANHUI.replace("−", "-").encode("gbk"))
    expected = [
        f"{path}:1: 考核方案文件不是 UTF-8 编码（第 1 行起无法按 UTF-8 读取，可能是 GBK/ANSI）"
        " — 用记事本或 WPS 打开，选“另存为”，编码选 UTF-8 后保存，再运行"
    ]
    assert check(path) == expected
    assert assess_refuses(path) == expected


def test_utf16_with_bom_and_utf8_with_bom_are_read(tmp_path):
    for name, data in [
        ("u16le.yaml", ANHUI.encode("utf-16")),
        ("u16be.yaml", b"\xfe\xff" + ANHUI.encode("utf-16-be")),
        ("u8bom.yaml", ANHUI.encode("utf-8-sig")),
    ]:
        path = write(tmp_path, data, name)
        result = cli("rules", "check", path)
        assert result.exit_code == 0, result.output
        assert result.output == f"✓ {path}：没有问题（34 个项目，合计 3,500 分）\n"
    result = cli("assess", "--rules", str(tmp_path / "u16le.yaml"), DATA, "--top", "1")
    assert result.exit_code == 0, result.output
    assert "   1 │ 亳州市 │ 3,274.74 │ 优秀 │            9" in result.output


# ----------------------------------------------------------------------------- numbers

FINITE = "应为有限的数字，不能是 .inf 或 .nan"


@pytest.mark.parametrize(
    "old, new, field, detail",
    [
        ("total: 220", "total: .inf", "total", FINITE),
        ("weight: 120", "weight: .inf", "projects[0].weight", FINITE),
        ("优秀: 0.9,", "优秀: .nan,", "grades.优秀", FINITE),
        (
            "share: 1, method: proportional",
            "share: .nan, method: proportional",
            "projects[0].indicators[0].share",
            FINITE,
        ),
        ("year: 2011", "year: 100000000000000000000000", "year", "应不大于 2100"),
        (
            "year: 2011",
            "year: 2011\nprecision: true",
            "precision",
            "应为数字，不能写 true",
        ),
        (
            "weight: 120",
            "weight: 2000000",
            "projects[0].weight",
            "应不大于 1000000",
        ),
        (
            "proportional, value",
            "proportional, full_at: -.inf, value",
            "projects[0].indicators[0].full_at",
            FINITE,
        ),
    ],
)
def test_every_number_is_finite_and_in_range(tmp_path, old, new, field, detail):
    text = SMALL.replace(old, new)
    path = write(tmp_path, text)
    line = line_of(text, new.split("\n")[-1])
    assert f"{path}:{line}: {field}：{detail} — {SCHEMA_HINT}" in check(path)


TEXT_NUMBER = (
    "“{0}”是文字，不是数字：去掉引号，写成 50、0.95 这样的普通数字"
    "（YAML 把 5e1 这样的写法当作文字）"
)


@pytest.mark.parametrize(
    "written, detail",
    [
        ('"120"', TEXT_NUMBER.format("120")),
        ("12e1", TEXT_NUMBER.format("12e1")),  # YAML 1.1: text, so refused, never read as 120
        ("true", "应为数字，不能写 true"),
    ],
)
def test_a_weight_must_be_a_yaml_number(tmp_path, written, detail):
    text = SMALL.replace("weight: 120", f"weight: {written}")
    path = write(tmp_path, text)
    line = line_of(text, f"weight: {written}")
    assert check(path) == [f"{path}:{line}: projects[0].weight：{detail} — {SCHEMA_HINT}"]


def test_infinite_weight_is_refused_by_assess_not_scored_as_nan(tmp_path):
    text = anhui_with("农村五保供养, weight: 100", "农村五保供养, weight: .inf")
    path = write(tmp_path, text)
    expected = [f"{path}:{line_of(text, '.inf')}: projects[7].weight：{FINITE} — {SCHEMA_HINT}"]
    assert check(path) == expected
    assert assess_refuses(path) == expected


# ----------------------------------------------------------------------------- formulas


@pytest.mark.parametrize(
    "formula, shown, detail",
    [
        ("1/0", "1/0", "除数“0”恒为 0，任何数据都无法计算"),
        ("扣分 / 0", "扣分 / 0", "除数“0”恒为 0，任何数据都无法计算"),
        (
            "扣分 / (2 - 2)",
            "扣分 / (2 - 2)",
            "除数“2 - 2”恒为 0，任何数据都无法计算",
        ),
        ("扣分 * 1e400", "扣分 * 1e400", "“1e400”超出数字范围"),
        (
            "扣分 / 1" + "0" * 400,
            ("扣分 / 1" + "0" * 400)[:60] + "…",
            "数字“100000000000…”过长（401 个字符，最多 20 个）",
        ),
        (
            "扣分" + " + 扣分" * 20_000,
            ("扣分" + " + 扣分" * 12)[:60] + "…",
            "公式有 100002 个字符，最多 500 个",
        ),
        ("-" * 60 + "扣分", "-" * 60 + "…", "公式嵌套超过 50 层"),
    ],
)
def test_formulas_beyond_limits_are_refused_by_check_and_assess(tmp_path, formula, shown, detail):
    text = anhui_with("{name: 督查扣分, points: 扣分}", f"{{name: 督查扣分, points: '{formula}'}}")
    path = write(tmp_path, text)
    expected = [
        f"{path}:{line_of(text, '督查扣分, points')}: 公式“{shown}”无法使用：{detail}"
        f" — {FORMULA_HINT}"
    ]
    assert check(path) == expected
    assert assess_refuses(path) == expected


# ----------------------------------------------------------------------------- the scheme model


@pytest.mark.parametrize(
    "old, new, needle, detail",
    [
        (
            "value: 完成 / 目标任务}\n  - name: 乙",
            "value: 完成 / 所属市}\n  - name: 乙",
            "完成 / 所属市",
            "“所属市”是 city 列，填的是文字，不能参与计算；公式只能用数值列",
        ),
        (
            "value: 完成 / 目标任务}\n  - name: 乙",
            "value: 完成 / 地区}\n  - name: 乙",
            "完成 / 地区",
            "“地区”是 district 列，填的是文字，不能参与计算；公式只能用数值列",
        ),
    ],
)
def test_formula_naming_a_text_column_is_refused(tmp_path, old, new, needle, detail):
    text = SMALL.replace(old, new)
    path = write(tmp_path, text)
    formula = needle
    assert check(path) == [
        f"{path}:{line_of(text, needle)}: 公式“{formula}”无法使用：{detail} — {FORMULA_HINT}"
    ]


def test_number_column_keyed_city_is_refused_by_check_and_assess(tmp_path):
    text = anhui_with(
        "  inspection: {label: 督查评分, aliases: [督查得分, 检查评分], max: 100, roll_up: mean}\n",
        "",
    ).replace("  city: {label: 所属市, aliases: [所属地市, 市别], required: false}",
              "  city: {label: 督查评分, max: 100}")  # fmt: skip
    path = write(tmp_path, text)
    line = line_of(text, "value: 督查评分 / 100")
    expected = [
        f"{path}:{line}: 公式“督查评分 / 100”无法使用：“督查评分”是 city 列，填的是文字，"
        f"不能参与计算；公式只能用数值列 — {FORMULA_HINT}"
    ]
    assert check(path) == expected
    assert assess_refuses(path) == expected


@pytest.mark.parametrize("key", ["suspended", "_row", "_source"])
def test_column_keys_the_program_uses_itself_are_refused(tmp_path, key):
    text = SMALL.replace("  target: {label: 目标任务}", f"  {key}: {{label: 目标任务}}")
    path = write(tmp_path, text)
    assert check(path) == [
        f"{path}:9: columns.{key}：列的键“{key}”由程序内部使用，请换一个 — {SCHEMA_HINT}"
    ]


def test_one_label_for_two_columns_is_refused(tmp_path):
    text = SMALL.replace(
        "  completed: {label: 完成}", "  completed: {label: 完成, aliases: [项目]}"
    )
    path = write(tmp_path, text)
    assert check(path) == [
        f"{path}:10: columns.completed：列名“项目”同时用于 project 和 completed，"
        f"表头无法区分 — {SCHEMA_HINT}"
    ]


def test_column_min_above_max_is_refused(tmp_path):
    text = SMALL.replace(
        "  target: {label: 目标任务}", "  target: {label: 目标任务, min: 10, max: 5}"
    )
    path = write(tmp_path, text)
    assert check(path) == [
        f"{path}:9: columns.target：min 10 大于 max 5，没有数能通过 — {SCHEMA_HINT}"
    ]


def test_scheme_without_status_column_scores_with_the_usual_optional_one(tmp_path):
    text = anhui_with(
        "  status: {label: 状态, aliases: [实施状态], required: false,"
        " suspended: [暂缓实施, 不适用]}\n",
        "",
    )
    path = write(tmp_path, text)
    assert cli("rules", "check", path).exit_code == 0
    result = cli("assess", "--rules", path, DATA)
    assert result.exit_code == 0, result.output
    bundled = cli("assess", "--rules", str(RULES / "anhui-2010.yaml"), DATA)
    assert result.output.splitlines()[1:] == bundled.output.splitlines()[1:]


# ----------------------------------------------------------------------------- options


@pytest.mark.parametrize(
    "setting",
    ["资金保障=inf", "资金保障=nan", "资金保障=-inf", "资金保障=1e400",
     "标准.目标任务完成.loss_per_point=inf", "农村五保供养.资金拨付.otherwise=nan"],
)  # fmt: skip
def test_whatif_set_value_must_be_finite(setting):
    result = cli("whatif", DATA, "--set", setting)
    assert result.exit_code == 2, result.output
    text = setting.rpartition("=")[2]
    assert result.output.splitlines()[-1] == (
        f"scorer: --set {setting}：“{text}”不是可用的数字，请写普通的有限数字，如 120"
    )
    english = cli("whatif", DATA, "--set", setting, "--lang", "en")
    assert english.output.splitlines()[-1] == (
        f"scorer: --set {setting}: “{text}” is no usable number; write a finite number such as 120"
    )


def test_whatif_set_beyond_the_points_limit_is_a_usage_error():
    result = cli("whatif", DATA, "--set", "资金保障=5000000")
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[-1] == (
        "scorer: --set 资金保障=5000000：total 应不大于 1000000"
    )


def test_a_number_of_thousands_of_digits_is_refused_at_its_line(tmp_path):
    """Python refuses to build an int past 4,300 digits; the rule file's line says why first."""
    path = tmp_path / "long.yaml"
    path.write_text("name: x\ntotal: " + "9" * 5000 + "\n", encoding="utf-8")
    result = cli("rules", "check", str(path))
    assert result.exit_code == 1, result.output
    assert "数字有 5000 位，不像是分值或参数" in result.output
    assert "Traceback" not in result.output and "4300" not in result.output
