"""YAML mistakes in a clerk's words: what was typed wrong at a line (a full-width colon, a tab, an
unclosed quote, a list item out of line) and what to write instead; pyyaml's own problem, by its
kind, only when no known mistake is found there."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import Issue

# what YAML counts as a line break, so line numbers agree with pyyaml's marks
_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_PAIRS = {"{": "}", "[": "]"}
_BLOCK_TEXT = re.compile(r"[|>][-+0-9]*")
_OPENING = {"}": "{", "]": "["}
_SHOWN = 72  # characters of a line quoted in a message
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# a key as a rule file writes one: a field name (weight) or a name in Chinese (优秀, 阜阳市)
_KEYLIKE = re.compile(r"[^\s\"'{}\[\],#&*!|>%@`：:，]{1,40}")


@dataclass
class Line:
    """One line of a rule file as far as its layout goes: where its indentation, "- " marks and
    key are, with quoted text and the comment masked out."""

    number: int  # 1-based
    text: str
    code: str  # quoted text replaced by x, comment dropped, trailing blanks removed
    indent: int  # leading ASCII spaces
    dashes: tuple[int, ...]  # columns of the "- " marks that open list items
    start: int  # column where the content begins, after the indentation and "- " marks
    key: str | None  # the key of "key: value" or "key:"
    value_at: int | None  # column where the value after "key: " begins
    unclosed: tuple[int, str] | None  # a quote opened and not closed on the line: column, mark
    open_brackets: list[tuple[int, str]]  # "{" or "[" not closed on the line: column, bracket
    extra_bracket: tuple[int, str] | None  # a "}" or "]" that closes nothing
    net: int = 0  # brackets opened less brackets closed
    layout: bool = True  # False inside a block text, a multi-line quote or bracket

    @property
    def blank(self) -> bool:
        return not self.code.strip()

    @property
    def opens(self) -> bool:
        """Whether the line is "key:" with nothing after: a block follows it."""
        return self.key is not None and self.value_at is None


def split_lines(text: str) -> list[str]:
    return _BREAKS.split(text)


def _closing_quote(text: str, start: int) -> int | None:
    """Where the quote opened at ``start`` closes on the line (\\ escapes in "…", '' in '…')."""
    mark, i = text[start], start + 1
    while i < len(text):
        if mark == '"' and text[i] == "\\":
            i += 2
            continue
        if text[i] == mark:
            if mark == "'" and text[i + 1 : i + 2] == "'":
                i += 2
                continue
            return i
        i += 1
    return None


def _mask(text: str) -> tuple[str, tuple[int, str] | None, list, tuple[int, str] | None]:
    """The line with quoted text masked and the comment dropped; an unclosed quote; the brackets
    left open; a closing bracket that closes nothing."""
    out: list[str] = []
    opened: list[tuple[int, str]] = []
    extra = None
    scalar_may_start = True  # a quote here opens a quoted scalar (not so inside plain text)
    leading = True  # still in the indentation and "- " marks
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "#" and (i == 0 or text[i - 1] in " \t"):
            break
        if ch in "\"'" and scalar_may_start:
            end = _closing_quote(text, i)
            if end is None:
                out.append(ch + "x" * (len(text) - i - 1))
                return "".join(out).rstrip(), (i, ch), opened, extra
            out.append(ch + "x" * (end - i - 1) + ch)
            i, scalar_may_start, leading = end + 1, False, False
            continue
        out.append(ch)
        after_blank = i + 1 == len(text) or text[i + 1] in " \t"
        if ch in "[{":
            opened.append((i, ch))
            scalar_may_start = True
        elif ch in "]}":
            if opened and opened[-1][1] == _OPENING[ch]:
                opened.pop()
            elif extra is None:
                extra = (i, ch)
            scalar_may_start = False
        elif (
            ch == ","
            and opened
            or (ch == ":" and after_blank)
            or (ch in "-?" and after_blank and leading)
        ):
            scalar_may_start = True
        elif ch not in " \t":
            scalar_may_start = leading = False
        i += 1
    return "".join(out).rstrip(), None, opened, extra


_KEY = re.compile(r"""("x*"|'x*'|[^\s#:{}\[\],"'][^:]*?)[ \t]*:(?=[ \t]|$)""")


def _line(number: int, text: str) -> Line:
    code, unclosed, opened, extra = _mask(text)
    indent = len(text) - len(text.lstrip(" "))
    dashes = []
    start = indent
    while code[start : start + 1] == "-" and code[start + 1 : start + 2] in (" ", ""):
        dashes.append(start)
        start += 1
        while code[start : start + 1] == " ":
            start += 1
    key, value_at = None, None
    match = _KEY.match(code, start)
    if match:
        key = text[match.start(1) : match.end(1)]
        rest = len(code) - len(code[match.end() :].lstrip(" \t"))
        value_at = rest if rest < len(code) else None
    net = sum(ch in "[{" for ch in code) - sum(ch in "]}" for ch in code)
    return Line(number, text, code, indent, tuple(dashes), start, key, value_at, unclosed,
                opened, extra, net)  # fmt: skip


def read_layout(text: str) -> list[Line]:
    """Every line of the text, each marked whether it is part of the layout: not inside a block
    text after | or >, a quote going on from a line above, or brackets opened above."""
    lines = [_line(n, t) for n, t in enumerate(split_lines(text), 1)]
    text_above: int | None = None  # lines indented deeper than this are a block text
    quote: str | None = None  # the mark of a quote going on from a line above
    brackets = 0  # brackets open from the lines above
    for line in lines:
        if quote is not None:
            line.layout = False
            quote = None if quote in line.text else quote
            continue
        if text_above is not None and (line.blank or line.indent > text_above):
            line.layout = False
            continue
        text_above = None
        if brackets > 0:
            line.layout = False
            line.extra_bracket = None  # it closes what a line above opened
        brackets = max(0, brackets + line.net)
        if line.unclosed:
            quote = line.unclosed[1]
        elif line.value_at is not None and _BLOCK_TEXT.fullmatch(line.code[line.value_at :]):
            text_above = line.indent
    return lines


# ----------------------------------------------------------------------------- what to show


def shown(text: str, column: int = 0) -> str:
    """A line as a message quotes it: without its indentation, at most _SHOWN characters around
    ``column``."""
    stripped = text.strip()
    column = max(0, column - (len(text) - len(text.lstrip())))
    if len(stripped) <= _SHOWN:
        return stripped
    begin = max(0, min(column - _SHOWN // 2, len(stripped) - _SHOWN))
    part = stripped[begin : begin + _SHOWN]
    return ("…" if begin else "") + part + ("…" if begin + _SHOWN < len(stripped) else "")


@dataclass
class Found:
    """A mistake recognised: its Issue code, what the message needs, and its line."""

    code: str
    params: dict[str, Any]
    line: int

    def issue(self, file: str) -> Issue:
        return Issue(self.code, self.params, file=file, line=self.line)


def _found(code: str, line: Line, column: int | None = None, **params: Any) -> Found:
    if column is not None:
        params = {"column": column + 1, **params}
    params.setdefault("text", shown(line.text, column or 0))
    return Found(code, params, line.number)


# ----------------------------------------------------------------------------- typing mistakes


def _leading_blanks(line: Line, lines: list[Line]) -> Found | None:
    """Indentation with a tab or a full-width space: say how many spaces to use instead."""
    lead = line.text[: len(line.text) - len(line.text.lstrip(" \t\u3000"))]
    if "\t" not in lead and "\u3000" not in lead:
        return None
    spaces = _expected_indent(line, lines)
    fixed = " " * spaces + line.text[len(lead) :]
    code = "yaml-tab-indent" if "\t" in lead else "yaml-full-width-space-indent"
    return _found(code, line, None, spaces=spaces, fixed=shown(fixed))


def _expected_indent(line: Line, lines: list[Line]) -> int:
    """The indentation a line indented with odd blanks most likely meant: one level under the
    line above when that opens a block, else the same as the line above."""
    above = _line_above(line, lines)
    if above is None:
        return 0
    return above.start + 2 if above.opens else above.start


def _key_positions(line: Line) -> list[int]:
    """Columns where a key may begin: after the indentation and "- " marks, and after each { or ,
    inside brackets."""
    positions = [line.start]
    depth = 0
    for at, ch in enumerate(line.code):
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        if depth > 0 and ch in "{,":
            rest = line.code[at + 1 :]
            positions.append(at + 1 + len(rest) - len(rest.lstrip(" ")))
    return positions


def _key_mistake(line: Line) -> Found | None:
    """A key followed by "：" (the IME's colon), by ":" with no space (weight:120), or by ":" and
    a full-width space."""
    for at in _key_positions(line):
        key = _KEYLIKE.match(line.code, at)
        if not key or key.group().isdigit():
            continue
        after = key.end() + len(line.code[key.end() :]) - len(line.code[key.end() :].lstrip(" "))
        colon, rest = line.code[after : after + 1], line.code[after + 1 : after + 2]
        if colon == "：":
            value = line.text[after + 1 :].lstrip(" \t\u3000")
            fixed = line.text[: key.end()] + (": " + value if value else ":")
            return _found("yaml-full-width-colon", line, after, fixed=shown(fixed, after))
        if colon == ":" and rest == "\u3000":
            value = line.text[after + 1 :].lstrip(" \t\u3000")
            fixed = line.text[: after + 1] + " " + value
            return _found("yaml-full-width-space", line, after + 1, fixed=shown(fixed, after))
        if colon == ":" and rest and rest not in " \t:/\\" and (at > line.start or not line.key):
            fixed = line.text[: after + 1] + " " + line.text[after + 1 :]
            name = key.group()
            return _found(
                "yaml-no-space-after-colon", line, after, key=name, fixed=shown(fixed, after)
            )
    return None


def _full_width_comma(line: Line) -> Found | None:
    """ "，" (the IME's comma) between the items of a [ ] or { }."""
    depth, commas = 0, []
    for at, ch in enumerate(line.code):
        depth += (ch in "[{") - (ch in "]}")
        if ch == "，" and depth > 0:
            commas.append(at)
    if not commas:
        return None
    fixed = line.text
    for at in reversed(commas):
        fixed = fixed[:at].rstrip(" ") + ", " + fixed[at + 1 :].lstrip(" ")
    return _found("yaml-full-width-comma", line, commas[0], fixed=shown(fixed, commas[0]))


def _scalar_starts(line: Line) -> list[int]:
    """Columns where a value may begin: after "key: ", after "- ", and after [ { , inside
    brackets."""
    starts = [line.start] + ([line.value_at] if line.value_at is not None else [])
    depth = 0
    for at, ch in enumerate(line.code):
        depth += (ch in "[{") - (ch in "]}")
        if (depth > 0 and ch in "[{,") or (depth > 0 and ch == ":"):
            rest = line.code[at + 1 :]
            starts.append(at + 1 + len(rest) - len(rest.lstrip(" ")))
    return sorted(set(starts))


def _full_width_quotes(line: Line) -> Found | None:
    """A value put in “ ” or ‘ ’ as if they were YAML's quotes."""
    for at in _scalar_starts(line):
        opening = line.code[at : at + 1]
        if opening not in ("“", "‘"):
            continue
        closing, mark = ("”", '"') if opening == "“" else ("’", "'")
        end = line.code.find(closing, at + 1)
        if end < 0:
            continue
        fixed = line.text[:at] + mark + line.text[at + 1 : end] + mark + line.text[end + 1 :]
        return _found("yaml-full-width-quotes", line, at, fixed=shown(fixed, at))
    return None


def _unclosed_quote(line: Line) -> Found | None:
    """A quote opened and not closed on its line, or closed with a Chinese quotation mark."""
    if line.unclosed is None:
        return None
    at, mark = line.unclosed
    body = line.text[at + 1 :].rstrip()
    chinese = "”“" if mark == '"' else "’‘"
    if body and body[-1] in chinese:
        fixed = line.text[: at + 1] + body[:-1] + mark
        params = {"quote": mark, "wrong": body[-1], "fixed": shown(fixed, at)}
        return _found("yaml-mixed-quotes", line, at, **params)
    fixed = line.text[: at + 1] + body + mark
    return _found("yaml-unclosed-quote", line, at, quote=mark, fixed=shown(fixed, at))


def _brackets(line: Line, lines: list[Line]) -> Found | None:
    """A { or [ never closed (the next line starts a new entry), or a } or ] that closes
    nothing."""
    if line.extra_bracket is not None:
        at, bracket = line.extra_bracket
        return _found("yaml-extra-bracket", line, at, bracket=bracket, opening=_OPENING[bracket])
    if not line.open_brackets:
        return None
    below = next((b for b in lines[line.number :] if not b.blank), None)
    if below is not None and below.indent > line.indent and not below.dashes and not below.key:
        return None  # a [ ] or { } written over several lines
    at, bracket = line.open_brackets[0]
    closing = "".join(_PAIRS[b] for _, b in reversed(line.open_brackets))
    fixed = line.text[: len(line.code)] + closing + line.text[len(line.code) :]
    params = {"bracket": bracket, "closing": closing, "fixed": shown(fixed, len(fixed))}
    return _found("yaml-unclosed-bracket", line, at, **params)


def _colon_in_value(line: Line) -> Found | None:
    """name: 说明: 见附件 — a ": " inside a value, which YAML takes for another key."""
    if line.value_at is None or line.code[line.value_at] in "\"'{[|>&*!":
        return None
    value = line.code[line.value_at :]
    match = re.search(r":(\s|$)", value)
    if not match:
        return None
    at = line.value_at + match.start()
    body = line.text[line.value_at : len(line.code)]
    quote = "'" if '"' in body else '"'
    fixed = line.text[: line.value_at] + quote + body + quote + line.text[len(line.code) :]
    return _found("yaml-colon-in-value", line, at, fixed=shown(fixed, at))


def _special_start(line: Line) -> Found | None:
    """A value that starts with a character YAML reserves (% @ `), as in unit: %."""
    for at in _scalar_starts(line):
        char = line.code[at : at + 1]
        if char not in ("%", "@", "`") or (at == 0 and char == "%"):
            continue
        inside = _depth(line.code, at) > 0
        ends = r"[,\]}]|:(?=\s)" if inside else r":(?=\s)|$" if at == line.start else r"$"
        stop = re.search(ends, line.code[at:])
        end = at + (stop.start() if stop else len(line.code) - at)
        body = line.text[at:end].rstrip()
        quoted = '"' + body.replace("\\", "\\\\").replace('"', '\\"') + '"'
        fixed = line.text[:at] + quoted + line.text[at + len(body) :]
        return _found("yaml-special-start", line, at, char=char, fixed=shown(fixed, at))
    return None


def _depth(code: str, at: int) -> int:
    """How many brackets are open at column ``at``."""
    return sum(ch in "[{" for ch in code[:at]) - sum(ch in "]}" for ch in code[:at])


def _missing_colon(line: Line) -> Found | None:
    """weight 120 — a field name and its value with no colon between them."""
    match = re.match(r"([A-Za-z_][A-Za-z0-9_]*)[ \t\u3000]+(\S.*)$", line.code[line.start :])
    if not match or line.key is not None:
        return None
    at = line.start + len(match.group(1))
    fixed = line.text[:at] + ": " + line.text[at:].lstrip(" \t\u3000")
    return _found("yaml-missing-colon", line, at, key=match.group(1), fixed=shown(fixed))


# ----------------------------------------------------------------------------- layout


def _line_above(line: Line, lines: list[Line]) -> Line | None:
    return next((a for a in reversed(lines[: line.number - 1]) if a.layout and not a.blank), None)


def _open_levels(line: Line, lines: list[Line]) -> list[tuple[int, str, Line]]:
    """The columns still open at ``line``, from the lines above it, deepest first: ("key",
    the column of a mapping's keys) or ("item", the column of a list's "- ")."""
    levels: list[tuple[int, str, Line]] = []
    lowest: int | None = None
    for above in reversed(lines[: line.number - 1]):
        if not above.layout or above.blank:
            continue
        own = [(above.start, "key")] if above.key is not None else []
        own += [(column, "item") for column in reversed(above.dashes)]
        for column, kind in own:
            if lowest is None or column < lowest:
                levels.append((column, kind, above))
                lowest = column
        if lowest == 0:
            break
    return levels


def _layout(line: Line, lines: list[Line]) -> Found | None:
    """A key or a "- " at a column no open level has: say which column, after which line."""
    above = _line_above(line, lines)
    if above is None or not line.layout or line.blank:
        return None
    levels = _open_levels(line, lines)
    if line.dashes:
        column, kind = line.dashes[0], "item"
        if above.opens and column >= above.start:
            return None
    else:
        column, kind = line.start, "key"
        if above.opens and column > above.start:
            return None
    same = [(c, a) for c, k, a in levels if k == kind]
    if any(c == column for c, _ in same) or not same:
        return None
    wanted = line.key

    def fit(candidate: tuple[int, Line]) -> tuple:
        c, a = candidate
        return (abs(c - column), 0 if a.key == wanted else 1, c)

    expected, other = min(same, key=fit)
    params = {"spaces": column, "expected": expected, "other": other.number}
    if kind == "key":
        return _found("yaml-bad-indent", line, None, key=other.key, **params)
    return _found("yaml-list-item-depth", line, None, **params)


def line_mistake(lines: list[Line], number: int) -> Found | None:
    """A typing mistake on a line that YAML read, into a wrong value: a key with "：" or without
    a space after its colon inside { } (a key "share:1"), "- name：完成" (a text, not a mapping),
    "，" between items, “ ” used as quotes."""
    if not 1 <= number <= len(lines):
        return None
    line = lines[number - 1]
    return _key_mistake(line) or _full_width_comma(line) or _full_width_quotes(line)


# ----------------------------------------------------------------------------- one error


def explain(exc: Exception, text: str, file: str) -> Issue:
    """The issue a clerk reads for pyyaml's error ``exc`` on ``text``: the mistake recognised
    at its line, or else pyyaml's problem by its kind."""
    lines = read_layout(text)
    problem = getattr(exc, "problem", None) or ""
    context = getattr(exc, "context", None) or ""
    mark = getattr(exc, "problem_mark", None)
    at, began = _at(lines, mark), _at(lines, getattr(exc, "context_mark", None))
    found = _recognise(lines, at, began, problem)
    if found is None:
        found = _by_kind(lines, at, began, mark, f"{problem} | {context}".lower(), str(exc))
    return found.issue(file)


def _at(lines: list[Line], mark: Any) -> Line | None:
    if mark is None or not 0 <= mark.line < len(lines):
        return None
    return lines[mark.line]


def _recognise(
    lines: list[Line], at: Line | None, began: Line | None, problem: str
) -> Found | None:
    """The mistake behind the error, looked for where it began, where it was found and on the
    line above that (typing mistakes), then on the line where it was found (what its value
    starts with, its layout)."""
    above = _line_above(at, lines) if at is not None else None
    marked = {line.number for line in (began, at) if line is not None}
    for line in _unique([began, at, above]):
        found = _unclosed_quote(line) or _key_mistake(line) or _leading_blanks(line, lines)
        if found is None and line.number in marked:
            found = _full_width_comma(line) or _brackets(line, lines)
        if found is not None:
            return found
    if began is not None and "expected ':'" in problem:
        found = _missing_colon(began)
        if found is not None:
            return found
    if at is None:
        return None
    return _full_width_quotes(at) or _colon_in_value(at) or _special_start(at) or _layout(at, lines)


def _unique(lines: list[Line | None]) -> list[Line]:
    unique: dict[int, Line] = {}
    for line in lines:
        if line is not None:
            unique.setdefault(line.number, line)
    return list(unique.values())


# pyyaml's problems and contexts (libyaml's and the pure-Python parser's wording) by kind: the
# first whose words occur wins; each kind is one Issue code.
_KINDS = (
    ("tab", "yaml-tab"),
    ("escape", "yaml-escape"),
    ("hexdecimal", "yaml-escape"),
    ("hexadecimal", "yaml-escape"),
    ("unhashable", "yaml-key-not-text"),
    ("unacceptable key", "yaml-key-not-text"),
    ("alias", "yaml-anchor"),
    ("anchor", "yaml-anchor"),
    ("merging", "yaml-anchor"),
    ("tag", "yaml-tag"),
    ("directive", "yaml-directive"),
    ("document", "yaml-documents"),
    ("block scalar", "yaml-block-text"),
    ("indentation indicator", "yaml-block-text"),
    ("quoted scalar", "yaml-quoted-text"),
    ("',' or", "yaml-brackets"),
    ("flow", "yaml-brackets"),
    ("expected ':'", "yaml-no-colon"),
    ("cannot start any token", "yaml-bad-character"),
    ("mapping values", "yaml-structure"),
    ("key", "yaml-structure"),
    ("indicator", "yaml-structure"),
    ("block", "yaml-structure"),
    ("node content", "yaml-structure"),
    ("unexpected ':'", "yaml-structure"),
    ("end of stream", "yaml-structure"),
)


def _by_kind(lines: list[Line], at: Line | None, began: Line | None, mark: Any, words: str,
             whole: str) -> Found:  # fmt: skip
    """pyyaml's problem by its kind, at its line: the last resort."""
    char = at.text[mark.column : mark.column + 1] if at is not None else ""
    code = "yaml-tab" if char == "\t" else next((c for w, c in _KINDS if w in words), "yaml-error")
    line = at
    if began is not None and (line is None or code in ("yaml-no-colon", "yaml-quoted-text")):
        line = began
    if line is None:
        line = lines[-1]
    params: dict[str, Any] = {}
    if code == "yaml-bad-character":
        params["char"] = char or "?"
    if code == "yaml-error":
        params["detail"] = whole.replace("\n", " ")
    column = mark.column if line is at and mark is not None else line.start
    return _found(code, line, column, **params)


# ----------------------------------------------------------------------------- before parsing


def unprintable(text: str, file: str) -> Issue:
    """The first character YAML refuses anywhere (a control character, a lone surrogate), at its
    line and column: found before parsing, since libyaml gives only an offset, and a lone
    surrogate stops it before it can say anything."""
    from .load import _UNPRINTABLE

    match = _UNPRINTABLE.search(text)
    assert match is not None, "called for a text with such a character"
    before = split_lines(text[: match.start()])
    params = {"column": len(before[-1]) + 1, "char": f"U+{ord(match.group()):04X}"}
    return Issue("yaml-control-character", params, file=file, line=len(before))
