"""What every export format is written from: the entries' link graph, their citation
records, and an `ExportContext` (site address, day, revision history)."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from generator import settings
from generator.cite import record as cite
from generator.history.revisions import History
from generator.link.graph import Graph, build_graph
from generator.model import RELATION_TYPES, Entry


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


def graph_for(entries: Mapping[str, Entry], graph: Graph | None) -> Graph:
    return graph if graph is not None else build_graph(entries)


Records = Mapping[str, cite.CitationRecord]


def records_for(
    entries: Mapping[str, Entry], ctx: ExportContext, known: Records | None = None
) -> dict[str, cite.CitationRecord]:
    """Each entry's citation record by slug, in slug order; `known` ones (made for `ctx`) are reused."""
    known = known or {}
    return {
        slug: known.get(slug) or cite.CitationRecord.from_entry(e, site_url=ctx.base, site_name=ctx.site_name)
        for slug, e in sorted(entries.items())
    }


def as_text(write: Callable[..., None], *args: Any) -> str:
    """What `write(out, *args)` writes, as one string."""
    out = io.StringIO()
    write(out, *args)
    return out.getvalue()


def relations_in(graph: Graph, entries: Mapping[str, Entry], slug: str) -> dict[str, list[str]]:
    found = graph.relations(slug)
    return {kind: [s for s in found[kind] if s in entries] for kind in RELATION_TYPES if found.get(kind)}
