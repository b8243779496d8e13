"""What a calculator is: its inputs (`Param`), outputs, the `Step`s that derive them and
its result, plus the helpers every calculator family writes its steps and inputs with."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from generator.calc.numbers import format_number as fmt


class CalculatorError(ValueError):
    """Bad calculator input; the message names the input and what is allowed."""


class _Required:
    """Sentinel default for inputs that must be given."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()
ParamKind = Literal["number", "integer", "choice", "list", "number_or_list"]


@dataclass(frozen=True)
class Param:
    """One input: its kind, unit, meaning, default (REQUIRED or a value; None = optional)
    and the range it must lie in, so errors and docs say the same thing."""

    name: str
    kind: ParamKind
    unit: str
    description: str
    default: Any = REQUIRED
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def allowed(self) -> str:
        """The allowed values in words, e.g. '> 0' or 'one of long, short'."""
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        parts = []
        if self.minimum is not None:
            parts.append(f"{'>' if self.exclusive_minimum else '>='} {fmt(self.minimum)}")
        if self.maximum is not None:
            parts.append(f"{'<' if self.exclusive_maximum else '<='} {fmt(self.maximum)}")
        what = {
            "number": "a number",
            "integer": "a whole number",
            "list": "a list of numbers",
            "number_or_list": "a number or a list of numbers",
        }[self.kind]
        return what + (" " + " and ".join(parts) if parts else "")


@dataclass(frozen=True)
class Output:
    name: str
    unit: str
    description: str


@dataclass(frozen=True)
class Step:
    """One line of a derivation: the formula, the same with numbers, and the result."""

    label: str
    formula: str
    latex: str
    substituted: str
    value: Any
    unit: str


@dataclass(frozen=True)
class CalcResult:
    calculator: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    steps: tuple[Step, ...]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready data: `{"calculator", "inputs", "outputs", "steps": [...]}`."""
        return {
            "calculator": self.calculator,
            "inputs": dict(self.inputs),
            "outputs": dict(self.outputs),
            "steps": [asdict(step) for step in self.steps],
        }


CalcFunction = Callable[..., tuple[dict[str, Any], tuple[Step, ...]]]


@dataclass(frozen=True)
class Calculator:
    name: str
    title: str
    summary: str
    params: tuple[Param, ...]
    outputs: tuple[Output, ...]
    references: tuple[str, ...]
    func: CalcFunction = field(repr=False, compare=False)
    # Inputs for a demonstration run (the /calculators/ page); taken from a published example.
    example: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def description(self) -> str:
        """The model in words (the calculator function's docstring), for the /calculators/ page."""
        return inspect.getdoc(self.func) or self.summary

    def param(self, name: str) -> Param:
        for param in self.params:
            if param.name == name:
                return param
        raise KeyError(name)


def side_sign(side: str) -> int:
    return 1 if side == "long" else -1


def make_step(label: str, formula: str, latex: str, substituted: str, value: Any, unit: str) -> Step:
    return Step(label=label, formula=formula, latex=latex, substituted=substituted, value=value, unit=unit)


SIDE = Param("side", "choice", "", "position direction", choices=("long", "short"))
CONTRACT = Param(
    "contract",
    "choice",
    "",
    "linear (margined in quote) or inverse (coin-margined, qty in USD)",
    default="linear",
    choices=("linear", "inverse"),
)


def positive_param(name: str, unit: str, description: str, default: Any = REQUIRED) -> Param:
    return Param(name, "number", unit, description, default, minimum=0, exclusive_minimum=True)


def rate_param(name: str, description: str, default: Any = REQUIRED) -> Param:
    return Param(name, "number", "ratio", description, default, minimum=0, maximum=1, exclusive_maximum=True)
