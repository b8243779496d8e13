"""`glossary calc` - run a named leverage calculator from the command line.

    glossary calc --list
    glossary calc liquidation_price --set side=long --set entry=50000 --set leverage=10 --set mmr=0.005 [--json | --url]

Each `--set` value is read as JSON when it parses (numbers, lists, true/false) and as a
plain string otherwise, so `side=long` and `index_returns=[0.1,-0.1]` both work.
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any
from urllib.parse import urlencode

from generator.calc.calculators import CALCULATORS, CalcResult, CalculatorError, unit_for
from generator.calc.calculators import run as run_calculator
from generator.calc.parse import format_number
from generator.cli import UsageError
from generator.settings import CONFIG_FILE, site_settings
from generator.suggest import did_you_mean_clause


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", nargs="?", metavar="NAME", help="calculator name (see --list)")
    parser.add_argument("--list", action="store_true", help="list calculators with their inputs and outputs")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        dest="assignments",
        help="an input; VALUE is parsed as JSON when it parses, else taken as text (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--url", action="store_true", help="print the address that opens this calculation on the site's /calculators/"
    )


def parse_assignments(assignments: list[str]) -> dict[str, Any]:
    """`key=value` pairs -> inputs; JSON values when they parse, strings otherwise."""
    inputs: dict[str, Any] = {}
    for item in assignments:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--set expects KEY=VALUE, got {item!r}")
        if key in inputs:
            raise UsageError(f"--set {key} given twice")
        try:
            value: Any = json.loads(text, parse_constant=_reject_constant)
        except (ValueError, RecursionError):
            value = text
        inputs[key] = value
    return inputs


def _reject_constant(name: str) -> Any:
    raise ValueError(name)  # NaN / Infinity stay strings and are refused as numbers later


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, (bool, int, float)):
        return format_number(value)
    if isinstance(value, list):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_show(item)}" for key, item in value.items()) + "}"
    return str(value)


def _listing() -> str:
    lines: list[str] = []
    for calc in CALCULATORS.values():
        lines.append(f"{calc.name} - {calc.summary}")
        for param in calc.params:
            default = "" if param.required else f" [default: {_show(param.default)}]"
            unit = f" ({param.unit})" if param.unit else ""
            lines.append(f"    {param.name}{unit}: {param.description}; {param.allowed}{default}")
        outputs = ", ".join(output.name for output in calc.outputs)
        lines.append(f"    -> {outputs}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_text(result: CalcResult) -> str:
    """The readable derivation: inputs, each step with its substitution, outputs with units."""
    calc = CALCULATORS[result.calculator]
    lines = [calc.title, "", "Inputs:"]
    for param in calc.params:
        unit_text = unit_for(param, result.inputs)
        unit = f" {unit_text}" if unit_text and result.inputs[param.name] is not None else ""
        lines.append(f"  {param.name} = {_show(result.inputs[param.name])}{unit}")
    lines += ["", "Steps:"]
    for number, step in enumerate(result.steps, start=1):
        unit = f" {step.unit}" if step.unit else ""
        lines.append(f"  {number}. {step.label}")
        lines.append(f"     {step.formula}")
        lines.append(f"     = {step.substituted}")
        lines.append(f"     = {_show(step.value)}{unit}")
    lines += ["", "Outputs:"]
    for output in calc.outputs:
        value = result.outputs.get(output.name)
        unit_text = unit_for(output, result.inputs)
        unit = f" {unit_text}" if unit_text and value is not None else ""
        lines.append(f"  {output.name} = {_show(value)}{unit}")
    return "\n".join(lines) + "\n"


def _url_text(value: Any) -> str:
    """An input as the address writes it: exact numbers, lists comma-separated."""
    if isinstance(value, (list, tuple)):
        return ",".join(_url_text(item) for item in value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def share_url(result: CalcResult, given: dict[str, Any]) -> str:
    """The /calculators/ address that opens this calculation, filled in and computed; it
    holds the inputs given (checked and in canonical form), defaults left to the page."""
    site_url, _ = site_settings(CONFIG_FILE)
    pairs = [("calc", result.calculator)]
    pairs += [(name, _url_text(value)) for name, value in result.inputs.items() if name in given and value is not None]
    return f"{site_url}calculators/?{urlencode(pairs, safe=',')}"


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    return value


def run(args: argparse.Namespace) -> int:
    if args.list:
        if args.name or args.assignments:
            raise UsageError("--list takes no calculator name or --set")
        print(_listing(), end="")
        return 0
    if not args.name:
        raise UsageError("name a calculator (glossary calc NAME --set key=value ...) or use --list")
    if args.name not in CALCULATORS:
        raise UsageError(
            f"unknown calculator '{args.name}'{did_you_mean_clause(args.name, CALCULATORS, cutoff=0.5)}; "
            "see glossary calc --list"
        )
    inputs = parse_assignments(args.assignments)
    try:
        result = run_calculator(args.name, inputs)
    except CalculatorError as error:
        raise UsageError(str(error)) from None
    if args.url:
        print(share_url(result, inputs))
    elif args.json:
        print(json.dumps(_json_safe(result.to_json()), indent=2, ensure_ascii=False, allow_nan=False))
    else:
        print(render_text(result), end="")
    return 0
