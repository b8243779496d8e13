"""What an entry page's "Try it" forms are given (as `data-try`): for a formula, its parsed
tree and variables, prefilled with its first worked example; for a worked example, its
calculator or formula and its own inputs, with the values the source stated, shown beside
the result while the reader leaves the inputs as they are. `calc-form.js` builds the form
(`calc-ui.js` finds the forms on the page)."""

from __future__ import annotations

from typing import Any

from generator.calc.browser import expression_json
from generator.calc.expression import FormulaError
from generator.calc.parse import parse
from generator.model import Entry, Example, Formula


def formula_try(entry: Entry, formula: Formula, example: Example | None = None) -> dict[str, Any] | None:
    """The form of one formula; prefilled with `example`, else the formula's first example.
    A formula form on its own (no `example`) keeps its calculation in the address
    (?formula=ID&name=value)."""
    try:
        expr = parse(formula.expr, [v.name for v in formula.variables])
    except FormulaError:
        return None  # the checker has reported it; the page shows the formula without a form
    prefill = example or next((x for x in entry.examples if x.formula == formula.id), None)
    data: dict[str, Any] = {
        "formula": expression_json(expr),
        "vars": [{"name": v.name, "meaning": v.meaning, "unit": v.unit} for v in formula.variables],
        "result": {"name": formula.result.name, "unit": formula.result.unit},
        "inputs": _numbers(prefill.inputs) if prefill else {},
        "expect": _numbers(prefill.expect) if prefill else {},
    }
    if example is None:
        data["id"] = formula.id
    return data


def example_try(entry: Entry, example: Example) -> dict[str, Any] | None:
    """The form of one worked example: its calculator, or its entry's formula."""
    if example.calculator:
        return {"calc": example.calculator, "inputs": example.inputs, "expect": _numbers(example.expect)}
    formula = next((f for f in entry.formulas if f.id == example.formula), None)
    return formula_try(entry, formula, example) if formula else None


def _numbers(values: dict[str, Any]) -> dict[str, Any]:
    """Only plain numbers, lists and truth values go to the page (no author text)."""
    return {
        k: v
        for k, v in values.items()
        if isinstance(v, (int, float, bool)) or (isinstance(v, list) and all(isinstance(x, (int, float)) for x in v))
    }
