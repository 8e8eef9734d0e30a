"""The message catalogs: the same codes and placeholders in both languages, every code renders,
a missing parameter fails loudly, and neither language leaks into the other's output."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from scorer.cli import main
from scorer.errors import Issue
from scorer.messages import CATALOGS, Message, MessageError, placeholders, render, say, words

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "scorer"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")

# English words a Chinese sentence may hold: rule-file keys a clerk types, commands, formats and
# the names of programs and keys (file names and options are taken out before the check).
ZH_MAY_SAY = {
    # rule-file keys and values
    "applies_to", "awards", "city", "count", "indicators", "name", "quota", "quotas", "share",
    "sum", "template", "total", "long", "sheets", "table", "json", "zh", "en", "N",
    # the rule language of issue 13's later shapes (task s13-shapes)
    "if", "max", "min", "value", "kind", "yes_no", "text", "columns", "points", "score", "best",
    "worst", "better", "lower", "bonuses", "deductions", "loss_points_per_event", "loss_per_event",
    # commands and the program
    "scorer", "assess", "check", "explain", "whatif", "sensitivity", "compare", "trend", "rules",
    "show", "schema", "anhui-2010", "SCORER_LANG", "Python", "history", "serve", "list", "save", "http",
    "db", "run", "token", "SQLite", "SCORER_TOKEN", "SCORER_DB", "C",
    # formats, programs and keys of the keyboard
    "JSON", "Schema", "YAML", "README", "Excel", "WPS", "Word", "Office", "PDF", "HTML", "XML",
    "zip", "doc", "docx", "csv", "md", "html", "pdf", "ods", "xls", "xlsx", "ANSI", "GBK",
    "UTF-8", "SHA-256", "KB", "TRUE", "FALSE", "Ctrl", "End", "Tab", "B",
}  # fmt: skip
# Chinese an English sentence may hold: what the user typed or the data must contain.
EN_MAY_SAY = {"：", "，", "　", "。", "暂缓实施", "是", "否", "有", "无", "完成", "未完成"}
# Placeholders only one language names: in English what pyyaml or the system said; in Chinese
# the rule file's own (Chinese) label for its units, and the bracket the line already shows.
EN_ONLY = {"yaml-error": {"detail"}, "rule-file-unreadable": {"detail"}}
ZH_ONLY = {
    "yaml-unclosed-quote.todo": {"quote"},  # English says "close it": the line shows which
    "yaml-unclosed-bracket.todo": {"closing"},
    "yaml-extra-bracket.todo": {"bracket"},
    "units_found": {"label"},
    "notice_lag_intro": {"unit"},
    "notice_lag_none": {"unit"},
}


def test_both_catalogs_have_the_same_codes_and_placeholders():
    zh, en = CATALOGS["zh"], CATALOGS["en"]
    assert sorted(set(zh) ^ set(en)) == []
    differ = {
        c: (
            placeholders(zh[c]) - ZH_ONLY.get(c, set()),
            placeholders(en[c]) - EN_ONLY.get(c, set()),
        )
        for c in zh
    }
    assert {c: p for c, p in differ.items() if p[0] != p[1]} == {}


def test_every_issue_code_has_its_what_to_do():
    codes = {c for c in CATALOGS["zh"] if c.endswith(".todo")}
    for todo in codes:
        assert todo.removesuffix(".todo") in CATALOGS["zh"], todo


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_code_renders(lang):
    for code, template in CATALOGS[lang].items():
        params = {name: 0.5 for name in placeholders(template)}
        text = render(code, lang, **params)
        assert "{" not in text.replace("{{", "") or "{" in template.replace("{", "", 0), code


def test_a_missing_parameter_fails_loudly():
    with pytest.raises(MessageError, match="'n'"):
        render("check_bad", "zh", file="a.yaml")
    with pytest.raises(MessageError, match="no message"):
        render("no-such-code", "en")
    with pytest.raises(MessageError):
        say("no-such-code")
    with pytest.raises(MessageError):
        Issue("yaml-syntax").message("zh")  # {detail} not given
    assert Message("check_bad", {"file": "a.yaml", "n": 2}).render("en") == "a.yaml: 2 problem(s)"


def test_words_is_read_only():
    with pytest.raises(TypeError):
        words("zh")["rank"] = "x"  # type: ignore[index]


def test_no_chinese_in_english_sentences_and_no_english_in_chinese_ones():
    for code, text in CATALOGS["en"].items():
        found = set(CJK.findall(text)) - EN_MAY_SAY
        assert not found, (code, text)
    for code, text in CATALOGS["zh"].items():
        bare = re.sub(r"\{[^}]*\}", "", text)
        bare = re.sub(r"(?<![\w-])--?[\w-]+", "", bare)  # options
        bare = re.sub(r"[\w/-]+(?:\.[A-Za-z]\w*)+", "", bare)  # file names, dotted rule-file keys
        found = set(re.findall(r"[A-Za-z][A-Za-z0-9_.\-]*", bare)) - ZH_MAY_SAY
        assert not found, (code, text)


# ----------------------------------------------------------------------------- codes in the source


def _codes_used() -> set[str]:
    """String codes the package passes to Issue(), issues.add(), say(), render() and Message()."""
    used = set()
    for path in PACKAGE.rglob("*.py"):
        if "messages" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            first = node.args[0]
            if (
                (
                    name in {"Issue", "say", "Message"}
                    or (name == "render" and isinstance(func, ast.Name))
                    or (
                        name == "add"
                        and isinstance(func, ast.Attribute)
                        and "issues" in ast.unparse(func)
                    )
                )
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                used.add(first.value)
    return used


def test_every_code_the_package_uses_is_in_the_catalog():
    used = _codes_used()
    assert len(used) > 50  # the scan found the calls
    assert sorted(used - set(CATALOGS["zh"])) == []


def test_every_word_a_template_or_table_asks_for_is_in_the_catalog():
    asked = set()
    for path in (PACKAGE / "templates").glob("*.j2"):
        asked |= set(re.findall(r"\bt\.(\w+)", path.read_text(encoding="utf-8")))
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        asked |= set(re.findall(r"\b(?:text|t|words\(lang\))\[\"([\w.]+)\"\]", text))
    assert len(asked) > 50
    assert sorted(asked - set(CATALOGS["zh"])) == []


# ----------------------------------------------------------------------------- the output


def _data_words() -> set[str]:
    """The Chinese runs of the bundled sample's rule file and workbook: names a user gave."""
    found = set(CJK.findall((ROOT / "rules" / "anhui-2010.yaml").read_text(encoding="utf-8")))
    book = CalamineWorkbook.from_path(str(ROOT / "samples" / "2010.xlsx"))
    for name in book.sheet_names:
        found.add(name)
        for row in book.get_sheet_by_name(name).to_python():
            found |= {run for cell in row if isinstance(cell, str) for run in CJK.findall(cell)}
    return found


@pytest.mark.parametrize(
    "args",
    [
        ["assess", "samples/2010.xlsx"],
        ["explain", "samples/2010.xlsx", "合肥市"],
        ["rules", "show", "anhui-2010"],
        ["check", "samples/2010.xlsx"],
        ["assess", "no-such-file.xlsx"],
    ],
)
def test_english_output_holds_no_chinese_beyond_the_users_names(args, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, [*args, "--lang", "en"])
    assert result.exit_code in (0, 1, 2) and "Error:" not in result.output, result.output
    assert len(result.output) > 30, result.output
    names = _data_words()
    joined = "\n".join(names)
    leaked = {run for run in CJK.findall(result.output) if run not in joined} - EN_MAY_SAY
    assert not leaked, (leaked, result.output)
