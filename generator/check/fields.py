"""Turn parsed documents into typed entries, collecting every problem on the way.

The checker never stops at the first problem: an author fixing a file wants the whole
list at once. Each rule reports where (file, line, column), what, and how to fix it.
Per-entry rules run first; cross-entry rules (slugs, names, links, relations) run on
the whole set afterwards.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process

from generator import markup
from generator.check import math as latex
from generator.check import venue_claims
from generator.load.document import is_slug
from generator.safe_text import without_invisible
from generator.site_paths import RESERVED
from generator.load.scalars import yaml11_reading
from generator.model import (
    KINDS,
    RELATION_INVERSES,
    RELATION_TYPES,
    Document,
    Entry,
    Example,
    FaqItem,
    Formula,
    FormulaResult,
    Mark,
    NodePath,
    Problem,
    Severity,
    Source,
    Variable,
)

if TYPE_CHECKING:
    from generator.calc.parse import Expression

SUMMARY_MAX_CHARS = 300
MIN_WORDS = {"definition": 80, "term": 300, "area": 80}
MIN_TERM_SECTIONS = 2
TITLE_MAX_CHARS = 100

# Top-level fields: name -> kinds that must have it (empty: optional for all).
FIELDS: dict[str, tuple[str, ...]] = {
    "title": KINDS,
    "kind": KINDS,
    "summary": KINDS,
    "aliases": (),
    "abbreviations": (),
    "body": KINDS,
    "areas": ("definition", "term"),
    "tags": (),
    "relations": (),
    "formulas": (),
    "examples": (),
    "faq": ("area",),
    "sources": KINDS,
    "published": KINDS,
    "modified": KINDS,
}
FORMULA_FIELDS = ("id", "title", "latex", "expr", "result", "variables", "note", "venue", "as_of", "source")
FORMULA_REQUIRED = ("id", "title", "latex", "expr", "result", "variables")
RESULT_FIELDS = ("name", "symbol", "unit")
VARIABLE_FIELDS = ("symbol", "meaning", "unit")
EXAMPLE_FIELDS = ("title", "calculator", "formula", "inputs", "expect", "tolerance", "source", "note",
                  "venue", "as_of")
EXAMPLE_REQUIRED = ("title", "inputs", "expect", "source")
FAQ_FIELDS = ("facet", "question", "answer")
SOURCE_FIELDS = ("id", "title", "publisher", "url", "accessed", "note", "type")
SOURCE_REQUIRED = ("title", "publisher", "url", "accessed")  # and `type`, with its own hint (venue_claims)

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
_URL = re.compile(r"https?://[^\s<>\"'`]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SENTENCE_END = re.compile(r"[.!?](?:[\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9$])")


def _suggest(word: str, choices: Iterable[str], cutoff: float = 60) -> str | None:
    found = process.extractOne(word, list(choices), scorer=fuzz.WRatio, score_cutoff=cutoff)
    return found[0] if found else None


def _did_you_mean(word: str, choices: Iterable[str], fallback: str) -> str:
    nearest = _suggest(word, choices)
    return f"did you mean '{nearest}'?" if nearest else fallback


def normalise_name(name: str) -> str:
    """How names are compared for clashes: Unicode form, case, spacing and characters that
    render as nothing (zero-width space, soft hyphen, bidi marks: `safe_text.without_invisible`)
    do not count, so "Mar\u200bgin" clashes with "Margin" as a reader would expect."""
    return " ".join(without_invisible(unicodedata.normalize("NFKC", name)).casefold().split())


def parse_date(text: str) -> datetime | None:
    """ISO date or date-time with offset -> aware datetime (dates are midnight UTC)."""
    try:
        if _DATE.fullmatch(text):
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def precision_of(raw: str) -> float:
    """Half a unit in the last written digit: `45226.13` -> 0.005, `2.5e3` -> 50."""
    text = raw.strip().lower().lstrip("+-").replace("_", "")
    mantissa, _, exponent = text.partition("e")
    decimals = len(mantissa.partition(".")[2])
    try:
        power = int(exponent) if exponent else 0
    except ValueError:
        power = 0
    # clamped: `1.0e+400` or 300 decimals must not overflow (or vanish) in 10.0 ** n
    return 0.5 * 10.0 ** max(-300, min(300, power - decimals))


class _EntryReader:
    """Reads one document field by field, recording problems instead of raising."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        self._line_starts: list[int] | None = None

    # -- reporting -------------------------------------------------------------------
    def report(self, path: NodePath, code: str, message: str, hint: str = "", *,
               at_key: bool = False, severity: Severity = Severity.ERROR, mark: Mark | None = None) -> None:
        where = mark or (self.doc.key_mark(path) if at_key else self.doc.mark(path))
        self.problems.append(Problem(self.doc.path, where, code, message, hint, severity))

    def offset_mark(self, path: NodePath, offset: int) -> Mark:
        """Position of character `offset` (0-based) inside a one-line scalar."""
        base = self.doc.mark(path)
        line_text = self.doc.text.splitlines()[base.line - 1] if self.doc.text else ""
        quote = 1 if line_text[base.column - 1: base.column] in ("'", '"') else 0
        return Mark(base.line, base.column + quote + offset)

    def find_mark(self, path: NodePath, needle: str, nth: int) -> Mark:
        """Where the `nth` occurrence of `needle` after the node at `path` sits in the file."""
        text = self.doc.text
        if self._line_starts is None:
            self._line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        base = self.doc.mark(path)
        position = self._line_starts[min(base.line, len(self._line_starts)) - 1] + base.column - 1
        for _ in range(nth + 1):
            found = text.find(needle, position)
            if found == -1:
                return base
            position = found + 1
        offset = position - 1
        line = bisect.bisect_right(self._line_starts, offset)
        return Mark(line, offset - self._line_starts[line - 1] + 1)

    # -- typed readers -----------------------------------------------------------------
    def mapping(self, path: NodePath, value: Any, allowed: Sequence[str], required: Sequence[str],
                what: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.report(path, "WRONG_TYPE", f"{what} must be a mapping of fields, not {_describe(value)}",
                        f"write {what} as `key: value` lines")
            return None
        for key in value:
            if key not in allowed:
                shown = str(key) if len(str(key)) <= 60 else str(key)[:57] + "..."
                hint = _did_you_mean(shown, allowed, f"allowed fields: {', '.join(allowed)}")
                self.report((*path, key), "UNKNOWN_FIELD", f"unknown field '{shown}' in {what}", hint, at_key=True)
        for key in required:
            if key not in value or value[key] is None:
                self.report(path, "MISSING_FIELD", f"{what} is missing required field '{key}'",
                            f"add `{key}:`" + (" (see the entry format reference)" if not path else ""),
                            mark=self.doc.mark(path) if path else Mark(1, 1))
        return value

    def text(self, path: NodePath, value: Any, what: str, *, single_line: bool = False) -> str:
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.report(path, "WRONG_TYPE", f"{what} must be text, not {_describe(value)}",
                        "write it as plain text (quote it if it starts with [ or {)")
            return ""
        # a number where text is wanted is the text as written (`1.50`, not `1.5`)
        text = (value if isinstance(value, str) else self.doc.raw.get(path) or str(value)).strip()
        if not text:
            self.report(path, "BAD_VALUE", f"{what} is empty", "write the text or remove the field")
        elif single_line and "\n" in text:
            self.report(path, "BAD_VALUE", f"{what} must be a single line", "join the lines into one")
        return text

    def text_list(self, path: NodePath, value: Any, what: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.report(path, "WRONG_TYPE", f"{what} must be a list, not {_describe(value)}",
                        f"write it as [a, b] or one `- item` per line")
            return ()
        items: list[str] = []
        seen: set[str] = set()
        for index, item in enumerate(value):
            text = self.text((*path, index), item, f"item {index + 1} of {what}", single_line=True)
            if not text:
                continue
            key = normalise_name(text)
            if key in seen:
                self.report((*path, index), "BAD_VALUE", f"'{text}' appears twice in {what}", "remove the repeat")
                continue
            seen.add(key)
            items.append(text)
        return tuple(items)

    def slug_list(self, path: NodePath, value: Any, what: str) -> tuple[str, ...]:
        slugs = []
        for index, item in enumerate(self.text_list(path, value, what)):
            if self.slug(_item_path(path, value, item, index), item, what):
                slugs.append(item)
        return tuple(slugs)

    def slug(self, path: NodePath, text: str, what: str) -> bool:
        if is_slug(text):
            return True
        if "/" in text or "\\" in text or ".." in text:
            self.report(path, "BAD_SLUG", f"'{text}' in {what} contains a path; a slug is a bare name",
                        "write just the entry's slug, such as `liquidation-price`")
        else:
            wanted = slugify(text)
            self.report(path, "BAD_SLUG", f"'{text}' in {what} is not a slug (lower-case letters, digits, hyphens)",
                        f"did you mean '{wanted}'?" if wanted else "use lower-case letters, digits and hyphens")
        return False

    def date(self, path: NodePath, value: Any, what: str, *, date_only: bool = False) -> str:
        if value is None:
            return ""
        text = str(value).strip()
        parsed = parse_date(text)
        if parsed is None or (date_only and not _DATE.fullmatch(text)):
            example = "2026-11-24" if date_only else "2026-11-24 or 2026-11-24T08:05:20+00:00"
            self.report(path, "BAD_DATE", f"{what} '{text}' is not an ISO date", f"write it as {example}")
            return ""
        return text

    def list_of(self, path: NodePath, value: Any, what: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.report(path, "WRONG_TYPE", f"{what} must be a list, not {_describe(value)}",
                        "write one `- ...` item per line")
            return []
        return value


def _item_path(path: NodePath, value: Any, item: str, index: int) -> NodePath:
    if isinstance(value, list):
        for position, original in enumerate(value):
            if isinstance(original, str) and original.strip() == item:
                return (*path, position)
    return (*path, index)


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a true/false value"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def slugify(text: str) -> str:
    """The slug a title would get: `Loan-to-Value Ratio` -> `loan-to-value-ratio`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def slug_of(path: str) -> str:
    return PurePath(path).name.rsplit(".", 1)[0]


def count_sentences(text: str) -> int:
    return len(_SENTENCE_END.split(text.strip())) if text.strip() else 0


def read_entry(doc: Document, expressions: dict[str, Expression] | None = None) -> tuple[Entry | None, list[Problem]]:
    """All per-file rules; returns a best-effort entry so cross-entry rules still run.

    `expressions`, when given, receives the formulas that parsed, by text, for `check_examples`.
    """
    reader = _EntryReader(doc)
    data = doc.data
    slug = slug_of(doc.path)
    kind_value = data.get("kind")
    kind = kind_value if kind_value in KINDS else None
    required = [name for name, kinds in FIELDS.items() if kind is None and name in ("title", "kind")
                or kind in kinds]
    reader.mapping((), data, tuple(FIELDS), required, "the entry")

    if not is_slug(slug):
        reader.report((), "BAD_SLUG", f"file name '{slug}' is not a valid slug",
                      f"rename the file to '{slugify(slug) or 'my-entry'}.yaml' (lower-case letters, digits, hyphens)",
                      mark=Mark(1, 1))
    elif slug in RESERVED:
        reader.report((), "RESERVED_SLUG", f"'{slug}' is an address the site keeps for its own pages",
                      f"rename the file to a more specific slug, such as '{slug}-{kind or 'entry'}.yaml'",
                      mark=Mark(1, 1))
    if "kind" in data and kind is None:
        shown = data.get("kind")
        reader.report(("kind",), "BAD_VALUE", f"kind '{shown}' is not one of {', '.join(KINDS)}",
                      _did_you_mean(str(shown), KINDS, "use definition, term or area"))

    title = reader.text(("title",), data.get("title"), "title", single_line=True)
    if len(title) > TITLE_MAX_CHARS:
        reader.report(("title",), "BAD_VALUE", f"title is {len(title)} characters; the limit is {TITLE_MAX_CHARS}",
                      "shorten the title and put the rest in the summary")
    summary = reader.text(("summary",), data.get("summary"), "summary")
    _check_summary(reader, summary)
    body = reader.text(("body",), data.get("body"), "body")
    if kind and body:
        _check_body(reader, kind, body)
    aliases = reader.text_list(("aliases",), data.get("aliases"), "aliases")
    abbreviations = reader.text_list(("abbreviations",), data.get("abbreviations"), "abbreviations")
    for field, names in (("aliases", aliases), ("abbreviations", abbreviations)):
        for name in names:
            if title and normalise_name(name) == normalise_name(title):
                reader.report(_item_path((field,), data.get(field), name, 0), "BAD_VALUE",
                              f"'{name}' in {field} repeats the title", "remove it; the title is always searchable")
    areas = reader.slug_list(("areas",), data.get("areas"), "areas")
    if kind in ("definition", "term") and data.get("areas") == []:
        reader.report(("areas",), "MISSING_FIELD", "a definition or term belongs to at least one area",
                      "list the area slugs, such as [margin-and-liquidation]")
    tags = reader.slug_list(("tags",), data.get("tags"), "tags")
    _check_reserved(reader, data, "areas", areas)
    _check_reserved(reader, data, "tags", tags)
    relations = _read_relations(reader, data.get("relations"))
    sources = _read_sources(reader, data.get("sources"))
    formulas = _read_formulas(reader, data.get("formulas"), expressions, sources)
    examples = _read_examples(reader, data.get("examples"), formulas, sources)
    faq = _read_faq(reader, data.get("faq"))
    if kind == "area" and "faq" in data and not faq:
        reader.report(("faq",), "FAQ_MISSING", "an area needs FAQ facets",
                      "add items {facet, question, answer} for at least Capital, Calculation and Consequence")
    published = reader.date(("published",), data.get("published"), "published")
    modified = reader.date(("modified",), data.get("modified"), "modified")
    if published and modified:
        first, last = parse_date(published), parse_date(modified)
        if first and last and last < first:
            reader.report(("modified",), "BAD_DATE", f"modified ({modified}) is earlier than published ({published})",
                          "set modified to the date of the latest change")

    _check_texts(reader, data, ())
    if not title or kind is None:
        return None, reader.problems
    entry = Entry(
        slug=slug, path=doc.path, title=title, kind=kind, summary=summary, body=body,
        aliases=aliases, abbreviations=abbreviations, areas=areas, tags=tags, relations=relations,
        formulas=formulas, examples=examples, faq=faq, sources=sources,
        published=published, modified=modified,
    )
    return entry, reader.problems


MAX_MARKUP_CHARS = 2_000  # the busiest real body has ~150; Markdown slows quadratically past this
MAX_LIST_NESTING = 32  # list or quote markers opening one line; Python-Markdown recurses per level
_MARKUP_CHARS = "[<&`\\$"
_SHORTEST_OVER_LIMIT = min(MAX_MARKUP_CHARS, 2 * MAX_LIST_NESTING)  # `markup_limit` passes anything shorter
_NESTED_MARKERS = re.compile(rf"^[ \t]*(?:(?:[-*+]|\d{{1,9}}[.)])[ \t]+|>[ \t]*){{{MAX_LIST_NESTING + 1}}}", re.MULTILINE)
# Lists nested by indentation, one line each (260 levels made the build recurse too deep):
# a tab or 4 spaces per level, as Python-Markdown counts. With the rule above, a line can
# nest at most 2 x 32 levels, far from what exhausts the recursion limit (~250).
_DEEP_INDENT = re.compile(rf"^(?: {{4}}| {{0,3}}\t){{{MAX_LIST_NESTING + 1}}}", re.MULTILINE)


def markdown_fields(data: Any) -> list[tuple[NodePath, str]]:
    """The fields rendered as Markdown: summary, body, FAQ answers, formula and example notes."""
    if not isinstance(data, dict):
        return []
    found: list[tuple[NodePath, str]] = [((field,), data[field]) for field in ("summary", "body")
                                         if isinstance(data.get(field), str)]
    for list_field, key in (("faq", "answer"), ("formulas", "note"), ("examples", "note")):
        items = data.get(list_field)
        for index, item in enumerate(items if isinstance(items, list) else ()):
            if isinstance(item, dict) and isinstance(item.get(key), str):
                found.append(((list_field, index, key), item[key]))
    return found


def markup_limit(text: str) -> str | None:
    """Why Markdown would crawl or recurse too deep on `text`, or None when it is fine."""
    if len(text) > MAX_MARKUP_CHARS:  # shorter texts cannot hold too many
        count = sum(text.count(char) for char in _MARKUP_CHARS)
        if count > MAX_MARKUP_CHARS:
            return (f"the text has {count:,} markup characters ({' '.join(_MARKUP_CHARS)}); "
                    f"the limit is {MAX_MARKUP_CHARS:,}")
    if len(text) > 2 * MAX_LIST_NESTING and _NESTED_MARKERS.search(text):
        return f"a line opens more than {MAX_LIST_NESTING} nested lists or quotes"
    if len(text) > MAX_LIST_NESTING and _DEEP_INDENT.search(text):
        return (f"a line is indented {4 * (MAX_LIST_NESTING + 1)} columns or more: Markdown nests a list "
                f"or block for every 4, and more than {MAX_LIST_NESTING} levels are not allowed")
    return None


def _check_reserved(reader: _EntryReader, data: Mapping[str, Any], field: str, names: Sequence[str]) -> None:
    """An area or tag named like one of the site's own pages (site_paths.RESERVED) would
    take that page's address (`tags/index`) or lose its own page to it."""
    for index, name in enumerate(names):
        if name in RESERVED:
            reader.report(_item_path((field,), data.get(field), name, index), "RESERVED_SLUG",
                          f"'{name}' in {field} is an address the site keeps for its own pages",
                          f"use a more specific name, such as '{name}-{field.rstrip('s')}'")


def _check_texts(reader: _EntryReader, value: Any, path: NodePath) -> None:
    """Rules for every text in the entry, in one walk: TODO placeholders, and markup
    limits (any text may reach a page through Markdown). Paths are built only for
    containers and for texts with a problem: most values are short clean texts."""
    if isinstance(value, str):
        _check_text(reader, value, path)
        return
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(item, str):
            if "TODO" in item or len(item) > _SHORTEST_OVER_LIMIT:
                _check_text(reader, item, (*path, key))
        elif isinstance(item, (dict, list)):
            _check_texts(reader, item, (*path, key))


def _check_text(reader: _EntryReader, text: str, path: NodePath) -> None:
    if "TODO" in text:  # skeletons from `glossary new` say TODO where the author still has to write
        reader.report(path, "PLACEHOLDER", "text still contains a TODO placeholder",
                      "replace the placeholder with the real text")
    too_much = markup_limit(text)
    if too_much:
        reader.report(path, "MARKUP_LIMIT", too_much,
                      "write it as prose: that much markup makes Markdown (and the site build) crawl")


def _check_summary(reader: _EntryReader, summary: str) -> None:
    if not summary:
        return
    if len(summary) > SUMMARY_MAX_CHARS:
        reader.report(("summary",), "SUMMARY", f"summary is {len(summary)} characters; the limit is {SUMMARY_MAX_CHARS}",
                      "keep the one- or two-sentence definition here and move detail into the body")
    sentences = count_sentences(summary)
    if sentences > 2:
        reader.report(("summary",), "SUMMARY", f"summary has {sentences} sentences; at most 2",
                      "a summary is the citable definition: one or two sentences")
    if summary[-1] not in ".!?":
        reader.report(("summary",), "SUMMARY", "summary does not end with a full stop",
                      "end the sentence with '.'")


def _check_body(reader: _EntryReader, kind: str, body: str) -> None:
    minimum = MIN_WORDS[kind]
    words = markup.word_count(body, at_most=minimum)  # the exact count whenever it is short
    if words < minimum:
        reader.report(("body",), "BODY_TOO_SHORT", f"body has {words} words; a {kind} needs at least {minimum}",
                      "explain how it works, give an example and name the risks")
    levels = markup.headings(body)
    if any(level == 1 for level, _ in levels):
        reader.report(("body",), "BAD_VALUE", "the body contains a level-1 heading",
                      "start sections at `##`; the title is the page's only level-1 heading")
    if kind == "term" and sum(1 for level, _ in levels if level == 2) < MIN_TERM_SECTIONS:
        reader.report(("body",), "BODY_TOO_SHORT", f"a term body needs at least {MIN_TERM_SECTIONS} `##` sections",
                      "use sections such as `## How it works`, `## Example` and `## Risks`")


def _read_relations(reader: _EntryReader, value: Any) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    mapping = reader.mapping(("relations",), value, RELATION_TYPES, (), "relations")
    if mapping is None:
        return {}
    result: dict[str, tuple[str, ...]] = {}
    for kind, targets in mapping.items():
        if kind in RELATION_TYPES:
            slugs = reader.slug_list(("relations", kind), targets, f"relations.{kind}")
            if slugs:
                result[kind] = slugs
    return result


def _read_formulas(reader: _EntryReader, value: Any, expressions: dict[str, Expression] | None,
                   sources: tuple[Source, ...] = ()) -> tuple[Formula, ...]:
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
            reader.report((*path, "id"), "BAD_VALUE", f"formula id '{formula_id}' is not [a-z0-9-]",
                          f"use '{slugify(formula_id)}'")
        if formula_id in seen:
            reader.report((*path, "id"), "BAD_VALUE", f"formula id '{formula_id}' is used twice", "give each formula its own id")
        seen.add(formula_id)
        latex = reader.text((*path, "latex"), mapping.get("latex"), "latex")
        if latex and not _braces_balance(latex):
            reader.report((*path, "latex"), "FORMULA", "LaTeX braces { } do not balance", "close every { with }")
        variables = _read_variables(reader, (*path, "variables"), mapping.get("variables"))
        result_value = _read_result(reader, (*path, "result"), mapping.get("result"))
        if result_value and result_value.name in {v.name for v in variables}:
            reader.report((*path, "result", "name"), "BAD_VALUE",
                          f"result name '{result_value.name}' is also a variable", "rename the result")
        expr = reader.text((*path, "expr"), mapping.get("expr"), "expr")
        if expr:
            try:
                parsed = language.parse(expr)
            except language.FormulaError as error:
                mark = reader.offset_mark((*path, "expr"), (error.column or 1) - 1)
                reader.report((*path, "expr"), "FORMULA", f"expression does not parse: {error.message}",
                              "use numbers, declared variables, + - * / **, comparisons, `a if c else b` "
                              "and min max abs sqrt log exp cdf pdf ppf", mark=mark)
            else:
                if expressions is not None:
                    expressions[expr] = parsed
                declared = {v.name for v in variables}
                for name in sorted(parsed.names - declared):
                    offset = _name_offset(expr, name)
                    reader.report((*path, "expr"), "FORMULA", f"expression uses '{name}', which is not declared",
                                  _did_you_mean(name, declared, f"declare it under variables: {name}: {{symbol, meaning, unit}}"),
                                  mark=reader.offset_mark((*path, "expr"), offset))
        note = reader.text((*path, "note"), mapping.get("note"), "note") if "note" in mapping else ""
        title = reader.text((*path, "title"), mapping.get("title"), "formula title", single_line=True)
        source_id = _source_ref(reader, path, mapping, sources, "formula")
        what = f"formula '{formula_id}'" if formula_id else f"formula {index + 1}"
        venue, as_of = venue_claims.read_claim(reader, path, mapping, what, cites=source_id, sources=sources,
                                               needs_source=True)
        if formula_id and result_value:
            result.append(Formula(formula_id, title, latex, expr, result_value, variables, note,
                                  venue, as_of, source_id))
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
        reader.report(path, "WRONG_TYPE", "variables must be a mapping of name -> {symbol, meaning, unit}",
                      "write `entry: {symbol: 'P_0', meaning: entry price, unit: USDT}`")
        return ()
    from generator.calc.parse import FUNCTIONS

    result = []
    for name, spec in value.items():
        name = str(name)
        item_path = (*path, name)
        if not _IDENTIFIER.fullmatch(name) or name in FUNCTIONS or name in ("and", "or", "not", "if", "else"):
            reader.report(item_path, "BAD_VALUE", f"variable name '{name}' is not usable in expressions",
                          "use lower-case letters, digits and underscores, not a function name", at_key=True)
        mapping = reader.mapping(item_path, spec, VARIABLE_FIELDS, VARIABLE_FIELDS, f"variable '{name}'")
        if mapping is None:
            continue
        result.append(Variable(
            name,
            reader.text((*item_path, "symbol"), mapping.get("symbol"), "symbol", single_line=True),
            reader.text((*item_path, "meaning"), mapping.get("meaning"), "meaning", single_line=True),
            reader.text((*item_path, "unit"), mapping.get("unit"), "unit", single_line=True),
        ))
    return tuple(result)


def _read_result(reader: _EntryReader, path: NodePath, value: Any) -> FormulaResult | None:
    if value is None:
        return None
    mapping = reader.mapping(path, value, RESULT_FIELDS, RESULT_FIELDS, "result")
    if mapping is None:
        return None
    name = reader.text((*path, "name"), mapping.get("name"), "result name", single_line=True)
    if name and not _IDENTIFIER.fullmatch(name):
        reader.report((*path, "name"), "BAD_VALUE", f"result name '{name}' is not an identifier",
                      "use lower-case letters, digits and underscores")
    return FormulaResult(
        name,
        reader.text((*path, "symbol"), mapping.get("symbol"), "symbol", single_line=True),
        reader.text((*path, "unit"), mapping.get("unit"), "unit", single_line=True),
    )


def _read_sources(reader: _EntryReader, value: Any) -> tuple[Source, ...]:
    result: list[Source] = []
    ids: set[str] = set()
    items = reader.list_of(("sources",), value, "sources")
    if value is not None and isinstance(value, list) and not items:
        reader.report(("sources",), "MISSING_FIELD", "sources is empty", "cite at least one source for the facts")
    for index, item in enumerate(items):
        path: NodePath = ("sources", index)
        mapping = reader.mapping(path, item, SOURCE_FIELDS, SOURCE_REQUIRED, f"source {index + 1}")
        if mapping is None:
            continue
        source_id = None
        if "id" in mapping:
            source_id = reader.text((*path, "id"), mapping.get("id"), "source id", single_line=True)
            if source_id and not is_slug(source_id):
                reader.report((*path, "id"), "BAD_VALUE", f"source id '{source_id}' is not [a-z0-9-]",
                              f"use '{slugify(source_id)}'")
            if source_id in ids:
                reader.report((*path, "id"), "BAD_VALUE", f"source id '{source_id}' is used twice", "make ids unique")
            ids.add(source_id)
        url = reader.text((*path, "url"), mapping.get("url"), "url", single_line=True)
        if url and not _URL.fullmatch(url):
            reader.report((*path, "url"), "BAD_VALUE", f"url '{url[:80]}' is not an http(s) address",
                          "give the full address starting with https://")
            url = ""
        source_type = venue_claims.read_source_type(reader, path, mapping, f"source {index + 1}")
        result.append(Source(
            title=reader.text((*path, "title"), mapping.get("title"), "source title", single_line=True),
            publisher=reader.text((*path, "publisher"), mapping.get("publisher"), "publisher", single_line=True),
            url=url,
            accessed=reader.date((*path, "accessed"), mapping.get("accessed"), "accessed", date_only=True),
            id=source_id or None,
            note=reader.text((*path, "note"), mapping.get("note"), "note") if "note" in mapping else "",
            type=source_type,
        ))
    return tuple(result)


def _read_examples(reader: _EntryReader, value: Any, formulas: tuple[Formula, ...],
                   sources: tuple[Source, ...]) -> tuple[Example, ...]:
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
            reader.report(path, "BAD_VALUE", "an example names exactly one of `calculator` or `formula`",
                          "use `calculator: NAME` for a named calculator or `formula: ID` for this entry's formula")
        calculator = reader.text((*path, "calculator"), calculator, "calculator", single_line=True) or None \
            if calculator is not None else None
        formula = reader.text((*path, "formula"), formula, "formula", single_line=True) or None \
            if formula is not None else None
        if formula and formula not in formula_ids:
            reader.report((*path, "formula"), "DANGLING_LINK", f"example uses formula '{formula}', which this entry does not define",
                          _did_you_mean(formula, formula_ids, "add the formula under `formulas:` or fix the id"))
        inputs = mapping.get("inputs")
        if not isinstance(inputs, dict):
            if inputs is not None:
                reader.report((*path, "inputs"), "WRONG_TYPE", "inputs must be a mapping of name: value",
                              "write inputs as {entry: 50000, qty: 1}")
            inputs = {}
        expect = mapping.get("expect")
        if not isinstance(expect, dict) or not expect:
            if expect is not None:
                reader.report((*path, "expect"), "WRONG_TYPE", "expect must be a non-empty mapping of output: value",
                              "write expect as {liquidation_price: 45226.13}")
            expect = {}
        _yaml11_lookalikes(reader, path, inputs, expect)
        expect = {name: stated for name, stated in expect.items() if _finite_stated(reader, path, name, stated)}
        tolerance = _read_tolerance(reader, path, mapping.get("tolerance"), expect)
        source_id = _source_ref(reader, path, mapping, sources, "example")
        what = f"example '{title}'" if title else f"example {index + 1}"
        venue, as_of = venue_claims.read_claim(reader, path, mapping, what, cites=source_id, sources=sources,
                                               needs_source=False)
        note = reader.text((*path, "note"), mapping.get("note"), "note") if "note" in mapping else ""
        if calculator or formula:
            result.append(Example(title, calculator, formula, dict(inputs), dict(expect), tolerance,
                                  source_id, note, venue, as_of))
    return tuple(result)


def _source_ref(reader: _EntryReader, path: NodePath, mapping: Mapping[str, Any], sources: tuple[Source, ...],
                what: str) -> str | None:
    """The `source` a formula or example cites, which must be one of the entry's source ids."""
    value = mapping.get("source")
    source_id = reader.text((*path, "source"), value, "source", single_line=True) if value is not None else None
    source_ids = {s.id for s in sources if s.id}
    if source_id and source_id not in source_ids:
        reader.report((*path, "source"), "DANGLING_LINK", f"{what} cites source '{source_id}', which is not among this entry's source ids",
                      _did_you_mean(source_id, source_ids, "give the source an `id:` and use it here"))
    return source_id or None


def _yaml11_lookalikes(reader: _EntryReader, path: NodePath, inputs: Mapping[str, Any],
                       expect: Mapping[str, Any]) -> None:
    """Example values that are text here but numbers or booleans in YAML 1.1 (`1:30` is 90
    there, `010` is 8, `yes` is true): where a number is expected, say why this is none."""
    for field, values in (("inputs", inputs), ("expect", expect)):
        for name, value in values.items():
            for index, item in enumerate(value) if isinstance(value, list) else ((None, value),):
                reading = yaml11_reading(item) if isinstance(item, str) else None
                if reading is None:
                    continue
                where = (*path, field, name) if index is None else (*path, field, name, index)
                reader.report(where, "AMBIGUOUS_VALUE",
                              f"'{item}' is text here, not a number or true/false (YAML 1.1 tools read it as "
                              f"{reading!r}; entries are read by YAML 1.2 rules)",
                              "write a number in plain decimal digits (such as 90 or 0.5) and true/false as "
                              "true or false; quote it if text is meant")


def _finite_stated(reader: _EntryReader, path: NodePath, name: Any, stated: Any) -> bool:
    """`.inf`, `.nan` and `1.0e+400` (read as infinity) cannot be compared with anything."""
    values = stated if isinstance(stated, list) else [stated]
    if not any(isinstance(v, float) and not math.isfinite(v) for v in values):
        return True
    raw = reader.doc.raw.get((*path, "expect", name)) or str(stated)
    reader.report((*path, "expect", name), "BAD_VALUE", f"stated value {raw} of {name} is not a finite number",
                  "write the number as the source states it; .inf, .nan and numbers beyond 1e308 cannot be checked")
    return False


def _read_tolerance(reader: _EntryReader, path: NodePath, value: Any, expect: Mapping[str, Any]) -> dict[str, float]:
    explicit: dict[str, float] = {}
    if value is not None:
        if _is_tolerance(value):
            explicit = {name: float(value) for name in expect}
        elif isinstance(value, dict) and all(_is_tolerance(v) for v in value.values()):
            explicit = {str(k): float(v) for k, v in value.items()}
        else:
            reader.report((*path, "tolerance"), "WRONG_TYPE",
                          "tolerance must be a finite non-negative number or a mapping of output: number",
                          "write `tolerance: 0.01`")
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


def _read_faq(reader: _EntryReader, value: Any) -> tuple[FaqItem, ...]:
    result = []
    for index, item in enumerate(reader.list_of(("faq",), value, "faq")):
        path: NodePath = ("faq", index)
        mapping = reader.mapping(path, item, FAQ_FIELDS, FAQ_FIELDS, f"faq item {index + 1}")
        if mapping is None:
            continue
        result.append(FaqItem(
            reader.text((*path, "facet"), mapping.get("facet"), "facet", single_line=True),
            reader.text((*path, "question"), mapping.get("question"), "question", single_line=True),
            reader.text((*path, "answer"), mapping.get("answer"), "answer"),
        ))
    return tuple(result)


# -- whole-glossary rules ---------------------------------------------------------------

def check_examples(entry: Entry, doc: Document, expressions: dict[str, Expression] | None = None) -> list[Problem]:
    """Recompute every worked example; a stated value that disagrees is an error.

    `expressions` (from `read_entry` of this entry) spares parsing its formulas again.
    """
    from generator.compute.examples import compute_example

    reader = _EntryReader(doc)
    for index, example in enumerate(entry.examples):
        path: NodePath = ("examples", index)
        outcome = compute_example(entry, example, expressions)
        if outcome.error:
            where = (*path, "calculator") if example.calculator else (*path, "formula")
            reader.report(where, "EXAMPLE_ERROR", f"example '{example.title}' cannot be computed: {outcome.error}",
                          "check the calculator name and inputs with `glossary calc --list`")
            continue
        for comparison in outcome.comparisons:
            if not comparison.ok:
                reader.report((*path, "expect", comparison.name), "EXAMPLE_MISMATCH",
                              f"example '{example.title}': {comparison.name} expected {comparison.expected!r}, "
                              f"computed {_show(comparison.computed)} (tolerance {comparison.tolerance:g})",
                              "fix the stated value or the inputs; the build recomputes every example")
    return reader.problems


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return repr(value)


@dataclass(frozen=True, slots=True)
class FileCheck:
    """What the per-file rules made of one file: the entry, its problems and its math.

    This is all the cross-entry rules need, and it carries no node positions, so it is
    small enough to send back from a worker process or keep in the result cache. A
    cross-entry rule that must point into a file parses it again (see `check_glossary`).
    """

    path: str
    entry: Entry | None
    problems: tuple[Problem, ...]
    math: tuple[latex.MathKey, ...]  # what KaTeX must judge (`latex.keys`)
    links: tuple[str, ...] = ()  # the body's [[link]] targets, once each, in order
    odd_links: bool = False  # whether the body also has links that are not slugs or point at itself


def check_file(doc: Document) -> FileCheck:
    """Every rule that needs only this file: fields, formulas, worked examples, where its math is."""
    expressions: dict[str, Expression] = {}  # this entry's parsed formulas, for its examples
    entry, problems = read_entry(doc, expressions)
    if entry is None:
        return FileCheck(doc.path, None, tuple(problems), latex.keys(doc))
    if entry.examples:
        problems.extend(check_examples(entry, doc, expressions))
    targets = dict.fromkeys(link.slug for link in markup.iter_wikilinks(entry.body))
    good = tuple(t for t in targets if is_slug(t) and t != entry.slug)
    return FileCheck(doc.path, entry, tuple(problems), latex.keys(doc), good, len(good) != len(targets))


Locate = Callable[[str], Document]


class _Located(Mapping[str, Document]):
    """Documents by slug, parsed only when a cross-entry rule needs a position in one."""

    def __init__(self, paths: Mapping[str, str], locate: Locate) -> None:
        self._paths = paths
        self._locate = locate
        self._parsed: dict[str, Document] = {}

    def __getitem__(self, slug: str) -> Document:
        doc = self._parsed.get(slug)
        if doc is None:
            doc = self._parsed[slug] = self._locate(self._paths[slug])
        return doc

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


def check_across(paths: Sequence[str], checked: Iterable[FileCheck], locate: Locate, *,
                 latex_cache: Path | None = None) -> tuple[dict[str, Entry], list[Problem]]:
    """The rules that need the whole set (slugs, names, links, KaTeX), after the per-file ones.

    `locate(path)` gives a file's Document again; it is called only to point at a problem.
    `latex_cache` is a file where KaTeX's verdicts are kept between runs (see latex.py).
    """
    problems: list[Problem] = []
    entries: dict[str, Entry] = {}
    math: list[tuple[str, tuple[latex.MathKey, ...]]] = []
    fine_links: dict[str, tuple[str, ...]] = {}  # entries whose body links are all slugs
    for result in checked:
        problems.extend(result.problems)
        math.append((result.path, result.math))
        if result.entry is not None and result.entry.slug not in entries:
            entries[result.entry.slug] = result.entry
            if not result.odd_links:
                fine_links[result.entry.slug] = result.links
    docs = _Located({slug: entry.path for slug, entry in entries.items()}, locate)
    problems.extend(_slug_collisions(paths))
    problems.extend(_name_clashes(entries, docs))
    problems.extend(_links(entries, docs, fine_links))
    problems.extend(_near_duplicates(entries, docs))
    problems.extend(latex.check_keys(math, locate, latex_cache))  # KaTeX itself, one node process
    return entries, problems


def check_glossary(paths: Sequence[str], documents: Sequence[Document], *,
                   latex_cache: Path | None = None) -> tuple[dict[str, Entry], list[Problem]]:
    """Both stages on documents already in memory (the pipeline runs them apart, in parallel)."""
    by_path = {doc.path: doc for doc in documents}
    return check_across(paths, [check_file(doc) for doc in documents], by_path.__getitem__,
                        latex_cache=latex_cache)


def _slug_collisions(paths: Sequence[str]) -> list[Problem]:
    groups: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        groups[normalise_name(slug_of(path))].append(path)
    problems = []
    for key, group in groups.items():
        if len(group) > 1:
            # a valid slug keeps its address; the look-alikes (MARGIN, full-width m) are told to move
            ordered = sorted(group, key=lambda path: (not is_slug(slug_of(path)), path))
            for path in ordered[1:]:
                problems.append(Problem(path, Mark(1, 1), "SLUG_COLLISION",
                                        f"'{slug_of(path)}' collides with '{slug_of(ordered[0])}' "
                                        "after case folding and Unicode normalisation",
                                        "rename one file; two addresses that look alike confuse readers and links"))
    return problems


def _name_clashes(entries: Mapping[str, Entry], docs: Mapping[str, Document]) -> list[Problem]:
    owners: dict[str, list[tuple[str, str, str, int, str]]] = defaultdict(list)  # slug, role, field, index, name
    for slug, entry in entries.items():
        owners[normalise_name(entry.title)].append((slug, "title", "title", -1, entry.title))
        for field in ("aliases", "abbreviations"):
            for index, name in enumerate(getattr(entry, field)):
                owners[normalise_name(name)].append((slug, "alias" if field == "aliases" else "abbreviation",
                                                     field, index, name))
    problems = []
    for name, users in owners.items():
        if len(users) < 2 or len({user[0] for user in users}) < 2:
            continue
        # the entry whose title it is keeps the name; everyone else is told to drop it
        users.sort(key=lambda user: (user[1] != "title", user[0]))
        first_slug, first_role = users[0][:2]
        for slug, role, field, index, original in users[1:]:
            if slug == first_slug:
                continue
            doc = docs[slug]
            path: NodePath = (field,) if index < 0 else _item_path((field,), doc.data.get(field), original, index)
            problems.append(Problem(doc.path, doc.mark(path), "NAME_CLASH",
                                    f"'{name}' is used as {role} here and as {first_role} of '{first_slug}'",
                                    "a name must lead to one entry: drop it here or there, or merge the entries"))
    return problems


def _links(entries: Mapping[str, Entry], docs: Mapping[str, Document],
           fine_links: Mapping[str, tuple[str, ...]] | None = None) -> list[Problem]:
    """Areas, relations and body links that lead nowhere, to the entry itself or to a conflict.

    `fine_links` holds, for entries whose body links are all slugs to other entries, their
    targets (found in the worker): those bodies need no scan unless a target is missing.
    """
    problems: list[Problem] = []
    slugs = list(entries)
    # canonical relation per unordered pair, from the smaller slug's point of view
    pairs: dict[tuple[str, str], tuple[str, str, str, str]] = {}  # type, then who stated it: slug, kind, target

    def dangling(doc: Document, path: NodePath, target: str, what: str, mark: Mark | None = None) -> None:
        nearest = _suggest(target, slugs, 70)
        problems.append(Problem(doc.path, mark or doc.mark(path), "DANGLING_LINK",
                                f"{what} '{target}' does not exist",
                                f"did you mean '{nearest}'?" if nearest else "check the slug, or create the entry with `glossary new`"))

    for slug, entry in entries.items():
        for index, area in enumerate(entry.areas):
            if area == slug or area not in entries or entries[area].kind != "area":
                doc = docs[slug]
                path = _item_path(("areas",), doc.data.get("areas"), area, index)
                if area == slug:
                    problems.append(Problem(doc.path, doc.mark(path), "SELF_LINK", "an area cannot list itself",
                                            "remove it from areas"))
                elif area not in entries:
                    dangling(doc, path, area, "area")
                else:
                    problems.append(Problem(doc.path, doc.mark(path), "BAD_VALUE",
                                            f"'{area}' is a {entries[area].kind}, not an area",
                                            "list it under relations instead, or pick an area"))
        for kind, targets in entry.relations.items():
            for index, target in enumerate(targets):
                if target == slug or target not in entries:
                    doc = docs[slug]
                    path = _relation_path(doc, kind, target, index)
                    if target == slug:
                        problems.append(Problem(doc.path, doc.mark(path), "SELF_LINK",
                                                f"the entry lists itself under {kind}", "remove it"))
                    else:
                        dangling(doc, path, target, f"relations.{kind} target")
                    continue
                a, b, type_ = (slug, target, kind) if slug < target else (target, slug, RELATION_INVERSES[kind])
                previous = pairs.get((a, b))
                if previous is None:
                    pairs[(a, b)] = (type_, slug, kind, target)
                elif previous[0] != type_:
                    doc = docs[slug]
                    _, first_slug, first_kind, first_target = previous
                    problems.append(Problem(doc.path, doc.mark(_relation_path(doc, kind, target, index)),
                                            "RELATION_CONFLICT",
                                            f"{kind} '{target}' conflicts with another statement about the same "
                                            f"pair: '{first_slug}' states {first_kind} '{first_target}'",
                                            "give a pair of entries one relation, stated consistently on both sides"))
        known = fine_links.get(slug) if fine_links is not None else None
        if known is not None and all(target in entries for target in known):
            continue  # the common case: every body link leads to an entry
        wikilink_seen: dict[str, int] = defaultdict(int)
        reader: _EntryReader | None = None
        body = entry.body
        if not body and known:  # an outline of the entry (`pipeline.load_all(problems_only=True)`)
            found = docs[slug].data.get("body")
            body = found.strip() if isinstance(found, str) else ""
        for link in markup.iter_wikilinks(body):
            token = body[link.start:link.end]
            nth = wikilink_seen[token]
            wikilink_seen[token] += 1
            if is_slug(link.slug) and link.slug != slug and link.slug in entries:
                continue  # the common case: a good link needs no position
            doc = docs[slug]
            reader = reader or _EntryReader(doc)
            mark = reader.find_mark(("body",), token, nth)
            if not is_slug(link.slug):
                if "/" in link.slug or "\\" in link.slug or ".." in link.slug:
                    message, hint = f"link [[{link.slug}]] contains a path", "link with the bare slug, such as [[margin-call]]"
                else:
                    message = f"link [[{link.slug}]] is not a slug"
                    hint = f"did you mean [[{slugify(link.slug)}]]?"
                problems.append(Problem(doc.path, mark, "BAD_SLUG", message, hint))
            elif link.slug == slug:
                problems.append(Problem(doc.path, mark, "SELF_LINK", f"the body links to its own entry [[{slug}]]",
                                        "remove the link or point it at another entry"))
            else:
                dangling(doc, ("body",), link.slug, "link target", mark)
    return problems


def _relation_path(doc: Document, kind: str, target: str, index: int) -> NodePath:
    return _item_path(("relations", kind), (doc.data.get("relations") or {}).get(kind), target, index)


def _near_duplicates(entries: Mapping[str, Entry], docs: Mapping[str, Document]) -> list[Problem]:
    """Titles that differ only by plural, hyphen, word order or a typo."""
    def key(title: str) -> str:
        words = re.findall(r"[a-z0-9]+", normalise_name(title))
        return " ".join(sorted(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
                               for w in words))

    buckets: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for slug, entry in entries.items():
        k = key(entry.title)
        buckets[k[:4]].append((slug, k))
    problems = []
    for group in buckets.values():
        keys = [k for _, k in group]
        for i, (slug_a, key_a) in enumerate(group[:-1]):
            # every later title of the group scored in one call (rapidfuzz's C loop), kept in order
            close = process.extract(key_a, keys[i + 1:], scorer=fuzz.ratio, score_cutoff=94, limit=None)
            for j in sorted(index for _, _, index in close):
                slug_b = group[i + 1 + j][0]
                doc = docs[slug_b]
                problems.append(Problem(doc.path, doc.mark(("title",)), "NEAR_DUPLICATE",
                                        f"title '{entries[slug_b].title}' is nearly the same as "
                                        f"'{entries[slug_a].title}' ({slug_a})",
                                        "if they are one idea, keep one entry and make the other name an alias",
                                        Severity.WARNING))
    return problems


def orphan_warnings(orphans: Iterable[str], entries: Mapping[str, Entry],
                    docs: Mapping[str, Document]) -> list[Problem]:
    problems = []
    for slug in orphans:
        doc = docs.get(slug)
        mark = doc.mark(("title",)) if doc else Mark(1, 1)
        problems.append(Problem(entries[slug].path, mark, "ORPHAN",
                                "no other entry links here, so readers can only find it by search",
                                "add it to a related entry's relations or link it from a body with [[" + slug + "]]",
                                Severity.WARNING))
    return problems
