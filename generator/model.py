"""Plain data passed between pipeline stages.

Every stage takes and returns these frozen dataclasses, so a stage can be tested alone
and nothing downstream needs to know how the data was produced. Positions are kept as
`Mark`s so that any later stage can still point an author at the line that caused a
problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal, NamedTuple

Kind = Literal["definition", "term", "area"]
KINDS: tuple[Kind, ...] = ("definition", "term", "area")

# Relation types an author may state. Each maps to its inverse; a symmetric type is
# its own inverse. The link stage adds the inverse edges, so authors state one side.
RELATION_INVERSES: dict[str, str] = {
    "broader": "narrower",
    "narrower": "broader",
    "related": "related",
    "contrasts": "contrasts",
    "uses": "used_by",
    "used_by": "uses",
}
RELATION_TYPES: tuple[str, ...] = tuple(RELATION_INVERSES)

# Where each kind's page lives; the address is part of the citable identity.
KIND_SECTIONS: dict[str, str] = {"definition": "definition", "term": "term", "area": "area"}
# What readers see each kind called, everywhere: page badges, search results, hover
# previews, A-Z, the feed. The one source of these words; `kind` itself stays the data value.
KIND_LABELS: dict[str, str] = {"definition": "Definition", "term": "Article", "area": "Area"}
KIND_PLURALS: dict[str, str] = {"definition": "Definitions", "term": "Articles", "area": "Areas"}


class Severity(str, Enum):  # noqa: UP042 - str() of a member is its name, as the messages use it
    ERROR = "error"
    WARNING = "warning"


class Mark(NamedTuple):
    """A 1-based line and column in a source file.

    A named tuple rather than a dataclass: the loader makes one for every node and key of
    every file, and a tuple is several times cheaper to create.
    """

    line: int
    column: int


NO_MARK = Mark(1, 1)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, phrased for the author who has to fix it."""

    path: str
    mark: Mark
    code: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def as_row(self) -> tuple[str, int, int, str, str, str, str]:
        """Plain values only, for files (the verdict cache, a build's report) and back (`from_row`)."""
        return (self.path, self.mark.line, self.mark.column, self.code, self.message, self.hint, self.severity.value)

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Problem:
        path, line, column, code, message, hint, severity = row
        return cls(path, Mark(line, column), code, message, hint, Severity(severity))

    def format(self) -> str:
        """`path:line:col: CODE message (hint)` - the shape editors and CI understand."""
        text = f"{self.path}:{self.mark.line}:{self.mark.column}: {self.code} {self.message}"
        if self.severity is Severity.WARNING:
            text = f"{self.path}:{self.mark.line}:{self.mark.column}: {self.code} warning: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text


# A path into a YAML document: mapping keys and sequence indexes, e.g. ("formulas", 0, "expr").
NodePath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed YAML file: plain Python data plus where every node came from.

    `marks` holds the position of each value, `key_marks` of each mapping key, and
    `raw` the source text of each plain numeric scalar (so `45226.10` keeps its two
    decimals when a worked example is compared at its stated precision); `text` is the
    decoded file, used to point at a `[[link]]` inside a long body.
    """

    path: str
    data: Any
    marks: dict[NodePath, Mark]
    key_marks: dict[NodePath, Mark]
    raw: dict[NodePath, str]
    text: str = ""

    def mark(self, path: NodePath) -> Mark:
        """The closest known position for `path`, walking up to a parent if needed."""
        while path:
            found = self.marks.get(path)
            if found is not None:
                return found
            path = path[:-1]
        return self.marks.get((), NO_MARK)

    def key_mark(self, path: NodePath) -> Mark:
        return self.key_marks.get(path) or self.mark(path)


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    symbol: str
    meaning: str
    unit: str


@dataclass(frozen=True, slots=True)
class FormulaResult:
    name: str
    symbol: str
    unit: str


@dataclass(frozen=True, slots=True)
class Formula:
    id: str
    title: str
    latex: str
    expr: str
    result: FormulaResult
    variables: tuple[Variable, ...]
    note: str = ""
    venue: str = ""  # the venue or protocol whose rule this is (a dated venue claim), or ""
    as_of: str = ""  # ISO date the claim was last checked against `source`; set exactly when venue is
    source: str | None = None  # id of the entry's source that states the formula


@dataclass(frozen=True, slots=True)
class Example:
    """A worked example: inputs fed to a calculator or to one of the entry's formulas.

    `expect` maps output names to stated values; `precision` maps the same names to the
    tolerance implied by how the value was written (half a unit in its last decimal)
    unless the author gave `tolerance` explicitly.
    """

    title: str
    calculator: str | None
    formula: str | None
    inputs: dict[str, Any]
    expect: dict[str, Any]
    tolerance: dict[str, float]
    source: str | None
    note: str = ""
    venue: str = ""  # as on `Formula`: whose rule the example applies, checked on `as_of`
    as_of: str = ""


@dataclass(frozen=True, slots=True)
class FaqItem:
    facet: str
    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    publisher: str
    url: str
    accessed: str
    id: str | None = None
    note: str = ""
    type: str = ""  # "primary" (the venue's own docs, the regulation, the paper, the book) or "secondary"


@dataclass(frozen=True, slots=True)
class Entry:
    """One validated knowledge-base entry, as authors meant it (no inferred data)."""

    slug: str
    path: str
    title: str
    kind: Kind
    summary: str
    body: str
    in_brief: str = ""  # "In brief": what it is and when it matters (required for terms; "" when absent)
    aliases: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    relations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    formulas: tuple[Formula, ...] = ()
    examples: tuple[Example, ...] = ()
    faq: tuple[FaqItem, ...] = ()
    sources: tuple[Source, ...] = ()
    published: str = ""
    modified: str = ""

    @property
    def url_path(self) -> str:
        """Site-relative address, e.g. `term/liquidation-price/`; stable, so citable."""
        return f"{KIND_SECTIONS[self.kind]}/{self.slug}/"

    @property
    def names(self) -> tuple[str, ...]:
        """Every name a reader might use for this entry."""
        return (self.title, *self.aliases, *self.abbreviations)


@dataclass(frozen=True, slots=True)
class Edge:
    """A directed, typed link. `stated` is False for inverses and link-derived edges."""

    source: str
    target: str
    type: str
    stated: bool


@dataclass(frozen=True, slots=True)
class Glossary:
    """The checked entries plus the problems found on the way."""

    entries: dict[str, Entry]
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)
