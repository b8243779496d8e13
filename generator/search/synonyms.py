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


def export_synonyms() -> dict[str, object]:
    """The normalised tables for the site index (search-engine.js reads them from `rules`)."""
    return {
        "name_synonyms": {k: list(v) for k, v in name_synonyms().items()},
        "text_synonyms": {k: list(v) for k, v in text_synonyms().items()},
        "synonym_share": list(SYNONYM_SHARE),
    }
