"""The name match: how well a query names a doc (titles, aliases, abbreviations, summaries).

A query is normalised into words (see normalize.py). Each word is matched against the
index vocabulary - exactly, as a prefix ("liquid" -> "liquidation"), with the same
full-text stem, as a curated synonym (synonyms.py: "closed" -> "liquidated"), within a
small edit distance ("maintenence") or, when nothing else fits, as a misspelt prefix
("liqudat"). Every match has a quality in (0, 1]. A name (title, alias or abbreviation)
scores by how much of the query it covers (words weighted by rarity) and how much of the
name the query covers, blended with a whole-string similarity that catches split or
joined words. A summary scores by coverage alone and counts for less. An exact
abbreviation beats an exact title or alias, which beats anything fuzzy.

search-names.js (matchWord, scoreDocs) is the browser's copy, step for step.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections.abc import Callable, Sequence

from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel

from generator.search.index import SearchIndex
from generator.search.normalize import normalize_word, query_tokens, query_words_raw, raw_words, stem_text, words
from generator.search.params import EXACT_SCORE, FIELD_FACTOR, PARAMS
from generator.search.synonyms import name_phrases, name_synonyms, phrase_stand_ins, synonym_key

# A word's matches: vocab id -> (quality for names, quality for summaries or 0).
Matches = dict[int, tuple[float, float]]


def _max_typos(length: int, *, summary: bool) -> int:
    if length >= PARAMS["fuzzy2_min"]:
        return 2
    if length >= (PARAMS["summary_fuzzy_min"] if summary else PARAMS["fuzzy_min"]):
        return 1
    return 0


def match_word(index: SearchIndex, word: str, stand_ins: Sequence[str] = ()) -> Matches:
    """Every vocabulary word `word` may stand for, with its quality; `stand_ins` are the
    full-text stems of its curated synonyms (synonyms.name_synonyms)."""
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
    synonym = PARAMS["synonym_quality"]
    for stand_in in stand_ins:
        first = bisect_left(vocab, stand_in)
        for vocab_id in range(first, bisect_left(vocab, stand_in + "\uffff", first)):
            if stem_text(vocab[vocab_id]) == stand_in:
                add(vocab_id, synonym, synonym)
    typos = _max_typos(length, summary=False)
    if typos:
        summary_typos = _max_typos(length, summary=True)
        ids, near = _of_length(index, length - typos, length + typos)
        for _, distance, position in process.extract(word, near, scorer=OSA.distance, score_cutoff=typos, limit=None):
            if distance == 0:
                continue
            vocab_id = ids[position]
            quality = PARAMS["fuzzy_base"] - PARAMS["fuzzy_penalty"] * distance / length
            add(vocab_id, quality, quality if distance <= summary_typos else 0.0)
    if not exact and not prefixed and length >= PARAMS["fuzzy_min"] + 1:
        for vocab_id in _fuzzy_prefix(index, word):
            quality = PARAMS["fuzzy_prefix_base"] + PARAMS["fuzzy_prefix_span"] * length / len(vocab[vocab_id])
            add(vocab_id, quality, 0.0)
    return found


def _of_length(index: SearchIndex, shortest: int, longest: int) -> tuple[array, list[str]]:
    """(vocab ids, words) of the vocabulary words from `shortest` to `longest` characters
    long. A word more than k characters longer or shorter is more than k edits away, so
    the typo search need not look at it: on a large vocabulary that is most of it."""
    starts = index.length_start
    last = len(starts) - 1
    ids = index.vocab_by_length[starts[min(max(shortest, 0), last)] : starts[min(max(longest + 1, 0), last)]]
    vocab = index.vocab
    return ids, [vocab[i] for i in ids]


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


def _stand_ins(raw: str) -> tuple[str, ...]:
    return name_synonyms().get(synonym_key(raw), ())


def _phrase_extras(query: str, kept: list[str]) -> list[list[str]]:
    """The phrase stand-ins (synonyms.PHRASES) of each kept query word: phrases are found
    among all the query's words, function words included ("run out", "top up")."""
    every = raw_words(query)
    extras = phrase_stand_ins(every, name_phrases())
    out: list[list[str]] = []
    position = 0
    for word in kept:
        while position < len(every) and every[position] != word:
            position += 1
        out.append(extras[position] if position < len(every) else [])
        position += 1
    return out


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


