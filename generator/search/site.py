"""Emit the site search index: what the browser's search (search-index.js) loads.

`search/glossary-index.json` (fetched when the search box is first focused or typed in):
- every document (entries and site pages, in slug order as build_index orders them): slug,
  title, kind, summary, aliases, abbreviations, address, and its sections' headings and
  anchors. The browser builds the name vocabulary from the raw names with the same
  normalisation as the CLI (normalize.py's tables travel in `rules`, rank.py's constants
  in `params`), which keeps the file small;
- the full text, precomputed: the sorted full-text terms, how many sections hold each,
  every posting, each section's length class and the TF table (bm25.py). Stemming,
  tokenising and BM25's length normalisation all happened here; the browser works out
  the IDF from df and multiplies integers.
What the browser can work out is left out, and the rest packed for gzip: sitecodec.py.

`search/text/<address>.json` (fetched for the results on screen only): the plain text of
each section of one page, from which the browser cuts the snippet as the CLI does. They
are kept out of the index because all of them together weigh more than the index itself.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.model import KINDS
from generator.search.bm25 import IDF_SCALE, TITLE_BOOST, TOP_BOOST, build_postings, tf_table
from generator.search.fulltext import SNIPPET, SNIPPET_LEAD
from generator.search.index import as_docs, clean_text
from generator.search.normalize import export_rules
from generator.search.rank import PARAMS, kind_label
from generator.search.sections import PAGE_KIND, SearchDoc, documents
from generator.search.sitecodec import encode_fulltext, shipped_section, shipped_slug

if TYPE_CHECKING:
    from generator.model import Entry, Glossary

INDEX_PATH = "search/glossary-index.json"  # relative to the site root
TEXT_DIR = "search/text"
# 3: entries' addresses left out (they follow from kind and slug); 4: sitecodec.py (the
# full text as counts in one string ordered by df, no IDF; terms front-coded; slugs and
# anchors left out where title and heading give them).
INDEX_FORMAT = 4


def text_path(url: str) -> str:
    """Where the section texts of the page at `url` are: /term/x/ -> search/text/term/x.json."""
    return f"{TEXT_DIR}/{url.strip('/')}.json"


def site_index_data(items: list[Entry] | list[SearchDoc]) -> dict[str, Any]:
    """The index as JSON-ready data; docs in slug order, as build_index orders them."""
    docs = as_docs(items)
    kinds = [*KINDS, PAGE_KIND]
    full = build_postings(docs)
    data: dict[str, Any] = {
        "format": INDEX_FORMAT,
        "kinds": kinds,
        "kind_labels": [kind_label(kind) for kind in kinds],
        "rules": export_rules(),
        "params": {
            **PARAMS,
            "snippet": SNIPPET,
            "snippet_lead": SNIPPET_LEAD,
            "top_boost": TOP_BOOST,
            "title_boost": TITLE_BOOST,
            "idf_scale": IDF_SCALE,
        },
        "docs": [
            [
                shipped_slug(doc.slug, doc.title),
                doc.title,
                kinds.index(doc.kind),
                clean_text(doc.summary),
                [clean_text(alias) for alias in doc.aliases],
                [clean_text(abbreviation) for abbreviation in doc.abbreviations],
                "" if doc.url == f"/{doc.kind}/{doc.slug}/" else doc.url,  # an entry's follows from kind and slug
                [shipped_section(clean_text(s.title), s.anchor) for s in doc.sections],
            ]
            for doc in docs
        ],
        **encode_fulltext(full, [doc.title for doc in docs]),
        "length_classes": "".join(str(c) for c in full.classes),
        "tf_table": tf_table(),
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    data["version"] = hashlib.blake2b(text.encode(), digest_size=6).hexdigest()
    return data


def write_site_index(glossary: Glossary, site_dir: Path) -> None:
    """Write `search/glossary-index.json` and the section texts into the built site."""
    docs = as_docs(documents(glossary.entries.values()))
    target = site_dir / INDEX_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    data = site_index_data(docs)
    target.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    for doc in docs:
        path = site_dir / text_path(doc.url)
        path.parent.mkdir(parents=True, exist_ok=True)
        texts = [clean_text(s.text) for s in doc.sections]
        path.write_text(json.dumps(texts, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
