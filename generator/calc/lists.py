"""The list functions of calculator programs: sums, order statistics, a compounding path
and the rounds of a liquidation cascade. Each takes evaluated arguments and the call's
node (for the column in an error); `calc-evaluate.js` implements the same, rule for rule."""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from typing import Any

from generator.calc.expression import FormulaError, column_of


def _finite(value: float, node: ast.AST) -> float:
    if not math.isfinite(value):
        raise FormulaError("result is too large (overflow)", column_of(node), "overflow")
    return value


def _list(value: Any, name: str, node: ast.AST) -> list[float]:
    if isinstance(value, list):
        return [float(x) for x in value]
    if isinstance(value, bool):
        raise FormulaError(f"{name}() needs numbers", column_of(node), "type")
    return [float(value)]


def _count(value: Any, name: str, node: ast.AST) -> int:
    if isinstance(value, list) or isinstance(value, bool):
        raise FormulaError(f"{name}() needs a whole number as its count", column_of(node), "type")
    if value != math.floor(value):
        raise FormulaError(f"{name}() needs a whole number as its count", column_of(node), "type")
    return int(value)


def _sum(args: list[Any], node: ast.AST) -> float:
    total = 0.0
    for x in _list(args[0], "sum", node):
        total += x
    return _finite(total, node)


def _len(args: list[Any], node: ast.AST) -> float:
    return float(len(_list(args[0], "len", node)))


def _last(args: list[Any], node: ast.AST) -> float:
    return _list(args[0], "last", node)[-1]


def _ranked(args: list[Any], name: str, node: ast.AST) -> tuple[list[float], int]:
    items = sorted(_list(args[0], name, node), reverse=True)
    k = _count(args[1], name, node)
    if not 1 <= k <= len(items):
        raise FormulaError(f"{name}() needs a count from 1 to {len(items)}, got {k}", column_of(node), "domain")
    return items, k


def _largest(args: list[Any], node: ast.AST) -> float:
    """The k-th largest value (1 = the largest)."""
    items, k = _ranked(args, "largest", node)
    return items[k - 1]


def _mean_largest(args: list[Any], node: ast.AST) -> float:
    """The mean of the k largest values, summed largest first."""
    items, k = _ranked(args, "mean_largest", node)
    total = 0.0
    for x in items[:k]:
        total += x
    return total / k


def _path(args: list[Any], node: ast.AST) -> list[float]:
    """[start, start*f1, (start*f1)*f2, ...]: a value compounding by each period's factor."""
    value = float(args[0]) if not isinstance(args[0], list) else math.nan
    if math.isnan(value):
        raise FormulaError("path() needs a single starting number", column_of(node), "type")
    out = [value]
    for factor in _list(args[1], "path", node):
        value = _finite(value * factor, node)
        out.append(value)
    return out


def _cascade(args: list[Any], node: ast.AST) -> tuple[list[float], list[float]]:
    """Rounds of forced closing: each round closes every open position whose liquidation
    price has been crossed and moves the price by impact x their notional (down for longs,
    side 1; up for shorts, side -1), never below zero. Round 0 is the shocked price."""
    if any(isinstance(a, list) for a in (args[0], args[1], args[4], args[5])):
        raise FormulaError("cascade needs single numbers for price, impact, side and rounds", column_of(node), "type")
    price, impact, side = float(args[0]), float(args[1]), float(args[4])
    levels = _list(args[2], "cascade", node)
    sizes = _list(args[3], "cascade", node)
    if len(levels) != len(sizes):
        raise FormulaError(f"lists of different lengths ({len(levels)} and {len(sizes)})", column_of(node), "length")
    rounds = _count(args[5], "cascade", node)
    prices, volumes = [price], [0.0]
    alive = list(range(len(levels)))
    for _ in range(rounds):
        hit = [i for i in alive if (levels[i] >= price if side > 0 else levels[i] <= price)]
        if not hit:
            break
        volume = 0.0
        for i in hit:
            volume += sizes[i]
        alive = [i for i in alive if i not in hit]
        moved = price - side * impact * volume
        # Checked before max(): an overflow (inf, or inf * 0 = nan) must fail the same way here
        # and in the browser, whose Math.max treats nan differently from Python's max.
        _finite(volume, node)
        _finite(moved, node)
        price = max(0.0, moved)
        prices.append(price)
        volumes.append(volume)
    return prices, volumes


LIST_CALLS: dict[str, Callable[[list[Any], ast.AST], Any]] = {
    "sum": _sum,
    "len": _len,
    "last": _last,
    "largest": _largest,
    "mean_largest": _mean_largest,
    "path": _path,
    "cascade_prices": lambda args, node: _cascade(args, node)[0],
    "cascade_volumes": lambda args, node: _cascade(args, node)[1],
}
ARITY: dict[str, tuple[int, int]] = {
    "sum": (1, 1),
    "len": (1, 1),
    "floor": (1, 1),
    "last": (1, 1),
    "largest": (2, 2),
    "mean_largest": (2, 2),
    "path": (2, 2),
    "cascade_prices": (6, 6),
    "cascade_volumes": (6, 6),
}
