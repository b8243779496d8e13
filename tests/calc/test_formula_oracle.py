"""The one-pass formula checker against the old three-walk one (tests/calc/formula_oracle.py).

For every input both must agree: the same names and tree, or the same FormulaError
message and column, including which error wins when an expression has several
(precheck, syntax, depth, then the whitelist breadth first, then constant powers).
Inputs: the real formulas, the hostile cases, and thousands of generated expressions,
many of them broken in more than one way or nested right at the depth limit.
"""

from __future__ import annotations

import ast
import random
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.calc import evaluate as evaluation
from generator.calc import parse as formulas
from generator.calc.expression import FUNCTIONS, MAX_TREE_DEPTH, FormulaError
from generator.calc.parse import restrict
from generator.load.document import load_bytes
from tests.calc import formula_oracle, test_formulas

ROOT = Path(__file__).resolve().parents[2]
Outcome = tuple[object, ...]


def outcome(parse: object, source: str, variables: Iterable[str] | None) -> Outcome:
    try:
        expr = parse(source, variables)  # type: ignore[operator]
    except FormulaError as error:
        return ("error", error.message, error.column, str(error))
    except Exception as error:  # noqa: BLE001 - both must fail the same way, whatever it is
        return ("raised", type(error).__name__, str(error))
    return ("ok", expr.source, expr.names, ast.dump(expr._tree, include_attributes=True))


def assert_same(source: str, variables: Iterable[str] | None = None) -> Outcome:
    frozen = None if variables is None else tuple(variables)
    old = outcome(formula_oracle.parse, source, frozen)
    assert outcome(formulas.parse, source, frozen) == old, (source, frozen)
    return old


def assert_substitute_matches(source: str, rng: random.Random) -> None:
    """substitute gives the old text, or fails on the same missing value at the same column."""
    try:
        parsed = formulas.parse(source)
    except FormulaError:
        return
    values = {
        name: rng.choice((0, 2, -3, 2.5, -0.125, 1e-12, 123456789.123, True, 10**20)) for name in sorted(parsed.names)
    }
    if values and rng.random() < 0.4:  # leave out one or more: the first one met is reported
        for name in rng.sample(sorted(values), rng.randint(1, len(values))):
            del values[name]
    results = []
    for substitute in (evaluation.substitute, formula_oracle.substitute):
        try:
            results.append(substitute(parsed, values))
        except FormulaError as error:
            results.append((error.message, error.column))
    assert results[0] == results[1], (source, values)


def assert_restrict_matches(source: str, variables: Iterable[str]) -> None:
    """restrict(parse(text), v) must give what parse(text, v) gives, error for error."""
    try:
        parsed = formulas.parse(source)
    except FormulaError:
        return
    frozen = tuple(variables)
    assert outcome(lambda s, v: restrict(parsed, v), source, frozen) == outcome(formula_oracle.parse, source, frozen)


# --- inputs people wrote, and hostile ones ----------------------------------------------------


def _yaml_exprs(paths: Iterable[Path]) -> Iterator[tuple[str, list[str] | None]]:
    for path in paths:
        doc, _ = load_bytes(path.read_bytes(), str(path))
        data = doc.data if doc is not None else None
        formulas_value = data.get("formulas") if isinstance(data, dict) else None
        for item in formulas_value if isinstance(formulas_value, list) else ():
            if isinstance(item, dict) and isinstance(item.get("expr"), str):
                variables = item.get("variables")
                yield item["expr"], list(variables) if isinstance(variables, dict) else None


def _test_formula_sources() -> list[str]:
    """Every `source` parameter of tests/calc/test_formulas.py (refusals, hostile input, evaluation)."""
    sources = []
    for name in dir(test_formulas):
        for mark in getattr(getattr(test_formulas, name), "pytestmark", ()):
            argnames = mark.args[0] if mark.name == "parametrize" else ()
            if argnames and argnames[0] == "source":
                sources += [case[0] for case in mark.args[1]]
    return sources


