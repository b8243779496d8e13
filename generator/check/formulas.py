"""Rules for an entry's formulas: fields, the expression parsed by the safe language, LaTeX braces, variables and result."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from generator.check import venue_claims
from generator.check.reader import _EntryReader, _source_ref
from generator.check.values import slugify
from generator.load.document import is_slug
from generator.model import Formula, FormulaResult, NodePath, Source, Variable
from generator.suggest import did_you_mean

if TYPE_CHECKING:
    from generator.calc.expression import Expression

FORMULA_FIELDS = ("id", "title", "latex", "expr", "result", "variables", "note", "venue", "as_of", "source")


FORMULA_REQUIRED = ("id", "title", "latex", "expr", "result", "variables")


RESULT_FIELDS = ("name", "symbol", "unit")


VARIABLE_FIELDS = ("symbol", "meaning", "unit")


_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def _read_formulas(
    reader: _EntryReader, value: Any, expressions: dict[str, Expression] | None, sources: tuple[Source, ...] = ()
) -> tuple[Formula, ...]:
    from generator.calc import parse as language  # the safe expression language

    result: list[Formula] = []
    seen: set[str] = set()
    for index, item in enumerate(reader.list_of(("formulas",), value, "formulas")):
        path: NodePath = ("formulas", index)
        mapping = reader.mapping(path, item, FORMULA_FIELDS, FORMULA_REQUIRED, f"formula {index + 1}")
        if mapping is None:
            continue
        formula_id = reader.text((*path, "id"), mapping.get("id"), "formula id", single_line=True)
        if formula_id and not is_slug(formula_id):
            reader.report(
                (*path, "id"),
                "BAD_VALUE",
                f"formula id '{formula_id}' is not [a-z0-9-]",
                f"use '{slugify(formula_id)}'",
            )
        if formula_id in seen:
            reader.report(
                (*path, "id"), "BAD_VALUE", f"formula id '{formula_id}' is used twice", "give each formula its own id"
            )
        seen.add(formula_id)
        latex = reader.text((*path, "latex"), mapping.get("latex"), "latex")
        if latex and not _braces_balance(latex):
            reader.report((*path, "latex"), "FORMULA", "LaTeX braces { } do not balance", "close every { with }")
        variables = _read_variables(reader, (*path, "variables"), mapping.get("variables"))
        result_value = _read_result(reader, (*path, "result"), mapping.get("result"))
        if result_value and result_value.name in {v.name for v in variables}:
            reader.report(
                (*path, "result", "name"),
                "BAD_VALUE",
                f"result name '{result_value.name}' is also a variable",
                "rename the result",
            )
        expr = reader.text((*path, "expr"), mapping.get("expr"), "expr")
        if expr:
            try:
                parsed = language.parse(expr)
            except language.FormulaError as error:
                mark = reader.offset_mark((*path, "expr"), (error.column or 1) - 1)
                reader.report(
                    (*path, "expr"),
                    "FORMULA",
                    f"expression does not parse: {error.message}",
                    "use numbers, declared variables, + - * / **, comparisons, `a if c else b` "
                    "and min max abs sqrt log exp cdf pdf ppf",
                    mark=mark,
                )
            else:
                if expressions is not None:
                    expressions[expr] = parsed
                declared = {v.name for v in variables}
                for name in sorted(parsed.names - declared):
                    offset = _name_offset(expr, name)
                    reader.report(
                        (*path, "expr"),
                        "FORMULA",
                        f"expression uses '{name}', which is not declared",
                        did_you_mean(name, declared, f"declare it under variables: {name}: {{symbol, meaning, unit}}"),
                        mark=reader.offset_mark((*path, "expr"), offset),
                    )
        note = reader.text((*path, "note"), mapping.get("note"), "note") if "note" in mapping else ""
        title = reader.text((*path, "title"), mapping.get("title"), "formula title", single_line=True)
        source_id = _source_ref(reader, path, mapping, sources, "formula")
        what = f"formula '{formula_id}'" if formula_id else f"formula {index + 1}"
        venue, as_of = venue_claims.read_claim(
            reader, path, mapping, what, cites=source_id, sources=sources, needs_source=True
        )
        if formula_id and result_value:
            result.append(
                Formula(formula_id, title, latex, expr, result_value, variables, note, venue, as_of, source_id)
            )
    return tuple(result)


def _name_offset(expr: str, name: str) -> int:
    match = re.search(rf"\b{re.escape(name)}\b", expr)
    return match.start() if match else 0


def _braces_balance(latex: str) -> bool:
    depth = 0
    escaped = False
    for char in latex:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _read_variables(reader: _EntryReader, path: NodePath, value: Any) -> tuple[Variable, ...]:
    if value is None:
        return ()
    if not isinstance(value, dict) or not value:
        reader.report(
            path,
            "WRONG_TYPE",
            "variables must be a mapping of name -> {symbol, meaning, unit}",
            "write `entry: {symbol: 'P_0', meaning: entry price, unit: USDT}`",
        )
        return ()
    from generator.calc.expression import FUNCTIONS

    result = []
    for name, spec in value.items():
        name = str(name)
        item_path = (*path, name)
        if not _IDENTIFIER.fullmatch(name) or name in FUNCTIONS or name in ("and", "or", "not", "if", "else"):
            reader.report(
                item_path,
                "BAD_VALUE",
                f"variable name '{name}' is not usable in expressions",
                "use lower-case letters, digits and underscores, not a function name",
                at_key=True,
            )
        mapping = reader.mapping(item_path, spec, VARIABLE_FIELDS, VARIABLE_FIELDS, f"variable '{name}'")
        if mapping is None:
            continue
        result.append(
            Variable(
                name,
                reader.text((*item_path, "symbol"), mapping.get("symbol"), "symbol", single_line=True),
                reader.text((*item_path, "meaning"), mapping.get("meaning"), "meaning", single_line=True),
                reader.text((*item_path, "unit"), mapping.get("unit"), "unit", single_line=True),
            )
        )
    return tuple(result)


def _read_result(reader: _EntryReader, path: NodePath, value: Any) -> FormulaResult | None:
    if value is None:
        return None
    mapping = reader.mapping(path, value, RESULT_FIELDS, RESULT_FIELDS, "result")
    if mapping is None:
        return None
    name = reader.text((*path, "name"), mapping.get("name"), "result name", single_line=True)
    if name and not _IDENTIFIER.fullmatch(name):
        reader.report(
            (*path, "name"),
            "BAD_VALUE",
            f"result name '{name}' is not an identifier",
            "use lower-case letters, digits and underscores",
        )
    return FormulaResult(
        name,
        reader.text((*path, "symbol"), mapping.get("symbol"), "symbol", single_line=True),
        reader.text((*path, "unit"), mapping.get("unit"), "unit", single_line=True),
    )
