"""Open exports of the glossary: JSON, CSV, SKOS (Turtle and JSON-LD) and BibTeX.

Everything here is a pure function of the entries, the link graph and an
`ExportContext` (site address, day, revision history), so `glossary export`, the site's
`/api/` files and the tests produce the same bytes from the same input. The JSON
documents follow `schema/export.schema.json`, which is published beside them at
`/api/export.schema.json`.

SKOS: every entry is a `skos:Concept` in one `skos:ConceptScheme` (the site), with
`prefLabel` (title), `altLabel` (aliases and abbreviations), `definition` (summary),
`broader`/`narrower` (stated and inferred) and `related` (related, contrasts, uses and
used by - all associative links; a pair already linked as broader/narrower is not also
marked related, as SKOS requires). Concept IRIs are the entries' permanent URLs.

Writing files (`write_output`) is atomic: a temporary file in the same folder, then
`os.replace`; an existing file is kept unless `force` is set, and only a regular file is
ever replaced (`safe_paths.write_atomic`).

CSV cells that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`,
tab or carriage return) get a leading `'`, as OWASP recommends against CSV injection;
only the CSV has this, every other format keeps the text exactly.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from generator import __version__, safe_paths, settings
from generator.cite import record as cite
from generator.link.graph import Graph, build_graph
from generator.history.revisions import History, no_history
from generator.model import RELATION_TYPES, Entry

Opener = Callable[[str], AbstractContextManager[IO[str]]]  # site path -> a text stream to write it to

FORMATS: tuple[str, ...] = ("json", "csv", "skos-turtle", "skos-jsonld", "bibtex")
SITE_FILES: dict[str, str] = {
    "json": "api/glossary.json",
    "csv": "api/glossary.csv",
    "skos-turtle": "api/glossary.ttl",
    "skos-jsonld": "api/glossary.jsonld",
    "bibtex": "api/glossary.bib",
}
SCHEMA_FILE = settings.SCHEMA_DIR / "export.schema.json"
SCHEMA_SITE_PATH = "api/export.schema.json"
CSV_COLUMNS: tuple[str, ...] = (
    "slug", "title", "kind", "summary", "aliases", "abbreviations", "areas", "tags",
    *RELATION_TYPES, "url", "version", "fingerprint", "published", "modified",
)
CSV_LIST_SEPARATOR = "|"

SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
_ASSOCIATIVE = ("related", "contrasts", "uses", "used_by")


@dataclass(frozen=True, slots=True)
class ExportContext:
    """Facts the exports state that do not come from the entries."""

    site_url: str = settings.SITE_URL
    site_name: str = settings.SITE_NAME
    day: date = date(1970, 1, 1)  # the glossary's version (build or export day); BibTeX's access date
    history: History | None = None

    @property
    def base(self) -> str:
        return self.site_url if self.site_url.endswith("/") else self.site_url + "/"


def _graph(entries: Mapping[str, Entry], graph: Graph | None) -> Graph:
    return graph if graph is not None else build_graph(entries)


Records = Mapping[str, cite.CitationRecord]


def _records(entries: Mapping[str, Entry], ctx: ExportContext, known: Records | None = None) -> dict[str, cite.CitationRecord]:
    """Each entry's citation record by slug, in slug order; `known` ones (made for `ctx`) are reused."""
    known = known or {}
    return {slug: known.get(slug) or cite.CitationRecord.from_entry(e, site_url=ctx.base, site_name=ctx.site_name)
            for slug, e in sorted(entries.items())}


# -- JSON -----------------------------------------------------------------------------------------


def _meta(ctx: ExportContext) -> dict[str, Any]:
    history = ctx.history or no_history("not requested")
    return {
        "$schema": ctx.base + SCHEMA_SITE_PATH,
        "name": ctx.site_name,
        "url": ctx.base,
        "author": cite.author_for(ctx.site_name),
        "publisher": ctx.site_name,
        "license": {"name": cite.LICENSE_NAME, "url": cite.LICENSE_URL},
        "version": ctx.day.isoformat(),
        "generated": ctx.day.isoformat(),
        "generator": f"leverage-glossary {__version__}",
        "history": {"available": history.available, "note": history.public_note},
    }


def _relations(graph: Graph, entries: Mapping[str, Entry], slug: str) -> dict[str, list[str]]:
    found = graph.relations(slug)
    return {kind: [s for s in found[kind] if s in entries] for kind in RELATION_TYPES if found.get(kind)}


