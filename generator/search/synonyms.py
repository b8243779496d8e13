"""Trader vocabulary -> glossary vocabulary: the words readers type for what entries name otherwise.

A reader asks "at what price will my long be closed" or "exchange wants more collateral";
the glossary says *liquidated* and *margin*. Stemming cannot bridge that, so a small
curated table does: each reader's word (left) may stand for the glossary words on the
right. It is directed ("closed" also searches *liquidation*; "liquidation" does not search
*close*) and applied to the query only, at rank time, in both engines:

- the name match (names.py) lets a query word match a name word it stands for, at
  `synonym_quality` (below an exact, prefix or same-stem match);
- the full text (fulltext.py) scores each query term as the best of itself and its
  stand-ins, a stand-in's impact counting `SYNONYM_SHARE` of the word's own.

A second table, PHRASES, does the same for a few short phrases ("runs out", "without
collateral", "add margin"): each word of the phrase, where the query has the whole phrase,
also stands for the phrase's glossary words.

The table is plain English; `name_synonyms` and `text_synonyms` normalise it the way each
side normalises text, and the site index ships both (normalize.export_rules), so the
browser applies exactly the same expansions. Keep entries general (a word traders use
for a concept the glossary names), never a fix for one query; a word whose stand-in is a
different concept in most uses does not belong here.
"""

from __future__ import annotations

import functools

from generator.search.normalize import normalize_word, stem_plural, stem_text, text_word

# reader's word (as typed, regular plural stripped) -> glossary words it may stand for. Keys
# are words, not stems, so that "closed" (a position was closed) can stand for
# *liquidated* while "close" (near) does not; list each inflection that means the same.
_LIQUIDATED = ("liquidation",)
SYNONYMS: dict[str, tuple[str, ...]] = {
    # being liquidated, as traders say it
    "closed": _LIQUIDATED,
    "wiped": _LIQUIDATED,
    "rekt": _LIQUIDATED,
    # margin and collateral, deposits and top-ups
    "collateral": ("margin",),
    "margin": ("collateral",),
    "deposit": ("margin", "collateral"),
    "deposited": ("margin", "collateral"),
    # borrowing and lending
    "borrow": ("loan", "debt"),
    "borrowed": ("loan", "debt"),
    "borrowing": ("loan", "debt"),
    "loan": ("borrow", "debt"),
    "lend": ("loan", "supply"),
    "lending": ("loan", "supply"),
    "lent": ("loan", "supply"),
    "lender": ("supplier", "depositor"),
    "owe": ("debt",),
    "owed": ("debt",),
    "owing": ("debt",),
    "debt": ("loan", "borrow"),
    "credit": ("loan",),
    # rewards, fees and penalties
    "reward": ("bonus", "incentive"),
    "incentive": ("bonus", "reward"),
    "penalty": ("fee", "bonus"),
    "cost": ("fee",),
    "charge": ("fee",),
    "charged": ("fee",),
    # venues
    "exchange": ("venue", "broker"),
    "broker": ("exchange", "venue"),
    "platform": ("venue", "exchange", "protocol"),
    "clearinghouse": ("clearing", "counterparty"),
    # limits
    "limit": ("cap", "ceiling"),
    "cap": ("limit", "ceiling"),
    "ceiling": ("cap", "limit"),
    "max": ("maximum", "cap"),
    "maximum": ("cap", "limit"),
    "min": ("minimum",),
    # failing, falling and rising
    "bankrupt": ("bankruptcy", "default", "insolvent"),
    "insolvent": ("bankrupt", "default", "insolvency"),
    "broke": ("bankrupt",),
    "bust": ("bankrupt",),
    "default": ("bankrupt", "bankruptcy"),
    "defaulted": ("bankrupt", "bankruptcy"),
    "empty": ("deplete", "exhaust"),
    "crash": ("crisis", "fall", "drop"),
    "crashed": ("crisis", "fall", "drop"),
    "dump": ("fall", "drop"),
    "plunge": ("fall", "drop"),
    "rally": ("rise",),
    "pump": ("rise", "rally"),
    "domino": ("contagion", "cascade"),
    "spiral": ("cascade", "loop"),
    "cascade": ("spiral",),
    # gains and value
    "gain": ("profit", "pnl"),
    "earning": ("profit", "return"),
    "worth": ("value",),
    "large": ("size", "notional"),
    "big": ("size", "notional"),
    "size": ("notional",),
    "move": ("change",),
    "moving": ("change",),
    "dangerous": ("risk",),
    "risky": ("risk",),
    # instruments and prices
    "perp": ("perpetual",),
    "spot": ("index", "underlying"),
    "vol": ("volatility",),
    "gearing": ("leverage",),
    "geared": ("leverage",),
    "trade": ("position",),
    "discount": ("haircut",),
    "haircut": ("discount",),
    "safety": ("health",),
}

