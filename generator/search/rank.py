"""Ranking: the one scoring design used by `glossary search` and by the site search.

Two signals, one ranking:
- the name match below (titles, aliases, abbreviations, with typos; summaries for less),
  a score N in [0, 100];
- full-text relevance over sections (fulltext.py: BM25 impacts precomputed at build
  time), a score T in [0, 1] with the doc's best section.
A doc whose name score is at least `strong_name` is a strong name match and ranks first,
by N, linked to the top of its page. Every other doc scores
`name_share * N + text_share * 100 * T` and links to its best section; it is listed if
N >= min_score or 100 * T >= text_min.

A query is normalised into words (see normalize.py). Each word is matched against the
index vocabulary - exactly, as a prefix ("liquid" -> "liquidation"), within a small edit
distance ("maintenence") or, when nothing else fits, as a misspelt prefix ("liqudat").
Every match has a quality in (0, 1]. A name (title, alias or abbreviation) scores by how
much of the query it covers (words weighted by rarity) and how much of the name the query
covers, blended with a whole-string similarity that catches split or joined words. A
summary scores by coverage alone and counts for less. An exact abbreviation beats an exact
title or alias, which beats anything fuzzy.

The numbers below are shipped to the browser in the site index (`PARAMS`) so that the
JavaScript port (search-engine.js) ranks with exactly the same constants.
"""

from __future__ import annotations

import heapq
import math
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel

from generator.search.fulltext import query_terms, score_sections, snippet
from generator.search.index import ABBREVIATION, ALIAS, FIELD_NAMES, TITLE, SearchIndex
from generator.search.normalize import query_tokens, stem_text, words

PARAMS: dict[str, float] = {
    "prefix_min": 2,  # shortest word matched as a prefix of a name word
    "summary_prefix_min": 4,  # ... of a summary word
    "fuzzy_min": 4,  # shortest word allowed one typo
    "fuzzy2_min": 7,  # shortest word allowed two typos
    "summary_fuzzy_min": 5,
    "prefix_base": 0.70,
    "prefix_span": 0.25,  # prefix quality = base + span * len(word) / len(match)
    "fuzzy_base": 0.88,
    "fuzzy_penalty": 0.5,  # fuzzy quality = base - penalty * distance / len(word)
    "fuzzy_prefix_base": 0.60,
    "fuzzy_prefix_span": 0.20,
    "stem_quality": 0.95,  # same full-text stem: "liquidated" for "liquidation"
    "completeness_base": 0.70,  # share of a name's score that does not need every name word
    "similarity_floor": 0.80,  # whole-string similarity below this is ignored
    "alias_factor": 0.97,
    "abbreviation_factor": 0.95,
    "name_weight": 88.0,
    "summary_tie": 6.0,
    "summary_weight": 60.0,
    "fuzzy_cap": 94.0,
    "exact_abbreviation": 100.0,
    "exact_title": 98.0,
    "exact_alias": 97.0,
    "min_score": 30.0,
    "suggest_min": 0.5,
    "strong_name": 90.0,  # a name score from here up ranks first (exact names, near-exact typos)
    "strong_bonus": 100.0,
    "name_share": 0.8,
    "text_share": 0.6,
    "summary_share": 0.6,  # name_share for a doc found by its summary alone (no name)
    "text_min": 20.0,
    "whole_name": 60.0,  # a name matching every query word, scoring this or more, ranks next ...
    "whole_bonus": 50.0,  # ... by its fused score plus this
}

FIELD_FACTOR: dict[int, float] = {
    TITLE: 1.0,
    ALIAS: PARAMS["alias_factor"],
    ABBREVIATION: PARAMS["abbreviation_factor"],
}
EXACT_SCORE: dict[int, float] = {
    TITLE: PARAMS["exact_title"],
    ALIAS: PARAMS["exact_alias"],
    ABBREVIATION: PARAMS["exact_abbreviation"],
}


KIND_LABELS: dict[str, str] = {"term": "Article", "definition": "Definition", "area": "Area", "page": "Page"}


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked result; `matched` is the alias or abbreviation that found it, if any;
    `section` and `anchor` the part of the page that answers best ("" for the top),
    `snippet` a stretch of its text and `highlights` the (start, end) of the query's words in it."""

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

    @property
    def kind_label(self) -> str:
        """The kind as the page names it (render.KIND_LABELS): Article, Definition, Area, Page."""
        return KIND_LABELS.get(self.kind, self.kind.title())

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


# A word's matches: vocab id -> (quality for names, quality for summaries or 0).
Matches = dict[int, tuple[float, float]]


def _max_typos(length: int, *, summary: bool) -> int:
    if length >= PARAMS["fuzzy2_min"]:
        return 2
    if length >= (PARAMS["summary_fuzzy_min"] if summary else PARAMS["fuzzy_min"]):
        return 1
    return 0


