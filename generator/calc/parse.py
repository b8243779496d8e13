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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import NoReturn

from generator.suggest import did_you_mean_clause

MAX_LENGTH = 2000
MAX_BRACKET_DEPTH = 50
MAX_TREE_DEPTH = 200
MAX_EXPONENT = 10000.0

FUNCTIONS: tuple[str, ...] = ("min", "max", "abs", "sqrt", "log", "exp", "cdf", "pdf", "ppf")

_STANDARD_NORMAL = NormalDist()  # cdf via math.erf; inv_cdf is Wichura's AS241 (~1e-16)
_ALLOWED_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ .,+-*/()<>=!"
)


class FormulaError(ValueError):
    """A formula that does not parse or cannot be evaluated, with where (1-based column)."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message if column is None else f"{message} (column {column})")
        self.message = message
        self.column = column


def norm_cdf(x: float) -> float:
    """Standard normal cumulative distribution function."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def norm_pdf(x: float) -> float:
    """Standard normal density."""
    return math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def norm_ppf(p: float) -> float:
    """Inverse of the standard normal cdf (AS241 via the standard library); p in (0, 1)."""
    if not 0.0 < p < 1.0:
        raise FormulaError(f"ppf needs a probability strictly between 0 and 1, got {format_number(p)}")
    return _STANDARD_NORMAL.inv_cdf(p)


