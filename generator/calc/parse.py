"""The safe expression language that formulas and worked examples are written in.

Authors write `expr: '(entry - margin / qty) / (1 - mmr)'`; the build must evaluate that
text without ever handing it to Python's `eval`. The text is checked cheaply first
(length, characters, bracket depth), then parsed with `ast.parse` and accepted only if
every node is on a short whitelist; evaluation walks that tree with bounded exponents and
finite results. Hostile input fails in the pre-checks or the whitelist, in microseconds.
"""

from __future__ import annotations

import ast
import math
import warnings
from collections.abc import Iterable
from typing import Any, NoReturn

from generator.calc.evaluate import eval_node
from generator.calc.expression import (
    COMPARE_OPS,
    FUNCTIONS,
    MAX_BRACKET_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_TREE_DEPTH,
    Expression,
    FormulaError,
    column_of,
    operands,
    variable_nodes,
)
from generator.calc.lists import ARITY as LIST_ARITY
from generator.calc.numbers import format_number
from generator.suggest import did_you_mean_clause

# Python's tokenizer warns about some text it still accepts (`3if x else 2`: "invalid decimal
# literal") by printing to standard error: a formula's text is parsed under a name of its own,
# whose warnings nobody wants to see (a real problem is a FormulaError with its column).
_SOURCE_NAME = "<formula>"
warnings.filterwarnings("ignore", category=SyntaxWarning, module=_SOURCE_NAME)

_ALLOWED_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ .,+-*/()<>=!")
_BINARY_OPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
}
_FORBIDDEN_OPS: dict[type[ast.AST], str] = {
    ast.Mod: "'%' is not allowed",
    ast.FloorDiv: "'//' is not allowed; use / and a function such as min or max",
    ast.BitXor: "'^' is not allowed; use ** for powers",
    ast.BitAnd: "'&' is not allowed; use 'and'",
    ast.BitOr: "'|' is not allowed; use 'or'",
    ast.LShift: "'<<' is not allowed",
    ast.RShift: "'>>' is not allowed",
    ast.MatMult: "'@' is not allowed",
    ast.Invert: "'~' is not allowed; use 'not'",
}
_ARITY: dict[str, tuple[int, int]] = {name: (1, 1) for name in FUNCTIONS}
_ARITY["min"] = (1, 32)
_ARITY["max"] = (1, 32)
# Calculator programs may also call the list functions.
_CALC_ARITY: dict[str, tuple[int, int]] = {**_ARITY, **LIST_ARITY}
_NODE_NAMES: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access ('.') is not allowed",
    ast.Subscript: "indexing with [] is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.NamedExpr: "':=' is not allowed",
    ast.Tuple: "tuples (a comma outside a function call) are not allowed",
    ast.List: "lists are not allowed",
    ast.Dict: "dictionaries are not allowed",
    ast.Set: "sets are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.Starred: "'*' unpacking is not allowed",
    ast.JoinedStr: "strings are not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.Slice: "slices are not allowed",
}
# Deleting every allowed character but the brackets leaves the brackets and any stranger.
_ALL_BUT_BRACKETS = str.maketrans(dict.fromkeys(_ALLOWED_CHARS - {"(", ")"}))


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
    if _brackets_balance(text.translate(_ALL_BUT_BRACKETS)):
        return text  # the usual case, decided in C but for a few brackets
    # Something is wrong: report the first problem from the left, with its column.
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


def _brackets_balance(rest: str) -> bool:
    """Whether `rest` is only brackets, each ')' closing an earlier '(', none deeper than allowed."""
    depth = 0
    for char in rest:
        if char == "(":
            depth += 1
            if depth > MAX_BRACKET_DEPTH:
                return False
        elif char == ")":
            depth -= 1
            if depth < 0:
                return False
        else:
            return False
    return depth == 0


def _too_deep(tree: ast.AST) -> FormulaError | None:
    """The error for a tree deeper than MAX_TREE_DEPTH, found without recursing (e.g. '- - - ... 1')."""
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            return FormulaError(f"expression is nested more than {MAX_TREE_DEPTH} levels deep", column_of(node))
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return None


def _check_name(node: ast.Name, variables: frozenset[str] | None) -> None:
    column = column_of(node)
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


def _check_constant(node: ast.Constant) -> None:
    column = column_of(node)
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


def _check_call(node: ast.Call, arities: dict[str, tuple[int, int]]) -> None:
    column = column_of(node)
    if not isinstance(node.func, ast.Name):
        raise FormulaError("only the listed functions can be called", column)
    name = node.func.id
    if name not in arities:
        raise FormulaError(
            f"unknown function '{name}'{did_you_mean_clause(name, arities)} (available: {', '.join(arities)})",
            column,
        )
    if node.keywords:
        raise FormulaError(f"{name}() takes no keyword arguments", column)
    low, high = arities[name]
    if not low <= len(node.args) <= high:
        wanted = "1 argument" if (low, high) == (1, 1) else f"{low} to {high} arguments"
        raise FormulaError(f"{name}() takes {wanted}, got {len(node.args)}", column)


def _refuse_operator(node: ast.BinOp | ast.UnaryOp) -> NoReturn:
    raise FormulaError(_FORBIDDEN_OPS.get(type(node.op), "operator is not allowed"), column_of(node))


