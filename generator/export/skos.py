"""The glossary as a SKOS concept scheme, in Turtle and in JSON-LD.

Every entry is a `skos:Concept` in one `skos:ConceptScheme` (the site), with `prefLabel`
(title), `altLabel` (aliases and abbreviations), `definition` (summary),
`broader`/`narrower` (stated and inferred) and `related` (related, contrasts, uses and
used by - all associative links; a pair already linked as broader/narrower is not also
marked related, as SKOS requires). Concept IRIs are the entries' permanent URLs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

from generator.cite import record as cite
from generator.export.context import ExportContext, Records, as_text, relations_in
from generator.export.json_export import dump, write_listing
from generator.link.graph import Graph
from generator.model import Entry

SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
_ASSOCIATIVE = ("related", "contrasts", "uses", "used_by")


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


def concepts_of(entries: Mapping[str, Entry], graph: Graph, records: Records) -> list[_Concept]:
    iri = {s: r.entry_url for s, r in records.items()}
    concepts = []
    for slug, record in records.items():
        entry = entries[slug]
        found = relations_in(graph, entries, slug)
        broader = tuple(found.get("broader", ()))
        narrower = tuple(found.get("narrower", ()))
        hierarchical = set(broader) | set(narrower)
        related = tuple(sorted({s for kind in _ASSOCIATIVE for s in found.get(kind, ())} - hierarchical - {slug}))
        concepts.append(
            _Concept(
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
            )
        )
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
    return as_text(write_turtle, concepts_of(entries, graph, records), ctx)


def write_turtle(out: IO[str], concepts: list[_Concept], ctx: ExportContext) -> None:
    scheme = f"<{_iri(ctx.base)}>"
    out.write(
        "\n".join(
            [
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
            ]
        )
    )
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
    return as_text(write_skos_jsonld, concepts_of(entries, graph, records), ctx)


def write_skos_jsonld(out: IO[str], concepts: list[_Concept], ctx: ExportContext) -> None:
    """`dump` of the JSON-LD document (context, then the scheme and every concept in one
    graph), written node by node so that it is never held whole."""
    nodes = (dump(node).rstrip("\n") for node in _skos_nodes(concepts, ctx))
    write_listing(out, {"@context": _SKOS_CONTEXT}, "@graph", nodes)


_SKOS_CONTEXT = {
    "skos": SKOS,
    "dct": DCT,
    "owl": OWL,
    "xsd": XSD,
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
        node: dict[str, Any] = {"@id": c.iri, "@type": "skos:Concept", "inScheme": ctx.base, "prefLabel": c.pref}
        if c.alt:
            node["altLabel"] = list(c.alt)
        node["definition"] = c.definition
        for name, targets in (("broader", c.broader), ("narrower", c.narrower), ("related", c.related)):
            if targets:
                node[name] = list(targets)
        node.update({"created": c.created, "modified": c.modified, "versionInfo": c.version})
        yield node
