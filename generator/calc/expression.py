"""What the expression language is made of: its limits, its functions, a parsed
`Expression`, the `FormulaError` every stage of it raises, and walks over a parsed tree.
`parse` makes an `Expression`; `evaluate` reads one."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_LENGTH = 2000
MAX_BRACKET_DEPTH = 50
MAX_TREE_DEPTH = 200
MAX_EXPONENT = 10000.0
FUNCTIONS: tuple[str, ...] = ("min", "max", "abs", "sqrt", "log", "exp", "cdf", "pdf", "ppf")
# Calculator programs (not entries) also work on lists of numbers: a scenario's losses, a
# fund's period returns, the positions of a cascade. Arithmetic on lists is elementwise.
LIST_FUNCTIONS: tuple[str, ...] = (
    "sum",
    "len",
    "floor",
    "last",
    "largest",
    "mean_largest",
    "path",
    "cascade_prices",
    "cascade_volumes",
)


class FormulaError(ValueError):
    """A formula that does not parse or cannot be evaluated, with where (1-based column)."""

    def __init__(self, message: str, column: int | None = None, code: str = "formula") -> None:
        super().__init__(message if column is None else f"{message} (column {column})")
        self.message = message
        self.column = column
        # What kind of failure, the same in the browser's evaluator: div_zero, overflow,
        # domain, exponent, length, type, missing (or formula for parse problems).
        self.code = code


@dataclass(frozen=True)
class Expression:
    """A parsed, whitelisted expression: its source, the variable names it uses, its tree."""

    source: str
    names: frozenset[str]
    _tree: ast.expr = field(repr=False, compare=False)
    # Each name's first Name node in the order parse checks them (breadth first), so that
    # `restrict` can refuse an undeclared name exactly as parse would.
    _first: Mapping[str, ast.Name] = field(repr=False, compare=False)


COMPARE_OPS: dict[type[ast.cmpop], Callable[[float, float], bool]] = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}


def column_of(node: ast.AST) -> int | None:
    """1-based column in the author's text (the parsed text has one extra leading '(')."""
    offset = getattr(node, "col_offset", None)
    return None if offset is None else max(offset, 1)


def operands(node: Any) -> Sequence[ast.expr]:  # an ast.expr, read by its exact type below
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


def variable_nodes(tree: ast.expr) -> Iterator[ast.Name]:
    """Every Name node of a whitelisted tree that reads a variable, in no particular order."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if type(node) is ast.Name:
            yield node
        else:
            stack.extend(operands(node))
