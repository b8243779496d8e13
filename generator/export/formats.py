"""Open exports of the glossary: JSON, CSV, SKOS (Turtle and JSON-LD) and BibTeX.

Everything here is a pure function of the entries, the link graph and an
`ExportContext` (site address, day, revision history), so `glossary export`, the site's
`/api/` files and the tests produce the same bytes from the same input. The JSON
documents follow `schema/export.schema.json`, which is published beside them at
`/api/export.schema.json`.

Each format is a module of its own (`json_export`, `csv_export`, `skos`, `bibtex`), written
from the shared `context`; this module names them, writes the site's `/api/` files and
writes an export to disk.

Writing files (`write_output`) is atomic: a temporary file in the same folder, then
`os.replace`; an existing file is kept unless `force` is set, and only a regular file is
ever replaced (`safe_paths.write_atomic`).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO

from generator import safe_paths, settings
from generator.export.bibtex import to_bibtex, write_bibtex
from generator.export.context import ExportContext, Records, graph_for, records_for
from generator.export.csv_export import CSV_COLUMNS, csv_cell, to_csv, write_csv
from generator.export.json_export import SCHEMA_SITE_PATH, export_meta, nested, to_json, wrapped, write_json
from generator.export.skos import concepts_of, to_skos_jsonld, to_skos_turtle, write_skos_jsonld, write_turtle
from generator.link.graph import Graph
from generator.model import Entry

# What users of the exports import from here; each format is written in its own module.
__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "SITE_FILES",
    "ExportContext",
    "csv_cell",
    "directory_opener",
    "export",
    "site_files",
    "write_output",
    "write_site_files",
]


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
    return _WRITERS[fmt](entries, graph_for(entries, graph), ctx, records_for(entries, ctx))


def write_site_files(
    open_text: Opener,
    entries: Mapping[str, Entry],
    graph: Graph | None,
    ctx: ExportContext,
    records: Records | None = None,
) -> None:
    """Every export of the whole glossary, one JSON per entry and the schema, each written as made.

    `open_text(site_path)` gives a text stream to write one file to. Nothing is held
    whole: each entry object is dumped once, into its own file and straight on into the
    glossary file (`write_json`, the same writer as `glossary export --format json`), so a 10,000-entry site never has its ~100 MB of JSON in memory.
    `records` (made for `ctx`'s site) saves recomputing the pages' citation records.
    """
    graph = graph_for(entries, graph)
    found = records_for(entries, ctx, records)
    meta = export_meta(ctx)

    def own_file(slug: str, item: str) -> None:
        with open_text(f"api/entries/{slug}.json") as one:
            one.write(wrapped(meta, '"entry": ' + nested(item, 1)) + "\n")

    with open_text(SITE_FILES["json"]) as whole:
        write_json(whole, entries, graph, ctx, found, own_file)
    with open_text(SITE_FILES["csv"]) as out:
        write_csv(out, entries, graph, ctx, found)
    concepts = concepts_of(entries, graph, found)
    with open_text(SITE_FILES["skos-turtle"]) as out:
        write_turtle(out, concepts, ctx)
    with open_text(SITE_FILES["skos-jsonld"]) as out:
        write_skos_jsonld(out, concepts, ctx)
    del concepts
    with open_text(SITE_FILES["bibtex"]) as out:
        write_bibtex(out, entries, graph, ctx, found)
    with open_text(SCHEMA_SITE_PATH) as out:
        out.write(SCHEMA_FILE.read_text(encoding="utf-8"))


def site_files(
    entries: Mapping[str, Entry], graph: Graph | None, ctx: ExportContext, records: Records | None = None
) -> dict[str, str]:
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


def write_output(path: Path, text: str, *, force: bool = False) -> None:
    """Write `text` to `path` atomically; FileExistsError if it exists and `force` is not set,
    safe_paths.Refused if it is anything but a regular file (a device, FIFO, folder, link)."""
    path = Path(path)
    if not safe_paths.write_atomic(path, text.encode("utf-8"), force=force):
        raise FileExistsError(f"{path} already exists; pass --force to replace it")