def test_real_and_hostile_formulas_agree() -> None:
    from bench.corpus import FORMULAS

    cases = [
        *_yaml_exprs(sorted((ROOT / "terms").glob("*.yaml"))),
        *_yaml_exprs(sorted((ROOT / "tests" / "hostile" / "entries").glob("formula-*.yaml"))),
        *((template.expr, None) for template in FORMULAS),
    ]
    sources = _test_formula_sources()
    assert len(cases) > 150 and len(sources) > 40
    rng = random.Random(7)
    for source, variables in cases:
        assert_same(source)
        assert_substitute_matches(source, rng)
        if variables is not None:
            assert_same(source, variables)
            assert_same(source, variables[1:])
            assert_restrict_matches(source, variables[1:])
    for source in sources:
        assert_same(source)
        assert_same(source, ["x", "a"])


# --- generated expressions --------------------------------------------------------------------

NAMES = ("a", "b", "x", "y1", "rate", "rat", "_a", "__import__", "min", "sqrt", "True", "None", "foo", "lam")
NUMBERS = (
    "0",
    "1",
    "2",
    "2.5",
    ".5",
    "1e3",
    "1e999",
    "1e308",
    "10",
    "9",
    "99999",
    "10000",
    "0.5",
    "1j",
    "0x10",
    "1_000",
    "9" * 320,
    "...",
    "3",
)
CALLEES = (*FUNCTIONS, *FUNCTIONS, "foo", "__import__", "log10", "(a)", "a.b", "sqrt(2)")
BINARY = ("+", "-", "*", "/", "**")
REFUSED_BINARY = ("//", "%", "<<", ">>", "@", "&", "|", "^")
COMPARE = ("<", "<=", ">", ">=", "==", "!=", "<", "in", "not in", "is", "is not")
UNARY = ("-", "+", "not ", "-", "+ ")
VARIABLE_SETS = (None, None, ("a", "b", "x"), ("a", "b", "x", "y1", "rate"), ("rate",), (), ("a", "_a", "min", "True"))


def _atom(rng: random.Random) -> str:
    return rng.choice(NAMES) if rng.random() < 0.55 else rng.choice(NUMBERS)


def _expr(rng: random.Random, budget: int) -> str:
    """A random expression, mostly well-formed, with refusals sprinkled at every depth."""
    if budget <= 0 or rng.random() < 0.2:
        return _atom(rng)
    sub = budget - 1
    pick = rng.random()
    if pick < 0.27:
        operator = rng.choice(REFUSED_BINARY) if rng.random() < 0.04 else rng.choice(BINARY)
        return f"{_expr(rng, sub)} {operator} {_expr(rng, sub)}"
    if pick < 0.33:  # powers: constant, bounded, out of bounds, failing inside
        base = rng.choice(("x", "2", "(1/0)", "a", "sqrt(-1)", _expr(rng, sub)))
        exponent = rng.choice(
            (
                "2",
                "99999",
                "-10001",
                "0.5",
                "(1 < 2)",
                "(1/0)",
                "x",
                "2 ** 2 ** 2 ** 2",
                "log(0)",
                "(a if 1 else 9 ** 9 ** 9)",
                _expr(rng, sub),
            )
        )
        return f"{base} ** {exponent}"
    if pick < 0.39:
        return f"{rng.choice(UNARY) if rng.random() < 0.97 else '~'}{_expr(rng, sub)}"
    if pick < 0.45:
        return f" {rng.choice(COMPARE)} ".join(_expr(rng, sub) for _ in range(rng.randint(2, 3)))
    if pick < 0.50:
        return f" {rng.choice(('and', 'or'))} ".join(_expr(rng, sub) for _ in range(rng.randint(2, 3)))
    if pick < 0.55:
        return f"{_expr(rng, sub)} if {_expr(rng, sub)} else {_expr(rng, sub)}"
    if pick < 0.71:
        args = [_expr(rng, sub) for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3)))]
        if rng.random() < 0.03:
            args = [_atom(rng) for _ in range(33)]
        if rng.random() < 0.06:
            args.append(rng.choice(("key=b", "*a", "**a")))
        return f"{rng.choice(CALLEES)}({', '.join(args)})"
    if pick < 0.83:
        return f"({_expr(rng, sub)})"
    if pick < 0.87:
        return rng.choice(
            (
                f"({_expr(rng, sub)}, {_expr(rng, sub)})",
                f"({_expr(rng, sub)}).real",
                f"({_expr(rng, sub)} for a in b)",
                f"(yield {_expr(rng, sub)})",
                f"await {_expr(rng, sub)}",
                f"{_expr(rng, sub)},",
            )
        )
    if pick < 0.91:  # a deep run, mostly right at the depth limit
        prefix = rng.choice(("-", "+", "not ", "- ", "sqrt(", "(", "abs("))
        count = rng.randint(MAX_TREE_DEPTH - 12, MAX_TREE_DEPTH + 5) if rng.random() < 0.8 else rng.randint(1, 300)
        if prefix.endswith("("):
            count = rng.randint(1, 55)
            return prefix * count + _expr(rng, min(sub, 2)) + ")" * count
        return prefix * count + _expr(rng, min(sub, 2))
    if pick < 0.94:  # a long left-leaning chain
        operator = rng.choice(("+", "*", "**", "<", "and", "-"))
        return f" {operator} ".join(_expr(rng, 0) for _ in range(rng.randint(2, 230)))
    return rng.choice(("\n", "\t", " ", "")) + _expr(rng, sub) + rng.choice(("\n", " ", ""))


