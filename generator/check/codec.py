"""Per-file check results as plain tuples, and back.

A `FileCheck` crosses a process boundary (worker -> main) and is kept in the result
cache between runs. The cache is read with `marshal`, which rebuilds plain data only
and can never run code, so the dataclasses are flattened to tuples of their fields in
declaration order, with nested dataclasses flattened the same way. `SHAPES` says which
fields hold nested dataclasses, one (`False`) or a tuple of them (`True`).
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from generator.calc.definition import CalcResult, Step
from generator.calc.worked_examples import Comparison, ExampleResult
from generator.check.fields import FileCheck
from generator.model import (
    Entry,
    Example,
    FaqItem,
    Formula,
    FormulaResult,
    Mark,
    Problem,
    Severity,
    Source,
    Variable,
)

SHAPES: dict[type, dict[str, tuple[type, bool]]] = {
    FileCheck: {"entry": (Entry, False), "problems": (Problem, True), "examples": (ExampleResult, True)},
    Entry: {
        "formulas": (Formula, True),
        "examples": (Example, True),
        "faq": (FaqItem, True),
        "sources": (Source, True),
    },
    Formula: {"result": (FormulaResult, False), "variables": (Variable, True)},
    Problem: {"mark": (Mark, False)},
    ExampleResult: {
        "example": (Example, False),
        "steps": (Step, True),
        "comparisons": (Comparison, True),
        "run": (CalcResult, False),
    },
    CalcResult: {"steps": (Step, True)},
    Step: {},
    Comparison: {},
    Example: {},
    FaqItem: {},
    Source: {},
    Variable: {},
    FormulaResult: {},
    Mark: {},
}
_NAMES = {
    cls: getattr(cls, "_fields", None) or tuple(f.name for f in fields(cls)) for cls in SHAPES
}  # Mark: a named tuple


def to_plain(value: Any, cls: type = FileCheck) -> tuple:
    """`value` (an instance of `cls`) as nested tuples of its fields."""
    shape = SHAPES[cls]
    out = []
    for name in _NAMES[cls]:
        item = getattr(value, name)
        nested = shape.get(name)
        if nested is not None and item is not None:
            inner, many = nested
            item = tuple(to_plain(x, inner) for x in item) if many else to_plain(item, inner)
        elif isinstance(item, Severity):
            item = item.value
        out.append(item)
    return tuple(out)


# field index -> (class, many) for the fields that hold dataclasses
_NESTED = {
    cls: [(_NAMES[cls].index(name), inner, many) for name, (inner, many) in shape.items()]
    for cls, shape in SHAPES.items()
}


def from_plain(plain: tuple, cls: type = FileCheck) -> Any:
    """The inverse of `to_plain`; raises TypeError or ValueError on data of the wrong shape."""
    if len(plain) != len(_NAMES[cls]):
        raise ValueError(f"{cls.__name__} needs {len(_NAMES[cls])} fields, got {len(plain)}")
    nested = _NESTED[cls]
    if not nested:
        return cls(*plain)  # most classes: text and numbers only
    values = list(plain)
    for index, inner, many in nested:
        item = values[index]
        if item is not None:
            values[index] = tuple([from_plain(x, inner) for x in item]) if many else from_plain(item, inner)
    if cls is Problem:
        values[-1] = Severity(values[-1])
    return cls(*values)
