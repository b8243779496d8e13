"""The glossary as CSV, one row per entry.

Cells that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab
or carriage return) get a leading `'`, as OWASP recommends against CSV injection; only
the CSV has this, every other format keeps the text exactly.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from typing import IO

from generator.export.context import ExportContext, Records, as_text, relations_in
from generator.link.graph import Graph
from generator.model import RELATION_TYPES, Entry

CSV_COLUMNS: tuple[str, ...] = (
    "slug",
    "title",
    "kind",
    "summary",
    "aliases",
    "abbreviations",
    "areas",
    "tags",
    *RELATION_TYPES,
    "url",
    "version",
    "fingerprint",
    "published",
    "modified",
)
CSV_LIST_SEPARATOR = "|"


def to_csv(entries: Mapping[str, Entry], graph: Graph, ctx: ExportContext, records: Records) -> str:
    return as_text(write_csv, entries, graph, ctx, records)


def write_csv(out: IO[str], entries: Mapping[str, Entry], graph: Graph, ctx: ExportContext, records: Records) -> None:
    """RFC 4180 CSV, one row per entry; list cells are joined with `|`."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    cell = csv_cell
    for slug, record in records.items():
        entry = entries[slug]
        relations = relations_in(graph, entries, slug)
        row: dict[str, str] = {
            "slug": slug,
            "title": record.title,
            "kind": entry.kind,
            "summary": record.summary,
            "aliases": CSV_LIST_SEPARATOR.join(entry.aliases),
            "abbreviations": CSV_LIST_SEPARATOR.join(entry.abbreviations),
            "areas": CSV_LIST_SEPARATOR.join(entry.areas),
            "tags": CSV_LIST_SEPARATOR.join(entry.tags),
            **{kind: CSV_LIST_SEPARATOR.join(relations.get(kind, ())) for kind in RELATION_TYPES},
            "url": record.entry_url,
            "version": record.version,
            "fingerprint": record.fingerprint,
            "published": record.published.isoformat(),
            "modified": record.issued.isoformat(),
        }
        writer.writerow([cell(row[column]) for column in CSV_COLUMNS])


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """`text` as a spreadsheet will not run it: a cell starting with `=`, `+`, `-`, `@`, tab
    or CR is a formula to Excel, LibreOffice and Sheets (`=HYPERLINK(...)`, `@SUM(...)`),
    so it gets a leading `'`, which they show as text (OWASP, CSV injection)."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
