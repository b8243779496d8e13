"""Full text at query time: a query's terms, each doc's BM25 score, and snippets.

The BM25 weights were worked out at build time (bm25.py) into integer impacts; a query
only adds them up. Both the CLI (rank.py) and the browser (search-fulltext.js) do only
this, on the same integers, in the same order:

    terms      = the query's distinct full-text terms (normalize.text_tokens), each with
                 its stand-ins (synonyms.py), weighted 4 (the term) or 3 (a stand-in)
    section    = sum over terms of the best weighted impact of the term or a stand-in
    ideal      = sum over known terms of the best weighted largest impact
    doc        = its best section (the first on a tie): section / ideal, times
                 known terms / terms (words the glossary never uses count against)

so the two agree to the last bit (integer sums, one division, one product).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from generator.search.normalize import fold, raw_words, text_tokens, text_word
from generator.search.synonyms import SYNONYM_SHARE, phrase_stand_ins, synonym_key, text_phrases, text_synonyms


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
    The sums are integers, so the order they are made in does not change them: a term
    found alone (no stand-in in the index) is added straight in, the first one making
    the dict at C speed, which is most of the work on a large glossary.
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
        pairs: Iterable[tuple[int, int]]
        if len(found) == 1:
            (sections, impacts, _), share = found[0]
            pairs = zip(sections, map(share.__mul__, impacts))
        else:
            best: dict[int, int] = {}
            for (sections, impacts, _), share in found:
                get = best.get
                for section_id, impact in zip(sections, impacts):
                    if impact * share > get(section_id, 0):
                        best[section_id] = impact * share
            pairs = best.items()
        if not scores:
            scores = dict(pairs)
            continue
        get = scores.get
        for section_id, value in pairs:
            scores[section_id] = get(section_id, 0) + value
    if not known:
        return {}
    share_known = known / len(terms)
    top: dict[int, tuple[int, int]] = {}
    get_top = top.get
    for section_id, total in scores.items():  # a doc's best section; the first on a tie
        doc_id = section_doc[section_id]
        old = get_top(doc_id)
        if old is None or total > old[0] or (total == old[0] and section_id < old[1]):
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
        word = match.group()
        # A word of letters and digits only: fold's joins and apostrophes cannot apply,
        # so an ASCII word folds to its lower case.
        term = text_word(word.lower() if word.isascii() else fold(word))
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


__all__ = ["SNIPPET", "SNIPPET_LEAD", "query_terms", "score_sections", "snippet"]
