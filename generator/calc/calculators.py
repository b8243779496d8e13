"""Named leverage calculators: pure functions with documented inputs, outputs and units.

Worked examples (`calculator:` in an entry), the /calculators/ page and `glossary calc`
all go through `run(name, inputs)`, so validation and the step-by-step derivation are the
same everywhere. Every calculator returns its outputs plus the `Step`s that derive them,
each with the formula, the numbers substituted into it, and the unit of the result.
Money is in the quote currency (USD/USDT) unless a step says otherwise; rates are
fractions (0.005 = 0.5%).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from generator.calc import lending, margin, products, risk
from generator.calc.definition import CalcResult, Calculator, CalculatorError, Output, Param, Step
from generator.calc.numbers import format_number as fmt
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


def _check_range(calc: str, param: Param, value: float) -> None:
    low, high = param.minimum, param.maximum
    bad = (low is not None and (value <= low if param.exclusive_minimum else value < low)) or (
        high is not None and (value >= high if param.exclusive_maximum else value > high)
    )
    if bad:
        raise CalculatorError(f"{calc}: '{param.name}' must be {param.allowed}, got {fmt(value)}")


def _number(calc: str, param: Param, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CalculatorError(f"{calc}: '{param.name}' must be {param.allowed}, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise CalculatorError(f"{calc}: '{param.name}' must be a finite number, got {value!r}")
    _check_range(calc, param, number)
    return number


def _normalise(calc: str, param: Param, value: Any) -> Any:
    """Check one input against its Param and return it in canonical form."""
    if param.kind == "choice":
        if not isinstance(value, str) or value not in param.choices:
            raise CalculatorError(f"{calc}: '{param.name}' must be {param.allowed}, got {value!r}")
        return value
    if param.kind == "integer":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise CalculatorError(f"{calc}: '{param.name}' must be {param.allowed}, got {value!r}")
        _check_range(calc, param, value)
        return value
    if param.kind == "number":
        return _number(calc, param, value)
    if param.kind == "number_or_list" and not isinstance(value, (list, tuple)):
        return _number(calc, param, value)
    if not isinstance(value, (list, tuple)) or not value:
        raise CalculatorError(f"{calc}: '{param.name}' must be {param.allowed} (non-empty), got {value!r}")
    if len(value) > 100_000:
        raise CalculatorError(f"{calc}: '{param.name}' has {len(value)} values; the limit is 100000")
    return [_number(calc, param, item) for item in value]


def unit_for(param: Param | Output, inputs: Mapping[str, Any]) -> str:
    """The concrete unit of an input or output for these inputs: a unit written as
    'X (linear) or Y (inverse)' resolves by the `contract` input."""
    unit = param.unit
    if " (linear) or " in unit and unit.endswith(" (inverse)"):
        linear, inverse = unit[: -len(" (inverse)")].split(" (linear) or ")
        return inverse if inputs.get("contract") == "inverse" else linear
    return unit


def run(name: str, inputs: Mapping[str, Any]) -> CalcResult:
    """Validate `inputs` for calculator `name`, fill defaults, compute outputs and steps."""
    calculator = CALCULATORS.get(name)
    if calculator is None:
        raise CalculatorError(
            f"unknown calculator '{name}'{did_you_mean_clause(str(name), CALCULATORS, cutoff=0.5)} "
            f"(available: {', '.join(CALCULATORS)})"
        )
    if not isinstance(inputs, Mapping):
        raise CalculatorError(f"{name}: inputs must be a mapping of name to value")
    known = {param.name for param in calculator.params}
    for key in inputs:
        if key not in known:
            raise CalculatorError(
                f"{name}: unknown input '{key}'{did_you_mean_clause(str(key), sorted(known), cutoff=0.5)} "
                f"(accepted: {', '.join(p.name for p in calculator.params)})"
            )
    values: dict[str, Any] = {}
    for param in calculator.params:
        if param.name in inputs and inputs[param.name] is not None:
            values[param.name] = _normalise(name, param, inputs[param.name])
        elif param.required:
            raise CalculatorError(f"{name}: missing input '{param.name}' ({param.description}; {param.allowed})")
        else:
            values[param.name] = param.default
    try:
        outputs, steps = calculator.func(**values)
    except ZeroDivisionError as error:
        raise CalculatorError(f"{name}: these inputs divide by zero ({error})") from None
    except OverflowError:
        raise CalculatorError(f"{name}: these inputs overflow (numbers too large)") from None
    return CalcResult(calculator=name, inputs=values, outputs=outputs, steps=steps)
