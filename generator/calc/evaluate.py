"""Evaluating a parsed expression: a walk over its whitelisted tree with bounded exponents
and finite results, never Python's `eval`; and the expression with numbers substituted,
for the step-by-step derivation."""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping

from generator.calc.expression import (
    COMPARE_OPS,
    MAX_EXPONENT,
    Expression,
    FormulaError,
    column_of,
    variable_nodes,
)
from generator.calc.numbers import format_number
from generator.calc.statistics import norm_cdf, norm_pdf, norm_ppf


def _finite(value: float, node: ast.AST, what: str = "result") -> float:
    if not math.isfinite(value):
        raise FormulaError(f"{what} is too large (overflow)", column_of(node))
    return value


def _number(value: float | bool) -> float:
    return float(value)


def _power(base: float, exponent: float, node: ast.AST) -> float:
    if abs(exponent) > MAX_EXPONENT:
        raise FormulaError(
            f"exponent {format_number(exponent)} is too large (limit {format_number(MAX_EXPONENT)})",
            column_of(node),
        )
    if base == 0 and exponent < 0:
        raise FormulaError("division by zero (0 to a negative power)", column_of(node))
    if base < 0 and exponent != int(exponent):
        raise FormulaError("a negative number to a fractional power is not a real number", column_of(node))
    try:
        return _finite(math.pow(base, exponent), node)
    except OverflowError:
        raise FormulaError("result is too large (overflow)", column_of(node)) from None


def _call(name: str, args: list[float], node: ast.AST) -> float:
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
            raise FormulaError(f"sqrt of a negative number ({format_number(x)})", column)
        return math.sqrt(x)
    if name == "log":
        if x <= 0:
            raise FormulaError(f"log needs a positive number, got {format_number(x)}", column)
        return math.log(x)
    if name == "exp":
        if x > 709.0:
            raise FormulaError(f"exp({format_number(x)}) is too large (overflow)", column)
        return math.exp(x)
    if name == "cdf":
        return norm_cdf(x)
    if name == "pdf":
        return norm_pdf(x)
    if name == "ppf":
        if not 0.0 < x < 1.0:
            raise FormulaError(f"ppf needs a probability strictly between 0 and 1, got {format_number(x)}", column)
        return norm_ppf(x)
    raise FormulaError(f"unknown function '{name}'", column)  # unreachable after parse


def eval_node(node: ast.AST, values: Mapping[str, float]) -> float | bool:
    """Evaluate a whitelisted node; depth is bounded by parse, so recursion is safe."""
    if isinstance(node, ast.Constant):
        return float(node.value)  # type: ignore[arg-type]  # parse admits only numeric constants
    if isinstance(node, ast.Name):
        if node.id not in values:
            raise FormulaError(f"no value given for '{node.id}'", column_of(node))
        value = values[node.id]
        if isinstance(value, bool):
            return value
        if not isinstance(value, (int, float)):
            raise FormulaError(f"'{node.id}' must be a number, got {value!r}", column_of(node))
        number = float(value)
        if not math.isfinite(number):
            raise FormulaError(f"'{node.id}' must be a finite number", column_of(node))
        return number
    if isinstance(node, ast.UnaryOp):
        operand = eval_node(node.operand, values)
        if isinstance(node.op, ast.Not):
            return not operand
        return -_number(operand) if isinstance(node.op, ast.USub) else _number(operand)
    if isinstance(node, ast.BinOp):
        left = _number(eval_node(node.left, values))
        right = _number(eval_node(node.right, values))
        if isinstance(node.op, ast.Add):
            return _finite(left + right, node)
        if isinstance(node.op, ast.Sub):
            return _finite(left - right, node)
        if isinstance(node.op, ast.Mult):
            return _finite(left * right, node)
        if isinstance(node.op, ast.Div):
            if right == 0:
                raise FormulaError("division by zero", column_of(node))
            return _finite(left / right, node)
        return _power(left, right, node)
    if isinstance(node, ast.Compare):
        left = _number(eval_node(node.left, values))
        for op, comparator in zip(node.ops, node.comparators):
            right = _number(eval_node(comparator, values))
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
        args = [_number(eval_node(arg, values)) for arg in node.args]
        return _finite(_call(node.func.id, args, node), node)
    raise FormulaError(f"{type(node).__name__} is not allowed in a formula", column_of(node))


def evaluate(expr: Expression, values: Mapping[str, float]) -> float | bool:
    """The value of `expr`; a bool when the expression is a comparison or and/or/not."""
    missing = sorted(expr.names - set(values))
    if missing:
        raise FormulaError(f"no value given for {', '.join(repr(n) for n in missing)}")
    return eval_node(expr._tree, values)


def substitute(expr: Expression, values: Mapping[str, float]) -> str:
    """The source with each variable replaced by its value, for a step-by-step display."""
    text = expr.source.replace("\n", " ").replace("\r", " ").replace("\t", " ")
    for name, node in expr._first.items():  # the missing value a breadth-first walk meets first
        if name not in values:
            raise FormulaError(f"no value given for '{name}'", column_of(node))
    spans: list[tuple[int, int, str]] = []
    for node in variable_nodes(expr._tree):
        value = values[node.id]
        shown = format_number(value) if isinstance(value, (int, float)) else str(value)
        if shown.startswith("-"):
            shown = f"({shown})"
        start = node.col_offset - 1  # undo the wrapping '(' added by parse
        spans.append((start, start + len(node.id), shown))
    for start, end, shown in sorted(spans, reverse=True):
        text = text[:start] + shown + text[end:]
    return " ".join(text.split())
