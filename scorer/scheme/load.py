"""Reading a rule file: its encoding, the size, alias and nesting limits, YAML and line numbers."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from ..errors import Issue

# libyaml's loader (in PyYAML's wheels) parses ten times as fast as the pure-Python one; both
# give the same values and the same line numbers.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The characters YAML refuses anywhere in a file, lone surrogates included (which stop libyaml
# before it can say where): pyyaml's own compiled pattern, as compiling one costs more than all
# the rest of reading a rule file; the same set written as its complement if it is not there.
_UNPRINTABLE = getattr(yaml.reader.Reader, "NON_PRINTABLE", None) or re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)


# ---- limits on rule files (issue 11): a rule file is a few dozen KB; these are far above any
# real one and far below what would take minutes or gigabytes (a YAML "billion laughs").
MAX_RULE_BYTES = 1_000_000
MAX_YAML_VALUES = 100_000  # nodes with every alias expanded, as validation would see them
MAX_YAML_DEPTH = 40


MAX_NUMBER_DIGITS = 100
_DIGITS = re.compile(r"[-+]?[0-9_,.eE+-]+")


class YamlLimit(Exception):
    """A rule file beyond a limit, found before its values are built."""

    def __init__(self, code: str, params: dict, line: int | None):
        super().__init__(code)
        self.code, self.params, self.line = code, params, line


def read_rule_file(path: str | Path) -> tuple[str | None, list[Issue]]:
    """A rule file's text: UTF-8 with or without BOM, or UTF-16 with BOM; else the problem."""
    path, file = Path(path), str(path)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_RULE_BYTES + 1)
    except OSError as exc:
        return None, [
            Issue("rule-file-unreadable", {"detail": exc.strerror or str(exc)}, file=file)
        ]
    if len(data) > MAX_RULE_BYTES:
        size = path.stat().st_size if path.is_file() else len(data)
        params = {"size": size_text(max(size, len(data))), "limit": size_text(MAX_RULE_BYTES)}
        return None, [Issue("rule-file-too-large", params, file=file)]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1 if encoding != "utf-16" else None
        return None, [Issue("not-utf8", {"line": line or 1}, file=file, line=line)]


def size_text(count: int) -> str:
    """A file size as the refusal shows it: 1.2 MB, 950 KB."""
    return f"{count / 1_000_000:.1f} MB" if count >= 100_000 else f"{count / 1000:.0f} KB"


def _check_yaml_limits(text: str) -> None:
    """Walk the parser's events once, counting nesting and the values aliases expand to, and
    raise YamlLimit at the line where a limit is passed or an alias refers to itself."""
    sizes: dict[str, int] = {}  # anchor -> values its node expands to
    open_anchors: set[str] = set()
    stack: list[list] = []  # open collections: [values so far, anchor]
    values = 0
    for event in yaml.parse(text, Loader=_YAML_LOADER):
        line = (event.start_mark.line if event.start_mark is not None else 0) + 1
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in open_anchors:
                raise YamlLimit("yaml-recursive-alias", {"anchor": event.anchor}, line)
            count = sizes.get(event.anchor or "", 0)  # an unknown anchor: the composer says so
        elif isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= MAX_YAML_DEPTH:
                raise YamlLimit("yaml-too-deep", {"limit": MAX_YAML_DEPTH}, line)
            stack.append([1, event.anchor])
            if event.anchor:
                open_anchors.add(event.anchor)
            values += 1
            continue
        elif isinstance(event, yaml.CollectionEndEvent):
            count, anchor = stack.pop()
            if anchor:
                sizes[anchor] = count
                open_anchors.discard(anchor)
            if stack:
                stack[-1][0] += count
            continue
        elif isinstance(event, yaml.ScalarEvent):
            count = 1
            value = event.value
            if len(value) > MAX_NUMBER_DIGITS and not event.style and _DIGITS.fullmatch(value):
                # YAML would build an int of it: Python refuses past 4,300 digits, and no
                # weight or threshold needs more than a few
                raise YamlLimit("yaml-number-too-long", {"digits": len(value)}, line)
            if event.anchor:
                sizes[event.anchor] = 1
        else:
            continue
        if stack:
            stack[-1][0] += count
        values += count
        if values > MAX_YAML_VALUES:
            raise YamlLimit("yaml-too-large", {"limit": f"{MAX_YAML_VALUES:,}"}, line)


def parse_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """A YAML document parsed once: its node tree (for line numbers) and its values."""
    _check_yaml_limits(text)
    loader = _YAML_LOADER(text)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()


class LineMap:
    """YAML path (keys and list indexes) -> line number, built from the composed node tree."""

    def __init__(self, root: yaml.Node | None, file: str):
        self.lines: dict[tuple, int] = {}
        self.issues: list[Issue] = []
        self.file = file
        if root is not None:
            self._walk(root, ())

    def _walk(self, node: yaml.Node, path: tuple) -> None:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}  # key -> its first line
            for key_node, value_node in node.value:
                key = key_node.value
                line = key_node.start_mark.line + 1
                if key in seen:
                    params = {"key": key, "first": seen[key]}
                    self.issues.append(
                        Issue("yaml-duplicate-key", params, file=self.file, line=line)
                    )
                seen.setdefault(key, line)
                sub = (*path, _yaml_key(key))
                self.lines[sub] = key_node.start_mark.line + 1
                self._walk(value_node, sub)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.lines[(*path, index)] = item.start_mark.line + 1
                self._walk(item, (*path, index))

    def line(self, loc: Iterable) -> int | None:
        """The line of the deepest part of ``loc`` the file has (pydantic adds tag names)."""
        path: tuple = ()
        best = self.lines.get(())
        for part in loc:
            candidate = (*path, part)
            if candidate in self.lines:
                path = candidate
                best = self.lines[path]
        return best


def _yaml_key(key: str) -> Any:
    """Keys as safe_load gives them (month tables have int keys)."""
    return int(key) if re.fullmatch(r"-?\d+", key) else key


def parse_rule_text(text: str, file: str) -> tuple[Any, LineMap | None, list[Issue]]:
    """A rule file's values and line map, with its duplicate keys; or, when it cannot be read
    as YAML within the limits, no line map and the one problem that stopped it."""
    if len(text) > MAX_RULE_BYTES:
        size = {"size": size_text(len(text.encode())), "limit": size_text(MAX_RULE_BYTES)}
        return None, None, [Issue("rule-file-too-large", size, file=file)]
    if _UNPRINTABLE.search(text):
        from .yaml_errors import unprintable

        return None, None, [unprintable(text, file)]
    try:
        root, raw = parse_yaml(text)
        lines = LineMap(root, file)
    except YamlLimit as exc:
        return None, None, [Issue(exc.code, exc.params, file=file, line=exc.line)]
    except yaml.YAMLError as exc:
        return None, None, [_syntax_issue(exc, text, file)]
    return raw, lines, list(lines.issues)


def _syntax_issue(exc: yaml.YAMLError, text: str, file: str) -> Issue:
    """A YAML error as the issue a clerk reads: the mistake at its line and what to write."""
    mark = getattr(exc, "problem_mark", None)
    if "maximum nesting depth" in (getattr(exc, "problem", None) or str(exc)):
        # libyaml's own limit, met while scanning ahead
        line = mark.line + 1 if mark else None
        return Issue("yaml-too-deep", {"limit": MAX_YAML_DEPTH}, file=file, line=line)
    from .yaml_errors import explain  # only for a file with a mistake: start-up stays quick

    return explain(exc, text, file)
