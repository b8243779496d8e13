"""Turn parsed documents into typed entries, collecting every problem on the way.

The checker never stops at the first problem: an author fixing a file wants the whole
list at once. Each rule reports where (file, line, column), what, and how to fix it.
Per-entry rules run first; cross-entry rules (slugs, names, links, relations) run on
the whole set afterwards.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from generator import markup
from generator.check import math as latex
from generator.check import venue_claims
from generator.check.examples import _read_examples, check_examples
from generator.check.formulas import _read_formulas
from generator.check.prose import _check_body, _check_summary, _check_texts, check_in_brief
from generator.check.reader import _EntryReader, _item_path
from generator.check.values import normalise_name, parse_date, slug_of, slugify
from generator.load import document as load
from generator.load.document import is_slug
from generator.model import KINDS, RELATION_TYPES, Document, Entry, FaqItem, Mark, NodePath, Problem, Source
from generator.site_paths import RESERVED
from generator.suggest import did_you_mean

if TYPE_CHECKING:
    from generator.calc.expression import Expression
    from generator.calc.worked_examples import ExampleResult

TITLE_MAX_CHARS = 100

# Top-level fields: name -> kinds that must have it (empty: optional for all).
FIELDS: dict[str, tuple[str, ...]] = {
    "title": KINDS,
    "kind": KINDS,
    "summary": KINDS,
    "in_brief": ("term",),  # optional for a definition; an area has none (prose.check_in_brief)
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
FAQ_FIELDS = ("facet", "question", "answer")
SOURCE_FIELDS = ("id", "title", "publisher", "url", "accessed", "note", "type")
SOURCE_REQUIRED = ("title", "publisher", "url", "accessed")  # and `type`, with its own hint (venue_claims)

_URL = re.compile(r"https?://[^\s<>\"'`]+")


def read_entry(doc: Document, expressions: dict[str, Expression] | None = None) -> tuple[Entry | None, list[Problem]]:
    """All per-file rules; returns a best-effort entry so cross-entry rules still run.

    `expressions`, when given, receives the formulas that parsed, by text, for `check_examples`.
    """
    reader = _EntryReader(doc)
    data = doc.data
    slug = slug_of(doc.path)
    kind_value = data.get("kind")
    kind = kind_value if kind_value in KINDS else None
    required = [name for name, kinds in FIELDS.items() if (kind is None and name in ("title", "kind")) or kind in kinds]
    reader.mapping((), data, tuple(FIELDS), required, "the entry")

    if not is_slug(slug):
        reader.report(
            (),
            "BAD_SLUG",
            f"file name '{slug}' is not a valid slug",
            f"rename the file to '{slugify(slug) or 'my-entry'}.yaml' (lower-case letters, digits, hyphens)",
            mark=Mark(1, 1),
        )
    elif slug in RESERVED:
        reader.report(
            (),
            "RESERVED_SLUG",
            f"'{slug}' is an address the site keeps for its own pages",
            f"rename the file to a more specific slug, such as '{slug}-{kind or 'entry'}.yaml'",
            mark=Mark(1, 1),
        )
    if "kind" in data and kind is None:
        shown = data.get("kind")
        reader.report(
            ("kind",),
            "BAD_VALUE",
            f"kind '{shown}' is not one of {', '.join(KINDS)}",
            did_you_mean(str(shown), KINDS, "use definition, term or area"),
        )

    title = reader.text(("title",), data.get("title"), "title", single_line=True)
    if len(title) > TITLE_MAX_CHARS:
        reader.report(
            ("title",),
            "BAD_VALUE",
            f"title is {len(title)} characters; the limit is {TITLE_MAX_CHARS}",
            "shorten the title and put the rest in the summary",
        )
    summary = reader.text(("summary",), data.get("summary"), "summary")
    _check_summary(reader, summary)
    in_brief = reader.text(("in_brief",), data.get("in_brief"), "in_brief")
    if kind and "in_brief" in data:
        in_brief = check_in_brief(reader, kind, in_brief)
    body = reader.text(("body",), data.get("body"), "body")
    if kind and body:
        _check_body(reader, kind, body)
    aliases = reader.text_list(("aliases",), data.get("aliases"), "aliases")
    abbreviations = reader.text_list(("abbreviations",), data.get("abbreviations"), "abbreviations")
    for field, names in (("aliases", aliases), ("abbreviations", abbreviations)):
        for name in names:
            if title and normalise_name(name) == normalise_name(title):
                reader.report(
                    _item_path((field,), data.get(field), name, 0),
                    "BAD_VALUE",
                    f"'{name}' in {field} repeats the title",
                    "remove it; the title is always searchable",
                )
    areas = reader.slug_list(("areas",), data.get("areas"), "areas")
    if kind in ("definition", "term") and data.get("areas") == []:
        reader.report(
            ("areas",),
            "MISSING_FIELD",
            "a definition or term belongs to at least one area",
            "list the area slugs, such as [margin-and-liquidation]",
        )
    tags = reader.slug_list(("tags",), data.get("tags"), "tags")
    _check_reserved(reader, data, "areas", areas)
    _check_reserved(reader, data, "tags", tags)
    relations = _read_relations(reader, data.get("relations"))
    sources = _read_sources(reader, data.get("sources"))
    formulas = _read_formulas(reader, data.get("formulas"), expressions, sources)
    examples = _read_examples(reader, data.get("examples"), formulas, sources)
    faq = _read_faq(reader, data.get("faq"))
    if kind == "area" and "faq" in data and not faq:
        reader.report(
            ("faq",),
            "FAQ_MISSING",
            "an area needs FAQ facets",
            "add items {facet, question, answer} for at least Capital, Calculation and Consequence",
        )
    published = reader.date(("published",), data.get("published"), "published")
    modified = reader.date(("modified",), data.get("modified"), "modified")
    if published and modified:
        first, last = parse_date(published), parse_date(modified)
        if first and last and last < first:
            reader.report(
                ("modified",),
                "BAD_DATE",
                f"modified ({modified}) is earlier than published ({published})",
                "set modified to the date of the latest change",
            )

    _check_texts(reader, data, ())
    if not title or kind is None:
        return None, reader.problems
    entry = Entry(
        slug=slug,
        path=doc.path,
        title=title,
        kind=kind,
        summary=summary,
        body=body,
        in_brief=in_brief,
        aliases=aliases,
        abbreviations=abbreviations,
        areas=areas,
        tags=tags,
        relations=relations,
        formulas=formulas,
        examples=examples,
        faq=faq,
        sources=sources,
        published=published,
        modified=modified,
    )
    return entry, reader.problems


def _check_reserved(reader: _EntryReader, data: Mapping[str, Any], field: str, names: Sequence[str]) -> None:
    """An area or tag named like one of the site's own pages (site_paths.RESERVED) would
    take that page's address (`tags/index`) or lose its own page to it."""
    for index, name in enumerate(names):
        if name in RESERVED:
            reader.report(
                _item_path((field,), data.get(field), name, index),
                "RESERVED_SLUG",
                f"'{name}' in {field} is an address the site keeps for its own pages",
                f"use a more specific name, such as '{name}-{field.rstrip('s')}'",
            )


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
                reader.report(
                    (*path, "id"),
                    "BAD_VALUE",
                    f"source id '{source_id}' is not [a-z0-9-]",
                    f"use '{slugify(source_id)}'",
                )
            if source_id in ids:
                reader.report((*path, "id"), "BAD_VALUE", f"source id '{source_id}' is used twice", "make ids unique")
            ids.add(source_id)
        url = reader.text((*path, "url"), mapping.get("url"), "url", single_line=True)
        if url and not _URL.fullmatch(url):
            reader.report(
                (*path, "url"),
                "BAD_VALUE",
                f"url '{url[:80]}' is not an http(s) address",
                "give the full address starting with https://",
            )
            url = ""
        source_type = venue_claims.read_source_type(reader, path, mapping, f"source {index + 1}")
        result.append(
            Source(
                title=reader.text((*path, "title"), mapping.get("title"), "source title", single_line=True),
                publisher=reader.text((*path, "publisher"), mapping.get("publisher"), "publisher", single_line=True),
                url=url,
                accessed=reader.date((*path, "accessed"), mapping.get("accessed"), "accessed", date_only=True),
                id=source_id or None,
                note=reader.text((*path, "note"), mapping.get("note"), "note") if "note" in mapping else "",
                type=source_type,
            )
        )
    return tuple(result)


