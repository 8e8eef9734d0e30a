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
    "bands", "better", "checks", "columns", "district", "gain", "gain_per_point", "group",
    "groups", "in", "level", "linear", "loss", "loss_per_point", "loss_points_per_point", "lower",
    "max", "max_gain", "mean_of", "method", "min", "null", "others", "per", "per_event", "points",
    "rank_points", "score", "sequence", "survey", "units", "column",
    # YAML's own words for values: true, false, .inf, .nan and 5e1 (a number YAML reads as text)
    "true", "false", "inf", "nan", "e1",
    "previous", "change", "difference", "tree", "parent", "children",
    "levels", "value",  # task C: the previous period and the indicator tree
    # the rule language of issue 13's later shapes (task s13-shapes)
    "if", "kind", "yes_no", "text", "best",
    "worst", "bonuses", "deductions", "loss_points_per_event", "loss_per_event",
    # commands and the program
    "scorer", "assess", "check", "explain", "whatif", "sensitivity", "compare", "trend", "rules",
    "show", "schema", "anhui-2010", "SCORER_LANG", "Python", "history", "serve", "list", "save",
    "http",
    "db", "run", "token", "SQLite", "SCORER_TOKEN", "SCORER_DB", "C",
    # formats, programs and keys of the keyboard
    "JSON", "Schema", "YAML", "README", "Excel", "WPS", "Word", "Office", "PDF", "HTML", "XML",
    "zip", "doc", "docx", "csv", "md", "html", "pdf", "ods", "xls", "xlsx", "ANSI", "GBK",
    "UTF-8", "SHA-256", "KB", "TRUE", "FALSE", "Ctrl", "End", "Tab", "B",
    "zh-CN",  # the language tag of a Chinese PDF
}  # fmt: skip
# Chinese an English sentence may hold: what the user typed or the data must contain.
EN_MAY_SAY = {"：", "，", "　", "。", "暂缓实施", "是", "否", "有", "无", "完成", "未完成"}
# Placeholders only one language names: in English what pyyaml or the system said; in Chinese
# the rule file's own (Chinese) label for its units, and the bracket the line already shows.
EN_ONLY = {
    "yaml-error": {"detail"},
    "rule-file-unreadable": {"detail"},
    "detail.other": {"text"},  # what pydantic said (in English) of an error the catalog lacks
    # a rank in sequence: English says the step with its sign (-0.1), and the count with the place
    **{f"words.sequence_{s}_{w}": {"signed"} for s in ("first", "last") for w in ("down", "up")},
    "words.place_first": {"count"},
    "names.more": {"more"},
    "date.day": {"month_name"},  # 8 March 2011; Chinese writes the month as a number
    "words.place_last": {"count"},
}
ZH_ONLY = {
    "names.more": {"total"},  # 等61个 counts them all; English says how many more
    "survey_rank_of": {"survey"},  # the rule file's (Chinese) name of its survey
    "pdf.survey_heading": {"survey"},
    "date.day": {"month"},  # 2011年3月8日; English names the month (month_name)
    "yaml-unclosed-quote.todo": {"quote"},  # English says "close it": the line shows which
    "yaml-unclosed-bracket.todo": {"closing"},
    "yaml-extra-bracket.todo": {"bracket"},
    "units_found": {"label"},
    "notice_lag_none": {"unit"},
    # Chinese says a step's size without its sign (减 0.1) and the count of units in its own place;
    # English leaves out that a part of a step does not count
    **{f"words.sequence_{s}_{w}": {"step"} for s in ("first", "last") for w in ("down", "up")},
    "words.sequence": {"count"},
    "words.sequence_beyond": {"count"},
    **{f"words.step_{w}": {"part"} for w in ("gain", "gain_lower", "loss", "loss_lower")},
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


def _codes_named() -> set[str]:
    """Codes written as plain strings in the package's tables ("detail.number" for a pydantic
    error type): every whole string of a dotted namespace the catalog has (detail., formula.),
    not a piece of an f-string and not a file name (scheme.yaml)."""
    spaces = {code.split(".")[0] for code in CATALOGS["zh"] if "." in code}
    dotted = re.compile(r"[a-z][a-z0-9_-]*\.[a-z0-9_.-]*[a-z0-9]")  # "history.origin_" is a stem
    named = set()
    for path in _core_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        pieces = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in pieces
            ):
                text = node.value
                if (
                    dotted.fullmatch(text)
                    and text.split(".")[0] in spaces
                    and text.rsplit(".", 1)[-1] not in {"yaml", "yml", "xlsx", "json", "csv"}
                ):
                    named.add(text)
    return named


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_code_the_package_uses_is_in_both_catalogs(lang):
    used = _codes_used()
    assert len(used) > 50  # the scan found the calls
    assert {"detail.number", "formula.too_long", "awards.tie"} <= used | _codes_named()
    assert sorted((used | _codes_named()) - set(CATALOGS[lang])) == []


# ---------------------------------------------------------------------------- sentences in the core

# Where a string may hold both languages: the JSON Schema's field descriptions (``Field(
# description="表头上的列名 / header label")``), which an editor shows whatever its language;
# the schema has one description per field.
BOTH_BY_DESIGN = {"description"}
# Text for developers that is no sentence a user reads: the database's SQL, with its comments.
FOR_DEVELOPERS = {"MIGRATIONS"}
# An English sentence inside a Chinese string: an English gloss in brackets after Chinese
# ("应大于 0 (must be > 0)"), or three English words in a row ("quotas are per city").
GLOSS = re.compile(r"\((?:[^()]*\s)?[A-Za-z]{2,}[^()]*\s[^()]*\)|\([A-Za-z]{2,} [A-Za-z]{2,}\)")
WORDS = re.compile(r"[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}")