def _best_by_word(matches: list[Matches], lookup: Callable[[int], Sequence[int]], which: int) -> list[dict[int, float]]:
    """Per query word: id (a name, or a doc by its summary) -> the best quality among the
    word's matches that `lookup` lists it under; `which` picks the name or summary quality.

    The matches go in order of rising quality, so each id keeps its best: whole posting
    lists are written at C speed rather than one id at a time."""
    out: list[dict[int, float]] = []
    for word_matches in matches:
        best: dict[int, float] = {}
        for vocab_id, qualities in sorted(word_matches.items(), key=lambda item: item[1][which]):
            if qualities[which] > 0.0:
                best.update(dict.fromkeys(lookup(vocab_id), qualities[which]))
        out.append(best)
    return out


def _covered(weights: Sequence[float], best_by_word: list[dict[int, float]]) -> dict[int, float]:
    """id -> the sum over query words of weight * best quality, added in word order as
    _weighted adds them: a word an id does not match would add 0.0, which changes no sum."""
    covered: dict[int, float] = {}
    for weight, best in zip(weights, best_by_word):
        get = covered.get
        for key, quality in best.items():
            covered[key] = get(key, 0.0) + weight * quality
    return covered


def score_docs(index: SearchIndex, query: str) -> dict[int, tuple[float, int, bool]]:
    raw = query_words_raw(query)
    qwords = [normalize_word(w) for w in raw]
    if not qwords:
        return {}
    all_key = " ".join(words(query))
    query_key = " ".join(qwords)
    extras = _phrase_extras(query, raw)
    matches = [match_word(index, w, (*_stand_ins(r), *e)) for w, r, e in zip(qwords, raw, extras)]
    weights = [_weight(index, m) for m in matches]
    total_weight = _weighted(weights, [1.0] * len(weights))

    # Best quality of each vocabulary word over all query words: a name's completeness.
    token_best: dict[int, float] = {}
    for word_matches in matches:
        for vocab_id, (quality, _) in word_matches.items():
            if quality > token_best.get(vocab_id, 0.0):
                token_best[vocab_id] = quality

    # Name side: per name, the best quality for each query word.
    by_word = _best_by_word(matches, index.names_with, 0)
    matches_all = set(by_word[0]).intersection(*by_word[1:])  # names that match every query word

    name_best: dict[int, tuple[float, int]] = {}
    whole: set[int] = set()  # docs with a name that matches every query word
    base = PARAMS["completeness_base"]
    floor = PARAMS["similarity_floor"]
    name_doc, name_field, name_key_len = index.name_doc, index.name_field, index.name_key_len
    name_start, name_tokens, vocab = index.name_start, index.name_tokens, index.vocab
    token_quality = token_best.get
    query_len = len(query_key)
    # The arithmetic below is written out (no sum(), no helpers but _covered's) in exactly the
    # order of the JavaScript port, so both produce bit-identical scores and therefore identical ties.
    for name_id, covered in _covered(weights, by_word).items():
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
        if name_id in matches_all:
            whole.add(doc_id)

    # Summary side: coverage only, with stricter matching.
    summary_covered = _covered(weights, _best_by_word(matches, index.summaries_with, 1))

    results: dict[int, tuple[float, int, bool]] = {}
    name_weight, summary_tie, summary_weight = PARAMS["name_weight"], PARAMS["summary_tie"], PARAMS["summary_weight"]
    cap, min_score = PARAMS["fuzzy_cap"], PARAMS["min_score"]
    for doc_id, (name_score, name_id) in name_best.items():
        summary_score = summary_covered.get(doc_id, 0.0) / total_weight
        named = name_weight * name_score + summary_tie * summary_score
        by_name = named >= summary_weight * summary_score
        score = named if by_name else summary_weight * summary_score
        if score >= min_score:  # found by its summary rather than a name: no name id (ranked as full text)
            results[doc_id] = (min(score, cap), name_id if by_name else -1, doc_id in whole and by_name)
    for doc_id, covered in summary_covered.items():
        if doc_id not in name_best:
            score = summary_weight * (covered / total_weight)
            if score >= min_score:
                results[doc_id] = (min(score, cap), -1, False)

    padded = f" {all_key} "
    for exact_key in dict.fromkeys((query_key, all_key)):
        for name_id in _exact_names(index, exact_key):
            full = " ".join(words(index.name_text(name_id)))
            if full != exact_key and f" {full} " not in padded:
                continue  # "Perpetuals and Futures" is not exactly "perpetual futures": its "and" is missing
            score = EXACT_SCORE[name_field[name_id]]
            doc_id = name_doc[name_id]
            if score > results.get(doc_id, (0.0, -1, False))[0]:
                results[doc_id] = (score, name_id, True)
    return results
