"""The arithmetic a rule file may write ("完成 / 目标任务"), parsed and evaluated without eval()."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from functools import lru_cache
from typing import Any

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_FUNCTIONS = {"sum"}
_COMPARE = {
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


class FormulaError(ValueError):
    """A formula uses something the rule language does not allow."""


class Formula:
    """A parsed formula: column names, numbers, + - * /, brackets, sum() for district items, and
    one comparison for review checks.

    The text is parsed with :mod:`ast` and every node is checked against a short whitelist;
    evaluation walks that tree itself, so a rule file can never run code.
    """

    def __init__(self, text: str):
        self.text = text
        try:
            tree = ast.parse(str(text).strip(), mode="eval")
        except SyntaxError as exc:
            raise FormulaError(f"语法错误 (syntax error at column {exc.offset})") from None
        self._root = tree.body
        self.names: list[str] = []
        self.aggregated = False
        self._outside_sum: list[str] = []
        # a comparison, for review checks ("完成 > 1.5 * 目标任务"), only as the whole formula
        self.comparison = isinstance(self._root, ast.Compare)
        if self.comparison:
            if len(self._root.ops) != 1 or type(self._root.ops[0]) not in _COMPARE:
                raise FormulaError("只能写一个比较 (one comparison only)")
            self._check(self._root.left, inside_sum=False)
            self._check(self._root.comparators[0], inside_sum=False)
        else:
            self._check(self._root, inside_sum=False)
        if self.aggregated and self._outside_sum:
            name = self._outside_sum[0]
            raise FormulaError(f"汇总公式中的“{name}”须写在 sum() 内 (wrap it in sum())")

    def _check(self, node: ast.AST, inside_sum: bool) -> None:
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            self._check(node.left, inside_sum)
            self._check(node.right, inside_sum)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            self._check(node.operand, inside_sum)
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
            pass
        elif isinstance(node, ast.Name):
            if node.id in _FUNCTIONS:
                raise FormulaError(f"{node.id} 需要括号 (use {node.id}(...))")
            if node.id not in self.names:
                self.names.append(node.id)
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
                raise FormulaError("sum() 不能嵌套 (sum() cannot be nested)")
            self.aggregated = True
            self._check(node.args[0], inside_sum=True)
        else:
            shown = ast.unparse(node)
            raise FormulaError(f"不允许“{shown}” (not allowed)")

    def denominator_names(self) -> list[str]:
        """Column names that appear on the right of a division: a zero there leaves no rate."""
        found: list[str] = []
        for node in ast.walk(self._root):
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
                for sub in ast.walk(node.right):
                    if isinstance(sub, ast.Name) and sub.id not in found:
                        found.append(sub.id)
        return found

    def evaluate(self, column: Callable[[str], Any], group_sum: Callable[[Any], Any] | None = None):
        """Evaluate with ``column(name)`` giving each name's values (a Series or number).

        ``group_sum`` turns row values into one value per district, for ``sum()``.
        """

        def walk(node: ast.AST):
            if isinstance(node, ast.Compare):
                return _COMPARE[type(node.ops[0])](walk(node.left), walk(node.comparators[0]))
            if isinstance(node, ast.BinOp):
                return _BINARY[type(node.op)](walk(node.left), walk(node.right))
            if isinstance(node, ast.UnaryOp):
                value = walk(node.operand)
                return -value if isinstance(node.op, ast.USub) else value
            if isinstance(node, ast.Constant):
                return float(node.value)
            if isinstance(node, ast.Name):
                return column(node.id)
            if isinstance(node, ast.Call):
                if group_sum is None:
                    raise FormulaError("sum() 只能用于按地区汇总的项目 (district items only)")
                return group_sum(walk(node.args[0]))
            raise FormulaError(type(node).__name__)  # unreachable: _check refused it

        return walk(self._root)


@lru_cache(maxsize=512)
def parse_formula(text: str) -> Formula:
    return Formula(text)
