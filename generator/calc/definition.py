"""What a calculator is: its inputs (`Param`), outputs, the `Step`s that derive them and
its result, plus the helpers every calculator family writes its steps and inputs with."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from generator.calc.expression import Expression
from generator.calc.numbers import format_number as fmt
from generator.calc.parse import parse
from generator.calc.program import Statement, check_names


class CalculatorError(ValueError):
    """Bad calculator input; the message names the input and what is allowed, and the code
    says which rule refused it (the browser's engine gives the same code and message)."""

    def __init__(self, message: str, code: str = "input") -> None:
        super().__init__(message)
        self.code = code


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
    # For a choice: the number each choice stands for in the program (side: long 1, short -1).
    numbers: tuple[float, ...] = ()

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
    """A result: the program's value of the same name, or none when the program did not
    compute it or `none_when` holds (a long that can never be liquidated)."""

    name: str
    unit: str
    description: str
    none_when: Expression | None = None


def output(name: str, unit: str, description: str, none_when: str = "") -> Output:
    return Output(name, unit, description, parse(none_when) if none_when else None)


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


@dataclass(frozen=True)
class Calculator:
    name: str
    title: str
    summary: str
    params: tuple[Param, ...]
    outputs: tuple[Output, ...]
    references: tuple[str, ...]
    program: tuple[Statement, ...] = field(repr=False, compare=False)
    # Inputs for a demonstration run (the /calculators/ page); taken from a published example.
    example: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    # The model in words, for the /calculators/ page and `glossary calc --list`.
    description: str = ""
    # Inputs of which exactly one must be given (liquidation price: leverage or margin).
    one_of: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_names(self.program, set(bound_names(self.params)), self.name)

    def param(self, name: str) -> Param:
        for param in self.params:
            if param.name == name:
                return param
        raise KeyError(name)


def bound_names(params: tuple[Param, ...]) -> dict[str, str]:
    """Every name a program can read from its inputs, with the input it comes from."""
    names: dict[str, str] = {}
    for param in params:
        if param.kind == "choice":
            names.update({f"{param.name}_{choice}": param.name for choice in param.choices})
            if param.numbers:
                names[param.name] = param.name
        else:
            names[param.name] = param.name
            if param.default is None:
                names[f"has_{param.name}"] = param.name
    return names


def bind_inputs(params: tuple[Param, ...], values: dict[str, Any]) -> dict[str, Any]:
    """The program's starting values for checked inputs (see `bound_names`)."""
    bound: dict[str, Any] = {}
    for param in params:
        value = values[param.name]
        if param.kind == "choice":
            for index, choice in enumerate(param.choices):
                bound[f"{param.name}_{choice}"] = value == choice
                if param.numbers and value == choice:
                    bound[param.name] = param.numbers[index]
            continue
        if param.default is None:
            bound[f"has_{param.name}"] = value is not None
        if value is not None:
            bound[param.name] = value
    return bound


SIDE = Param("side", "choice", "", "position direction", choices=("long", "short"), numbers=(1.0, -1.0))
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
