"""Full text: BM25 over sections, precomputed at build time into small integers.

Everything that needs tokenising, stemming or a logarithm happens here, once, in Python.
BM25's contribution of a term t to a section s,

    idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(s) / avg_len)),
    idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))     (N sections, df of them hold t)

is shipped as two integer tables whose product is the *impact*:

    impact(t, s) = IDF[t] * TF[length class of s][min(tf, TF_CAP) - 1]
    IDF[t]       = max(1, round(IDF_SCALE * idf(t)))
    TF[c][f]     = round(TF_SCALE * f * (k1 + 1) / (f + k1 * (1 - b + b * r_c)))

where a section's length class c is the bucket of len(s) / avg_len in LENGTH_BOUNDS and r_c
that bucket's representative ratio. So a posting is only (section, tf), which packs into
about a byte, and the browser multiplies integers exactly as Python does.

A section's terms are those of its heading and text, the top section of a page counting
TOP_BOOST times (what a page is about outranks a passing mention elsewhere), plus its
page's title TITLE_BOOST times (so a section of "Liquidation Price" about Binance answers
"binance liquidation price").

At query time both the CLI (rank.py) and the browser (search-engine.js) do only this, on
the same integers, in the same order:

    terms      = the query's distinct full-text terms (normalize.text_tokens), each with
                 its stand-ins (synonyms.py), weighted 4 (the term) or 3 (a stand-in)
    section    = sum over terms of the best weighted impact of the term or a stand-in
    ideal      = sum over known terms of the best weighted largest impact
    doc        = its best section (the first on a tie): section / ideal, times
                 known terms / terms (words the glossary never uses count against)

so the two agree to the last bit (integer sums, one division, one product).
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from generator.search.normalize import fold, raw_words, text_tokens, text_word
from generator.search.synonyms import SYNONYM_SHARE, phrase_stand_ins, synonym_key, text_phrases, text_synonyms

if TYPE_CHECKING:
    from generator.search.sections import SearchDoc

K1 = 1.2
B = 0.75
TOP_BOOST = 3  # the top of a page (summary, names, In brief) says what the page is about
TITLE_BOOST = 3
TF_CAP = 8
IDF_SCALE = 10
TF_SCALE = 10
# Upper bounds of len(s) / avg_len for the length classes; the last class is open.
LENGTH_BOUNDS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)
LENGTH_RATIOS = (0.15, 0.375, 0.625, 0.875, 1.25, 1.75, 2.5, 4.0)  # each class's representative


def tf_table() -> list[list[int]]:
    """TF[length class][tf - 1]: BM25's saturation and length normalisation, scaled."""
    return [
        [round(TF_SCALE * f * (K1 + 1) / (f + K1 * (1 - B + B * ratio))) for f in range(1, TF_CAP + 1)]
        for ratio in LENGTH_RATIOS
    ]


def length_class(ratio: float) -> int:
    for position, bound in enumerate(LENGTH_BOUNDS):
        if ratio < bound:
            return position
    return len(LENGTH_BOUNDS)


def build_postings(
    docs: Sequence[SearchDoc],
) -> tuple[tuple[str, ...], list[list[tuple[int, int]]], list[int], list[int], list[int]]:
    """(sorted terms, per term [(section id, tf)] by section, IDF per term,
    length class per section, section -> doc id).

    Sections are numbered in document order, then in their order on the page.
    """
    section_doc: list[int] = []
    counts: list[Counter[str]] = []
    for doc_id, doc in enumerate(docs):
        title_terms = Counter({t: TITLE_BOOST for t in text_tokens(doc.title)})
        for position, section in enumerate(doc.sections):
            counter = Counter(text_tokens(f"{section.title} {section.text}"))
            if position == 0:
                counter = Counter({t: c * TOP_BOOST for t, c in counter.items()})
            counter.update(title_terms)
            section_doc.append(doc_id)
            counts.append(counter)
    lengths = [sum(c.values()) for c in counts]
    total = len(counts)
    avg_len = (sum(lengths) / total) if total else 1.0
    classes = [length_class(length / avg_len) for length in lengths]
    doc_freq: Counter[str] = Counter()
    for counter in counts:
        doc_freq.update(counter.keys())
    terms = tuple(sorted(doc_freq))
    ids = {t: i for i, t in enumerate(terms)}
    idf = [max(1, round(IDF_SCALE * math.log(1 + (total - doc_freq[t] + 0.5) / (doc_freq[t] + 0.5)))) for t in terms]
    postings: list[list[tuple[int, int]]] = [[] for _ in terms]
    for section_id, counter in enumerate(counts):
        for term, tf in counter.items():
            postings[ids[term]].append((section_id, min(tf, TF_CAP)))
    return terms, postings, idf, classes, section_doc


