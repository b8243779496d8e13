"""Rules for worked examples: fields, inputs, stated values and tolerances, then each example recomputed and compared."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from generator.check import venue_claims
from generator.check.reader import _EntryReader, _source_ref
from generator.check.values import precision_of
from generator.load.scalars import yaml11_reading
from generator.model import Document, Entry, Example, Formula, NodePath, Problem, Source
from generator.suggest import did_you_mean

if TYPE_CHECKING:
    from generator.calc.expression import Expression
    from generator.calc.worked_examples import ExampleResult

EXAMPLE_FIELDS = ("title", "calculator", "formula", "inputs", "expect", "tolerance", "source", "note", "venue", "as_of")


EXAMPLE_REQUIRED = ("title", "inputs", "expect", "source")


def _read_examples(
    reader: _EntryReader, value: Any, formulas: tuple[Formula, ...], sources: tuple[Source, ...]
) -> tuple[Example, ...]:
    result: list[Example] = []
    formula_ids = {f.id for f in formulas}
    for index, item in enumerate(reader.list_of(("examples",), value, "examples")):
        path: NodePath = ("examples", index)
        mapping = reader.mapping(path, item, EXAMPLE_FIELDS, EXAMPLE_REQUIRED, f"example {index + 1}")
        if mapping is None:
            continue
        title = reader.text((*path, "title"), mapping.get("title"), "example title", single_line=True)
        calculator = mapping.get("calculator")
        formula = mapping.get("formula")
        if (calculator is None) == (formula is None):
            reader.report(
                path,
                "BAD_VALUE",
                "an example names exactly one of `calculator` or `formula`",
                "use `calculator: NAME` for a named calculator or `formula: ID` for this entry's formula",
            )
        calculator = (
            reader.text((*path, "calculator"), calculator, "calculator", single_line=True) or None
            if calculator is not None
            else None
        )
        formula = (
            reader.text((*path, "formula"), formula, "formula", single_line=True) or None
            if formula is not None
            else None
        )
        if formula and formula not in formula_ids:
            reader.report(
                (*path, "formula"),
                "DANGLING_LINK",
                f"example uses formula '{formula}', which this entry does not define",
                did_you_mean(formula, formula_ids, "add the formula under `formulas:` or fix the id"),
            )
        inputs = mapping.get("inputs")
        if not isinstance(inputs, dict):
            if inputs is not None:
                reader.report(
                    (*path, "inputs"),
                    "WRONG_TYPE",
                    "inputs must be a mapping of name: value",
                    "write inputs as {entry: 50000, qty: 1}",
                )
            inputs = {}
        expect = mapping.get("expect")
        if not isinstance(expect, dict) or not expect:
            if expect is not None:
                reader.report(
                    (*path, "expect"),
                    "WRONG_TYPE",
                    "expect must be a non-empty mapping of output: value",
                    "write expect as {liquidation_price: 45226.13}",
                )
            expect = {}
        _yaml11_lookalikes(reader, path, inputs, expect)
        expect = {name: stated for name, stated in expect.items() if _finite_stated(reader, path, name, stated)}
        tolerance = _read_tolerance(reader, path, mapping.get("tolerance"), expect)
        source_id = _source_ref(reader, path, mapping, sources, "example")
        what = f"example '{title}'" if title else f"example {index + 1}"
        venue, as_of = venue_claims.read_claim(
            reader, path, mapping, what, cites=source_id, sources=sources, needs_source=False
        )
        note = reader.text((*path, "note"), mapping.get("note"), "note") if "note" in mapping else ""
        if calculator or formula:
            result.append(
                Example(
                    title, calculator, formula, dict(inputs), dict(expect), tolerance, source_id, note, venue, as_of
                )
            )
    return tuple(result)


def _yaml11_lookalikes(
    reader: _EntryReader, path: NodePath, inputs: Mapping[str, Any], expect: Mapping[str, Any]
) -> None:
    """Example values that are text here but numbers or booleans in YAML 1.1 (`1:30` is 90
    there, `010` is 8, `yes` is true): where a number is expected, say why this is none."""
    for field, values in (("inputs", inputs), ("expect", expect)):
        for name, value in values.items():
            for index, item in enumerate(value) if isinstance(value, list) else ((None, value),):
                reading = yaml11_reading(item) if isinstance(item, str) else None
                if reading is None:
                    continue
                where = (*path, field, name) if index is None else (*path, field, name, index)
                reader.report(
                    where,
                    "AMBIGUOUS_VALUE",
                    f"'{item}' is text here, not a number or true/false (YAML 1.1 tools read it as "
                    f"{reading!r}; entries are read by YAML 1.2 rules)",
                    "write a number in plain decimal digits (such as 90 or 0.5) and true/false as "
                    "true or false; quote it if text is meant",
                )


def _finite_stated(reader: _EntryReader, path: NodePath, name: Any, stated: Any) -> bool:
    """`.inf`, `.nan` and `1.0e+400` (read as infinity) cannot be compared with anything."""
    values = stated if isinstance(stated, list) else [stated]
    if not any(isinstance(v, float) and not math.isfinite(v) for v in values):
        return True
    raw = reader.doc.raw.get((*path, "expect", name)) or str(stated)
    reader.report(
        (*path, "expect", name),
        "BAD_VALUE",
        f"stated value {raw} of {name} is not a finite number",
        "write the number as the source states it; .inf, .nan and numbers beyond 1e308 cannot be checked",
    )
    return False


def _read_tolerance(reader: _EntryReader, path: NodePath, value: Any, expect: Mapping[str, Any]) -> dict[str, float]:
    explicit: dict[str, float] = {}
    if value is not None:
        if _is_tolerance(value):
            explicit = {name: float(value) for name in expect}
        elif isinstance(value, dict) and all(_is_tolerance(v) for v in value.values()):
            explicit = {str(k): float(v) for k, v in value.items()}
        else:
            reader.report(
                (*path, "tolerance"),
                "WRONG_TYPE",
                "tolerance must be a finite non-negative number or a mapping of output: number",
                "write `tolerance: 0.01`",
            )
    result: dict[str, float] = {}
    for name, stated in expect.items():
        if name in explicit:
            result[name] = explicit[name]
            continue
        raws = [reader.doc.raw.get((*path, "expect", name))]
        if isinstance(stated, list):
            raws = [reader.doc.raw.get((*path, "expect", name, i)) for i in range(len(stated))]
        precisions = [precision_of(raw) for raw in raws if raw]
        if precisions:
            result[name] = max(precisions)
    return result


def _is_tolerance(value: Any) -> bool:
    """A usable tolerance: `.inf` would let any stated value pass, `.nan` none."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


