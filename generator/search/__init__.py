"""Search over every entry and site page: names with typos, and full text by section.

One ranking design serves the terminal and the site:
    normalize.py  the text rules (shared with the browser as data)
    synonyms.py   trader words -> glossary words, applied to queries (shipped as data too)
    sections.py   entries and site pages -> documents of sections (heading, anchor, text)
    fulltext.py   sections -> BM25 impacts; the text score; snippets
    index.py      documents -> a compact index of plain lists
    names.py      the name match: titles, aliases, abbreviations, summaries, with typos
    params.py     the ranking constants (shipped to the browser)
    rank.py       query -> ranked hits (name match and full text fused); "did you mean"
    cache.py      the index on disk, reused only while provably current
    site.py       the site's index JSON, read by search-engine.js

Importing this package is cheap (no YAML, no MkDocs, no Jinja), which the 150 ms budget
of a warm `glossary search` depends on.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from generator.search.index import SearchIndex, build_index
from generator.search.rank import Hit, search, suggest

if TYPE_CHECKING:
    from generator.model import Glossary


def index_for_terms(terms_dir: Path, *, use_cache: bool = True) -> SearchIndex:
    """The search index of a terms folder, from the cache when it is current."""
    from generator.search import cache

    def build() -> SearchIndex:
        from generator.pipeline import load_glossary  # parsing YAML only on a cache miss
        from generator.search.sections import documents

        return build_index(documents(load_glossary(terms_dir, use_cache=use_cache).entries.values()))

    return cache.load_or_build(terms_dir, build, use_cache=use_cache)


def write_site_index(glossary: Glossary, site_dir: Path) -> None:
    """Write what the site search needs into the built site (called after the build)."""
    from generator.search.site import write_site_index as write

    write(glossary, site_dir)


__all__ = ["Hit", "SearchIndex", "build_index", "index_for_terms", "search", "suggest", "write_site_index"]