def _near_the_limit() -> Iterator[str]:
    """Every kind of node ending a unary chain at depths around MAX_TREE_DEPTH, with and without
    a refusal higher up: depth must win over the refusal, and only when the tree is too deep."""
    tails = (
        "x",
        "1",
        "sqrt(x)",
        "min(x, 1)",
        "x + 1",
        "x < 1",
        "x if y else z",
        "not x",
        "(x, y)",
        "a.b",
        "foo(x)",
        "x ** 2",
        "2 ** 2",
        "min()",
        "x and y",
        "-1",
        "1e999",
        "_a",
        "(x for x in y)",
    )
    prefixes = ("-", "not ", "+ ")
    for count in range(MAX_TREE_DEPTH - 8, MAX_TREE_DEPTH + 2):
        for index, tail in enumerate(tails):
            chain = prefixes[(count + index) % 3] * count + tail
            yield chain
            yield f"foo(1) + {chain}"
            yield f"{chain} + a.b"
            yield f"sqrt({chain}) + x ** 99999"
            yield f"(1, {chain})"


def test_near_the_depth_limit() -> None:
    for source in _near_the_limit():
        assert_same(source)
        assert_same(source, ("x", "y"))


def test_thousands_of_generated_expressions_agree() -> None:
    rng = random.Random(20260514)
    kinds: Counter[str] = Counter()
    for _ in range(6000):
        source = _expr(rng, rng.randint(0, 6))
        variables = rng.choice(VARIABLE_SETS)
        result = assert_same(source, variables)
        kinds["ok" if result[0] == "ok" else str(result[1])] += 1
        if variables is None and result[0] == "ok":
            assert_restrict_matches(source, rng.choice(VARIABLE_SETS[2:]))
            assert_substitute_matches(source, rng)
    # The generator must reach every stage, or the agreement says little.
    assert kinds["ok"] > 600
    for start in (
        "unknown name",
        "unknown function",
        "expression is nested",
        "exponent",
        "invalid syntax",
        "attribute access",
        "brackets nested",
        "character",
        "number is too large",
        "division by zero",
    ):
        assert any(key.startswith(start) for key in kinds), (start, sorted(kinds))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab_x1.()+-*/<>=!, eifnotlsqrm\n2^'%", max_size=40), st.sampled_from(VARIABLE_SETS))
def test_arbitrary_text_agrees(source: str, variables: tuple[str, ...] | None) -> None:
    assert_same(source, variables)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(VARIABLE_SETS))
def test_generated_expressions_agree(seed: int, variables: tuple[str, ...] | None) -> None:
    source = _expr(random.Random(seed), 5)
    assert_same(source, variables)
    assert_restrict_matches(source, variables or ("a", "x"))


def test_restrict_refuses_the_first_undeclared_name_breadth_first() -> None:
    parsed = formulas.parse("c + d * a")
    with pytest.raises(FormulaError) as caught:
        restrict(parsed, ["a", "b"])
    assert (caught.value.message, caught.value.column) == ("unknown name 'c' (declared: a, b)", 1)
    assert restrict(parsed, ["a", "c", "d"]) is parsed