def match_word(index: SearchIndex, word: str) -> Matches:
    """Every vocabulary word `word` may stand for, with its quality."""
    vocab = index.vocab
    length = len(word)
    found: Matches = {}

    def add(vocab_id: int, name_q: float, summary_q: float) -> None:
        old = found.get(vocab_id)
        if old is None:
            found[vocab_id] = (name_q, summary_q)
        else:
            found[vocab_id] = (max(old[0], name_q), max(old[1], summary_q))

    start = bisect_left(vocab, word)
    exact = start < len(vocab) and vocab[start] == word
    if exact:
        add(start, 1.0, 1.0)
    prefixed = False
    if length >= PARAMS["prefix_min"]:
        end = bisect_left(vocab, word + "\uffff", start)
        for vocab_id in range(start + (1 if exact else 0), end):
            quality = PARAMS["prefix_base"] + PARAMS["prefix_span"] * length / len(vocab[vocab_id])
            add(vocab_id, quality, quality if length >= PARAMS["summary_prefix_min"] else 0.0)
            prefixed = True
    stem = stem_text(word)
    if len(stem) >= PARAMS["prefix_min"]:
        first = bisect_left(vocab, stem)
        for vocab_id in range(first, bisect_left(vocab, stem + "\uffff", first)):
            if vocab_id != start or not exact:
                if stem_text(vocab[vocab_id]) == stem:
                    add(vocab_id, PARAMS["stem_quality"], PARAMS["stem_quality"])
    typos = _max_typos(length, summary=False)
    if typos:
        summary_typos = _max_typos(length, summary=True)
        for _, distance, vocab_id in process.extract(word, vocab, scorer=OSA.distance, score_cutoff=typos, limit=None):
            if distance == 0:
                continue
            quality = PARAMS["fuzzy_base"] - PARAMS["fuzzy_penalty"] * distance / length
            add(vocab_id, quality, quality if distance <= summary_typos else 0.0)
    if not exact and not prefixed and length >= PARAMS["fuzzy_min"] + 1:
        for vocab_id in _fuzzy_prefix(index, word):
            quality = PARAMS["fuzzy_prefix_base"] + PARAMS["fuzzy_prefix_span"] * length / len(vocab[vocab_id])
            add(vocab_id, quality, 0.0)
    return found


def _fuzzy_prefix(index: SearchIndex, word: str) -> list[int]:
    """Name words whose beginning is within one typo of `word` ("liqudat" -> "liquidation").

    Only words that start with the same letter are tried: typing a first letter wrong is
    rare, and the limit keeps this cheap on a large vocabulary.
    """
    vocab = index.vocab
    length = len(word)
    first = bisect_left(vocab, word[0])
    last = bisect_left(vocab, word[0] + "\uffff", first)
    longer = [i for i in range(first, last) if len(vocab[i]) > length + 1 and index.in_names(i)]
    hits: set[int] = set()
    for cut in (length - 1, length, length + 1):
        heads = [vocab[i][:cut] for i in longer]
        for _, _, position in process.extract(word, heads, scorer=OSA.distance, score_cutoff=1, limit=None):
            hits.add(longer[position])
    return sorted(hits)


def _weight(index: SearchIndex, matches: Matches) -> float:
    """Rarer words weigh more; a word matching nothing weighs the least (likely noise)."""
    if not matches:
        return 1.0
    doc_freq = max(index.doc_freq[i] for i in matches)
    return 1.0 + math.log((len(index) + 1) / (doc_freq + 1))


def _weighted(weights: Sequence[float], values: Sequence[float]) -> float:
    """Left-to-right sum of products, the order the JavaScript port uses (no fsum)."""
    total = 0.0
    for weight, value in zip(weights, values):
        total += weight * value
    return total


def query_words(query: str) -> list[str]:
    """The query's meaningful words, or every word if all are function words."""
    return query_tokens(query)


def search(index: SearchIndex, query: str, limit: int = 10) -> list[Hit]:
    """Rank entries and pages for `query`; best first, at most `limit`."""
    terms = query_terms(query)
    return _top(index, rank_docs(index, query, terms), limit, terms=set(terms))


def rank_docs(index: SearchIndex, query: str, terms: list[str] | None = None) -> dict[int, tuple[float, int, int]]:
    """doc id -> (score, name id or -1, section id or -1): the name match and the full text, fused."""
    names = _score_docs(index, query)
    text = score_sections(query_terms(query) if terms is None else terms, index.text_postings, index.section_doc)
    strong, bonus = PARAMS["strong_name"], PARAMS["strong_bonus"]
    name_share, text_share = PARAMS["name_share"], PARAMS["text_share"]
    min_score, text_min = PARAMS["min_score"], PARAMS["text_min"]
    whole_min, whole_bonus = PARAMS["whole_name"], PARAMS["whole_bonus"]
    summary_share = PARAMS["summary_share"]
    ranked: dict[int, tuple[float, int, int]] = {}
    for doc_id in set(names) | set(text):
        name_score, name_id, whole = names.get(doc_id, (0.0, -1, False))
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
    titles = index.titles
    best = heapq.nsmallest(limit, scored.items(), key=lambda item: (-item[1][0], titles[item[0]].lower()))
    return [
        _hit(index, doc_id, value[0] * scale, value[1], value[2] if len(value) > 2 else -1, terms or set())
        for doc_id, value in best
    ]


