"""Build the search index (index.py) from entries and site pages: the slow part, done once.

Every name, summary and section is normalised here; a warm `glossary search` then loads
the result from the cache (cache.py) and never normalises a document again.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from itertools import accumulate
from typing import TYPE_CHECKING

from generator.search.bm25 import build_postings, pack
from generator.search.index import ABBREVIATION, ALIAS, SEP, TITLE, SearchIndex, as_docs, clean_text, packed
from generator.search.normalize import tokens
from generator.search.rank import kind_label
from generator.search.store import MemoryBlob

if TYPE_CHECKING:
    from generator.model import Entry
    from generator.search.sections import SearchDoc


def _pack(lists: list[list[int]]) -> tuple[array, array]:
    start, values = array("i", [0]), array("i")
    for items in lists:
        values.extend(items)
        start.append(len(values))
    return start, values


def _names(doc: SearchDoc) -> Iterable[tuple[int, str]]:
    yield TITLE, doc.title
    for alias in doc.aliases:
        yield ALIAS, alias
    for abbreviation in doc.abbreviations:
        yield ABBREVIATION, abbreviation


def _starts(rows: list[bytes]) -> array:
    """Where each row begins in the rows joined, and where the last ends."""
    start = array("i", [0])
    for row in rows:
        start.append(start[-1] + len(row))
    return start


def _by_length(vocab: tuple[str, ...]) -> tuple[array, array]:
    """(vocab ids ordered by length then id, where each length begins in that order): the
    typo search looks only at words of about the query word's length (names._of_length)."""
    order = array("i", sorted(range(len(vocab)), key=lambda i: (len(vocab[i]), i)))
    counts = [0] * (max((len(word) for word in vocab), default=0) + 2)
    for word in vocab:
        counts[len(word) + 1] += 1
    return order, array("i", accumulate(counts))  # start[n]: how many words are shorter than n


def build_index(items: Iterable[Entry | SearchDoc]) -> SearchIndex:
    """Normalise every name, summary and section once; docs in slug order for stable output.

    Each name of 2-4 words also gets a joined form, so "stoploss" finds "stop loss".
    Duplicate names within one entry and field are kept once.
    """
    ordered = as_docs(items)

    raw_names: list[tuple[int, int, str, list[str], bool]] = []
    summary_words: list[set[str]] = []
    for doc_id, entry in enumerate(ordered):
        seen: set[tuple[int, str]] = set()
        for field, text in _names(entry):
            words = tokens(text)
            if not words or (field, " ".join(words)) in seen:
                continue
            seen.add((field, " ".join(words)))
            raw_names.append((doc_id, field, clean_text(text), words, False))
            if 2 <= len(words) <= 4:
                raw_names.append((doc_id, field, clean_text(text), ["".join(words)], True))
        summary_words.append(set(tokens(entry.summary)))

    vocabulary: set[str] = set()
    for _, _, _, words, _ in raw_names:
        vocabulary.update(words)
    for summary in summary_words:
        vocabulary.update(summary)
    vocab = tuple(sorted(vocabulary))
    ids = {word: i for i, word in enumerate(vocab)}

    name_postings: list[list[int]] = [[] for _ in vocab]
    summary_postings: list[list[int]] = [[] for _ in vocab]
    doc_words: list[set[int]] = [set() for _ in ordered]
    name_start = [0]
    name_tokens: list[int] = []
    for name_id, (doc_id, _, _, words, _) in enumerate(raw_names):
        token_ids = [ids[w] for w in words]
        name_tokens.extend(token_ids)
        name_start.append(len(name_tokens))
        for token_id in dict.fromkeys(token_ids):
            name_postings[token_id].append(name_id)
        doc_words[doc_id].update(token_ids)
    for doc_id, summary in enumerate(summary_words):
        for token_id in sorted(ids[w] for w in summary):
            summary_postings[token_id].append(doc_id)
            doc_words[doc_id].add(token_id)
    doc_freq = [0] * len(vocab)
    for words_of_doc in doc_words:
        for token_id in words_of_doc:
            doc_freq[token_id] += 1

    texts: list[list[str]] = [[] for _ in ordered]
    for doc_id, _, text, _, _ in raw_names:
        texts[doc_id].append(text)
    rows = [
        SEP.join((e.slug, e.kind, e.url, clean_text(e.summary), *texts[doc_id])).encode()
        for doc_id, e in enumerate(ordered)
    ]
    section_rows = [
        SEP.join((clean_text(s.title), s.anchor, clean_text(s.text))).encode() for d in ordered for s in d.sections
    ]
    full = build_postings(ordered)
    text_start, sections, impacts, largest = pack(full.items, full.idf, full.classes)
    blob_parts = [packed(sections), packed(impacts), ("", b"".join(rows)), ("", b"".join(section_rows))]
    starts = list(accumulate((len(data) for _, data in blob_parts), initial=0))
    core = (
        tuple(e.title for e in ordered),
        vocab,
        packed(n[0] for n in raw_names),
        bytes(n[1] for n in raw_names),
        bytes(int(n[4]) for n in raw_names),
        packed(name_start),
        packed(name_tokens),
        packed(len(" ".join(n[3])) for n in raw_names),
        *map(packed, _pack(name_postings)),
        *map(packed, _pack(summary_postings)),
        packed(doc_freq),
        full.terms,
        packed(text_start),
        packed(largest),
        packed(full.section_doc),
        packed(_starts(rows)),
        packed(_starts(section_rows)),
        *map(packed, _by_length(vocab)),
        tuple((code, at) for (code, _), at in zip(blob_parts, starts)),
        {kind: kind_label(kind) for kind in sorted({doc.kind for doc in ordered})},
    )
    return SearchIndex(core, MemoryBlob(b"".join(data for _, data in blob_parts)))


__all__ = ["build_index"]
