"""Named leverage calculators: pure functions with documented inputs, outputs and units.

Worked examples (`calculator:` in an entry), the /calculators/ page and `glossary calc`
all go through `run(name, inputs)`, so validation and the step-by-step derivation are the
same everywhere. Every calculator returns its outputs plus the `Step`s that derive them,
each with the formula, the numbers substituted into it, and the unit of the result.
Money is in the quote currency (USD/USDT) unless a step says otherwise; rates are
fractions (0.005 = 0.5%).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from generator.calc import lending, margin, products, risk
from generator.calc.definition import CalcResult, Calculator, CalculatorError, Output, Param, Step, bind_inputs
from generator.calc.evaluate import evaluate
from generator.calc.expression import FormulaError
from generator.calc.numbers import format_number as fmt
from generator.calc.program import Let, ProgramError, run_program
from generator.suggest import did_you_mean_clause

# What users of the calculators import from here; the types are defined in `definition`.
__all__ = ["CALCULATORS", "CalcResult", "Calculator", "CalculatorError", "Output", "Param", "Step", "run", "unit_for"]


CALCULATORS: dict[str, Calculator] = {
    c.name: c
    for c in (
        *margin.CALCULATORS,
        *lending.CALCULATORS,
        *products.CALCULATORS,
        *risk.CALCULATORS,
    )
}


def shown_input(value: Any) -> str:
    """A refused input as error messages quote it (the browser quotes it the same way)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(shown_input(item) for item in value) + "]"
    if value is None or isinstance(value, (bool, int, float)):
        return fmt(value) if value is not None else "none"
    return "an object"


def _refuse(calc: str, param: Param, value: Any, code: str = "type") -> CalculatorError:
    return CalculatorError(f"{calc}: '{param.name}' must be {param.allowed}, got {shown_input(value)}", code)


def _check_range(calc: str, param: Param, value: float) -> None:
    low, high = param.minimum, param.maximum
    bad = (low is not None and (value <= low if param.exclusive_minimum else value < low)) or (
        high is not None and (value >= high if param.exclusive_maximum else value > high)
    )
    if bad:
        raise _refuse(calc, param, value, "range")


def _number(calc: str, param: Param, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _refuse(calc, param, value)
    number = float(value)
    if not math.isfinite(number):
        raise CalculatorError(f"{calc}: '{param.name}' must be a finite number, got {shown_input(value)}", "type")
    _check_range(calc, param, number)
    return number


def _normalise(calc: str, param: Param, value: Any) -> Any:
    """Check one input against its Param and return it in canonical form."""
    if param.kind == "choice":
        if not isinstance(value, str) or value not in param.choices:
            raise _refuse(calc, param, value, "choice")
        return value
    if param.kind == "integer":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _refuse(calc, param, value)
        _check_range(calc, param, value)
        return value
    if param.kind == "number":
        return _number(calc, param, value)
    if param.kind == "number_or_list" and not isinstance(value, (list, tuple)):
        return _number(calc, param, value)
    if not isinstance(value, (list, tuple)) or not value:
        raise CalculatorError(
            f"{calc}: '{param.name}' must be {param.allowed} (non-empty), got {shown_input(value)}", "type"
        )
    if len(value) > MAX_LIST:
        raise CalculatorError(f"{calc}: '{param.name}' has {len(value)} values; the limit is {MAX_LIST}", "too_long")
    return [_number(calc, param, item) for item in value]


MAX_LIST = 100_000


def unit_for(param: Param | Output | Step | Let, inputs: Mapping[str, Any]) -> str:
    """The concrete unit of an input, output or step for these inputs: a unit written as
    'X (linear) or Y (inverse)' resolves by the `contract` input."""
    unit = param.unit
    if " (linear) or " in unit and unit.endswith(" (inverse)"):
        linear, inverse = unit[: -len(" (inverse)")].split(" (linear) or ")
        return inverse if inputs.get("contract") == "inverse" else linear
    return unit


def check_inputs(name: str, inputs: Mapping[str, Any]) -> tuple[Calculator, dict[str, Any]]:
    """The calculator and its inputs checked, defaults filled; CalculatorError otherwise."""
    calculator = CALCULATORS.get(name)
    if calculator is None:
        raise CalculatorError(
            f"unknown calculator '{name}'{did_you_mean_clause(str(name), CALCULATORS, cutoff=0.5)} "
            f"(available: {', '.join(CALCULATORS)})",
            "unknown_calculator",
        )
    if not isinstance(inputs, Mapping):
        raise CalculatorError(f"{name}: inputs must be a mapping of name to value", "type")
    known = {param.name for param in calculator.params}
    for key in inputs:
        if key not in known:
            raise CalculatorError(
                f"{name}: unknown input '{key}'{did_you_mean_clause(str(key), sorted(known), cutoff=0.5)} "
                f"(accepted: {', '.join(p.name for p in calculator.params)})",
                "unknown_input",
            )
    values: dict[str, Any] = {}
    for param in calculator.params:
        if param.name in inputs and inputs[param.name] is not None:
            values[param.name] = _normalise(name, param, inputs[param.name])
        elif param.required:
            raise CalculatorError(
                f"{name}: missing input '{param.name}' ({param.description}; {param.allowed})", "missing"
            )
        else:
            values[param.name] = param.default
    if calculator.one_of and sum(values[n] is not None for n in calculator.one_of) != 1:
        raise CalculatorError(
            f"{name}: give exactly one of {' or '.join(repr(n) for n in calculator.one_of)}", "one_of"
        )
    return calculator, values


def run(name: str, inputs: Mapping[str, Any]) -> CalcResult:
    """Validate `inputs` for calculator `name`, fill defaults, compute outputs and steps."""
    calculator, values = check_inputs(name, inputs)
    bound = bind_inputs(calculator.params, values)
    try:
        shown = run_program(calculator.program, bound)
        outputs = {out.name: _output(out, bound) for out in calculator.outputs}
    except ProgramError as error:
        raise CalculatorError(f"{name}: {error}", error.code) from None
    steps = tuple(
        Step(
            label=step.let.label,
            formula=step.let.formula,
            latex=step.let.latex,
            substituted=step.substituted,
            value=step.value,
            unit=unit_for(step.let, values),
        )
        for step in shown
    )
    return CalcResult(calculator=name, inputs=values, outputs=outputs, steps=steps)


def _output(out: Output, values: Mapping[str, Any]) -> Any:
    value = values.get(out.name)
    if value is None or out.none_when is None:
        return value
    try:
        return None if evaluate(out.none_when, values) else value
    except FormulaError as error:
        raise ProgramError(f"{out.name}: {error.message}", error.code) from None
