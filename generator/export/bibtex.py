"""The glossary as BibTeX: one `@misc` per entry, as `glossary cite --style bibtex` prints it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO

from generator.cite import record as cite
from generator.export.context import ExportContext, Records, as_text
from generator.link.graph import Graph
from generator.model import Entry


def to_bibtex(entries: Mapping[str, Entry], graph: Graph, ctx: ExportContext, records: Records) -> str:
    return as_text(write_bibtex, entries, graph, ctx, records)


def write_bibtex(
    out: IO[str], entries: Mapping[str, Entry], graph: Graph, ctx: ExportContext, records: Records
) -> None:
    """One `@misc` per entry, the same text `glossary cite --style bibtex` prints; accessed = ctx.day."""
    out.write(
        f"% {ctx.site_name}: {len(records)} entries, exported {ctx.day.isoformat()}.\n"
        f"% Content licensed {cite.LICENSE_NAME} ({cite.LICENSE_URL}); cite each entry's address.\n\n"
    )
    for index, record in enumerate(records.values()):
        out.write(("\n\n" if index else "") + record.format("bibtex", ctx.day))
    out.write("\n")