def check_examples(
    entry: Entry, doc: Document, expressions: dict[str, Expression] | None = None
) -> tuple[list[Problem], tuple[ExampleResult, ...]]:
    """Recompute every worked example; a stated value that disagrees is an error.

    The results, one per example in order, are the only computation of the examples: the
    pages and the charts are made from them (`pipeline.Loaded.examples`). `expressions`
    (from `read_entry` of this entry) spares parsing its formulas again.
    """
    from generator.calc.worked_examples import compute_example

    reader = _EntryReader(doc)
    results = []
    for index, example in enumerate(entry.examples):
        path: NodePath = ("examples", index)
        outcome = compute_example(entry, example, expressions)
        results.append(outcome)
        if outcome.error:
            where = (*path, "calculator") if example.calculator else (*path, "formula")
            reader.report(
                where,
                "EXAMPLE_ERROR",
                f"example '{example.title}' cannot be computed: {outcome.error}",
                "check the calculator name and inputs with `glossary calc --list`",
            )
            continue
        for comparison in outcome.comparisons:
            if not comparison.ok:
                reader.report(
                    (*path, "expect", comparison.name),
                    "EXAMPLE_MISMATCH",
                    f"example '{example.title}': {comparison.name} expected {comparison.expected!r}, "
                    f"computed {_show(comparison.computed)} (tolerance {comparison.tolerance:g})",
                    "fix the stated value or the inputs; the build recomputes every example",
                )
    return reader.problems, tuple(results)


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return repr(value)
