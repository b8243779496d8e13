"""The formula checker as it was before the single-pass rewrite, kept as a test oracle.

`generator.calc.parse.parse` now checks the tree in one breadth-first pass; this module is
the earlier, plainly correct version (three walks: depth, whitelist, constant powers),
and `substitute` as it was, copied verbatim apart from imports (and an empty `_first`
for the Expression, which only the new code reads). tests/calc/test_formula_oracle.py asserts
that both give the same names, or the same error message and column, for thousands of
expressions. Message tables, `_eval` and the helpers that were not rewritten are
shared, so a change to a message changes both.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterable, Mapping

from generator.calc.evaluate import eval_node as _eval
from generator.calc.expression import (
    COMPARE_OPS as _COMPARE_OPS,
)
from generator.calc.expression import (
    FUNCTIONS,
    MAX_BRACKET_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_TREE_DEPTH,
    Expression,
    FormulaError,
)
from generator.calc.expression import column_of as _column
from generator.calc.numbers import format_number
from generator.calc.parse import (
    _ALLOWED_CHARS,
    _ARITY,
    _BINARY_OPS,
    _FORBIDDEN_OPS,
    _NODE_NAMES,
)
from generator.suggest import did_you_mean_clause


def _precheck(source: str) -> str:
    """Cheap, linear checks that bound everything the parser will see."""
    if not isinstance(source, str):
        raise FormulaError(f"an expression must be text, got {type(source).__name__}")
    if len(source) > MAX_LENGTH:
        raise FormulaError(f"expression is {len(source)} characters long; the limit is {MAX_LENGTH}")
    # Newlines and tabs (from YAML block scalars) become spaces so columns stay put.
    text = source.replace("\n", " ").replace("\r", " ").replace("\t", " ")
    if not text.strip():
        raise FormulaError("expression is empty")
    depth = 0
    for index, char in enumerate(text):
        column = index + 1
        if char == "^":
            raise FormulaError("'^' is not an operator here; use ** for powers", column)
        if char in "'\"":
            raise FormulaError("strings are not allowed in a formula", column)
        if char == "%":
            raise FormulaError("'%' is not allowed; write the rate as a fraction (0.5% = 0.005)", column)
        if char in "[]{}":
            raise FormulaError(f"'{char}' is not allowed; use ( ) for grouping", column)
        if char not in _ALLOWED_CHARS:
            raise FormulaError(f"character {char!r} is not allowed in a formula", column)
        if char == "(":
            depth += 1
            if depth > MAX_BRACKET_DEPTH:
                raise FormulaError(f"brackets nested more than {MAX_BRACKET_DEPTH} deep", column)
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise FormulaError("')' without a matching '('", column)
    if depth:
        raise FormulaError(f"{depth} unclosed '('", text.rfind("(") + 1)
    return text


def _check_depth(tree: ast.AST) -> None:
    """Reject trees deeper than MAX_TREE_DEPTH without recursing (e.g. '- - - ... 1')."""
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise FormulaError(f"expression is nested more than {MAX_TREE_DEPTH} levels deep", _column(node))
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _check_node(node: ast.AST, variables: frozenset[str] | None, names: set[str]) -> None:
    """Whitelist one node (children are visited by the caller)."""
    column = _column(node)
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, (str, bytes)):
            raise FormulaError("strings are not allowed in a formula", column)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FormulaError(f"'{value!r}' is not allowed; only numbers", column)
        try:
            number = float(value)
        except OverflowError:
            raise FormulaError("number is too large", column) from None
        if not math.isfinite(number):
            raise FormulaError("number is too large", column)
        return
    if isinstance(node, ast.Name):
        if node.id.startswith("_"):
            raise FormulaError(f"name '{node.id}' is not allowed (names may not start with '_')", column)
        if node.id in FUNCTIONS:
            raise FormulaError(f"'{node.id}' is a function; call it as {node.id}(...)", column)
        if node.id in {"True", "False", "None"}:
            raise FormulaError(f"'{node.id}' is not allowed; only numbers", column)
        if variables is not None and node.id not in variables:
            allowed = ", ".join(sorted(variables)) or "none"
            raise FormulaError(
                f"unknown name '{node.id}'{did_you_mean_clause(node.id, variables)} (declared: {allowed})", column
            )
        names.add(node.id)
        return
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY_OPS:
            raise FormulaError(_FORBIDDEN_OPS.get(type(node.op), "operator is not allowed"), column)
        return
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
            raise FormulaError(_FORBIDDEN_OPS.get(type(node.op), "operator is not allowed"), column)
        return
    if isinstance(node, ast.Compare):
        for op in node.ops:
            if type(op) not in _COMPARE_OPS:
                raise FormulaError("only < <= > >= == != comparisons are allowed", column)
        return
    if isinstance(node, (ast.BoolOp, ast.IfExp)):
        return
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise FormulaError("only the listed functions can be called", column)
        name = node.func.id
        if name not in FUNCTIONS:
            raise FormulaError(
                f"unknown function '{name}'{did_you_mean_clause(name, FUNCTIONS)} (available: {', '.join(FUNCTIONS)})",
                column,
            )
        if node.keywords:
            raise FormulaError(f"{name}() takes no keyword arguments", column)
        low, high = _ARITY[name]
        if not low <= len(node.args) <= high:
            wanted = "1 argument" if (low, high) == (1, 1) else f"{low} to {high} arguments"
            raise FormulaError(f"{name}() takes {wanted}, got {len(node.args)}", column)
        return
    if isinstance(node, (ast.Expression, ast.Load, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)):
        return
    message = _NODE_NAMES.get(type(node), f"{type(node).__name__} is not allowed in a formula")
    raise FormulaError(message, column)


def parse(source: str, variables: Iterable[str] | None = None) -> Expression:
    """Parse `source` in the safe language; with `variables`, also reject any other name."""
    text = _precheck(source)
    try:
        # Wrapped in brackets so leading spaces and line breaks parse; columns shift by one.
        module = ast.parse(f"({text})", "<formula>", mode="eval")  # its warnings silenced by generator.calc.parse
    except SyntaxError as error:
        message = error.msg or "invalid syntax"
        if message.startswith("invalid syntax"):
            message = "invalid syntax"
        column = None if error.offset is None else min(max(error.offset - 1, 1), len(text))
        raise FormulaError(message, column) from None
    except (RecursionError, MemoryError, ValueError, OverflowError):
        raise FormulaError("expression is too complex") from None
    _check_depth(module)
    allowed = None if variables is None else frozenset(variables)
    names: set[str] = set()
    callees: set[int] = set()
    for node in ast.walk(module):  # breadth first: a Call is seen before its callee Name
        if id(node) in callees:
            continue
        if isinstance(node, ast.Call):
            callees.add(id(node.func))
        _check_node(node, allowed, names)
    tree = module.body
    _check_constant_exponents(tree)
    return Expression(source=source, names=frozenset(names), _tree=tree, _first={})


def _uses_variables(node: ast.AST) -> bool:
    callees = {id(n.func) for n in ast.walk(node) if isinstance(n, ast.Call)}
    return any(isinstance(n, ast.Name) and id(n) not in callees for n in ast.walk(node))


def _check_constant_exponents(tree: ast.expr) -> None:
    """Fail at parse time for powers whose exponent is a constant out of bounds (9**9**9)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) and not _uses_variables(node.right):
            if _uses_variables(node.left):
                exponent = float(_eval(node.right, {}))
                if abs(exponent) > MAX_EXPONENT:
                    raise FormulaError(
                        f"exponent {format_number(exponent)} is too large (limit {format_number(MAX_EXPONENT)})",
                        _column(node),
                    )
            else:
                _eval(node, {})  # constant power: bounds and overflow are checked right now


def substitute(expr: Expression, values: Mapping[str, float]) -> str:
    """The source with each variable replaced by its value, for a step-by-step display."""
    text = expr.source.replace("\n", " ").replace("\r", " ").replace("\t", " ")
    spans: list[tuple[int, int, str]] = []
    for node in ast.walk(expr._tree):
        if isinstance(node, ast.Name) and node.id in expr.names and node.id not in FUNCTIONS:
            if node.id not in values:
                raise FormulaError(f"no value given for '{node.id}'", _column(node))
            value = values[node.id]
            shown = format_number(value) if isinstance(value, (int, float)) else str(value)
            if shown.startswith("-"):
                shown = f"({shown})"
            start = node.col_offset - 1  # undo the wrapping '(' added by parse
            spans.append((start, start + len(node.id), shown))
    for start, end, shown in sorted(spans, reverse=True):
        text = text[:start] + shown + text[end:]
    return " ".join(text.split())
