"""Python and the reader's browser compute the same: every worked example in terms/ and
hundreds of random inputs per calculator, run by `generator.calc` and by the browser's engine
(`calc-numbers.js`, `calc-evaluate.js`, `calc-engine.js`) in Debian's chromium, give the same
outputs (1e-9 relative), the same derivation (labels, formulas, numbers substituted) and, when
refused, the same error code and message.

Inputs are drawn from each calculator's own declared inputs (kind, range, choices, which
are optional), so a new calculator is covered without a line here.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.calc.browser import calculators_json, expression_json
from generator.calc.calculators import CALCULATORS, Calculator, CalculatorError, run
from generator.calc.definition import Param
from generator.calc.evaluate import evaluate, substitute
from generator.calc.expression import FormulaError
from generator.calc.parse import parse

ROOT = Path(__file__).resolve().parents[2]
JAVASCRIPTS = ROOT / "site_src" / "assets" / "javascripts"
ENGINE = [JAVASCRIPTS / name for name in ("calc-numbers.js", "calc-evaluate.js", "calc-engine.js")]  # in load order
RANDOM_PER_CALCULATOR = 500
INVALID_PER_CALCULATOR = 150

pytestmark = pytest.mark.browser

# Runs a batch of calculator cases in the page; returns {ok: result} or {error: [message, code]}.
RUN_BATCH = """([spec, cases]) => cases.map(([name, inputs]) => {
  try { return {ok: window.GlossaryCalc.run(spec.calculators[name], inputs)}; }
  catch (e) {
    if (!(e instanceof window.GlossaryCalc.CalcError)) return {crash: String(e && e.stack || e)};
    return {error: [e.message, e.code], param: e.param || null};
  }
})"""

FORMULA_BATCH = """(cases) => cases.map(([expr, values]) => {
  try { return {ok: window.GlossaryCalc.evaluateFormula(expr, values)}; }
  catch (e) {
    if (!(e instanceof window.GlossaryCalc.CalcError)) return {crash: String(e && e.stack || e)};
    return {error: [e.message, e.code]};
  }
})"""


@pytest.fixture(scope="module")
def engine_page(browser: Any) -> Any:
    page = browser.new_page()
    page.set_content("<!doctype html><title>calc</title>")
    for script in ENGINE:
        page.add_script_tag(content=script.read_text(encoding="utf-8"))
    yield page
    page.close()


SPEC = json.loads(json.dumps(calculators_json()))  # what the site ships, through JSON as the browser gets it


def python_run(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    try:
        return {"ok": run(name, inputs).to_json()}
    except CalculatorError as error:
        return {"error": [str(error), error.code]}


def close(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b)) or (abs(a) < 1e-300 and abs(b) < 1e-300)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    return bool(a == b)


# The engine's input checks name the input they refuse (`error.param`), so a form shows the
# message beside that field; the message quotes the same name.
INPUT_MESSAGE = re.compile(r"^[a-z_0-9]+: (?:missing input )?'([a-z_0-9]+)' ")


def error_param(name: str, message: str, code: str) -> str | None:
    if code == "one_of":
        return CALCULATORS[name].one_of[0]  # shown beside the first of the inputs it names
    if code in ("type", "range", "choice", "missing", "too_long"):
        match = INPUT_MESSAGE.match(message)
        return match.group(1) if match else None
    return None


def differences(name: str, inputs: dict[str, Any], py: dict[str, Any], js: dict[str, Any]) -> list[str]:
    where = f"{name} {json.dumps(inputs)}"
    if "crash" in js:
        return [f"{where}: the browser crashed: {js['crash']}"]
    if "error" in py or "error" in js:
        if "error" not in py or "error" not in js:
            return [f"{where}: python {py.get('error') or 'computed'} / browser {js.get('error') or 'computed'}"]
        py_message, py_code = py["error"]
        js_message, js_code = js["error"]
        if py_code != js_code or (py_code != "unknown_input" and py_message != js_message):
            return [f"{where}: python {py['error']} / browser {js['error']}"]
        if js.get("param") != error_param(name, py_message, py_code):
            return [f"{where}: {py_message!r} shown beside {js.get('param')!r}"]
        return []
    problems = []
    p, j = py["ok"], js["ok"]
    for key, value in p["outputs"].items():
        if not close(value, j["outputs"].get(key)):
            problems.append(f"{where}: output {key}: python {value!r} / browser {j['outputs'].get(key)!r}")
    if len(p["steps"]) != len(j["steps"]):
        problems.append(f"{where}: {len(p['steps'])} steps in python, {len(j['steps'])} in the browser")
    for ps, js_step in zip(p["steps"], j["steps"]):
        for field in ("label", "formula", "latex", "unit", "substituted"):
            if ps[field] != js_step[field]:
                problems.append(f"{where}: step {ps['label']!r} {field}: {ps[field]!r} / {js_step[field]!r}")
        if not close(ps["value"], js_step["value"]):
            problems.append(f"{where}: step {ps['label']!r} value: {ps['value']!r} / {js_step['value']!r}")
    return problems


def compare_batch(page: Any, cases: list[tuple[str, dict[str, Any]]]) -> list[str]:
    browser_results = page.evaluate(RUN_BATCH, [SPEC, cases])
    problems: list[str] = []
    for (name, inputs), js in zip(cases, browser_results):
        problems += differences(name, inputs, python_run(name, inputs), js)
    return problems


def worked_examples() -> tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, str, dict[str, Any]]]]:
    """(calculator cases, formula cases) of every worked example in terms/."""
    calculator_cases, formula_cases = [], []
    for path in sorted((ROOT / "terms").glob("*.yaml")):
        entry = yaml.safe_load(path.read_text(encoding="utf-8"))
        formulas = {f["id"]: f["expr"] for f in entry.get("formulas") or [] if "expr" in f}
        for example in entry.get("examples") or []:
            if "calculator" in example:
                calculator_cases.append((example["calculator"], example.get("inputs") or {}))
            elif example.get("formula") in formulas:
                formula_cases.append((path.stem, formulas[example["formula"]], example.get("inputs") or {}))
        for expr in formulas.values():
            formula_cases.append((path.stem, expr, {}))  # no values: the same "no value given" error
    return calculator_cases, formula_cases


def test_every_worked_example_computes_the_same_in_the_browser(engine_page: Any) -> None:
    calculator_cases, formula_cases = worked_examples()
    assert len(calculator_cases) >= 20 and len(formula_cases) >= 100
    calculator_cases += [(name, calc.example) for name, calc in CALCULATORS.items()]
    problems = compare_batch(engine_page, calculator_cases)
    expressions = [expression_json(parse(expr)) for _, expr, _ in formula_cases]
    browser_results = engine_page.evaluate(FORMULA_BATCH, [[e, v] for e, (_, _, v) in zip(expressions, formula_cases)])
    for (slug, expr, values), js in zip(formula_cases, browser_results):
        parsed = parse(expr)
        try:
            py: dict[str, Any] = {"ok": {"value": evaluate(parsed, values), "substituted": substitute(parsed, values)}}
        except FormulaError as error:
            py = {"error": [str(error), error.code]}
        if "ok" in py and "ok" in js:
            same = close(py["ok"]["value"], js["ok"]["value"]) and py["ok"]["substituted"] == js["ok"]["substituted"]
        else:
            same = py.get("error") == js.get("error")
        if not same:
            problems.append(f"{slug}: {expr} with {values}: python {py} / browser {js}")
    assert not problems, "\n".join(problems[:20])


# ---- random inputs drawn from each calculator's declared inputs ---------------------------

WIDE = st.one_of(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
    st.floats(allow_nan=False, allow_infinity=False),  # very large and very small, subnormals too
    st.integers(min_value=-(10**6), max_value=10**6),
)


def number_in(param: Param) -> st.SearchStrategy[Any]:
    low, high = param.minimum, param.maximum
    if param.kind == "integer":
        return st.integers(
            min_value=int(low) if low is not None else -1000, max_value=int(high) if high is not None else 1000
        )
    if low is None and high is None:
        return WIDE
    return st.floats(
        min_value=low,
        max_value=high,
        exclude_min=param.exclusive_minimum and low is not None,
        exclude_max=param.exclusive_maximum and high is not None,
        allow_nan=False,
        allow_infinity=False,
    ) | st.sampled_from([v for v in (low, high, 1.0, 0.5, 0.001) if _inside(param, v)] or [1.0])


def _inside(param: Param, value: float | None) -> bool:
    if value is None:
        return False
    low, high = param.minimum, param.maximum
    if low is not None and (value <= low if param.exclusive_minimum else value < low):
        return False
    return not (high is not None and (value >= high if param.exclusive_maximum else value > high))


def value_for(param: Param, size: int) -> st.SearchStrategy[Any]:
    if param.kind == "choice":
        return st.sampled_from(param.choices)
    if param.kind == "list":
        return st.lists(number_in(param), min_size=size, max_size=size)
    if param.kind == "number_or_list":
        return number_in(param) | st.lists(number_in(param), min_size=size, max_size=size)
    return number_in(param)


@st.composite
def valid_inputs(draw: st.DrawFn, calc: Calculator) -> dict[str, Any]:
    size = draw(st.integers(min_value=1, max_value=8))  # lists of one input share a length, usually
    inputs: dict[str, Any] = {}
    chosen = draw(st.sampled_from(calc.one_of)) if calc.one_of else None
    for param in calc.params:
        if param.name in calc.one_of and param.name != chosen:
            continue
        if not param.required and param.name != chosen and draw(st.booleans()):
            continue  # leave it to its default
        inputs[param.name] = draw(value_for(param, draw(st.sampled_from([size, size, size, 1, size + 1]))))
    return inputs


BAD_VALUES = st.one_of(
    st.sampled_from(["NaN", "Infinity", "-Infinity", "abc", "", "1e", "12,5", True, False, None, [], {}]),
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
    st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=3),
)


@st.composite
def invalid_inputs(draw: st.DrawFn, calc: Calculator) -> dict[str, Any]:
    inputs = draw(valid_inputs(calc))
    action = draw(st.sampled_from(["bad_value", "drop_required", "unknown", "both_of"]))
    if action == "bad_value":
        param = draw(st.sampled_from(calc.params))
        inputs[param.name] = draw(BAD_VALUES)
    elif action == "drop_required":
        required = [p.name for p in calc.params if p.required]
        if required:
            inputs.pop(draw(st.sampled_from(required)), None)
    elif action == "unknown":
        inputs["not_an_input"] = 1
    elif calc.one_of:
        for name in calc.one_of:
            inputs[name] = 10.0
    return inputs


def _collect(strategy: Any, count: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    @given(strategy)
    def draw(inputs: dict[str, Any]) -> None:
        found.append(inputs)

    draw()
    return found


@pytest.mark.parametrize("name", sorted(CALCULATORS))
def test_random_inputs_agree_between_python_and_the_browser(engine_page: Any, name: str) -> None:
    calc = CALCULATORS[name]
    valid = _collect(valid_inputs(calc), RANDOM_PER_CALCULATOR)
    invalid = _collect(invalid_inputs(calc), INVALID_PER_CALCULATOR)
    assert len(valid) >= RANDOM_PER_CALCULATOR * 0.9  # hypothesis stops early only on a tiny input space
    computed = sum(1 for inputs in valid if "ok" in python_run(name, inputs))
    assert computed >= len(valid) * 0.3, f"{name}: only {computed} of {len(valid)} random inputs computed"
    cases = [(name, inputs) for inputs in valid + invalid]
    problems = compare_batch(engine_page, cases)
    assert not problems, "\n".join(problems[:15])
    refused = [python_run(name, inputs) for inputs in invalid]
    assert sum("error" in r for r in refused) >= len(invalid) * 0.5


def test_number_shapes_print_the_same(engine_page: Any) -> None:
    """The numbers of a derivation: Python's format_number and the browser's fmt agree on
    integers, 10-digit rounding, exponents, negatives and the extremes."""
    from generator.calc.numbers import format_number

    values = [
        0.0,
        -0.0,
        1.0,
        -3.0,
        0.1,
        1 / 3,
        2 / 3 * 1e-5,
        123456789.123,
        1234567890.123,
        1e15,
        1.5e15,
        1e16,
        1e-4,
        9.99999999995e-5,
        1e-5,
        5e-324,
        1.7976931348623157e308,
        -2.5e-7,
        57228.915662650605,
        99999.999995,
    ]
    values += [math.ldexp(1.0, e) * 1.2345678912345 for e in range(-60, 60, 7)]
    # exact ties at the tenth digit, which Python rounds half to even
    values += [25 / 8192, 1234567890.5, 1234567891.5, -0.0030517578125, 2**-20, 99999999995 / 2**3]
    shown = engine_page.evaluate("(vs) => vs.map(window.GlossaryCalc.fmt)", values)
    assert shown == [format_number(v) for v in values]