def _exact_names(index: SearchIndex, key: str) -> list[int]:
    """Names (not joined forms) whose normalised words are exactly `key`'s."""
    wanted: list[int] = []
    for word in key.split(" "):
        position = bisect_left(index.vocab, word)
        if position >= len(index.vocab) or index.vocab[position] != word:
            return []
        wanted.append(position)
    target = array("i", wanted)
    return [n for n in index.names_with(wanted[0]) if not index.name_joined[n] and index.tokens_of(n) == target]


def _score_docs(index: SearchIndex, query: str) -> dict[int, tuple[float, int, bool]]:
    qwords = query_words(query)
    if not qwords:
        return {}
    all_key = " ".join(words(query))
    query_key = " ".join(qwords)
    matches = [match_word(index, w) for w in qwords]
    weights = [_weight(index, m) for m in matches]
    total_weight = _weighted(weights, [1.0] * len(weights))
    count = len(qwords)

    # Best quality of each vocabulary word over all query words: a name's completeness.
    token_best: dict[int, float] = {}
    for word_matches in matches:
        for vocab_id, (quality, _) in word_matches.items():
            if quality > token_best.get(vocab_id, 0.0):
                token_best[vocab_id] = quality

    # Name side: per name, the best quality for each query word.
    per_word: dict[int, list[float]] = {}
    for position, word_matches in enumerate(matches):
        for vocab_id, (quality, _) in word_matches.items():
            for name_id in index.names_with(vocab_id):
                best = per_word.get(name_id)
                if best is None:
                    best = per_word[name_id] = [0.0] * count
                if quality > best[position]:
                    best[position] = quality

    name_best: dict[int, tuple[float, int]] = {}
    whole: set[int] = set()  # docs with a name that matches every query word
    base = PARAMS["completeness_base"]
    floor = PARAMS["similarity_floor"]
    name_doc, name_field, name_key_len = index.name_doc, index.name_field, index.name_key_len
    name_start, name_tokens, vocab = index.name_start, index.name_tokens, index.vocab
    token_quality = token_best.get
    query_len = len(query_key)
    pairs = list(zip(weights, range(count)))
    # The arithmetic below is written out (no sum(), no helpers) in exactly the order of the
    # JavaScript port, so both produce bit-identical scores and therefore identical ties.
    for name_id, best in per_word.items():
        covered = 0.0
        for weight, position in pairs:
            covered += weight * best[position]
        coverage = covered / total_weight
        start, end = name_start[name_id], name_start[name_id + 1]
        complete = 0.0
        for token in name_tokens[start:end]:
            complete += token_quality(token, 0.0)
        score = coverage * (base + (1.0 - base) * (complete / (end - start)))
        key_len = name_key_len[name_id]
        if 2.0 * min(key_len, query_len) / (key_len + query_len) >= floor:  # else similarity < floor
            similarity = Indel.normalized_similarity(query_key, " ".join([vocab[t] for t in name_tokens[start:end]]))
            if similarity >= floor and similarity > score:
                score = similarity
        score *= FIELD_FACTOR[name_field[name_id]]
        doc_id = name_doc[name_id]
        old = name_best.get(doc_id)
        if old is None or score > old[0] or (score == old[0] and name_id < old[1]):
            name_best[doc_id] = (score, name_id)
        if 0.0 not in best:
            whole.add(doc_id)

    # Summary side: coverage only, with stricter matching.
    summary_q: dict[int, list[float]] = {}
    for position, word_matches in enumerate(matches):
        for vocab_id, (_, quality) in word_matches.items():
            if quality <= 0.0:
                continue
            for doc_id in index.summaries_with(vocab_id):
                best = summary_q.get(doc_id)
                if best is None:
                    best = summary_q[doc_id] = [0.0] * count
                if quality > best[position]:
                    best[position] = quality

    results: dict[int, tuple[float, int, bool]] = {}
    name_weight, summary_tie, summary_weight = PARAMS["name_weight"], PARAMS["summary_tie"], PARAMS["summary_weight"]
    cap, min_score = PARAMS["fuzzy_cap"], PARAMS["min_score"]
    for doc_id, (name_score, name_id) in name_best.items():
        summary = summary_q.get(doc_id)
        summary_score = _weighted(weights, summary) / total_weight if summary else 0.0
        named = name_weight * name_score + summary_tie * summary_score
        score = max(named, summary_weight * summary_score)
        if score >= min_score:
            results[doc_id] = (min(score, cap), name_id, doc_id in whole and named >= summary_weight * summary_score)
    for doc_id, summary in summary_q.items():
        if doc_id not in name_best:
            score = summary_weight * (_weighted(weights, summary) / total_weight)
            if score >= min_score:
                results[doc_id] = (min(score, cap), -1, False)

    for exact_key in dict.fromkeys((query_key, all_key)):
        for name_id in _exact_names(index, exact_key):
            score = EXACT_SCORE[name_field[name_id]]
            doc_id = name_doc[name_id]
            if score > results.get(doc_id, (0.0, -1, False))[0]:
                results[doc_id] = (score, name_id, True)
    return results


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
