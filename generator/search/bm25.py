"""BM25 over sections, precomputed at build time into small integers (fulltext.py scores).

Everything that needs tokenising, stemming or a logarithm happens here, once, in Python.
BM25's contribution of a term t to a section s,

    idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(s) / avg_len)),
    idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))     (N sections, df of them hold t)

is shipped as two integer tables whose product is the *impact*:

    impact(t, s) = IDF[t] * TF[length class of s][min(tf, TF_CAP) - 1]
    IDF[t]       = max(1, round(IDF_SCALE * idf(t)))
    TF[c][f]     = round(TF_SCALE * f * (k1 + 1) / (f + k1 * (1 - b + b * r_c)))

where a section's length class c is the bucket of len(s) / avg_len in LENGTH_BOUNDS and r_c
that bucket's representative ratio. So a posting is only (section, tf), and the browser
multiplies integers exactly as Python does (the site index ships even less: sitecodec.py).

The statistics (N, df and avg_len) count the entries' sections only: the site's own pages
are scored against them but move none of them, so editing a page never changes how an
entry ranks against another (tests/search/test_page_independence.py checks it). A term
that only pages use takes as df the number of page sections that hold it (still against
the entries' N): no entry holds it, so it moves no entry's impact, and a word the pages use
everywhere (*markdown*) does not weigh as the rarest word of all. A set of documents
without a single entry (a site of pages alone) counts all its sections.

A section's terms are those of its heading and text, the top section of a page counting
TOP_BOOST times (what a page is about outranks a passing mention elsewhere), plus its
page's title TITLE_BOOST times (so a section of "Liquidation Price" about Binance answers
"binance liquidation price"): boosted_tf.

Apart from fulltext.py, which a warm `glossary search` imports: this is build-time only.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from generator.search.normalize import text_tokens
from generator.search.sections import PAGE_KIND

if TYPE_CHECKING:
    from generator.search.sections import SearchDoc

K1 = 1.2
B = 0.75
TOP_BOOST = 3  # the top of a page (summary, names, In brief) says what the page is about
TITLE_BOOST = 3
TF_CAP = 8
IDF_SCALE = 100  # IDF to a hundredth: one decimal rounded common terms by up to 2.5%
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


def boosted_tf(count: int, top: bool, titled: bool) -> int:
    """A term's tf in a section from its own count there: the top section's counts weigh
    TOP_BOOST times and a term of the page's title adds TITLE_BOOST, capped at TF_CAP.
    The site index ships the counts; search-index.js applies this same rule."""
    return min(TF_CAP, count * (TOP_BOOST if top else 1) + (TITLE_BOOST if titled else 0))


def idf_value(sections: int, df: int) -> float:
    """BM25's idf times IDF_SCALE, before rounding (the browser computes the same)."""
    return IDF_SCALE * math.log(1 + (sections - df + 0.5) / (df + 0.5))


def idf_weight(sections: int, df: int) -> int:
    return max(1, round(idf_value(sections, df)))


class TermPostings:
    """One term's postings: (section id, tf) pairs in section order, held as two int arrays
    (as tuples, a large glossary's few million postings took a few hundred megabytes)."""

    __slots__ = ("sections", "tfs")

    def __init__(self) -> None:
        self.sections = array("i")
        self.tfs = array("i")

    def __len__(self) -> int:
        return len(self.sections)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self.sections, self.tfs)

    def __getitem__(self, index: int) -> tuple[int, int]:
        return self.sections[index], self.tfs[index]


class Postings(NamedTuple):
    """The full text as build_postings makes it; sections are numbered in document order,
    then in their order on the page."""

    terms: tuple[str, ...]  # sorted
    items: list[TermPostings]  # per term: (section id, tf), by section
    idf: list[int]  # per term
    classes: list[int]  # per section: its length class
    section_doc: list[int]  # per section: its doc id
    counted: list[bool]  # per section: whether BM25's statistics count it (an entry's section)
    stat_df: list[int]  # per term: the df of its IDF (counted sections, else all that hold it)


def build_postings(docs: Sequence[SearchDoc]) -> Postings:
    """Every section's terms with their tf (boosted_tf), IDF and length classes.

    One pass over the sections, each section's term counts let go as soon as its postings
    are made: held all at once, the counts of a large glossary's sections took several
    hundred megabytes, more than everything else its index needs."""
    section_doc: list[int] = []
    lengths: list[int] = []
    counted = counted_sections(docs)
    postings: dict[str, TermPostings] = defaultdict(TermPostings)
    doc_freq: Counter[str] = Counter()
    for doc_id, doc in enumerate(docs):
        title_terms = frozenset(text_tokens(doc.title))
        for position, section in enumerate(doc.sections):
            counter = Counter(text_tokens(f"{section.title} {section.text}"))
            top = position == 0
            section_id = len(section_doc)
            section_doc.append(doc_id)
            lengths.append(sum(counter.values()) * (TOP_BOOST if top else 1) + TITLE_BOOST * len(title_terms))
            held = counter.keys() | title_terms
            for term in held:
                found = postings[term]
                found.sections.append(section_id)
                found.tfs.append(boosted_tf(counter.get(term, 0), top, term in title_terms))
            if counted[section_id]:
                doc_freq.update(held)
    total = sum(counted)
    counted_lengths = [length for length, kept in zip(lengths, counted) if kept]
    avg_len = (sum(counted_lengths) / total) if total and sum(counted_lengths) else 1.0
    classes = [length_class(length / avg_len) for length in lengths]
    terms = tuple(sorted(postings))
    items = [postings[t] for t in terms]
    stat_df = [doc_freq[t] or len(postings[t]) for t in terms]
    idf = [idf_weight(total, df) for df in stat_df]
    return Postings(terms, items, idf, classes, section_doc, counted, stat_df)


def counted_sections(docs: Sequence[SearchDoc]) -> list[bool]:
    """Per section, in order: whether BM25's statistics count it. An entry's sections are
    counted and a page's are not, unless no document is an entry (then all are)."""
    any_entry = any(doc.kind != PAGE_KIND and doc.sections for doc in docs)
    return [not any_entry or doc.kind != PAGE_KIND for doc in docs for _ in doc.sections]


def pack(postings: Sequence[TermPostings], idf: list[int], classes: list[int]) -> tuple[array, array, array, array]:
    """Postings as flat arrays for the cache: (start, section ids, impacts, largest impact)."""
    table = tf_table()
    start, sections, impacts, largest = array("i", [0]), array("i"), array("i"), array("i")
    for items, weight in zip(postings, idf):
        values = [weight * table[classes[s]][tf - 1] for s, tf in items]
        sections.extend(items.sections)
        impacts.extend(values)
        start.append(len(sections))
        largest.append(max(values, default=0))
    return start, sections, impacts, largest


__all__ = [
    "Postings",
    "TermPostings",
    "boosted_tf",
    "build_postings",
    "counted_sections",
    "idf_value",
    "idf_weight",
    "pack",
    "tf_table",
]
