"""Evaluating a parsed expression: a walk over its whitelisted tree with bounded exponents
and finite results, never Python's `eval`; and the expression with numbers substituted,
for the step-by-step derivation.

Values are numbers, booleans and (in calculator programs) lists of numbers; arithmetic and
the one-argument functions apply elementwise to lists. The browser runs the same trees
through `calc-evaluate.js`, which mirrors this module rule for rule and error for error; a
differential test in chromium holds the two to the same results.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from typing import Any

from generator.calc.expression import (
    COMPARE_OPS,
    MAX_EXPONENT,
    Expression,
    FormulaError,
    column_of,
    variable_nodes,
)
from generator.calc.lists import LIST_CALLS
from generator.calc.numbers import format_number, show_value
from generator.calc.statistics import norm_cdf, norm_pdf, norm_ppf

Value = Any  # float | bool | list[float]


def _finite(value: float, node: ast.AST, what: str = "result") -> float:
    if not math.isfinite(value):
        raise FormulaError(f"{what} is too large (overflow)", column_of(node), "overflow")
    return value


def _number(value: Value, node: ast.AST) -> float:
    if isinstance(value, list):
        raise FormulaError("a list is not allowed here; a single number is needed", column_of(node), "type")
    return float(value)


def _power(base: float, exponent: float, node: ast.AST) -> float:
    if abs(exponent) > MAX_EXPONENT:
        raise FormulaError(
            f"exponent {format_number(exponent)} is too large (limit {format_number(MAX_EXPONENT)})",
            column_of(node),
            "exponent",
        )
    if base == 0 and exponent < 0:
        raise FormulaError("division by zero (0 to a negative power)", column_of(node), "div_zero")
    if base < 0 and exponent != int(exponent):
        raise FormulaError("a negative number to a fractional power is not a real number", column_of(node), "domain")
    try:
        return _finite(math.pow(base, exponent), node)
    except OverflowError:
        raise FormulaError("result is too large (overflow)", column_of(node), "overflow") from None


def _arith(op: type[ast.operator], left: float, right: float, node: ast.AST) -> float:
    if op is ast.Add:
        return _finite(left + right, node)
    if op is ast.Sub:
        return _finite(left - right, node)
    if op is ast.Mult:
        return _finite(left * right, node)
    if op is ast.Div:
        if right == 0:
            raise FormulaError("division by zero", column_of(node), "div_zero")
        return _finite(left / right, node)
    return _power(left, right, node)


def broadcast(values: list[Value], node: ast.AST) -> list[list[float]]:
    """Lists of equal length, numbers (and one-element lists) repeated to that length."""
    lengths = {len(v) for v in values if isinstance(v, list) and len(v) != 1}
    if len(lengths) > 1:
        shown = " and ".join(str(n) for n in sorted(lengths))
        raise FormulaError(f"lists of different lengths ({shown})", column_of(node), "length")
    size = lengths.pop() if lengths else 1
    return [
        [float(x) for x in v] * (size if len(v) == 1 else 1) if isinstance(v, list) else [float(v)] * size
        for v in values
    ]


def _scalar_call(name: str, args: list[float], node: ast.AST) -> float:
    column = column_of(node)
    if name == "min":
        return min(args)
    if name == "max":
        return max(args)
    (x,) = args
    if name == "abs":
        return abs(x)
    if name == "sqrt":
        if x < 0:
            raise FormulaError(f"sqrt of a negative number ({format_number(x)})", column, "domain")
        return math.sqrt(x)
    if name == "log":
        if x <= 0:
            raise FormulaError(f"log needs a positive number, got {format_number(x)}", column, "domain")
        return math.log(x)
    if name == "exp":
        if x > 709.0:
            raise FormulaError(f"exp({format_number(x)}) is too large (overflow)", column, "overflow")
        return math.exp(x)
    if name == "floor":
        return float(math.floor(x))
    if name == "cdf":
        return norm_cdf(x)
    if name == "pdf":
        return norm_pdf(x)
    if name == "ppf":
        if not 0.0 < x < 1.0:
            raise FormulaError(
                f"ppf needs a probability strictly between 0 and 1, got {format_number(x)}", column, "domain"
            )
        return norm_ppf(x)
    raise FormulaError(f"unknown function '{name}'", column)  # unreachable after parse


def _call(name: str, args: list[Value], node: ast.AST) -> Value:
    if name in LIST_CALLS:
        return LIST_CALLS[name](args, node)
    if not any(isinstance(a, list) for a in args):
        return _finite(_scalar_call(name, [float(a) for a in args], node), node)
    if name in ("min", "max") and len(args) == 1:
        items = args[0]
        if not items:
            raise FormulaError(f"{name}() of an empty list", column_of(node), "domain")
        return min(items) if name == "min" else max(items)
    return [_finite(_scalar_call(name, list(row), node), node) for row in zip(*broadcast(args, node))]


def eval_node(node: ast.AST, values: Mapping[str, Value]) -> Value:
    """Evaluate a whitelisted node; depth is bounded by parse, so recursion is safe."""
    if isinstance(node, ast.Constant):
        return float(node.value)  # type: ignore[arg-type]  # parse admits only numeric constants
    if isinstance(node, ast.Name):
        if node.id not in values:
            raise FormulaError(f"no value given for '{node.id}'", column_of(node), "missing")
        value = values[node.id]
        if isinstance(value, bool):
            return value
        if isinstance(value, list):
            return [_name_number(node, item) for item in value]
        return _name_number(node, value)
    if isinstance(node, ast.UnaryOp):
        operand = eval_node(node.operand, values)
        if isinstance(node.op, ast.Not):
            return not operand
        if isinstance(operand, list):
            return [-x for x in operand] if isinstance(node.op, ast.USub) else list(operand)
        return -float(operand) if isinstance(node.op, ast.USub) else float(operand)
    if isinstance(node, ast.BinOp):
        left = eval_node(node.left, values)
        right = eval_node(node.right, values)
        operator = type(node.op)
        if isinstance(left, list) or isinstance(right, list):
            return [_arith(operator, a, b, node) for a, b in zip(*broadcast([left, right], node))]
        return _arith(operator, float(left), float(right), node)
    if isinstance(node, ast.Compare):
        left = _number(eval_node(node.left, values), node)
        for op, comparator in zip(node.ops, node.comparators):
            right = _number(eval_node(comparator, values), node)
            if not COMPARE_OPS[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            return all(bool(eval_node(value, values)) for value in node.values)
        return any(bool(eval_node(value, values)) for value in node.values)
    if isinstance(node, ast.IfExp):
        return eval_node(node.body if eval_node(node.test, values) else node.orelse, values)
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        return _call(node.func.id, [eval_node(arg, values) for arg in node.args], node)
    raise FormulaError(f"{type(node).__name__} is not allowed in a formula", column_of(node))


def _name_number(node: ast.Name, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FormulaError(f"'{node.id}' must be a number, got {value!r}", column_of(node), "type")
    number = float(value)
    if not math.isfinite(number):
        raise FormulaError(f"'{node.id}' must be a finite number", column_of(node), "type")
    return number


def evaluate(expr: Expression, values: Mapping[str, Value]) -> Value:
    """The value of `expr`; a bool when the expression is a comparison or and/or/not."""
    missing = sorted(expr.names - set(values))
    if missing:
        raise FormulaError(f"no value given for {', '.join(repr(n) for n in missing)}", code="missing")
    return eval_node(expr._tree, values)


def substitution_spans(expr: Expression) -> list[tuple[int, int, str]]:
    """Where each variable sits in the one-line source, for substituting values into it."""
    return sorted(
        (node.col_offset - 1, node.col_offset - 1 + len(node.id), node.id) for node in variable_nodes(expr._tree)
    )


def one_line(source: str) -> str:
    return source.replace("\n", " ").replace("\r", " ").replace("\t", " ")


def substitute(expr: Expression, values: Mapping[str, Value]) -> str:
    """The source with each variable replaced by its value, for a step-by-step display."""
    for name, node in expr._first.items():  # the missing value a breadth-first walk meets first
        if name not in values:
            raise FormulaError(f"no value given for '{name}'", column_of(node), "missing")
    text = one_line(expr.source)
    for start, end, name in reversed(substitution_spans(expr)):
        text = text[:start] + show_value(values[name], parenthesise=True) + text[end:]
    return " ".join(text.split())
