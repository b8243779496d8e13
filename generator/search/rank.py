"""Ranking: the one scoring design used by `glossary search` and by the site search.

Two signals, one ranking:
- the name match (names.py: titles, aliases, abbreviations, with typos; summaries for
  less), a score N in [0, 100];
- full-text relevance over sections (fulltext.py: BM25 impacts precomputed at build
  time), a score T in [0, 1] with the doc's best section.
A doc whose name score is at least `strong_name` is a strong name match and ranks first,
by N, linked to the top of its page. Every other doc scores
`name_share * N + text_share * 100 * T` and links to its best section; it is listed if
N >= min_score or 100 * T >= text_min.

The constants are in params.py; search-engine.js ranks with the same ones, shipped in the
site index.
"""

from __future__ import annotations

import heapq
import math
from typing import NamedTuple

from rapidfuzz.distance import Indel

from generator.search.fulltext import query_terms, score_sections, snippet
from generator.search.index import FIELD_NAMES, TITLE, SearchIndex
from generator.search.names import query_words, score_docs
from generator.search.params import PARAMS

__all__ = ["PARAMS", "Hit", "kind_label", "rank_docs", "search", "suggest"]  # and KIND_LABELS, on demand


def kind_label(kind: str) -> str:
    """The word the site uses for a kind (generator.model.KIND_LABELS), "Page" for its own
    pages. The model is imported here, not above: a warm search reads the labels from its
    cached index and never needs the model."""
    from generator.model import KIND_LABELS as ENTRY_KIND_LABELS

    return {**ENTRY_KIND_LABELS, "page": "Page"}.get(kind, kind.title())


def __getattr__(name: str) -> object:
    """`KIND_LABELS`, made when first asked for (see kind_label)."""
    if name == "KIND_LABELS":
        from generator.model import KIND_LABELS as ENTRY_KIND_LABELS

        return {**ENTRY_KIND_LABELS, "page": "Page"}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Hit(NamedTuple):
    """One ranked result; `matched` is the alias or abbreviation that found it, if any;
    `section` and `anchor` the part of the page that answers best ("" for the top),
    `snippet` a stretch of its text and `highlights` the (start, end) of the query's words in it;
    `kind_label` the kind as the page names it (Article, Definition, Area, Page).

    A NamedTuple rather than a dataclass: a warm search does not import dataclasses."""

    slug: str
    title: str
    kind: str
    score: float
    summary: str
    url: str
    matched: str = ""
    matched_field: str = ""
    section: str = ""
    anchor: str = ""
    snippet: str = ""
    highlights: tuple[tuple[int, int], ...] = ()
    kind_label: str = ""

    @property
    def link(self) -> str:
        """The address of the best section: the page's, with `#anchor` when there is one."""
        return f"{self.url}#{self.anchor}" if self.anchor else self.url

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "slug": self.slug,
            "title": self.title,
            "kind": self.kind,
            "kind_label": self.kind_label,
            "score": self.score,
            "summary": self.summary,
            "url": self.url,
            "section": {"title": self.section, "anchor": self.anchor, "url": self.link},
            "snippet": self.snippet,
            "highlights": [list(h) for h in self.highlights],
        }
        if self.matched:
            data["matched"] = self.matched
            data["matched_field"] = self.matched_field
        return data


def search(index: SearchIndex, query: str, limit: int = 10) -> list[Hit]:
    """Rank entries and pages for `query`; best first, at most `limit`."""
    terms = query_terms(query)
    marked = {term for group in terms for term in group}  # stand-ins highlighted too
    return _top(index, rank_docs(index, query, terms), limit, terms=marked)


