"""The safe expression language: what parses, what it evaluates to, and what is refused, fast."""

from __future__ import annotations

import math
import time
from statistics import NormalDist

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.calc.evaluate import evaluate, substitute
from generator.calc.expression import FUNCTIONS, FormulaError
from generator.calc.parse import parse
from generator.calc.statistics import norm_cdf, norm_pdf, norm_ppf


def value(source: str, **values: float) -> float | bool:
    return evaluate(parse(source), values)


# --- the language --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "values", "expected"),
    [
        (
            "(entry - margin / qty) / (1 - mmr)",
            {"entry": 50000, "margin": 5000, "qty": 1, "mmr": 0.005},
            45226.13065326633,
        ),
        ("2 ** 10", {}, 1024),
        ("-x ** 2", {"x": 3}, -9),  # unary minus binds looser than ** (as in Python)
        ("2 ** -1", {}, 0.5),
        ("1.5e3 + .5", {}, 1500.5),
        ("a if a > b else b", {"a": 2, "b": 7}, 7),
        ("min(a, b, 3) + max(a, 1) + abs(-4)", {"a": 2, "b": 5}, 2 + 2 + 4),
        ("sqrt(16) + log(exp(2))", {}, 6),
        ("1 < x <= 3", {"x": 3}, True),
        ("1 < x <= 3", {"x": 4}, False),
        ("x == 2 or not x != 5", {"x": 5}, True),
        ("(x > 0) and (y > 0)", {"x": 1, "y": -1}, False),
        ("x\n  + y", {"x": 1, "y": 2}, 3),  # YAML block scalars may break lines
    ],
)
def test_evaluates(source: str, values: dict[str, float], expected: float | bool) -> None:
    result = evaluate(parse(source), values)
    if isinstance(expected, bool):
        assert result is expected
    else:
        assert result == pytest.approx(expected, rel=1e-12)


def test_names_exclude_functions() -> None:
    assert parse("sqrt(h) * vol * ppf(c)").names == frozenset({"h", "vol", "c"})
    assert FUNCTIONS == ("min", "max", "abs", "sqrt", "log", "exp", "cdf", "pdf", "ppf")


def test_conditional_is_lazy() -> None:
    # The branch not taken is never evaluated, so a guard protects a domain error.
    assert value("log(x) if x > 0 else 0", x=-1) == 0


def test_declared_variables_are_enforced_with_a_suggestion() -> None:
    with pytest.raises(FormulaError, match="unknown name 'levrage'; did you mean 'leverage'"):
        parse("notional / levrage", ["notional", "leverage"])


def test_substitute_shows_numbers_in_place() -> None:
    expr = parse("(entry - margin / qty) / (1 - mmr)")
    shown = substitute(expr, {"entry": 50000, "margin": 5000.0, "qty": 1, "mmr": 0.005})
    assert shown == "(50000 - 5000 / 1) / (1 - 0.005)"
    assert substitute(parse("x * y"), {"x": -2, "y": 0.1}) == "(-2) * 0.1"
    assert substitute(parse("a_b + a"), {"a_b": 1, "a": 2}) == "1 + 2"


# --- the standard normal -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "z"),
    [
        (0.5, 0.0),
        (0.975, 1.959963984540054),
        (0.99, 2.3263478740408408),
        (0.01, -2.3263478740408408),
        (0.999, 3.090232306167813),
        (1e-10, -6.361340902404056),
    ],
)
def test_ppf_known_quantiles(p: float, z: float) -> None:
    assert norm_ppf(p) == pytest.approx(z, abs=1e-9)
    assert value("ppf(p)", p=p) == pytest.approx(z, abs=1e-9)


def test_cdf_and_pdf_known_values() -> None:
    assert norm_cdf(0) == 0.5
    assert norm_cdf(1.959963984540054) == pytest.approx(0.975, abs=1e-12)
    assert norm_pdf(0) == pytest.approx(1 / math.sqrt(2 * math.pi), rel=1e-15)
    assert value("pdf(1)") == pytest.approx(0.24197072451914337, rel=1e-12)


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=1e-12, max_value=1 - 1e-12))
def test_ppf_inverts_cdf(p: float) -> None:
    z = norm_ppf(p)
    assert norm_cdf(z) == pytest.approx(p, rel=1e-9, abs=1e-15)
    assert z == pytest.approx(NormalDist().inv_cdf(p), abs=1e-9)