def _read_faq(reader: _EntryReader, value: Any) -> tuple[FaqItem, ...]:
    result = []
    for index, item in enumerate(reader.list_of(("faq",), value, "faq")):
        path: NodePath = ("faq", index)
        mapping = reader.mapping(path, item, FAQ_FIELDS, FAQ_FIELDS, f"faq item {index + 1}")
        if mapping is None:
            continue
        result.append(
            FaqItem(
                reader.text((*path, "facet"), mapping.get("facet"), "facet", single_line=True),
                reader.text((*path, "question"), mapping.get("question"), "question", single_line=True),
                reader.text((*path, "answer"), mapping.get("answer"), "answer"),
            )
        )
    return tuple(result)


# -- whole-glossary rules ---------------------------------------------------------------


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
    examples: tuple[ExampleResult, ...] = ()  # each worked example as computed, in order


def check_file(doc: Document) -> FileCheck:
    """Every rule that needs only this file: fields, formulas, worked examples, where its math is."""
    expressions: dict[str, Expression] = {}  # this entry's parsed formulas, for its examples
    entry, problems = read_entry(doc, expressions)
    if entry is None:
        return FileCheck(doc.path, None, tuple(problems), latex.keys(doc))
    results: tuple[ExampleResult, ...] = ()
    if entry.examples:
        found, results = check_examples(entry, doc, expressions)
        problems.extend(found)
    targets = dict.fromkeys(link.slug for link in markup.iter_wikilinks(entry.body))
    good = tuple(t for t in targets if is_slug(t) and t != entry.slug)
    return FileCheck(doc.path, entry, tuple(problems), latex.keys(doc), good, len(good) != len(targets), results)


def unreadable(shown: str, problems: list[Problem]) -> FileCheck:
    return FileCheck(shown, None, tuple(problems), ())


def check_bytes(shown: str, data: bytes) -> FileCheck:
    """The per-file stage for one file's bytes: parse, then every rule that needs only it."""
    doc, problems = load.load_bytes(data, shown)
    if doc is None:
        return unreadable(shown, problems)
    result = check_file(doc)
    return dataclasses.replace(result, problems=(*problems, *result.problems)) if problems else result
