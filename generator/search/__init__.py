"""Search over every entry and site page: names with typos, and full text by section.

One ranking design serves the terminal and the site:
    normalize.py  the text rules (shared with the browser as data)
    synonyms.py   trader words -> glossary words, applied to queries (shipped as data too)
    sources.py    which site pages are searched (paths only)
    sections.py   entries and site pages -> documents of sections (heading, anchor, text)
    fulltext.py   sections -> BM25 impacts; the text score; snippets
    index.py      the index a query reads: a core of plain arrays, and a blob (store.py)
    build.py      documents -> that index
    names.py      the name match: titles, aliases, abbreviations, summaries, with typos
    params.py     the ranking constants (shipped to the browser)
    rank.py       query -> ranked hits (name match and full text fused); "did you mean"
    cache.py      the index on disk, reused only while provably current
    site.py       the site's index JSON, read by search-index.js (sitecodec.py packs it)

Importing this package costs nothing: each name below is imported when first used, and a
warm `glossary search` uses only the cache and the ranking (no YAML, MkDocs, Jinja, entry
model or dataclasses), which the 150 ms budget depends on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.model import Glossary
    from generator.search.build import build_index
    from generator.search.index import SearchIndex
    from generator.search.rank import Hit, search, suggest

_LAZY = {
    "Hit": "generator.search.rank",
    "search": "generator.search.rank",
    "suggest": "generator.search.rank",
    "SearchIndex": "generator.search.index",
    "build_index": "generator.search.build",
}


def __getattr__(name: str) -> object:
    """The ranking and the index classes, imported on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def index_for_terms(
    terms_dir: Path, *, use_cache: bool = True, refresh: bool = False, current: Callable[[], bytes] | None = None
) -> SearchIndex:
    """The search index of a terms folder, from the cache when it is current; `refresh`
    rebuilds and stores it whatever the cache holds; `current` is the folder's fingerprint
    worked out meanwhile (cache.fingerprint_meanwhile)."""
    from generator.search import cache

    def build() -> SearchIndex:
        from generator.pipeline import load_glossary  # parsing YAML only on a cache miss
        from generator.search.build import build_index
        from generator.search.sections import documents

        return build_index(documents(load_glossary(terms_dir, use_cache=use_cache).entries.values()))

    return cache.load_or_build(terms_dir, build, use_cache=use_cache, refresh=refresh, current=current)


def write_site_index(glossary: Glossary, site_dir: Path) -> None:
    """Write what the site search needs into the built site (called after the build)."""
    from generator.search.site import write_site_index as write

    write(glossary, site_dir)


__all__ = ["Hit", "SearchIndex", "build_index", "index_for_terms", "search", "suggest", "write_site_index"]
