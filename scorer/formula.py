"""The arithmetic a rule file may write ("完成 / 目标任务"), parsed and evaluated without eval()."""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeGuard

from .messages import Message, say

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_FUNCTIONS = {"sum"}
# Aggregates over the units being scored ("不大于各部门平均年龄"): the function, optionally with
# a grouping as its second argument (mean_of(平均年龄, 部门类别): within the unit's own group).
PEER_FUNCTIONS = {
    "mean_of": "mean",
    "平均值": "mean",
    "max_of": "max",
    "最大值": "max",
    "min_of": "min",
    "最小值": "min",
    "sum_of": "sum",
    "总和": "sum",
}
# Last period's value of a formula ("上期(参保人数)"), for 同比/环比 rules (issue 12): the
# argument is evaluated over the previous period's row of the same unit and project.
PREVIOUS_FUNCTIONS = {"上期", "previous"}
# Choices between values (issue 13, "二者择其一"): the larger or smaller of two or more values
# (a value missing on one side leaves the other), and if(条件, 成立时, 否则) with one comparison.
CHOICE_FUNCTIONS = {
    "max": "max",
    "较大值": "max",
    "min": "min",
    "较小值": "min",
    "if": "if",
    "如果": "if",
}
MAX_CHOICES = 10  # values max() and min() choose among
# "if" is a Python keyword: written before a bracket it is read as 如果 (the same two characters
# long, so a syntax error's column stays where the user wrote it)
_IF = re.compile(r"\bif(?=\s*\()")
_COMPARE = {
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


# A rule file's formula is a ratio or a short sum ("完成 / 目标任务"); these limits are far above
# any real one and keep parsing, checking and evaluating small.
MAX_FORMULA_CHARS = 500
MAX_FORMULA_DEPTH = 50  # operators and brackets nested inside one another
MAX_NUMBER_CHARS = 20  # digits (and point, exponent) of one number written in a formula


def _is_number(value: object) -> TypeGuard[int | float]:
    """A constant a formula may write: an int or a float, not True/False (bool is an int)."""
    return type(value) in (int, float)


class FormulaError(ValueError):
    """A formula uses something the rule language does not allow; ``said`` says what."""

    def __init__(self, said: Message):
        super().__init__(said.code)
        self.said = said

    def __str__(self) -> str:
        return self.said.render("zh")


class Formula:
    """A parsed formula: column names, numbers, + - * /, brackets, sum() for district items,
    mean_of() max_of() min_of() sum_of() over the units, max() min() if() between values, and
    one comparison for review checks.

    The text is parsed with :mod:`ast` and every node is checked against a short whitelist;
    evaluation walks that tree itself, so a rule file can never run code.
    """

    def __init__(self, text: str):
        self.text = text
        source = str(text).strip()
        if len(source) > MAX_FORMULA_CHARS:
            raise FormulaError(say("formula.too_long", chars=len(source), most=MAX_FORMULA_CHARS))
        try:
            tree = ast.parse(_IF.sub("如果", source), mode="eval")
        except SyntaxError as exc:
            raise FormulaError(say("formula.syntax", column=exc.offset or 1)) from None
        except (RecursionError, MemoryError):
            raise FormulaError(self._too_deep()) from None
        self._source = source
        self._root = tree.body
        self.names: list[str] = []
        self.aggregated = False
        self.groupings: list[str] = []  # the groupings peer aggregates are taken within
        self.peers = False  # whether it uses an aggregate over the units (mean_of…)
        self.previous = False  # whether it uses last period's values (上期(…))
        self.previous_names: list[str] = []  # the columns read from last period's data
        self.current_names: list[str] = []  # the columns read from this period's, outside 上期()
        self._in_previous = False
        self._outside_sum: list[str] = []
        # a comparison, for review checks ("完成 > 1.5 * 目标任务"), only as the whole formula
        root = self._root
        self.comparison = isinstance(root, ast.Compare)
        if isinstance(root, ast.Compare):
            if len(root.ops) != 1 or type(root.ops[0]) not in _COMPARE:
                raise FormulaError(say("formula.one_comparison"))
            self._check(root.left, inside_sum=False)
            self._check(root.comparators[0], inside_sum=False)
        else:
            self._check(self._root, inside_sum=False)
        if self.aggregated and self._outside_sum:
            name = self._outside_sum[0]
            raise FormulaError(say("formula.outside_sum", name=name))

    @staticmethod
    def _too_deep() -> Message:
        return say("formula.too_deep", most=MAX_FORMULA_DEPTH)

    def _check(
        self, node: ast.AST, inside_sum: bool, depth: int = 0, inside_peer: bool = False
    ) -> float | None:
        """Refuse what the language does not allow; the node's value if it is a constant."""
        if depth > MAX_FORMULA_DEPTH:
            raise FormulaError(self._too_deep())
        depth += 1
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left = self._check(node.left, inside_sum, depth, inside_peer)
            right = self._check(node.right, inside_sum, depth, inside_peer)
            if isinstance(node.op, ast.Div) and right == 0:
                shown = ast.unparse(node.right)
                raise FormulaError(say("formula.zero_divisor", divisor=shown))
            if left is None or right is None:
                return None
            return self._finite(_BINARY[type(node.op)](left, right), node)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            value = self._check(node.operand, inside_sum, depth, inside_peer)
            if value is None:
                return None
            return -value if isinstance(node.op, ast.USub) else value
        elif isinstance(node, ast.Constant) and _is_number(node.value):
            written = ast.get_source_segment(self._source, node) or repr(node.value)
            if len(written) > MAX_NUMBER_CHARS:
                params = {"start": written[:12], "chars": len(written), "most": MAX_NUMBER_CHARS}
                raise FormulaError(say("formula.long_number", **params))
            return self._finite(float(node.value), node)
        elif isinstance(node, ast.Name):
            known = (
                _FUNCTIONS | PEER_FUNCTIONS.keys() | PREVIOUS_FUNCTIONS | CHOICE_FUNCTIONS.keys()
            )
            if node.id in known:
                raise FormulaError(say("formula.needs_brackets", name=node.id))
            if node.id not in self.names:
                self.names.append(node.id)
            if not self._in_previous and node.id not in self.current_names:
                self.current_names.append(node.id)
            if not inside_sum:
                self._outside_sum.append(node.id)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _FUNCTIONS
            and len(node.args) == 1
            and not node.keywords
        ):
            if inside_sum:
                raise FormulaError(say("formula.nested_sum"))
            self.aggregated = True
            self._check(node.args[0], True, depth, inside_peer)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in PEER_FUNCTIONS
        ):
            self._check_peer(node, inside_sum, inside_peer, depth)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in PREVIOUS_FUNCTIONS
        ):
            self._check_previous(node, inside_sum, inside_peer, depth)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in CHOICE_FUNCTIONS
        ):
            self._check_choice(node, inside_sum, inside_peer, depth)
        else:
            shown = ast.unparse(node)
            raise FormulaError(say("formula.not_allowed", shown=shown))
        return None

    def _check_peer(self, node: ast.Call, inside_sum: bool, inside_peer: bool, depth: int) -> None:
        """mean_of(x) or mean_of(x, grouping): one value over the units, not nested."""
        name = node.func.id  # type: ignore[attr-defined]
        if inside_sum or inside_peer:
            raise FormulaError(say("formula.nested_peer", name=name))
        if node.keywords or not 1 <= len(node.args) <= 2:
            raise FormulaError(say("formula.peer_arguments", name=name))
        if len(node.args) == 2:
            group = node.args[1]
            if not isinstance(group, ast.Name):
                raise FormulaError(say("formula.peer_grouping", name=name))
            if group.id not in self.groupings:
                self.groupings.append(group.id)
        self.peers = True
        self._check(node.args[0], inside_sum, depth, inside_peer=True)

    def _check_previous(
        self, node: ast.Call, inside_sum: bool, inside_peer: bool, depth: int
    ) -> None:
        """上期(x): one argument, last period's x; not nested in another 上期()."""
        name = node.func.id  # type: ignore[attr-defined]
        if node.keywords or len(node.args) != 1:
            raise FormulaError(say("formula.previous_arguments", name=name))
        if any(
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Name)
            and sub.func.id in PREVIOUS_FUNCTIONS
            for sub in ast.walk(node.args[0])
        ):
            raise FormulaError(say("formula.previous_nested", name=name))
        self.previous = True
        self._in_previous = True
        try:
            self._check(node.args[0], inside_sum, depth, inside_peer)
        finally:
            self._in_previous = False
        for sub in ast.walk(node.args[0]):
            if isinstance(sub, ast.Name) and sub.id not in self.previous_names:
                self.previous_names.append(sub.id)

    def _check_choice(
        self, node: ast.Call, inside_sum: bool, inside_peer: bool, depth: int
    ) -> None:
        """max(a, b, …), min(a, b, …), if(比较, 成立时, 否则): values, and one comparison first."""
        name = node.func.id  # type: ignore[attr-defined]
        args = node.args
        if node.keywords or any(isinstance(a, ast.Starred) for a in args):
            raise FormulaError(say("rules.formula.choice_plain", name=name))
        if CHOICE_FUNCTIONS[name] == "if":
            if len(args) != 3 or not isinstance(args[0], ast.Compare):
                raise FormulaError(say("rules.formula.if_form"))
            test = args[0]
            if len(test.ops) != 1 or type(test.ops[0]) not in _COMPARE:
                raise FormulaError(say("rules.formula.one_comparison"))
            values = [test.left, test.comparators[0], args[1], args[2]]
        else:
            if not 2 <= len(args) <= MAX_CHOICES:
                raise FormulaError(say("rules.formula.choice_count", name=name, most=MAX_CHOICES))
            values = list(args)
        for value in values:
            self._check(value, inside_sum, depth, inside_peer)

    def _finite(self, value: float, node: ast.AST) -> float:
        if not math.isfinite(value):
            shown = ast.get_source_segment(self._source, node) or ast.unparse(node)
            raise FormulaError(say("formula.out_of_range", shown=shown))
        return value

    def denominator_names(self) -> list[str]:
        """Column names that appear on the right of a division: a zero there leaves no rate."""
        found: list[str] = []
        for node in ast.walk(self._root):
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
                for sub in ast.walk(node.right):
                    if isinstance(sub, ast.Name) and sub.id not in found:
                        found.append(sub.id)
        return found

    def evaluate(
        self,
        column: Callable[[str], Any],
        group_sum: Callable[[Any], Any] | None = None,
        peer: Callable[[str, Any, str | None, str], Any] | None = None,
        prior: Callable[[str], Any] | None = None,
    ):
        """Evaluate with ``column(name)`` giving each name's values (a Series or number).

        ``group_sum`` turns row values into one value per district, for ``sum()``; ``peer(kind,
        values, grouping, text)`` gives each unit the mean (max, min, sum) over the units (of its
        group); ``text`` is the aggregated formula as written, for explanations.
        """

        def walk(node: ast.AST):
            if isinstance(node, ast.Compare):
                return _COMPARE[type(node.ops[0])](walk(node.left), walk(node.comparators[0]))
            if isinstance(node, ast.BinOp):
                return _BINARY[type(node.op)](walk(node.left), walk(node.right))
            if isinstance(node, ast.UnaryOp):
                value = walk(node.operand)
                return -value if isinstance(node.op, ast.USub) else value
            if isinstance(node, ast.Constant) and _is_number(node.value):
                return float(node.value)
            if isinstance(node, ast.Name):
                return column(node.id)
            if isinstance(node, ast.Call) and node.func.id in PREVIOUS_FUNCTIONS:  # type: ignore[attr-defined]
                return previous(node.args[0])
            if isinstance(node, ast.Call) and node.func.id in CHOICE_FUNCTIONS:  # type: ignore[attr-defined]
                return _choose(CHOICE_FUNCTIONS[node.func.id], node.args, walk)  # type: ignore[attr-defined]
            if isinstance(node, ast.Call) and node.func.id in PEER_FUNCTIONS:  # type: ignore[attr-defined]
                if peer is None:
                    raise FormulaError(say("formula.peers_scoring_only"))
                grouping = node.args[1].id if len(node.args) == 2 else None  # type: ignore[attr-defined]
                kind = PEER_FUNCTIONS[node.func.id]  # type: ignore[attr-defined]
                return peer(kind, walk(node.args[0]), grouping, ast.unparse(node.args[0]))
            if isinstance(node, ast.Call):
                if group_sum is None:
                    raise FormulaError(say("formula.sum_district_only"))
                return group_sum(walk(node.args[0]))
            # unreachable: _check refused it
            raise FormulaError(say("formula.unsupported", kind=type(node).__name__))

        def previous(node: ast.AST):
            nonlocal column
            if prior is None:
                raise FormulaError(say("formula.previous_needs_data"))
            now, column = column, prior
            try:
                return walk(node)
            finally:
                column = now

        return walk(self._root)


def _choose(kind: str, args: list[ast.expr], walk: Callable[[ast.AST], Any]) -> Any:
    """max/min of values, a missing one (NaN) left out while another is known; if(): the
    comparison's result picks a side, and a comparison of a missing value gives no value."""
    import numpy as np  # here, not at the top: rules check parses formulas without numpy

    if kind == "if":
        test = args[0]
        assert isinstance(test, ast.Compare)  # _check_choice allowed nothing else
        left, right = walk(test.left), walk(test.comparators[0])
        with np.errstate(invalid="ignore"):
            held = _COMPARE[type(test.ops[0])](left, right)
        unknown = np.isnan(np.asarray(left, dtype=float)) | np.isnan(np.asarray(right, dtype=float))
        chosen = np.where(held, walk(args[1]), walk(args[2]))
        return np.where(unknown, np.nan, chosen)
    pick = np.fmax if kind == "max" else np.fmin  # NaN-ignoring: 二者择其一
    result = walk(args[0])
    for arg in args[1:]:
        result = pick(result, walk(arg))
    return result


@lru_cache(maxsize=512)
def parse_formula(text: str) -> Formula:
    return Formula(text)