def query_terms(query: str) -> list[tuple[str, ...]]:
    """The query's distinct full-text terms, in order of first appearance, each followed by
    its stand-ins (synonyms.py) that are not themselves terms of the query."""
    table = text_synonyms()
    stand_ins: dict[str, list[str]] = {}
    raw = raw_words(query)
    phrases = phrase_stand_ins(raw, text_phrases())
    for word, extra in zip(raw, phrases):
        term = text_word(word)
        if term:
            found = stand_ins.setdefault(term, [])
            found.extend(s for s in (*table.get(synonym_key(word), ()), *extra) if s not in found)
    terms = list(dict.fromkeys(text_tokens(query)))
    asked = set(terms)
    return [(term, *(s for s in stand_ins.get(term, ()) if s not in asked)) for term in terms]


def score_sections(
    terms: Sequence[tuple[str, ...]],
    lookup,  # term -> (section ids, impacts, largest impact) or None
    section_doc: Sequence[int],
) -> dict[int, tuple[float, int]]:
    """doc id -> (text score in [0, 1], best section id) for the query's terms.

    A term with stand-ins counts, in each section, the best of its own impact (times the
    share's denominator) and theirs (times its numerator): integers, so exact in JS too.
    """
    if not terms:
        return {}
    own, part = SYNONYM_SHARE[1], SYNONYM_SHARE[0]
    ideal = known = 0
    scores: dict[int, int] = {}
    for group in terms:
        found = [(hit, own if i == 0 else part) for i, t in enumerate(group) if (hit := lookup(t)) is not None]
        if not found:
            continue
        known += 1
        ideal += max(hit[2] * share for hit, share in found)
        best: dict[int, int] = {}
        for (sections, impacts, _), share in found:
            get = best.get
            for section_id, impact in zip(sections, impacts):
                if impact * share > get(section_id, 0):
                    best[section_id] = impact * share
        get = scores.get
        for section_id, value in best.items():
            scores[section_id] = get(section_id, 0) + value
    if not known:
        return {}
    share_known = known / len(terms)
    top: dict[int, tuple[int, int]] = {}
    for section_id in sorted(scores):
        total = scores[section_id]
        doc_id = section_doc[section_id]
        old = top.get(doc_id)
        if old is None or total > old[0]:
            top[doc_id] = (total, section_id)
    return {doc_id: (total / ideal * share_known, section_id) for doc_id, (total, section_id) in top.items()}


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
        piece = text[begin : space if space > begin + width // 2 else end] + "\u2026"
    return ("\u2026" if begin > 0 else "") + piece


def pack(
    postings: list[list[tuple[int, int]]], idf: list[int], classes: list[int]
) -> tuple[array, array, array, array]:
    """Postings as flat arrays for the cache: (start, section ids, impacts, largest impact)."""
    table = tf_table()
    start, sections, impacts, largest = array("i", [0]), array("i"), array("i"), array("i")
    for items, weight in zip(postings, idf):
        values = [weight * table[classes[s]][tf - 1] for s, tf in items]
        sections.extend(s for s, _ in items)
        impacts.extend(values)
        start.append(len(sections))
        largest.append(max(values, default=0))
    return start, sections, impacts, largest


__all__ = ["build_postings", "pack", "query_terms", "score_sections", "snippet"]
