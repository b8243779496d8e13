"""Emit the site search index: what search-engine.js loads in the browser.

The browser gets the raw names and summaries plus the normalisation tables and ranking
constants, and builds its own vocabulary with the same procedure as the CLI (see
normalize.py and rank.py). Shipping raw text rather than a prebuilt index keeps the file
small (about 90 bytes gzipped per entry) and makes any drift between the Python and the
JavaScript ports visible to the parity test instead of hiding it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.model import KIND_SECTIONS, KINDS, Entry
from generator.search.index import clean_text
from generator.search.normalize import export_rules
from generator.search.rank import PARAMS

if TYPE_CHECKING:
    from generator.model import Glossary

INDEX_PATH = "search/glossary-index.json"  # relative to the site root
INDEX_FORMAT = 1


def site_index_data(entries: list[Entry]) -> dict[str, Any]:
    """The index as JSON-ready data; docs in slug order, as build_index orders them."""
    docs = []
    for entry in sorted(entries, key=lambda e: e.slug):
        docs.append(
            [
                entry.slug,
                entry.title,
                KINDS.index(entry.kind),
                clean_text(entry.summary),
                [clean_text(alias) for alias in entry.aliases],
                [clean_text(abbreviation) for abbreviation in entry.abbreviations],
            ]
        )
    return {
        "format": INDEX_FORMAT,
        "kinds": list(KINDS),
        "sections": [KIND_SECTIONS[kind] for kind in KINDS],  # address segment per kind
        "rules": export_rules(),
        "params": PARAMS,
        "docs": docs,
    }


def write_site_index(glossary: Glossary, site_dir: Path) -> None:
    """Write `search/glossary-index.json` into the built site."""
    target = site_dir / INDEX_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    data = site_index_data(list(glossary.entries.values()))
    target.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
