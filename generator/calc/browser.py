"""Calculators and formulas as JSON for the reader's browser (`calc-engine.js`).

Nothing here computes: it hands the browser the same parsed trees, programs, inputs and
messages that Python runs, so one definition serves `glossary calc`, the build's worked
examples and the pages' forms. A tree is nested arrays:

    ["n", 1.5]                      number          ["v", "qty", col]        variable
    ["+", a, b, col] (- * / **)     arithmetic      ["neg", a] ["pos", a] ["not", a]
    ["cmp", ["<", ...], [a, b, ...], col]           ["and", [a, ...]] ["or", [a, ...]]
    ["if", test, body, orelse]      conditional     ["call", "sqrt", [a, ...], col]
"""

from __future__ import annotations

import ast
from typing import Any

from generator.calc.calculators import CALCULATORS, Calculator
from generator.calc.definition import REQUIRED, Param
from generator.calc.evaluate import one_line, substitution_spans
from generator.calc.expression import Expression, column_of
from generator.calc.program import Fail, Let

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_UNARY = {ast.USub: "neg", ast.UAdd: "pos", ast.Not: "not"}
_COMPARE = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}


def tree(node: Any) -> list[Any]:
    """A whitelisted expression node as nested arrays (see the module docstring)."""
    kind = type(node)
    if kind is ast.Constant:
        return ["n", float(node.value)]
    if kind is ast.Name:
        return ["v", node.id, column_of(node)]
    if kind is ast.BinOp:
        return [_BINARY[type(node.op)], tree(node.left), tree(node.right), column_of(node)]
    if kind is ast.UnaryOp:
        return [_UNARY[type(node.op)], tree(node.operand)]
    if kind is ast.Compare:
        return [
            "cmp",
            [_COMPARE[type(op)] for op in node.ops],
            [tree(node.left), *(tree(c) for c in node.comparators)],
            column_of(node),
        ]
    if kind is ast.BoolOp:
        return ["and" if isinstance(node.op, ast.And) else "or", [tree(v) for v in node.values]]
    if kind is ast.IfExp:
        return ["if", tree(node.test), tree(node.body), tree(node.orelse)]
    if kind is ast.Call:
        return ["call", node.func.id, [tree(a) for a in node.args], column_of(node)]
    raise TypeError(f"not a whitelisted node: {kind.__name__}")  # parse refused it already


def expression_json(expr: Expression) -> dict[str, Any]:
    """An expression's tree and what substituting values into its text needs."""
    return {"tree": tree(expr._tree), "text": one_line(expr.source), "spans": substitution_spans(expr)}


def _param_json(param: Param) -> dict[str, Any]:
    return {
        "name": param.name,
        "kind": param.kind,
        "unit": param.unit,
        "description": param.description,
        "required": param.default is REQUIRED,
        "default": None if param.default is REQUIRED else param.default,
        "choices": list(param.choices),
        "numbers": list(param.numbers),
        "minimum": param.minimum,
        "maximum": param.maximum,
        "exclusiveMinimum": param.exclusive_minimum,
        "exclusiveMaximum": param.exclusive_maximum,
        "allowed": param.allowed,
    }


def _statement_json(statement: Let | Fail) -> dict[str, Any]:
    if isinstance(statement, Fail):
        return {"fail": tree(statement.test._tree), "code": statement.code, "message": statement.message}
    return {
        "let": statement.name,
        "expr": expression_json(statement.expr),
        "formula": statement.formula,
        "label": statement.label,
        "latex": statement.latex,
        "unit": statement.unit,
        "when": None if statement.when is None else tree(statement.when._tree),
    }


def calculator_json(calc: Calculator) -> dict[str, Any]:
    return {
        "name": calc.name,
        "title": calc.title,
        "summary": calc.summary,
        "params": [_param_json(p) for p in calc.params],
        "outputs": [
            {
                "name": o.name,
                "unit": o.unit,
                "description": o.description,
                "noneWhen": None if o.none_when is None else tree(o.none_when._tree),
            }
            for o in calc.outputs
        ],
        "oneOf": list(calc.one_of),
        "program": [_statement_json(s) for s in calc.program],
        "example": calc.example,
    }


def calculators_json() -> dict[str, Any]:
    """Every calculator, by name: the file the pages' forms load."""
    return {"calculators": {name: calculator_json(calc) for name, calc in CALCULATORS.items()}}
