"""The glossary as JSON: one document of every entry (and, on the site, one per entry),
following `schema/export.schema.json`, written entry by entry so it is never held whole."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, Any

from generator import __version__
from generator.cite import record as cite
from generator.export.context import ExportContext, Records, relations_in
from generator.history.revisions import no_history
from generator.link.graph import Graph
from generator.model import Entry

SCHEMA_SITE_PATH = "api/export.schema.json"


def export_meta(ctx: ExportContext) -> dict[str, Any]:
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


def entry_object(
    entry: Entry, graph: Graph, ctx: ExportContext, record: cite.CitationRecord | None = None
) -> dict[str, Any]:
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
        "relations": relations_in(graph, graph.entries, entry.slug),
        "published": entry.published[:10],
        "modified": (entry.modified or entry.published)[:10],
        "version": {
            "id": record.version,
            "fingerprint": record.fingerprint,
            "modified": record.issued.isoformat(),
            "url": record.version_url,
        },
        "revisions": [_revision_json(r, ctx) for r in history.earlier(entry, record.fingerprint)],
        "in_brief": entry.in_brief,
        "body": entry.body,
        "formulas": _plain(entry.formulas),
        "examples": _plain(entry.examples),
        "faq": _plain(entry.faq),
        "sources": _plain(entry.sources),
        "citation": record.csl_item(),
    }


def dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def to_json(entries: Mapping[str, Entry], graph: Graph, ctx: ExportContext, records: Records) -> str:
    out = io.StringIO()
    write_json(out, entries, graph, ctx, records)
    return out.getvalue()


def write_json(
    out: IO[str],
    entries: Mapping[str, Entry],
    graph: Graph,
    ctx: ExportContext,
    records: Records,
    each: Callable[[str, str], None] | None = None,
) -> None:
    """The glossary as one JSON document (`dump` of meta, count and entries), written entry by
    entry so it is never held whole; `each(slug, item)` also gets every entry object as dumped."""

    def items() -> Iterator[str]:
        for slug, record in records.items():
            item = dump(entry_object(entries[slug], graph, ctx, record)).rstrip("\n")
            if each is not None:
                each(slug, item)
            yield item

    write_listing(out, {**export_meta(ctx), "count": len(records)}, "entries", items())


def write_listing(out: IO[str], head: dict[str, Any], key: str, items: Iterable[str]) -> None:
    """`dump({**head, key: [...]})` written item by item, each item already dumped (depth 0),
    so that the list is never held whole. `head` is never empty."""
    opening = json.dumps(head, ensure_ascii=False, indent=2)
    out.write(opening[:-2] + f",\n  {json.dumps(key)}: [")
    empty = True
    for item in items:
        out.write(("\n    " if empty else ",\n    ") + nested(item, 2))
        empty = False
    out.write("]\n}\n" if empty else "\n  ]\n}\n")


def nested(json_text: str, depth: int) -> str:
    """A value dumped with indent=2 at the top, re-indented to sit `depth` levels deeper.

    Exact, because JSON strings never hold a raw line break: every newline is layout.
    """
    return json_text.replace("\n", "\n" + "  " * depth)


def wrapped(head: dict[str, Any], last_member: str) -> str:
    """`json.dumps({**head, key: value}, indent=2)` given `"key": value` already dumped (at depth 1)."""
    opening = json.dumps(head, ensure_ascii=False, indent=2)  # head is never empty: it holds the meta
    return opening[:-2] + ",\n  " + last_member + "\n}"