def _core_modules() -> list[Path]:
    return sorted(
        p for p in PACKAGE.rglob("*.py") if "messages" not in p.relative_to(PACKAGE).parts
    )


def _sentences_in_the_core(tree: ast.AST) -> list[tuple[int, str]]:
    """Each string of a module as a person could read it (an f-string with its holes as {}),
    leaving out docstrings and the arguments that hold both languages by design."""
    skip = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skip.add(id(body[0].value))  # a docstring (or a bare string): for developers
        if isinstance(node, ast.JoinedStr):
            skip |= {id(v) for v in node.values}
        if isinstance(node, ast.keyword) and node.arg in BOTH_BY_DESIGN:
            skip.add(id(node.value))
        targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and any(
            isinstance(t, ast.Name) and t.id in FOR_DEVELOPERS for t in targets
        ):
            skip |= {id(n) for n in ast.walk(node.value) if node.value is not None}
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            found.append((node.lineno, text))
    return found


def mixed_or_paired(source: str) -> list[str]:
    """What in a module's source says one thing in both languages at once: a {"zh": …} dict, or
    a string holding Chinese and an English sentence."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if {"zh", "en"} & keys:
                found.append(f"{node.lineno}: a {{'zh': …, 'en': …}} dict")
    for line, text in _sentences_in_the_core(tree):
        if CJK.search(text) and (GLOSS.search(text) or WORDS.search(text)):
            found.append(f"{line}: {text[:70]!r}")
    return found


def test_the_core_says_nothing_in_both_languages_at_once():
    """Every sentence is a catalog code: no {"zh", "en"} dict, no "中文 (English)" string."""
    found = [
        f"{path.relative_to(ROOT)}:{entry}"
        for path in _core_modules()
        for entry in mixed_or_paired(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "\n".join(found)


def words_chosen_by_language(source: str) -> list[str]:
    """Where a module writes the words of one language itself and picks them by ``lang``:
    ``"、" if lang == "zh" else ", "``, ``f"{n}月" if lang == "zh" else str(n)``. The catalog
    holds such words (sep.list, month.short…); a choice between the rule file's own (Chinese)
    label and the catalog's word, or of a numeral, is no such branch."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.IfExp) or not isinstance(node.test, ast.Compare):
            continue
        sides = [node.test.left, *node.test.comparators]
        if not (
            any(isinstance(n, ast.Constant) and n.value in ("zh", "en") for n in sides)
            and any(isinstance(n, (ast.Name, ast.Attribute, ast.Call)) for n in sides)
        ):
            continue
        written = [
            n
            for branch in (node.body, node.orelse)
            for n in (branch.elts if isinstance(branch, ast.Tuple) else [branch])
            if isinstance(n, ast.JoinedStr)
            or (isinstance(n, ast.Constant) and isinstance(n.value, str))
        ]
        if written:
            found.append(f"{node.lineno}: {ast.unparse(node)[:70]}")
    return found


def test_no_words_are_chosen_by_language_outside_the_catalogs():
    found = [
        f"{path.relative_to(ROOT)}:{entry}"
        for path in _core_modules()
        for entry in words_chosen_by_language(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(
    "source, count",
    [
        ('sep = "、" if lang == "zh" else ", "', 1),
        ('x = f"{m}月" if lang == "zh" else str(m)', 1),
        ('x = ("；" if self.lang == "zh" else "; ").join(parts)', 1),
        ('unit = scheme.columns["district"].label if lang == "zh" else t["district"]', 0),
        ('n = chinese_number(rank) if lang == "zh" else rank', 0),
        ('x = 32 + 16 * (3 if lang == "zh" else 7)', 0),
        ('x = "、" if kind == "list" else ", "', 0),
        ('open_, close = ("（", "）") if lang == "zh" else (" (", ")")', 1),
        ('x = render("a", lang) if lang == "zh" else t["b"]', 0),
        ('x = hint(lang) if f"{code}.todo" in CATALOGS[lang] else ""', 0),
        ('colon = "：" if current() == "zh" else ":"', 1),
    ],
)
def test_the_language_scan_finds_words_written_in_code(source, count):
    assert len(words_chosen_by_language(source)) == count


@pytest.mark.parametrize(
    "source, count",
    [
        ('x = {"zh": "名额", "en": "quota"}', 1),
        ('def f(n):\n    return f"应大于 {n} (must be > {n})"', 1),
        ('raise ValueError("无法识别文件编码 (unknown text encoding)")', 1),
        ('x = "quotas are per city: awarded with a 所属市 column"', 1),
        ('x = "应为数字"', 0),
        ('x = "4. 填好后可用 scorer check 检查"', 0),  # a command in a Chinese sentence
        ('x = "名额按市分给县；按市汇总（--level city）的排名不评选"', 0),
        ('def f():\n    """说明 (a docstring is for developers)."""', 0),
        ('Field(description="表头上的列名 / header label of the column")', 0),
        ('x = say("detail.number")', 0),
        ('MIGRATIONS: list[str] = ["-- 方案 the text as it was used"]', 0),
    ],
)
def test_the_scan_finds_both_languages_in_one_string(source, count):
    assert len(mixed_or_paired(source)) == count, mixed_or_paired(source)


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