# Short phrases readers type -> the glossary words they stand for, where no single word of
# the phrase means it ("runs out" is *exhausted*; "runs" alone is not). Keys are the words
# as typed (regular plural stripped), up to PHRASE_MAX of them, function words included;
# a phrase's stand-ins go to every word of it, as that word's own synonyms would.
PHRASES: dict[str, tuple[str, ...]] = {
    # a fund or a margin balance used up
    "run out": ("exhausted", "depleted", "dry"),
    "ran out": ("exhausted", "depleted", "dry"),
    "running out": ("exhausted", "depleted", "dry"),
    "run dry": ("exhausted", "depleted", "out"),
    "used up": ("exhausted", "depleted"),
    # a demand to top a position's margin up: a margin call
    "add margin": ("margin call",),
    "add collateral": ("margin call",),
    "more margin": ("margin call",),
    "more collateral": ("margin call",),
    "top up": ("margin call",),
    "without collateral": ("uncollateralized",),
    "no collateral": ("uncollateralized",),
}

PHRASE_MAX = max(len(phrase.split()) for phrase in PHRASES)
SYNONYM_SHARE = (3, 4)  # a stand-in's full-text impact counts 3/4 of the word's own (integers: exact in JS)


def synonym_key(word: str) -> str:
    """How a query's folded word is looked up in the tables: its regular plural stripped
    ("loans" as "loan"); other inflections are listed where they mean the same."""
    return stem_plural(word)


@functools.cache
def name_synonyms() -> dict[str, tuple[str, ...]]:
    """Reader's word -> its stand-ins as full-text stems of name words, so a stand-in
    matches every name word of its family ("liquidation", "liquidated")."""
    out: dict[str, list[str]] = {}
    for word, stand_ins in SYNONYMS.items():
        own = stem_text(normalize_word(word))
        for stand_in in stand_ins:
            stem = stem_text(normalize_word(stand_in))
            if stem != own and stem not in out.setdefault(word, []):
                out[word].append(stem)
    return {key: tuple(values) for key, values in sorted(out.items()) if values}


@functools.cache
def text_synonyms() -> dict[str, tuple[str, ...]]:
    """Reader's word -> its stand-ins as full-text terms (text_word)."""
    out: dict[str, list[str]] = {}
    for word, stand_ins in SYNONYMS.items():
        own = text_word(word)
        for stand_in in stand_ins:
            term = text_word(stand_in)
            if term and term != own and term not in out.setdefault(word, []):
                out[word].append(term)
    return {key: tuple(values) for key, values in sorted(out.items()) if values}


def _phrase_key(phrase: str) -> str:
    return " ".join(synonym_key(word) for word in phrase.split())


@functools.cache
def name_phrases() -> dict[str, tuple[str, ...]]:
    """Phrase (its words' synonym keys, space-separated) -> its stand-ins as full-text stems
    of name words, as name_synonyms."""
    return {
        _phrase_key(phrase): tuple(dict.fromkeys(stem_text(normalize_word(w)) for s in stand_ins for w in s.split()))
        for phrase, stand_ins in sorted(PHRASES.items())
    }


@functools.cache
def text_phrases() -> dict[str, tuple[str, ...]]:
    """Phrase (its words' synonym keys, space-separated) -> its stand-ins as full-text terms."""
    return {
        _phrase_key(phrase): tuple(dict.fromkeys(t for s in stand_ins for w in s.split() if (t := text_word(w))))
        for phrase, stand_ins in sorted(PHRASES.items())
    }


def phrase_stand_ins(raw: list[str], table: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """Per folded word of a query (all its words, function words included), the stand-ins of
    every phrase of `table` that the word is part of, in order of the phrases' first words."""
    keys = [synonym_key(word) for word in raw]
    out: list[list[str]] = [[] for _ in raw]
    for position in range(len(raw)):
        for length in range(2, min(PHRASE_MAX, len(raw) - position) + 1):
            extra = table.get(" ".join(keys[position : position + length]))
            if extra is None:
                continue
            for found in out[position : position + length]:
                found.extend(s for s in extra if s not in found)
    return out


def export_synonyms() -> dict[str, object]:
    """The normalised tables for the site index (search-normalize.js reads them from `rules`)."""
    return {
        "name_synonyms": {k: list(v) for k, v in name_synonyms().items()},
        "text_synonyms": {k: list(v) for k, v in text_synonyms().items()},
        "synonym_share": list(SYNONYM_SHARE),
        "name_phrases": {k: list(v) for k, v in name_phrases().items()},
        "text_phrases": {k: list(v) for k, v in text_phrases().items()},
        "phrase_max": PHRASE_MAX,
    }