# --- domain errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "values", "message"),
    [
        ("x / y", {"x": 1, "y": 0}, "division by zero"),
        ("sqrt(x)", {"x": -1}, "sqrt of a negative number"),
        ("log(x)", {"x": 0}, "log needs a positive number"),
        ("ppf(p)", {"p": 1}, "strictly between 0 and 1"),
        ("exp(x)", {"x": 1000}, "too large"),
        ("x ** y", {"x": 10, "y": 400}, "too large"),
        ("x ** y", {"x": 2, "y": 20000}, "exponent 20000 is too large"),
        ("x ** 0.5", {"x": -8}, "negative number to a fractional power"),
        ("x * 2", {}, "no value given for 'x'"),
    ],
)
def test_domain_errors(source: str, values: dict[str, float], message: str) -> None:
    with pytest.raises(FormulaError, match=message):
        evaluate(parse(source), values)


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "message", "column"),
    [
        ("2 ^ 3", "use \\*\\* for powers", 3),
        ("a.__class__", "attribute access", 1),
        ("x[0]", "'\\[' is not allowed", 2),
        ("'text'", "strings are not allowed", 1),
        ("foo(x)", "unknown function 'foo'", 1),
        ("max(a, key=b)", "no keyword arguments", 1),
        ("sqrt(1, 2)", "takes 1 argument, got 2", 1),
        ("_secret + 1", "may not start with '_'", 1),
        ("min + 1", "'min' is a function", 1),
        ("True + 1", "'True' is not allowed", 1),
        ("a // b", "'//' is not allowed", 1),
        ("a % b", "'%' is not allowed", 3),
        ("(1, 2)", "tuples", 1),
        ("x := 1", "':' is not allowed", 3),
        ("lambda: 0", "':' is not allowed", 7),
        ("a in b", "only < <= > >= == != comparisons", 1),
        ("1 +", "invalid syntax", None),
        ("(a + b", "unclosed", 1),
        ("a + b)", "without a matching", 6),
        ("", "empty", None),
        ("1e999", "number is too large", 1),
        ("x \u00d7 2", "character '\u00d7' is not allowed", 3),
    ],
)
def test_refused_with_a_clear_message(source: str, message: str, column: int | None) -> None:
    with pytest.raises(FormulaError, match=message) as caught:
        parse(source)
    if column is not None:
        assert caught.value.column == column
    assert caught.value.message and str(caught.value)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("__import__('os')", "strings are not allowed"),
        ("__import__(os)", "unknown function '__import__'"),
        ("a.__class__", "attribute access"),
        ("9**9**9**9", "exponent 387420489 is too large"),
        ("(" * 10_000 + "1" + ")" * 10_000, "characters long; the limit is 2000"),
        ("(" * 60 + "1" + ")" * 60, "brackets nested more than 50 deep"),
        ("-" * 1500 + "1", "nested more than 200 levels"),
        ("not " * 400 + "x", "nested more than 200 levels"),
        ("10 ** 400", "too large"),
    ],
)
def test_hostile_input_rejected_quickly(source: str, message: str) -> None:
    import gc

    # CPU time: a busy machine's other processes do not count; nor does a full collection of
    # everything the test session holds, should one fall inside (it once took 0.12 s here)
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        with pytest.raises(FormulaError, match=message):
            parse(source)
        assert time.process_time() - started < 0.05
    finally:
        gc.enable()


def test_evaluation_never_calls_eval(monkeypatch: pytest.MonkeyPatch) -> None:
    # ast.parse compiles to a syntax tree only (PyCF_ONLY_AST); no code object may be built
    # from author text, and eval/exec must never run.
    import ast
    import builtins

    real_compile = builtins.compile
    calls: list[int] = []

    def tree_only_compile(
        source: object, filename: object, mode: str, flags: int = 0, *args: object, **kwargs: object
    ) -> object:
        calls.append(flags)
        if not flags & ast.PyCF_ONLY_AST:
            raise AssertionError("author text compiled to code")
        return real_compile(source, filename, mode, flags, *args, **kwargs)  # type: ignore[call-overload]

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("eval/exec called on author text")

    monkeypatch.setattr(builtins, "compile", tree_only_compile)
    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    result = value("a * 2 + min(a, 3)", a=4)
    monkeypatch.undo()
    assert result == 11 and calls


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab1()+-*/<>=!., ^_'[]%:eifnotrsq\n", max_size=60))
def test_arbitrary_text_parses_or_fails_cleanly(source: str) -> None:
    try:
        expr = parse(source)
    except FormulaError as error:
        assert error.message
        assert error.column is None or 1 <= error.column <= max(len(source), 1)
        return
    try:
        result = evaluate(expr, {name: 1.5 for name in expr.names})
    except FormulaError:
        return
    assert isinstance(result, (bool, float))


def test_text_python_warns_about_prints_nothing() -> None:
    """`3if x else 2` parses, but Python's tokenizer warns about it ("invalid decimal literal")
    on standard error; `2x` is refused. Neither prints anything beside our own messages."""
    import subprocess
    import sys

    script = (
        "from generator.calc.parse import parse\n"
        "from generator.calc.expression import FormulaError\n"
        "print(parse('3if x else 2', ['x']).names)\n"
        "try:\n    parse('2x')\nexcept FormulaError as error:\n    print(error)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert "frozenset({'x'})" in done.stdout and "invalid decimal literal" in done.stdout
