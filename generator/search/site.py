"""Emit the site search index: what search-engine.js loads in the browser.

`search/glossary-index.json` (fetched when the search box is first focused or typed in):
- every document (entries and site pages, in slug order as build_index orders them): slug,
  title, kind, summary, aliases, abbreviations, address, and its sections' headings and
  anchors. The browser builds the name vocabulary from the raw names with the same
  normalisation as the CLI (normalize.py's tables travel in `rules`, rank.py's constants
  in `params`), which keeps the file small;
- the full text as precomputed postings: the sorted full-text terms, each term's IDF
  weight and its (section, tf) pairs packed as text (`encode_postings`), each section's
  length class and the TF table (fulltext.py). Stemming, tokenising and BM25's
  logarithms all happened here; the browser multiplies and adds integers.

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
from generator.search.fulltext import SNIPPET, SNIPPET_LEAD, TF_CAP, build_postings, tf_table
from generator.search.index import as_docs, clean_text
from generator.search.normalize import export_rules
from generator.search.rank import KIND_LABELS, PARAMS
from generator.search.sections import PAGE_KIND, SearchDoc, documents

if TYPE_CHECKING:
    from generator.model import Entry, Glossary

INDEX_PATH = "search/glossary-index.json"  # relative to the site root
TEXT_DIR = "search/text"
INDEX_FORMAT = 3  # 3: entries' addresses left out (they follow from kind and slug)
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"


def encode_postings(items: list[tuple[int, int]]) -> str:
    """One term's (section id, tf) pairs, ascending by section, as text.

    Each pair is the number (section id - previous section id) * TF_CAP + tf - 1 (the
    first "previous" is -1), written in base 32 least significant digit first: a digit
    that is not the last is ALPHABET[0..31], the last is ALPHABET[32..63].
    """
    out: list[str] = []
    previous = -1
    for section_id, tf in items:
        value = (section_id - previous) * TF_CAP + tf - 1
        previous = section_id
        while value >= 32:
            out.append(ALPHABET[value & 31])
            value >>= 5
        out.append(ALPHABET[32 + value])
    return "".join(out)


def decode_postings(text: str) -> list[tuple[int, int]]:
    """The inverse of encode_postings (the browser's is search-engine.js decodePostings)."""
    items: list[tuple[int, int]] = []
    previous, value, shift = -1, 0, 0
    for char in text:
        digit = ALPHABET.index(char)
        if digit < 32:
            value |= digit << shift
            shift += 5
            continue
        value |= (digit - 32) << shift
        previous += value // TF_CAP
        items.append((previous, value % TF_CAP + 1))
        value, shift = 0, 0
    return items


def text_path(url: str) -> str:
    """Where the section texts of the page at `url` are: /term/x/ -> search/text/term/x.json."""
    return f"{TEXT_DIR}/{url.strip('/')}.json"


def site_index_data(items: list[Entry] | list[SearchDoc]) -> dict[str, Any]:
    """The index as JSON-ready data; docs in slug order, as build_index orders them."""
    docs = as_docs(items)
    kinds = [*KINDS, PAGE_KIND]
    terms, postings, idf, classes, _ = build_postings(docs)
    data: dict[str, Any] = {
        "format": INDEX_FORMAT,
        "kinds": kinds,
        "kind_labels": [KIND_LABELS.get(kind, kind.title()) for kind in kinds],
        "rules": export_rules(),
        "params": {**PARAMS, "snippet": SNIPPET, "snippet_lead": SNIPPET_LEAD},
        "docs": [
            [
                doc.slug,
                doc.title,
                kinds.index(doc.kind),
                clean_text(doc.summary),
                [clean_text(alias) for alias in doc.aliases],
                [clean_text(abbreviation) for abbreviation in doc.abbreviations],
                "" if doc.url == f"/{doc.kind}/{doc.slug}/" else doc.url,  # an entry's follows from kind and slug
                [[clean_text(s.title), s.anchor] for s in doc.sections],
            ]
            for doc in docs
        ],
        "terms": list(terms),
        "idf": idf,
        "postings": [encode_postings(items) for items in postings],
        "length_classes": "".join(str(c) for c in classes),
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