def format_number(value: float | int | bool) -> str:
    """A number as people read it in a derivation: integers plain, others to 10 digits."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"


@dataclass(frozen=True)
class Expression:
    """A parsed, whitelisted expression: its source, the variable names it uses, its tree."""

    source: str
    names: frozenset[str]
    _tree: ast.expr = field(repr=False, compare=False)
    # Each name's first Name node in the order parse checks them (breadth first), so that
    # `restrict` can refuse an undeclared name exactly as parse would.
    _first: Mapping[str, ast.Name] = field(repr=False, compare=False)


# --- parsing -----------------------------------------------------------------------------

_BINARY_OPS: dict[type[ast.operator], str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**",
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
_COMPARE_OPS: dict[type[ast.cmpop], Callable[[float, float], bool]] = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}
_ARITY: dict[str, tuple[int, int]] = {name: (1, 1) for name in FUNCTIONS}
_ARITY["min"] = (1, 32)
_ARITY["max"] = (1, 32)
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


def _column(node: ast.AST) -> int | None:
    """1-based column in the author's text (the parsed text has one extra leading '(')."""
    offset = getattr(node, "col_offset", None)
    return None if offset is None else max(offset, 1)


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
            return FormulaError(f"expression is nested more than {MAX_TREE_DEPTH} levels deep", _column(node))
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return None


def _check_name(node: ast.Name, variables: frozenset[str] | None) -> None:
    column = _column(node)
    if node.id.startswith("_"):
        raise FormulaError(f"name '{node.id}' is not allowed (names may not start with '_')", column)
    if node.id in FUNCTIONS:
        raise FormulaError(f"'{node.id}' is a function; call it as {node.id}(...)", column)
    if node.id in {"True", "False", "None"}:
        raise FormulaError(f"'{node.id}' is not allowed; only numbers", column)
    if variables is not None and node.id not in variables:
        allowed = ", ".join(sorted(variables)) or "none"
        raise FormulaError(f"unknown name '{node.id}'{did_you_mean_clause(node.id, variables)} (declared: {allowed})", column)


def _check_constant(node: ast.Constant) -> None:
    column = _column(node)
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


def _check_call(node: ast.Call) -> None:
    column = _column(node)
    if not isinstance(node.func, ast.Name):
        raise FormulaError("only the listed functions can be called", column)
    name = node.func.id
    if name not in FUNCTIONS:
        raise FormulaError(
            f"unknown function '{name}'{did_you_mean_clause(name, FUNCTIONS)} (available: {', '.join(FUNCTIONS)})", column
        )
    if node.keywords:
        raise FormulaError(f"{name}() takes no keyword arguments", column)
    low, high = _ARITY[name]
    if not low <= len(node.args) <= high:
        wanted = "1 argument" if (low, high) == (1, 1) else f"{low} to {high} arguments"
        raise FormulaError(f"{name}() takes {wanted}, got {len(node.args)}", column)


def _refuse_operator(node: ast.BinOp | ast.UnaryOp) -> NoReturn:
    raise FormulaError(_FORBIDDEN_OPS.get(type(node.op), "operator is not allowed"), _column(node))


_UNARY_OPS = frozenset({ast.USub, ast.UAdd, ast.Not})


def _whitelist(
    module: ast.Expression, variables: frozenset[str] | None
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
                    arity = _ARITY.get(func.id) if type(func) is ast.Name else None
                    if arity is None or node.keywords or not arity[0] <= len(node.args) <= arity[1]:
                        _check_call(node)
                elif kind is ast.UnaryOp:
                    if type(node.op) not in _UNARY_OPS:
                        _refuse_operator(node)
                elif kind is ast.Compare:
                    for op in node.ops:
                        if type(op) not in _COMPARE_OPS:
                            raise FormulaError("only < <= > >= == != comparisons are allowed", _column(node))
                elif kind is not ast.BoolOp and kind is not ast.IfExp:
                    message = _NODE_NAMES.get(kind, f"{kind.__name__} is not allowed in a formula")
                    raise FormulaError(message, _column(node))
                below.extend(_operands(node))
        except FormulaError:
            if depth < MAX_TREE_DEPTH - 1:
                deep = _too_deep(module)
                if deep is not None:
                    raise deep from None
            raise
        level = below
        depth += 1
    return first, powers


def parse(source: str, variables: Iterable[str] | None = None) -> Expression:
    """Parse `source` in the safe language; with `variables`, also reject any other name."""
    text = _precheck(source)
    try:
        # Wrapped in brackets so leading spaces and line breaks parse; columns shift by one.
        module = ast.parse(f"({text})", mode="eval")
    except SyntaxError as error:
        message = error.msg or "invalid syntax"
        if message.startswith("invalid syntax"):
            message = "invalid syntax"
        column = None if error.offset is None else min(max(error.offset - 1, 1), len(text))
        raise FormulaError(message, column) from None
    except (RecursionError, MemoryError, ValueError, OverflowError):
        raise FormulaError("expression is too complex") from None
    first, powers = _whitelist(module, None if variables is None else frozenset(variables))
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


def _operands(node: ast.expr) -> Sequence[ast.expr]:
    """The expression children of a whitelisted node; a call's function name is not one."""
    kind = type(node)
    if kind is ast.BinOp:
        return (node.left, node.right)
    if kind is ast.UnaryOp:
        return (node.operand,)
    if kind is ast.Call:
        return node.args
    if kind is ast.Compare:
        return (node.left, *node.comparators)
    if kind is ast.BoolOp:
        return node.values
    if kind is ast.IfExp:
        return (node.test, node.body, node.orelse)
    return ()


def _variable_nodes(tree: ast.expr) -> Iterator[ast.Name]:
    """Every Name node of a whitelisted tree that reads a variable, in no particular order."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if type(node) is ast.Name:
            yield node
        else:
            stack.extend(_operands(node))


def _uses_variables(node: ast.expr) -> bool:
    return next(_variable_nodes(node), None) is not None


def _check_constant_exponents(powers: list[ast.BinOp]) -> None:
    """Fail at parse time for powers whose exponent is a constant out of bounds (9**9**9)."""
    for node in powers:  # breadth first, as the whitelist pass found them
        if not _uses_variables(node.right):
            if _uses_variables(node.left):
                exponent = float(_eval(node.right, {}))
                if abs(exponent) > MAX_EXPONENT:
                    raise FormulaError(
                        f"exponent {format_number(exponent)} is too large (limit {format_number(MAX_EXPONENT)})",
                        _column(node),
                    )
            else:
                _eval(node, {})  # constant power: bounds and overflow are checked right now


# --- evaluation --------------------------------------------------------------------------

def _finite(value: float, node: ast.AST, what: str = "result") -> float:
    if not math.isfinite(value):
        raise FormulaError(f"{what} is too large (overflow)", _column(node))
    return value


def _number(value: float | bool) -> float:
    return float(value)


def _power(base: float, exponent: float, node: ast.AST) -> float:
    if abs(exponent) > MAX_EXPONENT:
        raise FormulaError(
            f"exponent {format_number(exponent)} is too large (limit {format_number(MAX_EXPONENT)})",
            _column(node),
        )
    if base == 0 and exponent < 0:
        raise FormulaError("division by zero (0 to a negative power)", _column(node))
    if base < 0 and exponent != int(exponent):
        raise FormulaError("a negative number to a fractional power is not a real number", _column(node))
    try:
        return _finite(math.pow(base, exponent), node)
    except OverflowError:
        raise FormulaError("result is too large (overflow)", _column(node)) from None


def _call(name: str, args: list[float], node: ast.AST) -> float:
    column = _column(node)
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


def _eval(node: ast.AST, values: Mapping[str, float]) -> float | bool:
    """Evaluate a whitelisted node; depth is bounded by parse, so recursion is safe."""
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id not in values:
            raise FormulaError(f"no value given for '{node.id}'", _column(node))
        value = values[node.id]
        if isinstance(value, bool):
            return value
        if not isinstance(value, (int, float)):
            raise FormulaError(f"'{node.id}' must be a number, got {value!r}", _column(node))
        number = float(value)
        if not math.isfinite(number):
            raise FormulaError(f"'{node.id}' must be a finite number", _column(node))
        return number
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, values)
        if isinstance(node.op, ast.Not):
            return not operand
        return -_number(operand) if isinstance(node.op, ast.USub) else _number(operand)
    if isinstance(node, ast.BinOp):
        left = _number(_eval(node.left, values))
        right = _number(_eval(node.right, values))
        if isinstance(node.op, ast.Add):
            return _finite(left + right, node)
        if isinstance(node.op, ast.Sub):
            return _finite(left - right, node)
        if isinstance(node.op, ast.Mult):
            return _finite(left * right, node)
        if isinstance(node.op, ast.Div):
            if right == 0:
                raise FormulaError("division by zero", _column(node))
            return _finite(left / right, node)
        return _power(left, right, node)
    if isinstance(node, ast.Compare):
        left = _number(_eval(node.left, values))
        for op, comparator in zip(node.ops, node.comparators):
            right = _number(_eval(comparator, values))
            if not _COMPARE_OPS[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            return all(bool(_eval(value, values)) for value in node.values)
        return any(bool(_eval(value, values)) for value in node.values)
    if isinstance(node, ast.IfExp):
        return _eval(node.body if _eval(node.test, values) else node.orelse, values)
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        args = [_number(_eval(arg, values)) for arg in node.args]
        return _finite(_call(node.func.id, args, node), node)
    raise FormulaError(f"{type(node).__name__} is not allowed in a formula", _column(node))


def evaluate(expr: Expression, values: Mapping[str, float]) -> float | bool:
    """The value of `expr`; a bool when the expression is a comparison or and/or/not."""
    missing = sorted(expr.names - set(values))
    if missing:
        raise FormulaError(f"no value given for {', '.join(repr(n) for n in missing)}")
    return _eval(expr._tree, values)


def substitute(expr: Expression, values: Mapping[str, float]) -> str:
    """The source with each variable replaced by its value, for a step-by-step display."""
    text = expr.source.replace("\n", " ").replace("\r", " ").replace("\t", " ")
    for name, node in expr._first.items():  # the missing value a breadth-first walk meets first
        if name not in values:
            raise FormulaError(f"no value given for '{name}'", _column(node))
    spans: list[tuple[int, int, str]] = []
    for node in _variable_nodes(expr._tree):
        value = values[node.id]
        shown = format_number(value) if isinstance(value, (int, float)) else str(value)
        if shown.startswith("-"):
            shown = f"({shown})"
        start = node.col_offset - 1  # undo the wrapping '(' added by parse
        spans.append((start, start + len(node.id), shown))
    for start, end, shown in sorted(spans, reverse=True):
        text = text[:start] + shown + text[end:]
    return " ".join(text.split())