def _plain(value: Any) -> Any:
    """JSON-ready copy: records as objects of their fields, tuples as lists, dates and other scalars as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _revision_json(rev: Any, ctx: ExportContext) -> dict[str, Any]:
    return {
        "id": rev.version,
        "fingerprint": rev.fingerprint,
        "modified": (rev.entry.modified or rev.entry.published)[:10],
        "url": ctx.base + rev.url_path,
        "commit": rev.commit,
        "committed": rev.committed,
    }


def entry_object(entry: Entry, graph: Graph, ctx: ExportContext,
                 record: cite.CitationRecord | None = None) -> dict[str, Any]:
    """One entry as JSON data: its content, its links, its version and its citation."""
    record = record or cite.CitationRecord.from_entry(entry, site_url=ctx.base, site_name=ctx.site_name)
    history = ctx.history or no_history("not requested")
    return {
        "slug": entry.slug,
        "kind": entry.kind,
        "title": entry.title,
        "summary": " ".join(entry.summary.split()),
        "url": record.entry_url,
        "api": f"{ctx.base}api/entries/{entry.slug}.json",
        "aliases": list(entry.aliases),
        "abbreviations": list(entry.abbreviations),
        "areas": list(entry.areas),
        "tags": list(entry.tags),
        "relations": _relations(graph, graph.entries, entry.slug),
        "published": entry.published[:10],
        "modified": (entry.modified or entry.published)[:10],
        "version": {
            "id": record.version,
            "fingerprint": record.fingerprint,
            "modified": record.issued.isoformat(),
            "url": record.version_url,
        },
        "revisions": [_revision_json(r, ctx) for r in history.earlier(entry, record.fingerprint)],
        "body": entry.body,
        "formulas": _plain(entry.formulas),
        "examples": _plain(entry.examples),
        "faq": _plain(entry.faq),
        "sources": _plain(entry.sources),
        "citation": record.csl_item(),
    }


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def to_json(entries: Mapping[str, Entry], graph: Graph, ctx: ExportContext, records: Records) -> str:
    out = io.StringIO()
    _write_json(out, entries, graph, ctx, records)
    return out.getvalue()


def _write_json(out: IO[str], entries: Mapping[str, Entry], graph: Graph, ctx: ExportContext, records: Records,
                each: Callable[[str, str], None] | None = None) -> None:
    """The glossary as one JSON document (`_dump` of meta, count and entries), written entry by
    entry so it is never held whole; `each(slug, item)` also gets every entry object as dumped."""
    def items() -> Iterator[str]:
        for slug, record in records.items():
            item = _dump(entry_object(entries[slug], graph, ctx, record)).rstrip("\n")
            if each is not None:
                each(slug, item)
            yield item

    _write_listing(out, {**_meta(ctx), "count": len(records)}, "entries", items())


def _write_listing(out: IO[str], head: dict[str, Any], key: str, items: Iterable[str]) -> None:
    """`_dump({**head, key: [...]})` written item by item, each item already dumped (depth 0),
    so that the list is never held whole. `head` is never empty."""
    opening = json.dumps(head, ensure_ascii=False, indent=2)
    out.write(opening[:-2] + f",\n  {json.dumps(key)}: [")
    empty = True
    for item in items:
        out.write(("\n    " if empty else ",\n    ") + _nested(item, 2))
        empty = False
    out.write("]\n}\n" if empty else "\n  ]\n}\n")


# -- CSV ------------------------------------------------------------------------------------------


def to_csv(entries: Mapping[str, Entry], graph: Graph, ctx: ExportContext, records: Records) -> str:
    return _text(_write_csv, entries, graph, ctx, records)


def _write_csv(out: IO[str], entries: Mapping[str, Entry], graph: Graph, ctx: ExportContext,
               records: Records) -> None:
    """RFC 4180 CSV, one row per entry; list cells are joined with `|`."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    cell = csv_cell
    for slug, record in records.items():
        entry = entries[slug]
        relations = _relations(graph, entries, slug)
        row: dict[str, str] = {
            "slug": slug, "title": record.title, "kind": entry.kind, "summary": record.summary,
            "aliases": CSV_LIST_SEPARATOR.join(entry.aliases),
            "abbreviations": CSV_LIST_SEPARATOR.join(entry.abbreviations),
            "areas": CSV_LIST_SEPARATOR.join(entry.areas), "tags": CSV_LIST_SEPARATOR.join(entry.tags),
            **{kind: CSV_LIST_SEPARATOR.join(relations.get(kind, ())) for kind in RELATION_TYPES},
            "url": record.entry_url, "version": record.version, "fingerprint": record.fingerprint,
            "published": record.published.isoformat(), "modified": record.issued.isoformat(),
        }
        writer.writerow([cell(row[column]) for column in CSV_COLUMNS])


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """`text` as a spreadsheet will not run it: a cell starting with `=`, `+`, `-`, `@`, tab
    or CR is a formula to Excel, LibreOffice and Sheets (`=HYPERLINK(...)`, `@SUM(...)`),
    so it gets a leading `'`, which they show as text (OWASP, CSV injection)."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


# -- SKOS -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Concept:
    iri: str
    pref: str
    alt: tuple[str, ...]
    definition: str
    broader: tuple[str, ...]
    narrower: tuple[str, ...]
    related: tuple[str, ...]
    created: str
    modified: str
    version: str


def _concepts(entries: Mapping[str, Entry], graph: Graph, records: Records) -> list[_Concept]:
    iri = {s: r.entry_url for s, r in records.items()}
    concepts = []
    for slug, record in records.items():
        entry = entries[slug]
        found = _relations(graph, entries, slug)
        broader = tuple(found.get("broader", ()))
        narrower = tuple(found.get("narrower", ()))
        hierarchical = set(broader) | set(narrower)
        related = tuple(sorted({s for kind in _ASSOCIATIVE for s in found.get(kind, ())} - hierarchical - {slug}))
        concepts.append(_Concept(
            iri=record.entry_url,
            pref=record.title,
            alt=tuple(dict.fromkeys(" ".join(n.split()) for n in (*entry.aliases, *entry.abbreviations))),
            definition=record.summary,
            broader=tuple(iri[s] for s in broader),
            narrower=tuple(iri[s] for s in narrower),
            related=tuple(iri[s] for s in related),
            created=record.published.isoformat(),
            modified=record.issued.isoformat(),
            version=record.version,
        ))
    return concepts


def _iri(text: str) -> str:
    """An IRI safe inside `<...>` in Turtle: characters Turtle forbids are percent-encoded."""
    return "".join(f"%{ord(c):02X}" if c in '<>"{}|^`\\' or ord(c) <= 0x20 else c for c in text)


def _literal(text: str) -> str:
    escaped = []
    for char in text:
        if char == "\\":
            escaped.append("\\\\")
        elif char == '"':
            escaped.append('\\"')
        elif char == "\n":
            escaped.append("\\n")
        elif char == "\r":
            escaped.append("\\r")
        elif char == "\t":
            escaped.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04X}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def to_skos_turtle(entries: Mapping[str, Entry], graph: Graph, ctx: ExportContext, records: Records) -> str:
    return _text(_write_turtle, _concepts(entries, graph, records), ctx)


def _write_turtle(out: IO[str], concepts: list[_Concept], ctx: ExportContext) -> None:
    scheme = f"<{_iri(ctx.base)}>"
    out.write("\n".join([
        f"@prefix skos: <{SKOS}> .",
        f"@prefix dct: <{DCT}> .",
        f"@prefix owl: <{OWL}> .",
        f"@prefix xsd: <{XSD}> .",
        "",
        f"{scheme} a skos:ConceptScheme ;",
        f"    dct:title {_literal(ctx.site_name)}@en ;",
        f"    dct:creator {_literal(cite.author_for(ctx.site_name))} ;",
        f"    dct:publisher {_literal(ctx.site_name)} ;",
        f"    dct:license <{_iri(cite.LICENSE_URL)}> ;",
        f"    owl:versionInfo {_literal(ctx.day.isoformat())} .",
    ]))
    for c in concepts:
        statements = [
            "a skos:Concept",
            f"skos:inScheme {scheme}",
            f"skos:prefLabel {_literal(c.pref)}@en",
        ]
        if c.alt:
            statements.append("skos:altLabel " + ", ".join(f"{_literal(a)}@en" for a in c.alt))
        statements.append(f"skos:definition {_literal(c.definition)}@en")
        for name, targets in (("broader", c.broader), ("narrower", c.narrower), ("related", c.related)):
            if targets:
                statements.append(f"skos:{name} " + ", ".join(f"<{_iri(t)}>" for t in targets))
        statements += [
            f'dct:created "{c.created}"^^xsd:date',
            f'dct:modified "{c.modified}"^^xsd:date',
            f"owl:versionInfo {_literal(c.version)}",
        ]
        out.write(f"\n\n<{_iri(c.iri)}> " + " ;\n    ".join(statements) + " .")
    out.write("\n")


def to_skos_jsonld(entries: Mapping[str, Entry], graph: Graph, ctx: ExportContext, records: Records) -> str:
    return _text(_write_skos_jsonld, _concepts(entries, graph, records), ctx)


def _write_skos_jsonld(out: IO[str], concepts: list[_Concept], ctx: ExportContext) -> None:
    """`_dump` of the JSON-LD document (context, then the scheme and every concept in one
    graph), written node by node so that it is never held whole."""
    nodes = (_dump(node).rstrip("\n") for node in _skos_nodes(concepts, ctx))
    _write_listing(out, {"@context": _SKOS_CONTEXT}, "@graph", nodes)


_SKOS_CONTEXT = {
    "skos": SKOS, "dct": DCT, "owl": OWL, "xsd": XSD,
    "prefLabel": {"@id": "skos:prefLabel", "@language": "en"},
    "altLabel": {"@id": "skos:altLabel", "@language": "en", "@container": "@set"},
    "definition": {"@id": "skos:definition", "@language": "en"},
    "broader": {"@id": "skos:broader", "@type": "@id", "@container": "@set"},
    "narrower": {"@id": "skos:narrower", "@type": "@id", "@container": "@set"},
    "related": {"@id": "skos:related", "@type": "@id", "@container": "@set"},
    "inScheme": {"@id": "skos:inScheme", "@type": "@id"},
    "title": {"@id": "dct:title", "@language": "en"},
    "creator": {"@id": "dct:creator"},
    "publisher": {"@id": "dct:publisher"},
    "license": {"@id": "dct:license", "@type": "@id"},
    "created": {"@id": "dct:created", "@type": "xsd:date"},
    "modified": {"@id": "dct:modified", "@type": "xsd:date"},
    "versionInfo": {"@id": "owl:versionInfo"},
}


def _skos_nodes(concepts: list[_Concept], ctx: ExportContext) -> Iterator[dict[str, Any]]:
    yield {
        "@id": ctx.base,
        "@type": "skos:ConceptScheme",
        "title": ctx.site_name,
        "creator": cite.author_for(ctx.site_name),
        "publisher": ctx.site_name,
        "license": cite.LICENSE_URL,
        "versionInfo": ctx.day.isoformat(),
    }
    for c in concepts:
        node: dict[str, Any] = {"@id": c.iri, "@type": "skos:Concept", "inScheme": ctx.base,
                                "prefLabel": c.pref}
        if c.alt:
            node["altLabel"] = list(c.alt)
        node["definition"] = c.definition
        for name, targets in (("broader", c.broader), ("narrower", c.narrower), ("related", c.related)):
            if targets:
                node[name] = list(targets)
        node.update({"created": c.created, "modified": c.modified, "versionInfo": c.version})
        yield node


# -- BibTeX ---------------------------------------------------------------------------------------


def to_bibtex(entries: Mapping[str, Entry], graph: Graph, ctx: ExportContext, records: Records) -> str:
    return _text(_write_bibtex, entries, graph, ctx, records)


def _write_bibtex(out: IO[str], entries: Mapping[str, Entry], graph: Graph, ctx: ExportContext,
                  records: Records) -> None:
    """One `@misc` per entry, the same text `glossary cite --style bibtex` prints; accessed = ctx.day."""
    out.write(f"% {ctx.site_name}: {len(records)} entries, exported {ctx.day.isoformat()}.\n"
              f"% Content licensed {cite.LICENSE_NAME} ({cite.LICENSE_URL}); cite each entry's address.\n\n")
    for index, record in enumerate(records.values()):
        out.write(("\n\n" if index else "") + record.format("bibtex", ctx.day))
    out.write("\n")


def _text(write: Callable[..., None], *args: Any) -> str:
    """What `write(out, *args)` writes, as one string."""
    out = io.StringIO()
    write(out, *args)
    return out.getvalue()


_WRITERS = {
    "json": to_json,
    "csv": to_csv,
    "skos-turtle": to_skos_turtle,
    "skos-jsonld": to_skos_jsonld,
    "bibtex": to_bibtex,
}


def export(fmt: str, entries: Mapping[str, Entry], graph: Graph | None, ctx: ExportContext) -> str:
    """The whole glossary in `fmt` (one of FORMATS)."""
    if fmt not in _WRITERS:
        raise KeyError(f"unknown export format '{fmt}'; choose one of {', '.join(FORMATS)}")
    return _WRITERS[fmt](entries, _graph(entries, graph), ctx, _records(entries, ctx))


# -- the site's /api/ -------------------------------------------------------------------------------


def write_site_files(open_text: Opener, entries: Mapping[str, Entry], graph: Graph | None, ctx: ExportContext,
                     records: Records | None = None) -> None:
    """Every export of the whole glossary, one JSON per entry and the schema, each written as made.

    `open_text(site_path)` gives a text stream to write one file to. Nothing is held
    whole: each entry object is dumped once, into its own file and straight on into the
    glossary file (`_write_json`, the same writer as `glossary export --format json`), so a 10,000-entry site never has its ~100 MB of JSON in memory.
    `records` (made for `ctx`'s site) saves recomputing the pages' citation records.
    """
    graph = _graph(entries, graph)
    found = _records(entries, ctx, records)
    meta = _meta(ctx)

    def own_file(slug: str, item: str) -> None:
        with open_text(f"api/entries/{slug}.json") as one:
            one.write(_wrapped(meta, '"entry": ' + _nested(item, 1)) + "\n")

    with open_text(SITE_FILES["json"]) as whole:
        _write_json(whole, entries, graph, ctx, found, own_file)
    with open_text(SITE_FILES["csv"]) as out:
        _write_csv(out, entries, graph, ctx, found)
    concepts = _concepts(entries, graph, found)
    with open_text(SITE_FILES["skos-turtle"]) as out:
        _write_turtle(out, concepts, ctx)
    with open_text(SITE_FILES["skos-jsonld"]) as out:
        _write_skos_jsonld(out, concepts, ctx)
    del concepts
    with open_text(SITE_FILES["bibtex"]) as out:
        _write_bibtex(out, entries, graph, ctx, found)
    with open_text(SCHEMA_SITE_PATH) as out:
        out.write(SCHEMA_FILE.read_text(encoding="utf-8"))


def site_files(entries: Mapping[str, Entry], graph: Graph | None, ctx: ExportContext,
               records: Records | None = None) -> dict[str, str]:
    """Site path -> text of every export, in memory (tests, previews, small glossaries)."""
    files: dict[str, str] = {}

    @contextmanager
    def open_text(path: str) -> Iterator[IO[str]]:
        buffer = io.StringIO()
        yield buffer
        files[path] = buffer.getvalue()

    write_site_files(open_text, entries, graph, ctx, records)
    return files


def directory_opener(root: Path) -> Opener:
    """`open_text` for `write_site_files` that writes under `root` (UTF-8, folders made as needed)."""
    real_root = os.path.realpath(root)

    @contextmanager
    def open_text(path: str) -> Iterator[IO[str]]:
        target = Path(safe_paths.inside(real_root, path))  # never outside `root`, whatever a slug said
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8") as out:
            yield out

    return open_text


def _nested(json_text: str, depth: int) -> str:
    """A value dumped with indent=2 at the top, re-indented to sit `depth` levels deeper.

    Exact, because JSON strings never hold a raw line break: every newline is layout.
    """
    return json_text.replace("\n", "\n" + "  " * depth)


def _wrapped(head: dict[str, Any], last_member: str) -> str:
    """`json.dumps({**head, key: value}, indent=2)` given `"key": value` already dumped (at depth 1)."""
    opening = json.dumps(head, ensure_ascii=False, indent=2)  # head is never empty: it holds the meta
    return opening[:-2] + ",\n  " + last_member + "\n}"


# -- writing ----------------------------------------------------------------------------------------


def write_output(path: Path, text: str, *, force: bool = False) -> None:
    """Write `text` to `path` atomically; FileExistsError if it exists and `force` is not set,
    safe_paths.Refused if it is anything but a regular file (a device, FIFO, folder, link)."""
    path = Path(path)
    if not safe_paths.write_atomic(path, text.encode("utf-8"), force=force):
        raise FileExistsError(f"{path} already exists; pass --force to replace it")