def rank_docs(
    index: SearchIndex, query: str, terms: list[tuple[str, ...]] | None = None
) -> dict[int, tuple[float, int, int]]:
    """doc id -> (score, name id or -1, section id or -1): the name match and the full text, fused."""
    names = score_docs(index, query)
    text = score_sections(query_terms(query) if terms is None else terms, index.text_postings, index.section_doc)
    strong, bonus = PARAMS["strong_name"], PARAMS["strong_bonus"]
    name_share, text_share = PARAMS["name_share"], PARAMS["text_share"]
    min_score, text_min = PARAMS["min_score"], PARAMS["text_min"]
    whole_min, whole_bonus = PARAMS["whole_name"], PARAMS["whole_bonus"]
    summary_share = PARAMS["summary_share"]
    # Found by its text alone (most docs, on a large glossary): name score 0, so the score is
    # summary_share * 0.0 + text_share * text, which is text_share * text to the last bit.
    ranked: dict[int, tuple[float, int, int]] = {
        doc_id: (text_share * (text_score * 100.0), -1, section_id)
        for doc_id, (text_score, section_id) in text.items()
        if doc_id not in names and text_score * 100.0 >= text_min
    }
    for doc_id, (name_score, name_id, whole) in names.items():
        text_score, section_id = text.get(doc_id, (0.0, -1))
        text_score = text_score * 100.0
        if name_score >= strong:
            ranked[doc_id] = (bonus + name_score, name_id, -1)
        elif whole and name_score >= whole_min:
            ranked[doc_id] = (whole_bonus + name_share * name_score + text_share * text_score, name_id, section_id)
        elif name_score >= min_score or text_score >= text_min:
            share = name_share if name_id >= 0 else summary_share  # a summary is full text too
            ranked[doc_id] = (share * name_score + text_share * text_score, name_id, section_id)
    return ranked


def _top(
    index: SearchIndex, scored: dict[int, tuple], limit: int, scale: float = 1.0, terms: set[str] | None = None
) -> list[Hit]:
    """The `limit` best, by score then title (lower case). Only the docs that score at
    least the limit-th best score can be among them, so only their titles are compared."""
    if len(scored) > limit:
        floor = heapq.nlargest(limit, (value[0] for value in scored.values()))[-1]
        scored = {doc_id: value for doc_id, value in scored.items() if value[0] >= floor}
    titles = index.titles
    best = heapq.nsmallest(limit, scored.items(), key=lambda item: (-item[1][0], titles[item[0]].lower()))
    return [
        _hit(index, doc_id, value[0] * scale, value[1], value[2] if len(value) > 2 else -1, terms or set())
        for doc_id, value in best
    ]


def _hit(index: SearchIndex, doc_id: int, score: float, name_id: int, section_id: int, terms: set[str]) -> Hit:
    doc = index.doc(doc_id)
    matched = matched_field = ""
    if name_id >= 0 and index.name_field[name_id] != TITLE:
        matched, matched_field = index.name_text(name_id), FIELD_NAMES[index.name_field[name_id]]
    if section_id < 0:
        section_id = index.first_section(doc_id)
    title = anchor = text = ""
    if section_id >= 0:
        section = index.section(section_id)
        title, anchor, text = section.title, section.anchor, section.text
    shown, marks = snippet(text or doc.summary, terms)
    shown_score = math.floor(score * 10.0 + 0.5) / 10.0  # as the browser's Math.round(score * 10) / 10
    return Hit(
        doc.slug,
        doc.title,
        doc.kind,
        shown_score,
        doc.summary,
        doc.url,
        matched,
        matched_field,
        title,
        anchor,
        shown,
        tuple(marks),
        index.kind_label(doc.kind),
    )


def suggest(index: SearchIndex, text: str, limit: int = 5) -> list[Hit]:
    """'Did you mean': search hits first, then the names closest to `text` as a whole.

    Used when a search finds nothing, and by the 404 page with the address asked for.
    """
    hits = search(index, text, limit)
    query_key = " ".join(query_words(text))
    if len(hits) >= limit or not query_key:
        return hits
    seen = {hit.slug for hit in hits}
    sorted_query = " ".join(sorted(query_key.split(" ")))
    best: dict[int, tuple[float, int]] = {}
    for name_id in range(index.name_count):
        if index.name_joined[name_id]:
            continue
        name_key = index.key_of(name_id)
        similarity = max(
            Indel.normalized_similarity(query_key, name_key),
            Indel.normalized_similarity(sorted_query, " ".join(sorted(name_key.split(" ")))),
        )
        doc_id = index.name_doc[name_id]
        if similarity >= PARAMS["suggest_min"] and similarity > best.get(doc_id, (0.0, -1))[0]:
            best[doc_id] = (similarity, name_id)
    for hit in _top(index, best, limit + len(hits), scale=100.0 * PARAMS["suggest_min"]):
        if len(hits) >= limit:
            break
        if hit.slug not in seen:
            hits.append(hit)
    return hits
