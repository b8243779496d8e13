"""Calculator programs: a calculator's derivation written as data, in the safe expression
language, so that Python (here) and the reader's browser (`calc-engine.js`, fed the same
program as JSON by `calc/browser.py`) run one definition and cannot drift apart.

A program is a sequence of statements run top to bottom over the checked inputs:
- `Let` names a value (`margin = qty * entry / leverage`); with a label it is a step of the
  derivation, shown with the numbers substituted; `when` makes it conditional.
- `Fail` stops with a coded, readable error when its test holds.
Inputs are bound by name; a choice input also binds one boolean per choice
(`side_long`, `contract_inverse`) and, when it declares numbers for its choices, its name
(`side` = 1 or -1); an optional input binds `has_NAME`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator.calc.evaluate import eval_node, evaluate, substitute
from generator.calc.expression import Expression, FormulaError
from generator.calc.numbers import show_value
from generator.calc.parse import parse


@dataclass(frozen=True)
class Let:
    name: str
    expr: Expression
    label: str = ""
    latex: str = ""
    unit: str = ""
    when: Expression | None = None

    @property
    def formula(self) -> str:
        return f"{self.name} = {' '.join(self.expr.source.split())}"


@dataclass(frozen=True)
class Fail:
    test: Expression
    code: str
    message: str  # `{name}` placeholders are filled with the values, as derivations show them


Statement = Let | Fail


@dataclass(frozen=True)
class StepValue:
    """One shown step as computed: which `Let`, its substitution and value."""

    let: Let
    substituted: str
    value: Any


class ProgramError(ValueError):
    """A program stopped: by a `Fail` or by a step that cannot be computed."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def fill(template: str, values: Mapping[str, Any]) -> str:
    """`template` with each `{name}` replaced by its value as derivations show it."""
    return _PLACEHOLDER.sub(lambda m: show_value(values.get(m.group(1))), template)


def let(name: str, source: str, label: str = "", latex: str = "", unit: str = "", when: str = "") -> Let:
    return Let(name, parse(source, lists=True), label, latex, unit, parse(when) if when else None)


def fail(test: str, code: str, message: str) -> Fail:
    return Fail(parse(test, lists=True), code, message)


def check_names(statements: Sequence[Statement], bound: set[str], where: str) -> None:
    """Refuse at import a program that reads a name nothing binds before it (a typo)."""
    known = set(bound)
    for statement in statements:
        exprs = [statement.expr, statement.when] if isinstance(statement, Let) else [statement.test]
        for expr in exprs:
            if expr is not None and not expr.names <= known:
                raise AssertionError(f"{where}: {sorted(expr.names - known)} used before it is bound")
        if isinstance(statement, Let):
            known.add(statement.name)
        else:
            unknown = set(_PLACEHOLDER.findall(statement.message)) - known
            if unknown:
                raise AssertionError(f"{where}: message names {sorted(unknown)}, which are not bound")


def run_program(statements: Sequence[Statement], values: dict[str, Any]) -> list[StepValue]:
    """Run the statements over `values` (inputs bound), adding each `Let`; the shown steps."""
    steps: list[StepValue] = []
    for statement in statements:
        if isinstance(statement, Fail):
            if _test(statement.test, values, statement.code):
                raise ProgramError(fill(statement.message, values), statement.code)
            continue
        if statement.when is not None and not _test(statement.when, values, "when"):
            continue
        try:
            value = evaluate(statement.expr, values)
            shown = substitute(statement.expr, values) if statement.label else ""
        except FormulaError as error:
            raise ProgramError(f"{statement.label or statement.name}: {error.message}", error.code) from None
        values[statement.name] = value
        if statement.label:
            steps.append(StepValue(statement, shown, value))
    return steps


def _test(expr: Expression, values: Mapping[str, Any], what: str) -> bool:
    """A condition, read left to right: `and`/`or` stop early, so a branch's later names
    (`mm_basis_entry and maintenance > 0`) need only exist when the branch applies."""
    try:
        return bool(eval_node(expr._tree, values))
    except FormulaError as error:
        raise ProgramError(f"{what}: {error.message}", error.code) from None