_UNARY_OPS = frozenset({ast.USub, ast.UAdd, ast.Not})


def _whitelist(
    module: ast.Expression, variables: frozenset[str] | None, arities: dict[str, tuple[int, int]]
) -> tuple[dict[str, ast.Name], list[ast.BinOp]]:
    """Check the whole tree in one pass: each name's first Name node, and the powers, in order.

    The pass goes breadth first, level by level (the order of `ast.walk`), so that of
    several refusals the same one is reported as always, and a tree deeper than
    MAX_TREE_DEPTH is reported before any refusal. Only expression children are queued:
    operator and context nodes are always allowed, and a call's function name is
    checked with the call. Fields are read directly; `ast.iter_child_nodes` costs more.
    """
    first: dict[str, ast.Name] = {}
    powers: list[ast.BinOp] = []
    level: list[ast.expr] = [module.body]
    depth = 2  # the body's depth, counting the ast.Expression around it as 1 (as _too_deep does)
    while level:
        if depth == MAX_TREE_DEPTH - 1:
            # A tree too deep has a node with grandchildren here (operator, context and
            # function-name nodes have none), so checking it once here suffices.
            deep = _too_deep(module)
            if deep is not None:
                raise deep
        below: list[ast.expr] = []
        try:
            node: Any
            for node in level:
                kind = type(node)
                if kind is ast.Name:
                    if node.id not in first:  # a name already seen passed already
                        _check_name(node, variables)
                        first[node.id] = node
                    continue
                if kind is ast.Constant:
                    value = node.value
                    if not ((type(value) is float or type(value) is int) and -1e308 < value < 1e308):
                        _check_constant(node)  # refuses it with the reason, or accepts a rarer number
                    continue
                if kind is ast.BinOp:
                    operator = type(node.op)
                    if operator not in _BINARY_OPS:
                        _refuse_operator(node)
                    if operator is ast.Pow:
                        powers.append(node)
                elif kind is ast.Call:
                    func = node.func
                    arity = arities.get(func.id) if type(func) is ast.Name else None
                    if arity is None or node.keywords or not arity[0] <= len(node.args) <= arity[1]:
                        _check_call(node, arities)
                elif kind is ast.UnaryOp:
                    if type(node.op) not in _UNARY_OPS:
                        _refuse_operator(node)
                elif kind is ast.Compare:
                    for op in node.ops:
                        if type(op) not in COMPARE_OPS:
                            raise FormulaError("only < <= > >= == != comparisons are allowed", column_of(node))
                elif kind is not ast.BoolOp and kind is not ast.IfExp:
                    message = _NODE_NAMES.get(kind, f"{kind.__name__} is not allowed in a formula")
                    raise FormulaError(message, column_of(node))
                below.extend(operands(node))
        except FormulaError:
            if depth < MAX_TREE_DEPTH - 1:
                deep = _too_deep(module)
                if deep is not None:
                    raise deep from None
            raise
        level = below
        depth += 1
    return first, powers


def parse(source: str, variables: Iterable[str] | None = None, lists: bool = False) -> Expression:
    """Parse `source` in the safe language; with `variables`, also reject any other name;
    with `lists`, also allow the list functions of calculator programs."""
    text = _precheck(source)
    try:
        # Wrapped in brackets so leading spaces and line breaks parse; columns shift by one.
        module = ast.parse(f"({text})", _SOURCE_NAME, mode="eval")
    except SyntaxError as error:
        message = error.msg or "invalid syntax"
        if message.startswith("invalid syntax"):
            message = "invalid syntax"
        column = None if error.offset is None else min(max(error.offset - 1, 1), len(text))
        raise FormulaError(message, column) from None
    except (RecursionError, MemoryError, ValueError, OverflowError):
        raise FormulaError("expression is too complex") from None
    arities = _CALC_ARITY if lists else _ARITY
    first, powers = _whitelist(module, None if variables is None else frozenset(variables), arities)
    if powers:
        _check_constant_exponents(powers)
    return Expression(source=source, names=frozenset(first), _tree=module.body, _first=first)


def restrict(expr: Expression, variables: Iterable[str]) -> Expression:
    """What `parse(expr.source, variables)` returns, without parsing the text again.

    `expr` (from `parse`, with any variables or none) passed every check that does not
    depend on the declared names, so the one refusal left is the first undeclared name
    in the order parse meets names, breadth first, which `expr` keeps.
    """
    allowed = frozenset(variables)
    if not expr.names <= allowed:
        for name, node in expr._first.items():
            if name not in allowed:
                _check_name(node, allowed)  # raises "unknown name ..." exactly as parse does
    return expr


def _uses_variables(node: ast.expr) -> bool:
    return next(variable_nodes(node), None) is not None


def _check_constant_exponents(powers: list[ast.BinOp]) -> None:
    """Fail at parse time for powers whose exponent is a constant out of bounds (9**9**9)."""
    for node in powers:  # breadth first, as the whitelist pass found them
        if not _uses_variables(node.right):
            if _uses_variables(node.left):
                exponent = float(eval_node(node.right, {}))
                if abs(exponent) > MAX_EXPONENT:
                    raise FormulaError(
                        f"exponent {format_number(exponent)} is too large (limit {format_number(MAX_EXPONENT)})",
                        column_of(node),
                    )
            else:
                eval_node(node, {})  # constant power: bounds and overflow are checked right now
