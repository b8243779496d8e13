"""Worked examples recomputed and compared with what the author wrote.

The checker reports the comparisons and the compute stage hands the results to the pages
and charts; both call this, below them both.

An example either names a calculator (`calculator: liquidation_price`) or one of its entry's
own formulas (`formula: isolated-linear-long`). Either way the result carries the outputs,
the step-by-step derivation the page shows, and one `Comparison` per stated value, so the
checker can report EXAMPLE_MISMATCH with both numbers and the renderer can show the steps.
Bad author input never raises here: it becomes `ExampleResult.error` (EXAMPLE_ERROR).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from generator.calc.calculators import CalcResult, CalculatorError, Step, run
from generator.calc.evaluate import evaluate, substitute
from generator.calc.expression import Expression, FormulaError
from generator.calc.parse import parse, restrict
from generator.model import Entry, Example, Formula

DEFAULT_RELATIVE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Comparison:
    """One stated value against the computed one; `tolerance` is absolute."""

    name: str
    expected: Any
    computed: Any
    tolerance: float
    ok: bool


@dataclass(frozen=True)
class ExampleResult:
    example: Example
    outputs: dict[str, Any]
    steps: tuple[Step, ...]
    comparisons: tuple[Comparison, ...]
    error: str | None
    # The calculator's whole run (inputs with defaults, every output), for the charts.
    run: CalcResult | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and all(c.ok for c in self.comparisons)

    @property
    def mismatches(self) -> tuple[Comparison, ...]:
        return tuple(c for c in self.comparisons if not c.ok)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _tolerance_for(name: str, expected: Any, tolerances: Mapping[str, float]) -> float:
    """The author's (or checker's) tolerance, else 1e-9 relative to the stated value."""
    if name in tolerances:
        return float(tolerances[name])
    magnitude = abs(float(expected)) if _is_number(expected) else 0.0
    return max(DEFAULT_RELATIVE_TOLERANCE * magnitude, 1e-12)


def values_match(expected: Any, computed: Any, tolerance: float | None) -> bool:
    """Numbers within tolerance (None: 1e-9 relative); bools and strings exactly;
    lists elementwise; mappings key by key (every stated key must match)."""
    if isinstance(expected, bool) or isinstance(computed, bool):
        return isinstance(expected, bool) and isinstance(computed, bool) and expected == computed
    if _is_number(expected):
        if not _is_number(computed) or not math.isfinite(float(computed)):
            return False
        allowed = tolerance if tolerance is not None else max(DEFAULT_RELATIVE_TOLERANCE * abs(expected), 1e-12)
        return abs(float(computed) - float(expected)) <= allowed
    if isinstance(expected, (list, tuple)):
        return (
            isinstance(computed, (list, tuple))
            and len(expected) == len(computed)
            and all(values_match(e, c, tolerance) for e, c in zip(expected, computed))
        )
    if isinstance(expected, Mapping):
        return isinstance(computed, Mapping) and all(
            key in computed and values_match(value, computed[key], tolerance) for key, value in expected.items()
        )
    return expected == computed


def _compare(example: Example, outputs: Mapping[str, Any]) -> tuple[tuple[Comparison, ...], str | None]:
    unknown = [name for name in example.expect if name not in outputs]
    if unknown:
        return (), (
            f"expect names {', '.join(repr(n) for n in unknown)}, which the computation does not produce "
            f"(outputs: {', '.join(outputs) or 'none'})"
        )
    comparisons = []
    for name, expected in example.expect.items():
        computed = outputs[name]
        explicit = name in example.tolerance
        tolerance = _tolerance_for(name, expected, example.tolerance)
        ok = values_match(expected, computed, tolerance if explicit or _is_number(expected) else None)
        comparisons.append(Comparison(name=name, expected=expected, computed=computed, tolerance=tolerance, ok=ok))
    return tuple(comparisons), None


def _find_formula(entry: Entry, formula_id: str) -> Formula | None:
    return next((f for f in entry.formulas if f.id == formula_id), None)


def _expression(text: str, declared: list[str], parsed: MutableMapping[str, Expression] | None) -> Expression:
    """`parse(text, declared)`, from an earlier parse of the same text in `parsed` when there is one."""
    known = None if parsed is None else parsed.get(text)
    if known is not None:
        return restrict(known, declared)
    expression = parse(text, declared)
    if parsed is not None:
        parsed[text] = expression
    return expression


def _formula_example(
    entry: Entry, example: Example, parsed: MutableMapping[str, Expression] | None
) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Evaluate one of the entry's formulas with the example's inputs."""
    assert example.formula is not None
    formula = _find_formula(entry, example.formula)
    if formula is None:
        known = ", ".join(f.id for f in entry.formulas) or "none"
        raise FormulaError(f"this entry has no formula '{example.formula}' (formulas: {known})")
    declared = [variable.name for variable in formula.variables]
    expression = _expression(formula.expr, declared, parsed)
    extra = sorted(set(example.inputs) - set(declared))
    if extra:
        raise FormulaError(
            f"input {', '.join(repr(n) for n in extra)} is not a variable of formula '{formula.id}' "
            f"(variables: {', '.join(declared)})"
        )
    missing = sorted(expression.names - set(example.inputs))
    if missing:
        raise FormulaError(f"missing input {', '.join(repr(n) for n in missing)} for formula '{formula.id}'")
    value = evaluate(expression, example.inputs)
    step = Step(
        label=formula.title,
        formula=f"{formula.result.name} = {formula.expr}",
        latex=formula.latex,
        substituted=substitute(expression, example.inputs),
        value=value,
        unit=formula.result.unit,
    )
    return {formula.result.name: value}, (step,)


def compute_example(
    entry: Entry, example: Example, parsed: MutableMapping[str, Expression] | None = None
) -> ExampleResult:
    """Recompute one worked example; author mistakes land in `error`, never as exceptions.

    `parsed` maps an expression's text to a successful `formulas.parse` of it (with any
    variables), so that a formula the caller has parsed, or an earlier example of the
    same entry used, is not parsed again; new parses are added. Give one per entry, not
    one across entries.
    """
    try:
        if example.calculator and example.formula:
            raise CalculatorError("give either 'calculator' or 'formula', not both")
        calculated = None
        if example.calculator:
            calculated = run(example.calculator, example.inputs)
            outputs, steps = dict(calculated.outputs), calculated.steps
        elif example.formula:
            outputs, steps = _formula_example(entry, example, parsed)
        else:
            raise CalculatorError("an example needs 'calculator' (a named calculator) or 'formula' (a formula id)")
    except (CalculatorError, FormulaError) as failed:
        return ExampleResult(example=example, outputs={}, steps=(), comparisons=(), error=str(failed))
    comparisons, error = _compare(example, outputs)
    return ExampleResult(
        example=example, outputs=outputs, steps=steps, comparisons=comparisons, error=error, run=calculated
    )


def compute_entry(entry: Entry) -> tuple[ExampleResult, ...]:
    """Every worked example of an entry, in order; each formula is parsed once."""
    parsed: dict[str, Expression] = {}
    return tuple(compute_example(entry, example, parsed) for example in entry.examples)
