"""Full text: BM25 over sections, precomputed at build time into small integer impacts.

Everything that needs tokenising, stemming or a logarithm happens here, once, in Python:
each (term, section) pair gets an integer *impact*, BM25's contribution of that term to
that section quantised to 1..IMPACT_LEVELS:

    raw(t, s)  = idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(s) / avg_len))
    idf(t)     = ln(1 + (N - df + 0.5) / (df + 0.5))       N sections, df sections with t
    impact     = max(1, round(IMPACT_LEVELS * raw / max raw over the index))

A section's terms are those of its heading and text, plus its page's title once (so a
section of "Liquidation Price" about Binance answers "binance liquidation price"), and
the top section of a page counts TOP_BOOST times (what a page is about outranks a passing
mention elsewhere).

At query time both the CLI (rank.py) and the browser (search-engine.js) do only this, on
the same integers, in the same order:

    terms      = the query's distinct full-text terms (normalize.text_tokens)
    section    = sum of the impacts of the terms it holds
    ideal      = sum over known terms of the term's largest impact
    doc        = its best section (the first on a tie): section / ideal, times
                 known terms / terms (words the glossary never uses count against)

so the two agree to the last bit (sums of integers, one division, one product).
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from generator.search.normalize import fold, text_tokens, text_word

if TYPE_CHECKING:
    from generator.search.sections import SearchDoc

K1 = 1.2
B = 0.75
IMPACT_LEVELS = 255
TOP_BOOST = 2
TITLE_BOOST = 3


def build_postings(docs: Sequence[SearchDoc]) -> tuple[tuple[str, ...], list[list[tuple[int, int]]], list[int]]:
    """(sorted terms, per term [(section id, impact)] by section, section -> doc id).

    Sections are numbered in document order, then in their order on the page.
    """
    section_doc: list[int] = []
    counts: list[Counter[str]] = []
    lengths: list[int] = []
    for doc_id, doc in enumerate(docs):
        title_terms = Counter({t: TITLE_BOOST for t in text_tokens(doc.title)})
        for position, section in enumerate(doc.sections):
            terms = text_tokens(f"{section.title} {section.text}")
            counter = Counter(terms)
            if position == 0:
                counter = Counter({t: c * TOP_BOOST for t, c in counter.items()})
            counter.update(title_terms)
            section_doc.append(doc_id)
            counts.append(counter)
            lengths.append(sum(counter.values()))
    total = len(counts)
    avg_len = (sum(lengths) / total) if total else 1.0
    doc_freq: Counter[str] = Counter()
    for counter in counts:
        doc_freq.update(counter.keys())
    terms = tuple(sorted(doc_freq))
    ids = {t: i for i, t in enumerate(terms)}
    idf = {t: math.log(1 + (total - df + 0.5) / (df + 0.5)) for t, df in doc_freq.items()}
    raw: list[list[tuple[int, float]]] = [[] for _ in terms]
    top = 0.0
    for section_id, (counter, length) in enumerate(zip(counts, lengths)):
        norm = K1 * (1 - B + B * length / avg_len)
        for term, tf in counter.items():
            value = idf[term] * tf * (K1 + 1) / (tf + norm)
            raw[ids[term]].append((section_id, value))
            top = max(top, value)
    postings = [
        [(section_id, max(1, round(IMPACT_LEVELS * value / top))) for section_id, value in items] for items in raw
    ]
    return terms, postings, section_doc


def query_terms(query: str) -> list[str]:
    """The query's distinct full-text terms, in order of first appearance."""
    return list(dict.fromkeys(text_tokens(query)))


def score_sections(
    terms: Sequence[str],
    lookup,  # term -> (section ids, impacts, largest impact) or None
    section_doc: Sequence[int],
) -> dict[int, tuple[float, int]]:
    """doc id -> (text score in [0, 1], best section id) for the query's terms."""
    if not terms:
        return {}
    found = [hit for hit in (lookup(t) for t in terms) if hit is not None]
    if not found:
        return {}
    ideal = 0
    scores: dict[int, int] = {}
    for sections, impacts, largest in found:
        ideal += largest
        get = scores.get
        for section_id, impact in zip(sections, impacts):
            scores[section_id] = get(section_id, 0) + impact
    known = len(found) / len(terms)
    best: dict[int, tuple[int, int]] = {}
    for section_id in sorted(scores):
        total = scores[section_id]
        doc_id = section_doc[section_id]
        old = best.get(doc_id)
        if old is None or total > old[0]:
            best[doc_id] = (total, section_id)
    return {doc_id: (total / ideal * known, section_id) for doc_id, (total, section_id) in best.items()}


# -- snippets -----------------------------------------------------------------------------

SNIPPET = 180  # characters shown around the matched words
SNIPPET_LEAD = 40  # characters kept before the first matched word of the window
_WORD = re.compile(r"[^\W_]+")


def snippet(text: str, terms: set[str], width: int = SNIPPET) -> tuple[str, list[tuple[int, int]]]:
    """A stretch of `text` around the query's words and where they are in it (start, end).

    The window starts near the matched word from which the most distinct query terms
    follow within `width` characters (the first such word on a tie); it is cut at spaces.
    """
    hits: list[tuple[int, int, str]] = []
    for match in _WORD.finditer(text):
        term = text_word(fold(match.group()))
        if term and term in terms:
            hits.append((match.start(), match.end(), term))
    if not hits:
        return _cut(text, 0, width), []
    best, best_count = 0, -1
    for i, (start, _, _) in enumerate(hits):
        count = len({term for s, _, term in hits[i:] if s < start + width - SNIPPET_LEAD})
        if count > best_count:
            best, best_count = i, count
    begin = max(0, hits[best][0] - SNIPPET_LEAD)
    if begin > 0:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < hits[best][0] else hits[best][0]
    shown = _cut(text, begin, width)
    offset = begin - (1 if begin > 0 else 0)  # the leading ellipsis
    marks = [(s - offset, e - offset) for s, e, _ in hits if s >= begin and e - offset <= len(shown.rstrip("\u2026"))]
    return shown, marks


def _cut(text: str, begin: int, width: int) -> str:
    end = begin + width
    if end >= len(text):
        piece = text[begin:]
    else:
        space = text.rfind(" ", begin, end)
        piece = text[begin:space if space > begin + width // 2 else end] + "\u2026"
    return ("\u2026" if begin > 0 else "") + piece


def pack(postings: list[list[tuple[int, int]]]) -> tuple[array, array, bytes, array]:
    """Postings as flat arrays for the cache: (start, section ids, impacts, largest impact)."""
    start, sections, largest = array("i", [0]), array("i"), array("i")
    impacts = bytearray()
    for items in postings:
        sections.extend(s for s, _ in items)
        impacts.extend(i for _, i in items)
        start.append(len(sections))
        largest.append(max((i for _, i in items), default=0))
    return start, sections, bytes(impacts), largest


__all__ = ["IMPACT_LEVELS", "build_postings", "pack", "query_terms", "score_sections", "snippet"]
